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


@dataclass(frozen=True)
class MkDocsResult:
    """Outcome of one MkDocs build."""

    ok: bool
    """True when MkDocs built the site with no warning (strict)."""
    messages: tuple[str, ...]
    """MkDocs' warnings and errors, as it worded them."""


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


class _PageProgress:
    """A MkDocs plugin (added by :func:`build_site`) reporting the pages done in MkDocs' two page loops:
    ``("mkdocs", done, total)`` while pages are read and their Markdown rendered, then ``("theme", done, total)``
    while the theme writes them. Reports about every 1% so that a terminal display costs nothing."""

    def __init__(self, progress: Callable[[str, int, int], None]) -> None:
        self.progress = progress
        self.total = 0
        self.done = {"mkdocs": 0, "theme": 0}

    def on_files(self, files, /, *, config):
        self.total = len(files.documentation_pages())
        self.step = max(1, self.total // 100)
        return None

    def _tick(self, stage: str) -> None:
        n = self.done[stage] = self.done[stage] + 1
        if n % self.step == 0 or n == self.total:
            self.progress(stage, n, self.total)

    def on_page_content(self, html, /, *, page, config, files):
        self._tick("mkdocs")
        return None

    def on_post_page(self, output, /, *, page, config):
        self._tick("theme")
        return None


def build_site(config_file: Path, site_dir: Path, epoch: int,
               progress: Callable[[str, int, int], None] | None = None) -> MkDocsResult:
    """Build the MkDocs project ``config_file`` into ``site_dir`` (strict). ``epoch`` fixes build dates.

    ``progress`` is called as ``(stage, done, total)`` while MkDocs works through the pages."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    collect = _Collect()
    with _quiet_mkdocs(collect), _source_date_epoch(epoch):
        try:
            cfg = load_mkdocs_config(config_file, site_dir)
            if progress is not None:
                cfg.plugins["briefgen-progress"] = _PageProgress(progress)
            build(cfg)
        except (Abort, ConfigurationError) as exc:
            msg = str(exc).strip()
            if msg and not collect.messages:
                collect.messages.append(msg)
            return MkDocsResult(False, tuple(collect.messages))
    return MkDocsResult(not collect.messages, tuple(collect.messages))
