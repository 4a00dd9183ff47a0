"""Teams end-to-end harness: the real aiohttp server with the Teams adapter, Activity JSON posted to
/api/messages, replies recorded by a loopback fake Bot Framework connector (serviceUrl). Turns run after
the acknowledgement, so ``post`` waits for them (``settle``) unless told not to."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.adapters import teams as teams_adapter
from bot.server import build_app
from bot.service import Dosay
from bot.settings import load_settings
from tests.fakes.teams_connector import FakeTeamsConnector

TENANT = "tenant-1"
CHANNEL = "19:general@thread.tacv2"
#: A team's id is the id of its General channel.
TEAM = CHANNEL
BOT = {"id": "28:dosay-bot", "name": "dosay"}
USER = {"id": "29:ann", "name": "Ann", "aadObjectId": "aad-ann"}
_ids = itertools.count(1)


def new_id() -> str:
    return f"17000000{next(_ids):05d}"


def mention(name: str = "dosay") -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{name}</at>", "mentioned": dict(BOT)}


def activity(
    text: str | None,
    *,
    service_url: str,
    kind: str = "channel",
    activity_id: str | None = None,
    thread_root: str | None = None,
    mentioned: bool = False,
    value: dict[str, Any] | None = None,
    sender: dict[str, Any] | None = None,
    conversation: str = CHANNEL,
    activity_type: str = "message",
    team: str = TEAM,
    **extra: Any,
) -> dict[str, Any]:
    """Activity JSON as Teams sends it to /api/messages."""
    activity_id = activity_id or new_id()
    conversation_id = conversation
    if kind == "channel":
        conversation_id = f"{conversation};messageid={thread_root or activity_id}"
    body: dict[str, Any] = {
        "type": activity_type,
        "id": activity_id,
        "timestamp": "2026-06-01T08:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": sender or dict(USER),
        "conversation": {
            "id": conversation_id,
            "conversationType": kind,
            "tenantId": TENANT,
            "isGroup": kind != "personal",
        },
        "recipient": dict(BOT),
        "channelData": {"tenant": {"id": TENANT}},
        **extra,
    }
    if text is not None:
        body["text"] = f"<at>dosay</at> {text}" if mentioned else text
        body["textFormat"] = "plain"
    if mentioned:
        body["entities"] = [mention()]
    if value is not None:
        body["value"] = value
    if kind == "channel":
        body["channelData"].update(
            teamsChannelId=conversation, teamsTeamId=team, channel={"id": conversation}, team={"id": team}
        )
    return body


@dataclass
class TeamsHarness:
    connector: FakeTeamsConnector
    dosay: Dosay
    client: TestClient[Any, Any]

    @property
    def url(self) -> str:
        return self.connector.url

    async def post(
        self, body: dict[str, Any], headers: dict[str, str] | None = None, *, settle: bool = True
    ) -> int:
        """POST one activity; then (unless ``settle=False``) wait for the turn it started."""
        response = await self.client.post(
            "/api/messages", json=body, headers=headers or {"Content-Type": "application/json"}
        )
        await response.read()
        if settle:
            await self.settle()
        return response.status

    async def settle(self) -> None:
        """Wait until every turn acknowledged so far has finished (no sleeps)."""
        bot = self.client.app.get(teams_adapter.TEAMS_BOT)
        if bot is not None:  # None: Teams is not served by this app
            await bot.drain()

    async def say(self, text: str | None, *, settle: bool = True, **kwargs: Any) -> int:
        return await self.post(activity(text, service_url=self.url, **kwargs), settle=settle)


@asynccontextmanager
async def teams_harness(dosay: Dosay, environ: dict[str, str] | None = None) -> AsyncIterator[TeamsHarness]:
    settings = load_settings({"DOSAY_DATABASE_URL": "sqlite://", **(environ or {})})
    app = build_app(dosay, settings, adapters=[teams_adapter.register])
    async with FakeTeamsConnector() as connector, TestClient(TestServer(app)) as client:
        yield TeamsHarness(connector=connector, dosay=dosay, client=client)
