"""The emit stage's cache: pages MkDocs wrote in an earlier build, reused when what they were built from is equal.

A page of the site is MkDocs' rendering of its Markdown into the theme, with the navigation around it. Its key
(:meth:`PageCache.key`) is a digest of everything that build step is given:

* the *structure* shared by every page: ``mkdocs.yml``, the theme overrides, the front matter and first heading
  of the pages the navigation lists (their titles and metadata are on every page; the rest of them is not) and
  the build date;
* the page's own path and Markdown bytes;
* for each ``.md`` file its Markdown links to, whether that file exists (MkDocs resolves and checks such links).

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
from pathlib import Path

from briefgen.cache import Store, digest
from briefgen.emit.mkdocs_parallel import PageOutput

_MD_LINK = re.compile(r"\]\(\s*<?([^()\s<>#]+\.md)(?:#[^)\s]*)?>?[^)]*\)")
"""A Markdown link to a ``.md`` file (MkDocs turns it into a link to the page, and warns when it is missing)."""


class PageCache:
    """A :class:`~briefgen.emit.mkdocs_parallel.Reuse` over a :class:`~briefgen.cache.Store` (``build/.cache``)."""

    def __init__(self, store: Store, project: Path, old_site: Path, new_site: Path, epoch: int) -> None:
        self.store = store
        self.project = project
        """The generated MkDocs project (``build/``)."""
        self.old_site = old_site
        self.new_site = new_site
        self.epoch = epoch
        self.previous: dict[str, tuple[str, PageOutput, tuple[int, int, int]]] = store.data.get("pages", {})
        """From the last build: ``src_uri`` → (key, output, stamp of the HTML file written: size, mtime, inode)."""
        self.keys: dict[str, str] = {}
        self.structure = ""
        self.pages: frozenset[str] = frozenset()
        self.restored = 0

    def begin(self, nav: list[str], pages: list[str]) -> None:
        docs = self.project / "docs"
        overrides = self.project / "overrides"
        theme = sorted((p.relative_to(overrides).as_posix(), p.read_bytes())
                       for p in overrides.rglob("*") if p.is_file()) if overrides.is_dir() else []
        self.structure = digest((self.project / "mkdocs.yml").read_bytes(), theme,
                                [(uri, _heading((docs / uri).read_bytes())) for uri in nav], self.epoch)
        self.pages = frozenset(pages)

    def key(self, src_uri: str) -> str:
        """The digest of what building the page ``src_uri`` is given (see the module's description)."""
        with open(os.path.join(self.project, "docs", src_uri), "rb") as f:
            data = f.read()
        base = posixpath.dirname(src_uri)
        targets = sorted({posixpath.normpath(posixpath.join(base, m.group(1)))
                          for m in _MD_LINK.finditer(data.decode("utf-8", "replace"))})
        return digest(self.structure, src_uri, data, [(t, t in self.pages) for t in targets])

    def restore(self, src_uri: str, dest_uri: str) -> PageOutput | None:
        key = self.keys[src_uri] = self.key(src_uri)
        kept = self.previous.get(src_uri)
        if kept is None or kept[0] != key or kept[1].dest_uri != dest_uri:
            return None
        old = self.old_site / dest_uri
        try:
            if _stamp(old) != kept[2]:
                return None  # changed or replaced since it was written: built again
            new = self.new_site / dest_uri
            new.parent.mkdir(parents=True, exist_ok=True)
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
                kept[uri] = (key, out, _stamp(site / out.dest_uri))
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


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)
