"""The one place that reaches inside MkDocs: its private page steps and the search plugin's index.

MkDocs' ``build()`` runs private per-page steps (``_populate_page``: Markdown to HTML; ``_build_page``: HTML into
the theme; ``_build_theme_template`` / ``_build_extra_template``). briefgen runs those same steps itself to share
the page loops between processes (:mod:`briefgen.emit.mkdocs_parallel`) and to rebuild single pages while serving
(:mod:`briefgen.emit.incremental`), and it reads and rewrites the search plugin's list of entries. Both are
internals that MkDocs may change in any release, so they are used only for the MkDocs series this code was written
for (:data:`WRITTEN_FOR`); with any other version :func:`steps_available` is False and the callers run MkDocs' own
``build()`` instead (correct, only slower).

Also here: the small helpers every MkDocs caller needs (quiet logging, the build date, loading the config).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WRITTEN_FOR = "1.6."
"""The MkDocs series whose private build steps this module calls (checked in :func:`steps_available`)."""


def mkdocs_version() -> str:
    """The installed MkDocs version."""
    import mkdocs

    return str(getattr(mkdocs, "__version__", ""))


def steps_available() -> bool:
    """True when MkDocs is of the series :data:`WRITTEN_FOR` and has the private steps: else callers use ``build()``."""
    if not mkdocs_version().startswith(WRITTEN_FOR):
        return False
    from mkdocs.commands import build

    return all(
        hasattr(build, n) for n in ("_populate_page", "_build_page", "_build_theme_template", "_build_extra_template")
    )


def populate_page(page: Any, config: Any, files: Any) -> None:
    """MkDocs' step reading a page and rendering its Markdown to HTML."""
    from mkdocs.commands.build import _populate_page

    _populate_page(page, config, files)


def read_title(page: Any, config: Any, files: Any) -> None:
    """What other pages show of a page they do not build (the navigation: its title and metadata): its source and
    front matter only when that gives the title (MkDocs' ``Page.title`` then reads nothing else), else the whole
    :func:`populate_page`."""
    page.read_source(config)
    if "title" not in page.meta:
        populate_page(page, config, files)


def build_page(page: Any, config: Any, doc_files: Any, nav: Any, env: Any, *, excluded: bool = False) -> None:
    """MkDocs' step putting a page's HTML into the theme and writing it."""
    from mkdocs.commands.build import _build_page

    _build_page(page, config, doc_files, nav, env, excluded=excluded)


def env_handled(config: Any) -> bool:
    """True when a plugin handles MkDocs' ``on_env`` event (which MkDocs fires after reading every page, before
    writing any): then the pages must all be read before it."""
    return bool(config.plugins.events.get("env"))


def release_page(page: Any) -> None:
    """Drop a written page's Markdown, HTML and table of contents (MkDocs keeps them until the build ends). What
    other pages show of it stays: its URL, metadata and title (``Page.title`` gives the same with both emptied:
    the title from its metadata or its first heading, kept apart, else from the file name), and its anchors."""
    if page.markdown is not None:
        page.markdown = ""
    if page.content is not None:
        page.content = ""
    page.toc = type(page.toc)([]) if hasattr(page.toc, "items") else []


def build_theme_template(name: str, env: Any, files: Any, config: Any, nav: Any) -> None:
    """MkDocs' step writing one of the theme's static templates (``404.html``, ``sitemap.xml``)."""
    from mkdocs.commands.build import _build_theme_template

    _build_theme_template(name, env, files, config, nav)


def build_extra_template(name: str, files: Any, config: Any, nav: Any) -> None:
    """MkDocs' step writing one of the config's ``extra_templates``."""
    from mkdocs.commands.build import _build_extra_template

    _build_extra_template(name, files, config, nav)


def add_theme_files(files: Any, env: Any, config: Any) -> None:
    """MkDocs' ``Files.add_files_from_theme`` without walking the theme's hidden folders (Material's ``.icons``:
    14,000 files), whose files MkDocs 1.6 leaves out anyway (its filter drops every path with a part that starts
    with a dot: ``.*``, ``*/.*``). Another kind of template loader is listed as MkDocs lists it."""
    import jinja2

    loader = env.loader
    if type(loader) is not jinja2.FileSystemLoader:
        files.add_files_from_theme(env, config)
        return
    files.add_files_from_theme(_ThemeListing(loader), config)


class _ThemeListing:
    """What ``add_files_from_theme`` asks of the theme's Jinja environment: its templates, listed as Jinja's
    ``FileSystemLoader`` lists them, hidden folders left out."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def list_templates(self, extensions: Any = None, filter_func: Any = None) -> list[str]:
        found = set()
        for searchpath in self.loader.searchpath:
            for dirpath, dirs, filenames in os.walk(searchpath, followlinks=self.loader.followlinks):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for filename in filenames:
                    name = (
                        os.path.join(dirpath, filename)[len(searchpath) :].strip(os.path.sep).replace(os.path.sep, "/")
                    )
                    found.add(name[2:] if name[:2] == "./" else name)
        names = sorted(found)
        if extensions is not None:
            names = [n for n in names if "." in n and n.rsplit(".", 1)[1] in extensions]
        return [n for n in names if filter_func is None or filter_func(n)]


@dataclass(frozen=True)
class SearchIndex:
    """The search plugin of a loaded config and the list of entries its index writes (Material's layout)."""

    plugin: Any
    """The plugin instance."""
    owner: Any
    """The plugin's index object (``plugin.search_index``)."""
    attr: str
    """The name of the owner's list of entries."""

    def entries(self) -> list:
        """The entries gathered so far, in page order (the live list)."""
        return getattr(self.owner, self.attr)

    def set_entries(self, entries: list) -> None:
        """Replace the entries the index will write."""
        setattr(self.owner, self.attr, entries)

    def reinstall(self, config: Any) -> None:
        """Put this index and plugin config back on the plugin: MkDocs caches plugin instances that have
        ``on_startup`` process-wide, so a later build in the same process re-configures the same instance."""
        self.plugin.config = config
        self.plugin.search_index = self.owner

    def write(self, config: Any) -> None:
        """Write the search index files (the plugin's own end-of-build step)."""
        self.plugin.on_post_build(config=config)


def find_search(config: Any) -> SearchIndex | None:
    """The search plugin and its index, if it is one we know (Material's)."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] != "search":
            continue
        index = getattr(plugin, "search_index", None)
        for attr in ("entries", "_entries"):
            if isinstance(getattr(index, attr, None), list):
                return SearchIndex(plugin, index, attr)
    return None


def own_tags(entries: list) -> list:
    """A page's search entries (Material's: one per section) with the page's tags kept on its first entry only:
    Material copies them to every section, which made each entity page's names weigh by its number of sections
    and repeated them in the index once a section. Changes the entries in place; returns them."""
    for entry in entries:
        if isinstance(entry, dict) and "#" in str(entry.get("location", "")):
            entry.pop("tags", None)
    return entries


def has_search(config: Any) -> bool:
    """True when a search plugin is configured (whether or not :func:`find_search` knows its index)."""
    return any(name.split("/")[-1] == "search" for name in config.plugins)


class Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors (strict builds fail on any)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def quiet_mkdocs(handler: logging.Handler) -> Iterator[None]:
    """MkDocs' log goes only to ``handler`` while inside."""
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
def source_date_epoch(epoch: int) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set to ``epoch`` while inside: MkDocs dates pages and the sitemap with it."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def load_mkdocs_config(config_file: Path, site_dir: Path) -> Any:
    """The project's MkDocs config, strict, building into ``site_dir``."""
    from mkdocs.config import load_config

    return load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True)
