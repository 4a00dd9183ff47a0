"""Browser tests: Playwright for Python driving Debian's chromium (headless) against the real aiohttp app.

Chromium comes from ``scripts/ensure-chromium`` (Debian's package); never ``playwright install``. Every test
here skips with a reason when chromium or the playwright package is missing. Screenshots go to
``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.adapters import playground
from bot.server import build_app
from bot.service import Dosay
from bot.settings import load_settings
from bot.storage.store import Store
from intents.matcher import Matcher
from phrasebook.schema import Phrasebook
from tests.bot.adapters.playground_fixtures import Clock, playground_phrasebook

CHROMIUM = os.environ.get("DOSAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _skip_reason(chromium: str = CHROMIUM) -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)) and not shutil.which(chromium):
        return f"{chromium} is missing (run scripts/ensure-chromium as root to install Debian's chromium)"
    return None


class LiveServer:
    """The real app (``bot.server.build_app`` + the playground adapter) on 127.0.0.1, port 0, in a thread."""

    def __init__(self, dosay: Dosay) -> None:
        self.dosay = dosay
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="playground-server", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # surfaced to the test by start()
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        app = build_app(self.dosay, load_settings({}), adapters=[playground.register])
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    def start(self) -> LiveServer:
        self._thread.start()
        self._ready.wait(timeout=30)
        if self._error is not None or not self.url:
            raise RuntimeError(f"the playground server did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        self.dosay.close()


def _server(tmp_path: Path, phrasebook: Phrasebook) -> LiveServer:
    dosay = Dosay(
        phrasebook=phrasebook,
        matcher=Matcher(phrasebook),
        store=Store.open(f"sqlite:///{tmp_path / 'playground.db'}"),
        clock=Clock(),
    )
    return LiveServer(dosay).start()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module scope, not session: the sync Playwright API keeps an event loop running in this thread while
    it is open, which pytest-asyncio's tests in later modules cannot share."""
    reason = _skip_reason()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path, browser: Any) -> Iterator[LiveServer]:
    live = _server(tmp_path, playground_phrasebook())
    yield live
    live.stop()


@pytest.fixture
def bundled_server(tmp_path: Path, browser: Any) -> Iterator[LiveServer]:
    """As ``dosay serve`` builds it: the bundled phrasebook, the real matcher, a SQLite file."""
    from bot.server import build_dosay

    settings = load_settings({"DOSAY_DATABASE_URL": f"sqlite:///{tmp_path / 'dosay.db'}"})
    live = LiveServer(build_dosay(settings)).start()
    yield live
    live.stop()


@pytest.fixture
def console_errors() -> list[str]:
    """What the page logged as errors; a test that provokes one asserts on it and clears it."""
    return []


@pytest.fixture
def page(
    browser: Any, server: LiveServer, console_errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A fresh page on the playground; console errors fail the test; a screenshot is saved at the end."""
    yield from _page(browser, server, console_errors, request)


@pytest.fixture
def bundled_page(
    browser: Any, bundled_server: LiveServer, console_errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Any]:
    yield from _page(browser, bundled_server, console_errors, request)


def _page(
    browser: Any, server: LiveServer, errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    offsite: list[str] = []

    def same_origin_only(route: Any) -> None:
        """Tests never reach the network: anything but the test server is refused and fails the test."""
        if route.request.url.startswith(server.url + "/"):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", same_origin_only)
    opened = context.new_page()
    opened.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    # an alert() would mean injected script ran (the XSS tests); dismiss it and fail
    opened.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    opened.goto(server.url + "/")
    opened.wait_for_selector("body[data-ready='1']")
    yield opened
    ARTIFACTS.mkdir(exist_ok=True)
    opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert offsite == [], f"the page requested other origins: {offsite}"
    assert errors == [], f"the page logged errors: {errors}"
