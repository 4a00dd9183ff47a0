"""``BackgroundTurns``: the Teams turns that run after their acknowledgement — bounded, errors logged,
drained (and, past the timeout, cancelled) at shutdown. Events, not sleeps, decide the order."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.adapters.teams_bot import BackgroundTurns


async def test_a_turn_runs_after_start_returns() -> None:
    turns = BackgroundTurns()
    ran = asyncio.Event()
    gate = asyncio.Event()

    async def turn() -> None:
        await gate.wait()
        ran.set()

    assert await turns.start(turn) is True
    assert not ran.is_set() and len(turns.tasks) == 1  # start did not wait for the turn
    gate.set()
    await turns.drain()
    assert ran.is_set() and not turns.tasks


async def test_at_the_limit_start_waits_for_a_free_slot() -> None:
    turns = BackgroundTurns(limit=2)
    gates = [asyncio.Event() for _ in range(3)]
    running: list[int] = []

    def turn(i: int):
        async def run() -> None:
            running.append(i)
            await gates[i].wait()

        return run

    await turns.start(turn(0))
    await turns.start(turn(1))
    third = asyncio.create_task(turns.start(turn(2)))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not third.done() and running == [0, 1]  # backpressure: the third acknowledgement waits
    gates[0].set()
    assert await asyncio.wait_for(third, 5) is True
    await asyncio.sleep(0)
    assert running == [0, 1, 2] and len(turns.tasks) == 2
    for gate in gates:
        gate.set()
    await turns.drain()


async def test_a_failing_turn_is_logged_by_type_and_frees_its_slot(caplog) -> None:
    turns = BackgroundTurns(limit=1)

    async def broken() -> None:
        raise RuntimeError("secret message text")

    with caplog.at_level(logging.ERROR, logger="dosay.teams"):
        await turns.start(broken)
        await turns.drain()
        assert await asyncio.wait_for(turns.start(broken), 5) is True  # the slot came back
        await turns.drain()
    assert caplog.text.count("teams turn failed: RuntimeError") == 2
    assert "secret message text" not in caplog.text


async def test_drain_waits_for_turns_that_start_meanwhile() -> None:
    turns = BackgroundTurns()
    done: list[str] = []

    async def second() -> None:
        done.append("second")

    async def first() -> None:
        await turns.start(second)  # e.g. a request acknowledged while shutdown drains
        done.append("first")

    await turns.start(first)
    await turns.drain()
    assert sorted(done) == ["first", "second"] and not turns.tasks


async def test_close_refuses_new_turns_and_cancels_what_outlives_the_timeout(caplog) -> None:
    turns = BackgroundTurns()
    cancelled = asyncio.Event()

    async def stuck() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    async def never() -> None:
        raise AssertionError("started after close")

    await turns.start(stuck)
    with caplog.at_level(logging.WARNING, logger="dosay.teams"):
        assert await turns.close(timeout=0.05) == 1
    assert cancelled.is_set() and not turns.tasks
    assert "1 turns still running at shutdown were cancelled" in caplog.text
    assert await turns.start(never) is False


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BackgroundTurns(limit=0)
