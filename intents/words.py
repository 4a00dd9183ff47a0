"""Is this a real English word? Used to keep typo repair away from real words ("lunch" is not "launch").

The word list is pyspellchecker's English frequency dictionary (a declared dependency). It is loaded
once, lazily, the first time a repair is considered, so start-up does not pay for it.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

#: Words seen fewer times than this in the frequency list are treated as unknown (rare forms, noise).
MIN_COUNT = 100


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    try:
        path = resources.files("spellchecker") / "resources" / "en.json.gz"
        with resources.as_file(path) as file, gzip.open(file, "rt", encoding="utf-8") as handle:
            counts: dict[str, int] = json.load(handle)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return frozenset()
    return frozenset(word for word, count in counts.items() if count >= MIN_COUNT and word.isalpha())


def is_english_word(word: str) -> bool:
    return word in english_words()
