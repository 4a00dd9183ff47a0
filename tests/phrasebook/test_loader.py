"""Loader: every error names file, entry and field; loading is all-or-nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phrasebook.loader import PhrasebookError, bundled_data_dir, load_phrasebook, normalize_trigger
from phrasebook.schema import Phrasebook, Regime

from .conftest import FIXTURES, TODAY, VALID

ENTRY = "entries/inference-is-free.yaml"


def edit(book: Path, rel: str, old: str, new: str) -> None:
    path = book / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(book: Path, today: date = TODAY) -> list[str]:
    with pytest.raises(PhrasebookError) as info:
        load_phrasebook(book, today=today)
    assert info.value.problems, "PhrasebookError without problems"
    for problem in info.value.problems:
        assert problem in str(info.value)
    return info.value.problems


def only(found: list[str], *needles: str) -> str:
    hits = [p for p in found if all(n in p for n in needles)]
    assert hits, f"no problem with {needles} in {found}"
    return hits[0]


def test_valid_fixture_loads() -> None:
    book = load_phrasebook(VALID, today=TODAY)
    assert isinstance(book, Phrasebook)
    assert sorted(book.entries) == ["ai-learns-over-time", "inference-is-free"]
    assert set(book.regimes) == set(Regime)
    assert set(book.cost_bands) == {"pre-training", "fine-tuning", "fine-tuning-rft", "inference", "rag"}
    assert [t.id for t in book.tips][:2] == ["t-frozen", "t-output"]
    assert book.origin == str(VALID)
    assert book.cost_bands["fine-tuning"].figures["hosting_per_hour_low"] == 1.70


def test_bundled_dir_is_the_package_data() -> None:
    assert bundled_data_dir() == Path(__file__).resolve().parents[2] / "phrasebook" / "data"
    assert (bundled_data_dir() / "cost_bands.yaml").is_file()


def test_yaml_syntax_error_has_line_number(book: Path) -> None:
    edit(book, ENTRY, "why: Prevents", "why: [Prevents")
    problem = only(problems(book), "inference-is-free.yaml", "inference-is-free")
    assert "line 8" in problem and "YAML syntax error" in problem


def test_syntax_error_fixture() -> None:
    problem = only(problems(FIXTURES / "broken-syntax"), "tips.yaml", "line 3")
    assert "YAML syntax error" in problem


def test_duplicate_yaml_key(book: Path) -> None:
    edit(book, ENTRY, "regime: inference\n", "regime: inference\nregime: rag\n")
    problem = only(problems(book), "inference-is-free.yaml", "duplicate key 'regime'")
    assert "line 4" in problem


def test_entry_file_not_a_mapping(book: Path) -> None:
    (book / "entries" / "list.yaml").write_text("- a\n- b\n")
    problem = only(problems(book), "entries/list.yaml", "list: not a mapping")
    assert "expected" in problem


def test_empty_entry_file(book: Path) -> None:
    (book / "entries" / "empty.yaml").write_text("")
    only(problems(book), "entries/empty.yaml", "empty: empty file")


def test_unknown_key(book: Path) -> None:
    edit(book, ENTRY, "why:", "colour: blue\nwhy:")
    problem = only(problems(book), "inference-is-free.yaml: inference-is-free: colour: unknown key")
    assert "expected one of: " in problem and "do_say" in problem


def test_unknown_nested_key(book: Path) -> None:
    edit(book, ENTRY, "  - title: Regimes primer\n", "  - title: Regimes primer\n    page: 3\n")
    problem = only(problems(book), "inference-is-free: sources[0].page: unknown key")
    assert "verified_on" in problem


def test_missing_field(book: Path) -> None:
    edit(book, ENTRY, "why: Prevents sticker shock when the buyer picks a premium model.\n", "")
    only(problems(book), "inference-is-free.yaml: inference-is-free: why: required field is missing")


def test_wrong_type(book: Path) -> None:
    edit(book, ENTRY, "title: Inference is not free", "title: [1, 2]")
    problem = only(problems(book), "inference-is-free: title:")
    assert "expected text" in problem


def test_bad_date(book: Path) -> None:
    edit(book, ENTRY, "verified_on: 2026-05-01\nreview_every", "verified_on: someday\nreview_every")
    problem = only(problems(book), "inference-is-free: verified_on:")
    assert "expected a date like 2026-05-01" in problem


def test_too_few_examples(book: Path) -> None:
    edit(book, ENTRY, "[m1 m, m2 m, ", "[")
    only(problems(book), "inference-is-free: examples.must_match:", "at least 8")


def test_unknown_regime(book: Path) -> None:
    edit(book, ENTRY, "regime: inference", "regime: training")
    problem = only(problems(book), "inference-is-free: regime: unknown value 'training'")
    assert "pre-training" in problem and "rag" in problem


def test_unknown_cost_band(book: Path) -> None:
    edit(book, ENTRY, "cost_band: inference", "cost_band: cheap")
    problem = only(problems(book), f"{ENTRY}: inference-is-free: cost_band: unknown band 'cheap'")
    assert "(known: pre-training, fine-tuning, fine-tuning-rft, inference, rag)" in problem


def test_unknown_cost_band_on_regime_card(book: Path) -> None:
    edit(book, "regimes.yaml", "cost_band: rag", "cost_band: retrieval")
    only(problems(book), "regimes.yaml: rag: cost_band: unknown band 'retrieval'")


def test_unknown_nist_section(book: Path) -> None:
    edit(book, "entries/ai-learns-over-time.yaml", "2.4 Data Privacy", "2.4 Privacy")
    problem = only(problems(book), "ai-learns-over-time.yaml: ai-learns-over-time: nist.section:")
    assert "unknown NIST AI 600-1 section '2.4 Privacy'" in problem and "2.4 Data Privacy" in problem


def test_id_must_match_file_stem(book: Path) -> None:
    edit(book, ENTRY, "id: inference-is-free", "id: inference-is-cheap")
    only(problems(book), "inference-is-free.yaml: inference-is-cheap: id:", "expected 'inference-is-free'")


def test_duplicate_entry_id(book: Path) -> None:
    shutil.copy(book / ENTRY, book / "entries" / "copy.yaml")
    found = problems(book)
    only(found, "entries/copy.yaml", "duplicate entry id 'inference-is-free'")


def test_duplicate_trigger_within_entry(book: Path) -> None:
    extra = "  - api calls are free\n  - 'Inference is, basically,  FREE!'\n"
    edit(book, ENTRY, "  - api calls are free\n", extra)
    problem = only(problems(book), "inference-is-free: triggers[3]: duplicate trigger")
    assert "same as triggers[0]" in problem


def test_duplicate_trigger_across_entries(book: Path) -> None:
    other = "entries/ai-learns-over-time.yaml"
    edit(book, other, "  - it learns from every chat\n", "  - API calls are free.\n")
    problem = only(problems(book), "inference-is-free.yaml: inference-is-free: triggers[2]: duplicate")
    assert "entry ai-learns-over-time, triggers[1]" in problem


def test_future_verified_on(book: Path) -> None:
    edit(book, ENTRY, "verified_on: 2026-05-01\nreview_every", "verified_on: 2026-07-01\nreview_every")
    problem = only(problems(book), "inference-is-free: verified_on: 2026-07-01 is in the future")
    assert "2026-06-01" in problem
    # the same file is fine once that day has come
    assert load_phrasebook(book, today=date(2026, 7, 1)).entries


def test_future_source_date(book: Path) -> None:
    edit(book, "cost_bands.yaml", "verified_on: 2026-05-01}]", "verified_on: 2027-01-01}]")
    only(problems(book), "cost_bands.yaml: pre-training: sources[0].verified_on: 2027-01-01 is in the future")


def test_tip_unknown_entry_and_band(book: Path) -> None:
    edit(book, "tips.yaml", "entry: ai-learns-over-time", "entry: ai-learns")
    edit(book, "tips.yaml", "cost_band: fine-tuning", "cost_band: finetuning")
    found = problems(book)
    only(found, "tips.yaml: t-frozen: entry: unknown entry 'ai-learns'", "ai-learns-over-time")
    only(found, "tips.yaml: t-hosting: cost_band: unknown band 'finetuning'")


def test_duplicate_tip_and_band_ids(book: Path) -> None:
    edit(book, "tips.yaml", "id: t-output", "id: t-frozen")
    edit(book, "cost_bands.yaml", "id: rag", "id: inference")
    found = problems(book)
    only(found, "tips.yaml: t-frozen: id: duplicate tip id")
    only(found, "cost_bands.yaml: inference: id: duplicate cost band id")


@pytest.mark.parametrize("name", ["regimes.yaml", "cost_bands.yaml", "tips.yaml"])
def test_missing_required_file(book: Path, name: str) -> None:
    (book / name).unlink()
    only(problems(book), name, "missing file")


def test_missing_entries_dir(book: Path) -> None:
    shutil.rmtree(book / "entries")
    only(problems(book), "entries: missing directory")


def test_missing_regime_card(book: Path) -> None:
    text = (book / "regimes.yaml").read_text()
    (book / "regimes.yaml").write_text(text.split("  - {<<: *card, id: rag")[0])
    only(problems(book), "regimes.yaml: regimes: no card for rag")


def test_list_file_must_be_a_mapping(book: Path) -> None:
    (book / "tips.yaml").write_text("- just a list\n")
    only(problems(book), "tips.yaml: not a mapping")
    (book / "tips.yaml").write_text("tips: []\nextra: 1\n")
    only(problems(book), "tips.yaml: extra: unknown top-level key")


def test_yml_extension_is_reported(book: Path) -> None:
    (book / ENTRY).rename(book / "entries" / "inference-is-free.yml")
    found = problems(book)
    only(found, "inference-is-free.yml", "expected .yaml")


def test_not_a_directory(tmp_path: Path) -> None:
    only(problems(tmp_path / "nope"), "nope: not a directory")


def test_all_or_nothing_collects_every_problem(book: Path) -> None:
    edit(book, ENTRY, "cost_band: inference", "cost_band: cheap")
    edit(book, "entries/ai-learns-over-time.yaml", "regime: inference", "regime: magic")
    edit(book, "tips.yaml", "cost_band: inference}", "cost_band: nope}")
    (book / "regimes.yaml").write_text("regimes: [\n")
    found = problems(book)
    assert len(found) == 4, found
    only(found, "inference-is-free", "cost_band")
    only(found, "ai-learns-over-time", "regime")
    only(found, "tips.yaml", "nope")
    only(found, "regimes.yaml", "YAML syntax error")


def test_multi_problem_fixture() -> None:
    found = problems(FIXTURES / "broken-many")
    only(found, "unknown-key.yaml: unknown-key: colour: unknown key")
    only(found, "bad-band.yaml: bad-band: cost_band: unknown band 'cheap'")
    only(found, "bad-band.yaml: bad-band: verified_on: 2099-01-01 is in the future")


def test_error_message_format() -> None:
    error = PhrasebookError(["a.yaml: x: f: bad (expected good)", "b.yaml: y: g: worse"])
    assert str(error).splitlines() == [
        "2 problems in the phrasebook (fix them and load again):",
        "  a.yaml: x: f: bad (expected good)",
        "  b.yaml: y: g: worse",
    ]


def test_normalize_trigger() -> None:
    assert normalize_trigger("  Inference is, basically   FREE! ") == "inference is basically free"
    assert normalize_trigger("fine-tuning") == normalize_trigger("Fine tuning")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    drop=st.sets(st.integers(0, 30), max_size=4),
    inserted=st.text(max_size=30),
    raw=st.none() | st.binary(max_size=40),
)
def test_damaged_files_only_ever_raise_phrasebook_error(
    book: Path, drop: set[int], inserted: str, raw: bytes | None
) -> None:
    lines = (VALID / ENTRY).read_text(encoding="utf-8").splitlines()
    kept = [line for index, line in enumerate(lines) if index not in drop]
    kept.insert(len(kept) // 2, inserted)
    (book / ENTRY).write_text("\n".join(kept), encoding="utf-8")
    stray = book / "entries" / "zz.yaml"
    if raw is None:
        stray.unlink(missing_ok=True)
    else:
        stray.write_bytes(raw)
    try:
        loaded = load_phrasebook(book, today=TODAY)
    except PhrasebookError as exc:
        files = [problem.split(": ", 1)[0] for problem in exc.problems]
        assert all(name.endswith((".yaml", "entries")) for name in files), files
    else:
        assert "inference-is-free" in loaded.entries


def test_outranks_names_other_existing_entries(book: Path) -> None:
    edit(book, ENTRY, "\nexamples:", "\noutranks: [inference-is-free, no-such-entry]\nexamples:")
    found = problems(book)
    self_rank = only(found, "inference-is-free.yaml", "outranks[0]")
    assert "cannot outrank itself" in self_rank
    unknown = only(found, "inference-is-free.yaml", "outranks[1]")
    assert "unknown entry 'no-such-entry'" in unknown and "ai-learns-over-time" in unknown


def test_two_entries_cannot_outrank_each_other(book: Path) -> None:
    edit(book, ENTRY, "\nexamples:", "\noutranks: [ai-learns-over-time]\nexamples:")
    other = "entries/ai-learns-over-time.yaml"
    edit(book, other, "\nexamples:", "\noutranks: [inference-is-free]\nexamples:")
    assert "outrank each other" in only(problems(book), "outranks[0]")


def test_unhashable_yaml_key_is_a_clear_error(book: Path) -> None:
    (book / ENTRY).write_text("id: inference-is-free\n? {a: 1}\n: 2\n", encoding="utf-8")
    problem = only(problems(book), "inference-is-free.yaml", "unhashable key")
    assert "line 2" in problem
