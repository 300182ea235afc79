"""After any sequence of edits, the served site is byte-for-byte what a clean ``briefgen build`` writes.

The serve machinery (:class:`briefgen.serve.rebuild.Builder`, in process) follows a sequence of edits of a
copy of the demo briefing; after each one its served folder is compared, file by file, with a fresh
``briefgen build`` of the same content. Nothing needs stripping: the live-reload script is added to HTML
responses by the server on the way out, never written to the folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.cli import main as briefgen_main
from briefgen.serve.rebuild import Builder
from conftest import ROOT, copy_briefing
from servehelp import tree

pytestmark = pytest.mark.slow

NEW_ARTICLE = """title: A test article about Lavrov
outlet: Test Wire
date: 2019-12-21
"""


def clean_build(root: Path, tmp: Path) -> dict[str, bytes]:
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root / "content", fresh / "content")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", fresh / "templates")
    assert briefgen_main(["-C", str(fresh), "build", "-q"]) == 0
    return tree(fresh / "site")


def assert_same(builder: Builder, root: Path, tmp: Path) -> None:
    served, clean = tree(builder.site.resolve()), clean_build(root, tmp)
    assert sorted(served) == sorted(clean)
    differ = [k for k in clean if served[k] != clean[k]]
    assert not differ, f"served site differs from a clean build in {differ[:10]}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_served_site_equals_a_clean_build_after_every_edit(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    actors = root / "content" / "entities" / "actors.yml"
    arts = root / "content" / "articles"
    b = Builder(root, tmp_path / "work")
    try:
        first = b.rebuild()
        assert first.ok and first.full

        # 1. a summary: only the pages showing it are re-rendered, the navigation is untouched
        edit(actors, "Russia's foreign minister", "Russia's long-serving foreign minister")
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert "actors/lavrov.html" in o.pages and len(o.pages) < 10, o.pages
        assert_same(b, root, tmp_path)

        # 2. a new entity: a new page, so a full build
        actors.write_text(actors.read_text() + "\n- id: test-envoy\n  kind: actor\n  name: Test Envoy\n"
                          "  summary: An envoy who met [Lavrov](entity:lavrov).\n", encoding="utf-8")
        o = b.rebuild()
        assert o.ok and o.full  # a full build is MkDocs' own build: compared once, at the end

        # 3. a renamed entity: its title and every page naming it change, not the navigation
        edit(actors, "name: Toshimitsu Motegi", "name: Motegi Toshimitsu")
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert "actors/motegi.html" in o.pages
        assert_same(b, root, tmp_path)

        # 4. a renamed id: the page moves, a full build
        edit(actors, "id: test-envoy", "id: special-envoy")
        o = b.rebuild()
        assert o.ok and o.full

        # 5. an article added, then its text edited, then deleted
        (arts / "2019-12-21-test-wire.txt").write_text("Lavrov spoke.\n\nNothing else happened.\n", encoding="utf-8")
        (arts / "2019-12-21-test-wire.yml").write_text(NEW_ARTICLE, encoding="utf-8")
        o = b.rebuild()
        assert o.ok and o.full
        edit(arts / "2019-12-21-test-wire.txt", "Nothing else happened.", "Motegi listened.")
        o = b.rebuild()
        assert o.ok and not o.full and "articles/2019-12-21-test-wire.html" in o.pages
        assert_same(b, root, tmp_path)
        (arts / "2019-12-21-test-wire.txt").unlink()
        (arts / "2019-12-21-test-wire.yml").unlink()
        o = b.rebuild()
        assert o.ok and o.full

        # 6. broken YAML: nothing changes on disk, the errors are reported with their place
        before = tree(b.site.resolve())
        good = actors.read_text()
        actors.write_text(good + "- id: [unclosed\n", encoding="utf-8")
        o = b.rebuild()
        assert not o.ok and o.blocking
        assert any(d.span.path == "content/entities/actors.yml" for d in o.blocking)
        assert tree(b.site.resolve()) == before
        actors.write_text(good.replace("Russia's long-serving", "Russia's veteran"), encoding="utf-8")
        o = b.rebuild()
        assert o.ok and not o.full and not o.blocking
        assert_same(b, root, tmp_path)

        # 7. a briefing's own style sheet (a static file of the project)
        (root / "templates" / "assets").mkdir(parents=True)
        (root / "templates" / "assets" / "briefgen.css").write_text("body { color: #123; }\n", encoding="utf-8")
        o = b.rebuild()
        assert o.ok and not o.full and o.pages == ("assets/briefgen.css",)
        assert_same(b, root, tmp_path)

        # 8. a theme override: every page changes, a full build
        (root / "templates" / "overrides").mkdir()
        main_html = (ROOT / "templates" / "overrides" / "main.html").read_text(encoding="utf-8")
        (root / "templates" / "overrides" / "main.html").write_text(
            main_html + '{% block footer %}<p class="test-footer">Footer</p>{% endblock %}\n', encoding="utf-8")
        o = b.rebuild()
        assert o.ok and o.full
        assert b'class="test-footer"' in (b.site / "actors" / "lavrov.html").read_bytes()
    finally:
        b.close()
    assert not (tmp_path / "work").exists()


def test_strict_blocks_on_warnings_and_plain_does_not(tmp_path: Path) -> None:
    from servehelp import small_briefing

    root = small_briefing(tmp_path / "b")
    (root / "content" / "articles" / "undated.txt").write_text("Alice spoke.\n", encoding="utf-8")
    for strict, ok in ((False, True), (True, False)):
        b = Builder(root, tmp_path / f"work-{strict}", strict=strict)
        try:
            o = b.rebuild()
            assert o.ok is ok
            assert any(d.code == "article-no-date" for d in o.diagnostics)
            assert bool(o.blocking) is strict
        finally:
            b.close()


def test_memo_gives_exactly_what_a_fresh_compile_gives(tmp_path: Path) -> None:
    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.serve.memo import Memo

    root = copy_briefing(tmp_path / "demo")
    ann = sorted((root / "content" / "articles").glob("*.yml"))[0]
    ann.write_text(ann.read_text() + "cleaning:\n  remove: [\"No paragraph starts like this\"]\n", encoding="utf-8")
    actors = root / "content" / "entities" / "actors.yml"

    def fresh():
        d = Diagnostics()
        return compile_briefing(root, d).pages, d.sorted()

    memo = Memo()

    def memoized():
        memo.next_run()
        d = Diagnostics()
        return compile_briefing(root, d, memo=memo).pages, d.sorted()

    assert memoized() == fresh()
    pages, diags = memoized()
    assert memo.hits == 5 and memo.misses == 0
    assert (pages, diags) == fresh()
    assert any(d.code == "cleaning-unmatched" for d in diags)  # replayed from the memo
    edit(actors, "name: Toshimitsu Motegi", "name: Motegi Toshimitsu")  # an alias changes: mentions again
    assert memoized() == fresh()
