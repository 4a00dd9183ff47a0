"""``Store``: every database read and write of dosay, synchronous SQLAlchemy 2 Core.

The service runs these methods in a thread pool. Cross-process guarantees come from constraints:
``claim_delivery`` and ``claim_tip`` are INSERTs that fail on a duplicate key; the correction's
unique key is the once-per-thread rule. Works on SQLite (file) and PostgreSQL (``postgresql+psycopg://``).

Cheap per event (found with ``dosay bench e2e`` and py-spy): a method is one unit of work on one pooled
connection, most of them a single statement in autocommit mode (no BEGIN / COMMIT round trips, no ORM
session); a new message's claim and its channel's settings share one trip to the database thread
(``claim_message``), the history facts are one query (``history_facts``). Instead of
``pool_pre_ping`` (a ``SELECT 1`` before every checkout) a unit of work that finds its pooled connection
dead runs once more on a fresh one (``_run``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Engine,
    Insert,
    Select,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    literal_column,
    null,
    select,
    text,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.core_types import Platform
from bot.policy import ChannelSettings, HistoryFacts
from bot.storage import models as m

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
T = TypeVar("T")

_TABLES = m.Base.metadata.tables
_EVENTS = _TABLES[m.ProcessedEvent.__tablename__]
_CORRECTIONS = _TABLES[m.Correction.__tablename__]
_FEEDBACK = _TABLES[m.Feedback.__tablename__]
_SETTINGS = _TABLES[m.ChannelSetting.__tablename__]
_SNOOZES = _TABLES[m.Snooze.__tablename__]
_TIPS = _TABLES[m.TipLog.__tablename__]
_REFS = _TABLES[m.ConversationRef.__tablename__]


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
    """An engine for ``url``; ``schema`` (PostgreSQL only) isolates e.g. one test run.

    No ``pool_pre_ping``: it cost a ``SELECT 1`` round trip per checkout (21% of the database threads'
    time on PostgreSQL under load). A connection that died in the pool (database restarted, backend
    terminated) fails its next statement; SQLAlchemy then invalidates every connection of the pool and
    ``Store._run`` runs the unit of work again on a fresh one.
    """
    # hide_parameters: a database error never quotes row values (feedback text) into logs
    kwargs: dict[str, Any] = {"hide_parameters": True}
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
            # Durability trade-off: in WAL mode, synchronous=NORMAL does not fsync on every commit, only
            # at checkpoints. The database cannot be corrupted; a power loss or OS crash (not a crash of
            # dosay) may lose the last commits: an event redelivered after that could be answered again.
            # The fsync per commit was 24% of the SQLite server's samples at 400 events/s.
            cursor.execute("PRAGMA synchronous=NORMAL")
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
        # Each statement its own transaction: a one-statement unit of work costs no BEGIN/COMMIT round trip.
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

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

    def _run(self, work: Callable[[Connection], T], *, atomic: bool = False) -> T:
        """``work`` on one pooled connection: autocommit (one statement = one transaction), or one
        transaction when ``atomic``.

        When the pooled connection turns out dead (SQLAlchemy flags the error ``connection_invalidated``
        and invalidates the whole pool), the work runs once more on a fresh connection. This replaces
        ``pool_pre_ping``. It is safe because a unit of work in autocommit mode writes at most once, in
        its last statement (a dead pooled connection fails the first one), and an atomic one is rolled
        back; an error while committing is not retried (its outcome is unknown).
        """
        engine = self.engine if atomic else self._autocommit
        for attempt in (1, 2):
            with engine.connect() as conn:
                try:
                    result = work(conn)
                except DBAPIError as exc:
                    if attempt == 1 and exc.connection_invalidated:
                        continue
                    raise
                conn.commit()
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _upsert(self, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
        """INSERT ... ON CONFLICT (key) DO UPDATE: one atomic statement, also when two processes race."""
        dialect = sqlite if self.is_sqlite else postgresql
        statement = dialect.insert(table).values({**key, **values})
        return statement.on_conflict_do_update(index_elements=list(key), set_=dict(values))

    def ping(self) -> bool:
        self._run(lambda conn: conn.execute(text("SELECT 1")))
        return True

    # --- dedupe -----------------------------------------------------------------------------------

    @staticmethod
    def _claim(conn: Connection, keys: list[str], now: datetime) -> bool:
        try:
            count, params = _claim_params(keys, now)
            conn.execute(_claim_insert(count), params)
        except IntegrityError:
            conn.rollback()
            return False
        return True

    def claim_delivery(self, keys: list[str], now: datetime) -> bool:
        """True when none of ``keys`` was seen before (and now they are); False = a duplicate."""
        return self._run(lambda conn: self._claim(conn, keys, now))

    def claim_message(
        self, keys: list[str], now: datetime, platform: Platform, workspace: str, channel: str
    ) -> tuple[bool, ChannelSettings | None]:
        """``claim_delivery`` and, when claimed, the channel's stored settings: one trip to the database.

        (False, None) = a duplicate; (True, None) = claimed, the channel has no stored settings.
        """
        if self.is_sqlite:

            def work(conn: Connection) -> tuple[bool, ChannelSettings | None]:
                # the read first: the claim, the only write, comes last (see ``_run`` on retries)
                settings = self._settings(conn, platform, workspace, channel)
                return (True, settings) if self._claim(conn, keys, now) else (False, None)

            return self._run(work)

        # PostgreSQL: one statement, one round trip. The claim is a data-modifying CTE, which PostgreSQL
        # runs exactly once whether or not the SELECT reads it; a duplicate key fails the whole statement.
        count, params = _claim_params(keys, now)
        query = _claim_and_settings(count)
        params |= {"b_platform": platform, "b_workspace": workspace, "b_channel": channel}

        def one_statement(conn: Connection) -> tuple[bool, ChannelSettings | None]:
            try:
                row = conn.execute(query, params).first()
            except IntegrityError:
                conn.rollback()
                return False, None
            return True, _to_settings(row._mapping) if row is not None else None

        return self._run(one_statement)

    # --- corrections --------------------------------------------------------------------------------

    def record_correction(self, record: CorrectionRecord) -> bool:
        """False when this entry was already corrected in this thread (by any process)."""
        row = {
            "platform": record.platform,
            "workspace": record.workspace,
            "channel": record.channel,
            "thread_root": record.thread_root,
            "message_id": record.message_id,
            "user": record.user,
            "entry_id": record.entry_id,
            "action": record.action,
            "created_at": record.created_at,
        }
        return self._insert_unique(_CORRECTIONS, row)

    def _insert_unique(self, table: Table, row: dict[str, Any]) -> bool:
        statement = _INSERTS[table.name]

        def work(conn: Connection) -> bool:
            try:
                conn.execute(statement, row)
            except IntegrityError:
                conn.rollback()
                return False
            return True

        return self._run(work)

    def entries_in_thread(self, platform: str, workspace: str, channel: str, thread_root: str) -> set[str]:
        c = _CORRECTIONS.c
        query = select(c.entry_id).where(*_in_thread(platform, workspace, channel, thread_root))
        return self._run(lambda conn: set(conn.scalars(query)))

    def last_corrections(
        self, platform: str, workspace: str, channel: str, entry_ids: list[str]
    ) -> dict[str, datetime]:
        c = _CORRECTIONS.c
        query = (
            select(c.entry_id, func.max(c.created_at))
            .where(c.platform == platform, c.workspace == workspace, c.channel == channel)
            .where(c.entry_id.in_(entry_ids))
            .group_by(c.entry_id)
        )
        rows = self._run(lambda conn: conn.execute(query).all())
        return {entry_id: latest for entry_id, latest in rows if latest is not None}

    def history_facts(
        self,
        platform: str,
        workspace: str,
        channel: str,
        user: str,
        thread_root: str,
        entry_ids: list[str],
    ) -> HistoryFacts:
        """What ``core.decide`` needs to know, in one query: the user's snooze, the entries already
        corrected in this thread and the last correction of each of ``entry_ids`` in this channel."""
        params = {
            "b_platform": platform,
            "b_workspace": workspace,
            "b_channel": channel,
            "b_user": user,
            "b_thread_root": thread_root,
            "b_entry_ids": entry_ids,
        }
        rows = self._run(lambda conn: conn.execute(_HISTORY_FACTS, params).all())
        snoozed_until: datetime | None = None
        in_thread_ids: set[str] = set()
        last_in_channel: dict[str, datetime] = {}
        for kind, entry_id, when in rows:
            if kind == "s":
                snoozed_until = when
            elif kind == "t":
                in_thread_ids.add(entry_id)
            elif when is not None:
                last_in_channel[entry_id] = when
        return HistoryFacts(
            snoozed_until=snoozed_until, in_thread=frozenset(in_thread_ids), last_in_channel=last_in_channel
        )

    def set_reply_ref(
        self, platform: str, workspace: str, channel: str, message_id: str, entry_id: str, reply_ref: str
    ) -> None:
        params = {
            "b_platform": platform,
            "b_workspace": workspace,
            "b_channel": channel,
            "b_message_id": message_id,
            "b_entry_id": entry_id,
            "b_reply_ref": reply_ref,
        }
        self._run(lambda conn: conn.execute(_SET_REPLY_REF, params))

    def corrections_for_message(
        self, platform: str, workspace: str, channel: str, message_id: str
    ) -> list[StoredCorrection]:
        c = _CORRECTIONS.c
        query = (
            select(c.id, c.entry_id, c.thread_root, c.reply_ref, c.created_at, c.retracted_at)
            .where(c.platform == platform, c.workspace == workspace, c.channel == channel)
            .where(c.message_id == message_id)
            .order_by(c.id)
        )
        rows = self._run(lambda conn: conn.execute(query).all())
        return [StoredCorrection(*row) for row in rows]

    def mark_retracted(self, correction_id: int, now: datetime) -> None:
        c = _CORRECTIONS.c
        live = (c.id == correction_id, c.retracted_at.is_(None))
        statement = update(_CORRECTIONS).where(*live).values(retracted_at=now)
        self._run(lambda conn: conn.execute(statement))

    def correction_rows(self, since: datetime | None = None) -> list[tuple[str, datetime, datetime | None]]:
        """(entry_id, created_at, retracted_at) per correction, oldest first (retracted = accepted)."""
        c = _CORRECTIONS.c
        query = select(c.entry_id, c.created_at, c.retracted_at)
        if since is not None:
            query = query.where(c.created_at >= since)
        rows = self._run(lambda conn: conn.execute(query.order_by(c.created_at)).all())
        return [(e, t, r) for e, t, r in rows]

    def feedback_counts(self) -> dict[tuple[str, str], int]:
        """(entry_id, kind) → number of feedback rows."""
        f = _FEEDBACK.c
        query = select(f.entry_id, f.kind, func.count()).group_by(f.entry_id, f.kind)
        rows = self._run(lambda conn: conn.execute(query).all())
        return {(e, k): int(n) for e, k, n in rows}

    def count_corrections(self, *, retracted: bool | None = None) -> int:
        c = _CORRECTIONS.c
        query = select(func.count()).select_from(_CORRECTIONS)
        if retracted is True:
            query = query.where(c.retracted_at.is_not(None))
        elif retracted is False:
            query = query.where(c.retracted_at.is_(None))
        return int(self._run(lambda conn: conn.scalar(query)) or 0)

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
        statement = insert(_FEEDBACK).values(
            platform=platform,
            workspace=workspace,
            channel=channel,
            user=user,
            entry_id=entry_id,
            kind=kind,
            text=text_with_consent,
            created_at=now,
        )
        self._run(lambda conn: conn.execute(statement))

    def attach_feedback_text(
        self, platform: str, workspace: str, user: str, entry_id: str, text_: str
    ) -> bool:
        f = _FEEDBACK.c
        latest = (
            select(f.id)
            .where(f.platform == platform, f.workspace == workspace, f.user == user, f.entry_id == entry_id)
            .order_by(f.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        statement = update(_FEEDBACK).where(f.id == latest).values(text=text_)
        return bool(self._run(lambda conn: conn.execute(statement).rowcount))

    def feedback_rows(self) -> list[tuple[str, str, str | None]]:
        """(entry_id, kind, text) of every feedback row, oldest first."""
        f = _FEEDBACK.c
        rows = self._run(lambda conn: conn.execute(select(f.entry_id, f.kind, f.text).order_by(f.id)).all())
        return [(e, k, t) for e, k, t in rows]

    def set_snooze(self, platform: str, workspace: str, user: str, until: datetime) -> None:
        statement = self._upsert(
            _SNOOZES, {"platform": platform, "workspace": workspace, "user": user}, {"until": until}
        )
        self._run(lambda conn: conn.execute(statement))

    def snoozed_until(self, platform: str, workspace: str, user: str) -> datetime | None:
        s = _SNOOZES.c
        query = select(s.until).where(s.platform == platform, s.workspace == workspace, s.user == user)
        return self._run(lambda conn: conn.scalar(query))

    @staticmethod
    def _settings(conn: Connection, platform: str, workspace: str, channel: str) -> ChannelSettings | None:
        params = {"b_platform": platform, "b_workspace": workspace, "b_channel": channel}
        row = conn.execute(_SETTINGS_BY_KEY, params).first()
        return _to_settings(row._mapping) if row is not None else None

    def get_channel_settings(
        self, platform: Platform, workspace: str, channel: str
    ) -> ChannelSettings | None:
        return self._run(lambda conn: self._settings(conn, platform, workspace, channel))

    def put_channel_settings(self, settings: ChannelSettings, now: datetime) -> None:
        key = {"platform": settings.platform, "workspace": settings.workspace, "channel": settings.channel}
        values = {
            "mode": settings.mode,
            "tips_enabled": settings.tips_enabled,
            "tip_time": settings.tip_time,
            "timezone": settings.timezone,
            "updated_at": now,
        }
        statement = self._upsert(_SETTINGS, key, values)  # two processes may insert the same new row
        self._run(lambda conn: conn.execute(statement))

    def tip_channels(self, platform: str | None = None) -> list[ChannelSettings]:
        c = _SETTINGS.c
        query = select(*_SETTINGS_COLUMNS).where(c.tips_enabled.is_(True))
        if platform is not None:
            query = query.where(c.platform == platform)
        rows = self._run(lambda conn: conn.execute(query).all())
        return [_to_settings(row._mapping) for row in rows]

    # --- tips ---------------------------------------------------------------------------------------

    def claim_tip(
        self, platform: str, workspace: str, channel: str, day: date, tip_id: str, now: datetime
    ) -> bool:
        row = {
            "platform": platform,
            "workspace": workspace,
            "channel": channel,
            "day": day,
            "tip_id": tip_id,
            "created_at": now,
        }
        return self._insert_unique(_TIPS, row)

    def _tip_day(self, platform: str, workspace: str, channel: str, day: date) -> list[Any]:
        t = _TIPS.c
        return [t.platform == platform, t.workspace == workspace, t.channel == channel, t.day == day]

    def release_tip(self, platform: str, workspace: str, channel: str, day: date) -> None:
        statement = delete(_TIPS).where(*self._tip_day(platform, workspace, channel, day))
        self._run(lambda conn: conn.execute(statement))

    def tip_logged(self, platform: str, workspace: str, channel: str, day: date) -> bool:
        where = self._tip_day(platform, workspace, channel, day)
        query = select(func.count()).select_from(_TIPS).where(*where)
        return bool(self._run(lambda conn: conn.scalar(query)))

    # --- conversation references ----------------------------------------------------------------------

    def save_conversation_ref(
        self, platform: str, workspace: str, channel: str, data: str, now: datetime, team: str | None = None
    ) -> None:
        """Store (or replace) the reference; ``team`` None keeps a team stored before."""
        values: dict[str, Any] = {"data": data, "updated_at": now}
        if team is not None:
            values["team"] = team
        statement = self._upsert(
            _REFS, {"platform": platform, "workspace": workspace, "channel": channel}, values
        )
        self._run(lambda conn: conn.execute(statement))

    def conversation_ref(self, platform: str, workspace: str, channel: str) -> str | None:
        r = _REFS.c
        query = select(r.data).where(r.platform == platform, r.workspace == workspace, r.channel == channel)
        return self._run(lambda conn: conn.scalar(query))

    def conversation_ref_saved(self, platform: str, workspace: str, channel: str, team: str | None) -> bool:
        """True when a reference is stored for the conversation and, when ``team`` is given, records it
        (a reference stored before migration 0003 has no team: saving it again fills it in)."""
        r = _REFS.c
        key = (r.platform == platform, r.workspace == workspace, r.channel == channel)
        row = self._run(lambda conn: conn.execute(select(r.team).where(*key)).first())
        return row is not None and (team is None or row.team == team)

    # --- removal: dosay was removed from conversations or uninstalled ----------------------------------

    def forget_conversations(
        self, platform: str, workspace: str, channels: list[str], now: datetime, *, team: str | None = None
    ) -> list[str]:
        """Turn the daily tips of ``channels`` (and, with ``team``, of every channel stored as belonging
        to that team) off and delete their conversation references. Other settings stay. Returns the
        channels concerned, sorted. One transaction."""
        r, s = _REFS.c, _SETTINGS.c

        def work(conn: Connection) -> list[str]:
            found = set(channels)
            if team is not None:
                of_team = select(r.channel).where(r.platform == platform, r.workspace == workspace)
                found |= set(conn.scalars(of_team.where(r.team == team)))
            names = sorted(found)
            if not names:
                return names
            tips_on = (s.platform == platform, s.workspace == workspace, s.tips_enabled.is_(True))
            conn.execute(
                update(_SETTINGS)
                .where(*tips_on, s.channel.in_(names))
                .values(tips_enabled=False, updated_at=now)
            )
            refs = (r.platform == platform, r.workspace == workspace, r.channel.in_(names))
            conn.execute(delete(_REFS).where(*refs))
            return names

        return self._run(work, atomic=True)

    def forget_workspace(self, platform: str, workspace: str, now: datetime) -> int:
        """The app was uninstalled from ``workspace``: tips off in every channel of it, its conversation
        references deleted. Returns how many channels had their tips turned off. One transaction."""
        r, s = _REFS.c, _SETTINGS.c

        def work(conn: Connection) -> int:
            tips_on = (s.platform == platform, s.workspace == workspace, s.tips_enabled.is_(True))
            result = conn.execute(
                update(_SETTINGS).where(*tips_on).values(tips_enabled=False, updated_at=now)
            )
            conn.execute(delete(_REFS).where(r.platform == platform, r.workspace == workspace))
            return int(result.rowcount or 0)

        return self._run(work, atomic=True)

    # --- retention (issue 5) ----------------------------------------------------------------------------

    def purge(self, before: datetime) -> int:
        """Delete rows older than ``before`` from the time-stamped tables; returns rows deleted."""

        def work(conn: Connection) -> int:
            deleted = 0
            for table in (_EVENTS, _CORRECTIONS, _FEEDBACK, _TIPS):
                result = conn.execute(delete(table).where(table.c.created_at < before))
                deleted += int(result.rowcount or 0)
            return deleted

        return self._run(work, atomic=True)


_SETTINGS_COLUMNS = [
    _SETTINGS.c[name]
    for name in ("platform", "workspace", "channel", "mode", "tips_enabled", "tip_time", "timezone")
]


# --- the statements of the per-message path, built once ---------------------------------------------------
# A statement object built once with named parameters skips SQLAlchemy's per-call construction and cache-key
# work (a rebuilt multi-row INSERT inside a CTE was even compiled anew on every call: ~10% of the server's
# CPU at 400 events/s on PostgreSQL). Parameter names start with ``b_`` (column names are reserved).


def _param(name: str, column: Any) -> Any:
    return bindparam(f"b_{name}", type_=column.type)


def _where(table: Table, *names: str) -> list[Any]:
    return [table.c[name] == _param(name, table.c[name]) for name in names]


_SETTINGS_BY_KEY = select(*_SETTINGS_COLUMNS).where(*_where(_SETTINGS, "platform", "workspace", "channel"))


@functools.cache
def _claim_insert(count: int) -> Insert:
    """One INSERT of ``count`` rows (not executemany): atomic in autocommit mode, all keys or none.

    INSERT ... SELECT rather than a multi-row VALUES, which SQLAlchemy compiles anew on every call."""
    key, at = _EVENTS.c.key, _EVENTS.c.created_at
    rows = [select(_param(f"key{i}", key), _param("now", at)) for i in range(count)]
    return insert(_EVENTS).from_select(["key", "created_at"], rows[0] if count == 1 else union_all(*rows))


def _claim_params(keys: list[str], now: datetime) -> tuple[int, dict[str, Any]]:
    """(how many distinct keys, the parameters of ``_claim_insert`` of that many)."""
    unique = list(dict.fromkeys(key[:255] for key in keys))
    params: dict[str, Any] = {f"b_key{i}": key for i, key in enumerate(unique)}
    params["b_now"] = now
    return len(unique), params


@functools.cache
def _claim_and_settings(count: int) -> Select[Any]:
    return _SETTINGS_BY_KEY.add_cte(_claim_insert(count).cte("claim"))


def _history_facts() -> CompoundSelect[Any]:
    c, s = _CORRECTIONS.c, _SNOOZES.c
    at = m.UTCDateTime()
    # the first SELECT types the union's columns: its ``at`` is a UTCDateTime (aware UTC out)
    snooze = select(
        literal_column("'s'", String).label("kind"),
        type_coerce(null(), String).label("entry"),
        type_coerce(s.until, at).label("at"),
    ).where(*_where(_SNOOZES, "platform", "workspace"), s.user == _param("user", s.user))
    in_thread = select(literal_column("'t'", String), c.entry_id, type_coerce(null(), at)).where(
        *_where(_CORRECTIONS, "platform", "workspace", "channel", "thread_root")
    )
    entry_ids = bindparam("b_entry_ids", expanding=True, type_=c.entry_id.type)
    last = (
        select(literal_column("'l'", String), c.entry_id, func.max(c.created_at))
        .where(*_where(_CORRECTIONS, "platform", "workspace", "channel"), c.entry_id.in_(entry_ids))
        .group_by(c.entry_id)
    )
    return union_all(snooze, in_thread, last)


_HISTORY_FACTS = _history_facts()
_INSERTS = {table.name: insert(table) for table in (_CORRECTIONS, _TIPS)}
_SET_REPLY_REF = (
    update(_CORRECTIONS)
    .where(*_where(_CORRECTIONS, "platform", "workspace", "channel", "message_id", "entry_id"))
    .values(reply_ref=_param("reply_ref", _CORRECTIONS.c.reply_ref))
)


def _in_thread(platform: str, workspace: str, channel: str, thread_root: str) -> list[Any]:
    c = _CORRECTIONS.c
    return [
        c.platform == platform,
        c.workspace == workspace,
        c.channel == channel,
        c.thread_root == thread_root,
    ]


def _to_settings(row: Mapping[Any, Any]) -> ChannelSettings:
    return ChannelSettings.model_validate(
        {
            "platform": row["platform"],
            "workspace": row["workspace"],
            "channel": row["channel"],
            "mode": row["mode"],
            "tips_enabled": row["tips_enabled"],
            "tip_time": row["tip_time"],
            "timezone": row["timezone"],
        }
    )
