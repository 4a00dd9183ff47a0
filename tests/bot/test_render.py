"""Renderers: golden files for the Block Kit reply and the text form; escaping of broadcast markup.

Regenerate deliberately with ``DOSAY_UPDATE_GOLDEN=1 pytest tests/bot/test_render.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.core_types import Reply
from bot.render import slack as render_slack
from bot.render.text import render_text
from bot.replies import build_reply
from intents.types import Match

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DOSAY_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; create it with DOSAY_UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} changed; regenerate with DOSAY_UPDATE_GOLDEN=1"
    )


@pytest.fixture
def reply(phrasebook) -> Reply:
    match = Match(entry="ai-learns-over-time", score=0.91, why="clause ~ trigger", clause="c", trigger="t")
    return build_reply(phrasebook, match)


def test_slack_reply_golden(reply) -> None:
    check_golden(
        "slack_reply.json", json.dumps(render_slack.reply_message(reply), indent=2, ensure_ascii=False) + "\n"
    )


def test_text_reply_golden(reply) -> None:
    check_golden("text_reply.txt", render_text(reply) + "\n")


def test_reply_carries_everything_design_asks_for(reply) -> None:
    blocks = render_slack.reply_blocks(reply)
    text = json.dumps(blocks)
    for part in (
        "Try saying",
        "Why it matters",
        "Regime",
        "Cost band",
        "verify against current rate cards",
        "NIST AI 600-1, 2.4 Data Privacy",
        "2026-05-01",
    ):
        assert part in text, part
    buttons = [e["action_id"] for e in blocks[-1]["elements"]]
    assert buttons == ["dosay_helpful", "dosay_not_misconception", "dosay_snooze", "dosay_more_regime"]


@pytest.mark.parametrize(
    "hostile", ["<!channel>", "<!here>", "<@U123>", "@everyone", "@here", "a & b <script>"]
)
def test_broadcast_markup_stays_inert(hostile) -> None:
    message = render_slack.text_message(f"you said {hostile}")
    for rendered in (message["text"], message["blocks"][0]["text"]["text"]):
        assert "<" not in rendered and ">" not in rendered
        assert "@everyone" not in rendered and "@here" not in rendered
    assert "&amp;" in render_slack.escape("a & b")


def test_reply_text_is_escaped(reply) -> None:
    # the fixture's do_say contains "<here> & there"
    rendered = json.dumps(render_slack.reply_message(reply))
    assert "<here>" not in rendered and "&lt;here&gt; &amp; there" in rendered
