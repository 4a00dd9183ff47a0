"""The pure decision and noise rules: values in, values out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot import policy
from bot.core import decide
from bot.policy import ChannelSettings, HistoryFacts
from intents.types import Match
from tests.bot.conftest import message

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _m(entry: str) -> Match:
    return Match(entry=entry, score=0.8, why="w", clause="c", trigger="t")


def _settings(**kw) -> ChannelSettings:
    return ChannelSettings(platform="slack", workspace="T1", channel="C1", **kw)


def test_first_allowed_match_wins(phrasebook) -> None:
    facts = HistoryFacts(in_thread=frozenset({"ai-learns-over-time"}))
    decision = decide(
        message("x", at=NOW),
        [_m("ai-learns-over-time"), _m("inference-is-free")],
        _settings(),
        facts,
        phrasebook,
    )
    assert decision.reply is not None and decision.reply.entry_id == "inference-is-free"


def test_blocked_reason_is_reported(phrasebook) -> None:
    facts = HistoryFacts(last_in_channel={"ai-learns-over-time": NOW - timedelta(minutes=1)})
    decision = decide(message("x", at=NOW), [_m("ai-learns-over-time")], _settings(), facts, phrasebook)
    assert (decision.action, decision.reason) == ("silent", "cooldown")


def test_unknown_entries_from_the_matcher_are_ignored(phrasebook) -> None:
    decision = decide(message("x", at=NOW), [_m("not-an-entry")], _settings(), HistoryFacts(), phrasebook)
    assert decision.reason == "no-match"


@pytest.mark.parametrize(
    ("mode", "action"), [("thread", "reply"), ("ephemeral", "ephemeral"), ("reaction", "reaction")]
)
def test_modes(phrasebook, mode, action) -> None:
    decision = decide(
        message("x", at=NOW), [_m("inference-is-free")], _settings(mode=mode), HistoryFacts(), phrasebook
    )
    assert decision.action == action and decision.thread_root == "1700000000.000100"


def test_snooze_and_cooldown_edges() -> None:
    assert policy.is_snoozed(NOW + timedelta(seconds=1), NOW)
    assert not policy.is_snoozed(NOW, NOW)
    assert policy.in_cooldown(NOW - timedelta(minutes=59), NOW)
    assert not policy.in_cooldown(NOW - timedelta(hours=1), NOW)


def test_tip_due_in_local_time() -> None:
    berlin = _settings(tips_enabled=True, tip_time="09:00", timezone="Europe/Berlin")
    assert not policy.tip_due(berlin, datetime(2026, 6, 1, 6, 59, tzinfo=UTC))
    assert policy.tip_due(berlin, datetime(2026, 6, 1, 7, 0, tzinfo=UTC))
    assert not policy.tip_due(_settings(tips_enabled=False), NOW)
    assert not policy.tip_due(_settings(tips_enabled=True, mode="off", tip_time="00:00"), NOW)


def test_settings_validation_messages() -> None:
    with pytest.raises(ValidationError, match="HH:MM"):
        _settings(tip_time="9am")
    with pytest.raises(ValidationError, match="IANA"):
        _settings(timezone="Nowhere/Town")
