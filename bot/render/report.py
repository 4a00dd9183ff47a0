"""Plain-text rendering of an evaluation report (``dosay eval``)."""

from __future__ import annotations

from intents.evaluate import Report


def render_report(report: Report, *, show_errors: bool = True) -> str:
    lines = [f"{report.total} lines", "", f"{'entry':<28} {'prec':>6} {'recall':>6} {'f1':>6} {'support':>7}"]
    for s in report.per_entry:
        lines.append(f"{s.entry:<28} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} {s.support:>7}")
    lines += ["", "confusion (gold → predicted: count):"]
    for gold, row in report.confusion.items():
        off = {p: n for p, n in row.items() if p != gold}
        if off:
            rendered = ", ".join(f"{p}: {n}" for p, n in sorted(off.items()))
            lines.append(f"  {gold} → {rendered}")
    if show_errors and report.errors:
        lines += ["", "errors:"]
        for e in report.errors:
            lines.append(f"  {e.id} expected {','.join(e.expected)} got {e.predicted}: {e.text!r}")
            if e.why:
                lines.append(f"      why: {e.why}")
    lines += [
        "",
        f"tp={report.tp} fp={report.fp} fn={report.fn}",
        f"precision {report.precision:.3f}  recall {report.recall:.3f}  F1 {report.f1:.3f}",
    ]
    return "\n".join(lines) + "\n"
