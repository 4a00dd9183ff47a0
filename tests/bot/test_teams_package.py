"""The Teams app package: manifest checks, icon sizes and colours, the zip."""

from __future__ import annotations

import json
import runpy
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.teams_package import (
    TeamsPackageError,
    build_teams_package,
    manifest_problems,
    png_size,
    render_manifest,
    template_dir,
)

APP_ID = "0b3c5d7e-1111-4222-8333-944455556666"
DEPLOY = template_dir()


def _rgba_pixels(data: bytes) -> list[tuple[int, int, int, int]]:
    width, height = png_size(data)
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    assert all(raw[row * stride] == 0 for row in range(height)), "expected unfiltered rows"
    return [
        tuple(raw[row * stride + 1 + 4 * x : row * stride + 5 + 4 * x])  # type: ignore[misc]
        for row in range(height)
        for x in range(width)
    ]


def _manifest() -> dict:
    return render_manifest((DEPLOY / "manifest.json").read_text(encoding="utf-8"), APP_ID)


def test_shipped_manifest_has_what_teams_requires() -> None:
    icons = {p.name: p.read_bytes() for p in DEPLOY.glob("*.png")}
    manifest = _manifest()
    assert manifest_problems(manifest, icons) == []
    bot = manifest["bots"][0]
    assert bot["botId"] == APP_ID == manifest["id"] == manifest["webApplicationInfo"]["id"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert titles == ["lookup", "cost", "tip", "settings", "help"]


def test_commands_in_the_manifest_are_the_ones_the_bot_handles() -> None:
    from bot.commands import COMMANDS

    titles = {c["title"] for c in _manifest()["bots"][0]["commandLists"][0]["commands"]}
    assert titles == set(COMMANDS)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda m: m.pop("developer"), "developer: required"),
        (lambda m: m["name"].update(short="x" * 31), "name.short: 31 characters, at most 30"),
        (lambda m: m["bots"][0].update(scopes=["personal"]), "bots[0].scopes"),
        (lambda m: m.pop("authorization"), "ChannelMessage.Read.Group"),
        (lambda m: m.update(accentColor="purple"), "accentColor"),
        (lambda m: m["developer"].update(privacyUrl="http://x"), "developer.privacyUrl: must be an https"),
    ],
)
def test_manifest_problems_name_the_field(change, problem) -> None:
    manifest = _manifest()
    change(manifest)
    assert any(problem in p for p in manifest_problems(manifest)), manifest_problems(manifest)


def test_icons_have_the_sizes_and_colours_teams_requires() -> None:
    color = (DEPLOY / "color.png").read_bytes()
    outline = (DEPLOY / "outline.png").read_bytes()
    assert png_size(color) == (192, 192) and png_size(outline) == (32, 32)
    pixels = _rgba_pixels(outline)
    assert all(p == (255, 255, 255, 255) or p[3] == 0 for p in pixels), "outline: white on transparent only"
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)
    assert all(p[3] == 255 for p in _rgba_pixels(color)), "color icon: opaque"


def test_icons_are_what_the_script_draws(tmp_path: Path) -> None:
    script = runpy.run_path(str(DEPLOY / "make_icons.py"))
    assert script["png"](192, 192, script["color_pixel"]) == (DEPLOY / "color.png").read_bytes()
    assert script["png"](32, 32, script["outline_pixel"]) == (DEPLOY / "outline.png").read_bytes()


def test_wrong_icon_size_is_reported() -> None:
    icons = {"color.png": (DEPLOY / "outline.png").read_bytes(), "outline.png": b"nope"}
    problems = manifest_problems(_manifest(), icons)
    assert "icons.color: color.png is 32x32, must be 192x192" in problems
    assert any(p.startswith("icons.outline: not a PNG") for p in problems)


def test_package_zip_has_manifest_and_icons_with_the_app_id(tmp_path: Path) -> None:
    path = build_teams_package(APP_ID.upper(), tmp_path)
    assert path == tmp_path / "dosay-teams.zip"
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("color.png") == (DEPLOY / "color.png").read_bytes()
    assert "{{" not in json.dumps(manifest) and manifest["bots"][0]["botId"] == APP_ID


def test_package_to_an_explicit_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "app.zip"
    assert build_teams_package(APP_ID, target) == target and zipfile.is_zipfile(target)


def test_bad_app_id_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(TeamsPackageError, match="--app-id: expected the bot's Microsoft App ID"):
        build_teams_package("my-bot", tmp_path)
    assert not list(tmp_path.iterdir())


def test_invalid_template_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "teams"
    source.mkdir()
    manifest = json.loads((DEPLOY / "manifest.json").read_text(encoding="utf-8"))
    del manifest["bots"][0]["scopes"]
    (source / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for name in ("color.png", "outline.png"):
        (source / name).write_bytes((DEPLOY / name).read_bytes())
    with pytest.raises(TeamsPackageError, match=r"bots\[0\]\.scopes"):
        build_teams_package(APP_ID, tmp_path / "x.zip", source=source)
    assert not (tmp_path / "x.zip").exists()


def test_missing_template_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(TeamsPackageError, match=r"manifest\.json: not found"):
        build_teams_package(APP_ID, tmp_path / "x.zip", source=tmp_path / "nowhere")


# --- the official manifest schema (shipped with the tests: tests/bot/teams_manifest/README.md) ------------

SCHEMA = Path(__file__).parent / "teams_manifest" / "MicrosoftTeams.v1.17.schema.json"


def _schema_errors(manifest: dict) -> list[str]:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest)]


def test_the_packaged_manifest_is_valid_against_the_teams_schema(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_teams_package(APP_ID, tmp_path)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["manifestVersion"] == "1.17" and "/v1.17/" in manifest["$schema"]  # the shipped schema's
    assert _schema_errors(manifest) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m["bots"][0].update(scopes=["personal", "teams"]),
        lambda m: m["bots"][0].update(botid=m["bots"][0].pop("botId")),
        lambda m: m.update(accentColor="#4B53B"),
        lambda m: m["authorization"]["permissions"]["resourceSpecific"][0].update(type="Delegate"),
        lambda m: m["bots"][0]["commandLists"][0]["commands"][0].update(title="x" * 33),
    ],
    ids=["scope-typo", "key-typo", "colour", "rsc-type", "command-title"],
)
def test_the_schema_catches_a_broken_manifest(change) -> None:
    manifest = _manifest()
    change(manifest)
    assert _schema_errors(manifest) != []
