import pytest

from intents.guards import is_meta_talk, is_negated
from intents.normalize import canonical


@pytest.mark.parametrize(
    "text",
    [
        "it won't learn from your chats",
        "we never train on customer data",
        "NIST doesn't cover training",
        "there is no need to train a model",
        "fine-tuning isn't expensive",
    ],
)
def test_negated(text: str) -> None:
    assert is_negated(canonical(text))


@pytest.mark.parametrize(
    "text",
    [
        "it learns from every chat",
        "running the model costs basically nothing",
        "not only does it learn, it adapts",
        "isn't fine-tuning really expensive?",
        "doesn't it learn from our chats?",
    ],
)
def test_not_negated(text: str) -> None:
    assert not is_negated(canonical(text))


@pytest.mark.parametrize(
    "text",
    [
        "don't say 'inference is free'",
        "Don't tell them fine-tuning is expensive",
        "row 5 of the table: the AI will learn -> wrong",
        "that's a common misconception",
        "the idea that it learns over time is a myth",
        "instead of saying we could train it, say retrieval",
    ],
)
def test_meta_talk(text: str) -> None:
    assert is_meta_talk(canonical(text))


@pytest.mark.parametrize(
    "text",
    ["we could train it on your policies", "the AI will learn from your data", "inference is basically free"],
)
def test_not_meta_talk(text: str) -> None:
    assert not is_meta_talk(canonical(text))
