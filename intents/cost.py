"""A pure cost calculator from the primer's formulas, and the parser for ``dosay cost ...``.

- fine-tuning: training tokens × epochs × per-token rate (× runs), plus hosting per hour × hours
  (reinforcement fine-tuning: capped per run at the cost table's ``rft_cap_per_run``);
- inference (and RAG): input tokens × input rate + output tokens × output rate, rates per million tokens;
- pre-training: the cost table's range, for the record (nothing to calculate).

Rates not given are taken from the cost table as a low-high range, and every answer carries the figures'
``verified_on`` and "verify against current rate cards". The primer gives no per-token *training* rate,
so a fine-tuning training line needs ``rate X`` (dollars per million training tokens) to be priced.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from phrasebook.schema import CostBand, Phrasebook

VERIFY_NOTE = "verify against current rate cards"
HOURS_PER_MONTH = 730.0
USAGE = (
    "try: cost fine-tuning 2M tokens 3 epochs 720 hours rate 25 | cost inference 10M in 2M out model premium"
)
_MAX = {"tokens": 1e15, "epochs": 1e4, "runs": 1e4, "hours": 1e6, "rate": 1e6}

Kind = Literal["fine-tuning", "inference", "rag", "pre-training"]
Tier = Literal["budget", "premium"]


class CostQueryError(ValueError):
    """The cost query could not be read; the message says what to type instead."""


class CostQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    regime: Kind
    rft: bool = False
    training_tokens: float | None = None
    epochs: float | None = None
    runs: float | None = None
    training_rate: float | None = None
    hours: float | None = None
    hosting_per_hour: float | None = None
    input_tokens: float | None = None
    output_tokens: float | None = None
    input_rate: float | None = None
    output_rate: float | None = None
    tier: Tier | None = None


class LineItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    formula: str
    low: float | None
    high: float | None
    note: str | None = None

    @property
    def priced(self) -> bool:
        return self.low is not None and self.high is not None


class CostEstimate(BaseModel):
    model_config = ConfigDict(frozen=True)

    regime: Kind
    band: str
    band_label: str
    lines: list[LineItem]
    total_low: float
    total_high: float
    #: False when a line could not be priced (e.g. no training rate given): the total covers the rest
    complete: bool
    assumptions: list[str]
    typical_magnitude: str
    hidden_cost: str | None
    verified_on: date
    verify_note: str = VERIFY_NOTE

    def total_text(self) -> str:
        return money_range(self.total_low, self.total_high)

    def summary(self) -> str:
        """One plain-text block (renderers may build their own from the fields)."""
        lines = [f"{self.band_label} estimate: {self.total_text()}{'' if self.complete else ' (partial)'}"]
        for item in self.lines:
            amount = money_range(item.low, item.high) if item.priced else "not priced"
            lines.append(
                f"- {item.label}: {amount} ({item.formula})" + (f"; {item.note}" if item.note else "")
            )
        lines += [f"Assumption: {a}" for a in self.assumptions]
        lines.append(f"Typical: {self.typical_magnitude}")
        if self.hidden_cost:
            lines.append(f"Hidden cost: {self.hidden_cost}")
        lines.append(f"Figures verified {self.verified_on.isoformat()}; {self.verify_note}.")
        return "\n".join(lines)


def money(value: float) -> str:
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 0.01 or value == 0:
        return f"${value:,.2f}"
    return f"${value:.4f}"


def money_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "not priced"
    return money(low) if abs(high - low) < 0.005 else f"{money(low)}-{money(high)}"


def _count(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


# --- parser -------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<num>\$?[0-9]+(?:[,_][0-9]{3})*(?:\.[0-9]+)?)(?P<mult>k|mm|m|bn|b)?(?![a-z0-9])"
    r"(?:/(?P<per>mtok|million|m|1m|hour|hr|h))?"
    r"|(?P<word>[a-z][a-z0-9-]*)"
    r"|(?P<other>\S)"
)
_MULT = {None: 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}
_REGIMES: dict[str, tuple[Kind, bool]] = {
    **dict.fromkeys(
        ["fine-tuning", "finetuning", "finetune", "fine-tune", "ft", "tuning", "sft"], ("fine-tuning", False)
    ),
    **dict.fromkeys(["rft", "reinforcement"], ("fine-tuning", True)),
    **dict.fromkeys(["inference", "infer", "inferencing", "api", "usage", "calls"], ("inference", False)),
    **dict.fromkeys(["rag", "retrieval"], ("rag", False)),
    **dict.fromkeys(["pre-training", "pretraining", "pretrain", "pre-train"], ("pre-training", False)),
}
#: unit words after a number, and keywords before one
_UNITS: dict[str, str] = {
    **dict.fromkeys(["tokens", "token", "tok", "toks", "tokens-in"], "tokens"),
    **dict.fromkeys(["in", "input", "inputs", "prompt"], "input_tokens"),
    **dict.fromkeys(["out", "output", "outputs", "completion", "completions"], "output_tokens"),
    **dict.fromkeys(["epoch", "epochs"], "epochs"),
    **dict.fromkeys(["run", "runs", "jobs", "job"], "runs"),
    **dict.fromkeys(["hour", "hours", "h", "hr", "hrs"], "hours"),
    **dict.fromkeys(["day", "days"], "days"),
    **dict.fromkeys(["week", "weeks"], "weeks"),
    **dict.fromkeys(["month", "months"], "months"),
    **dict.fromkeys(["rate", "price"], "rate"),
    **dict.fromkeys(["hosting", "host"], "hosting_per_hour"),
}
_PER_RATE = {"million", "m", "mtok", "1m"}
_PER_HOUR = {"hour", "hr", "h"}
_TIERS: dict[str, Tier] = {
    "budget": "budget",
    "cheap": "budget",
    "lightweight": "budget",
    "premium": "premium",
}
_FILLER = {
    "model", "models", "with", "for", "and", "at", "of", "a", "the", "x", "over", "on", "tier",
    "training", "train", "cost", "costs", "estimate", "what", "is", "how", "much", "dollars", "usd",
    "×", "*", "+", ",", ";", ":", "(", ")", "=", "?", "$", "@",
}  # fmt: skip


def _clip(word: str) -> str:
    cleaned = "".join(ch for ch in word if ch.isprintable())[:24]
    return cleaned + ("…" if len(word) > 24 else "")


class _Parse:
    def __init__(self) -> None:
        self.values: dict[str, float] = {}
        self.regime: Kind | None = None
        self.rft = False
        self.tier: Tier | None = None

    def set(self, unit: str, value: float) -> None:
        hours = {"days": 24.0, "weeks": 168.0, "months": HOURS_PER_MONTH}
        if unit in hours:
            unit, value = "hours", value * hours[unit]
        if unit in self.values:
            raise CostQueryError(f"{unit.replace('_', ' ')} is given twice; give it once ({USAGE})")
        kind = next((k for k in _MAX if k in unit), "rate")
        if value > _MAX[kind]:
            raise CostQueryError(f"{unit.replace('_', ' ')} {value:g} is too large (at most {_MAX[kind]:g})")
        if unit in {"epochs", "runs"} and value <= 0:
            raise CostQueryError(f"{unit} must be at least 1")
        self.values[unit] = value


def _resolve(state: _Parse) -> None:
    """Generic ``tokens`` / ``rate`` mean training tokens for fine-tuning, input tokens for inference."""
    inference = state.regime in {"inference", "rag"}
    for generic, specific in (
        ("tokens", "input_tokens" if inference else "training_tokens"),
        ("rate", "input_rate" if inference else "training_rate"),
    ):
        if generic in state.values:
            value = state.values.pop(generic)
            if specific in state.values:
                raise CostQueryError(f"{specific.replace('_', ' ')} is given twice; give it once ({USAGE})")
            state.values[specific] = value


def parse_cost_query(text: str) -> CostQuery:
    """``fine-tuning 2M tokens 3 epochs 720 hours`` / ``inference 10M in 2M out model premium``."""
    if not isinstance(text, str) or not text.strip():
        raise CostQueryError(f"empty cost query; {USAGE}")
    if len(text) > 500:
        raise CostQueryError(f"cost query too long (at most 500 characters); {USAGE}")
    tokens = [m for m in _TOKEN.finditer(text.casefold()) if m.group(0) not in _FILLER]
    state = _Parse()
    pending: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1].group(0) if index + 1 < len(tokens) else None
        if token.group("num"):
            value = (
                float(token.group("num").lstrip("$").replace(",", "").replace("_", ""))
                * _MULT[token.group("mult")]
            )
            per = token.group("per")
            if per:
                state.set(_rate_unit(per, pending), value)
                pending = None
            elif following in {"per", "/"} and index + 2 < len(tokens):
                state.set(_rate_unit(tokens[index + 2].group(0), pending), value)
                index += 2
                pending = None
            elif pending is not None:
                state.set(pending, value)
                pending = None
            elif following in _UNITS and _UNITS[following] not in {"rate", "hosting_per_hour"}:
                state.set(_UNITS[following], value)
                index += 1
            else:
                raise CostQueryError(
                    f"'{_clip(token.group(0))}' needs a unit (tokens, in, out, epochs, hours, runs, rate, "
                    f"hosting); {USAGE}"
                )
        else:
            word = token.group(0)
            if word in _REGIMES:
                regime, rft = _REGIMES[word]
                if state.regime not in {None, regime}:
                    raise CostQueryError(
                        f"one regime per estimate (got {state.regime} and {regime}); {USAGE}"
                    )
                state.regime, state.rft = regime, state.rft or rft
            elif word in _TIERS:
                state.tier = _TIERS[word]
            elif word in _UNITS:
                if word in {"rate", "price"} and pending in {"input_tokens", "output_tokens"}:
                    pending = pending.replace("tokens", "rate")
                else:
                    pending = _UNITS[word]
            elif word in {"per", "/"}:
                pass
            else:
                raise CostQueryError(f"don't know '{_clip(word)}' here; {USAGE}")
        index += 1
    if pending is not None:
        raise CostQueryError(f"'{pending.replace('_', ' ')}' needs a number after it; {USAGE}")
    if state.regime is None:
        raise CostQueryError(f"say which regime: fine-tuning, rft, inference, rag or pre-training; {USAGE}")
    _resolve(state)
    if state.regime in {"inference", "rag"} and not (state.values.keys() & {"input_tokens", "output_tokens"}):
        raise CostQueryError(f"give token counts for {state.regime}, e.g. 10M in 2M out; {USAGE}")
    return CostQuery(regime=state.regime, rft=state.rft, tier=state.tier, **state.values)


def _rate_unit(per: str, pending: str | None) -> str:
    if per in _PER_HOUR:
        return "hosting_per_hour"
    if per in _PER_RATE:
        if pending in {"input_rate", "output_rate"}:
            return pending
        if pending == "output_tokens":
            return "output_rate"
        return "rate"
    raise CostQueryError(f"'per {_clip(per)}': expected per million (tokens) or per hour; {USAGE}")


# --- estimates ----------------------------------------------------------------------------------------


def _band(phrasebook: Phrasebook, band_id: str) -> CostBand:
    band = phrasebook.cost_bands.get(band_id)
    if band is None:
        known = ", ".join(phrasebook.cost_bands)
        raise CostQueryError(
            f"the phrasebook has no cost band '{band_id}' (known: {known}); fix cost_bands.yaml"
        )
    return band


def _figure(band: CostBand, name: str) -> float:
    if name not in band.figures:
        raise CostQueryError(
            f"cost band {band.id} has no figure '{name}'; add it to cost_bands.yaml or give the rate yourself"
        )
    return band.figures[name]


def _range(given: float | None, band: CostBand, low: str, high: str) -> tuple[float, float]:
    return (given, given) if given is not None else (_figure(band, low), _figure(band, high))


def estimate(phrasebook: Phrasebook, query: CostQuery) -> CostEstimate:
    """Price a parsed query with the phrasebook's cost table (rates not given come from the table)."""
    if query.regime == "fine-tuning":
        return _fine_tuning(phrasebook, query)
    if query.regime == "pre-training":
        return _pre_training(phrasebook)
    return _inference(phrasebook, query)


def _result(
    query_regime: Kind, band: CostBand, lines: list[LineItem], assumptions: list[str], verified: date
) -> CostEstimate:
    priced = [line for line in lines if line.priced]
    return CostEstimate(
        regime=query_regime,
        band=band.id,
        band_label=band.label,
        lines=lines,
        total_low=sum(line.low or 0.0 for line in priced),
        total_high=sum(line.high or 0.0 for line in priced),
        complete=len(priced) == len(lines),
        assumptions=assumptions,
        typical_magnitude=band.magnitude,
        hidden_cost=band.hidden_cost,
        verified_on=min(verified, band.verified_on),
    )


def _fine_tuning(phrasebook: Phrasebook, query: CostQuery) -> CostEstimate:
    base = _band(phrasebook, "fine-tuning")
    band = _band(phrasebook, "fine-tuning-rft") if query.rft else base
    assumptions: list[str] = []
    lines: list[LineItem] = []
    epochs = query.epochs or 1.0
    runs = query.runs or 1.0
    if query.training_tokens is not None:
        if query.epochs is None:
            assumptions.append("1 epoch (add 'N epochs')")
        if query.runs is None:
            assumptions.append("one training run; the primer says plan for 3-10 runs (add 'N runs')")
        formula = (
            f"{_count(query.training_tokens)} tokens × {epochs:g} epoch{'s' if epochs != 1 else ''} "
            f"× rate per million × {runs:g} run{'s' if runs != 1 else ''}"
        )
        if query.training_rate is not None:
            per_run = query.training_tokens / 1e6 * epochs * query.training_rate
            note = None
            if query.rft:
                cap = _figure(band, "rft_cap_per_run")
                if per_run > cap:
                    note = f"capped at {money(cap)} per run (Azure OpenAI RFT cap)"
                    per_run = cap
            amount = per_run * runs
            formula = formula.replace("rate per million", f"{money(query.training_rate)}/M")
            lines.append(LineItem(label="Training", formula=formula, low=amount, high=amount, note=note))
        elif query.rft:
            cap = _figure(band, "rft_cap_per_run")
            lines.append(
                LineItem(
                    label="Training",
                    formula=f"at most {money(cap)} per run (Azure OpenAI RFT cap) × {runs:g} runs",
                    low=0.0,
                    high=cap * runs,
                    note="add 'rate X' (dollars per million training tokens) for a point estimate",
                )
            )
        else:
            lines.append(
                LineItem(
                    label="Training",
                    formula=formula,
                    low=None,
                    high=None,
                    note="the primer gives no per-token training rate: add 'rate X' (dollars per million "
                    "training tokens) from the provider's rate card",
                )
            )
    else:
        assumptions.append("no training tokens given (add e.g. '2M tokens 3 epochs rate 25'); hosting only")
    hours = query.hours if query.hours is not None else HOURS_PER_MONTH
    if query.hours is None:
        assumptions.append(f"hosting for one month ({HOURS_PER_MONTH:g} hours; add 'N hours')")
    low_rate, high_rate = _range(
        query.hosting_per_hour, base, "hosting_per_hour_low", "hosting_per_hour_high"
    )
    lines.append(
        LineItem(
            label="Hosting",
            formula=f"{hours:g} hours × {money_range(low_rate, high_rate)} per hour",
            low=hours * low_rate,
            high=hours * high_rate,
            note="bills whether the model is handling requests or sitting idle",
        )
    )
    assumptions.append("engineering time for data prep and iteration is not included")
    return _result("fine-tuning", band, lines, assumptions, base.verified_on)


def _pre_training(phrasebook: Phrasebook) -> CostEstimate:
    band = _band(phrasebook, "pre-training")
    low, high = _figure(band, "pretraining_low"), band.figures.get("pretraining_high")
    line = LineItem(
        label="Frontier training run",
        formula="compute + data + research team + months of GPU time",
        low=low,
        high=high if high is not None else low,
        note="what model vendors spend; not an enterprise line item",
    )
    assumptions = ["nothing to calculate: redirect to fine-tuning or retrieval"]
    return _result("pre-training", band, [line], assumptions, band.verified_on)


def _inference(phrasebook: Phrasebook, query: CostQuery) -> CostEstimate:
    band = _band(phrasebook, "rag" if query.regime == "rag" else "inference")
    rates = phrasebook.cost_bands.get("inference", band)
    assumptions: list[str] = []
    if query.input_rate is not None:
        in_low = in_high = query.input_rate
    elif query.tier == "budget":
        in_low = _figure(rates, "input_per_million_low")
        in_high = rates.figures.get("budget_input_per_million_high", in_low)
        assumptions.append(f"budget model: {money_range(in_low, in_high)} per million input tokens")
    elif query.tier == "premium":
        in_low = in_high = rates.figures.get(
            "premium_input_per_million", _figure(rates, "input_per_million_high")
        )
        assumptions.append(f"premium model: {money(in_high)} per million input tokens")
    else:
        in_low, in_high = _figure(rates, "input_per_million_low"), _figure(rates, "input_per_million_high")
        assumptions.append(
            f"no model given: the full range {money_range(in_low, in_high)} per million input tokens "
            "(add 'model budget', 'model premium' or 'input rate X')"
        )
    if query.output_rate is not None:
        out_low = out_high = query.output_rate
    else:
        mult_low, mult_high = (
            _figure(rates, "output_multiplier_low"),
            _figure(rates, "output_multiplier_high"),
        )
        out_low, out_high = in_low * mult_low, in_high * mult_high
        assumptions.append(f"output tokens at {mult_low:g}-{mult_high:g}x the input rate")
    lines: list[LineItem] = []
    if query.input_tokens is not None:
        lines.append(
            LineItem(
                label="Input tokens",
                formula=f"{_count(query.input_tokens)} × {money_range(in_low, in_high)} per million",
                low=query.input_tokens / 1e6 * in_low,
                high=query.input_tokens / 1e6 * in_high,
            )
        )
    if query.output_tokens is not None:
        lines.append(
            LineItem(
                label="Output tokens",
                formula=f"{_count(query.output_tokens)} × {money_range(out_low, out_high)} per million",
                low=query.output_tokens / 1e6 * out_low,
                high=query.output_tokens / 1e6 * out_high,
                note="reasoning tokens are billed as output even when they are not shown",
            )
        )
    else:
        assumptions.append("no output tokens given; output and reasoning tokens usually dominate the bill")
    if query.regime == "rag":
        assumptions.append("retrieval infrastructure (document store, index, pipeline) is not included")
    return _result(query.regime, band, lines, assumptions, rates.verified_on)


__all__ = [
    "VERIFY_NOTE",
    "CostEstimate",
    "CostQuery",
    "CostQueryError",
    "LineItem",
    "estimate",
    "money",
    "money_range",
    "parse_cost_query",
]
