"""``dosay stats``: corrections per entry per week, accepted corrections, feedback ratio.

Pure aggregation (``compute_stats``) is separate from I/O (``print_stats`` reads the Store named by
``DOSAY_DATABASE_URL``) so the playground's stats page can show the same numbers::

    report = compute_stats(store.correction_rows(), store.feedback_counts(), today=now.date())
    report.model_dump(mode="json")
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TextIO

from pydantic import BaseModel, ConfigDict

#: (entry_id, created_at, retracted_at); a retracted correction is an accepted one (the author edited it away)
CorrectionRow = tuple[str, datetime, datetime | None]

EXIT_OK, EXIT_ERROR = 0, 1


class EntryStats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    entry_id: str
    per_week: tuple[int, ...]  # one count per week in ``StatsReport.weeks``
    total: int
    accepted: int
    helpful: int
    not_misconception: int


class StatsReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    weeks: tuple[date, ...]  # the Mondays of the ISO weeks shown, oldest first
    entries: tuple[EntryStats, ...]
    corrections: int
    accepted: int
    helpful: int
    not_misconception: int

    @property
    def accepted_ratio(self) -> float | None:
        return self.accepted / self.corrections if self.corrections else None

    @property
    def helpful_ratio(self) -> float | None:
        rated = self.helpful + self.not_misconception
        return self.helpful / rated if rated else None


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def compute_stats(
    corrections: Iterable[CorrectionRow],
    feedback: Mapping[tuple[str, str], int],
    *,
    today: date,
    weeks: int = 8,
) -> StatsReport:
    """Aggregate stored rows. ``feedback``: (entry_id, kind) → count, kinds "helpful" / "not_misconception".

    Totals cover every stored row (within retention); ``per_week`` covers the last ``weeks`` ISO weeks.
    """
    if weeks < 1:
        raise ValueError("weeks: expected 1 or more")
    first = week_start(today) - timedelta(weeks=weeks - 1)
    mondays = tuple(first + timedelta(weeks=i) for i in range(weeks))
    per_week: dict[str, Counter[date]] = {}
    totals: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    for entry_id, created_at, retracted_at in corrections:
        totals[entry_id] += 1
        accepted[entry_id] += retracted_at is not None
        per_week.setdefault(entry_id, Counter())[week_start(created_at.date())] += 1
    kinds: dict[str, Counter[str]] = {}
    for (entry_id, kind), count in feedback.items():
        kinds.setdefault(entry_id, Counter())[kind] += count
    entries = tuple(
        EntryStats(
            entry_id=entry_id,
            per_week=tuple(per_week.get(entry_id, Counter()).get(monday, 0) for monday in mondays),
            total=totals[entry_id],
            accepted=accepted[entry_id],
            helpful=kinds.get(entry_id, Counter())["helpful"],
            not_misconception=kinds.get(entry_id, Counter())["not_misconception"],
        )
        for entry_id in sorted(set(totals) | set(kinds))
    )
    return StatsReport(
        weeks=mondays,
        entries=entries,
        corrections=sum(totals.values()),
        accepted=sum(accepted.values()),
        helpful=sum(e.helpful for e in entries),
        not_misconception=sum(e.not_misconception for e in entries),
    )


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def render_stats(report: StatsReport) -> str:
    """Plain text: a table of corrections per entry per week, then the totals."""
    if not report.entries:
        return (
            "No corrections or feedback stored yet (or all older than DOSAY_RETENTION_DAYS).\n"
            "Run `dosay serve` with Slack or Teams credentials, or try the playground.\n"
        )
    labels = [monday.strftime("%m-%d") for monday in report.weeks]
    width = max(len("entry"), *(len(e.entry_id) for e in report.entries))
    lines = [
        "Corrections per entry per week (weeks start on Monday):",
        "  ".join(["entry".ljust(width), *(label.rjust(5) for label in labels), "total", "accepted"]),
    ]
    for e in report.entries:
        cells = [e.entry_id.ljust(width), *(str(n).rjust(5) for n in e.per_week)]
        lines.append("  ".join([*cells, str(e.total).rjust(5), str(e.accepted).rjust(8)]))
    lines += [
        "",
        f"Corrections: {report.corrections}",
        f"Accepted (the author edited the misconception away): {report.accepted} "
        f"({_ratio(report.accepted_ratio)})",
        f"Feedback: {report.helpful} helpful, {report.not_misconception} not a misconception here "
        f"(helpful ratio {_ratio(report.helpful_ratio)})",
    ]
    return "\n".join(lines) + "\n"


def print_stats(out: TextIO, *, now: datetime, weeks: int = 8) -> int:
    """``dosay stats``: read the database named by DOSAY_DATABASE_URL and print the report."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import SettingsError, load_settings
    from bot.storage.store import Store

    try:
        settings = load_settings()
    except SettingsError as exc:
        out.write(f"dosay stats: {exc}\n")
        return EXIT_ERROR
    try:
        store = Store.open(settings.database_url)
    except SQLAlchemyError as exc:
        out.write(
            f"dosay stats: DOSAY_DATABASE_URL: cannot open the database ({type(exc).__name__}); "
            "start it or point DOSAY_DATABASE_URL at a reachable one\n"
        )
        return EXIT_ERROR
    try:
        report = compute_stats(
            store.correction_rows(), store.feedback_counts(), today=now.date(), weeks=weeks
        )
    finally:
        store.close()
    out.write(render_stats(report))
    return EXIT_OK
