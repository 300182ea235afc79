"""Located diagnostics: every problem names the file, line and column it comes from.

Stages never raise on bad content: they add :class:`Diagnostic` objects to a :class:`Diagnostics`
collector and carry on, so that one run reports every problem together (as MkDocs' config
validation does). The CLI prints them and decides the exit code.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, order=True)
class Span:
    """Where a datum came from."""

    path: str
    """File path, relative to the briefing folder when inside it, in POSIX form."""
    line: int = 1
    """1-based line number."""
    col: int = 1
    """1-based column number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class TextRun:
    """A stretch of a text value whose characters stand one for one on one line of its file."""

    start: int
    """Offset in the value of the stretch's first character; the stretch ends where the next run starts."""
    line: int
    """1-based file line of that character."""
    col: int
    """1-based file column of that character."""


@dataclass(frozen=True)
class TextSpan(Span):
    """Where a text value starts, and where each part of it stands in the file.

    A value read from YAML is not written one for one: block scalars lose their indentation, quoted scalars their
    quotes and escapes, and lines are folded. The runs map an offset in the value back to its file line and column,
    so that a construct inside it (a citation in Markdown) is reported where it is written.
    """

    runs: tuple[TextRun, ...] = ()
    """The value's stretches in order of ``start``; empty when the value could not be placed (then every offset is
    placed at the value's start)."""

    def at(self, offset: int) -> Span:
        """The file place of the value's character at ``offset``."""
        if not self.runs:
            return Span(self.path, self.line, self.col)
        i = max(0, bisect.bisect_right(self.runs, offset, key=lambda r: r.start) - 1)
        run = self.runs[i]
        return Span(self.path, run.line, run.col + max(0, offset - run.start))

    @classmethod
    def as_written(cls, span: Span, text: str) -> TextSpan:
        """``text`` written as it is from ``span`` on (a Markdown file): each line after the first starts at column 1."""
        runs, start, line, col = [], 0, span.line, span.col
        for part in text.split("\n"):
            runs.append(TextRun(start, line, col))
            start, line, col = start + len(part) + 1, line + 1, 1
        return cls(span.path, span.line, span.col, tuple(runs))


class Severity(str, Enum):
    """How bad a diagnostic is. ``--strict`` promotes warnings to errors."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the content, with its place and a hint to fix it."""

    span: Span
    """Where the problem is."""
    severity: Severity
    """Error (the build fails) or warning (reported; fails only with ``--strict``)."""
    code: str
    """Stable short identifier, e.g. ``yaml-duplicate-key``; tests and docs refer to it."""
    message: str
    """What is wrong, in one sentence."""
    hint: str = ""
    """How to fix it (may be empty)."""

    def format(self, strict: bool = False) -> str:
        sev = Severity.ERROR if strict else self.severity
        text = f"{self.span}: {sev.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple:
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)


@dataclass
class Diagnostics:
    """A collector of diagnostics shared by the stages of one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, span: Span, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(span, Severity.ERROR, code, message, hint))

    def warning(self, span: Span, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(span, Severity.WARNING, code, message, hint))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def has_errors(self, strict: bool = False) -> bool:
        return any(d.severity is Severity.ERROR or strict for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        seen: set[Diagnostic] = set()
        out = []
        for d in sorted(self.items, key=Diagnostic.sort_key):
            if d not in seen:
                seen.add(d)
                out.append(d)
        return out


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidate, or listing a few when none is close."""
    candidates = sorted(set(candidates))
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if not candidates:
        return ""
    shown = ", ".join(f"'{c}'" for c in candidates[:8])
    more = f" (and {len(candidates) - 8} more)" if len(candidates) > 8 else ""
    return f"expected one of {shown}{more}"
