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

from bot import policy
from bot.core_types import Platform
from intents.lookup import LookupResult, search
from phrasebook.schema import Phrasebook, Regime

if TYPE_CHECKING:
    from bot.service import Dosay

COMMANDS = ("lookup", "cost", "tip", "settings", "help")

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


def _render_hits(phrasebook: Phrasebook, result: LookupResult) -> str:
    """Plain text for lookup hits (used until ``bot.render.lookups`` exists)."""
    parts: list[str] = []
    for hit in result.hits[:3]:
        if hit.kind == "entry" and hit.id in phrasebook.entries:
            entry = phrasebook.entry(hit.id)
            parts.append(
                f"{entry.title}\nInstead of: \u201c{entry.dont_say}\u201d\nTry saying: {entry.do_say}\n"
                f"Regime: {entry.regime.value} \u00b7 Cost band: {phrasebook.band_for(entry).display()} "
                f"\u00b7 {entry.nist.label()}"
            )
        elif hit.kind == "regime":
            card = phrasebook.regimes.get(Regime(hit.id))
            if card is not None:
                parts.append(
                    f"{card.name}: {card.what_it_is}\nCost: {card.cost_structure}; {card.typical_magnitude}"
                )
        elif hit.kind == "cost" and hit.id in phrasebook.cost_bands:
            band = phrasebook.cost_bands[hit.id]
            parts.append(f"{band.label}: {band.display()}")
    return "\n\n".join(parts)


def lookup_text(phrasebook: Phrasebook, query: str) -> tuple[bool, str, list[str]]:
    """(found, text, did_you_mean) from ``intents.lookup.search``."""
    result = search(phrasebook, query)
    if not result.hits:
        return False, "", list(result.did_you_mean)
    try:
        render: Any = importlib.import_module("bot.render.lookups").render_lookup
    except (ImportError, AttributeError):
        return True, _render_hits(phrasebook, result), list(result.did_you_mean)
    return True, str(render(phrasebook, result)), list(result.did_you_mean)


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
    found, body, did_you_mean = lookup_text(dosay.phrasebook, query)
    if found:
        return CommandResult("lookup", body, share=query[:500])
    suggestion = f"lookup {did_you_mean[0]}" if did_you_mean else _suggest_command(head)
    return CommandResult("help", "Nothing in the phrasebook matches that.\n" + help_text(prefix, suggestion))
