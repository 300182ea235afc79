"""What the build cache keeps without reading it again: the figures kept pages show, and kept pages' Markdown in
``build/docs/`` (trusted by its stamp only once a build found its bytes to be the ones written)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import copy_briefing
from test_build_cache import EDITS, apply, assert_same, fresh_build

from briefgen.cache import digest_bytes
from briefgen.cli import main as briefgen_main
from briefgen.render.pages import Page, RenderedPage
from briefgen.stagecache import WrittenPages, kept_figures

pytestmark = pytest.mark.slow
WORD = next(step for step in EDITS if step["name"] == "a word of an article's text")


def test_kept_pages_keep_their_figures(tmp_path: Path) -> None:
    """After an edit that renders a few pages again, the figures store still holds the figures of every page (the
    next build and ``briefgen pdf`` take them instead of drawing them again), exactly those of a first build."""
    root = copy_briefing(tmp_path / "demo")
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    first = set(kept_figures(root / "build"))
    assert first, "the demo draws figures"
    apply(root, WORD)
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    fresh = copy_briefing(tmp_path / "fresh", root / "content")
    assert briefgen_main(["-C", str(fresh), "build", "-q"]) == 0
    assert set(kept_figures(root / "build")) == set(kept_figures(fresh / "build"))


def test_a_page_edited_in_build_docs_is_written_again(tmp_path: Path) -> None:
    """A file of build/docs/ changed by hand after a build trusted its stamp is not taken as the page: its stamp
    changed, so its bytes are checked, and the page is rendered and written again."""
    root = copy_briefing(tmp_path / "demo")
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    for top, _, names in os.walk(root / "build" / "docs"):  # old enough for their stamps to be trusted
        for name in names:
            st = os.stat(os.path.join(top, name))
            os.utime(os.path.join(top, name), ns=(st.st_atime_ns, st.st_mtime_ns - 10**10))
    apply(root, {"append": {"file": "content/overview.md", "text": "\nOne more line.\n"}})
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0  # checks the bytes, keeps the stamps
    page = root / "build" / "docs" / "actors" / "lavrov.md"
    st = os.stat(page)
    page.write_bytes(page.read_bytes().replace(b"Lavrov", b"Lavrof"))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    apply(root, {"append": {"file": "content/overview.md", "text": "\nAnd another.\n"}})
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    assert b"Lavrof" not in page.read_bytes()
    assert_same(root, fresh_build(root, tmp_path))


def test_a_page_rendered_again_is_never_taken_for_the_one_read_back(tmp_path: Path) -> None:
    """A page read back from build/docs/ that the renderer did not reuse is dropped, and a page rendered afterwards
    may be put where it lived (same ``id``). That page must not pass for the one read back: the build would then
    not write its file (a 'What's new' page missing from docs/ made MkDocs fail, one build in ten)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n", encoding="utf-8")
    kept = {"a.md": (RenderedPage(Page("a.md", "A", ""), (), (), ""), digest_bytes(b"# A\n"), None)}
    written = WrittenPages(docs, kept)
    page = written["a.md"]
    assert page.page.markdown == "# A\n"
    assert written.read_back("a.md", page)[:2] == kept["a.md"][:2]
    del page
    fresh = Page("a.md", "A", "# A, revised\n")
    held = []  # where the allocator put the new page elsewhere: held, and tried again
    for _ in range(50):
        written = WrittenPages(docs, kept)
        page = written["a.md"]
        address = id(page)
        del page  # not reused: rendered again, and CPython mostly puts the next object of its size where it was
        again = RenderedPage(fresh, (), (), "")
        if id(again) == address:
            break
        held.append(again)
    assert id(again) == address, "no new page was put where a dropped one was: this test would not show the fault"
    assert written.read_back("a.md", again) is None
