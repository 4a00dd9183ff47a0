"""Lookup search: the right entry, regime card or cost row, ranked; did-you-mean for typos."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from intents.lookup import LookupResult, normalize, search
from phrasebook.loader import load_phrasebook
from phrasebook.schema import Phrasebook

FIXTURE = Path(__file__).resolve().parents[1] / "phrasebook" / "fixtures" / "valid"
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def mini() -> Phrasebook:
    return load_phrasebook(FIXTURE, today=TODAY)


@pytest.fixture(scope="module")
def bundled() -> Phrasebook:
    return load_phrasebook(today=TODAY)


def top(result: LookupResult) -> tuple[str, str]:
    assert result.hits, f"no hits for {result.query!r} (did you mean {result.did_you_mean})"
    return result.hits[0].kind, result.hits[0].id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fine-tuning cost", ("cost", "fine-tuning")),
        ("how much does fine tuning cost?", ("cost", "fine-tuning")),
        ("nist", ("entry", "nist-ignores-training")),
        ("NIST AI 600-1", ("entry", "nist-ignores-training")),
        ("rag", ("regime", "rag")),
        ("RAG", ("regime", "rag")),
        ("learn over time", ("entry", "ai-learns-over-time")),
        ("inference price", ("cost", "inference")),
        ("pre-training", ("regime", "pre-training")),
        ("pretraining cost", ("cost", "pre-training")),
        ("rft", ("cost", "fine-tuning-rft")),
        ("customer data", ("entry", "finetune-on-sensitive-data")),
        ("build our own model", ("entry", "buyer-build-own-model")),
        ("train on our data", ("entry", "buyer-train-on-our-data")),
    ],
)
def test_bundled_lookups(bundled: Phrasebook, query: str, expected: tuple[str, str]) -> None:
    assert top(search(bundled, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected", "suggestion"),
    [
        ("finetunning", ("regime", "fine-tuning"), "fine-tuning"),
        ("infrence", ("regime", "inference"), "inference"),
        ("infrence cost", ("cost", "inference"), "inference cost"),
        ("retreival", ("regime", "rag"), "retrieval"),
    ],
)
def test_typos_still_find_and_suggest(
    bundled: Phrasebook, query: str, expected: tuple[str, str], suggestion: str
) -> None:
    result = search(bundled, query)
    assert top(result) == expected
    assert result.did_you_mean[0] == suggestion


def test_ranked_and_limited(bundled: Phrasebook) -> None:
    result = search(bundled, "fine-tuning", limit=3)
    assert len(result.hits) == 3
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert {h.kind for h in search(bundled, "fine-tuning", limit=10).hits} == {"entry", "regime", "cost"}


def test_exact_query_has_no_suggestion(bundled: Phrasebook) -> None:
    assert search(bundled, "inference price").did_you_mean == []


@pytest.mark.parametrize("query", ["", "   ", "?!", "\x00"])
def test_empty_query(mini: Phrasebook, query: str) -> None:
    result = search(mini, query)
    assert result.hits == [] and result.did_you_mean == []


def test_no_hits(mini: Phrasebook) -> None:
    result = search(mini, "xyzzy plugh")
    assert result.hits == []
    assert result.best is None


def test_no_hits_suggests_close_titles(mini: Phrasebook) -> None:
    result = search(mini, "the model does not lern")
    assert any("learn" in s.lower() for s in result.did_you_mean + [h.title for h in result.hits])


def test_fixture_titles_and_kinds(mini: Phrasebook) -> None:
    result = search(mini, "inference is free")
    assert top(result) == ("entry", "inference-is-free")
    assert result.hits[0].title == "Inference is not free"


def test_long_query_is_truncated(mini: Phrasebook) -> None:
    result = search(mini, "inference " * 500)
    assert len(result.query) <= 200
    assert result.hits


def test_normalize() -> None:
    assert normalize("  Fine-Tuning, COST?! ") == "fine tuning cost"
