"""What ``dosay bench e2e`` drives: recording loopback fakes, the floor app, and server subprocesses.

- ``ReplySink``: one aiohttp server on 127.0.0.1 port 0 that plays both the Slack Web API
  (``/api/{method}``) and the Bot Framework connector (``/v3/conversations/...``), recording when each
  reply arrived (``time.monotonic``, the same clock the load generator uses in this process).
- ``python -m bot.bench_e2e_targets floor``: a minimal slack-bolt ``AsyncApp`` that only acknowledges
  (same aiohttp serving and signature check as dosay), the framework's own cost.
- ``start_target``: a subprocess (dosay ``serve`` or the floor) on a free port; its pid for RSS and CPU.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
BOT_USER = "UBENCH"
BOT_ID = "BBENCH"
TEAM = "TBENCH"


@dataclass
class ReplySink:
    """Reply arrival times by what the load generator expects (Slack: channel+thread; Teams: conversation)."""

    slack: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    teams: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    other_calls: int = 0
    url: str = ""
    _runner: web.AppRunner | None = None
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> ReplySink:
        app = web.Application(client_max_size=4 * 1024**2)
        app.router.add_post("/api/{method}", self._slack)
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._teams)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._teams)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def clear(self) -> None:
        self.slack.clear()
        self.teams.clear()
        self.other_calls = 0

    async def _slack(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        params: dict[str, Any] = (
            json.loads(raw) if request.content_type == "application/json" and raw else dict(parse_qsl(raw))
        )
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "url": "https://b/"}
            )
        if method == "chat.postMessage":
            at = time.monotonic()
            self.slack[(str(params.get("channel")), str(params.get("thread_ts")))].append(at)
            ts = f"1900000000.{next(self._ts):06d}"
            return web.json_response({"ok": True, "channel": params.get("channel"), "ts": ts})
        self.other_calls += 1
        return web.json_response({"ok": True})

    async def _create(self, request: web.Request) -> web.Response:
        await request.read()
        self.other_calls += 1
        return web.json_response({"id": "a:personal-bench", "activityId": "created"}, status=201)

    async def _teams(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        await request.read()
        conversation = request.match_info["conversation"].split(";messageid=", 1)[0]
        self.teams[conversation].append(at)
        return web.json_response({"id": f"1900000000{next(self._ts):06d}"}, status=201)


# --- the floor: slack-bolt that only acknowledges ------------------------------------------------------


def floor_app(signing_secret: str, token: str, api_url: str) -> web.Application:
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        signing_secret=signing_secret,
        client=AsyncWebClient(token=token, base_url=api_url),
        process_before_response=False,
    )

    @bolt.event("message")
    async def ignore(event: dict[str, Any]) -> None:
        return None

    async def events(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application(client_max_size=1024**2)
    app.router.add_post("/slack/events", events)
    return app


async def _serve_floor() -> None:
    app = floor_app(
        os.environ["SLACK_SIGNING_SECRET"], os.environ["SLACK_BOT_TOKEN"], os.environ["DOSAY_SLACK_API_URL"]
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(f"floor serving on http://127.0.0.1:{runner.addresses[0][1]}/ (slack only)", flush=True)
    stop = asyncio.Event()
    import signal

    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


# --- subprocess targets ----------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    process: asyncio.subprocess.Process
    url: str

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory_kb(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) in kB from /proc: current and peak resident memory."""
        values = {"VmRSS": 0, "VmHWM": 0}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
        return values["VmRSS"], values["VmHWM"]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process (all threads) so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def start_target(name: str, args: list[str], env: dict[str, str]) -> Target:
    """Start ``python -m ARGS`` and wait (bounded) for its "serving on URL" line."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    # DOSAY_BENCH_SERVER_LOG=FILE keeps the targets' stderr (their logs) for a look afterwards
    log_path = os.environ.get("DOSAY_BENCH_SERVER_LOG")
    stderr: Any = open(log_path, "ab") if log_path else asyncio.subprocess.DEVNULL  # noqa: SIM115
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *args,
        cwd=ROOT,
        env={**base, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=stderr,
    )
    assert process.stdout is not None
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=120)).decode()
        if not line:
            raise RuntimeError(f"{name} exited with {await process.wait()} before serving; run it by hand")
        if "serving on " in line:
            url = line.split("serving on ", 1)[1].split()[0]
            # keep draining stdout so a chatty server never blocks on a full pipe
            asyncio.get_running_loop().create_task(_drain(process.stdout))
            return Target(name, process, url)


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


if __name__ == "__main__":
    if sys.argv[1:] != ["floor"]:
        sys.exit("usage: python -m bot.bench_e2e_targets floor (env: SLACK_* and DOSAY_SLACK_API_URL)")
    asyncio.run(_serve_floor())
