"""Daily tip rotation: deterministic, no repeats within a cycle, skips stale entries and bands."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from intents.tips import EPOCH, NoTipError, tip_for_day
from phrasebook.schema import Tip


def make_tips(count: int) -> list[Tip]:
    return [
        Tip(
            id=f"tip-{i:02d}",
            text=f"Tip number {i} about the regimes primer.",
            entry="inference-is-free" if i % 5 == 0 else None,
            cost_band="fine-tuning" if i % 7 == 0 else None,
        )
        for i in range(count)
    ]


TIPS = make_tips(24)


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


def test_deterministic() -> None:
    day = date(2026, 7, 1)
    assert tip_for_day(TIPS, day) == tip_for_day(list(TIPS), day)
    assert tip_for_day(TIPS, day) == tip_for_day(list(reversed(TIPS)), day)  # file order does not matter


@pytest.mark.parametrize("cycle", [-1, 0, 1, 7, 40])
def test_every_tip_once_per_cycle(cycle: int) -> None:
    start = EPOCH + timedelta(days=cycle * len(TIPS))
    shown = [tip_for_day(TIPS, d).id for d in days(start, len(TIPS))]
    assert sorted(shown) == sorted(t.id for t in TIPS)


def test_no_back_to_back_repeat_across_cycles() -> None:
    shown = [tip_for_day(TIPS, d).id for d in days(EPOCH - timedelta(days=100), 2000)]
    assert all(a != b for a, b in itertools.pairwise(shown))


def test_cycles_differ() -> None:
    first = [tip_for_day(TIPS, d).id for d in days(EPOCH, len(TIPS))]
    second = [tip_for_day(TIPS, d).id for d in days(EPOCH + timedelta(days=len(TIPS)), len(TIPS))]
    assert first != second


def test_skip_stale_entries_and_bands() -> None:
    skip = {"inference-is-free", "fine-tuning"}
    skipped = {t.id for t in TIPS if t.entry in skip or t.cost_band in skip}
    assert skipped
    usable = len(TIPS) - len(skipped)
    start = EPOCH + timedelta(days=3 * usable)  # a cycle of the usable tips starts here
    shown = [tip_for_day(TIPS, d, skip=skip).id for d in days(start, usable)]
    assert not set(shown) & skipped
    assert len(set(shown)) == usable


def test_nothing_usable_raises_a_typed_error() -> None:
    only_stale = [t for t in TIPS if t.entry == "inference-is-free"]
    with pytest.raises(NoTipError, match="re-verify"):
        tip_for_day(only_stale, date(2026, 7, 1), skip={"inference-is-free"})
    with pytest.raises(NoTipError):
        tip_for_day([], date(2026, 7, 1))


def test_single_and_two_tips() -> None:
    assert tip_for_day(TIPS[:1], date(2030, 1, 1)) == TIPS[0]
    shown = {tip_for_day(TIPS[:2], d).id for d in days(EPOCH, 2)}
    assert shown == {"tip-00", "tip-01"}
