"""SQLAlchemy 2 tables. No message text anywhere except ``feedback.text``, given with consent.

Change a table only together with a new Alembic revision under ``bot/storage/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, also on SQLite (which drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to storage; pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ProcessedEvent(Base):
    """One row per delivery key (Slack event_id, channel+ts, Teams activity id): INSERT = claim."""

    __tablename__ = "processed_events"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Correction(Base):
    """A correction dosay made. The unique constraint is the once-per-thread-per-entry rule."""

    __tablename__ = "corrections"
    __table_args__ = (
        UniqueConstraint(
            "platform", "workspace", "channel", "thread_root", "entry_id", name="uq_correction_thread"
        ),
        # migration 0002: the history facts (last correction per entry in a channel) and by-message reads
        Index("ix_corrections_channel_entry", "platform", "workspace", "channel", "entry_id", "created_at"),
        Index("ix_corrections_message", "platform", "workspace", "channel", "message_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(255), index=True)
    thread_root: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(128))
    user: Mapped[str] = mapped_column(String(128))
    entry_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reply_ref: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(255))
    user: Mapped[str] = mapped_column(String(128))
    entry_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # only with the user's consent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ChannelSetting(Base):
    __tablename__ = "channel_settings"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(255), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    tips_enabled: Mapped[bool] = mapped_column(Boolean, index=True)
    tip_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Snooze(Base):
    __tablename__ = "snoozes"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(128), primary_key=True)
    user: Mapped[str] = mapped_column(String(128), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())


class TipLog(Base):
    """One row per channel per (local) day: the unique constraint makes the daily tip exactly-once."""

    __tablename__ = "tip_log"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel", "day", name="uq_tip_day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(255))
    day: Mapped[date] = mapped_column(Date)
    tip_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationRef(Base):
    """Where a proactive message goes (Teams conversation reference as JSON). No message text.

    ``team``: the Teams team a channel belongs to (migration 0003), so that removing dosay from a team
    forgets every channel of it; None for chats and for references stored before 0003."""

    __tablename__ = "conversation_refs"
    __table_args__ = (Index("ix_conversation_refs_team", "platform", "workspace", "team"),)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(255), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    team: Mapped[str | None] = mapped_column(String(255), nullable=True)
