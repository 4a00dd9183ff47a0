"""Recognise when a chat message *states* a misconception from the phrasebook.

Pipeline per message (pure, no I/O):

1. ``normalize.segments``: strip markup, drop code, split into clauses, flag quoted clauses.
2. ``canonical`` spelling, then typo repair against the phrasebook's own vocabulary.
3. Concept gate: an entry is a candidate for a clause only if every one of its ``requires``
   groups is present (compiled to one regex per group, so cost grows with the clause, not the
   phrasebook's trigger count).
4. Score: rapidfuzz similarity of the clause to the entry's triggers (best trigger wins).
5. Guards: negation parity against the trigger, meta-talk about the wording, quotation.
6. Per-entry threshold; one best answer per message, others ranked behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from intents import guards
from intents.normalize import Segment, canonical, segments, tokens
from intents.types import Candidate, Match
from phrasebook.schema import Entry, Phrasebook

DEFAULT_THRESHOLD = 0.62
#: How far a typo may be from a phrasebook word to be repaired (rapidfuzz ratio, 0..100).
TYPO_CUTOFF = 0.79  # OSA normalised similarity: one edit (or one swap) in five letters
#: Very common words that must never be "repaired" into phrasebook vocabulary.
_NEVER_REPAIR = frozenset(
    (
        "about",
        "above",
        "after",
        "again",
        "their",
        "there",
        "these",
        "those",
        "which",
        "while",
        "would",
        "could",
        "should",
        "other",
        "where",
        "being",
        "doing",
        "going",
        "today",
        "having",
        "still",
        "every",
        "great",
        "thing",
        "think",
        "right",
        "never",
        "really",
        "money",
        "model",
        "month",
        "later",
        "learned",
        "lesson",
        "plans",
        "plane",
        "trains",
        "brain",
        "grain",
        "drain",
        "rains",
        "lean",
        "leans",
        "clean",
    )
)


@dataclass(frozen=True)
class _CompiledEntry:
    entry: Entry
    gates: tuple[re.Pattern[str], ...]
    triggers: tuple[str, ...]
    trigger_lengths: tuple[int, ...]
    trigger_negated: tuple[bool, ...]
    threshold: float


def _term_pattern(term: str) -> str:
    words = canonical(term).split()
    if not words:
        raise ValueError(f"empty requires term '{term}'")
    if len(words) == 1:
        return r"\b" + re.escape(words[0])
    return r"\b" + r"\w*\s+(?:\w+\s+)?".join(re.escape(w) for w in words)


def _compile_entry(entry: Entry) -> _CompiledEntry:
    gates = tuple(re.compile("|".join(_term_pattern(term) for term in group)) for group in entry.requires)
    triggers = tuple(canonical(t) for t in entry.triggers)
    return _CompiledEntry(
        entry=entry,
        gates=gates,
        triggers=triggers,
        trigger_lengths=tuple(len(t.split()) for t in triggers),
        trigger_negated=tuple(guards.is_negated(t) for t in triggers),
        threshold=entry.threshold if entry.threshold is not None else DEFAULT_THRESHOLD,
    )


def _similarity(clause: str, clause_len: int, trigger: str, trigger_len: int) -> float:
    """0..100: how closely a clause says what a trigger says."""
    sort = fuzz.token_sort_ratio(clause, trigger)
    tset = fuzz.token_set_ratio(clause, trigger)
    # token_set is generous when one side is a subset; temper it by the length difference.
    spread = abs(clause_len - trigger_len) / max(clause_len, trigger_len, 1)
    return float(max(sort, tset * (1.0 - 0.35 * spread)))


class Matcher:
    """Built once per phrasebook; ``match`` is safe to call from many threads."""

    def __init__(self, phrasebook: Phrasebook) -> None:
        self._phrasebook = phrasebook
        self._entries = tuple(_compile_entry(e) for e in phrasebook.entries.values())
        vocabulary: set[str] = set()
        for compiled in self._entries:
            for trigger in compiled.triggers:
                vocabulary.update(tokens(trigger))
            for group in compiled.entry.requires:
                for term in group:
                    vocabulary.update(canonical(term).split())
        self._vocabulary = frozenset(vocabulary)
        self._long_words = tuple(sorted(w for w in vocabulary if len(w) >= 4))
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
        meta = guards.is_meta_talk(canonical(text[:20_000]))
        found: list[Candidate] = []
        for segment in segments(text):
            found.extend(self._score_segment(segment, meta))
        found.sort(key=lambda c: (c.suppressed_by is not None, -c.score, c.entry))
        return found

    # --- internals ------------------------------------------------------------------------------

    def _repair_uncached(self, token: str) -> str:
        if len(token) < 4 or token in self._vocabulary or token in _NEVER_REPAIR or not token.isalpha():
            return token
        hit = process.extractOne(
            token, self._long_words, scorer=OSA.normalized_similarity, score_cutoff=TYPO_CUTOFF
        )
        if hit is None or hit[0][0] != token[0] or abs(len(hit[0]) - len(token)) > 2:
            return token
        return str(hit[0])

    def _canonical_clause(self, clause: str) -> str:
        words = canonical(clause).split()
        return " ".join(self._repair(w) if w.isalpha() else w for w in words)

    @staticmethod
    def _claim_negated(parts: list[str], compiled: _CompiledEntry) -> bool:
        """Negation counts in the comma-separated part(s) that carry most of the entry's concepts,
        so "no worries, it learns from every chat" is not read as a denial."""
        coverage = [sum(1 for gate in compiled.gates if gate.search(part)) for part in parts]
        best = max(coverage)
        return any(
            guards.is_negated(part) for part, hits in zip(parts, coverage, strict=True) if hits == best
        )

    def _score_segment(self, segment: Segment, meta: bool) -> list[Candidate]:
        parts = [p for p in (self._canonical_clause(part) for part in segment.text.split(",")) if p]
        clause = " ".join(parts)
        if len(clause) < 3:
            return []
        if clause.endswith("?") and parts and not parts[-1].endswith("?"):
            parts[-1] += "?"
        scored: list[Candidate] = []
        for compiled in self._entries:
            if not all(gate.search(clause) for gate in compiled.gates):
                continue
            text = clause.rstrip("?")
            length = len(text.split())
            raw_score, index = max(
                (_similarity(text, length, trigger, compiled.trigger_lengths[i]), i)
                for i, trigger in enumerate(compiled.triggers)
            )
            score = raw_score / 100.0
            suppressed: str | None = None
            if self._claim_negated(parts, compiled) != compiled.trigger_negated[index]:
                suppressed = "negation"
            elif meta:
                suppressed = "meta-talk"
            elif segment.quoted and compiled.entry.kind != "scenario":
                suppressed = "quotation"
            elif score < compiled.threshold:
                suppressed = "threshold"
            scored.append(
                Candidate(
                    entry=compiled.entry.id,
                    score=score,
                    clause=segment.text,
                    trigger=compiled.entry.triggers[index],
                    suppressed_by=suppressed,
                )
            )
        return scored
