"""CLI tests in the CliRunner style: call main() with argv and a buffer, assert on output and exit code."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from phrasebook.loader import bundled_data_dir

DEV_SET = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"


def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv, out=out)
    finally:
        sys.stdin = old
    return code, out.getvalue()


def test_check_replies_with_the_reframe() -> None:
    code, out = run(["check", "We could train it on your policies."])
    assert code == 0
    assert "retrieval" in out.lower()
    assert "NIST AI 600-1" in out
    assert "verify against current rate cards" in out


def test_check_is_silent_on_negation() -> None:
    code, out = run(["check", "the weights are frozen, so it won't learn from your chats"])
    assert code == 1
    assert "silent" in out


def test_check_explain_lists_matches() -> None:
    code, out = run(["check", "--explain", "Inference is basically free."])
    assert code == 0
    assert "match: inference-is-free" in out


def test_match_jsonl_contract() -> None:
    lines = [
        {"id": "a", "text": "Fine-tuning is expensive."},
        {"id": "b", "text": "morning all"},
        {"id": "c", "text": "the AI will learn from your data over time"},
    ]
    stdin = "".join(json.dumps(x) + "\n" for x in lines)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "match", "--jsonl"],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert records[0]["matches"][0]["entry"] == "finetuning-is-expensive"
    assert records[1]["matches"] == []
    assert records[2]["matches"][0]["entry"] == "ai-learns-over-time"
    for record in records:
        for match in record["matches"]:
            assert set(match) == {"entry", "score", "why"} and 0 <= match["score"] <= 1


def test_match_jsonl_reports_bad_lines_and_continues(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["match", "--jsonl"], stdin='not json\n{"id": 2, "text": "morning"}\n')
    assert code == 2
    assert json.loads(out.strip()) == {"id": 2, "matches": []}
    assert "stdin:1" in capsys.readouterr().err


@pytest.mark.skipif(not DEV_SET.exists(), reason="shared/eval/dev.jsonl is not beside the repository")
def test_eval_meets_the_quality_bar_on_the_dev_set() -> None:
    code, out = run(["eval", str(DEV_SET), "--json"])
    assert code == 0
    report = json.loads(out)
    assert report["precision"] >= 0.97, report["errors"]
    assert report["recall"] >= 0.95, report["errors"]


def test_eval_text_report(tmp_path: Path) -> None:
    labelled = tmp_path / "mini.jsonl"
    labelled.write_text(
        json.dumps({"id": "1", "text": "Inference is basically free.", "labels": ["inference-is-free"]})
        + "\n"
        + json.dumps({"id": "2", "text": "morning", "labels": ["none"]})
        + "\n"
    )
    code, out = run(["eval", str(labelled)])
    assert code == 0
    assert "precision 1.000  recall 1.000" in out
    assert "inference-is-free" in out


def test_eval_bad_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1"}\n')
    assert run(["eval", str(bad)])[0] == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_lint_bundled_phrasebook_passes() -> None:
    code, out = run(["phrasebook", "lint", "--today", "2026-06-01"])
    assert code == 0, out


def test_broken_phrasebook_names_file_entry_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    copy = tmp_path / "book"
    shutil.copytree(bundled_data_dir(), copy)
    target = copy / "entries" / "inference-is-free.yaml"
    target.write_text(target.read_text().replace("cost_band: inference", "cost_band: cheap"))
    code, _ = run(["--phrasebook", str(copy), "check", "Inference is basically free."])
    assert code == 2
    err = capsys.readouterr().err
    assert "inference-is-free.yaml" in err and "inference-is-free" in err and "cost_band" in err


def test_tip_is_deterministic() -> None:
    assert run(["tip", "--date", "2026-07-01"]) == run(["tip", "--date", "2026-07-01"])
    assert run(["tip", "--date", "2026-07-01"])[1] != run(["tip", "--date", "2026-07-02"])[1]


def test_lookup_finds_the_entry() -> None:
    code, out = run(["lookup", "fine-tuning", "cost"])
    assert code == 0
    assert "fine-tuning" in out.lower()


def test_cost_estimates_and_rejects_nonsense(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["cost", "inference", "10M", "in", "2M", "out"])
    assert code == 0 and "$" in out and "verify against current rate cards" in out
    assert run(["cost", "banana"])[0] == 2
    assert capsys.readouterr().err.strip()


def test_chat_shows_reply_and_silence() -> None:
    code, out = run(["chat"], stdin="Inference is basically free.\nmorning all\n/quit\n")
    assert code == 0
    assert "per-token" in out.lower() or "per token" in out.lower()
    assert "stays silent" in out


def test_help_and_unknown_command() -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_bench_e2e_passes_its_options_to_the_e2e_bench(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.bench_e2e

    seen: dict[str, object] = {}

    def fake_e2e(**kwargs: object) -> str:
        seen.update(kwargs)
        return "| target | e2e report |"

    monkeypatch.setattr(bot.bench_e2e, "run_e2e_bench", fake_e2e)
    code, out = run(["bench", "e2e", "--rates", "20", "40", "--seconds", "2", "--databases", "sqlite"])
    assert code == 0
    assert "e2e report" in out
    assert seen == {
        "rates": (20, 40),
        "seconds": 2.0,
        "databases": ("sqlite",),
        "platforms": ("slack", "teams"),
    }


def test_bench_soak_passes_its_options_to_the_soak(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.bench_e2e

    seen: dict[str, object] = {}

    def fake_soak(**kwargs: object) -> str:
        seen.update(kwargs)
        return "Soak: report"

    monkeypatch.setattr(bot.bench_e2e, "run_soak", fake_soak)
    code, out = run(["bench", "soak", "--rate", "50", "--seconds", "30", "--database", "postgres"])
    assert code == 0
    assert "Soak: report" in out
    assert seen == {"rate": 50, "seconds": 30.0, "database": "postgres", "sample_every": 10.0}


@pytest.mark.parametrize(
    "argv",
    [
        ["bench", "e2e", "--databases", "mysql"],
        ["bench", "e2e", "--rates", "0"],
        ["bench", "soak", "--seconds", "-5"],
        ["bench", "e2e", "--platforms", "discord"],
    ],
)
def test_bench_rejects_bad_options_with_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        run(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err
