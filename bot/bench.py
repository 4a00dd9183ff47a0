"""``dosay bench``: matcher throughput, latency, start-up and memory, against a naive baseline.

The corpus is deterministic: every phrasebook example, plus chat noise, plus long messages
made of several of them. Larger phrasebooks are synthesised by copying the entries with their
words mapped to pseudo-words (distinct concepts, same shape), which is how a real phrasebook
grows. The baseline is the obvious approach: best ``partial_ratio`` over every trigger.
"""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from intents.matcher import Matcher
from phrasebook.loader import load_phrasebook
from phrasebook.schema import Entry, Examples, Phrasebook

_NOISE = (
    "morning all",
    "who has the badge for the DC office?",
    "can someone share the deck from Tuesday's call",
    "the train leaves at 6:10, see you at the station",
    "their data warehouse is on Snowflake and the SSO is Okta",
    "I'll learn the new expense tool eventually",
    "lunch? :taco:",
    "the customer wants a demo of the RAG pipeline on Thursday",
    "<@U024BE7LH> can you review the SOW by Friday? <https://example.com/sow|SOW draft>",
    "```model.fit(x, y, epochs=3)``` this is the snippet they ran",
)


@dataclass(frozen=True)
class Timing:
    label: str
    triggers: int
    per_second: float
    p50_us: float
    p99_us: float


def corpus(
    phrasebook: Phrasebook, size: int, seed: int = 7, *, misconception_share: float | None = None
) -> list[str]:
    """Deterministic messages; 15% are long (3-8 sentences).

    ``misconception_share=None``: every phrasebook example and the noise lines, equally likely (the
    adversarial case: nearly every message is close to a misconception). A share such as 0.1: that
    fraction of must-match examples, the rest benign chat (noise and must-not-match examples).
    """
    rng = random.Random(seed)
    positives = [t for e in phrasebook.entries.values() for t in e.examples.must_match]
    benign = [*_NOISE, *(t for e in phrasebook.entries.values() for t in e.examples.must_not_match)]

    def one() -> str:
        if misconception_share is None:
            return rng.choice(positives + benign)
        return rng.choice(positives) if rng.random() < misconception_share else rng.choice(benign)

    lines = []
    for _ in range(size):
        if rng.random() < 0.15:
            lines.append(" ".join(one() + "." for _ in range(rng.randint(3, 8))))
        else:
            lines.append(one())
    return lines


def _pseudo(word: str, copy: int) -> str:
    if "-" in word:
        return "-".join(_pseudo(piece, copy) for piece in word.split("-"))
    if len(word) < 2 or not word.isalpha():
        return word
    rng = random.Random(f"{word}:{copy}")
    return "".join(rng.choice("bcdfghklmnprstvz") if ch not in "aeiou" else ch for ch in word)


def _map_text(text: str, copy: int) -> str:
    return " ".join(_pseudo(w, copy) for w in text.split())


def scaled(phrasebook: Phrasebook, factor: int) -> Phrasebook:
    """The phrasebook plus ``factor - 1`` synthetic copies of every entry with distinct vocabulary."""
    if factor <= 1:
        return phrasebook
    entries: dict[str, Entry] = dict(phrasebook.entries)
    for copy in range(1, factor):
        for entry in phrasebook.entries.values():
            new_id = f"{entry.id}-x{copy}"
            entries[new_id] = entry.model_copy(
                update={
                    "id": new_id,
                    "triggers": [_map_text(t, copy) for t in entry.triggers],
                    "requires": [[_map_text(term, copy) for term in group] for group in entry.requires],
                    "examples": Examples(
                        must_match=[_map_text(t, copy) for t in entry.examples.must_match],
                        must_not_match=list(entry.examples.must_not_match),
                    ),
                }
            )
    return phrasebook.model_copy(update={"entries": entries})


def _time(label: str, triggers: int, fn: Callable[[str], object], lines: list[str]) -> Timing:
    for line in lines[:100]:  # warm caches the way a running bot has them warm
        fn(line)
    samples: list[int] = []
    started = time.perf_counter()
    for line in lines:
        t0 = time.perf_counter_ns()
        fn(line)
        samples.append(time.perf_counter_ns() - t0)
    elapsed = time.perf_counter() - started
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return Timing(label, triggers, len(lines) / elapsed, statistics.median(samples) / 1000, p99 / 1000)


def naive_baseline(phrasebook: Phrasebook) -> Callable[[str], object]:
    triggers = [t.lower() for e in phrasebook.entries.values() for t in e.triggers]

    def best(text: str) -> object:
        return process.extractOne(text.lower(), triggers, scorer=fuzz.partial_ratio)

    return best


def startup_ms(runs: int = 5) -> float:
    """Wall time of a fresh interpreter that loads the phrasebook and builds the matcher (best of runs)."""
    code = (
        "from phrasebook.loader import load_phrasebook; from intents.matcher import Matcher; "
        "Matcher(load_phrasebook())"
    )
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def interpreter_ms(runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def run_bench(*, messages_per_run: int = 5000, scales: tuple[int, ...] = (1, 10, 100)) -> str:
    bundled = load_phrasebook()
    lines = corpus(bundled, messages_per_run)
    chat = corpus(bundled, messages_per_run, misconception_share=0.1)
    rows: list[Timing] = []
    for factor in scales:
        book = scaled(bundled, factor)
        n_triggers = sum(len(e.triggers) for e in book.entries.values())
        matcher = Matcher(book)
        rows.append(_time(f"dosay ×{factor}", n_triggers, matcher.match, lines))
        rows.append(_time(f"dosay ×{factor} chat", n_triggers, matcher.match, chat))
        # The naive baseline is linear in triggers; a smaller sample keeps ×100 to seconds, not minutes.
        naive_lines = lines[: max(300, len(lines) // factor)]
        rows.append(_time(f"naive ×{factor}", n_triggers, naive_baseline(book), naive_lines))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = [
        f"corpus: {len(lines)} messages, 15% long (3-8 sentences); one core",
        "  rows 'dosay ×N' and 'naive ×N': adversarial mix, every phrasebook example equally likely",
        "  rows 'dosay ×N chat': realistic mix, 10% misconceptions and 90% benign chat",
        "",
        f"{'matcher':<18} {'triggers':>8} {'msgs/s':>10} {'p50 µs':>9} {'p99 µs':>9}",
    ]
    out += [
        f"{r.label:<18} {r.triggers:>8} {r.per_second:>10.0f} {r.p50_us:>9.1f} {r.p99_us:>9.1f}" for r in rows
    ]
    out += [
        "",
        f"start-up (fresh interpreter, load phrasebook + build matcher, best of 5): {startup_ms():.0f} ms"
        f" (bare interpreter: {interpreter_ms():.0f} ms)",
        f"peak RSS of this benchmark process: {peak_mib:.0f} MiB",
    ]
    return "\n".join(out)
