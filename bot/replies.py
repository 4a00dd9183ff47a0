"""Build the reply for a match from the phrasebook. Pure: values in, a ``Reply`` out."""

from __future__ import annotations

from datetime import date

from bot.core_types import Button, Reply
from intents.types import Match
from phrasebook.schema import Phrasebook

REGIME_NAMES = {
    "pre-training": "Pre-training",
    "fine-tuning": "Fine-tuning",
    "inference": "Inference",
    "rag": "Inference + RAG",
}


#: Added to the cost line when the band's review date has passed on the day of the message.
REVIEW_OVERDUE = "Review of these figures is overdue."


def build_reply(phrasebook: Phrasebook, match: Match, *, today: date | None = None) -> Reply:
    """The reply for a match; ``today`` (the message's date) marks figures whose review is overdue."""
    entry = phrasebook.entry(match.entry)
    band = phrasebook.band_for(entry)
    cost_line = band.display()
    if today is not None and band.is_stale(today):
        cost_line = f"{cost_line} {REVIEW_OVERDUE}"
    regime = entry.regime.value
    card = phrasebook.regimes.get(entry.regime)
    regime_name = card.name if card is not None else REGIME_NAMES.get(regime, regime)
    triage = entry.triage
    return Reply(
        entry_id=entry.id,
        title=entry.title,
        dont_say=entry.dont_say,
        do_say=entry.do_say,
        why=entry.why,
        regime=regime,
        regime_name=regime_name,
        cost_band=cost_line,
        cost_verified_on=band.verified_on,
        timeline=entry.timeline,
        nist=entry.nist.label(),
        triage_question=triage.question if triage else None,
        triage_branches=tuple(
            f"{b.when} → {REGIME_NAMES.get(b.regime.value, b.regime.value)}: {b.answer}"
            for b in triage.branches
        )
        if triage
        else (),
        score=match.score,
        explanation=match.why,
        buttons=(
            Button(action_id="dosay_helpful", label="Helpful", value=entry.id),
            Button(action_id="dosay_not_misconception", label="Not a misconception here", value=entry.id),
            Button(action_id="dosay_snooze", label="Snooze for me", value=entry.id),
            Button(action_id="dosay_more_regime", label=f"More on {regime_name}", value=regime),
        ),
    )
