"""Linguistic guards: reasons a clause that *mentions* a misconception does not *state* it.

All functions take canonical text (see ``intents.normalize.canonical``) and are pure.
"""

from __future__ import annotations

import re

# Alternations share one leading ``\b`` so the regex engine tests each cue's first letter instead of
# entering every branch at every position (about 10x faster on chat; same matches).

# Negation cues after contraction expansion ("won't" → "will not").
_NEGATION = re.compile(r"\b(?:not|never|no|nor|neither|none|nobody|nowhere|without|hardly|barely|nope)\b")
# Cues that look like negation but do not deny the clause.
_FALSE_NEGATION = re.compile(
    r"\b(?:not (?:just|only|merely|simply)\b|no (?:doubt|wonder|matter)\b|if not\b|not sure\b"
    r"|not cheap\b|do not worry\b|no worries\b|not to mention\b|no question\b|no joke\b"
    r"|never been (?:cheaper|easier)\b|no brainer\b|not a problem\b)"
)
# A question that opens with a negated auxiliary is rhetorical: "doesn't it learn from our chats?"
_RHETORICAL = re.compile(
    r"^(?:but |so |and |wait |hmm )?(?:is|are|does|do|did|will|would|can|could|should|was|were|has|have) "
    r"not\b|\bright\?$|\bno\?$"
)

# Meta-talk: the message is *about* the wording, or corrects it, rather than stating it.
# Meta-talk: the message is *about* the wording, or corrects it, rather than stating it.
# Strong cues speak for the whole message ("don't say", "myth", "row 5 of the table").
_STRONG_META = re.compile(
    r"\b(?:(?:do not|never|avoid|stop|quit) "
    r"(?:say|saying|tell|telling|claim|claiming|use|write|promise|imply)\b"
    r"|instead of (?:saying|telling|claiming)\b|rather than (?:saying|telling|claim)"
    r"|don't say\b|dont say\b|do say\b|don t say\b|do not-say\b|don't-say\b|dont-say\b"
    r"|misconceptions?\b|myths?\b|misunderstanding\b|common mistake\b"
    r"|mistakenly\b|erroneous(?:ly)?\b|correct(?:ing|ed)? (?:them|him|her|that|this|people|the)\b"
    r"|row \d+\b|(?<!off )(?<!on )(?<!at )the table\b|phrasebook\b|dosay\b|cheat ?sheet\b"
    r"|the list\b|don'?t-say list\b|the primer\b"
    r"|people (?:often |always |usually )?(?:think|assume|believe|say)\b"
    r"|example of (?:a|the)\b|red flag\b|when (?:a |the )?(?:buyer|client|customer|someone) says\b"
    r"|if (?:a |the )?(?:buyer|client|customer|someone|they) (?:says|asks)\b|reframe\b|pushback\b)"
)
# Weak cues only speak for their own sentence ("... is wrong" / "let me know if that's wrong").
_WEAK_META = re.compile(
    r"\b(?:false(?:ly)?\b|untrue\b|incorrect(?:ly)?\b|wrong\b|not true\b|not the case\b|not how\b"
    r"|not accurate\b|inaccurate\b"
    r"|(?:assume|assuming|think|thinks|thinking|believe|believes) that\b.*\b(?:but|actually|in fact)\b)"
)


def is_negated(clause: str) -> bool:
    """True when the clause carries a negation cue that denies it."""
    text = _FALSE_NEGATION.sub(" ", clause)
    if not _NEGATION.search(text):
        return False
    if clause.endswith("?") and _RHETORICAL.search(clause):
        # "isn't fine-tuning expensive?" asks for agreement with the claim; count the cue out.
        return len(_NEGATION.findall(text)) > 1
    return True


def negation_parity(clause: str) -> bool:
    """Parity of negation (True = negated). Compared between a clause and the trigger it matched."""
    return is_negated(clause)


def is_meta_talk(message: str) -> bool:
    """True when the message talks about the misconception's wording (a quote, a correction, a list)."""
    return bool(_STRONG_META.search(message) or _WEAK_META.search(message))


def is_strong_meta_talk(message: str) -> bool:
    """Cues that mark the whole message as talk *about* the wording."""
    return bool(_STRONG_META.search(message))


def is_weak_meta_talk(sentence: str) -> bool:
    """Cues that mark only their own sentence as a correction ("... -> wrong")."""
    return bool(_WEAK_META.search(sentence))


# A quoted buyer scenario counts only when someone is reported saying it ("the CIO said: '...'");
# a quoted phrase inside an explanation ("'train it on our data' often means RAG") does not.
_REPORTING = re.compile(
    r"\b(?:said|says|say|saying|asked|asks|asking|ask|told|tells|tell us|wants|wanted|want|keeps|kept|wrote|"
    r"writes|emailed|mentioned|requested|request|replied|responded|quote|quoted|verbatim|literally|"
    r"goes|went|like)\b"
)


def is_reported_speech(sentence: str) -> bool:
    """True when the sentence around a quote reports someone saying it."""
    return bool(_REPORTING.search(sentence))
