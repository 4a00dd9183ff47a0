"""What the matcher returns. Pure data."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Match(BaseModel):
    """One entry the bot would act on, with a score in 0..1 and why."""

    model_config = ConfigDict(frozen=True)

    entry: str
    score: float
    why: str  # human-readable: the clause and the trigger it matched
    clause: str
    trigger: str


class Candidate(BaseModel):
    """A scored candidate, including the ones a guard or threshold suppressed (for --explain)."""

    model_config = ConfigDict(frozen=True)

    entry: str
    score: float
    clause: str
    trigger: str
    suppressed_by: str | None = None  # "negation", "quotation", "meta", "threshold", ...
