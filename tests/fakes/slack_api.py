"""A loopback fake of the Slack Web API: aiohttp on 127.0.0.1, port 0, recording every call.

async with FakeSlackApi() as api:
    client = AsyncWebClient(token="xoxb-test", base_url=api.url)
    api.fail_next("chat.postMessage", status=429, retry_after=1)
    ...
    api.calls_to("chat.postMessage")  # -> list of recorded calls (params as a dict)

Socket Mode: ``apps.connections.open`` answers with this fake's WebSocket URL; ``socket_send(envelope)``
pushes an envelope to the connected client and ``wait_for_acks(n)`` returns what the client sent back.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T1"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    times: int
    body: dict[str, Any]


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, _Failure] = {}
        self._holds: dict[str, asyncio.Event] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._changed = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        #: what Socket Mode clients sent back (acknowledgements: ``{"envelope_id": ..., "payload"?}``)
        self.socket_acks: list[dict[str, Any]] = []

    # --- control ------------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str = "ratelimited",
    ) -> None:
        self._failures[method] = _Failure(status, retry_after, times, {"ok": False, "error": error})

    def hold(self, method: str) -> asyncio.Event:
        """Calls to ``method`` wait until the returned event is set (a Web API that hangs)."""
        gate = asyncio.Event()
        self._holds[method] = gate
        return gate

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``count`` successful calls to ``method`` were recorded (a bound, not a timing check)."""

        async def _until() -> None:
            while len(self.calls_to(method)) < count:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(_until(), timeout)
        return self.calls_to(method)

    async def _wait(self, done: Any, timeout: float) -> None:
        async def _until() -> None:
            while not done():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(_until(), timeout)

    async def wait_for_socket(self, timeout: float = 10.0) -> None:
        """Wait until a Socket Mode client is connected (a bound, not a timing check)."""
        await self._wait(lambda: bool(self._sockets), timeout)

    async def socket_send(self, envelope: dict[str, Any]) -> None:
        """Deliver a Socket Mode envelope (``events_api``, ``slash_commands``, ``interactive``)."""
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(envelope))

    async def wait_for_acks(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        await self._wait(lambda: len(self.socket_acks) >= count, timeout)
        return self.socket_acks

    # --- server ----------------------------------------------------------------------------------------

    async def start(self) -> FakeSlackApi:
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/api/"
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.content_type == "application/json" and raw:
            params: dict[str, Any] = json.loads(raw)
        else:
            params = dict(parse_qsl(raw))
            params.update(request.query)
        for key in ("blocks", "view", "attachments"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        headers["has_token"] = str(bool(request.headers.get("Authorization", "").startswith("Bearer ")))
        gate = self._holds.get(method)
        if gate is not None:
            await gate.wait()
        failure = self._failures.get(method)
        if failure is not None and failure.times > 0:
            failure.times -= 1
            self._record(Call(method, params, headers, failure.status))
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return web.json_response(failure.body, status=failure.status, headers=extra)
        self._record(Call(method, params, headers, 200))
        return web.json_response(self._answer(method, params))

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # answers the client's pings (slack_sdk checks them)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self._sockets.append(ws)
        self._changed.set()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
                    self._changed.set()
        finally:
            self._sockets.remove(ws)
        return ws

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.set()

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack/",
                "team": "Fake",
                "user": "dosay",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method == "chat.postMessage":
            ts = f"1800000000.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text", ""), "ts": ts, "bot_id": BOT_ID},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1800000000.{next(self._ts):06d}"}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://").replace("/api/", "/socket")}
        if method == "bots.info":
            return {"ok": True, "bot": {"id": params.get("bot", BOT_ID), "user_id": BOT_USER}}
        return {"ok": True}
