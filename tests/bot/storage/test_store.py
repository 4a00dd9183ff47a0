"""``Store`` on SQLite and PostgreSQL: the per-message calls (claim + settings, history facts), the
upserts, and recovery from connections that died in the pool (no ``pool_pre_ping``)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.policy import ChannelSettings, HistoryFacts
from bot.storage.store import CorrectionRecord, Store

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def correction(
    thread: str, entry: str, at: datetime, *, channel: str = "C1", ts: str = ""
) -> CorrectionRecord:
    return CorrectionRecord("slack", "T1", channel, thread, ts or thread, "U1", entry, "reply", at)


def dead() -> OperationalError:
    """What SQLAlchemy raises when a statement finds its pooled connection dead."""
    return OperationalError(
        "SELECT", {}, Exception("server closed the connection"), connection_invalidated=True
    )


def test_claim_message_claims_once_and_reads_the_settings(store: Store) -> None:
    assert store.claim_message(["m1", "d1"], T0, "slack", "T1", "C1") == (True, None)
    assert store.claim_message(["m1", "d1"], T0, "slack", "T1", "C1") == (False, None)
    off = ChannelSettings(platform="slack", workspace="T1", channel="C1", mode="off", tips_enabled=True)
    store.put_channel_settings(off, T0)
    assert store.claim_message(["m2"], T0, "slack", "T1", "C1") == (True, off)
    assert store.claim_message(["m3"], T0, "slack", "T1", "C2") == (True, None)  # another channel


def test_a_claim_is_all_keys_or_none(store: Store) -> None:
    assert store.claim_delivery(["seen"], T0)
    assert not store.claim_delivery(["new", "seen"], T0)  # one key seen before: a duplicate ...
    assert store.claim_delivery(["new"], T0)  # ... and the other key was not recorded
    assert store.claim_delivery(["same", "same"], T0)  # a key given twice is one claim
    assert not store.claim_delivery(["same"], T0)


def test_settings_changed_through_one_store_are_seen_by_another_at_once(store: Store) -> None:
    twin = store.reopen()  # another process: its own pool
    try:
        assert twin.claim_message(["a"], T0, "slack", "T1", "C1") == (True, None)
        ephemeral = ChannelSettings(platform="slack", workspace="T1", channel="C1", mode="ephemeral")
        store.put_channel_settings(ephemeral, T0)
        assert twin.claim_message(["b"], T0, "slack", "T1", "C1") == (True, ephemeral)
        off = ephemeral.model_copy(update={"mode": "off"})
        store.put_channel_settings(off, T0 + timedelta(seconds=1))  # an update of the existing row
        assert twin.claim_message(["c"], T0, "slack", "T1", "C1") == (True, off)
        assert twin.get_channel_settings("slack", "T1", "C1") == off
    finally:
        twin.close()


def test_racing_claims_from_two_stores_win_once(store: Store) -> None:
    twin = store.reopen()
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def claim(which: Store) -> None:
        start.wait()
        won = which.claim_message(["race", "race-delivery"], T0, "slack", "T1", "C1")[0]
        with lock:
            results.append(won)

    threads = [threading.Thread(target=claim, args=(store if i % 2 else twin,)) for i in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        twin.close()
    assert sorted(results) == [False] * 7 + [True]


def test_history_facts_in_one_query_match_the_single_readers(store: Store) -> None:
    empty = store.history_facts("slack", "T1", "C1", "U1", "1.0", ["ai-learns-over-time"])
    assert empty == HistoryFacts()
    store.record_correction(correction("1.0", "ai-learns-over-time", T0))
    store.record_correction(correction("1.0", "inference-is-free", T0 + timedelta(minutes=1)))
    store.record_correction(correction("2.0", "ai-learns-over-time", T0 + timedelta(minutes=5)))
    store.record_correction(correction("3.0", "inference-is-free", T0, channel="C2"))
    until = T0 + timedelta(hours=24)
    store.set_snooze("slack", "T1", "U1", until)

    facts = store.history_facts(
        "slack", "T1", "C1", "U1", "1.0", ["ai-learns-over-time", "finetuning-is-expensive"]
    )
    assert facts.snoozed_until == until and facts.snoozed_until.tzinfo is not None
    assert facts.in_thread == {"ai-learns-over-time", "inference-is-free"}
    assert facts.last_in_channel == {"ai-learns-over-time": T0 + timedelta(minutes=5)}
    assert all(t.tzinfo is not None for t in facts.last_in_channel.values())
    assert facts == HistoryFacts(
        snoozed_until=store.snoozed_until("slack", "T1", "U1"),
        in_thread=frozenset(store.entries_in_thread("slack", "T1", "C1", "1.0")),
        last_in_channel=store.last_corrections(
            "slack", "T1", "C1", ["ai-learns-over-time", "finetuning-is-expensive"]
        ),
    )
    other = store.history_facts("slack", "T1", "C2", "U2", "9.0", ["inference-is-free"])
    assert other == HistoryFacts(last_in_channel={"inference-is-free": T0})


def test_upserts_insert_then_update(store: Store) -> None:
    store.set_snooze("slack", "T1", "U1", T0)
    store.set_snooze("slack", "T1", "U1", T0 + timedelta(hours=1))
    assert store.snoozed_until("slack", "T1", "U1") == T0 + timedelta(hours=1)
    store.save_conversation_ref("teams", "T1", "19:c", '{"v": 1}', T0)
    store.save_conversation_ref("teams", "T1", "19:c", '{"v": 2}', T0)
    assert store.conversation_ref("teams", "T1", "19:c") == '{"v": 2}'
    assert store.conversation_ref("teams", "T1", "19:other") is None


def test_reply_ref_retraction_and_feedback_text(store: Store) -> None:
    assert store.record_correction(correction("1.0", "inference-is-free", T0, ts="1.5"))
    assert not store.record_correction(correction("1.0", "inference-is-free", T0, ts="1.6"))  # same thread
    store.set_reply_ref("slack", "T1", "C1", "1.5", "inference-is-free", "1.7")
    [found] = store.corrections_for_message("slack", "T1", "C1", "1.5")
    assert (found.reply_ref, found.retracted_at) == ("1.7", None)
    store.mark_retracted(found.id, T0 + timedelta(minutes=1))
    store.mark_retracted(found.id, T0 + timedelta(minutes=2))  # the first retraction stays
    [found] = store.corrections_for_message("slack", "T1", "C1", "1.5")
    assert found.retracted_at == T0 + timedelta(minutes=1)
    assert store.count_corrections(retracted=True) == 1 and store.count_corrections(retracted=False) == 0

    assert not store.attach_feedback_text("slack", "T1", "U1", "inference-is-free", "no row yet")
    store.add_feedback("slack", "T1", "C1", "U1", "inference-is-free", "not_misconception", None, T0)
    store.add_feedback("slack", "T1", "C1", "U1", "inference-is-free", "not_misconception", None, T0)
    assert store.attach_feedback_text("slack", "T1", "U1", "inference-is-free", "we meant the free tier")
    assert store.feedback_rows() == [
        ("inference-is-free", "not_misconception", None),
        ("inference-is-free", "not_misconception", "we meant the free tier"),  # the latest only
    ]


def test_work_on_a_dead_pooled_connection_runs_once_more_on_a_fresh_one(store: Store) -> None:
    calls: list[int] = []

    def work(conn: Connection) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError(
                "SELECT", {}, Exception("server closed the connection"), connection_invalidated=True
            )
        return int(conn.execute(text("SELECT 7")).scalar_one())

    assert store._run(work) == 7 and len(calls) == 2

    def always_dead(_conn: Connection) -> Any:
        raise OperationalError(
            "SELECT", {}, Exception("server closed the connection"), connection_invalidated=True
        )

    with pytest.raises(DBAPIError):
        store._run(always_dead)  # once more, not forever

    def refused(_conn: Connection) -> Any:
        calls.append(1)
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    calls.clear()
    with pytest.raises(OperationalError):
        store._run(refused)
    assert len(calls) == 1  # not a dead pooled connection: no retry


@pytest.mark.postgres
def test_terminated_backends_are_replaced_without_pre_ping(store: Store) -> None:
    if store.is_sqlite:
        pytest.skip("terminating server backends is a PostgreSQL fault")
    held = [store.engine.connect() for _ in range(5)]  # the whole pool
    pids = [conn.execute(text("SELECT pg_backend_pid()")).scalar_one() for conn in held]
    for conn in held:
        conn.close()
    admin = Store.open(store.engine.url.render_as_string(hide_password=False), migrate=False)
    with admin.engine.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"), {"pids": pids})
    admin.close()
    assert store.claim_message(["after-restart"], T0, "slack", "T1", "C1") == (True, None)
    assert not store.claim_delivery(["after-restart"], T0)  # claimed exactly once
    assert store.ping()


def _tips(store: Store, platform: str, workspace: str, channel: str, *, mode: str = "thread") -> None:
    settings = ChannelSettings(
        platform=platform,
        workspace=workspace,
        channel=channel,
        mode=mode,
        tips_enabled=True,
        tip_time="07:00",
    )
    store.put_channel_settings(settings, T0)


def _tipped(store: Store) -> set[tuple[str, str, str]]:
    return {(s.platform, s.workspace, s.channel) for s in store.tip_channels()}


def test_a_conversation_reference_records_its_team(store: Store) -> None:
    store.save_conversation_ref("teams", "T1", "19:c", '{"v": 1}', T0)  # as stored before migration 0003
    assert store.conversation_ref_saved("teams", "T1", "19:c", None)
    assert not store.conversation_ref_saved("teams", "T1", "19:c", "19:team")  # to be saved again
    store.save_conversation_ref("teams", "T1", "19:c", '{"v": 2}', T0, team="19:team")
    store.save_conversation_ref("teams", "T1", "19:c", '{"v": 3}', T0)  # no team given: the team stays
    assert store.conversation_ref_saved("teams", "T1", "19:c", "19:team")
    assert not store.conversation_ref_saved("teams", "T1", "19:other", None)


def test_forget_conversations_turns_tips_off_and_deletes_references(store: Store) -> None:
    for channel in ("19:general", "19:sales", "19:other-team", "19:chat"):
        _tips(store, "teams", "T1", channel, mode="ephemeral")
    _tips(store, "teams", "T2", "19:sales")  # another tenant, same ids
    _tips(store, "slack", "T1", "19:sales")  # another platform
    store.save_conversation_ref("teams", "T1", "19:general", "{}", T0, team="19:general")
    store.save_conversation_ref("teams", "T1", "19:sales", "{}", T0, team="19:general")
    store.save_conversation_ref("teams", "T1", "19:other-team", "{}", T0, team="19:x")
    store.save_conversation_ref("teams", "T2", "19:sales", "{}", T0, team="19:general")
    later = T0 + timedelta(hours=1)

    removed = store.forget_conversations("teams", "T1", ["19:general"], later, team="19:general")

    assert removed == ["19:general", "19:sales"]
    assert _tipped(store) == {("teams", "T1", "19:other-team"), ("teams", "T1", "19:chat"),
                              ("teams", "T2", "19:sales"), ("slack", "T1", "19:sales")}  # fmt: skip
    assert store.conversation_ref("teams", "T1", "19:general") is None
    assert store.conversation_ref("teams", "T1", "19:sales") is None
    assert store.conversation_ref("teams", "T1", "19:other-team") == "{}"
    assert store.conversation_ref("teams", "T2", "19:sales") == "{}"
    kept = store.get_channel_settings("teams", "T1", "19:sales")
    assert kept is not None and (kept.tips_enabled, kept.mode, kept.tip_time) == (False, "ephemeral", "07:00")
    # a chat: only that conversation; a second removal changes nothing
    assert store.forget_conversations("teams", "T1", ["19:chat"], later) == ["19:chat"]
    assert store.forget_conversations("teams", "T1", ["19:chat"], later) == ["19:chat"]
    assert store.forget_conversations("teams", "T1", [], later) == []
    assert ("teams", "T1", "19:chat") not in _tipped(store)


def test_forget_workspace_turns_off_every_channel_of_it(store: Store) -> None:
    for channel in ("C1", "C2"):
        _tips(store, "slack", "T1", channel)
    _tips(store, "slack", "T2", "C1")
    store.save_conversation_ref("slack", "T1", "C1", "{}", T0)
    assert store.forget_workspace("slack", "T1", T0) == 2
    assert store.forget_workspace("slack", "T1", T0) == 0
    assert _tipped(store) == {("slack", "T2", "C1")}
    assert store.conversation_ref("slack", "T1", "C1") is None
    settings = store.get_channel_settings("slack", "T1", "C2")
    assert settings is not None and not settings.tips_enabled
