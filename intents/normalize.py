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
# Struck-out words (Slack ~...~, HTML <s>/<del>/<strike>) are a phrasing on display, crossed out: a quote.
_STRUCK = re.compile(r"(?<![\w~])~([^~\n]{3,}?)~(?![\w~])")
_HTML_STRUCK = re.compile(r"<(s|del|strike)>(.*?)</\1>", re.IGNORECASE | re.DOTALL)

# Single quotes may hold apostrophes inside words ('Let's fine-tune it'); a closing one is not followed
# by a letter. Guillemets and low-high quotes count too.
_QUOTED_SPAN = re.compile(
    r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”|„[^“”\n]{3,}[“”]|«[^»\n]{3,}»|‹[^›\n]{3,}›"
    r"|‘(?:[^’\n]|(?<=\w)’(?=\w)){3,}?’(?!\w)|(?<![\w])'(?:[^'\n]|(?<=\w)'(?=\w)){3,}?'(?![\w])"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[^\s\"'“”‘’])")
# Every split starts at a space, ; : , or -; the lookahead lets the engine skip other positions at once.
_CLAUSE_SPLIT = re.compile(
    r"(?=[\s;:,-])(?:(?<=[.!?;])\s+|[;\n]|\s+[-–—]+>?\s+|->|\s*:\s+"
    r"|,\s*(?:but|however|though|although|whereas|yet)\b\s*|\s+\b(?:but|although|whereas)\b\s+)",
    re.IGNORECASE,
)
# A line of code starts like code, or holds a call, a comparison or a brace (each needs one of "(){=").
# An assignment is code when its right side looks like code (a literal, a call, a name ending the line, an
# operator); "pretraining = full customisation" is chat shorthand.
_CODE_START = re.compile(
    r"\s*(?:def |class |import |from \S+ import|return |\$ |>>> |#include"
    r"|[a-z_][\w.]*\s*=\s*(?:[\"'\[{(\d-]|[\w.]+\s*(?:$|[(\[+*/%<>=|&^-]|\bif\b|\bfor\b|\bor\b|\band\b)))"
)
_CODE_INSIDE = re.compile(r"\w\.\w+\(|\w\(\S*\)\s*$|\)\s*[;{]\s*$|=>|==|\{\s*$")


@dataclass(frozen=True)
class Segment:
    """One clause of a message; ``quoted`` when it is someone else's words on display."""

    text: str
    quoted: bool
    sentence: str = ""  # the sentence the clause belongs to (scope of weak meta-talk cues)


# Backticks around a word or two of plain words are emphasis in chat ("`fine-tune` = $$$$"), not code.
_PLAIN_WORDS = re.compile(r"[A-Za-z][\w' -]*")


def _inline_code(found: re.Match[str]) -> str:
    inner = found.group(0)[1:-1].strip()
    if len(inner.split()) <= 2 and _PLAIN_WORDS.fullmatch(inner) and "_" not in inner:
        return f" {inner} "
    return " "


def _struck(found: re.Match[str], group: int = 1) -> str:
    """A struck-out phrase becomes a quote (on display, crossed out); a struck word or two is simply gone:
    "600-1 ~covers~ doesn't cover training" reads "600-1 doesn't cover training"."""
    words = found.group(group)
    return f"“{words}”" if len(words.split()) > 2 else " "


def strip_markup(text: str) -> str:
    """Remove code, mentions and markup; keep link labels, channel names and plain words."""
    if "`" in text:
        text = _FENCED_CODE.sub("\n", text)
        text = _INLINE_CODE.sub(_inline_code, text)
    if "<" in text:  # every tag, mention and link starts with one
        text = _HTML_STRUCK.sub(lambda m: _struck(m, group=2), text)
        text = _strip_tags(text)
    text = html.unescape(text)
    text = _BARE_URL.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    if "~" in text:
        text = _STRUCK.sub(_struck, text)
    if "*" in text or "_" in text or "~" in text:
        text = _EMPHASIS.sub("", text)
    return text


def _strip_tags(text: str) -> str:
    """HTML code and tags, Teams mentions, Slack mentions, channels and links (blockquotes become '>')."""
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
    return _HTML_TAG.sub(" ", text)


def looks_like_code(line: str) -> bool:
    if _CODE_START.match(line):
        return True
    maybe_inside = "(" in line or ")" in line or "=" in line or "{" in line
    return maybe_inside and _CODE_INSIDE.search(line) is not None


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
        for sentence in _SENTENCE_SPLIT.split(line):
            # Quoted spans inside the sentence are their own segments.
            cursor = 0
            for span in _QUOTED_SPAN.finditer(sentence):
                _add_clauses(found, sentence[cursor : span.start()], quoted_line, sentence)
                _add_clauses(found, span.group(0)[1:-1], True, sentence)
                cursor = span.end()
            _add_clauses(found, sentence[cursor:], quoted_line, sentence)
    return found


def _add_clauses(found: list[Segment], text: str, quoted: bool, sentence: str) -> None:
    for clause in _CLAUSE_SPLIT.split(text):
        clause = clause.strip(" ,.;:!-\t\"'“”‘’„«»‹›()[]")
        if len(clause) >= 3 and any(ch.isalpha() for ch in clause):
            found.append(Segment(clause, quoted, sentence))
    if text.rstrip().endswith("?") and found and not found[-1].text.endswith("?"):
        found[-1] = Segment(found[-1].text + "?", found[-1].quoted, sentence)


# --- canonical spelling -------------------------------------------------------------------------

_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_AUX_NOT = "do|does|did|is|are|was|were|has|have|had|would|could|should|must|need"
_WORD_REWRITES: dict[str, str] = {
    "won't": "will not",
    "wont": "will not",
    "can't": "can not",
    "cant": "can not",
    "cannot": "can not",
    "shan't": "shall not",
    "ain't": "is not",
    "aint": "is not",
    "i'm": "i am",
    "im": "i am",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "have to",
    "llm": "model",
    "llms": "model",
    "youd": "you would",
    "theyd": "they would",
    "itll": "it will",
    "youll": "you will",
    "theyll": "they will",
    "weve": "we have",
    "youve": "you have",
    "theyve": "they have",
    "thats": "that is",
    "whats": "what is",
    # fine-tuning methods by name
    "lora": "fine-tuning",
    "qlora": "fine-tuning",
    "sft": "fine-tuning",
    "peft": "fine-tuning",
    # common misspellings of the negated auxiliaries
    "dosent": "does not",
    "dosnt": "does not",
    "doesent": "does not",
    # chat shorthand
    "convo": "conversation",
    "convos": "conversations",
    "hv": "have",
    "ur": "your",
    "wtv": "whatever",
    "whatev": "whatever",
    "thru": "through",
    "b/c": "because",
    "bc": "because",
    "cuz": "because",
}
for _aux in _AUX_NOT.split("|"):
    _WORD_REWRITES[f"{_aux}n't"] = _WORD_REWRITES[f"{_aux}nt"] = f"{_aux} not"
for _subject in ("it", "that", "there", "what", "who", "he", "she"):
    _WORD_REWRITES[f"{_subject}'s"] = f"{_subject} is"


def _by_first_letter(words: list[str]) -> str:
    """``won't|wont|can't`` as ``w(?:on't|ont)|c(?:an't)``: the regex engine tests one letter per group
    instead of entering every word's branch. Order within a group is kept (longest first still wins)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


_WORDS = re.compile(r"\b(?:" + _by_first_letter(sorted(_WORD_REWRITES, key=len, reverse=True)) + r")\b")
# Not after an apostrophe: "we're training" is "we are training", not "we'retraining". Typos of the
# stems too ("finetnue", "pretraning").
_STEMS = re.compile(r"(?<!['’])\b(fine|pre|re)[\s_-]*(tun|tnu|tuen|train|tran(?=ing|ed)|trian)")
# "tune" alone for a model is fine-tuning ("tune it on the intake records", "tuning costs a fortune"), not a
# prompt, a search or a guitar.
_BARE_TUNE = re.compile(
    r"(?<![\w-])(?<!prompt )(?<!fine )tun(e|es|ed|ing)\b"
    r"(?=\s+(?:it|them|the model|a model|the ai|the bot|the assistant|the copilot|the llm|gpt|on|costs?|is"
    r"|was"
    r"|would|will|runs?|job|project|budget)\b)"
)
# "FT" is chat shorthand for fine-tuning ("FT on the regs", "ft costs a fortune"), not after a number
# ("6 ft").
_FINE_TUNING_SHORTHAND = re.compile(r"(?<!\d)(?<!\d )\bft\b")
# "u" for "you" ("can u train it"), not the U of "U.S." or "U-Haul".
_YOU_SHORTHAND = re.compile(r"(?<![.-])\bu\b(?![.-])")
_SUFFIXES = re.compile(r"'(ll|re|ve|d)\b")
_SUFFIX_WORDS = {"ll": " will", "re": " are", "ve": " have", "d": " would"}
# Punctuation becomes a space: every character but letters, digits, spaces and $ % ? ' -, then the hyphens
# that do not join two words. (Two passes; one pattern would give the same text once spaces are collapsed.)
_NOT_KEPT = re.compile(r"[^\w\s$%?'-]+")
_LOOSE_HYPHENS = re.compile(r"(?<!\w)-+|-+(?!\w)")


def _stem(found: re.Match[str]) -> str:
    prefix, rest = found.group(1), found.group(2)
    if prefix == "fine" and rest in ("tun", "tnu", "tuen"):
        return "fine-tun"
    if prefix == "pre" and rest in ("train", "tran", "trian"):  # "pretraning", "pre-trianing": typos
        return "pre-train"
    if prefix == "re" and rest == "train":
        return "retrain"
    return found.group(0)


# "model" that is not an AI model: hobby and scale models, business and pricing models, role models.
# Rewritten to one token that no phrasebook term starts with, so no "model" gate sees it.
_OTHER_MODEL = re.compile(
    r"\b(?:(?:business|pricing|operating|delivery|staffing|funding|licensing|engagement|financial|revenue"
    r"|subscription|role|scale|toy|clay|paper|plastic|3d|data|semantic|dimensional|relational|logical"
    r"|physical"
    r"|star schema|power bi|tableau|excel|spreadsheet|cost|staffing|service|care|maturity) models?"
    r"|models? (?:railways?|railroads?|trains?|kits?|planes?|airplanes?|aircraft|cars?|ships?|boats?"
    r"|rockets?|trucks?|villages?|un|united nations|congress|citizens?|students?|minority))\b"
)


def canonical(text: str) -> str:
    """Lowercase, unify spellings and contractions, drop punctuation (keeps ``$``, ``%`` and ``?``).

    Each step is skipped when the text lacks a character or word every match of that step contains.
    """
    text = text.lower()
    if "`" in text or not text.isascii():  # all quote marks to unify but the backtick are non-ASCII
        text = text.translate(_QUOTE_MARKS)
    padded = f" {text} "  # the shorthand below is a word of its own: cheap tests before the regexes
    if " ft" in padded:
        text = _FINE_TUNING_SHORTHAND.sub("fine-tuning", text)
    if " u " in padded:
        text = _YOU_SHORTHAND.sub("you", text)
    if "tun" in text or "tnu" in text or "tra" in text or "tria" in text:
        text = _STEMS.sub(_stem, text)
    if "tun" in text:
        text = _BARE_TUNE.sub(lambda m: "fine-tun" + m.group(1), text)
    text = _WORDS.sub(lambda m: _WORD_REWRITES[m.group(0)], text)
    if "model" in text:
        text = _OTHER_MODEL.sub("othermodel", text)
    if "'" in text:
        text = _SUFFIXES.sub(lambda m: _SUFFIX_WORDS[m.group(1)], text)
    text = _NOT_KEPT.sub(" ", text)
    if "-" in text:
        text = _LOOSE_HYPHENS.sub(" ", text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return [tok.strip("'?") for tok in text.split() if tok.strip("'?")]
