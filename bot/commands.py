"""Platform-neutral chat commands: ``lookup``, ``cost``, ``tip``, ``settings``, ``help``.

Slack uses them behind ``/dosay ...``, ``@dosay ...``; Teams behind @mention / personal chat.
Results are plain text (escaped by each renderer), never echoing the user's text unescaped.
"""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError
from rapidfuzz import fuzz

from bot import policy
from bot.core_types import Platform
from phrasebook.schema import Phrasebook

if TYPE_CHECKING:
    from bot.service import Dosay

COMMANDS = ("lookup", "cost", "tip", "settings", "help")
#: rapidfuzz partial-ratio a lookup needs before it counts as found (0..100)
_FOUND = 70.0

HELP = (
    "dosay reframes AI-lifecycle misconceptions (pre-training, fine-tuning, inference + RAG).\n"
    "{prefix} QUERY (or {prefix} lookup QUERY): search the phrasebook\n"
    "{prefix} cost QUERY: a cost estimate, e.g. {prefix} cost inference 2M tokens\n"
    "{prefix} tip: today's tip\n"
    "{prefix} settings: show this channel's settings; " + "{settings}\n"
    "{prefix} help: this text"
)
SETTINGS_HELP = (
    "{prefix} settings mode thread|ephemeral|reaction|off; {prefix} settings tips on|off; "
    "{prefix} settings tips at HH:MM; {prefix} settings timezone Europe/Berlin"
)


@dataclass(frozen=True)
class CommandResult:
    kind: Literal["help", "lookup", "cost", "tip", "settings", "error"]
    text: str
    #: for a lookup: the query to share in the channel ("share in channel" button)
    share: str | None = None


def help_text(prefix: str, suggestion: str | None = None) -> str:
    lead = f"Did you mean {prefix} {suggestion}?\n\n" if suggestion else ""
    return lead + HELP.format(prefix=prefix, settings=SETTINGS_HELP.format(prefix=prefix))


def _suggest_command(word: str) -> str | None:
    close = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.6)
    return close[0] if close else None


def _fallback_lookup(phrasebook: Phrasebook, query: str) -> list[tuple[float, str]]:
    scored: list[tuple[float, str]] = []
    q = query.lower()
    for entry in phrasebook.entries.values():
        texts = [entry.id.replace("-", " "), entry.title, entry.dont_say, *entry.triggers]
        best = max(fuzz.partial_ratio(q, t.lower()) for t in texts)
        scored.append((best, entry.id))
    scored.sort(reverse=True)
    return scored


def lookup_text(phrasebook: Phrasebook, query: str) -> tuple[bool, str]:
    """(found, text). Uses intents.lookup + bot.render.lookups when present, else a small fallback."""
    scored = _fallback_lookup(phrasebook, query)
    found = bool(scored) and scored[0][0] >= _FOUND
    try:
        search: Any = importlib.import_module("intents.lookup").search
        render: Any = importlib.import_module("bot.render.lookups").render_lookup
    except (ImportError, AttributeError):
        search = render = None
    if search is not None and render is not None:
        return found, str(render(phrasebook, search(phrasebook, query)))
    if not found:
        return False, ""
    lines: list[str] = []
    for _score, entry_id in [s for s in scored if s[0] >= _FOUND][:3]:
        entry = phrasebook.entry(entry_id)
        band = phrasebook.band_for(entry)
        lines.append(
            f"{entry.title}\nInstead of: \u201c{entry.dont_say}\u201d\nTry saying: {entry.do_say}\n"
            f"Regime: {entry.regime.value} \u00b7 Cost band: {band.display()} \u00b7 {entry.nist.label()}"
        )
    return True, "\n\n".join(lines)


def did_you_mean_entry(phrasebook: Phrasebook, query: str) -> str | None:
    scored = _fallback_lookup(phrasebook, query)
    return phrasebook.entry(scored[0][1]).title if scored and scored[0][0] >= 50 else None


def cost_text(phrasebook: Phrasebook, query: str) -> str:
    try:
        cost = importlib.import_module("intents.cost")
        render: Any = importlib.import_module("bot.render.lookups").render_cost
    except (ImportError, AttributeError):
        return "\n".join(f"{band.label}: {band.display()}" for band in phrasebook.cost_bands.values())
    try:
        return str(render(cost.estimate(phrasebook, cost.parse_cost_query(query))))
    except cost.CostQueryError as exc:
        return str(exc)


async def settings_command(
    dosay: Dosay, platform: Platform, workspace: str, channel: str, args: list[str], *, prefix: str = "/dosay"
) -> CommandResult:
    """``settings`` / ``settings mode X`` / ``settings tips on|off`` / ``settings tips at HH:MM`` /
    ``settings timezone ZONE``."""
    changes: dict[str, Any] = {}
    words = [a.lower() for a in args]
    if words[:1] == ["mode"] and len(words) == 2 and policy.parse_mode(words[1]):
        changes["mode"] = policy.parse_mode(words[1])
    elif words[:1] == ["tips"] and len(words) == 2 and words[1] in {"on", "off"}:
        changes["tips_enabled"] = words[1] == "on"
    elif words[:2] == ["tips", "at"] and len(words) == 3:
        changes.update(tips_enabled=True, tip_time=args[2])
    elif words[:1] == ["timezone"] and len(args) == 2:
        changes["timezone"] = args[1]
    elif words:
        return CommandResult("error", "Unknown setting. Try: " + SETTINGS_HELP.format(prefix=prefix))
    try:
        if changes:
            current = await dosay.update_channel_settings(platform, workspace, channel, **changes)
        else:
            current = await dosay.channel_settings(platform, workspace, channel)
    except ValidationError as exc:
        message = str(exc.errors(include_input=False)[0]["msg"]).removeprefix("Value error, ")
        return CommandResult("error", f"Not changed: {message}")
    tips = f"on at {current.tip_time} ({current.timezone})" if current.tips_enabled else "off"
    verb = "Updated" if changes else "Current"
    return CommandResult(
        "settings", f"{verb} settings for this channel: mode {current.mode}; daily tip {tips}."
    )


async def run_command(
    dosay: Dosay, platform: Platform, workspace: str, channel: str, text: str, *, prefix: str = "/dosay"
) -> CommandResult:
    words = text.split()
    if not words or words[0].lower() == "help":
        return CommandResult("help", help_text(prefix))
    head, rest = words[0].lower(), " ".join(words[1:])
    if head == "settings":
        return await settings_command(dosay, platform, workspace, channel, words[1:], prefix=prefix)
    if head == "tip":
        day = dosay.clock().date()
        tip = dosay.tip_for(day)
        return CommandResult(
            "tip",
            f"Tip of the day: {tip.text}" if tip else "No tip today: every tip's figures are due for review.",
        )
    if head == "cost":
        return CommandResult("cost", cost_text(dosay.phrasebook, rest))
    query = rest if head == "lookup" else text.strip()
    if head != "lookup" and len(words) == 1:
        suggestion = _suggest_command(head)
        if suggestion is not None:
            return CommandResult("help", help_text(prefix, suggestion))
    found, body = lookup_text(dosay.phrasebook, query)
    if found:
        return CommandResult("lookup", body, share=query[:500])
    entry = did_you_mean_entry(dosay.phrasebook, query)
    suggestion = f"lookup {entry}" if entry else _suggest_command(head)
    return CommandResult("help", "Nothing in the phrasebook matches that.\n" + help_text(prefix, suggestion))
