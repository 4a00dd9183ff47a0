"""A loopback fake of the Bot Framework connector (what Teams' serviceUrl points at): aiohttp on
127.0.0.1, port 0, recording every call and answering like the real one with ``{"id": ...}``.

async with FakeTeamsConnector() as connector:
    activity["serviceUrl"] = connector.url
    ...
    connector.posts()                       # replies and new messages, in order
    await connector.wait_for(count=1)       # a bound, not a timing assertion

Routes: POST /v3/conversations (create a 1:1 chat), POST /v3/conversations/{id}/activities (send),
POST /v3/conversations/{id}/activities/{activityId} (reply), PUT .../activities/{activityId} (update).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class ConnectorCall:
    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None  # the replied-to / updated activity, when the path names one
    body: dict[str, Any]
    has_token: bool
    response_id: str | None = None  # the id the fake answered with

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = attachment["content"]
                return content
        return None


class FakeTeamsConnector:
    def __init__(self) -> None:
        self.calls: list[ConnectorCall] = []
        self._ids = itertools.count(1)
        self._conversations = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()
        self.url = ""
        self.fail_status: int | None = None  # answer every send with this status when set
        #: When set, every send is recorded and then held until the event is set (a slow connector).
        self.hold: asyncio.Event | None = None
        #: When True, every send is recorded and its connection closed without an answer.
        self.drop = False

    # --- what was received -------------------------------------------------------------------------

    def posts(self) -> list[ConnectorCall]:
        """Messages sent (new or replies), oldest first; not conversation creations or updates."""
        return [c for c in self.calls if c.method == "POST" and c.path != "/v3/conversations"]

    def created_conversations(self) -> list[ConnectorCall]:
        return [c for c in self.calls if c.method == "POST" and c.path == "/v3/conversations"]

    async def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[ConnectorCall]:
        async def _until() -> None:
            while len(self.posts()) < count:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(_until(), timeout)
        return self.posts()

    # --- server ----------------------------------------------------------------------------------------

    async def start(self) -> FakeTeamsConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._send)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTeamsConnector:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _record(self, request: web.Request) -> ConnectorCall:
        raw = await request.text()
        call = ConnectorCall(
            method=request.method,
            path=request.path,
            conversation_id=request.match_info.get("conversation"),
            activity_id=request.match_info.get("activity"),
            body=json.loads(raw) if raw else {},
            has_token=request.headers.get("Authorization", "").startswith("Bearer "),
        )
        self.calls.append(call)
        self._changed.set()
        return call

    async def _create(self, request: web.Request) -> web.Response:
        await self._record(request)
        number = next(self._conversations)
        return web.json_response(
            {"id": f"a:personal-{number}", "activityId": f"created-{number}"}, status=201
        )

    async def _send(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        if self.hold is not None:
            await self.hold.wait()
        if self.drop and request.transport is not None:
            request.transport.abort()
            raise asyncio.CancelledError  # nothing is answered on an aborted connection
        if self.fail_status is not None:
            return web.json_response(
                {"error": {"code": "ServiceError", "message": "fake failure"}}, status=self.fail_status
            )
        call.response_id = call.activity_id if request.method == "PUT" else f"1800000000{next(self._ids):03d}"
        return web.json_response({"id": call.response_id}, status=200 if request.method == "PUT" else 201)
