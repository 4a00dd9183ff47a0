"""Load a phrasebook directory into a validated ``Phrasebook``, all or nothing.

Layout::

    entries/<id>.yaml   one entry per file; ``id`` must equal the file stem
    regimes.yaml        ``regimes: [RegimeCard, ...]`` (all four regimes)
    cost_bands.yaml     ``cost_bands: [CostBand, ...]``
    tips.yaml           ``tips: [Tip, ...]``

Every problem is collected before anything is returned; then ``PhrasebookError`` lists them all,
each as ``file: entry-id: field.path: problem (expected ...)``. ``today`` is the only clock input
(for "verified_on is in the future"); pass it in tests.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from phrasebook.schema import CostBand, Entry, Phrasebook, Regime, RegimeCard, Tip

try:  # libyaml is ~10x faster; fall back to the pure-Python loader when it is missing
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader

REQUIRED_FILES: tuple[str, ...] = ("regimes.yaml", "cost_bands.yaml", "tips.yaml")
ENTRIES_DIR = "entries"
_M = TypeVar("_M", bound=BaseModel)
_TRIGGER_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
#: returned by ``_read_yaml`` when the file could not be read or parsed (a problem was recorded)
_FAILED: Any = object()


class PhrasebookError(Exception):
    """The phrasebook is invalid; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the phrasebook (fix them and load again):"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def bundled_data_dir() -> Path:
    """The phrasebook shipped with dosay (``phrasebook/data``)."""
    return Path(__file__).resolve().parent / "data"


def normalize_trigger(text: str) -> str:
    """Case-, space- and punctuation-insensitive form used for duplicate detection."""
    return _SPACES.sub(" ", _TRIGGER_PUNCT.sub(" ", text.casefold().replace("_", " "))).strip()


# --- YAML ---------------------------------------------------------------------------------------------


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key ("? {a: 1}"): PyYAML's own check below reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key '{key}' (expected each key once)",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        what = exc.problem or "invalid YAML"
        if exc.context:
            start = exc.context_mark
            at = f" at line {start.line + 1}, column {start.column + 1}" if start is not None else ""
            what = f"{what} ({exc.context}{at})"
        return f"{where}YAML syntax error: {what} (expected valid YAML; check indentation and quoting)"
    return f"YAML error: {exc} (expected valid YAML)"  # pragma: no cover


# --- pydantic error translation -----------------------------------------------------------------------

_HINTS: dict[str, str] = {
    "missing": "a value",
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date like 2026-05-01",
    "date_parsing": "a date like 2026-05-01",
    "date_from_datetime_parsing": "a date like 2026-05-01",
    "date_from_datetime_inexact": "a date like 2026-05-01",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _field_path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        candidates = _models_in(field.annotation)
        model = candidates[0] if candidates else None
    return model


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _translate(root: type[BaseModel], error: Mapping[str, Any]) -> tuple[str, str]:
    """(field.path, problem) for one pydantic error."""
    loc = tuple(error.get("loc", ()))
    kind = str(error.get("type", ""))
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        known = ", ".join(parent.model_fields) if parent else "see phrasebook/schema.py"
        return _field_path(loc), f"unknown key (expected one of: {known})"
    if kind == "missing":
        return _field_path(loc), "required field is missing (expected a value)"
    if kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", "")).replace("'", "")
        return _field_path(loc), f"unknown value {_short(error.get('input'))} (expected one of: {expected})"
    hint = _HINTS.get(kind)
    if hint:
        return _field_path(loc), f"got {_short(error.get('input'))}: {msg} (expected {hint})"
    if "expected" not in msg:
        msg = f"{msg} (got {_short(error.get('input'))})"
    return _field_path(loc), msg


# --- the loader ---------------------------------------------------------------------------------------


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class _Collector:
    problems: list[str]

    def add(self, path: Path | str, subject: str | None, field: str | None, problem: str) -> None:
        parts = [_display(path) if isinstance(path, Path) else path]
        if subject:
            parts.append(subject)
        if field:
            parts.append(field)
        parts.append(problem)
        self.problems.append(": ".join(parts))


def _read_yaml(path: Path, subject: str | None, out: _Collector) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        out.add(path, subject, None, f"cannot read ({exc.strerror}; expected a readable UTF-8 file)")
        return _FAILED
    except UnicodeDecodeError:
        out.add(path, subject, None, "not UTF-8 text (expected a UTF-8 YAML file)")
        return _FAILED
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        out.add(path, subject, None, _yaml_problem(exc))
        return _FAILED


def _validate(
    model: type[_M], data: Any, path: Path, subject: str, prefix: str, out: _Collector
) -> _M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            field, problem = _translate(model, error)
            out.add(path, subject, f"{prefix}{field}" if prefix else field, problem)
        return None


def _list_file(path: Path, key: str, item: str, out: _Collector) -> list[tuple[int, Any]]:
    """Items of a ``key: [ ... ]`` file, with their index; problems for anything else."""
    if not path.is_file():
        out.add(path, None, None, f"missing file (expected {path.name} with a top-level '{key}:' list)")
        return []
    data = _read_yaml(path, None, out)
    if data is _FAILED:
        return []
    if not isinstance(data, dict):
        out.add(path, None, None, f"not a mapping (expected a top-level '{key}:' list of {item}s)")
        return []
    extra = sorted(str(k) for k in data if k != key)
    if extra:
        out.add(path, None, ", ".join(extra), f"unknown top-level key (expected only '{key}')")
    items = data.get(key)
    if not isinstance(items, list):
        out.add(path, None, key, f"missing or not a list (expected a list of {item}s)")
        return []
    return list(enumerate(items))


def _subject(raw: Any, index: int, key: str) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return str(raw["id"]).strip()
    return f"{key}[{index}]"


def _load_cards(
    path: Path, key: str, model: type[_M], item: str, out: _Collector, attempted: set[str]
) -> list[tuple[str, _M]]:
    loaded: list[tuple[str, _M]] = []
    for index, raw in _list_file(path, key, item, out):
        subject = _subject(raw, index, key)
        attempted.add(subject)
        if not isinstance(raw, dict):
            out.add(path, subject, None, f"not a mapping (expected a {item} with id and fields)")
            continue
        value = _validate(model, raw, path, subject, "", out)
        if value is not None:
            loaded.append((subject, value))
    return loaded


def _check_dates(path: Path, subject: str, value: BaseModel, today: date, out: _Collector) -> None:
    limit = f"expected a date on or before today, {today.isoformat()}"
    verified = getattr(value, "verified_on", None)
    if isinstance(verified, date) and verified > today:
        out.add(path, subject, "verified_on", f"{verified.isoformat()} is in the future ({limit})")
    for index, source in enumerate(getattr(value, "sources", []) or []):
        if source.verified_on > today:
            out.add(
                path,
                subject,
                f"sources[{index}].verified_on",
                f"{source.verified_on.isoformat()} is in the future ({limit})",
            )


def load_phrasebook(directory: Path | None = None, *, today: date | None = None) -> Phrasebook:
    """Load and cross-check a phrasebook directory (None = the bundled one). Raises ``PhrasebookError``."""
    root = Path(directory) if directory is not None else bundled_data_dir()
    today = today or date.today()
    out = _Collector([])
    if not root.is_dir():
        out.add(
            root,
            None,
            None,
            "not a directory (expected a phrasebook directory with entries/, "
            + ", ".join(REQUIRED_FILES)
            + ")",
        )
        raise PhrasebookError(out.problems)

    # ids that were attempted (loaded or not): a reference to one that failed to load is not reported
    # again as "unknown", so one mistake gives one problem
    band_ids: set[str] = set()
    entry_ids: set[str] = set()
    bands = _load_cards(root / "cost_bands.yaml", "cost_bands", CostBand, "cost band", out, band_ids)
    cards = _load_cards(root / "regimes.yaml", "regimes", RegimeCard, "regime card", out, set())
    tips = _load_cards(root / "tips.yaml", "tips", Tip, "tip", out, set())
    entries = _load_entries(root / ENTRIES_DIR, out, entry_ids)

    band_by_id = _unique(root / "cost_bands.yaml", "cost band", [(b.id, s, b) for s, b in bands], out)
    card_by_id = _unique(root / "regimes.yaml", "regime card", [(c.id.value, s, c) for s, c in cards], out)
    tip_list = list(_unique(root / "tips.yaml", "tip", [(t.id, s, t) for s, t in tips], out).values())
    entry_by_id = _unique_entries(entries, out)

    known_bands = ", ".join(band_by_id) or "none loaded"

    def check_band(path: Path, subject: str, field: str, band: str | None) -> None:
        if band is not None and band_ids and band not in band_ids:
            out.add(path, subject, field, f"unknown band '{band}' (known: {known_bands})")

    for _s, band_model in bands:
        _check_dates(root / "cost_bands.yaml", band_model.id, band_model, today, out)
    missing_regimes = [r.value for r in Regime if r.value not in card_by_id]
    if cards and missing_regimes:
        out.add(
            root / "regimes.yaml",
            None,
            "regimes",
            f"no card for {', '.join(missing_regimes)} (expected one card per regime: "
            + ", ".join(r.value for r in Regime)
            + ")",
        )
    for _s, card in cards:
        _check_dates(root / "regimes.yaml", card.id.value, card, today, out)
        check_band(root / "regimes.yaml", card.id.value, "cost_band", card.cost_band)

    for path, entry in entries:
        _check_dates(path, entry.id, entry, today, out)
        check_band(path, entry.id, "cost_band", entry.cost_band)
        if entry.triage is not None:
            for index, branch in enumerate(entry.triage.branches):
                check_band(path, entry.id, f"triage.branches[{index}].cost_band", branch.cost_band)
    _check_triggers(entries, out)
    _check_outranks(entries, entry_ids, out)

    known_entries = ", ".join(sorted(entry_by_id)) or "none loaded"
    for _s, tip in tips:
        if tip.entry is not None and entry_ids and tip.entry not in entry_ids:
            out.add(
                root / "tips.yaml", tip.id, "entry", f"unknown entry '{tip.entry}' (known: {known_entries})"
            )
        check_band(root / "tips.yaml", tip.id, "cost_band", tip.cost_band)

    if out.problems:
        raise PhrasebookError(out.problems)
    return Phrasebook(
        entries=dict(sorted(entry_by_id.items())),
        regimes={Regime(k): v for k, v in card_by_id.items()},
        cost_bands=band_by_id,
        tips=tip_list,
        origin="bundled" if directory is None else str(root),
    )


def _load_entries(folder: Path, out: _Collector, attempted: set[str]) -> list[tuple[Path, Entry]]:
    if not folder.is_dir():
        out.add(folder, None, None, "missing directory (expected entries/<id>.yaml, one entry per file)")
        return []
    for stray in sorted(folder.glob("*.yml")):
        out.add(stray, stray.stem, None, "wrong extension (expected .yaml; rename the file)")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        out.add(folder, None, None, "no entries (expected at least one entries/<id>.yaml)")
    loaded: list[tuple[Path, Entry]] = []
    for path in files:
        stem = path.stem
        attempted.add(stem)
        data = _read_yaml(path, stem, out)
        if data is _FAILED:
            continue
        if data is None:
            out.add(path, stem, None, f"empty file (expected an entry mapping: id: {stem}, regime: ...)")
            continue
        if not isinstance(data, dict):
            out.add(path, stem, None, f"not a mapping (got {type(data).__name__}; expected id: {stem}, ...)")
            continue
        subject = data["id"] if isinstance(data.get("id"), str) and data["id"].strip() else stem
        attempted.add(subject)
        if isinstance(data.get("id"), str) and data["id"].strip() != stem:
            out.add(
                path,
                subject,
                "id",
                f"'{data['id']}' does not match the file name (expected '{stem}'; one entry per "
                "entries/<id>.yaml)",
            )
        entry = _validate(Entry, data, path, subject, "", out)
        if entry is not None:
            loaded.append((path, entry))
    return loaded


def _unique(path: Path, item: str, rows: list[tuple[str, str, _M]], out: _Collector) -> dict[str, _M]:
    unique: dict[str, _M] = {}
    for key, subject, value in rows:
        if key in unique:
            out.add(path, subject, "id", f"duplicate {item} id '{key}' (expected each id once)")
            continue
        unique[key] = value
    return unique


def _unique_entries(entries: list[tuple[Path, Entry]], out: _Collector) -> dict[str, Entry]:
    first: dict[str, Path] = {}
    unique: dict[str, Entry] = {}
    for path, entry in entries:
        if entry.id in first:
            out.add(
                path,
                entry.id,
                "id",
                f"duplicate entry id '{entry.id}' (already used by {_display(first[entry.id])}; "
                "expected each id once)",
            )
            continue
        first[entry.id] = path
        unique[entry.id] = entry
    return unique


def _check_outranks(entries: list[tuple[Path, Entry]], entry_ids: set[str], out: _Collector) -> None:
    """``outranks`` names other entries that exist, and never both ways round."""
    outranks = {entry.id: set(entry.outranks) for _p, entry in entries}
    known = ", ".join(sorted(entry_ids)) or "none loaded"
    for path, entry in entries:
        for index, other in enumerate(entry.outranks):
            field = f"outranks[{index}]"
            if other == entry.id:
                out.add(path, entry.id, field, "an entry cannot outrank itself")
            elif entry_ids and other not in entry_ids:
                out.add(path, entry.id, field, f"unknown entry '{other}' (known: {known})")
            elif entry.id in outranks.get(other, set()):
                out.add(
                    path,
                    entry.id,
                    field,
                    f"'{entry.id}' and '{other}' outrank each other (expected one direction only)",
                )


def _check_triggers(entries: list[tuple[Path, Entry]], out: _Collector) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for path, entry in entries:
        for index, trigger in enumerate(entry.triggers):
            key = normalize_trigger(trigger)
            if not key:
                out.add(path, entry.id, f"triggers[{index}]", "no words left (expected a phrase)")
                continue
            if key in seen:
                owner, at = seen[key]
                where = f"triggers[{at}]" if owner == entry.id else f"entry {owner}, triggers[{at}]"
                out.add(
                    path,
                    entry.id,
                    f"triggers[{index}]",
                    f"duplicate trigger '{trigger}' (same as {where} ignoring case, spaces and "
                    "punctuation; expected each trigger once across the phrasebook)",
                )
                continue
            seen[key] = (entry.id, index)


__all__ = ["PhrasebookError", "bundled_data_dir", "load_phrasebook", "normalize_trigger"]
