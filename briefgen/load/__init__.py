"""The load stage: read ``content/`` into typed annotation data (:class:`~briefgen.load.types.Content`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from briefgen.diagnostics import Diagnostics, Span
from briefgen.load import tables
from briefgen.load.annotations import read_briefing, read_entities, read_fact, read_overrides, read_quote
from briefgen.load.capture_meta import read_front_matter
from briefgen.load.files import (
    ANNOTATION_SUFFIXES,
    CAPTURE_SUFFIXES,
    MAX_CAPTURE_BYTES,
    MAX_YAML_BYTES,
    capture_within_limits,
    find_files,
    read_text,
    rel,
)
from briefgen.load.read import Reader, text_span
from briefgen.load.shapes import SHAPE_SUFFIXES, read_shape_file
from briefgen.load.types import ArticleSpec, BriefingConfig, Content, EntitySpec, FactSpec, QuoteSpec, ShapeSpec
from briefgen.load.yamlsafe import parse_yaml
from briefgen.slug import capture_slug

FRONT_MATTER_RE = re.compile(r"\A---\n(.*?\n)---[ \t]*\n", re.DOTALL)


_FORMATS: dict[str, Literal["txt", "html", "md"]] = {".txt": "txt", ".html": "html", ".htm": "html", ".md": "md"}
"""The capture format of each file name suffix."""


def load_yaml_file(path: Path, root: Path, diags: Diagnostics):
    shown = rel(path, root)
    text = read_text(path, shown, diags, allow_cp1252=False, limit=MAX_YAML_BYTES)
    if text is None:
        return None
    return parse_yaml(text, shown, diags)


T = TypeVar("T")


class FileMemo(Protocol):
    """Results of reading files, kept between runs (the build cache, briefgen/stagecache.py)."""

    def keep(
        self, paths: tuple[Path | None, ...], extra: object, diags: Diagnostics, read: Callable[[Diagnostics], T]
    ) -> T:
        """``read(diags)``, or what it returned last time for the same ``paths`` when none of these files
        changed on disk since and ``extra`` (what else ``read`` depends on) is equal; the diagnostics ``read``
        added then are added to ``diags`` again."""

    def listing(self, folder: Path, diags: Diagnostics, read: Callable[[Diagnostics], tuple[T, tuple[Path, ...]]]) -> T:
        """What ``read(diags)`` returned last time for ``folder`` — a value computed from the names of the files
        under it, and the folders it listed — when none of those folders changed on disk since (a file added,
        removed or renamed changes its folder); the diagnostics ``read`` added then are added to ``diags`` again."""


def _fresh(paths: tuple[Path | None, ...], extra: object, diags: Diagnostics, read: Callable[[Diagnostics], T]) -> T:
    return read(diags)


def _fresh_listing(folder: Path, diags: Diagnostics, read: Callable[[Diagnostics], tuple[T, tuple[Path, ...]]]) -> T:
    return read(diags)[0]


def load_content(root: Path, diags: Diagnostics, memo: FileMemo | None = None) -> Content | None:
    """Read the briefing folder ``root``. Returns None when the configuration itself is unusable.

    ``memo`` keeps what each file gave (one capture and its annotation, one entity file, the configuration);
    the checks across files run every time. The result is the same with or without it.
    """
    keep = memo.keep if memo is not None else _fresh
    listing = memo.listing if memo is not None else _fresh_listing
    content = root / "content"
    briefing_path = content / "briefing.yml"
    if not briefing_path.is_file():
        diags.error(
            Span(rel(briefing_path, root)),
            "no-briefing",
            "content/briefing.yml not found",
            "run briefgen in a briefing folder (or pass -C DIR); see docs/content-format.md",
        )
        return None
    config = keep(
        (briefing_path,),
        None,
        diags,
        lambda d: read_briefing(load_yaml_file(briefing_path, root, d), rel(briefing_path, root), d),
    )

    entities: list[EntitySpec] = []
    for path in listing(content / "entities", diags, functools.partial(_entity_files, content / "entities")):
        entities.extend(keep((path,), config, diags, functools.partial(_entity_file, path, root, config)))
    entities.sort(key=lambda e: e.id)

    articles = load_articles(root, diags, keep, listing)

    overview_path = content / "overview.md"
    overview = ""
    if overview_path.is_file():
        overview = (
            read_text(overview_path, rel(overview_path, root), diags, allow_cp1252=False, limit=MAX_YAML_BYTES) or ""
        )
    else:
        diags.warning(
            Span(rel(overview_path, root)),
            "no-overview",
            "content/overview.md not found: the home page only lists contents",
            "write the briefing's front page in content/overview.md",
        )
    shapes: list[ShapeSpec] = []
    if (content / "shapes").is_dir():
        for path in listing(content / "shapes", diags, functools.partial(_shape_files, content / "shapes")):
            shapes.extend(keep((path,), None, diags, functools.partial(read_shape_file, path, root)))
    if config is None:
        return None
    return Content(config, overview, rel(overview_path, root), tuple(entities), tuple(articles), tuple(shapes))


def _shape_files(folder: Path, diags: Diagnostics) -> tuple[list[Path], tuple[Path, ...]]:
    folders: list[Path] = []
    return find_files(folder, SHAPE_SUFFIXES, folders=folders), tuple(folders)


def _entity_file(path: Path, root: Path, config: BriefingConfig | None, diags: Diagnostics) -> tuple[EntitySpec, ...]:
    return tuple(read_entities(load_yaml_file(path, root, diags), rel(path, root), config, diags))


def _entity_files(folder: Path, diags: Diagnostics) -> tuple[list[Path], tuple[Path, ...]]:
    folders: list[Path] = []
    return find_files(folder, ANNOTATION_SUFFIXES, folders=folders), tuple(folders)


def load_articles(root: Path, diags: Diagnostics, keep=_fresh, listing=_fresh_listing) -> list[ArticleSpec]:
    folder = root / "content" / "articles"
    out = []
    for path, shown, slug, ann_path in listing(folder, diags, functools.partial(_article_files, root, folder)):
        spec = keep((path, ann_path), None, diags, functools.partial(load_article, path, shown, slug, ann_path, root))
        if spec is not None:
            out.append(spec)
    return sorted(out, key=lambda a: a.slug)


def _article_files(
    root: Path, folder: Path, diags: Diagnostics
) -> tuple[list[tuple[Path, str, str, Path | None]], tuple[Path, ...]]:
    """Each capture under ``folder`` with its shown path, slug and annotation file; the folders listed. File
    names that cannot be articles are reported here."""
    folders: list[Path] = []
    captures, yamls = find_files(folder, CAPTURE_SUFFIXES, ANNOTATION_SUFFIXES, folders=folders)
    annotations = {p.with_suffix("").as_posix(): p for p in yamls}
    by_slug: dict[str, Path] = {}
    out = []
    for path in captures:
        shown = rel(path, root)
        slug = capture_slug(path.stem)  # any file name: the slug is derived from it, the name is kept
        if slug in by_slug:
            first = rel(by_slug[slug], root)
            diags.error(
                Span(shown),
                "duplicate-slug",
                f"captures {Span(first)} and {Span(shown)} both give the article slug '{slug}'",
                "rename one of them (the slug is the file name in lower case, letters transliterated, "
                "everything else a dash)",
            )
            continue
        by_slug[slug] = path
        out.append((path, shown, slug, annotations.pop(path.with_suffix("").as_posix(), None)))
    for orphan in annotations.values():
        diags.error(
            Span(rel(orphan, root)),
            "orphan-annotation",
            "annotation file has no capture beside it",
            f"add the capture (e.g. {orphan.stem}.txt) or rename the annotation to match one",
        )
    return out, tuple(folders)


def load_article(
    path: Path, shown: str, slug: str, ann_path: Path | None, root: Path, diags: Diagnostics
) -> ArticleSpec | None:
    suffix = path.suffix.lower()
    fmt = _FORMATS[suffix]
    text = read_text(path, shown, diags, allow_cp1252=(fmt != "md"), limit=MAX_CAPTURE_BYTES)
    if text is None or not capture_within_limits(text, fmt, shown, diags):
        return None
    if not text.strip():
        diags.warning(
            Span(shown),
            "capture-empty",
            "capture is empty: the article has no text",
            "add the article text or remove the file",
        )
    r = Reader(diags)
    meta: dict = {}
    capture_meta: tuple = ()
    notes = notes_span = None
    body_line = 1
    if fmt == "md":
        m = FRONT_MATTER_RE.match(text)
        if m:
            body_line = m.group(0).count("\n") + 1
            fm = parse_yaml(m.group(1), shown, diags, line_offset=1)
            # the capture's own front matter: capture tools' keys mapped, the rest kept (warnings, not errors)
            fm_meta, fm_notes, capture_meta = read_front_matter(fm, diags)
            meta.update(fm_meta)
            if fm_notes is not None:
                notes, notes_span = fm_notes[0], fm_notes[1].text_span()
            text = text[m.end() :]
    facts: tuple[FactSpec, ...] = ()
    quotes: tuple[QuoteSpec, ...] = ()
    overrides = None
    reports: tuple[tuple[str, Span], ...] = ()
    if ann_path is not None:
        node = load_yaml_file(ann_path, root, diags)
        amap = r.mapping(node, tables.ARTICLE) if node is not None else None
        if amap:
            ann_meta = _meta(r, amap)
            meta.update(ann_meta)
            if "notes" in amap:
                notes, notes_span = r.text(amap["notes"], "notes", multiline=True), text_span(amap["notes"])
            overrides = read_overrides(r, amap.get("cleaning"))
            facts = tuple(
                f
                for n in r.seq(amap.get("facts"), "facts", single_ok=False)
                if (f := read_fact(r, n, subject=None, source=slug))
            )
            quotes = tuple(
                q
                for n in r.seq(amap.get("quotes"), "quotes", single_ok=False)
                if (q := read_quote(r, n, speaker=None, source=slug))
            )
            reports = tuple((i, n.span) for n in r.seq(amap.get("reports"), "reports") if (i := r.id(n, "reports")))
    spec = ArticleSpec(
        slug=slug,
        path=shown,
        fmt=fmt,
        text=text,
        body_line=body_line,
        meta=meta,
        notes=notes,
        notes_span=notes_span,
        facts=facts,
        quotes=quotes,
        span=Span(shown),
        capture_meta=capture_meta,
        reports=reports,
    )
    if overrides is not None:
        spec = ArticleSpec(**{**spec.__dict__, "overrides": overrides})
    return spec


def _meta(r: Reader, m: dict) -> dict:
    out = {}
    for key in tables.ARTICLE_META_KEYS:
        node = m.get(key)
        if node is None:
            continue
        if key == "date":
            value = r.date(node, key)
        elif key == "url":
            value = r.url(node, key)
        else:
            value = r.text(node, key)
        if value is not None:
            out[key] = (value, node.span)
    return out


__all__ = ["BriefingConfig", "Content", "load_content"]
