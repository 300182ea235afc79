"""Thin adapter over MkDocs: build a generated project into a folder, collecting MkDocs' warnings, and say what
went wrong in briefgen's terms (:func:`report_mkdocs`).

MkDocs is imported only by the emit adapters; its private steps only by :mod:`briefgen.emit.mkdocs_steps`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from briefgen.diagnostics import Diagnostics, Span
from briefgen.emit import mkdocs_parallel, mkdocs_steps
from briefgen.emit.mkdocs_steps import Collect, load_mkdocs_config, quiet_mkdocs, source_date_epoch, steps_available
from briefgen.emit.project import BUILD_DIR
from briefgen.render.errors import TemplateFault, template_fault


@dataclass(frozen=True)
class MkDocsResult:
    """Outcome of one MkDocs build."""

    ok: bool
    """True when MkDocs built the site with no warning (strict)."""
    messages: tuple[str, ...]
    """MkDocs' warnings and errors, as it worded them."""
    inspected: tuple[tuple[str, object], ...] = ()
    """(site path, result) of ``inspect`` for every page written, in MkDocs' page order."""
    workers: int = 1
    """Processes that shared MkDocs' page loops (see :mod:`briefgen.emit.mkdocs_parallel`)."""
    fault: TemplateFault | None = None
    """The theme template (an override, usually) that failed, when that is what stopped the build."""
    crash: str = ""
    """An unexpected exception that stopped MkDocs (type and message), for the bug report."""
    pages: dict[str, mkdocs_parallel.PageOutput] | None = None
    """Every page's output by ``src_uri`` (builds with MkDocs' page steps; None after MkDocs' own ``build()``)."""
    built: int = -1
    """Pages built (the others restored from an earlier build); -1: all, by MkDocs' own ``build()``."""


class _PageProgress:
    """A MkDocs plugin (added by :func:`build_site`) reporting the pages done in MkDocs' two page loops:
    ``("mkdocs", done, total)`` while pages are read and their Markdown rendered, then ``("theme", done, total)``
    while the theme writes them. Reports about every 1% so that a terminal display costs nothing."""

    def __init__(self, progress: Callable[[str, int, int], None]) -> None:
        self.progress = progress
        self.total = 0
        self.done = {"mkdocs": 0, "theme": 0}

    def on_files(self, files, /, *, config):
        self.start(len(files.documentation_pages()))
        return None

    def start(self, total: int) -> None:
        """Count ``total`` pages from now on."""
        self.total = total
        self.step = max(1, total // 100)

    def tick(self, stage: str) -> None:
        """One more page done in ``stage`` (``mkdocs`` or ``theme``)."""
        n = self.done[stage] = self.done[stage] + 1
        if n % self.step == 0 or n == self.total:
            self.progress(stage, n, self.total)

    def on_page_content(self, html, /, *, page, config, files):
        self.tick("mkdocs")
        return None

    def on_post_page(self, output, /, *, page, config):
        self.tick("theme")
        return None


class _Inspect:
    """A MkDocs plugin calling ``inspect(site path, HTML)`` on every page written (one-process builds)."""

    def __init__(self, inspect: Callable[[str, str], object]) -> None:
        self.inspect = inspect
        self.inspected: list[tuple[str, object]] = []

    def on_post_page(self, output, /, *, page, config):
        self.inspected.append((page.file.dest_uri, self.inspect(page.file.dest_uri, output)))
        return None


class _OwnTags:
    """A MkDocs plugin (one-process builds) keeping each page's search tags on its first search entry only
    (:func:`~briefgen.emit.mkdocs_steps.own_tags`), after the search plugin added the page's entries."""

    def __init__(self) -> None:
        self.mark = 0

    def on_page_context(self, context, /, *, page, config, nav):
        index = mkdocs_steps.find_search(config)
        if index is not None:
            entries = index.entries()
            mkdocs_steps.own_tags(entries[self.mark :])
            self.mark = len(entries)
        return None

    on_page_context.mkdocs_priority = -100  # type: ignore[attr-defined]  # after the search plugin's


AUTO_MIN_SHARE = 100
"""Pages each process must have before a build with the default number of workers forks another one: starting a
worker (fork, reading the pages of the navigation again, sending back the search index) costs about what MkDocs
takes for a few dozen pages."""


def default_workers() -> int:
    """Processes for MkDocs' page loops: ``BRIEFGEN_JOBS`` if set, else the usable cores (at most 8)."""
    env = os.environ.get("BRIEFGEN_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))


def build_site(
    config_file: Path,
    site_dir: Path,
    epoch: int,
    progress: Callable[[str, int, int], None] | None = None,
    inspect: Callable[[str, str], object] | None = None,
    workers: int | None = None,
    reuse: mkdocs_parallel.Reuse | None = None,
    compiled: Path | None = None,
) -> MkDocsResult:
    """Build the MkDocs project ``config_file`` into ``site_dir`` (strict). ``epoch`` fixes build dates.

    ``progress`` is called as ``(stage, done, total)`` while MkDocs works through the pages; ``inspect`` is called
    with each page's site path and HTML as it is written. ``workers`` (default :func:`default_workers`) processes
    share the page loops when this process may fork (:mod:`briefgen.emit.mkdocs_parallel`); the site is the same
    byte for byte either way. ``reuse`` (the build cache) restores pages an earlier build wrote instead of building
    them again; it needs MkDocs' page steps (:mod:`briefgen.emit.mkdocs_steps`), and is ignored without them.
    ``compiled``: where the theme's compiled templates are kept between builds (with ``reuse``)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    auto = workers is None and not os.environ.get("BRIEFGEN_JOBS", "").strip()
    workers = default_workers() if workers is None else max(1, workers)
    if workers > 1 and not mkdocs_parallel.can_split():
        workers = 1
    if reuse is not None and not steps_available():
        reuse = None
    pages = None
    built = -1
    collect = Collect()
    inspected: tuple = ()
    overrides = (config_file.parent / "overrides",)
    with quiet_mkdocs(collect), source_date_epoch(epoch):
        try:
            cfg = load_mkdocs_config(config_file, site_dir)
            if workers > 1 or reuse is not None:
                merged = mkdocs_parallel.build_split(
                    cfg,
                    workers,
                    collect,
                    inspect,
                    _PageProgress(progress) if progress is not None else None,
                    min_share=AUTO_MIN_SHARE if auto else 1,
                    reuse=reuse,
                    compiled=compiled if reuse is not None else None,
                )
                inspected = tuple(
                    (out.dest_uri, out.inspected) for out in merged.pages.values() if out.inspected is not None
                )
                workers, pages, built = merged.processes, merged.pages, merged.built
            else:
                if progress is not None:
                    cfg.plugins["briefgen-progress"] = _PageProgress(progress)
                cfg.plugins["briefgen-own-tags"] = _OwnTags()
                hook = _Inspect(inspect) if inspect is not None else None
                if hook is not None:
                    cfg.plugins["briefgen-inspect"] = hook
                build(cfg)
                inspected = tuple(hook.inspected) if hook is not None else ()
        except (Abort, ConfigurationError) as exc:
            msg = str(exc).strip()
            if msg and not collect.messages:
                collect.messages.append(msg)
            return MkDocsResult(False, tuple(collect.messages), workers=workers)
        except mkdocs_parallel.WorkerFailed as exc:
            return MkDocsResult(False, tuple(collect.messages), workers=workers, fault=exc.fault, crash=exc.crash)
        except Exception as exc:  # a theme template (override) failing, or a bug: reported, never a traceback
            fault = template_fault(exc, overrides)
            return MkDocsResult(
                False,
                tuple(collect.messages),
                workers=workers,
                fault=fault,
                crash="" if fault else f"{type(exc).__name__}: {exc}",
            )
    return MkDocsResult(not collect.messages, tuple(collect.messages), inspected, workers, pages=pages, built=built)


_MKDOCS_DOC = re.compile(r"\b(?:Doc file|Error reading page|Error building page) '([^']+\.md)'")
"""The page a MkDocs message is about (a path under build/docs/)."""


class Failure(Protocol):
    """A failed MkDocs build as the adapters describe it (:class:`MkDocsResult`, or a live preview's
    :class:`~briefgen.emit.incremental.UpdateResult`)."""

    @property
    def messages(self) -> tuple[str, ...]: ...
    @property
    def fault(self) -> TemplateFault | None: ...
    @property
    def crash(self) -> str: ...


def report_mkdocs(result: Failure, root: Path, diags: Diagnostics, built: Path | None = None) -> None:
    """Diagnostics for a failed MkDocs build: a failing theme template at its line in the briefing's
    ``templates/overrides/``; MkDocs' complaints about a page at the generated page under build/docs/.
    ``built``: the generated project (default ``root/build``)."""
    built = built or root / BUILD_DIR
    tdir = root / "templates"
    overrides = tdir.is_dir() and any(p.is_file() for p in tdir.rglob("*"))
    fault = result.fault
    for msg in result.messages:
        doc = _MKDOCS_DOC.search(msg)
        if fault is not None and msg.startswith(("Error building page", "Error reading page")):
            continue  # said below, at the template
        where = Span(f"{BUILD_DIR}/docs/{doc.group(1)}") if doc else Span(f"{BUILD_DIR}/mkdocs.yml")
        diags.error(
            where,
            "mkdocs",
            f"MkDocs: {msg}",
            "the generated page comes from your templates/ overrides: fix the template that wrote it"
            if overrides
            else "this is a briefgen bug if your content passed 'briefgen check'; please report it",
        )
    if fault is not None:
        path = Path(fault.file)
        try:
            rel = path.resolve().relative_to((built / "overrides").resolve()).as_posix()
            shown = f"templates/overrides/{rel}"
            theirs = True
        except (OSError, ValueError):
            shown, theirs = (f"(theme) {path.name}" if path.is_absolute() else fault.file), False
        what = (
            f"'{fault.missing}' is neither in templates/overrides/ nor a template of the theme"
            if fault.missing
            else fault.message
        )
        diags.error(
            Span(shown, fault.line),
            "template",
            f"theme template failed: {what}",
            "fix your override, or delete it to use the theme's own template"
            if theirs
            else "a template override of yours probably passes the theme something it does not expect: "
            "check templates/overrides/ against Material for MkDocs' templates",
        )
    elif result.crash:
        diags.error(
            Span(f"{BUILD_DIR}/mkdocs.yml"),
            "mkdocs",
            f"MkDocs stopped: {result.crash}",
            "this is a briefgen bug if your content passed 'briefgen check'; please report it",
        )
