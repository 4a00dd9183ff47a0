"""The service against a real Store (SQLite, and PostgreSQL when reachable) with a fake matcher."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import inspect

from tests.bot.conftest import message


async def test_correction_then_once_per_thread(dosay) -> None:
    first = await dosay.on_message(message("the AI will learn from it", ts="1.1", delivery="Ev1"))
    assert first.action == "reply" and first.reply is not None
    assert first.reply.entry_id == "ai-learns-over-time" and first.thread_root == "1.1"
    again = await dosay.on_message(message("it will learn", ts="1.2", thread="1.1", delivery="Ev2"))
    assert (again.action, again.reason) == ("silent", "already-in-thread")


async def test_retry_and_second_event_for_same_message_are_duplicates(dosay) -> None:
    assert (await dosay.on_message(message("it will learn", ts="2.1", delivery="Ev1"))).action == "reply"
    retried = await dosay.on_message(message("it will learn", ts="2.1", delivery="Ev1"))
    mention = await dosay.on_message(message("it will learn", ts="2.1", delivery="Ev-mention"))
    assert retried.reason == "duplicate" and mention.reason == "duplicate"


async def test_bots_benign_text_and_off_channels_are_silent(dosay) -> None:
    assert (await dosay.on_message(message("it will learn", is_bot=True))).reason == "bot"
    assert (await dosay.on_message(message("lunch at noon?", ts="3.1"))).reason == "no-match"
    await dosay.update_channel_settings("slack", "T1", "C2", mode="off")
    assert (await dosay.on_message(message("it will learn", ts="3.2", channel="C2"))).reason == "off"


async def test_cooldown_per_channel_per_entry(dosay) -> None:
    t0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert (await dosay.on_message(message("learn", ts="4.1", at=t0))).action == "reply"
    cooled = await dosay.on_message(message("learn", ts="4.2", at=t0 + timedelta(minutes=5)))
    assert cooled.reason == "cooldown"
    other = await dosay.on_message(message("it is free", ts="4.3", at=t0 + timedelta(minutes=5)))
    assert other.action == "reply" and other.reply is not None and other.reply.entry_id == "inference-is-free"
    later = await dosay.on_message(message("learn", ts="4.4", at=t0 + timedelta(hours=2)))
    assert later.action == "reply"


async def test_snooze_silences_one_user(dosay, clock) -> None:
    await dosay.snooze(platform="slack", workspace="T1", user="U1")
    assert (await dosay.on_message(message("learn", ts="5.1"))).reason == "snoozed"
    assert (await dosay.on_message(message("learn", ts="5.2", user="U2", channel="C9"))).action == "reply"


async def test_channel_modes_map_to_actions(dosay) -> None:
    await dosay.update_channel_settings("slack", "T1", "CE", mode="ephemeral")
    await dosay.update_channel_settings("slack", "T1", "CR", mode="reaction")
    assert (await dosay.on_message(message("learn", ts="6.1", channel="CE"))).action == "ephemeral"
    assert (await dosay.on_message(message("learn", ts="6.2", channel="CR"))).action == "reaction"


async def test_edit_that_drops_the_misconception_retracts(dosay) -> None:
    msg = message("it will learn", ts="7.1", delivery="Ev1")
    decision = await dosay.on_message(msg)
    await dosay.record_reply(msg, decision, "7.9")
    unchanged = await dosay.on_edit(message("it will still learn", ts="7.1", delivery="Ev2"))
    assert unchanged.kind == "unchanged"
    outcome = await dosay.on_edit(message("it does not change its weights", ts="7.1", delivery="Ev3"))
    assert (
        outcome.kind == "retracted"
        and outcome.reply_ref == "7.9"
        and outcome.entry_id == "ai-learns-over-time"
    )
    assert dosay.store.count_corrections(retracted=True) == 1


async def test_feedback_stores_text_only_when_given(dosay) -> None:
    common = {
        "platform": "slack",
        "workspace": "T1",
        "channel": "C1",
        "user": "U1",
        "entry_id": "inference-is-free",
    }
    await dosay.feedback(**common, kind="helpful")
    await dosay.feedback(**common, kind="not_misconception", text="we meant the free tier")
    assert dosay.store.feedback_rows() == [
        ("inference-is-free", "helpful", None),
        ("inference-is-free", "not_misconception", "we meant the free tier"),
    ]


async def test_no_message_text_stored_by_corrections(dosay) -> None:
    secret = "zebra-secret learn"
    await dosay.on_message(message(secret, ts="8.1", delivery="Ev1"))
    engine = dosay.store.engine
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            if table == "alembic_version":
                continue
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table}"').fetchall()
            assert all("zebra" not in str(value) for row in rows for value in row), table


async def test_settings_round_trip_and_validation(dosay) -> None:
    updated = await dosay.update_channel_settings(
        "slack", "T1", "C1", tips_enabled=True, tip_time="07:30", timezone="Europe/Berlin"
    )
    assert (await dosay.channel_settings("slack", "T1", "C1")) == updated
    try:
        await dosay.update_channel_settings("slack", "T1", "C1", timezone="Mars/Base")
    except ValueError as exc:
        assert "Mars/Base" in str(exc)
    else:
        raise AssertionError("a bad timezone was accepted")


async def test_tip_claimed_once_per_channel_per_day_skipping_stale(dosay) -> None:
    day = date(2026, 6, 1)
    tip = await dosay.claim_tip("slack", "T1", "C1", day)
    assert tip is not None and tip.id == "tip-rag"  # the stale fine-tuning tip is skipped
    assert await dosay.claim_tip("slack", "T1", "C1", day) is None
    assert await dosay.claim_tip("slack", "T1", "C1", day + timedelta(days=1)) is not None


async def test_due_tip_channels_respects_local_time(dosay) -> None:
    await dosay.update_channel_settings(
        "slack", "T1", "C1", tips_enabled=True, tip_time="09:00", timezone="Europe/Berlin"
    )
    early = datetime(2026, 6, 1, 6, 30, tzinfo=UTC)  # 08:30 in Berlin
    assert await dosay.due_tip_channels(early) == []
    late = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)  # 09:30 in Berlin
    assert [c.channel for c in await dosay.due_tip_channels(late)] == ["C1"]
    await dosay.claim_tip("slack", "T1", "C1", date(2026, 6, 1))
    assert await dosay.due_tip_channels(late) == []


async def test_observers_see_every_decision(dosay) -> None:
    seen: list[str] = []
    dosay.add_observer(lambda _msg, decision: seen.append(decision.reason))
    dosay.add_observer(lambda _msg, _decision: 1 / 0)  # a broken observer never breaks the reply
    await dosay.on_message(message("learn", ts="9.1", delivery="Ev1"))
    await dosay.on_message(message("learn", ts="9.1", delivery="Ev1"))
    await dosay.on_message(message("hello", ts="9.2"))
    assert seen == ["matched", "duplicate", "no-match"]
