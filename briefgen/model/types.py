"""The model: the whole briefing resolved and cross-checked, with every backlink computed once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.clean.types import DetectedMeta, Paragraph, Removal
from briefgen.diagnostics import Span
from briefgen.link import Mention
from briefgen.load.types import BriefingConfig, CaptureMeta, EntitySpec, FactSpec, KindDef, QuoteSpec
from briefgen.model.changes import EditionChanges


@dataclass(frozen=True)
class Article:
    """A source article: metadata resolved, text cleaned and linked."""

    slug: str
    """Page slug."""
    page: str
    """Output page path, e.g. ``articles/2019-12-20-afp.md``."""
    title: str
    """Headline (annotation, else capture metadata, else the slug)."""
    outlet: str | None
    """Publication."""
    date: str | None
    """ISO publication date; None when known nowhere."""
    date_note: str | None
    """How the date was established."""
    byline: str | None
    """Authors."""
    url: str | None
    """Where the capture came from (http/https only)."""
    origin: str | None
    """How the capture was made."""
    language: str | None
    """Language tag."""
    notes: str | None
    """Author's Markdown notes."""
    notes_span: Span | None
    """Where the notes are written."""
    fmt: str
    """Capture format: txt, html or md."""
    path: str
    """Capture file path."""
    paragraphs: tuple[Paragraph, ...]
    """Cleaned story text."""
    removed: tuple[Removal, ...]
    """What cleaning left out."""
    detected: DetectedMeta
    """Metadata detected in the capture."""
    mentions: tuple[Mention, ...]
    """Mentions of entities, in reading order."""
    meta_spans: Mapping[str, Span]
    """Where each author-given metadata value is written."""
    span: Span
    """The capture file."""
    capture_meta: tuple[CaptureMeta, ...] = ()
    """The capture's own metadata that means no article field (front matter or meta tags: ``description``,
    ``tags``…)."""


@dataclass(frozen=True)
class Citation:
    """A pointer from a claim to the paragraph of a source article that supports it."""

    article: str
    """Article slug."""
    paragraph: int | None
    """Paragraph number, or None for the article as a whole."""
    quote: str | None
    """The verbatim words located there, if any."""


@dataclass(frozen=True)
class Fact:
    """A fact with its source resolved."""

    spec: FactSpec
    """The fact as annotated."""
    citation: Citation | None
    """Where in the captures it comes from; None for general-knowledge facts."""
    date: str | None
    """The date the value holds for: ``as_of``, else the source article's date."""


@dataclass(frozen=True)
class Quote:
    """A quote verified against its source."""

    spec: QuoteSpec
    """The quote as annotated."""
    citation: Citation
    """Where the quote is in its source."""
    date: str | None
    """When it was said: ``date``, else the source article's date."""


@dataclass(frozen=True)
class Link:
    """A relation between two entities through a ref/refs/roles field."""

    source: str
    """Id of the entity that gives the field."""
    target: str
    """Id of the referenced entity."""
    field: str
    """Field key."""
    label: str
    """Label of the field on the source's page."""
    reverse: str
    """Heading on the target's page."""


@dataclass(frozen=True)
class Entity:
    """An entity with its page and resolved kind."""

    spec: EntitySpec
    """The entity as annotated."""
    kind: KindDef
    """Its kind."""
    page: str
    """Output page path, e.g. ``actors/lavrov.md``."""


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of the timeline."""

    date: str
    """ISO (partial) date; for ranges the first day."""
    end: str | None
    """Last day of a range, if any."""
    entity: str | None
    """Entity the entry is about (a meeting, a fact's subject)."""
    label: str
    """What happened, plain text."""
    kind: str
    """``entity`` (e.g. a meeting) or ``fact``."""
    citation: Citation | None
    """Source of a fact entry."""


@dataclass(frozen=True)
class Model:
    """The whole briefing, ready to render."""

    config: BriefingConfig
    """Briefing configuration."""
    overview: str
    """Overview Markdown."""
    overview_path: str
    """Overview file."""
    entities: Mapping[str, Entity]
    """Entities by id, sorted by id."""
    articles: Mapping[str, Article]
    """Articles by slug, sorted by date then slug."""
    facts: Mapping[str, tuple[Fact, ...]]
    """Facts by subject id."""
    quotes: Mapping[str, tuple[Quote, ...]]
    """Quotes by speaker id."""
    quotes_declared: Mapping[str, tuple[Quote, ...]]
    """Quotes written in an entity's ``quotes:`` that name another speaker (what was said at a meeting), by the id
    of the entity they are written in, sorted like ``quotes``. Each is also in ``quotes`` under its speaker (the
    same :class:`Quote`); a quote whose speaker is the entity it is written in is not here."""
    links_out: Mapping[str, tuple[Link, ...]]
    """Relations by source entity."""
    links_in: Mapping[str, tuple[Link, ...]]
    """Relations by target entity (backlinks)."""
    mentions: Mapping[str, tuple[Mention, ...]]
    """Mentions by entity id, in article order."""
    cited_by: Mapping[str, tuple[str, ...]]
    """Entities whose facts or quotes cite each article (a quote: its speaker, and the entity it is written in)."""
    timeline: tuple[TimelineEntry, ...]
    """Chronological timeline."""
    changes: EditionChanges | None = None
    """What changed since the edition this build is compared with (``--since``, see docs/editions.md); None: no
    comparison (no "What's new" page)."""

    def quotes_on(self, eid: str) -> tuple[Quote, ...]:
        """The quotes an entity's page (and PDF section) shows: its own words, and the words of others its YAML
        records (e.g. said at a meeting), by date (undated first), then by where they are written."""
        own = self.quotes.get(eid, ())
        others = self.quotes_declared.get(eid, ())
        if not others:
            return own
        return tuple(sorted((*own, *others), key=quote_order))

    def entities_of(self, kind: str) -> list[Entity]:
        return sorted((e for e in self.entities.values() if e.kind.id == kind), key=lambda e: e.spec.name.casefold())


def quote_order(q: Quote) -> tuple:
    """Quotes by date (undated first), then by where they are written."""
    return (q.date or "", q.spec.span)
