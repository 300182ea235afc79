"""The render stage: the model becomes Markdown pages (one :class:`Page` each) through Jinja2 templates.

Default templates live in the top-level ``templates/`` folder of briefgen; a briefing's own
``templates/`` folder overrides any of them by name.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import os
import posixpath
import types
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import yaml
from markupsafe import Markup

from briefgen.diagnostics import Diagnostic, Diagnostics, Span
from briefgen.link import Mention, build_matcher
from briefgen.link.aliases import alias_probe, alias_table, changed_alias_texts
from briefgen.link.matcher import Hit, Matcher
from briefgen.model.differences import find_differences
from briefgen.model.prose import markdown_plain
from briefgen.model.types import Article, Citation, Entity, Model
from briefgen.render import format as fmt
from briefgen.render import reading, whatsnew
from briefgen.render.differences import PAGE as DIFFERENCES_PAGE
from briefgen.render.differences import TITLE as DIFFERENCES_TITLE
from briefgen.render.differences import anchors_of, difference_rows, differences_of
from briefgen.render.errors import template_fault
from briefgen.render.fields import body_fields, field_rows
from briefgen.render.figures import make as figures
from briefgen.render.markdown import MarkdownContext, PageCitations, citation_label, render_markdown
from briefgen.render.search import search_front_matter
from briefgen.render.siterefs import SiteRefs
from briefgen.render.urls import relurl
from briefgen.render.views import (
    ArticleLink,
    ArticleRow,
    CitedSource,
    DetectedRow,
    FactRow,
    GeneralSource,
    Group,
    InfoRow,
    KindCount,
    Link,
    MentionGroup,
    MentionRow,
    Neighbours,
    ParagraphView,
    SourceRef,
    TimelineRow,
    TimelineYear,
    esc,
    fact_rows,
    mentioned_groups,
    quote_rows,
    related_groups,
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
    names = tuple(
        sorted(
            os.path.relpath(os.path.join(top, n), user)
            for top, _, files in os.walk(user)
            for n in files
            if n.endswith(".j2")
        )
    )
    return _env(str(user), names, str(compiled) if compiled else None)


@functools.lru_cache(maxsize=8)
def _env(user_templates: str | None, overrides: tuple[str, ...], compiled: str | None) -> jinja2.Environment:
    loaders = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(user_templates))
    loaders.append(jinja2.FileSystemLoader(str(default_template_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_compiled_in(compiled) if compiled else None,
    )
    env.filters.update(
        md=lambda s: Markup(fmt.md_inline(s)), date=fmt.fmt_date, range=fmt.fmt_range, front_matter=_front_matter
    )
    return env


def _compiled_in(folder: str) -> jinja2.FileSystemBytecodeCache | None:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None  # templates are compiled in memory only
    return jinja2.FileSystemBytecodeCache(folder)


_YAML_WORDS = frozenset(
    "y Y n N yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split()
)
"""Words YAML would read as booleans or null (PyYAML quotes them)."""


def _front_matter(title: str) -> Markup:
    title = fmt.plain_title(title)
    # Most titles are words, digits and light punctuation starting with a letter: PyYAML writes those plain, as
    # they are; anything else goes through PyYAML (which costs about 0.1 ms a page).
    if (
        title
        and title[0].isalpha()
        and title[-1] != " "
        and title not in _YAML_WORDS
        and all((c.isalnum() or c in " ,.()'\u2019\u2013\u2014-") and " " <= c <= "\ud7ff" for c in title)
    ):
        return Markup("title: " + title)
    return Markup(yaml.safe_dump({"title": title}, allow_unicode=True, width=10**6).strip())


class Renderer:
    """Renders every page of a model. One instance per build."""

    def __init__(
        self,
        model: Model,
        env: jinja2.Environment,
        diags: Diagnostics,
        pdf: str | None = None,
        kept: KeptPages | None = None,
    ):
        self.model = model
        """The model as the pages read it (with a render cache: a view that notes what each page reads, see
        :class:`_RecordedModel`)."""
        self.env = env
        self.diags = diags
        self.pdf = pdf
        """File name of the PDF export published beside the site, if any (linked from the home page)."""
        specs = tuple(e.spec for e in model.entities.values())
        self.matcher: Matcher  # or a _Searched standing in for it (same methods), with a render cache
        self._mention_tags: dict[tuple[str, str], str] = {}
        self._faults: set[tuple[str, int, str]] = set()
        self._plain = model
        """The model as the lists of a page go through it (with a render cache: recorded too)."""
        if kept is not None:
            self._log = _ReadLog()
            self.model = self._plain = _RecordedModel(model, self._log)  # type: ignore[assignment]
            # the same aliases, the same matcher (building one costs 30 ms at 700 aliases)
            aliases = alias_table(specs)
            last = kept.matcher
            matcher = last[1] if last is not None and last[0] == aliases else build_matcher(specs)
            kept.matcher_now = (aliases, matcher)
            self._searched = _Searched(matcher)
            self.matcher = self._searched  # type: ignore[assignment]
        else:
            self.matcher = build_matcher(specs)
        self.kept = kept
        """Pages of the last build with what each read; None renders every page."""

    # -- the page list ------------------------------------------------------------------------------
    def pages(self) -> list[Page]:
        if self.kept is not None:
            return self._kept_pages()
        return [make() for make in self.page_makers()]

    def page_makers(self) -> list[Callable[[], Page]]:
        """What renders each page of :meth:`pages`, in its order (each independent of the others)."""
        m = self.model
        out: list[Callable[[], Page]] = [self.home]
        out.extend(functools.partial(self.kind_index, kind) for kind in m.config.kinds)
        out.extend(functools.partial(self.entity, e) for e in m.entities.values())
        out.append(self.articles_index)
        out.extend(functools.partial(self.article, a) for a in m.articles.values())
        out.append(self.timeline)
        out.append(self.sources)
        if m.changes is not None:
            out.append(self.whatsnew)
        out.extend(make for _, make in self._figure_pages())
        if differences_of(self._plain):
            out.append(self.differences)
        return out

    def render_alone(self, make: Callable[[], Page]) -> RenderedAlone:
        """One page of :meth:`page_makers`, with the diagnostics rendering it gave (not added to the build's)."""
        outer, own = self.diags, Diagnostics()
        self.diags = own
        try:
            page = make()
        finally:
            self.diags = outer
        return RenderedAlone(page, tuple(own.items))

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
            figures.on_page(path, kept=True)
            return got.page
        figures.on_page(path, kept=False)
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
        self.kept.fresh.append(path)
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
        own = [
            Path(p)
            for loader in getattr(self.env.loader, "loaders", ())
            for p in getattr(loader, "searchpath", ())
            if Path(p).resolve() != default_template_dir().resolve()
        ]
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
        what = (
            f"'{fault.missing}' is neither in templates/ nor one of briefgen's templates"
            if fault.missing
            else fault.message
        )
        self.diags.error(
            Span(where, fault.line),
            "template",
            f"page template '{template}' failed: {what}",
            "fix the template, or delete your override to use briefgen's; docs/content-format.md "
            "(Templates) lists the variables each template gets"
            if theirs
            else "this is a briefgen bug unless one of your templates/ overrides is involved; please report it",
        )

    def _md(
        self,
        text: str | None,
        span: Span | None,
        page: str,
        cites: PageCitations,
        self_entity: str | None = None,
        headings: bool = False,
    ) -> Markup:
        if not text:
            return Markup("")
        ctx = MarkdownContext(self.model, page, self.matcher, cites, self.diags, self_entity)
        return Markup(render_markdown(text, span or Span("?"), ctx, headings_as_markdown=headings))

    def _cited(self, page: str, cites: PageCitations) -> list[CitedSource]:
        out = []
        for i, c in enumerate(cites.items, 1):
            art = self.model.articles[c.article]
            out.append(
                CitedSource(
                    i,
                    citation_label(self.model, c),
                    art.title,
                    relurl(page, art.page, f"p{c.paragraph}" if c.paragraph else None),
                    c.quote,
                )
            )
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
            tag = self._mention_tags[key] = (
                f'<a class="bg-mention" href="{html.escape(relurl(page, e.page))}" title="{html.escape(e.spec.name)}">'
            )
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
        counts = _kind_counts(self._plain)
        kinds = [
            KindCount(k, Link(k.plural, relurl(page, f"{k.slug}/index.md")), counts.get(k.id, 0))
            for k in m.config.kinds
        ]
        latest = sorted(m.articles.values(), key=lambda a: (a.date or "", a.slug), reverse=True)[:5]
        return self._render(
            "home.md.j2",
            page,
            m.config.title,
            overview=overview,
            kinds=kinds,
            latest=[ArticleLink(self._alink(page, a.slug), a) for a in latest],
            n_articles=len(m.articles),
            cited=self._cited(page, cites),
            timeline=Link("Timeline", "timeline.html"),
            sources=Link("Sources", "sources.html"),
            pdf=Link("Download the briefing as PDF", self.pdf) if self.pdf else None,
            edition=whatsnew.edition_line(m.config),
            whatsnew=self._whatsnew_link(page),
        )

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
        groups = reading.index_groups(self.model, self._plain.entities_of(kind.id), page, _first_sentence)
        rows = [r for g in groups for r in g.rows]  # for templates that do not group
        laid_out = [
            reading.LaidOutGroup(g, reading.index_rows_html(kind.label, bool(kind.timeline), g.rows)) for g in groups
        ]
        return self._render(
            "kind_index.md.j2", page, kind.plural, kind=kind, rows=rows, groups=groups, laid_out=laid_out
        )

    def entity(self, e: Entity) -> Page:
        m = self.model
        page = e.page
        eid = e.spec.id
        cites = PageCitations()
        infobox = self._infobox(e, page, cites)
        summary = self._md(e.spec.summary, e.spec.summary_span, page, cites, eid)
        prose = body_fields(e, _SiteFieldLinks(self, page, cites))  # after the summary: citations in reading order
        before, after = m.neighbours(eid)
        neighbours = Neighbours(
            *(reading.dated_link(m, page, x.spec.id) if x is not None else None for x in (before, after))
        )
        reports = reading.report_rows(m, page, m.reported_in(eid))
        linked, more_linked = reading.linked_groups(m, page, eid)
        facts = self._facts(eid, page)
        # its own words, and what others said where the entity's YAML records it (e.g. at a meeting), by date
        quotes = quote_rows(m, eid, SiteRefs(m, page))
        related = self._related(eid, page)
        mentions, more = self._mentions(eid, page)
        return self._render(
            "entity.md.j2",
            page,
            e.spec.name,
            entity=e,
            kind=e.kind,
            infobox=infobox,
            summary=summary,
            facts=facts,
            quotes=quotes,
            related=related,
            mentions=mentions,
            more_mentions=more,
            n_mention_articles=len(mentions) + len(more),
            n_mentions=len(m.mentions.get(eid, ())),
            cited=self._cited(page, cites),
            index=Link(e.kind.plural, relurl(page, f"{e.kind.slug}/index.md")),
            figures=self._figures_of(e, page),
            prose=prose,
            neighbours=neighbours,
            reports=reports,
            linked=linked,
            more_linked=more_linked,
            search_tags=search_front_matter(e),
        )

    def _figures_of(self, e: Entity, page: str) -> tuple:
        """An entity page's figures (with the render cache, what they read of the model is recorded too)."""
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
        found = list(find_differences({eid: facts}, self.model.config.differences).get(eid, ()))
        flagged = {
            span: relurl(page, DIFFERENCES_PAGE, anchor)
            for d, anchor in zip(found, anchors_of(found), strict=True)
            for span in d.spans()
        }
        return fact_rows(self.model, eid, SiteRefs(self.model, page), flagged)

    def _related(self, eid: str, page: str) -> list[Group]:
        """Reverse references by heading; dated entities (meetings) in date order with their dates."""
        return related_groups(self.model, eid, SiteRefs(self.model, page))

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
            more.append(
                MentionGroup(
                    self._alink(page, slug),
                    _article_meta(art),
                    tuple(MentionRow(Markup(""), relurl(page, art.page, f"p{n}"), n) for n in paragraphs),
                    sum(map(len, by_sentence.values())),
                )
            )
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
                parts.append(_t(text[pos : x.start]))
                parts.append(f"<mark>{_t(text[x.start : x.end])}</mark>")
                pos = x.end
            parts.append(_t(text[pos:s1]))
            rows.append(MentionRow(Markup("".join(parts)), relurl(page, art.page, f"p{mm.paragraph}"), mm.paragraph))
        return MentionGroup(
            self._alink(page, slug), _article_meta(art), tuple(rows), sum(map(len, by_sentence.values()))
        )

    def articles_index(self) -> Page:
        page = "articles/index.md"
        rows = [
            ArticleRow(self._alink(page, a.slug), a, len({mm.entity for mm in a.mentions}))
            for a in self.model.articles.values()
        ]
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
                paragraphs.append(ParagraphView(p.number, Markup(render_markdown(p.text, p.span, ctx))))
                continue
            parts, pos = [], 0
            for mm in by_para.get(p.number, ()):
                parts.append(_t(p.text[pos : mm.start]))
                parts.append(self._mention_open(page, mm.entity))
                parts.append(_t(p.text[mm.start : mm.end]))
                parts.append("</a>")
                pos = mm.end
            parts.append(_t(p.text[pos:]))
            paragraphs.append(ParagraphView(p.number, Markup("".join(parts))))
        # the text block, laid out here once rather than by the template's loop (same HTML; templates that
        # override article.md.j2 still get ``paragraphs``)
        roles: dict[int, str] = {p.number: p.role for p in a.paragraphs if p.role != "body"}
        if a.fmt == "md":
            text_html = Markup(
                "".join(
                    f'<div id="p{n}" class="bg-para{_ROLE_CLASS.get(roles.get(n, "body"), "")}"><a class="bg-pnum" href="#p{n}" '
                    f'aria-label="Paragraph {n}">{n}</a>{_ROLE_LABEL.get(roles.get(n, "body"), "")}{h}</div>\n'
                    for n, h in ((p.number, p.html) for p in paragraphs)
                )
            )
        else:
            text_html = Markup(
                "".join(
                    f'<p id="p{n}"{_ROLE_ATTRS.get(roles.get(n, "body"), "")}><a class="bg-pnum" href="#p{n}" '
                    f'aria-label="Paragraph {n}">{n}</a> {_ROLE_LABEL.get(roles.get(n, "body"), "")}{h}</p>\n'
                    for n, h in ((p.number, p.html) for p in paragraphs)
                )
            )
        meta = [InfoRow("Outlet", esc(a.outlet or "unknown"))]
        date = fmt.fmt_date(a.date) if a.date else "unknown"
        meta.append(InfoRow("Published", esc(date)))
        if a.date_note:
            meta.append(InfoRow("How the date is known", esc(a.date_note)))
        if a.byline:
            meta.append(InfoRow("Byline", esc(a.byline)))
        if a.url:
            meta.append(
                InfoRow(
                    "Original",
                    Markup(
                        f'<a href="{html.escape(a.url)}" rel="nofollow noopener noreferrer">{html.escape(a.url)}</a>'
                    ),
                )
            )
        if a.origin:
            meta.append(InfoRow("Capture", esc(a.origin)))
        meta.append(
            InfoRow("Capture file", esc(f"{a.path} ({len(a.paragraphs)} paragraphs kept, {len(a.removed)} removed)"))
        )
        meta.extend(InfoRow(esc(f"{cm.key} (from the capture)"), esc(cm.value)) for cm in a.capture_meta)
        detected = _detected_rows(a)
        notes = self._md(a.notes, a.notes_span, page, cites)
        entity_groups = mentioned_groups(m, a, SiteRefs(m, page))
        cited_by = [self._elink(page, i) for i in m.cited_by.get(a.slug, ())]
        return self._render(
            "article.md.j2",
            page,
            a.title,
            article=a,
            meta=meta,
            detected=detected,
            notes=notes,
            paragraphs=paragraphs,
            text_html=text_html,
            entity_groups=entity_groups,
            cited_by=cited_by,
            cited=self._cited(page, cites),
        )

    def timeline(self) -> Page:
        page = "timeline.md"
        m = self.model
        years: dict[str, list[TimelineRow]] = defaultdict(list)
        for t in m.timeline:
            link = self._elink(page, t.entity) if t.entity else None
            if t.citation or t.reference:
                srcs = [source_ref(m, page, t.citation, t.reference)]
            else:
                srcs = [
                    SourceRef(citation_label(m, Citation(s, None, None)), relurl(page, m.articles[s].page), False)
                    for s in t.sources
                    if s in m.articles
                ]
            years[t.date[:4]].append(
                TimelineRow(fmt.fmt_range(t.date, t.end), t, link, srcs[0] if srcs else None, tuple(srcs))
            )
        return self._render(
            "timeline.md.j2",
            page,
            "Timeline",
            years=[TimelineYear(y, tuple(rows)) for y, rows in sorted(years.items())],
            figure=figures.briefing_timeline(self._plain, figures.SiteLinks(self._plain, page)),
        )

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
                    refs.setdefault((f.spec.reference.title, f.spec.reference.url or ""), []).append(
                        self._elink(page, subject)
                    )
        general = [
            GeneralSource(title, url, tuple(sorted(set(links), key=lambda link: link.text)))
            for (title, url), links in sorted(refs.items())
        ]
        rows = [ArticleLink(self._alink(page, a.slug), a) for a in m.articles.values()]
        table = reading.source_rows(rows)
        return self._render(
            "sources.md.j2",
            page,
            "Sources",
            rows=rows,
            general=general,
            table=table,
            table_html=reading.source_rows_html(table),
        )

    def differences(self) -> Page:
        m = self.model
        c = m.config.differences
        window = f"{c.window_days // 365} years" if c.window_days % 365 == 0 else f"{c.window_days} days"
        return self._render(
            "differences.md.j2",
            DIFFERENCES_PAGE,
            DIFFERENCES_TITLE,
            rows=difference_rows(m, DIFFERENCES_PAGE, differences_of(m)),
            window=window,
            tolerance=f"{c.tolerance * 100:g}\u00a0%",
        )


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
        rows.append(
            DetectedRow(
                src.field.capitalize(),
                src.value if src.value is not None else "(not read)",
                src.how,
                f"{src.span.path}:{src.span.line}",
                status,
            )
        )
    return rows


_ROLE_CLASS = {"heading": " bg-heading", "standfirst": " bg-standfirst", "caption": " bg-caption"}
"""The class a paragraph's role adds to its element on the article page (body text adds none)."""
_ROLE_ATTRS = {
    "heading": ' class="bg-heading" role="heading" aria-level="3"',
    "standfirst": ' class="bg-standfirst"',
    "caption": ' class="bg-caption"',
}
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


@dataclass(frozen=True)
class RenderedAlone:
    """A page rendered by :meth:`Renderer.render_alone`."""

    page: Page
    """The page."""
    diagnostics: tuple[Diagnostic, ...]
    """What rendering it reported, in order (a fault of a template is reported once per renderer: a page that
    repeats one another page of the same renderer reported gives none)."""


def renderer(model: Model, briefing_root: Path | None, diags: Diagnostics, pdf: str | None = None) -> Renderer:
    """A renderer of every page of ``model`` without a render cache (see :func:`render_pages`)."""
    return Renderer(model, make_env(briefing_root, None), diags, pdf)


def render_pages(
    model: Model,
    briefing_root: Path | None,
    diags: Diagnostics,
    pdf: str | None = None,
    kept: KeptPages | None = None,
    compiled: Path | None = None,
) -> list[Page]:
    """Every page of the site, in a stable order. ``pdf``: file name of a PDF published with the site.

    ``kept`` (the build cache, ``briefgen build`` and ``briefgen serve``): a page is rendered again only when
    something it read last time (see :class:`RenderedPage`) differs now. The result is the same either way.
    ``compiled``: see :func:`make_env`.
    """
    env = make_env(briefing_root, compiled)
    return Renderer(model, env, diags, pdf, kept).pages()


# -- what each page read (for the render cache) ----------------------------------------

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
    """Each part of the model it read, with the digest of what it read there (a short value: itself; in a cache
    kept in memory, :attr:`KeptPages.by_value`, the value itself)."""
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
    entries: Mapping[tuple[str, str], object] | None = None
    """The digest, in the last build, of each entry pages read attribute by attribute (:attr:`RenderedPage.attributes`)."""
    entries_now: dict[tuple[str, str], object] = dataclasses.field(default_factory=dict)
    """The same for this build (set while rendering)."""
    by_value: bool = False
    """What a page read is kept as the value itself, compared by equality, instead of its digest (a cache kept in
    memory between runs, ``briefgen serve``: the values are mostly the same objects, so comparing costs less)."""
    matcher: tuple | None = None
    """The alias matcher of the last run with what it was built from (:func:`alias_table`), if kept in memory."""
    matcher_now: tuple | None = None
    """The same for this run (set while rendering)."""
    fresh: list[str] = dataclasses.field(default_factory=list)
    """The paths of the pages this build rendered (the others were reused)."""


class _ReadLog:
    """What the page being rendered read of the model (see :class:`_RecordedModel`)."""

    def __init__(self) -> None:
        self.reads: set[Read] = set()


class _RecordedEntry:
    """An entry of a mapping field that is a dataclass (an article, an entity), as a page reads it: each attribute
    read is noted (so a page showing an article's title is not rendered again when its text changes), and so is
    each attribute read of an attribute that is a dataclass itself (an entity's ``spec.name``, not its aliases).
    Compared, hashed or pickled, it is the value it stands for, read whole."""

    __slots__ = ("_key", "_name", "_nested", "_path", "_reads", "_value")

    def __init__(self, name: str, key: str, value: object, reads: set[Read], path: str = ""):
        self._name, self._key, self._value, self._reads, self._path = name, key, value, reads, path
        self._nested: dict[str, Any] | None = None  # recorders of the attributes that are records (or tuples of them)

    def __getattr__(self, attr: str):
        own = _own_attribute(type(self._value), attr)
        if own is not None:  # a method or property reads through the recorder
            return own.__get__(self)
        nested = self._nested
        if nested is not None:
            got = nested.get(attr)
            if got is not None:
                if type(got) is tuple:
                    self._reads.add((self._name, self._key, f"{self._path}{attr}#"))
                return got
        value = getattr(self._value, attr)
        if _is_record(type(value)):
            if nested is None:
                nested = self._nested = {}
            # what is read of it is noted, not that it was reached
            got = nested[attr] = _recorder_of(type(value))(  # type: ignore[arg-type]
                self._name,
                self._key,
                value,
                self._reads,
                f"{self._path}{attr}.",
            )
            return got
        path = self._path + attr
        if self._path and type(value) is tuple and value and all(_is_record(type(v)) for v in value):
            # a tuple of records in a record (an entity's spec's fields): its length is read, and each item as a
            # record (an entry's own tuples, an article's paragraphs, are read whole: fewer reads to keep)
            self._reads.add((self._name, self._key, path + "#"))
            if nested is None:
                nested = self._nested = {}
            items = nested[attr] = tuple(
                _recorder_of(type(v))(  # type: ignore[arg-type]
                    self._name,
                    self._key,
                    v,
                    self._reads,
                    f"{path}#{i}.",
                )
                for i, v in enumerate(value)
            )
            return items
        self._reads.add((self._name, self._key, path))
        return value

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance() sees the class it stands for (a TextSpan is placed as one)
        return type(self._value)

    def _whole(self) -> object:
        """The value, noted as read whole."""
        self._reads.add((self._name, self._key, self._path[:-1]) if self._path else (self._name, self._key))
        return self._value

    def __eq__(self, other: object) -> bool:
        return self._whole() == (other._whole() if isinstance(other, _RecordedEntry) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._whole())

    def __reduce_ex__(self, protocol):
        return self._whole().__reduce_ex__(protocol)


_OWN: dict[tuple[type, str], types.FunctionType | property | None] = {}
_RECORDS: dict[type, bool] = {}


def _own_attribute(cls: type, attr: str) -> types.FunctionType | property | None:
    """The method or property ``attr`` of ``cls`` (run on a recorder, so that what it reads is noted), else None."""
    try:
        return _OWN[(cls, attr)]
    except KeyError:
        own = getattr(cls, attr, None)
        got = _OWN[(cls, attr)] = own if isinstance(own, (types.FunctionType, property)) else None
        return got


def _is_record(cls: type) -> bool:
    """Whether instances of ``cls`` are dataclasses (records whose attributes a recorder notes one by one)."""
    got = _RECORDS.get(cls)
    if got is None:
        got = _RECORDS[cls] = dataclasses.is_dataclass(cls)
    return got


def _walk(value: object, path: str) -> object:
    """What a :class:`_RecordedEntry` noted as ``path`` of ``value``: attributes of attributes that are records
    ("spec.name"), the length of a tuple of records ("spec.fields#") and its items ("spec.fields#2.value")."""
    got = value
    for name in path.split("."):
        name, hash_, index = name.partition("#")
        got = getattr(got, name, _ABSENT)
        if got is _ABSENT:
            return got
        if hash_:
            if not index:
                return len(got) if type(got) is tuple else _ABSENT
            if type(got) is not tuple or int(index) >= len(got):
                return _ABSENT
            got = got[int(index)]
    return got


@functools.cache
def _recorder_of(cls: type) -> type[_RecordedEntry]:
    """A :class:`_RecordedEntry` named like the class it records, so that a template error names the model's
    class ("'briefgen.model.types.Entity object' has no attribute …"), not the recorder."""
    return type(
        cls.__name__,
        (_RecordedEntry,),
        {"__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__},
    )


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
        if key in self._data:
            self._reads.add((self._name, key, ""))  # type: ignore[arg-type]  # it is there (not what it holds)
            return True
        self._reads.add((self._name, key))  # type: ignore[arg-type]
        return False

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
        method = _own_attribute(type(self._model), name)
        if method is not None:
            return method.__get__(self)
        got = self._maps.get(name)
        if got is not None:
            return got
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
        self._attributes: dict[tuple[tuple[str, str], str], object] = {}  # what attribute() gave in this build
        self._same: dict[object, bool] = {}
        """Whether a read (by the read and the ``id`` of what was read then, kept alive by the page) or an entry is
        as it was: compared once per build."""

    def _token(self, value: object) -> object:
        """What is kept of a value a page read: its digest, or with :attr:`KeptPages.by_value` the value."""
        return value if self._kept.by_value else self._kept.digest(_plain_tuples(value))

    def digest(self, read: Read) -> object:
        got = self._digests.get(read)
        if got is None:
            value = getattr(self._kept.model, read[0])
            if len(read) == 2:
                got = _ABSENT if read[1] not in value else self._token(value[read[1]])
            elif isinstance(value, Mapping):
                got = self._token(tuple(value))
            else:
                got = self._token(value)
            self._digests[read] = got
        return got

    def entry(self, e: tuple[str, str]) -> object:
        """The digest of the entry ``e`` (``(field, key)``) in this build (noted in :attr:`KeptPages.entries_now`)."""
        got = self._kept.entries_now.get(e)
        if got is None:
            value = getattr(self._kept.model, e[0]).get(e[1], _ABSENT)
            got = self._kept.entries_now[e] = _ABSENT if value is _ABSENT else self._token(value)
        return got

    def attribute(self, e: tuple[str, str], attr: str) -> object:
        got = self._attributes.get((e, attr), _ABSENT)
        if got is _ABSENT:
            got = self._attributes[(e, attr)] = self._attribute(e, attr)
        return got

    def _attribute(self, e: tuple[str, str], attr: str) -> object:
        """What is kept (:func:`_summary`; with :attr:`KeptPages.by_value`, the value itself) of the attribute
        ``attr`` of the entry ``e`` in this build."""
        value = getattr(self._kept.model, e[0]).get(e[1], _ABSENT)
        if value is _ABSENT:
            return _ABSENT
        if attr == "":
            return ""
        got = _walk(value, attr)
        return got if self._kept.by_value else _summary(got)

    def rendered(
        self, page: Page, diagnostics: tuple[Diagnostic, ...], reads: set[Read], searched: str
    ) -> RenderedPage:
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
        return RenderedPage(
            page, diagnostics, tuple((r, self.digest(r)) for r in sorted(whole)), searched, tuple(attributes)
        )

    def still(self, kept: RenderedPage) -> bool:
        """Whether everything the kept page read is as it was (then, rendered again, it is the same page)."""
        same = self._same
        for read, was in kept.reads:
            got = same.get((read, id(was)))  # values read by pages rendered in the same run are the same objects
            if got is None:
                now = self.digest(read)
                got = same[(read, id(was))] = now is was or now == was
            if not got:
                return False
        before = self._kept.entries or {}
        for e, attrs in kept.attributes:
            got = same.get(e)
            if got is None:
                now, was = self.entry(e), before.get(e)
                got = same[e] = now is was or now == was
            if got:
                continue  # the entry is as it was in the last build, where the page was current
            for attr, was in attrs:
                if type(was) is str and was == _ENTRY:
                    return False
                now = self.attribute(e, attr)
                if now is not was and now != was:
                    return False
        if kept.searched and (self._aliases_unknown or (self._probe is not None and self._probe.spans(kept.searched))):
            return False
        return True


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


def _kind_counts(model: Model) -> dict[str, int]:
    """The number of entities of each kind (the home page lists them)."""
    counts: dict[str, int] = {}
    for e in model.entities.values():
        counts[e.kind.id] = counts.get(e.kind.id, 0) + 1
    return counts


class _Searched:
    """The alias matcher as author Markdown uses it with a render cache: the texts it is asked to search are noted
    (:attr:`RenderedPage.searched` of the page being rendered). Only the methods Markdown rendering calls."""

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
