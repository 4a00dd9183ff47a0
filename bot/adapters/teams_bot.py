"""Teams turn logic, free of any SDK: what dosay does with a Teams message, button press or install.

The SDK lives behind ``TeamsGateway`` (``bot.adapters.teams.BotbuilderTeamsGateway`` on botbuilder;
one on the Microsoft 365 Agents SDK would be a new file implementing the same two protocols). A
gateway translates each inbound activity into a ``TeamsActivity`` and hands it, with a ``TeamsTurn``
for answering, to ``TeamsBot.on_activity``.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from aiohttp import web

from bot.commands import COMMANDS, run_command
from bot.core_types import Decision, InboundMessage
from bot.policy import ChannelSettings
from bot.render import teams as render
from bot.render.teams import TeamsMessage
from bot.service import Dosay
from phrasebook.schema import Regime, Tip

log = logging.getLogger("dosay.teams")

ConversationType = Literal["personal", "groupChat", "channel"]
Kind = Literal["message", "submit", "installed", "removed", "edit"]

PREFIX = "@dosay"
NO_MATCH = "I don't see a known misconception in that. Try @dosay lookup QUERY or @dosay help."
FEEDBACK: dict[str, Literal["helpful", "not_misconception"]] = {
    "dosay_helpful": "helpful",
    "dosay_not_misconception": "not_misconception",
}
_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\u00a0]+")
_STORED_MAX = 100_000


def clean_text(text: str) -> str:
    """Teams message HTML to the words the matcher sees: ``<at>`` mentions and tags removed."""
    without_mentions = _MENTION.sub(" ", text)
    without_tags = _TAG.sub(" ", re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", without_mentions))
    lines = (_SPACE.sub(" ", line).strip() for line in html.unescape(without_tags).splitlines())
    return "\n".join(line for line in lines if line)


def consented_text(value: dict[str, Any]) -> str | None:
    """The text of a "Not a misconception here" form, only when its consent toggle is on; else None.

    Typed or pasted by the user into an empty box: dosay never puts the message into the card."""
    if str(value.get(render.CONSENT_KEY, "")) != render.CONSENT_ON:
        return None
    text = str(value.get(render.FEEDBACK_TEXT_KEY) or "").strip()
    return text[: render.FEEDBACK_TEXT_MAX] or None


def base_conversation(conversation_id: str) -> str:
    """A channel thread's conversation id is ``<channel>;messageid=<root>``: keep the channel part."""
    return conversation_id.split(";messageid=", 1)[0]


def thread_root_of(conversation_id: str) -> str | None:
    _, sep, root = conversation_id.partition(";messageid=")
    return root or None if sep else None


@dataclass(frozen=True)
class TeamsActivity:
    """One inbound Teams activity as dosay sees it."""

    kind: Kind
    activity_id: str
    tenant: str
    conversation: str  # without ";messageid=..."
    conversation_type: ConversationType
    user: str
    text: str = ""  # mentions and HTML removed
    mentioned: bool = False  # the bot was @mentioned
    is_bot: bool = False
    thread_root: str | None = None  # channels: the thread's root message id
    value: dict[str, Any] = field(default_factory=dict)  # a card's Action.Submit data
    #: The conversation reference (JSON) for proactive messages, or a function building it: a gateway
    #: can defer that work, since it is only needed the first time a process sees a conversation.
    reference: str | Callable[[], str] = ""
    received_at: datetime | None = None
    #: The Teams team of a channel conversation (``channelData.team.id``); None in chats.
    team: str | None = None

    def inbound(self, now: datetime, *, text: str | None = None) -> InboundMessage:
        """As the core sees it. An edit keeps the original message's id and has no delivery id of its own."""
        root = self.thread_root if self.thread_root and self.thread_root != self.activity_id else None
        return InboundMessage(
            platform="teams",
            workspace=self.tenant,
            channel=self.conversation,
            user=self.user,
            message_id=self.activity_id,
            thread_id=root,
            text=self.text if text is None else text,
            delivery_id=None if self.kind == "edit" else self.activity_id,
            is_bot=self.is_bot,
            received_at=self.received_at or now,
        )


class ConversationGone(Exception):
    """The connector refused a proactive message for good (403: dosay is no longer in the conversation;
    404: the conversation is gone). Retrying today cannot fix it, as Slack's ``not_in_channel``."""


class TeamsTurn(Protocol):
    """How the logic answers within one turn."""

    async def reply(self, message: TeamsMessage) -> str:
        """Post in the activity's thread (channels) or chat; returns the new message's id."""
        ...

    async def reply_privately(self, message: TeamsMessage) -> str:
        """Post in a 1:1 chat with the activity's author (Teams has no ephemeral messages)."""
        ...

    async def update(self, activity_id: str, message: TeamsMessage) -> None:
        """Replace dosay's earlier message ``activity_id`` in the activity's thread or chat."""
        ...


class TeamsGateway(Protocol):
    """What an SDK must provide: serve ``POST /api/messages``, send proactive messages, and finish the
    turns it acknowledged before running them (at shutdown, and in tests)."""

    async def handle(self, request: web.Request, bot: TeamsBot) -> web.StreamResponse: ...

    async def send_proactive(self, reference: str, message: TeamsMessage) -> str:
        """Post at the top of the stored conversation; ``ConversationGone`` when that cannot work."""
        ...

    async def drain(self, timeout: float | None = None) -> None: ...


class BackgroundTurns:
    """Turns that run after their acknowledgement, as Slack listeners run after bolt's ack.

    At most ``limit`` run at once: when all slots are taken, ``start`` waits for one, so under overload
    the acknowledgement slows down (and the platform backs off or redelivers) instead of queueing
    without bound. A turn's exception is logged by type (never a message), not raised. ``drain`` waits
    for running turns and cancels what is left after ``timeout``; after ``close`` nothing new starts.
    """

    def __init__(self, limit: int = 256) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.tasks: set[asyncio.Task[None]] = set()
        self.closed = False
        self._slots = asyncio.Semaphore(limit)

    async def start(self, turn: Callable[[], Awaitable[object]]) -> bool:
        """Run ``turn()`` in the background once a slot is free; False when closed (nothing ran)."""
        if self.closed:
            return False
        await self._slots.acquire()
        if self.closed:
            self._slots.release()
            return False
        task = asyncio.create_task(self._run(turn), name="dosay-teams-turn")
        self.tasks.add(task)
        task.add_done_callback(self._finished)
        return True

    async def _run(self, turn: Callable[[], Awaitable[object]]) -> None:
        try:
            await turn()
        except Exception as exc:
            log.error("teams turn failed: %s", type(exc).__name__)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self._slots.release()

    async def drain(self, timeout: float | None = None) -> int:
        """Wait for the running turns (and any that start meanwhile); returns how many were cancelled."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        await asyncio.sleep(0)  # let turns scheduled by the last acknowledgements start
        while self.tasks:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                break
            await asyncio.wait(set(self.tasks), timeout=left)
        late = list(self.tasks)
        for task in late:
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)
            log.warning("teams: %d turns still running at shutdown were cancelled", len(late))
        return len(late)

    async def close(self, timeout: float | None = None) -> int:
        """Start nothing new, then ``drain``."""
        self.closed = True
        return await self.drain(timeout)


class TeamsBot:
    def __init__(self, dosay: Dosay, gateway: TeamsGateway) -> None:
        self.dosay = dosay
        self.gateway = gateway
        #: (tenant, conversation) whose reference is known to be stored: no read per message.
        self._stored: set[tuple[str, str]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        return await self.gateway.handle(request, self)

    async def drain(self, timeout: float | None = None) -> None:
        """Finish the turns the gateway acknowledged and is still running."""
        await self.gateway.drain(timeout)

    async def on_activity(self, activity: TeamsActivity, turn: TeamsTurn) -> None:
        if activity.is_bot:
            return
        if activity.kind == "removed":
            await self._forget(activity)
            return
        await self._remember(activity)
        if activity.kind == "message":
            await self._on_message(activity, turn)
        elif activity.kind == "submit":
            await self._on_submit(activity, turn)
        elif activity.kind == "edit":
            await self._on_edit(activity, turn)

    async def _remember(self, activity: TeamsActivity) -> None:
        """Keep the conversation reference for daily tips: on install, and on the first message seen.

        Conversations this process has already seen stored are skipped without a database read. Another
        replica may store the same conversation too: saving a reference is idempotent, and an install
        always saves (it may carry a new service URL)."""
        if not activity.reference or activity.kind == "edit":
            return
        key = (activity.tenant, activity.conversation)
        if activity.kind != "installed" and key in self._stored:
            return
        if activity.kind == "installed" or not await self.dosay.conversation_ref_saved(
            "teams", activity.tenant, activity.conversation, activity.team
        ):
            reference = activity.reference() if callable(activity.reference) else activity.reference
            await self.dosay.save_conversation_ref(
                "teams", activity.tenant, activity.conversation, reference, team=activity.team
            )
        if len(self._stored) >= _STORED_MAX:
            self._stored.clear()  # a cache, not a record: forgetting costs one read per conversation
        self._stored.add(key)

    async def _forget(self, activity: TeamsActivity) -> None:
        """dosay was uninstalled from, or removed as a member of, this conversation (a team: all of its
        channels): turn its daily tips off and drop the stored reference, so the tip job stops trying.
        A re-install stores the reference again (tips are then turned on again with ``settings``)."""
        forgotten = await self.dosay.removed_from(
            "teams", activity.tenant, [activity.conversation], team=activity.team
        )
        for conversation in forgotten:
            self._stored.discard((activity.tenant, conversation))

    async def _on_message(self, activity: TeamsActivity, turn: TeamsTurn) -> None:
        now = self.dosay.clock()
        addressed = activity.mentioned or activity.conversation_type == "personal"
        words = activity.text.split()
        if addressed and (not words or words[0].lower() in COMMANDS):
            if not await self.dosay.claim(activity.inbound(now, text="")):
                return  # a redelivery of this command
            result = await run_command(
                self.dosay, "teams", activity.tenant, activity.conversation, activity.text, prefix=PREFIX
            )
            await turn.reply(render.text_message(result.text))
            return
        msg = activity.inbound(now)
        decision = await self.dosay.on_message(msg)
        if decision.reply is not None:
            await self._deliver(msg, decision, activity, turn)
        elif decision.reason == "no-match" and addressed:
            if activity.conversation_type == "personal":
                result = await run_command(
                    self.dosay, "teams", activity.tenant, activity.conversation, activity.text, prefix=PREFIX
                )
                await turn.reply(render.text_message(result.text))
            else:
                await turn.reply(render.text_message(NO_MATCH))

    async def _deliver(
        self, msg: InboundMessage, decision: Decision, activity: TeamsActivity, turn: TeamsTurn
    ) -> None:
        assert decision.reply is not None
        message = render.reply_message(decision.reply)
        try:
            if decision.action == "ephemeral" and activity.conversation_type != "personal":
                await turn.reply_privately(message)
                return
            # "reaction" mode: Teams bots cannot react to messages, so they answer in the thread.
            sent = await turn.reply(message)
            await self.dosay.record_reply(msg, decision, sent)
        except Exception as exc:  # the connector's error, after the SDK's own retries
            log.warning(
                "teams %s failed for entry %s: %s",
                decision.action,
                decision.reply.entry_id,
                type(exc).__name__,
            )

    async def _on_edit(self, activity: TeamsActivity, turn: TeamsTurn) -> None:
        """The author edited the misconception away: say so in dosay's reply (an accepted correction)."""
        outcome = await self.dosay.on_edit(activity.inbound(self.dosay.clock()))
        if outcome.kind != "retracted" or not outcome.reply_ref or not outcome.entry_id:
            return
        title = self.dosay.phrasebook.entry(outcome.entry_id).title
        try:
            await turn.update(outcome.reply_ref, render.retracted_message(title))
        except Exception as exc:
            log.warning("teams update failed: %s", type(exc).__name__)

    async def _on_submit(self, activity: TeamsActivity, turn: TeamsTurn) -> None:
        action = str(activity.value.get(render.ACTION_KEY, ""))
        value = str(activity.value.get(render.VALUE_KEY, ""))
        now = self.dosay.clock()
        if not await self.dosay.claim(activity.inbound(now, text="")):
            return
        if action in FEEDBACK and value in self.dosay.phrasebook.entries:
            # Stored silently: a thank-you in the thread would be noise, and a 1:1 chat needs the
            # app installed for the user.
            await self.dosay.feedback(
                platform="teams",
                workspace=activity.tenant,
                channel=activity.conversation,
                user=activity.user,
                entry_id=value,
                kind=FEEDBACK[action],
                text=consented_text(activity.value) if FEEDBACK[action] == "not_misconception" else None,
            )
        elif action == "dosay_snooze":
            until = await self.dosay.snooze(platform="teams", workspace=activity.tenant, user=activity.user)
            text = f"Snoozed: dosay won't correct your messages until {until:%Y-%m-%d %H:%M} UTC."
            try:
                await turn.reply_privately(render.feedback_message(text))
            except Exception as exc:
                log.warning("teams snooze confirmation failed: %s", type(exc).__name__)
        elif action == "dosay_more_regime":
            try:
                card = self.dosay.phrasebook.card_for(Regime(value))
            except (ValueError, KeyError):
                return
            lines = [
                ("What it is", card.what_it_is),
                ("Cost structure", card.cost_structure),
                ("Typical magnitude", card.typical_magnitude),
                ("Time to production", card.time_to_production),
                ("Data handling", card.data_handling),
            ]
            await turn.reply(render.regime_message(card.name, lines))

    async def send_tip(self, settings: ChannelSettings, tip: Tip) -> None:
        """The scheduler's sender for Teams: a proactive message to the stored conversation."""
        reference = await self.dosay.conversation_ref("teams", settings.workspace, settings.channel)
        if reference is None:
            raise LookupError("no conversation reference stored for this Teams conversation")
        try:
            await self.gateway.send_proactive(reference, render.tip_message(tip.text))
        except ConversationGone as exc:
            # Not raised: the scheduler would release the claim and retry every minute all day.
            log.warning(
                "tip for %s skipped today: %s (reinstall dosay there or turn tips off)", settings.channel, exc
            )
