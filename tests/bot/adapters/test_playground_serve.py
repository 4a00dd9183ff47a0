"""What a newcomer runs: ``make run`` is ``dosay serve``, which with no credentials prints the address to open
and serves the playground there (a real subprocess on a free port, SQLite in a temporary directory)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CREDENTIALS = ("SLACK_", "MICROSOFTAPP", "DOSAY_")


def test_make_run_is_dosay_serve() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # Under `make test` the parent make's MAKEFLAGS/MAKELEVEL would add "make[1]: Entering directory" lines.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert dry_run[-1] == ".venv/bin/dosay serve"


def test_dosay_serve_without_credentials_prints_the_address_and_serves_the_playground(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(CREDENTIALS)}
    env.update(DOSAY_PORT="0", PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # pytest-timeout ends a hang
            if line.startswith("dosay is serving on "):
                break
        else:
            raise AssertionError(f"dosay serve exited with {process.wait()} before printing its address")
        url = line.removeprefix("dosay is serving on ").split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        assert "playground at /" in line and "press Ctrl+C to stop" in line
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
        with direct.open(url) as page:
            assert page.status == 200
            assert "<title>dosay playground</title>" in page.read().decode()
        assert (tmp_path / "dosay.db").exists()  # SQLite in the working directory
    finally:
        process.terminate()
        process.wait()
