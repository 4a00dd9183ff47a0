"""Chat markup in, plain clauses out. Pure functions.

``segments(text)`` strips Slack and Teams markup, drops code, and splits the message into
clauses, each flagged when it is quoted (``>`` lines or text inside quotation marks).
``canonical(text)`` lowercases and rewrites the spellings the matcher must treat as one
("fine tuning" / "finetuning" → "fine-tuning", "won't" → "will not").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# --- markup -------------------------------------------------------------------------------------

_FENCED_CODE = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_TEAMS_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_SLACK_USER = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_SLACK_CHANNEL = re.compile(r"<#C[A-Z0-9]+(?:\|([^>]*))?>")
_SLACK_SPECIAL = re.compile(r"<![^>]*>")
_SLACK_LINK = re.compile(r"<((?:https?|mailto|tel):[^>|]*)(?:\|([^>]*))?>")
_HTML_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/blockquote)\s*/?>", re.IGNORECASE)
_HTML_BLOCKQUOTE = re.compile(r"<blockquote[^>]*>(.*?)</blockquote>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_HTML_CODE = re.compile(r"<(pre|code)[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_EMOJI = re.compile(r":[a-z0-9_+\-']{1,40}:")
_BARE_URL = re.compile(r"https?://\S+")
_EMPHASIS = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")

_QUOTED_SPAN = re.compile(r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”|‘[^’\n]{3,}’|(?<![\w])'[^'\n]{3,}'(?![\w])")
_CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|[;\n]|\s+[-–—]+>?\s+|->|\s*:\s+"
    r"|,\s*(?:but|however|though|although|whereas|yet)\b\s*|\s+\b(?:but|although|whereas)\b\s+",
    re.IGNORECASE,
)
_CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import|return |\$ |>>> |#include|[a-z_][\w.]*\s*=\s*\S)"
    r"|\w\.\w+\(|\w\(\S*\)\s*$|\)\s*[;{]\s*$|=>|==|\{\s*$"
)


@dataclass(frozen=True)
class Segment:
    """One clause of a message; ``quoted`` when it is someone else's words on display."""

    text: str
    quoted: bool


def strip_markup(text: str) -> str:
    """Remove code, mentions and markup; keep link labels, channel names and plain words."""
    text = _FENCED_CODE.sub("\n", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _HTML_CODE.sub(" ", text)
    text = _TEAMS_MENTION.sub(" ", text)
    text = _SLACK_USER.sub(" ", text)
    text = _SLACK_CHANNEL.sub(lambda m: f" #{m.group(1) or 'channel'} ", text)
    text = _SLACK_SPECIAL.sub(" ", text)
    text = _SLACK_LINK.sub(lambda m: f" {m.group(2) or ''} ", text)
    text = _HTML_BLOCKQUOTE.sub(
        lambda m: "\n" + "\n".join("> " + ln for ln in m.group(1).splitlines()) + "\n", text
    )
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_TAG.sub(" ", text)
    text = html.unescape(text)
    text = _BARE_URL.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    return _EMPHASIS.sub("", text)


def looks_like_code(line: str) -> bool:
    return bool(_CODE_LINE.search(line))


def segments(text: str, *, max_chars: int = 20_000) -> list[Segment]:
    """Split a chat message into clauses, marking quoted ones and dropping code."""
    plain = strip_markup(text[:max_chars])
    found: list[Segment] = []
    for raw_line in plain.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        quoted_line = line.startswith(">")
        line = line.lstrip("> ").strip()
        if not line or looks_like_code(line):
            continue
        # Quoted spans inside the line are their own segments.
        cursor = 0
        for span in _QUOTED_SPAN.finditer(line):
            _add_clauses(found, line[cursor : span.start()], quoted_line)
            _add_clauses(found, span.group(0)[1:-1], True)
            cursor = span.end()
        _add_clauses(found, line[cursor:], quoted_line)
    return found


def _add_clauses(found: list[Segment], text: str, quoted: bool) -> None:
    for clause in _CLAUSE_SPLIT.split(text):
        clause = clause.strip(" ,.;:!-\t\"'“”‘’()[]")
        if len(clause) >= 3 and any(ch.isalpha() for ch in clause):
            found.append(Segment(clause, quoted))
    if text.rstrip().endswith("?") and found and not found[-1].text.endswith("?"):
        found[-1] = Segment(found[-1].text + "?", found[-1].quoted)


# --- canonical spelling -------------------------------------------------------------------------

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[’‘`´]", "'"),
        (r"[“”]", '"'),
        (r"\bfine[\s_-]*tun", "fine-tun"),
        (r"\bpre[\s_-]*train", "pre-train"),
        (r"\bre[\s_-]*train", "retrain"),
        (r"\bwon'?t\b", "will not"),
        (r"\bcan'?t\b", "can not"),
        (r"\bcannot\b", "can not"),
        (r"\bshan'?t\b", "shall not"),
        (r"\bain'?t\b", "is not"),
        (r"\b(do|does|did|is|are|was|were|has|have|had|would|could|should|must|need)n'?t\b", r"\1 not"),
        (r"\b(it|that|there|what|who|he|she)'s\b", r"\1 is"),
        (r"'ll\b", " will"),
        (r"'re\b", " are"),
        (r"'ve\b", " have"),
        (r"'d\b", " would"),
        (r"\bi'm\b", "i am"),
        (r"\b(you|they|we|it|i)d\b(?= (?:need|have|want|like|be|get|never|not))", r"\1 would"),
        (r"\b(you|they|it)ll\b", r"\1 will"),
        (r"\b(we|you|they)ve\b", r"\1 have"),
        (r"\b(that|what)s\b", r"\1 is"),
        (r"\bgonna\b", "going to"),
        (r"\bwanna\b", "want to"),
        (r"\bgotta\b", "have to"),
        (r"\bai\b", "ai"),
        (r"\bllms?\b", "model"),
        (r"[^\w\s$%?'\-]", " "),
        (r"(?<!\w)-+|-+(?!\w)", " "),
        (r"\s+", " "),
    )
)


def canonical(text: str) -> str:
    """Lowercase, unify spellings and contractions, drop punctuation (keeps ``$``, ``%`` and ``?``)."""
    text = text.lower()
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text.strip()


def tokens(text: str) -> list[str]:
    return [tok.strip("'?") for tok in text.split() if tok.strip("'?")]
