"""A ``Reply`` (and the other things dosay posts) as a Microsoft Teams Adaptive Card (schema 1.5). Pure.

Card text is Markdown in Teams, so every piece of text goes through ``escape``: Markdown and HTML
punctuation gets a backslash (no links, emphasis, ``<at>`` mentions or HTML from user or phrasebook
text) and broadcast words such as ``@everyone`` get a zero-width space. Command replies are cards too,
so nothing dosay posts in Teams is interpreted as markup. The text fallback (the activity's
``summary`` and the card's ``fallbackText``) is plain text for notifications.

"Not a misconception here" is an ``Action.ShowCard``: pressing it opens, on the presser's screen only, an
optional text box and a toggle "Include this text so the phrasebook can be reviewed" (off by default)
above a Send button. dosay never puts the user's message into a card; the text box starts empty and only
what the user types or pastes there, with the toggle on, is stored (``TeamsBot`` checks both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.core_types import Button, Reply
from bot.render.text import inert, render_fallback

Card = dict[str, Any]

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
#: The key in an ``Action.Submit``'s data that says which dosay button was pressed.
ACTION_KEY = "dosay_action"
VALUE_KEY = "value"
#: The ids of the inputs of the "Not a misconception here" form (Teams merges them into the submit data).
FEEDBACK_TEXT_KEY = "dosay_feedback_text"
CONSENT_KEY = "dosay_feedback_consent"
CONSENT_ON = "true"
FEEDBACK_TEXT_MAX = 2000
NOT_MISCONCEPTION = "dosay_not_misconception"
#: Teams shows at most ~28 KB per message; keep each text block well inside it.
_TEXT_MAX = 4000
_FALLBACK_MAX = 1000

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that start markup.
_MARKUP = re.compile(r"([\\`*_\[\]<>#~|])")
# A line that starts with "-", "+" or "1." would become a list item.
_LIST_START = re.compile(r"^(\s*)([-+]|\d+\.)(\s)", re.MULTILINE)


@dataclass(frozen=True)
class TeamsMessage:
    """What the adapter sends: one Adaptive Card plus its plain-text fallback."""

    card: Card
    fallback: str


def escape(text: str) -> str:
    """Text safe to put in a TextBlock / FactSet: no Markdown, no HTML, no broadcast words."""
    escaped = _MARKUP.sub(r"\\\1", text)
    escaped = _LIST_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", escaped)
    return inert(escaped)[:_TEXT_MAX]


def plain(text: str) -> str:
    """Plain-text fallback (not rendered as Markdown): only the broadcast words are defused."""
    return inert(text)[:_FALLBACK_MAX]


def _text(markdown: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": markdown, "wrap": True, **style}


def _card(body: list[Card], fallback: str, actions: list[Card] | None = None) -> Card:
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA_URL,
        "version": CARD_VERSION,
        "fallbackText": fallback,
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _submit(title: str, action_id: str, value: str) -> Card:
    return {
        "type": "Action.Submit",
        "title": inert(title)[:80],
        "data": {ACTION_KEY: action_id, VALUE_KEY: value[:500]},
    }


def _not_misconception(title: str, value: str) -> Card:
    """The button opens a form: optional text, a consent toggle that starts off, and Send."""
    form: Card = {
        "type": "AdaptiveCard",
        "body": [
            {
                "type": "Input.Text",
                "id": FEEDBACK_TEXT_KEY,
                "label": "What was meant? (optional: type it, or paste the message)",
                "isMultiline": True,
                "maxLength": FEEDBACK_TEXT_MAX,
            },
            {
                "type": "Input.Toggle",
                "id": CONSENT_KEY,
                "title": "Include this text so the phrasebook can be reviewed",
                "value": "false",
                "valueOn": CONSENT_ON,
                "valueOff": "false",
                "wrap": True,
            },
            _text("Send stores your click; the text only if the toggle is on.", isSubtle=True, size="Small"),
        ],
        "actions": [_submit("Send", NOT_MISCONCEPTION, value)],
    }
    return {"type": "Action.ShowCard", "title": inert(title)[:80], "card": form}


def _action(button: Button) -> Card:
    if button.action_id == NOT_MISCONCEPTION:
        return _not_misconception(button.label, button.value)
    return _submit(button.label, button.action_id, button.value)


def reply_card(reply: Reply) -> Card:
    body: list[Card] = [
        _text(f"Instead of \u201c{escape(reply.dont_say)}\u201d", weight="Bolder", size="Medium"),
        _text(f"**Try saying:** {escape(reply.do_say)}"),
        _text(f"**Why it matters:** {escape(reply.why)}"),
    ]
    if reply.triage_question:
        body.append(_text(f"**Ask first:** {escape(reply.triage_question)}"))
        body.extend(_text(f"\u2022 {escape(branch)}", spacing="None") for branch in reply.triage_branches)
    facts = [
        {"title": "Regime", "value": escape(reply.regime_name)},
        {"title": "Cost band", "value": escape(reply.cost_band)},
    ]
    if reply.timeline:
        facts.append({"title": "Timeline", "value": escape(reply.timeline)})
    facts.append({"title": "Reference", "value": escape(reply.nist)})
    body.append({"type": "FactSet", "facts": facts, "separator": True})
    actions = [_action(b) for b in reply.buttons]
    return _card(body, plain(render_fallback(reply)), actions)


def reply_message(reply: Reply) -> TeamsMessage:
    return TeamsMessage(card=reply_card(reply), fallback=plain(render_fallback(reply)))


def text_message(text: str) -> TeamsMessage:
    """Text dosay composed (help, lookups, settings, tips): one TextBlock per paragraph, escaped."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()] or [text]
    body = [_text(escape(p).replace("\n", "\n\n")) for p in paragraphs]
    return TeamsMessage(card=_card(body, plain(text)), fallback=plain(text))


def tip_message(text: str) -> TeamsMessage:
    body = [_text("Tip of the day", weight="Bolder"), _text(escape(text))]
    return TeamsMessage(
        card=_card(body, plain(f"Tip of the day: {text}")), fallback=plain(f"Tip of the day: {text}")
    )


def regime_message(name: str, lines: list[tuple[str, str]]) -> TeamsMessage:
    """A regime card: its name and label/value facts."""
    body: list[Card] = [
        _text(escape(name), weight="Bolder", size="Medium"),
        {
            "type": "FactSet",
            "facts": [{"title": escape(label), "value": escape(value)} for label, value in lines],
        },
    ]
    return TeamsMessage(card=_card(body, plain(f"More on {name}")), fallback=plain(f"More on {name}"))


def retracted_message(entry_title: str) -> TeamsMessage:
    """What dosay's reply becomes after the author edits the misconception away."""
    text = f"\u2705 Edited: the message no longer says this ({entry_title}). Thanks!"
    return TeamsMessage(card=_card([_text(escape(text))], plain(text)), fallback=plain(text))


def feedback_message(text: str) -> TeamsMessage:
    return TeamsMessage(card=_card([_text(escape(text), isSubtle=True)], plain(text)), fallback=plain(text))
