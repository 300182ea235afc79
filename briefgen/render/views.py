"""The view layer: what a fact row, a quote, a group of references… *is*, for the site's page templates and the
print data alike.

Each record is built once from the model, by one function here, and is generic in how a reference is shown: the
builder is given the output's :class:`ViewLinks`, which resolves each neutral reference (an entity, a cited
paragraph or outside reference) in one place — :class:`SiteLinks` to a :class:`Link` or :class:`SourceRef` with a
URL relative to the page, the print edition (:class:`briefgen.render.print.Refs`) to runs with an anchor, an
address on the published site, or plain text.

Templates only lay out; they never look things up. Strings marked ``Markup`` are safe HTML built here
(escaped article text with mention links, rendered author Markdown); every other string is escaped by
Jinja's autoescaping.
"""

from __future__ import annotations

import builtins
import html
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from markupsafe import Markup

from briefgen.diagnostics import Span
from briefgen.load.types import KindDef, Reference
from briefgen.model.types import Article, Citation, Model, TimelineEntry
from briefgen.render import format as fmt

S = TypeVar("S")
"""An output's form of a source reference (site: :class:`SourceRef`; print: runs)."""
L = TypeVar("L")
"""An output's form of a reference to an entity (site: :class:`Link`; print: runs)."""
R = TypeVar("R")
"""An output's form of a place in an article (site: :class:`MentionRow`; print: runs)."""
V = TypeVar("V")
"""An output's form of rich text (site: safe HTML, ``Markup``; print: runs)."""
S_co = TypeVar("S_co", covariant=True)
L_co = TypeVar("L_co", covariant=True)


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
class InfoRow(Generic[V]):
    """One row of an infobox (:func:`briefgen.render.fields.field_rows`) or of an article's metadata table."""

    label: str
    """Row label ("Born", "Outlet")."""
    value: V
    """Its value: safe HTML on the site (``Markup``), runs in the PDF."""


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
class FactRow(Generic[S]):
    """A row of an entity's facts table (site page and PDF section)."""

    property: str
    """What the fact is about, as written ("office", "population")."""
    value: str
    """The value as the source puts it."""
    date: str
    """Formatted date the value holds for (empty when undated)."""
    source: S
    """Its source: the cited paragraph, or the outside reference (``general``), or "no source"."""
    general: bool
    """A general-knowledge fact (not from the captures)."""
    quote: str | None
    """Verbatim supporting words, when the fact records them."""
    differs: bool
    """True when another source gives a value that differs for the same measure and time (model/differences.py)."""
    difference: str | None = None
    """Where its entry under "Where sources differ" is, when it differs: the site page's URL, the PDF's anchor
    (``dif-…``)."""

    @builtins.property  # (``property`` is a field here)
    def differs_href(self) -> str | None:
        """The site's name of :attr:`difference` (templates read it)."""
        return self.difference


@dataclass(frozen=True)
class QuoteRow(Generic[S, L]):
    """A recorded quote, on the page (or in the section) of its speaker or of the entity whose YAML records it."""

    text: str
    """The quoted words."""
    date: str
    """Formatted date."""
    context: str | None
    """Short context: where or to whom they were said, when recorded."""
    source: S
    """Where it is in its source (the cited paragraph)."""
    speaker: L | None
    """Who said it: on the site always (linked by briefgen's template when ``other``); in the PDF only when
    ``other`` (None otherwise)."""
    other: bool = False
    """Said by another entity than the page's: a quote written in this entity's YAML that names another speaker."""


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
class MentionGroup(Generic[L, R]):
    """The mentions of one entity in one article (site page: its sentences or paragraphs; PDF: its paragraphs)."""

    article: L
    """The article, referenced."""
    meta: str
    """Outlet and date."""
    paragraphs: tuple[R, ...]
    """Where: on the site a :class:`MentionRow` per distinct sentence in reading order (per paragraph, with no
    sentence, for the earlier articles listed by links only); in the PDF ``¶3``, … each referenced."""
    count: int
    """Number of mentions in the article."""

    @builtins.property
    def rows(self) -> tuple[R, ...]:
        """The site's name of :attr:`paragraphs` (templates read it)."""
        return self.paragraphs


@dataclass(frozen=True)
class Group(Generic[L]):
    """A titled list of references to entities (entities referring to one, entities an article mentions)."""

    title: str
    """Heading (a relation's reverse name, or a kind's plural)."""
    refs: tuple[L, ...]
    """The references, in the output's order (see :func:`related_groups`, :func:`mentioned_groups`)."""

    @property
    def links(self) -> tuple[L, ...]:
        """The site's name of :attr:`refs` (templates read it)."""
        return self.refs


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


class ViewLinks(Protocol[S_co, L_co]):
    """How one output shows the references of the view records (the one place it resolves them)."""

    def source(self, citation: Citation | None, reference: Reference | None) -> S_co:
        """A source: the cited paragraph, else the outside reference, else "no source"."""
        ...

    def entity_ref(self, eid: str) -> L_co:
        """A reference to an entity, by its name."""
        ...

    def speaker(self, eid: str, other: bool) -> L_co | None:
        """Who said a quote (``other``: not the entity whose page shows it), or None to leave it unsaid."""
        ...

    def related(self, ids: Collection[str]) -> tuple[L_co, ...]:
        """The entities of one group of related ones, referenced in this output's order."""
        ...


def fact_rows(model: Model, eid: str, links: ViewLinks[S, object], flagged: Mapping[Span, str]) -> list[FactRow[S]]:
    """The facts table of entity ``eid``, in the order of its YAML; ``flagged``: where each fact on which sources
    differ is written → where its entry is (as the output links it)."""
    return [
        FactRow(
            f.spec.property,
            f.spec.value,
            fmt.fmt_date(f.date) if f.date else "",
            links.source(f.citation, f.spec.reference),
            f.citation is None,
            f.spec.quote,
            f.spec.span in flagged,
            flagged.get(f.spec.span),
        )
        for f in model.facts.get(eid, ())
    ]


def quote_rows(model: Model, eid: str, links: ViewLinks[S, L]) -> list[QuoteRow[S, L]]:
    """The quotes on entity ``eid``'s page: its own words, and what others said where its YAML records it."""
    return [
        QuoteRow(
            q.spec.text,
            fmt.fmt_date(q.date),
            q.spec.context,
            links.source(q.citation, None),
            links.speaker(q.spec.speaker, q.spec.speaker != eid),
            q.spec.speaker != eid,
        )
        for q in model.quotes_on(eid)
    ]


def related_groups(model: Model, eid: str, links: ViewLinks[object, L]) -> list[Group[L]]:
    """The entities referring to ``eid``, a group per relation (by its reverse name)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for link in model.links_in.get(eid, ()):
        groups[link.reverse].add(link.source)
    return [Group(title, links.related(groups[title])) for title in sorted(groups)]


def mentioned_groups(model: Model, a: Article, links: ViewLinks[object, L]) -> list[Group[L]]:
    """The entities article ``a`` mentions, a group per kind (in the order of ``kinds:``), each by name."""
    mentioned = {mm.entity for mm in a.mentions}
    kind_of = {i: model.entities[i].kind.id for i in mentioned}  # looked up once (a page notes each look-up)
    out = []
    for kind in model.config.kinds:
        ids = sorted(
            (i for i in mentioned if kind_of[i] == kind.id), key=lambda i: model.entities[i].spec.name.casefold()
        )
        if ids:
            out.append(Group(kind.plural, tuple(links.entity_ref(i) for i in ids)))
    return out


def source_ref(model, page: str, c: Citation | None, reference=None) -> SourceRef:
    from briefgen.render.markdown import citation_label
    from briefgen.render.urls import relurl

    if c is None:
        if reference is None:
            return SourceRef("no source", None, True)
        return SourceRef(reference.title, reference.url, True)
    art = model.articles[c.article]
    return SourceRef(
        citation_label(model, c), relurl(page, art.page, f"p{c.paragraph}" if c.paragraph else None), False
    )


def esc(text: str) -> Markup:
    return Markup(html.escape(text, quote=True))


# -- the site pages' lists: named records (templates written for the tuples they replace still unpack them) -------


class Record:
    """A record a page template reads by name (``row.link``). Earlier releases handed some of these lists to templates
    as tuples: an override written then (``{% for link, a in latest %}``, ``neighbours[0]``) still unpacks or
    indexes one, in field order."""

    def _values(self) -> tuple[object, ...]:
        return tuple(vars(self).values())  # a dataclass sets its fields in order, and nothing else

    def __iter__(self) -> Iterator[object]:
        return iter(self._values())

    def __getitem__(self, i: int) -> object:
        return self._values()[i]

    def __len__(self) -> int:
        return len(self._values())


@dataclass(frozen=True)
class KindCount(Record):
    """A kind of entity on the home page."""

    kind: KindDef
    """The kind, as ``briefing.yml`` defines it."""
    link: Link
    """Its index page."""
    count: int
    """How many entities of the kind the briefing has."""


@dataclass(frozen=True)
class ArticleLink(Record):
    """An article with the link to its page (the home page's latest articles, the sources page's rows)."""

    link: Link
    """Its page, titled."""
    article: Article
    """The article."""


@dataclass(frozen=True)
class ArticleRow(Record):
    """A row of the articles index."""

    link: Link
    """The article's page, titled."""
    article: Article
    """The article."""
    entities: int
    """How many different entities it mentions."""


@dataclass(frozen=True)
class TimelineRow(Record):
    """An event on the timeline page."""

    when: str
    """Its date or range, formatted."""
    event: TimelineEntry
    """The event, as the model has it."""
    link: Link | None
    """The page of the entity it belongs to (a meeting, a person), if any."""
    source: SourceRef | None
    """Its first source (None: unsourced)."""
    sources: tuple[SourceRef, ...]
    """Every source: the cited paragraph or outside reference, else each article it comes from."""


@dataclass(frozen=True)
class TimelineYear(Record):
    """The events of one year on the timeline page."""

    year: str
    """The year, four digits."""
    entries: tuple[TimelineRow, ...]
    """Its events in date order."""


@dataclass(frozen=True)
class GeneralSource(Record):
    """An outside reference on the sources page (general knowledge, not a capture)."""

    title: str
    """The reference's title."""
    url: str
    """Its address ('' when none)."""
    links: tuple[Link, ...]
    """The entities whose facts cite it, by name."""


@dataclass(frozen=True)
class ParagraphView(Record):
    """A paragraph of an article's text on its page."""

    number: int
    """Its number (its anchor is ``p<number>``)."""
    html: Markup
    """Its text, escaped, with mentions linked (author Markdown: rendered)."""


@dataclass(frozen=True)
class Neighbours(Record):
    """The previous and next entity of a timeline kind (meetings, events), by date."""

    previous: Link | None
    """The one before, or None."""
    next: Link | None
    """The one after, or None."""


@dataclass(frozen=True)
class LinkedRow(Record):
    """A sentence of another page that links to or mentions an entity."""

    where: str
    """Which text of that page: ``summary``, a field's label, ``overview``, ``notes``."""
    sentence: str
    """The sentence, plain text."""
