"""Incremental MkDocs builds for ``briefgen serve``: the MkDocs-facing half (thin; MkDocs stays in emit/).

A :class:`LiveSite` runs one real, full ``mkdocs build`` (MkDocs' own :func:`build`) and keeps what that
build had in memory — the loaded config with its plugins, the ``Files``, the ``Navigation`` and the theme's
Jinja environment — captured by a small internal plugin. Afterwards, as long as the *structure* of the
project is unchanged (same ``mkdocs.yml``, same set of files, same theme overrides, same front matter on
the pages the navigation lists), a change to some pages re-runs only MkDocs' per-page steps for them
(:mod:`briefgen.emit.mkdocs_steps`: the same functions ``build()`` calls), re-validates anchors
and rewrites the search index from per-page entries kept in build order. Every other output of a build
(theme assets, ``404.html``, ``sitemap.xml``) depends only on the structure, so the folder stays
byte-identical to what a clean build of the same project produces. Anything else is a full build, and so is
every build under a MkDocs series other than the one those steps were written for.

Full builds go into a fresh folder; :attr:`LiveSite.site` is a symlink that is switched atomically to
it, so readers see the previous site until the new one is complete.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.emit import mkdocs_steps as steps
from briefgen.emit.mkdocs_steps import Collect, SearchIndex, load_mkdocs_config, quiet_mkdocs, source_date_epoch
from briefgen.emit.site import prune_empty
from briefgen.render.errors import TemplateFault, template_fault


class Stopped(Exception):
    """Raised inside a build when the caller asked it to stop (e.g. Ctrl-C while serving)."""


@dataclass
class UpdateResult:
    """Outcome of one :meth:`LiveSite.update`."""

    ok: bool
    messages: tuple[str, ...] = ()
    full: bool = False
    """True when a full build was done (structure changed)."""
    pages: tuple[str, ...] = ()
    """Site URLs (e.g. ``actors/lavrov.html``) of the pages rewritten or deleted; all pages on a full build."""
    why: str = ""
    """Why a full build was needed (empty for incremental updates)."""
    fault: TemplateFault | None = None
    """The theme template (an override, usually) that failed, when that is what stopped the build."""
    crash: str = ""
    """An unexpected exception that stopped MkDocs (type and message), for the bug report."""


@dataclass
class _State:
    """What the last good full build left in memory."""

    config: Any
    files: Any
    nav: Any
    env: Any
    capture: Any
    search: SearchIndex | None
    """The search plugin's index as this site's build left it (None: no search plugin briefgen knows)."""
    search_config: Any = None
    """The search plugin's config of this site's build (put back before pages are re-rendered)."""
    page_meta: dict[str, dict] = field(default_factory=dict)


def _make_capture(should_stop: Callable[[], bool]):
    from mkdocs.plugins import BasePlugin, event_priority

    class Capture(BasePlugin):
        """Keeps files, nav, env and each page's search entries; stops the build when asked."""

        def __init__(self) -> None:
            super().__init__()
            self.files = self.nav = self.env = None
            self.search: SearchIndex | None = None
            self.entries: dict[str, list] = {}
            self._mark = 0

        @event_priority(100)
        def on_pre_build(self, *, config):
            self.search = steps.find_search(config)  # the search plugin made its index in on_config
            self.entries.clear()
            self._mark = 0

        @event_priority(-100)
        def on_files(self, files, *, config):
            self.files = files

        @event_priority(-100)
        def on_nav(self, nav, *, config, files):
            self.nav = nav

        @event_priority(-100)
        def on_env(self, env, *, config, files):
            self.env = env

        @event_priority(100)
        def on_pre_page(self, page, *, config, files):
            if should_stop():
                raise Stopped()

        @event_priority(-100)
        def on_page_context(self, context, *, page, config, nav):
            if should_stop():
                raise Stopped()
            lst = self.index_list()
            if lst is not None:
                self.entries[page.file.src_uri] = steps.own_tags(lst[self._mark :])
                self._mark = len(lst)

        def index_list(self) -> list | None:
            return self.search.entries() if self.search is not None else None

        def reset_index(self) -> None:
            if self.search is not None:
                self.search.set_entries([])
            self._mark = 0

    return Capture()


def _page_meta(files) -> dict[str, dict]:
    return {f.src_uri: dict(f.page.meta) for f in files.documentation_pages() if f.page is not None}


def _nav_srcs(nav) -> set[str]:
    return {p.file.src_uri for p in nav.pages}


class LiveSite:
    """A MkDocs project kept built in memory, updated page by page when its structure allows."""

    def __init__(
        self,
        config_file: Path,
        work: Path,
        epoch: int = 0,
        should_stop: Callable[[], bool] = lambda: False,
        finish: Callable[[Path, tuple[str, ...] | None], bool] | None = None,
    ):
        self.config_file = config_file
        self.work = work
        self.site = work / "site"
        """The served folder: a symlink to the current build."""
        self.epoch = epoch
        self.should_stop = should_stop
        self.finish = finish
        """Run on a site folder after MkDocs, as ``briefgen build`` does (with the site paths rewritten, or
        None after a full build); False means the build failed (the caller reported why)."""
        self._state: _State | None = None
        self._serial = 0
        self._folder: Path | None = None
        self.lock = threading.Lock()
        """Held while the served folder is being changed (readers take it to see whole files)."""

    # -- full build ---------------------------------------------------------------------------------
    def full_build(self) -> UpdateResult:
        """A real ``mkdocs build`` into a fresh folder, swapped in on success; state kept for updates."""
        from mkdocs.commands.build import build
        from mkdocs.exceptions import Abort, ConfigurationError

        self._serial += 1
        folder = self.work / f"site-{self._serial}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        collect = Collect()
        capture = _make_capture(self.should_stop)
        try:
            with quiet_mkdocs(collect), source_date_epoch(self.epoch):
                cfg = load_mkdocs_config(self.config_file, folder)
                cfg.plugins["briefgen-serve-capture"] = capture
                build(cfg)
        except (Abort, ConfigurationError) as exc:
            msg = str(exc).strip()
            if msg and not collect.messages:
                collect.messages.append(msg)
            return self._failed(folder, collect.messages)
        except Stopped:
            self._failed(folder, ())
            raise
        except Exception as exc:  # a theme override failing (or a bug): reported like `briefgen build` does
            res = self._failed(folder, collect.messages)
            res.fault = template_fault(exc, (self.config_file.parent / "overrides",))
            res.crash = "" if res.fault else f"{type(exc).__name__}: {exc}"
            return res
        except BaseException:
            self._failed(folder, ())
            raise
        if collect.messages:
            return self._failed(folder, collect.messages)
        if self.finish is not None and not self.finish(folder, None):
            return self._failed(folder, ())
        with self.lock:  # readers read whole files under the lock: once switched, none is in the old one
            self._point_site_at(folder)
            old, self._folder = self._folder, folder
        if old is not None and old != folder:
            shutil.rmtree(old, ignore_errors=True)
        found = steps.find_search(cfg)
        search = None
        if found is not None and capture.search is not None and found.owner is capture.search.owner:
            search = found
        self._state = _State(
            cfg,
            capture.files,
            capture.nav,
            capture.env,
            capture,
            search,
            search.plugin.config if search is not None else None,
            _page_meta(capture.files),
        )
        pages = tuple(f.url for f in capture.files.documentation_pages())
        return UpdateResult(True, (), full=True, pages=pages)

    def _failed(self, folder: Path, messages) -> UpdateResult:
        """A full build failed: the previous site stays served; the next update is a full build again
        (the project on disk is already newer than what is served)."""
        shutil.rmtree(folder, ignore_errors=True)
        self._state = None
        return UpdateResult(False, tuple(messages), full=True)

    def _point_site_at(self, folder: Path) -> None:
        tmp = self.work / ".site-link"
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        os.symlink(folder.name, tmp)
        os.replace(tmp, self.site)

    # -- incremental --------------------------------------------------------------------------------
    def update(self, epoch: int, changed: Iterable[str]) -> UpdateResult:
        """Bring the site up to date after the project files ``changed`` (paths relative to the project,
        as :func:`briefgen.emit.project.write_project` returns them) were written.

        Only pages whose Markdown changed are rebuilt; pages added or removed (a new entity or article) are
        built or deleted, and the sitemap and search index follow. It is a full build when there was no good
        build yet, the build date changed, ``mkdocs.yml`` (hence the navigation) or a theme override changed,
        or a page the navigation lists was removed or changed its front matter.
        """
        changed = sorted(set(changed))
        state = self._state
        why = ""
        if state is None:
            why = "first build" if self._folder is None else "the previous build failed"
        elif epoch != self.epoch:
            why = "the build date changed"
        elif state.search is None and steps.has_search(state.config):
            why = "this search plugin cannot be updated page by page"
        if why:
            self.epoch = epoch
            res = self.full_build()
            res.why = why
            return res
        assert state is not None
        if any(not c.startswith("docs/") for c in changed):
            return self._full("mkdocs.yml or a theme override changed")
        pages: list = []
        statics: list = []
        added: list[str] = []
        removed: list = []
        nav_srcs = _nav_srcs(state.nav)
        docs_dir = Path(state.config.docs_dir)
        for src in (c[len("docs/") :] for c in changed):
            f = state.files.get_file_from_path(src)
            if f is None or f.abs_src_path is None:
                if (docs_dir / src).is_file():
                    added.append(src)
                continue
            if not os.path.isfile(f.abs_src_path):
                if src in nav_srcs:
                    return self._full("a page the navigation lists was removed")
                removed.append(f)
                continue
            (pages if f.is_documentation_page() else statics).append(f)
        if not pages and not statics and not added and not removed:
            return UpdateResult(True, (), full=False, pages=())
        try:
            with self.lock:
                if added or removed:
                    new = self._add_remove(state, added, removed)
                    pages += [f for f in new if f.is_documentation_page()]
                    statics += [f for f in new if not f.is_documentation_page()]
                return self._update_pages(state, pages, statics, structure=bool(added or removed), removed=removed)
        except Stopped:
            raise
        except _NeedFull as exc:
            return self._full(str(exc))

    def _add_remove(self, state: _State, added: list[str], removed: list) -> list:
        """Pages added to or removed from the project, when the navigation is the same (it lists only the index
        pages): the files are put in the order a clean build lists them (MkDocs walks the docs folder sorted, the
        theme's files follow), removed pages leave the site with their search entries. Returns the new files,
        to be built like changed ones; the sitemap is rewritten by :meth:`_update_pages`."""
        from mkdocs.structure.files import get_files
        from mkdocs.structure.pages import Page

        cfg, files = state.config, state.files
        fresh = get_files(cfg)
        gone = {f.src_uri for f in removed}
        new = [f for f in fresh if f.src_uri in set(added)]
        order = [files.get_file_from_path(f.src_uri) or f for f in fresh if f.src_uri not in gone]
        known = {f.src_uri for f in order}
        order += [f for f in files if f.src_uri not in known and f.src_uri not in gone]  # the theme's files
        for f in list(files):
            files.remove(f)
        for f in order:
            files.append(f)
        with source_date_epoch(self.epoch):  # a page's update date is read when it is made
            for f in new:
                if f.is_documentation_page():
                    Page(None, f, cfg)
        site = Path(cfg.site_dir).resolve()
        for f in removed:
            state.capture.entries.pop(f.src_uri, None)
            state.page_meta.pop(f.src_uri, None)
            out = Path(f.abs_dest_path)
            try:
                out.unlink()
            except FileNotFoundError:
                pass
            prune_empty(out.parent.resolve(), site)
        return new

    def _full(self, why: str) -> UpdateResult:
        res = self.full_build()
        res.why = why
        return res

    def _update_pages(
        self, state: _State, pages: list, statics: list, structure: bool = False, removed: Sequence = ()
    ) -> UpdateResult:
        """Re-render ``pages``, copy ``statics``; with ``structure`` (pages were added or removed) also the theme's
        templates that list every page (``sitemap.xml``). The URLs of the ``removed`` files (already deleted) are
        reported with the rewritten ones: a browser showing one must reload."""
        if not steps.steps_available():
            raise _NeedFull(f"MkDocs {steps.mkdocs_version()} cannot rebuild single pages")
        from mkdocs.exceptions import Abort, BuildError
        from mkdocs.structure.files import InclusionLevel

        cfg, files, nav, env, capture = state.config, state.files, state.nav, state.env, state.capture
        collect = Collect()
        nav_srcs = _nav_srcs(nav)
        with quiet_mkdocs(collect), source_date_epoch(self.epoch):
            try:
                if state.search is not None:
                    state.search.reinstall(state.search_config)
                for f in pages:
                    steps.populate_page(f.page, cfg, files)
                    if f.src_uri in nav_srcs and dict(f.page.meta) != state.page_meta.get(f.src_uri):
                        raise _NeedFull("front matter of a page in the navigation changed")
                    state.page_meta[f.src_uri] = dict(f.page.meta)
                doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
                capture.reset_index()
                for f in pages:
                    steps.build_page(f.page, cfg, doc_files, nav, env, excluded=f.inclusion.is_excluded())
                for f in statics:
                    f.copy_file()
                if structure:
                    for template in cfg.theme.static_templates:
                        steps.build_theme_template(template, env, files, cfg, nav)
                level = cfg.validation.links.anchors
                for f in doc_files:
                    f.page.validate_anchor_links(files=files, log_level=level)
                if state.search is not None and (pages or structure):
                    lst = []
                    for f in doc_files:
                        lst.extend(capture.entries.get(f.src_uri, ()))
                    state.search.set_entries(lst)
                    state.search.write(cfg)
            except (BuildError, Abort) as exc:
                self._state = None  # the folder may be half-updated: the next update is a full build
                return UpdateResult(False, tuple(collect.messages) or (str(exc),))
            except (_NeedFull, Stopped):
                raise
            except Exception as exc:
                self._state = None
                fault = template_fault(exc, (self.config_file.parent / "overrides",))
                return UpdateResult(
                    False, tuple(collect.messages), fault=fault, crash="" if fault else f"{type(exc).__name__}: {exc}"
                )
        if collect.messages:
            self._state = None
            return UpdateResult(False, tuple(collect.messages))
        urls = tuple(f.url for f in pages + statics) + (tuple(cfg.theme.static_templates) if structure else ())
        if self.finish is not None and self._folder is not None and not self.finish(self._folder, urls):
            self._state = None
            return UpdateResult(False, ())
        return UpdateResult(True, (), full=False, pages=urls + tuple(f.url for f in removed))

    def close(self) -> None:
        """Remove every folder this site wrote."""
        shutil.rmtree(self.work, ignore_errors=True)


class _NeedFull(Exception):
    pass
