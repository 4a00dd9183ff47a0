"""Content as code: run every entry's own examples through the real matcher."""

from __future__ import annotations

from intents.matcher import Matcher
from phrasebook.schema import Phrasebook


def check_examples(phrasebook: Phrasebook, matcher: Matcher | None = None) -> list[str]:
    """Problems as ``entry: examples.must_match[i]: ...`` lines; empty when every example behaves."""
    matcher = matcher or Matcher(phrasebook)
    problems: list[str] = []
    for entry in phrasebook.entries.values():
        for index, text in enumerate(entry.examples.must_match):
            matches = matcher.match(text)
            if not matches or matches[0].entry != entry.id:
                got = f"best match {matches[0].entry}" if matches else "silent"
                problems.append(f"{entry.id}: examples.must_match[{index}]: {text!r} did not fire ({got})")
        for index, text in enumerate(entry.examples.must_not_match):
            fired = [m for m in matcher.match(text) if m.entry == entry.id]
            if fired:
                problems.append(
                    f"{entry.id}: examples.must_not_match[{index}]: {text!r} fired ({fired[0].why})"
                )
    return problems
