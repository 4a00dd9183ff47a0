"""deploy/slack/manifest.yaml against what the Slack adapter registers (and answers without a 404)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.adapters import slack as adapter
from bot.adapters import slack_interactive as interactive
from tests.bot.slack_harness import message_event

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yaml"


def load() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_declares_exactly_what_the_app_handles() -> None:
    manifest = load()
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {e.split(".")[0] for e in events} == set(adapter.EVENTS)
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [interactive.COMMAND]
    assert [(s["type"], s["callback_id"]) for s in manifest["features"]["shortcuts"]] == [
        ("message", interactive.SHORTCUT)
    ]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {
        "app_mentions:read",
        "channels:history",
        "channels:read",  # channel_left, member_left_channel
        "groups:read",  # group_left, member_left_channel in private channels
        "groups:history",
        "im:history",
        "mpim:history",
        "chat:write",
        "commands",
        "reactions:write",
    }
    assert scopes == needed  # minimal: nothing the code does not use
    urls = {c["url"] for c in manifest["features"]["slash_commands"]}
    urls |= {
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    }
    assert {u.rsplit("/", 2)[-2:] == ["slack", "events"] for u in urls} == {True}


async def test_every_subscribed_event_is_answered_200_and_an_unsubscribed_one_404(slack) -> None:
    channel_types = {
        "message.channels": "channel",
        "message.groups": "group",
        "message.im": "im",
        "message.mpim": "mpim",
    }
    lifecycle = {
        "channel_left": {"type": "channel_left", "channel": "C9", "actor_id": "U1", "event_ts": "1.1"},
        "group_left": {"type": "group_left", "channel": "G9", "actor_id": "U1", "event_ts": "1.2"},
        "member_left_channel": {"type": "member_left_channel", "user": "U2", "channel": "C9", "team": "T1"},
        "app_uninstalled": {"type": "app_uninstalled"},
        "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": []}},
    }
    for number, name in enumerate(load()["settings"]["event_subscriptions"]["bot_events"]):
        event = message_event("hello there", ts=f"300.{number}")
        if name == "app_mention":
            event["type"] = "app_mention"
        elif name in lifecycle:
            event = lifecycle[name]
        else:
            event["channel_type"] = channel_types[name]
        assert await slack.post_event(event, event_id=f"Ev{number}") == 200, name
    # the trap this guards against: bolt answers 404 to an event nobody listens to, and Slack retries it
    assert (
        await slack.post_event({"type": "reaction_added", "user": "U1", "reaction": "x"}, event_id="EvR")
        == 404
    )
