"""The build cache of the stages up to the pages (a :class:`briefgen.build.StageMemo` kept under ``build/.cache``).

``briefgen build`` runs every stage each time; what one article's load, clean and link steps give depends only on
what they are given, so those results are kept between runs, each keyed by a digest of its inputs
(:func:`briefgen.cache.digest`):

* **load**: what a file (or a capture with its annotation) gave, keyed by the files' paths and bytes and what
  else the reader is given (the configuration, for entity files); checks across files run every time;
* **clean**: an article's :class:`~briefgen.clean.types.CleanedText`, keyed by its capture text, format, path,
  cleaning overrides and first line;
* **link**: an article's mentions, keyed by its slug and paragraphs and the entities and unlinked aliases the
  matcher was built from, and known by their own digest (an entity added links every article again, but an
  article whose mentions stayed the same stays the same article for the model and the pages);
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
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from briefgen import gcpolicy
from briefgen.cache import Store, digest, digest_bytes, tree_digest
from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText, Paragraph
from briefgen.diagnostics import Diagnostics
from briefgen.emit.project import BUILD_DIR
from briefgen.link import Mention, build_matcher, link_paragraphs
from briefgen.link.matcher import Matcher
from briefgen.load import load_content
from briefgen.load.types import ArticleSpec, Content
from briefgen.model import build_model
from briefgen.model.locate import locate
from briefgen.model.types import Article, Model
from briefgen.render.figures import make as figure_cache
from briefgen.render.pages import KeptPages, Page, RenderedPage, render_pages

T = TypeVar("T")

STAGES = ("load", "clean", "link", "locate")
"""The steps whose results the stage store keeps (see the module's docstring)."""


class StageCache:
    """Load, clean and link results of earlier runs (``store``); :meth:`save` keeps those of this run."""

    def __init__(self, store: Store, files: dict[str, str] | None = None) -> None:
        self.store = store
        self.files = files or {}
        """The digest of each file read at the start of the run (:func:`briefgen.build.inputs_of`), by path."""
        self.before: dict[str, dict[str, Any]] = {k: store.data.get(k, {}) for k in STAGES}
        # mentions are kept as plain tuples: pickling 50,000 named tuples calls Python for each
        self._stored_links = self.before["link"]
        with gcpolicy.kept():  # many small objects (see briefgen/gcpolicy.py)
            self.before["link"] = {k: (tuple(Mention._make(m) for m in got[0]), *got[1:])
                                   for k, got in self.before["link"].items()}
        self.now: dict[str, dict[str, Any]] = {k: {} for k in self.before}
        self.matcher_key = ""
        self.hits = self.misses = 0
        self.pages: KeptPages | None = None
        """The render cache of this run (after :meth:`render_pages`)."""
        self.rendered: tuple[dict[str, Any], dict[str, Any]] | None = None
        """What this run's render step keeps: the pages, and what they were given (``render``, ``render-given``)."""
        self.figures: dict[object, Any] | None = None
        """The figures this run's pages used, by their inputs (kept for the next run)."""
        self.made: list[object] = []  # results not kept in the store but in :attr:`origin`: alive while it is
        self.origin: dict[int, str] = {}
        """The key of the step that gave each result of this run, by the result's ``id`` (the result is kept
        alive by :attr:`now`): the digest of what made it, standing for a digest of the result itself."""

    def _get(self, stage: str, key: str, diags: Diagnostics, make: Callable[[Diagnostics], T], track: bool = False,
             by_value: bool = False) -> T:
        """``make``'s result for ``key``, made now or kept. ``track``: the result is known by ``key`` (see
        :attr:`origin`); ``by_value``: by the digest of the result itself (computed once, when it is made), so
        that what is made from it stays the same when other inputs gave the same result."""
        got = self.before[stage].get(key) or self.now[stage].get(key)
        if got is None:
            own = Diagnostics()
            made = make(own)
            got = (made, tuple(own.items), digest(made) if by_value else key)
            self.misses += 1
        else:
            self.hits += 1
        self.now[stage][key] = got
        if track and got[0]:  # not an empty result: ``()`` and the like are one object shared by all
            self.origin[id(got[0])] = got[2]
        diags.extend(got[1])
        return got[0]

    def digest_of(self, value: object) -> str:
        """A digest of ``value``: the key of the step that gave it (a result of this run), else of its pickle."""
        return self.origin.get(id(value)) or digest(value)

    def save(self) -> None:
        """Keep what this run used (and nothing else)."""
        self.store.data = dict(self.now)
        stored, before = self._stored_links, self.before["link"]
        with gcpolicy.paused():  # kept results as they were read (the store rewrites only parts that changed)
            self.store.data["link"] = {k: stored[k] if before.get(k) is got else (tuple(map(tuple, got[0])), *got[1:])
                                       for k, got in self.now["link"].items()}
        if self.rendered is not None:
            self.store.data["render"], self.store.data["render-given"] = self.rendered
        if self.figures is not None:
            self.store.data["figures"] = self.figures
        self.store.save()

    # -- load (a :class:`briefgen.load.FileMemo`) ---------------------------------------------------------
    def load_content(self, root: Path, diags: Diagnostics) -> Content | None:
        return load_content(root, diags, self)

    def keep(self, paths: tuple[Path | None, ...], extra: object, diags: Diagnostics,
             read: Callable[[Diagnostics], T]) -> T:
        data = []
        for p in paths:
            try:
                data.append(None if p is None else self.files.get(str(p)) or digest_bytes(p.read_bytes()))
            except OSError:
                data.append("unreadable")
        return self._get("load", digest([str(p) for p in paths], data, extra), diags, read, track=True)

    def listing(self, folder: Path, diags: Diagnostics,
                read: Callable[[Diagnostics], tuple[T, tuple[Path, ...]]]) -> T:
        return read(diags)[0]  # the names of the files are the input: listing them is the work

    # -- clean, link --------------------------------------------------------------------------------------
    def clean_capture(self, text, fmt, path, overrides, diags: Diagnostics, *, first_line: int = 1) -> CleanedText:
        key = digest(text, fmt, path, overrides, first_line)
        got = self._get("clean", key, diags,
                        lambda d: clean_capture(text, fmt, path, overrides, d, first_line=first_line), track=True)
        if got.paragraphs:
            self.origin[id(got.paragraphs)] = key + "/paragraphs"  # what the link step is given
        return got

    def build_matcher(self, entities, unlinked=frozenset()) -> Matcher:
        self.matcher_key = digest(tuple(entities), frozenset(unlinked))
        return build_matcher(entities, unlinked)

    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]:
        key = digest(slug, self.digest_of(paragraphs), self.matcher_key)
        return self._get("link", key, Diagnostics(), lambda d: link_paragraphs(slug, paragraphs, matcher), track=True,
                         by_value=True)

    # -- model (a :class:`briefgen.model.ModelMemo`) ---------------------------------------------------------
    def build_model(self, content: Content, entities, cleaned, mentions, diags: Diagnostics) -> Model:
        return build_model(content, entities, cleaned, mentions, diags, memo=self)

    def article(self, spec: ArticleSpec, cleaned: CleanedText, mentions: tuple[Mention, ...], diags: Diagnostics,
                make: Callable[[ArticleSpec, CleanedText, tuple[Mention, ...], Diagnostics], Article]) -> Article:
        # made every time (faster than keeping it), but known by what made it
        key = digest(self.digest_of(spec), self.digest_of(cleaned), self.digest_of(mentions))
        got = make(spec, cleaned, mentions, diags)
        self.made.append(got)
        self.origin[id(got)] = key
        return got

    def locate(self, slug: str, paragraphs: tuple[Paragraph, ...], words: str) -> int | None:
        key = digest(self.digest_of(paragraphs), words)
        return self._get("locate", key, Diagnostics(), lambda d: locate(paragraphs, words))

    # -- render: a page is rendered again only when what it read last time differs ------------------------
    def render_pages(self, model: Model, briefing_root: Path | None, diags: Diagnostics,
                     pdf: str | None = None) -> list[Page]:
        # besides the model, a page is given the templates (briefgen's own are in the store's code stamp) and the
        # PDF's name: when they differ, no page is reused
        given = digest(tree_digest(briefing_root / "templates") if briefing_root is not None else None, pdf)
        last = self.store.data.get("render-given", {})
        kept = self.store.data.get("render", {})
        if last.get("given") != given or briefing_root is None:
            last, kept = {}, {}
        before = _Written(briefing_root / BUILD_DIR / "docs", kept) if briefing_root else {}
        self.pages = KeptPages(model, before, last.get("aliases"), self.digest_of, entries=last.get("entries"))
        compiled = self.store.path.parent / "templates" if self.store.path is not None else None
        drawn = self.store.data.get("figures")
        figure_cache.keep(drawn if isinstance(drawn, dict) else {})  # figures by their inputs (render/figures/make.py)
        pages = render_pages(model, briefing_root, diags, pdf=pdf, kept=self.pages, compiled=compiled)
        self.figures = figure_cache.used()
        restored = before.restored if isinstance(before, _Written) else {}
        written = {path: restored.get(id(got)) or (dataclasses.replace(got, page=dataclasses.replace(got.page, markdown="")),
                                                   digest_bytes(got.page.markdown.encode()))
                   for path, got in self.pages.now.items()}
        self.rendered = (written, {"given": given, "aliases": self.pages.aliases_now, "entries": self.pages.entries_now})
        return pages


class _Written(Mapping[str, RenderedPage]):
    """The pages of the last build, kept without their Markdown: that is read back from the project's ``docs/``
    (which the build wrote from them), and the page is not found when the file is not the one written then."""

    def __init__(self, docs: Path, kept: dict[str, tuple[RenderedPage, str]]):
        self._docs, self._kept = docs, kept
        self.restored: dict[int, tuple[RenderedPage, str]] = {}
        """What is kept of each page given out, by the ``id`` of the page (alive as long as the caller holds it)."""

    def __getitem__(self, path: str) -> RenderedPage:
        got = self._kept[path]
        try:
            with open(os.path.join(self._docs, path), "rb") as f:
                data = f.read()
        except OSError:
            raise KeyError(path) from None
        if digest_bytes(data) != got[1]:
            raise KeyError(path)
        page = dataclasses.replace(got[0], page=dataclasses.replace(got[0].page, markdown=data.decode()))
        self.restored[id(page)] = got
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self._kept)

    def __len__(self) -> int:
        return len(self._kept)
