"""``dosay bench e2e``: what a user waits on, through the real server, at a fixed rate.

The real ``dosay serve`` runs in a subprocess (Slack in HTTP mode, Teams unauthenticated on loopback)
against ``ReplySink``, a loopback fake of the Slack Web API and the Bot Framework connector that
records when each reply arrives. This process is the load generator: signed Slack events (or Teams
activities) sent open-loop at a fixed rate (each on its own schedule, so a slow server cannot slow
the sender down and hide its own latency), one aiohttp ``ClientSession``.

Mix: 20% misconceptions (phrasebook ``must_match`` examples the matcher acts on, each in its own
channel so noise control never suppresses one), 80% benign chat (``must_not_match`` examples and
chat noise the matcher stays silent on). Measured: acknowledgement latency (the HTTP response),
reply latency (sent -> reply received by the fake), errors, lost and doubled replies, the server's
CPU share and peak RSS (``/proc/<pid>/status`` VmHWM). The floor is a slack-bolt app that only acks.

    run_e2e_bench(rates=(50, 200, 500), seconds=10, databases=("sqlite", "postgres"),
                  platforms=("slack", "teams"))
    run_soak(rate=100, seconds=300, database="sqlite")

Standalone: ``python -m bot.bench_e2e --rates 50 200 500 --seconds 10``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import platform as platform_module
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.bench_e2e_targets import BOT_USER, TEAM, ReplySink, Target, start_target

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
PG_URL = os.environ.get("DOSAY_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MISCONCEPTION_SHARE = 0.2
BENIGN_CHANNELS = 20
ACK_AIM_MS = 50.0
_NOISE = (
    "morning all",
    "who has the badge for the DC office?",
    "can someone share the deck from Tuesday's call",
    "lunch? :taco:",
    "the customer wants a demo of the RAG pipeline on Thursday",
    "<@U024BE7LH> can you review the SOW by Friday? <https://example.com/sow|SOW draft>",
    "their data warehouse is on Snowflake and the SSO is Okta",
    "I'll be 5 minutes late to standup",
)
_seq = itertools.count(1)


@dataclass(frozen=True)
class Mix:
    """Texts the bundled matcher acts on (positives) and stays silent on (benign)."""

    positives: tuple[str, ...]
    benign: tuple[str, ...]

    @classmethod
    def from_phrasebook(cls) -> Mix:
        from intents.matcher import Matcher
        from phrasebook.loader import load_phrasebook

        phrasebook = load_phrasebook()
        matcher = Matcher(phrasebook)
        entries = phrasebook.entries.values()
        positives = [t for e in entries for t in e.examples.must_match if matcher.match(t)]
        benign = [t for t in (*_NOISE, *(t for e in entries for t in e.examples.must_not_match))]
        return cls(tuple(positives), tuple(t for t in benign if not matcher.match(t)))


@dataclass(frozen=True)
class Run:
    target: str  # "dosay" or "floor"
    platform: str
    database: str
    rate: int
    sent: int
    send_seconds: float
    acks_ms: tuple[float, ...]
    errors: int
    error_kinds: str  # e.g. "503 x328, timeout x2"
    expected: int
    replies_ms: tuple[float, ...]
    lost: int
    doubled: int
    unexpected: int
    cpu_percent: float
    rss_mb: float
    peak_rss_mb: float

    def ack(self, q: float) -> float:
        return percentile(self.acks_ms, q)

    def reply(self, q: float) -> float:
        return percentile(self.replies_ms, q)

    @property
    def within_aim(self) -> bool:
        return self.errors == 0 and self.ack(99) <= ACK_AIM_MS


def percentile(values: tuple[float, ...], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


# --- requests -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    path: str
    body: str
    headers: dict[str, str]
    key: tuple[str, str] | str | None  # the reply we expect, or None


def slack_request(text: str, *, channel: str, seq: int, expect: bool) -> Request:
    ts = f"{1_700_000_000 + seq}.000100"
    event = {
        "type": "message",
        "channel": channel,
        "user": f"U{seq % 97:04d}",
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }
    body = json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "ABENCH",
            "type": "event_callback",
            "event_id": f"Ev{seq:010d}{uuid.uuid4().hex[:6]}",
            "event_time": 1_700_000_000,
            "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )
    stamp = str(int(time.time()))
    signature = str(SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return Request("slack/events", body, headers, (channel, ts) if expect else None)


def teams_request(text: str, *, conversation: str, seq: int, service_url: str, expect: bool) -> Request:
    activity_id = f"17{seq:011d}"
    body = {
        "type": "message",
        "id": activity_id,
        "timestamp": "2026-06-01T08:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:user-{seq % 97}", "name": "User", "aadObjectId": f"aad-{seq % 97}"},
        "conversation": {
            "id": f"{conversation};messageid={activity_id}",
            "conversationType": "channel",
            "tenantId": "tenant-bench",
            "isGroup": True,
        },
        "recipient": {"id": "28:dosay-bench", "name": "dosay"},
        "channelData": {"tenant": {"id": "tenant-bench"}, "teamsChannelId": conversation},
        "text": text,
        "textFormat": "plain",
    }
    headers = {"Content-Type": "application/json"}
    return Request("api/messages", json.dumps(body), headers, conversation if expect else None)


def workload(mix: Mix, platform: str, service_url: str, rng: random.Random) -> Iterator[Request]:
    """Endless requests: every 5th a misconception in a channel of its own, the rest benign chat."""
    for i in itertools.count():
        seq = next(_seq)
        expect = i % round(1 / MISCONCEPTION_SHARE) == 0
        text = rng.choice(mix.positives if expect else mix.benign)
        if platform == "teams":
            where = f"19:bench-m{seq}@thread.tacv2" if expect else f"19:bench-b{seq % BENIGN_CHANNELS}@thread"
            yield teams_request(text, conversation=where, seq=seq, service_url=service_url, expect=expect)
        else:
            channel = f"CM{seq}" if expect else f"CB{seq % BENIGN_CHANNELS}"
            yield slack_request(text, channel=channel, seq=seq, expect=expect)


# --- one run ------------------------------------------------------------------------------------------------


async def drive(
    session: aiohttp.ClientSession,
    url: str,
    requests: Iterator[Request],
    *,
    rate: int,
    seconds: float,
    sent_at: dict[Any, float],
    acked: set[Any],
) -> tuple[list[float], Counter[str], float]:
    """Open loop: request i leaves at start + i/rate whatever happened to earlier ones."""
    acks: list[float] = []
    errors: Counter[str] = Counter()

    async def one(request: Request) -> None:
        started = time.monotonic()
        if request.key is not None:
            sent_at[request.key] = started
        try:
            async with session.post(url + request.path, data=request.body, headers=request.headers) as r:
                await r.read()
                kind = "" if r.status == 200 else str(r.status)
                if not kind and request.key is not None:
                    acked.add(request.key)
        except (aiohttp.ClientError, TimeoutError) as exc:
            kind = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
        acks.append((time.monotonic() - started) * 1000)
        if kind:
            errors[kind] += 1

    total = max(1, int(rate * seconds))
    tasks: list[asyncio.Task[None]] = []
    start = time.monotonic() + 0.05
    for i in range(total):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(next(requests))))
    send_seconds = time.monotonic() - start
    await asyncio.gather(*tasks)
    return acks, errors, send_seconds


async def wait_for_replies(got: Callable[[], int], expected: int, *, idle: float = 10.0) -> None:
    """Until every expected reply arrived, or none arrived for ``idle`` seconds (bounded)."""
    last, since = got(), time.monotonic()
    while got() < expected and time.monotonic() - since < idle:
        await asyncio.sleep(0.05)
        if got() != last:
            last, since = got(), time.monotonic()
    await asyncio.sleep(0.5)  # a doubled reply shortly after the first still counts


async def measure(
    session: aiohttp.ClientSession,
    target: Target,
    sink: ReplySink,
    mix: Mix,
    *,
    platform: str,
    database: str,
    rate: int,
    seconds: float,
    progress: bool = True,
) -> Run:
    sink.clear()
    sent_at: dict[Any, float] = {}
    acked: set[Any] = set()
    requests = workload(mix, platform, sink.url, random.Random(rate))
    cpu0, wall0 = target.cpu_seconds(), time.monotonic()
    acks, errors, send_seconds = await drive(
        session, target.url, requests, rate=rate, seconds=seconds, sent_at=sent_at, acked=acked
    )
    arrivals: dict[Any, list[float]] = sink.teams if platform == "teams" else sink.slack
    expected = len(sent_at) if target.name == "dosay" else 0
    if expected:
        await wait_for_replies(lambda: sum(1 for k in sent_at if k in arrivals), expected)
    cpu = (target.cpu_seconds() - cpu0) / max(1e-9, time.monotonic() - wall0) * 100
    replies = tuple((arrivals[k][0] - t) * 1000 for k, t in sent_at.items() if arrivals.get(k))
    rss, peak = target.memory_kb()
    run = Run(
        target=target.name,
        platform=platform,
        database=database,
        rate=rate,
        sent=len(acks),
        send_seconds=send_seconds,
        acks_ms=tuple(acks),
        errors=sum(errors.values()),
        error_kinds=", ".join(f"{kind} x{n}" for kind, n in errors.most_common()),
        expected=expected,
        replies_ms=replies if expected else (),
        # lost: acknowledged (200) but never answered; a refused request is an error (the platform retries)
        lost=sum(1 for k in acked if not arrivals.get(k)) if expected else 0,
        doubled=sum(1 for k in sent_at if len(arrivals.get(k, ())) > 1) if expected else 0,
        unexpected=sum(1 for k in arrivals if k not in sent_at),
        cpu_percent=cpu,
        rss_mb=rss / 1024,
        peak_rss_mb=peak / 1024,
    )
    if progress:
        print(f"[bench e2e] {render_row(run)} {run.error_kinds}", file=sys.stderr, flush=True)
    return run


# --- databases and servers ----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def database_url(database: str) -> Any:
    """A fresh database per server: a SQLite file in a temp dir, or a new PostgreSQL schema (dropped)."""
    if database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="dosay-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    import sqlalchemy

    schema = f"dosay_bench_{uuid.uuid4().hex[:10]}"
    engine = sqlalchemy.create_engine(PG_URL, connect_args={"connect_timeout": 2})
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        # a fresh connection: other test suites on this machine may terminate idle backends
        engine = sqlalchemy.create_engine(PG_URL, connect_args={"connect_timeout": 2})
        try:
            with engine.begin() as conn:
                conn.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        except sqlalchemy.exc.SQLAlchemyError as exc:
            print(f"[bench e2e] could not drop schema {schema}: {type(exc).__name__}", file=sys.stderr)
        engine.dispose()


def postgres_problem() -> str | None:
    """None when PostgreSQL answers at PG_URL, else why not (the PostgreSQL rows are then skipped)."""
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_URL.split('@')[-1]} ({type(exc).__name__}): rows skipped"
    return None


def server_env(sink: ReplySink, db_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "DOSAY_SLACK_API_URL": sink.url + "api/",
        "DOSAY_DATABASE_URL": db_url,
        "DOSAY_HOST": "127.0.0.1",
        "DOSAY_PORT": "0",
        "DOSAY_LOG_FORMAT": "json",
    }


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=10)
    )


async def _server_runs(
    session: aiohttp.ClientSession,
    sink: ReplySink,
    mix: Mix,
    database: str,
    platforms: tuple[str, ...],
    rates: tuple[int, ...],
    seconds: float,
) -> list[Run]:
    """One fresh database and dosay server; every platform at every rate (after a short warm-up)."""
    runs: list[Run] = []
    async with database_url(database) as url:
        server = await start_target("dosay", ["bot.cli", "serve"], server_env(sink, url))
        try:
            for platform in platforms:
                # warm-up: the first auth.test, connection pools, lazy imports
                await measure(
                    session, server, sink, mix, platform=platform, database=database, rate=20, seconds=1
                )
                for rate in rates:
                    runs.append(
                        await measure(
                            session,
                            server,
                            sink,
                            mix,
                            platform=platform,
                            database=database,
                            rate=rate,
                            seconds=seconds,
                        )
                    )
        finally:
            await server.stop()
    return runs


async def _bench(
    rates: tuple[int, ...], seconds: float, databases: tuple[str, ...], platforms: tuple[str, ...]
) -> list[Run | str]:
    mix = Mix.from_phrasebook()
    results: list[Run | str] = []
    sink = await ReplySink().start()
    try:
        async with _session() as session:
            if "slack" in platforms:
                floor = await start_target("floor", ["bot.bench_e2e_targets", "floor"], server_env(sink, ""))
                try:
                    await measure(
                        session, floor, sink, mix, platform="slack", database="-", rate=20, seconds=1
                    )
                    for rate in rates:
                        results.append(
                            await measure(
                                session,
                                floor,
                                sink,
                                mix,
                                platform="slack",
                                database="-",
                                rate=rate,
                                seconds=seconds,
                            )
                        )
                finally:
                    await floor.stop()
            for database in databases:
                if database == "postgres" and (problem := postgres_problem()):
                    results.append(problem)
                    continue
                try:
                    results += await _server_runs(session, sink, mix, database, platforms, rates, seconds)
                except Exception as exc:  # keep the rows of the other databases
                    results.append(f"{database}: the run stopped early ({type(exc).__name__}: {exc})"[:300])
    finally:
        await sink.stop()
    return results


# --- report -------------------------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, {model}, Python {platform_module.python_version()}, "
        f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def render_row(run: Run) -> str:
    replies = f"{len(run.replies_ms)}/{run.expected}" if run.expected else "-"
    return (
        f"| {run.target} | {run.platform} | {run.database} | {run.rate} | {run.sent} | "
        f"{_ms(run.ack(50))} | {_ms(run.ack(95))} | {_ms(run.ack(99))} | {run.errors} | {replies} | "
        f"{_ms(run.reply(50))} | {_ms(run.reply(99))} | {run.lost} | {run.doubled} | "
        f"{run.cpu_percent:.0f} | {run.rss_mb:.0f} | {run.peak_rss_mb:.0f} |"
    )


def render(runs: list[Run | str], seconds: float) -> str:
    lines = [
        f"End-to-end bench: {seconds:g} s per rate, {MISCONCEPTION_SHARE:.0%} misconceptions "
        f"(each in its own channel), the rest benign chat. Machine: {machine()}.",
        "",
        "| target | platform | db | rate/s | sent | ack p50 ms | ack p95 ms | ack p99 ms | errors | "
        "replies | reply p50 ms | reply p99 ms | lost | doubled | server CPU % | RSS MB | peak RSS MB |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes: list[str] = []
    floor = {r.rate: r for r in runs if isinstance(r, Run) and r.target == "floor"}
    for run in runs:
        if isinstance(run, str):
            notes.append(run)
            continue
        if run.error_kinds:
            notes.append(
                f"{run.target}/{run.platform}/{run.database} @ {run.rate}/s errors: {run.error_kinds}"
            )
        achieved = run.sent / max(run.send_seconds, 1e-9)
        if achieved < run.rate * 0.95:
            notes.append(
                f"{run.target}/{run.platform}/{run.database} @ {run.rate}/s: the sender only "
                f"reached {achieved:.0f}/s (the load generator saturated too)"
            )
        lines.append(render_row(run))
    ratios = []
    for run in runs:
        if isinstance(run, Run) and run.target == "dosay" and run.platform == "slack" and run.rate in floor:
            base = floor[run.rate]
            ratios.append(
                f"- slack/{run.database} @ {run.rate}/s: ack p50 {run.ack(50) / base.ack(50):.2f}x, "
                f"p99 {run.ack(99) / base.ack(99):.2f}x the bare slack-bolt floor"
            )
    if ratios:
        lines += ["", "Overhead against the floor (same load, slack-bolt that only acks):", *ratios]
    saturation = []
    for key in sorted({(r.target, r.platform, r.database) for r in runs if isinstance(r, Run)}):
        ladder = sorted(
            (r for r in runs if isinstance(r, Run) and (r.target, r.platform, r.database) == key),
            key=lambda r: r.rate,
        )
        ok = [r.rate for r in ladder if r.within_aim]
        over = [r.rate for r in ladder if not r.within_aim]
        verdict = (
            f"holds p99 ack <= {ACK_AIM_MS:.0f} ms with no errors up to {max(ok)}/s"
            if ok
            else "never within aim"
        )
        if over:
            verdict += f"; first over at {min(over)}/s"
        saturation.append(f"- {'/'.join(key)}: {verdict}")
    lines += ["", "Saturation (p99 ack > 50 ms or errors):", *saturation]
    if notes:
        lines += ["", "Notes:", *(f"- {n}" for n in notes)]
    return "\n".join(lines)


def run_e2e_bench(
    *,
    rates: tuple[int, ...] = (50, 200, 500),
    seconds: float = 10.0,
    databases: tuple[str, ...] = ("sqlite", "postgres"),
    platforms: tuple[str, ...] = ("slack", "teams"),
) -> str:
    """Run the bench and return the report (Markdown tables)."""
    unknown = set(platforms) - {"slack", "teams"} | set(databases) - {"sqlite", "postgres"}
    if unknown:
        raise ValueError(
            f"unknown platform or database {sorted(unknown)}: use slack/teams and sqlite/postgres"
        )
    return render(asyncio.run(_bench(rates, seconds, databases, platforms)), seconds)


# --- soak ---------------------------------------------------------------------------------------------------


async def _soak(rate: int, seconds: float, database: str, sample_every: float) -> str:
    mix = Mix.from_phrasebook()
    sink = await ReplySink().start()
    samples: list[tuple[float, float, float]] = []
    try:
        async with _session() as session, database_url(database) as url:
            server = await start_target("dosay", ["bot.cli", "serve"], server_env(sink, url))
            try:
                await measure(
                    session, server, sink, mix, platform="slack", database=database, rate=20, seconds=1
                )
                started = time.monotonic()

                async def sample() -> None:
                    while True:
                        rss, peak = server.memory_kb()
                        samples.append((time.monotonic() - started, rss / 1024, peak / 1024))
                        await asyncio.sleep(sample_every)

                sampler = asyncio.create_task(sample())
                try:
                    run = await measure(
                        session,
                        server,
                        sink,
                        mix,
                        platform="slack",
                        database=database,
                        rate=rate,
                        seconds=seconds,
                    )
                finally:
                    sampler.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sampler
                rss, peak = server.memory_kb()
                samples.append((time.monotonic() - started, rss / 1024, peak / 1024))
            finally:
                await server.stop()
    finally:
        await sink.stop()
    warm = [s for s in samples if s[0] >= 60] or samples
    lines = [
        f"Soak: slack on {database}, {rate} events/s for {seconds:g} s ({run.sent} events), RSS every "
        f"{sample_every:g} s. Machine: {machine()}.",
        "",
        f"ack p50/p95/p99 {_ms(run.ack(50))}/{_ms(run.ack(95))}/{_ms(run.ack(99))} ms, errors {run.errors}, "
        f"replies {len(run.replies_ms)}/{run.expected}, lost {run.lost}, doubled {run.doubled}, "
        f"reply p50/p99 {_ms(run.reply(50))}/{_ms(run.reply(99))} ms.",
        f"RSS after the first minute: min {min(s[1] for s in warm):.1f} MB, "
        f"max {max(s[1] for s in warm):.1f} MB, "
        f"first {warm[0][1]:.1f} MB, last {warm[-1][1]:.1f} MB; peak (VmHWM) {samples[-1][2]:.1f} MB.",
        "",
        "| t s | RSS MB | peak MB |",
        "|---:|---:|---:|",
        *(f"| {t:.0f} | {rss:.1f} | {peak:.1f} |" for t, rss, peak in samples),
    ]
    return "\n".join(lines)


def run_soak(
    *, rate: int = 100, seconds: float = 300.0, database: str = "sqlite", sample_every: float = 10.0
) -> str:
    """Steady load for ``seconds`` with the server's RSS sampled every ``sample_every`` s: is memory flat?"""
    return asyncio.run(_soak(rate, seconds, database, sample_every))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench_e2e", description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--platforms", nargs="+", default=["slack", "teams"])
    parser.add_argument("--soak", type=float, default=0.0, help="instead: soak for this many seconds")
    parser.add_argument("--soak-rate", type=int, default=100)
    args = parser.parse_args(argv)
    if args.soak:
        print(run_soak(rate=args.soak_rate, seconds=args.soak, database=args.databases[0]))
        return 0
    print(
        run_e2e_bench(
            rates=tuple(args.rates),
            seconds=args.seconds,
            databases=tuple(args.databases),
            platforms=tuple(args.platforms),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
