"""What changed between two editions: the difference of their manifests (:mod:`briefgen.model.manifest`).

Records are matched by their stable ids, never by position, so an unchanged briefing gives no change whatever
order things are written in. An entity whose id disappeared while a new id appeared with the same kind, the same
name (case aside) and the same facts (property, value, source) was renamed: it is one rename, and its facts and
quotes are compared under the new id (docs/editions.md, "Renames").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from briefgen.model.changes import (
    AliasChange,
    ArticleRef,
    EditionChanges,
    EntityEdit,
    EntityRef,
    FactChange,
    FactItem,
    FigureMove,
    QuoteItem,
    RemovedEntity,
    Rename,
    RevisedArticle,
    SourceRef,
)
from briefgen.model.manifest import EntityRecord, FactRecord, FieldRecord, Json, Manifest, QuoteRecord, words_digest

# -- figures ---------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])[-+−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,])[-+−]?\d+(?:\.\d+)?(?![\w])")
"""A number in a value: ``20,000``, ``3.5``, ``-12`` (commas only as thousands separators)."""


def _numbers(text: str) -> list[tuple[float, str]]:
    out = []
    for m in _NUMBER.finditer(text):
        out.append((float(m.group().replace(",", "").replace("−", "-")), _NUMBER.sub("#", text)))
    return out


def _fmt(x: float) -> str:
    return f"{int(x):,}" if x == int(x) else f"{x:,.2f}".rstrip("0").rstrip(".")


def figure_delta(old: str, new: str) -> tuple[bool, str | None]:
    """Whether ``old`` → ``new`` is a number that moved (each holds exactly one number, and they differ), and the
    change when the words around the numbers are the same."""
    a, b = _numbers(old), _numbers(new)
    if len(a) != 1 or len(b) != 1 or a[0][0] == b[0][0]:
        return False, None
    (x, words_a), (y, words_b) = a[0], b[0]
    if words_a.casefold() != words_b.casefold():
        return True, None
    d = y - x
    pct = f", {'+' if d > 0 else '−'}{abs(d) / abs(x) * 100:.1f}%" if x else ""
    return True, f"{'+' if d > 0 else '−'}{_fmt(abs(d))}{pct}"


# -- the comparison --------------------------------------------------------------------------------------------


def _fact_signature(facts: list[FactRecord]) -> tuple:
    return tuple(sorted((f.property.casefold(), f.value, f.source or f.reference or "") for f in facts))


def _field_text(f: FieldRecord, names: dict[str, str]) -> str:
    def one(v: Json) -> str:
        if isinstance(v, dict):  # a role
            org = f", {names.get(v.get('org') or '', v.get('org'))}" if v.get("org") else ""
            span = "–".join(x for x in (v.get("start"), v.get("end")) if x)
            return f"{v.get('title', '')}{org}{f' ({span})' if span else ''}"
        if isinstance(v, list):
            return ": ".join(one(x) for x in v)
        if f.type in ("ref", "refs") and isinstance(v, str):
            return names.get(v, v)
        if isinstance(v, float | int) and not isinstance(v, bool):
            return _fmt(float(v))
        return str(v)

    v = f.value
    if f.type == "coordinates" and isinstance(v, list):
        return ", ".join(one(x) for x in v)
    text = "; ".join(one(x) for x in v) if isinstance(v, list) else one(v)
    return f"{text} {f.unit}" if f.unit and f.type == "number" else text


def compare(old: Manifest, new: Manifest) -> EditionChanges:
    """What ``new`` publishes that ``old`` did not, what it changed and what it dropped."""
    old_e = {e.id: e for e in old.entities}
    new_e = {e.id: e for e in new.entities}
    old_a = {a.id: a for a in old.articles}
    new_a = {a.id: a for a in new.articles}

    def eref(eid: str, rec: EntityRecord | None = None) -> EntityRef:
        e = new_e.get(eid)
        if e is not None:
            return EntityRef(e.id, e.name, e.kind_label, e.page)
        gone = rec or old_e.get(eid)
        return EntityRef(eid, gone.name if gone else eid, gone.kind_label if gone else "", None)

    def aref(aid: str) -> ArticleRef:
        a = new_a.get(aid)
        if a is not None:
            return ArticleRef(a.id, a.title, a.outlet, a.date, a.page)
        gone = old_a.get(aid)
        return ArticleRef(
            aid, gone.title if gone else aid, gone.outlet if gone else None, gone.date if gone else None, None
        )

    def sref(source: str | None, paragraph: int | None, reference: str | None, url: str | None) -> SourceRef:
        return SourceRef(aref(source) if source else None, paragraph, reference, url)

    # renames: an old id gone and a new id come, with the same kind, name and facts
    facts_of_old: dict[str, list[FactRecord]] = defaultdict(list)
    for f in old.facts:
        facts_of_old[f.subject].append(f)
    facts_of_new: dict[str, list[FactRecord]] = defaultdict(list)
    for f in new.facts:
        facts_of_new[f.subject].append(f)
    gone = [i for i in old_e if i not in new_e]
    came = [i for i in new_e if i not in old_e]

    def same(o: str, n: str) -> bool:
        a, b = old_e[o], new_e[n]
        return (
            a.kind == b.kind
            and a.name.casefold() == b.name.casefold()
            and _fact_signature(facts_of_old[o]) == _fact_signature(facts_of_new[n])
        )

    renamed: dict[str, str] = {}
    for o in gone:
        matches = [n for n in came if same(o, n)]
        if len(matches) == 1 and [x for x in gone if same(x, matches[0])] == [o]:
            renamed[o] = matches[0]
    gone = [i for i in gone if i not in renamed]
    came = [i for i in came if i not in renamed.values()]
    gone_set = set(gone)

    def now_id(eid: str) -> str:
        return renamed.get(eid, eid)

    # entity details
    names = {e.id: e.name for e in new.entities}
    old_names = {e.id: e.name for e in old.entities}
    edits: list[EntityEdit] = []
    aliases: list[AliasChange] = []
    figures: list[FigureMove] = []
    for oid, a in old_e.items():
        nid = now_id(oid)
        b = new_e.get(nid)
        if b is None:
            continue
        ref = eref(nid)
        if a.name != b.name:
            edits.append(EntityEdit(ref, "Name", a.name, b.name))
        if a.summary != b.summary:
            edits.append(EntityEdit(ref, "Summary", a.summary, b.summary, prose=True))
        # the name is always one of the aliases: a new name is told as the name
        before = Counter(x for x in a.aliases if x != a.name)
        after = Counter(x for x in b.aliases if x != b.name)
        if before != after:
            aliases.append(
                AliasChange(
                    ref,
                    tuple(sorted((after - before).elements(), key=str.casefold)),
                    tuple(sorted((before - after).elements(), key=str.casefold)),
                )
            )
        fa = {f.key: f for f in a.fields}
        fb = {f.key: f for f in b.fields}
        for key in [f.key for f in b.fields] + [k for k in fa if k not in fb]:
            x, y = fa.get(key), fb.get(key)
            if (
                x is not None
                and y is not None
                and (_renamed_value(x.value, renamed) if x.type in _REFS else x.value) == y.value
            ):
                continue
            label = (y or x).label  # type: ignore[union-attr]
            if x is not None and y is not None and y.type == "number" and x.type == "number":
                xt, yt = _field_text(x, old_names), _field_text(y, names)
                figures.append(FigureMove(ref, label, xt, yt, figure_delta(xt, yt)[1], None, None))
                continue
            edits.append(
                EntityEdit(
                    ref,
                    label,
                    _field_text(x, old_names) if x else None,
                    _field_text(y, names) if y else None,
                    prose=(y or x).type == "markdown",  # type: ignore[union-attr]
                )
            )

    # facts: matched by (subject, property, source), then by (subject, property)
    def fitem(f: FactRecord, subject: str) -> FactItem:
        return FactItem(
            f.id, eref(subject), f.property, f.value, f.as_of, sref(f.source, f.paragraph, f.reference, f.reference_url)
        )

    def fkey(f: FactRecord, subject: str) -> tuple:
        return (subject, f.property.casefold(), f.source or f.reference or "")

    old_facts = [(fkey(f, now_id(f.subject)), f) for f in old.facts if f.subject not in gone_set]
    new_facts = [(fkey(f, f.subject), f) for f in new.facts]
    # the same value first: repeats of a key trade ids when they are written in another order
    _, old_left, new_left = _pair(old_facts, new_facts, lambda k, f: (k, f.value, f.as_of))
    pairs, old_left, new_left = _pair(old_left, new_left, lambda k, f: k)
    more, old_left, new_left = _pair(old_left, new_left, lambda k, f: k[:2])
    facts_changed: list[FactChange] = []
    for of, nf in pairs + more:
        if (of.value, of.as_of, of.source, of.reference) == (nf.value, nf.as_of, nf.source, nf.reference):
            continue
        moved, delta = figure_delta(of.value, nf.value)
        old_item, new_item = fitem(of, now_id(of.subject)), fitem(nf, nf.subject)
        if moved:
            figures.append(
                FigureMove(new_item.subject, nf.property, of.value, nf.value, delta, old_item.source, new_item.source)
            )
        else:
            facts_changed.append(FactChange(old_item, new_item))
    facts_added = [fitem(f, f.subject) for _, f in new_left]
    facts_removed = [fitem(f, now_id(f.subject)) for _, f in old_left]

    # quotes: matched by speaker, source and words
    def qitem(q: QuoteRecord, speaker: str) -> QuoteItem:
        return QuoteItem(q.id, eref(speaker), q.text, q.date, sref(q.source, q.paragraph, None, None))

    def qkey(q: QuoteRecord, speaker: str) -> tuple:
        return (speaker, q.source, words_digest(q.text))

    _, q_old, q_new = _pair(
        [(qkey(q, now_id(q.speaker)), q) for q in old.quotes if q.speaker not in gone_set],
        [(qkey(q, q.speaker), q) for q in new.quotes],
        lambda k, q: k,
    )
    quotes_added = [qitem(q, q.speaker) for _, q in q_new]
    quotes_removed = [qitem(q, now_id(q.speaker)) for _, q in q_old]

    # articles
    revised = []
    for aid, na in new_a.items():
        oa = old_a.get(aid)
        if oa is None:
            continue
        was = Counter(oa.paragraphs)
        fresh = [i for i, h in enumerate(na.paragraphs, 1) if not _take(was, h)]
        dropped = max(0, sum(was.values()) - len(fresh))  # a changed paragraph is not also a dropped one
        if fresh or dropped or oa.title != na.title or oa.date != na.date:
            revised.append(
                RevisedArticle(
                    aref(aid),
                    oa.title if oa.title != na.title else None,
                    tuple(fresh),
                    dropped,
                    (oa.date or "") if oa.date != na.date else None,
                )
            )

    def by_name(r: EntityRef) -> tuple:
        return (r.name.casefold(), r.id)

    def by_date(r: ArticleRef) -> tuple:
        return (r.date or "", r.id)

    removed_entities = [
        RemovedEntity(eref(i), len(facts_of_old[i]), sum(1 for q in old.quotes if q.speaker == i)) for i in gone
    ]
    return EditionChanges(
        since=None if old.edition is None else str(old.edition),
        since_number=isinstance(old.edition, int),
        since_date=old.edition_date or old.as_of,
        new_articles=tuple(sorted((aref(i) for i in new_a if i not in old_a), key=by_date)),
        removed_articles=tuple(sorted((aref(i) for i in old_a if i not in new_a), key=by_date)),
        revised_articles=tuple(sorted(revised, key=lambda r: by_date(r.article))),
        new_entities=tuple(sorted((eref(i) for i in came), key=by_name)),
        removed_entities=tuple(sorted(removed_entities, key=lambda r: by_name(r.entity))),
        renamed=tuple(sorted((Rename(o, eref(n)) for o, n in renamed.items()), key=lambda r: by_name(r.entity))),
        edits=tuple(sorted(edits, key=lambda x: (*by_name(x.entity), x.what != "Name", x.what))),
        aliases=tuple(sorted(aliases, key=lambda x: by_name(x.entity))),
        facts_added=tuple(sorted(facts_added, key=_fact_order)),
        facts_changed=tuple(sorted(facts_changed, key=lambda c: _fact_order(c.new))),
        facts_removed=tuple(sorted(facts_removed, key=_fact_order)),
        figures=tuple(sorted(figures, key=lambda x: (*by_name(x.entity), x.label.casefold()))),
        quotes_added=tuple(sorted(quotes_added, key=_quote_order)),
        quotes_removed=tuple(sorted(quotes_removed, key=_quote_order)),
    )


def _fact_order(f: FactItem) -> tuple:
    return (f.subject.name.casefold(), f.subject.id, f.property.casefold(), f.id)


def _quote_order(q: QuoteItem) -> tuple:
    return (q.speaker.name.casefold(), q.speaker.id, q.date or "", q.id)


def _take(counts: Counter, h: str) -> bool:
    if counts[h] > 0:
        counts[h] -= 1
        return True
    return False


def _pair(old: list, new: list, key) -> tuple[list, list, list]:
    """Pairs (old record, new record) of equal ``key(k, record)``, in id order within a key; and the unpaired of
    each side, as (k, record) lists."""
    waiting: dict[tuple, list] = defaultdict(list)
    for k, r in sorted(new, key=lambda kr: kr[1].id):
        waiting[key(k, r)].append((k, r))
    pairs, old_left = [], []
    for k, r in sorted(old, key=lambda kr: kr[1].id):
        got = waiting.get(key(k, r))
        if got:
            pairs.append((r, got.pop(0)[1]))
        else:
            old_left.append((k, r))
    new_left = [kr for items in waiting.values() for kr in items]
    return pairs, old_left, new_left


_REFS = ("ref", "refs", "roles")
"""Field types whose values name entities."""


def _renamed_value(value: Json, renamed: dict[str, str]) -> Json:
    """A field value with renamed ids replaced by their new ids (a ref to a renamed entity is unchanged)."""
    if not renamed:
        return value
    if isinstance(value, str):
        return renamed.get(value, value)
    if isinstance(value, list):
        return [_renamed_value(v, renamed) for v in value]
    if isinstance(value, dict):
        return {k: _renamed_value(v, renamed) if k == "org" else v for k, v in value.items()}
    return value
