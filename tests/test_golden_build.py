"""Golden build cases: ``tests/golden/build/<case>/`` is a content folder laid over ``_base/``.

Each case may hold:
  content/...                 files added to (or replacing) the base briefing's files
  delete.txt                  base paths to remove, one per line (e.g. content/overview.md)
  expected/diagnostics.txt    every diagnostic of `briefgen check`, one `path:line:col: severity[code]: message` a line
  expected/docs/<page>.md     generated Markdown of the pages that matter to the case

Adding a case is adding a folder. BRIEFGEN_UPDATE_GOLDEN=1 rewrites the expected files (review the diff!).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from conftest import UPDATE

CASES = Path(__file__).parent / "golden" / "build"
BASE = CASES / "_base"


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def assemble(case: Path, dest: Path) -> Path:
    shutil.copytree(BASE / "content", dest / "content")
    if (case / "content").is_dir():
        shutil.copytree(case / "content", dest / "content", dirs_exist_ok=True)
    if (case / "delete.txt").is_file():
        for line in (case / "delete.txt").read_text().split():
            (dest / line).unlink()
    if (case / "templates").is_dir():
        shutil.copytree(case / "templates", dest / "templates")
    return dest


@pytest.mark.parametrize("name", case_names())
def test_golden_build(name: str, tmp_path: Path) -> None:
    case = CASES / name
    root = assemble(case, tmp_path / name)
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    got_diags = "".join(f"{d.format().splitlines()[0]}\n" for d in diags.sorted())
    expected = case / "expected"
    diag_file = expected / "diagnostics.txt"
    pages = {p.path: p.markdown for p in compiled.pages}
    if UPDATE:
        expected.mkdir(exist_ok=True)
        diag_file.write_text(got_diags)
        docs = expected / "docs"
        wanted = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")] if docs.is_dir() else []
        for rel in wanted:
            if rel in pages:
                (docs / rel).write_text(pages[rel])
    assert got_diags == (diag_file.read_text() if diag_file.exists() else ""), f"diagnostics of case {name}"
    docs = expected / "docs"
    if docs.is_dir():
        for md in sorted(docs.rglob("*.md")):
            rel = md.relative_to(docs).as_posix()
            assert rel in pages, f"case {name}: page {rel} was not generated"
            assert pages[rel] == md.read_text(), f"case {name}: page {rel} differs from the golden file"
