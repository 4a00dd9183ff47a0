"""Content checks beyond the schema: staleness, coverage, near-duplicates. Pure: values in, findings out.

The loader already refuses what cannot be loaded (syntax, unknown keys, unknown bands, exact duplicate
triggers, future dates). ``lint`` reports what loads but needs attention. Running every entry's examples
through the real matcher lives in ``intents`` (the phrasebook never imports it): pass it in as
``example_checker``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from phrasebook.loader import normalize_trigger
from phrasebook.schema import STABLE_IDS, Phrasebook, Reviewed

Level = Literal["error", "warning", "info"]
ExampleChecker = Callable[[Phrasebook], list[str]]

#: rapidfuzz ratio (0..100) at which two triggers of different entries count as near-duplicates
NEAR_DUPLICATE_RATIO = 95.0


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: Level
    code: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


def _stale(kind: str, subject: str, item: Reviewed, today: date) -> Finding:
    due = item.review_due().isoformat()
    return Finding(
        level="warning",
        code="stale",
        subject=subject,
        message=(
            f"{kind} {subject}: review was due {due} (verified {item.verified_on.isoformat()}, "
            f"every {item.review_every}); re-verify against the primer and current rate cards, "
            "then update verified_on"
        ),
    )


def lint(
    phrasebook: Phrasebook,
    *,
    today: date,
    strict: bool = False,
    bundled: bool = False,
    example_checker: ExampleChecker | None = None,
) -> list[Finding]:
    """All findings, errors first. ``strict`` turns warnings into errors; ``bundled`` checks STABLE_IDS."""
    findings: list[Finding] = []
    findings += _staleness(phrasebook, today)
    findings += _nist(phrasebook)
    if bundled:
        findings += _stable_ids(phrasebook)
    findings += _near_duplicates(phrasebook)
    if example_checker is not None:
        findings += [
            Finding(level="error", code="example", subject=problem.split(":", 1)[0], message=problem)
            for problem in example_checker(phrasebook)
        ]
    if strict:
        findings = [f.model_copy(update={"level": "error"}) if f.level == "warning" else f for f in findings]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: order[f.level])


def _staleness(phrasebook: Phrasebook, today: date) -> list[Finding]:
    found: list[Finding] = []
    stale_entries = {e.id for e in phrasebook.entries.values() if e.is_stale(today)}
    stale_bands = {b.id for b in phrasebook.cost_bands.values() if b.is_stale(today)}
    for entry_id in sorted(stale_entries):
        found.append(_stale("entry", entry_id, phrasebook.entries[entry_id], today))
    for band_id in sorted(stale_bands):
        found.append(_stale("cost band", band_id, phrasebook.cost_bands[band_id], today))
    for regime, card in phrasebook.regimes.items():
        if card.is_stale(today):
            found.append(_stale("regime card", regime.value, card, today))
    for tip in phrasebook.tips:
        reasons: list[str] = []
        if tip.entry in stale_entries:
            reasons.append(f"entry {tip.entry}")
        if tip.cost_band in stale_bands:
            reasons.append(f"cost band {tip.cost_band}")
        if reasons:
            found.append(
                Finding(
                    level="warning",
                    code="stale-tip",
                    subject=tip.id,
                    message=(
                        f"tip {tip.id}: depends on stale {' and '.join(reasons)}; it is skipped in the "
                        "daily rotation until those are re-verified"
                    ),
                )
            )
    return found


def _nist(phrasebook: Phrasebook) -> list[Finding]:
    return [
        Finding(
            level="info",
            code="nist-section",
            subject=entry.id,
            message=(
                f"entry {entry.id}: no NIST AI 600-1 risk section "
                "(fine when none truly fits; never invent one)"
            ),
        )
        for entry in phrasebook.entries.values()
        if entry.nist.section is None
    ]


def _stable_ids(phrasebook: Phrasebook) -> list[Finding]:
    found: list[Finding] = []
    present = set(phrasebook.entries)
    for missing in [i for i in STABLE_IDS if i not in present]:
        found.append(
            Finding(
                level="error",
                code="missing-id",
                subject=missing,
                message=f"entry {missing}: missing (expected entries/{missing}.yaml, a stable id)",
            )
        )
    for extra in sorted(present - set(STABLE_IDS)):
        found.append(
            Finding(
                level="error",
                code="extra-id",
                subject=extra,
                message=(
                    f"entry {extra}: not a stable id (expected one of {', '.join(STABLE_IDS)}; "
                    "add new ids to DESIGN.md and schema.STABLE_IDS first)"
                ),
            )
        )
    return found


def _near_duplicates(phrasebook: Phrasebook) -> list[Finding]:
    found: list[Finding] = []
    triggers = [
        (entry.id, index, normalize_trigger(trigger))
        for entry in phrasebook.entries.values()
        for index, trigger in enumerate(entry.triggers)
    ]
    for position, (entry_a, index_a, text_a) in enumerate(triggers):
        for entry_b, index_b, text_b in triggers[position + 1 :]:
            if entry_a == entry_b:
                continue
            score = fuzz.ratio(text_a, text_b, score_cutoff=NEAR_DUPLICATE_RATIO)
            if score:
                found.append(
                    Finding(
                        level="warning",
                        code="near-duplicate",
                        subject=entry_a,
                        message=(
                            f"entry {entry_a}: triggers[{index_a}] '{text_a}' is a near-duplicate "
                            f"({score:.0f}) of entry {entry_b} triggers[{index_b}] '{text_b}'; "
                            "the matcher cannot tell them apart: reword or remove one"
                        ),
                    )
                )
    return found


__all__ = ["NEAR_DUPLICATE_RATIO", "ExampleChecker", "Finding", "Level", "lint"]
