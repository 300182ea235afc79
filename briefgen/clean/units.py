"""Units of cleaning: the pieces a capture is split into, and how they become a :class:`CleanedText`.

A *unit* is a candidate paragraph: a blank-line separated block of a text capture, or one line of a block
whose lines are separate page elements (a headline, a dateline, a caption…), or one paragraph of trafilatura's
output for HTML. Every stage of cleaning marks units as removed (with category and reason) or leaves them kept;
nothing is ever dropped without a :class:`~briefgen.clean.types.Removal`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.clean.types import CleanedText, DetectedMeta, Paragraph, Removal, Role
from briefgen.clean.typography import PLAIN_FORMS
from briefgen.diagnostics import Span


@dataclass
class Unit:
    """A candidate paragraph while cleaning runs (mutable; turned into Paragraph or Removal at the end)."""

    text: str
    """Text with whitespace folded (Markdown: the source block unchanged)."""
    line: int
    """1-based line where the unit starts in the capture file."""
    col: int = 1
    """1-based column of its first character."""
    category: str | None = None
    """Removal category, or None while the unit is kept."""
    reason: str | None = None
    """Removal reason (for duplicates: filled in at the end, when paragraph numbers are known)."""
    dup_of: Unit | None = None
    """For a duplicate: the kept unit it repeats."""
    forced_keep: bool = False
    """An annotation's ``cleaning.keep`` matched this unit: no automatic rule may remove it."""
    rule: str | None = None
    """Name of the rule of :data:`~briefgen.clean.rules.RULES` that matched the unit, if any."""
    alone: bool = True
    """The unit is a whole blank-line separated block (a paragraph element of the page, in a browser's text
    copy), not one line of a block of several lines (menus, lists, link titles)."""
    block: int = 0
    """Number of the blank-line separated block the unit comes from (0-based, in capture order)."""
    role: Role = "body"
    """What the unit is in the story while kept: ``body``, ``heading``, ``standfirst`` or ``caption``."""

    @property
    def kept(self) -> bool:
        return self.category is None

    def remove(self, category: str, reason: str) -> None:
        """Mark as removed unless an annotation forces it kept or it is removed already."""
        if self.category is None and not self.forced_keep:
            self.category, self.reason = category, reason


_WS = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_QUOTES = str.maketrans(PLAIN_FORMS)  # after NFKC, which has made the spaces plain already


def fold(text: str) -> str:
    """Fold every run of whitespace (incl. line breaks and no-break spaces) to one space; strip the ends."""
    return " ".join(text.split())


def norm_words(text: str) -> str:
    """Comparison key: NFKC, case-folded, punctuation removed, words separated by one space."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def norm_prefix(text: str) -> str:
    """Key for matching annotation prefixes: case-folded, typographic quotes/dashes plain, whitespace folded."""
    return fold(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold())


def _first_col(line: str) -> int:
    return len(line) - len(line.lstrip()) + 1


def _looks_wrapped(lines: list[str], is_element: Callable[[str], bool]) -> bool:
    """True when a block's lines are one hard-wrapped paragraph (e-mail style) rather than separate elements.

    Wrapped prose has lines of similar length, 30–100 characters, the last one possibly shorter, and none of
    its lines is on its own a recognisable page element (``is_element``: a rule of the boilerplate table).
    Text copied from web pages puts each element (headline, dateline, paragraph) on its own line instead.
    """
    lengths = [len(s.strip()) for s in lines]
    longest = max(lengths)
    if longest > 100 or longest < 30 or not all(n >= 0.6 * longest for n in lengths[:-1]):
        return False
    return not any(is_element(fold(s)) for s in lines)


def split_text(text: str, first_line: int = 1, is_element: Callable[[str], bool] = lambda s: False) -> list[Unit]:
    """Split a text capture into units: blank-line separated blocks, each line its own unit unless wrapped."""
    units: list[Unit] = []
    block: list[tuple[int, str]] = []
    blocks: list[int] = []

    def flush() -> None:
        if not block:
            return
        lines = [s for _, s in block]
        n = len(blocks)
        blocks.append(len(block))
        if len(block) == 1 or _looks_wrapped(lines, is_element):
            no, s = block[0]
            units.append(Unit(fold(" ".join(lines)), no, _first_col(s), block=n))
        else:
            units.extend(Unit(fold(s), no, _first_col(s), alone=False, block=n) for no, s in block)
        block.clear()

    for no, line in enumerate(text.split("\n"), start=first_line):
        if line.strip():
            block.append((no, line))
        else:
            flush()
    flush()
    return units


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def split_markdown(text: str, first_line: int = 1) -> list[Unit]:
    """Split trusted Markdown into blank-line separated blocks, keeping the source text (fenced code intact)."""
    units: list[Unit] = []
    block: list[str] = []
    start = first_line
    fence: str | None = None
    for no, line in enumerate(text.split("\n"), start=first_line):
        m = _FENCE.match(line)
        if fence is not None:
            block.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if m:
            fence = m.group(1)
        if line.strip():
            if not block:
                start = no
            block.append(line)
        elif block:
            units.append(Unit("\n".join(block).rstrip(), start, _first_col(block[0])))
            block = []
    if block and any(s.strip() for s in block):
        units.append(Unit("\n".join(block).rstrip(), start, _first_col(block[0])))
    return units


def finish(
    units: list[Unit], path: str, detected: DetectedMeta, extra_removals: list[Removal] | None = None
) -> CleanedText:
    """Number the kept units, word the duplicate reasons and build the result (removals in capture order)."""
    numbers: dict[int, int] = {}
    paragraphs: list[Paragraph] = []
    for u in units:
        if u.kept:
            numbers[id(u)] = len(paragraphs) + 1
            paragraphs.append(Paragraph(len(paragraphs) + 1, u.text, Span(path, u.line, u.col), u.role))
    removed: list[Removal] = []
    for u in units:
        if u.kept:
            continue
        reason = u.reason or ""
        if u.dup_of is not None:
            n = numbers.get(id(u.dup_of))
            reason = reason.format(n=n) if n is not None else "duplicate of a removed paragraph"
        removed.append(Removal(u.text, Span(path, u.line, u.col), reason, u.category))  # type: ignore[arg-type]
    if extra_removals:
        removed.extend(extra_removals)
        removed.sort(key=lambda r: (r.span.line, r.span.col))
    return CleanedText(tuple(paragraphs), tuple(removed), detected)
