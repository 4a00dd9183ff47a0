"""The aiohttp server: health, adapter registration, start-up and graceful shutdown."""

from __future__ import annotations

import asyncio
import gc

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters import slack as slack_adapter
from bot.server import TIP_SENDERS, build_app, build_dosay, freeze_startup_heap, serve
from bot.service import Dosay
from bot.settings import load_settings
from bot.storage.store import Store, make_engine
from tests.bot.conftest import KeywordMatcher


async def _get(app: web.Application, path: str) -> tuple[int, dict]:
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        response = await client.get(path)
        return response.status, await response.json()


async def test_healthz_ok(dosay) -> None:
    assert await _get(build_app(dosay, load_settings({}), adapters=[]), "/healthz") == (
        200,
        {"status": "ok", "database": "ok"},
    )


async def test_healthz_turns_red_when_the_database_is_unreachable(phrasebook, clock, tmp_path) -> None:
    broken = Store(make_engine(f"sqlite:///{tmp_path}/missing/dir/x.db"))
    service = Dosay(phrasebook=phrasebook, matcher=KeywordMatcher(), store=broken, clock=clock)
    status, body = await _get(build_app(service, load_settings({}), adapters=[]), "/healthz")
    assert status == 503 and body["database"] == "unreachable"


async def test_extra_registrars_plug_in(dosay) -> None:
    def register(app: web.Application, _dosay: Dosay, _settings: object) -> None:
        async def hello(_request: web.Request) -> web.Response:
            return web.json_response({"hello": "teams"})

        app.router.add_post("/api/messages", hello)

    app = build_app(dosay, load_settings({}), adapters=[], extra=[register])
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        assert (await client.post("/api/messages")).status == 200


async def test_slack_is_registered_only_with_credentials(dosay) -> None:
    without = build_app(dosay, load_settings({}), adapters=[slack_adapter.register])
    assert "slack" not in without[TIP_SENDERS]
    assert not any(r.resource and r.resource.canonical == "/slack/events" for r in without.router.routes())
    socket = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    socket_app = build_app(dosay, socket, adapters=[slack_adapter.register])
    assert "slack" in socket_app[TIP_SENDERS]  # Socket Mode: no public route, a connection at start-up
    assert not any(r.resource and r.resource.canonical == "/slack/events" for r in socket_app.router.routes())


async def test_serve_starts_answers_and_shuts_down_gracefully(tmp_path) -> None:
    settings = load_settings({"DOSAY_PORT": "0", "DOSAY_DATABASE_URL": f"sqlite:///{tmp_path}/dosay.db"})
    service = build_dosay(settings)  # the real phrasebook, matcher and migrated store
    stop = asyncio.Event()
    seen: dict[str, int] = {}

    async def ready(url: str) -> None:
        async with aiohttp.ClientSession() as session, session.get(url + "healthz") as response:
            seen["status"] = response.status
        stop.set()

    await asyncio.wait_for(serve(settings, dosay=service, ready=ready, stop=stop), timeout=60)
    assert seen == {"status": 200}


async def test_unreachable_database_stops_start_up_with_one_line(tmp_path) -> None:
    import pytest

    from bot.server import StartupError

    settings = load_settings(
        {"DOSAY_PORT": "0", "DOSAY_DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.db"}
    )
    with pytest.raises(StartupError, match=r"^DOSAY_DATABASE_URL: cannot open the database"):
        await serve(settings)


async def test_channel_defaults_come_from_settings(tmp_path) -> None:
    settings = load_settings(
        {
            "DOSAY_DATABASE_URL": f"sqlite:///{tmp_path}/d.db",
            "DOSAY_TIP_TIME": "08:15",
            "DOSAY_TIMEZONE": "Europe/Oslo",
        }
    )
    service = build_dosay(settings)
    try:
        current = await service.channel_settings("slack", "T1", "C1")
        assert (current.tip_time, current.timezone) == ("08:15", "Europe/Oslo")
    finally:
        service.close()


def test_start_up_objects_are_exempt_from_garbage_collection() -> None:
    kept: list[object] = [["built at start-up"]]
    assert gc.is_tracked(kept) and any(o is kept for o in gc.get_objects())
    try:
        freeze_startup_heap("http://127.0.0.1:3978/")  # what ``dosay serve`` runs once it is serving
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # collections no longer walk it
    finally:
        gc.unfreeze()
