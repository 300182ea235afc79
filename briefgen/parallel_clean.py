"""Cleaning every article, and rendering every page, on all cores, for a run that finds no build cache
(``briefgen suggest`` before any ``briefgen build``: cleaning is then most of its time; ``briefgen build
--no-cache`` and ``check``).

A :class:`briefgen.build.StageMemo` whose first ``clean_capture`` cleans every article of the content at once
(this process and forked workers each take every n-th article), and whose ``render_pages`` renders the pages on
all cores too (in chunks of consecutive pages: this process takes them from the front, the workers from the
back). The workers' results come back pickled, as the build cache would keep them; the other steps are the
stages' own functions. The results are the same either way: cleaning an article depends only on what it
is given, and so does rendering a page, but for a template fault, which is reported once for all the pages it
breaks (then the pages are rendered again in this process). Nothing is written.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen import forks, gcpolicy
from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText
from briefgen.diagnostics import Diagnostic, Diagnostics
from briefgen.link import Mention, build_matcher, link_paragraphs
from briefgen.link.matcher import Matcher
from briefgen.load import load_content
from briefgen.load.types import ArticleSpec, Content
from briefgen.model import build_model
from briefgen.model.types import Model
from briefgen.render.figures import make as figures
from briefgen.render.pages import Page, RenderedAlone, Renderer, renderer

MIN_ARTICLES = 200
"""Fewer articles are cleaned in this process (forking costs more than it saves)."""

MIN_PAGES = 400
"""Fewer pages are rendered in this process."""
CHUNK = 64
"""Pages a process takes at a time (this one from the front of the page list, the workers from the back)."""

_TODO: list[ArticleSpec] = []  # the articles the forked workers clean (inherited with the fork, not pickled)


@dataclass(frozen=True)
class _Rendering:
    """What the forked page workers inherit (not pickled)."""

    renderer: Renderer
    """The renderer of every page."""
    makers: list[Callable[[], Page]]
    """Its pages, in order (:meth:`Renderer.page_makers`)."""
    lock: Any
    """Guards :attr:`ends` (a lock shared with the workers)."""
    ends: Any
    """Shared by all processes: the next chunk from the front, and one past the next chunk from the back."""


@dataclass(frozen=True)
class _Chunk:
    """What a worker sends back for one chunk."""

    start: int
    """The index of its first page."""
    pages: list[RenderedAlone]
    """Its pages, rendered, in order."""
    figures: dict
    """The figures the worker drew for them, by their inputs."""
    seconds: float
    """The seconds it spent drawing them."""


_RENDERING: list[_Rendering] = []  # set while the pages of one build render


def _clean_share(share: tuple[int, int]) -> list[tuple[int, CleanedText, tuple[Diagnostic, ...]]]:
    """In a worker: clean every ``share[1]``-th article from ``share[0]``."""
    out = []
    with gcpolicy.paused():
        for i in range(share[0], len(_TODO), share[1]):
            spec = _TODO[i]
            own = Diagnostics()
            out.append(
                (
                    i,
                    clean_capture(spec.text, spec.fmt, spec.path, spec.overrides, own, first_line=spec.body_line),
                    tuple(own.items),
                )
            )
    return out


def clean_all(arts: list[ArticleSpec], workers: int | None = None) -> list[tuple[CleanedText, tuple[Diagnostic, ...]]]:
    """Each of ``arts`` cleaned, with the diagnostics cleaning it gave (in their order), on ``workers`` processes
    (default: the usable cores); empty when that would not pay (fewer than :data:`MIN_ARTICLES`, one core, no
    ``fork``, threads)."""
    workers = workers or usable_cores()
    if len(arts) < MIN_ARTICLES or workers < 2 or not forks.can_fork():
        return []
    _TODO[:] = arts
    try:
        with gcpolicy.frozen(), multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_clean_share, [(k, workers) for k in range(1, workers)])
            # this process cleans a share too, meanwhile: its results need no pickling
            shares = [_clean_share((0, workers)), *others.get()]
    finally:
        _TODO.clear()
    out: list = [None] * len(arts)
    for share in shares:
        for i, cleaned, items in share:
            out[i] = (cleaned, items)
    return out


def _claim(front: bool) -> int | None:
    """The next chunk not yet taken, from the front (this process) or from the back (the workers); None: none left.
    Each process renders a contiguous run, so a worker touches (and copies) only its pages' part of the model."""
    shared = _RENDERING[0]
    lock, ends = shared.lock, shared.ends
    with lock:
        if ends[0] >= ends[1]:
            return None
        if front:
            ends[0] += 1
            return ends[0] - 1
        ends[1] -= 1
        return ends[1]


def _render_chunk(_task: int) -> _Chunk | None:
    """In a worker: render the next :data:`CHUNK` pages from the back; with the figures drawn for them (by their
    inputs) and the seconds spent drawing them. Chunk by chunk, so that neither process holds a worker's pages
    twice. None when every chunk is taken."""
    k = _claim(front=False)
    if k is None:
        return None
    start = k * CHUNK
    shared = _RENDERING[0]
    before, spent = figures.drawn_keys(), figures.seconds_spent()
    with gcpolicy.paused():
        out = [shared.renderer.render_alone(make) for make in shared.makers[start : start + CHUNK]]
    return _Chunk(start, out, figures.drawn_since(before), figures.seconds_spent() - spent)


def render_all(
    model: Model, briefing_root: Path | None, diags: Diagnostics, pdf: str | None = None, workers: int | None = None
) -> list[Page]:
    """:func:`briefgen.render.pages.render_pages` (no render cache) on ``workers`` processes (default: the usable
    cores), when that pays (:data:`MIN_PAGES` or more, ``fork``, one thread). The same pages and diagnostics in the
    same order: each page's diagnostics are added in page order; when a template fault is among them (reported
    once however many pages it breaks) the pages are rendered again here, in order."""
    workers = workers or usable_cores()
    r = renderer(model, briefing_root, diags, pdf)
    makers = r.page_makers()
    if len(makers) < MIN_PAGES or workers < 2 or not forks.can_fork():
        return [make() for make in makers]
    chunks = -(-len(makers) // CHUNK)
    done: list = [None] * len(makers)
    ctx = multiprocessing.get_context("fork")
    _RENDERING[:] = [_Rendering(r, makers, ctx.Lock(), ctx.RawArray("l", [0, chunks]))]
    try:
        with gcpolicy.frozen(), ctx.Pool(workers - 1) as pool:
            theirs = pool.imap_unordered(_render_chunk, range(chunks))
            while (k := _claim(front=True)) is not None:  # this process's chunks, meanwhile (no pickling)
                s = k * CHUNK
                done[s : s + CHUNK] = [r.render_alone(make) for make in makers[s : s + CHUNK]]
            for got in theirs:
                if got is not None:
                    done[got.start : got.start + len(got.pages)] = got.pages
                    figures.adopt(got.figures, got.seconds)  # the PDF of this build reuses them
    finally:
        _RENDERING.clear()
    if any(d.code == "template" for alone in done for d in alone.diagnostics):
        r = renderer(model, briefing_root, diags, pdf)  # a fault's one report goes with the first page it breaks
        return [make() for make in r.page_makers()]
    for alone in done:
        diags.extend(alone.diagnostics)
    return [alone.page for alone in done]


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ParallelClean:
    """The stages as they are, except that the first ``clean_capture`` cleans every article of the content at once,
    on all cores."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or usable_cores()
        self.content: Content | None = None
        self.ready: dict[tuple, tuple[CleanedText, tuple[Diagnostic, ...]]] | None = None

    def _prefetch(self) -> None:
        """Clean every article of the content in forked workers (once)."""
        arts = list(self.content.articles) if self.content is not None else []
        self.ready = {
            (a.text, a.fmt, a.path, a.overrides, a.body_line): got
            for a, got in zip(arts, clean_all(arts, self.workers))
        }

    # -- the StageMemo ----------------------------------------------------------------------------------
    def load_content(self, root: Path, diags: Diagnostics) -> Content | None:
        self.content = load_content(root, diags)
        return self.content

    def clean_capture(self, text, fmt, path, overrides, diags: Diagnostics, *, first_line: int = 1) -> CleanedText:
        if self.ready is None:
            self._prefetch()
        assert self.ready is not None
        got = self.ready.pop((text, fmt, path, overrides, first_line), None)
        if got is None:
            return clean_capture(text, fmt, path, overrides, diags, first_line=first_line)
        diags.extend(got[1])
        return got[0]

    def build_matcher(self, entities, unlinked=frozenset()) -> Matcher:
        return build_matcher(entities, unlinked)

    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]:
        return link_paragraphs(slug, paragraphs, matcher)

    def build_model(self, content, entities, cleaned, mentions, diags) -> Model:
        return build_model(content, entities, cleaned, mentions, diags)

    def render_pages(self, model, briefing_root, diags, pdf=None) -> list[Page]:
        return render_all(model, briefing_root, diags, pdf, self.workers)
