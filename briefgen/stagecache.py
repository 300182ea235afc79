"""The build cache of the stages up to the pages (a :class:`briefgen.build.StageMemo`), for ``briefgen build`` (kept
under ``build/.cache``) and ``briefgen serve`` (kept in memory between rebuilds, :class:`InMemory`).

Every stage runs each time; what one article's load, clean and link steps give depends only on what they are
given, so those results are kept between runs, each keyed by a digest of its inputs (:func:`briefgen.cache.digest`):

* **load**: what a file (or a capture with its annotation) gave, keyed by the files' paths and bytes and what
  else the reader is given (the configuration, for entity files); checks across files run every time;
* **clean**: an article's :class:`~briefgen.clean.types.CleanedText`, keyed by its capture text, format, path,
  cleaning overrides and first line;
* **link**: an article's mentions, keyed by its slug and paragraphs, kept with the aliases the matcher was built
  from (:func:`briefgen.link.aliases.alias_table`), and known by their own digest. After the aliases changed, the
  mentions stand when no changed alias could match in the article (:func:`briefgen.link.aliases.alias_probe`), so
  an entity added links again only the articles that could mention it;
* **model**: where cited words are in an article's paragraphs, keyed by what made the article (its spec, cleaned
  text and mentions; the articles themselves are made again: that is faster than reading them);
* **render**: each page, with what it read of the model, recorded while it rendered (fields, and entries of
  mapping fields) and the digest of each; a page is rendered again when one of those differs now, when a changed
  alias could match in the Markdown it searched for mentions, or when the templates or the PDF's name changed
  (see :class:`briefgen.render.pages.RenderedPage`); its Markdown is not kept but read back from ``build/docs/``,
  where the last build wrote it (a file that is not the one written is a page not found).

A result of this run stands for itself by the key of the step that made it (:meth:`StageCache.digest_of`): a
digest of what made it is a digest of it, and costs nothing. The diagnostics a step added are kept with its
result and added again when it is reused. Results the run did not use are dropped when the store is saved, so
the cache follows the briefing. The pages MkDocs builds are cached too, see :mod:`briefgen.emit.pagecache`.

Kept in memory (:class:`InMemory`, one per ``briefgen serve`` process) the same cache has a front that spares the
per-run costs of reading it back: files whose stamps (size, modification and change times, inode) are those of the
last run are not read or hashed again; a digest of the very objects a step was given last time is not computed
again; articles are kept (the same object while their inputs are); pages keep their Markdown, and what they read
is compared by value.
"""

from __future__ import annotations

import dataclasses
import os
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from briefgen import gcpolicy
from briefgen.cache import CACHE_DIR, Store, digest, digest_bytes, racy, tree_digest
from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText, Paragraph
from briefgen.diagnostics import Diagnostic, Diagnostics
from briefgen.emit.project import BUILD_DIR, KnownDocs
from briefgen.link import Mention, build_matcher, link_paragraphs
from briefgen.link.aliases import alias_probe, alias_table, changed_alias_texts
from briefgen.link.matcher import Matcher
from briefgen.load import load_content
from briefgen.load.types import ArticleSpec, Content
from briefgen.model import build_model
from briefgen.model.locate import locate
from briefgen.model.types import Article, Model
from briefgen.parallel_clean import clean_all
from briefgen.render.figures import make as figure_cache
from briefgen.render.pages import KeptPages, Page, RenderedPage, render_pages, template_stamp

T = TypeVar("T")

STAGES = ("load", "clean", "link", "locate")
"""The steps whose results the stage store keeps (see the module's docstring)."""
KEPT_IN_MEMORY = ("article",)
"""Steps whose results are kept only by a cache in memory (:class:`InMemory`): on disk, making them again is faster
than reading them back."""

FIGURES_STORE = "figures"
"""The store (``build/.cache/figures.pickle``) of the figures the last build used, alone: ``briefgen pdf`` reads it
in milliseconds and draws only what changed (the whole build cache takes as long to read as drawing them all)."""


def kept_figures(build_dir: Path) -> dict[object, Any]:
    """The figures the last build under ``build_dir`` used, by their inputs (empty when none are kept)."""
    return _kept_figures(build_dir)[0]


def remember_figures(build_dir: Path, used: Mapping[object, Any]) -> None:
    """Add the figures a command drew that the last build did not keep (``briefgen pdf`` before any build, or
    after the content changed) to the figures store, so that the next export does not draw them again; what the
    last build's pages used stays (the next build keeps only what it uses)."""
    kept, pages = _kept_figures(build_dir)
    if all(inp in kept for inp in used):
        return
    Store(build_dir / CACHE_DIR / f"{FIGURES_STORE}.pickle", data={"figures": {**kept, **used}, "pages": pages}).save()


def _kept_figures(build_dir: Path) -> tuple[dict[object, Any], dict[str, Any]]:
    """The figures the last build used, by their inputs, and the inputs of those each page used, by page."""
    data = Store.open(build_dir, FIGURES_STORE).data
    figures, pages = data.get("figures"), data.get("pages")
    return (figures, pages if isinstance(pages, dict) else {}) if isinstance(figures, dict) else ({}, {})


def _stamp(path: Path | None) -> tuple | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


class InMemory:
    """The build cache as a long-lived process keeps it between runs (``briefgen serve``): the stage store, never
    written, and the front that spares reading files and computing digests again (see the module's docstring).
    Each run takes a :meth:`cache`; its :meth:`StageCache.save` hands what the run used back to this."""

    def __init__(self) -> None:
        self.store = Store(None)
        """The stage store (kept in memory only)."""
        self.files: dict[tuple, tuple[tuple, object, str, bool]] = {}
        """The load step's key for each tuple of paths it read: (their stamps, what else it was given, the key,
        whether a stamp was too recent to trust)."""
        self.lists: dict[Path, tuple[tuple[Path, ...], tuple, object, tuple[Diagnostic, ...], bool]] = {}
        """What each listing of a folder gave: (the folders listed, their stamps, the value, its diagnostics,
        whether a stamp was too recent to trust)."""
        self.keys: dict[tuple, tuple[tuple, str]] = {}
        """Digests of the inputs of steps, by the identity of the objects given (which are kept, so their ids
        stay theirs): the same immutable objects, the same digest."""
        self.matcher: tuple[str, Matcher] | None = None
        """The link stage's alias matcher, with its key."""

    def cache(self) -> StageCache:
        """The cache of one run."""
        return StageCache(self.store, front=self)


class StageCache:
    """Load, clean and link results of earlier runs (``store``); :meth:`save` keeps those of this run.

    ``files``: the digest of each file, when the run read them all already (:func:`briefgen.build.inputs_of`).
    ``front``: the cache is kept in memory between runs (see :class:`InMemory`)."""

    def __init__(self, store: Store, files: dict[str, str] | None = None, front: InMemory | None = None) -> None:
        self.store = store
        self.files = files or {}
        """The digest of each file read at the start of the run (:func:`briefgen.build.inputs_of`), by path."""
        self.front = front
        stages = STAGES + KEPT_IN_MEMORY if front is not None else STAGES
        self.before: dict[str, dict[str, Any]] = {k: store.data.get(k, {}) for k in stages}
        self.before["aliases"] = store.data.get("aliases", {})
        self._stored_links = self.before["link"]
        if front is None:
            # mentions are kept as plain tuples on disk: pickling 50,000 named tuples calls Python for each
            with gcpolicy.kept():  # many small objects (see briefgen/gcpolicy.py)
                self.before["link"] = {
                    k: (tuple(Mention._make(m) for m in got[0]), *got[1:]) for k, got in self.before["link"].items()
                }
        self.now: dict[str, dict[str, Any]] = {k: {} for k in self.before}
        self.matcher_key = ""
        self._aliases: tuple = ()
        self._probes: dict[str, Matcher | None] = {}
        self.hits = self.misses = 0
        self.made: dict[str, int] = {}
        """Results made (not kept) in this run, by step (``list``: listings of folders read again)."""
        self.pages: KeptPages | None = None
        """The render cache of this run (after :meth:`render_pages`)."""
        self.rendered: tuple[dict[str, Any], dict[str, Any]] | None = None
        """What this run's render step keeps: the pages, and what they were given (``render``, ``render-given``)."""
        self.docs: KnownDocs | None = None
        """(On disk, after :meth:`render_pages`) what is known of the pages' Markdown without reading it again."""
        self.figures: dict[object, Any] | None = None
        """The figures this run's pages used, by their inputs (kept for the next run)."""
        self.figure_pages: dict[str, tuple[object, ...]] = {}
        """The inputs of the figures each page of this run used (a page kept by the next run keeps them)."""
        self._alive: list[object] = []  # results not kept in the store but in :attr:`origin`: alive while it is
        self.origin: dict[int, str] = {}
        """The key of the step that gave each result of this run, by the result's ``id`` (the result is kept
        alive by :attr:`now`): the digest of what made it, standing for a digest of the result itself."""
        self._files_now: dict[tuple, tuple[tuple, object, str, bool]] = {}
        self._lists_now: dict[Path, tuple] = {}
        self._keys_now: dict[tuple, tuple[tuple, str]] = {}
        self._articles: list[ArticleSpec] = []
        self._cleaned: dict[str, tuple[CleanedText, tuple[Diagnostic, ...]]] | None = None
        """Articles the cache did not have, cleaned on all cores at the first clean step (``briefgen build``), by key."""
        self._clean_keys: dict[int, tuple[tuple, str]] = {}

    def _get(
        self,
        stage: str,
        key: str,
        diags: Diagnostics,
        make: Callable[[Diagnostics], T],
        track: bool = False,
        by_value: bool = False,
    ) -> T:
        """``make``'s result for ``key``, made now or kept. ``track``: the result is known by ``key`` (see
        :attr:`origin`); ``by_value``: by the digest of the result itself (computed once, when it is made), so
        that what is made from it stays the same when other inputs gave the same result."""
        got = self.before[stage].get(key) or self.now[stage].get(key)
        if got is None:
            own = Diagnostics()
            made = make(own)
            got = (made, tuple(own.items), digest(made) if by_value else key)
            self.misses += 1
            self.made[stage] = self.made.get(stage, 0) + 1
        else:
            self.hits += 1
        self.now[stage][key] = got
        if track and got[0]:  # not an empty result: ``()`` and the like are one object shared by all
            self.origin[id(got[0])] = got[2]
        diags.extend(got[1])
        return got[0]

    def _key(self, step: str, *parts: object) -> str:
        """:func:`digest` of ``parts``; kept in memory, not computed again for the very objects of the last run."""
        if self.front is None:
            return digest(*parts)
        ids = (step, *map(id, parts))
        got = self.front.keys.get(ids) or self._keys_now.get(ids)
        if got is None or any(a is not b for a, b in zip(got[0], parts)):
            got = (parts, digest(*parts))
        self._keys_now[ids] = got
        return got[1]

    def digest_of(self, value: object) -> str:
        """A digest of ``value``: the key of the step that gave it (a result of this run), else of its pickle."""
        return self.origin.get(id(value)) or digest(value)

    def save(self, complete: bool = True) -> None:
        """Keep what this run used (and nothing else). Kept in memory, a run that did not complete (its content
        has errors) keeps what the last one kept too."""
        if self.front is not None:
            self._keep_in_memory(complete)
            return
        self.store.data = dict(self.now)
        stored, before = self._stored_links, self.before["link"]
        with gcpolicy.paused():  # kept results as they were read (the store rewrites only parts that changed)
            self.store.data["link"] = {
                k: stored[k] if before.get(k) is got else (tuple(map(tuple, got[0])), *got[1:])
                for k, got in self.now["link"].items()
            }
        if self.rendered is not None:
            self.store.data["render"], self.store.data["render-given"] = self.rendered
        self.store.save()
        if self.figures is not None and self.store.path is not None:  # in their own store: ``briefgen pdf`` reads it
            Store(
                self.store.path.parent / f"{FIGURES_STORE}.pickle",
                data={"figures": self.figures, "pages": self.figure_pages},
            ).save()

    def _keep_in_memory(self, complete: bool) -> None:
        front = self.front
        assert front is not None
        data: dict[str, dict] = dict(self.now)
        if self.rendered is not None:
            data["render"], data["render-given"] = self.rendered
        if self.figures is not None:
            data["figures"] = self.figures
        if complete:
            self.store.data = data
            front.files, front.lists, front.keys = self._files_now, self._lists_now, self._keys_now
            return
        for name, entries in data.items():
            # the pages are those of this run alone (what they read is checked against this run's entries)
            merge = name not in ("render", "render-given", "figures")
            self.store.data[name] = {**self.store.data.get(name, {}), **entries} if merge else entries
        front.files = {**front.files, **self._files_now}
        front.lists = {**front.lists, **self._lists_now}
        front.keys = {**front.keys, **self._keys_now}

    # -- load (a :class:`briefgen.load.FileMemo`) ---------------------------------------------------------
    def load_content(self, root: Path, diags: Diagnostics) -> Content | None:
        content = load_content(root, diags, self)
        self._articles = list(content.articles) if content is not None else []
        return content

    def _clean_key(self, text, fmt, path, overrides, first_line: int) -> str:
        parts = (text, fmt, path, overrides, first_line)
        got = self._clean_keys.get(id(text))
        if got is None or any(a is not b for a, b in zip(got[0], parts)):
            got = (parts, self._key("clean", *parts))
            self._clean_keys[id(text)] = got
        return got[1]

    def _clean_missing(self) -> None:
        """Clean the articles this cache does not have on all cores at once (a first or a ``--no-cache``-like
        build; one process when few are missing, see :func:`briefgen.parallel_clean.clean_all`). Not while serving."""
        self._cleaned = {}
        if self.front is not None:
            return
        todo: dict[str, ArticleSpec] = {}
        for a in self._articles:
            key = self._clean_key(a.text, a.fmt, a.path, a.overrides, a.body_line)
            if key not in self.before["clean"] and key not in self.now["clean"]:
                todo.setdefault(key, a)
        for key, got in zip(todo, clean_all(list(todo.values()))):
            self._cleaned[key] = got

    def keep(
        self, paths: tuple[Path | None, ...], extra: object, diags: Diagnostics, read: Callable[[Diagnostics], T]
    ) -> T:
        return self._get("load", self._load_key(paths, extra), diags, read, track=True)

    def _load_key(self, paths: tuple[Path | None, ...], extra: object) -> str:
        """The load step's key: a digest of the files' paths and bytes and of ``extra``. Kept in memory, the key of
        the last run stands while the files' stamps are the same (and were not too recent to trust then) and
        ``extra`` is equal."""
        front = self.front
        if front is not None:
            stamps = tuple(_stamp(p) for p in paths)
            got = front.files.get(paths) or self._files_now.get(paths)
            if got is not None and got[0] == stamps and not got[3] and (got[1] is extra or got[1] == extra):
                self._files_now[paths] = got
                return got[2]
            now = time.time_ns()
        data = []
        for p in paths:
            try:
                data.append(None if p is None else self.files.get(str(p)) or digest_bytes(p.read_bytes()))
            except OSError:
                data.append("unreadable")
        key = digest([str(p) for p in paths], data, extra)
        if front is not None:
            self._files_now[paths] = (stamps, extra, key, racy(stamps, now))
        return key

    def listing(self, folder: Path, diags: Diagnostics, read: Callable[[Diagnostics], tuple[T, tuple[Path, ...]]]) -> T:
        # the names of the files are the input: listing them is the work; kept in memory, a listing stands while
        # none of the folders it listed changed (a file added, removed or renamed there changes its folder)
        front = self.front
        if front is None:
            return read(diags)[0]
        got = front.lists.get(folder) or self._lists_now.get(folder)
        if got is None or got[4] or tuple(_stamp(p) for p in got[0]) != got[1]:
            now = time.time_ns()
            own = Diagnostics()
            value, folders = read(own)
            stamps = tuple(_stamp(p) for p in folders)
            got = (folders, stamps, value, tuple(own.items), racy(stamps, now))
            self.made["list"] = self.made.get("list", 0) + 1
        self._lists_now[folder] = got
        diags.extend(got[3])
        return got[2]

    # -- clean, link --------------------------------------------------------------------------------------
    def clean_capture(self, text, fmt, path, overrides, diags: Diagnostics, *, first_line: int = 1) -> CleanedText:
        if self._cleaned is None:
            self._clean_missing()
        assert self._cleaned is not None
        key = self._clean_key(text, fmt, path, overrides, first_line)
        ready = self._cleaned.pop(key, None)

        def make(d: Diagnostics) -> CleanedText:
            if ready is None:
                return clean_capture(text, fmt, path, overrides, d, first_line=first_line)
            d.extend(ready[1])
            return ready[0]

        got = self._get("clean", key, diags, make, track=True)
        if got.paragraphs:
            self.origin[id(got.paragraphs)] = key + "/paragraphs"  # what the link step is given
        return got

    def build_matcher(self, entities, unlinked=frozenset()) -> Matcher:
        # the matcher is made from the aliases (every field but where they are written) and the unlinked ones
        self._aliases = alias_table(entities, frozenset(unlinked))
        self.matcher_key = key = digest(self._aliases)
        self.now["aliases"][key] = self._aliases
        front = self.front
        if front is not None and front.matcher is not None and front.matcher[0] == key:
            return front.matcher[1]
        matcher = build_matcher(entities, unlinked)
        if front is not None:
            front.matcher = (key, matcher)
        return matcher

    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]:
        key = digest(slug, self.digest_of(paragraphs))
        got = self.before["link"].get(key) or self.now["link"].get(key)
        if got is not None and got[3] != self.matcher_key:
            if self._still_found(got[3], paragraphs):
                got = (*got[:3], self.matcher_key)
            else:
                got = None
        if got is None:
            made = link_paragraphs(slug, paragraphs, matcher)
            got = (made, (), digest(made), self.matcher_key)
            self.misses += 1
            self.made["link"] = self.made.get("link", 0) + 1
        else:
            self.hits += 1
        self.now["link"][key] = got
        if got[0]:
            self.origin[id(got[0])] = got[2]  # known by their own digest: equal mentions, the same article
        return got[0]

    def _still_found(self, was: str, paragraphs: tuple[Paragraph, ...]) -> bool:
        """Whether mentions found by the matcher of the aliases ``was`` (a key of the ``aliases`` section) are those
        this run's matcher finds in ``paragraphs``: no alias that changed since could match in them."""
        if was not in self._probes:
            old = self.before["aliases"].get(was) or self.now["aliases"].get(was)
            if old is None:
                self._probes[was] = _NO_PROBE
            else:
                changed = changed_alias_texts(old, self._aliases)
                self._probes[was] = alias_probe(changed) if changed else None
        probe = self._probes[was]
        if probe is None:
            return True
        if probe is _NO_PROBE:
            return False
        return not probe.spans("\n".join(p.text for p in paragraphs))

    # -- model (a :class:`briefgen.model.ModelMemo`) ---------------------------------------------------------
    def build_model(self, content: Content, entities, cleaned, mentions, diags: Diagnostics) -> Model:
        return build_model(content, entities, cleaned, mentions, diags, memo=self)

    def article(
        self,
        spec: ArticleSpec,
        cleaned: CleanedText,
        mentions: tuple[Mention, ...],
        diags: Diagnostics,
        make: Callable[[ArticleSpec, CleanedText, tuple[Mention, ...], Diagnostics], Article],
    ) -> Article:
        key = digest(self.digest_of(spec), self.digest_of(cleaned), self.digest_of(mentions))
        if self.front is not None:  # kept in memory: the same article object while its inputs are the same
            return self._get("article", key, diags, lambda d: make(spec, cleaned, mentions, d), track=True)
        # made every time (faster than keeping it), but known by what made it
        got = make(spec, cleaned, mentions, diags)
        self._alive.append(got)
        self.origin[id(got)] = key
        return got

    def locate(self, slug: str, paragraphs: tuple[Paragraph, ...], words: str) -> int | None:
        key = digest(self.digest_of(paragraphs), words)
        return self._get("locate", key, Diagnostics(), lambda d: locate(paragraphs, words))

    # -- render: a page is rendered again only when what it read last time differs ------------------------
    def render_pages(
        self, model: Model, briefing_root: Path | None, diags: Diagnostics, pdf: str | None = None
    ) -> list[Page]:
        # besides the model, a page is given the templates (briefgen's own are in the store's code stamp; kept in
        # memory, by their stamps, briefgen's own too) and the PDF's name: when they differ, no page is reused
        if self.front is not None:
            given: object = (template_stamp(briefing_root), pdf)
        else:
            given = digest(tree_digest(briefing_root / "templates") if briefing_root is not None else None, pdf)
        last = self.store.data.get("render-given", {})
        kept = self.store.data.get("render", {})
        if last.get("given") != given or briefing_root is None:
            last, kept = {}, {}
        before: Mapping[str, RenderedPage] = kept
        if self.front is None and briefing_root is not None:
            before = WrittenPages(briefing_root / BUILD_DIR / "docs", kept)
        self.pages = KeptPages(
            model,
            before,
            last.get("aliases"),
            self.digest_of,
            entries=last.get("entries"),
            by_value=self.front is not None,
            matcher=last.get("matcher"),
        )
        compiled = self.store.path.parent / "templates" if self.store.path is not None else None
        if self.front is not None:  # (a process kept alive keeps every figure it drew in the figure cache anyway)
            drawn, by_page = self.store.data.get("figures"), None
        elif self.store.path is not None:  # on disk the figures have a store of their own (see :data:`FIGURES_STORE`)
            drawn, by_page = _kept_figures(self.store.path.parent.parent)
        else:
            drawn, by_page = None, None
        # figures by their inputs, and those each page used (render/figures/make.py): a kept page keeps its figures
        figure_cache.keep(
            drawn if isinstance(drawn, dict) else {},
            by_page if isinstance(by_page, dict) and isinstance(drawn, dict) else None,
        )
        pages = render_pages(model, briefing_root, diags, pdf=pdf, kept=self.pages, compiled=compiled)
        self.figures = figure_cache.used()
        self.figure_pages = figure_cache.used_by_page()
        given_now = {"given": given, "aliases": self.pages.aliases_now, "entries": self.pages.entries_now}
        if self.front is not None:  # the pages with their Markdown, and the renderer's matcher
            self.rendered = (dict(self.pages.now), {**given_now, "matcher": self.pages.matcher_now})
            return pages
        written: dict[str, tuple[RenderedPage, str, tuple | None]] = {}
        on_disk: list[str] = []
        for path, got in self.pages.now.items():
            kept_now = before.read_back(path, got) if isinstance(before, WrittenPages) else None
            if kept_now is not None:
                on_disk.append(path)
            else:
                kept_now = (
                    dataclasses.replace(got, page=dataclasses.replace(got.page, markdown="")),
                    digest_bytes(got.page.markdown.encode()),
                    None,
                )
            written[path] = kept_now
        self.rendered = (written, given_now)
        self.docs = KnownDocs({path: w[1] for path, w in written.items()}, frozenset(on_disk))
        return pages


_NO_PROBE = Matcher([])
"""The aliases a result was found with are not known: it is not kept."""


class WrittenPages(Mapping[str, RenderedPage]):
    """The pages of the last build, kept without their Markdown: that is read back from the project's ``docs/``
    (which the build wrote from them), and the page is not found when the file is not the one written then — its
    bytes are checked by their digest, or, once a run found them so, by the file's stamp (size, modification
    time, inode) as it was then (a stamp too recent to trust is not kept, see :data:`briefgen.cache.RACY_NS`)."""

    def __init__(self, docs: Path, kept: dict[str, tuple[RenderedPage, str, tuple | None]]):
        self._docs, self._kept = docs, kept
        self._now = time.time_ns()
        self._given: dict[str, tuple[weakref.ref[RenderedPage], tuple[RenderedPage, str, tuple | None]]] = {}
        """Each page given out, by path: the page (weakly: the renderer drops one it does not reuse, and a new page
        may then get its ``id``) and what is kept of it."""

    def __getitem__(self, path: str) -> RenderedPage:
        got = self._kept[path]
        try:
            with open(os.path.join(self._docs, path), "rb") as f:
                st = os.fstat(f.fileno())
                data = f.read()
        except OSError:
            raise KeyError(path) from None
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp != got[2] and digest_bytes(data) != got[1]:
            raise KeyError(path)
        page = dataclasses.replace(got[0], page=dataclasses.replace(got[0].page, markdown=data.decode()))
        self._given[path] = (weakref.ref(page), (got[0], got[1], None if racy((stamp,), self._now) else stamp))
        return page

    def read_back(self, path: str, page: RenderedPage) -> tuple[RenderedPage, str, tuple | None] | None:
        """What is kept of ``page`` when it is the very page this read back from ``docs/`` for ``path`` (its file
        holds its Markdown), not one rendered again."""
        given = self._given.get(path)
        return given[1] if given is not None and given[0]() is page else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._kept)

    def __len__(self) -> int:
        return len(self._kept)
