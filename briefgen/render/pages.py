"""The render stage: the model becomes Markdown pages (one :class:`Page` each) through Jinja2 templates.

Default templates live in the top-level ``templates/`` folder of briefgen; a briefing's own
``templates/`` folder overrides any of them by name.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import operator
import os
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import jinja2
import yaml
from markupsafe import Markup

from briefgen.diagnostics import Diagnostic, Diagnostics, Span
from briefgen.link import Mention, build_matcher
from briefgen.link.matcher import AliasTarget, Hit, Matcher
from briefgen.load.types import Alias, EntitySpec
from briefgen.model.differences import find_differences
from briefgen.model.prose import markdown_plain
from briefgen.model.types import Article, Citation, Entity, Model
from briefgen.render import format as fmt
from briefgen.render import reading, whatsnew
from briefgen.render.differences import PAGE as DIFFERENCES_PAGE
from briefgen.render.differences import TITLE as DIFFERENCES_TITLE
from briefgen.render.differences import anchor_of, difference_rows, differences_of
from briefgen.render.errors import template_fault
from briefgen.render.fields import body_fields, field_rows
from briefgen.render.figures import make as figures
from briefgen.render.markdown import CITE_RE, MarkdownContext, PageCitations, citation_label, render_markdown
from briefgen.render.search import search_front_matter
from briefgen.render.urls import relurl
from briefgen.render.views import (
    CitedSource,
    DetectedRow,
    FactRow,
    Group,
    InfoRow,
    Link,
    MentionGroup,
    MentionRow,
    QuoteRow,
    SourceRef,
    esc,
    source_ref,
)

T = TypeVar("T")

MENTION_ROWS = 40
"""Mention sentences an entity page shows at most (see :meth:`Renderer._mentions`)."""


@dataclass(frozen=True)
class Page:
    """One generated Markdown page of the MkDocs project."""

    path: str
    """Docs-relative path, e.g. ``actors/lavrov.md``."""
    title: str
    """Page title (plain text)."""
    markdown: str
    """The generated Markdown."""


def default_template_dir() -> Path:
    """briefgen's own templates: packaged copy if installed as a wheel, else the source checkout's."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("briefgen's default templates are missing; reinstall briefgen")


def make_env(briefing_root: Path | None, compiled: Path | None = None) -> jinja2.Environment:
    """The template environment: the briefing's own templates/ first, then briefgen's defaults.

    Environments are kept per folder for the life of the process, so templates are compiled once; Jinja
    still checks each template file's modification time, so edits (``briefgen serve``) are picked up.
    ``compiled``: a folder where compiled templates are kept between processes (Jinja checks each against its
    source).
    """
    user = briefing_root / "templates" if briefing_root is not None else None
    if user is None or not user.is_dir():
        return _env(None, (), str(compiled) if compiled else None)
    # which templates the briefing overrides is part of the key: a template compiled from briefgen's defaults
    # is still "up to date" for Jinja when an override of it appears
    names = tuple(sorted(os.path.relpath(os.path.join(top, n), user) for top, _, files in os.walk(user) for n in files
                         if n.endswith(".j2")))
    return _env(str(user), names, str(compiled) if compiled else None)


@functools.lru_cache(maxsize=8)
def _env(user_templates: str | None, overrides: tuple[str, ...], compiled: str | None) -> jinja2.Environment:
    loaders = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(user_templates))
    loaders.append(jinja2.FileSystemLoader(str(default_template_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders), autoescape=True, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        bytecode_cache=_compiled_in(compiled) if compiled else None,
    )
    env.filters.update(md=lambda s: Markup(fmt.md_inline(s)), date=fmt.fmt_date, range=fmt.fmt_range,
                       front_matter=_front_matter)
    return env


def _compiled_in(folder: str) -> jinja2.FileSystemBytecodeCache | None:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None  # templates are compiled in memory only
    return jinja2.FileSystemBytecodeCache(folder)


_YAML_WORDS = frozenset("y Y n N yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL"
                        .split())
"""Words YAML would read as booleans or null (PyYAML quotes them)."""


def _front_matter(title: str) -> Markup:
    title = fmt.plain_title(title)
    # Most titles are words, digits and light punctuation starting with a letter: PyYAML writes those plain, as
    # they are; anything else goes through PyYAML (which costs about 0.1 ms a page).
    if (title and title[0].isalpha() and title[-1] != " " and title not in _YAML_WORDS
            and all((c.isalnum() or c in " ,.()'\u2019\u2013\u2014-") and " " <= c <= "\ud7ff" for c in title)):
        return Markup("title: " + title)
    return Markup(yaml.safe_dump({"title": title}, allow_unicode=True, width=10**6).strip())


class Renderer:
    """Renders every page of a model. One instance per build."""

    def __init__(self, model: Model, env: jinja2.Environment, diags: Diagnostics, pdf: str | None = None,
                 memo: PageMemo | None = None, templates: tuple = (), kept: KeptPages | None = None):
        self.model = model
        """The model as the pages read it (with a memo: its entities note every look-up, see :class:`_Looked`)."""
        self.env = env
        self.diags = diags
        self.pdf = pdf
        """File name of the PDF export published beside the site, if any (linked from the home page)."""
        specs = tuple(e.spec for e in model.entities.values())
        self.matcher: Matcher  # or a _Searched standing in for it (same methods), with a page memo
        self._mention_tags: dict[tuple[str, str], str] = {}
        self.memo = memo
        """Pages of earlier runs (``briefgen serve``); None renders every page."""
        self._shared: tuple = ()
        self._narrow = False
        self._faults: set[tuple[str, int, str]] = set()
        self._plain = model
        """The model itself: what :func:`page_inputs` reads (and the lists of entities that are a page's inputs)
        is no look-up of a page."""
        if memo is not None:
            self._shared = _shared_inputs(model, pdf, templates, memo)
            # the briefing's own folder comes first in the stamp, when there is one: does it override a template?
            own = templates[0][1] if len(templates) > 1 else ()
            self._narrow = not any(name.endswith(".j2") for name, *_ in own)
            self._looked = _Looked(model.entities)
            self.model = dataclasses.replace(model, entities=self._looked)
            self._now = _Now(model, memo)
            # the same aliases, the same matcher (building one costs 30 ms at 700 aliases)
            self.matcher = self._searched = _Searched(memo.reuse("matcher", (self._now.versions[1],),  # type: ignore[assignment]
                                                                lambda: build_matcher(specs)))
        elif kept is not None:
            self._log = _ReadLog()
            self.model = self._plain = _RecordedModel(model, self._log)  # type: ignore[assignment]
            self._searched = _Searched(build_matcher(specs))
            self.matcher = self._searched  # type: ignore[assignment]
        else:
            self.matcher = build_matcher(specs)
        self.kept = kept
        """Pages of the last build with what each read (``briefgen build``); None renders every page."""

    # -- the page list ------------------------------------------------------------------------------
    def pages(self) -> list[Page]:
        m = self.model
        if self.memo is not None:
            return self._memo_pages()
        if self.kept is not None:
            return self._kept_pages()
        out = [self.home()]
        for kind in m.config.kinds:
            out.append(self.kind_index(kind))
        out.extend(self.entity(e) for e in m.entities.values())
        out.append(self.articles_index())
        out.extend(self.article(a) for a in m.articles.values())
        out.append(self.timeline())
        out.append(self.sources())
        if m.changes is not None:
            out.append(self.whatsnew())
        out.extend(make() for _, make in self._figure_pages())
        if differences_of(self._plain):
            out.append(self.differences())
        return out

    def _figure_pages(self) -> list[tuple[str, Callable[[], Page]]]:
        """The briefing's figure pages that have something to show: the map, the connections graph."""
        m = self._plain
        out: list[tuple[str, Callable[[], Page]]] = []
        if figures.has_map(m):
            out.append(("map.md", self.map_page))
        if figures.has_graph(m):
            out.append(("connections.md", self.connections_page))
        return out

    # -- pages kept between builds (briefgen build) ------------------------------------------------
    def _kept_pages(self) -> list[Page]:
        """The same pages as :meth:`pages`, each rendered only when something it read last time differs now."""
        assert self.kept is not None
        m = self.kept.model
        now = _Reading(self.kept)
        # each page takes its subject from the model as it reads it (self.model), so that reading it is noted
        out = [self._reuse(now, "index.md", self.home)]
        for i, kind in enumerate(m.config.kinds):
            out.append(self._reuse(now, f"{kind.slug}/index.md", functools.partial(self._kind_index_at, i)))
        for eid, e in m.entities.items():
            out.append(self._reuse(now, e.page, functools.partial(self._entity_of, eid)))
        out.append(self._reuse(now, "articles/index.md", self.articles_index))
        for slug, a in m.articles.items():
            out.append(self._reuse(now, a.page, functools.partial(self._article_of, slug)))
        out.append(self._reuse(now, "timeline.md", self.timeline))
        out.append(self._reuse(now, "sources.md", self.sources))
        if m.changes is not None:
            out.append(self._reuse(now, whatsnew.PAGE, self.whatsnew))
        out.extend(self._reuse(now, path, make) for path, make in self._figure_pages())
        if differences_of(m):
            out.append(self._reuse(now, DIFFERENCES_PAGE, self.differences))
        return out

    def _kind_index_at(self, i: int) -> Page:
        return self.kind_index(self.model.config.kinds[i])

    def _entity_of(self, eid: str) -> Page:
        return self.entity(self.model.entities[eid])

    def _article_of(self, slug: str) -> Page:
        return self.article(self.model.articles[slug])

    def _reuse(self, now: _Reading, path: str, make: Callable[[], Page]) -> Page:
        assert self.kept is not None
        got = self.kept.before.get(path)
        if got is not None and now.still(got):
            self.kept.now[path] = got
            self.diags.extend(got.diagnostics)
            return got.page
        outer, own = self.diags, Diagnostics()
        self.diags = own
        self._log.reads.clear()
        self._searched.restart()
        try:
            page = make()
        finally:
            self.diags = outer
        outer.extend(own.items)
        if page.markdown and not own.has_errors():  # a failed page is rendered (and reported) again next time
            self.kept.now[path] = now.rendered(page, tuple(own.items), self._log.reads, "\n".join(self._searched.texts))
        self.kept.rendered += 1
        return page

    # -- pages kept between runs (briefgen serve) ---------------------------------------------------
    def _memo_pages(self) -> list[Page]:
        """The same pages as :meth:`pages`, each rendered only when what it reads differs from the run that
        rendered it last (its inputs, see :func:`page_inputs`, and its reads, see :class:`PageReads`); a reused
        page replays the diagnostics it added."""
        m = self._plain
        keep = self._keep
        out = [keep("index.md", page_inputs(m, "index.md", self._shared), self.home)]
        for kind in m.config.kinds:
            page = f"{kind.slug}/index.md"
            out.append(keep(page, page_inputs(m, page, self._shared, kind=kind), functools.partial(self.kind_index, kind)))
        for e in m.entities.values():
            out.append(keep(e.page, page_inputs(m, e.page, self._shared, entity=e), functools.partial(self.entity, e)))
        page = "articles/index.md"
        out.append(keep(page, page_inputs(m, page, self._shared, narrow=self._narrow), self.articles_index))
        for a in m.articles.values():
            out.append(keep(a.page, page_inputs(m, a.page, self._shared, article=a), functools.partial(self.article, a)))
        for page, make in (("timeline.md", self.timeline), ("sources.md", self.sources), *self._figure_pages()):
            out.append(keep(page, page_inputs(m, page, self._shared, narrow=self._narrow), make))
        if m.changes is not None:
            out.append(keep(whatsnew.PAGE, page_inputs(m, whatsnew.PAGE, self._shared), self.whatsnew))
        if differences_of(m):
            out.append(keep(DIFFERENCES_PAGE, page_inputs(m, DIFFERENCES_PAGE, self._shared), self.differences))
        return out

    def _keep(self, path: str, inputs: tuple, make: Callable[[], Page]) -> Page:
        assert self.memo is not None
        now = self._now
        got = self.memo.get(path, inputs)
        if got is not None and now.still(got):
            self.memo.put(path, inputs, got if got.checked == now.versions else
                          dataclasses.replace(got, checked=now.versions), rendered=False)
            self.diags.extend(got.diagnostics)
            return got.page
        outer, own = self.diags, Diagnostics()
        self.diags = own
        self._looked.restart()
        self._searched.restart()
        try:
            page = make()
        finally:
            self.diags = outer
        outer.extend(own.items)
        if page.markdown:  # a page whose template failed is rendered again next time (and reported once)
            reads = PageReads(tuple((i, now.refs.get(i)) for i in sorted(self._looked.ids)), self._looked.every,
                              "\n".join(self._searched.texts))
            self.memo.put(path, inputs, KeptPage(page, tuple(own.items), reads, now.versions), rendered=True)
        return page

    def _render(self, template: str, path: str, title: str, **ctx) -> Page:
        try:
            tpl = self.env.get_template(template)
            text = tpl.render(page=path, title=title, config=self.model.config, **ctx)
        except Exception as exc:  # template overrides are the author's input: located, never a traceback
            self._template_failed(exc, template)
            return Page(path, title, "")
        return Page(path, title, text.rstrip("\n") + "\n")

    def _template_failed(self, exc: Exception, template: str) -> None:
        """One located error per distinct template fault (every entity page failing alike is one error)."""
        own = [Path(p) for loader in getattr(self.env.loader, "loaders", ())
               for p in getattr(loader, "searchpath", ()) if Path(p).resolve() != default_template_dir().resolve()]
        fault = template_fault(exc, tuple(own))
        if fault is None:
            raise exc
        where, theirs = fault.file, False
        for folder in own:
            try:
                where, theirs = "templates/" + Path(fault.file).resolve().relative_to(folder.resolve()).as_posix(), True
                break
            except (OSError, ValueError):
                continue
        key = (where, fault.line, fault.message)
        if key in self._faults:
            return
        self._faults.add(key)
        what = f"'{fault.missing}' is neither in templates/ nor one of briefgen's templates" if fault.missing else fault.message
        self.diags.error(Span(where, fault.line), "template", f"page template '{template}' failed: {what}",
                         "fix the template, or delete your override to use briefgen's; docs/content-format.md "
                         "(Templates) lists the variables each template gets" if theirs else
                         "this is a briefgen bug unless one of your templates/ overrides is involved; please report it")

    def _md(self, text: str | None, span: Span | None, page: str, cites: PageCitations,
            self_entity: str | None = None, headings: bool = False) -> Markup:
        if not text:
            return Markup("")
        ctx = MarkdownContext(self.model, page, self.matcher, cites, self.diags, self_entity)
        return Markup(render_markdown(text, span or Span("?"), ctx, headings_as_markdown=headings))

    def _cited(self, page: str, cites: PageCitations) -> list[CitedSource]:
        out = []
        for i, c in enumerate(cites.items, 1):
            art = self.model.articles[c.article]
            out.append(CitedSource(i, citation_label(self.model, c), art.title,
                                   relurl(page, art.page, f"p{c.paragraph}" if c.paragraph else None), c.quote))
        return out

    def _elink(self, page: str, eid: str) -> Link:
        e = self.model.entities[eid]
        return Link(e.spec.name, relurl(page, e.page))

    def _mention_open(self, page: str, eid: str) -> str:
        """``<a class="bg-mention" …>`` for a mention of ``eid`` on ``page`` (the same for every page of a folder).

        The entity is looked up on every call, kept tag or not: with a memo, each page notes what it looks up."""
        e = self.model.entities[eid]
        key = (posixpath.dirname(page), eid)
        tag = self._mention_tags.get(key)
        if tag is None:
            tag = self._mention_tags[key] = (f'<a class="bg-mention" href="{html.escape(relurl(page, e.page))}" '
                                             f'title="{html.escape(e.spec.name)}">')
        return tag

    def _alink(self, page: str, slug: str) -> Link:
        a = self.model.articles[slug]
        return Link(a.title, relurl(page, a.page))

    # -- pages ------------------------------------------------------------------------------------
    def home(self) -> Page:
        page = "index.md"
        m = self.model
        cites = PageCitations()
        overview = self._md(m.overview, Span(m.overview_path), page, cites, headings=True)
        counts = _kind_counts(self._plain)  # an input of the page (page_inputs)
        kinds = [(k, Link(k.plural, relurl(page, f"{k.slug}/index.md")), counts.get(k.id, 0)) for k in m.config.kinds]
        latest = sorted(m.articles.values(), key=lambda a: (a.date or "", a.slug), reverse=True)[:5]
        return self._render("home.md.j2", page, m.config.title, overview=overview, kinds=kinds,
                            latest=[(self._alink(page, a.slug), a) for a in latest],
                            n_articles=len(m.articles), cited=self._cited(page, cites),
                            timeline=Link("Timeline", "timeline.html"), sources=Link("Sources", "sources.html"),
                            pdf=Link("Download the briefing as PDF", self.pdf) if self.pdf else None,
                            edition=whatsnew.edition_line(m.config), whatsnew=self._whatsnew_link(page))

    def _whatsnew_link(self, page: str) -> Link | None:
        """The home page's link to "What's new", with how much changed (None: no comparison)."""
        changes = self.model.changes
        if changes is None:
            return None
        told = "nothing changed" if changes.empty else f"{changes.count} change{'s' if changes.count != 1 else ''}"
        return Link(f"{whatsnew.since_title(changes)} ({told})", relurl(page, whatsnew.PAGE))

    def whatsnew(self) -> Page:
        """What's new since the edition this build is compared with (see render/whatsnew.py)."""
        page = whatsnew.PAGE
        changes = self.model.changes
        assert changes is not None
        view = whatsnew.whatsnew_view(changes, self.model.config, lambda to, anchor: relurl(page, to, anchor))
        return self._render("whatsnew.md.j2", page, view.title, view=view)

    def kind_index(self, kind) -> Page:
        page = f"{kind.slug}/index.md"
        # the page's input (page_inputs): the kind's entities whole, in display order
        groups = reading.index_groups(self.model, self._plain.entities_of(kind.id), page, _first_sentence)
        rows = [(r.link, r.summary, r) for g in groups for r in g.rows]  # for templates that do not group
        laid_out = [(g, reading.index_rows_html(kind.label, bool(kind.timeline), g.rows)) for g in groups]
        return self._render("kind_index.md.j2", page, kind.plural, kind=kind, rows=rows, groups=groups,
                            laid_out=laid_out)

    def entity(self, e: Entity) -> Page:
        m = self.model
        page = e.page
        eid = e.spec.id
        cites = PageCitations()
        infobox = self._infobox(e, page, cites)
        summary = self._md(e.spec.summary, e.spec.summary_span, page, cites, eid)
        prose = body_fields(e, _SiteFieldLinks(self, page, cites))  # after the summary: citations in reading order
        before, after = m.neighbours(eid)
        neighbours = [reading.dated_link(m, page, x.spec.id) if x is not None else None for x in (before, after)]
        reports = reading.report_rows(m, page, m.reported_in(eid))
        linked, more_linked = reading.linked_groups(m, page, eid)
        facts = self._facts(eid, page)
        # its own words, and what others said where the entity's YAML records it (e.g. at a meeting), by date
        quotes = [QuoteRow(q.spec.text, self._elink(page, q.spec.speaker), fmt.fmt_date(q.date), q.spec.context,
                           source_ref(m, page, q.citation), q.spec.speaker != eid) for q in m.quotes_on(eid)]
        related = self._related(eid, page)
        mentions, more = self._mentions(eid, page)
        return self._render("entity.md.j2", page, e.spec.name, entity=e, kind=e.kind, infobox=infobox,
                            summary=summary, facts=facts, quotes=quotes, related=related, mentions=mentions,
                            more_mentions=more, n_mention_articles=len(mentions) + len(more),
                            n_mentions=len(m.mentions.get(eid, ())), cited=self._cited(page, cites),
                            index=Link(e.kind.plural, relurl(page, f"{e.kind.slug}/index.md")),
                            figures=self._figures_of(e, page),
                            prose=prose, neighbours=neighbours, reports=reports, linked=linked, more_linked=more_linked,
                            search_tags=search_front_matter(e))

    def _figures_of(self, e: Entity, page: str) -> tuple:
        """An entity page's figures. They read the model itself (``_plain``), not the page's view of it: with a
        page memo the figures are among the page's inputs (:func:`page_inputs`), so that an entity added elsewhere
        does not render every page with a map again; with the render cache ``_plain`` records their reads."""
        return figures.entity_figures(self._plain, e, figures.SiteLinks(self._plain, page))

    def _infobox(self, e: Entity, page: str, cites: PageCitations) -> list[InfoRow]:
        return field_rows(e, _SiteFieldLinks(self, page, cites), css="bg-", split=True, name_of=self._name_of)

    def _name_of(self, eid: str) -> str | None:
        e = self.model.entities.get(eid)
        return e.spec.name if e is not None else None

    def _link_html(self, page: str, eid: str) -> str:
        if eid not in self.model.entities:
            return html.escape(eid)
        link = self._elink(page, eid)
        return f'<a href="{html.escape(link.href)}">{html.escape(link.text)}</a>'

    def _facts(self, eid: str, page: str) -> list[FactRow]:
        facts = self.model.facts.get(eid, ())
        # a fact is flagged only where sources really differ (model/differences.py), linked to the comparison
        flagged = {span: relurl(page, DIFFERENCES_PAGE, anchor_of(d))
                   for d in find_differences({eid: facts}, self.model.config.differences).get(eid, ()) for span in d.spans()}
        return [FactRow(f.spec.property, f.spec.value, fmt.fmt_date(f.date) if f.date else "",
                        source_ref(self.model, page, f.citation, f.spec.reference), f.spec.quote,
                        f.spec.span in flagged, flagged.get(f.spec.span)) for f in facts]

    def _related(self, eid: str, page: str) -> list[Group]:
        """Reverse references by heading; dated entities (meetings) in date order with their dates."""
        m = self.model
        groups: dict[str, set[str]] = defaultdict(set)
        for link in m.links_in.get(eid, ()):
            groups[link.reverse].add(link.source)
        return [Group(title, tuple(reading.dated_link(m, page, i) for i in reading.in_reading_order(m, groups[title])))
                for title in sorted(groups)]

    def _mentions(self, eid: str, page: str) -> tuple[list[MentionGroup], list[MentionGroup]]:
        """The "Mentioned in" groups with their sentences, and the groups listed by paragraph links only.

        Up to :data:`MENTION_ROWS` sentences every article is shown with its sentences, in article order (and
        nothing is listed by links only). Beyond that (the few entities most articles mention), the sentences of
        the most recent articles are shown, newest first, and the earlier articles follow as links to their
        paragraphs: the page stays readable and MkDocs does not spend seconds on one page."""
        m = self.model
        by_article: dict[str, dict[tuple, list[Mention]]] = defaultdict(lambda: defaultdict(list))
        for mm in m.mentions.get(eid, ()):
            by_article[mm.article][(mm.paragraph, mm.sentence)].append(mm)  # one pass: linear in the mentions
        items = list(by_article.items())
        if sum(len(by_sentence) for _, by_sentence in items) <= MENTION_ROWS:
            return [self._mention_group(page, slug, by_sentence) for slug, by_sentence in items], []
        shown: list = []
        rows = 0
        for slug, by_sentence in reversed(items):
            if shown and rows + len(by_sentence) > MENTION_ROWS:
                break
            shown.append(self._mention_group(page, slug, by_sentence))
            rows += len(by_sentence)
        more = []
        for slug, by_sentence in reversed(items[: len(items) - len(shown)]):
            art = m.articles[slug]
            paragraphs = sorted({p for p, _ in by_sentence})
            more.append(MentionGroup(self._alink(page, slug), _article_meta(art), tuple(
                MentionRow(Markup(""), relurl(page, art.page, f"p{n}"), n) for n in paragraphs)))
        return shown, more

    def _mention_group(self, page: str, slug: str, by_sentence: dict[tuple, list[Mention]]) -> MentionGroup:
        """An article's mentions of an entity: each distinct sentence, the mentions marked."""
        art = self.model.articles[slug]
        rows = []
        for marks in by_sentence.values():
            mm = marks[0]
            text = art.paragraphs[mm.paragraph - 1].text
            s0, s1 = mm.sentence
            parts, pos = [], s0
            for x in marks:
                parts.append(_t(text[pos:x.start]))
                parts.append(f"<mark>{_t(text[x.start:x.end])}</mark>")
                pos = x.end
            parts.append(_t(text[pos:s1]))
            rows.append(MentionRow(Markup("".join(parts)), relurl(page, art.page, f"p{mm.paragraph}"), mm.paragraph))
        return MentionGroup(self._alink(page, slug), _article_meta(art), tuple(rows))

    def articles_index(self) -> Page:
        page = "articles/index.md"
        rows = [(self._alink(page, a.slug), a, len({mm.entity for mm in a.mentions})) for a in self.model.articles.values()]
        return self._render("articles_index.md.j2", page, "Articles", rows=rows)

    def article(self, a: Article) -> Page:
        m = self.model
        page = a.page
        cites = PageCitations()
        paragraphs = []
        by_para: dict[int, list[Mention]] = defaultdict(list)
        for mm in a.mentions:
            by_para[mm.paragraph].append(mm)
        for p in a.paragraphs:
            if a.fmt == "md":  # author-written Markdown: rendered (raw HTML still shown as text)
                ctx = MarkdownContext(m, page, self.matcher, cites, self.diags, link_all=True)
                paragraphs.append((p.number, Markup(render_markdown(p.text, p.span, ctx))))
                continue
            parts, pos = [], 0
            for mm in by_para.get(p.number, ()):
                parts.append(_t(p.text[pos:mm.start]))
                parts.append(self._mention_open(page, mm.entity))
                parts.append(_t(p.text[mm.start:mm.end]))
                parts.append("</a>")
                pos = mm.end
            parts.append(_t(p.text[pos:]))
            paragraphs.append((p.number, Markup("".join(parts))))
        # the text block, laid out here once rather than by the template's loop (same HTML; templates that
        # override article.md.j2 still get ``paragraphs``)
        roles: dict[int, str] = {p.number: p.role for p in a.paragraphs if p.role != "body"}
        if a.fmt == "md":
            text_html = Markup("".join(f'<div id="p{n}" class="bg-para{_ROLE_CLASS.get(roles.get(n, "body"), "")}"><a class="bg-pnum" href="#p{n}" '
                                       f'aria-label="Paragraph {n}">{n}</a>{_ROLE_LABEL.get(roles.get(n, "body"), "")}{h}</div>\n'
                                       for n, h in paragraphs))
        else:
            text_html = Markup("".join(f'<p id="p{n}"{_ROLE_ATTRS.get(roles.get(n, "body"), "")}><a class="bg-pnum" href="#p{n}" '
                                       f'aria-label="Paragraph {n}">{n}</a> {_ROLE_LABEL.get(roles.get(n, "body"), "")}{h}</p>\n'
                                       for n, h in paragraphs))
        meta = [InfoRow("Outlet", esc(a.outlet or "unknown"))]
        date = fmt.fmt_date(a.date) if a.date else "unknown"
        meta.append(InfoRow("Published", esc(date)))
        if a.date_note:
            meta.append(InfoRow("How the date is known", esc(a.date_note)))
        if a.byline:
            meta.append(InfoRow("Byline", esc(a.byline)))
        if a.url:
            meta.append(InfoRow("Original", Markup(f'<a href="{html.escape(a.url)}" rel="nofollow noopener noreferrer">'
                                                   f"{html.escape(a.url)}</a>")))
        if a.origin:
            meta.append(InfoRow("Capture", esc(a.origin)))
        meta.append(InfoRow("Capture file", esc(f"{a.path} ({len(a.paragraphs)} paragraphs kept, {len(a.removed)} removed)")))
        meta.extend(InfoRow(esc(f"{cm.key} (from the capture)"), esc(cm.value)) for cm in a.capture_meta)
        detected = _detected_rows(a)
        notes = self._md(a.notes, a.notes_span, page, cites)
        entity_groups = []
        mentioned = {mm.entity for mm in a.mentions}
        for kind in m.config.kinds:
            links = sorted((self._elink(page, i) for i in mentioned if m.entities[i].kind.id == kind.id), key=lambda link: link.text.casefold())
            if links:
                entity_groups.append(Group(kind.plural, tuple(links)))
        cited_by = [self._elink(page, i) for i in m.cited_by.get(a.slug, ())]
        return self._render("article.md.j2", page, a.title, article=a, meta=meta, detected=detected, notes=notes,
                            paragraphs=paragraphs, text_html=text_html, entity_groups=entity_groups, cited_by=cited_by,
                            cited=self._cited(page, cites))

    def timeline(self) -> Page:
        page = "timeline.md"
        m = self.model
        years: dict[str, list] = defaultdict(list)
        for t in m.timeline:
            link = self._elink(page, t.entity) if t.entity else None
            if t.citation or t.reference:
                srcs = [source_ref(m, page, t.citation, t.reference)]
            else:
                srcs = [SourceRef(citation_label(m, Citation(s, None, None)), relurl(page, m.articles[s].page), False)
                        for s in t.sources if s in m.articles]
            years[t.date[:4]].append((fmt.fmt_range(t.date, t.end), t, link, srcs[0] if srcs else None, srcs))
        return self._render("timeline.md.j2", page, "Timeline", years=sorted(years.items()),
                            figure=figures.briefing_timeline(self._plain, figures.SiteLinks(self._plain, page)))

    def map_page(self) -> Page:
        page = "map.md"
        links = figures.SiteLinks(self._plain, page)
        maps = figures.briefing_maps(self._plain, links)
        n_meetings = figures.meetings_placed(self._plain, links) if maps else 0
        return self._render("map.md.j2", page, "Map", maps=maps, n_meetings=n_meetings)

    def connections_page(self) -> Page:
        page = "connections.md"
        graph = figures.briefing_graph(self._plain, figures.SiteLinks(self._plain, page))
        return self._render("connections.md.j2", page, "Connections", graph=graph)

    def sources(self) -> Page:
        page = "sources.md"
        m = self.model
        refs: dict = {}
        for subject, facts in m.facts.items():
            for f in facts:
                if f.spec.reference is not None:
                    refs.setdefault((f.spec.reference.title, f.spec.reference.url or ""), []).append(self._elink(page, subject))
        general = [(title, url, sorted(set(links), key=lambda link: link.text)) for (title, url), links in sorted(refs.items())]
        rows = [(self._alink(page, a.slug), a) for a in m.articles.values()]
        table = reading.source_rows(rows)
        return self._render("sources.md.j2", page, "Sources", rows=rows, general=general, table=table,
                            table_html=reading.source_rows_html(table))

    def differences(self) -> Page:
        m = self.model
        c = m.config.differences
        window = f"{c.window_days // 365} years" if c.window_days % 365 == 0 else f"{c.window_days} days"
        return self._render("differences.md.j2", DIFFERENCES_PAGE, DIFFERENCES_TITLE,
                            rows=difference_rows(m, DIFFERENCES_PAGE, differences_of(m)), window=window,
                            tolerance=f"{c.tolerance * 100:g}\u00a0%")


def _detected_rows(a: Article) -> list[DetectedRow]:
    """Each metadata value read from the capture, how and where, and whether the annotation overrode it."""
    rows = []
    for src in a.detected.sources:
        if src.field in a.meta_spans:
            status = f"overridden by the annotation ({a.meta_spans[src.field]})"
        elif src.value is None:
            status = f"not used: {src.doubt}" if src.doubt else "not used"
        elif src.conflict is not None:
            status = f"used, but contradicted: {src.doubt}"
        elif not src.sure:
            status = f"used, {src.doubt}" if src.doubt else "used, a guess"
        else:
            status = "used"
        rows.append(DetectedRow(src.field.capitalize(), src.value if src.value is not None else "(not read)",
                                src.how, f"{src.span.path}:{src.span.line}", status))
    return rows


_ROLE_CLASS = {"heading": " bg-heading", "standfirst": " bg-standfirst", "caption": " bg-caption"}
"""The class a paragraph's role adds to its element on the article page (body text adds none)."""
_ROLE_ATTRS = {"heading": ' class="bg-heading" role="heading" aria-level="3"', "standfirst": ' class="bg-standfirst"',
               "caption": ' class="bg-caption"'}
"""Attributes of a non-Markdown paragraph with a role: a sub-heading is announced as a heading below "Text"."""
_ROLE_LABEL = {"caption": '<span class="bg-role">Photo caption:</span> '}
"""A marker before the text, so a caption is not read as the story (and is told apart without styles)."""


def _article_meta(art: Article) -> str:
    return ", ".join(x for x in (art.outlet, fmt.fmt_date(art.date)) if x)


def _t(text: str) -> str:
    """Escape untrusted text for an HTML text node (quotes need no escaping there)."""
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class _SiteFieldLinks:
    """Infobox fields on a site page: entities as relative links, addresses as outside links."""

    renderer: Renderer
    page: str
    """The page the infobox is on (links are relative to it)."""
    cites: PageCitations
    """The page's citations (a Markdown field may cite)."""

    def entity(self, eid: str) -> Markup:
        return Markup(self.renderer._link_html(self.page, eid))

    def url(self, url: str) -> Markup:
        return Markup(f'<a href="{html.escape(url)}" rel="nofollow noopener noreferrer">{html.escape(url)}</a>')

    def markdown(self, text: str, span: Span, entity: str) -> Markup:
        return self.renderer._md(text, span, self.page, self.cites, entity)


def _first_sentence(text: str | None) -> str:
    if not text:
        return ""
    import re

    plain = markdown_plain(text)
    m = re.search(r"(?<=[.!?])\s", plain)
    return plain[: m.start()] if m else plain


def render_pages(model: Model, briefing_root: Path | None, diags: Diagnostics, pdf: str | None = None,
                 memo: PageMemo | None = None, kept: KeptPages | None = None, compiled: Path | None = None) -> list[Page]:
    """Every page of the site, in a stable order. ``pdf``: file name of a PDF published with the site.

    ``memo`` (``briefgen serve``) keeps pages between runs: a page whose inputs are unchanged is not rendered
    again. ``kept`` (``briefgen build``): a page is rendered again only when something it read last time (see
    :class:`RenderedPage`) differs now. The result is the same either way. ``compiled``: see :func:`make_env`.
    """
    env = make_env(briefing_root, compiled)
    templates = template_stamp(briefing_root) if memo is not None else ()
    return Renderer(model, env, diags, pdf, memo, templates, kept).pages()


# -- what each page read (for the render cache of briefgen build) ----------------------------------------

Read = tuple[str, ...]
"""Something a page read of the model: ``(field,)`` — the whole field (a value; of a mapping, its keys in order:
it went through them) — ``(field, key)`` — one entry of a mapping field (absent ones too) — or ``(field, key,
attribute)`` — one attribute of an entry that is a dataclass (an article's title, not its text)."""


@dataclass(frozen=True)
class RenderedPage:
    """A page as the render cache keeps it: what it read, recorded while it rendered, with digests."""

    page: Page
    """The page."""
    diagnostics: tuple[Diagnostic, ...]
    """What rendering it added (added again when it is reused)."""
    reads: tuple[tuple[Read, object], ...]
    """Each part of the model it read, with the digest of what it read there (a short value: itself)."""
    searched: str
    """The texts of author Markdown the alias matcher searched for mentions, one a line (an alias added, removed
    or changed changes the page only if it could match in them, see :func:`alias_probe`)."""
    attributes: tuple[tuple[tuple[str, str], tuple[tuple[str, object], ...]], ...] = ()
    """The entries it read attribute by attribute (``(field, key)``), each with the attributes it read and what
    it read there: a short value itself, else :data:`_ENTRY` (the page is rendered again when the entry changes;
    ``""``: the entry was there)."""


@dataclass
class KeptPages:
    """The render cache of one build: the pages of the last build (:attr:`before`) and of this one (:attr:`now`).
    The caller keeps them between builds, and drops :attr:`before` when anything else a page is given differs
    (the templates, the PDF's name)."""

    model: Model
    """This build's model."""
    before: Mapping[str, RenderedPage]
    """The pages of the last build, by path."""
    aliases: tuple | None
    """What the last build's alias matcher was built from (:func:`alias_table`); None: unknown."""
    digest: Callable[[object], str]
    """The digest of a value of the model (equal values, equal digests)."""
    now: dict[str, RenderedPage] = dataclasses.field(default_factory=dict)
    """The pages of this build (reused or rendered)."""
    rendered: int = 0
    """How many pages this build rendered."""
    aliases_now: tuple | None = None
    """What this build's alias matcher is built from (set while rendering)."""
    entries: Mapping[tuple[str, str], str] | None = None
    """The digest, in the last build, of each entry pages read attribute by attribute (:attr:`RenderedPage.attributes`)."""
    entries_now: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    """The same for this build (set while rendering)."""


class _ReadLog:
    """What the page being rendered read of the model (see :class:`_RecordedModel`)."""

    def __init__(self) -> None:
        self.reads: set[Read] = set()


class _RecordedEntry:
    """An entry of a mapping field that is a dataclass (an article, an entity), as a page reads it: each attribute
    read is noted (so a page showing an article's title is not rendered again when its text changes)."""

    __slots__ = ("_key", "_name", "_reads", "_value")

    def __init__(self, name: str, key: str, value: object, reads: set[Read]):
        self._name, self._key, self._value, self._reads = name, key, value, reads

    def __getattr__(self, attr: str):
        self._reads.add((self._name, self._key, attr))
        return getattr(self._value, attr)


@functools.cache
def _recorder_of(cls: type) -> type[_RecordedEntry]:
    """A :class:`_RecordedEntry` named like the class it records, so that a template error names the model's
    class ("'briefgen.model.types.Entity object' has no attribute …"), not the recorder."""
    return type(cls.__name__, (_RecordedEntry,), {"__slots__": (), "__module__": cls.__module__,
                                                  "__qualname__": cls.__qualname__})


class _RecordedMap(Mapping):
    """A mapping field of the model as a page reads it: each look-up is noted, and so is going through it."""

    def __init__(self, name: str, data: Mapping, log: _ReadLog):
        self._name, self._data, self._reads = name, data, log.reads
        self._entries: dict = {}

    def _entry(self, key):
        """The entry ``key`` as the page sees it: a dataclass through a :class:`_RecordedEntry`, else itself
        (then the whole entry is noted)."""
        got = self._entries.get(key)
        if got is not None:
            self._reads.add((self._name, key, ""))  # it is there
        else:
            value = self._data[key]
            cls: type = type(value)
            if not dataclasses.is_dataclass(value):
                self._reads.add((self._name, key))
                return value
            got = self._entries[key] = _recorder_of(cls)(self._name, key, value, self._reads)
            self._reads.add((self._name, key, ""))
        return got

    def __getitem__(self, key):
        if key not in self._data:
            self._reads.add((self._name, key))
        return self._entry(key)

    def get(self, key, default=None):
        if key not in self._data:
            self._reads.add((self._name, key))
            return default
        return self._entry(key)

    def __contains__(self, key: object) -> bool:
        self._reads.add((self._name, key))  # type: ignore[arg-type]
        return key in self._data

    def __iter__(self):
        self._reads.add((self._name,))
        return iter(self._data)

    def __len__(self) -> int:
        self._reads.add((self._name,))
        return len(self._data)

    def keys(self):
        self._reads.add((self._name,))
        return self._data.keys()

    def values(self):
        self._reads.add((self._name,))
        return [self._entry(k) for k in self._data]

    def items(self):
        self._reads.add((self._name,))
        return [(k, self._entry(k)) for k in self._data]


class _RecordedModel:
    """The model as the pages read it with a render cache: every field read is noted in ``log`` (mapping fields
    entry by entry); the model's methods run on this view, so what they read is noted too."""

    def __init__(self, model: Model, log: _ReadLog):
        self._model, self._log = model, log
        self._maps: dict[str, _RecordedMap] = {}

    def __getattr__(self, name: str):
        method = getattr(type(self._model), name, None)
        if callable(method):
            return method.__get__(self)
        value = getattr(self._model, name)
        if isinstance(value, Mapping):
            got = self._maps.get(name)
            if got is None:
                got = self._maps[name] = _RecordedMap(name, value, self._log)
            return got
        self._log.reads.add((name,))
        return value


_ABSENT = "#absent"
"""A read of an entry or attribute that is not there (not a value :func:`_summary` keeps, nor a digest)."""


def _plain_tuples(value: object) -> object:
    """``value``, with a tuple of named tuples (an entity's mentions) as one of plain tuples: the same digest for
    the same data, without a call to Python per item when it is pickled."""
    if type(value) is tuple and value and type(value[0]) is not tuple and isinstance(value[0], tuple):
        kind = type(value[0])
        if all(type(v) is kind for v in value):
            return (kind.__qualname__, tuple(map(tuple, value)))
    return value


_ENTRY = "#entry"
"""What is kept of an attribute whose value is not short: the page is rendered again when the entry changes."""


def _summary(value: object) -> object:
    """What is kept of an attribute a page read: a short string or a number as it is (comparing it costs less than
    a digest), else :data:`_ENTRY`. A string is told apart from the markers by its prefix."""
    if value is None or type(value) is int:
        return value
    if type(value) is str and len(value) <= 200:
        return "##" + value if value.startswith("#") else value
    return _ENTRY


class _Reading:
    """This build's digests of what pages read (each computed once), and the check of a kept page."""

    def __init__(self, kept: KeptPages):
        self._kept = kept
        self._digests: dict[Read, object] = {}
        self._aliases = alias_table(e.spec for e in kept.model.entities.values())
        self._probe: Matcher | None = None
        if kept.aliases is not None and kept.aliases != self._aliases:
            changed = changed_alias_texts(kept.aliases, self._aliases)
            self._probe = alias_probe(changed) if changed else None
        self._aliases_unknown = kept.aliases is None
        kept.aliases_now = self._aliases

    def digest(self, read: Read) -> object:
        got = self._digests.get(read)
        if got is None:
            value = getattr(self._kept.model, read[0])
            if len(read) == 2:
                got = _ABSENT if read[1] not in value else self._kept.digest(_plain_tuples(value[read[1]]))
            elif isinstance(value, Mapping):
                got = self._kept.digest(tuple(value))
            else:
                got = self._kept.digest(value)
            self._digests[read] = got
        return got

    def entry(self, e: tuple[str, str]) -> str:
        """The digest of the entry ``e`` (``(field, key)``) in this build (noted in :attr:`KeptPages.entries_now`)."""
        got = self._kept.entries_now.get(e)
        if got is None:
            value = getattr(self._kept.model, e[0]).get(e[1], _ABSENT)
            got = self._kept.entries_now[e] = _ABSENT if value is _ABSENT else self._kept.digest(value)
        return got

    def attribute(self, e: tuple[str, str], attr: str) -> object:
        """What is kept (:func:`_summary`) of the attribute ``attr`` of the entry ``e`` in this build."""
        value = getattr(self._kept.model, e[0]).get(e[1], _ABSENT)
        if value is _ABSENT:
            return _ABSENT
        return "" if attr == "" else _summary(getattr(value, attr, _ABSENT))

    def rendered(self, page: Page, diagnostics: tuple[Diagnostic, ...], reads: set[Read], searched: str) -> RenderedPage:
        """A page just rendered, with what it read (``reads``) as the render cache keeps it."""
        whole, by_entry = [], defaultdict(list)
        for r in reads:
            if len(r) == 3:
                by_entry[r[:2]].append(r[2])
            else:
                whole.append(r)
        attributes = []
        for e, names in sorted(by_entry.items()):
            self.entry(e)
            attributes.append((e, tuple((a, self.attribute(e, a)) for a in sorted(names))))
        return RenderedPage(page, diagnostics, tuple((r, self.digest(r)) for r in sorted(whole)), searched,
                            tuple(attributes))

    def still(self, kept: RenderedPage) -> bool:
        """Whether everything the kept page read is as it was (then, rendered again, it is the same page)."""
        for read, was in kept.reads:
            if self.digest(read) != was:
                return False
        before = self._kept.entries or {}
        for e, attrs in kept.attributes:
            if self.entry(e) == before.get(e):
                continue  # the entry is as it was in the last build, where the page was current
            for attr, was in attrs:
                if was == _ENTRY or self.attribute(e, attr) != was:
                    return False
        if kept.searched and (self._aliases_unknown or (self._probe is not None and self._probe.spans(kept.searched))):
            return False
        return True


# -- what each page reads (for the page memo of briefgen serve) -----------------------------------------

EntityRef = tuple[str, str, str, str | None, str | None, str]
"""What a page may show of an entity other than its own: its name, page and kind id (a link, a mention's
title, a group by kind), its date and range end (a dated link) and sort key (the order of a list). A page that
showed more of another entity would need it here."""


@dataclass(frozen=True)
class PageReads:
    """What rendering a page read besides its inputs (:func:`page_inputs`), noted while it rendered (``briefgen
    serve``). Rendered again from equal inputs, a page makes the same look-ups and searches, so these alone tell
    whether entities or aliases changed since can change it."""

    entities: tuple[tuple[str, EntityRef | None], ...]
    """Each entity it looked up, by id, with its :data:`EntityRef` then (None: no entity had that id, e.g. a link
    to an unknown one)."""
    every_entity: bool
    """It went through all entities (an index, the count of each kind, a did-you-mean hint): any entity added,
    removed, renamed or moved can change it."""
    searched: str
    """The texts of author Markdown the alias matcher searched for mentions, one a line: an alias added, removed
    or changed can change the page only where it could match in them (see :func:`alias_probe`)."""


@dataclass(frozen=True)
class KeptPage:
    """A rendered page, as the page memo keeps it."""

    page: Page
    """The page."""
    diagnostics: tuple[Diagnostic, ...]
    """What rendering it added (replayed when it is reused)."""
    reads: PageReads
    """What it read besides its inputs."""
    checked: tuple[int, int]
    """The versions (:meth:`PageMemo.version`) of the entities' :data:`EntityRef` and of the aliases for which
    the reads were last found current."""


class PageMemo(Protocol):
    """Pages of earlier runs, by path, with the inputs they were rendered from, the diagnostics they added and
    what they read besides (:class:`KeptPage`)."""

    def get(self, path: str, inputs: tuple) -> KeptPage | None:
        """The page kept for ``path`` if it was rendered from inputs equal to ``inputs`` (its reads are the
        caller's to check)."""
    def put(self, path: str, inputs: tuple, kept: KeptPage, rendered: bool) -> None:
        """Keep ``kept`` for the next run: just rendered, or reused (``rendered`` false; its reads checked)."""
    def version(self, name: str, value: tuple) -> int:
        """A number that changes exactly when ``value`` differs from the last value given under ``name``
        (so that pages compare one number instead of a large shared value)."""
    def earlier(self, name: str, version: int) -> tuple | None:
        """The value given under ``name`` that had ``version``, if it is one of the last few (else None)."""
    def reuse(self, name: str, key: tuple, make: Callable[[], T]) -> T:
        """What ``make()`` returned the last time under ``name``, if ``key`` is equal to that time's; else
        ``make()`` again."""


class _Looked(Mapping[str, Entity]):
    """``model.entities`` as the pages read it with a page memo: each look-up is noted, by id, and so is going
    through all of them (what :class:`PageReads` keeps of the page being rendered)."""

    def __init__(self, entities: Mapping[str, Entity]):
        self._entities = entities
        self.ids: set[str] = set()
        """The ids looked up (unknown ones too) since the page started."""
        self.every = False
        """All entities were gone through since the page started."""

    def restart(self) -> None:
        """A page starts."""
        self.ids.clear()
        self.every = False

    def __getitem__(self, eid: str) -> Entity:
        self.ids.add(eid)
        return self._entities[eid]

    def get(self, eid: str, default: Entity | None = None) -> Entity | None:  # type: ignore[override]
        self.ids.add(eid)
        return self._entities.get(eid, default)

    def __contains__(self, eid: object) -> bool:
        self.ids.add(eid)  # type: ignore[arg-type]
        return eid in self._entities

    def __iter__(self) -> Iterator[str]:
        self.every = True
        return iter(self._entities)

    def __len__(self) -> int:
        self.every = True
        return len(self._entities)

    def keys(self):
        self.every = True
        return self._entities.keys()

    def values(self):
        self.every = True
        return self._entities.values()

    def items(self):
        self.every = True
        return self._entities.items()


class _Searched:
    """The alias matcher as author Markdown uses it with a page memo: the texts it is asked to search are noted
    (:attr:`PageReads.searched` of the page being rendered). Only the methods Markdown rendering calls."""

    def __init__(self, matcher: Matcher):
        self._matcher = matcher
        self.texts: list[str] = []
        """The texts searched since the page started."""

    def restart(self) -> None:
        """A page starts."""
        self.texts.clear()

    def find(self, text: str) -> list[Hit]:
        self.texts.append(text)
        return self._matcher.find(text)

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        self.texts.append(text)
        return self._matcher.spans(text)


_ALIAS_FIELDS = operator.attrgetter("text", *(f.name for f in dataclasses.fields(Alias)
                                              if f.name not in ("text", "span")))
"""Every field of an :class:`Alias` but where it is written, its text first."""


def alias_table(entities: Iterable[EntitySpec], unlinked: frozenset[str] | None = None) -> tuple:
    """What an alias matcher is built from, entity by entity, in order: ``(id, ((text, case, ambiguous, …),
    …))`` for each :class:`EntitySpec` of ``entities`` — every field of each alias but its place, and with
    ``unlinked`` (the link stage's matcher) whether the alias is left out as shared with another entity."""
    if unlinked is None:
        return tuple((e.id, tuple(_ALIAS_FIELDS(a) for a in e.aliases)) for e in entities)
    return tuple((e.id, tuple((*_ALIAS_FIELDS(a), a.text in unlinked) for a in e.aliases)) for e in entities)


def changed_alias_texts(old: tuple, new: tuple) -> frozenset[str]:
    """The texts of the aliases that differ between two :func:`alias_table` values: each alias added, removed
    or changed (so an entity added or removed gives all its aliases, a renamed one its old and new name), and
    all aliases of an entity whose aliases changed order (which of two aliases of the same words a mention
    names depends on it)."""
    before, after = dict(old), dict(new)
    out: set[str] = set()
    for eid in before.keys() | after.keys():
        x, y = before.get(eid, ()), after.get(eid, ())
        if x == y:
            continue
        xs, ys = set(x), set(y)
        if [a for a in x if a in ys] != [a for a in y if a in xs]:
            out.update(a[0] for a in (*x, *y))
        else:
            out.update(a[0] for a in xs ^ ys)
    return frozenset(out)


def alias_probe(texts: Iterable[str]) -> Matcher:
    """A matcher that finds a hit wherever one of the alias ``texts`` could be a mention, under any case rule
    and for any entity. A matcher decides each place of a text from the aliases of those words alone, so in a
    text where the probe of the changed aliases (:func:`changed_alias_texts`) finds nothing, the matchers before
    and after the change find the same mentions."""
    return Matcher([AliasTarget("", t, "ignore") for t in sorted(set(texts))])


class _Now:
    """This run's entities and aliases, against which the reads of kept pages are checked (one per render)."""

    def __init__(self, model: Model, memo: PageMemo):
        self.refs: dict[str, EntityRef] = {i: (e.spec.name, e.page, e.kind.id, e.date, e.end, e.sort_key)
                                           for i, e in model.entities.items()}
        """The :data:`EntityRef` of each entity."""
        self.aliases = alias_table(e.spec for e in model.entities.values())
        """What the renderer's alias matcher is built from (:func:`alias_table`)."""
        self.versions = (memo.version("entity refs", tuple(self.refs.items())), memo.version("aliases", self.aliases))
        """The versions of :attr:`refs` and :attr:`aliases`, as :attr:`KeptPage.checked` holds them."""
        self._memo = memo
        self._probes: dict[int, Matcher | None] = {}

    def still(self, kept: KeptPage) -> bool:
        """Whether what the kept page read besides its inputs is unchanged (then, rendered again from equal
        inputs, it would be the same page)."""
        reads = kept.reads
        refs_at, aliases_at = kept.checked
        if refs_at != self.versions[0]:
            if reads.every_entity:
                return False
            refs = self.refs
            for eid, was in reads.entities:
                if refs.get(eid) != was:
                    return False
        if aliases_at != self.versions[1] and reads.searched:
            probe = self._probe(aliases_at)
            if probe is None or probe.spans(reads.searched):
                return False
        return True

    def _probe(self, version: int) -> Matcher | None:
        """:func:`alias_probe` of the aliases changed since ``version`` (None: that version is forgotten)."""
        if version not in self._probes:
            old = self._memo.earlier("aliases", version)
            self._probes[version] = None if old is None else alias_probe(changed_alias_texts(old, self.aliases))
        return self._probes[version]


def template_stamp(briefing_root: Path | None) -> tuple:
    """Name, size, modification time and inode of every template file a page can read, per folder: the
    briefing's own ``templates/`` (first, when there is a briefing) and briefgen's defaults. Any template
    edit changes it."""
    out = []
    folders = [default_template_dir()]
    if briefing_root is not None:
        folders.insert(0, briefing_root / "templates")
    for folder in folders:
        files = []
        for top, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                try:
                    st = os.stat(os.path.join(top, name))
                except OSError:
                    continue
                files.append((os.path.relpath(os.path.join(top, name), folder), st.st_mtime_ns, st.st_size, st.st_ino))
        out.append((str(folder), tuple(files)))
    return tuple(out)


def _shared_inputs(model: Model, pdf: str | None, templates: tuple, memo: PageMemo) -> tuple:
    """Version numbers of what every page reads: the templates, the configuration and PDF name; each article's
    slug, title, page, outlet and date (links, citation labels), in order. (Entities and aliases are read page
    by page: :class:`PageReads`.)"""
    m = model
    base = memo.version("base", (templates, m.config, pdf))
    arts = memo.version("articles", tuple((s, a.title, a.page, a.outlet, a.date) for s, a in m.articles.items()))
    return (base, arts)


def _kind_counts(model: Model) -> dict[str, int]:
    """The number of entities of each kind (the home page lists them)."""
    counts: dict[str, int] = {}
    for e in model.entities.values():
        counts[e.kind.id] = counts.get(e.kind.id, 0) + 1
    return counts


def _cited_texts(model: Model, texts) -> tuple:
    """The paragraphs of every article that the ``[@slug "words"]`` citations in ``texts`` locate words in."""
    out = []
    for text in texts:
        if text and "[@" in text:
            for mm in CITE_RE.finditer(text):
                art = model.articles.get(mm.group(1))
                out.append((mm.group(1), art.paragraphs if art is not None else None))
    return tuple(out)


def page_inputs(model: Model, page: str, shared: tuple, *, kind=None, entity: Entity | None = None,
                article: Article | None = None, narrow: bool = False) -> tuple:
    """Everything the page at ``page`` reads from ``model`` besides ``shared`` (see :func:`_shared_inputs`) and
    besides the entities it looks up and the aliases its Markdown could contain, which are noted while it renders
    (:class:`PageReads`).

    ``narrow``: the pages are rendered by briefgen's own templates (the briefing overrides none), so the
    long lists need only the fields those templates show.

    Pages rendered from equal inputs are equal: a change here that misses something a page reads would show
    stale pages in ``briefgen serve`` (tests/serve compare it with clean runs after edits of each kind)."""
    m = model
    if entity is not None:
        eid = entity.spec.id
        mentions = m.mentions.get(eid, ())
        seen: dict[str, None] = {}
        for mm in mentions:
            seen[mm.article] = None
        markdown = [entity.spec.summary] + [fv.value for fv in entity.spec.fields
                                            if (fd := entity.kind.field(fv.key)) is not None and fd.type == "markdown"]
        return (shared, page, entity, m.facts.get(eid), m.adjacent.get(eid), m.reported_by.get(eid),
                m.linked_from.get(eid),
                m.quotes.get(eid), m.quotes_declared.get(eid), m.links_in.get(eid), mentions,
                tuple(m.articles[s].paragraphs for s in seen), _cited_texts(m, markdown),
                figures.entity_figures(m, entity, figures.SiteLinks(m, page)))
    if article is not None:
        texts = [article.notes] + ([p.text for p in article.paragraphs] if article.fmt == "md" else [])
        return (shared, page, article, m.cited_by.get(article.slug), _cited_texts(m, texts))
    if kind is not None:
        return (shared, page, kind, tuple((e, len(m.mentions.get(e.spec.id, ())), len(m.reported_by.get(e.spec.id, ())),
                                           len({mm.article for mm in m.mentions.get(e.spec.id, ())}))
                                          for e in m.entities_of(kind.id)))
    if page == "index.md":
        return (shared, page, m.overview, m.overview_path, _cited_texts(m, [m.overview]), _kind_counts(m),
                tuple(sorted(m.articles.values(), key=lambda a: (a.date or "", a.slug), reverse=True)[:5]),
                m.changes)
    if page == "articles/index.md":
        # briefgen's own template shows each article's link, date, outlet and number of entities (the
        # slug, title and page are in ``shared``); a briefing's own templates may show anything of it
        return (shared, page, tuple((a.date, a.outlet, len({mm.entity for mm in a.mentions})) if narrow else
                                    (a, len({mm.entity for mm in a.mentions})) for a in m.articles.values()))
    if page == "timeline.md":
        return (shared, page, m.timeline, figures.briefing_timeline(m, figures.SiteLinks(m, page)))
    if page == whatsnew.PAGE:
        return (shared, page, m.changes)
    if page == "map.md":  # the figures are what the page shows of the model
        return (shared, page, figures.briefing_maps(m, figures.SiteLinks(m, page)))
    if page == "connections.md":
        return (shared, page, figures.briefing_graph(m, figures.SiteLinks(m, page)))
    if page == DIFFERENCES_PAGE:  # what it shows of each difference (not where the facts are written)
        return (shared, page, m.config.differences,
                tuple((d.subject, d.measure, d.numeric, tuple(
                    (s.fact.spec.value, s.fact.date, s.fact.citation, s.fact.spec.reference, s.fact.spec.quote,
                     s.amount.text if s.amount else None,
                     (m.articles[s.fact.citation.article].outlet, m.articles[s.fact.citation.article].date,
                      m.articles[s.fact.citation.article].page) if s.fact.citation else None) for s in d.sides))
                      for d in differences_of(m)))
    if page == "sources.md":
        return (shared, page, tuple((subject, f.spec.reference) for subject, fs in m.facts.items() for f in fs
                                    if f.spec.reference is not None),
                tuple((a.outlet, a.date, a.byline, a.url, a.origin, a.date_note, a.outlet_kind, reading.date_how(a))
                      if narrow else a for a in m.articles.values()))
    raise ValueError(f"no inputs known for page {page!r}")
