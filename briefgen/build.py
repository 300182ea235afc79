"""The build, as a story: load → clean → link → model → render → emit.

Every stage reads what the previous one produced; nothing is written until all content has been read
and checked, and the site is swapped in only when MkDocs succeeded. Problems are collected in one
:class:`~briefgen.diagnostics.Diagnostics` and reported together.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText
from briefgen.diagnostics import Diagnostics, Span
from briefgen.link import Mention, build_matcher, link_paragraphs
from briefgen.load import Content, load_content
from briefgen.model import build_model, check_aliases, check_entities
from briefgen.model.types import Model
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


def _noop(stage: str, done: int, total: int) -> None:
    pass


class StageMemo(Protocol):
    """Per-article work kept across runs by a long-lived process (``briefgen serve``, see
    briefgen/serve/memo.py). Each method takes and returns exactly what the function it stands for does,
    and adds the same diagnostics."""

    def load_content(self, root: Path, diags: Diagnostics) -> Content | None: ...
    def clean_capture(self, text, fmt, path, overrides, diags, *, first_line=1) -> CleanedText: ...
    def build_matcher(self, entities, unlinked=frozenset()): ...
    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]: ...
    def build_model(self, content: Content, entities, cleaned, mentions, diags: Diagnostics) -> Model: ...
    def render_pages(self, model: Model, briefing_root: Path | None, diags: Diagnostics,
                     pdf: str | None = None) -> list[Page]: ...


def _gc_paused(func):
    """Run ``func`` with the cyclic garbage collector paused (reference counting still frees everything).

    The stages allocate millions of small acyclic objects (paragraphs, mentions, YAML nodes, page parts); the
    collector's repeated full passes over them cost about a fifth of the stages' time and find almost nothing
    (about a hundred objects on a 2,000-article briefing)."""

    @functools.wraps(func)
    def paused(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return paused


@_gc_paused
def compile_briefing(root: Path, diags: Diagnostics, timings: Timings | None = None,
                     progress: Progress = _noop, memo: StageMemo | None = None, pdf: str | None = None) -> Compiled:
    """load → clean → link → model → render, in memory. Problems go to ``diags``.

    ``pdf`` names the PDF export that will be published beside the site (the home page links it).
    """
    timings = timings or Timings()
    load, clean, matcher_of, link, model_of, render = (
        (memo.load_content, memo.clean_capture, memo.build_matcher, memo.link_paragraphs, memo.build_model,
         memo.render_pages) if memo else
        (load_content, clean_capture, build_matcher, link_paragraphs, build_model, render_pages))
    t = time.perf_counter()
    content = load(root, diags)
    timings.add("load", time.perf_counter() - t)
    if content is None:
        return Compiled(None, ())

    t = time.perf_counter()
    cleaned: dict[str, CleanedText] = {}
    total = len(content.articles)
    for i, spec in enumerate(content.articles, 1):
        cleaned[spec.slug] = clean(spec.text, spec.fmt, spec.path, spec.overrides, diags,
                                   first_line=spec.body_line)
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

    t = time.perf_counter()
    pages = render(model, root, diags, pdf=pdf)
    timings.add("render", time.perf_counter() - t)
    return Compiled(model, tuple(pages))


def epoch_of(model: Model) -> int:
    """The build date every output carries: noon UTC of the briefing's as-of date (deterministic)."""
    d = dt.date.fromisoformat(model.config.as_of)
    return int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.timezone.utc).timestamp())


def finish_offline(staged: Path, diags: Diagnostics, only: tuple[str, ...] | None = None,
                   scanned: dict | None = None) -> bool:
    """Make the built site searchable from file:// and check it loads nothing from the network. True when clean.

    ``only``: site-relative paths of the files rewritten since the last full check (live preview); None checks all.
    ``scanned``: findings already known for some files (pages scanned while MkDocs wrote them), not read again.
    """
    from briefgen.emit.offline import MAX_REPORTED, scan_file, scan_site, write_search_index_script

    write_search_index_script(staged)
    if only is None:
        found = scan_site(staged, scanned)
    else:
        found = [x for rel in sorted(set(only)) if (staged / rel).is_file() for x in scan_file(staged / rel, rel)]
    groups: dict[tuple[str, str], list] = {}
    for x in found:
        groups.setdefault((x.what, x.url), []).append(x)
    for (what, url), xs in list(groups.items())[:MAX_REPORTED]:
        more = f" (and {len(xs) - 1} more place{'s' if len(xs) > 2 else ''})" if len(xs) > 1 else ""
        diags.error(Span(f"site/{xs[0].path}", xs[0].line, xs[0].col), "external-resource",
                    f"{what} loads '{url[:120]}' from the network{more}: the site must work offline",
                    "images, scripts and styles must be local; link to outside pages instead of embedding them "
                    "(this comes from a template override, a theme setting or content Markdown)")
    if len(groups) > MAX_REPORTED:
        diags.error(Span("site/"), "external-resource", f"{len(groups) - MAX_REPORTED} more external addresses are loaded", "")
    return not found


_MKDOCS_DOC = re.compile(r"\b(?:Doc file|Error reading page|Error building page) '([^']+\.md)'")
"""The page a MkDocs message is about (a path under build/docs/)."""


def report_mkdocs(result, root: Path, diags: Diagnostics, built: Path | None = None) -> None:
    """Diagnostics for a failed MkDocs build (an ``MkDocsResult`` or a live preview's ``UpdateResult``): a
    failing theme template at its line in the briefing's ``templates/overrides/``; MkDocs' complaints about a
    page at the generated page under build/docs/. ``built``: the generated project (default ``root/build``)."""
    from briefgen.emit.project import BUILD_DIR

    built = built or root / BUILD_DIR
    tdir = root / "templates"
    overrides = tdir.is_dir() and any(p.is_file() for p in tdir.rglob("*"))
    fault = result.fault
    for msg in result.messages:
        doc = _MKDOCS_DOC.search(msg)
        if fault is not None and msg.startswith(("Error building page", "Error reading page")):
            continue  # said below, at the template
        where = Span(f"{BUILD_DIR}/docs/{doc.group(1)}") if doc else Span(f"{BUILD_DIR}/mkdocs.yml")
        diags.error(where, "mkdocs", f"MkDocs: {msg}",
                    "the generated page comes from your templates/ overrides: fix the template that wrote it"
                    if overrides else
                    "this is a briefgen bug if your content passed 'briefgen check'; please report it")
    if fault is not None:
        path = Path(fault.file)
        try:
            rel = path.resolve().relative_to((built / "overrides").resolve()).as_posix()
            shown = f"templates/overrides/{rel}"
            theirs = True
        except (OSError, ValueError):
            shown, theirs = (f"(theme) {path.name}" if path.is_absolute() else fault.file), False
        what = (f"'{fault.missing}' is neither in templates/overrides/ nor a template of the theme" if fault.missing
                else fault.message)
        diags.error(Span(shown, fault.line), "template", f"theme template failed: {what}",
                    "fix your override, or delete it to use the theme's own template" if theirs else
                    "a template override of yours probably passes the theme something it does not expect: "
                    "check templates/overrides/ against Material for MkDocs' templates")
    elif result.crash:
        diags.error(Span(f"{BUILD_DIR}/mkdocs.yml"), "mkdocs", f"MkDocs stopped: {result.crash}",
                    "this is a briefgen bug if your content passed 'briefgen check'; please report it")


def emit_site(root: Path, compiled: Compiled, diags: Diagnostics, timings: Timings | None = None,
              site_dir: Path | None = None, progress: Progress = _noop,
              extra: Callable[[Path], bool] | None = None, workers: int | None = None) -> bool:
    """Write the MkDocs project to build/ and build it into site/ (atomically). True on success.

    ``workers``: processes for MkDocs' page loops (default: the usable cores; see emit/mkdocs_parallel.py).

    ``extra`` adds files to the staged site before it is swapped in (the PDF export); False aborts.
    """
    from briefgen.emit.mkdocs import build_site
    from briefgen.emit.offline import scan_html
    from briefgen.emit.project import BUILD_DIR, project_files, write_project
    from briefgen.emit.site import discard, staging_dir, swap_in

    timings = timings or Timings()
    assert compiled.model is not None
    t = time.perf_counter()
    tdir = root / "templates"
    write_project(root, project_files(compiled.model, list(compiled.pages)), tdir if tdir.is_dir() else None)
    timings.add("write", time.perf_counter() - t)

    t = time.perf_counter()
    site = site_dir or (root / "site")
    staged = staging_dir(site)
    progress("mkdocs", 0, len(compiled.pages))
    try:
        result = build_site(root / BUILD_DIR / "mkdocs.yml", staged, epoch_of(compiled.model),
                            None if progress is _noop else progress, workers=workers,
                            inspect=lambda rel, html: scan_html(html, rel))
        if not result.ok:
            report_mkdocs(result, root, diags)
            discard(staged)
            return False
        if not finish_offline(staged, diags, scanned=dict(result.inspected)) or (extra is not None and not extra(staged)):
            discard(staged)
            return False
        swap_in(staged, site)
    except BaseException:
        discard(staged)
        raise
    finally:
        timings.add("mkdocs", time.perf_counter() - t)
    return True
