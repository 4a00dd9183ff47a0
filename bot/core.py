"""The pure decision: given a message, the matcher's matches, the channel's settings and the
history facts, what should dosay do? No I/O, no clock (``now`` is the message's receipt time).
"""

from __future__ import annotations

from datetime import timedelta

from bot import policy
from bot.core_types import Action, Decision, InboundMessage
from bot.policy import ChannelSettings, HistoryFacts
from bot.replies import build_reply
from intents.types import Match
from phrasebook.schema import Phrasebook

_MODE_ACTION: dict[str, Action] = {"thread": "reply", "ephemeral": "ephemeral", "reaction": "reaction"}


def pre_check(msg: InboundMessage, settings: ChannelSettings) -> Decision | None:
    """The checks that need no matcher: bots and channels switched off. None = go on."""
    if msg.is_bot:
        return Decision(action="silent", reason="bot")
    if settings.mode == "off":
        return Decision(action="silent", reason="off")
    return None


def decide(
    msg: InboundMessage,
    matches: list[Match],
    settings: ChannelSettings,
    facts: HistoryFacts,
    phrasebook: Phrasebook,
    *,
    cooldown: timedelta = policy.DEFAULT_COOLDOWN,
) -> Decision:
    """Choose the first match that the noise rules allow and build its reply."""
    early = pre_check(msg, settings)
    if early is not None:
        return early
    if not matches:
        return Decision(action="silent", reason="no-match")
    if policy.is_snoozed(facts.snoozed_until, msg.received_at):
        return Decision(action="silent", reason="snoozed")
    first_block: str | None = None
    for match in matches:
        if match.entry not in phrasebook.entries:
            continue
        blocked = policy.blocked_reason(match.entry, facts, msg.received_at, cooldown)
        if blocked is not None:
            first_block = first_block or blocked
            continue
        return Decision(
            action=_MODE_ACTION[settings.mode],
            reason="matched",
            reply=build_reply(phrasebook, match, today=msg.received_at.date()),
            thread_root=msg.thread_root,
        )
    return Decision(action="silent", reason=first_block or "no-match")
