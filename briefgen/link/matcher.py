"""Finding alias mentions in text in one pass (Aho–Corasick), longest match first, on word boundaries.

The automaton is built once over the lower-cased aliases; each hit is then checked against the alias's
case rule (``exact`` compares the original text) and against word boundaries. Overlapping hits are
resolved longest-first, so "Southern Kurils" wins over "Kurils".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

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


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    """An alias automaton. Build once per model; call :meth:`find` per paragraph."""

    def __init__(self, targets: list[AliasTarget]):
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[AliasTarget]] = {}
        for t in targets:
            key = fold(t.alias)
            if key.strip():
                table.setdefault(key, []).append(t)
        for key, ts in table.items():
            # the payload: (length, targets, single) where ``single`` is (entity, alias, case is ignore) when
            # one target owns the key (the usual case), so that a hit needs no list building to be accepted
            one = (ts[0].entity, ts[0].alias, ts[0].case == "ignore") if len(ts) == 1 else None
            self._automaton.add_word(key, (len(key), tuple(ts), one))
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        """Accepted hits in ``text``, in text order, never overlapping."""
        return [Hit(*c) for c in self.spans(text)]

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """:meth:`find` as plain tuples ``(start, end, entity, alias)`` (cheaper when there are many)."""
        if self._empty or not text:
            return []
        candidates: list[tuple[int, int, str, str]] = []
        n = len(text)
        for end_incl, (length, targets, one) in self._automaton.iter(fold(text)):
            start, end = end_incl - length + 1, end_incl + 1
            if start > 0:
                c = text[start - 1]
                if c.isalnum() or c == "_":
                    c = text[start]
                    if c.isalnum() or c == "_":
                        continue
            if end < n:
                c = text[end]
                if c.isalnum() or c == "_":
                    c = text[end - 1]
                    if c.isalnum() or c == "_":
                        continue
            if one is not None:
                if not one[2] and one[1] != text[start:end]:
                    continue
                candidates.append((start, end, one[0], one[1]))
                continue
            surface = text[start:end]
            ok = [t for t in targets if t.case == "ignore" or t.alias == surface]
            if len({t.entity for t in ok}) != 1:
                continue  # no rule fits, or two entities claim the same words: never guess
            candidates.append((start, end, ok[0].entity, ok[0].alias))
        if not candidates:
            return []
        if len(candidates) > 1:
            # overlaps are resolved longest first; when there are none (the usual case) every candidate is a hit
            candidates.sort()
            if any(b[0] < a[1] for a, b in zip(candidates, candidates[1:])):
                return _longest_first(candidates)
        return candidates


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


_ABBREVIATION = re.compile(r"(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Jr|Sr|Prof|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets of a paragraph; a simple, predictable splitter."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        ms = m.start() + 1  # after the punctuation mark
        # do not split after common abbreviations such as "Mr." or single initials
        if text[ms - 1] == ".":
            space = text.rfind(" ", start, ms)
            if _ABBREVIATION.fullmatch(text, space + 1 if space >= 0 else start, ms):
                continue
        end = m.end(1)  # after the closing quotes or brackets
        if end > start:
            bounds.append((start, end))
        start = m.end()
    if len(text) > start:
        bounds.append((start, len(text)))
    return bounds
