"""A ``Reply`` (and the other things dosay posts) as Slack Block Kit plus a text fallback. Pure.

All text goes through ``escape``: ``&``, ``<`` and ``>`` become entities, so ``<!channel>``,
``<!here>`` and ``<@U123>`` in any text stay inert, and ``@everyone``-style words get a zero-width space.
"""

from __future__ import annotations

from typing import Any

from bot.core_types import Reply
from bot.render.text import inert, render_fallback

Block = dict[str, Any]
#: Slack's limits: section text 3000 characters, button value 2000.
_SECTION_MAX = 3000


def escape(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return inert(escaped)


def _section(markdown: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown[:_SECTION_MAX]}}


def _context(markdown: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": markdown[:_SECTION_MAX]}]}


def _button(action_id: str, label: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": inert(label)[:75], "emoji": True},
        "value": value[:2000],
    }
    if style:
        button["style"] = style
    return button


def reply_blocks(reply: Reply) -> list[Block]:
    blocks: list[Block] = [
        _section(f"*Instead of* \u201c{escape(reply.dont_say)}\u201d\n*Try saying:* {escape(reply.do_say)}"),
        _section(f"*Why it matters:* {escape(reply.why)}"),
    ]
    if reply.triage_question:
        branches = "\n".join(f"\u2022 {escape(b)}" for b in reply.triage_branches)
        blocks.append(_section(f"*Ask first:* {escape(reply.triage_question)}\n{branches}".rstrip()))
    facts = [
        f"*Regime:* {escape(reply.regime_name)}",
        f"*Cost band:* {escape(reply.cost_band)}",
    ]
    if reply.timeline:
        facts.append(f"*Timeline:* {escape(reply.timeline)}")
    facts.append(f"*Reference:* {escape(reply.nist)}")
    blocks.append(_context("  \u00b7  ".join(facts)))
    if reply.buttons:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"dosay_reply:{reply.entry_id}"[:255],
                "elements": [_button(b.action_id, b.label, b.value) for b in reply.buttons],
            }
        )
    return blocks


def reply_message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for ``chat.postMessage`` / ``chat.postEphemeral`` (``text`` + ``blocks``)."""
    return {"text": escape(render_fallback(reply)), "blocks": reply_blocks(reply)}


def retracted_message(reply_entry_title: str) -> dict[str, Any]:
    """What the reply turns into after the author edits the misconception away."""
    text = f"\u2705 Edited: the message no longer says this ({escape(reply_entry_title)}). Thanks!"
    return {"text": text, "blocks": [_section(text)]}


def text_message(text: str, *, share_value: str | None = None) -> dict[str, Any]:
    """Plain text (already composed by dosay, escaped here) as blocks; optional "Share in channel" button."""
    safe = escape(text)
    blocks: list[Block] = [_section(safe)]
    if share_value is not None:
        blocks.append(
            {
                "type": "actions",
                "block_id": "dosay_share",
                "elements": [_button("dosay_share", "Share in channel", share_value, style="primary")],
            }
        )
    return {"text": safe[:_SECTION_MAX], "blocks": blocks}


def regime_message(name: str, lines: list[tuple[str, str]]) -> dict[str, Any]:
    """A regime card: a title and label/value lines."""
    body = "\n".join(f"*{escape(label)}:* {escape(value)}" for label, value in lines)
    return {"text": escape(f"More on {name}"), "blocks": [_section(f"*{escape(name)}*\n{body}")]}
