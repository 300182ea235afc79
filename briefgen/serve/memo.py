"""Work kept between rebuilds of ``briefgen serve`` (a :class:`briefgen.build.StageMemo`).

A rebuild runs the whole pipeline (load → clean → link → model → render) so that it knows every page, but
most of the work is a pure function of a few inputs that a save rarely changes. The serve process keeps
those results, keyed by *everything* the functions read, and replays the diagnostics they added:

* **load**: what each file gave (one capture with its annotation, one entity file, ``briefing.yml``), while
  the files are unchanged on disk (same size, modification and change times, inode) — see :meth:`Memo.keep`;
  checks across files run every time;
* **clean**: an article whose capture, cleaning overrides and path are unchanged is not cleaned again;
* **link**: its mentions are not searched again while its paragraphs are equal and no alias changed that could
  match in them (see :meth:`Memo.build_matcher`);
* **model**: quoted words located in an article are not searched for again while its paragraphs are equal;
* **render**: a page whose inputs (:func:`briefgen.render.pages.page_inputs`) are equal to those of the run
  that rendered it, and whose reads (:class:`briefgen.render.pages.PageReads`: the entities it looked up, the
  aliases that could match in its Markdown) are unchanged, is not rendered again.

Results not used by the latest rebuild are dropped, so memory follows the briefing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText, Paragraph
from briefgen.diagnostics import Diagnostic, Diagnostics
from briefgen.link import Mention, build_matcher, link_paragraphs
from briefgen.link.matcher import Matcher
from briefgen.load import load_content
from briefgen.load.types import ArticleSpec, Content
from briefgen.model import build_model
from briefgen.model.locate import locate, normalize
from briefgen.model.types import Article, Model
from briefgen.render.pages import KeptPage, Page, alias_probe, alias_table, changed_alias_texts, render_pages

T = TypeVar("T")

RACY_NS = 2_000_000_000
"""A file modified less than this long (ns) before it was read may change again within the same timestamp
tick and size; its result is not trusted by the next run (read again), as git does with its index. Two
seconds covers file systems that keep whole (FAT: even) seconds."""
RACY_FINE_NS = 100_000_000
"""The same for a file whose modification time has a fraction of a second (a file system with fine time
stamps; the kernel's coarse clock behind them advances every few milliseconds)."""


def _same(a: object, b: object) -> bool:
    return a is b or a == b


def _stamp(path: Path | None) -> tuple | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def _racy(stamps: tuple, now: int) -> bool:
    """True when a file was changed too recently (``now``, ns) for its stamp to tell a later same-size change
    apart: such a result is read again next time (file systems with whole-second times need longer)."""
    return any(st and now - st[0] < (RACY_FINE_NS if st[0] % 1_000_000_000 else RACY_NS) for st in stamps)


VERSIONS_KEPT = 4
"""Earlier values the page memo keeps per name (:meth:`_Pages.earlier`): a kept page was checked in the last
rendering run, so one is enough; the others cover runs stopped half-way."""


class _Pages:
    """The render memo (a :class:`briefgen.render.pages.PageMemo`)."""

    def __init__(self) -> None:
        self.kept: dict[str, tuple[tuple, KeptPage]] = {}
        self.used: dict[str, tuple[tuple, KeptPage]] = {}
        self.versions: dict[str, tuple[tuple, int]] = {}
        self.history: dict[str, dict[int, tuple]] = {}
        self.values: dict[str, tuple[tuple, object]] = {}
        self.rendered = self.reused = 0
        self.fresh: list[str] = []
        """The pages rendered in this run (the others were reused)."""

    def next_run(self) -> None:
        if self.used:
            self.kept, self.used = self.used, {}
        self.rendered = self.reused = 0
        self.fresh = []

    def get(self, path: str, inputs: tuple) -> KeptPage | None:
        got = self.kept.get(path)
        if got is None or got[0] != inputs:
            return None
        return got[1]

    def put(self, path: str, inputs: tuple, kept: KeptPage, rendered: bool) -> None:
        self.used[path] = (inputs, kept)
        if rendered:
            self.rendered += 1
            self.fresh.append(path)
        else:
            self.reused += 1

    def version(self, name: str, value: tuple) -> int:
        old = self.versions.get(name)
        if old is not None and old[0] == value:
            return old[1]
        n = old[1] + 1 if old is not None else 0
        self.versions[name] = (value, n)
        history = self.history.setdefault(name, {})
        history[n] = value
        for v in [v for v in history if v <= n - VERSIONS_KEPT]:
            del history[v]
        return n

    def earlier(self, name: str, version: int) -> tuple | None:
        return self.history.get(name, {}).get(version)

    def reuse(self, name: str, key: tuple, make: Callable[[], T]) -> T:
        got = self.values.get(name)
        if got is None or got[0] != key:
            got = self.values[name] = (key, make())
        return got[1]  # type: ignore[return-value]


class Memo:
    """One serve session's memo. Call :meth:`next_run` before each ``compile_briefing``."""

    def __init__(self) -> None:
        self._clean: dict[tuple, tuple[CleanedText, tuple[Diagnostic, ...]]] = {}
        self._clean_used: dict[tuple, tuple[CleanedText, tuple[Diagnostic, ...]]] = {}
        self._matcher: Matcher | None = None
        self._matcher_key: tuple | None = None
        self._matcher_version = 0
        self._probe: tuple[int, Matcher] | None = None
        """(version, :func:`alias_probe` of the aliases changed from that version of the matcher to the current)."""
        self._links: dict[str, tuple[tuple[Paragraph, ...], tuple[Mention, ...], int]] = {}
        self._links_used: dict[str, tuple[tuple[Paragraph, ...], tuple[Mention, ...], int]] = {}
        self._files: dict[tuple, tuple[tuple, object, object, tuple[Diagnostic, ...], bool]] = {}
        self._files_used: dict[tuple, tuple[tuple, object, object, tuple[Diagnostic, ...], bool]] = {}
        self._normal: dict[str, tuple[tuple[Paragraph, ...], list[str]]] = {}
        self._located: dict[tuple[str, str], tuple[tuple[Paragraph, ...], int | None]] = {}
        self._located_used: dict[tuple[str, str], tuple[tuple[Paragraph, ...], int | None]] = {}
        self.pages = _Pages()
        self._articles: dict[str, tuple] = {}
        self._articles_used: dict[str, tuple] = {}
        self._lists: dict[Path, tuple[tuple[Path, ...], tuple, object, tuple[Diagnostic, ...], bool]] = {}
        self.hits = self.misses = 0
        self.files_read = self.lists_read = 0
        self.relinked = 0
        """Articles whose mentions were searched in this run (the others were kept)."""

    def next_run(self) -> None:
        """Forget what the previous run did not use."""
        if self._clean_used:
            self._clean, self._clean_used = self._clean_used, {}
        if self._links_used:
            self._links, self._links_used = self._links_used, {}
        if self._files_used:
            self._files, self._files_used = self._files_used, {}
        if self._articles_used:
            self._articles, self._articles_used = self._articles_used, {}
        if self._located_used:
            self._located, self._located_used = self._located_used, {}
            cited = {slug for slug, _ in self._located}
            self._normal = {s: v for s, v in self._normal.items() if s in cited}
        self.pages.next_run()
        self.hits = self.misses = 0
        self.files_read = self.lists_read = 0
        self.relinked = 0

    # -- load -----------------------------------------------------------------------------------------
    def load_content(self, root: Path, diags: Diagnostics) -> Content | None:
        return load_content(root, diags, self)

    def keep(self, paths: tuple[Path | None, ...], extra: object, diags: Diagnostics,
             read: Callable[[Diagnostics], T]) -> T:
        """A :class:`briefgen.load.FileMemo`: ``read`` again when a file's size, modification or change time
        or inode differs, when ``extra`` differs, or when a file was modified just before it was read last time."""
        stamps = tuple(_stamp(p) for p in paths)
        got = self._files.get(paths)
        if got is None:
            got = self._files_used.get(paths)
        if got is None or got[0] != stamps or got[4] or got[1] != extra:
            now = time.time_ns()
            own = Diagnostics()
            value = read(own)
            got = (stamps, extra, value, tuple(own.items), _racy(stamps, now))
            self.files_read += 1
        self._files_used[paths] = got
        diags.extend(got[3])
        return got[2]  # type: ignore[return-value]

    def clean_capture(self, text, fmt, path, overrides, diags: Diagnostics, *, first_line: int = 1) -> CleanedText:
        key = (text, fmt, path, overrides, first_line)
        got = self._clean.get(key) or self._clean_used.get(key)
        if got is None:
            self.misses += 1
            own = Diagnostics()
            got = (clean_capture(text, fmt, path, overrides, own, first_line=first_line), tuple(own.items))
        else:
            self.hits += 1
        self._clean_used[key] = got
        diags.extend(got[1])
        return got[0]

    def build_matcher(self, entities, unlinked=frozenset()):
        """A new matcher (and version) when an alias changed: ``build_matcher`` reads each entity's id and aliases
        (every field but their place) and the unlinked set. The mentions found with the previous version stay
        good for every article in which no changed alias could match (:func:`alias_probe`)."""
        unlinked = frozenset(unlinked)
        key = (alias_table(entities, unlinked), unlinked)
        if key != self._matcher_key:
            if self._matcher_key is not None:
                self._probe = (self._matcher_version, alias_probe(changed_alias_texts(self._matcher_key[0], key[0])))
            self._matcher, self._matcher_key = build_matcher(entities, unlinked), key
            self._matcher_version += 1
        return self._matcher

    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]:
        if self._matcher is None or matcher is not self._matcher:  # not ours: do not remember
            return link_paragraphs(slug, paragraphs, matcher)
        got = self._links.get(slug) or self._links_used.get(slug)  # (paragraphs, mentions, matcher version)
        if got is not None and (got[0] is not paragraphs and got[0] != paragraphs):
            got = None
        if got is not None and got[2] != self._matcher_version:
            probe = self._probe
            if probe is not None and got[2] == probe[0] and not probe[1].spans("\n".join(p.text for p in paragraphs)):
                got = (got[0], got[1], self._matcher_version)  # no changed alias can match in it
            else:
                got = None
        if got is None:
            got = (paragraphs, link_paragraphs(slug, paragraphs, matcher), self._matcher_version)
            self.relinked += 1
        self._links_used[slug] = got
        return got[1]

    def listing(self, folder: Path, diags: Diagnostics, read: Callable[[Diagnostics], tuple[T, tuple[Path, ...]]]) -> T:
        """A :class:`briefgen.load.FileMemo` listing: ``read`` again when one of the folders it listed changed
        (a file added, removed or renamed there; same stamps as :meth:`keep`) or was modified just before."""
        got = self._lists.get(folder)
        if got is None or got[4] or tuple(_stamp(p) for p in got[0]) != got[1]:
            now = time.time_ns()
            own = Diagnostics()
            value, folders = read(own)
            stamps = tuple(_stamp(p) for p in folders)
            got = (folders, stamps, value, tuple(own.items), _racy(stamps, now))
            self.lists_read += 1
        self._lists[folder] = got
        diags.extend(got[3])
        return got[2]  # type: ignore[return-value]

    # -- model ----------------------------------------------------------------------------------------
    def build_model(self, content: Content, entities, cleaned, mentions, diags: Diagnostics) -> Model:
        return build_model(content, entities, cleaned, mentions, diags, memo=self)

    def article(self, spec: ArticleSpec, cleaned: CleanedText, mentions: tuple[Mention, ...], diags: Diagnostics,
                make: Callable[[ArticleSpec, CleanedText, tuple[Mention, ...], Diagnostics], Article]) -> Article:
        """A :class:`briefgen.model.ModelMemo`: the same article object while its inputs are the same (then
        the pages reading it compare it by identity)."""
        got = self._articles.get(spec.slug) or self._articles_used.get(spec.slug)
        if got is None or not (_same(got[0], spec) and _same(got[1], cleaned) and _same(got[2], mentions)):
            own = Diagnostics()
            got = (spec, cleaned, mentions, make(spec, cleaned, mentions, own), tuple(own.items))
        self._articles_used[spec.slug] = got
        diags.extend(got[4])
        return got[3]

    def locate(self, slug: str, paragraphs: tuple[Paragraph, ...], words: str) -> int | None:
        """A :class:`briefgen.model.ModelMemo`."""
        key = (slug, words)
        got = self._located.get(key) or self._located_used.get(key)
        if got is None or (got[0] is not paragraphs and got[0] != paragraphs):
            normal = self._normal.get(slug)
            if normal is None or (normal[0] is not paragraphs and normal[0] != paragraphs):
                normal = self._normal[slug] = (paragraphs, [normalize(p.text) for p in paragraphs])
            got = (paragraphs, locate(paragraphs, words, normal[1]))
        self._located_used[key] = got
        return got[1]

    # -- render ---------------------------------------------------------------------------------------
    def render_pages(self, model: Model, briefing_root: Path | None, diags: Diagnostics,
                     pdf: str | None = None) -> list[Page]:
        return render_pages(model, briefing_root, diags, pdf=pdf, memo=self.pages)
