"""A busy server is not a down database: the health check is not queued behind request work.

Found with ``dosay bench e2e``: at 500 events/s on SQLite the one-thread database queue ran seconds
deep, the health ping waited in it past its 2 s timeout, and the gate answered 503 to every event.
"""

from __future__ import annotations

import asyncio
import threading

from bot.service import Dosay


async def test_health_answers_while_the_database_queue_is_busy(dosay: Dosay) -> None:
    release = threading.Event()
    # a request's database call that takes a long time, already running in the database thread(s)
    busy = asyncio.ensure_future(dosay._io(release.wait, 30))
    await asyncio.sleep(0)
    try:
        assert await dosay.healthy()  # bounded by healthy()'s own timeout, not by the busy call
    finally:
        release.set()
        await busy
