"""Smoke test of ``dosay bench e2e``: a tiny run through the real server subprocess on SQLite.

Asserts the report's shape and exactly-once delivery (no lost or doubled replies), never a latency.
"""

from __future__ import annotations

import re

from bot.bench_e2e import percentile, run_e2e_bench


def test_percentile_picks_nearest_rank() -> None:
    values = tuple(float(v) for v in range(1, 101))
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile((3.0,), 99) == 3.0


def test_tiny_run_reports_every_field_and_no_lost_or_doubled_replies() -> None:
    report = run_e2e_bench(rates=(20,), seconds=1.0, databases=("sqlite",), platforms=("slack", "teams"))
    header = next(line for line in report.splitlines() if line.startswith("| target"))
    for column in (
        "ack p50 ms",
        "ack p95 ms",
        "ack p99 ms",
        "errors",
        "reply p50 ms",
        "reply p99 ms",
        "lost",
        "doubled",
        "peak RSS MB",
    ):
        assert column in header
    names = [c.strip() for c in header.strip("|").split("|")]
    rows = {}
    for line in report.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == len(names) and cells[0] in ("dosay", "floor"):
            rows[(cells[0], cells[1])] = dict(zip(names, cells, strict=True))
    assert set(rows) == {("floor", "slack"), ("dosay", "slack"), ("dosay", "teams")}
    for platform in ("slack", "teams"):
        row = rows[("dosay", platform)]
        assert row["sent"] == "20" and row["errors"] == "0"
        assert row["lost"] == "0" and row["doubled"] == "0"
        got, expected = row["replies"].split("/")
        assert got == expected and int(expected) > 0
    assert re.search(r"slack/sqlite @ 20/s: ack p50 [\d.]+x", report)
    assert "Saturation" in report
