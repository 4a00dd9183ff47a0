"""Production behaviour: /metrics, the database health gate, faults, and logs without secrets or chat text."""

from __future__ import annotations

import asyncio
import functools
import io
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.health import HEALTH
from bot.logs import configure_logging
from bot.metrics import METRICS
from bot.service import Dosay
from bot.storage.store import Store
from tests.bot.conftest import KeywordMatcher
from tests.bot.slack_harness import SlackHarness, message_event, slack_settings, start_harness
from tests.fakes.slack_api import FakeSlackApi


def sample(harness: SlackHarness, name: str, **labels: str) -> float:
    value = harness.client.server.app[METRICS].registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


async def test_metrics_count_events_corrections_suppressions_and_acks(slack) -> None:
    await slack.post_event(message_event("it will learn", ts="1.1"), event_id="Ev1")
    await slack.post_event(message_event("it will learn", ts="1.1"), event_id="Ev1", retry=1)
    await slack.post_event(message_event("lunch at noon?", ts="1.2"), event_id="Ev2")
    await slack.settle()
    assert sample(slack, "dosay_events_received_total", platform="slack") == 3
    entry = {"platform": "slack", "entry": "ai-learns-over-time", "action": "reply"}
    assert sample(slack, "dosay_corrections_total", **entry) == 1
    assert sample(slack, "dosay_suppressed_total", platform="slack", reason="duplicate") == 1
    assert sample(slack, "dosay_suppressed_total", platform="slack", reason="no-match") == 1
    assert sample(slack, "dosay_ack_latency_seconds_count", platform="slack") == 3
    response = await slack.client.get("/metrics")
    body = await response.text()
    assert response.status == 200 and response.content_type == "text/plain"
    assert 'dosay_corrections_total{action="reply",entry="ai-learns-over-time",platform="slack"} 1.0' in body
    assert "dosay_ack_latency_seconds_bucket" in body and "lunch" not in body


async def test_metrics_count_web_api_errors(slack) -> None:
    slack.api.fail_next("chat.postMessage", status=200, retry_after=None, error="channel_not_found")
    await slack.post_event(message_event("it will learn", ts="2.1"), event_id="Ev1")
    await slack.settle()
    labels = {"platform": "slack", "method": "chat.postMessage", "error": "channel_not_found"}
    assert sample(slack, "dosay_web_api_errors_total", **labels) == 1


async def test_each_app_has_its_own_registry(slack, dosay) -> None:
    from bot.server import build_app
    from bot.settings import load_settings

    other = build_app(dosay, load_settings({}), adapters=[])
    assert other[METRICS].registry is not slack.client.server.app[METRICS].registry


class FlakyStore(Store):
    """A Store whose database can be switched off: every call raises OperationalError like a lost server."""

    down = False
    broken = False  # a non-transient error (a bug): never retried
    attempts = 0

    @functools.cached_property
    def failed(self) -> asyncio.Event:
        return asyncio.Event()

    def _check(self) -> None:
        if self.down:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    def ping(self) -> bool:
        self._check()
        return super().ping()

    def claim_delivery(self, keys: list[str], now: Any) -> bool:
        self._check()
        return super().claim_delivery(keys, now)

    def claim_message(self, keys: list[str], now: Any, *where: Any) -> Any:
        self.attempts += 1
        if self.broken:
            raise ValueError("a bug in the store")
        try:
            self._check()
        except OperationalError:
            self._loop.call_soon_threadsafe(self.failed.set)
            raise
        return super().claim_message(keys, now, *where)


@pytest.fixture
async def flaky(phrasebook, clock, sqlite_url) -> Any:
    store = FlakyStore.open(sqlite_url)
    assert isinstance(store, FlakyStore)
    store._loop = asyncio.get_running_loop()
    store.failed  # noqa: B018 - created on the event loop
    async with FakeSlackApi() as api:
        service = Dosay(
            phrasebook=phrasebook,
            matcher=KeywordMatcher(),
            store=store,
            clock=clock,
            retry_delays=(0.01,) * 3000,  # retried until the test brings the database back (a bound)
        )
        harness = await start_harness(service, api, slack_settings(api.url, sqlite_url))
        await harness.client.server.app[HEALTH].stop()  # the tests drive the checks themselves
        yield harness, store
        await harness.settle()
        await harness.client.close()
        service.close()


async def test_database_outage_answers_503_then_recovers(flaky) -> None:
    harness, store = flaky
    health = harness.client.server.app[HEALTH]
    event = message_event("it will learn", ts="3.1")

    store.down = True
    assert not await health.check()
    assert (await harness.client.get("/healthz")).status == 503
    assert (await harness.client.get("/livez")).status == 200  # unready, but alive: no restart
    assert await harness.post_event(event, event_id="Ev1") == 503  # not acknowledged: Slack retries it
    assert sample(harness, "dosay_database_up") == 0

    store.down = False
    assert await health.check()
    assert (await harness.client.get("/healthz")).status == 200
    assert await harness.post_event(event, event_id="Ev1", retry=1) == 200
    assert len(await harness.api.wait_for("chat.postMessage")) == 1
    assert sample(harness, "dosay_database_up") == 1


async def test_database_lost_between_checks_closes_the_gate_and_the_acknowledged_event_is_answered(
    flaky,
) -> None:
    harness, store = flaky
    health = harness.client.server.app[HEALTH]
    store.down = True  # the health check has not noticed yet: the event is acknowledged, its listener fails
    assert await harness.post_event(message_event("it will learn", ts="4.1"), event_id="Ev1") == 200
    await store.failed.wait()  # the listener's claim failed ...
    while health._recheck is None or not health._recheck.done():
        await asyncio.sleep(0)  # ... and made the gate check the database at once
    assert not health.up
    # the gate is closed: the next event is refused (Slack retries it) instead of being acknowledged
    other = message_event("it will learn", ts="4.2", channel="C2")
    assert await harness.post_event(other, event_id="Ev2") == 503
    assert harness.api.calls_to("chat.postMessage") == []
    store.down = False
    assert await health.check()  # what the background check does every few seconds
    assert await harness.post_event(other, event_id="Ev2", retry=1) == 200
    posts = await harness.api.wait_for("chat.postMessage", 2)
    await harness.settle()
    # Slack never redelivers the acknowledged Ev1: the listener retried its claim and answered it, once
    assert sorted(c.params["thread_ts"] for c in harness.api.calls_to("chat.postMessage")) == ["4.1", "4.2"]
    assert len(posts) == 2


async def test_a_non_transient_error_is_not_retried(flaky) -> None:
    harness, store = flaky
    store.broken = True  # a bug, not an outage: logged by bolt once, the server goes on
    assert await harness.post_event(message_event("it will learn", ts="4.5"), event_id="Ev1") == 200
    await harness.settle()
    assert store.attempts == 1 and harness.client.server.app[HEALTH]._recheck is None
    store.broken = False
    assert await harness.post_event(message_event("it will learn", ts="4.6"), event_id="Ev2") == 200
    [post] = await harness.api.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == "4.6"


async def test_postgres_backends_terminated_then_answered(slack, store) -> None:
    if store.is_sqlite:
        pytest.skip("terminating server backends is a PostgreSQL fault")
    assert await slack.post_event(message_event("it will learn", ts="5.1"), event_id="Ev1") == 200
    await slack.api.wait_for("chat.postMessage")
    # kill exactly this test's pooled connections (other suites may share the database)
    held = [store.engine.connect() for _ in range(5)]  # the pool keeps 5: all of them die
    pids = [conn.execute(text("SELECT pg_backend_pid()")).scalar_one() for conn in held]
    for conn in held:
        conn.close()  # back to the pool, where they are about to die
    admin = Store.open(store.engine.url.render_as_string(hide_password=False), migrate=False)
    with admin.engine.begin() as conn:
        killed = conn.execute(
            text("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid) AS t"),
            {"pids": pids},
        ).scalar_one()
    admin.close()
    assert killed == 5
    assert (await slack.client.get("/healthz")).status == 200  # Store._run retries on a fresh connection
    assert await slack.post_event(message_event("it is free", ts="5.2"), event_id="Ev2") == 200
    assert len(await slack.api.wait_for("chat.postMessage", 2)) == 2


async def test_acks_do_not_wait_for_a_hanging_web_api(slack) -> None:
    gate = slack.api.hold("chat.postMessage")
    for i in range(3):
        assert (
            await slack.post_event(
                message_event("it will learn", ts=f"6.{i}", channel=f"C{i}"), event_id=f"E{i}"
            )
            == 200
        )
    assert sample(slack, "dosay_ack_latency_seconds_count", platform="slack") == 3
    assert slack.api.calls_to("chat.postMessage") == []  # every ack went out while the Web API hung
    gate.set()
    assert len(await slack.api.wait_for("chat.postMessage", 3)) == 3


async def test_acks_do_not_wait_for_a_busy_database_queue(slack) -> None:
    release = threading.Event()
    executor = slack.dosay._executor
    # every database thread busy with a long call: the listeners' claims queue behind them
    busy = [asyncio.ensure_future(slack.dosay._io(release.wait, 30)) for _ in range(executor._max_workers)]
    try:
        for i in range(3):
            event = message_event("it will learn", ts=f"8.{i}", channel=f"C{i}")
            assert await slack.post_event(event, event_id=f"E{i}") == 200
        assert sample(slack, "dosay_ack_latency_seconds_count", platform="slack") == 3
        assert slack.api.calls_to("chat.postMessage") == []  # acknowledged; nothing decided yet
    finally:
        release.set()
        await asyncio.gather(*busy)
    assert len(await slack.api.wait_for("chat.postMessage", 3)) == 3


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    handler = configure_logging("json", level=logging.DEBUG)
    handler.setStream(stream)
    yield stream
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in saved[0]:
        root.addHandler(h)
    root.setLevel(saved[1])


async def test_json_logs_never_carry_chat_text_or_tokens(slack, json_logs) -> None:
    secret_text = "quokka-7731 says the model will learn from our data"
    logging.getLogger("dosay.test").info("start", extra={"case": "privacy"})
    slack.api.fail_next("chat.postMessage", status=500, retry_after=None, error="internal_error")
    assert await slack.post_event(message_event(secret_text, ts="7.1"), event_id="Ev1") == 200
    await slack.api.wait_for("chat.postMessage")
    await slack.post_event(message_event(secret_text, ts="7.1"), event_id="Ev1", retry=1)
    await slack.settle()
    logging.getLogger("dosay.test").warning("token would be %s", "xoxb-test-token")
    lines = [line for line in json_logs.getvalue().splitlines() if line]
    records = [json.loads(line) for line in lines]  # one JSON object per line
    assert [r["case"] for r in records if r["msg"] == "start"] == ["privacy"]  # extra= fields are kept
    assert "quokka" not in json_logs.getvalue()
    assert "xoxb-test-token" not in json_logs.getvalue()
    assert records[-1]["msg"] == "token would be [redacted]"


def test_log_format_setting_and_text_lines() -> None:
    from bot.logs import TextFormatter
    from bot.settings import SettingsError, load_settings

    assert load_settings({"DOSAY_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(SettingsError, match=r"^DOSAY_LOG_FORMAT: "):
        load_settings({"DOSAY_LOG_FORMAT": "xml"})
    record = logging.LogRecord("dosay.x", logging.INFO, "f", 1, "posting with %s", ("xoxb-1-abc",), None)
    line = TextFormatter().format(record)
    assert line.endswith("INFO dosay.x posting with [redacted]")


async def test_health_monitor_stops_even_when_a_cancellation_is_swallowed() -> None:
    import asyncio

    from bot.health import DatabaseHealth

    class SwallowsCancel:
        async def healthy(self) -> bool:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                return True  # what asyncio.wait_for in Python 3.11 may do when the ping just finished
            return True

    health = DatabaseHealth(SwallowsCancel(), interval=0.01)  # type: ignore[arg-type]
    health.start()
    await asyncio.sleep(0)  # the monitor is inside the check now
    await asyncio.wait_for(health.stop(), timeout=30)  # a bound against a hang, not a timing check
    assert health._task is None
