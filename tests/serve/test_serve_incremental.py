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

        # 2. a new entity: its page is added (and listed in the sitemap and search), no full build
        actors.write_text(actors.read_text() + "\n- id: test-envoy\n  kind: actor\n  name: Test Envoy\n"
                          "  summary: An envoy who met [Lavrov](entity:lavrov).\n", encoding="utf-8")
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert "actors/test-envoy.html" in o.pages and "sitemap.xml" in o.pages
        assert_same(b, root, tmp_path)

        # 3. a renamed entity: its title and every page naming it change, not the navigation
        edit(actors, "name: Toshimitsu Motegi", "name: Motegi Toshimitsu")
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert "actors/motegi.html" in o.pages
        assert_same(b, root, tmp_path)

        # 3b. what each of serve's memos keeps (tests below check them against fresh compiles, this against
        # clean builds): an alias, a quote's words, a fact's value, words of an article beside a mention
        moscow = arts / "2019-05-10-business-standard-lavrov-kono-moscow"
        edit(actors, "aliases: [USSR]", "aliases: [USSR, Soviets]")
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert_same(b, root, tmp_path)
        edit(moscow.with_suffix(".yml"), "text: The task is not easy, it's clear", "text: it's clear")
        edit(moscow.with_suffix(".yml"), "value: some 20,000 people", "value: about 20,000 people")
        o = b.rebuild()
        assert o.ok and not o.full and "actors/lavrov.html" in o.pages, o.why
        assert_same(b, root, tmp_path)
        edit(moscow.with_suffix(".txt"), "despite several previous rounds", "despite several Previous rounds")
        o = b.rebuild()
        assert o.ok and not o.full and "places/tokyo.html" in o.pages, o.why
        assert_same(b, root, tmp_path)

        # 3c. entities and aliases, each rendering only the pages that show them: an entity added whose alias the
        # notes of an article contain, then renamed; an alias added that only those notes contain, then removed;
        # the entity removed while a summary links it (an error: nothing changes), then while it only mentions it
        edit(moscow.with_suffix(".yml"), "**Words are missing", "Envoy Qwerty and the Quartet Isles. **Words are missing")
        b.rebuild()
        good = actors.read_text(encoding="utf-8")
        actors.write_text(good + "\n- id: qwerty\n  kind: actor\n  name: Alexei Qwerty\n  aliases: [Envoy Qwerty]\n",
                          encoding="utf-8")
        o = b.rebuild()
        assert o.ok and not o.full and f"articles/{moscow.name}.html" in o.pages, o.pages
        assert_same(b, root, tmp_path)
        edit(actors, "name: Alexei Qwerty", "name: Aleksei Qwerty")
        o = b.rebuild()
        assert o.ok and "actors/qwerty.html" in o.pages and "actors/lavrov.html" not in o.pages, o.pages
        assert_same(b, root, tmp_path)
        islands = root / "content" / "entities" / "islands.yml"
        edit(islands, "    - Northern Territories\n", "    - Northern Territories\n    - Quartet Isles\n")
        o = b.rebuild()
        assert o.ok and f"articles/{moscow.name}.html" in o.pages and len(o.pages) < 10, o.pages
        assert_same(b, root, tmp_path)
        edit(islands, "    - Northern Territories\n    - Quartet Isles\n", "    - Northern Territories\n")
        o = b.rebuild()
        assert o.ok and f"articles/{moscow.name}.html" in o.pages and len(o.pages) < 10, o.pages
        assert_same(b, root, tmp_path)
        places = root / "content" / "entities" / "places.yml"
        edit(places, "  summary: |\n", "  summary: |\n    Where [the envoy](entity:qwerty) stayed.\n")
        b.rebuild()
        with_envoy = actors.read_text(encoding="utf-8")
        actors.write_text(good, encoding="utf-8")
        before = tree(b.site.resolve())
        o = b.rebuild()
        assert not o.ok and any(d.code == "unknown-entity" for d in o.blocking)
        assert tree(b.site.resolve()) == before
        actors.write_text(with_envoy, encoding="utf-8")
        edit(places, "    Where [the envoy](entity:qwerty) stayed.\n", "    Where Envoy Qwerty stayed.\n")
        o = b.rebuild()
        assert o.ok, o.blocking
        assert_same(b, root, tmp_path)
        actors.write_text(good, encoding="utf-8")
        o = b.rebuild()
        assert o.ok and not o.full and {"places/moscow.html", f"articles/{moscow.name}.html"} <= set(o.pages), o.pages
        assert not (b.site / "actors" / "qwerty.html").exists()
        assert_same(b, root, tmp_path)

        # 4. a renamed id: the page moves (one page removed, one added), no full build
        edit(actors, "id: test-envoy", "id: special-envoy")
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert "actors/special-envoy.html" in o.pages
        assert not (b.site / "actors" / "test-envoy.html").exists()
        assert_same(b, root, tmp_path)

        # 5. an article added, then its text edited, then deleted
        (arts / "2019-12-21-test-wire.txt").write_text("Lavrov spoke.\n\nNothing else happened.\n", encoding="utf-8")
        (arts / "2019-12-21-test-wire.yml").write_text(NEW_ARTICLE, encoding="utf-8")
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert_same(b, root, tmp_path)
        edit(arts / "2019-12-21-test-wire.txt", "Nothing else happened.", "Motegi listened.")
        o = b.rebuild()
        assert o.ok and not o.full and "articles/2019-12-21-test-wire.html" in o.pages
        assert_same(b, root, tmp_path)
        (arts / "2019-12-21-test-wire.txt").unlink()
        (arts / "2019-12-21-test-wire.yml").unlink()
        o = b.rebuild()
        assert o.ok and not o.full, o.why
        assert_same(b, root, tmp_path)

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
    from briefgen.stagecache import InMemory

    root = copy_briefing(tmp_path / "demo")
    ann = sorted((root / "content" / "articles").glob("*.yml"))[0]
    ann.write_text(ann.read_text() + "cleaning:\n  remove: [\"No paragraph starts like this\"]\n", encoding="utf-8")
    actors = root / "content" / "entities" / "actors.yml"

    def fresh():
        d = Diagnostics()
        return compile_briefing(root, d).pages, d.sorted()

    memo = InMemory()
    runs = []

    def memoized():
        stages = memo.cache()
        runs.append(stages)
        d = Diagnostics()
        pages = compile_briefing(root, d, memo=stages).pages
        stages.save()
        return pages, d.sorted()

    assert memoized() == fresh()
    pages, diags = memoized()
    assert runs[-1].hits >= 5 and not runs[-1].made and runs[-1].pages.rendered == 0  # nothing made again
    assert (pages, diags) == fresh()
    assert any(d.code == "cleaning-unmatched" for d in diags)  # replayed from the cache
    edit(actors, "name: Toshimitsu Motegi", "name: Motegi Toshimitsu")  # an alias changes
    assert memoized() == fresh()
    assert runs[-1].made == {"load": 1}  # no capture has the old or new name: no article is linked again


class _Twin:
    """A memoised compile (as ``briefgen serve`` runs it) next to a fresh one, on the same folder."""

    def __init__(self, root: Path):
        from briefgen.stagecache import InMemory

        self.root = root
        self.memo = InMemory()
        self.stages = self.memo.cache()
        self.mtime = 1_500_000_000  # every edit gets its own modification time, well in the past (not "racy")

    @classmethod
    def settled(cls, root: Path) -> "_Twin":
        """A twin of ``root`` whose every file has an old time of its own, compiled once."""
        t = cls(root)
        for p in sorted((root / "content").rglob("*")):
            if p.is_file():
                t.touch(p)
        t.check()
        return t

    def touch(self, path: Path) -> None:
        import os

        self.mtime += 10
        os.utime(path, (self.mtime, self.mtime))

    def write(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        self.touch(path)

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        self.write(path, text.replace(old, new, 1))

    def check(self) -> tuple[set[str], list]:
        """Compile both ways; they must give the same pages and diagnostics. Returns the pages rendered again."""
        from briefgen.build import compile_briefing
        from briefgen.diagnostics import Diagnostics

        import os
        import time

        for folder in [self.root / "content", *(p for p in (self.root / "content").rglob("*") if p.is_dir())]:
            if folder.stat().st_mtime > time.time() - 60:  # changed by the edit: an old time of its own too
                self.touch(folder)
        d1, d2 = Diagnostics(), Diagnostics()
        fresh = compile_briefing(self.root, d1)
        before = {p.path: p.markdown for p in getattr(self, "last", ())}
        self.stages = self.memo.cache()
        kept = compile_briefing(self.root, d2, memo=self.stages)
        self.stages.save(complete=kept.model is not None and not d2.has_errors())
        assert [p.path for p in kept.pages] == [p.path for p in fresh.pages]
        differ = [a.path for a, b in zip(kept.pages, fresh.pages) if a != b]
        assert not differ, f"memoised pages differ from a fresh compile: {differ[:10]}"
        assert d2.sorted() == d1.sorted()
        assert kept.model == fresh.model  # mentions included, even what no page shows of them (the alias matched)
        self.last = kept.pages
        return {p.path for p in kept.pages if before.get(p.path) != p.markdown}, d1.sorted()

    def made(self, step: str) -> int:
        """Results the last compile made again (not kept) in ``step`` (``list``: listings of folders)."""
        return self.stages.made.get(step, 0)

    @property
    def rendered(self) -> int:
        """Pages the last compile rendered."""
        return self.stages.pages.rendered if self.stages.pages is not None else 0

    @property
    def fresh(self) -> set[str]:
        """The pages the last compile rendered."""
        return set(self.stages.pages.fresh) if self.stages.pages is not None else set()


def test_every_memo_gives_what_a_fresh_compile_gives_after_each_kind_of_edit(tmp_path: Path) -> None:
    """Load, locate and page memos: after each edit the memoised compile equals a fresh one, and the memos did
    reuse work (so a memo that recomputes everything would fail here too)."""
    root = copy_briefing(tmp_path / "demo")
    c = root / "content"
    actors, arts = c / "entities" / "actors.yml", c / "articles"
    moscow = arts / "2019-05-10-business-standard-lavrov-kono-moscow"
    motegi_art = arts / "2019-12-20-business-standard-lavrov-motegi-moscow"
    t = _Twin.settled(root)
    changed, _ = t.check()
    assert not changed and t.made("load") == 0 and t.rendered == 0
    n_pages = len(t.last)

    # an article's notes: its page (and the lists showing whole articles) only; one file read again
    t.edit(moscow.with_suffix(".yml"), "**Words are missing", "**Many words are missing")
    changed, _ = t.check()
    assert t.made("load") == 1 and t.made("clean") == 0
    assert f"articles/{moscow.name}.md" in changed and len(changed) == 1
    assert t.rendered <= 4, (t.rendered, t.fresh)

    # a quote's words: the speaker's page, the article page, the timeline may change; located anew
    t.edit(moscow.with_suffix(".yml"), "text: The task is not easy, it's clear it will only be solved by long, painstaking",
           "text: it's clear it will only be solved by long, painstaking")
    changed, _ = t.check()
    assert "actors/lavrov.md" in changed and t.rendered < n_pages // 2

    # a quote that is not in its source, then fixed
    t.edit(moscow.with_suffix(".yml"), "text: it's clear it will only", "text: it's obvious it will only")
    _, diags = t.check()
    assert any(d.code == "quote-not-found" for d in diags)
    t.edit(moscow.with_suffix(".yml"), "text: it's obvious it will only", "text: it's clear it will only")
    t.check()

    # an entity's title: every page naming it
    t.edit(actors, "name: Toshimitsu Motegi", "name: Motegi Toshimitsu")
    changed, _ = t.check()
    assert "actors/motegi.md" in changed and f"articles/{motegi_art.name}.md" in changed

    # an alias added: mentions are searched again
    t.edit(actors, "aliases: [USSR]", "aliases: [USSR, Soviets]")
    t.check()

    # a new alias that only author Markdown contains (the overview, a summary, notes): the pages rendering
    # that Markdown change, through no input of their own
    t.edit(c / "overview.md", "four islands off Hokkaido", "four islands off Hokkaido (the Hokkaido quartet)")
    t.edit(c / "entities" / "places.yml", "  summary: |\n", "  summary: |\n    Near the Hokkaido quartet.\n", )
    t.edit(moscow.with_suffix(".yml"), "**Many words are missing", "The Hokkaido quartet again. **Many words are missing")
    t.check()
    t.edit(c / "entities" / "islands.yml", "    - Northern Territories\n", "    - Northern Territories\n    - Hokkaido quartet\n")
    changed, _ = t.check()
    assert {"index.md", f"articles/{moscow.name}.md"} <= changed and any(p.startswith("places/") for p in changed)

    # a fact's value
    t.edit(moscow.with_suffix(".yml"), "value: some 20,000 people", "value: about 20,000 people")
    changed, _ = t.check()
    assert any(p.startswith("issues/") or p.startswith("islands/") or p.startswith("places/") for p in changed), changed

    # a new entity whose summary cites an article's words and links another entity
    t.write(actors, actors.read_text(encoding="utf-8") + "\n- id: test-envoy\n  kind: actor\n  name: Test Envoy\n"
            "  summary: An envoy who met [Lavrov](entity:lavrov) [@2019-05-10-business-standard-lavrov-kono-moscow "
            "\"meeting 25 times since 2013\"].\n")
    changed, _ = t.check()
    assert "actors/test-envoy.md" in changed

    # the cited article's text: the citation now points elsewhere, or nowhere
    t.edit(moscow.with_suffix(".txt"), "meeting 25 times since 2013", "meeting 26 times since 2013")
    _, diags = t.check()
    assert any(d.code == "quote-not-found" and d.span.path == "content/entities/actors.yml" for d in diags)
    t.edit(moscow.with_suffix(".txt"), "meeting 26 times since 2013", "meeting 25 times since 2013")
    t.check()

    # quotes written in a meeting's entity for another speaker: the meeting's page lists them too, and it neither
    # mentions nor cites their article otherwise (so only its declared quotes tell it that the new paragraph
    # below moves them); their words, then their context, edited
    meetings = c / "entities" / "meetings.yml"
    t.write(meetings, meetings.read_text(encoding="utf-8") + "\n- id: test-talks\n  kind: meeting\n  name: Test talks\n"
            "  date: 2019-05-10\n  quotes:\n    - speaker: kono\n      text: Solving a problem that remains unresolved\n"
            f"      source: {moscow.name}\n    - speaker: lavrov\n      text: it will only be solved by long\n"
            f"      source: {moscow.name}\n")
    changed, _ = t.check()
    assert {"meetings/test-talks.md", "actors/kono.md", "actors/lavrov.md"} <= changed
    t.edit(meetings, "text: Solving a problem that remains unresolved\n", "text: remains unresolved more than 70 years on\n")
    changed, _ = t.check()
    assert {"meetings/test-talks.md", "actors/kono.md"} <= changed and "actors/lavrov.md" not in changed
    t.edit(meetings, "text: remains unresolved more than 70 years on\n",
           "text: remains unresolved more than 70 years on\n      context: at the press conference\n")
    changed, _ = t.check()
    assert {"meetings/test-talks.md", "actors/kono.md"} <= changed

    # words around a mention (same length: the mentions are equal, their sentences are not), then a new
    # paragraph (every later quote is located in another paragraph)
    t.edit(moscow.with_suffix(".txt"), "despite several previous rounds", "despite several Previous rounds")
    changed, _ = t.check()
    assert "places/tokyo.md" in changed  # its summary cites nothing there: the page shows the sentence
    t.edit(moscow.with_suffix(".txt"), "Lavrov told journalists", "Lavrov told Journalists")
    changed, _ = t.check()
    assert "actors/lavrov.md" in changed
    t.edit(moscow.with_suffix(".txt"), "Lavrov told Journalists following his meeting with Japanese counterpart\n",
           "Lavrov told Journalists following his meeting with Japanese counterpart\n\n"
           "Officials gave no further details of the talks on the islands.\n")
    changed, _ = t.check()
    assert "actors/kono.md" in changed and "meetings/test-talks.md" in changed

    # notes citing another article's words; that article gets a new paragraph before them
    t.edit(moscow.with_suffix(".yml"), "**Many words are missing",
           '[@2019-12-20-business-standard-lavrov-motegi-moscow "has deployed missile systems on the islands"] '
           "**Many words are missing")
    t.check()
    t.edit(motegi_art.with_suffix(".txt"), "The islands' current population is around 20,000 people.\n",
           "The islands' current population is around 20,000 people.\n\nA paragraph added for the test.\n")
    changed, _ = t.check()
    assert f"articles/{moscow.name}.md" in changed

    # the configuration's kinds and alias case: entity files are read again (they depend on it)
    t.edit(c / "briefing.yml", "case: exact", "case: ignore")
    t.check()
    t.edit(c / "briefing.yml", "case: ignore", "case: exact")
    t.check()
    t.edit(c / "briefing.yml", "      type: {type: text, label: Type}\n",
           "      type: {type: text, label: Type}\n      motto: {type: text, label: Motto, required: true}\n")
    _, diags = t.check()
    assert any(d.code == "missing-key" and d.span.path == "content/entities/actors.yml" for d in diags)
    t.edit(c / "briefing.yml", "      motto: {type: text, label: Motto, required: true}\n", "")
    t.check()

    # an article's origin (the sources page shows it)
    t.edit(moscow.with_suffix(".yml"), "  Text copied from", "  Text taken from")
    changed, _ = t.check()
    assert "sources.md" in changed

    # an article's title (citation labels and links stay, titles change) and date
    t.edit(moscow.with_suffix(".yml"), "title: Russia, Japan say", "title: Russia and Japan say")
    t.check()
    t.edit(moscow.with_suffix(".yml"), "date: 2019-05-10", "date: 2019-05-11")
    t.check()
    t.edit(moscow.with_suffix(".yml"), "outlet: Business Standard (AFP)", "outlet: Business Standard")
    changed, _ = t.check()
    assert "actors/kono.md" in changed  # its quotes' citation labels name the outlet

    # broken YAML (errors, nothing else read again), then fixed
    good = actors.read_text(encoding="utf-8")
    t.write(actors, good + "- id: [unclosed\n")
    _, diags = t.check()
    assert any(d.severity.value == "error" and d.span.path == "content/entities/actors.yml" for d in diags)
    t.write(actors, good.replace("Russia's foreign minister", "Russia's veteran foreign minister"))
    t.check()

    # the configuration (every page shows it), the overview, a template override, an article deleted
    t.edit(c / "briefing.yml", "subtitle: Russia–Japan", "subtitle: Japan–Russia")
    t.check()
    t.edit(c / "overview.md", "Kuril", "Kurile")
    t.check()
    (root / "templates").mkdir()
    tpl = (ROOT / "templates" / "article.md.j2").read_text(encoding="utf-8")
    t.write(root / "templates" / "article.md.j2", tpl + "\nOverridden.\n")
    changed, _ = t.check()
    assert f"articles/{motegi_art.name}.md" in changed and "actors/lavrov.md" not in changed
    # an overridden list may show any field of an article: its inputs are then whole articles
    tpl = (ROOT / "templates" / "articles_index.md.j2").read_text(encoding="utf-8")
    t.write(root / "templates" / "articles_index.md.j2", tpl + "{% for link, a, n in rows %}{{ a.notes }}{% endfor %}\n")
    t.check()
    t.edit(moscow.with_suffix(".yml"), "**Many words are missing", "**Very many words are missing")
    changed, _ = t.check()
    assert "articles/index.md" in changed
    # the file lists: an article in a new subfolder, two captures whose names give one slug, an orphan annotation,
    # then all of them gone again
    (arts / "more").mkdir()
    t.write(arts / "more" / "2019-12-22-sub-wire.txt", "Lavrov spoke in a subfolder.\n")
    t.write(arts / "more" / "2019-12-22-sub-wire.yml", "title: Sub\noutlet: Sub Wire\ndate: 2019-12-22\n")
    changed, _ = t.check()
    assert "articles/2019-12-22-sub-wire.md" in changed
    t.write(arts / "Bad Name.txt", "Text.\n")
    t.write(arts / "bad_name.txt", "Text.\n")
    t.write(arts / "lonely.yml", "title: Lonely\n")
    _, diags = t.check()
    assert {"duplicate-slug", "orphan-annotation"} <= {d.code for d in diags}
    _, diags = t.check()  # nothing changed: the same diagnostics, replayed
    assert {"duplicate-slug", "orphan-annotation"} <= {d.code for d in diags}
    assert t.made("load") == 0 and t.rendered == 0 and t.made("list") == 0
    for p in (arts / "Bad Name.txt", arts / "bad_name.txt", arts / "lonely.yml", arts / "more" / "2019-12-22-sub-wire.txt",
              arts / "more" / "2019-12-22-sub-wire.yml"):
        p.unlink()
    _, diags = t.check()
    assert not {"duplicate-slug", "orphan-annotation"} & {d.code for d in diags}

    moscow.with_suffix(".txt").unlink()
    moscow.with_suffix(".yml").unlink()
    _, diags = t.check()
    assert any(d.code in ("unknown-article", "unknown-entity") for d in diags)


def test_entity_and_alias_edits_render_only_the_pages_that_show_them(tmp_path: Path) -> None:
    """A page depends on the entities it looks up (their name, page and kind) and on the aliases that could match
    in its Markdown, nothing more: entities added, renamed or removed and aliases added or removed render only
    those pages (and the lists of all entities), mentions are searched again only in articles where a changed
    alias could match, and the memoised compile still equals a fresh one after each edit."""
    root = copy_briefing(tmp_path / "demo")
    c = root / "content"
    actors, arts = c / "entities" / "actors.yml", c / "articles"
    islands, places = c / "entities" / "islands.yml", c / "entities" / "places.yml"
    moscow = arts / "2019-05-10-business-standard-lavrov-kono-moscow"
    fort = arts / "2018-09-20-fort-russ-kono-lavrov-peace-treaty"
    t = _Twin.settled(root)
    lists = {"index.md"} | {p.path for p in t.last if p.path.endswith("/index.md")}

    def step() -> tuple[set[str], set[str], list]:
        changed, diags = t.check()
        return changed, t.fresh, diags

    # words in one article's notes that no alias matches yet
    t.edit(moscow.with_suffix(".yml"), "**Words are missing", "Envoy Qwerty and the Quartet Isles were there. **Words are missing")
    changed, fresh, _ = step()
    assert changed == {f"articles/{moscow.name}.md"} and fresh - changed <= {"index.md"}  # it lists the latest articles

    # an entity added whose alias appears in those notes: its page, its kind's index, the home page (the count of
    # each kind), that article, and the page its summary links to ("Linked from"); no other page, and no
    # article's mentions are searched again
    t.write(actors, actors.read_text(encoding="utf-8") + "\n- id: qwerty\n  kind: actor\n  name: Alexei Qwerty\n"
            "  aliases: [Envoy Qwerty]\n  summary: An envoy who met [Lavrov](entity:lavrov).\n")
    changed, fresh, _ = step()
    assert changed == {"actors/qwerty.md", "actors/index.md", "index.md", f"articles/{moscow.name}.md",
                       "actors/lavrov.md"}
    assert fresh == changed | {"map.md", "connections.md"}  # they go through all entities (their figures do not change)
    assert t.made("link") == 0

    # renamed: the pages showing its name (Lavrov's lists its summary), and the article whose notes link it (to
    # the same address)
    t.edit(actors, "name: Alexei Qwerty", "name: Aleksei Qwerty")
    changed, fresh, _ = step()
    assert changed == {"actors/qwerty.md", "actors/index.md", "actors/lavrov.md"}
    assert fresh == changed and t.made("link") == 0  # the article's link reads the entity's page, not its name

    # an entity many pages show renamed: its backlinks, the articles mentioning it, the pages citing it, and the
    # pages whose Markdown mentions it; mentions searched again only in the article where its old name occurs
    t.edit(actors, "name: Taro Kono", "name: Kono Taro")
    changed, fresh, _ = step()
    assert {"actors/kono.md", "actors/index.md", "actors/lavrov.md", "sources.md", f"articles/{moscow.name}.md",
            f"articles/{fort.name}.md", "meetings/meeting-2019-05-10-moscow.md",
            "places/new-york.md"} <= changed  # New York's connections graph names who met there
    # (the pages whose Markdown links "Kono" read only its address; the articles index counts the entities of each
    # article from its mentions, which name the alias that matched)
    assert fresh - changed == {"articles/index.md"}
    # (issues and documents change only where their connections graph names Kono)
    assert t.made("link") == 1 and not any(p.startswith(("issues/", "documents/")) for p in fresh - changed)

    # an alias added that only one article's notes contain, then removed: that article and the entity's own page
    # change (the entities written after it in the same file are rendered again: their places moved; so are the
    # pages that read their fields, which hold where each is written: the maps read their locations); no article
    # page but that one, and no article's mentions are searched again
    for old, new in (("    - Northern Territories\n", "    - Northern Territories\n    - Quartet Isles\n"),
                     ("    - Northern Territories\n    - Quartet Isles\n", "    - Northern Territories\n")):
        t.edit(islands, old, new)
        changed, fresh, _ = step()
        assert changed == {f"articles/{moscow.name}.md", "islands/disputed-islands.md"}
        assert changed <= fresh and not any(p.startswith("articles/") for p in fresh - changed), fresh - changed
        assert t.made("link") == 0 and len(fresh) < len(t.last) // 2

    # an alias added that one article's text contains: mentions searched again in that article only
    t.edit(actors, "aliases: [Soviet army, Soviet troops, Soviet forces]",
           "aliases: [Soviet army, Soviet troops, Soviet forces, military bases]")
    changed, fresh, _ = step()
    assert t.made("link") == 1 and "actors/soviet-armed-forces.md" in changed

    # two aliases of the same words, then in the other order: which one a mention names changes (the pages do not)
    t.edit(actors, "aliases: [Lavrov]", "aliases: [Lavrov, {text: LAVROV, case: ignore}]")
    t.check()
    t.edit(actors, "aliases: [Lavrov, {text: LAVROV, case: ignore}]", "aliases: [{text: LAVROV, case: ignore}, Lavrov]")
    t.check()

    # an entity removed while a summary links it: an error, as in a fresh compile
    t.edit(places, "  summary: |\n", "  summary: |\n    Where [the envoy](entity:qwerty) stayed.\n")
    t.check()
    good = actors.read_text(encoding="utf-8")
    t.write(actors, good.split("\n- id: qwerty\n")[0] + "\n")
    _, _, diags = step()
    assert any(d.code == "unknown-entity" and d.span.path == "content/entities/places.yml" for d in diags)
    # (its hint names the closest id: that page went through all entities, and a new one changes it)
    t.write(actors, good.split("\n- id: qwerty\n")[0] + "\n- id: qwerty2\n  kind: actor\n  name: Q2\n")
    _, _, diags = step()
    assert any(d.code == "unknown-entity" and "qwerty2" in d.hint for d in diags)
    # ... and while a summary and an article's notes mention it: no error, those pages lose the links
    t.write(actors, good)
    t.edit(places, "    Where [the envoy](entity:qwerty) stayed.\n", "    Where Envoy Qwerty stayed.\n")
    t.check()
    t.write(actors, good.split("\n- id: qwerty\n")[0] + "\n")
    changed, fresh, diags = step()
    assert not any(d.severity.value == "error" for d in diags)
    assert changed == {"actors/index.md", "index.md", "places/moscow.md", f"articles/{moscow.name}.md",
                       "actors/lavrov.md"}  # it no longer lists the removed entity's summary
    assert fresh == changed | {"map.md", "connections.md"}  # they go through all entities


def test_link_memo_searches_again_after_alias_changes_it_did_not_see(tmp_path: Path) -> None:
    """The link memo keeps an article's mentions across an alias change only when the change cannot match in
    its text; a change made in a run that linked nothing (stopped, say) is not forgotten by the next one."""
    import dataclasses

    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.link import build_matcher, link_paragraphs
    from briefgen.load.types import Alias
    from briefgen.stagecache import InMemory

    root = copy_briefing(tmp_path / "demo")
    compiled = compile_briefing(root, Diagnostics())
    specs = tuple(e.spec for e in compiled.model.entities.values())
    art = compiled.model.articles["2016-09-02-independent-ng-putin-island-row"]
    assert any("Tokyo-Moscow" in p.text for p in art.paragraphs)

    def with_alias(entities: tuple, eid: str, text: str) -> tuple:
        return tuple(dataclasses.replace(e, aliases=e.aliases + (Alias(text, "exact", False, e.span),))
                     if e.id == eid else e for e in entities)

    memo = InMemory()
    run = memo.cache()
    first = run.build_matcher(specs)
    assert run.link_paragraphs(art.slug, art.paragraphs, first) == art.mentions
    run.save()
    run = memo.cache()
    changed = with_alias(specs, "russia", "Tokyo-Moscow")  # the longer words win over "Tokyo" and "Moscow"
    run.build_matcher(changed)  # a run that links nothing (its content had errors: what it used is kept beside)
    run.save(complete=False)
    run = memo.cache()
    later = with_alias(changed, "japan", "Nowhere Land")  # occurs in no article
    third = run.build_matcher(later)
    got = run.link_paragraphs(art.slug, art.paragraphs, third)
    assert got == link_paragraphs(art.slug, art.paragraphs, build_matcher(later))
    assert got != art.mentions and run.made.get("link") == 1
    # an alias change that cannot match in it keeps its mentions
    run.save()
    run = memo.cache()
    fourth = run.build_matcher(with_alias(later, "japan", "Elsewhere Land"))
    assert run.link_paragraphs(art.slug, art.paragraphs, fourth) == got and not run.made
