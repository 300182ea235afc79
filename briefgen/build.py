"""The build, as a story: load → clean → link → model → render → emit.

Every stage reads what the previous one produced; nothing is written until all content has been read
and checked, and the site is swapped in only when MkDocs succeeded. Problems are collected in one
:class:`~briefgen.diagnostics.Diagnostics` and reported together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from briefgen import gcpolicy
from briefgen.cache import CACHE_DIR, PARTS, Store, digest, stamps_digest, theme_cache, tree_digest
from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText
from briefgen.diagnostics import Diagnostic, Diagnostics
from briefgen.emit.edition import write_edition
from briefgen.emit.mkdocs import build_site, report_mkdocs
from briefgen.emit.offline import finish_offline, scan_html
from briefgen.emit.pagecache import PageCache
from briefgen.emit.project import BUILD_DIR, KnownDocs, project_files, write_project
from briefgen.emit.site import discard, staging_dir, swap_in
from briefgen.link import Mention, build_matcher, link_paragraphs
from briefgen.load import Content, load_content
from briefgen.model import build_model, check_aliases, check_entities
from briefgen.model.edition import compare
from briefgen.model.manifest import Manifest, Since, base_for, manifest_of
from briefgen.model.types import Model
from briefgen.render.figures.make import seconds_spent as figure_seconds
from briefgen.render.pages import Page, render_pages

Progress = Callable[[str, int, int], None]
"""Called as (stage, done, total) during long stages."""


@dataclass
class Timings:
    """Seconds spent in each stage of one run."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds


@dataclass(frozen=True)
class Compiled:
    """Everything known about a briefing before anything is written."""

    model: Model | None
    """The model, or None when the content could not be read."""
    pages: tuple[Page, ...]
    """Rendered Markdown pages (empty when the model failed)."""
    manifest: Manifest | None = None
    """What the build publishes, as the edition record (``site/edition.json``); None when the model failed."""
    base: Manifest | None = None
    """The earlier edition it was compared with (``site/edition-since.json``), if any."""
    written: bool = False
    """The pages' Markdown is in ``build/docs/`` and no longer kept here (their paths and titles are; see
    :func:`write_markdown`)."""


def _noop(stage: str, done: int, total: int) -> None:
    pass


class StageMemo(Protocol):
    """Work kept across runs: the build cache (briefgen/stagecache.py, on disk for ``briefgen build``, in memory
    for ``briefgen serve``). Each method takes and returns exactly what the function it stands for does, and adds
    the same diagnostics."""

    def load_content(self, root: Path, diags: Diagnostics) -> Content | None: ...
    def clean_capture(self, text, fmt, path, overrides, diags, *, first_line=1) -> CleanedText: ...
    def build_matcher(self, entities, unlinked=frozenset()): ...
    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]: ...
    def build_model(self, content: Content, entities, cleaned, mentions, diags: Diagnostics) -> Model: ...
    def render_pages(
        self, model: Model, briefing_root: Path | None, diags: Diagnostics, pdf: str | None = None
    ) -> list[Page]: ...


@gcpolicy.keeping  # the stages allocate millions of small acyclic objects (see briefgen/gcpolicy.py)
def compile_briefing(
    root: Path,
    diags: Diagnostics,
    timings: Timings | None = None,
    progress: Progress = _noop,
    memo: StageMemo | None = None,
    pdf: str | None = None,
    since: Since | None = None,
    render_pages_too: bool = True,
) -> Compiled:
    """load → clean → link → model → edition → render, in memory. Problems go to ``diags``.

    ``pdf`` names the PDF export that will be published beside the site (the home page links it). ``since``: the
    earlier editions this one may be compared with (:func:`~briefgen.model.manifest.read_since`).
    ``render_pages_too``: False makes no pages: it stops after the model (``briefgen suggest`` reads nothing else),
    or, given ``since``, after the edition (``briefgen pdf``: the PDF reads the model and what changed, never the
    site's pages).
    """
    timings = timings or Timings()
    load, clean, matcher_of, link, model_of, render = (
        (
            memo.load_content,
            memo.clean_capture,
            memo.build_matcher,
            memo.link_paragraphs,
            memo.build_model,
            memo.render_pages,
        )
        if memo
        else (load_content, clean_capture, build_matcher, link_paragraphs, build_model, render_pages)
    )
    t = time.perf_counter()
    content = load(root, diags)
    timings.add("load", time.perf_counter() - t)
    if content is None:
        return Compiled(None, ())

    t = time.perf_counter()
    cleaned: dict[str, CleanedText] = {}
    total = len(content.articles)
    for i, spec in enumerate(content.articles, 1):
        cleaned[spec.slug] = clean(spec.text, spec.fmt, spec.path, spec.overrides, diags, first_line=spec.body_line)
        if i % 100 == 0 or i == total:
            progress("clean", i, total)
    timings.add("clean", time.perf_counter() - t)

    t = time.perf_counter()
    entities = check_entities(content, diags)
    unlinked = check_aliases(entities, diags)
    matcher = matcher_of(tuple(e.spec for e in entities.values()), unlinked)
    mentions: dict[str, tuple[Mention, ...]] = {}
    for i, spec in enumerate(content.articles, 1):
        mentions[spec.slug] = link(spec.slug, cleaned[spec.slug].paragraphs, matcher)
        if i % 100 == 0 or i == total:
            progress("link", i, total)
    timings.add("link", time.perf_counter() - t)

    t = time.perf_counter()
    model = model_of(content, entities, cleaned, mentions, diags)
    timings.add("model", time.perf_counter() - t)
    if not render_pages_too and since is None:
        return Compiled(model, ())

    t = time.perf_counter()
    manifest = manifest_of(model)  # what this edition publishes, and what changed since the earlier one
    base = base_for(since, model.config.edition)
    if base is not None:
        model = dataclasses.replace(model, changes=compare(base, manifest))
    timings.add("model", time.perf_counter() - t)  # the edition is made in the model stage (model/manifest.py)
    if not render_pages_too:
        return Compiled(model, (), manifest, base)

    t = time.perf_counter()
    drawn = figure_seconds()
    pages = render(model, root, diags, pdf=pdf)
    drawn = figure_seconds() - drawn  # figures are drawn while pages render; reported as their own stage
    timings.add("render", time.perf_counter() - t - drawn)
    timings.add("figures", drawn)
    return Compiled(model, tuple(pages), manifest, base)


@dataclass(frozen=True)
class Report:
    """What a successful build reported (kept by the build cache, shown again when nothing changed)."""

    diagnostics: tuple[Diagnostic, ...]
    """Every diagnostic of the build (warnings; with errors it would not have succeeded)."""
    pages: int
    """Pages built."""
    entities: int
    """Entities in the model."""
    articles: int
    """Articles in the model."""


def inputs_of(
    root: Path, pdf: bool, files: dict[str, str] | None = None, base: Manifest | None = None, store: Store | None = None
) -> str:
    """The digest of what a build of ``root`` is given: every file of content/ and templates/, and the options
    that change what it writes (the PDF, the edition ``base`` it is compared with). ``files`` receives the digest
    of each file (see :func:`tree_digest`). ``store`` (the ``build`` store) keeps each file's digest with its stamp:
    a file whose stamp is unchanged is not read again."""
    stamped = None
    if store is not None:
        got = store.data.get("stamped")
        stamped = store.data["stamped"] = got if isinstance(got, dict) else {}
    return digest(tree_digest(root / "content", root / "templates", files=files, stamped=stamped), pdf, base)


def _outputs(root: Path, site: Path) -> str:
    return digest(stamps_digest(site), stamps_digest(root / BUILD_DIR, skip=CACHE_DIR))


def last_build(root: Path, store: Store, inputs: str, site: Path | None = None) -> Report | None:
    """The report of the last build when it was given ``inputs`` and what it wrote (site/, build/) is untouched:
    building again would write the same bytes."""
    got = store.data.get("build")
    if not isinstance(got, tuple) or len(got) != 3 or got[0] != inputs:
        return None
    if got[1] != _outputs(root, site or root / "site"):
        return None
    return got[2] if isinstance(got[2], Report) else None


def remember_build(
    root: Path, store: Store, inputs: str, compiled: Compiled, diags: Diagnostics, site: Path | None = None
) -> None:
    """Keep the report of a build that succeeded, with the digest of its inputs and outputs."""
    assert compiled.model is not None
    report = Report(tuple(diags.items), len(compiled.pages), len(compiled.model.entities), len(compiled.model.articles))
    store.data["build"] = (inputs, _outputs(root, site or root / "site"), report)
    store.save()


def epoch_of(model: Model) -> int:
    """The build date every output carries: noon UTC of the briefing's as-of date (deterministic)."""
    d = dt.date.fromisoformat(model.config.as_of)
    return int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC).timestamp())


def emit_site(
    root: Path,
    compiled: Compiled,
    diags: Diagnostics,
    timings: Timings | None = None,
    site_dir: Path | None = None,
    progress: Progress = _noop,
    extra: Callable[[Path], bool] | None = None,
    workers: int | None = None,
    cache: bool = True,
    known: KnownDocs | None = None,
) -> bool:
    """Write the MkDocs project to build/ and build it into site/ (atomically). True on success.

    ``cache``: pages whose inputs are those of a page the last build wrote are taken from it (the emit stage's
    cache, :mod:`briefgen.emit.pagecache`, under ``build/.cache``); the site is the same either way.

    ``workers``: processes for MkDocs' page loops (default: the usable cores; see emit/mkdocs_parallel.py).

    ``extra`` adds files to the staged site before it is swapped in (the PDF export); False aborts.

    ``known``: what the stage cache knows of the pages' Markdown (their files in ``build/docs/`` are not read again).
    """
    with gcpolicy.frozen():  # the model and the caches stay alive: MkDocs' collections need not walk them
        return _emit_site(root, compiled, diags, timings or Timings(), site_dir, progress, extra, workers, cache, known)


def write_markdown(
    root: Path, compiled: Compiled, timings: Timings | None = None, known: KnownDocs | None = None
) -> Compiled:
    """Write the MkDocs project to build/ (the first step of :func:`emit_site`) and return ``compiled`` without the
    pages' Markdown: MkDocs reads it from disk, and on a large briefing it is hundreds of MB that would otherwise
    stay alive beside MkDocs (the caller drops its own ``compiled`` for the one returned). ``known``: what the
    stage cache knows of the pages' Markdown (files it read back from build/docs/ are not compared again)."""
    assert compiled.model is not None
    if compiled.written:
        return compiled
    t = time.perf_counter()
    tdir = root / "templates"
    write_project(
        root,
        project_files(compiled.model, list(compiled.pages)),
        tdir if tdir.is_dir() else None,
        unchanged={f"docs/{p}" for p in known.on_disk} if known is not None else (),
    )
    pages = tuple(Page(p.path, p.title, "") for p in compiled.pages)
    (timings or Timings()).add("write", time.perf_counter() - t)
    return dataclasses.replace(compiled, pages=pages, written=True)


def _emit_site(
    root: Path,
    compiled: Compiled,
    diags: Diagnostics,
    timings: Timings,
    site_dir: Path | None,
    progress: Progress,
    extra: Callable[[Path], bool] | None,
    workers: int | None,
    cache: bool,
    known: KnownDocs | None,
) -> bool:
    assert compiled.model is not None
    compiled = write_markdown(root, compiled, timings, known)
    assert compiled.model is not None
    gcpolicy.give_back()  # what the Markdown and the stages' temporaries occupied, before MkDocs and its workers

    t = time.perf_counter()
    site = site_dir or (root / "site")
    staged = staging_dir(site)
    epoch = epoch_of(compiled.model)
    pages = PageCache(
        Store.open(root / BUILD_DIR, f"pages-{site.name}", enabled=cache, parts=PARTS),
        root / BUILD_DIR,
        site,
        staged,
        epoch,
        known.digests if known is not None else None,
    )
    progress("mkdocs", 0, len(compiled.pages))
    try:
        result = build_site(
            root / BUILD_DIR / "mkdocs.yml",
            staged,
            epoch,
            None if progress is _noop else progress,
            workers=workers,
            inspect=lambda rel, html: scan_html(html, rel),
            reuse=pages if cache else None,
            compiled=theme_cache(root / BUILD_DIR) if cache else None,
        )
        if not result.ok:
            report_mkdocs(result, root, diags)
            discard(staged)
            return False
        if compiled.manifest is not None:
            write_edition(staged, compiled.manifest, compiled.base)
        if not finish_offline(staged, diags, scanned=dict(result.inspected)) or (
            extra is not None and not extra(staged)
        ):
            discard(staged)
            return False
        swap_in(staged, site)
        if cache:
            pages.commit(result.pages, site)
    except BaseException:
        discard(staged)
        raise
    finally:
        timings.add("mkdocs", time.perf_counter() - t)
    return True
