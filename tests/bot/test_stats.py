"""``dosay stats``: pure aggregation and the command reading the configured database."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from bot.stats import compute_stats, print_stats, render_stats
from bot.storage.store import CorrectionRecord, Store

MONDAY = datetime(2026, 6, 1, 9, tzinfo=UTC)  # 2026-06-01 is a Monday


def test_corrections_per_entry_per_week_accepted_and_feedback_ratio() -> None:
    rows = [
        ("inference-is-free", datetime(2026, 5, 25, tzinfo=UTC), None),
        ("inference-is-free", datetime(2026, 6, 2, tzinfo=UTC), datetime(2026, 6, 2, 1, tzinfo=UTC)),
        ("ai-learns-over-time", datetime(2026, 6, 3, tzinfo=UTC), None),
        ("ai-learns-over-time", datetime(2026, 1, 1, tzinfo=UTC), None),  # older than the window
    ]
    feedback = {("inference-is-free", "helpful"): 3, ("ai-learns-over-time", "not_misconception"): 1}
    report = compute_stats(rows, feedback, today=date(2026, 6, 4), weeks=2)
    assert report.weeks == (date(2026, 5, 25), date(2026, 6, 1))
    by_id = {e.entry_id: e for e in report.entries}
    assert by_id["inference-is-free"].per_week == (1, 1)
    assert by_id["ai-learns-over-time"].per_week == (0, 1)
    assert (by_id["ai-learns-over-time"].total, by_id["inference-is-free"].accepted) == (2, 1)
    assert (report.corrections, report.accepted) == (4, 1)
    assert (report.helpful, report.not_misconception, report.helpful_ratio) == (3, 1, 0.75)
    text = render_stats(report)
    assert "inference-is-free" in text and "helpful ratio 75%" in text and "Accepted" in text


def test_empty_database_says_what_to_do() -> None:
    report = compute_stats([], {}, today=date(2026, 6, 4))
    assert report.helpful_ratio is None and report.accepted_ratio is None
    assert "No corrections" in render_stats(report)


def test_print_stats_reads_dosay_database_url(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path}/stats.db"
    store = Store.open(url)
    store.record_correction(
        CorrectionRecord("slack", "T1", "C1", "1.1", "1.1", "U1", "inference-is-free", "reply", MONDAY)
    )
    store.add_feedback("slack", "T1", "C1", "U1", "inference-is-free", "helpful", None, MONDAY)
    store.close()
    monkeypatch.setenv("DOSAY_DATABASE_URL", url)
    out = io.StringIO()
    assert print_stats(out, now=MONDAY) == 0
    assert "inference-is-free" in out.getvalue() and "1 helpful" in out.getvalue()


def test_print_stats_unreachable_database_is_one_line(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOSAY_DATABASE_URL", f"sqlite:///{tmp_path}/missing/dir/x.db")
    out = io.StringIO()
    assert print_stats(out, now=MONDAY) == 1
    assert out.getvalue().startswith("dosay stats: DOSAY_DATABASE_URL: cannot open the database")
