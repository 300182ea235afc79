"""briefgen suggest: the suggestions (cases as data in cases.yml) and the command (read-only, formats, kinds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from briefgen import parallel_clean
from briefgen.build import compile_briefing
from briefgen.cli import main
from briefgen.diagnostics import Diagnostics
from briefgen.parallel_clean import ParallelClean
from briefgen.suggest import suggest
from briefgen.suggest.output import as_yaml

CASES = yaml.safe_load((Path(__file__).parent / "cases.yml").read_text())["cases"]
DEMO = Path(__file__).parents[2]


def briefing(case: dict, root: Path) -> Path:
    content = root / "content"
    (content / "entities").mkdir(parents=True)
    (content / "articles").mkdir()
    (content / "briefing.yml").write_text(yaml.safe_dump({"title": "Case", "as_of": "2020-01-31",
                                                           "kinds": case["kinds"]}, allow_unicode=True))
    (content / "entities" / "all.yml").write_text(yaml.safe_dump(case["entities"], allow_unicode=True))
    (content / "articles" / "2020-01-30-wire.txt").write_text("Headline of the case\n\n" + case["article"])
    note = {"title": "Headline of the case", "outlet": "Wire", "date": "2020-01-30", **case.get("annotation", {})}
    (content / "articles" / "2020-01-30-wire.yml").write_text(yaml.safe_dump(note, allow_unicode=True))
    return root


def suggestions_of(root: Path) -> dict:
    diags = Diagnostics()
    compiled = compile_briefing(root, diags, render_pages_too=False)
    assert compiled.model is not None and not diags.has_errors(), [d.format() for d in diags.items]
    return yaml.safe_load(as_yaml(suggest(compiled.model)))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_suggestions(case: dict, tmp_path: Path) -> None:
    got = suggestions_of(briefing(case, tmp_path))
    for section, wanted in case.get("expect", {}).items():
        for want in wanted:
            assert any(all(item.get(k) == v for k, v in want.items()) for item in got[section]), \
                f"{section}: {want} not among {[{k: i.get(k) for k in want} for i in got[section]]}"
    for section, unwanted in case.get("absent", {}).items():
        key = {"names": "name", "quotes": "text", "facts": "value", "near_misses": "text"}[section]
        shown = [item[key] for item in got[section]]
        for text in unwanted:
            assert text not in shown, f"{section}: {text!r} should not be suggested"
    for item in got["names"]:  # every stub is YAML an entity file can hold
        stub = yaml.safe_load(item["stub"])[0]
        assert stub["id"] == item["id"] and stub["name"] == item["name"]
        assert item["places"] and all(p["file"].startswith("content/articles/") and p["line"] >= 1 for p in item["places"])


def demo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(DEMO / "content", root / "content")
    actors = root / "content" / "entities" / "actors.yml"
    text = actors.read_text()
    assert "    - Toshimutsu Motegi" in text
    actors.write_text(text.replace("    - Toshimutsu Motegi    # misspelling in the AFP capture of 20 December 2019\n", ""))
    return root


def tree(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")}


def test_command_is_read_only_and_lists_places(tmp_path: Path, capsys) -> None:
    root = demo_copy(tmp_path)
    before = tree(root)
    assert main(["suggest", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert tree(root) == before  # nothing written, no build/ made
    assert "'Toshimutsu Motegi' is nearly 'Toshimitsu Motegi' (motegi" in out
    assert "content/articles/2019-12-20-business-standard-lavrov-motegi-moscow.txt:" in out


def test_yaml_format_and_kinds(tmp_path: Path, capsys) -> None:
    root = demo_copy(tmp_path)
    assert main(["suggest", "-C", str(root), "--format", "yaml", "--kind", "near-misses"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["names"] == [] and data["quotes"] == [] and data["facts"] == []
    assert [n["text"] for n in data["near_misses"]][:1] == ["Toshimutsu Motegi"]
    assert main(["suggest", "-C", str(root), "--format", "yaml", "--kind", "meeting"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["names"] and all(n["kind"] == "meeting" for n in data["names"])
    assert main(["suggest", "-C", str(root), "--kind", "people"]) == 2
    assert "expected one of names, near-misses, quotes, facts, or an entity kind" in capsys.readouterr().err


def test_bad_content_is_reported(tmp_path: Path, capsys) -> None:
    root = demo_copy(tmp_path)
    (root / "content" / "entities" / "bad.yml").write_text("- id: x\n  kind: nosuchkind\n  name: X\n")
    assert main(["suggest", "-C", str(root)]) == 1
    err = capsys.readouterr().err
    assert "content/entities/bad.yml:2:" in err and "suggest failed" in err and "Traceback" not in err


def test_cold_path_cleans_in_parallel_with_the_same_result(monkeypatch) -> None:
    monkeypatch.setattr(parallel_clean, "MIN_ARTICLES", 1)
    memo = ParallelClean(workers=2)
    d1, d2 = Diagnostics(), Diagnostics()
    plain = compile_briefing(DEMO, d1, render_pages_too=False)
    fast = compile_briefing(DEMO, d2, memo=memo, render_pages_too=False)
    assert memo.ready == {}  # every article came from the workers
    assert plain.model is not None and fast.model is not None
    assert plain.model.articles == fast.model.articles and d1.sorted() == d2.sorted()
    assert as_yaml(suggest(plain.model)) == as_yaml(suggest(fast.model))


def test_hostile_text_reaches_no_terminal_or_yaml_raw(tmp_path: Path, capsys) -> None:
    case = {"kinds": {"actor": {"label": "Actor", "plural": "Actors"}},
            "entities": [{"id": "kessler", "kind": "actor", "name": "Anna Kessler", "aliases": ["Kessler"]}],
            "article": 'Envoy Rupert Hentzau met Kessler.\n\n"We \x1b[2J will: not # wait," Kessler said.\n'}
    root = briefing(case, tmp_path)
    assert main(["suggest", "-C", str(root)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Rupert Hentzau" in out
    assert main(["suggest", "-C", str(root), "--format", "yaml", "--kind", "quotes"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    stub = yaml.safe_load(data["quotes"][0]["stub"])[0]
    assert stub == {"speaker": "kessler", "text": "We [2J will: not # wait"}  # as cleaning left it, verbatim
