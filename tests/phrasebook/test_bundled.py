"""The bundled phrasebook: loads, has the stable ids, all four regime cards, the five cost bands, 24+ tips."""

from __future__ import annotations

from datetime import date

import pytest

from phrasebook.lint import lint
from phrasebook.loader import load_phrasebook
from phrasebook.schema import STABLE_IDS, Phrasebook, Regime

FRESH = date(2026, 6, 1)


@pytest.fixture(scope="module")
def bundled() -> Phrasebook:
    return load_phrasebook(today=FRESH)


def test_stable_ids_and_cards(bundled: Phrasebook) -> None:
    assert sorted(bundled.entries) == sorted(STABLE_IDS)
    assert set(bundled.regimes) == set(Regime)
    assert set(bundled.cost_bands) == {"pre-training", "fine-tuning", "fine-tuning-rft", "inference", "rag"}
    assert bundled.origin == "bundled"


def test_regime_cards_carry_the_primer_analogies(bundled: Phrasebook) -> None:
    analogies = {r.value: " ".join(a.text for a in c.analogies) for r, c in bundled.regimes.items()}
    assert "IdP" in analogies["fine-tuning"]
    assert "ABAC" in analogies["rag"]
    assert all("trust store" in analogies[r] for r in ("pre-training", "fine-tuning", "inference"))
    for card in bundled.regimes.values():
        assert all(a.holds and a.breaks for a in card.analogies)


def test_cost_figures_match_the_primer(bundled: Phrasebook) -> None:
    ft = bundled.cost_bands["fine-tuning"].figures
    assert (ft["hosting_per_hour_low"], ft["hosting_per_hour_high"]) == (1.70, 3.00)
    assert (ft["project_low"], ft["project_high"]) == (500, 5000)
    assert bundled.cost_bands["fine-tuning-rft"].figures["rft_cap_per_run"] == 5000
    inf = bundled.cost_bands["inference"].figures
    assert (inf["input_per_million_low"], inf["input_per_million_high"]) == (0.10, 30)
    assert (inf["output_multiplier_low"], inf["output_multiplier_high"]) == (3, 12)
    assert bundled.cost_bands["pre-training"].figures["pretraining_low"] == 100_000_000
    for band in bundled.cost_bands.values():
        assert band.verified_on == date(2026, 5, 1) and band.review_every == "90d"
        assert any("primer" in s.title.lower() for s in band.sources)


def test_tips_cover_the_follow_ups(bundled: Phrasebook) -> None:
    assert len(bundled.tips) >= 24
    text = " ".join(t.text for t in bundled.tips)
    for needle in (
        "winding down",
        "$5,000 per run",
        "memorization",
        "March 2026",
        "10 examples",
        "3-10",
        "billed as output",
    ):
        assert needle in text, needle
    assert len({t.id for t in bundled.tips}) == len(bundled.tips)


def test_bundled_lint_has_no_errors_while_fresh(bundled: Phrasebook) -> None:
    findings = lint(bundled, today=FRESH, strict=True, bundled=True)
    assert [f for f in findings if f.level == "error"] == []
