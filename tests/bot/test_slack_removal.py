"""Slack end to end: signed events saying dosay was removed from a channel (``channel_left``,
``group_left``, ``member_left_channel`` for dosay itself) or uninstalled (``app_uninstalled``,
``tokens_revoked``) turn the tips there off: the tip job then posts nothing there, while other channels
still get their tip."""

from __future__ import annotations

from typing import Any

import pytest

from bot.scheduler import TipScheduler
from bot.server import TIP_SENDERS
from tests.bot.slack_harness import SlackHarness
from tests.fakes.slack_api import BOT_USER

CHANNELS = ("C1", "C2", "G3")


async def _tips_on(slack: SlackHarness, *channels: str) -> None:
    """``/dosay settings tips at 07:00`` in each channel."""
    for channel in channels:
        status, _ = await slack.command("settings tips at 07:00", channel=channel)
        assert status == 200
    await slack.settle()
    for channel in channels:
        assert (await slack.dosay.channel_settings("slack", "T1", channel)).tips_enabled


async def _tip_run(slack: SlackHarness) -> list[str]:
    """One run of the tip job; the channels that got a tip in it."""
    before = len(slack.api.calls_to("chat.postMessage", ok_only=False))
    await TipScheduler(slack.dosay, slack.client.server.app[TIP_SENDERS], slack.dosay.clock).run_once()
    sent = slack.api.calls_to("chat.postMessage", ok_only=False)[before:]
    return sorted(c.params["channel"] for c in sent if "Tip of the day" in c.params.get("text", ""))


REMOVALS: dict[str, tuple[dict[str, Any], str]] = {
    "channel_left": ({"type": "channel_left", "channel": "C1", "actor_id": "U9", "event_ts": "9.1"}, "C1"),
    "group_left": ({"type": "group_left", "channel": "G3", "actor_id": "U9", "event_ts": "9.2"}, "G3"),
    "member_left_channel": (
        {"type": "member_left_channel", "user": BOT_USER, "channel": "C2", "channel_type": "C", "team": "T1"},
        "C2",
    ),
}


@pytest.mark.parametrize("name", sorted(REMOVALS))
async def test_removed_from_a_channel_its_tips_stop(slack, clock, name) -> None:
    event, channel = REMOVALS[name]
    await _tips_on(slack, *CHANNELS)
    assert await slack.post_event(event, event_id="EvRemoved") == 200
    await slack.settle()
    others = sorted(c for c in CHANNELS if c != channel)
    assert await _tip_run(slack) == others
    clock.advance(days=1)
    assert await _tip_run(slack) == others
    settings = await slack.dosay.channel_settings("slack", "T1", channel)
    assert not settings.tips_enabled and settings.tip_time == "07:00"  # the rest is kept for a re-invite


async def test_another_member_leaving_a_channel_changes_nothing(slack) -> None:
    await _tips_on(slack, "C1")
    left = {"type": "member_left_channel", "user": "U2", "channel": "C1", "channel_type": "C", "team": "T1"}
    assert await slack.post_event(left, event_id="EvLeft") == 200
    await slack.settle()
    assert await _tip_run(slack) == ["C1"]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "app_uninstalled"},
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER]}},
    ],
    ids=["app_uninstalled", "tokens_revoked"],
)
async def test_uninstalled_from_the_workspace_no_tips_there(slack, event) -> None:
    await _tips_on(slack, *CHANNELS)
    await slack.dosay.update_channel_settings("slack", "T2", "C1", tips_enabled=True, tip_time="07:00")
    assert await slack.post_event(event, event_id="EvGone") == 200  # bolt skips auth.test for these
    await slack.settle()
    assert await _tip_run(slack) == ["C1"]  # only workspace T2's channel
    assert not (await slack.dosay.channel_settings("slack", "T1", "C2")).tips_enabled
    assert (await slack.dosay.channel_settings("slack", "T2", "C1")).tips_enabled


async def test_a_revoked_user_token_leaves_the_tips_on(slack) -> None:
    await _tips_on(slack, "C1")
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": ["U5"], "bot": []}}
    assert await slack.post_event(revoked, event_id="EvUser") == 200
    await slack.settle()
    assert await _tip_run(slack) == ["C1"]
