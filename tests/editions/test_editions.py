"""Editions: the edition record every build writes (``site/edition.json``) and "What's new since edition N".

Each case under ``cases/`` is a folder: ``edits.yml`` turns a copy of the demo briefing (edition 1), once built,
into the next edition, and ``expected/whatsnew.md`` is the "What's new" page that edition's build must write
(BRIEFGEN_UPDATE_GOLDEN=1 rewrites it; review the diff). Edit steps: ``edit: {file, old, new}`` (first
occurrence), ``write: {file, text}``, ``append: {file, text}``, ``delete: [files]``, ``move_to_end: {file, start, end}`` (the block from
``start`` up to the next ``end`` moves to the end of the file) and ``swap: {file, a, b}`` (two blocks trade places).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, UPDATE, copy_briefing

from briefgen.cli import main as briefgen_main
from briefgen.model.manifest import VERSION

pytestmark = pytest.mark.slow
HERE = Path(__file__).parent
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if (p / "edits.yml").is_file())


def apply(root: Path, step: dict) -> None:
    for key in ("write", "append"):
        if key in step:
            target = root / step[key]["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            before = target.read_text(encoding="utf-8") if key == "append" else ""
            target.write_text(before + step[key]["text"], encoding="utf-8")
    for key in ("edit", "move_to_end", "swap"):
        if key not in step:
            continue
        target = root / step[key]["file"]
        text = target.read_text(encoding="utf-8")
        if key == "edit":
            assert step[key]["old"] in text, step["name"]
            text = text.replace(step[key]["old"], step[key]["new"], 1)
        elif key == "move_to_end":
            i = text.index(step[key]["start"])
            j = text.find(step[key]["end"], i + 1)
            j = len(text) if j < 0 else j + 1
            block = text[i:j]
            text = text[:i] + text[j:]
            text = text.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"
        else:
            a, b = step[key]["a"], step[key]["b"]
            assert a in text and b in text, step["name"]
            text = text.replace(a, "\x00").replace(b, a).replace("\x00", b)
        target.write_text(text, encoding="utf-8")
    for name in step.get("delete", ()):
        (root / name).unlink()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, *args: str) -> None:
    assert briefgen_main(["-C", str(root), "build", "-q", *args]) == 0


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    """Per case: the demo built as edition 1, then edited and built again (the default comparison: the site/ it
    replaces). Also ``edition-1``: a copy of the first site."""
    out = {}
    for case in CASES:
        root = copy_briefing(tmp_path_factory.mktemp(case) / "demo")
        build(root)
        shutil.copytree(root / "site", root.parent / "edition-1")
        for step in yaml.safe_load((HERE / "cases" / case / "edits.yml").read_text(encoding="utf-8")):
            apply(root, step)
        build(root)
        out[case] = root
    return out


@pytest.mark.parametrize("case", CASES)
def test_whats_new_page(case: str, editions: dict[str, Path]) -> None:
    root = editions[case]
    got = (root / "build" / "docs" / "whatsnew.md").read_text(encoding="utf-8")
    expected = HERE / "cases" / case / "expected" / "whatsnew.md"
    if UPDATE:
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")
    # the site has the page, the home page links it, the navigation lists it, every page names the edition
    site = root / "site"
    assert (site / "whatsnew.html").is_file()
    assert 'href="whatsnew.html"' in (site / "index.html").read_text(encoding="utf-8")
    edition = json.loads((site / "edition.json").read_text(encoding="utf-8"))["briefing"]["edition"]
    label = f"Edition {edition}" if isinstance(edition, int) else edition
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert label in html, page
        assert "What&#39;s new" in html or "What's new" in html, page  # in the navigation


def test_scripted_edits_are_reported_as_such(editions: dict[str, Path]) -> None:
    """Beyond the golden page: the rename is one rename (not a removal and an addition), and the renamed
    entity's quotes are not reported as removed and added."""
    page = (editions["scripted"] / "build" / "docs" / "whatsnew.md").read_text(encoding="utf-8")
    assert "## Entities removed" not in page and "## New entities" not in page
    assert "“nogami” to “kotaro-nogami”" in page
    assert "Kotaro Nogami" not in page.split("## Quotes removed")[1]
    assert "## New quotes" not in page


def test_unchanged_briefing_says_nothing_changed(editions: dict[str, Path]) -> None:
    page = (editions["unchanged"] / "build" / "docs" / "whatsnew.md").read_text(encoding="utf-8")
    assert "Nothing changed since edition 1" in page
    assert "<li>" not in page and "\n## " not in page


def test_manifest_matches_its_documented_schema(editions: dict[str, Path]) -> None:
    schema = json.loads((ROOT / "docs" / "edition.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["version"]["const"] == VERSION
    assert f"version {VERSION}" in (ROOT / "docs" / "editions.md").read_text(encoding="utf-8")
    for root in editions.values():
        for name in ("edition.json", "edition-since.json"):
            doc = json.loads((root / "site" / name).read_text(encoding="utf-8"))
            jsonschema.validate(doc, schema)
            assert doc["version"] == VERSION
    doc = json.loads((editions["scripted"] / "site" / "edition.json").read_text(encoding="utf-8"))
    assert doc["briefing"]["edition"] == 2 and doc["briefing"]["edition_date"] == "2020-01-20"
    ids = {k: [r["id"] for r in doc[k]] for k in ("entities", "facts", "quotes", "articles")}
    assert all(v == sorted(v) and len(set(v)) == len(v) for v in ids.values())
    assert "kotaro-nogami" in ids["entities"] and "2020-01-15-test-wire-lavrov-tokyo" in ids["articles"]
    # a broken manifest breaks the schema too (the test can fail)
    broken = dict(doc, version="1")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_builds_are_deterministic_and_the_cache_changes_nothing(editions: dict[str, Path], tmp_path: Path) -> None:
    """Building the same edition again writes the same site (it compares with the same base, kept in
    site/edition-since.json); a --no-cache build compared with the same first edition writes the same bytes."""
    root = editions["scripted"]
    before = tree(root / "site")
    build(root)  # unchanged: up to date
    build(root, "--no-cache")  # everything again, compared with site/edition-since.json
    assert tree(root / "site") == before
    fresh = tmp_path / "fresh"
    shutil.copytree(root / "content", fresh / "content")
    build(fresh, "--no-cache", "--since", str(root.parent / "edition-1"))
    assert tree(fresh / "site") == before
    build(fresh, "--since", str(root.parent / "edition-1" / "edition.json"))  # the manifest file itself, cached
    assert tree(fresh / "site") == before


def test_a_newer_or_broken_manifest_is_refused_where_it_is_wrong(editions: dict[str, Path], tmp_path: Path) -> None:
    root = editions["scripted"]
    first = json.loads((root.parent / "edition-1" / "edition.json").read_text(encoding="utf-8"))
    work = copy_briefing(tmp_path / "b", root / "content")
    cases = {
        "newer.json": (json.dumps(dict(first, version=VERSION + 1), indent=1), ":3:", "newer than this briefgen"),
        "unknown.json": (json.dumps(dict(first, version=0), indent=1), ":3:", "version 0 is unknown"),
        "not-json.json": ('{\n "format": "briefgen-edition",\n "version": 1,,\n}', ":3:", "not valid JSON"),
        "other.json": (json.dumps({"hello": 1}), ":1:", "not a briefgen edition manifest"),
        "field.json": (json.dumps(dict(first, entities=[dict(first["entities"][0], name=5)]), indent=1), ":",
                       "entities[0].name should be text"),
    }
    for name, (text, where, what) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(work), "build", "-q", "--since",
                               str(tmp_path / name)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        line = proc.stderr.splitlines()[0]
        assert line.startswith(f"{tmp_path / name}{where}") and "error[edition-manifest]" in line and what in line, line
        assert "hint:" in proc.stderr
    # the located line of a field: the line that holds the wrong value
    text = cases["field.json"][0]
    proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(work), "build", "-q", "--since",
                           str(tmp_path / "field.json")], capture_output=True, text=True, timeout=300)
    line_no = int(proc.stderr.split(":")[1])
    assert '"name": 5' in text.splitlines()[line_no - 1]
    assert not (work / "site").exists()  # nothing was built
    # a broken manifest in the site/ a build replaces is a warning: the build goes on without a comparison
    build(work)
    (work / "site" / "edition.json").write_text(json.dumps(dict(first, version=VERSION + 1)), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(work), "build"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and "site/edition.json:1:" in proc.stderr and "warning[edition-manifest]" in proc.stderr
    assert not (work / "site" / "whatsnew.html").exists()


def test_serve_shows_the_same_edition_as_a_build(editions: dict[str, Path], tmp_path: Path) -> None:
    """``briefgen serve`` compares with the briefing's own site/ as a build would, and serves the same files."""
    from briefgen.serve.rebuild import Builder

    root = copy_briefing(tmp_path / "demo", editions["scripted"].parent / "demo" / "content")
    shutil.copytree(editions["scripted"].parent / "edition-1", root / "site")
    b = Builder(root, tmp_path / "work")
    try:
        assert b.rebuild().ok
        served = tree(b.site.resolve())
        # an edit while serving: only the pages it changes are rebuilt, the edition record follows
        facts = root / "content" / "articles" / "2016-09-02-independent-ng-putin-island-row.yml"
        facts.write_text(facts.read_text(encoding="utf-8").replace("some 20,000 Russians", "some 21,000 Russians"),
                         encoding="utf-8")
        again = b.rebuild()
        assert again.ok and not again.full and "whatsnew.html" in again.pages
        served_again = tree(b.site.resolve())
    finally:
        b.close()
    assert b"21,000" in served_again["whatsnew.html"] and b"21,000" in served_again["edition.json"]
    clean = copy_briefing(tmp_path / "clean", root / "content")
    shutil.copytree(editions["scripted"].parent / "edition-1", clean / "site")
    build(clean, "--no-cache")
    assert served_again == tree(clean / "site")
    facts.write_text(facts.read_text(encoding="utf-8").replace("some 21,000 Russians", "some 20,000 Russians"),
                     encoding="utf-8")
    build(root, "--no-cache")
    assert served == tree(root / "site")
    assert "whatsnew.html" in served and "edition-since.json" in served


def test_an_earlier_manifest_is_untrusted_text(editions: dict[str, Path], tmp_path: Path) -> None:
    """What an earlier manifest says is escaped on the page and cannot break out of it (it is read from outside)."""
    root = editions["scripted"]
    doc = json.loads((root.parent / "edition-1" / "edition.json").read_text(encoding="utf-8"))
    doc["entities"].append(dict(doc["entities"][0], id="zz-evil", name="<script>alert(1)</script>\n\n![x](https://evil.example/x.png)"))
    doc["facts"].append({"id": "abe/evil/ref-x", "subject": "abe", "property": "evil\n\n# Heading", "value": "<b>v</b>",
                         "as_of": None, "source": None, "paragraph": None, "quote": None, "reference": "X",
                         "reference_url": "javascript:alert(1)"})
    (tmp_path / "evil.json").write_text(json.dumps(doc), encoding="utf-8")
    work = copy_briefing(tmp_path / "w", root / "content")
    build(work, "--since", str(tmp_path / "evil.json"))
    page = (work / "site" / "whatsnew.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "javascript:" not in page and "evil.example" not in page.replace(
        "![x](https://evil.example/x.png)", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;v&lt;/b&gt;" in page
    assert "<h1" in page and page.count("<h1") == 1


def test_edition_numbers_and_names(editions: dict[str, Path], tmp_path: Path) -> None:
    """A plain whole number is the edition's number; anything else its name, shown as written; 0 is an error."""
    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.model.manifest import read_since

    root = copy_briefing(tmp_path / "n", editions["scripted"].parent / "demo" / "content")
    briefing = root / "content" / "briefing.yml"
    text = briefing.read_text(encoding="utf-8")
    briefing.write_text(text.replace("edition: 2\n", "edition: 0\n"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(root), "check"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1 and "content/briefing.yml:4:10: error[bad-edition]" in proc.stderr, proc.stderr
    for written, label in (('"Spring 2027"', "Spring 2027"), ('"7"', "7"), ("12", "Edition 12")):
        briefing.write_text(text.replace("edition: 2\n", f"edition: {written}\n"), encoding="utf-8")
        diags = Diagnostics()
        since = read_since(root, str(editions["scripted"].parent / "edition-1"), diags)
        compiled = compile_briefing(root, diags, since=since)
        assert not diags.has_errors() and compiled.model is not None
        assert compiled.model.config.edition == (12 if written == "12" else label)
        home = next(p for p in compiled.pages if p.path == "index.md").markdown
        assert f'<span class="bg-edition">{label} of 20 January 2020</span>' in home
        page = next(p for p in compiled.pages if p.path == "whatsnew.md").markdown
        assert page.startswith("---\ntitle: What's new since edition 1\n")
        assert f"{label} of 20 January 2020 (as of 20 December 2019) compared with edition 1" in page
