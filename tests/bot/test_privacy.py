"""Privacy promise (PRIVACY.md): after a day of synthetic Slack traffic no table holds any message text,
except feedback text a user chose to submit; the retention purge removes old rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import MetaData, select

from tests.bot.slack_harness import message_event

SAYINGS = ("it will learn from us", "inference is free, right", "fine-tuning is expensive", "lunch at noon")


def every_cell(store) -> list[tuple[str, str, str]]:
    """(table, column, value) for every non-null cell of every table in the database (or test schema)."""
    metadata = MetaData(schema=store.schema)
    metadata.reflect(store.engine)
    cells = []
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    if value is not None:
                        cells.append((table.name, column.name, str(value)))
    return cells


async def test_a_day_of_traffic_leaves_no_message_text(slack, clock) -> None:
    texts: list[str] = []
    for i in range(240):  # one message every six minutes for a day, in 12 channels and 30 threads
        text = f"canary{i:04d} {SAYINGS[i % len(SAYINGS)]} (note {i * 7919 % 1000})"
        texts.append(text)
        thread = {"thread_ts": f"500.{i % 30}"} if i % 3 == 0 else {}
        event = message_event(text, ts=f"600.{i}", channel=f"C{i % 12}", user=f"U{i % 17}", **thread)
        assert await slack.post_event(event, event_id=f"Ev{i}") == 200
        if i % 40 == 0:  # Slack retries a few deliveries
            assert await slack.post_event(event, event_id=f"Ev{i}", retry=1) == 200
        if i % 25 == 1:  # and people edit messages (after dosay answered them)
            await slack.settle()
            edited = f"canary{i:04d}edit it does not change its weights"
            texts.append(edited)
            change = {
                "type": "message",
                "subtype": "message_changed",
                "channel": f"C{i % 12}",
                "ts": f"700.{i}",
                "event_ts": f"700.{i}",
                "message": {"type": "message", "user": f"U{i % 17}", "text": edited, "ts": f"600.{i}"},
                "previous_message": {"type": "message", "user": f"U{i % 17}", "text": text, "ts": f"600.{i}"},
            }
            assert await slack.post_event(change, event_id=f"EvEdit{i}") == 200
        if i % 60 == 5:
            status, _ = await slack.command(f"lookup canary{i:04d} fine-tuning", channel=f"C{i % 12}")
            assert status == 200
        clock.advance(minutes=6)
    await slack.settle()
    await slack.dosay.feedback(
        platform="slack",
        workspace="T1",
        channel="C1",
        user="U1",
        entry_id="ai-learns-over-time",
        kind="helpful",
    )
    consented = "consented-note: this reply helped in the sales call"
    await slack.dosay.feedback(
        platform="slack",
        workspace="T1",
        channel="C1",
        user="U2",
        entry_id="ai-learns-over-time",
        kind="not_misconception",
        text=consented,
    )
    assert len(slack.api.calls_to("chat.postMessage")) > 20  # the day really produced corrections
    assert slack.dosay.store.count_corrections(retracted=True) >= 1

    cells = every_cell(slack.dosay.store)
    assert {table for table, _c, _v in cells} >= {"corrections", "processed_events", "feedback"}
    leaks = [(t, c) for t, c, v in cells if "canary" in v or any(s in v for s in SAYINGS)]
    assert leaks == []
    assert [(t, c) for t, c, v in cells if v == consented] == [("feedback", "text")]


async def test_retention_purge_removes_rows_older_than_the_setting(slack, clock) -> None:
    await slack.post_event(message_event("it will learn", ts="800.1"), event_id="Ev1")
    await slack.settle()
    clock.advance(days=91)
    await slack.post_event(message_event("it will learn", ts="800.2", channel="C2"), event_id="Ev2")
    await slack.settle()
    assert await slack.dosay.purge(timedelta(days=90)) >= 2  # the old correction and its delivery keys
    assert slack.dosay.store.correction_rows() and all(
        created >= clock() - timedelta(days=90) for _e, created, _r in slack.dosay.store.correction_rows()
    )
