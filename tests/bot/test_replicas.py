"""Two real ``dosay serve`` processes on one PostgreSQL schema, behind an imaginary load balancer.

Each replica runs in its own subprocess on its own free port with Slack credentials, talking to the
loopback fake Slack Web API. Exactly-once comes from database constraints, so the assertions wait for
both replicas to have *decided* (their /metrics say so), never for time to pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.policy import ChannelSettings
from bot.storage.store import Store
from tests.bot.conftest import PG_URL, drop_schema, postgres_schema_or_skip
from tests.bot.slack_harness import SECRET, event_body, message_event, sign
from tests.fakes.slack_api import FakeSlackApi

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
SAY = "The AI will learn from your data over time."  # the bundled phrasebook's own don't-say line


class Replica:
    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process, self.url = process, url

    async def metric(self, session: aiohttp.ClientSession, name: str, **labels: str) -> float:
        async with session.get(self.url + "metrics") as response:
            text = await response.text()
        total = 0.0
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == name and labels.items() <= s.labels.items():
                    total += s.value
        return total


async def start_replica(env: dict[str, str]) -> Replica:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=120)).decode()
        if not line:
            raise AssertionError(f"dosay serve exited with {await process.wait()} before serving")
        if "serving on " in line:
            return Replica(process, line.split("serving on ", 1)[1].split()[0])


async def stop_replica(replica: Replica) -> None:
    if replica.process.returncode is None:
        replica.process.terminate()
        try:
            await asyncio.wait_for(replica.process.wait(), timeout=30)
        except TimeoutError:
            replica.process.kill()
            await replica.process.wait()


@pytest.fixture
async def cluster() -> AsyncIterator[tuple[FakeSlackApi, list[Replica]]]:
    schema = postgres_schema_or_skip()
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    store = Store.open(PG_URL, schema=schema)  # create and migrate, then leave a due tip channel
    store.put_channel_settings(
        ChannelSettings(
            platform="slack", workspace="T1", channel="CTIP", tips_enabled=True, tip_time="00:00"
        ),
        datetime.now(UTC),
    )
    store.close()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "DOSAY_DATABASE_URL": url,
        "DOSAY_HOST": "127.0.0.1",
        "DOSAY_PORT": "0",
        "DOSAY_LOG_FORMAT": "json",
    }
    replicas: list[Replica] = []
    async with FakeSlackApi() as api:
        env["DOSAY_SLACK_API_URL"] = api.url
        try:
            replicas = list(await asyncio.gather(start_replica(env), start_replica(env)))
            yield api, replicas
        finally:
            for replica in replicas:
                with contextlib.suppress(ProcessLookupError):
                    await stop_replica(replica)
            drop_schema(schema)


async def post(session: aiohttp.ClientSession, replica: Replica, body: str, content_type: str) -> int:
    headers = {"Content-Type": content_type, **sign(body)}
    async with session.post(replica.url + "slack/events", data=body, headers=headers) as response:
        await response.read()
        return response.status


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    """Poll a condition (a bound against hangs, not a timing assertion)."""

    async def loop() -> None:
        while not await check():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(loop(), timeout)


async def test_two_replicas_answer_once_tip_once_and_share_settings(cluster) -> None:
    api, (a, b) = cluster
    async with aiohttp.ClientSession() as session:
        for replica in (a, b):
            async with session.get(replica.url + "healthz") as response:
                assert response.status == 200

        async def decided(count: int) -> bool:
            seen = [await r.metric(session, "dosay_events_received_total", platform="slack") for r in (a, b)]
            return sum(seen) >= count

        # the same signed event (a Slack retry may land on either replica) delivered to both at once
        body = event_body(message_event(SAY, ts="300.1", channel="C1"), event_id="EvSame")
        statuses = await asyncio.gather(*(post(session, r, body, "application/json") for r in (a, b)))
        assert statuses == [200, 200]
        await until(lambda: decided(2))
        await api.wait_for("chat.postMessage")
        replies = [c for c in api.calls_to("chat.postMessage") if c.params.get("thread_ts") == "300.1"]
        assert len(replies) == 1
        duplicates = [await r.metric(session, "dosay_suppressed_total", reason="duplicate") for r in (a, b)]
        assert sum(duplicates) == 1

        # settings changed through replica A are seen by replica B
        command = urlencode(
            {
                "command": "/dosay",
                "text": "settings mode off",
                "team_id": "T1",
                "channel_id": "C2",
                "user_id": "U1",
                "response_url": api.url + "respond",
                "trigger_id": "trig.1",
                "token": "legacy",
            }
        )
        assert await post(session, a, command, "application/x-www-form-urlencoded") == 200
        await api.wait_for("respond")
        off = event_body(message_event(SAY, ts="301.1", channel="C2"), event_id="EvOff")
        assert await post(session, b, off, "application/json") == 200
        await until(lambda: decided(3))
        assert await b.metric(session, "dosay_suppressed_total", reason="off") == 1
        assert not [c for c in api.calls_to("chat.postMessage") if c.params.get("channel") == "C2"]

    # the daily tip: both replicas ran their scheduler at start-up; wait for the post instead of assuming
    # it landed before the requests above, then stop both (a second post would have to be in flight now)
    def tips() -> list[Any]:
        return [c for c in api.calls_to("chat.postMessage") if c.params.get("channel") == "CTIP"]

    async def tipped() -> bool:
        return bool(tips())

    await until(tipped)
    for replica in (a, b):
        await stop_replica(replica)
        assert replica.process.returncode == 0  # graceful shutdown on SIGTERM
    assert len(tips()) == 1 and "Tip of the day" in tips()[0].params["text"]
