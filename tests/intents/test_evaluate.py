import json

import pytest

from intents.evaluate import evaluate, parse_lines
from intents.types import Match


def _fake(mapping: dict[str, str]):
    def match(text: str) -> list[Match]:
        entry = mapping.get(text)
        return [Match(entry=entry, score=0.9, why="w", clause=text, trigger="t")] if entry else []

    return match


LINES = [
    json.dumps({"id": "1", "text": "a", "labels": ["x"]}),
    json.dumps({"id": "2", "text": "b", "labels": ["x"]}),
    json.dumps({"id": "3", "text": "c", "labels": ["none"]}),
    json.dumps({"id": "4", "text": "d", "labels": ["none"]}),
    json.dumps({"id": "5", "text": "e", "labels": ["y"]}),
]


def test_counts_precision_recall_and_confusion() -> None:
    report = evaluate(parse_lines(LINES), _fake({"a": "x", "c": "x", "e": "x"}))
    # a: tp; b: fn; c: fp; d: tn; e: wrong entry = fp + fn
    assert (report.tp, report.fp, report.fn) == (1, 2, 2)
    assert report.precision == pytest.approx(1 / 3)
    assert report.recall == pytest.approx(1 / 3)
    assert report.confusion["none"] == {"x": 1, "none": 1}
    assert report.confusion["y"] == {"x": 1}
    assert {e.id for e in report.errors} == {"2", "3", "5"}
    per_entry = {s.entry: s for s in report.per_entry}
    assert (per_entry["x"].tp, per_entry["x"].fp, per_entry["x"].fn, per_entry["x"].support) == (1, 2, 1, 2)
    assert per_entry["y"].support == 1 and per_entry["y"].recall == 0.0


def test_empty_prediction_set_has_precision_one() -> None:
    report = evaluate(parse_lines(LINES[2:4]), _fake({}))
    assert report.precision == 1.0 and report.recall == 1.0 and report.errors == []


def test_bad_line_names_the_line() -> None:
    with pytest.raises(ValueError, match=r"dev.jsonl:2: not a labelled line"):
        parse_lines([LINES[0], '{"id": 1}'], source="dev.jsonl")
