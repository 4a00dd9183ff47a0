"""A ``Reply`` as plain text (CLI, logs, notification fallback). Pure."""

from __future__ import annotations

import re

from bot.core_types import Reply

_BROADCAST = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)


def inert(text: str) -> str:
    """Defuse broadcast words (``@everyone``, ``@here``, ``@channel``) with a zero-width space."""
    return _BROADCAST.sub(lambda m: "@\u200b" + m.group(1), text)


def render_text(reply: Reply) -> str:
    lines = [
        f"Instead of: \u201c{reply.dont_say}\u201d",
        f"Try saying: {reply.do_say}",
        f"Why it matters: {reply.why}",
        f"Regime: {reply.regime_name}",
        f"Cost band: {reply.cost_band}",
    ]
    if reply.timeline:
        lines.append(f"Timeline: {reply.timeline}")
    lines.append(f"Reference: {reply.nist}")
    if reply.triage_question:
        lines.append(f"Ask first: {reply.triage_question}")
        lines.extend(f"  - {branch}" for branch in reply.triage_branches)
    return inert("\n".join(lines))


def render_fallback(reply: Reply) -> str:
    """One line for notifications and clients that cannot show blocks."""
    return inert(f"dosay: instead of \u201c{reply.dont_say}\u201d, try: {reply.do_say}")
