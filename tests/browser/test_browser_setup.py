"""The browser tests' own setup: without Chromium they skip with a reason that says how to get it."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import CHROMIUM_ARGS, _skip_reason


def test_a_missing_chromium_is_a_skip_reason_naming_the_fix(tmp_path: Path) -> None:
    reason = _skip_reason(str(tmp_path / "no-chromium"))
    assert reason is not None
    assert "is missing" in reason and "scripts/ensure-chromium" in reason


def test_chromium_runs_headless_with_the_flags_the_issue_names() -> None:
    for flag in ("--no-sandbox", "--disable-gpu", "--disable-background-networking"):
        assert flag in CHROMIUM_ARGS
