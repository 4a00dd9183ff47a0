"""The phrasebook's shape: pydantic models with ``extra="forbid"``.

Every model here is pure data. The loader (``phrasebook.loader``) turns YAML files into these
models and reports problems as ``file: entry: field: problem``; cross-references between files
(cost bands, regimes) are checked there, because a single model cannot see the others.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NIST_DOC: Final = "NIST AI 600-1"

#: The 12 risk sections of NIST AI 600-1 (Generative AI Profile, July 2024). Nothing else is valid.
NIST_SECTIONS: tuple[str, ...] = (
    "2.1 CBRN Information or Capabilities",
    "2.2 Confabulation",
    "2.3 Dangerous, Violent, or Hateful Content",
    "2.4 Data Privacy",
    "2.5 Environmental Impacts",
    "2.6 Harmful Bias and Homogenization",
    "2.7 Human-AI Configuration",
    "2.8 Information Integrity",
    "2.9 Information Security",
    "2.10 Intellectual Property",
    "2.11 Obscene, Degrading, and/or Abusive Content",
    "2.12 Value Chain and Component Integration",
)

#: The stable entry ids of DESIGN.md. The bundled phrasebook must contain exactly these.
STABLE_IDS: tuple[str, ...] = (
    "need-to-train-model",
    "finetune-teaches-facts",
    "train-on-documents",
    "pretraining-customizes",
    "ai-learns-over-time",
    "finetuning-is-expensive",
    "inference-is-free",
    "nist-ignores-training",
    "finetune-on-sensitive-data",
    "customize-vaguely",
    "buyer-train-on-our-data",
    "buyer-build-own-model",
)

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INTERVAL_PATTERN = re.compile(r"^(\d+)([dwm])$")


class Regime(StrEnum):
    """The lifecycle regimes. RAG is a pattern at inference time, but it has its own card."""

    PRE_TRAINING = "pre-training"
    FINE_TUNING = "fine-tuning"
    INFERENCE = "inference"
    RAG = "rag"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def parse_interval(text: str) -> timedelta:
    """``90d`` / ``12w`` / ``3m`` (a month counts as 30 days) → timedelta."""
    found = _INTERVAL_PATTERN.match(text.strip())
    if not found:
        raise ValueError(f"'{text}' is not an interval (expected e.g. 90d, 12w or 3m)")
    amount, unit = int(found.group(1)), found.group(2)
    if amount <= 0:
        raise ValueError(f"'{text}' must be a positive interval")
    days = {"d": 1, "w": 7, "m": 30}[unit] * amount
    return timedelta(days=days)


class NistRef(Strict):
    doc: Literal["NIST AI 600-1"] = NIST_DOC
    section: str | None = None
    note: str | None = None

    @field_validator("section")
    @classmethod
    def _known_section(cls, value: str | None) -> str | None:
        if value is not None and value not in NIST_SECTIONS:
            known = "; ".join(NIST_SECTIONS)
            raise ValueError(f"unknown NIST AI 600-1 section '{value}' (known: {known})")
        return value

    def label(self) -> str:
        return f"{self.doc}, {self.section}" if self.section else self.doc


class Source(Strict):
    title: str = Field(min_length=3)
    url: str | None = None
    note: str | None = None
    verified_on: date


class Reviewed(Strict):
    """Anything whose facts must be re-verified on a schedule."""

    verified_on: date
    review_every: str = "90d"

    @field_validator("review_every")
    @classmethod
    def _interval(cls, value: str) -> str:
        parse_interval(value)
        return value

    def review_due(self) -> date:
        return self.verified_on + parse_interval(self.review_every)

    def is_stale(self, today: date) -> bool:
        return today > self.review_due()


class Examples(Strict):
    must_match: list[str] = Field(min_length=8)
    must_not_match: list[str] = Field(min_length=5)


class TriageBranch(Strict):
    """One answer to the triage question of a buyer scenario, and the regime it maps to."""

    when: str = Field(min_length=3)
    regime: Regime
    answer: str = Field(min_length=3)
    cost_band: str | None = None
    timeline: str | None = None


class Triage(Strict):
    question: str = Field(min_length=3)
    branches: list[TriageBranch] = Field(min_length=1)


class Entry(Reviewed):
    id: str
    kind: Literal["misconception", "scenario"] = "misconception"
    title: str = Field(min_length=3)
    regime: Regime
    dont_say: str = Field(min_length=3)
    do_say: str = Field(min_length=10)
    why: str = Field(min_length=10)
    cost_band: str
    timeline: str | None = None
    nist: NistRef
    sources: list[Source] = Field(min_length=1)
    triggers: list[str] = Field(min_length=3)
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    #: Concept groups that a clause must contain before the entry can fire: every group must be
    #: present, by any one of its terms. A term is a word stem ("learn" covers learns/learned/learning)
    #: or a phrase ("from scratch"). This is the precision anchor; triggers carry the wording.
    requires: list[list[str]] = Field(min_length=1)
    #: Terms that mean the clause is about something else ("train the new reps", "feel free"): any one
    #: of them present and the entry cannot fire. Same term syntax as ``requires``.
    excludes: list[str] = Field(default_factory=list)
    triage: Triage | None = None
    #: Entries this one wins against when both match a message at nearly the same score: the more specific
    #: reading ("fine-tuning is just training it on your own data" is about fine-tuning, not a buyer's
    #: request to train). Ids of other entries; no two entries may outrank each other.
    outranks: list[str] = Field(default_factory=list)
    examples: Examples

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ID_PATTERN.match(value):
            raise ValueError(f"'{value}' is not a lowercase-hyphenated id (expected e.g. inference-is-free)")
        return value

    @field_validator("requires")
    @classmethod
    def _non_empty_groups(cls, value: list[list[str]]) -> list[list[str]]:
        for group in value:
            if not group or any(not term.strip() for term in group):
                raise ValueError("every requires group needs at least one non-empty term")
        return value

    @field_validator("triggers")
    @classmethod
    def _non_empty_triggers(cls, value: list[str]) -> list[str]:
        for trigger in value:
            if len(trigger.split()) < 2:
                raise ValueError(f"trigger '{trigger}' is too short (expected at least two words)")
        return value


class Analogy(Strict):
    text: str
    holds: str
    breaks: str


class RegimeCard(Reviewed):
    id: Regime
    name: str
    what_it_is: str
    cost_structure: str
    typical_magnitude: str
    time_to_production: str
    data_handling: str
    analogies: list[Analogy] = Field(default_factory=list)
    cost_band: str
    sources: list[Source] = Field(min_length=1)


class CostBand(Reviewed):
    """A row of the primer's cost table, with machine-readable figures for the calculator."""

    id: str
    regime: Regime
    label: str
    structure: str
    magnitude: str
    figures: dict[str, float] = Field(default_factory=dict)
    hidden_cost: str | None = None
    sources: list[Source] = Field(min_length=1)

    def display(self) -> str:
        """One line for a reply: the magnitude, then how it is made up (a sentence of its own, so a
        structure that has parentheses of its own never nests), then the verified date."""
        magnitude = self.magnitude.rstrip(". ")
        structure = self.structure.rstrip(". ")
        return (
            f"{magnitude}. Cost structure: {structure}. Figures verified {self.verified_on.isoformat()}; "
            "verify against current rate cards."
        )


class Tip(Strict):
    id: str
    text: str = Field(min_length=20)
    entry: str | None = None
    cost_band: str | None = None
    source: str | None = None


class Phrasebook(Strict):
    """The whole loaded phrasebook. Built only by ``phrasebook.loader.load_phrasebook``."""

    entries: dict[str, Entry]
    regimes: dict[Regime, RegimeCard]
    cost_bands: dict[str, CostBand]
    tips: list[Tip]
    origin: str = "bundled"

    def entry(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def band_for(self, entry: Entry) -> CostBand:
        return self.cost_bands[entry.cost_band]

    def card_for(self, regime: Regime) -> RegimeCard:
        return self.regimes[regime]

    def stale_entries(self, today: date) -> list[str]:
        """Entries whose own review date, or whose cost band's, has passed."""
        stale: list[str] = []
        for entry in self.entries.values():
            band = self.cost_bands.get(entry.cost_band)
            if entry.is_stale(today) or (band is not None and band.is_stale(today)):
                stale.append(entry.id)
        return stale
