"""Finding alias mentions in text in one pass (Aho–Corasick), longest match first, on word boundaries.

The automaton is built once over the lower-cased aliases; each hit is then checked against the alias's
case rule (``exact`` compares the original text) and against word boundaries. Overlapping hits are
resolved longest-first, so "Southern Kurils" wins over "Kurils".

How it is kept fast (the link stage runs it over every paragraph of every article; see docs/performance.md):
the scan is ``ahocorasick_rs`` (Rust, a DFA), one call per article (:meth:`Matcher.scan`) over its
paragraphs joined by a character no alias contains, returning every raw hit as one list; aliases in ASCII
are searched for in the text encoded as ASCII bytes, which needs neither folding as str nor offset
conversion; the per-hit checks in Python use facts worked out once per key, and overlaps (an alias inside a
longer one) are resolved run by run.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from briefgen.clean.typography import PLAIN_FORMS
from briefgen.load.types import CaseRule


@dataclass(frozen=True)
class AliasTarget:
    """What a matched alias points to."""

    entity: str
    """Entity id."""
    alias: str
    """The alias text as written by the author."""
    case: CaseRule
    """Case rule of the alias."""


@dataclass(frozen=True)
class Hit:
    """One accepted match in a text."""

    start: int
    """Offset of the first character."""
    end: int
    """Offset after the last character."""
    entity: str
    """Entity id."""
    alias: str
    """The alias that matched."""


def fold(text: str) -> str:
    """Lower-case ``text`` keeping every character at its offset (len(fold(t)) == len(t))."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


TYPOGRAPHIC = str.maketrans(PLAIN_FORMS)
"""Typographic apostrophes, quotes, dashes and spaces → their plain forms, one character for one (so offsets
stay): ``Japan’s`` is found by the alias ``Japan's`` and the other way round, as quote checking reads them."""
_TYPOGRAPHIC_RE = re.compile("[" + re.escape("".join(PLAIN_FORMS)) + "]")


def plain(text: str) -> str:
    """``text`` with :data:`TYPOGRAPHIC` characters plain; the text itself when it has none (the usual case:
    looked for in C, as translating costs a lookup in Python per character)."""
    if text.isascii() or _TYPOGRAPHIC_RE.search(text) is None:
        return text
    return text.translate(TYPOGRAPHIC)


def _ascii_plain(exc: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: each character outside ASCII as its plain form, else ``?`` (as ``replace``).
    Called only for the runs of such characters, so ASCII text is encoded at C speed."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    run = exc.object[exc.start : exc.end]
    out = _RUNS.get(run)
    if out is None:
        out = "".join(PLAIN_FORMS.get(c, "?") for c in run)
        if len(_RUNS) < 4096:  # runs are mostly one mark (a quote, a dash): a few dozen distinct ones
            _RUNS[run] = out
    return out, exc.end


_RUNS: dict[str, str] = {}


codecs.register_error("briefgen-ascii-plain", _ascii_plain)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


SEPARATOR = "\x00"
"""What :meth:`Matcher.scan` joins texts with, unless an alias contains it (see :func:`_separator`)."""


def _separator(keys: list[str]) -> str:
    """A character that joins texts for one scan: not in any key (so no hit spans two texts), not a word
    character (so a hit next to it is on a word boundary, as at the start or end of a text) and folded to
    itself. :data:`SEPARATOR` unless a key contains it."""
    used = set("".join(keys))
    c = ord(SEPARATOR)
    while _is_word(chr(c)) or chr(c) in used or chr(c).lower() != chr(c):
        c += 1
    return chr(c)


class Matcher:
    """An alias automaton. Build once per model; call :meth:`find` per paragraph, or :meth:`scan` for all the
    paragraphs of an article at once."""

    def __init__(self, targets: list[AliasTarget]):
        table: dict[str, list[AliasTarget]] = {}
        for t in targets:
            key = fold(plain(t.alias))
            if key.strip():
                table.setdefault(key, []).append(t)
        self._keys = keys = list(table)
        # by key index: (entity, alias, exact, word_start, word_end). ``entity`` and ``alias`` are those of the one
        # target that owns the key (None for a key several targets share, in ``_shared``, resolved hit by hit);
        # ``exact`` whether that alias is ``exact``; ``word_start``/``word_end`` whether the key starts/ends with
        # a word character: a hit's first (last) character is a word character exactly when the key's is
        # (folding maps a character to one of the same kind), and only then does a word character before
        # (after) the hit split a word
        self._payload: list[tuple[str | None, str | None, bool, bool, bool]] = []
        self._shared: dict[int, tuple[AliasTarget, ...]] = {}
        for i, (key, ts) in enumerate(table.items()):
            ws, we = _is_word(key[0]), _is_word(key[-1])
            if len(ts) == 1:
                self._payload.append((ts[0].entity, ts[0].alias, ts[0].case != "ignore", ws, we))
            else:
                self._payload.append((None, None, False, ws, we))
                self._shared[i] = tuple(ts)
        # keys whose exact aliases may also match in capitals in a dateline (see :meth:`_capitals`)
        self._caps = frozenset(i for i, ts in enumerate(table.values()) if any(_caps_alias(t) for t in ts))
        self._empty = not table
        self.separator = _separator(keys)
        """What :meth:`scan` joins the texts with."""
        # aliases in ASCII (and without "?"), the usual case, are searched for in the text encoded as ASCII with
        # "?" for every other character: one byte per character, so the offsets are the same, and no alias can
        # match where a "?" stands for a character it does not contain (see :meth:`_hits`)
        self._ascii = all(k.isascii() and "?" not in k for k in keys)
        self._automaton: Any = None  # AhoCorasick (str) or BytesAhoCorasick (ASCII bytes), see _hits
        self._wide: Any = None  # the fallback for texts (or keys) UTF-8 cannot encode: lone surrogates
        if not self._empty:
            dfa = ahocorasick_rs.Implementation.DFA
            try:
                self._automaton = (
                    ahocorasick_rs.BytesAhoCorasick([k.encode() for k in keys], implementation=dfa)
                    if self._ascii
                    else ahocorasick_rs.AhoCorasick(keys, implementation=dfa)
                )
            except UnicodeEncodeError:
                pass

    def find(self, text: str) -> list[Hit]:
        """Accepted hits in ``text``, in text order, never overlapping."""
        return [Hit(*c) for c in self.spans(text)]

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """:meth:`find` as plain tuples ``(start, end, entity, alias)`` (cheaper when there are many)."""
        if self._empty or not text:
            return []
        return self._accepted(text, self._hits(text, (text,)))

    def scan(self, texts: Sequence[str]) -> list[tuple[int, int, str, str]]:
        """:meth:`spans` of several texts in one scan (one call per text costs more than the scan of a paragraph):
        ``(start, end, entity, alias)`` in order, the offsets into the texts joined by :attr:`separator` (so
        ``len`` of each text plus one apart). What the link stage calls; :meth:`spans_many` says which text a
        hit is in."""
        if self._empty or not texts:
            return []
        sep = self.separator
        joined = sep.join(texts)
        return self._accepted(joined, self._hits(joined, texts))

    def spans_many(self, texts: Sequence[str]) -> list[tuple[int, int, int, str, str]]:
        """:meth:`spans` of each text, as ``(index of the text, start, end, entity, alias)`` in order."""
        out: list[tuple[int, int, int, str, str]] = []
        k, base, nxt = -1, 0, 0  # the current text, its offset in the joined text, the next text's offset
        for start, end, entity, alias in self.scan(texts):
            while start >= nxt:
                k += 1
                base = nxt
                nxt += len(texts[k]) + 1
            out.append((k, start - base, end - base, entity, alias))
        return out

    def _hits(self, joined: str, texts: Sequence[str]) -> list[tuple[int, int, int]]:
        """Every occurrence of every key in the folded ``texts`` joined by the separator (``joined``), as (key
        index, start, end)."""
        if self._ascii and self._automaton is not None and (joined.isascii() or "\u212a" not in joined):
            # in ASCII, bytes.lower() is fold(); the one character outside ASCII that folds into it is the
            # Kelvin sign (K, to k). Encoded text by text: a text in ASCII (most paragraphs) is copied as it is
            sep = self.separator.encode("ascii", "replace")
            low = sep.join([t.encode("ascii", "briefgen-ascii-plain") for t in texts]).lower()
            return self._automaton.find_matches_as_indexes(low, overlapping=True)
        return self._raw(self.separator.join([fold(plain(t)) for t in texts]))

    def _raw(self, low: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every key in the folded text ``low``, as (key index, start, end)."""
        if self._automaton is not None and not self._ascii:
            try:
                return self._automaton.find_matches_as_indexes(low, overlapping=True)
            except UnicodeEncodeError:
                pass
        # lone surrogates, or aliases in ASCII and a Kelvin sign: the same search over UTF-32 code units,
        # keeping the hits on character boundaries
        if self._wide is None:
            self._wide = ahocorasick_rs.BytesAhoCorasick([k.encode("utf-32-le", "surrogatepass") for k in self._keys])
        return [
            (i, s >> 2, e >> 2)
            for i, s, e in self._wide.find_matches_as_indexes(
                low.encode("utf-32-le", "surrogatepass"), overlapping=True
            )
            if not s & 3
        ]

    def _accepted(self, text: str, raw: list[tuple[int, int, int]]) -> list[tuple[int, int, str, str]]:
        """The hits ``raw`` of :meth:`_hits` in ``text`` that pass the word boundaries and the case rules, in
        order, overlaps resolved."""
        if not raw:
            return []
        candidates: list[tuple[int, int, str, str]] = []
        add, payload, n = candidates.append, self._payload, len(text)
        # the raw hits come by end: when each candidate starts at or after the end of the one before, they are
        # in order and none overlaps (the usual case); else they are tangled: sorted, and overlaps resolved
        last, tangled = 0, False
        for i, start, end in raw:
            entity, alias, exact, word_start, word_end = payload[i]
            if word_start and start:
                c = text[start - 1]
                if c != " " and (c.isalnum() or c == "_"):  # most words are between spaces
                    continue
            if word_end and end < n:
                c = text[end]
                if c != " " and (c.isalnum() or c == "_"):
                    continue
            if entity is not None and alias is not None:  # one target: both set
                if (
                    exact
                    and not text.startswith(alias, start)
                    and plain(text[start:end]) != plain(alias)
                    and not (i in self._caps and self._capitals(text, start, end))
                ):
                    continue
                if start < last:
                    tangled = True
                last = end
                add((start, end, entity, alias))
                continue
            surface = plain(text[start:end])
            ok = [
                t
                for t in self._shared[i]
                if t.case == "ignore"
                or plain(t.alias) == surface
                or (_caps_alias(t) and self._capitals(text, start, end))
            ]
            if len({t.entity for t in ok}) != 1:
                continue  # no rule fits, or two entities claim the same words: never guess
            if start < last:
                tangled = True
            last = end
            add((start, end, ok[0].entity, ok[0].alias))
        if tangled:
            candidates.sort()
            return _resolve(candidates)
        return candidates

    def _capitals(self, text: str, start: int, end: int) -> bool:
        """Whether the hit ``text[start:end]`` is in capitals at the head of its text (no small letter before it
        since the separator or the start): a dateline (``TOKYO (Reuters) -``, ``ITURUP / TOKYO, August 2``) or a
        heading set in capitals. Only there does a capitalised one-word alias match its capitals."""
        surface = text[start:end]
        if not surface.isupper():
            return False
        head = text.rfind(self.separator, 0, start) + 1
        return not any(c.islower() for c in text[head:start])


def _caps_alias(t: AliasTarget) -> bool:
    """An ``exact`` alias of one word written with a capital then small letters (``Tokyo``, ``Lavrov``), whose
    capitals (``TOKYO``) are the same name in a dateline."""
    a = t.alias
    return t.case == "exact" and len(a) > 1 and a[0].isupper() and a[1:].islower() and all(_is_word(c) for c in a)


def _resolve(candidates: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Candidates sorted by start, maybe overlapping: each run of overlapping ones resolved on its own by
    :func:`_longest_first` (what one run keeps cannot touch another run). A run of two (the usual one: an
    alias inside a longer one) keeps the longer, or the first of two as long."""
    out: list[tuple[int, int, str, str]] = []
    add, i, n = out.append, 0, len(candidates)
    while i < n:
        c = candidates[i]
        j, reach = i + 1, c[1]
        while j < n and candidates[j][0] < reach:
            if candidates[j][1] > reach:
                reach = candidates[j][1]
            j += 1
        if j == i + 1:
            add(c)
        elif j == i + 2:
            d = candidates[i + 1]
            add(d if d[1] - d[0] > c[1] - c[0] else c)
        else:
            out.extend(_longest_first(candidates[i:j]))
        i = j
    return out


def _longest_first(candidates: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Overlapping candidates (sorted by start): the longest wins, then the leftmost; the rest must not touch
    what is taken."""
    candidates.sort(key=lambda c: c[0] - c[1])  # stable: equal lengths stay leftmost first
    taken: list[tuple[int, int, str, str]] = []
    for c in candidates:
        start, end = c[0], c[1]
        for t in taken:
            if start < t[1] and t[0] < end:
                break
        else:
            taken.append(c)
    taken.sort()
    return taken


_SENTENCE_END = re.compile(r"([.!?…][\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
"""A sentence end: its punctuation mark, closing quotes or brackets, spaces, then a capital or digit."""

_ABBREVIATIONS = (
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "St",
    "Gen",
    "Col",
    "Lt",
    "Sgt",
    "Jr",
    "Sr",
    "Prof",
    "No",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
)
"""Words whose full stop ends no sentence (besides single capitals, the initials)."""

_ABBREVIATION = re.compile(r"(?:" + "|".join(_ABBREVIATIONS) + r"|[A-Z])\.")
"""What a full stop must end, from the last space before it (or the sentence start), to end no sentence."""


def _end_pattern(marks: str) -> re.Pattern[str]:
    """:data:`_SENTENCE_END` for the punctuation ``marks`` (a regex), leaving out the full stops after an
    abbreviation that starts the text or follows a space: those never end a sentence, whatever came before."""
    by_length: dict[int, list[str]] = {}
    for word in (*_ABBREVIATIONS, "[A-Z]"):
        by_length.setdefault(1 if word == "[A-Z]" else len(word), []).append(word)
    # (?<![^ ]) is "after a space or at the start"; each look-behind has one width
    not_after = "".join(rf"(?<!(?<![^ ])(?:{'|'.join(words)})\.)" for _, words in sorted(by_length.items()))
    # four small letters before the full stop are no abbreviation (a capital and at most three small letters):
    # the usual case, looked at first
    not_after = rf"(?:(?<=[a-z]{{4}}\.)|{not_after})"
    return re.compile(rf"({marks}{not_after}[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")


_SENTENCE_END_ANY = _end_pattern("[.!?…]")
_SENTENCE_END_STOP = _end_pattern(r"\.")
"""For texts with full stops as their only marks (most paragraphs): a literal first character, which the regex
engine finds much faster than a character class."""


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets of a paragraph; a simple, predictable splitter (see :func:`sentences_of`)."""
    return list(sentences_of(text))


def sentences_of(text: str) -> Iterator[tuple[int, int]]:
    """:func:`sentence_bounds` one by one, found as they are asked for.

    A sentence ends at a :data:`_SENTENCE_END`, unless the full stop ends an :data:`_ABBREVIATION` such as
    "Mr." or a single initial (the text from the last space before it, or from the sentence start). The
    patterns already leave out abbreviations at the text start or after a space, so only one kind is left to
    look at here: one right at the start of a sentence that follows whitespace other than a space."""
    if "!" in text or "?" in text or "…" in text:
        ends = _SENTENCE_END_ANY.finditer(text)
    else:
        ends = _SENTENCE_END_STOP.finditer(text)
    start, check = 0, False
    for m in ends:
        if check:
            check = False
            ms = m.start() + 1  # after the punctuation mark
            if text[ms - 1] == ".":
                space = text.rfind(" ", start, ms)
                if _ABBREVIATION.fullmatch(text, space + 1 if space >= 0 else start, ms):
                    continue
        end = m.end(1)  # after the closing quotes or brackets
        if end > start:
            yield start, end
        start = m.end()
        check = text[start - 1] != " "
    if len(text) > start:
        yield start, len(text)
