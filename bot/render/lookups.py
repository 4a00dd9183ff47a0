"""Plain-text rendering of lookup results and cost estimates (CLI, console). Pure."""

from __future__ import annotations

from intents.cost import CostEstimate
from intents.lookup import LookupResult
from phrasebook.schema import Phrasebook, Regime


def render_lookup(phrasebook: Phrasebook, result: LookupResult) -> str:
    if not result.hits:
        hint = f" Did you mean: {', '.join(result.did_you_mean)}?" if result.did_you_mean else ""
        return f"Nothing in the phrasebook matches that.{hint}"
    blocks = [f"Did you mean: {result.did_you_mean[0]}?"] if result.did_you_mean else []
    for hit in result.hits[:3]:
        if hit.kind == "entry":
            e = phrasebook.entries[hit.id]
            band = phrasebook.band_for(e)
            blocks.append(
                f"{e.title}\nInstead of: \u201c{e.dont_say}\u201d\nTry saying: {e.do_say}\nWhy: {e.why}\n"
                f"Regime: {e.regime.value} \u00b7 Cost: {band.display()} \u00b7 {e.nist.label()}"
            )
        elif hit.kind == "regime":
            c = phrasebook.regimes[Regime(hit.id)]
            blocks.append(
                f"{c.name}: {c.what_it_is}\nCost: {c.cost_structure} ({c.typical_magnitude})\n"
                f"Time to production: {c.time_to_production}\nData: {c.data_handling}"
            )
        else:
            b = phrasebook.cost_bands[hit.id]
            blocks.append(
                f"{b.label} cost: {b.display()}"
                + (f"\nHidden cost: {b.hidden_cost}" if b.hidden_cost else "")
            )
    return "\n\n".join(blocks)


def render_cost(result: CostEstimate) -> str:
    return result.summary()
