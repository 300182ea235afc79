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
            self._automaton.add_word(key, (len(key), tuple(ts)))
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        """Accepted hits in ``text``, in text order, never overlapping."""
        if self._empty or not text:
            return []
        folded = fold(text)
        candidates: list[tuple[int, int, AliasTarget]] = []
        n = len(text)
        for end_incl, (length, targets) in self._automaton.iter(folded):
            start, end = end_incl - length + 1, end_incl + 1
            if start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
                continue
            if end < n and _is_word(text[end]) and _is_word(text[end - 1]):
                continue
            surface = text[start:end]
            ok = [t for t in targets if t.case == "ignore" or t.alias == surface]
            if len({t.entity for t in ok}) != 1:
                continue  # no rule fits, or two entities claim the same words: never guess
            candidates.append((start, end, ok[0]))
        if not candidates:
            return []
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken = bytearray(n)
        hits = []
        for start, end, target in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            hits.append(Hit(start, end, target.entity, target.alias))
        hits.sort(key=lambda h: h.start)
        return hits


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets of a paragraph; a simple, predictable splitter."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group(0).rstrip())
        # do not split after common abbreviations such as "Mr." or single initials
        before = text[start:m.start()].rsplit(" ", 1)[-1]
        if re.fullmatch(r"(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Jr|Sr|Prof|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.", before):
            continue
        bounds.append((start, end))
        start = m.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if e > s]
