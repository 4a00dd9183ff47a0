"""One aiohttp application for every surface: Slack, Teams, the playground, health.

Adapters plug in through ``register(app, dosay, settings)``: each adapter module exposes that
function, adds its routes and startup/cleanup hooks, and may add a daily-tip sender to
``app[TIP_SENDERS][platform]``. ``build_app`` calls the registrars of the adapter modules that
exist (``bot.adapters.slack``, ``bot.adapters.teams``, ``bot.adapters.playground``) plus ``extra``.

Start: ``run_server(settings)`` (blocking, what ``dosay serve`` calls) or ``await serve(settings)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.scheduler import TipScheduler, TipSender
from bot.service import Dosay
from bot.settings import Settings

if TYPE_CHECKING:
    from phrasebook.schema import Phrasebook

log = logging.getLogger("dosay.server")

Registrar = Callable[[web.Application, Dosay, Settings], None]

DOSAY = web.AppKey("dosay", Dosay)
SETTINGS = web.AppKey("settings", Settings)
TIP_SENDERS = web.AppKey("tip_senders", dict[str, TipSender])
SCHEDULER = web.AppKey("scheduler", TipScheduler)
#: Adapter modules tried in order; a module that does not exist yet is skipped.
ADAPTERS = ("bot.adapters.slack", "bot.adapters.teams", "bot.adapters.playground")


def utc_now() -> datetime:
    return datetime.now(UTC)


def load_phrasebook_for(settings: Settings) -> Phrasebook:
    from phrasebook.loader import load_phrasebook

    return load_phrasebook(settings.phrasebook)


def build_dosay(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> Dosay:
    """Phrasebook, matcher and store (migrated to the newest schema) for this process."""
    from bot.storage.store import Store
    from intents.matcher import Matcher

    phrasebook = load_phrasebook_for(settings)
    return Dosay(
        phrasebook=phrasebook,
        matcher=Matcher(phrasebook),
        store=Store.open(settings.database_url),
        clock=clock,
        default_tip_time=settings.tip_time,
        default_timezone=settings.timezone,
    )


class StartupError(Exception):
    """One line naming the setting to fix; raised instead of a traceback at start-up."""


def _startup_error(exc: Exception) -> StartupError | None:
    from sqlalchemy.exc import SQLAlchemyError

    from phrasebook.loader import PhrasebookError

    if isinstance(exc, PhrasebookError):
        first = exc.problems[0] if exc.problems else str(exc)
        return StartupError(
            f"DOSAY_PHRASEBOOK: the phrasebook is invalid ({first}); run `dosay phrasebook lint`"
        )
    if isinstance(exc, SQLAlchemyError):
        return StartupError(
            f"DOSAY_DATABASE_URL: cannot open the database ({type(exc).__name__}); "
            "start it or point DOSAY_DATABASE_URL at a reachable one"
        )
    if isinstance(exc, OSError):
        return StartupError(
            f"DOSAY_HOST/DOSAY_PORT: cannot listen there ({exc.strerror}); choose a free port"
        )
    return None


def adapter_registrars() -> list[Registrar]:
    found: list[Registrar] = []
    for name in ADAPTERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        register = getattr(module, "register", None)
        if callable(register):
            found.append(register)
    return found


async def healthz(request: web.Request) -> web.Response:
    from bot.health import HEALTH

    health = request.app.get(HEALTH)
    # through the gate's check when there is one: what readiness reports is what the gate does
    healthy = await (health.check() if health is not None else request.app[DOSAY].healthy())
    body = {"status": "ok" if healthy else "unavailable", "database": "ok" if healthy else "unreachable"}
    return web.json_response(body, status=200 if healthy else 503)


async def livez(_request: web.Request) -> web.Response:
    """Liveness: the event loop answers. Never touches the database, so a database outage makes the
    replicas unready (``/healthz`` 503) without an orchestrator restarting every one of them."""
    return web.json_response({"status": "alive"})


def build_app(
    dosay: Dosay,
    settings: Settings,
    *,
    extra: Sequence[Registrar] = (),
    adapters: Sequence[Registrar] | None = None,
    tip_interval: float = 60.0,
) -> web.Application:
    """The aiohttp app. ``adapters=None`` = every adapter module that exists; pass a list to choose."""
    app = web.Application(client_max_size=1024**2)
    app[DOSAY] = dosay
    app[SETTINGS] = settings
    app[TIP_SENDERS] = {}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/livez", livez)
    for register in [*(adapter_registrars() if adapters is None else adapters), *extra]:
        register(app, dosay, settings)
    from bot import health, metrics

    metrics.register(app, dosay, settings)  # after the adapters: it hooks the Slack client
    health.register(app, dosay, settings)

    async def retention(_app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                try:
                    deleted = await dosay.purge(timedelta(days=settings.retention_days))
                    log.info(
                        "retention: deleted %d rows older than %d days", deleted, settings.retention_days
                    )
                except Exception as exc:
                    log.warning("retention purge failed (%s); will try again", type(exc).__name__)
                await asyncio.sleep(6 * 3600)

        task = asyncio.create_task(loop(), name="dosay-retention")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(retention)

    async def start_tips(app: web.Application) -> None:
        if app[TIP_SENDERS]:
            scheduler = TipScheduler(dosay, app[TIP_SENDERS], dosay.clock, interval=tip_interval)
            app[SCHEDULER] = scheduler
            scheduler.start()

    async def stop_tips(app: web.Application) -> None:
        scheduler = app.get(SCHEDULER)
        if scheduler is not None:
            await scheduler.stop()

    app.on_startup.append(start_tips)
    app.on_shutdown.append(stop_tips)
    return app


def _surfaces(app: web.Application, settings: Settings) -> list[str]:
    paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    found = []
    if "/" in paths:
        found.append("playground at /")
    if "/slack/events" in paths:
        found.append("Slack at /slack/events")
    elif settings.slack_socket_mode:
        found.append("Slack over Socket Mode")
    if "/api/messages" in paths:
        found.append("Teams at /api/messages")
    return found


async def serve(
    settings: Settings,
    *,
    dosay: Dosay | None = None,
    ready: Callable[[str], Awaitable[None] | None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGINT/SIGTERM (or ``stop`` is set), then shut down gracefully."""
    try:
        dosay = dosay or build_dosay(settings)
    except Exception as exc:
        raise (_startup_error(exc) or exc) from None
    app = build_app(dosay, settings)
    runner = web.AppRunner(app, shutdown_timeout=10.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        await asyncio.to_thread(dosay.close)
        raise (_startup_error(exc) or exc) from None
    port = runner.addresses[0][1] if runner.addresses else settings.port
    url = f"http://{settings.host}:{port}/"
    surfaces = ", ".join(_surfaces(app, settings)) or "health only"
    log.info("dosay serving on %s (%s)", url, surfaces)
    print(f"dosay is serving on {url} ({surfaces}); press Ctrl+C to stop.", flush=True)
    if ready is not None:
        result = ready(url)
        if asyncio.iscoroutine(result):
            await result
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("dosay shutting down")
        await runner.cleanup()
        await asyncio.to_thread(dosay.close)


def freeze_startup_heap(_url: str = "") -> None:
    """Exempt everything built at start-up (phrasebook, matcher indexes, libraries) from garbage collection.

    Those objects live as long as the process, yet every full collection walked them all: a 35-85 ms
    pause of the event loop every 5-25 s under load, the slowest acknowledgements in ``dosay bench e2e``.
    After ``gc.freeze()`` a full collection walks only what was allocated since (no pause over 3 ms).
    """
    gc.collect()
    gc.freeze()


def run_server(settings: Settings) -> None:
    """Blocking entry point for ``dosay serve``."""
    from bot.logs import configure_logging

    configure_logging(settings.log_format)
    try:
        asyncio.run(serve(settings, ready=freeze_startup_heap))
    except StartupError as exc:
        sys.stderr.write(f"dosay serve: {exc}\n")
        raise SystemExit(2) from None
