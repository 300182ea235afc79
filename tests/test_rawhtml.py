"""briefgen.emit.rawhtml changes nothing MkDocs makes of a page: its HTML, table of contents, the ids it knows
and the links to anchors it checks are those of MkDocs without it, for the cases in ``tests/golden/rawhtml/``
and for every page of the demo briefing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests/golden/rawhtml/cases.yml").read_text(encoding="utf-8"))
EXT = "briefgen.emit.rawhtml"


def converted(page: Page, config, files) -> tuple:
    page.render(config, files)
    links = {f.src_uri: v for f, v in (page.links_to_anchors or {}).items()}
    return page.content, str(page.toc), sorted(page.present_anchor_ids or ()), links


def config_in(folder: Path, extensions: list):
    (folder / "mkdocs.yml").write_text("site_name: t\nuse_directory_urls: false\n", encoding="utf-8")
    return load_config(config_file=str(folder / "mkdocs.yml"), markdown_extensions=extensions)


def test_every_case_has_html_to_read() -> None:
    assert len(CASES) >= 10 and all("<" in text for name, text in CASES.items() if name != "no html at all")


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("toc", [False, True])
def test_case_converts_the_same(name: str, toc: bool, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(CASES[name], encoding="utf-8")
    (tmp_path / "docs" / "other.md").write_text("# Other\n", encoding="utf-8")
    got = []
    for extensions in ([], [EXT]):
        config = config_in(tmp_path, (["toc"] if toc else []) + extensions)
        files = Files([File(p, str(tmp_path / "docs"), str(tmp_path / "site"), False) for p in ("page.md", "other.md")])
        page = Page(None, files.get_file_from_path("page.md"), config)
        page.read_source(config)
        got.append(converted(page, config, files))
    assert got[0] == got[1]


def test_the_extension_is_in_the_generated_config_and_the_demo_pages_convert_the_same(
    built_demo: Path, tmp_path
) -> None:
    got = []
    for keep in (False, True):
        config = load_config(config_file=str(built_demo / "build/mkdocs.yml"), site_dir=str(tmp_path / "site"))
        assert EXT in config["markdown_extensions"]
        if not keep:
            config["markdown_extensions"].remove(EXT)
        files = get_files(config)
        pages = {}
        for f in files.documentation_pages():
            page = f.page or Page(None, f, config)
            page.read_source(config)
            pages[f.src_uri] = converted(page, config, files)
        got.append(pages)
    assert len(got[0]) > 50 and got[0] == got[1]
