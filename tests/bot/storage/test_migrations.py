"""Alembic migrations: they build exactly the models' schema, and running them again changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.policy import ChannelSettings
from bot.storage.migrate import upgrade
from bot.storage.models import Base
from bot.storage.store import CorrectionRecord, Store
from tests.bot.conftest import PG_URL, drop_schema, postgres_schema_or_skip


def test_migrations_match_the_models(store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_keeps_data(store) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert store.claim_delivery(["k1"], now)
    upgrade(store.engine)
    assert not store.claim_delivery(["k1"], now)


def test_times_come_back_aware_utc(store) -> None:
    until = datetime(2026, 6, 2, 9, 30, tzinfo=UTC)
    store.set_snooze("slack", "T1", "U1", until)
    assert store.snoozed_until("slack", "T1", "U1") == until
    assert store.snoozed_until("slack", "T1", "U1").tzinfo is not None


def test_purge_removes_old_rows(store) -> None:
    old, new = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    store.claim_delivery(["old"], old)
    store.claim_delivery(["new"], new)
    assert store.purge(datetime(2026, 3, 1, tzinfo=UTC)) == 1
    assert store.claim_delivery(["old"], new) and not store.claim_delivery(["new"], new)


def test_stats_readers(store) -> None:
    from bot.storage.store import CorrectionRecord

    t1, t2 = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 8, tzinfo=UTC)
    for ts, when in (("1", t1), ("2", t2)):
        store.record_correction(
            CorrectionRecord("slack", "T1", "C1", ts, ts, "U1", "inference-is-free", "reply", when)
        )
    first = store.corrections_for_message("slack", "T1", "C1", "1")[0]
    store.mark_retracted(first.id, t2)
    assert store.correction_rows() == [("inference-is-free", t1, t2), ("inference-is-free", t2, None)]
    assert store.correction_rows(since=t2) == [("inference-is-free", t2, None)]
    store.add_feedback("slack", "T1", "C1", "U1", "inference-is-free", "helpful", None, t1)
    store.add_feedback("slack", "T1", "C1", "U2", "inference-is-free", "helpful", None, t1)
    assert store.feedback_counts() == {("inference-is-free", "helpful"): 2}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def unmigrated(request, sqlite_url) -> Iterator[Store]:
    """A Store on an empty database (no migration run yet)."""
    if request.param == "sqlite":
        opened = Store.open(sqlite_url, migrate=False)
        yield opened
        opened.close()
        return
    schema = postgres_schema_or_skip()
    opened = Store.open(PG_URL, schema=schema, migrate=False)
    yield opened
    opened.close()
    drop_schema(schema)


def test_upgrade_from_0001_keeps_data_and_adds_the_correction_indexes(unmigrated) -> None:
    store = unmigrated
    upgrade(store.engine, "0001")
    t1, t2 = datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC)
    assert store.claim_delivery(["k1"], t1)
    record = CorrectionRecord("slack", "T1", "C1", "1.1", "1.1", "U1", "inference-is-free", "reply", t1)
    assert store.record_correction(record)
    store.set_reply_ref("slack", "T1", "C1", "1.1", "inference-is-free", "9.9")
    off = ChannelSettings(platform="slack", workspace="T1", channel="C1", mode="off")
    store.put_channel_settings(off, t1)
    store.set_snooze("slack", "T1", "U1", t2)
    store.add_feedback("slack", "T1", "C1", "U1", "inference-is-free", "helpful", None, t1)

    upgrade(store.engine)

    indexes = {ix["name"] for ix in inspect(store.engine).get_indexes("corrections")}
    assert {"ix_corrections_channel_entry", "ix_corrections_message"} <= indexes
    assert not store.claim_delivery(["k1"], t2)
    assert not store.record_correction(record)
    [kept] = store.corrections_for_message("slack", "T1", "C1", "1.1")
    assert (kept.entry_id, kept.reply_ref, kept.created_at) == ("inference-is-free", "9.9", t1)
    settings = store.get_channel_settings("slack", "T1", "C1")
    assert settings is not None and settings.mode == "off"
    assert store.snoozed_until("slack", "T1", "U1") == t2
    assert store.feedback_rows() == [("inference-is-free", "helpful", None)]
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0003"


def test_upgrade_from_0002_keeps_conversation_references_and_adds_their_team(unmigrated) -> None:
    store = unmigrated
    upgrade(store.engine, "0002")
    t1 = datetime(2026, 6, 1, tzinfo=UTC)
    with store.engine.begin() as conn:  # a row as 0002 wrote it (no team column yet)
        conn.execute(
            text(
                "INSERT INTO conversation_refs (platform, workspace, channel, data, updated_at)"
                " VALUES ('teams', 'T1', '19:c', '{\"v\": 1}', :at)"
            ),
            {"at": t1.replace(tzinfo=None)},
        )
    tips = ChannelSettings(platform="teams", workspace="T1", channel="19:c", tips_enabled=True)
    store.put_channel_settings(tips, t1)

    upgrade(store.engine)

    columns = {c["name"] for c in inspect(store.engine).get_columns("conversation_refs")}
    assert "team" in columns
    assert store.conversation_ref("teams", "T1", "19:c") == '{"v": 1}'
    assert store.conversation_ref_saved("teams", "T1", "19:c", None)
    assert [s.channel for s in store.tip_channels("teams")] == ["19:c"]
    # the next message of that channel brings its team; removing the team then finds the channel
    store.save_conversation_ref("teams", "T1", "19:c", '{"v": 1}', t1, team="19:team")
    assert store.forget_conversations("teams", "T1", ["19:general"], t1, team="19:team") == [
        "19:c",
        "19:general",
    ]
    assert store.tip_channels("teams") == []
