"""``Dosay``: the I/O-owning orchestration around the pure core. One instance per process.

Adapters (Slack, Teams, playground) translate a platform event into an ``InboundMessage``, call
``on_message`` and render the ``Decision``'s ``Reply``. Everything that must hold across processes
(dedupe, once per thread, the daily tip) is decided by database constraints in ``Store``, not memory.

Typical adapter flow::

    decision = await dosay.on_message(msg)
    if decision.reply is not None:
        ref = await post(...)                        # platform call
        await dosay.record_reply(msg, decision, ref)  # lets edits update the reply later
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any, Literal, ParamSpec, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot import core, policy
from bot.core_types import Decision, InboundMessage, Platform, Reply
from bot.policy import ChannelSettings
from bot.replies import build_reply
from bot.storage.store import CorrectionRecord, Store
from intents.lookup import LookupResult, search
from intents.types import Match
from phrasebook.schema import Phrasebook, Tip

log = logging.getLogger("dosay.service")
P = ParamSpec("P")
T = TypeVar("T")

#: Database threads on PostgreSQL. Every thread waiting for a reply from the database competes for the
#: GIL with the event loop when the answer comes: at 700 events/s (``dosay bench e2e``, 2 cores) the p99
#: acknowledgement was 21-202 ms with 8 (5 runs), 6-35 ms with 2 or 4 (9 of 10 runs). A statement takes
#: ~0.2-0.6 ms on a local PostgreSQL, so 4 threads still run several thousand a second; a far-away
#: database would want more.
POSTGRES_THREADS = 4
#: Threads for the matcher (see ``Dosay.__init__``).
MATCH_THREADS = 1

FeedbackKind = Literal["helpful", "not_misconception"]

#: Waits (seconds) between attempts of a database step that failed because the database was away, when
#: the caller asked for retries (``on_message(msg, retry=True)``): Slack never redelivers an event it got a
#: 200 for, so an event acknowledged just before an outage is answered when the database is back (~90 s).
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 30.0)


def is_transient(exc: BaseException) -> bool:
    """A database error that may pass by itself (server away, connection lost, pool exhausted)."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class MatcherLike(Protocol):
    def match(self, text: str) -> list[Match]: ...


class EditOutcome(BaseModel):
    """What an edit means for dosay's earlier reply to that message."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: "retracted": the edited text no longer states the corrected entry (an accepted correction);
    #: "unchanged": it still does, or dosay never replied to that message; "duplicate": seen before.
    kind: Literal["retracted", "unchanged", "duplicate"]
    entry_id: str | None = None
    reply_ref: str | None = None  # what the adapter stored with record_reply (Slack: the reply's ts)
    thread_root: str | None = None


class Dosay:
    def __init__(
        self,
        *,
        phrasebook: Phrasebook,
        matcher: MatcherLike,
        store: Store,
        clock: Callable[[], datetime],
        cooldown: timedelta = policy.DEFAULT_COOLDOWN,
        snooze_for: timedelta = policy.DEFAULT_SNOOZE,
        default_tip_time: str = policy.DEFAULT_TIP_TIME,
        default_timezone: str = policy.DEFAULT_TIMEZONE,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.phrasebook = phrasebook
        self.matcher = matcher
        self.store = store
        self.clock = clock
        self.cooldown = cooldown
        self.snooze_for = snooze_for
        self.default_tip_time = default_tip_time
        self.default_timezone = default_timezone
        self.retry_delays = tuple(retry_delays)
        self._observers: list[Callable[[InboundMessage, Decision], None]] = []
        self._storage_error_listeners: list[Callable[[BaseException], None]] = []
        # SQLite allows one writer: serialise its calls; PostgreSQL gets a small pool (POSTGRES_THREADS).
        self._executor = ThreadPoolExecutor(
            max_workers=1 if store.is_sqlite else POSTGRES_THREADS, thread_name_prefix="dosay-db"
        )
        # The health ping has its own thread: queued behind request work it timed out under load and
        # the gate answered 503 although the database was fine (found by ``dosay bench e2e``).
        self._health_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dosay-health")
        # The matcher is pure Python (it holds the GIL): more threads would not match faster, only take the
        # GIL from the event loop more often. One thread keeps it off the event loop (a long message takes
        # ~10 ms, so one cannot hold the others up for long).
        self._match_executor = ThreadPoolExecutor(max_workers=MATCH_THREADS, thread_name_prefix="dosay-match")

    async def _match(self, text: str) -> list[Match]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._match_executor, self.matcher.match, text)

    async def _io(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def on_storage_error(self, listener: Callable[[BaseException], None]) -> None:
        """Called when a database step fails transiently (e.g. the health gate re-checks at once)."""
        self._storage_error_listeners.append(listener)

    async def _step(self, retry: bool, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``_io(fn, ...)``; with ``retry``, again after each of ``retry_delays`` while the error is
        transient.

        Each step is one unit of work of the store, so a retry never repeats a step that succeeded.
        """
        delays = self.retry_delays if retry else ()
        for attempt, delay in enumerate((*delays, None)):
            try:
                return await self._io(fn, *args, **kwargs)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                for listener in self._storage_error_listeners:
                    try:
                        listener(exc)
                    except Exception:
                        log.exception("storage error listener failed")
                if delay is None:
                    raise
                log.warning(
                    "database unavailable (%s) during %s; attempt %d, retrying in %.1f s",
                    type(exc).__name__,
                    getattr(fn, "__name__", "a step"),
                    attempt + 1,
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._match_executor.shutdown(wait=True)
        self._health_executor.shutdown(wait=False, cancel_futures=True)
        self.store.close()

    # --- messages ------------------------------------------------------------------------------

    @staticmethod
    def _delivery_keys(msg: InboundMessage, kind: str = "msg") -> list[str]:
        keys = [f"{msg.platform}:{msg.workspace}:{msg.channel}:{kind}:{msg.message_id}"]
        if msg.delivery_id:
            keys.append(f"{msg.platform}:delivery:{msg.delivery_id}")
        return keys

    async def claim(self, msg: InboundMessage, *, retry: bool = False) -> bool:
        """Claim a message for a non-correction answer (e.g. a command by mention); False = seen before."""
        return await self._step(retry, self.store.claim_delivery, self._delivery_keys(msg), msg.received_at)

    def add_observer(self, observer: Callable[[InboundMessage, Decision], None]) -> None:
        """Called with every decision (e.g. metrics by reason). Must be fast; errors are logged."""
        self._observers.append(observer)

    async def on_message(self, msg: InboundMessage, *, retry: bool = False) -> Decision:
        """Decide and record. Dedupes on the delivery id AND platform+channel+message id.

        ``retry=True`` (work after the platform was already answered 200): a database step that fails
        because the database is away is tried again (``retry_delays``) instead of losing the message.
        """
        decision = await self._on_message(msg, retry)
        for observer in self._observers:
            try:
                observer(msg, decision)
            except Exception:
                log.exception("decision observer failed")
        return decision

    async def _on_message(self, msg: InboundMessage, retry: bool = False) -> Decision:
        if msg.is_bot:
            return Decision(action="silent", reason="bot")
        now = msg.received_at
        # the claim and the channel's settings in one trip to the database thread (``dosay bench e2e``)
        claimed, stored = await self._step(
            retry,
            self.store.claim_message,
            self._delivery_keys(msg),
            now,
            msg.platform,
            msg.workspace,
            msg.channel,
        )
        if not claimed:
            return Decision(action="silent", reason="duplicate")
        settings = stored or self._default_settings(msg.platform, msg.workspace, msg.channel)
        early = core.pre_check(msg, settings)
        if early is not None:
            return early
        # CPU work off the event loop, so a long message never delays other acknowledgements
        matches = await self._match(msg.text)
        if not matches:
            return Decision(action="silent", reason="no-match")
        facts = await self._step(
            retry,
            self.store.history_facts,
            msg.platform,
            msg.workspace,
            msg.channel,
            msg.user,
            msg.thread_root,
            [m.entry for m in matches],
        )
        decision = core.decide(msg, matches, settings, facts, self.phrasebook, cooldown=self.cooldown)
        if decision.reply is None:
            return decision
        record = CorrectionRecord(
            platform=msg.platform,
            workspace=msg.workspace,
            channel=msg.channel,
            thread_root=msg.thread_root,
            message_id=msg.message_id,
            user=msg.user,
            entry_id=decision.reply.entry_id,
            action=decision.action,
            created_at=now,
        )
        if not await self._step(retry, self.store.record_correction, record):
            return Decision(action="silent", reason="already-in-thread")
        return decision

    async def record_reply(
        self, msg: InboundMessage, decision: Decision, reply_ref: str, *, retry: bool = False
    ) -> None:
        """Remember where the reply went (Slack: its ts) so an edit can update it."""
        if decision.reply is None:
            return
        await self._step(
            retry,
            self.store.set_reply_ref,
            msg.platform,
            msg.workspace,
            msg.channel,
            msg.message_id,
            decision.reply.entry_id,
            reply_ref,
        )

    async def on_edit(self, msg: InboundMessage, *, retry: bool = False) -> EditOutcome:
        """``msg`` carries the edited text and the ORIGINAL message id (``delivery_id`` = the edit event).

        ``retry`` as in ``on_message``."""
        if msg.delivery_id and not await self._step(
            retry, self.store.claim_delivery, [f"{msg.platform}:delivery:{msg.delivery_id}"], msg.received_at
        ):
            return EditOutcome(kind="duplicate")
        found = await self._step(
            retry,
            self.store.corrections_for_message,
            msg.platform,
            msg.workspace,
            msg.channel,
            msg.message_id,
        )
        live = [c for c in found if c.retracted_at is None]
        if not live:
            return EditOutcome(kind="unchanged")
        still = {m.entry for m in await self._match(msg.text)}
        for correction in live:
            if correction.entry_id not in still:
                await self._step(retry, self.store.mark_retracted, correction.id, msg.received_at)
                return EditOutcome(
                    kind="retracted",
                    entry_id=correction.entry_id,
                    reply_ref=correction.reply_ref,
                    thread_root=correction.thread_root,
                )
        return EditOutcome(kind="unchanged", entry_id=live[0].entry_id, reply_ref=live[0].reply_ref)

    # --- feedback, snooze, settings --------------------------------------------------------------

    async def feedback(
        self,
        *,
        platform: Platform,
        workspace: str,
        channel: str,
        user: str,
        entry_id: str,
        kind: FeedbackKind,
        text: str | None = None,
    ) -> None:
        """Store a button press. ``text`` only when the user chose to submit it (consent)."""
        await self._io(
            self.store.add_feedback, platform, workspace, channel, user, entry_id, kind, text, self.clock()
        )

    async def snooze(
        self, *, platform: Platform, workspace: str, user: str, until: datetime | None = None
    ) -> datetime:
        until = until or self.clock() + self.snooze_for
        await self._io(self.store.set_snooze, platform, workspace, user, until)
        return until

    async def channel_settings(self, platform: Platform, workspace: str, channel: str) -> ChannelSettings:
        found = await self._io(self.store.get_channel_settings, platform, workspace, channel)
        return found or self._default_settings(platform, workspace, channel)

    def _default_settings(self, platform: Platform, workspace: str, channel: str) -> ChannelSettings:
        return ChannelSettings(
            platform=platform,
            workspace=workspace,
            channel=channel,
            tip_time=self.default_tip_time,
            timezone=self.default_timezone,
        )

    async def update_channel_settings(
        self, platform: Platform, workspace: str, channel: str, **changes: Any
    ) -> ChannelSettings:
        """Validate and store; raises ``pydantic.ValidationError`` with a readable message on bad input."""
        current = await self.channel_settings(platform, workspace, channel)
        updated = ChannelSettings.model_validate({**current.model_dump(), **changes})
        await self._io(self.store.put_channel_settings, updated, self.clock())
        return updated

    def reframe(self, text: str) -> Reply | None:
        """The reply for ``text`` without noise control: a user explicitly asked ("Reframe this")."""
        matches = [m for m in self.matcher.match(text) if m.entry in self.phrasebook.entries]
        return build_reply(self.phrasebook, matches[0]) if matches else None

    async def feedback_text(
        self, *, platform: Platform, workspace: str, user: str, entry_id: str, text: str
    ) -> bool:
        """Attach text the user chose to submit to their latest feedback on ``entry_id``."""
        return await self._io(
            self.store.attach_feedback_text, platform, workspace, user, entry_id, text[:2000]
        )

    # --- lookups and tips --------------------------------------------------------------------------

    def lookup(self, query: str) -> LookupResult:
        """``intents.lookup.search`` over this phrasebook: entries, regime cards and cost rows."""
        return search(self.phrasebook, query)

    def stale_ids(self, day: date) -> set[str]:
        """Entries and cost bands whose figures are past their review date: never tipped."""
        stale = set(self.phrasebook.stale_entries(day))
        return stale | {b.id for b in self.phrasebook.cost_bands.values() if b.is_stale(day)}

    def tip_for(self, day: date) -> Tip | None:
        from bot.scheduler import pick_tip

        return pick_tip(self.phrasebook, day, self.stale_ids(day))

    async def claim_tip(self, platform: Platform, workspace: str, channel: str, day: date) -> Tip | None:
        """The tip to post today, or None when another process (or an earlier run) already claimed it.

        Exactly once per channel per day across processes: an INSERT against a unique constraint.
        """
        tip = self.tip_for(day)
        if tip is None:
            return None
        claimed = await self._io(
            self.store.claim_tip, platform, workspace, channel, day, tip.id, self.clock()
        )
        return tip if claimed else None

    async def release_tip(self, platform: Platform, workspace: str, channel: str, day: date) -> None:
        """Undo a claim whose post failed for good, so a later run may try again."""
        await self._io(self.store.release_tip, platform, workspace, channel, day)

    async def due_tip_channels(
        self, now: datetime, platform: Platform | None = None
    ) -> list[ChannelSettings]:
        """Channels whose local tip time has passed today and that have no tip logged for that local day."""
        channels = await self._io(self.store.tip_channels, platform)
        due: list[ChannelSettings] = []
        for settings in channels:
            if not policy.tip_due(settings, now):
                continue
            day = settings.local_now(now).date()
            if not await self._io(
                self.store.tip_logged, settings.platform, settings.workspace, settings.channel, day
            ):
                due.append(settings)
        return due

    # --- conversation references (Teams proactive messages) -----------------------------------------

    async def save_conversation_ref(
        self, platform: Platform, workspace: str, channel: str, data: str, *, team: str | None = None
    ) -> None:
        await self._io(
            self.store.save_conversation_ref, platform, workspace, channel, data, self.clock(), team
        )

    async def conversation_ref(self, platform: Platform, workspace: str, channel: str) -> str | None:
        return await self._io(self.store.conversation_ref, platform, workspace, channel)

    async def conversation_ref_saved(
        self, platform: Platform, workspace: str, channel: str, team: str | None = None
    ) -> bool:
        """A reference is stored for the conversation (recording ``team`` when one is given)."""
        return await self._io(self.store.conversation_ref_saved, platform, workspace, channel, team)

    # --- removal ------------------------------------------------------------------------------------

    async def removed_from(
        self,
        platform: Platform,
        workspace: str,
        channels: list[str],
        *,
        team: str | None = None,
        retry: bool = False,
    ) -> list[str]:
        """dosay was removed from ``channels`` (Teams: from ``team``, i.e. every channel stored as part
        of it): their daily tips are turned off and their conversation references deleted, so the tip job
        stops trying them. Other settings stay for a re-install. Returns the channels concerned."""
        forgotten = await self._step(
            retry, self.store.forget_conversations, platform, workspace, channels, self.clock(), team=team
        )
        log.info("%s: removed from %d conversations; their tips are off", platform, len(forgotten))
        return forgotten

    async def uninstalled(self, platform: Platform, workspace: str, *, retry: bool = False) -> int:
        """The app was uninstalled from ``workspace`` (or its bot token revoked): tips off everywhere
        there. Returns how many channels had tips on."""
        count = await self._step(retry, self.store.forget_workspace, platform, workspace, self.clock())
        log.info("%s: uninstalled from a workspace; tips turned off in %d channels", platform, count)
        return count

    async def purge(self, older_than: timedelta) -> int:
        """Delete stored rows older than ``older_than`` (the retention setting); returns rows deleted."""
        return await self._io(self.store.purge, self.clock() - older_than)

    async def healthy(self) -> bool:
        try:
            loop = asyncio.get_running_loop()
            ping = loop.run_in_executor(self._health_executor, self.store.ping)
            return await asyncio.wait_for(ping, timeout=2.0)
        except Exception:
            return False
