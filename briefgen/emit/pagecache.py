"""The emit stage's cache: pages MkDocs wrote in an earlier build, reused when what they were built from is equal.

A page of the site is MkDocs' rendering of its Markdown into the theme, with the navigation around it. Its key
(:meth:`PageCache.key`) is a digest of everything that build step is given:

* the *structure* shared by every page: ``mkdocs.yml``, the theme overrides, the front matter and first heading
  of the pages the navigation lists (their titles and metadata are on every page; the rest of them is not) and
  the build date;
* the page's own path and Markdown bytes;
* for each ``.md`` file its Markdown links to, whether that file exists (MkDocs resolves and checks such links).

When the caller knows the digest of a page's Markdown (the stage cache, see :class:`~briefgen.emit.project.KnownDocs`)
and it, the structure and the set of pages are those of the last build, the key is the last build's: the page's
file is not read.

A page whose key is unchanged is not built again: its HTML is taken from the current ``site/`` (hard-linked into
the new site, when its file is still the one written then: same size, modification time and inode) together with what the rest of the
build needs from it (search entries, anchors, the offline check's findings, see
:class:`~briefgen.emit.mkdocs_parallel.PageOutput`). Everything else of the build — the theme's assets,
``404.html``, ``sitemap.xml``, the search index, anchor validation — runs as always, so the site is the one a
clean build writes, byte for byte (tests/test_build_cache.py).
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from briefgen.cache import Store, digest
from briefgen.emit.mkdocs_parallel import PageOutput

_MD_LINK = re.compile(r"\]\(\s*<?([^()\s<>#]+\.md)(?:#[^)\s]*)?>?[^)]*\)")
"""A Markdown link to a ``.md`` file (MkDocs turns it into a link to the page, and warns when it is missing)."""


class PageCache:
    """A :class:`~briefgen.emit.mkdocs_parallel.Reuse` over a :class:`~briefgen.cache.Store` (``build/.cache``)."""

    def __init__(
        self,
        store: Store,
        project: Path,
        old_site: Path,
        new_site: Path,
        epoch: int,
        digests: Mapping[str, str] | None = None,
    ) -> None:
        self.store = store
        self.project = project
        """The generated MkDocs project (``build/``)."""
        self.old_site = old_site
        self.new_site = new_site
        self.epoch = epoch
        self.digests = digests or {}
        """The digest (:func:`~briefgen.cache.digest_bytes`) of each page's Markdown as written to ``docs/``, where
        the caller knows it (by ``src_uri``)."""
        self.previous: dict[str, tuple[str, PageOutput, tuple[int, int, int], str | None]] = store.data.get("pages", {})
        """From the last build: ``src_uri`` → (key, output, stamp of the HTML file written: size, mtime, inode, the
        digest of its Markdown when known)."""
        self.keys: dict[str, str] = {}
        self.structure = ""
        self.pages: frozenset[str] = frozenset()
        self.same_pages = False
        """Whether the structure and the set of pages are those of the last build (then a page whose Markdown is
        the same has the same key: its links to other pages find what they found then)."""
        self.restored = 0
        self._folders: set[str] = set()

    def begin(self, nav: list[str], pages: list[str]) -> None:
        docs = self.project / "docs"
        overrides = self.project / "overrides"
        theme = (
            sorted((p.relative_to(overrides).as_posix(), p.read_bytes()) for p in overrides.rglob("*") if p.is_file())
            if overrides.is_dir()
            else []
        )
        self.structure = digest(
            (self.project / "mkdocs.yml").read_bytes(),
            theme,
            [(uri, _heading((docs / uri).read_bytes())) for uri in nav],
            self.epoch,
        )
        self.pages = frozenset(pages)
        both = digest(self.structure, sorted(self.pages))
        self.same_pages = self.store.data.get("structure", {}).get("") == both
        self.store.data["structure"] = {"": both}  # (a section of the parted store)

    def key(self, src_uri: str) -> str:
        """The digest of what building the page ``src_uri`` is given (see the module's description)."""
        known = self.digests.get(src_uri)
        kept = self.previous.get(src_uri)
        if known is not None and self.same_pages and kept is not None and kept[3] == known:
            return kept[0]  # the same inputs as then: the same digest
        with open(os.path.join(self.project, "docs", src_uri), "rb") as f:
            data = f.read()
        base = posixpath.dirname(src_uri)
        targets = sorted(
            {
                posixpath.normpath(posixpath.join(base, m.group(1)))
                for m in _MD_LINK.finditer(data.decode("utf-8", "replace"))
            }
        )
        return digest(self.structure, src_uri, data, [(t, t in self.pages) for t in targets])

    def restore(self, src_uri: str, dest_uri: str) -> PageOutput | None:
        key = self.keys[src_uri] = self.key(src_uri)
        kept = self.previous.get(src_uri)
        if kept is None or kept[0] != key or kept[1].dest_uri != dest_uri:
            return None
        old = os.path.join(self.old_site, dest_uri)
        try:
            if _stamp(old) != kept[2]:
                return None  # changed or replaced since it was written: built again
            new = os.path.join(self.new_site, dest_uri)
            folder = os.path.dirname(new)
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            try:
                os.link(old, new)
            except OSError:
                shutil.copy2(old, new)
        except OSError:
            return None
        self.restored += 1
        return kept[1]

    def commit(self, pages: dict[str, PageOutput] | None, site: Path) -> None:
        """Keep the outputs of the build just swapped in as ``site`` (None: the build did not use page steps)."""
        if pages is None:
            self.store.forget()
            return
        kept = {}
        for uri, out in pages.items():
            key = self.keys.get(uri)
            if key is None:
                continue
            try:
                kept[uri] = (key, out, _stamp(os.path.join(site, out.dest_uri)), self.digests.get(uri))
            except OSError:
                continue
        self.store.data["pages"] = kept
        self.store.save()


_FRONT = re.compile(rb"\A(?:---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*\r?\n)?(?:\s*\n)*(?:#[^\n]*)?", re.DOTALL)


def _heading(markdown: bytes) -> bytes:
    """What of a navigation page shows on every other page: its front matter (MkDocs' ``page.meta``) and its
    first line when it is a heading (the title, when the navigation gives none)."""
    m = _FRONT.match(markdown)
    return m.group(0) if m else b""


def _stamp(path: str) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino)
