"""Daily tips: pick a tip (pure) and a loop that posts to every due channel exactly once a day.

Exactly-once across processes comes from ``Dosay.claim_tip`` (a unique row per channel per day);
the loop itself may run in every replica.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.policy import ChannelSettings
from intents.tips import NoTipError, tip_for_day
from phrasebook.schema import Phrasebook, Tip

if TYPE_CHECKING:
    from bot.service import Dosay

log = logging.getLogger("dosay.scheduler")

#: Sends one tip to one channel; returns normally when posted (errors are logged and the claim released).
TipSender = Callable[[ChannelSettings, Tip], Awaitable[None]]


def pick_tip(phrasebook: Phrasebook, day: date, stale: set[str]) -> Tip | None:
    """The tip of the day (the same as ``dosay tip``), skipping tips about stale entries or cost bands."""
    try:
        return tip_for_day(phrasebook.tips, day, skip=stale)
    except NoTipError:
        return None


class TipScheduler:
    """Checks once a minute for channels whose tip time has passed; one sender per platform."""

    def __init__(
        self,
        dosay: Dosay,
        senders: dict[str, TipSender],
        clock: Callable[[], datetime],
        interval: float = 60.0,
    ) -> None:
        self.dosay = dosay
        self.senders = senders
        self.clock = clock
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        """Post every due tip; returns how many this process posted."""
        now = self.clock()
        posted = 0
        for settings in await self.dosay.due_tip_channels(now):
            sender = self.senders.get(settings.platform)
            if sender is None:
                continue
            day = settings.local_now(now).date()
            tip = await self.dosay.claim_tip(settings.platform, settings.workspace, settings.channel, day)
            if tip is None:
                continue
            try:
                await sender(settings, tip)
                posted += 1
            except Exception as exc:
                log.warning(
                    "tip to %s:%s failed (%s); released for a retry",
                    settings.platform,
                    settings.channel,
                    type(exc).__name__,
                )
                await self.dosay.release_tip(settings.platform, settings.workspace, settings.channel, day)
        return posted

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("tip run failed; will try again")
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="dosay-tips")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
