"""A name of several words wrapped over two lines of author Markdown (a YAML block scalar) is still a mention
(docs/demo-notes.md: the demo once avoided such breaks because the matcher missed them)."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_briefing

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics


def test_a_name_wrapped_over_two_lines_is_linked(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path)
    issues = root / "content" / "entities" / "issues.yml"
    text = issues.read_text(encoding="utf-8")
    old = "    Joint Japanese–Russian economic projects on the disputed islands,"
    assert old in text
    issues.write_text(text.replace(old, "    Joint Japanese–Russian economic projects, which Sergei\n    Lavrov"
                                        " discussed, on the disputed islands,", 1), encoding="utf-8")
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    assert not diags.has_errors(), [d.format() for d in diags.sorted()]
    page = next(p for p in compiled.pages if p.path == "issues/joint-economic-activities.md")
    assert '<a class="bg-mention" href="../actors/lavrov.html">Sergei\nLavrov</a>' in page.markdown
