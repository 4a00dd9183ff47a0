"""End to end: signed requests → aiohttp server → slack-bolt → Dosay → fake Slack Web API."""

from __future__ import annotations

import asyncio
import json
import time

from tests.bot.slack_harness import event_body, message_event, sign
from tests.fakes.slack_api import BOT_ID, BOT_USER


async def test_url_verification(slack) -> None:
    body = json.dumps({"token": "legacy", "challenge": "chal-123", "type": "url_verification"})
    status, text = await slack.post_raw(body, {"Content-Type": "application/json", **sign(body)})
    assert status == 200 and "chal-123" in text


async def test_correction_in_thread(slack) -> None:
    assert (
        await slack.post_event(message_event("the AI will learn from you", ts="100.1"), event_id="Ev1") == 200
    )
    [call] = await slack.api.wait_for("chat.postMessage")
    assert call.params["channel"] == "C1" and call.params["thread_ts"] == "100.1"
    assert (
        call.params["blocks"][0]["type"] == "section"
        and "Try saying" in call.params["blocks"][0]["text"]["text"]
    )
    assert call.headers["has_token"] == "True"


async def test_reply_in_existing_thread_goes_to_the_thread_root(slack) -> None:
    event = message_event("it will learn", ts="101.5", thread_ts="101.1")
    await slack.post_event(event, event_id="Ev1")
    [call] = await slack.api.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == "101.1"


async def test_benign_text_and_bot_messages_are_silent(slack) -> None:
    await slack.post_event(message_event("lunch at noon?", ts="102.1"), event_id="Ev1")
    other_bot = message_event("it will learn", ts="102.2", bot_id="B999", subtype="bot_message")
    assert await slack.post_event(other_bot, event_id="Ev2") == 200
    own = message_event("it will learn", ts="102.3", bot_id=BOT_ID, user=BOT_USER)
    assert await slack.post_event(own, event_id="Ev3") == 200
    await slack.settle()
    assert slack.api.calls_to("chat.postMessage") == []


async def test_forged_signature_and_stale_timestamp_are_rejected(slack) -> None:
    body = event_body(message_event("it will learn", ts="103.1"), event_id="Ev1")
    forged = {"Content-Type": "application/json", **sign(body, secret="not-the-secret")}
    stale = {"Content-Type": "application/json", **sign(body, timestamp=int(time.time()) - 600)}
    assert (await slack.post_raw(body, forged))[0] == 401
    assert (await slack.post_raw(body, stale))[0] == 401
    await slack.settle()
    assert slack.api.calls_to("chat.postMessage") == []


async def test_retried_event_is_answered_once(slack) -> None:
    event = message_event("it will learn", ts="104.1")
    assert await slack.post_event(event, event_id="Ev1") == 200
    await slack.settle()
    assert await slack.post_event(event, event_id="Ev1", retry=1) == 200
    assert await slack.post_event(event, event_id="Ev1", retry=2) == 200
    await slack.settle()
    assert len(slack.api.calls_to("chat.postMessage")) == 1


async def test_mention_and_message_events_for_one_message_answered_once(slack) -> None:
    text = f"<@{BOT_USER}> the AI will learn from this"
    await slack.post_event(message_event(text, ts="105.1"), event_id="EvMsg")
    await slack.post_event({**message_event(text, ts="105.1"), "type": "app_mention"}, event_id="EvMention")
    await slack.settle()
    [call] = slack.api.calls_to("chat.postMessage")
    assert call.params["thread_ts"] == "105.1"


async def test_200_concurrent_events_each_answered_exactly_once(slack) -> None:
    events = [(message_event("it will learn", ts=f"200.{i}", channel=f"C{i}"), f"Ev{i}") for i in range(200)]
    statuses = await asyncio.gather(*(slack.post_event(e, event_id=i) for e, i in events))
    retries = await asyncio.gather(*(slack.post_event(e, event_id=i, retry=1) for e, i in events[:50]))
    assert set(statuses) == {200} and set(retries) == {200}
    await slack.settle()
    posts = slack.api.calls_to("chat.postMessage")
    assert len(posts) == 200
    assert {(c.params["channel"], c.params["thread_ts"]) for c in posts} == {
        (f"C{i}", f"200.{i}") for i in range(200)
    }


async def test_rate_limit_retry_after_is_honoured(slack) -> None:
    slack.api.fail_next("chat.postMessage", status=429, retry_after=1)
    await slack.post_event(message_event("it will learn", ts="106.1"), event_id="Ev1")
    await slack.api.wait_for("chat.postMessage")
    attempts = slack.api.calls_to("chat.postMessage", ok_only=False)
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # waited at least Retry-After (a lower bound, never flaky)


async def test_edit_that_drops_the_misconception_updates_the_reply(slack) -> None:
    await slack.post_event(message_event("it will learn", ts="107.1"), event_id="Ev1")
    await slack.api.wait_for("chat.postMessage")
    await slack.settle()
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C1",
        "ts": "107.9",
        "event_ts": "107.9",
        "message": {
            "type": "message",
            "user": "U1",
            "text": "it does not change its weights",
            "ts": "107.1",
            "edited": {"user": "U1", "ts": "107.9"},
        },
        "previous_message": {"type": "message", "user": "U1", "text": "it will learn", "ts": "107.1"},
    }
    await slack.post_event(edit, event_id="Ev2")
    [update] = await slack.api.wait_for("chat.update")
    assert update.params["ts"] == "1800000000.000001"  # the ts the fake gave dosay's reply
    assert "no longer" in update.params["text"]
    assert slack.dosay.store.count_corrections(retracted=True) == 1


async def test_other_subtypes_are_acknowledged_and_ignored(slack) -> None:
    joined = {
        "type": "message",
        "subtype": "channel_join",
        "channel": "C1",
        "user": "U2",
        "text": "<@U2> joined",
        "ts": "108.1",
    }
    assert await slack.post_event(joined, event_id="Ev1") == 200
    await slack.settle()
    assert slack.api.calls_to("chat.postMessage") == []


async def test_acknowledged_while_the_web_api_hangs(slack) -> None:
    gate = slack.api.hold("chat.postMessage")
    statuses = [
        await slack.post_event(
            message_event("it will learn", ts=f"109.{i}", channel=f"C{i}"), event_id=f"Ev{i}"
        )
        for i in range(3)
    ]
    assert statuses == [200, 200, 200] and slack.api.calls_to("chat.postMessage") == []
    gate.set()
    assert len(await slack.api.wait_for("chat.postMessage", 3)) == 3


async def test_two_processes_on_one_database_answer_an_event_once(slack, phrasebook, store, clock) -> None:
    from bot.service import Dosay
    from tests.bot.conftest import KeywordMatcher
    from tests.bot.slack_harness import slack_settings, start_harness

    twin_store = store.reopen()  # a second process: its own pool and executor, the same database
    twin = Dosay(phrasebook=phrasebook, matcher=KeywordMatcher(), store=twin_store, clock=clock)
    other = await start_harness(twin, slack.api, slack_settings(slack.api.url, "sqlite:///unused.db"))
    try:
        event = message_event("it will learn", ts="110.1")
        assert await slack.post_event(event, event_id="Ev1") == 200
        assert await other.post_event(event, event_id="Ev1", retry=1) == 200
        await slack.settle()
        await other.settle()
        assert len(slack.api.calls_to("chat.postMessage")) == 1
    finally:
        await other.client.close()
        twin.close()


async def test_chat_text_never_reaches_the_logs(slack, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    body = event_body(message_event("zebra-secret will learn", ts="111.1"), event_id="Ev1")
    assert (await slack.post_raw(body, {"Content-Type": "application/json", **sign(body, secret="x")}))[
        0
    ] == 401
    assert await slack.post_event(message_event("zebra-secret will learn", ts="111.2"), event_id="Ev2") == 200
    assert await slack.post_event({"type": "reaction_added", "text": "zebra-secret"}, event_id="Ev3") == 404
    await slack.settle()
    assert "zebra-secret" not in caplog.text
    assert "xoxb-test-token" not in caplog.text


async def test_our_middleware_calls_next(slack) -> None:
    # the trap: a bolt middleware that does not call next() makes bolt answer 404 to everything
    from bot.adapters.slack import SLACK_APP

    assert await slack.post_event(message_event("hello", ts="112.1"), event_id="Ev1") == 200
    assert slack.client.server.app[SLACK_APP].dosay_counts["event_callback"] == 1


async def test_acknowledged_while_the_matcher_is_slow(phrasebook, store, clock) -> None:
    import threading

    from bot.service import Dosay
    from tests.bot.conftest import KeywordMatcher
    from tests.bot.slack_harness import slack_settings, start_harness
    from tests.fakes.slack_api import FakeSlackApi

    gate = threading.Event()

    class SlowMatcher(KeywordMatcher):
        def match(self, text: str):
            gate.wait(timeout=30)  # stands in for a matcher that takes long on a huge message
            return super().match(text)

    async with FakeSlackApi() as api:
        service = Dosay(phrasebook=phrasebook, matcher=SlowMatcher(), store=store, clock=clock)
        harness = await start_harness(service, api, slack_settings(api.url, "sqlite:///unused.db"))
        try:
            events = [message_event("it will learn", ts=f"113.{i}", channel=f"C{i}") for i in range(3)]
            statuses = [await harness.post_event(e, event_id=f"Ev{i}") for i, e in enumerate(events)]
            assert statuses == [200, 200, 200] and api.calls_to("chat.postMessage") == []
            gate.set()
            assert len(await api.wait_for("chat.postMessage", 3)) == 3
        finally:
            gate.set()
            await harness.settle()
            await harness.client.close()
            service._executor.shutdown(wait=True)


async def test_a_mention_in_a_dm_is_answered_and_a_bot_mention_is_not(slack) -> None:
    dm = message_event(f"<@{BOT_USER}> it will learn", ts="114.1", channel="D1", channel_type="im")
    await slack.post_event(dm, event_id="Ev1")
    bot_mention = {**message_event(f"<@{BOT_USER}> help", ts="114.2", bot_id="B9"), "type": "app_mention"}
    await slack.post_event(bot_mention, event_id="Ev2")
    await slack.settle()
    [call] = slack.api.calls_to("chat.postMessage")
    assert call.params["channel"] == "D1"
