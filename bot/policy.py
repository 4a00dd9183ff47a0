"""Noise-control rules as pure functions: channel settings, snooze, cooldown, once per thread.

Nothing here reads a clock, the environment or the database: the service passes the facts in.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator

from bot.core_types import ChannelMode, Platform

#: How long the same entry stays quiet in one channel after a correction.
DEFAULT_COOLDOWN = timedelta(hours=1)
#: How long "Snooze for me" silences corrections of one user's messages.
DEFAULT_SNOOZE = timedelta(hours=24)
DEFAULT_TIP_TIME = "09:00"
DEFAULT_TIMEZONE = "UTC"

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MODES: tuple[ChannelMode, ...] = ("thread", "ephemeral", "reaction", "off")


class ChannelSettings(BaseModel):
    """Per-channel settings, changed with ``/dosay settings`` (or the Teams ``settings`` command)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: Platform
    workspace: str
    channel: str
    mode: ChannelMode = "thread"
    tips_enabled: bool = False
    tip_time: str = DEFAULT_TIP_TIME  # "HH:MM" local time of the channel
    timezone: str = DEFAULT_TIMEZONE  # IANA name, e.g. "Europe/Berlin"

    @field_validator("tip_time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError(f"tip time '{value}' is not HH:MM (expected e.g. 09:30)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone '{value}' (expected an IANA name such as Europe/Berlin)"
            ) from None
        return value

    def local_now(self, now: datetime) -> datetime:
        return now.astimezone(ZoneInfo(self.timezone))


class HistoryFacts(BaseModel):
    """What the store knows that the decision needs; gathered by the service before ``decide``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    snoozed_until: datetime | None = None
    #: entries already corrected in this thread
    in_thread: frozenset[str] = frozenset()
    #: entry id → time of the last correction of that entry in this channel
    last_in_channel: dict[str, datetime] = {}


def is_snoozed(snoozed_until: datetime | None, now: datetime) -> bool:
    return snoozed_until is not None and now < snoozed_until


def in_cooldown(last: datetime | None, now: datetime, cooldown: timedelta = DEFAULT_COOLDOWN) -> bool:
    return last is not None and now - last < cooldown


def blocked_reason(
    entry_id: str, facts: HistoryFacts, now: datetime, cooldown: timedelta = DEFAULT_COOLDOWN
) -> str | None:
    """Why this entry must not be answered now, or None when it may."""
    if entry_id in facts.in_thread:
        return "already-in-thread"
    if in_cooldown(facts.last_in_channel.get(entry_id), now, cooldown):
        return "cooldown"
    return None


def tip_due(settings: ChannelSettings, now: datetime) -> bool:
    """True once the channel's local clock has passed its tip time today."""
    if not settings.tips_enabled or settings.mode == "off":
        return False
    local = settings.local_now(now)
    hours, minutes = (int(part) for part in settings.tip_time.split(":"))
    return (local.hour, local.minute) >= (hours, minutes)


def parse_mode(text: str) -> ChannelMode | None:
    lowered = text.strip().lower()
    for mode in MODES:
        if lowered == mode:
            return mode
    return None
