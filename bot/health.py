"""Database health for the whole app: a background check and a fail-fast gate.

While the last check failed, platform requests (``POST /slack/events``, ``POST /api/messages``) are
answered ``503`` at once instead of being acknowledged and then lost: Slack and the Bot Framework retry
them later, and a load balancer's readiness probe (``/healthz``, also 503) takes the replica out. The
check runs every ``interval`` seconds, and at once when a request's database step fails
(``Dosay.on_storage_error``); when the database answers again the gate opens by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from bot.service import Dosay
from bot.settings import Settings

log = logging.getLogger("dosay.health")

#: Requests refused while the database is down: the platforms retry them.
GATED_ROUTES = frozenset({"/slack/events", "/api/messages"})
UNAVAILABLE = {"error": "database unavailable; the request was not processed, retry later"}


class DatabaseHealth:
    def __init__(self, dosay: Dosay, *, interval: float = 5.0) -> None:
        self.dosay = dosay
        self.interval = interval
        self.up = True
        self._listeners: list[Callable[[bool], None]] = []
        self._task: asyncio.Task[None] | None = None
        self._recheck: asyncio.Task[bool] | None = None
        self._stopping = False

    def check_soon(self, _error: BaseException | None = None) -> None:
        """A request just failed on the database: check now rather than at the next interval, so the
        gate closes within one ping instead of acknowledging (and risking) up to ``interval`` s of events."""
        if self._recheck is None or self._recheck.done():
            with contextlib.suppress(RuntimeError):  # no running loop: the next interval will do
                self._recheck = asyncio.get_running_loop().create_task(self.check(), name="dosay-recheck")

    def on_change(self, listener: Callable[[bool], None]) -> None:
        self._listeners.append(listener)

    async def check(self) -> bool:
        """Ping the database now; logs only transitions (down / back)."""
        up = await self.dosay.healthy()
        if up != self.up:
            if up:
                log.info("database reachable again; accepting requests")
            else:
                log.warning("database unreachable; answering 503 until it is back")
        self.up = up
        for listener in self._listeners:
            listener(up)
        return up

    async def run(self) -> None:
        while not self._stopping:
            try:
                await self.check()
            except Exception:
                log.exception("health check failed unexpectedly")
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name="dosay-health")

    async def stop(self) -> None:
        """Stop the background check (at shutdown; tests stop it to drive ``check`` themselves).

        Cancels until the task is done: Python 3.11's ``asyncio.wait_for`` (inside ``Dosay.healthy``) can
        swallow a cancellation that arrives as the ping completes, and one lost cancel would hang shutdown.
        """
        task, self._task = self._task, None
        self._stopping = True  # a swallowed cancel ends the loop at its next turn
        if self._recheck is not None and not self._recheck.done():
            with contextlib.suppress(BaseException):
                await self._recheck
        while task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=0.1)
        if task is not None and not task.cancelled():
            with contextlib.suppress(BaseException):
                task.result()  # retrieve it, so no "exception never retrieved" warning


HEALTH = web.AppKey("database_health", DatabaseHealth)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "POST" and request.path in GATED_ROUTES and not request.app[HEALTH].up:
        return web.json_response(UNAVAILABLE, status=503, headers={"Retry-After": "5"})
    return await handler(request)


def register(app: web.Application, dosay: Dosay, settings: Settings, *, interval: float = 5.0) -> None:
    """Add the gate and the background check (and feed ``dosay_database_up`` when metrics are on)."""
    health = DatabaseHealth(dosay, interval=interval)
    app[HEALTH] = health
    dosay.on_storage_error(health.check_soon)
    app.middlewares.append(_gate)
    from bot.metrics import METRICS

    metrics = app.get(METRICS)
    if metrics is not None:
        health.on_change(lambda up: metrics.database_up.set(1 if up else 0))

    async def monitor(_app: web.Application) -> AsyncIterator[None]:
        health.start()
        yield
        await health.stop()

    app.cleanup_ctx.append(monitor)
