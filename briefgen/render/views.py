"""View data handed to the page templates: everything resolved, links relative, HTML pre-escaped.

Templates only lay out; they never look things up. Strings marked ``Markup`` are safe HTML built here
(escaped article text with mention links, rendered author Markdown); every other string is escaped by
Jinja's autoescaping.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from markupsafe import Markup

from briefgen.model.types import Citation


@dataclass(frozen=True)
class Link:
    """A link to a page of the briefing or outside it."""

    text: str
    """Link text (plain; escaped by the template)."""
    href: str
    """Relative URL or http(s) address."""
    external: bool = False
    """True for addresses outside the briefing."""
    note: str = ""
    """Shown before the link where it is listed: the date of a dated entity (a meeting), or ''."""


@dataclass(frozen=True)
class InfoRow:
    """One row of an infobox or metadata table."""

    label: str
    """Row label."""
    value: Markup
    """Safe HTML value."""


@dataclass(frozen=True)
class DetectedRow:
    """One metadata value cleaning read from the capture, for the article page's "Detected in the capture"."""

    label: str
    """Field name as shown (``Title``, ``Date``…)."""
    value: str
    """The value read, or ``(not read)`` when the line was ambiguous."""
    how: str
    """How it was found (``dateline``, ``'Published' line``, ``copyright line``…)."""
    place: str
    """``path:line`` of the line it came from."""
    status: str
    """``used``, ``overridden by the annotation``, ``a guess: …``, ``contradicted: …``."""


@dataclass(frozen=True)
class SourceRef:
    """Where a fact or quote comes from, ready to show."""

    label: str
    """E.g. ``Business Standard, 20 December 2019, ¶3`` or the reference title."""
    href: str | None
    """Link to the paragraph (or outside reference), if any."""
    general: bool
    """True for general-knowledge references (not from the captures)."""


@dataclass(frozen=True)
class FactRow:
    """One fact on an entity page."""

    property: str
    """What the fact is about."""
    value: str
    """The value as the source puts it."""
    date: str
    """Formatted date the value holds for."""
    source: SourceRef
    """Its source."""
    quote: str | None
    """Verbatim supporting words."""
    differs: bool
    """True when another source gives a value that differs for the same measure and time (model/differences.py)."""
    differs_href: str | None = None
    """Link to the fact's entry on the "Where sources differ" page, when it differs."""


@dataclass(frozen=True)
class QuoteRow:
    """One quote."""

    text: str
    """The quoted words."""
    speaker: Link
    """Who said it."""
    date: str
    """Formatted date."""
    context: str | None
    """Short context."""
    source: SourceRef
    """Where it is in its source."""
    other: bool = False
    """Said by another entity than the page's: a quote written in this entity's YAML that names another speaker
    (briefgen's template links the speaker's name)."""


@dataclass(frozen=True)
class MentionRow:
    """A mention's sentence, with the mention marked."""

    html: Markup
    """The sentence, escaped, with the matched words in ``<mark>``."""
    href: str
    """Link to the paragraph."""
    paragraph: int
    """Paragraph number."""


@dataclass(frozen=True)
class MentionGroup:
    """Mentions of one entity in one article."""

    article: Link
    """The article."""
    meta: str
    """Outlet and date."""
    rows: tuple[MentionRow, ...]
    """Distinct sentences, in reading order."""


@dataclass(frozen=True)
class Group:
    """A titled list of links (related entities, entities mentioned)."""

    title: str
    """Heading."""
    links: tuple[Link, ...]
    """Links, sorted."""


@dataclass(frozen=True)
class CitedSource:
    """An entry of a page's 'Sources cited' list."""

    number: int
    """Citation number on the page."""
    label: str
    """Outlet, date, paragraph."""
    title: str
    """Article title."""
    href: str
    """Link to the paragraph."""
    quote: str | None
    """The cited words."""


def source_ref(model, page: str, c: Citation | None, reference=None) -> SourceRef:
    from briefgen.render.markdown import citation_label
    from briefgen.render.urls import relurl

    if c is None:
        if reference is None:
            return SourceRef("no source", None, True)
        return SourceRef(reference.title, reference.url, True)
    art = model.articles[c.article]
    return SourceRef(citation_label(model, c), relurl(page, art.page, f"p{c.paragraph}" if c.paragraph else None), False)


def esc(text: str) -> Markup:
    return Markup(html.escape(text, quote=True))
