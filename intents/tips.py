"""The daily tip: a deterministic rotation with no repeats until every tip has been used. Pure.

Days are counted from a fixed epoch; day ``n`` falls in cycle ``n // len(tips)`` at position
``n % len(tips)`` of that cycle's permutation, which is seeded by the cycle number. Every cycle shows
each usable tip exactly once, the same date always gives the same tip, and a cycle never opens with the
tip that closed the previous one.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date

from phrasebook.schema import Tip

#: Day 0 of the rotation. Changing it reshuffles every date: don't.
EPOCH = date(2026, 1, 1)


class NoTipError(LookupError):
    """Every tip was skipped (or there are none)."""


def usable_tips(tips: Iterable[Tip], skip: set[str]) -> list[Tip]:
    """Tips whose entry and cost band are not in ``skip`` (ids of stale entries and bands), by id."""
    usable = [
        t for t in tips if not (t.entry and t.entry in skip) and not (t.cost_band and t.cost_band in skip)
    ]
    return sorted(usable, key=lambda t: t.id)


def _permutation(size: int, cycle: int) -> list[int]:
    order = list(range(size))
    random.Random(f"dosay-tips:{size}:{cycle}").shuffle(order)
    return order


def _cycle_order(size: int, cycle: int) -> list[int]:
    order = _permutation(size, cycle)
    # no back-to-back repeat across the cycle boundary (the previous cycle's last slot is never swapped)
    if size >= 3 and order[0] == _permutation(size, cycle - 1)[-1]:
        order[0], order[1] = order[1], order[0]
    return order


def tip_for_day(tips: Sequence[Tip], day: date, *, skip: set[str] | None = None) -> Tip:
    """The tip for ``day``. ``skip``: ids of stale entries / cost bands whose tips must not be shown."""
    usable = usable_tips(tips, skip or set())
    if not usable:
        raise NoTipError(
            "no tip available: every tip depends on a stale entry or cost band "
            "(run `dosay phrasebook lint` and re-verify them)"
        )
    offset = (day - EPOCH).days
    cycle, position = divmod(offset, len(usable))
    return usable[_cycle_order(len(usable), cycle)[position]]


__all__ = ["EPOCH", "NoTipError", "tip_for_day", "usable_tips"]
