"""Lint: staleness, NIST coverage, stable ids, near-duplicate triggers, stale tips, the example slot."""

from __future__ import annotations

from datetime import date

from phrasebook.lint import Finding, lint
from phrasebook.loader import load_phrasebook
from phrasebook.schema import STABLE_IDS, Phrasebook

from .conftest import TODAY, VALID

FRESH = date(2026, 6, 1)
LATE = date(2026, 9, 1)  # 2026-05-01 + 90d = 2026-07-30 has passed


def book() -> Phrasebook:
    return load_phrasebook(VALID, today=TODAY)


def codes(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.level, f.code, f.subject) for f in findings]


def test_fresh_fixture_has_only_info() -> None:
    findings = lint(book(), today=FRESH)
    assert codes(findings) == [("info", "nist-section", "inference-is-free")]
    assert "no NIST AI 600-1 risk section" in findings[0].message


def test_stale_entries_bands_cards_and_tips() -> None:
    findings = lint(book(), today=LATE)
    found = codes(findings)
    assert ("warning", "stale", "inference-is-free") in found
    assert ("warning", "stale", "fine-tuning") in found
    assert ("warning", "stale", "rag") in found  # a regime card and a band
    assert ("warning", "stale-tip", "t-frozen") in found
    message = next(f.message for f in findings if f.subject == "inference-is-free" and f.code == "stale")
    assert "2026-07-30" in message and "verified_on" in message


def test_strict_turns_warnings_into_errors() -> None:
    findings = lint(book(), today=LATE, strict=True)
    levels = {f.level for f in findings}
    assert "warning" not in levels and "error" in levels
    assert findings[0].level == "error"  # errors come first
    assert findings[-1].level == "info"


def test_stable_ids_only_when_bundled() -> None:
    assert not [f for f in lint(book(), today=FRESH) if f.code in {"missing-id", "extra-id"}]
    findings = lint(book(), today=FRESH, bundled=True)
    missing = {f.subject for f in findings if f.code == "missing-id"}
    assert missing == set(STABLE_IDS) - {"inference-is-free", "ai-learns-over-time"}
    assert not [f for f in findings if f.code == "extra-id"]


def test_extra_id_is_an_error() -> None:
    original = book()
    entry = original.entries["inference-is-free"].model_copy(update={"id": "inference-is-gratis"})
    changed = original.model_copy(update={"entries": {**original.entries, entry.id: entry}})
    findings = lint(changed, today=FRESH, bundled=True)
    assert ("error", "extra-id", "inference-is-gratis") in codes(findings)


def test_near_duplicate_triggers_across_entries() -> None:
    original = book()
    learns = original.entries["ai-learns-over-time"]
    near = learns.model_copy(update={"triggers": [*learns.triggers, "inference is basicaly free"]})
    changed = original.model_copy(update={"entries": {**original.entries, near.id: near}})
    findings = [f for f in lint(changed, today=FRESH) if f.code == "near-duplicate"]
    assert len(findings) == 1
    assert "inference-is-free" in findings[0].message and "triggers[3]" in findings[0].message


def test_example_checker_slot() -> None:
    seen: list[Phrasebook] = []

    def checker(phrasebook: Phrasebook) -> list[str]:
        seen.append(phrasebook)
        return ["inference-is-free: examples.must_match[0]: 'x' did not fire (silent)"]

    loaded = book()
    findings = lint(loaded, today=FRESH, example_checker=checker)
    assert seen == [loaded]
    assert ("error", "example", "inference-is-free") in codes(findings)
