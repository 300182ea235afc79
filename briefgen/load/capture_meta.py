"""A capture's own front matter, as capture tools write it (web clippers, read-later exports, static-site tools).

The capture is not ours to edit, so this is lenient where annotation files are strict: the keys such tools write
are mapped to the article fields they mean (``author`` → byline, ``published`` → date, ``source`` → outlet or
URL…), the others they write (``description``, ``tags``…) are kept as capture metadata shown on the article page,
and a key nobody writes is a located warning (its value is kept too). A value that cannot be used (a date in an
unknown form, a mapping where text belongs) is a warning, never an error. YAML syntax errors stay errors.
"""

from __future__ import annotations

import re

from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.load.read import DATE_RE, is_http_url, valid_date
from briefgen.load.types import CaptureMeta
from briefgen.load.yamlsafe import YMap, YNode, YScalar, YSeq

FIELD_KEYS: dict[str, str] = {
    "title": "title",
    "headline": "title",
    "outlet": "outlet",
    "publisher": "outlet",
    "site_name": "outlet",
    "sitename": "outlet",
    "site": "outlet",
    "publication": "outlet",
    "newspaper": "outlet",
    "source": "outlet",
    "byline": "byline",
    "author": "byline",
    "authors": "byline",
    "by": "byline",
    "creator": "byline",
    "date": "date",
    "published": "date",
    "published_at": "date",
    "publish_date": "date",
    "pubdate": "date",
    "date_published": "date",
    "datepublished": "date",
    "published_time": "date",
    "url": "url",
    "link": "url",
    "canonical": "url",
    "canonical_url": "url",
    "source_url": "url",
    "original_url": "url",
    "permalink": "url",
    "language": "language",
    "lang": "language",
    "locale": "language",
    "date_note": "date_note",
    "origin": "origin",
}
"""Front-matter keys (lower case, ``-`` read as ``_``) → the article field they mean. ``source`` is the outlet,
or the URL when it is an address (web clippers write the page address there)."""

KEPT_KEYS = frozenset(
    {
        "description",
        "summary",
        "excerpt",
        "subtitle",
        "dek",
        "standfirst",
        "tags",
        "keywords",
        "categories",
        "category",
        "section",
        "image",
        "cover",
        "thumbnail",
        "created",
        "clipped",
        "saved",
        "captured",
        "accessed",
        "updated",
        "modified",
        "date_modified",
        "last_modified",
        "type",
        "kind",
        "status",
        "id",
        "slug",
        "word_count",
        "reading_time",
        "favicon",
        "domain",
        "highlights",
    }
)
"""Keys capture tools write that mean no field of ours: kept as capture metadata, without a warning."""

_ISO_START = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


_WIKILINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
"""``[[Page]]`` / ``[[Page|Shown]]``: note-taking apps' clippers write authors as links to notes."""


def _one(value: str) -> str:
    return " ".join(_WIKILINK.sub(r"\1", value).split())


def _text(node: YNode) -> str | None:
    """A scalar as one line of text, a list of scalars joined with commas; None for anything else."""
    if isinstance(node, YScalar):
        return None if node.is_null else _one(node.value) or None
    if isinstance(node, YSeq):
        scalars = [i for i in node.items if isinstance(i, YScalar)]
        if len(scalars) != len(node.items):
            return None
        items = [_one(i.value) for i in scalars if not i.is_null and _one(i.value)]
        return ", ".join(items) or None
    return None


def read_front_matter(
    node: YNode | None, diags: Diagnostics
) -> tuple[dict, tuple[str, YScalar] | None, tuple[CaptureMeta, ...]]:
    """``(fields, notes, kept)``: article fields key → (value, span) as in ``ArticleSpec.meta``; the ``notes``
    (Markdown, with its node) if given; the other keys as capture metadata, in written order."""
    fields: dict = {}
    kept: list[CaptureMeta] = []
    notes = None
    if node is None:
        return fields, notes, ()
    if not isinstance(node, YMap):
        diags.warning(
            node.span,
            "front-matter-ignored",
            "the capture's front matter is not a list of 'key: value' lines: it is ignored",
            "give the article's metadata in its annotation file instead",
        )
        return fields, notes, ()
    known = sorted(set(FIELD_KEYS) | KEPT_KEYS | {"notes"})
    for key_node, value in node.items:
        name = key_node.value
        key = _key(name)
        if key.startswith("x_"):
            continue
        if key == "notes":
            if isinstance(value, YScalar) and not value.is_null:
                notes = (value.value, value)
            continue
        text = _text(value)
        if text is None:
            if not (isinstance(value, YScalar) and value.is_null):
                diags.warning(
                    value.span,
                    "front-matter-value",
                    f"front matter '{name}' is not text or a list of texts: it is ignored",
                    "give the value in the article's annotation file if it matters",
                )
            continue
        field = FIELD_KEYS.get(key)
        if key == "source" and is_http_url(text):
            field = "url"
        if field is None:
            if key not in KEPT_KEYS:
                diags.warning(
                    key_node.span,
                    "front-matter-unknown-key",
                    f"front matter key '{name}' means no article field: it is shown as capture metadata",
                    did_you_mean(key, known) or "the annotation file takes title, outlet, date, byline, url",
                )
            kept.append(CaptureMeta(name, text, value.span))
            continue
        if field == "date":
            m = _ISO_START.match(text)
            date = m.group(1) if m else (text if DATE_RE.match(text) else None)
            if date is None or not valid_date(date):
                diags.warning(
                    value.span,
                    "front-matter-date",
                    f"front matter '{name}: {text}' is not a date briefgen "
                    "reads (YYYY-MM-DD, YYYY-MM or YYYY, a time after it allowed): it is shown as capture "
                    "metadata",
                    "give 'date: YYYY-MM-DD' in the article's annotation file",
                )
                kept.append(CaptureMeta(name, text, value.span))
                continue
            text = date
        elif field == "url" and not is_http_url(text):
            diags.warning(
                value.span,
                "front-matter-url",
                f"front matter '{name}: {text}' is not an http(s) address: it is shown as capture metadata",
                "only http:// and https:// addresses are linked",
            )
            kept.append(CaptureMeta(name, text, value.span))
            continue
        if field in fields:
            kept.append(CaptureMeta(name, text, value.span))  # the first key giving a field wins
            continue
        fields[field] = (text, value.span)
    return fields, notes, tuple(kept)
