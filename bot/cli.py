"""The ``dosay`` command line. Thin: parse arguments, call the pure core, print.

Exit codes: 0 success (``check``: the bot would reply), 1 ``check`` would stay silent or
``lint`` found errors, 2 usage or input errors (bad phrasebook, bad JSON line, bad query).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from bot import messages
from intents.matcher import Matcher
from phrasebook.loader import PhrasebookError, load_phrasebook
from phrasebook.schema import Phrasebook

EXIT_OK, EXIT_SILENT, EXIT_USAGE = 0, 1, 2


def _phrasebook_dir(args: argparse.Namespace) -> Path | None:
    chosen = getattr(args, "phrasebook", None) or os.environ.get("DOSAY_PHRASEBOOK")
    return Path(chosen) if chosen else None


def _load(args: argparse.Namespace) -> Phrasebook:
    return load_phrasebook(_phrasebook_dir(args))


# --- commands ---------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from bot.render.text import render_text
    from bot.replies import build_reply

    phrasebook = _load(args)
    matches = Matcher(phrasebook).match(args.text)
    if not matches:
        out.write(messages.CHECK_SILENT + "\n")
        return EXIT_SILENT
    reply = build_reply(phrasebook, matches[0], today=date.today())
    out.write(render_text(reply) + "\n")
    if args.explain:
        for match in matches:
            out.write(f"  match: {match.entry} {match.score:.3f} {match.why}\n")
    return EXIT_OK


def cmd_match(args: argparse.Namespace, out: TextIO) -> int:
    matcher = Matcher(_load(args))
    stdin: TextIO = args.stdin
    status = EXIT_OK
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError("expected an object with a string 'text'")
        except ValueError as exc:
            sys.stderr.write(f'stdin:{number}: {exc}; skipped (expected {{"id": ..., "text": ...}})\n')
            status = EXIT_USAGE
            continue
        matches = matcher.match(item["text"])
        record = {
            "id": item.get("id"),
            "matches": [{"entry": m.entry, "score": m.score, "why": m.why} for m in matches],
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return status


def cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    from bot.render.report import render_report
    from intents.evaluate import evaluate, parse_lines

    path = Path(args.file)
    try:
        lines = parse_lines(path.read_text(encoding="utf-8").splitlines(), source=str(path))
    except OSError as exc:
        sys.stderr.write(f"{path}: {exc.strerror}\n")
        return EXIT_USAGE
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_USAGE
    matcher = Matcher(_load(args))
    report = evaluate(lines, matcher.match)
    if args.json:
        out.write(
            json.dumps(
                {
                    "precision": report.precision,
                    "recall": report.recall,
                    "f1": report.f1,
                    **report.model_dump(),
                },
                indent=2,
            )
            + "\n"
        )
    else:
        out.write(render_report(report, show_errors=not args.quiet))
    if args.errors:
        Path(args.errors).write_text(
            "".join(e.model_dump_json() + "\n" for e in report.errors), encoding="utf-8"
        )
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace, out: TextIO) -> int:
    from bot.render.lookups import render_lookup
    from intents.lookup import search

    phrasebook = _load(args)
    result = search(phrasebook, " ".join(args.query))
    out.write(render_lookup(phrasebook, result) + "\n")
    return EXIT_OK if result.hits else EXIT_SILENT


def cmd_cost(args: argparse.Namespace, out: TextIO) -> int:
    from bot.render.lookups import render_cost
    from intents.cost import CostQueryError, estimate, parse_cost_query

    phrasebook = _load(args)
    try:
        query = parse_cost_query(" ".join(args.query))
        result = estimate(phrasebook, query)
    except CostQueryError as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_USAGE
    out.write(render_cost(result) + "\n")
    return EXIT_OK


def cmd_tip(args: argparse.Namespace, out: TextIO) -> int:
    from intents.tips import tip_for_day

    phrasebook = _load(args)
    day = date.fromisoformat(args.date) if args.date else date.today()
    stale = set(phrasebook.stale_entries(day)) | {
        b.id for b in phrasebook.cost_bands.values() if b.is_stale(day)
    }
    tip = tip_for_day(phrasebook.tips, day, skip=stale)
    out.write(f"Tip for {day.isoformat()}: {tip.text}\n")
    return EXIT_OK


def cmd_lint(args: argparse.Namespace, out: TextIO) -> int:
    from intents.examples import check_examples
    from phrasebook.lint import lint

    directory = Path(args.dir) if args.dir else _phrasebook_dir(args)
    today = date.fromisoformat(args.today) if args.today else date.today()
    phrasebook = load_phrasebook(directory, today=today)
    findings = lint(
        phrasebook,
        today=today,
        strict=args.strict,
        bundled=directory is None,
        example_checker=check_examples,
    )
    for finding in findings:
        out.write(f"{finding.level}: {finding.message}\n")
    errors = [f for f in findings if f.level == "error" or (args.strict and f.level == "warning")]
    out.write(
        f"{len(phrasebook.entries)} entries, {len(findings)} findings, {len(errors)} failing"
        f"{' (strict)' if args.strict else ''}\n"
    )
    return EXIT_SILENT if errors else EXIT_OK


def cmd_chat(args: argparse.Namespace, out: TextIO) -> int:
    from bot.console import run_console

    return run_console(_load(args), stdin=args.stdin, out=out)


def cmd_bench(args: argparse.Namespace, out: TextIO) -> int:
    from bot.bench import run_bench

    out.write(run_bench(messages_per_run=args.messages, scales=tuple(args.scales)) + "\n")
    return EXIT_OK


def cmd_bench_e2e(args: argparse.Namespace, out: TextIO) -> int:
    from bot.bench_e2e import run_e2e_bench

    report = run_e2e_bench(
        rates=tuple(args.rates),
        seconds=args.seconds,
        databases=tuple(args.databases),
        platforms=tuple(args.platforms),
    )
    out.write(report + "\n")
    return EXIT_OK


def cmd_bench_soak(args: argparse.Namespace, out: TextIO) -> int:
    from bot.bench_e2e import run_soak

    report = run_soak(
        rate=args.rate, seconds=args.seconds, database=args.database, sample_every=args.sample_every
    )
    out.write(report + "\n")
    return EXIT_OK


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from bot.server import run_server
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_USAGE
    run_server(settings)
    return EXIT_OK


def cmd_teams_package(args: argparse.Namespace, out: TextIO) -> int:
    from bot.teams_package import TeamsPackageError, build_teams_package

    try:
        path = build_teams_package(args.app_id, Path(args.out))
    except TeamsPackageError as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_USAGE
    out.write(f"wrote {path}\n")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    from bot.stats import print_stats

    return print_stats(out, now=datetime.now().astimezone())


# --- parser -----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dosay",
        description="Reframe AI-lifecycle misconceptions (pre-training, fine-tuning, inference + RAG).",
    )
    parser.add_argument(
        "--phrasebook",
        metavar="DIR",
        help="load this phrasebook directory (default: $DOSAY_PHRASEBOOK or bundled)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("chat", help="terminal playground: type chat lines, see what dosay would post")
    p.set_defaults(func=cmd_chat, stdin=sys.stdin)

    p = sub.add_parser("check", help="print the reply dosay would post for TEXT (exit 1 when silent)")
    p.add_argument("text")
    p.add_argument("--explain", action="store_true", help="also list every match with its reason")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("match", help='read {"id", "text"} JSON lines on stdin, write matches per line')
    p.add_argument("--jsonl", action="store_true", required=True, help="JSON lines in and out")
    p.set_defaults(func=cmd_match, stdin=sys.stdin)

    p = sub.add_parser(
        "eval", help="precision, recall, F1, per-entry table and confusion for a labelled file"
    )
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.add_argument("--quiet", action="store_true", help="leave out the list of errors")
    p.add_argument("--errors", metavar="FILE", help="write the misclassified lines as JSON lines")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("lookup", help="search entries, regime cards and cost rows")
    p.add_argument("query", nargs="+")
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser("cost", help="estimate a cost, e.g. 'fine-tuning 2M tokens 3 epochs 720 hours'")
    p.add_argument("query", nargs="+")
    p.set_defaults(func=cmd_cost)

    p = sub.add_parser("tip", help="the daily tip (deterministic rotation, no repeats until all are used)")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_tip)

    p = sub.add_parser("phrasebook", help="phrasebook tools")
    psub = p.add_subparsers(dest="phrasebook_command", metavar="SUBCOMMAND", required=True)
    lint_parser = psub.add_parser("lint", help="schema, duplicates, staleness and every entry's examples")
    lint_parser.add_argument("dir", nargs="?", help="phrasebook directory (default: bundled)")
    lint_parser.add_argument("--strict", action="store_true", help="warnings fail too")
    lint_parser.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    lint_parser.set_defaults(func=cmd_lint)

    p = sub.add_parser(
        "bench",
        help="benchmarks: the matcher (default), e2e through the real server, soak",
        description="Without a subcommand: matcher throughput, latency, start-up and memory. "
        "`dosay bench e2e` and `dosay bench soak` measure the whole path through the real server "
        "(see BENCHMARKS.md).",
    )
    p.add_argument("--messages", type=int, default=5000, help="messages per measured run")
    p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100], help="phrasebook size multipliers")
    p.set_defaults(func=cmd_bench)
    bsub = p.add_subparsers(dest="bench_command", metavar="{e2e,soak}")
    e2e = bsub.add_parser(
        "e2e",
        help="acknowledgement and reply latency through the real server, against a bare slack-bolt floor",
    )
    e2e.add_argument("--rates", type=_positive_int, nargs="+", default=[50, 200, 500], help="events/s")
    e2e.add_argument("--seconds", type=_positive_float, default=10.0, help="duration of each rate")
    e2e.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    e2e.add_argument("--platforms", nargs="+", choices=["slack", "teams"], default=["slack", "teams"])
    e2e.set_defaults(func=cmd_bench_e2e)
    soak = bsub.add_parser("soak", help="steady Slack load with the server's memory sampled: is it flat?")
    soak.add_argument("--rate", type=_positive_int, default=100, help="events/s")
    soak.add_argument("--seconds", type=_positive_float, default=300.0, help="duration")
    soak.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    soak.add_argument("--sample-every", type=_positive_float, default=10.0, help="RSS sampling interval, s")
    soak.set_defaults(func=cmd_bench_soak)

    p = sub.add_parser("serve", help="run the HTTP server (Slack, Teams, playground)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("teams-package", help="write the installable Teams app zip")
    p.add_argument("--app-id", required=True)
    p.add_argument("--out", default="dosay-teams.zip")
    p.set_defaults(func=cmd_teams_package)

    p = sub.add_parser("stats", help="corrections per entry per week, accepted corrections, feedback ratio")
    p.set_defaults(func=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    stream = out or sys.stdout
    try:
        code: int = args.func(args, stream)
    except PhrasebookError as exc:
        sys.stderr.write(f"{messages.PHRASEBOOK_INVALID}\n{exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
