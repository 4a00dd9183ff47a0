import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.matcher import Matcher
from tests.intents.mini_phrasebook import mini_phrasebook

MATCHER = Matcher(mini_phrasebook())


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("The AI will learn from your data over time.", "ai-learns-over-time"),
        ("honestly it gets better the more they use it", "ai-learns-over-time"),
        ("is it true the bot learns from what users type?", "ai-learns-over-time"),
        ("teh AI will lern from your data over time", "ai-learns-over-time"),
        ("<@U123> inference is basically free :shrug:", "inference-is-free"),
        (
            "Quick update on the pilot. Running the model costs basically nothing. Next step is the SOW.",
            "inference-is-free",
        ),
        ("NIST doesn't really cover AI training", "nist-ignores-training"),
    ],
)
def test_fires(text: str, entry: str) -> None:
    matches = MATCHER.match(text)
    assert matches, f"silent on {text!r}"
    assert matches[0].entry == entry
    assert 0.0 <= matches[0].score <= 1.0
    assert matches[0].clause and matches[0].trigger and entry not in matches[0].why


@pytest.mark.parametrize(
    "text",
    [
        "the weights are frozen at inference, so it won't learn from chats",
        "don't say inference is free, output tokens cost more",
        '> Don\'t say: "The AI will learn from your data over time."',
        "it's not true that inference is free",
        "NIST AI 600-1 covers pre-training, fine-tuning and inference",
        "I'll learn the new expense tool eventually",
        "```the AI will learn from your data over time```",
        "`inference is free`",
        "",
        "   ",
    ],
)
def test_silent(text: str) -> None:
    assert MATCHER.match(text) == []


def test_why_names_clause_and_trigger() -> None:
    match = MATCHER.match("honestly, the AI will learn from your data over time")[0]
    assert "the ai will learn from your data over time" in match.why.lower()


def test_candidates_explain_suppression() -> None:
    reasons = {c.suppressed_by for c in MATCHER.candidates("it won't learn from your chats")}
    assert "negation" in reasons


def test_one_best_answer_first() -> None:
    matches = MATCHER.match("inference is basically free. and the AI will learn from your data over time")
    assert {m.entry for m in matches} == {"inference-is-free", "ai-learns-over-time"}
    assert matches[0].score >= matches[1].score


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    for match in MATCHER.match(text):
        assert 0.0 <= match.score <= 1.0


def test_huge_message_does_not_crash() -> None:
    text = ("the AI will learn from your data over time. " * 3000)[:100_000]
    assert MATCHER.match(text)[0].entry == "ai-learns-over-time"
    assert MATCHER.match("x" * 100_000) == []
