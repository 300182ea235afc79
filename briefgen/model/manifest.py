"""The edition manifest: what one build published, as versioned JSON (``site/edition.json``).

It is the contract between editions (docs/editions.md, schema in docs/edition.schema.json): the next edition reads
it to say what is new (:mod:`briefgen.model.edition`). Every record has a stable id, lists are sorted by id and
the JSON is written the same way every time, so an unchanged briefing writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostics, Span
from briefgen.load.types import FieldPayload, Role
from briefgen.model.types import Model
from briefgen.slug import slugify

FORMAT = "briefgen-edition"
"""The manifest's ``format``: what the file is."""
VERSION = 1
"""The manifest version this briefgen writes. A manifest of another version is read (older ones, upgraded by
:data:`UPGRADES`) or refused with a located error (newer or unknown ones)."""
UPGRADES: dict[int, Any] = {}
"""Version → a function turning a manifest's JSON of that version into the next version's. Version 1 is the first,
so there is none yet; a version 2 adds ``{1: upgrade_1_to_2}`` and older sites stay comparable."""
MANIFEST = "edition.json"
"""The manifest's file name in the site."""
SINCE = "edition-since.json"
"""The manifest this build was compared with, kept in the site so that building the same edition again compares
with the same base (see :func:`base_for`)."""

Json = Any
"""A JSON value as :func:`json.loads` returns it."""


@dataclass(frozen=True)
class FieldRecord:
    """One kind field an entity gives."""

    key: str
    """Field key."""
    label: str
    """Its label."""
    type: str
    """Its type (``text``, ``number``, ``refs``…)."""
    unit: str | None
    """For ``number``: the unit."""
    value: Json
    """The value as JSON: text, number, list of texts or ids, list of role objects, list of [language, name]
    pairs, [latitude, longitude]."""


@dataclass(frozen=True)
class EntityRecord:
    """An entity as published."""

    id: str
    """Entity id (stable: it is the page's name)."""
    kind: str
    """Kind id."""
    kind_label: str
    """The kind's singular label."""
    name: str
    """Display name."""
    page: str
    """Its page, e.g. ``actors/lavrov.md``."""
    aliases: tuple[str, ...]
    """The names it is found under, as written."""
    summary: str | None
    """Markdown summary."""
    fields: tuple[FieldRecord, ...]
    """Kind fields, in the kind's order."""


@dataclass(frozen=True)
class FactRecord:
    """A fact as published."""

    id: str
    """``subject/property/source``, see :func:`fact_ids`."""
    subject: str
    """Entity id."""
    property: str
    """What the fact is about."""
    value: str
    """The value as the source puts it."""
    as_of: str | None
    """The date the value holds for."""
    source: str | None
    """Article id of the source; None for general knowledge."""
    paragraph: int | None
    """Paragraph of the source that supports it."""
    quote: str | None
    """The supporting words."""
    reference: str | None
    """Title of the outside reference (general knowledge)."""
    reference_url: str | None
    """Its address."""


@dataclass(frozen=True)
class QuoteRecord:
    """A quote as published."""

    id: str
    """``speaker/source/digest of the words``, see :func:`quote_ids`."""
    speaker: str
    """Entity id of the speaker."""
    text: str
    """The words."""
    source: str
    """Article id."""
    paragraph: int | None
    """Where in the source."""
    date: str | None
    """When it was said."""
    context: str | None
    """Short context."""


@dataclass(frozen=True)
class ArticleRecord:
    """A source article as published."""

    id: str
    """Article slug (stable: it is the page's name)."""
    title: str
    """Headline."""
    outlet: str | None
    """Publication."""
    date: str | None
    """Publication date."""
    page: str
    """Its page, e.g. ``articles/2019-12-20-afp.md``."""
    url: str | None
    """Where it was captured from."""
    paragraphs: tuple[str, ...]
    """A digest of each paragraph's text, in order (:func:`paragraph_hash`)."""


@dataclass(frozen=True)
class Manifest:
    """Everything an edition published that a reader could see change."""

    title: str
    """Briefing title."""
    edition: int | str | None
    """Edition number or name; None: not numbered."""
    edition_date: str | None
    """When the edition was issued (``edition_date``, else ``as_of``)."""
    as_of: str
    """The date the briefing speaks for."""
    entities: tuple[EntityRecord, ...]
    """By id."""
    facts: tuple[FactRecord, ...]
    """By id."""
    quotes: tuple[QuoteRecord, ...]
    """By id."""
    articles: tuple[ArticleRecord, ...]
    """By id."""


def paragraph_hash(text: str) -> str:
    """The digest a manifest keeps of a paragraph: 16 hex digits of the SHA-256 of its text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _number(x: float) -> int | float:
    return int(x) if x == int(x) else x


def _field_json(value: FieldPayload) -> Json:
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, tuple):
        return [
            _field_json(v)
            if not isinstance(v, Role)
            else {"title": v.title, "org": v.org, "start": v.start, "end": v.end, "side": v.side}
            for v in value
        ]
    return value


def _unique(keys: list[str]) -> list[str]:
    """Keys made unique in order: the second ``k`` is ``k~2``, and so on."""
    seen: Counter[str] = Counter()
    out = []
    for k in keys:
        seen[k] += 1
        out.append(k if seen[k] == 1 else f"{k}~{seen[k]}")
    return out


def words_digest(text: str) -> str:
    """8 hex digits naming a quote's words (spacing and case aside)."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()[:8]


def manifest_of(model: Model) -> Manifest:
    """The manifest of what a build of ``model`` publishes."""
    c = model.config
    entities = []
    for e in model.entities.values():
        fields = []
        for fd in e.kind.fields:
            fv = e.spec.field(fd.key)
            if fv is not None:
                fields.append(FieldRecord(fd.key, fd.label, fd.type, fd.unit, _field_json(fv.value)))
        entities.append(
            EntityRecord(
                e.spec.id,
                e.kind.id,
                e.kind.label,
                e.spec.name,
                e.page,
                tuple(a.text for a in e.spec.aliases),
                e.spec.summary,
                tuple(fields),
            )
        )
    facts = []
    for subject, fs in model.facts.items():
        keys = []
        for f in fs:
            src = f.spec.source or (f"ref-{slugify(f.spec.reference.title)}" if f.spec.reference else "general")
            keys.append(f"{subject}/{slugify(f.spec.property)}/{src}")
        for key, f in zip(_unique(keys), fs, strict=True):
            ref = f.spec.reference
            facts.append(
                FactRecord(
                    key,
                    subject,
                    f.spec.property,
                    f.spec.value,
                    f.date,
                    f.spec.source,
                    f.citation.paragraph if f.citation else None,
                    f.spec.quote,
                    ref.title if ref else None,
                    ref.url if ref else None,
                )
            )
    quotes = []
    for speaker, qs in model.quotes.items():
        keys = [f"{speaker}/{q.spec.source}/{words_digest(q.spec.text)}" for q in qs]
        for key, q in zip(_unique(keys), qs, strict=True):
            quotes.append(
                QuoteRecord(key, speaker, q.spec.text, q.spec.source, q.citation.paragraph, q.date, q.spec.context)
            )
    articles = [
        ArticleRecord(
            a.slug, a.title, a.outlet, a.date, a.page, a.url, tuple(paragraph_hash(p.text) for p in a.paragraphs)
        )
        for a in model.articles.values()
    ]
    return Manifest(
        c.title,
        c.edition,
        c.edition_date or c.as_of,
        c.as_of,
        tuple(sorted(entities, key=lambda r: r.id)),
        tuple(sorted(facts, key=lambda r: r.id)),
        tuple(sorted(quotes, key=lambda r: r.id)),
        tuple(sorted(articles, key=lambda r: r.id)),
    )


# -- writing --------------------------------------------------------------------------------------------------


def manifest_json(m: Manifest) -> dict:
    """The manifest as the JSON object written (keys in a fixed order)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "briefing": {"title": m.title, "edition": m.edition, "edition_date": m.edition_date, "as_of": m.as_of},
        "entities": [
            {
                "id": e.id,
                "kind": e.kind,
                "kind_label": e.kind_label,
                "name": e.name,
                "page": e.page,
                "aliases": list(e.aliases),
                "summary": e.summary,
                "fields": [
                    {"key": f.key, "label": f.label, "type": f.type, "unit": f.unit, "value": f.value} for f in e.fields
                ],
            }
            for e in m.entities
        ],
        "facts": [
            {
                "id": f.id,
                "subject": f.subject,
                "property": f.property,
                "value": f.value,
                "as_of": f.as_of,
                "source": f.source,
                "paragraph": f.paragraph,
                "quote": f.quote,
                "reference": f.reference,
                "reference_url": f.reference_url,
            }
            for f in m.facts
        ],
        "quotes": [
            {
                "id": q.id,
                "speaker": q.speaker,
                "text": q.text,
                "source": q.source,
                "paragraph": q.paragraph,
                "date": q.date,
                "context": q.context,
            }
            for q in m.quotes
        ],
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "outlet": a.outlet,
                "date": a.date,
                "page": a.page,
                "url": a.url,
                "paragraphs": list(a.paragraphs),
            }
            for a in m.articles
        ],
    }


def dump_manifest(m: Manifest) -> bytes:
    """The bytes of ``edition.json`` (the same manifest, the same bytes): one record a line, so that two editions
    compare line by line and the file is written by the JSON module's fast encoder (no indentation)."""
    doc = manifest_json(m)
    out = []
    for key, value in doc.items():
        if isinstance(value, list):
            rows = ",\n".join(json.dumps(x, ensure_ascii=False) for x in value)
            out.append(f"{json.dumps(key)}: [\n{rows}\n]" if rows else f"{json.dumps(key)}: []")
        else:
            out.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return ("{\n" + ",\n".join(out) + "\n}\n").encode("utf-8")


# -- reading --------------------------------------------------------------------------------------------------


class ManifestError(Exception):
    """A manifest that cannot be read: where (a JSON path) and what is wrong."""

    def __init__(self, where: tuple, message: str, hint: str = ""):
        super().__init__(message)
        self.where = where
        self.message = message
        self.hint = hint


_REBUILD = (
    "the file is written by 'briefgen build'; build the edition it comes from again with this briefgen, "
    "or compare with another edition (--since PATH)"
)


def _get(obj: Json, where: tuple, key: str, kinds: tuple[type, ...], optional: bool = False) -> Json:
    if not isinstance(obj, dict):
        raise ManifestError(where, f"{_path(where)} should be an object", _REBUILD)
    if key not in obj:
        raise ManifestError(where, f"{_path(where)} has no '{key}'", _REBUILD)
    value = obj[key]
    if value is None and optional:
        return None
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join(
            {
                str: "text",
                int: "a whole number",
                list: "a list",
                dict: "an object",
                bool: "true or false",
                float: "a number",
            }[k]
            for k in kinds
        )
        raise ManifestError(
            (*where, key), f"{_path((*where, key))} should be {names}{' or null' if optional else ''}", _REBUILD
        )
    return value


def _path(where: tuple) -> str:
    out = "the manifest" if not where else ""
    for w in where:
        out += f"[{w}]" if isinstance(w, int) else (f".{w}" if out else w)
    return out


def _texts(obj: Json, where: tuple, key: str) -> tuple[str, ...]:
    items = _get(obj, where, key, (list,))
    for i, x in enumerate(items):
        if not isinstance(x, str):
            raise ManifestError((*where, key, i), f"{_path((*where, key, i))} should be text", _REBUILD)
    return tuple(items)


def _records(doc: Json, key: str) -> list[tuple[tuple, Json]]:
    items = _get(doc, (), key, (list,))
    return [((key, i), x) for i, x in enumerate(items)]


def manifest_from_json(doc: Json) -> Manifest:
    """The manifest of a JSON document; :class:`ManifestError` says where it is wrong. A manifest of an older
    version is upgraded (:data:`UPGRADES`); one of a newer or unknown version is refused."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ManifestError(
            (),
            'this is not a briefgen edition manifest (no "format": "briefgen-edition")',
            "give --since a site folder built by briefgen, or its edition.json",
        )
    version = _get(doc, (), "version", (int,))
    while version in UPGRADES:
        doc = UPGRADES[version](doc)
        version = _get(doc, (), "version", (int,))
    if version > VERSION:
        raise ManifestError(
            ("version",),
            f"the manifest is of version {version}, newer than this briefgen reads (version {VERSION})",
            "upgrade briefgen to compare with that edition",
        )
    if version != VERSION:
        raise ManifestError(
            ("version",),
            f"manifest version {version} is unknown (this briefgen reads version "
            f"{VERSION}{' and upgrades ' + ', '.join(map(str, sorted(UPGRADES))) if UPGRADES else ''})",
            _REBUILD,
        )
    b = _get(doc, (), "briefing", (dict,))
    edition = _get(b, ("briefing",), "edition", (int, str), optional=True)
    entities = []
    for w, x in _records(doc, "entities"):
        fields = []
        for fw, f in [((*w, "fields", i), f) for i, f in enumerate(_get(x, w, "fields", (list,)))]:
            if not isinstance(f, dict) or "value" not in f:
                raise ManifestError(fw, f"{_path(fw)} should be an object with a 'value'", _REBUILD)
            fields.append(
                FieldRecord(
                    _get(f, fw, "key", (str,)),
                    _get(f, fw, "label", (str,)),
                    _get(f, fw, "type", (str,)),
                    _get(f, fw, "unit", (str,), True),
                    f["value"],
                )
            )
        entities.append(
            EntityRecord(
                _get(x, w, "id", (str,)),
                _get(x, w, "kind", (str,)),
                _get(x, w, "kind_label", (str,)),
                _get(x, w, "name", (str,)),
                _get(x, w, "page", (str,)),
                _texts(x, w, "aliases"),
                _get(x, w, "summary", (str,), True),
                tuple(fields),
            )
        )
    facts = [
        FactRecord(
            _get(x, w, "id", (str,)),
            _get(x, w, "subject", (str,)),
            _get(x, w, "property", (str,)),
            _get(x, w, "value", (str,)),
            _get(x, w, "as_of", (str,), True),
            _get(x, w, "source", (str,), True),
            _get(x, w, "paragraph", (int,), True),
            _get(x, w, "quote", (str,), True),
            _get(x, w, "reference", (str,), True),
            _get(x, w, "reference_url", (str,), True),
        )
        for w, x in _records(doc, "facts")
    ]
    quotes = [
        QuoteRecord(
            _get(x, w, "id", (str,)),
            _get(x, w, "speaker", (str,)),
            _get(x, w, "text", (str,)),
            _get(x, w, "source", (str,)),
            _get(x, w, "paragraph", (int,), True),
            _get(x, w, "date", (str,), True),
            _get(x, w, "context", (str,), True),
        )
        for w, x in _records(doc, "quotes")
    ]
    articles = [
        ArticleRecord(
            _get(x, w, "id", (str,)),
            _get(x, w, "title", (str,)),
            _get(x, w, "outlet", (str,), True),
            _get(x, w, "date", (str,), True),
            _get(x, w, "page", (str,)),
            _get(x, w, "url", (str,), True),
            _texts(x, w, "paragraphs"),
        )
        for w, x in _records(doc, "articles")
    ]
    every: tuple[tuple[str, list[Any]], ...] = (
        ("entities", entities),
        ("facts", facts),
        ("quotes", quotes),
        ("articles", articles),
    )
    for key, records in every:
        seen: dict[str, int] = {}
        for i, r in enumerate(records):
            if r.id in seen:
                raise ManifestError((key, i, "id"), f"{key}[{i}].id '{r.id}' is also {key}[{seen[r.id]}].id", _REBUILD)
            seen[r.id] = i
    return Manifest(
        _get(b, ("briefing",), "title", (str,)),
        edition,
        _get(b, ("briefing",), "edition_date", (str,), True),
        _get(b, ("briefing",), "as_of", (str,)),
        tuple(sorted(entities, key=lambda r: r.id)),
        tuple(sorted(facts, key=lambda r: r.id)),
        tuple(sorted(quotes, key=lambda r: r.id)),
        tuple(sorted(articles, key=lambda r: r.id)),
    )


def locate(text: str, where: tuple) -> tuple[int, int]:
    """Line and column (1-based) of the value at the JSON path ``where`` in ``text`` (as deep as it exists)."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    pos = ws.match(text, 0).end()  # type: ignore[union-attr]
    for step in where:
        if pos >= len(text) or text[pos] not in "[{":
            break
        found = None
        i = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
        n = 0
        while i < len(text) and text[i] not in "]}":
            if text[pos] == "{":
                key, i = decoder.raw_decode(text, i)
                i = ws.match(text, i).end() + 1  # type: ignore[union-attr]  # past ':'
                i = ws.match(text, i).end()  # type: ignore[union-attr]
                hit = key == step
            else:
                hit = n == step
            if hit:
                found = i
                break
            _, i = decoder.raw_decode(text, i)
            i = ws.match(text, i).end()  # type: ignore[union-attr]
            if i < len(text) and text[i] == ",":
                i = ws.match(text, i + 1).end()  # type: ignore[union-attr]
            n += 1
        if found is None:
            break
        pos = found
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def read_manifest(path: Path, shown: str, diags: Diagnostics, severity: str = "error") -> Manifest | None:
    """The manifest in ``path`` (``shown``: how messages name it), or None with a located diagnostic."""
    report = diags.error if severity == "error" else diags.warning
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report(
            Span(shown),
            "edition-manifest",
            f"cannot read the edition manifest: {exc}",
            "give --since a site folder built by briefgen, or its edition.json",
        )
        return None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        report(
            Span(shown, exc.lineno, exc.colno),
            "edition-manifest",
            f"the edition manifest is not valid JSON: {exc.msg}",
            _REBUILD,
        )
        return None
    try:
        return manifest_from_json(doc)
    except ManifestError as exc:
        line, col = locate(text, exc.where)
        report(Span(shown, line, col), "edition-manifest", exc.message, exc.hint)
        return None


@dataclass(frozen=True)
class Since:
    """What a build may compare itself with: a previous edition's manifest and the base it was compared with."""

    previous: Manifest
    """The previous edition (``--since PATH``, else the ``site/`` the build replaces)."""
    stored: Manifest | None
    """The manifest that edition was compared with (its ``edition-since.json``), if any."""
    explicit: bool
    """Given with ``--since`` (then it is the base whatever its edition)."""


def read_since(root: Path, given: str | None, diags: Diagnostics) -> Since | None:
    """The editions a build of ``root`` may compare with: ``given`` (``--since``: a site folder or a manifest
    file), else ``root/site`` when it holds a manifest. Problems with a given path are errors; with the default
    ``site/`` warnings (the build goes on without a comparison)."""
    if given is None:
        folder = root / "site"
        if not (folder / MANIFEST).is_file():
            return None
        severity = "warning"
    else:
        target = Path(given) if Path(given).is_absolute() else Path.cwd() / given
        if not target.exists():
            diags.error(
                Span(given),
                "edition-since",
                f"--since {given}: no such folder or file",
                "give a site folder built by briefgen (it holds edition.json), or an edition.json",
            )
            return None
        if target.is_file():
            m = read_manifest(target, _shown(target, root), diags)
            return Since(m, None, True) if m is not None else None
        folder, severity = target, "error"
        if not (folder / MANIFEST).is_file():
            diags.error(
                Span(_shown(folder, root)),
                "edition-since",
                f"--since {given}: the folder holds no {MANIFEST}",
                "give a site folder built by a briefgen that writes editions, or an edition.json",
            )
            return None
    previous = read_manifest(folder / MANIFEST, _shown(folder / MANIFEST, root), diags, severity)
    if previous is None:
        return None
    stored = None
    if given is None and (folder / SINCE).is_file():  # only the default base looks at what it was compared with
        stored = read_manifest(folder / SINCE, _shown(folder / SINCE, root), diags, severity)
    return Since(previous, stored, given is not None)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def base_for(since: Since | None, edition: int | str | None) -> Manifest | None:
    """The manifest a build of ``edition`` compares with. A given one (``--since``) is it; the site the build
    replaces is it when it holds another edition; when it holds the same edition (a rebuild), that build's own
    base is (so building twice writes the same "What's new" page)."""
    if since is None:
        return None
    if since.explicit or since.previous.edition != edition:
        return since.previous
    return since.stored
