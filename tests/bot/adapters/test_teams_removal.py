"""Teams end to end: when dosay is removed from a team, group chat or personal scope (``installationUpdate``
remove / remove-upgrade, or a ``conversationUpdate`` whose ``membersRemoved`` holds the bot), the daily tip
job no longer sends to it, while other conversations still get their tip; a re-install works as before."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.adapters.teams import TEAMS_BOT
from bot.scheduler import TipScheduler
from bot.service import Dosay
from tests.bot.adapters.teams_harness import BOT, CHANNEL, TEAM, TENANT, TeamsHarness, activity, teams_harness
from tests.bot.conftest import KeywordMatcher, make_phrasebook

SALES = "19:sales@thread.tacv2"  # another channel of the same team
CHAT = "19:chat-1@thread.v2"  # a group chat
PERSONAL = "a:personal-ann"


@pytest.fixture
def teams_dosay(store, clock) -> Iterator[Dosay]:  # `store`: SQLite and PostgreSQL (tests/bot/conftest.py)
    service = Dosay(phrasebook=make_phrasebook(), matcher=KeywordMatcher(), store=store, clock=clock)
    yield service
    service.close()


def _where(kind: str) -> dict[str, Any]:
    return {
        "general": {"kind": "channel", "conversation": CHANNEL},
        "sales": {"kind": "channel", "conversation": SALES},
        "chat": {"kind": "groupChat", "conversation": CHAT},
        "personal": {"kind": "personal", "conversation": PERSONAL},
    }[kind]


async def _tips_on(h: TeamsHarness, *places: str) -> None:
    """``@dosay settings tips at 07:00`` in each place (which also stores its conversation reference)."""
    for place in places:
        where = _where(place)
        assert await h.say("settings tips at 07:00", mentioned=where["kind"] != "personal", **where) == 200


async def _tip_run(h: TeamsHarness, dosay: Dosay, clock: Any) -> list[str]:
    """One run of the tip job; the conversations that got a tip in it."""
    before = len(h.connector.posts())
    await TipScheduler(dosay, {"teams": h.client.app[TEAMS_BOT].send_tip}, clock).run_once()
    sent = h.connector.posts()[before:]
    return sorted(p.conversation_id or "" for p in sent if "Tip of the day" in json.dumps(p.body))


def _team_event(h: TeamsHarness, activity_type: str, **extra: Any) -> dict[str, Any]:
    """A team-scope lifecycle activity as Teams sends it: in the team's General channel, no thread."""
    body = activity(None, service_url=h.url, activity_type=activity_type, **extra)
    body["conversation"]["id"] = CHANNEL
    return body


def installation_update(h: TeamsHarness, action: str) -> dict[str, Any]:
    body = _team_event(h, "installationUpdate", action=action)
    body["channelData"]["settings"] = {"selectedChannel": {"id": CHANNEL}}
    body["channelData"]["source"] = {"name": "message"}
    return body


def members_removed(h: TeamsHarness, *members: dict[str, Any]) -> dict[str, Any]:
    body = _team_event(h, "conversationUpdate", membersRemoved=list(members))
    body["channelData"]["eventType"] = "teamMemberRemoved"
    body["channelData"]["team"] = {"id": TEAM, "name": "Sales team", "aadGroupId": "g-1"}
    return body


def removal_from_the_team(h: TeamsHarness, how: str) -> dict[str, Any]:
    if how == "membersRemoved":
        return members_removed(h, {"id": BOT["id"]})
    return installation_update(h, how)


@pytest.mark.parametrize("how", ["remove", "remove-upgrade", "membersRemoved"])
async def test_removed_from_a_team_no_tip_goes_to_its_channels(teams_dosay, clock, how) -> None:
    async with teams_harness(teams_dosay) as h:
        await _tips_on(h, "general", "sales", "chat")
        assert await h.post(removal_from_the_team(h, how)) == 200
        assert await _tip_run(h, teams_dosay, clock) == [CHAT]  # the team's two channels: nothing
        clock.advance(days=1)
        assert await _tip_run(h, teams_dosay, clock) == [CHAT]  # nor the day after
    for channel in (CHANNEL, SALES):
        assert await teams_dosay.conversation_ref("teams", TENANT, channel) is None
        settings = await teams_dosay.channel_settings("teams", TENANT, channel)
        assert not settings.tips_enabled and settings.tip_time == "07:00"  # the rest is kept
    assert await teams_dosay.conversation_ref("teams", TENANT, CHAT) is not None


async def test_removed_from_a_group_chat_only_that_chat_stops(teams_dosay, clock) -> None:
    async with teams_harness(teams_dosay) as h:
        await _tips_on(h, "general", "chat")
        removed = activity(
            None,
            service_url=h.url,
            kind="groupChat",
            conversation=CHAT,
            activity_type="conversationUpdate",
            membersRemoved=[{"id": BOT["id"]}],
        )
        assert await h.post(removed) == 200
        assert await _tip_run(h, teams_dosay, clock) == [CHANNEL]
    assert await teams_dosay.conversation_ref("teams", TENANT, CHAT) is None


async def test_uninstalled_from_a_personal_chat_that_chat_stops(teams_dosay, clock) -> None:
    async with teams_harness(teams_dosay) as h:
        await _tips_on(h, "personal", "chat")
        uninstall = activity(
            None,
            service_url=h.url,
            kind="personal",
            conversation=PERSONAL,
            activity_type="installationUpdate",
            action="remove",
        )
        assert await h.post(uninstall) == 200
        assert await _tip_run(h, teams_dosay, clock) == [CHAT]


async def test_another_member_leaving_changes_nothing(teams_dosay, clock) -> None:
    async with teams_harness(teams_dosay) as h:
        await _tips_on(h, "general", "sales")
        assert await h.post(members_removed(h, {"id": "29:bob", "aadObjectId": "aad-bob"})) == 200
        assert await _tip_run(h, teams_dosay, clock) == sorted([CHANNEL, SALES])


async def test_reinstalled_after_a_removal_tips_work_again(teams_dosay, clock) -> None:
    async with teams_harness(teams_dosay) as h:
        await _tips_on(h, "general")
        assert await h.post(installation_update(h, "remove")) == 200
        assert await h.post(installation_update(h, "add")) == 200
        assert await teams_dosay.conversation_ref("teams", TENANT, CHANNEL) is not None  # stored again
        assert await _tip_run(h, teams_dosay, clock) == []  # tips stay off until turned on again
        await _tips_on(h, "general")
        assert await _tip_run(h, teams_dosay, clock) == [CHANNEL]
