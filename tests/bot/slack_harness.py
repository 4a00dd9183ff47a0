"""End-to-end harness: the real aiohttp server + real slack-bolt, signed requests, a fake Web API."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.signature import SignatureVerifier

from bot.adapters import slack as slack_adapter
from bot.server import SCHEDULER, build_app
from bot.service import Dosay
from bot.settings import Settings, load_settings
from tests.fakes.slack_api import BOT_USER, FakeSlackApi

SECRET = "test-signing-secret"


def slack_settings(api_url: str, database_url: str) -> Settings:
    return load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "DOSAY_SLACK_API_URL": api_url,
            "DOSAY_DATABASE_URL": database_url,
        }
    )


def sign(body: str, *, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def event_body(event: dict[str, Any], *, event_id: str, team: str = "T1") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1_700_000_000,
            "event": event,
            "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
        }
    )


def message_event(
    text: str, *, ts: str, channel: str = "C1", user: str = "U1", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
        **extra,
    }


@dataclass
class SlackHarness:
    api: FakeSlackApi
    dosay: Dosay
    client: TestClient[Any, Any]
    bodies: list[str] = field(default_factory=list)

    async def post_event(self, event: dict[str, Any], *, event_id: str, retry: int | None = None) -> int:
        body = event_body(event, event_id=event_id)
        headers = {"Content-Type": "application/json", **sign(body)}
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        response = await self.client.post("/slack/events", data=body, headers=headers)
        await response.read()
        return response.status

    async def post_raw(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        response = await self.client.post("/slack/events", data=body, headers=headers)
        return response.status, await response.text()

    async def post_form(self, fields: dict[str, str]) -> tuple[int, str]:
        body = urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        return await self.post_raw(body, headers)

    async def command(self, text: str, *, channel: str = "C1", user: str = "U1") -> tuple[int, str]:
        return await self.post_form(
            {
                "command": "/dosay",
                "text": text,
                "team_id": "T1",
                "channel_id": channel,
                "user_id": user,
                "response_url": self.api.url + "respond",
                "trigger_id": "trig.1",
                "token": "legacy",
            }
        )

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.post_form({"payload": json.dumps(payload)})

    async def settle(self) -> None:
        """Wait until every listener bolt started in the background has finished (no sleeps)."""
        while True:
            pending = [
                t
                for t in asyncio.all_tasks()
                if not t.done()
                and "run_ack_function_asynchronously" in getattr(t.get_coro(), "__qualname__", "")
            ]
            if not pending:
                return
            await asyncio.gather(*pending, return_exceptions=True)


async def start_harness(dosay: Dosay, api: FakeSlackApi, settings: Settings) -> SlackHarness:
    app = build_app(dosay, settings, adapters=[slack_adapter.register])
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    # The server's own tip loop would race the tests' ``TipScheduler.run_once`` for the day's claim (seen
    # on PostgreSQL: a tip enabled by the test was claimed by the loop first). Tests run the job themselves.
    scheduler = app.get(SCHEDULER)
    if scheduler is not None:
        await scheduler.stop()
    return SlackHarness(api=api, dosay=dosay, client=client)
