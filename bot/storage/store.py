"""``Store``: every database read and write of dosay, synchronous SQLAlchemy 2.

The service runs these methods in a thread pool. Cross-process guarantees come from constraints:
``claim_delivery`` and ``claim_tip`` are INSERTs that fail on a duplicate key; the correction's
unique key is the once-per-thread rule. Works on SQLite (file) and PostgreSQL (``postgresql+psycopg://``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core_types import Platform
from bot.policy import ChannelSettings
from bot.storage import models as m

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class CorrectionRecord:
    platform: str
    workspace: str
    channel: str
    thread_root: str
    message_id: str
    user: str
    entry_id: str
    action: str
    created_at: datetime


@dataclass(frozen=True)
class StoredCorrection:
    id: int
    entry_id: str
    thread_root: str
    reply_ref: str | None
    created_at: datetime
    retracted_at: datetime | None


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for ``url``; ``schema`` (PostgreSQL only) isolates e.g. one test run."""
    # hide_parameters: a database error never quotes row values (feedback text) into logs
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # fail fast when the database is away (requests answer 503 / are retried; health turns red)
        kwargs["connect_args"] = {"connect_timeout": 5}
        if schema is not None:
            if not _SCHEMA_NAME.match(schema):
                raise ValueError(f"schema name '{schema}' must be lowercase letters, digits and underscores")
            kwargs["connect_args"]["options"] = f"-csearch_path={schema}"
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    elif schema is not None:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine


class Store:
    def __init__(self, engine: Engine, *, schema: str | None = None) -> None:
        self.engine = engine
        self.schema = schema
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, schema: str | None = None, migrate: bool = True) -> Store:
        """Connect and bring the schema up to date (Alembic ``upgrade head``)."""
        engine = make_engine(url, schema=schema)
        if migrate:
            from bot.storage.migrate import upgrade

            upgrade(engine)
        return cls(engine, schema=schema)

    def reopen(self) -> Store:
        """Another Store on the same database and schema, with its own connection pool (another process)."""
        return Store.open(
            self.engine.url.render_as_string(hide_password=False), schema=self.schema, migrate=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def _insert_unique(self, rows: list[Any]) -> bool:
        try:
            with self._session() as session:
                session.add_all(rows)
        except IntegrityError:
            return False
        return True

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True

    # --- dedupe -----------------------------------------------------------------------------------

    def claim_delivery(self, keys: list[str], now: datetime) -> bool:
        """True when none of ``keys`` was seen before (and now they are); False = a duplicate."""
        return self._insert_unique([m.ProcessedEvent(key=key[:255], created_at=now) for key in keys])

    # --- corrections --------------------------------------------------------------------------------

    def record_correction(self, record: CorrectionRecord) -> bool:
        """False when this entry was already corrected in this thread (by any process)."""
        row = m.Correction(
            platform=record.platform,
            workspace=record.workspace,
            channel=record.channel,
            thread_root=record.thread_root,
            message_id=record.message_id,
            user=record.user,
            entry_id=record.entry_id,
            action=record.action,
            created_at=record.created_at,
        )
        return self._insert_unique([row])

    def entries_in_thread(self, platform: str, workspace: str, channel: str, thread_root: str) -> set[str]:
        with self._session() as session:
            rows = session.scalars(
                select(m.Correction.entry_id).where(
                    m.Correction.platform == platform,
                    m.Correction.workspace == workspace,
                    m.Correction.channel == channel,
                    m.Correction.thread_root == thread_root,
                )
            )
            return set(rows)

    def last_corrections(
        self, platform: str, workspace: str, channel: str, entry_ids: list[str]
    ) -> dict[str, datetime]:
        with self._session() as session:
            rows = session.execute(
                select(m.Correction.entry_id, func.max(m.Correction.created_at))
                .where(
                    m.Correction.platform == platform,
                    m.Correction.workspace == workspace,
                    m.Correction.channel == channel,
                    m.Correction.entry_id.in_(entry_ids),
                )
                .group_by(m.Correction.entry_id)
            )
            out: dict[str, datetime] = {}
            for entry_id, latest in rows:
                value = m.UTCDateTime().process_result_value(latest, self.engine.dialect)
                if value is not None:
                    out[entry_id] = value
            return out

    def set_reply_ref(
        self, platform: str, workspace: str, channel: str, message_id: str, entry_id: str, reply_ref: str
    ) -> None:
        with self._session() as session:
            for row in session.scalars(
                select(m.Correction).where(
                    m.Correction.platform == platform,
                    m.Correction.workspace == workspace,
                    m.Correction.channel == channel,
                    m.Correction.message_id == message_id,
                    m.Correction.entry_id == entry_id,
                )
            ):
                row.reply_ref = reply_ref

    def corrections_for_message(
        self, platform: str, workspace: str, channel: str, message_id: str
    ) -> list[StoredCorrection]:
        with self._session() as session:
            rows = session.scalars(
                select(m.Correction)
                .where(
                    m.Correction.platform == platform,
                    m.Correction.workspace == workspace,
                    m.Correction.channel == channel,
                    m.Correction.message_id == message_id,
                )
                .order_by(m.Correction.id)
            )
            return [
                StoredCorrection(r.id, r.entry_id, r.thread_root, r.reply_ref, r.created_at, r.retracted_at)
                for r in rows
            ]

    def mark_retracted(self, correction_id: int, now: datetime) -> None:
        with self._session() as session:
            row = session.get(m.Correction, correction_id)
            if row is not None and row.retracted_at is None:
                row.retracted_at = now

    def correction_rows(self, since: datetime | None = None) -> list[tuple[str, datetime, datetime | None]]:
        """(entry_id, created_at, retracted_at) per correction, oldest first (retracted = accepted)."""
        with self._session() as session:
            query = select(m.Correction.entry_id, m.Correction.created_at, m.Correction.retracted_at)
            if since is not None:
                query = query.where(m.Correction.created_at >= since)
            return [(e, c, r) for e, c, r in session.execute(query.order_by(m.Correction.created_at))]

    def feedback_counts(self) -> dict[tuple[str, str], int]:
        """(entry_id, kind) → number of feedback rows."""
        with self._session() as session:
            rows = session.execute(
                select(m.Feedback.entry_id, m.Feedback.kind, func.count()).group_by(
                    m.Feedback.entry_id, m.Feedback.kind
                )
            )
            return {(e, k): int(n) for e, k, n in rows}

    def count_corrections(self, *, retracted: bool | None = None) -> int:
        with self._session() as session:
            query = select(func.count()).select_from(m.Correction)
            if retracted is True:
                query = query.where(m.Correction.retracted_at.is_not(None))
            elif retracted is False:
                query = query.where(m.Correction.retracted_at.is_(None))
            return int(session.scalar(query) or 0)

    # --- feedback, snooze, settings -----------------------------------------------------------------

    def add_feedback(
        self,
        platform: str,
        workspace: str,
        channel: str,
        user: str,
        entry_id: str,
        kind: str,
        text_with_consent: str | None,
        now: datetime,
    ) -> None:
        with self._session() as session:
            session.add(
                m.Feedback(
                    platform=platform,
                    workspace=workspace,
                    channel=channel,
                    user=user,
                    entry_id=entry_id,
                    kind=kind,
                    text=text_with_consent,
                    created_at=now,
                )
            )

    def attach_feedback_text(
        self, platform: str, workspace: str, user: str, entry_id: str, text_: str
    ) -> bool:
        with self._session() as session:
            row = session.scalars(
                select(m.Feedback)
                .where(
                    m.Feedback.platform == platform,
                    m.Feedback.workspace == workspace,
                    m.Feedback.user == user,
                    m.Feedback.entry_id == entry_id,
                )
                .order_by(m.Feedback.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return False
            row.text = text_
            return True

    def feedback_rows(self) -> list[tuple[str, str, str | None]]:
        """(entry_id, kind, text) of every feedback row, oldest first."""
        with self._session() as session:
            rows = session.execute(
                select(m.Feedback.entry_id, m.Feedback.kind, m.Feedback.text).order_by(m.Feedback.id)
            )
            return [(e, k, t) for e, k, t in rows]

    def set_snooze(self, platform: str, workspace: str, user: str, until: datetime) -> None:
        with self._session() as session:
            row = session.get(m.Snooze, (platform, workspace, user))
            if row is None:
                session.add(m.Snooze(platform=platform, workspace=workspace, user=user, until=until))
            else:
                row.until = until

    def snoozed_until(self, platform: str, workspace: str, user: str) -> datetime | None:
        with self._session() as session:
            row = session.get(m.Snooze, (platform, workspace, user))
            return row.until if row is not None else None

    def get_channel_settings(
        self, platform: Platform, workspace: str, channel: str
    ) -> ChannelSettings | None:
        with self._session() as session:
            row = session.get(m.ChannelSetting, (platform, workspace, channel))
            return _to_settings(row) if row is not None else None

    def put_channel_settings(self, settings: ChannelSettings, now: datetime) -> None:
        key = (settings.platform, settings.workspace, settings.channel)
        values = {
            "mode": settings.mode,
            "tips_enabled": settings.tips_enabled,
            "tip_time": settings.tip_time,
            "timezone": settings.timezone,
            "updated_at": now,
        }
        for _attempt in range(3):  # two processes inserting the same new row: the loser updates
            try:
                with self._session() as session:
                    row = session.get(m.ChannelSetting, key)
                    if row is None:
                        session.add(
                            m.ChannelSetting(platform=key[0], workspace=key[1], channel=key[2], **values)
                        )
                    else:
                        for name, value in values.items():
                            setattr(row, name, value)
                return
            except IntegrityError:
                continue

    def tip_channels(self, platform: str | None = None) -> list[ChannelSettings]:
        with self._session() as session:
            query = select(m.ChannelSetting).where(m.ChannelSetting.tips_enabled.is_(True))
            if platform is not None:
                query = query.where(m.ChannelSetting.platform == platform)
            return [_to_settings(row) for row in session.scalars(query)]

    # --- tips ---------------------------------------------------------------------------------------

    def claim_tip(
        self, platform: str, workspace: str, channel: str, day: date, tip_id: str, now: datetime
    ) -> bool:
        row = m.TipLog(
            platform=platform, workspace=workspace, channel=channel, day=day, tip_id=tip_id, created_at=now
        )
        return self._insert_unique([row])

    def release_tip(self, platform: str, workspace: str, channel: str, day: date) -> None:
        with self._session() as session:
            session.execute(
                delete(m.TipLog).where(
                    m.TipLog.platform == platform,
                    m.TipLog.workspace == workspace,
                    m.TipLog.channel == channel,
                    m.TipLog.day == day,
                )
            )

    def tip_logged(self, platform: str, workspace: str, channel: str, day: date) -> bool:
        with self._session() as session:
            found = session.scalar(
                select(func.count())
                .select_from(m.TipLog)
                .where(
                    m.TipLog.platform == platform,
                    m.TipLog.workspace == workspace,
                    m.TipLog.channel == channel,
                    m.TipLog.day == day,
                )
            )
            return bool(found)

    # --- conversation references ----------------------------------------------------------------------

    def save_conversation_ref(
        self, platform: str, workspace: str, channel: str, data: str, now: datetime
    ) -> None:
        for _attempt in range(3):
            try:
                with self._session() as session:
                    row = session.get(m.ConversationRef, (platform, workspace, channel))
                    if row is None:
                        session.add(
                            m.ConversationRef(
                                platform=platform,
                                workspace=workspace,
                                channel=channel,
                                data=data,
                                updated_at=now,
                            )
                        )
                    else:
                        row.data, row.updated_at = data, now
                return
            except IntegrityError:
                continue

    def conversation_ref(self, platform: str, workspace: str, channel: str) -> str | None:
        with self._session() as session:
            row = session.get(m.ConversationRef, (platform, workspace, channel))
            return row.data if row is not None else None

    # --- retention (issue 5) ----------------------------------------------------------------------------

    def purge(self, before: datetime) -> int:
        """Delete rows older than ``before`` from the time-stamped tables; returns rows deleted."""
        deleted = 0
        with self._session() as session:
            for table, column in (
                (m.ProcessedEvent, m.ProcessedEvent.created_at),
                (m.Correction, m.Correction.created_at),
                (m.Feedback, m.Feedback.created_at),
                (m.TipLog, m.TipLog.created_at),
            ):
                result = session.execute(delete(table).where(column < before))
                deleted += int(getattr(result, "rowcount", 0) or 0)
        return deleted


def _to_settings(row: m.ChannelSetting) -> ChannelSettings:
    return ChannelSettings.model_validate(
        {
            "platform": row.platform,
            "workspace": row.workspace,
            "channel": row.channel,
            "mode": row.mode,
            "tips_enabled": row.tips_enabled,
            "tip_time": row.tip_time,
            "timezone": row.timezone,
        }
    )
