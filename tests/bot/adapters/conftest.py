"""Fixtures of the playground API tests (other adapters keep theirs in their harness modules)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters import playground
from bot.server import build_app
from bot.service import Dosay
from bot.settings import load_settings
from bot.storage.store import Store
from intents.matcher import Matcher
from tests.bot.adapters.playground_fixtures import Clock, playground_phrasebook


@pytest.fixture
def api_clock() -> Clock:
    return Clock()


@pytest.fixture
async def api(tmp_path: Path, api_clock: Clock) -> AsyncIterator[TestClient]:
    phrasebook = playground_phrasebook()
    dosay = Dosay(
        phrasebook=phrasebook,
        matcher=Matcher(phrasebook),
        store=Store.open(f"sqlite:///{tmp_path / 'playground.db'}"),
        clock=api_clock,
    )
    app = build_app(dosay, load_settings({}), adapters=[playground.register])
    async with TestClient(TestServer(app, port=0)) as test_client:
        yield test_client
    dosay.close()
