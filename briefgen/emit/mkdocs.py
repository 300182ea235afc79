"""Thin adapter over MkDocs: build a generated project into a folder, collecting MkDocs' warnings.

Nothing else in briefgen imports MkDocs.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _quiet_mkdocs(handler: logging.Handler):
    logger = logging.getLogger("mkdocs")
    old = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.handlers, logger.propagate, logger.level = old[0], old[1], old[2]


@contextmanager
def _source_date_epoch(epoch: int):
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def load_mkdocs_config(config_file: Path, site_dir: Path):
    from mkdocs.config import load_config

    return load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True)


def find_search(config) -> tuple[object, tuple[object, str]] | None:
    """The search plugin and (its index, the name of the index's entry list), if it is one we know (Material's)."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] != "search":
            continue
        index = getattr(plugin, "search_index", None)
        for attr in ("entries", "_entries"):
            if isinstance(getattr(index, attr, None), list):
                return plugin, (index, attr)
    return None


def has_search(config) -> bool:
    """True when a search plugin is configured (whether or not :func:`find_search` knows its index)."""
    return any(name.split("/")[-1] == "search" for name in config.plugins)


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


def build_site(config_file: Path, site_dir: Path, epoch: int,
               progress: Callable[[str, int, int], None] | None = None,
               inspect: Callable[[str, str], object] | None = None, workers: int | None = None) -> MkDocsResult:
    """Build the MkDocs project ``config_file`` into ``site_dir`` (strict). ``epoch`` fixes build dates.

    ``progress`` is called as ``(stage, done, total)`` while MkDocs works through the pages; ``inspect`` is called
    with each page's site path and HTML as it is written. ``workers`` (default :func:`default_workers`) processes
    share the page loops when this process may fork (:mod:`briefgen.emit.mkdocs_parallel`); the site is the same
    byte for byte either way."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    from briefgen.emit import mkdocs_parallel

    auto = workers is None and not os.environ.get("BRIEFGEN_JOBS", "").strip()
    workers = default_workers() if workers is None else max(1, workers)
    if workers > 1 and not mkdocs_parallel.can_split():
        workers = 1
    collect = _Collect()
    inspected: tuple = ()
    overrides = (config_file.parent / "overrides",)
    with _quiet_mkdocs(collect), _source_date_epoch(epoch):
        try:
            cfg = load_mkdocs_config(config_file, site_dir)
            if workers > 1:
                merged = mkdocs_parallel.build_split(cfg, workers, collect, inspect,
                                                     _PageProgress(progress) if progress is not None else None,
                                                     min_share=AUTO_MIN_SHARE if auto else 1)
                inspected, workers = tuple(merged.inspected), merged.processes
            else:
                if progress is not None:
                    cfg.plugins["briefgen-progress"] = _PageProgress(progress)
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
            return MkDocsResult(False, tuple(collect.messages), workers=workers, fault=fault,
                                crash="" if fault else f"{type(exc).__name__}: {exc}")
    return MkDocsResult(not collect.messages, tuple(collect.messages), inspected, workers)
