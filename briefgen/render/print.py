"""The print edition: the model as typed data for the Typst print template.

This module is core (no Typst import): it chooses what goes into the document (the whole briefing, or one
pack), resolves every reference to an internal anchor, an address on the published site, or plain text, and
builds :class:`PrintData`, the data ``templates/print/briefing.typ`` reads as ``json("data.json")``. The thin
adapter :mod:`briefgen.emit.pdf` writes it out and compiles it with Typst.

Every text reaches the template as data (:mod:`briefgen.render.printdata`: runs and blocks), never as markup, so
nothing a capture or an annotation holds can run as Typst code.

Anchors (Typst labels; ids never collide: slugs and entity ids are ``[a-z0-9-]``):

- ``ent-<id>`` an entity's section, ``kind-<kind>`` a kind's chapter,
- ``art-<slug>`` an article, ``art-<slug>_p<n>`` its paragraph ``n``, ``<section>_n<k>`` note ``k`` of a section.

Author Markdown is rendered by :func:`briefgen.render.markdown.render_markdown` as for the site (mentions,
``entity:``/``article:`` links, checked citations), with the print edition's resolver (:class:`PrintLinks`): its
links go to the print anchors (:class:`Refs`), its citations become numbered notes; the result is read into blocks
of runs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from briefgen import __version__
from briefgen.diagnostics import Diagnostics, Span, did_you_mean
from briefgen.link import build_matcher
from briefgen.load.types import PackDef, Reference
from briefgen.model.types import Article, Citation, Entity, Model
from briefgen.render import format as fmt
from briefgen.render.fields import field_rows
from briefgen.render.markdown import CITE_RE, MarkdownContext, PageCitations, citation_label, render_markdown
from briefgen.render.pages import default_template_dir
from briefgen.render.print_differences import DifferencesView, differences_print, print_differences
from briefgen.render.print_editions import WhatsNewView, print_href, whatsnew_print
from briefgen.render.printdata import (
    Block,
    Run,
    first_pages,
    html_blocks,
    html_runs,
    no_skipped_levels,
    plain,
    text_of,
)
from briefgen.render.printfigures import FiguresChapter, FigureView, entity_figures, figures_chapter, timeline_figure
from briefgen.render.targets import ArticleTarget, EntityTarget, Tag, Target, UrlTarget
from briefgen.render.urls import html_path
from briefgen.render.views import (
    FactRow,
    Group,
    InfoRow,
    MentionGroup,
    QuoteRow,
    fact_rows,
    mentioned_groups,
    quote_rows,
    related_groups,
)
from briefgen.render.whatsnew import edition_line

TEMPLATE = "print/briefing.typ"
"""The print template (a briefing overrides it with its own ``templates/print/briefing.typ``)."""

PERSON_FIELD = ("type", "person")
"""An entity whose field ``type`` is ``person`` (any capitalisation) is a person: the index lists it by surname."""

RUNNING_MAX = 48
"""Longest name or title (characters) in a running header, so that it stays on one line."""

Runs = tuple[Run, ...]


# -- anchors ------------------------------------------------------------------------------------------


def entity_anchor(eid: str) -> str:
    return f"ent-{eid}"


def kind_anchor(kind_id: str) -> str:
    return f"kind-{kind_id}"


def article_anchor(slug: str) -> str:
    return f"art-{slug}"


def paragraph_anchor(slug: str, number: int) -> str:
    return f"art-{slug}_p{number}"


# -- what goes into the document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What one PDF contains: the whole briefing, or a pack and what it references (one hop)."""

    pack: PackDef | None
    """The pack, or None for the whole briefing."""
    focus: tuple[str, ...]
    """The pack's own entities, in the order the pack names them (empty for the whole briefing)."""
    entities: frozenset[str]
    """Ids of every entity with a section in the document."""
    articles: frozenset[str]
    """Slugs of every article printed in the document."""


def select(model: Model, pack_id: str | None, diags: Diagnostics) -> Selection | None:
    """The selection for ``pack_id`` (None: everything). An unknown pack is a located error."""
    if pack_id is None:
        return Selection(None, (), frozenset(model.entities), frozenset(model.articles))
    packs = {p.id: p for p in model.config.packs}
    pack = packs.get(pack_id)
    if pack is None:
        if packs:
            span = model.config.packs[0].span
            diags.error(
                span, "unknown-pack", f"no pack '{pack_id}' is declared under 'packs:'", did_you_mean(pack_id, packs)
            )
        else:
            diags.error(
                model.config.span,
                "unknown-pack",
                f"no pack '{pack_id}': this briefing declares no packs",
                "declare it under 'packs:' in content/briefing.yml, e.g. "
                f"'{pack_id}: {{title: ..., entities: [ID, ...]}}' (see docs/pdf.md)",
            )
        return None
    focus = tuple(dict.fromkeys(eid for eid, _ in pack.entities if eid in model.entities))
    chosen = set(focus)
    for eid in focus:  # one hop along relations, both directions
        chosen.update(link.target for link in model.links_out.get(eid, ()))
        chosen.update(link.source for link in model.links_in.get(eid, ()))
    chosen &= set(model.entities)
    articles: set[str] = set()
    for eid in chosen:  # every article a printed entity cites
        articles.update(f.citation.article for f in model.facts.get(eid, ()) if f.citation)
        articles.update(q.citation.article for q in model.quotes_on(eid))
        for text in _markdown_texts(model.entities[eid]):
            articles.update(m.group(1) for m in CITE_RE.finditer(text))
    articles &= set(model.articles)
    return Selection(pack, focus, frozenset(chosen), frozenset(articles))


def _markdown_texts(e: Entity) -> list[str]:
    texts = [e.spec.summary] if e.spec.summary else []
    for fd in e.kind.fields:
        if fd.type == "markdown":
            fv = e.spec.field(fd.key)
            if fv is not None and isinstance(fv.value, str):
                texts.append(fv.value)
    return texts


# -- the template's data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    """A citation of author Markdown, as a numbered note at the end of its section."""

    number: int
    """The note's number in its section (1, 2, …)."""
    anchor: str
    """Its anchor, ``<section>_n<number>``."""
    source: Runs
    """Outlet, date and paragraph, linked to the paragraph in the source article."""
    title: str
    """The article's title."""
    quote: str | None
    """The cited words."""


@dataclass(frozen=True)
class EntityView:
    """An entity's section."""

    id: str
    """The entity's id."""
    anchor: str
    """Its section's anchor, ``ent-<id>``."""
    name: str
    """Its name."""
    running: str
    """Its name as the running header prints it (at most :data:`RUNNING_MAX` characters)."""
    kind_label: str
    """Its kind's label ("Actor")."""
    focus: bool
    """One of the pack's own entities."""
    infobox: tuple[InfoRow[Runs], ...]
    """The infobox rows (kind fields, aliases, roles)."""
    summary: tuple[Block, ...]
    """The summary (headings from level 4)."""
    facts: tuple[FactRow[Runs], ...]
    """Its facts, in the order of its YAML (:func:`briefgen.render.views.fact_rows`)."""
    quotes: tuple[QuoteRow[Runs, Runs], ...]
    """Quotes by it, and quotes its YAML records for others (the speaker named only for those)."""
    related: tuple[Group[Runs], ...]
    """Entities referring to it, grouped by relation."""
    mentions: tuple[MentionGroup[Runs, Runs], ...]
    """Where source articles mention it, an entry per article."""
    n_mentions: int
    """The number of mentions in all articles."""
    notes: tuple[NoteView, ...]
    """The section's citations (from its summary and Markdown fields)."""
    figures: tuple[FigureView, ...] = ()
    """Its figures, as on its site page: locator map, own timeline, connections, then number charts (printed
    next to the facts)."""


@dataclass(frozen=True)
class KindView:
    """A kind's chapter."""

    id: str
    """The kind's id."""
    anchor: str
    """Its chapter's anchor, ``kind-<id>``."""
    label: str
    """Singular label."""
    plural: str
    """Plural label (the chapter's title)."""
    dated: bool
    """Its entities are in date order (a kind on the timeline), not by name."""
    entities: tuple[EntityView, ...]
    """Its entities printed: by date for a kind on the timeline (``timeline:`` in briefing.yml), else by name."""


@dataclass(frozen=True)
class TimelineLine:
    """A line of the timeline."""

    when: str
    """The date or range, formatted."""
    iso: str
    """The start date, ISO 8601."""
    what: Runs
    """What happened, with the entity referenced."""
    source: Runs
    """The cited paragraph, referenced (empty for none)."""
    is_entity: bool
    """The entry is an entity with a date of its own (a meeting), not a dated fact."""


@dataclass(frozen=True)
class TimelineYear:
    """The timeline's lines of one year."""

    year: str
    """The year ("2019")."""
    lines: tuple[TimelineLine, ...]
    """Its lines, in date order."""


@dataclass(frozen=True)
class ParagraphView:
    """A paragraph of a source article."""

    number: int
    """The paragraph's number (¶)."""
    anchor: str
    """Its anchor, ``art-<slug>_p<number>``."""
    runs: Runs
    """Its text (plain-text and HTML captures), each mention linked to the entity's section."""
    blocks: tuple[Block, ...] = ()
    """Its blocks instead, for a Markdown capture (``.md``): headings, lists, quotations."""
    role: str = "body"
    """What it is in the story: body, heading (a sub-heading), standfirst or caption (a photo caption)."""


@dataclass(frozen=True)
class ArticleView:
    """A source article's section: metadata, analyst's note, text."""

    slug: str
    """The article's slug."""
    anchor: str
    """Its anchor, ``art-<slug>``."""
    title: str
    """Its title."""
    running: str
    """Its title as the running header prints it (at most :data:`RUNNING_MAX` characters)."""
    outlet: str | None
    """The outlet, if known."""
    date: str
    """Publication date, formatted ("undated" when unknown)."""
    language: str
    """Language of its text."""
    meta: tuple[InfoRow[Runs], ...]
    """The table of metadata rows (outlet, date, byline, capture, …)."""
    notes: tuple[Block, ...]
    """The analyst's note."""
    paragraphs: tuple[ParagraphView, ...]
    """The kept paragraphs, in order."""
    mentioned: tuple[Group[Runs], ...]
    """Entities it mentions, grouped by kind."""
    cited_by: tuple[Runs, ...]
    """Entities citing it."""
    n_removed: int
    """Passages cleaning removed from the capture."""
    notes_list: tuple[NoteView, ...]
    """Citations in the analyst's note and in Markdown paragraphs."""


@dataclass(frozen=True)
class SourceView:
    """An entry of the list of sources."""

    article: Runs
    """The article's title, referenced."""
    outlet: str
    """The outlet ("Unknown outlet" when missing)."""
    date: str
    """Publication date, formatted, or "undated"."""
    byline: str | None
    """The byline, if the capture had one."""
    url: str | None
    """Where it was published, if known."""
    origin: str | None
    """How it was captured, as recorded."""
    date_note: str | None
    """How the date was established, when not printed on the article."""


@dataclass(frozen=True)
class ReferenceView:
    """A general-knowledge reference (outside the captures) and what relies on it."""

    title: str
    """The outside reference's title."""
    url: str | None
    """Its address, if any."""
    used_for: tuple[Runs, ...]
    """The entities whose facts rely on it, referenced."""


@dataclass(frozen=True)
class IndexEntry:
    """An entry of the back-of-book index: an entity (main entry) or another name pointing to one."""

    text: str
    """The entry as printed: "Lavrov, Sergei" for a person, else the name or alias as written."""
    kind_label: str | None
    """Kind of a main entry; None for a *see* entry."""
    entity: str
    """The entity's id: the template lists every page where a run names it (``Run.entity``)."""
    main: str | None
    """Anchor of the entity's own section (main entry; its page is printed bold), else None."""
    see: str | None
    """For another name: the main entry it points to ("Lavrov, Sergei"), else None."""


@dataclass(frozen=True)
class IndexLetter:
    """The index entries under one initial."""

    letter: str
    """The initial of its entries ("Other scripts" for names not in Latin letters)."""
    entries: tuple[IndexEntry, ...]
    """Its entries, sorted."""


@dataclass(frozen=True)
class TocEntry:
    """An entry of the table of contents (and of the PDF outline)."""

    label: str
    """The entry's text."""
    anchor: str
    """The anchor it links to (and takes its page number from)."""
    children: tuple[TocEntry, ...] = ()
    """Entries below it (an outline level deeper)."""


@dataclass(frozen=True)
class DocInfo:
    """Document-level data: cover, metadata, running heads."""

    title: str
    """The document title (the pack's title for a pack)."""
    running_title: str
    """The title as the running header prints it (at most :data:`RUNNING_MAX` characters)."""
    briefing_title: str
    """The briefing's own title (differs from ``title`` for a pack)."""
    subtitle: str | None
    """The briefing's subtitle, if any."""
    as_of: str
    """Formatted as-of date."""
    as_of_iso: str
    """The as-of date, ISO 8601."""
    marking: str | None
    """The handling marking ("UNCLASSIFIED"), printed on every page, if any."""
    authors: tuple[str, ...]
    """Who prepared the briefing."""
    language: str
    """The document language."""
    site_url: str | None
    """Where the site is published, if configured."""
    generator: str
    """"briefgen <version>"."""
    pack: str | None
    """The id of the pack exported, or None."""
    focus: tuple[Runs, ...]
    """The pack's own entities, referenced (empty for the whole briefing)."""
    n_entities: int
    """Number of entity sections printed."""
    n_articles: int
    """Number of articles printed."""
    document_title: str
    """The PDF's title metadata ("pack title — briefing title" for a pack)."""
    edition: str | None = None
    """The edition as the cover and every page's footer name it ("Edition 2 of 20 January 2020"), or None."""


@dataclass(frozen=True)
class PrintData:
    """Everything the print template prints (``json("data.json")`` in ``templates/print/briefing.typ``)."""

    doc: DocInfo
    """Cover, metadata and running-header data."""
    toc: tuple[TocEntry, ...]
    """The contents (and outline): chapters, with entities, overview headings and articles under them."""
    overview: tuple[Block, ...]
    """The overview (``content/overview.md``; headings from level 2), empty in a pack."""
    overview_notes: tuple[NoteView, ...]
    """The overview's notes."""
    kinds: tuple[KindView, ...]
    """One chapter per kind with entities printed, in the order of ``kinds:``."""
    timeline: tuple[TimelineYear, ...]
    """The timeline, by year."""
    articles: tuple[ArticleView, ...]
    """The source articles printed."""
    sources: tuple[SourceView, ...]
    """The list of source articles."""
    general: tuple[ReferenceView, ...]
    """General-knowledge references, with the entities using them."""
    index: tuple[IndexLetter, ...]
    """The index, by initial."""
    whatsnew: WhatsNewView | None = None
    """"What's new since edition N" (after the contents), or None when not compared with an earlier edition."""
    differences: DifferencesView | None = None
    """"Where sources differ" (after the chapters), or None when no printed entity has sources that differ."""
    figures: FiguresChapter | None = None
    """The chapter of the briefing map(s) and connections graph, after the timeline (None in a pack, or when
    the ``figures:`` switches or the briefing leave none)."""
    timeline_figure: FigureView | None = None
    """The visual timeline opening the timeline chapter (None in a pack, or when switched off)."""


@dataclass(frozen=True)
class PrintDocument:
    """The print data and where its template is, ready for Typst (:mod:`briefgen.emit.pdf`)."""

    data: PrintData
    """What the template prints."""
    template_dirs: tuple[Path, ...]
    """The print template folders, briefgen's first: a file in a later one (the briefing's own
    ``templates/print/``) wins over the same file in an earlier one."""
    template_path: str
    """The main template used, as shown in diagnostics (``templates/print/briefing.typ``)."""
    title: str
    """The document title (PDF metadata; "pack title — briefing title" for a pack)."""
    language: str
    """The document language (PDF metadata)."""
    created: dt.datetime
    """The as-of date, noon UTC: the PDF's dates."""
    entity_spans: tuple[tuple[str, Span], ...]
    """Each printed entity's id and where it is written (for warnings about its text, e.g. a missing font)."""
    article_spans: tuple[tuple[str, Span], ...]
    """Each printed article's slug and its capture file, likewise."""
    overview_path: str
    """The overview's file (``content/overview.md``), likewise."""


# -- references -----------------------------------------------------------------------------------------------


class Refs:
    """Every reference of the print document resolved one way: internal anchor, published site, or plain text.

    References are written as briefgen's own small HTML (``a.xref``: with its page, ``a.plain``: without,
    ``a.ext``: outside, ``span.outside``: not linked) so that author Markdown, rendered to HTML as on the site,
    and references share one reading into runs (:func:`briefgen.render.printdata.html_runs`).
    """

    def __init__(self, model: Model, sel: Selection):
        self.model = model
        self.sel = sel
        url = model.config.site_url
        self.site = url.rstrip("/") + "/" if url else None

    def entity_href(self, eid: str) -> str | None:
        if eid in self.sel.entities:
            return "#" + entity_anchor(eid)
        if self.site and eid in self.model.entities:
            return self.site + html_path(self.model.entities[eid].page)
        return None

    def paragraph_href(self, slug: str, number: int | None) -> str | None:
        if slug in self.sel.articles:
            return "#" + (paragraph_anchor(slug, number) if number else article_anchor(slug))
        if self.site and slug in self.model.articles:
            return self.site + html_path(self.model.articles[slug].page) + (f"#p{number}" if number else "")
        return None

    @staticmethod
    def tag(href: str | None, cls: str = "xref") -> Tag:
        """The element of a reference to ``href``: internal links of class ``xref`` are printed with their page;
        None (not printed, no site) is plain text (``span.outside``)."""
        if href is None:
            return Tag("span", "outside")
        return Tag("a", cls if href.startswith("#") else "ext", href)

    def target_tag(self, target: Target, cls: str = "xref") -> Tag | None:
        """The element of a reference to ``target``; None for a place on a site page (its text only)."""
        if isinstance(target, EntityTarget):
            return self.tag(self.entity_href(target.id), cls)
        if isinstance(target, ArticleTarget):
            return self.tag(self.paragraph_href(target.slug, target.paragraph))
        if isinstance(target, UrlTarget):
            return self.tag(target.url)
        return None

    @classmethod
    def link(cls, href: str | None, inner: Markup | str, kind: str = "xref") -> Markup:
        """``inner`` linked (see :meth:`tag`)."""
        inner = inner if isinstance(inner, Markup) else Markup(html.escape(inner, quote=False))
        return Markup(cls.tag(href, kind).wrap(inner))

    def entity(self, eid: str, inner: Markup | str | None = None, cls: str = "xref") -> Markup:
        name = self.model.entities[eid].spec.name if eid in self.model.entities else eid
        return self.link(self.entity_href(eid), name if inner is None else inner, cls)

    def citation(self, c: Citation, cls: str = "xref") -> Markup:
        return self.link(self.paragraph_href(c.article, c.paragraph), citation_label(self.model, c), cls)

    # the print edition's ViewLinks (briefgen.render.views): references as runs
    def source(self, citation: Citation | None, reference: Reference | None) -> Runs:
        if citation is not None:
            return html_runs(self.citation(citation))
        if reference is None:
            return plain("no source")
        if reference.url:
            return html_runs(self.link(reference.url, reference.title))
        return plain(reference.title)

    def entity_ref(self, eid: str) -> Runs:
        return html_runs(self.entity(eid))

    def speaker(self, eid: str, other: bool) -> Runs | None:
        return self.entity_ref(eid) if other else None

    def related(self, ids: Collection[str]) -> tuple[Runs, ...]:
        return tuple(self.entity_ref(i) for i in sorted(ids, key=lambda i: self.model.entities[i].spec.name.casefold()))


@dataclass(frozen=True)
class PrintLinks:
    """The print edition's resolver of author Markdown (:class:`briefgen.render.markdown.Links`): links to
    anchors (:class:`Refs`), citations as calls of the section's notes, images left out with a warning."""

    builder: PrintBuilder
    """The builder (its references and the section's notes)."""
    mention_cls: str
    """Class of a mention's link: ``xref`` (printed with its page) or ``mention`` (in captured text: without)."""
    span: Span
    """Where the text starts (for the warning about an image)."""

    def link(self, target: Target, mention: bool) -> Tag | None:
        return self.builder.refs.target_tag(target, self.mention_cls if mention else "xref")

    def cite(self, c: Citation) -> str:
        return self.builder.note_call(c)

    def image(self, src: str, alt: str) -> str | None:
        self.builder.diags.warning(
            self.span,
            "pdf-image",
            f"image '{_short(src)}' is not embedded in the PDF",
            "the PDF prints no images from author Markdown; nothing is fetched from the network "
            "or from elsewhere on disk (put a figure in your templates/print/ and use it there)",
        )
        return f'<span class="img-omitted">[image{": " + html.escape(alt, quote=False) if alt else ""}]</span>'


# -- the builder ---------------------------------------------------------------------------------------------


class PrintBuilder:
    """Builds the print data of a model (one instance per export)."""

    def __init__(self, model: Model, sel: Selection, diags: Diagnostics):
        self.model = model
        self.sel = sel
        self.diags = diags
        self.refs = Refs(model, sel)
        self.matcher = build_matcher(tuple(e.spec for e in model.entities.values()))
        self._scope = "doc"
        self._notes: list[tuple[Citation, NoteView]] = []
        self.differences = print_differences(model, sel.entities)  # where sources really differ, and their anchors
        self.flagged = self.differences.flags()

    # -- Markdown ---------------------------------------------------------------------------------------
    def markdown(
        self,
        text: str | None,
        span: Span | None,
        self_entity: str | None = None,
        top_heading: int = 3,
        link_all: bool = False,
        mention_cls: str = "xref",
        heading_ids: str | None = None,
    ) -> Markup:
        """Author Markdown as briefgen's print HTML (:class:`PrintLinks`): links to anchors, citations as note
        calls, headings from ``top_heading`` (those of that level numbered as ids after ``heading_ids``)."""
        if not text:
            return Markup("")
        span = span or Span("?")
        ctx = MarkdownContext(
            self.model,
            "",
            self.matcher,
            PageCitations(),
            self.diags,
            self_entity,
            link_all=link_all,
            links=PrintLinks(self, mention_cls, span),
        )
        return Markup(render_markdown(text, span, ctx, top_heading=top_heading, heading_ids=heading_ids))

    def blocks(
        self,
        text: str | None,
        span: Span | None,
        self_entity: str | None = None,
        top_heading: int = 3,
        link_all: bool = False,
        mention_cls: str = "xref",
    ) -> tuple[Block, ...]:
        """Author Markdown as blocks of runs (see :meth:`markdown`)."""
        return no_skipped_levels(
            html_blocks(self.markdown(text, span, self_entity, top_heading, link_all, mention_cls))
        )

    # -- notes: the citations of one section (an entity, the overview, an article), numbered in order of use --
    def begin_notes(self, scope: str) -> None:
        self._scope = scope
        self._notes = []

    def end_notes(self) -> tuple[NoteView, ...]:
        notes = tuple(n for _, n in self._notes)
        self._notes = []
        return notes

    def note_call(self, c: Citation) -> str:
        """The call of the section's note citing ``c`` (the note is added on its first call)."""
        n = next((note for cited, note in self._notes if cited == c), None)
        if n is None:
            art = self.model.articles[c.article]
            number = len(self._notes) + 1
            n = NoteView(number, f"{self._scope}_n{number}", html_runs(self.refs.citation(c)), art.title, c.quote)
            self._notes.append((c, n))
        return f'<sup class="note-call"><a href="#{n.anchor}">{n.number}</a></sup>'

    # -- pieces -----------------------------------------------------------------------------------------
    def ref(self, eid: str, cls: str = "xref") -> Runs:
        return html_runs(self.refs.entity(eid, cls=cls))

    def infobox(self, e: Entity) -> list[InfoRow[Runs]]:
        return [InfoRow(row.label, html_runs(row.value)) for row in field_rows(e, _PrintFieldLinks(self))]

    def entity(self, e: Entity) -> EntityView:
        m = self.model
        eid = e.spec.id
        self.begin_notes(entity_anchor(eid))
        infobox = tuple(self.infobox(e))
        summary = self.blocks(e.spec.summary, e.spec.summary_span, eid, top_heading=3)
        facts = fact_rows(m, eid, self.refs, self.flagged)
        quotes = quote_rows(m, eid, self.refs)
        related = tuple(related_groups(m, eid, self.refs))
        view = EntityView(
            eid,
            entity_anchor(eid),
            e.spec.name,
            _short(e.spec.name, RUNNING_MAX),
            e.kind.label,
            eid in self.sel.focus,
            infobox,
            summary,
            tuple(facts),
            tuple(quotes),
            related,
            tuple(self.mentions(eid)),
            len(m.mentions.get(eid, ())),
            self.end_notes(),
            entity_figures(m, e),
        )
        return first_pages(view, {view.anchor})  # a page once per section (and never its own)

    def mentions(self, eid: str) -> list[MentionGroup[Runs, Runs]]:
        m = self.model
        paragraphs: dict[str, list[int]] = {}
        counts: dict[str, int] = defaultdict(int)
        for mm in m.mentions.get(eid, ()):
            ps = paragraphs.setdefault(mm.article, [])
            if mm.paragraph not in ps:
                ps.append(mm.paragraph)
            counts[mm.article] += 1
        out = []
        for slug, ps in paragraphs.items():
            art = m.articles[slug]
            meta = ", ".join(x for x in (art.outlet, fmt.fmt_date(art.date) if art.date else None) if x)
            title = html_runs(self.refs.link(self.refs.paragraph_href(slug, None), art.title))
            refs = tuple(
                html_runs(self.refs.link(self.refs.paragraph_href(slug, n), f"\u00b6{n}", "plain")) for n in ps
            )
            out.append(MentionGroup(title, meta, refs, counts[slug]))
        return out

    def paragraph_runs(self, text: str, mentions: list, linked: set[str]) -> Runs:
        """A captured paragraph: its text literally, the first mention of each entity in the article linked to the
        entity's section (``linked``: those already linked; no page: it would interrupt the captured text). Every
        mention names its entity for the index."""
        runs: list[Run] = []
        pos = 0
        for mm in mentions:
            if mm.start > pos:
                runs.append(Run(text[pos : mm.start]))
            name = text[mm.start : mm.end]
            href = self.refs.entity_href(mm.entity)
            first = mm.entity not in linked
            linked.add(mm.entity)
            if href is not None and href.startswith("#"):
                runs.append(Run(name, link=href[1:] if first else None, entity=mm.entity))
            elif href is not None and first:
                runs.append(Run(name, url=href))
            else:
                runs.append(Run(name))
            pos = mm.end
        if pos < len(text):
            runs.append(Run(text[pos:]))
        return tuple(runs)

    def article(self, a: Article) -> ArticleView:
        m = self.model
        self.begin_notes(article_anchor(a.slug))
        by_para: dict[int, list] = defaultdict(list)
        for mm in a.mentions:
            by_para[mm.paragraph].append(mm)
        paragraphs = []
        linked: set[str] = set()
        for p in a.paragraphs:
            anchor = paragraph_anchor(a.slug, p.number)
            if a.fmt == "md":  # author-written Markdown, rendered as on the site
                blocks = self.blocks(p.text, p.span, link_all=True, top_heading=3, mention_cls="mention")
                paragraphs.append(ParagraphView(p.number, anchor, (), blocks, p.role))
            else:
                runs = self.paragraph_runs(p.text, by_para.get(p.number, []), linked)
                paragraphs.append(ParagraphView(p.number, anchor, runs, (), p.role))
        meta = [
            InfoRow("Outlet", plain(a.outlet or "unknown")),
            InfoRow("Published", plain(fmt.fmt_date(a.date) if a.date else "unknown")),
        ]
        if a.date_note:
            meta.append(InfoRow("How the date is known", plain(a.date_note)))
        if a.byline:
            meta.append(InfoRow("Byline", plain(a.byline)))
        if a.url:
            meta.append(InfoRow("Original", (Run(a.url, url=a.url),)))
        if a.origin:
            meta.append(InfoRow("Capture", plain(a.origin)))
        meta.append(
            InfoRow(
                "Capture file",
                plain(f"{a.path} ({len(a.paragraphs)} paragraphs kept, {len(a.removed)} removed by cleaning)"),
            )
        )
        notes = self.blocks(a.notes, a.notes_span, top_heading=3)
        mentioned = mentioned_groups(m, a, self.refs)
        cited_by = tuple(self.ref(i) for i in m.cited_by.get(a.slug, ()))
        return first_pages(
            ArticleView(
                a.slug,
                article_anchor(a.slug),
                a.title,
                _short(a.title, RUNNING_MAX),
                a.outlet,
                fmt.fmt_date(a.date) if a.date else "undated",
                a.language or m.config.language,
                tuple(meta),
                notes,
                tuple(paragraphs),
                tuple(mentioned),
                cited_by,
                len(a.removed),
                self.end_notes(),
            ),
            {article_anchor(a.slug)},
        )

    def timeline(self) -> tuple[TimelineYear, ...]:
        years: dict[str, list[TimelineLine]] = defaultdict(list)
        for t in self.model.timeline:
            if t.entity is not None and t.entity not in self.sel.entities:
                continue
            when = fmt.fmt_range(t.date, t.end)
            if t.kind == "entity":
                what = html_runs(self.refs.entity(t.entity, t.label) if t.entity else Markup(html.escape(t.label)))
            else:
                what = (self.ref(t.entity) + (Run(": "),) if t.entity else ()) + plain(t.label)
            src = html_runs(self.refs.citation(t.citation)) if t.citation else ()
            years[t.date[:4]].append(TimelineLine(when, t.date, what, src, t.kind == "entity"))
        return tuple(TimelineYear(y, tuple(lines)) for y, lines in sorted(years.items()))

    def sources(self, articles: list[Article]) -> tuple[list[SourceView], list[ReferenceView]]:
        rows = [
            SourceView(
                html_runs(self.refs.link(self.refs.paragraph_href(a.slug, None), a.title)),
                a.outlet or "Unknown outlet",
                fmt.fmt_date(a.date) if a.date else "undated",
                a.byline,
                a.url,
                a.origin,
                a.date_note,
            )
            for a in articles
        ]
        refs: dict[tuple[str, str], set[str]] = {}
        for subject, facts in self.model.facts.items():
            if subject not in self.sel.entities:
                continue
            for f in facts:
                if f.spec.reference is not None:
                    refs.setdefault((f.spec.reference.title, f.spec.reference.url or ""), set()).add(subject)
        general = [
            ReferenceView(
                title,
                url or None,
                tuple(self.ref(i) for i in sorted(ids, key=lambda i: self.model.entities[i].spec.name.casefold())),
            )
            for (title, url), ids in sorted(refs.items())
        ]
        return rows, general

    def index(self) -> tuple[IndexLetter, ...]:
        """Every printed entity (people by surname) and every other name of it that reads differently."""
        m = self.model
        entries: list[tuple[str, IndexEntry]] = []
        names = {_reading(m.entities[i].spec.name) for i in self.sel.entities}
        for eid in self.sel.entities:
            e = m.entities[eid]
            main = index_name(e)
            entries.append((_sort_key(main), IndexEntry(main, e.kind.label, eid, entity_anchor(eid), None)))
            seen = {_reading(e.spec.name), _reading(main)}
            for other in other_names(e):
                key = _reading(other)
                # same letters as a name printed anyway, or the start of its own entry ("Lavrov"): no entry of its own
                if not key or key in seen or key in names or _reading(main).startswith(key):
                    continue
                seen.add(key)
                entries.append((_sort_key(other), IndexEntry(other, None, eid, None, main)))
        entries.sort(key=lambda x: (x[0], x[1].see is not None, x[1].text))
        letters: dict[str, list[IndexEntry]] = defaultdict(list)
        for key, x in entries:
            letters[_initial(key)].append(x)
        order = sorted(letters, key=lambda k: (k == OTHER_SCRIPTS, k == "#", k))
        return tuple(IndexLetter(k, tuple(letters[k])) for k in order)

    # -- the document ---------------------------------------------------------------------------------
    def data(self) -> PrintData:
        m = self.model
        c = m.config
        sel = self.sel
        kinds = []
        for kind in c.kinds:
            # the site's display order (model/order.py): timeline kinds by date, undated last; others by sort key
            ents = [e for e in m.entities_of(kind.id) if e.spec.id in sel.entities]
            if ents:
                kinds.append(
                    KindView(
                        kind.id,
                        kind_anchor(kind.id),
                        kind.label,
                        kind.plural,
                        bool(kind.timeline),
                        tuple(self.entity(e) for e in ents),
                    )
                )
        articles = [a for a in m.articles.values() if a.slug in sel.articles]
        article_views = [self.article(a) for a in articles]
        overview: tuple[Block, ...] = ()
        self.begin_notes("overview")
        if sel.pack is None:
            # the overview's level-2 headings get ids (ov-1, ov-2, …) for the table of contents
            overview = first_pages(
                no_skipped_levels(
                    html_blocks(self.markdown(m.overview, Span(m.overview_path), top_heading=2, heading_ids="ov-"))
                ),
                set(),
            )
        overview_notes = self.end_notes()
        timeline = self.timeline()
        sources, general = self.sources(articles)
        index = self.index()
        # the briefing-wide figures show the whole briefing: a pack has only its entities' own
        chapter = figures_chapter(m) if sel.pack is None else None
        title = sel.pack.title if sel.pack else c.title
        info = DocInfo(
            title=title,
            running_title=_short(title, RUNNING_MAX),
            briefing_title=c.title,
            subtitle=c.subtitle,
            as_of=fmt.fmt_date(c.as_of),
            as_of_iso=c.as_of,
            marking=c.marking,
            authors=tuple(c.authors),
            language=c.language,
            site_url=c.site_url,
            generator=f"briefgen {__version__}",
            pack=sel.pack.id if sel.pack else None,
            focus=tuple(self.ref(i) for i in sel.focus),
            n_entities=len(sel.entities),
            n_articles=len(articles),
            document_title=f"{sel.pack.title} \u2014 {c.title}" if sel.pack else c.title,
            edition=edition_line(c),
        )
        whatsnew = whatsnew_print(
            m.changes,
            c,
            print_href(
                {e.page: i for i, e in m.entities.items()},
                {a.page: s for s, a in m.articles.items()},
                self.refs.entity_href,
                self.refs.paragraph_href,
            ),
            pack=sel.pack is not None,
        )
        differences = differences_print(m, self.differences, self.ref, self.refs.paragraph_href, RUNNING_MAX)
        toc = [TocEntry(whatsnew.title, whatsnew.anchor)] if whatsnew else []
        if sel.pack is not None:
            toc.append(TocEntry("About this pack", "about"))
        elif overview:
            heads = [TocEntry(text_of(b.runs), b.anchor) for b in overview if b.kind == "heading" and b.anchor]
            toc.append(TocEntry("Overview", "overview", tuple(heads)))
        for k in kinds:
            toc.append(TocEntry(k.plural, k.anchor, tuple(TocEntry(e.name, e.anchor) for e in k.entities)))
        if differences:
            toc.append(
                TocEntry(
                    differences.title,
                    differences.anchor,
                    tuple(TocEntry(x.title, x.anchor) for x in differences.entries),
                )
            )
        if timeline:
            toc.append(TocEntry("Timeline", "timeline"))
        if chapter is not None:  # after the timeline, as the site's Map and Connections pages
            toc.append(TocEntry(chapter.title, chapter.anchor))
        if article_views:
            toc.append(
                TocEntry("Source articles", "articles", tuple(TocEntry(a.title, a.anchor) for a in article_views))
            )
        toc.append(TocEntry("Sources", "sources"))
        if index:
            toc.append(TocEntry("Index", "index"))
        return PrintData(
            info,
            tuple(toc),
            overview,
            overview_notes,
            tuple(kinds),
            timeline,
            tuple(article_views),
            tuple(sources),
            tuple(general),
            index,
            whatsnew=whatsnew,
            differences=differences,
            figures=chapter,
            timeline_figure=timeline_figure(m) if sel.pack is None and timeline else None,
        )


OTHER_SCRIPTS = "Other scripts"
"""The index heading of names that do not start with a Latin letter (北方領土, Хоккайдо)."""


def is_person(e: Entity) -> bool:
    """The entity is a person: its field ``type`` says ``person`` (the convention of docs/pdf.md)."""
    fv = e.spec.field(PERSON_FIELD[0])
    return fv is not None and isinstance(fv.value, str) and fv.value.strip().casefold() == PERSON_FIELD[1]


def index_name(e: Entity) -> str:
    """The entity's index entry: its ``sort_name`` when that is written inverted ("Assad, Bashar al-", as the site
    sorts it); else "Lavrov, Sergei" for a person of two or more words; else its name."""
    if e.spec.sort_name and "," in e.spec.sort_name:
        return e.spec.sort_name
    name = e.spec.name
    words = name.split()
    if not is_person(e) or len(words) < 2 or "," in name:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def other_names(e: Entity) -> list[str]:
    """The entity's other names: its aliases, and the names of its ``names`` fields ("Northern Territories
    (Hoppō Ryōdo)" gives both the name and the one in brackets)."""
    out = [a.text for a in e.spec.aliases]
    for fd in e.kind.fields:
        fv = e.spec.field(fd.key)
        if fd.type != "names" or fv is None or not isinstance(fv.value, tuple):
            continue
        for pair in fv.value:
            name = str(pair[1]) if isinstance(pair, tuple) and len(pair) > 1 else str(pair)
            m = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
            out.extend((m.group(1), m.group(2)) if m else (name,))
    return out


def _reading(text: str) -> str:
    """How a name reads: case, accents and punctuation folded ("Hoppō Ryōdo" and "Hoppo Ryodo" read alike)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _sort_key(name: str) -> str:
    return _reading(name) or name.casefold()


def _initial(key: str) -> str:
    c = key[:1]
    if "a" <= c <= "z":
        return c.upper()
    if c.isdigit() or not c:
        return "#"
    return OTHER_SCRIPTS


def created_at(model: Model) -> dt.datetime:
    """The PDF's date: noon UTC of the briefing's as-of date (as every output of briefgen)."""
    d = dt.date.fromisoformat(model.config.as_of)
    return dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC)


def template_dirs(root: Path) -> tuple[Path, ...]:
    """The print template folders: briefgen's, then the briefing's own ``templates/print/`` (which wins)."""
    dirs = [default_template_dir() / "print"]
    own = root / "templates" / "print"
    if own.is_dir():
        dirs.append(own)
    return tuple(dirs)


def build_print(model: Model, root: Path | None, diags: Diagnostics, pack: str | None = None) -> PrintDocument | None:
    """The print document of the briefing (or of ``pack``). Problems go to ``diags``; None on error."""
    sel = select(model, pack, diags)
    if sel is None:
        return None
    root = root or Path(".")
    data = PrintBuilder(model, sel, diags).data()
    spans = tuple((eid, model.entities[eid].spec.span) for eid in sorted(sel.entities))
    return PrintDocument(
        data=data,
        template_dirs=template_dirs(root),
        template_path=f"templates/{TEMPLATE}",
        title=data.doc.document_title,
        language=model.config.language,
        created=created_at(model),
        entity_spans=spans,
        article_spans=tuple((s, Span(model.articles[s].path)) for s in sorted(sel.articles)),
        overview_path=model.overview_path,
    )


# -- small helpers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PrintFieldLinks:
    """Infobox fields in the PDF: entities as "(p. N)" references (or to the site, or plain, outside a pack)."""

    builder: PrintBuilder

    def entity(self, eid: str) -> Markup:
        return self.builder.refs.entity(eid)

    def url(self, url: str) -> Markup:
        return self.builder.refs.link(url, url)

    def markdown(self, text: str, span: Span, entity: str) -> Markup:
        return self.builder.markdown(text, span, entity, top_heading=3)


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"
