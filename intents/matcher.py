"""Recognise when a chat message *states* a misconception from the phrasebook.

Pipeline per message (pure, no I/O):

1. ``normalize.segments``: strip markup, drop code, split into clauses, flag quoted clauses.
2. ``canonical`` spelling, then typo repair against the phrasebook's own vocabulary.
3. Concept gate: an entry is a candidate for a clause only if every one of its ``requires``
   groups is present. An inverted index on each entry's first group finds the candidates, so
   the cost of a clause grows with its words, not with the size of the phrasebook.
4. Score: rapidfuzz similarity of the clause to the entry's triggers (prefiltered in C).
5. Guards: negation parity against the trigger, meta-talk about the wording, quotation.
6. Per-entry threshold; one best answer per message, others ranked behind it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from intents import guards
from intents.normalize import Segment, canonical, segments, tokens
from intents.types import Candidate, Match
from intents.words import is_english_word
from phrasebook.schema import Entry, Phrasebook

DEFAULT_THRESHOLD = 0.58
#: A negated clause agreeing with a negated trigger ("isn't expensive" ~ "can't afford it") is a weaker
#: signal than plain agreement; it must clear the threshold by this much more.
NEGATED_MARGIN = 0.06
#: Typo repair: OSA normalised similarity, i.e. one edit or one swap in five letters.
TYPO_CUTOFF = 0.79
#: Longest message the matcher reads; the rest of a 100 kB paste is not chat.
MAX_CHARS = 20_000
#: Very common words that must never be "repaired" into phrasebook vocabulary.
_NEVER_REPAIR = frozenset(
    """about above after again their there these those which while would could should other where
    being doing going today having still every great thing think right never really money model
    month later learned lesson plans plane trains brain grain drain rains lean leans clean read
    real team tell then than tune tone fire fill fund find mine line lane lead near wear year hear
    bear dear pear tear earn yearn feel free""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class _CompiledEntry:
    entry: Entry
    wordings: tuple[str, ...]
    gates: tuple[re.Pattern[str], ...]
    excludes: re.Pattern[str] | None
    triggers: tuple[str, ...]
    trigger_lengths: tuple[int, ...]
    trigger_negated: tuple[bool, ...]
    threshold: float


def _term_pattern(term: str) -> str:
    words = canonical(term).split()
    if not words:
        raise ValueError(f"empty requires term '{term}'")
    if len(words) == 1 and len(words[0]) <= 3:
        return r"\b" + re.escape(words[0]) + r"s?\b"  # short terms are whole words: "we" is not "weights"
    if len(words) == 1:
        return r"\b" + re.escape(words[0])
    return r"\b" + r"\w*\s+(?:\w+\s+)?".join(re.escape(w) for w in words)


def _compile_entry(entry: Entry) -> _CompiledEntry:
    gates = tuple(re.compile("|".join(_term_pattern(term) for term in group)) for group in entry.requires)
    # The primer's don't-say wording is always a trigger: it is the canonical statement of the claim.
    wordings = [
        *entry.triggers,
        *([entry.dont_say] if canonical(entry.dont_say) not in map(canonical, entry.triggers) else []),
    ]
    triggers = tuple(_stemmed(canonical(t)) for t in wordings)
    return _CompiledEntry(
        wordings=tuple(wordings),
        entry=entry,
        gates=gates,
        excludes=re.compile("|".join(_term_pattern(t) for t in entry.excludes)) if entry.excludes else None,
        triggers=triggers,
        trigger_lengths=tuple(len(t.split()) for t in triggers),
        trigger_negated=tuple(guards.is_negated(canonical(t)) for t in wordings),
        threshold=entry.threshold if entry.threshold is not None else DEFAULT_THRESHOLD,
    )


def _prefixes(clause: str) -> set[str]:
    """Every prefix of every word: a requires stem is present when it is in this set."""
    found: set[str] = set()
    for word in clause.split():
        word = word.strip("?")
        pieces = [word, *word.split("-")[1:]] if "-" in word else [word]
        for piece in pieces:
            found.update(piece[:end] for end in range(1, len(piece) + 1))
    return found


def _anchor_words(requires: list[list[str]]) -> set[str]:
    """First words of the group least likely to appear by chance (fewest short stems, then fewest terms)."""

    def weakness(group: list[str]) -> tuple[int, int]:
        firsts = [canonical(term).split()[0] for term in group]
        return sum(1 for word in firsts if len(word) <= 3), len(firsts)

    group = min(requires, key=weakness)
    return {canonical(term).split()[0] for term in group}


_SUFFIX = re.compile(r"(?<=\w{3})(?:ing|ed|es|s)\b")


def _stemmed(text: str) -> str:
    """Crude suffix stripping for scoring only: "learns", "learned", "learning" all score as "learn"."""
    return _SUFFIX.sub("", text)


def _similarity(clause: str, clause_len: int, trigger: str, trigger_len: int) -> float:
    """0..100: how closely a clause says what a trigger says."""
    sort = fuzz.token_sort_ratio(clause, trigger)
    tset = fuzz.token_set_ratio(clause, trigger)
    # token_set is generous when one side is a subset; temper it by the length difference.
    spread = abs(clause_len - trigger_len) / max(clause_len, trigger_len, 1)
    return float(max(sort, tset * (1.0 - 0.35 * spread)))


class Matcher:
    """Built once per phrasebook; ``match`` is pure and safe to call from many threads."""

    def __init__(self, phrasebook: Phrasebook) -> None:
        self._phrasebook = phrasebook
        self._entries = tuple(_compile_entry(e) for e in phrasebook.entries.values())
        # Inverted index: first word of every term of an entry's most distinctive requires group → entries.
        self._anchors: dict[str, list[_CompiledEntry]] = defaultdict(list)
        for compiled in self._entries:
            for first_word in _anchor_words(compiled.entry.requires):
                self._anchors[first_word].append(compiled)
        vocabulary: set[str] = set()
        for compiled in self._entries:
            for wording in compiled.wordings:
                vocabulary.update(tokens(canonical(wording)))
            for group in compiled.entry.requires:
                for term in group:
                    vocabulary.update(canonical(term).split())
        self._vocabulary = frozenset(vocabulary)
        self._repair_words = tuple(sorted(w for w in vocabulary if len(w) >= 4 and w.isalpha()))
        self._repair = lru_cache(maxsize=65_536)(self._repair_uncached)

    @property
    def phrasebook(self) -> Phrasebook:
        return self._phrasebook

    # --- public ---------------------------------------------------------------------------------

    def match(self, text: str) -> list[Match]:
        """Entries the bot would act on, best first (empty list = stay silent)."""
        best: dict[str, Candidate] = {}
        for candidate in self.candidates(text):
            if candidate.suppressed_by is None:
                current = best.get(candidate.entry)
                if current is None or candidate.score > current.score:
                    best[candidate.entry] = candidate
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.entry))
        return [
            Match(
                entry=c.entry,
                score=round(c.score, 3),
                why=f"'{c.clause}' states '{c.trigger}' ({c.score:.2f})",
                clause=c.clause,
                trigger=c.trigger,
            )
            for c in ranked
        ]

    def candidates(self, text: str) -> list[Candidate]:
        """Every entry whose concepts a clause contains, scored, with the guard that suppressed it."""
        if not text or not text.strip():
            return []
        text = text[:MAX_CHARS]
        strong_meta = guards.is_strong_meta_talk(canonical(text))
        found: list[Candidate] = []
        for segment in segments(text, max_chars=MAX_CHARS):
            meta = strong_meta or guards.is_weak_meta_talk(canonical(segment.sentence))
            found.extend(self._score_segment(segment, meta))
        found.sort(key=lambda c: (c.suppressed_by is not None, -c.score, c.entry))
        return found

    # --- internals ------------------------------------------------------------------------------

    def _repair_uncached(self, token: str) -> str:
        if len(token) < 4 or token in self._vocabulary or token in _NEVER_REPAIR or not token.isalpha():
            return token
        hit = process.extractOne(
            token, self._repair_words, scorer=OSA.normalized_similarity, score_cutoff=TYPO_CUTOFF
        )
        if hit is None or hit[0][0] != token[0] or abs(len(hit[0]) - len(token)) > 2:
            return token
        if is_english_word(token):  # a real word is not a typo: "lunch" stays "lunch"
            return token
        return str(hit[0])

    def _canonical_clause(self, clause: str) -> str:
        words = canonical(clause).split()
        return " ".join(self._repair(w) if w.isalpha() else w for w in words)

    def _gated(self, clause: str) -> list[_CompiledEntry]:
        prefixes = _prefixes(clause)
        seen: set[str] = set()
        passed: list[_CompiledEntry] = []
        for prefix in prefixes & self._anchors.keys():
            for compiled in self._anchors[prefix]:
                if compiled.entry.id in seen:
                    continue
                seen.add(compiled.entry.id)
                if all(gate.search(clause) for gate in compiled.gates) and not (
                    compiled.excludes and compiled.excludes.search(clause)
                ):
                    passed.append(compiled)
        return passed

    @staticmethod
    def _claim_negated(parts: list[str], compiled: _CompiledEntry) -> bool:
        """Negation counts in the comma-separated part(s) that carry most of the entry's concepts,
        so "no worries, it learns from every chat" is not read as a denial."""
        coverage = [sum(1 for gate in compiled.gates if gate.search(part)) for part in parts]
        best = max(coverage)
        return any(
            guards.is_negated(part) for part, hits in zip(parts, coverage, strict=True) if hits == best
        )

    def _best_trigger(self, text: str, compiled: _CompiledEntry, negated: bool) -> tuple[float, int, bool]:
        """(score 0..100, trigger index, parity ok), preferring triggers that agree on negation."""
        cutoff = compiled.threshold * 100 - 1e-6
        shortlist = {
            i
            for _, _, i in process.extract(
                text, compiled.triggers, scorer=fuzz.token_set_ratio, score_cutoff=cutoff, limit=None
            )
        }
        shortlist |= {
            i
            for _, _, i in process.extract(
                text, compiled.triggers, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=None
            )
        }
        if not shortlist:
            _, score, index = process.extractOne(text, compiled.triggers, scorer=fuzz.token_set_ratio)
            return float(score), int(index), compiled.trigger_negated[index] == negated
        length = len(text.split())
        scored = [
            (_similarity(text, length, compiled.triggers[i], compiled.trigger_lengths[i]), i)
            for i in shortlist
        ]
        agreeing = [pair for pair in scored if compiled.trigger_negated[pair[1]] == negated]
        if agreeing:
            score, index = max(agreeing)
            return score, index, True
        score, index = max(scored)
        return score, index, False

    def _score_segment(self, segment: Segment, meta: bool) -> list[Candidate]:
        parts = [p for p in (self._canonical_clause(part) for part in segment.text.split(",")) if p]
        clause = " ".join(parts)
        if len(clause) < 3:
            return []
        if clause.endswith("?") and not parts[-1].endswith("?"):
            parts[-1] += "?"
        text = _stemmed(clause.rstrip("?"))
        scored: list[Candidate] = []
        for compiled in self._gated(clause):
            negated = self._claim_negated(parts, compiled)
            raw_score, index, parity_ok = self._best_trigger(text, compiled, negated)
            score = raw_score / 100.0
            suppressed: str | None = None
            if not parity_ok:
                suppressed = "negation"
            elif meta:
                suppressed = "meta-talk"
            elif segment.quoted and compiled.entry.kind != "scenario":
                suppressed = "quotation"
            elif score < compiled.threshold + (NEGATED_MARGIN if negated else 0.0):
                suppressed = "threshold"
            scored.append(
                Candidate(
                    entry=compiled.entry.id,
                    score=score,
                    clause=segment.text,
                    trigger=compiled.wordings[index],
                    suppressed_by=suppressed,
                )
            )
        return scored
