"""Data of the clean stage: a capture's text split into story paragraphs and what was removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from briefgen.diagnostics import Span

if TYPE_CHECKING:  # load data; a runtime import would be circular while load.types imports CleaningOverrides
    from briefgen.load.types import CaptureMeta


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
    role: Literal["body", "heading", "standfirst", "caption"] = "body"
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


@dataclass(frozen=True)
class DetectedMeta:
    """Metadata that cleaning found in the capture itself (all optional; annotations take precedence)."""

    title: str | None = None
    """Headline, e.g. the first line of a text capture with a trailing `` | Site Name`` removed."""
    date: str | None = None
    """Publication date as ISO ``YYYY-MM-DD`` when a dateline or 'First Published' line gives it."""
    byline: str | None = None
    """Author names when a byline line is present."""
    outlet: str | None = None
    """Publication or agency name when the capture shows it (site suffix, masthead line, og:site_name)."""
    url: str | None = None
    """Canonical http(s) URL when the capture gives it (HTML canonical link / og:url)."""
    date_evidence: str | None = None
    """The captured text the date was read from, e.g. ``First Published: Fri, May 10 2019. 19:26 IST``."""


@dataclass(frozen=True)
class CleaningOverrides:
    """An author's corrections to automatic cleaning, from the article annotation's ``cleaning:`` key."""

    keep: tuple[tuple[str, Span], ...] = ()
    """Paragraph starts (prefix text) that must be kept, each with the place it was written."""
    remove: tuple[tuple[str, Span], ...] = ()
    """Paragraph starts (prefix text) that must be removed, each with the place it was written."""


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
