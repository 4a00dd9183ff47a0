"""The matcher's general rules, exercised on the bundled phrasebook (one case per rule, not per sentence)."""

from __future__ import annotations

import pytest

from intents.matcher import Matcher
from phrasebook.loader import load_phrasebook

MATCHER = Matcher(load_phrasebook())


def best(text: str) -> str | None:
    matches = MATCHER.match(text)
    return matches[0].entry if matches else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A quoted scenario counts when someone is reported saying it, not inside an explanation.
        ('the CIO said "we want to train it on our data"', "buyer-train-on-our-data"),
        ('It matters because "train it on our data" often means RAG', None),
        # Quotes of other entries are someone else's words on display.
        ("> Inference is basically free.", None),
        # Weak correction cues speak for their own sentence only.
        ("Inference is basically free, so I left it out. Tell me if that's wrong.", "inference-is-free"),
        ("inference is basically free -> wrong", None),
        # Strong meta-talk speaks for the whole message.
        ("Myth of the week. Inference is basically free.", None),
        # Negation is scoped to the comma-part that carries the claim.
        ("no worries, the model learns from every chat", "ai-learns-over-time"),
        ("the weights are frozen, so it won't learn from your chats", None),
        # A negated clause agreeing with a negated trigger needs a clearly stronger match.
        ("fine-tuning isn't that expensive, a few thousand dollars", None),
        # Typo repair fixes typos, never real words.
        ("we could trian it on your polcies", "train-on-documents"),
        ("who is running the fine-tuning lunch and learn?", None),
        # Code is not chat.
        ("```\nmodel.train(policies)\n```", None),
        ("`fine-tuning is expensive`", None),
        # Markup is stripped before matching.
        (
            "<@U024BE7LH> <at>dosay</at> fine tuning is way too expensive :money_with_wings:",
            "finetuning-is-expensive",
        ),
    ],
)
def test_rule(text: str, expected: str | None) -> None:
    assert best(text) == expected, MATCHER.candidates(text)
