"""``dosay chat``: a terminal playground. Type chat lines, see exactly what dosay would post.

Stateless on purpose (no cooldowns, no storage): it shows the matcher and the reply, nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from bot import messages
from bot.render.text import render_text
from bot.replies import build_reply
from intents.matcher import Matcher
from phrasebook.schema import Phrasebook


def _command(line: str, phrasebook: Phrasebook, matcher: Matcher, console: Console) -> bool:
    """Handle a /command; False when the user asked to quit."""
    name, _, rest = line[1:].partition(" ")
    if name in {"quit", "exit", "q"}:
        return False
    if name == "lookup":
        from bot.render.lookups import render_lookup
        from intents.lookup import search

        console.print(escape(render_lookup(phrasebook, search(phrasebook, rest))))
    elif name == "cost":
        from bot.render.lookups import render_cost
        from intents.cost import CostQueryError, estimate, parse_cost_query

        try:
            console.print(escape(render_cost(estimate(phrasebook, parse_cost_query(rest)))))
        except CostQueryError as exc:
            console.print(f"[red]{escape(str(exc))}[/red]")
    elif name == "explain":
        for candidate in matcher.candidates(rest):
            state = candidate.suppressed_by or "fires"
            console.print(
                escape(
                    f"{candidate.entry:<28} {candidate.score:.2f} {state:<10} "
                    f"'{candidate.clause}' ~ '{candidate.trigger}'"
                )
            )
    elif name == "tip":
        from intents.tips import NoTipError, tip_for_day

        try:
            console.print(escape(tip_for_day(phrasebook.tips, date.today(), skip=set()).text))
        except NoTipError as exc:
            console.print(escape(str(exc)))
    else:
        console.print(escape(messages.CHAT_BANNER))
    return True


def run_console(phrasebook: Phrasebook, *, stdin: TextIO, out: TextIO) -> int:
    console = Console(file=out, highlight=False, soft_wrap=True)
    matcher = Matcher(phrasebook)
    console.print(escape(messages.CHAT_BANNER))
    interactive = stdin.isatty()
    while True:
        if interactive:
            console.print("[bold]you>[/bold] ", end="")
        line = stdin.readline()
        if not line:
            return 0
        line = line.strip()
        if not line:
            continue
        if line.startswith("/"):
            if not _command(line, phrasebook, matcher, console):
                return 0
            continue
        matches = matcher.match(line)
        if not matches:
            console.print(f"[dim]{escape(messages.CHAT_SILENT)}[/dim]")
            continue
        reply = build_reply(phrasebook, matches[0], today=date.today())
        console.print(Panel(escape(render_text(reply)), title=f"dosay · {reply.title}", expand=False))
