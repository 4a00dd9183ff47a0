"""The local playground: a web page at ``/`` and its JSON API (docs/playground-openapi.yaml).

Thin, like every adapter: translate the request into an ``InboundMessage`` (platform "playground",
workspace "local", channel "playground"), call the ``Dosay`` service — the same core, storage and noise
rules as Slack — and answer with JSON views from ``playground_views``. Message text is never logged or
stored; the page renders every string with ``textContent``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.adapters import playground_views as views
from bot.core_types import InboundMessage
from bot.service import Dosay
from bot.settings import Settings
from bot.stats import compute_stats
from intents import cost
from phrasebook.schema import Regime

log = logging.getLogger(__name__)

PLATFORM: Literal["playground"] = "playground"
WORKSPACE = "local"
CHANNEL = "playground"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
DOSAY_KEY = web.AppKey("dosay_playground", Dosay)

_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MessageIn(_In):
    user: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=4000)
    thread_id: str | None = Field(default=None, max_length=128)
    client_id: str | None = Field(default=None, max_length=128)  # dedupes a double submit


class EditIn(_In):
    user: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=4000)


class FeedbackIn(_In):
    user: str = Field(min_length=1, max_length=64)
    entry_id: str = Field(min_length=1, max_length=64)
    kind: Literal["helpful", "not_misconception", "snooze"]
    text: str | None = Field(default=None, max_length=2000)
    consent: bool = False  # the text is stored only when the user ticked "store my text"


class CostIn(_In):
    """Either ``query`` (the ``dosay cost`` language) or the form's fields (``regime`` and numbers)."""

    query: str | None = Field(default=None, max_length=500)
    regime: Literal["fine-tuning", "inference", "rag", "pre-training"] | None = None
    rft: bool = False
    training_tokens: float | None = Field(default=None, ge=0, le=1e15)
    epochs: float | None = Field(default=None, ge=1, le=1e4)
    runs: float | None = Field(default=None, ge=1, le=1e4)
    training_rate: float | None = Field(default=None, ge=0, le=1e6)
    hours: float | None = Field(default=None, ge=0, le=1e6)
    hosting_per_hour: float | None = Field(default=None, ge=0, le=1e6)
    input_tokens: float | None = Field(default=None, ge=0, le=1e15)
    output_tokens: float | None = Field(default=None, ge=0, le=1e15)
    input_rate: float | None = Field(default=None, ge=0, le=1e6)
    output_rate: float | None = Field(default=None, ge=0, le=1e6)
    tier: Literal["budget", "premium"] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> CostIn:
        if (self.query is None) == (self.regime is None):
            raise ValueError("send either 'query' (e.g. 'inference 10M in 2M out') or 'regime' with numbers")
        return self


def register(app: web.Application, dosay: Dosay, settings: Settings | None = None) -> None:
    """Mount the page (``GET /``, ``/static/``) and the JSON API (``/api/playground``, ``/api/...``).

    The shape of ``bot.server.Registrar``; ``settings`` is unused (nothing to configure yet).
    """
    app[DOSAY_KEY] = dosay
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC_DIR, append_version=True)
    app.router.add_post("/api/playground/messages", post_message)
    app.router.add_patch("/api/playground/messages/{message_id}", edit_message)
    app.router.add_post("/api/playground/feedback", post_feedback)
    app.router.add_get("/api/phrasebook/search", search)
    app.router.add_get("/api/phrasebook/entries", list_entries)
    app.router.add_get("/api/phrasebook/entries/{entry_id}", get_entry)
    app.router.add_get("/api/regimes", list_regimes)
    app.router.add_get("/api/regimes/{regime}", get_regime)
    app.router.add_get("/api/cost-bands", list_cost_bands)
    app.router.add_post("/api/cost", post_cost)
    app.router.add_get("/api/stats", get_stats)


# --- helpers ------------------------------------------------------------------------------------------


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _body(request: web.Request, model: type[Any]) -> Any:
    """Parse a JSON body into ``model``; raise an HTTP error whose text says what to send instead."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(
            text='{"error": "send Content-Type: application/json"}', content_type="application/json"
        )
    try:
        return model.model_validate(await request.json())
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            first = exc.errors(include_input=False, include_url=False)[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "body"
            message = f"{where}: {first['msg']}"
        else:
            message = "the body is not valid JSON"
        raise web.HTTPBadRequest(
            text=web.json_response({"error": message}).text, content_type="application/json"
        ) from None


def _dosay(request: web.Request) -> Dosay:
    return request.app[DOSAY_KEY]


def _now(dosay: Dosay) -> datetime:
    return dosay.clock()


# --- page ---------------------------------------------------------------------------------------------


async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers=_HEADERS)


# --- chat ---------------------------------------------------------------------------------------------


async def post_message(request: web.Request) -> web.Response:
    body: MessageIn = await _body(request, MessageIn)
    dosay = _dosay(request)
    now = _now(dosay)
    message_id = f"pg-{uuid.uuid4().hex[:16]}"
    inbound = InboundMessage(
        platform=PLATFORM,
        workspace=WORKSPACE,
        channel=CHANNEL,
        user=body.user,
        message_id=message_id,
        thread_id=body.thread_id,
        text=body.text,
        delivery_id=f"playground:{body.client_id}" if body.client_id else None,
        received_at=now,
    )
    decision = await dosay.on_message(inbound)
    if decision.reply is not None:
        await dosay.record_reply(inbound, decision, f"reply-{message_id}")
    log.info("playground message: action=%s reason=%s", decision.action, decision.reason)
    return web.json_response(
        {
            "message": {
                "id": message_id,
                "user": body.user,
                "text": body.text,
                "thread_id": body.thread_id,
                "at": now.isoformat(),
            },
            "decision": views.decision_view(decision),
        }
    )


async def edit_message(request: web.Request) -> web.Response:
    body: EditIn = await _body(request, EditIn)
    dosay = _dosay(request)
    inbound = InboundMessage(
        platform=PLATFORM,
        workspace=WORKSPACE,
        channel=CHANNEL,
        user=body.user,
        message_id=request.match_info["message_id"],
        text=body.text,
        delivery_id=f"playground-edit:{uuid.uuid4().hex}",
        received_at=_now(dosay),
    )
    outcome = await dosay.on_edit(inbound)
    return web.json_response(
        {"outcome": outcome.kind, "entry_id": outcome.entry_id, "note": views.NOTES[outcome.kind]}
    )


async def post_feedback(request: web.Request) -> web.Response:
    body: FeedbackIn = await _body(request, FeedbackIn)
    dosay = _dosay(request)
    if body.entry_id not in dosay.phrasebook.entries:
        return _error(404, f"unknown entry '{body.entry_id}'; use an id from GET /api/phrasebook/entries")
    if body.kind == "snooze":
        until = await dosay.snooze(platform=PLATFORM, workspace=WORKSPACE, user=body.user)
        return web.json_response(
            {
                "stored": True,
                "kind": "snooze",
                "until": until.isoformat(),
                "note": views.NOTES["snooze"].format(user=body.user, until=until),
            }
        )
    text = body.text if body.consent and body.text else None
    await dosay.feedback(
        platform=PLATFORM,
        workspace=WORKSPACE,
        channel=CHANNEL,
        user=body.user,
        entry_id=body.entry_id,
        kind=body.kind,
        text=text,
    )
    return web.json_response(
        {"stored": True, "kind": body.kind, "text_stored": text is not None, "note": views.NOTES[body.kind]}
    )


# --- phrasebook ---------------------------------------------------------------------------------------


async def search(request: web.Request) -> web.Response:
    dosay = _dosay(request)
    query = request.query.get("q", "").strip()[:200]
    if not query:
        return web.json_response({"query": "", "results": [], "did_you_mean": []})
    return web.json_response(views.search_view(dosay.lookup(query)))


async def list_entries(request: web.Request) -> web.Response:
    dosay = _dosay(request)
    today = _now(dosay).date()
    entries = [views.entry_summary(dosay.phrasebook, e, today) for e in dosay.phrasebook.entries.values()]
    return web.json_response({"today": today.isoformat(), "entries": entries})


async def get_entry(request: web.Request) -> web.Response:
    dosay = _dosay(request)
    entry = dosay.phrasebook.entries.get(request.match_info["entry_id"])
    if entry is None:
        return _error(404, "unknown entry; list the ids with GET /api/phrasebook/entries")
    return web.json_response(views.entry_view(dosay.phrasebook, entry, _now(dosay).date()))


async def list_regimes(request: web.Request) -> web.Response:
    dosay = _dosay(request)
    today = _now(dosay).date()
    cards = [views.regime_view(card, dosay.phrasebook, today) for card in dosay.phrasebook.regimes.values()]
    return web.json_response({"regimes": cards})


async def get_regime(request: web.Request) -> web.Response:
    dosay = _dosay(request)
    try:
        card = dosay.phrasebook.regimes[Regime(request.match_info["regime"])]
    except (ValueError, KeyError):
        known = ", ".join(r.value for r in dosay.phrasebook.regimes)
        return _error(404, f"unknown regime (known: {known})")
    return web.json_response(views.regime_view(card, dosay.phrasebook, _now(dosay).date()))


async def list_cost_bands(request: web.Request) -> web.Response:
    dosay = _dosay(request)
    today = _now(dosay).date()
    bands = [views.band_view(b, today) for b in dosay.phrasebook.cost_bands.values()]
    return web.json_response({"cost_bands": bands})


async def post_cost(request: web.Request) -> web.Response:
    body: CostIn = await _body(request, CostIn)
    dosay = _dosay(request)
    try:
        if body.query is not None:
            query = cost.parse_cost_query(body.query)
        else:
            query = cost.CostQuery.model_validate(body.model_dump(exclude={"query"}, exclude_none=True))
        result = cost.estimate(dosay.phrasebook, query)
    except cost.CostQueryError as exc:
        return _error(400, str(exc))
    return web.json_response(
        {"query": body.query, "result": views.jsonable(result), "text": result.summary()}
    )


# --- stats --------------------------------------------------------------------------------------------


async def get_stats(request: web.Request) -> web.Response:
    """The numbers of ``dosay stats`` (``bot.stats.compute_stats``) over every platform's stored rows."""
    dosay = _dosay(request)
    try:
        weeks = min(max(int(request.query.get("weeks", "8")), 1), 52)
    except ValueError:
        return _error(400, "weeks: expected a whole number from 1 to 52")
    loop = asyncio.get_running_loop()
    corrections = await loop.run_in_executor(None, dosay.store.correction_rows)
    feedback = await loop.run_in_executor(None, dosay.store.feedback_counts)
    report = compute_stats(corrections, feedback, today=_now(dosay).date(), weeks=weeks)
    return web.json_response(views.stats_view(report))
