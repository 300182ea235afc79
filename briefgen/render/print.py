"""The print edition: the model as one HTML document laid out for paged media.

This module is core (no WeasyPrint import): it chooses what goes into the document (the whole
briefing, or one pack), resolves every reference to an internal anchor, an address on the published
site, or plain text, and renders the Jinja2 print template ``print/briefing.html.j2``. The thin
adapter in :mod:`briefgen.emit.pdf` hands the result to WeasyPrint.

Anchors in the print document (ids never collide: slugs and entity ids are ``[a-z0-9-]``):

- ``ent-<id>`` an entity's section, ``kind-<kind>`` a kind's chapter,
- ``art-<slug>`` an article, ``art-<slug>_p<n>`` its paragraph ``n``.

Author Markdown is rendered by :func:`briefgen.render.markdown.render_markdown` exactly as for the
site (mentions, ``entity:``/``article:`` links, checked citations), then its links are re-pointed
at the print anchors and its citations become footnotes. Article text is escaped as on the site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from briefgen import __version__
from briefgen.diagnostics import Diagnostics, Span, did_you_mean
from briefgen.link import build_matcher
from briefgen.load.types import PackDef
from briefgen.model.types import Article, Citation, Entity, Model
from briefgen.render import format as fmt
from briefgen.render.errors import template_fault
from briefgen.render.fields import field_rows
from briefgen.render.markdown import CITE_RE, MarkdownContext, PageCitations, citation_label, render_markdown
from briefgen.render.pages import default_template_dir, make_env
from briefgen.render.urls import html_path
from briefgen.render.views import InfoRow, esc

TEMPLATE = "print/briefing.html.j2"
"""The print template (a briefing overrides it with its own ``templates/print/briefing.html.j2``)."""
STYLESHEET = "print/print.css"
"""The print stylesheet (overridable the same way)."""

ROOT_PAGE = "index.md"
"""Author Markdown is rendered as if on the home page; its relative links are then re-pointed."""


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
            diags.error(span, "unknown-pack", f"no pack '{pack_id}' is declared under 'packs:'",
                        did_you_mean(pack_id, packs))
        else:
            diags.error(model.config.span, "unknown-pack", f"no pack '{pack_id}': this briefing declares no packs",
                        "declare it under 'packs:' in content/briefing.yml, e.g. "
                        f"'{pack_id}: {{title: ..., entities: [ID, ...]}}' (see docs/pdf.md)")
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


# -- view data for the template -------------------------------------------------------------------------

@dataclass(frozen=True)
class FactView:
    """A row of an entity's facts table."""

    property: str
    """The property, as written ("office", "population")."""
    value: str
    """Its value, as written."""
    date: str
    """When the value held, formatted (empty when undated)."""
    source: Markup
    """Where it comes from: a link to the cited paragraph, or the outside reference."""
    general: bool
    """A general-knowledge fact (not from the captures)."""
    quote: str | None
    """The source's words the value comes from, when the fact records them."""
    differs: bool
    """Another source gives a different value."""


@dataclass(frozen=True)
class QuoteView:
    """A recorded quote, in the section of its speaker (or of the entity whose YAML records it)."""

    text: str
    """The quoted words."""
    date: str
    """When they were said, formatted."""
    context: str | None
    """Where or to whom they were said, when recorded."""
    source: Markup
    """The cited paragraph of the article quoting them, linked."""
    speaker: Markup | None = None
    """Who said it, when not the entity whose section shows it (a quote its YAML records for someone else)."""


@dataclass(frozen=True)
class RefGroup:
    """A titled list of references (related entities, entities an article mentions)."""

    title: str
    """The group's heading (a relation's reverse name, or a kind's plural)."""
    refs: tuple[Markup, ...]
    """The references, each linked or plain (see :class:`Refs`), sorted by name."""


@dataclass(frozen=True)
class MentionBlock:
    """The mentions of an entity in one article."""

    article: Markup
    """The article, linked (with its page) when printed."""
    meta: str
    """Outlet and date."""
    paragraphs: tuple[Markup, ...]
    """``¶3``, … each linked to its paragraph when the article is printed."""
    count: int
    """Number of mentions in the article."""


@dataclass(frozen=True)
class NoteView:
    """A citation of author Markdown, as a numbered note at the end of its section."""

    number: int
    """The note's number in its section (1, 2, …)."""
    anchor: str
    """Its anchor, ``<section>_n<number>``."""
    citation: Citation
    """The citation it prints."""
    source: Markup
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
    kind_label: str
    """Its kind's label ("Actor")."""
    focus: bool
    """One of the pack's own entities."""
    infobox: tuple[InfoRow, ...]
    """The infobox rows (kind fields, aliases, roles)."""
    summary: Markup
    """The summary, rendered from Markdown (headings from ``<h4>``)."""
    facts: tuple[FactView, ...]
    """Its facts, in the order of its YAML."""
    quotes: tuple[QuoteView, ...]
    """Quotes by it, and quotes its YAML records for others."""
    related: tuple[RefGroup, ...]
    """Entities referring to it, grouped by relation."""
    mentions: tuple[MentionBlock, ...]
    """Where source articles mention it, an entry per article."""
    n_mentions: int
    """The number of mentions in all articles."""
    notes: tuple[NoteView, ...]
    """The section's citations (from its summary and Markdown fields)."""


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
    entities: tuple[EntityView, ...]
    """Its entities printed, in the briefing's order."""


@dataclass(frozen=True)
class TimelineLine:
    """A line of the timeline."""

    when: str
    """The date or range, formatted."""
    iso: str
    """The start date, ISO 8601 (for ``<time>``)."""
    what: Markup
    """What happened, with the entity linked."""
    source: Markup
    """The cited paragraph, linked (empty for none)."""
    is_entity: bool
    """The entry is an entity with a date of its own (a meeting), not a dated fact."""


@dataclass(frozen=True)
class ParagraphView:
    """A paragraph of a source article."""

    number: int
    """The paragraph's number (¶)."""
    anchor: str
    """Its anchor, ``art-<slug>_p<number>``."""
    html: Markup
    """Its text, escaped, with each mention linked to the entity's section."""
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
    outlet: str | None
    """The outlet, if known."""
    date: str
    """Publication date, formatted ("undated" when unknown)."""
    language: str
    """Language of its text (``lang``)."""
    meta: tuple[InfoRow, ...]
    """The table of metadata rows (outlet, date, byline, capture, …)."""
    notes: Markup
    """The analyst's note, rendered from Markdown."""
    paragraphs: tuple[ParagraphView, ...]
    """The kept paragraphs, in order."""
    mentioned: tuple[RefGroup, ...]
    """Entities it mentions, grouped by kind."""
    cited_by: tuple[Markup, ...]
    """Entities citing it."""
    n_removed: int
    """Passages cleaning removed from the capture."""
    notes_list: tuple[NoteView, ...]
    """Citations in the analyst's note and in Markdown paragraphs."""
    block_paragraphs: bool
    """Paragraphs hold block Markdown (``.md`` captures) rather than plain text."""


@dataclass(frozen=True)
class SourceView:
    """An entry of the list of sources."""

    article: Markup
    """The article's title, linked to its section."""
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
    used_for: tuple[Markup, ...]
    """The entities whose facts rely on it, linked."""


@dataclass(frozen=True)
class IndexEntry:
    """An entry of the back-of-book index: an entity (main entry) or an alias pointing to one."""

    sort_key: str
    """The key entries are sorted by (accents and case folded)."""
    text: str
    """The entry as printed."""
    kind_label: str | None
    """Kind of a main entry; None for a 'see' entry."""
    main: str | None
    """Anchor of the entity's section (main entry)."""
    pages: tuple[str, ...]
    """Anchors of the first mention in each printed article (main entry)."""
    see: Markup | None
    """For an alias: the entry it points to."""


@dataclass(frozen=True)
class IndexLetter:
    """The index entries under one initial."""

    letter: str
    """The initial of its entries."""
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
    briefing_title: str
    """The briefing's own title (differs from ``title`` for a pack)."""
    subtitle: str | None
    """The briefing's subtitle, if any."""
    as_of: str
    """Formatted as-of date."""
    as_of_iso: str
    """The as-of date, ISO 8601."""
    timestamp: str
    """W3C date-time of the as-of date (noon UTC): the PDF's creation and modification date."""
    marking: str | None
    """The handling marking ("UNCLASSIFIED"), printed on every page, if any."""
    authors: tuple[str, ...]
    """Who prepared the briefing."""
    language: str
    """The document language (``lang``)."""
    site_url: str | None
    """Where the site is published, if configured."""
    generator: str
    """"briefgen <version>"."""
    pack: PackDef | None
    """The pack exported, or None."""
    focus: tuple[Markup, ...]
    """The pack's own entities, linked (empty for the whole briefing)."""
    n_entities: int
    """Number of entity sections printed."""
    n_articles: int
    """Number of articles printed."""


@dataclass(frozen=True)
class PrintDocument:
    """The print HTML and its stylesheet, ready for a paged-media engine."""

    html: str
    """The whole document, one HTML file."""
    css: str
    """Its stylesheet (text)."""
    css_url: str
    """``file:`` URL of the stylesheet (relative URLs in it resolve against it)."""
    base_url: str
    """``file:`` URL relative URLs in the HTML resolve against (the print template's folder)."""
    resource_dirs: tuple[Path, ...]
    """The only folders resources (images, fonts, stylesheets) may be loaded from."""
    template_path: str
    """The print template used (relative to the briefing when inside it), for diagnostics."""
    css_path: str
    """The stylesheet used, likewise."""
    title: str
    """The document title (PDF metadata)."""
    language: str
    """The document language (PDF metadata)."""
    created: dt.datetime
    """The as-of date, noon UTC: the PDF's dates."""
    identifier: bytes
    """A PDF file identifier derived from the content (deterministic)."""


# -- references -----------------------------------------------------------------------------------------------

class Refs:
    """Every reference of the print document resolved one way: internal anchor, published site, or plain text."""

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
    def link(href: str | None, inner: Markup | str, cls: str = "xref") -> Markup:
        """``inner`` linked: internal links get ``cls`` (the stylesheet adds the page number)."""
        inner = inner if isinstance(inner, Markup) else Markup(html.escape(inner, quote=False))
        if href is None:
            return Markup('<span class="outside">') + inner + Markup("</span>")
        if href.startswith("#"):
            if cls == "xref":  # a word joiner: the "(p. N)" the stylesheet adds stays on the line of the link
                inner += Markup("\u2060")
            return Markup(f'<a class="{cls}" href="{html.escape(href)}">') + inner + Markup("</a>")
        return Markup(f'<a class="ext" href="{html.escape(href)}">') + inner + Markup("</a>")

    def entity(self, eid: str, inner: Markup | str | None = None, cls: str = "xref") -> Markup:
        name = self.model.entities[eid].spec.name if eid in self.model.entities else eid
        return self.link(self.entity_href(eid), name if inner is None else inner, cls)

    def citation(self, c: Citation, cls: str = "xref") -> Markup:
        return self.link(self.paragraph_href(c.article, c.paragraph), citation_label(self.model, c), cls)


_A_RE = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF_RE = re.compile(r'\bhref="([^"]*)"')
_SUP_RE = re.compile(r'<sup class="bg-cite">.*?\[(\d+)\].*?</sup>', re.S)
_IMG_RE = re.compile(r"<img\b[^>]*>")
_HEADING_RE = re.compile(r"<(/?)h([1-6])\b")


# -- the builder ---------------------------------------------------------------------------------------------

class PrintBuilder:
    """Builds the print view of a model (one instance per export)."""

    def __init__(self, model: Model, sel: Selection, diags: Diagnostics):
        self.model = model
        self.sel = sel
        self.diags = diags
        self.refs = Refs(model, sel)
        self.matcher = build_matcher(tuple(e.spec for e in model.entities.values()))
        self.entity_paths = {html_path(e.page): eid for eid, e in model.entities.items()}
        self.article_paths = {html_path(a.page): slug for slug, a in model.articles.items()}
        self._scope = "doc"
        self._notes: list[NoteView] = []

    # -- Markdown ---------------------------------------------------------------------------------------
    def markdown(self, text: str | None, span: Span | None, self_entity: str | None = None, offset: int = 0,
                 top_heading: int = 3, link_all: bool = False, mention_cls: str = "xref") -> Markup:
        """Author Markdown as print HTML: links re-pointed, citations as note calls, headings from ``top_heading``."""
        if not text:
            return Markup("")
        span = span or Span("?")
        cites = PageCitations()
        ctx = MarkdownContext(self.model, ROOT_PAGE, self.matcher, cites, self.diags, self_entity, link_all=link_all)
        out = render_markdown(text, span, ctx)
        calls: list[str] = []  # note calls link to our own anchors: kept out of the re-linking below

        def call(m: re.Match) -> str:
            calls.append(self._note_call(cites.items[int(m.group(1)) - 1]))
            return f"\x00{len(calls) - 1}\x00"
        out = _SUP_RE.sub(call, out)
        out = _A_RE.sub(lambda m: self._relink(m, mention_cls), out)
        out = _IMG_RE.sub(lambda m: self._image(m.group(0), span), out)
        out = re.sub(r"\x00(\d+)\x00", lambda m: calls[int(m.group(1))], out)
        levels = [int(x) for x in re.findall(r"<h([1-6])\b", out)]
        if levels:
            shift = top_heading - min(levels)
            out = _HEADING_RE.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", out)
        return Markup(out)

    # -- notes: the citations of one section (an entity, the overview, an article), numbered in order of use --
    def begin_notes(self, scope: str) -> None:
        self._scope = scope
        self._notes = []

    def end_notes(self) -> tuple[NoteView, ...]:
        notes = tuple(self._notes)
        self._notes = []
        return notes

    def _note_call(self, c: Citation) -> str:
        for n in self._notes:
            if n.citation == c:
                break
        else:
            art = self.model.articles[c.article]
            number = len(self._notes) + 1
            n = NoteView(number, f"{self._scope}_n{number}", c, self.refs.citation(c), art.title, c.quote)
            self._notes.append(n)
        return (f'<sup class="note-call"><a href="#{n.anchor}" '
                f'aria-label="Note {n.number}">{n.number}</a></sup>')

    def _relink(self, m: re.Match, mention_cls: str = "xref") -> str:
        attrs, inner = m.group(1), Markup(m.group(2))
        hm = _HREF_RE.search(attrs)
        href = html.unescape(hm.group(1)) if hm else ""
        if re.match(r"(?i)(https?:|mailto:)", href):
            return str(self.refs.link(href, inner))
        path, _, frag = href.partition("#")
        if path in self.entity_paths:
            eid = self.entity_paths[path]
            cls = mention_cls if "bg-mention" in attrs else "xref"
            return str(self.refs.entity(eid, inner, cls))
        if path in self.article_paths:
            number = int(frag[1:]) if re.fullmatch(r"p\d+", frag) else None
            return str(self.refs.link(self.refs.paragraph_href(self.article_paths[path], number), inner))
        return str(inner)  # '#' and anything unresolved: text, never a dangling link

    def _image(self, tag: str, span: Span) -> str:
        src = html.unescape(_attr(tag, "src"))
        alt = html.unescape(_attr(tag, "alt"))
        if src.lower().startswith("data:image/"):
            return tag
        self.diags.warning(span, "pdf-image", f"image '{_short(src)}' is not embedded in the PDF",
                           "the PDF embeds only data: images and files in templates/print/; "
                           "nothing is fetched from the network or from elsewhere on disk")
        return f'<span class="img-omitted">[image{": " + html.escape(alt, quote=False) if alt else ""}]</span>'

    # -- pieces -----------------------------------------------------------------------------------------
    def source(self, c: Citation | None, reference=None) -> tuple[Markup, bool]:
        if c is not None:
            return self.refs.citation(c), False
        if reference is None:
            return Markup("no source"), True
        title = html.escape(reference.title, quote=False)
        if reference.url:
            return self.refs.link(reference.url, Markup(title)), True
        return Markup(title), True

    def infobox(self, e: Entity) -> list[InfoRow]:
        return field_rows(e, _PrintFieldLinks(self))

    def entity(self, e: Entity) -> EntityView:
        m = self.model
        eid = e.spec.id
        self.begin_notes(entity_anchor(eid))
        infobox = tuple(self.infobox(e))
        summary = self.markdown(e.spec.summary, e.spec.summary_span, eid, offset=1 if e.spec.summary_span else 0,
                                top_heading=4)
        values: dict[str, set[str]] = defaultdict(set)
        for f in m.facts.get(eid, ()):
            values[f.spec.property.casefold()].add(f.spec.value.casefold())
        facts = []
        for f in m.facts.get(eid, ()):
            src, general = self.source(f.citation, f.spec.reference)
            facts.append(FactView(f.spec.property, f.spec.value, fmt.fmt_date(f.date) if f.date else "", src, general,
                                  f.spec.quote, len(values[f.spec.property.casefold()]) > 1))
        quotes = [QuoteView(q.spec.text, fmt.fmt_date(q.date), q.spec.context, self.refs.citation(q.citation),
                            self.refs.entity(q.spec.speaker) if q.spec.speaker != eid else None)
                  for q in m.quotes_on(eid)]
        groups: dict[str, set[str]] = defaultdict(set)
        for link in m.links_in.get(eid, ()):
            groups[link.reverse].add(link.source)
        related = tuple(RefGroup(title, tuple(self.refs.entity(i) for i in
                                              sorted(groups[title], key=lambda i: m.entities[i].spec.name.casefold())))
                        for title in sorted(groups))
        return EntityView(eid, entity_anchor(eid), e.spec.name, e.kind.label, eid in self.sel.focus,
                          infobox, summary, tuple(facts), tuple(quotes), related,
                          tuple(self.mentions(eid)), len(m.mentions.get(eid, ())), self.end_notes())

    def mentions(self, eid: str) -> list[MentionBlock]:
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
            title = self.refs.link(self.refs.paragraph_href(slug, None), art.title)
            refs = tuple(self.refs.link(self.refs.paragraph_href(slug, n), f"\u00b6{n}", "plain") for n in ps)
            out.append(MentionBlock(title, meta, refs, counts[slug]))
        return out

    def article(self, a: Article) -> ArticleView:
        m = self.model
        self.begin_notes(article_anchor(a.slug))
        by_para: dict[int, list] = defaultdict(list)
        for mm in a.mentions:
            by_para[mm.paragraph].append(mm)
        paragraphs = []
        for p in a.paragraphs:
            if a.fmt == "md":  # author-written Markdown, rendered as on the site
                body = self.markdown(p.text, p.span, link_all=True, top_heading=4, mention_cls="mention")
            else:
                parts, pos = [], 0
                for mm in by_para.get(p.number, ()):
                    parts.append(_t(p.text[pos:mm.start]))
                    parts.append(str(self.refs.entity(mm.entity, Markup(_t(p.text[mm.start:mm.end])), "mention")))
                    pos = mm.end
                parts.append(_t(p.text[pos:]))
                body = Markup("".join(parts))
            paragraphs.append(ParagraphView(p.number, paragraph_anchor(a.slug, p.number), body, p.role))
        meta = [InfoRow("Outlet", esc(a.outlet or "unknown")),
                InfoRow("Published", esc(fmt.fmt_date(a.date) if a.date else "unknown"))]
        if a.date_note:
            meta.append(InfoRow("How the date is known", esc(a.date_note)))
        if a.byline:
            meta.append(InfoRow("Byline", esc(a.byline)))
        if a.url:
            meta.append(InfoRow("Original", self.refs.link(a.url, a.url)))
        if a.origin:
            meta.append(InfoRow("Capture", esc(a.origin)))
        meta.append(InfoRow("Capture file", esc(f"{a.path} ({len(a.paragraphs)} paragraphs kept, "
                                             f"{len(a.removed)} removed by cleaning)")))
        notes = self.markdown(a.notes, a.notes_span, offset=1, top_heading=4)
        mentioned_ids = {mm.entity for mm in a.mentions}
        mentioned = []
        for kind in m.config.kinds:
            ids = sorted((i for i in mentioned_ids if m.entities[i].kind.id == kind.id),
                         key=lambda i: m.entities[i].spec.name.casefold())
            if ids:
                mentioned.append(RefGroup(kind.plural, tuple(self.refs.entity(i) for i in ids)))
        cited_by = tuple(self.refs.entity(i) for i in m.cited_by.get(a.slug, ()))
        return ArticleView(a.slug, article_anchor(a.slug), a.title, a.outlet,
                           fmt.fmt_date(a.date) if a.date else "undated", a.language or m.config.language,
                           tuple(meta), notes, tuple(paragraphs), tuple(mentioned), cited_by, len(a.removed),
                           self.end_notes(), a.fmt == "md")

    def timeline(self) -> list[tuple[str, list[TimelineLine]]]:
        years: dict[str, list[TimelineLine]] = defaultdict(list)
        for t in self.model.timeline:
            if t.entity is not None and t.entity not in self.sel.entities:
                continue
            when = fmt.fmt_range(t.date, t.end)
            if t.kind == "entity":
                what = self.refs.entity(t.entity, t.label) if t.entity else esc(t.label)
            else:
                what = (self.refs.entity(t.entity) + Markup(": ") if t.entity else Markup("")) + esc(t.label)
            src = self.refs.citation(t.citation) if t.citation else Markup("")
            years[t.date[:4]].append(TimelineLine(when, t.date, what, src, t.kind == "entity"))
        return sorted(years.items())

    def sources(self, articles: list[Article]) -> tuple[list[SourceView], list[ReferenceView]]:
        rows = [SourceView(self.refs.link(self.refs.paragraph_href(a.slug, None), a.title), a.outlet or "Unknown outlet",
                           fmt.fmt_date(a.date) if a.date else "undated", a.byline, a.url, a.origin, a.date_note)
                for a in articles]
        refs: dict[tuple[str, str], set[str]] = {}
        for subject, facts in self.model.facts.items():
            if subject not in self.sel.entities:
                continue
            for f in facts:
                if f.spec.reference is not None:
                    refs.setdefault((f.spec.reference.title, f.spec.reference.url or ""), set()).add(subject)
        general = [ReferenceView(title, url or None,
                                 tuple(self.refs.entity(i) for i in sorted(ids, key=lambda i: self.model.entities[i].spec.name.casefold())))
                   for (title, url), ids in sorted(refs.items())]
        return rows, general

    def index(self, articles: list[Article]) -> list[IndexLetter]:
        m = self.model
        entries: list[IndexEntry] = []
        names = {m.entities[i].spec.name.casefold() for i in self.sel.entities}
        for eid in self.sel.entities:
            e = m.entities[eid]
            first: dict[str, int] = {}
            for mm in m.mentions.get(eid, ()):
                first.setdefault(mm.article, mm.paragraph)
            pages = tuple(paragraph_anchor(a.slug, first[a.slug]) for a in articles if a.slug in first)
            entries.append(IndexEntry(_sort_key(e.spec.name), e.spec.name, e.kind.label, entity_anchor(eid), pages, None))
            seen = {e.spec.name.casefold()}
            for alias in e.spec.aliases:
                key = alias.text.casefold()
                if key in seen or key in names:
                    continue
                seen.add(key)
                entries.append(IndexEntry(_sort_key(alias.text), alias.text, None, None, (),
                                          self.refs.entity(eid, cls="plain")))
        entries.sort(key=lambda x: (x.sort_key, x.see is not None, x.text))
        letters: dict[str, list[IndexEntry]] = defaultdict(list)
        for x in entries:
            c = x.sort_key[:1].upper()
            letters[c if c.isalpha() else "#"].append(x)
        return [IndexLetter(k, tuple(v)) for k, v in letters.items()]

    # -- the document ---------------------------------------------------------------------------------
    def context(self) -> dict:
        m = self.model
        c = m.config
        sel = self.sel
        kinds = []
        for kind in c.kinds:
            ents = [self.entity(e) for e in m.entities_of(kind.id) if e.spec.id in sel.entities]
            if ents:
                kinds.append(KindView(kind.id, kind_anchor(kind.id), kind.label, kind.plural, tuple(ents)))
        articles = [a for a in m.articles.values() if a.slug in sel.articles]
        article_views = [self.article(a) for a in articles]
        overview = Markup("")
        self.begin_notes("overview")
        if sel.pack is None:
            overview = number_headings(self.markdown(m.overview, Span(m.overview_path), top_heading=2))
        overview_notes = self.end_notes()
        timeline = self.timeline()
        sources, general = self.sources(articles)
        index = self.index(articles)
        created = created_at(m)
        title = sel.pack.title if sel.pack else c.title
        info = DocInfo(
            title=title, briefing_title=c.title, subtitle=c.subtitle, as_of=fmt.fmt_date(c.as_of), as_of_iso=c.as_of,
            timestamp=created.strftime("%Y-%m-%dT%H:%M:%SZ"), marking=c.marking, authors=tuple(c.authors),
            language=c.language, site_url=c.site_url, generator=f"briefgen {__version__}", pack=sel.pack,
            focus=tuple(self.refs.entity(i) for i in sel.focus), n_entities=len(sel.entities), n_articles=len(articles),
        )
        toc = []
        if sel.pack is not None:
            toc.append(TocEntry("About this pack", "about"))
        elif overview:
            heads = [TocEntry(_strip_tags(h), a) for a, h in re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', overview)]
            toc.append(TocEntry("Overview", "overview", tuple(heads)))
        for k in kinds:
            toc.append(TocEntry(k.plural, k.anchor, tuple(TocEntry(e.name, e.anchor) for e in k.entities)))
        if timeline:
            toc.append(TocEntry("Timeline", "timeline"))
        if article_views:
            toc.append(TocEntry("Source articles", "articles", tuple(TocEntry(a.title, a.anchor) for a in article_views)))
        toc.append(TocEntry("Sources", "sources"))
        if index:
            toc.append(TocEntry("Index", "index"))
        return dict(doc=info, toc=toc, overview=overview, overview_notes=overview_notes, kinds=kinds, timeline=timeline, articles=article_views,
                    sources=sources, general=general, index=index)


def number_headings(overview: Markup) -> Markup:
    """Give the overview's level-2 headings ids (``ov-1``, ``ov-2``, …) for the table of contents."""
    n = 0

    def add(m: re.Match) -> str:
        nonlocal n
        n += 1
        return f'<h2 id="ov-{n}">'
    return Markup(re.sub(r"<h2>", add, str(overview)))


def created_at(model: Model) -> dt.datetime:
    """The PDF's date: noon UTC of the briefing's as-of date (as every output of briefgen)."""
    d = dt.date.fromisoformat(model.config.as_of)
    return dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC)


def _attr(tag: str, name: str) -> str:
    """The value of attribute ``name`` in an HTML start tag written by briefgen ('' when absent)."""
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return m.group(1) if m else ""


# -- templates ---------------------------------------------------------------------------------------

def _template_file(env: jinja2.Environment, name: str) -> tuple[str, Path]:
    assert env.loader is not None  # make_env gives every environment a loader
    source, filename, _ = env.loader.get_source(env, name)
    return source, Path(filename or name)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _template_error(exc: Exception, root: Path, diags: Diagnostics) -> None:
    fault = template_fault(exc, (root / "templates",))
    if fault is None:
        raise exc
    where = Span(_rel(Path(fault.file), root), fault.line) if fault.file != "?" else Span(f"templates/{TEMPLATE}")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        diags.error(where, "template", f"print template: {fault.message}", "fix the template, or delete your override to use briefgen's")
    elif fault.missing:
        if fault.file == "?":
            where = Span(f"templates/{fault.missing}")
        diags.error(where, "template", f"print template '{fault.missing}' not found",
                    "reinstall briefgen, or add the file to your templates/ folder")
    else:
        diags.error(where, "template", f"print template failed: {exc}", "check the variable names against docs/pdf.md")


def build_print(model: Model, root: Path | None, diags: Diagnostics, pack: str | None = None) -> PrintDocument | None:
    """The print document of the briefing (or of ``pack``). Problems go to ``diags``; None on error."""
    sel = select(model, pack, diags)
    if sel is None:
        return None
    root = root or Path(".")
    env = make_env(root)
    ctx = PrintBuilder(model, sel, diags).context()
    try:
        tpl = env.get_template(TEMPLATE)
        text = tpl.render(**ctx)
        css, css_file = _template_file(env, STYLESHEET)
        tpl_file = Path(tpl.filename or default_template_dir() / TEMPLATE)
    except Exception as exc:  # syntax and runtime errors of an override: located, never a traceback
        _template_error(exc, root, diags)
        return None
    _check_anchors(text, _rel(tpl_file, root), diags)
    dirs = [default_template_dir() / "print"]
    if (root / "templates").is_dir():
        dirs.insert(0, root / "templates" / "print")
    created = created_at(model)
    ident = hashlib.sha256(f"briefgen:{model.config.title}:{model.config.as_of}:{pack or ''}".encode()).hexdigest()[:32]
    return PrintDocument(
        html=text, css=css, css_url=css_file.resolve().as_uri(), base_url=tpl_file.resolve().parent.as_uri() + "/",
        resource_dirs=tuple(d.resolve() for d in dirs), template_path=_rel(tpl_file, root),
        css_path=_rel(css_file, root), title=ctx["doc"].title if not sel.pack else f"{sel.pack.title} \u2014 {model.config.title}",
        language=model.config.language, created=created, identifier=ident.encode(),
    )


def _check_anchors(text: str, template: str, diags: Diagnostics) -> None:
    """Every internal link must have its target (a template override could break one)."""
    ids = set(re.findall(r'\bid="([^"]+)"', text))
    missing = sorted({h for h in re.findall(r'\bhref="#([^"]*)"', text) if html.unescape(h) not in ids})
    for h in missing[:5]:
        diags.warning(Span(template), "pdf-dangling-link", f"the print document links to '#{h}', which it does not contain",
                      "print templates must link only to anchors they print (see docs/pdf.md, 'Anchors')")


# -- small helpers -------------------------------------------------------------------------------------

def _t(text: str) -> str:
    """Escape untrusted text for an HTML text node (as render/pages.py does)."""
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class _PrintFieldLinks:
    """Infobox fields in the PDF: entities as "(p. N)" references (or to the site, or plain, outside a pack)."""

    builder: PrintBuilder

    def entity(self, eid: str) -> Markup:
        return self.builder.refs.entity(eid)

    def url(self, url: str) -> Markup:
        return self.builder.refs.link(url, url)

    def markdown(self, text: str, span: Span, entity: str) -> Markup:
        return self.builder.markdown(text, span, entity, offset=1, top_heading=5)


def _strip_tags(s: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", s))


def _sort_key(name: str) -> str:
    return re.sub(r"^[^\w]+", "", name.casefold())


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"
