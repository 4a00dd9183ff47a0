"""A tiny phrasebook built from the schema models, for matcher tests that must not depend on data files."""

from __future__ import annotations

from datetime import date

from phrasebook.schema import (
    CostBand,
    Entry,
    Examples,
    NistRef,
    Phrasebook,
    Regime,
    RegimeCard,
    Source,
)

VERIFIED = date(2026, 5, 1)
SOURCE = Source(title="regimes primer", verified_on=VERIFIED)


def _entry(entry_id: str, regime: Regime, band: str, requires: list[list[str]], triggers: list[str]) -> Entry:
    return Entry(
        id=entry_id,
        title=entry_id.replace("-", " "),
        regime=regime,
        dont_say=triggers[0],
        do_say="Say the reframe from the primer here.",
        why="Why it matters, from the primer.",
        cost_band=band,
        nist=NistRef(),
        sources=[SOURCE],
        triggers=triggers,
        requires=requires,
        examples=Examples(must_match=[f"m{i}" for i in range(8)], must_not_match=[f"n{i}" for i in range(5)]),
        verified_on=VERIFIED,
    )


def _card(regime: Regime) -> RegimeCard:
    return RegimeCard(
        id=regime,
        name=regime.value.title(),
        what_it_is="x",
        cost_structure="x",
        typical_magnitude="x",
        time_to_production="x",
        data_handling="x",
        cost_band="inference",
        sources=[SOURCE],
        verified_on=VERIFIED,
    )


def mini_phrasebook() -> Phrasebook:
    entries = [
        _entry(
            "ai-learns-over-time",
            Regime.INFERENCE,
            "inference",
            [
                ["learn", "improv", "get better", "gets smarter", "adapt"],
                ["time", "use", "user", "chat", "conversation", "data", "feedback", "interact"],
            ],
            [
                "the ai will learn from your data over time",
                "it learns from every chat",
                "the model improves the more people use it",
                "it gets better over time as people use it",
                "the bot learns from what users type",
            ],
        ),
        _entry(
            "inference-is-free",
            Regime.INFERENCE,
            "inference",
            [
                ["inference", "running the model", "api call", "tokens", "using the model"],
                ["free", "nothing", "negligible", "pennies"],
            ],
            [
                "inference is basically free",
                "running the model costs basically nothing",
                "api calls are free",
            ],
        ),
        _entry(
            "nist-ignores-training",
            Regime.PRE_TRAINING,
            "pre-training",
            [["nist"], ["train", "lifecycle", "fine-tun"]],
            [
                "nist does not really cover ai training",
                "nist does not cover how models are trained",
                "training is not covered by nist",
            ],
        ),
    ]
    bands = {
        "inference": CostBand(
            id="inference",
            regime=Regime.INFERENCE,
            label="Inference",
            structure="per token",
            magnitude="$0.10-$30 per million input tokens",
            sources=[SOURCE],
            verified_on=VERIFIED,
        ),
        "pre-training": CostBand(
            id="pre-training",
            regime=Regime.PRE_TRAINING,
            label="Pre-training",
            structure="compute",
            magnitude="$100M+",
            sources=[SOURCE],
            verified_on=VERIFIED,
        ),
    }
    return Phrasebook(
        entries={e.id: e for e in entries},
        regimes={r: _card(r) for r in Regime},
        cost_bands=bands,
        tips=[],
    )
