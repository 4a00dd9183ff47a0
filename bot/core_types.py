"""Values that cross the boundary between adapters, the core decision and the renderers.

Pure data: no I/O. Adapters translate a platform event into an ``InboundMessage``; the core
returns a ``Decision`` that may carry a ``Reply``; renderers turn a ``Reply`` into Block Kit,
an Adaptive Card or plain text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Platform = Literal["slack", "teams", "playground", "cli"]
ChannelMode = Literal["thread", "ephemeral", "reaction", "off"]
Action = Literal["reply", "ephemeral", "reaction", "silent"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InboundMessage(Frozen):
    """One chat message as the core sees it. ``text`` is never stored."""

    platform: Platform
    workspace: str  # Slack team id, Teams tenant id, "local" for the playground
    channel: str  # Slack channel id, Teams conversation id
    user: str
    message_id: str  # Slack ts, Teams activity id
    thread_id: str | None = None  # the thread root, when the message is a reply in a thread
    text: str
    delivery_id: str | None = None  # Slack event_id / Teams activity id: dedupes retries
    is_bot: bool = False
    received_at: datetime

    @property
    def thread_root(self) -> str:
        """The thread dosay answers in: the message's thread, or a new one under the message."""
        return self.thread_id or self.message_id


class Button(Frozen):
    action_id: Literal["dosay_helpful", "dosay_not_misconception", "dosay_snooze", "dosay_more_regime"]
    label: str
    value: str  # opaque to the platform: "<entry_id>" or "<regime>"


class Reply(Frozen):
    """Everything a correction carries, already resolved from the phrasebook."""

    entry_id: str
    title: str
    dont_say: str
    do_say: str
    why: str
    regime: str  # Regime value
    regime_name: str
    cost_band: str  # the band's display line, with verified date and "verify against current rate cards"
    cost_verified_on: date
    timeline: str | None = None
    nist: str  # e.g. "NIST AI 600-1, 2.4 Data Privacy"
    triage_question: str | None = None
    triage_branches: tuple[str, ...] = ()
    score: float
    explanation: str  # why it matched: clause and trigger
    buttons: tuple[Button, ...] = ()


class Decision(Frozen):
    action: Action
    #: "matched", "no-match", "duplicate", "cooldown", "snoozed", "already-in-thread", "bot", "off"
    reason: str
    reply: Reply | None = None
    thread_root: str | None = None
