"""``GET /metrics`` in Prometheus text format, one ``CollectorRegistry`` per app (tests stay isolated).

What is counted (never message text, never user ids — labels are bounded sets):

- ``dosay_events_received_total{platform}``: messages the service decided on (duplicates included);
- ``dosay_corrections_total{platform,entry,action}``: replies, ephemerals and reactions dosay sent;
- ``dosay_suppressed_total{platform,reason}``: messages dosay stayed silent on (no-match = low score,
  cooldown, snoozed, duplicate, already-in-thread, off, bot);
- ``dosay_ack_latency_seconds{platform}``: time to answer the platform's HTTP request (Slack's ack);
- ``dosay_web_api_errors_total{platform,method,error}``: failed Web API calls: on Slack each attempt
  (a call retried after a 429 counts once per failed attempt), on Teams each call that finally failed;
- ``dosay_database_up``: 1 when the last health check reached the database.

``register(app, dosay, settings)`` is called by ``bot.server.build_app`` after the adapters.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.core_types import Decision, InboundMessage
from bot.service import Dosay
from bot.settings import Settings

#: HTTP routes whose response is a platform's acknowledgement, and the platform they belong to.
ACK_ROUTES = {"/slack/events": "slack", "/api/messages": "teams"}
_ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.events = Counter(
            "dosay_events_received", "Messages the service decided on, by platform", ["platform"], registry=r
        )
        self.corrections = Counter(
            "dosay_corrections",
            "Corrections dosay made, by entry and action",
            ["platform", "entry", "action"],
            registry=r,
        )
        self.suppressed = Counter(
            "dosay_suppressed",
            "Messages dosay stayed silent on, by reason",
            ["platform", "reason"],
            registry=r,
        )
        self.ack_latency = Histogram(
            "dosay_ack_latency_seconds",
            "Time to answer a platform's HTTP request (the acknowledgement)",
            ["platform"],
            buckets=_ACK_BUCKETS,
            registry=r,
        )
        self.web_api_errors = Counter(
            "dosay_web_api_errors",
            "Failed platform Web API calls (Slack: each attempt; Teams: each failed call),"
            " by method and error",
            ["platform", "method", "error"],
            registry=r,
        )
        self.database_up = Gauge(
            "dosay_database_up", "1 when the database answered the last check", registry=r
        )
        self.database_up.set(1)

    def observe(self, msg: InboundMessage, decision: Decision) -> None:
        """A ``Dosay.add_observer`` callback: count, don't keep."""
        self.events.labels(msg.platform).inc()
        if decision.reply is not None and decision.action != "silent":
            self.corrections.labels(msg.platform, decision.reply.entry_id, decision.action).inc()
        else:
            self.suppressed.labels(msg.platform, decision.reason).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class WebApiErrorCounter(AsyncRetryHandler):
    """A slack-sdk retry handler that never retries: it counts failed attempts (HTTP >= 400, ``ok: false``,
    connection errors). Put it first in the client's ``retry_handlers`` so it sees every response."""

    def __init__(self, metrics: Metrics, platform: str = "slack") -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics
        self.platform = platform

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = request.url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0][:64] or "unknown"
        if error is not None:
            self.metrics.web_api_errors.labels(self.platform, method, type(error).__name__).inc()
        elif response is not None:
            body = response.body if isinstance(response.body, dict) else {}
            if response.status_code >= 400 or body.get("ok") is False:
                reason = str(body.get("error") or f"http_{response.status_code}")[:64]
                self.metrics.web_api_errors.labels(self.platform, method, reason).inc()
        return False


METRICS = web.AppKey("metrics", Metrics)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _ack_timer(request: web.Request, handler: Handler) -> web.StreamResponse:
    platform = ACK_ROUTES.get(request.path) if request.method == "POST" else None
    if platform is None:
        return await handler(request)
    started = time.perf_counter()
    try:
        return await handler(request)
    finally:
        request.app[METRICS].ack_latency.labels(platform).observe(time.perf_counter() - started)


async def metrics_view(request: web.Request) -> web.Response:
    body = request.app[METRICS].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def _slack_client(app: web.Application) -> Any:
    try:
        from bot.adapters.slack import SLACK_APP
    except ImportError:  # pragma: no cover - the Slack adapter is always shipped
        return None
    bolt = app.get(SLACK_APP)
    return getattr(bolt, "client", None) if bolt is not None else None


def register(app: web.Application, dosay: Dosay, settings: Settings) -> None:
    """Add ``/metrics``, the decision observer, the ack timer and the Slack Web API error counter."""
    metrics = Metrics()
    app[METRICS] = metrics
    dosay.add_observer(metrics.observe)
    app.middlewares.append(_ack_timer)
    app.router.add_get("/metrics", metrics_view)
    client = _slack_client(app)
    handlers = getattr(client, "retry_handlers", None)
    if isinstance(handlers, list):
        handlers.insert(0, WebApiErrorCounter(metrics))
