"""Views for reading in time order: a kind's index (date column, groups), an entity's dated reverse references,
its previous and next meeting, the articles that report it, the texts that link to it, the timeline's sources
and the sources table. The site's pages build them here; the PDF can read the same model functions
(``Model.entities_of``, ``neighbours``, ``reported_in``, ``linked_from``)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from briefgen.model.order import group_label
from briefgen.model.types import Article, Entity, Model
from briefgen.render import format as fmt
from briefgen.render.urls import relurl
from briefgen.render.views import ArticleLink, Link, LinkedRow, Record

LINKED_FROM_ROWS = 40
"""Sentences a "Linked from" list shows at most (the rest are counted)."""


@dataclass(frozen=True)
class IndexRow:
    """One entity in its kind's index."""

    link: Link
    """Its page."""
    date: str
    """Formatted date (timeline kinds), ``undated`` when it has none; '' for other kinds."""
    iso: str | None
    """ISO date, for the ``<time>`` element."""
    summary: str
    """First sentence of its summary, plain text."""
    sources: str
    """How the source articles cover it: "reported in 2 articles", "5 mentions in 3 articles", or ''."""


@dataclass(frozen=True)
class IndexGroup:
    """Rows of an index under one value of the kind's ``group_by`` field."""

    title: str
    """The value ('' when the kind is not grouped; "Other" for entities without one in a grouped index)."""
    rows: tuple[IndexRow, ...]
    """Its entities in display order."""


@dataclass(frozen=True)
class LaidOutGroup(Record):
    """A group of a kind's index with its table rows, laid out once as HTML (thousands of rows render fast)."""

    group: IndexGroup
    """The group."""
    rows_html: Markup
    """Its table rows, as HTML (:func:`index_rows_html`)."""


@dataclass(frozen=True)
class ReportRow:
    """An article that reports an entity (a meeting, an event)."""

    link: Link
    """The article."""
    outlet: str
    """Its outlet, or ''."""
    date: str
    """Its formatted date (``undated`` when unknown)."""


@dataclass(frozen=True)
class LinkedGroup:
    """The sentences of one other page that link to or mention the entity."""

    link: Link
    """The page (an entity's, the overview, an article's notes)."""
    rows: tuple[LinkedRow, ...]
    """Each sentence, with which text of the page it is in."""


@dataclass(frozen=True)
class SourceRow:
    """An article on the sources page."""

    link: Link
    """The article."""
    outlet: str
    """Outlet ('unknown' when not known)."""
    outlet_kind: str
    """Kind of outlet (``outlet_kind:``), or ''."""
    date: str
    """Formatted date, ``undated`` when unknown."""
    how: str
    """How the date was established, short: ``from the annotation``, ``read from the capture``, ``inferred``…"""
    reasoning: str
    """The full note on the date (shown collapsed), or ''."""
    byline: str
    """Authors, or ''."""
    origin: str
    """How the capture was made, or ''."""
    url: str | None
    """The original address."""


def sources_in(model: Model, e: Entity) -> str:
    n_reports = len(model.reported_by.get(e.spec.id, ()))
    if n_reports:
        return f"reported in {n_reports} article{'s' if n_reports != 1 else ''}"
    mentions = model.mentions.get(e.spec.id, ())
    if not mentions:
        return ""
    n_articles = len({mm.article for mm in mentions})
    return f"{len(mentions)} mention{'s' if len(mentions) != 1 else ''} in {n_articles} article{'s' if n_articles != 1 else ''}"


def index_groups(
    model: Model,
    entities: list[Entity],
    page: str,
    first_sentence: Callable[[str | None], str],
) -> list[IndexGroup]:
    """A kind's index in display order, grouped by its ``group_by`` field when it names one."""
    groups: dict[str, list[IndexRow]] = {}
    for e in entities:
        title = (group_label(e, model.entities) or "Other") if e.kind.group_by else ""
        title = title[:1].upper() + title[1:]
        date = (fmt.fmt_range(e.date, e.end) if e.date else "undated") if e.kind.timeline else ""
        groups.setdefault(title, []).append(
            IndexRow(
                Link(e.spec.name, relurl(page, e.page)),
                date,
                e.date,
                first_sentence(e.spec.summary),
                sources_in(model, e),
            )
        )
    return [IndexGroup(t, tuple(rows)) for t, rows in groups.items()]


def dated_link(model: Model, page: str, eid: str) -> Link:
    """A link to an entity, with its date as the note when it is a dated entity."""
    e = model.entities[eid]
    return Link(e.spec.name, relurl(page, e.page), note=fmt.fmt_range(e.date, e.end) if e.date else "")


def in_reading_order(model: Model, ids: set[str]) -> list[str]:
    """Entity ids as the reader scans them: dated ones by date (so a person's meetings read in time order), then
    the others by their kind's order."""

    def key(eid: str) -> tuple:
        e = model.entities[eid]
        return (e.date is None, e.date or "", e.sort_key, eid)

    return sorted(ids, key=key)


def report_rows(model: Model, page: str, articles: tuple[Article, ...]) -> list[ReportRow]:
    return [
        ReportRow(Link(a.title, relurl(page, a.page)), a.outlet or "", fmt.fmt_date(a.date) if a.date else "undated")
        for a in articles
    ]


def linked_groups(model: Model, page: str, eid: str) -> tuple[list[LinkedGroup], int]:
    """The "Linked from" list of an entity's page by page (at most :data:`LINKED_FROM_ROWS` sentences), and how
    many sentences more there are."""
    rows = model.linked_from.get(eid, ())
    groups: dict[str, tuple[Link, list[LinkedRow]]] = {}
    for x in rows[:LINKED_FROM_ROWS]:
        groups.setdefault(x.page, (Link(x.title, relurl(page, x.page)), []))[1].append(LinkedRow(x.where, x.sentence))
    return [LinkedGroup(link, tuple(rs)) for link, rs in groups.values()], max(0, len(rows) - LINKED_FROM_ROWS)


def date_how(a: Article) -> str:
    """How an article's date is known, in a few words (its note, if any, says more)."""
    if not a.date:
        return "not known"
    if "date" not in a.meta_spans:
        src = a.detected.source("date")
        return f"read from the capture ({src.how})" if src is not None else "read from the capture"
    if a.detected.date is None:
        return "not in the capture: inferred by the analyst"
    if a.detected.date == a.date:
        return "in the capture, confirmed by the analyst"
    return f"set by the analyst (the capture says {fmt.fmt_date(a.detected.date)})"


def source_rows(rows: list[ArticleLink]) -> list[SourceRow]:
    """The sources page's table, from each article with its link."""
    return [
        SourceRow(
            link,
            a.outlet or "unknown",
            a.outlet_kind or "",
            fmt.fmt_date(a.date) if a.date else "undated",
            date_how(a),
            a.date_note or "",
            a.byline or "",
            a.origin or "",
            a.url,
        )
        for link, a in ((r.link, r.article) for r in rows)
    ]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def source_rows_html(rows: list[SourceRow]) -> Markup:
    """The sources table's rows, laid out here once rather than by the template's loop (a briefing of thousands
    of articles renders the page in a tenth of the time; a template overriding ``sources.md.j2`` still gets
    ``table``)."""
    out = []
    dash = "\u2014"
    for r in rows:
        original = f' (<a href="{_e(r.url)}" rel="nofollow noopener noreferrer">original</a>)' if r.url else ""
        why = (
            f'<details class="bg-why"><summary>How</summary> <p>{_e(r.reasoning)}</p></details>' if r.reasoning else ""
        )
        out.append(
            f'<tr><td data-label="Article"><a href="{_e(r.link.href)}">{_e(r.link.text)}</a>{original}</td> '
            f'<td data-label="Outlet">{_e(r.outlet)}</td> <td data-label="Kind of outlet">'
            f'{_e(r.outlet_kind or dash)}</td> <td data-label="Date">{_e(r.date)}<br> <small>{_e(r.how)}</small> '
            f'{why}</td> <td data-label="Byline">{_e(r.byline or dash)}</td> <td data-label="Origin">'
            f"{_e(r.origin or dash)}</td></tr>\n"
        )
    return Markup("".join(out))


def index_rows_html(kind_label: str, dated: bool, rows: tuple[IndexRow, ...]) -> Markup:
    """A kind index's rows, laid out here once rather than by the template's loop (a template overriding
    ``kind_index.md.j2`` still gets ``groups`` and ``rows``)."""
    out = []
    dash = "\u2014"
    label = _e(kind_label)
    for r in rows:
        date = ""
        if dated:
            when = f'<time datetime="{_e(r.iso)}">{_e(r.date)}</time>' if r.iso else f"<em>{_e(r.date)}</em>"
            date = f' <td class="bg-date" data-label="Date">{when}</td>'
        out.append(
            f'<tr>{date} <td data-label="{label}"><a href="{_e(r.link.href)}">{_e(r.link.text)}</a></td> '
            f'<td data-label="Summary">{_e(r.summary)}</td> <td data-label="In the sources">'
            f"{_e(r.sources) if r.sources else dash}</td></tr>\n"
        )
    return Markup("".join(out))
