"""The build cache of the stages before the model (a :class:`briefgen.build.StageMemo` kept under ``build/.cache``).

``briefgen build`` runs every stage each time; what one article's load, clean and link steps give depends only on
what they are given, so those results are kept between runs, each keyed by a digest of its inputs
(:func:`briefgen.cache.digest`):

* **load**: what a file (or a capture with its annotation) gave, keyed by the files' paths and bytes and what
  else the reader is given (the configuration, for entity files); checks across files run every time;
* **clean**: an article's :class:`~briefgen.clean.types.CleanedText`, keyed by its capture text, format, path,
  cleaning overrides and first line;
* **link**: an article's mentions, keyed by its slug and paragraphs and the entities and unlinked aliases the
  matcher was built from.

The diagnostics a step added are kept with its result and added again when it is reused. Results the run did
not use are dropped when the store is saved, so the cache follows the briefing. The model and the pages are
made every time (the pages MkDocs builds from them are cached, see :mod:`briefgen.emit.pagecache`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from briefgen.cache import Store, digest, digest_bytes
from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText
from briefgen.diagnostics import Diagnostics
from briefgen.link import Mention, build_matcher, link_paragraphs
from briefgen.link.matcher import Matcher
from briefgen.load import load_content
from briefgen.load.types import Content
from briefgen.model import build_model
from briefgen.model.types import Model
from briefgen.render.pages import Page, render_pages

T = TypeVar("T")


class StageCache:
    """Load, clean and link results of earlier runs (``store``); :meth:`save` keeps those of this run."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.before: dict[str, dict[str, Any]] = {k: store.data.get(k, {}) for k in ("load", "clean", "link")}
        self.now: dict[str, dict[str, Any]] = {k: {} for k in self.before}
        self.matcher_key = ""
        self.hits = self.misses = 0

    def _get(self, stage: str, key: str, diags: Diagnostics, make: Callable[[Diagnostics], T]) -> T:
        got = self.before[stage].get(key) or self.now[stage].get(key)
        if got is None:
            own = Diagnostics()
            got = (make(own), tuple(own.items))
            self.misses += 1
        else:
            self.hits += 1
        self.now[stage][key] = got
        diags.extend(got[1])
        return got[0]

    def save(self) -> None:
        """Keep what this run used (and nothing else)."""
        self.store.data = dict(self.now)
        self.store.save()

    # -- load (a :class:`briefgen.load.FileMemo`) ---------------------------------------------------------
    def load_content(self, root: Path, diags: Diagnostics) -> Content | None:
        return load_content(root, diags, self)

    def keep(self, paths: tuple[Path | None, ...], extra: object, diags: Diagnostics,
             read: Callable[[Diagnostics], T]) -> T:
        data = []
        for p in paths:
            try:
                data.append(digest_bytes(p.read_bytes()) if p is not None else None)
            except OSError:
                data.append("unreadable")
        return self._get("load", digest([str(p) for p in paths], data, extra), diags, read)

    def listing(self, folder: Path, diags: Diagnostics,
                read: Callable[[Diagnostics], tuple[T, tuple[Path, ...]]]) -> T:
        return read(diags)[0]  # the names of the files are the input: listing them is the work

    # -- clean, link --------------------------------------------------------------------------------------
    def clean_capture(self, text, fmt, path, overrides, diags: Diagnostics, *, first_line: int = 1) -> CleanedText:
        key = digest(text, fmt, path, overrides, first_line)
        return self._get("clean", key, diags,
                         lambda d: clean_capture(text, fmt, path, overrides, d, first_line=first_line))

    def build_matcher(self, entities, unlinked=frozenset()) -> Matcher:
        self.matcher_key = digest(tuple(entities), frozenset(unlinked))
        return build_matcher(entities, unlinked)

    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]:
        key = digest(slug, paragraphs, self.matcher_key)
        return self._get("link", key, Diagnostics(), lambda d: link_paragraphs(slug, paragraphs, matcher))

    # -- model, render: made every time ---------------------------------------------------------------------
    def build_model(self, content: Content, entities, cleaned, mentions, diags: Diagnostics) -> Model:
        return build_model(content, entities, cleaned, mentions, diags)

    def render_pages(self, model: Model, briefing_root: Path | None, diags: Diagnostics,
                     pdf: str | None = None) -> list[Page]:
        return render_pages(model, briefing_root, diags, pdf=pdf)
