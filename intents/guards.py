"""Linguistic guards: reasons a clause that *mentions* a misconception does not *state* it.

All functions take canonical text (see ``intents.normalize.canonical``) and are pure.
"""

from __future__ import annotations

import re

# Negation cues after contraction expansion ("won't" → "will not").
_NEGATION = re.compile(r"\b(?:not|never|no|nor|neither|none|nobody|nowhere|without|hardly|barely|nope)\b")
# Cues that look like negation but do not deny the clause.
_FALSE_NEGATION = re.compile(
    r"\bnot (?:just|only|merely|simply)\b|\bno (?:doubt|wonder|matter)\b|\bif not\b|\bnot sure\b"
    r"|\bnot cheap\b|\bdo not worry\b|\bno worries\b|\bnot to mention\b|\bno question\b|\bno joke\b"
    r"|\bnever been (?:cheaper|easier)\b|\bno brainer\b|\bnot a problem\b"
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
    r"\b(?:do not|never|avoid|stop|quit) (?:say|saying|tell|telling|claim|claiming|use|write|promise|imply)\b"
    r"|\binstead of (?:saying|telling|claiming)\b|\brather than (?:saying|telling|claim)"
    r"|\bdon't say\b|\bdont say\b|\bdo say\b|\bdon t say\b|\bdo not-say\b|\bdon't-say\b|\bdont-say\b"
    r"|\bmisconceptions?\b|\bmyths?\b|\bmisunderstanding\b|\bcommon mistake\b"
    r"|\bmistakenly\b|\berroneous(?:ly)?\b|\bcorrect(?:ing|ed)? (?:them|him|her|that|this|people|the)\b"
    r"|\brow \d+\b|(?<!off )(?<!on )(?<!at )\bthe table\b|\bphrasebook\b|\bdosay\b|\bcheat ?sheet\b"
    r"|\bthe list\b|\bdon'?t-say list\b|\bthe primer\b"
    r"|\bpeople (?:often |always |usually )?(?:think|assume|believe|say)\b"
    r"|\bexample of (?:a|the)\b|\bred flag\b|\bwhen (?:a |the )?(?:buyer|client|customer|someone) says\b"
    r"|\bif (?:a |the )?(?:buyer|client|customer|someone|they) (?:says|asks)\b|\breframe\b|\bpushback\b"
)
# Weak cues only speak for their own sentence ("... is wrong" / "let me know if that's wrong").
_WEAK_META = re.compile(
    r"\bfalse(?:ly)?\b|\buntrue\b|\bincorrect(?:ly)?\b|\bwrong\b|\bnot true\b|\bnot the case\b|\bnot how\b"
    r"|\bnot accurate\b|\binaccurate\b"
    r"|\b(?:assume|assuming|think|thinks|thinking|believe|believes) that\b.*\b(?:but|actually|in fact)\b"
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
