"""The installable Teams app package: ``deploy/teams/manifest.json`` with the bot's app id filled in,
plus the two icons, zipped. ``dosay teams-package --app-id ID`` calls ``build_teams_package``.

``manifest_problems`` checks what Teams requires of a manifest (required fields, lengths, icon sizes,
bot scopes, command lists) without the network; the package is refused when it finds any.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

PLACEHOLDER = "{{MICROSOFT_APP_ID}}"
PACKAGE_NAME = "dosay-teams.zip"
ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_REQUIRED = ("$schema", "manifestVersion", "version", "id", "developer", "name", "description", "icons")
_DEVELOPER = ("name", "websiteUrl", "privacyUrl", "termsOfUseUrl")
_LIMITS = {
    ("name", "short"): 30,
    ("name", "full"): 100,
    ("description", "short"): 80,
    ("description", "full"): 4000,
}
_SCOPES = {"personal", "team", "groupChat"}


class TeamsPackageError(Exception):
    """What is wrong with the app id or the manifest, and what to do about it."""


def template_dir() -> Path:
    """``deploy/teams`` of this checkout (the package is built from the repository, not the wheel)."""
    return Path(__file__).resolve().parents[1] / "deploy" / "teams"


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise TeamsPackageError("not a PNG file; regenerate the icons with deploy/teams/make_icons.py")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def manifest_problems(manifest: dict[str, Any], icons: dict[str, bytes] | None = None) -> list[str]:
    """Each problem as 'field: what is wrong'. ``icons``: file name → bytes, to check their sizes."""
    problems = [f"{key}: required" for key in _REQUIRED if not manifest.get(key)]
    problems += [
        f"developer.{key}: required" for key in _DEVELOPER if not (manifest.get("developer") or {}).get(key)
    ]
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = str((manifest.get("developer") or {}).get(key, ""))
        if url and not url.startswith("https://"):
            problems.append(f"developer.{key}: must be an https:// URL")
    for (section, key), limit in _LIMITS.items():
        value = str((manifest.get(section) or {}).get(key, ""))
        if not value:
            problems.append(f"{section}.{key}: required")
        elif len(value) > limit:
            problems.append(f"{section}.{key}: {len(value)} characters, at most {limit}")
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", str(manifest.get("accentColor", ""))):
        problems.append("accentColor: required, as #RRGGBB")
    if not _GUID.match(str(manifest.get("id", ""))):
        problems.append("id: must be a GUID (the bot's Microsoft App ID)")
    bots = manifest.get("bots") or []
    if len(bots) != 1:
        problems.append("bots: exactly one bot expected")
    for bot in bots:
        if not _GUID.match(str(bot.get("botId", ""))):
            problems.append("bots[0].botId: must be a GUID (MicrosoftAppId)")
        scopes = set(bot.get("scopes") or [])
        if scopes != _SCOPES:
            problems.append(f"bots[0].scopes: expected {sorted(_SCOPES)}, got {sorted(scopes)}")
        for i, command_list in enumerate(bot.get("commandLists") or []):
            commands = command_list.get("commands") or []
            if not set(command_list.get("scopes") or []) <= scopes or len(commands) > 10:
                problems.append(f"bots[0].commandLists[{i}]: scopes must be the bot's, at most 10 commands")
            for command in commands:
                if (
                    not 0 < len(command.get("title", "")) <= 32
                    or not 0 < len(command.get("description", "")) <= 128
                ):
                    problems.append(
                        f"bots[0].commandLists[{i}]: {command.get('title')!r}: title ≤ 32, description ≤ 128"
                    )
    rsc = ((manifest.get("authorization") or {}).get("permissions") or {}).get("resourceSpecific") or []
    if {"name": "ChannelMessage.Read.Group", "type": "Application"} not in rsc:
        problems.append(
            "authorization.permissions.resourceSpecific: ChannelMessage.Read.Group (Application) missing"
        )
    for kind, (width, height) in ICON_SIZES.items():
        name = str((manifest.get("icons") or {}).get(kind, ""))
        if icons is not None and name:
            if name not in icons:
                problems.append(f"icons.{kind}: {name} not found")
                continue
            try:
                size = png_size(icons[name])
            except TeamsPackageError as exc:
                problems.append(f"icons.{kind}: {exc}")
                continue
            if size != (width, height):
                problems.append(f"icons.{kind}: {name} is {size[0]}x{size[1]}, must be {width}x{height}")
    return problems


def render_manifest(template: str, app_id: str) -> dict[str, Any]:
    if not _GUID.match(app_id):
        raise TeamsPackageError(
            "--app-id: expected the bot's Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000 "
            "(Azure portal > your Azure Bot > Configuration)"
        )
    manifest: dict[str, Any] = json.loads(template.replace(PLACEHOLDER, app_id.lower()))
    return manifest


def build_teams_package(app_id: str, out: Path, *, source: Path | None = None) -> Path:
    """Write the zip (manifest.json, color.png, outline.png at its root). ``out``: a .zip path or a
    directory (then ``dosay-teams.zip`` inside it). Returns the path written."""
    source = source or template_dir()
    if not (source / "manifest.json").is_file():
        raise TeamsPackageError(
            f"{source / 'manifest.json'}: not found; run from a dosay checkout (it reads deploy/teams/)"
        )
    manifest = render_manifest((source / "manifest.json").read_text(encoding="utf-8"), app_id)
    icons = {name: (source / name).read_bytes() for name in sorted(set(manifest.get("icons", {}).values()))}
    problems = manifest_problems(manifest, icons)
    if problems:
        raise TeamsPackageError(f"{source / 'manifest.json'}: " + "; ".join(problems))
    target = out / PACKAGE_NAME if out.is_dir() or not out.suffix else out
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for name, data in icons.items():
            archive.writestr(name, data)
    return target
