"""Which author texts point at each entity: the sentences of entity pages (summary, Markdown fields), the
overview and articles' notes that link to an entity (``entity:ID``) or mention one of its aliases. Shown on the
entity's page as "Linked from", apart from the source articles' mentions."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from briefgen.link.matcher import Matcher
from briefgen.model.prose import sentences
from briefgen.model.types import Article, Entity, LinkedFrom

_ENTITY_LINK = re.compile(r"\]\(entity:([a-z0-9]+(?:-[a-z0-9]+)*)(?:#[^)]*)?\)")


def _texts(
    entities: Mapping[str, Entity], overview: str, articles: Mapping[str, Article]
) -> Iterable[tuple[str, str, str, str | None, str]]:
    """Every author text a page shows, in reading order of the site: ``(page, title, where, entity, text)``."""
    if overview:
        yield "index.md", "Overview", "overview", None, overview
    for e in entities.values():
        if e.spec.summary:
            yield e.page, e.spec.name, "summary", e.spec.id, e.spec.summary
        for fv in e.spec.fields:
            fd = e.kind.field(fv.key)
            if fd is not None and fd.type == "markdown" and isinstance(fv.value, str):
                yield e.page, e.spec.name, fd.label, e.spec.id, fv.value
    for a in articles.values():
        if a.notes:
            yield a.page, a.title, "notes", None, a.notes


def linked_from(
    entities: Mapping[str, Entity],
    overview: str,
    articles: Mapping[str, Article],
    matcher: Matcher,
    order: Mapping[str, tuple[str, ...]],
) -> dict[str, tuple[LinkedFrom, ...]]:
    """For each entity, the sentences that link to it or mention it (never its own page's), the overview first,
    then entity pages in the order of their kinds' indexes, then notes in article order; one row per sentence."""
    rows: list[tuple[str, str, str, str | None, str, str]] = []  # page, title, where, source, source text, plain
    for page, title, where, source, text in _texts(entities, overview, articles):
        for src, plain in sentences(text):
            rows.append((page, title, where, source, src, plain))
    found: dict[str, dict[tuple, LinkedFrom]] = defaultdict(dict)
    hits: dict[int, set[str]] = defaultdict(set)
    for k, _start, _end, eid, _alias in matcher.spans_many([r[5] for r in rows]):
        hits[k].add(eid)
    for k, (_page, _title, _where, _source, src, _plain) in enumerate(rows):
        if "](entity:" in src:
            hits[k].update(i for i in _ENTITY_LINK.findall(src) if i in entities)
    rank = {eid: (n, i) for n, ids in enumerate(order.values()) for i, eid in enumerate(ids)}
    for k in sorted(hits):
        page, title, where, source, _src, plain = rows[k]
        for eid in hits[k]:
            if eid != source:
                found[eid].setdefault((page, plain), LinkedFrom(page, title, where, plain, source))

    def key(x: LinkedFrom) -> tuple:
        group = 0 if x.page == "index.md" else 1 if x.source is not None else 2
        return (group, rank.get(x.source, (0, 0)) if x.source else (0, 0))

    return {eid: tuple(sorted(v.values(), key=key)) for eid, v in sorted(found.items())}
