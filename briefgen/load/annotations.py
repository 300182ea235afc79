"""Readers turning located YAML into the typed annotation data of :mod:`briefgen.load.types`."""

from __future__ import annotations

import re

from briefgen.diagnostics import Diagnostics, Span, did_you_mean
from briefgen.load import tables
from briefgen.load.read import Reader, node_span, text_span
from briefgen.load.types import (
    FIELD_TYPES,
    Alias,
    BriefingConfig,
    CaseRule,
    CleaningOverrides,
    DifferencesConfig,
    EntitySpec,
    FactSpec,
    FieldDef,
    FieldValue,
    FigureSwitches,
    KindDef,
    PackDef,
    QuoteSpec,
    Reference,
    Role,
)
from briefgen.load.yamlsafe import YMap, YNode, YScalar
from briefgen.slug import is_valid_id, slugify

RESERVED_FOLDERS = {"articles", "timeline", "sources", "assets", "search", "index", "pdf", "404"}
"""Output names briefgen uses itself: a kind's plural may not slug to one of them."""


def _case(value: str | None, default: CaseRule) -> CaseRule:
    """A case rule read from YAML (already checked to be one of the rules), or ``default``."""
    return "ignore" if value == "ignore" else "exact" if value == "exact" else default


def read_briefing(node: YNode | None, path: str, diags: Diagnostics) -> BriefingConfig | None:
    r = Reader(diags)
    file_span = Span(path)
    if node is None:
        diags.error(
            file_span,
            "briefing-empty",
            "briefing.yml is empty",
            "give at least title:, as_of: and kinds: (see docs/content-format.md)",
        )
        return None
    m = r.mapping(node, tables.BRIEFING)
    if m is None:
        return None
    kinds: list[KindDef] = []
    kinds_node = m.get("kinds")
    if isinstance(kinds_node, YMap):
        for key, value in kinds_node.items:
            kind = _read_kind(r, key, value, diags)
            if kind:
                kinds.append(kind)
        if not kinds_node.items:
            diags.error(
                kinds_node.span, "no-kinds", "no entity kinds are declared", "declare at least one kind under 'kinds:'"
            )
    elif kinds_node is not None:
        diags.error(
            kinds_node.span,
            "type",
            "'kinds' must be a mapping of kind id → kind",
            "write e.g. 'kinds:' then '  actor: {label: Actor, plural: Actors}'",
        )
    seen_slugs: dict[str, KindDef] = {}
    for kind in kinds:
        if kind.slug in seen_slugs:
            diags.error(
                kind.span,
                "kind-slug-collision",
                f"kinds '{seen_slugs[kind.slug].id}' and '{kind.id}' would both be written to '{kind.slug}/'",
                "give them different 'plural:' names",
            )
        seen_slugs[kind.slug] = kind
    kind_ids = [k.id for k in kinds]
    for kind in kinds:
        for f in kind.fields:
            if f.to is not None and f.to not in kind_ids:
                diags.error(
                    f.span,
                    "unknown-kind",
                    f"field '{f.key}' of kind '{kind.id}' refers to unknown kind '{f.to}'",
                    did_you_mean(f.to, kind_ids),
                )
    packs = []
    packs_node = m.get("packs")
    if isinstance(packs_node, YMap):
        for key, value in packs_node.items:
            pm = r.mapping(value, tables.PACK)
            if pm is None:
                continue
            if not is_valid_id(key.value):
                diags.error(
                    key.span, "bad-id", f"pack id '{key.value}' is not valid", f"use e.g. '{slugify(key.value)}'"
                )
                continue
            ents = tuple((i, n.span) for n in r.seq(pm.get("entities"), "entities") if (i := r.id(n, "entities")))
            packs.append(PackDef(key.value, r.text(pm.get("title"), "title") or key.value, ents, key.span))
    elif packs_node is not None:
        r.mapping(packs_node, tables.PACK)
    title = r.text(m.get("title"), "title")
    as_of = r.date(m.get("as_of"), "as_of", partial=False)
    if title is None or as_of is None:
        return None
    return BriefingConfig(
        title=title,
        subtitle=r.text(m.get("subtitle"), "subtitle"),
        as_of=as_of,
        marking=r.text(m.get("marking"), "marking"),
        language=r.text(m.get("language"), "language") or "en",
        authors=r.texts(m.get("authors"), "authors"),
        site_url=r.url(m.get("site_url"), "site_url"),
        case=_case(r.choice(m.get("case"), "case", ("exact", "ignore")), "exact"),
        kinds=tuple(kinds),
        packs=tuple(packs),
        pdf=bool(r.boolean(m.get("pdf"), "pdf")),
        span=file_span,
        edition=_edition(r, m.get("edition")),
        edition_date=r.date(m.get("edition_date"), "edition_date", partial=False),
        figures=read_figures(r, m.get("figures")),
        differences=_differences(r, m.get("differences")),
    )


def _edition(r: Reader, node: YNode | None) -> int | str | None:
    """``edition:``: a whole number written plainly (``5``) is the edition's number; anything else its name."""
    value = r.text(node, "edition")
    if value is None or node is None:
        return None
    if isinstance(node, YScalar) and not node.quoted and value.isdigit():
        if int(value) < 1:
            r.diags.error(
                node.span,
                "bad-edition",
                f"edition number {value} is not 1 or more",
                "number editions from 1 (or give the edition a name, e.g. 'edition: Spring 2027')",
            )
            return None
        return int(value)
    return value


_WINDOW_UNITS = {"y": 365, "m": 30, "d": 1}


def _differences(r: Reader, node: YNode | None) -> DifferencesConfig:
    """``differences: {window: 5y, tolerance: 2%}``; a bad value is reported and the default kept."""
    m = r.mapping(node, tables.DIFFERENCES)
    if not m:
        return DifferencesConfig()
    assert node is not None  # a mapping was read from it
    window, tolerance = DifferencesConfig.window_days, DifferencesConfig.tolerance
    text = r.text(m.get("window"), "window")
    if text is not None:
        got = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([ymd]?)", text.strip().lower())
        if got:
            window = round(float(got[1]) * _WINDOW_UNITS[got[2] or "y"])
        else:
            r.diags.error(
                m["window"].span,
                "bad-value",
                f"'{text}' is not a time window for 'window'",
                "write a number of years, months or days: 5y, 18m, 90d",
            )
    text = r.text(m.get("tolerance"), "tolerance")
    if text is not None:
        got = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(%?)", text.strip())
        if got and float(got[1]) <= 100:
            tolerance = float(got[1]) / 100
        else:
            r.diags.error(
                m["tolerance"].span,
                "bad-value",
                f"'{text}' is not a tolerance for 'tolerance'",
                "write a percentage such as 2% (0% compares approximate figures exactly)",
            )
    return DifferencesConfig(window, tolerance, node.span)


def _read_kind(r: Reader, key: YScalar, node: YNode, diags: Diagnostics) -> KindDef | None:
    if not is_valid_id(key.value):
        diags.error(
            key.span,
            "bad-id",
            f"kind id '{key.value}' is not valid",
            f"kind ids use a-z, 0-9 and dashes, e.g. '{slugify(key.value)}'",
        )
        return None
    m = r.mapping(node, tables.KIND)
    if m is None:
        return None
    label = r.text(m.get("label"), "label")
    plural = r.text(m.get("plural"), "plural")
    if not label or not plural:
        return None
    slug = slugify(plural)
    if slug in RESERVED_FOLDERS:
        diags.error(
            node_span(m.get("plural"), key.span),
            "kind-slug-reserved",
            f"kind '{key.value}' would be written to '{slug}/', which briefgen uses itself",
            "choose another 'plural:'",
        )
    fields = []
    fields_node = m.get("fields")
    if isinstance(fields_node, YMap):
        for fkey, fnode in fields_node.items:
            fd = _read_field(r, fkey, fnode, diags)
            if fd:
                fields.append(fd)
    elif fields_node is not None:
        diags.error(
            fields_node.span,
            "type",
            "'fields' must be a mapping of field key → definition",
            "write e.g. 'fields:' then '  date: {type: dates}'",
        )
    timeline = r.text(m.get("timeline"), "timeline")
    if timeline is not None:
        target = next((f for f in fields if f.key == timeline), None)
        if target is None or target.type not in ("date", "dates"):
            diags.error(
                m["timeline"].span,
                "bad-timeline",
                f"'timeline: {timeline}' must name a date or dates field of kind '{key.value}'",
                did_you_mean(timeline, [f.key for f in fields if f.type in ("date", "dates")]),
            )
            timeline = None
    sort = r.choice(m.get("sort"), "sort", ("name", "family-name")) or "name"
    group_by = r.text(m.get("group_by"), "group_by")
    if group_by is not None:
        target = next((f for f in fields if f.key == group_by), None)
        if target is None or target.type not in ("text", "ref"):
            diags.error(
                m["group_by"].span,
                "bad-group-by",
                f"'group_by: {group_by}' must name a text or ref field of kind '{key.value}'",
                did_you_mean(group_by, [f.key for f in fields if f.type in ("text", "ref")]),
            )
            group_by = None
    return KindDef(
        key.value,
        label,
        plural,
        slug,
        r.text(m.get("icon"), "icon"),
        timeline,
        tuple(fields),
        key.span,
        read_figures(r, m.get("figures")),
        sort,
        group_by,
    )


def read_figures(r: Reader, node: YNode | None) -> FigureSwitches:
    """``figures:`` — each kind of figure on (default) or off."""
    if node is None:
        return FigureSwitches()
    m = r.mapping(node, tables.FIGURES)
    if m is None:
        return FigureSwitches()
    return FigureSwitches(**{k: v for k in tables.FIGURES.names() if (v := r.boolean(m.get(k), k)) is not None})


_BASE_ENTITY_KEYS = set(tables.ENTITY.names())


def _read_field(r: Reader, key: YScalar, node: YNode, diags: Diagnostics) -> FieldDef | None:
    if not is_valid_id(key.value.replace("_", "-")):
        diags.error(
            key.span, "bad-id", f"field key '{key.value}' is not valid", "use lower-case letters, digits, '-' or '_'"
        )
        return None
    if key.value in _BASE_ENTITY_KEYS:
        diags.error(
            key.span,
            "field-reserved",
            f"field key '{key.value}' is a built-in entity key",
            "choose another name for the field",
        )
        return None
    m = r.mapping(node, tables.FIELD)
    if m is None:
        return None
    ftype = r.choice(m.get("type"), "type", FIELD_TYPES)
    if ftype is None:
        return None
    to = r.id(m.get("to"), "to")
    reverse = r.text(m.get("reverse"), "reverse")
    if (to or reverse) and ftype not in ("ref", "refs", "roles"):
        diags.error(
            node.span,
            "bad-field",
            f"'to'/'reverse' only apply to ref, refs and roles fields, not {ftype}",
            "remove them or change the type",
        )
    label = r.text(m.get("label"), "label") or key.value.replace("_", " ").replace("-", " ").capitalize()
    return FieldDef(
        key.value,
        ftype,
        label,
        bool(r.boolean(m.get("required"), "required")),
        to,
        reverse,
        r.text(m.get("unit"), "unit"),
        key.span,
    )


# -- entities -------------------------------------------------------------------------------------


def read_entities(node: YNode | None, path: str, config: BriefingConfig | None, diags: Diagnostics) -> list[EntitySpec]:
    r = Reader(diags)
    if node is None:
        return []
    items = r.seq(node, "entities", single_ok=False) if not isinstance(node, YMap) else (node,)
    out = []
    for item in items:
        e = _read_entity(r, item, config, diags)
        if e:
            out.append(e)
    return out


def _read_entity(r: Reader, node: YNode, config: BriefingConfig | None, diags: Diagnostics) -> EntitySpec | None:
    kind_def = None
    kind_id = None
    extra: tuple[str, ...] = ()
    if isinstance(node, YMap):
        kind_node = node.get("kind")
        kind_id = r.id(kind_node, "kind")
        if kind_id is not None and config is not None:
            kind_def = config.kind(kind_id)
            if kind_def is None:
                assert kind_node is not None  # the id was read from it
                diags.error(
                    kind_node.span,
                    "unknown-kind",
                    f"unknown kind '{kind_id}'",
                    did_you_mean(kind_id, [k.id for k in config.kinds]),
                )
            else:
                extra = tuple(f.key for f in kind_def.fields)
        elif kind_id is not None:
            extra = tuple(k.value for k, _ in node.items)  # no config: accept fields, check later runs
    m = r.mapping(node, tables.ENTITY, extra)
    if m is None:
        return None
    eid = r.id(m.get("id"), "id")
    name = r.text(m.get("name"), "name")
    if eid is None or name is None or kind_id is None:
        return None
    default_case: CaseRule = config.case if config else "exact"
    aliases = [Alias(name, default_case, False, m["name"].span)]
    for a in r.seq(m.get("aliases"), "aliases"):
        alias = _read_alias(r, a, default_case)
        if alias and alias.text not in [x.text for x in aliases]:
            aliases.append(alias)
    fields = []
    if kind_def is not None:
        for fd in kind_def.fields:
            fnode = m.get(fd.key)
            if fnode is None or (isinstance(fnode, YScalar) and fnode.is_null):
                if fd.required:
                    r.diags.error(
                        node.span,
                        "missing-key",
                        f"{kind_def.label.lower()} '{eid}' has no '{fd.key}'",
                        f"add '{fd.key}:' ({fd.label}, type {fd.type})",
                    )
                continue
            fv = _read_field_value(r, fd, fnode)
            if fv is not None:
                fields.append(fv)
    facts = tuple(
        f
        for n in r.seq(m.get("facts"), "facts", single_ok=False)
        if (f := read_fact(r, n, subject=(eid, node.span), source=None))
    )
    quotes = tuple(
        q
        for n in r.seq(m.get("quotes"), "quotes", single_ok=False)
        if (q := read_quote(r, n, speaker=(eid, node.span), source=None, declared_in=eid))
    )
    summary_node = m.get("summary")
    return EntitySpec(
        id=eid,
        kind=kind_id,
        name=name,
        aliases=tuple(aliases),
        summary=r.text(summary_node, "summary", multiline=True),
        summary_span=text_span(summary_node) if summary_node is not None else None,
        fields=tuple(fields),
        facts=facts,
        quotes=quotes,
        span=node.span,
        sort_name=r.text(m.get("sort_name"), "sort_name"),
    )


def _read_alias(r: Reader, node: YNode, default_case: CaseRule) -> Alias | None:
    if isinstance(node, YMap):
        m = r.mapping(node, tables.ALIAS)
        if m is None:
            return None
        text = r.text(m.get("text"), "text")
        if not text:
            return None
        case = _case(r.choice(m.get("case"), "case", ("exact", "ignore")), default_case)
        return Alias(text, case, bool(r.boolean(m.get("ambiguous"), "ambiguous")), node.span)
    text = r.text(node, "aliases")
    if not text:
        return None
    return Alias(text, default_case, False, node.span)


def _read_field_value(r: Reader, fd: FieldDef, node: YNode) -> FieldValue | None:
    t = fd.type
    v: str | float | None
    if t == "text":
        v = r.text(node, fd.key)
    elif t == "markdown":
        v = r.text(node, fd.key, multiline=True)
        return FieldValue(fd.key, v, text_span(node)) if v is not None else None
    elif t == "url":
        v = r.url(node, fd.key)
    elif t == "number":
        v = r.number(node, fd.key)
    elif t == "date":
        v = r.date(node, fd.key)
    elif t == "ref":
        v = r.id(node, fd.key)
        return FieldValue(fd.key, v, node.span, (node.span,)) if v else None
    elif t in ("dates", "refs"):
        items = r.seq(node, fd.key)
        vals, spans = [], []
        for item in items:
            x = r.date(item, fd.key) if t == "dates" else r.id(item, fd.key)
            if x is not None:
                vals.append(x)
                spans.append(item.span)
        if t == "dates":
            order = sorted(range(len(vals)), key=lambda i: vals[i])
            vals, spans = [vals[i] for i in order], [spans[i] for i in order]
        return FieldValue(fd.key, tuple(vals), node.span, tuple(spans)) if vals else None
    elif t == "roles":
        roles = []
        for item in r.seq(node, fd.key, single_ok=False):
            rm = r.mapping(item, tables.ROLE)
            if rm is None:
                continue
            title = r.text(rm.get("title"), "title")
            if title:
                roles.append(
                    Role(
                        title,
                        r.id(rm.get("org"), "org"),
                        r.date(rm.get("from"), "from"),
                        r.date(rm.get("to"), "to"),
                        r.text(rm.get("side"), "side"),
                        item.span,
                    )
                )
        return FieldValue(fd.key, tuple(roles), node.span, tuple(x.span for x in roles)) if roles else None
    elif t == "names":
        if not isinstance(node, YMap):
            r.diags.error(
                node.span,
                "type",
                f"'{fd.key}' must map each side to a name",
                "write e.g. '{Russia: Iturup, Japan: Etorofu}'",
            )
            return None
        pairs = tuple((k.value, v) for k, n in node.items if (v := r.text(n, fd.key)))
        return FieldValue(fd.key, pairs, node.span) if pairs else None
    elif t == "coordinates":
        items = r.seq(node, fd.key, single_ok=False)
        nums = [r.number(i, fd.key) for i in items]
        lat, lon = nums if len(nums) == 2 else (None, None)
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            r.diags.error(
                node.span,
                "bad-coordinates",
                f"'{fd.key}' must be [latitude, longitude] in degrees",
                "write e.g. [45.0, 147.7] (latitude −90..90, longitude −180..180)",
            )
            return None
        return FieldValue(fd.key, (lat, lon), node.span)
    else:  # pragma: no cover - FIELD_TYPES is closed
        return None
    return FieldValue(fd.key, v, node.span) if v is not None else None


# -- facts and quotes -----------------------------------------------------------------------------


def _source(r: Reader, m: dict, implied: str | None, what: str) -> str | None:
    """The article a fact/quote comes from: implied inside an article annotation, else its 'source:'."""
    node = m.get("source")
    if node is None:
        return implied
    if implied is not None:
        r.diags.error(
            node.span,
            f"{what}-source-implied",
            f"{what}s in an article annotation come from that article",
            "remove 'source:'",
        )
        return implied
    return r.id(node, "source")


def read_fact(r: Reader, node: YNode, subject: tuple[str, Span] | None, source: str | None) -> FactSpec | None:
    """A fact; inside an entity the subject is implied, inside an article annotation the source is."""
    m = r.mapping(node, tables.FACT)
    if m is None:
        return None
    subj, subj_span = subject if subject else (None, node.span)
    if m.get("subject") is not None:
        if subject is not None:
            r.diags.error(
                m["subject"].span,
                "fact-subject-implied",
                "a fact inside an entity is about that entity",
                "remove 'subject:' or move the fact to the subject's entity",
            )
        else:
            subj, subj_span = r.id(m["subject"], "subject"), m["subject"].span
    elif subject is None:
        r.diags.error(
            node.span,
            "missing-key",
            "fact has no 'subject'",
            "add 'subject:' with the id of the entity the fact is about",
        )
    src = _source(r, m, source, "fact")
    ref = None
    if m.get("reference") is not None:
        rm = r.mapping(m["reference"], tables.REFERENCE)
        if rm is not None and (title := r.text(rm.get("title"), "title")):
            ref = Reference(title, r.url(rm.get("url"), "url"))
    has_source_key = src is not None
    if has_source_key and ref is not None and source is None:
        r.diags.error(
            node.span,
            "fact-two-sources",
            "a fact has either 'source:' (an article) or 'reference:', not both",
            "split it into two facts, one per source",
        )
    if not has_source_key and ref is None:
        r.diags.error(
            node.span,
            "fact-no-source",
            "fact names no source",
            "add 'source:' with an article slug (and 'quote:'), or 'reference:' for general knowledge",
        )
        return None
    if ref is not None and source is not None:
        src = None  # a reference fact inside an article annotation: general knowledge, not from the article
    quote = r.text(m.get("quote"), "quote")
    if quote is not None and src is None:
        r.diags.error(
            m["quote"].span,
            "fact-quote-without-source",
            "'quote:' needs an article 'source:'",
            "remove 'quote:' or give the article it comes from",
        )
    prop = r.text(m.get("property"), "property")
    value = r.text(m.get("value"), "value")
    if subj is None or prop is None or value is None:
        return None
    return FactSpec(
        subj,
        subj_span,
        prop,
        value,
        r.date(m.get("as_of"), "as_of"),
        src,
        quote,
        ref,
        node.span,
        measure=r.text(m.get("measure"), "measure"),
        event_date=r.date(m.get("event_date"), "event_date"),
    )


def read_quote(
    r: Reader, node: YNode, speaker: tuple[str, Span] | None, source: str | None, declared_in: str | None = None
) -> QuoteSpec | None:
    """A quote; inside an entity (``declared_in``) the speaker defaults to it, inside an article annotation the
    source is implied."""
    m = r.mapping(node, tables.QUOTE)
    if m is None:
        return None
    spk, spk_span = speaker if speaker else (None, node.span)
    if m.get("speaker") is not None:  # inside an entity the speaker defaults to it, e.g. a meeting names who spoke
        spk, spk_span = r.id(m["speaker"], "speaker"), m["speaker"].span
    elif speaker is None:
        r.diags.error(node.span, "missing-key", "quote has no 'speaker'", "add 'speaker:' with the speaker's entity id")
    src = _source(r, m, source, "quote")
    if m.get("source") is None and source is None:
        r.diags.error(
            node.span,
            "missing-key",
            "quote has no 'source'",
            "add 'source:' with the slug of the article it comes from",
        )
    text = r.text(m.get("text"), "text")
    if spk is None or src is None or text is None:
        return None
    return QuoteSpec(
        spk,
        spk_span,
        text,
        src,
        r.date(m.get("date"), "date"),
        r.text(m.get("context"), "context"),
        declared_in,
        node.span,
    )


def read_overrides(r: Reader, node: YNode | None) -> CleaningOverrides:
    m = r.mapping(node, tables.CLEANING)
    if not m:
        return CleaningOverrides()

    def items(key: str) -> tuple[tuple[str, Span], ...]:
        return tuple((t, n.span) for n in r.seq(m.get(key), key) if (t := r.text(n, key)))

    return CleaningOverrides(keep=items("keep"), remove=items("remove"))
