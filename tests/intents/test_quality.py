"""Detection quality on labelled sets the phrasebook was not written from.

challenge.jsonl and challenge-hard.jsonl were written independently of the triggers (paraphrases,
typos, questions, long messages, negations, quotes, code, benign chat sharing the words). They are
regression guards for the matcher and the phrasebook together: precision first, then recall.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.evaluate import evaluate, parse_lines
from intents.matcher import Matcher
from phrasebook.loader import load_phrasebook

DATA = Path(__file__).resolve().parents[1] / "data"
MATCHER = Matcher(load_phrasebook())


@pytest.mark.parametrize(
    ("name", "min_precision", "min_recall"),
    [
        ("challenge.jsonl", 0.97, 0.95),
        ("challenge-hard.jsonl", 0.93, 0.9),
        # Written blind from the primer and DESIGN.md; measured first, then used to find general rules
        # (docs/quality.md has the first-touch figures). Floors a little under today's figures.
        ("heldout-a.jsonl", 0.95, 0.90),
        ("heldout-b.jsonl", 0.97, 0.88),
        ("heldout-c.jsonl", 0.95, 0.85),
        ("heldout-d.jsonl", 0.97, 0.90),
        ("heldout-e.jsonl", 0.97, 0.88),
        ("heldout-f.jsonl", 0.97, 0.88),
        ("heldout-g.jsonl", 0.95, 0.83),
        ("heldout-h.jsonl", 0.95, 0.75),
        ("heldout-j.jsonl", 0.94, 0.81),
        ("heldout-k.jsonl", 0.90, 0.82),
        ("heldout-i.jsonl", 0.97, 0.88),
        ("heldout-l.jsonl", 0.95, 0.85),
        ("heldout-m.jsonl", 0.95, 0.85),
        ("heldout-n.jsonl", 0.95, 0.90),
        ("heldout-o.jsonl", 0.90, 0.72),
        ("heldout-r.jsonl", 0.95, 0.87),
        ("heldout-u.jsonl", 0.90, 0.82),
        ("heldout-x.jsonl", 0.93, 0.64),
        ("heldout-p.jsonl", 0.97, 0.90),
        ("heldout-q.jsonl", 0.95, 0.85),
        ("heldout-s.jsonl", 0.95, 0.83),
        ("heldout-t.jsonl", 0.95, 0.84),
        ("heldout-v.jsonl", 0.95, 0.84),
        ("heldout-w.jsonl", 0.95, 0.88),
        ("heldout-y.jsonl", 0.95, 0.82),
        ("heldout-z.jsonl", 0.95, 0.88),
        ("heldout-aa.jsonl", 0.95, 0.82),
        ("heldout-ab.jsonl", 0.95, 0.86),
        ("heldout-ac.jsonl", 0.95, 0.87),
        ("heldout-ad.jsonl", 0.95, 0.90),
        # The last held-out measure of 2026-12-01, never used to change anything: a floor, not a target.
        ("heldout-ae.jsonl", 0.91, 0.88),
    ],
)
def test_quality_bar(name: str, min_precision: float, min_recall: float) -> None:
    path = DATA / name
    report = evaluate(parse_lines(path.read_text().splitlines(), source=name), MATCHER.match)
    errors = [f"{e.id}: {e.text!r} → {e.predicted}" for e in report.errors]
    assert report.precision >= min_precision, errors
    assert report.recall >= min_recall, errors


def test_benign_chat_is_silent() -> None:
    """Every 'none' line of the hard set must stay silent except at most one known debatable case."""
    lines = parse_lines((DATA / "challenge-hard.jsonl").read_text().splitlines())
    loud = [line.text for line in lines if line.labels == ["none"] and MATCHER.match(line.text)]
    assert len(loud) <= 1, loud
