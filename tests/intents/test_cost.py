"""Cost calculator: the primer's formulas, defaults from the cost table, the parser and its errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.cost import (
    VERIFY_NOTE,
    CostQuery,
    CostQueryError,
    estimate,
    money_range,
    parse_cost_query,
)
from phrasebook.loader import load_phrasebook
from phrasebook.schema import Phrasebook

FIXTURE = Path(__file__).resolve().parents[1] / "phrasebook" / "fixtures" / "valid"


BOOK = load_phrasebook(FIXTURE, today=date(2026, 6, 1))


@pytest.fixture
def book() -> Phrasebook:
    return BOOK


def test_parse_fine_tuning() -> None:
    query = parse_cost_query("fine-tuning 2M tokens 3 epochs 720 hours")
    assert query == CostQuery(regime="fine-tuning", training_tokens=2e6, epochs=3, hours=720)


def test_parse_inference() -> None:
    query = parse_cost_query("inference 10M in 2M out model premium")
    assert query == CostQuery(regime="inference", input_tokens=1e7, output_tokens=2e6, tier="premium")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ft 1,000,000 tokens, 3 epochs, $8/M, 1 month",
            {"training_tokens": 1e6, "training_rate": 8, "hours": 730},
        ),
        (
            "fine-tuning tokens 500k epochs 2 rate 25 hosting 2.5/h 2 days",
            {"training_tokens": 5e5, "hours": 48},
        ),
        ("rft 50M tokens 5 runs rate $100 per million", {"rft": True, "runs": 5, "training_rate": 100}),
        ("inference input 10M output 2M input rate 0.5 output rate 2", {"input_rate": 0.5, "output_rate": 2}),
        ("Inference 3.5K tokens budget", {"input_tokens": 3500, "tier": "budget"}),
        ("rag 1m in 200k out", {"regime": "rag", "output_tokens": 2e5}),
        ("pre-training", {"regime": "pre-training"}),
    ],
)
def test_parse_variants(text: str, expected: dict[str, object]) -> None:
    query = parse_cost_query(text).model_dump()
    for key, value in expected.items():
        assert query[key] == value, (key, query)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty cost query"),
        ("   ", "empty cost query"),
        ("banana", "don't know 'banana'"),
        ("2M tokens 3 epochs", "say which regime"),
        ("fine-tuning 3", "'3' needs a unit"),
        ("fine-tuning epochs", "needs a number"),
        ("inference", "give token counts"),
        ("inference 1M in 2M in", "given twice"),
        ("fine-tuning inference 2M tokens", "one regime per estimate"),
        ("fine-tuning 0 epochs 1M tokens", "at least 1"),
        ("fine-tuning 99999999B tokens", "too large"),
        ("inference 5 per fortnight", "expected per million"),
        ("x" * 600, "too long"),
    ],
)
def test_parse_errors_say_what_to_do(text: str, says: str) -> None:
    with pytest.raises(CostQueryError) as info:
        parse_cost_query(text)
    assert says in str(info.value)


def test_unknown_word_is_clipped() -> None:
    with pytest.raises(CostQueryError) as info:
        parse_cost_query("inference " + "z" * 100)
    assert "z" * 25 not in str(info.value)


def test_fine_tuning_formula(book: Phrasebook) -> None:
    result = estimate(book, parse_cost_query("fine-tuning 2M tokens 3 epochs 720 hours rate 25"))
    training, hosting = result.lines
    assert training.low == training.high == pytest.approx(2 * 3 * 25)  # tokens (M) × epochs × rate
    assert (hosting.low, hosting.high) == (pytest.approx(720 * 1.70), pytest.approx(720 * 3.00))
    assert (result.total_low, result.total_high) == (pytest.approx(150 + 1224), pytest.approx(150 + 2160))
    assert result.complete
    assert result.verified_on == date(2026, 5, 1)
    assert result.verify_note == VERIFY_NOTE == "verify against current rate cards"
    assert "verify against current rate cards" in result.summary()


def test_fine_tuning_without_rate_is_partial(book: Phrasebook) -> None:
    result = estimate(book, parse_cost_query("fine-tuning 2M tokens 3 epochs 720 hours"))
    assert not result.complete
    assert result.lines[0].low is None and "rate" in (result.lines[0].note or "")
    assert result.total_low == pytest.approx(720 * 1.70)
    assert "(partial)" in result.summary()


def test_fine_tuning_defaults_are_stated(book: Phrasebook) -> None:
    result = estimate(book, parse_cost_query("fine-tuning 1M tokens rate 10"))
    joined = " ".join(result.assumptions)
    assert "1 epoch" in joined and "3-10 runs" in joined and "730 hours" in joined
    assert result.lines[1].low == pytest.approx(730 * 1.70)


def test_runs_and_given_hosting(book: Phrasebook) -> None:
    result = estimate(
        book, parse_cost_query("fine-tuning 1M tokens 2 epochs 4 runs rate 10 hosting 2/h 10 hours")
    )
    assert result.lines[0].low == pytest.approx(1 * 2 * 10 * 4)
    assert result.lines[1].low == result.lines[1].high == pytest.approx(20)


def test_rft_cap_per_run(book: Phrasebook) -> None:
    result = estimate(book, parse_cost_query("rft 50M tokens 2 epochs 3 runs rate 100 720 hours"))
    assert result.band == "fine-tuning-rft"
    assert result.lines[0].low == pytest.approx(5000 * 3)
    assert "cap" in (result.lines[0].note or "")
    no_rate = estimate(book, parse_cost_query("rft 50M tokens 2 runs"))
    assert (no_rate.lines[0].low, no_rate.lines[0].high) == (0, 10000)


def test_inference_formula_with_rates(book: Phrasebook) -> None:
    result = estimate(book, parse_cost_query("inference 10M in 2M out input rate 0.5 output rate 2"))
    assert result.total_low == result.total_high == pytest.approx(10 * 0.5 + 2 * 2)
    assert result.complete


def test_inference_defaults_from_the_table(book: Phrasebook) -> None:
    result = estimate(book, parse_cost_query("inference 10M in 2M out"))
    inp, out = result.lines
    assert (inp.low, inp.high) == (pytest.approx(10 * 0.10), pytest.approx(10 * 30))
    assert (out.low, out.high) == (pytest.approx(2 * 0.10 * 3), pytest.approx(2 * 30 * 12))
    assert "reasoning tokens" in (out.note or "")


def test_inference_tiers(book: Phrasebook) -> None:
    premium = estimate(book, parse_cost_query("inference 10M in model premium"))
    assert premium.lines[0].low == premium.lines[0].high == pytest.approx(300)
    budget = estimate(book, parse_cost_query("inference 10M in model budget"))
    assert (budget.lines[0].low, budget.lines[0].high) == (pytest.approx(1.0), pytest.approx(10.0))


def test_rag_and_pre_training(book: Phrasebook) -> None:
    rag = estimate(book, parse_cost_query("rag 1M in 100k out"))
    assert rag.band == "rag" and any("retrieval infrastructure" in a for a in rag.assumptions)
    pre = estimate(book, parse_cost_query("pretraining"))
    assert pre.total_low == 100_000_000 and pre.band == "pre-training"


def test_money_range() -> None:
    assert money_range(1224, 2160) == "$1,224-$2,160"
    assert money_range(0.3, 0.3) == "$0.30"
    assert money_range(None, 5) == "not priced"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        query = parse_cost_query(text)
    except CostQueryError as exc:
        assert str(exc).strip()  # a message that says what to do, nothing else escapes
    else:
        assert isinstance(query, CostQuery)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "fine-tuning",
                "inference",
                "rag",
                "rft",
                "2M",
                "3",
                "$5/M",
                "tokens",
                "in",
                "out",
                "epochs",
                "hours",
                "rate",
                "hosting",
                "per",
                "million",
                "budget",
                "premium",
                "1,000",
                "0",
                "runs",
                "x",
                ",",
            ]
        ),
        max_size=12,
    )
)
def test_parser_and_estimate_never_crash_on_plausible_words(words: list[str]) -> None:
    try:
        result = estimate(BOOK, parse_cost_query(" ".join(words)))
    except CostQueryError:
        return
    assert result.total_low <= result.total_high + 1e-9
    assert result.verify_note in result.summary()
