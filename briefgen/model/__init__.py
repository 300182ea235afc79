"""The model stage: cross-check the annotations and cleaned articles and resolve every relation once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any, Protocol

from briefgen.clean.types import CleanedText, DetectedMeta, Paragraph
from briefgen.diagnostics import Diagnostics, Span, did_you_mean
from briefgen.link import Mention, build_matcher
from briefgen.link.matcher import AliasTarget, Matcher, plain
from briefgen.load.types import Alias, ArticleSpec, Content, EntitySpec, ShapeSpec
from briefgen.model.linkedfrom import linked_from
from briefgen.model.locate import closest_passage, locate, normalize
from briefgen.model.order import adjacent, display_order, entity_dates, sort_key
from briefgen.model.prose import CITE_RE
from briefgen.model.types import Article, Citation, Entity, Fact, Link, Model, Quote, TimelineEntry, quote_order


def check_entities(content: Content, diags: Diagnostics) -> dict[str, Entity]:
    """Entities by id with their kind; duplicate ids and unknown kinds are reported."""
    out: dict[str, Entity] = {}
    first: dict[str, EntitySpec] = {}
    for spec in content.entities:
        kind = content.config.kind(spec.kind)
        if kind is None:
            continue  # reported by the loader
        if spec.id in first:
            diags.error(
                spec.span,
                "duplicate-id",
                f"entity id '{spec.id}' is already used at {first[spec.id].span}",
                "give each entity its own id",
            )
            continue
        first[spec.id] = spec
        date, end = entity_dates(spec, kind)
        out[spec.id] = Entity(spec, kind, f"{kind.slug}/{spec.id}.md", sort_key(spec, kind), date, end)
    return dict(sorted(out.items()))


def check_aliases(entities: dict[str, Entity], diags: Diagnostics) -> frozenset[str]:
    """Report aliases claimed by two entities; return the alias texts that must not be linked."""
    claims: dict[str, list[tuple[str, Alias]]] = defaultdict(list)
    for e in entities.values():
        for a in e.spec.aliases:
            claims[plain(a.text).casefold()].append((e.spec.id, a))  # Japan's and Japan’s are one name
    unlinked: set[str] = set()
    for owners in claims.values():
        ids = {i for i, _ in owners}
        if len(ids) < 2:
            continue
        exact = defaultdict(set)
        for i, a in owners:
            exact[plain(a.text)].add(i)
        clash = any(len(v) > 1 for v in exact.values()) or any(a.case == "ignore" for _, a in owners)
        if not clash:
            continue
        if all(a.ambiguous for _, a in owners):
            continue
        for i, a in owners:
            if not a.ambiguous:
                others = ", ".join(f"'{x}'" for x in sorted(ids - {i}))
                diags.error(
                    a.span,
                    "alias-collision",
                    f"alias '{a.text}' of '{i}' is also an alias of {others}",
                    "remove it from one entity, or mark it '{text: ..., ambiguous: true}' on both (it is then not linked)",
                )
        unlinked.update(a.text for _, a in owners)
    return frozenset(unlinked)


MAX_AMBIGUOUS_PLACES = 5
"""Places listed in one ``alias-ambiguous`` warning; the rest are counted."""


def warn_ambiguous(entities: dict[str, Entity], articles: dict[str, Article], diags: Diagnostics) -> None:
    """One ``alias-ambiguous`` warning per alias marked ``ambiguous: true`` that occurs in the articles' text (where
    a longer alias does not cover it), at the alias, naming its entities and the places it is left unlinked."""
    owners: dict[str, list[tuple[str, Alias]]] = defaultdict(list)
    for e in entities.values():
        for a in e.spec.aliases:
            if a.ambiguous:
                owners[plain(a.text).casefold()].append((e.spec.id, a))
    if not owners or not articles:
        return
    # every alias, so that a longer one wins as it does when linking; an ambiguous alias stands for its text
    targets = [
        AliasTarget(f"\0{plain(a.text).casefold()}" if a.ambiguous else e.spec.id, a.text, a.case)
        for e in entities.values()
        for a in e.spec.aliases
    ]
    matcher = Matcher(targets)
    places: dict[str, list[str]] = defaultdict(list)
    for art in articles.values():
        texts = [p.text for p in art.paragraphs]
        for k, _start, _end, entity, _alias in matcher.spans_many(texts):
            if entity.startswith("\0"):
                p = art.paragraphs[k]
                place = f"{p.span} (\u00b6{p.number} of '{art.slug}')"
                if place not in places[entity[1:]][-1:]:
                    places[entity[1:]].append(place)
    for key, where in places.items():
        ids = sorted({i for i, _ in owners[key]})
        first = min((a for _, a in owners[key]), key=lambda a: (a.span.path, a.span.line, a.span.col))
        shown = ", ".join(where[:MAX_AMBIGUOUS_PLACES])
        more = f" and {len(where) - MAX_AMBIGUOUS_PLACES} more" if len(where) > MAX_AMBIGUOUS_PLACES else ""
        others = ", ".join(f"'{i}'" for i in ids)
        diags.warning(
            first.span,
            "alias-ambiguous",
            f"alias '{first.text}' ({others}) is marked ambiguous, so it is not linked where it occurs: {shown}{more}",
            "these mentions link to no entity; where a fuller name is used, add it as an alias of the entity meant",
        )


class ModelMemo(Protocol):
    """Per-article model work kept between runs (the build cache, briefgen/stagecache.py)."""

    def locate(self, slug: str, paragraphs: tuple[Paragraph, ...], words: str) -> int | None:
        """What ``locate(paragraphs, words)`` returns, kept per article ``slug`` and ``words`` while the
        article's paragraphs are equal."""

    def article(
        self,
        spec: ArticleSpec,
        cleaned: CleanedText,
        mentions: tuple[Mention, ...],
        diags: Diagnostics,
        make: Callable[[ArticleSpec, CleanedText, tuple[Mention, ...], Diagnostics], Article],
    ) -> Article:
        """``make(spec, cleaned, mentions, diags)``, or the article it made last time from the same three (the
        same objects, or equal ones), its diagnostics added to ``diags`` again."""


def _date_note(det: DetectedMeta) -> str:
    src = det.source("date")
    where = f" ({src.how}, line {src.span.line})" if src is not None else ""
    return f"Read from the capture{where}: \u201c{det.date_evidence}\u201d"


def make_article(spec: ArticleSpec, ct: CleanedText, mentions: tuple[Mention, ...], diags: Diagnostics) -> Article:
    """An article of the model from its annotation, cleaned text and mentions."""
    det = ct.detected
    meta = {k: v for k, (v, _) in spec.meta.items()}
    date = meta.get("date") or det.date
    date_note = meta.get("date_note") or (_date_note(det) if not meta.get("date") and det.date_evidence else None)
    _warn_doubtful(spec, det, meta, diags)
    if date is None:
        diags.warning(
            spec.span,
            "article-no-date",
            f"the date of article '{spec.slug}' is known nowhere",
            f"add 'date: YYYY-MM-DD' (and 'date_note:' saying how you established it) to {_annotation_name(spec)}",
        )
    article = Article(
        slug=spec.slug,
        page=f"articles/{spec.slug}.md",
        title=meta.get("title") or det.title or spec.slug,
        outlet=meta.get("outlet") or det.outlet,
        date=date,
        date_note=date_note,
        byline=meta.get("byline") or det.byline,
        url=meta.get("url") or det.url,
        origin=meta.get("origin"),
        language=meta.get("language"),
        notes=spec.notes,
        notes_span=spec.notes_span,
        fmt=spec.fmt,
        path=spec.path,
        paragraphs=ct.paragraphs,
        removed=ct.removed,
        detected=det,
        mentions=mentions,
        meta_spans=MappingProxyType({k: s for k, (_, s) in spec.meta.items()}),
        span=spec.span,
        capture_meta=spec.capture_meta + ct.page_meta,
        outlet_kind=meta.get("outlet_kind"),
    )
    if not ct.paragraphs and spec.text.strip():
        diags.warning(
            spec.span,
            "article-no-text",
            f"cleaning left no story text in '{spec.slug}'",
            "check the capture, or keep paragraphs with 'cleaning: {keep: [...]}' in its annotation",
        )
    return article


def _annotation_name(spec: ArticleSpec) -> str:
    """The file name of the capture's annotation (the capture's name with ``.yml``: a capture keeps any name, so
    its slug may differ)."""
    return PurePosixPath(spec.path).with_suffix(".yml").name


_FIELD_WORDS = {"title": "headline", "date": "date", "byline": "byline", "outlet": "outlet", "url": "address"}


def _warn_doubtful(spec: ArticleSpec, det: DetectedMeta, meta: dict, diags: Diagnostics) -> None:
    """A detected value that is a guess, contradicted by another line, or unreadable is a warning at its line,
    unless the annotation sets the field (then the analyst has decided)."""
    for src in det.doubtful():
        if meta.get(src.field):
            continue
        what = _FIELD_WORDS.get(src.field, src.field)
        hint = f"set '{src.field}:' in {_annotation_name(spec)} to confirm (or correct) it"
        if src.value is None:
            diags.warning(
                src.span, "meta-uncertain", f"the {what} of '{spec.slug}' could not be read: {src.doubt}", hint
            )
        elif src.conflict is not None:
            diags.warning(
                src.span,
                "meta-conflict",
                f"the {what} '{src.value}' read from this line ({src.how}) is "
                f"contradicted: {src.doubt} ({src.conflict})",
                hint,
            )
        else:
            diags.warning(
                src.span, "meta-uncertain", f"the {what} '{src.value}' ({src.how}) is {src.doubt or 'a guess'}", hint
            )


def build_model(
    content: Content,
    entities: dict[str, Entity],
    cleaned: dict[str, CleanedText],
    mentions: dict[str, tuple[Mention, ...]],
    diags: Diagnostics,
    memo: ModelMemo | None = None,
) -> Model:
    """``memo``: kept articles and located quotes (the same model with or without it)."""
    config = content.config
    ids = list(entities)

    def check_ref(target: str, span: Span, kind: str | None, what: str) -> bool:
        e = entities.get(target)
        if e is None:
            diags.error(
                span, "unknown-entity", f"{what} refers to unknown entity '{target}'", did_you_mean(target, ids)
            )
            return False
        if kind is not None and e.kind.id != kind:
            diags.error(
                span,
                "wrong-kind",
                f"{what} must refer to {_a(kind)}, but '{target}' is {_a(e.kind.id)}",
                did_you_mean(target, [i for i, x in entities.items() if x.kind.id == kind]),
            )
            return False
        return True

    # articles ------------------------------------------------------------------------------------
    articles: dict[str, Article] = {}
    for spec in content.articles:
        if memo is not None:
            articles[spec.slug] = memo.article(
                spec, cleaned[spec.slug], mentions.get(spec.slug, ()), diags, make_article
            )
        else:
            articles[spec.slug] = make_article(spec, cleaned[spec.slug], mentions.get(spec.slug, ()), diags)
    articles = dict(sorted(articles.items(), key=lambda kv: (kv[1].date or "9999", kv[0])))
    warn_ambiguous(entities, articles, diags)
    slugs = list(articles)
    normalized: dict[str, list[str]] = {}  # per article, computed once: many facts and quotes cite the same one

    def cite(source: str, words: str | None, span: Span, what: str) -> Citation | None:
        art = articles.get(source)
        if art is None:
            diags.error(
                span, "unknown-article", f"{what} cites unknown article '{source}'", did_you_mean(source, slugs)
            )
            return None
        if words is None:
            return Citation(source, None, None)
        if memo is not None:
            number = memo.locate(source, art.paragraphs, words)
        else:
            normal = normalized.get(source)
            if normal is None:
                normal = normalized[source] = [normalize(p.text) for p in art.paragraphs]
            number = locate(art.paragraphs, words, normal)
        if number is None:
            removed = any(normalize(words.strip('"\u201c\u201d')) in normalize(r.text) for r in art.removed)
            close = None if removed else closest_passage(art.paragraphs, words, normalized.get(source))
            hint = (
                "these words are in a part cleaning removed; keep that paragraph with 'cleaning: {keep: [...]}'"
                if removed
                else f"{close.hint()}; copy the words exactly from the article text"
                if close
                else "copy the words exactly from the article text (typographic quotes, dashes, spaces and a final punctuation mark may differ)"
            )
            diags.error(
                span, "quote-not-found", f"{what} not found in article '{source}': \u201c{_short(words)}\u201d", hint
            )
            return None
        return Citation(source, number, words)

    # entity fields → relations --------------------------------------------------------------------
    links: list[Link] = []
    for e in entities.values():
        for fv in e.spec.fields:
            fd = e.kind.field(fv.key)
            if fd is None:
                continue
            value: Any = fv.value  # which of the payloads it is, the field's type says
            if fd.type in ("ref", "refs"):
                targets = (value,) if fd.type == "ref" else value
                for target, span in zip(targets, fv.item_spans or (fv.span,) * len(targets)):
                    if check_ref(target, span, fd.to, f"'{fv.key}' of '{e.spec.id}'"):
                        links.append(
                            Link(
                                e.spec.id,
                                target,
                                fv.key,
                                fd.label,
                                fd.reverse or f"{e.kind.plural} ({fd.label.lower()})",
                            )
                        )
            elif fd.type == "roles":
                for role in value:
                    if role.org and check_ref(role.org, role.span, fd.to, f"role '{role.title}' of '{e.spec.id}'"):
                        links.append(
                            Link(e.spec.id, role.org, fv.key, fd.label, fd.reverse or "People with roles here")
                        )
    links_out: dict[str, list[Link]] = defaultdict(list)
    links_in: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        if link.source == link.target:
            continue
        links_out[link.source].append(link)
        links_in[link.target].append(link)

    # facts and quotes ------------------------------------------------------------------------------
    facts: dict[str, list[Fact]] = defaultdict(list)
    quotes: dict[str, list[Quote]] = defaultdict(list)
    quotes_declared: dict[str, list[Quote]] = defaultdict(list)  # by the entity they are written in, for others
    cited_by: dict[str, set[str]] = defaultdict(set)
    all_fact_specs = [f for e in entities.values() for f in e.spec.facts] + [
        f for a in content.articles for f in a.facts
    ]
    for f in all_fact_specs:
        if not check_ref(f.subject, f.subject_span, None, "fact"):
            continue
        citation = None
        if f.source is not None:
            citation = cite(f.source, f.quote, f.span, "the fact's quote")
            if citation is None:
                continue
            if f.quote is None:
                diags.warning(
                    f.span,
                    "fact-no-quote",
                    f"fact '{f.property}' of '{f.subject}' does not quote its source",
                    "add 'quote:' with the supporting words, so readers reach the exact paragraph",
                )
            cited_by[f.source].add(f.subject)
        date = f.as_of or (articles[f.source].date if f.source else None)
        facts[f.subject].append(Fact(f, citation, date))
    all_quote_specs = [q for e in entities.values() for q in e.spec.quotes] + [
        q for a in content.articles for q in a.quotes
    ]
    for q in all_quote_specs:
        if not check_ref(q.speaker, q.speaker_span, None, "quote"):
            continue
        citation = cite(q.source, q.text, q.span, "quote")
        if citation is None:
            continue
        cited_by[q.source].add(q.speaker)
        quote = Quote(q, citation, q.date or articles[q.source].date)
        quotes[q.speaker].append(quote)
        if q.declared_in is not None and q.declared_in != q.speaker:
            quotes_declared[q.declared_in].append(quote)  # its page shows it too, so it cites the article
            cited_by[q.source].add(q.declared_in)

    # packs -------------------------------------------------------------------------------------
    for pack in config.packs:
        for eid, span in pack.entities:
            check_ref(eid, span, None, f"pack '{pack.id}'")

    # mentions by entity (built once: the "Mentioned in" of every page reads this) ------------------
    by_entity: dict[str, list[Mention]] = defaultdict(list)
    for art in articles.values():
        for m in art.mentions:
            by_entity[m.entity].append(m)

    # what each article reports (meetings, events), in article order ----------------------------------
    reported_by: dict[str, list[str]] = defaultdict(list)
    reporting: dict[str, list[str]] = {}
    for spec in content.articles:
        for eid, span in spec.reports:
            if check_ref(eid, span, None, f"'reports' of article '{spec.slug}'") and spec.slug in articles:
                reporting.setdefault(spec.slug, []).append(eid)
    for slug in articles:
        for eid in dict.fromkeys(reporting.get(slug, ())):
            reported_by[eid].append(slug)

    order = display_order(entities)
    timeline = build_timeline(entities, facts, reported_by)
    freeze = lambda d: MappingProxyType({k: tuple(v) for k, v in sorted(d.items())})  # noqa: E731
    return Model(
        config=config,
        overview=content.overview,
        overview_path=content.overview_path,
        entities=MappingProxyType(entities),
        articles=MappingProxyType(articles),
        facts=freeze(
            {
                k: sorted(v, key=lambda f: (f.spec.property.casefold(), f.date or "", f.spec.span))
                for k, v in facts.items()
            }
        ),
        quotes=freeze({k: sorted(v, key=quote_order) for k, v in quotes.items()}),
        quotes_declared=freeze({k: sorted(v, key=quote_order) for k, v in quotes_declared.items()}),
        links_out=freeze(links_out),
        links_in=freeze(links_in),
        mentions=freeze(by_entity),
        cited_by=MappingProxyType({k: tuple(sorted(v)) for k, v in sorted(cited_by.items())}),
        timeline=timeline,
        shapes=check_shapes(content.shapes, entities, diags),
        order=MappingProxyType(order),
        adjacent=MappingProxyType(adjacent(order, entities)),
        reported_by=freeze(reported_by),
        reporting=freeze({k: tuple(dict.fromkeys(v)) for k, v in reporting.items()}),
        linked_from=MappingProxyType(
            linked_from(
                entities, content.overview, articles, build_matcher(tuple(e.spec for e in entities.values())), order
            )
        ),
        located=MappingProxyType(located(entities)),
    )


def located(entities: dict[str, Entity]) -> dict[str, tuple[float, float]]:
    """Each entity's coordinates (the first ``coordinates`` field its kind declares and it gives), by id."""
    out = {}
    for eid in sorted(entities):
        e = entities[eid]
        for fd in e.kind.fields:
            fv = e.spec.field(fd.key) if fd.type == "coordinates" else None
            if fv is not None and isinstance(fv.value, tuple):
                out[eid] = (float(fv.value[0]), float(fv.value[1]))
                break
    return out


def check_shapes(
    shapes: tuple[ShapeSpec, ...], entities: dict[str, Entity], diags: Diagnostics
) -> tuple[ShapeSpec, ...]:
    """The shapes whose entity, if they name one, exists (an unknown one is reported at its id)."""
    out = []
    for s in shapes:
        if s.entity is not None and s.entity not in entities:
            diags.error(
                s.entity_span,
                "unknown-entity",
                f"shape names unknown entity '{s.entity}'",
                did_you_mean(s.entity, list(entities)) or "give the id of an entity in content/entities",
            )
            continue
        out.append(s)
    return tuple(out)


def build_timeline(
    entities: dict[str, Entity], facts: dict[str, list[Fact]], reported_by: dict[str, list[str]]
) -> tuple[TimelineEntry, ...]:
    """Entities of timeline kinds at their dates, with the articles that report them (else those their page
    cites); facts at the date of the event they describe (``event_date``), never at their article's date."""
    entries = []
    for e in entities.values():
        if e.date is None:
            continue
        sources = tuple(reported_by.get(e.spec.id, ())) or _cited_in(e)
        entries.append(TimelineEntry(e.date, e.end, e.spec.id, e.spec.name, "entity", None, None, sources))
    for subject, fs in facts.items():
        for f in fs:
            if f.spec.event_date:
                entries.append(
                    TimelineEntry(
                        f.spec.event_date,
                        None,
                        subject,
                        f"{f.spec.property}: {f.spec.value}",
                        "fact",
                        f.citation,
                        f.spec.reference,
                    )
                )
    entries.sort(key=lambda t: (t.date, t.kind != "entity", t.label.casefold(), t.entity or ""))
    return tuple(entries)


def _cited_in(e: Entity) -> tuple[str, ...]:
    """The articles an entity's summary and Markdown fields cite, in order of first citation."""
    texts = [e.spec.summary or ""] + [
        fv.value
        for fv in e.spec.fields
        if isinstance(fv.value, str) and (fd := e.kind.field(fv.key)) is not None and fd.type == "markdown"
    ]
    return tuple(dict.fromkeys(m.group(1) for t in texts for m in CITE_RE.finditer(t)))


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"
