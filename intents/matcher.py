"""Recognise when a chat message *states* a misconception from the phrasebook.

Pipeline per message (pure, no I/O):

1. ``normalize.segments``: strip markup, drop code, split into clauses, flag quoted clauses.
2. ``canonical`` spelling, then typo repair against the phrasebook's own vocabulary.
3. Concept gate: an entry is a candidate for a clause only if every one of its ``requires``
   groups is present, none of its ``excludes`` is (and a word starts with one of its anchor words).
   An inverted index on words every candidate clause must hold finds the candidates, so the cost of a
   clause grows with its words, not with the size of the phrasebook. Two sentences, the second
   pointing back, are also read as one clause, for entries neither gates alone.
4. Score: rapidfuzz similarity of the clause to the entry's triggers (whole clause, and a trigger
   inside a longer clause), prefiltered in C.
5. Guards: negation parity against the trigger, meta-talk about the wording, mockery, a question
   offering the other answer, a supposition set aside, someone else's claim answered, quotation.
6. Per-entry threshold; one best answer per message (an entry that ``outranks`` the best on a near
   tie goes first), others ranked behind it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, pairwise

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from intents import guards
from intents.normalize import Segment, canonical, segments, tokens
from intents.types import Candidate, Match
from intents.words import is_english_word
from phrasebook.schema import Entry, Phrasebook

DEFAULT_THRESHOLD = 0.58
#: A negated clause agreeing with a negated trigger ("isn't expensive" ~ "can't afford it") is a weaker
#: signal than plain agreement; it must clear the threshold by this much more.
NEGATED_MARGIN = 0.06
#: A trigger found inside a longer clause (rapidfuzz ``partial_ratio``) counts for this share of its
#: alignment score: the rest of the clause may change what the trigger's words mean.
PARTIAL_WEIGHT = 0.9
#: How far below the best score an entry that outranks the best one may be and still go first.
OUTRANK_MARGIN = 0.05
#: ... for triggers at most 1/this of the clause's length: near the clause's own length, token sort and
#: token set already compare the two, and partial alignment costs more.
PARTIAL_MIN_RATIO = 1.2
#: Typo repair: OSA normalised similarity, i.e. one edit or one swap in five letters.
TYPO_CUTOFF = 0.79
#: Longest message the matcher reads; the rest of a 100 kB paste is not chat.
MAX_CHARS = 20_000
#: Very common words that must never be "repaired" into phrasebook vocabulary.
_NEVER_REPAIR = frozenset(
    """about above after again their there these those which while would could should other where
    being doing going today having still every great thing think right never really money model
    month later learned lesson plans plane trains brain grain drain rains lean leans clean read
    real team tell then than tune tone fire fill fund find mine line lane lead near wear year hear
    bear dear pear tear earn yearn feel free""".split()  # noqa: SIM905
)


@dataclass(frozen=True, eq=False)
class _CompiledEntry:
    entry: Entry
    wordings: tuple[str, ...]
    gates: tuple[_Gate, ...]
    excludes: _Gate | None
    #: First words of the terms of the most distinctive requires group (see ``_anchor_words``).
    anchors: frozenset[str]
    triggers: tuple[str, ...]
    trigger_lengths: tuple[int, ...]
    #: The triggers sorted by length in characters, those lengths, and each one's index in ``triggers``.
    by_chars: tuple[str, ...]
    chars_sorted: tuple[int, ...]
    by_chars_index: tuple[int, ...]
    trigger_negated: tuple[bool, ...]
    threshold: float
    #: The claim itself is a negative ("NIST doesn't really cover AI training"): a negated clause agreeing
    #: with a negated trigger is then the plain case, not a weaker signal.
    negative_claim: bool

    def all_gates(self) -> tuple[_Gate, ...]:
        return (*self.gates, self.excludes) if self.excludes else self.gates

    def admits(self, view: _ClauseView) -> bool:
        """A candidate: every requires group is present, no exclude is, a clause word starts with an
        anchor word. (Anchors first keyed the index, and gates can pass without them: "needs a 'bespoke
        model'" passes, but its word "'bespoke" starts with no anchor. So they stay part of the rule.)"""
        for gate in self.gates:
            if not gate.present(view):
                return False
        if self.excludes is not None and self.excludes.present(view):
            return False
        return not self.anchors.isdisjoint(view.prefixes)


@dataclass(frozen=True)
class _ClauseView:
    """The word sets a gate checks: prefixes of every word (and hyphen piece), and whole words.

    ``prefixes`` keeps only the prefixes some lookup can ask about (``lookups``: anchor words, stems,
    phrase keys); any other prefix would never be asked for, so the answers are the same.
    """

    text: str
    prefixes: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, text: str, lookups: frozenset[str]) -> _ClauseView:
        pieces = _pieces(text)
        prefixes = lookups.intersection(chain.from_iterable(map(accumulate, pieces)))  # fine → f, fi, ...
        singulars = [piece[:-1] for piece in pieces if piece.endswith("s")]
        return cls(text, prefixes, frozenset([*pieces, *singulars]))


def _pieces(text: str) -> list[str]:
    """The words of a clause without '?', each hyphenated word also as each of its tails."""
    if "-" not in text and "?" not in text:
        return text.split()
    pieces: list[str] = []
    for word in text.split():
        word = word.strip("?")
        pieces.append(word)
        if "-" in word:  # "re-fine-tune" also as "fine-tune" and "tune"
            parts = word.split("-")
            pieces.extend("-".join(parts[i:]) for i in range(1, len(parts)))
    return pieces


@dataclass(frozen=True)
class _Gate:
    """One requires group (or the excludes list): present when any of its terms is in the clause.

    A one-word term is a stem matched at the start of a word ("learn" → learns, learning); a term of
    three letters or fewer is a whole word ("we" is not "weights", "api" also matches "apis"); a
    phrase allows one extra word between its words ("train the model on" ~ "train it on").
    """

    stems: frozenset[str]
    words: frozenset[str]
    phrases: re.Pattern[str] | None
    #: One word of each phrase, its longest after the first. In a match that word follows a space, so a
    #: word of the clause starts with it: if none does, no phrase can match and the regex is not run.
    #: None (always run it) when one of them holds a '?', which clause words are compared without.
    phrase_keys: frozenset[str] | None

    @classmethod
    def of(cls, terms: list[str]) -> _Gate:
        stems: set[str] = set()
        words: set[str] = set()
        phrases: list[str] = []
        keys: set[str] = set()
        for term in terms:
            parts = canonical(term).split()
            if not parts:
                raise ValueError(f"empty term '{term}'")
            if len(parts) > 1:
                phrases.append(r"\b" + r"\s+(?:[\w'-]+\s+)?".join(map(_phrase_word, parts)))
                keys.add(max(parts[1:], key=len))
            elif len(parts[0]) <= 3:
                words.add(parts[0])
            else:
                stems.add(parts[0])
        return cls(
            frozenset(stems),
            frozenset(words),
            re.compile("|".join(phrases)) if phrases else None,
            None if any("?" in key for key in keys) else frozenset(keys),
        )

    def present(self, view: _ClauseView) -> bool:
        return (
            not self.stems.isdisjoint(view.prefixes)
            or not self.words.isdisjoint(view.words)
            or (
                self.phrases is not None
                and self._may_hold_phrase(view)
                and self.phrases.search(view.text) is not None
            )
        )

    def _may_hold_phrase(self, view: _ClauseView) -> bool:
        return self.phrase_keys is None or not self.phrase_keys.isdisjoint(view.prefixes)

    def prefix_lookups(self) -> frozenset[str]:
        """The word prefixes ``present`` can look up."""
        return self.stems | (self.phrase_keys or frozenset())

    def index_keys(self) -> _IndexKeys | None:
        """Words of which a clause passing this gate holds one: prefixes of its words, or whole words.
        None when a phrase gives no such word (see ``phrase_keys``)."""
        if self.phrases is not None and self.phrase_keys is None:
            return None
        return self.prefix_lookups(), self.words


def _phrase_word(word: str) -> str:
    """A word of a phrase term: a stem like a one-word term ("train" → trains, training), but a short
    word whole, or with an s ("get better" ~ "gets better"; "i mean" is not "it means", "fit it" is not
    "fit items")."""
    if len(word) > 3:
        return re.escape(word) + r"[\w']*"  # "customer data" ~ "customer's data"
    return re.escape(word) + (r"\b" if len(word) == 1 else r"s?\b")


#: (prefixes, whole words) that an index files an entry under.
_IndexKeys = tuple[frozenset[str], frozenset[str]]


def _compile_entry(entry: Entry) -> _CompiledEntry:
    gates = tuple(_Gate.of(group) for group in entry.requires)
    # The primer's don't-say wording is always a trigger: it is the canonical statement of the claim.
    wordings = [
        *entry.triggers,
        *([entry.dont_say] if canonical(entry.dont_say) not in map(canonical, entry.triggers) else []),
    ]
    triggers = tuple(_stemmed(canonical(t)) for t in wordings)
    order = sorted(range(len(triggers)), key=lambda i: len(triggers[i]))
    return _CompiledEntry(
        wordings=tuple(wordings),
        entry=entry,
        gates=gates,
        excludes=_Gate.of(entry.excludes) if entry.excludes else None,
        anchors=frozenset(_anchor_words(entry.requires)),
        triggers=triggers,
        trigger_lengths=tuple(len(t.split()) for t in triggers),
        by_chars=tuple(triggers[i] for i in order),
        chars_sorted=tuple(len(triggers[i]) for i in order),
        by_chars_index=tuple(order),
        trigger_negated=tuple(guards.is_negated(canonical(t)) for t in wordings),
        threshold=entry.threshold if entry.threshold is not None else DEFAULT_THRESHOLD,
        negative_claim=guards.is_negated(canonical(entry.dont_say)),
    )


def _anchor_words(requires: list[list[str]]) -> set[str]:
    """First words of the group least likely to appear by chance (fewest short stems, then fewest terms)."""

    def weakness(group: list[str]) -> tuple[int, int]:
        firsts = [canonical(term).split()[0] for term in group]
        return sum(1 for word in firsts if len(word) <= 3), len(firsts)

    group = min(requires, key=weakness)
    return {canonical(term).split()[0] for term in group}


#: Asking around is not the concept "know": "anyone know if Azure still offers fine-tuning?".
_ASKING_AROUND = re.compile(
    r"^(?:(?:does|do) )?(?:anyone|anybody|someone|somebody|you|u|y'?all|folks|we) (?:here )?knows? "
    r"(?=if|whether|how|when|what|why|where|who|which)|\blet (?:me|us|them) know\b|\byou know\b"
)
#: A question offering the other answer as a clause of its own: "..., or are the weights frozen?".
_ALTERNATIVE = re.compile(
    r"\bor (?!(?:do|should|shall|can|would) (?:you|i) (?:want me|want to|rather|do it)\b)(?:is|are|was|were"
    r"|do|does"
    r"|did|will|would|should|can|could|has|have|not|no|real|actually|something)\b"
)

#: Where a result or reason clause starts inside a comma-part ("so we are not ...", "because ...").
_RESULT_CLAUSE = re.compile(
    r" (?=(?:so that|so (?:we|you|they|it|there|i|that|the|their|our)|because|since|which means|that way"
    r"|otherwise|so (?:no|usage|costs?|billing|spend)\b"
    r"|and (?:they |we |he |she )?(?:want|wants|would like|need|needs|plan|plans|prefer|prefers"
    r"|intend|intends)) )"
)

_CONDITION_OPENERS = ("if ", "unless ", "in case ", "whenever ", "even if ")

_SUFFIX = re.compile(r"(?<=\w{3})(?:ing|ed|es|s)\b")


def _stemmed(text: str) -> str:
    """Crude suffix stripping for scoring only: "learns", "learned", "learning" all score as "learn"."""
    return _SUFFIX.sub("", text)


class _EntryIndex:
    """Finds the entries a clause may be a candidate for from the clause's words.

    An entry is filed under the keys of one condition every candidate clause meets: its anchor words or
    one of its requires groups (a clause passing a gate holds one of the gate's ``index_keys``). Of
    those, the one expected to bring the entry up least often: keys few entries share, and no short
    prefix ("co" starts "cost", "could", "company"). So a clause meets few entries beyond its own.
    """

    def __init__(self, entries: tuple[_CompiledEntry, ...]) -> None:
        options = [_index_options(compiled) for compiled in entries]
        # How many entries could be filed under each key.
        shared = Counter(key for keys in options for key in {k for p, w in keys for k in p | w})
        self._by_prefix: dict[str, list[_CompiledEntry]] = defaultdict(list)
        self._by_word: dict[str, list[_CompiledEntry]] = defaultdict(list)
        for compiled, keys in zip(entries, options, strict=True):
            prefixes, words = min(keys, key=lambda option: _reach(option, shared))
            for key in prefixes:
                self._by_prefix[key].append(compiled)
            for key in words:
                self._by_word[key].append(compiled)

    def reached(self, view: _ClauseView) -> list[_CompiledEntry]:
        """Each entry filed under a prefix or a whole word of the clause, once."""
        found: dict[_CompiledEntry, None] = {}
        for key in view.prefixes & self._by_prefix.keys():
            for compiled in self._by_prefix[key]:
                found[compiled] = None
        for key in view.words & self._by_word.keys():
            for compiled in self._by_word[key]:
                found[compiled] = None
        return list(found)


def _index_options(compiled: _CompiledEntry) -> list[_IndexKeys]:
    gate_keys = (gate.index_keys() for gate in compiled.gates)
    return [(compiled.anchors, frozenset()), *(keys for keys in gate_keys if keys is not None)]


def _reach(keys: _IndexKeys, shared: Counter[str]) -> int:
    """Roughly how often keys bring entries up: the entries sharing each key, times 4 for a short word
    ("it", "you": common) and times 16 for a short prefix (it starts many words as well)."""
    prefixes, words = keys
    short_prefix, short_word = 16, 4  # whole-word keys are all short (longer terms are stems)
    return sum(shared[key] * (short_prefix if len(key) <= 3 else 1) for key in prefixes) + sum(
        shared[word] * short_word for word in words
    )


def _prefer_specific(ranked: list[Candidate], entries: dict[str, Entry]) -> list[Candidate]:
    """The best first, except that an entry scoring within ``OUTRANK_MARGIN`` of the best and declared to
    outrank it (``Entry.outranks``: the more specific reading) goes first instead."""
    if len(ranked) < 2:
        return ranked
    top = ranked[0]
    for candidate in ranked[1:]:
        entry = entries.get(candidate.entry)
        if entry and top.entry in entry.outranks and candidate.score >= top.score - OUTRANK_MARGIN:
            return [candidate, *(c for c in ranked if c is not candidate)]
    return ranked


@dataclass(frozen=True)
class _Reading:
    """A segment as the matcher reads it: canonical comma-parts and the word view of their join."""

    segment: Segment
    parts: tuple[str, ...]
    view: _ClauseView

    def joined(self, other: _Reading, segment: Segment) -> _Reading:
        """Two readings as one clause (the view of a join is the union of the views)."""
        view = _ClauseView(
            f"{self.view.text} {other.view.text}",
            self.view.prefixes | other.view.prefixes,
            self.view.words | other.view.words,
        )
        return _Reading(segment, self.parts + other.parts, view)


#: A clause that points back at the sentence before it ("that's a six-figure thing", "use them").
_POINTS_BACK = re.compile(r"\b(?:that|this|it|them|those|these|they|there)\b", re.IGNORECASE)


def _bridges(clauses: list[Segment]) -> list[tuple[int, Segment]]:
    """(index of the first, the pair as one segment) for each last clause of a sentence followed by the
    first clause of the next one when that clause points back. The pair's text is the span of the two
    sentences that holds both (punctuation between them included), so guards reading the sentence around
    a clause still find it."""
    bridges: list[tuple[int, Segment]] = []
    for i, (first, second) in enumerate(pairwise(clauses)):
        if first.sentence == second.sentence or not _POINTS_BACK.search(second.text):
            continue
        sentence = f"{first.sentence} {second.sentence}"
        start = sentence.find(first.text)
        end = sentence.find(second.text, len(first.sentence)) + len(second.text)
        if start < 0 or end < len(second.text):
            continue
        bridges.append((i, Segment(sentence[start:end], first.quoted or second.quoted, sentence)))
    return bridges


class _Message:
    """What the guards read of the whole message, each computed at most once and only when a clause of it
    has a would-be match (most chat never pays for these regexes)."""

    def __init__(self, text: str, clauses: list[Segment]) -> None:
        self.text = text
        self._clauses = clauses
        self._sentences: dict[str, str] = {}  # each sentence canonicalised once
        self._flags: dict[str, bool] = {}
        self._meta: dict[str, bool] = {}
        # Per segment (a clause is often a candidate for several entries): the attribution and the
        # supposition it carries.
        self._attributed: dict[Segment, bool] = {}
        self._supposed: dict[Segment, str | None] = {}
        self._answered_turns: set[int] | None = None  # computed on first use

    def _canonical_sentence(self, sentence: str) -> str:
        if sentence not in self._sentences:
            self._sentences[sentence] = canonical(sentence)
        return self._sentences[sentence]

    def _flag(self, name: str, compute: Callable[[], bool]) -> bool:
        if name not in self._flags:
            self._flags[name] = compute()
        return self._flags[name]

    def _canonical_sentences(self) -> list[str]:
        """The message's sentences (markup and code gone), each once, in order, canonical."""
        return [self._canonical_sentence(s) for s in dict.fromkeys(c.sentence for c in self._clauses)]

    def meta_talk(self, sentence: str) -> bool:
        """Strong cues anywhere in the message, weak ones in this sentence."""
        strong = self._flag(
            "strong-meta", lambda: any(guards.is_strong_meta_talk(s) for s in self._canonical_sentences())
        )
        if sentence not in self._meta:
            self._meta[sentence] = strong or guards.is_weak_meta_talk(self._canonical_sentence(sentence))
        return self._meta[sentence]

    def colon_quote(self, segment: Segment) -> bool:
        """ "From the buyer: '...'" reports what someone holds, whatever the entry."""
        start = segment.sentence.find(segment.text)
        return start > 0 and guards.is_colon_introduced(segment.sentence[:start])

    def reported_speech(self, segment: Segment) -> bool:
        outside = segment.sentence.replace(segment.text, " ")
        return guards.is_reported_speech(canonical(outside))

    def answered_report(self, segment: Segment) -> bool:
        """Someone else's claim, reported and answered in this message (a pasted thread's turn answered by a
        later one counts too)."""
        if self._in_answered_turn(segment):
            return True
        if not self._flag(
            "answered",
            lambda: (
                guards.is_answered(" ".join(self._canonical_sentences())) or guards.has_our_turn(self.text)
            ),
        ):
            return False
        if segment not in self._attributed:
            self._attributed[segment] = self._is_attributed(segment)
        return self._attributed[segment]

    def _in_answered_turn(self, segment: Segment) -> bool:
        """The segment is in a pasted thread's turn that a later turn answers."""
        if self._answered_turns is None:
            self._answered_turns = guards.thread_answered_lines(self.text)
        if not self._answered_turns:
            return False
        probe = segment.text[:30]
        lines = self.text.splitlines()
        return any(probe in lines[i] for i in self._answered_turns if i < len(lines))

    def _is_attributed(self, segment: Segment) -> bool:
        if segment.quoted or self.colon_quote(segment):  # quoted words are someone else's, whoever wrote it
            return True
        start = segment.sentence.find(segment.text)
        so_far = segment.sentence[: start + len(segment.text)] if start >= 0 else segment.sentence
        return guards.is_attributed(canonical(so_far))

    def supposition(self, segment: Segment) -> str | None:
        if segment not in self._supposed:
            self._supposed[segment] = self._supposition(segment)
        return self._supposed[segment]

    def _supposition(self, segment: Segment) -> str | None:
        start = segment.sentence.find(segment.text)
        rest = segment.sentence[start + len(segment.text) :] if start >= 0 else ""
        at = self.text.find(segment.sentence)
        later = self.text[at + len(segment.sentence) :] if at >= 0 else ""
        return guards.supposition(canonical(segment.text), lambda: canonical(rest), lambda: canonical(later))

    def forwarded(self) -> bool:
        return self._flag("forwarded", lambda: guards.is_forwarded(self.text))

    def endorsed(self) -> bool:
        return self._flag("endorsed", lambda: guards.is_endorsed(self.text))

    def sarcastic(self) -> bool:
        return self._flag("sarcastic", lambda: guards.is_sarcastic(self.text))


class Matcher:
    """Built once per phrasebook; ``match`` is pure and safe to call from many threads."""

    def __init__(self, phrasebook: Phrasebook) -> None:
        self._phrasebook = phrasebook
        self._entries = tuple(_compile_entry(e) for e in phrasebook.entries.values())
        self._index = _EntryIndex(self._entries)
        vocabulary: set[str] = set()
        for compiled in self._entries:
            for wording in compiled.wordings:
                vocabulary.update(tokens(canonical(wording)))
            for group in compiled.entry.requires:
                for term in group:
                    vocabulary.update(canonical(term).split())
        self._vocabulary = frozenset(vocabulary)
        self._repair_words = tuple(sorted(w for w in vocabulary if len(w) >= 4 and w.isalpha()))
        self._repair = lru_cache(maxsize=65_536)(self._repair_uncached)
        self._prefix_lookups = frozenset().union(
            *(compiled.anchors for compiled in self._entries),
            *(gate.prefix_lookups() for compiled in self._entries for gate in compiled.all_gates()),
        )

    @property
    def phrasebook(self) -> Phrasebook:
        return self._phrasebook

    # --- public ---------------------------------------------------------------------------------

    def match(self, text: str) -> list[Match]:
        """Entries the bot would act on, best first (empty list = stay silent)."""
        best: dict[str, Candidate] = {}
        for candidate in self.candidates(text):
            if candidate.suppressed_by is None:
                current = best.get(candidate.entry)
                if current is None or candidate.score > current.score:
                    best[candidate.entry] = candidate
        ranked = _prefer_specific(
            sorted(best.values(), key=lambda c: (-c.score, c.entry)), self._phrasebook.entries
        )
        return [
            Match(
                entry=c.entry,
                score=round(c.score, 3),
                why=f"'{c.clause}' states '{c.trigger}' ({c.score:.2f})",
                clause=c.clause,
                trigger=c.trigger,
            )
            for c in ranked
        ]

    def candidates(self, text: str) -> list[Candidate]:
        """Every entry whose concepts a clause contains, scored, with the guard that suppressed it."""
        if not text or not text.strip():
            return []
        text = text[:MAX_CHARS]
        found: list[Candidate] = []
        clauses = segments(text, max_chars=MAX_CHARS)
        message = _Message(text, clauses)
        readings = [self._read(segment) for segment in clauses]
        per_clause = [self._score_reading(r, message) if r else [] for r in readings]
        for scored in per_clause:
            found.extend(scored)
        # A claim split over two sentences, the second pointing back ("The court has great case notes.
        # Let's fine-tune the model on them."): the pair is read as one clause, for the entries neither
        # sentence is a candidate for on its own.
        for i, bridge in _bridges(clauses):
            first, second = readings[i], readings[i + 1]
            if first is None or second is None:
                continue
            skip = frozenset(c.entry for c in chain(per_clause[i], per_clause[i + 1]))
            found.extend(self._score_reading(first.joined(second, bridge), message, skip=skip))
        found.sort(key=lambda c: (c.suppressed_by is not None, -c.score, c.entry))
        return found

    # --- internals ------------------------------------------------------------------------------

    def _repair_uncached(self, token: str) -> str:
        if len(token) < 4 or token in self._vocabulary or token in _NEVER_REPAIR or not token.isalpha():
            return token
        if is_english_word(token):  # a real word is not a typo: "lunch" stays "lunch"
            return token  # (checked before the search: it costs one set lookup, the search one per word)
        hit = process.extractOne(
            token, self._repair_words, scorer=OSA.normalized_similarity, score_cutoff=TYPO_CUTOFF
        )
        if hit is None or hit[0][0] != token[0] or abs(len(hit[0]) - len(token)) > 2:
            return token
        return str(hit[0])

    def _canonical_clause(self, clause: str) -> str:
        return " ".join(map(self._repair, canonical(clause).split()))  # repair keeps non-alphabetic words

    def _gated(self, view: _ClauseView) -> list[_CompiledEntry]:
        return [compiled for compiled in self._index.reached(view) if compiled.admits(view)]

    @staticmethod
    def _claim_negated(parts: list[str], views: list[_ClauseView], compiled: _CompiledEntry) -> bool:
        """Negation counts in the comma-separated part(s) that carry most of the entry's concepts,
        so "no worries, it learns from every chat" is not read as a denial."""
        coverage = [sum(1 for gate in compiled.gates if gate.present(view)) for view in views]
        # A condition is not the claim: "if the model doesn't know the new rates, fine-tune them in".
        # Its negation counts only when no other part carries any of the entry's concepts.
        conditions = [part.startswith(_CONDITION_OPENERS) for part in parts]
        if any(conditions) and any(hits for hits, cond in zip(coverage, conditions, strict=True) if not cond):
            coverage = [0 if cond else hits for hits, cond in zip(coverage, conditions, strict=True)]
        best = max(coverage)
        anchored = [
            hits > 0 and not compiled.anchors.isdisjoint(view.prefixes)
            for view, hits in zip(views, coverage, strict=True)
        ]
        # The parts carrying most concepts; when none of them holds the entry's most distinctive word, also
        # the parts that do ("there's no training involved, it's just their docs in the prompt").
        anchor_elsewhere = not any(a for a, hits in zip(anchored, coverage, strict=True) if hits == best)
        return any(
            guards.is_negated(part)
            for part, hits, anchor in zip(parts, coverage, anchored, strict=True)
            if hits == best or (anchor_elsewhere and anchor)
        )

    @staticmethod
    def _claim_in_first_part(views: list[_ClauseView], compiled: _CompiledEntry) -> bool:
        """Whether the first comma-part carries the claim: "even if they send a million questions, the
        bill will be pocket change" supposes the volume, not the claim. ``views``: one per part (or none)."""
        if len(views) < 2:
            return True
        coverage = [sum(1 for gate in compiled.gates if gate.present(view)) for view in views]
        return coverage[0] >= max(coverage[1:])

    def _best_trigger(self, text: str, compiled: _CompiledEntry, negated: bool) -> tuple[float, int, bool]:
        """(score 0..100, trigger index, parity ok), preferring triggers that agree on negation.

        A trigger's score is the best of three rapidfuzz passes, all in C with the threshold as cutoff:
        token sort, token set × a length factor, and, for a trigger shorter than the clause, the best
        alignment of the trigger inside the clause × ``PARTIAL_WEIGHT`` (a claim inside a long message:
        "..., then inference is effectively free so there is no ongoing line item"). Whenever a score can
        reach the cutoff it is exactly that maximum; nothing is scored twice.
        """
        cutoff = compiled.threshold * 100 - 1e-6
        triggers = compiled.triggers
        by_set = process.extract(text, triggers, scorer=fuzz.token_set_ratio, score_cutoff=cutoff, limit=None)
        by_sort = process.extract(
            text, triggers, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=None
        )
        scores = {i: score for _, score, i in by_sort}  # trigger index → the best of the three passes
        length = len(text.split())
        for _, score, i in by_set:
            trigger_length = compiled.trigger_lengths[i]
            spread = abs(length - trigger_length) / max(length, trigger_length, 1)
            weighted = score * (1.0 - 0.35 * spread)
            if weighted > scores.get(i, 0.0):
                scores[i] = weighted
        # Only triggers clearly shorter than the clause can lie inside it (``by_chars`` is sorted by length).
        shorter = bisect_left(compiled.chars_sorted, len(text) / PARTIAL_MIN_RATIO)
        if shorter:
            part_cutoff = cutoff / PARTIAL_WEIGHT
            shorter_triggers = compiled.by_chars[:shorter]
            for _, score, j in process.extract(
                text, shorter_triggers, scorer=fuzz.partial_ratio, score_cutoff=part_cutoff, limit=None
            ):
                i, weighted = compiled.by_chars_index[j], score * PARTIAL_WEIGHT
                if weighted > scores.get(i, 0.0):
                    scores[i] = weighted
        if not scores:
            _, score, index = process.extractOne(text, triggers, scorer=fuzz.token_set_ratio)
            return float(score), int(index), compiled.trigger_negated[index] == negated
        negated_trigger = compiled.trigger_negated
        agreeing = [(score, i) for i, score in scores.items() if negated_trigger[i] == negated]
        if agreeing:
            score, index = max(agreeing)
            return score, index, True
        score, index = max((score, i) for i, score in scores.items())
        return score, index, False

    def _read(self, segment: Segment) -> _Reading | None:
        """The segment's canonical comma-parts and word view; None when too short to state anything."""
        parts = [p for p in (self._canonical_clause(part) for part in segment.text.split(",")) if p]
        if "know" in segment.text.lower():
            parts = [p for p in (_ASKING_AROUND.sub("", part).strip() for part in parts) if p]
        clause = " ".join(parts)
        if len(clause) < 3:
            return None
        return _Reading(segment, tuple(parts), _ClauseView.of(clause, self._prefix_lookups))

    def _score_reading(
        self,
        reading: _Reading,
        message: _Message,
        skip: frozenset[str] = frozenset(),
    ) -> list[Candidate]:
        segment, parts, clause = reading.segment, list(reading.parts), reading.view.text
        gated = self._gated(reading.view)
        if skip:
            gated = [compiled for compiled in gated if compiled.entry.id not in skip]
        if not gated:  # most chat: nothing below needs computing
            return []
        if clause.endswith("?") and not parts[-1].endswith("?"):
            parts[-1] += "?"
        text = _stemmed(clause.rstrip("?"))
        # "does it learn from chats, or are the weights frozen?" weighs both answers; it states neither.
        alternative_question = clause.endswith("?") and _ALTERNATIVE.search(clause) is not None
        scored: list[Candidate] = []
        # Negation is scoped to comma-parts, and a result or reason clause is a part of its own:
        # "... our own model from the ground up so we are not dependent on a vendor" is not a denial.
        scopes = [scope for part in parts for scope in _RESULT_CLAUSE.split(part) if scope]
        single_part_negated = guards.is_negated(scopes[0]) if len(scopes) == 1 else None
        scope_views = [_ClauseView.of(p, self._prefix_lookups) for p in scopes] if len(scopes) > 1 else []
        for compiled in gated:
            negated = (
                single_part_negated
                if single_part_negated is not None
                else self._claim_negated(scopes, scope_views, compiled)
            )
            raw_score, index, parity_ok = self._best_trigger(text, compiled, negated)
            score = raw_score / 100.0
            suppressed: str | None = None
            # Cheapest first: the guards below read the whole message and run only for a would-be match.
            if not parity_ok:
                suppressed = "negation"
            elif score < compiled.threshold + (
                NEGATED_MARGIN if negated and not compiled.negative_claim else 0.0
            ):
                suppressed = "threshold"
            elif message.meta_talk(segment.sentence):
                suppressed = "meta-talk"
            elif message.sarcastic():
                suppressed = "sarcasm"
            elif alternative_question:
                suppressed = "alternative-question"
            elif (supposed := message.supposition(segment)) and (
                supposed == "counterfactual" or self._claim_in_first_part(scope_views, compiled)
            ):
                suppressed = "supposition"
            elif message.answered_report(segment):
                suppressed = "reported-and-answered"
            elif segment.quoted and not (
                message.colon_quote(segment)
                # A quote the writer endorses ("FW from finance, fully agree: '...'") is the writer's claim.
                or message.endorsed()
                # A buyer's words quoted in a report or a forwarded email state the buyer's request.
                or (
                    compiled.entry.kind == "scenario"
                    and (message.reported_speech(segment) or message.forwarded())
                )
            ):
                suppressed = "quotation"
            scored.append(
                Candidate(
                    entry=compiled.entry.id,
                    score=score,
                    clause=segment.text,
                    trigger=compiled.wordings[index],
                    suppressed_by=suppressed,
                )
            )
        return scored
