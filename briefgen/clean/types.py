"""Data of the clean stage: a capture's text split into story paragraphs and what was removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from briefgen.diagnostics import Span
from briefgen.load.types import CaptureMeta as CaptureMeta  # load data, re-exported
from briefgen.load.types import CleaningOverrides as CleaningOverrides  # load data (annotations), re-exported

Role = Literal["body", "heading", "standfirst", "caption"]
"""What a paragraph is in the story (see :attr:`Paragraph.role`)."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the cleaned story text."""

    number: int
    """1-based position among the kept paragraphs; the page anchor is ``p{number}``."""
    text: str
    """The paragraph's text as captured, with internal line breaks and runs of spaces folded to one space.

    For Markdown captures (trusted, written by the author) the block's source text, unchanged."""
    span: Span
    """Where the paragraph starts in the capture file (for HTML captures: the best line found, else line 1)."""
    role: Role = "body"
    """What the paragraph is in the story: running text, a sub-heading, the standfirst under the headline, or a
    photo caption. All are story text (linked, citable); pages and the PDF show them differently."""


@dataclass(frozen=True)
class Removal:
    """A piece of the capture that cleaning left out of the story, with the reason."""

    text: str
    """The removed text, as captured (whitespace folded)."""
    span: Span
    """Where it was in the capture file."""
    reason: str
    """Human-readable reason, e.g. ``subscription offer``, ``duplicate of paragraph 14``, ``photo caption``."""
    category: Literal["boilerplate", "duplicate", "caption", "metadata", "override"]
    """Coarse class of the removal, for counting and styling."""


MetaField = Literal["title", "date", "byline", "outlet", "url"]


@dataclass(frozen=True)
class MetaSource:
    """Where one detected metadata value was read, how, and how sure the reading is."""

    field: MetaField
    """Which value of :class:`DetectedMeta` this is about."""
    value: str | None
    """The value read; None when the line could not be read unambiguously (a date such as ``10/05/2019``)."""
    span: Span
    """The line it was read from (for HTML captures: the capture file, line 1)."""
    how: str
    """How it was found, for the article page: ``dateline``, ``'Published' line``, ``line above the story``,
    ``copyright line``, ``site name after the headline``, ``page metadata (meta tags)``…"""
    text: str
    """The captured line (whitespace folded), or what the page metadata says."""
    sure: bool = True
    """False for a guess: the value is used, but an analyst should confirm it (``warning[meta-uncertain]``)."""
    doubt: str | None = None
    """Why the value may be wrong (a guess), or which other line contradicts it (a conflict), in words."""
    conflict: Span | None = None
    """The line that contradicts the value (``warning[meta-conflict]``); None when nothing does."""


@dataclass(frozen=True)
class DetectedMeta:
    """Metadata that cleaning found in the capture itself (all optional; annotations take precedence)."""

    title: str | None = None
    """Headline, e.g. the line above a text capture's story with a trailing `` | Site Name`` removed."""
    date: str | None = None
    """Publication date as ISO ``YYYY-MM-DD`` when a dateline, 'Published' line or date line gives it."""
    byline: str | None = None
    """Author names when a byline line is present."""
    outlet: str | None = None
    """Publication or agency name when the capture shows it (site suffix, masthead line, og:site_name)."""
    url: str | None = None
    """Canonical http(s) URL when the capture gives it (HTML canonical link / og:url)."""
    date_evidence: str | None = None
    """The captured text the date was read from, e.g. ``First Published: Fri, May 10 2019. 19:26 IST``."""
    sources: tuple[MetaSource, ...] = ()
    """Per detected value (and per value that could not be read), where and how it was found; at most one per
    field, in the order title, date, byline, outlet, url."""

    def source(self, field: MetaField) -> MetaSource | None:
        """Where the value of ``field`` came from, if it was detected (or found but unreadable)."""
        return next((s for s in self.sources if s.field == field), None)

    def doubtful(self) -> tuple[MetaSource, ...]:
        """The sources an analyst should check: guesses, conflicts and unreadable values."""
        return tuple(s for s in self.sources if not s.sure or s.conflict is not None or s.value is None)


@dataclass(frozen=True)
class CleanedText:
    """The result of cleaning one capture."""

    paragraphs: tuple[Paragraph, ...]
    """The story, in order."""
    removed: tuple[Removal, ...]
    """Everything left out, in capture order."""
    detected: DetectedMeta
    """Metadata found in the capture."""
    page_meta: tuple[CaptureMeta, ...] = ()
    """The page's meta tags that mean no article field (HTML: description, keywords, section…)."""
