"""Lookup search for ``/dosay QUERY`` and ``dosay lookup QUERY``. Pure.

Ranks entries, regime cards and cost bands. Two signals:

- concepts: the query's words are mapped (with typo tolerance) onto a small synonym table
  (fine-tuning, inference, rag, cost, nist, learning, ...). A document covers the concepts found in its
  id, title, "don't say" line, regime or band label; the share of the query's concepts it covers, minus a
  little for extra ones, is the main score, so "rag" prefers the RAG card over the RAG cost row;
- text: rapidfuzz similarity between the query and the document's id, title, "don't say", regime name or
  band label, to rank within a concept and to find things no concept names.

A query about cost prefers cost rows; a bare regime name prefers its card. ``did_you_mean`` offers the
query with typos corrected ("finetunning" → "fine-tuning") and, when nothing is found, the closest titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from phrasebook.schema import Phrasebook, Regime

HitKind = Literal["entry", "regime", "cost"]

#: a hit needs at least this score (0..1)
MIN_SCORE = 0.45
#: a typo is corrected to a vocabulary word at this rapidfuzz ratio (0..100), for words of 5+ letters
TYPO_RATIO = 88.0

#: concept → terms (normalised: lowercase, hyphens as spaces). Regime concepts use the Regime values.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "pre-training": (
        "pre training", "pretraining", "pretrain", "pre train", "foundation", "from scratch", "ground up",
    ),
    "fine-tuning": (
        "fine tuning", "finetuning", "fine tune", "finetune", "fine tuned", "finetuned", "tuning", "ft",
    ),
    "inference": ("inference", "inferencing", "per token", "tokens", "api call", "api calls", "frozen"),
    "rag": (
        "rag", "retrieval", "retrieve", "retrieval augmented", "document store", "index", "documents",
        "document",
    ),
    "rft": ("rft", "reinforcement"),
    "cost": (
        "cost", "costs", "price", "prices", "pricing", "expensive", "cheap", "free", "budget", "dollars",
        "money", "spend", "rate", "rates", "hosting", "bill", "billing", "invoice", "calculator",
    ),
    "nist": ("nist", "600 1", "ai 600 1", "compliance"),
    "learning": (
        "learn", "learns", "learning", "learned", "over time", "improve", "improves", "smarter", "remember",
    ),
    "training": ("train", "training", "trained"),
    "customize": ("customize", "customise", "customization", "customisation", "custom", "tailor"),
    "sensitive": ("sensitive", "customer data", "privacy", "pii", "memorization", "memorisation", "memorize"),
    "build": ("build", "own model", "our own"),
    "facts": ("facts", "fact", "knowledge", "teach", "teaches"),
}  # fmt: skip
#: how to show a corrected term in "did you mean"
DISPLAY = {
    "finetuning": "fine-tuning",
    "finetune": "fine-tune",
    "pretraining": "pre-training",
    "pretrain": "pre-train",
}
REGIME_CONCEPTS = frozenset(r.value for r in Regime)

_WORD = re.compile(r"[a-z0-9]+")
_TERM_TO_CONCEPT: dict[str, str] = {term: concept for concept, terms in CONCEPTS.items() for term in terms}
_SINGLE_TERMS = sorted(t for t in _TERM_TO_CONCEPT if " " not in t and len(t) >= 5)


class Hit(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: HitKind
    id: str
    title: str
    score: float


class LookupResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    query: str
    hits: list[Hit]
    did_you_mean: list[str]

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


@dataclass(frozen=True)
class _Doc:
    kind: HitKind
    id: str
    title: str
    fields: tuple[str, ...]
    concepts: frozenset[str]


def normalize(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _exact_concepts(text: str) -> set[str]:
    """Concepts named in normalised text; the longest term wins ("pre training" is not also "training")."""
    words = text.split()
    found: set[str] = set()
    start = 0
    while start < len(words):
        for size in (3, 2, 1):
            gram = " ".join(words[start : start + size])
            concept = _TERM_TO_CONCEPT.get(gram) or _TERM_TO_CONCEPT.get(gram.replace(" ", ""))
            if concept and len(gram.split()) == size:
                found.add(concept)
                start += size
                break
        else:
            start += 1
    return found


def _query_concepts(query: str) -> tuple[set[str], list[str]]:
    """Concepts in the query, and the query's words with typos corrected (for "did you mean")."""
    found = _exact_concepts(query)
    corrected: list[str] = []
    changed = False
    for word in query.split():
        if word in _TERM_TO_CONCEPT or len(word) < 5 or not _SINGLE_TERMS:
            corrected.append(word)
            continue
        best = process.extractOne(word, _SINGLE_TERMS, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO)
        if best is None:
            corrected.append(word)
            continue
        found.add(_TERM_TO_CONCEPT[best[0]])
        corrected.append(DISPLAY.get(best[0], best[0]))
        changed = True
    return found, (corrected if changed else [])


def _documents(phrasebook: Phrasebook) -> list[_Doc]:
    docs: list[_Doc] = []
    for entry in phrasebook.entries.values():
        fields = tuple(normalize(t) for t in (entry.id.replace("-", " "), entry.title, entry.dont_say))
        concepts = frozenset(_exact_concepts(" ".join(fields)) | {entry.regime.value})
        docs.append(_Doc("entry", entry.id, entry.title, fields, concepts))
    for regime, card in phrasebook.regimes.items():
        fields = (normalize(regime.value), normalize(card.name))
        docs.append(_Doc("regime", regime.value, card.name, fields, frozenset({regime.value})))
    for band in phrasebook.cost_bands.values():
        fields = (normalize(band.id), normalize(band.label), normalize(f"{band.label} cost {band.structure}"))
        tags = {band.regime.value, "cost"} | ({"rft"} if "rft" in _exact_concepts(fields[0]) else set())
        docs.append(_Doc("cost", band.id, band.label, fields, frozenset(tags)))
    return docs


def _score(doc: _Doc, query: str, concepts: set[str]) -> float:
    # token_set_ratio alone gives 100 whenever a short field is a subset of the query; average it with
    # token_sort_ratio so that the closest whole wording wins
    text = (
        max((fuzz.token_set_ratio(query, f) + fuzz.token_sort_ratio(query, f)) / 2 for f in doc.fields) / 100
    )
    if not concepts:
        return text * 0.9
    covered = len(concepts & doc.concepts) / len(concepts)
    if covered == 0:
        return text * 0.5
    extras = len(doc.concepts - concepts - REGIME_CONCEPTS) if doc.kind != "regime" else 0
    score = 0.65 * covered + 0.35 * text - 0.06 * extras
    if text >= 0.95:  # the query is (nearly) this document's own wording
        score += 0.05
    if "cost" in concepts:
        score += 0.04 if doc.kind == "cost" else 0.0
    elif concepts <= REGIME_CONCEPTS:
        score += 0.06 if doc.kind == "regime" else 0.0
    else:
        score += 0.03 if doc.kind == "entry" else 0.0
    return max(0.0, score)


def search(phrasebook: Phrasebook, query: str, limit: int = 5) -> LookupResult:
    """Ranked entries, regime cards and cost rows for ``query``; ``did_you_mean`` for near misses."""
    shown = query.strip()[:200]
    text = normalize(shown)
    if not text or limit <= 0:
        return LookupResult(query=shown, hits=[], did_you_mean=[])
    concepts, corrected = _query_concepts(text)
    docs = _documents(phrasebook)
    scored = sorted(
        ((round(_score(doc, text, concepts), 4), doc) for doc in docs),
        key=lambda pair: (-pair[0], pair[1].kind, pair[1].id),
    )
    hits = [
        Hit(kind=doc.kind, id=doc.id, title=doc.title, score=min(1.0, score))
        for score, doc in scored
        if score >= MIN_SCORE
    ][:limit]
    suggestions: list[str] = []
    if corrected:
        suggestions.append(" ".join(corrected))
    if not hits:
        titles = {doc.title: doc for doc in docs}
        near = process.extract(text, list(titles), scorer=fuzz.WRatio, limit=3, score_cutoff=70)
        suggestions += [title for title, _score, _index in near if title not in suggestions]
    return LookupResult(query=shown, hits=hits, did_you_mean=suggestions)


__all__ = ["CONCEPTS", "Hit", "HitKind", "LookupResult", "normalize", "search"]
