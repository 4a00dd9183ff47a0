"""Detection quality as a report: precision, recall, F1, per-entry table, confusion, errors.

The bot posts one reply per message (the best match), so a message counts as:
- true positive: the best match is one of its labels;
- false positive: the bot answered but no label (or another label) fits;
- false negative: the message has a real label and the bot did not answer with it.
A wrong-entry answer is both a false positive and a false negative.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from pydantic import BaseModel, Field

from intents.types import Match

NONE = "none"


class LabelledLine(BaseModel):
    id: str
    text: str
    labels: list[str] = Field(min_length=1)
    kind: str | None = None


class Counts(BaseModel):
    """True positives, false positives and false negatives, and the scores they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class EntryStats(Counts):
    entry: str
    support: int = 0


class ErrorLine(BaseModel):
    id: str
    text: str
    expected: list[str]
    predicted: str
    why: str | None = None
    kind: str | None = None


class Report(Counts):
    total: int
    per_entry: list[EntryStats]
    confusion: dict[str, dict[str, int]]  # gold → predicted → count
    errors: list[ErrorLine]


def parse_lines(lines: Iterable[str], source: str = "<input>") -> list[LabelledLine]:
    parsed: list[LabelledLine] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append(LabelledLine.model_validate(json.loads(line)))
        except (ValueError, TypeError) as exc:
            first = str(exc).splitlines()[0]
            raise ValueError(
                f"{source}:{number}: not a labelled line ({first}); "
                'expected {"id": ..., "text": ..., "labels": [...]}'
            ) from exc
    return parsed


def evaluate(lines: list[LabelledLine], match: Callable[[str], list[Match]]) -> Report:
    tp = fp = fn = 0
    stats: dict[str, EntryStats] = {}
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    errors: list[ErrorLine] = []

    def stat(entry: str) -> EntryStats:
        return stats.setdefault(entry, EntryStats(entry=entry))

    for line in lines:
        gold = [label for label in line.labels if label != NONE]
        matches = match(line.text)
        predicted = matches[0].entry if matches else NONE
        for label in gold:
            stat(label).support += 1
        confusion[gold[0] if gold else NONE][predicted] += 1
        if predicted != NONE and predicted in gold:
            tp += 1
            stat(predicted).tp += 1
            continue
        if predicted == NONE and not gold:
            continue  # correctly silent
        if predicted != NONE:
            fp += 1
            stat(predicted).fp += 1
        if gold:
            fn += 1
            stat(gold[0]).fn += 1
        errors.append(
            ErrorLine(
                id=line.id,
                text=line.text,
                expected=line.labels,
                predicted=predicted,
                why=matches[0].why if matches else None,
                kind=line.kind,
            )
        )
    return Report(
        total=len(lines),
        tp=tp,
        fp=fp,
        fn=fn,
        per_entry=sorted(stats.values(), key=lambda s: s.entry),
        confusion={gold: dict(row) for gold, row in sorted(confusion.items())},
        errors=errors,
    )
