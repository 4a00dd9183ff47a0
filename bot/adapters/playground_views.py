"""Pure JSON views for the playground API: phrasebook objects, decisions and stats as plain dicts.

No I/O, no clock: ``today`` and rows are passed in. The page renders every string with
``textContent``, so nothing here needs HTML escaping; it only shapes data.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from bot.core_types import Decision
from bot.stats import StatsReport
from phrasebook.schema import CostBand, Entry, Phrasebook, RegimeCard, Source

Json = dict[str, Any]

#: What the page shows under a message when dosay did not reply, by ``Decision.reason``.
SILENT_REASONS: dict[str, str] = {
    "no-match": "dosay stayed silent: no misconception stated.",
    "cooldown": "dosay stayed silent (cooldown): it corrected this in this channel within the last hour.",
    "already-in-thread": "dosay stayed silent: it already answered this in this thread.",
    "snoozed": "dosay stayed silent: you snoozed dosay for yourself.",
    "duplicate": "dosay stayed silent: this message was already handled.",
    "off": "dosay stayed silent: it is switched off in this channel.",
    "bot": "dosay stayed silent: it never answers bots.",
}
REPLIED = "dosay replied in the thread."
SILENT = "dosay stayed silent."
OTHER_MODE = "dosay would answer with '{action}' in this channel's mode."
NOTES: dict[str, str] = {
    "helpful": "Thanks: marked helpful.",
    "not_misconception": "Thanks: noted as not a misconception here.",
    "snooze": "dosay will not correct {user} until {until:%Y-%m-%d %H:%M} UTC.",
    "retracted": "The edit no longer states the misconception: counted as an accepted correction. Thanks!",
    "unchanged": "dosay's reply stands.",
    "duplicate": "This edit was already handled.",
}


def jsonable(value: Any) -> Any:
    """pydantic models, dataclasses, dates, enums and containers → JSON-ready values."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return value


def decision_view(decision: Decision) -> Json:
    if decision.reply is None:
        note = SILENT_REASONS.get(decision.reason, SILENT)
    else:
        note = REPLIED if decision.action == "reply" else OTHER_MODE.format(action=decision.action)
    return {
        "action": decision.action,
        "reason": decision.reason,
        "note": note,
        "thread_root": decision.thread_root,
        "reply": decision.reply.model_dump(mode="json") if decision.reply is not None else None,
    }


def _sources(sources: list[Source]) -> list[Json]:
    return [s.model_dump(mode="json") for s in sources]


def entry_summary(phrasebook: Phrasebook, entry: Entry, today: date) -> Json:
    band = phrasebook.cost_bands.get(entry.cost_band)
    return {
        "id": entry.id,
        "kind": entry.kind,
        "title": entry.title,
        "regime": entry.regime.value,
        "dont_say": entry.dont_say,
        "do_say": entry.do_say,
        "stale": entry.id in phrasebook.stale_entries(today),
        "verified_on": entry.verified_on.isoformat(),
        "cost_band": band.display() if band is not None else entry.cost_band,
    }


def entry_view(phrasebook: Phrasebook, entry: Entry, today: date) -> Json:
    band = phrasebook.cost_bands.get(entry.cost_band)
    stale_reasons: list[str] = []
    if entry.is_stale(today):
        stale_reasons.append(f"entry review was due {entry.review_due().isoformat()}")
    if band is not None and band.is_stale(today):
        stale_reasons.append(f"cost figures review was due {band.review_due().isoformat()}")
    return {
        **entry_summary(phrasebook, entry, today),
        "why": entry.why,
        "timeline": entry.timeline,
        "nist": entry.nist.label(),
        "cost_band_id": entry.cost_band,
        "cost_verified_on": band.verified_on.isoformat() if band is not None else None,
        "review_due": entry.review_due().isoformat(),
        "stale_reasons": stale_reasons,
        "examples": entry.examples.model_dump(mode="json"),
        "triage": entry.triage.model_dump(mode="json") if entry.triage is not None else None,
        "sources": _sources(entry.sources),
    }


def regime_view(card: RegimeCard, phrasebook: Phrasebook, today: date) -> Json:
    band = phrasebook.cost_bands.get(card.cost_band)
    return {
        **card.model_dump(mode="json"),
        "stale": card.is_stale(today) or (band is not None and band.is_stale(today)),
        "cost_band_display": band.display() if band is not None else None,
        "entries": sorted(e.id for e in phrasebook.entries.values() if e.regime == card.id),
    }


def band_view(band: CostBand, today: date) -> Json:
    return {**band.model_dump(mode="json"), "display": band.display(), "stale": band.is_stale(today)}


def search_view(result: Any) -> Json:
    """An ``intents.lookup.LookupResult`` for the page; its "cost" hits are named "cost_band" here."""
    return {
        "query": result.query,
        "results": [
            {
                "kind": "cost_band" if hit.kind == "cost" else hit.kind,
                "id": hit.id,
                "title": hit.title,
                "score": round(float(hit.score), 3),
            }
            for hit in result.hits
        ],
        "did_you_mean": list(result.did_you_mean),
    }


# --- stats ---------------------------------------------------------------------------------------------


def stats_view(report: StatsReport) -> Json:
    """``bot.stats.compute_stats``'s report (the numbers ``dosay stats`` prints) in the page's shape.

    ``corrections_per_entry`` lists the entries corrected within ``weeks`` (the chart); the totals cover every
    stored row. A retracted correction is an accepted one (the author edited the misconception away).
    """
    return {
        "weeks": [monday.isoformat() for monday in report.weeks],
        "corrections_per_entry": {e.entry_id: list(e.per_week) for e in report.entries if any(e.per_week)},
        "corrections": {
            "total": report.corrections,
            "accepted": report.accepted,
            "accepted_ratio": _rounded(report.accepted_ratio),
        },
        "feedback": {
            "helpful": report.helpful,
            "not_misconception": report.not_misconception,
            "helpful_ratio": _rounded(report.helpful_ratio),
            "per_entry": {
                e.entry_id: {"helpful": e.helpful, "not_misconception": e.not_misconception}
                for e in report.entries
                if e.helpful or e.not_misconception
            },
        },
    }


def _rounded(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio, 3)
