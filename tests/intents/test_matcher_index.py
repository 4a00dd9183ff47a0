"""The entry index is only a shortcut: it finds exactly the entries a scan of every entry admits."""

import random

from intents.matcher import Matcher, _ClauseView
from intents.normalize import canonical
from phrasebook.loader import load_phrasebook

MATCHER = Matcher(load_phrasebook())


def _clauses() -> list[str]:
    """Every trigger and example, as is and with quote marks, '$', '?', '-' and plural 's' stuck on words
    (the characters that make a word's start differ from the start of a regex word)."""
    texts = [
        canonical(text)
        for entry in MATCHER.phrasebook.entries.values()
        for text in (*entry.triggers, *entry.examples.must_match, *entry.examples.must_not_match)
    ]
    rng = random.Random(7)
    mutated = [
        " ".join(
            rng.choice(["", "", "'", "$", "-"]) + word + rng.choice(["", "", "?", "'", "s"])
            for word in text.split()
        )
        for text in texts
        for _ in range(3)
    ]
    return texts + mutated


def test_index_finds_exactly_what_a_full_scan_admits() -> None:
    lookups = MATCHER._prefix_lookups
    for clause in _clauses():
        view = _ClauseView.of(clause, lookups)
        scanned = {compiled.entry.id for compiled in MATCHER._entries if compiled.admits(view)}
        assert {compiled.entry.id for compiled in MATCHER._gated(view)} == scanned, clause
