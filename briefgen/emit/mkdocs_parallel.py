"""MkDocs' build on several cores: the same steps as ``mkdocs.commands.build.build``, with the page loops shared.

MkDocs builds one page after another. On a large briefing its two page loops — Markdown to HTML
(``_populate_page``) and HTML into the theme (``_build_page``) — are nearly all of the build, and every page is
independent of the others once the files and the navigation are known. :func:`build_split` therefore runs
MkDocs' own steps in MkDocs' order, and after the navigation is made forks ``workers - 1`` processes; each
process (this one included) runs both page loops over one contiguous share of the pages (balanced by size)
and writes those pages into the site folder, one page at a time: read, converted, written, then its Markdown,
HTML and table of contents dropped (MkDocs keeps every page's until the end, over 1 GiB for 10,000 articles). The processes send back what the rest of the build needs from
their pages:

* the search plugin's entries (appended in page order, so joining the shares in order gives the index a
  one-process build writes);
* each page's anchors and the anchor links it contains (MkDocs validates anchors across pages at the end);
* what ``inspect`` found in each written page (briefgen's offline check reads the HTML while it is in memory);
* MkDocs' warnings and errors, and a tick per page for the progress display.

Pages the navigation lists are read in every process (there are few), so each process renders the navigation
exactly as one process would. Theme assets, ``404.html`` and ``sitemap.xml`` are written by this process. The
result is byte-identical to MkDocs' own build (``tests/test_site.py`` compares them).

Only :mod:`briefgen.emit.mkdocs` uses this module. It needs ``os.fork``, a process with one thread (forking
a threaded process can deadlock; the progress ticker pauses itself, see :mod:`briefgen.forks`) and MkDocs' page
steps (:mod:`briefgen.emit.mkdocs_steps`, for the MkDocs series it was written for), so :func:`can_split`
decides; otherwise MkDocs' own ``build`` runs.
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import select
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefgen import forks, gcpolicy
from briefgen.emit import mkdocs_steps as steps
from briefgen.render.errors import template_fault

if TYPE_CHECKING:
    import jinja2

Inspect = Callable[[str, str], object]
"""Called as (site path, HTML) for each page MkDocs writes; the results come back in page order."""


class WorkerFailed(Exception):
    """A page worker stopped on an exception; ``fault`` locates it when a template raised it."""

    def __init__(self, message: str, fault, crash: str) -> None:
        super().__init__(message)
        self.fault = fault
        self.crash = crash


def can_split() -> bool:
    """True when this process may fork page workers (POSIX, no thread but the progress ticker: see
    :mod:`briefgen.forks`) and MkDocs' page steps are known."""
    return forks.can_fork() and steps.steps_available()


@dataclass(frozen=True)
class PageOutput:
    """What the rest of a build needs from one page once it is written (kept by the build cache, see
    :class:`Reuse`)."""

    dest_uri: str
    """Where the page was written in the site."""
    entries: tuple
    """The search plugin's entries for the page."""
    anchor_ids: frozenset | None
    """The anchor ids the page has (None: MkDocs did not collect them)."""
    links: dict[str, dict[str, str]]
    """Its anchor links: target ``src_uri`` → anchor → link."""
    inspected: object
    """What ``inspect`` returned for the page."""


class Reuse(Protocol):
    """Pages whose output an earlier build left (:mod:`briefgen.emit.pagecache`)."""

    def begin(self, nav: list[str], pages: list[str]) -> None:
        """The build's navigation pages and all its pages (``src_uri``s), before any page is asked for."""

    def restore(self, src_uri: str, dest_uri: str) -> PageOutput | None:
        """Put the page's earlier output in place in the site and return it, or None when it must be built."""


@dataclass
class Share:
    """What one process did with its share of the pages (sent from a worker to the parent, pickled)."""

    entries: dict[str, tuple] = field(default_factory=dict)
    """The search plugin's entries for each page (``src_uri``)."""
    anchors: dict[str, tuple[set, dict[str, dict[str, str]]]] = field(default_factory=dict)
    """Per page (``src_uri``): the anchor ids it has, and its anchor links (target ``src_uri`` → anchor → link)."""
    inspected: dict[str, object] = field(default_factory=dict)
    """``inspect``'s result per page written (``src_uri``)."""
    messages: list[str] = field(default_factory=list)
    """MkDocs' warnings and errors logged while a worker did this share (the parent's are in its log handler)."""
    failed: str = ""
    """Why this share could not be done ('' when it was)."""
    processes: int = 1
    """How many processes shared the pages (in the merged result)."""
    fault: object = None
    """The failing template (a :class:`~briefgen.render.errors.TemplateFault`), when one made this share fail."""
    crash: str = ""
    """The exception that made this share fail, when it was not a template's."""
    pages: dict[str, PageOutput] = field(default_factory=dict)
    """(In the merged result) every page's output, built now or restored, in MkDocs' page order."""
    built: int = 0
    """(In the merged result) pages built by this build (the others were restored)."""


def _shares(doc_files: list, n: int) -> list[list]:
    """``doc_files`` cut into ``n`` contiguous runs of about equal source size (the parent's run first)."""
    sizes = []
    for f in doc_files:
        try:
            sizes.append(os.path.getsize(f.abs_src_path) + 2048)  # + a page's fixed cost (theme, nav)
        except (OSError, TypeError):
            sizes.append(2048)
    total = sum(sizes)
    out: list[list] = [[] for _ in range(n)]
    acc, k = 0, 0
    for f, size in zip(doc_files, sizes):
        if k < n - 1 and acc >= total * (k + 1) / n:
            k += 1
        out[k].append(f)
        acc += size
    return out


class _Hooks:
    """A plugin added to the build: inspects each written page and reports progress ticks."""

    def __init__(self, inspect: Inspect | None, tick: Callable[[str], None]) -> None:
        self.inspect = inspect
        self.tick = tick
        self.inspected: dict[str, object] = {}
        self.entries: dict[str, tuple] = {}
        self.index: steps.SearchIndex | None = None
        self.mark = 0
        self.parent = os.getpid()
        self.counting = False

    def _orphaned(self) -> None:
        if os.getpid() != self.parent and os.getppid() != self.parent:
            os._exit(1)  # a worker whose parent died (e.g. killed mid-build) stops

    def on_pre_page(self, page, /, *, config, files):
        self._orphaned()
        return page

    def on_page_content(self, html, /, *, page, config, files):
        if self.counting:
            self.tick("mkdocs")
        return None

    def on_post_page(self, output, /, *, page, config):
        self._orphaned()
        if self.inspect is not None:
            self.inspected[page.file.src_uri] = self.inspect(page.file.dest_uri, output)
        if self.index is not None:  # the search plugin added this page's entries in on_page_context
            entries = self.index.entries()
            self.entries[page.file.src_uri] = tuple(steps.own_tags(entries[self.mark :]))
            self.mark = len(entries)
        self.tick("theme")
        return None


def build_split(
    cfg,
    workers: int,
    collect,
    inspect: Inspect | None = None,
    progress=None,
    min_share: int = 1,
    reuse: Reuse | None = None,
    compiled: Path | None = None,
) -> Share:
    """Build the loaded MkDocs config ``cfg`` with ``workers`` processes. ``collect`` is the logging handler
    gathering MkDocs' messages; ``progress`` (the adapter's page counter, with ``start(total)`` and ``tick(stage)``)
    counts the pages of all processes; each process gets at least ``min_share`` pages (so small sites use fewer
    processes, possibly only this one). Returns what was gathered from all shares (pages inspected in page order).

    ``reuse`` gives the output of pages an earlier build wrote (then they are not built again). ``compiled``: a
    folder where the theme's templates are kept compiled between builds (Jinja checks each against its source).

    Raises what MkDocs' own build raises (``Abort``, ``BuildError``, ``ConfigurationError``)."""
    from mkdocs import utils
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    overrides = (Path(cfg.config_file_path).parent / "overrides",) if cfg.config_file_path else ()

    def tick_parent(stage: str) -> None:
        if progress is not None:
            progress.tick(stage)

    hooks = _Hooks(inspect, tick_parent)
    cfg.plugins["briefgen-split"] = hooks
    try:
        config = cfg.plugins.on_config(cfg)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        if compiled is not None:
            env.bytecode_cache = _compiled_in(compiled)
        steps.add_theme_files(files, env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)

        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
        in_nav = {p.file.src_uri for p in nav.pages}
        index = steps.find_search(config)
        hooks.index = index
        if index is None and steps.has_search(config):
            workers = 1  # a search plugin whose entries cannot be gathered from the workers: one process
            reuse = None  # nor kept for the pages not built again
        restored: dict[str, PageOutput] = {}
        if reuse is not None:
            reuse.begin([p.file.src_uri for p in nav.pages], [f.src_uri for f in doc_files])
            for file in doc_files:
                kept = reuse.restore(file.src_uri, file.dest_uri)
                if kept is not None:
                    restored[file.src_uri] = kept
        todo = [f for f in doc_files if f.src_uri not in restored]
        if progress is not None:
            progress.start(len(todo))
        shares = _shares(todo, max(1, min(workers, len(todo) // max(1, min_share))))

        def do_share(mine: list, first: bool) -> Share:
            share = Share()
            mark = len(collect.messages)
            own = {f.src_uri for f in mine}
            # One page at a time (read, converted, written, then dropped but for what the navigation shows), so a
            # process holds one page's Markdown and HTML instead of its whole share's; MkDocs' order (all pages
            # read, then the environment event, then all written) is kept when a plugin handles that event.
            one_by_one = not steps.env_handled(config)
            hooks.counting = False
            for file in doc_files:  # the navigation needs these pages' titles and metadata (before its own are read)
                if file.src_uri in in_nav and (one_by_one or file.src_uri not in own):
                    steps.read_title(file.page, config, files)
                    steps.release_page(file.page)  # read again if it is this process's to write
            hooks.counting = True
            if not one_by_one:
                for file in mine:
                    steps.populate_page(file.page, config, files)
            env2 = config.plugins.on_env(env, config=config, files=files)
            if first:
                files.copy_static_files(inclusion=InclusionLevel.is_included)
                for template in config.theme.static_templates:
                    steps.build_theme_template(template, env2, files, config, nav)
                for template in config.extra_templates:
                    steps.build_extra_template(template, files, config, nav)
            for file in mine:
                page = file.page
                if one_by_one:
                    steps.populate_page(page, config, files)
                steps.build_page(page, config, doc_files, nav, env2, excluded=file.inclusion.is_excluded())
                links = {t.src_uri: dict(v) for t, v in (getattr(page, "links_to_anchors", None) or {}).items()}
                share.anchors[file.src_uri] = (page.present_anchor_ids, links)
                steps.release_page(page)
            share.entries = hooks.entries
            share.inspected = hooks.inspected
            share.messages = collect.messages[mark:]
            return share

        children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
        # The objects alive now (the model, MkDocs' files and navigation) are shared copy-on-write with the workers.
        with gcpolicy.frozen(len(shares) > 1):
            try:
                for k in range(1, len(shares)):
                    r, w = os.pipe()
                    pid = os.fork()
                    if pid == 0:  # the worker
                        os.close(r)
                        _run_worker(w, functools.partial(do_share, shares[k], False), hooks, collect, overrides)
                    os.close(w)
                    children.append((pid, r))
                readers = [_Reader(pid, r) for pid, r in children]

                def tick_and_poll(stage: str) -> None:
                    tick_parent(stage)
                    for rd in readers:
                        rd.poll(tick_parent)

                hooks.tick = tick_and_poll
                mine = do_share(shares[0], True)
                hooks.tick = tick_parent
                results = [mine] + [rd.finish(tick_parent) for rd in readers]
                children = []
            finally:
                for pid, r in children:  # interrupted: stop the workers
                    try:
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                        os.close(r)
                    except OSError:
                        pass

        merged = Share()
        for share in results[1:]:
            collect.messages.extend(share.messages)
        for share in results:
            if share.failed:
                raise WorkerFailed(share.failed, share.fault, share.crash)
            merged.entries.update(share.entries)
            merged.inspected.update(share.inspected)
            merged.anchors.update(share.anchors)
        merged.processes = len(shares)
        merged.built = len(todo)
        for file in doc_files:
            uri = file.src_uri
            if uri in restored:
                merged.pages[uri] = restored[uri]
            else:
                ids, links = merged.anchors.get(uri, (None, {}))
                merged.pages[uri] = PageOutput(
                    file.dest_uri,
                    merged.entries.get(uri, ()),
                    frozenset(ids) if ids is not None else None,
                    links,
                    merged.inspected.get(uri),
                )
        by_uri = {f.src_uri: f for f in files}
        for file in doc_files:
            out = merged.pages[file.src_uri]
            file.page.present_anchor_ids = set(out.anchor_ids) if out.anchor_ids is not None else None
            file.page.links_to_anchors = {by_uri[t]: dict(v) for t, v in out.links.items() if t in by_uri}
        log_level = config.validation.links.anchors
        for file in doc_files:
            file.page.validate_anchor_links(files=files, log_level=log_level)
        if index is not None:
            index.set_entries([e for file in doc_files for e in merged.pages[file.src_uri].entries])
        config.plugins.on_post_build(config=config)
        return merged
    except Exception as e:
        cfg.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            logging.getLogger("mkdocs.commands.build").error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise


def _compiled_in(folder: Path) -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates in ``folder`` (None when it cannot be made: compiled in memory)."""
    import jinja2

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


class _Reader:
    """The parent's end of a worker's pipe: progress ticks (one byte per page and loop), then the pickled Share."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd
        self.buf = bytearray()
        self.result_at = -1

    def _take(self, data: bytes, tick: Callable[[str], None]) -> None:
        if self.result_at >= 0:
            self.buf += data
            return
        for i, b in enumerate(data):
            if b == ord("R"):
                self.result_at = 0
                self.buf += data[i + 1 :]
                return
            tick("mkdocs" if b == ord("m") else "theme")

    def poll(self, tick: Callable[[str], None]) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            data = os.read(self.fd, 1 << 16)
            if not data:
                return
            self._take(data, tick)

    def finish(self, tick: Callable[[str], None]) -> Share:
        while True:
            data = os.read(self.fd, 1 << 20)
            if not data:
                break
            self._take(data, tick)
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        if self.result_at < 0 or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            try:
                share = pickle.loads(self.buf) if self.result_at >= 0 else None
            except Exception:
                share = None
            if isinstance(share, Share) and share.failed:
                return share
            return Share(failed=f"a MkDocs page worker stopped unexpectedly (status {status})")
        share = pickle.loads(self.buf)  # unpickled from the buffer itself (a copy would double it at the peak)
        self.buf = bytearray()
        return share


def _run_worker(fd: int, work: Callable[[], Share], hooks: _Hooks, collect, overrides: tuple) -> None:
    """In a forked worker: do the share, write ticks and the result to ``fd``, and leave without cleanup
    (the parent owns every resource the fork copied)."""
    code = 1
    mark = len(collect.messages)
    try:

        def tick(stage: str) -> None:
            os.write(fd, b"m" if stage == "mkdocs" else b"t")

        hooks.tick = tick
        try:
            share = work()
            code = 0
        except Exception as exc:  # reported by the parent, located when a template raised it
            fault = template_fault(exc, overrides)
            share = Share(
                messages=collect.messages[mark:],
                failed=f"{type(exc).__name__}: {exc}",
                fault=fault,
                crash="" if fault else f"{type(exc).__name__}: {exc}",
            )
        os.write(fd, b"R")
        view = memoryview(pickle.dumps(share, protocol=pickle.HIGHEST_PROTOCOL))  # written as is: no copy
        while view:
            n = os.write(fd, view)
            view = view[n:]
    except BaseException:
        code = 1
    finally:
        os._exit(code)
