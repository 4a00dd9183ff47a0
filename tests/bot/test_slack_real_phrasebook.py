"""The bundled phrasebook and the real matcher behind the Slack adapter (SQLite)."""

from __future__ import annotations

import pytest

from bot.service import Dosay
from bot.storage.store import Store
from tests.bot.slack_harness import message_event, slack_settings, start_harness
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
async def real_slack(sqlite_url, clock):
    from intents.matcher import Matcher
    from phrasebook.loader import load_phrasebook

    phrasebook = load_phrasebook()
    api = await FakeSlackApi().start()
    service = Dosay(
        phrasebook=phrasebook, matcher=Matcher(phrasebook), store=Store.open(sqlite_url), clock=clock
    )
    harness = await start_harness(service, api, slack_settings(api.url, sqlite_url))
    yield harness
    await harness.settle()
    await harness.client.close()
    await api.stop()
    service.close()


async def test_real_misconception_gets_the_reframe_in_thread(real_slack) -> None:
    await real_slack.post_event(
        message_event("The AI will learn from your data over time.", ts="900.1"), event_id="Ev1"
    )
    [call] = await real_slack.api.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == "900.1"
    assert call.params["blocks"][-1]["block_id"] == "dosay_reply:ai-learns-over-time"


async def test_real_negation_and_small_talk_stay_silent(real_slack) -> None:
    await real_slack.post_event(message_event("lunch at noon? <!channel>", ts="901.1"), event_id="Ev1")
    await real_slack.post_event(
        message_event("The model does not learn from your chats; it uses retrieval.", ts="901.2"),
        event_id="Ev2",
    )
    await real_slack.settle()
    assert real_slack.api.calls_to("chat.postMessage") == []
