"""Adaptive Card rendering: golden files, escaping, the fallback text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.core_types import Reply
from bot.render import teams
from bot.replies import build_reply
from intents.types import Match
from tests.bot.conftest import make_phrasebook

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
UPDATE = os.environ.get("DOSAY_UPDATE_GOLDEN") == "1"


def _reply(entry: str = "ai-learns-over-time") -> Reply:
    return build_reply(make_phrasebook(), Match(entry=entry, score=0.9, why="w", clause="c", trigger="t"))


def _triage_reply() -> Reply:
    return _reply().model_copy(
        update={
            "triage_question": "Do you want it to know your documents, or behave differently?",
            "triage_branches": (
                "Know documents \u2192 Inference + RAG: retrieval",
                "Behave \u2192 Fine-tuning",
            ),
            "timeline": "days to weeks",
        }
    )


def _check_golden(name: str, value: object) -> None:
    path = GOLDEN / name
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{name} missing; create it with DOSAY_UPDATE_GOLDEN=1 and review it"
    assert path.read_text(encoding="utf-8") == text, (
        f"{name} changed; rerun with DOSAY_UPDATE_GOLDEN=1 and review"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("teams_reply.json", lambda: teams.reply_message(_reply())),
        ("teams_reply_triage.json", lambda: teams.reply_message(_triage_reply())),
        (
            "teams_text.json",
            lambda: teams.text_message("Current settings: mode thread.\n\nSecond <b>para</b>"),
        ),
        ("teams_tip.json", lambda: teams.tip_message("RAG keeps your documents outside the weights.")),
        ("teams_retracted.json", lambda: teams.retracted_message("AI *learns* over time")),
    ],
)
def test_golden_cards(name, message) -> None:
    rendered = message()
    _check_golden(name, {"card": rendered.card, "fallback": rendered.fallback})


def _all_text(card: object) -> str:
    if isinstance(card, dict):
        return " ".join(_all_text(v) for v in card.values())
    if isinstance(card, list):
        return " ".join(_all_text(v) for v in card)
    return str(card)


def test_reply_card_carries_the_whole_reply() -> None:
    reply = _reply()
    card = teams.reply_card(reply)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    text = _all_text(card)
    assert "Try saying" in text and "Why it matters" in text and "Inference" in text
    assert "2026-05-01" in text and "verify against current rate cards" in text
    assert "NIST AI 600-1" in text
    titles = [a["title"] for a in card["actions"]]
    assert titles[:2] == ["Helpful", "Not a misconception here"] and titles[-1] == "More on Inference"
    types = [a["type"] for a in card["actions"]]
    assert types == ["Action.Submit", "Action.ShowCard", "Action.Submit", "Action.Submit"]
    assert card["actions"][0]["data"] == {"dosay_action": "dosay_helpful", "value": "ai-learns-over-time"}


def test_not_a_misconception_opens_a_form_whose_consent_starts_off() -> None:
    """The user's message is never put into the card: the text box starts empty, the toggle off."""
    reply = _reply()
    show = teams.reply_card(reply)["actions"][1]
    form = show["card"]
    text_input, toggle = form["body"][0], form["body"][1]
    assert text_input["type"] == "Input.Text" and text_input["id"] == teams.FEEDBACK_TEXT_KEY
    assert "value" not in text_input and text_input["maxLength"] == teams.FEEDBACK_TEXT_MAX
    assert toggle["type"] == "Input.Toggle" and toggle["id"] == teams.CONSENT_KEY
    assert toggle["value"] == toggle["valueOff"] != toggle["valueOn"] == teams.CONSENT_ON
    assert "phrasebook can be reviewed" in toggle["title"]
    [send] = form["actions"]
    assert send["type"] == "Action.Submit"
    assert send["data"] == {"dosay_action": "dosay_not_misconception", "value": "ai-learns-over-time"}


def test_no_words_of_the_users_message_reach_the_card() -> None:
    """A match carries the user's clause (in ``why`` / ``explanation``); the card never shows it."""
    words = "canary-words-from-the-users-message"
    match = Match(entry="ai-learns-over-time", score=0.9, why=f"'{words}' ~ t", clause=words, trigger="t")
    message = teams.reply_message(build_reply(make_phrasebook(), match))
    assert words not in json.dumps(message.card) and words not in message.fallback


@pytest.mark.parametrize(
    "hostile",
    [
        "<at>Everyone</at>",
        "[click](https://evil.example)",
        "**bold** _it_",
        "@everyone look",
        "<script>x</script>",
    ],
)
def test_escape_defuses_markup(hostile: str) -> None:
    escaped = teams.escape(hostile)
    assert "<at>" not in escaped and "<script>" not in escaped
    assert "](" not in escaped.replace("\\](", "") and "**" not in escaped
    assert "@everyone" not in escaped


def test_escape_keeps_ordinary_text_readable() -> None:
    assert teams.escape("Fine-tuning costs $1k-$100k (per run).") == "Fine-tuning costs $1k-$100k (per run)."
    assert teams.escape("- a list?") == "\\- a list?"


def test_fallback_is_plain_and_defused() -> None:
    message = teams.text_message("ping @here now")
    assert "@here" not in message.fallback and message.card["fallbackText"] == message.fallback


def test_every_golden_card_fits_the_adaptive_card_schema() -> None:
    import jsonschema

    schema = json.loads(
        (Path(__file__).parent / "adaptive_card_subset.schema.json").read_text(encoding="utf-8")
    )
    validator = jsonschema.Draft202012Validator(schema)
    cards = [json.loads(p.read_text(encoding="utf-8"))["card"] for p in sorted(GOLDEN.glob("teams_*.json"))]
    cards.append(teams.regime_message("Inference", [("What it is", "x"), ("Data handling", "y")]).card)
    assert len(cards) >= 6
    for card in cards:
        errors = [e.message for e in validator.iter_errors(card)]
        assert errors == [], errors
    typo = {**cards[0], "body": [{"type": "TextBlock", "text": "x", "wrapp": True}]}
    assert not validator.is_valid(typo)
