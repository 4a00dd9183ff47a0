"""A small phrasebook for the playground tests, built from the schema models: the real ``Matcher`` runs on
it, so the tests do not depend on the bundled data files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from phrasebook.schema import (
    CostBand,
    Entry,
    Examples,
    NistRef,
    Phrasebook,
    Regime,
    RegimeCard,
    Source,
    Tip,
)

VERIFIED = date(2026, 5, 1)
SOURCE = Source(title="regimes primer", url="https://example.org/primer", verified_on=VERIFIED)
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _entry(
    entry_id: str,
    regime: Regime,
    band: str,
    triggers: list[str],
    requires: list[list[str]],
    verified: date = VERIFIED,
) -> Entry:
    return Entry(
        id=entry_id,
        title=entry_id.replace("-", " ").capitalize(),
        regime=regime,
        dont_say=triggers[0],
        do_say=f"The reframe for {entry_id}: the model's weights stay fixed <b>at inference</b>.",
        why=f"Why {entry_id} matters, from the primer.",
        cost_band=band,
        nist=NistRef(section="2.4 Data Privacy"),
        sources=[SOURCE],
        triggers=triggers,
        requires=requires,
        examples=Examples(
            must_match=[f"{triggers[0]} ({i})" for i in range(8)],
            must_not_match=[f"not this one ({i})" for i in range(5)],
        ),
        verified_on=verified,
    )


def _card(regime: Regime, name: str) -> RegimeCard:
    return RegimeCard(
        id=regime,
        name=name,
        what_it_is=f"What {name} is.",
        cost_structure="per token",
        typical_magnitude="small",
        time_to_production="days",
        data_handling="stays in the prompt",
        cost_band="inference",
        sources=[SOURCE],
        verified_on=VERIFIED,
    )


def _band(
    band_id: str, regime: Regime, magnitude: str, figures: dict[str, float], verified: date = VERIFIED
) -> CostBand:
    return CostBand(
        id=band_id,
        regime=regime,
        label=band_id.capitalize(),
        structure="per token",
        magnitude=magnitude,
        figures=figures,
        sources=[SOURCE],
        verified_on=verified,
    )


def playground_phrasebook() -> Phrasebook:
    entries = [
        _entry(
            "ai-learns-over-time",
            Regime.INFERENCE,
            "inference",
            [
                "The AI will learn from your data over time.",
                "the model learns from your data as you use it",
                "it keeps learning from every conversation",
            ],
            [["learn"]],
        ),
        _entry(
            "inference-is-free",
            Regime.INFERENCE,
            "inference",
            ["Inference is basically free.", "running the model costs nothing", "inference is free"],
            [["inference", "running the model"], ["free", "costs nothing"]],
        ),
        _entry(
            "finetuning-is-expensive",
            Regime.FINE_TUNING,
            "fine-tuning",
            ["Fine-tuning is expensive.", "fine-tuning costs a fortune", "fine tuning is too costly"],
            [["fine-tun", "fine tun", "finetun"], ["expensive", "costly", "fortune"]],
        ),
    ]
    names = {
        Regime.PRE_TRAINING: "Pre-training",
        Regime.FINE_TUNING: "Fine-tuning",
        Regime.INFERENCE: "Inference",
        Regime.RAG: "Inference + RAG",
    }
    bands = {
        "inference": _band(
            "inference",
            Regime.INFERENCE,
            "$0.10-$30 per million input tokens",
            {
                "input_per_million_low": 0.1,
                "input_per_million_high": 30.0,
                "output_multiplier_low": 3.0,
                "output_multiplier_high": 12.0,
            },
        ),
        "fine-tuning": _band(
            "fine-tuning",
            Regime.FINE_TUNING,
            "$1k-$100k",
            {"hosting_per_hour_low": 1.7, "hosting_per_hour_high": 3.0},
            verified=date(2020, 1, 1),
        ),
    }
    tips = [Tip(id="tip-rag", text="RAG keeps your documents outside the model's weights.")]
    return Phrasebook(
        entries={e.id: e for e in entries},
        regimes={r: _card(r, n) for r, n in names.items()},
        cost_bands=bands,
        tips=tips,
    )


class Clock:
    """A controllable clock: tests move time on instead of sleeping."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
