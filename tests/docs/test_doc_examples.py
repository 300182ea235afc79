"""The YAML examples of docs/content-format.md that are marked ``<!-- checked example: PATH -->`` are written to PATH
in a copy of ``tests/docs/example/`` (what they refer to without showing it) and must pass ``briefgen check
--strict``: a key renamed or removed in the code, or an example that was never valid, fails here."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

from conftest import ROOT, run_cli

DOC = ROOT / "docs" / "content-format.md"
EXAMPLE = re.compile(r"^([ \t]*)<!-- checked example: (?P<path>[^>]+?) -->\n\1```yaml\n(?P<body>.*?)^\1```", re.M | re.S)


def checked_examples(text: str) -> dict[str, str]:
    """Each marked example's target path → its YAML (dedented when the fence is indented, as in a list item)."""
    found: dict[str, str] = {}
    for m in EXAMPLE.finditer(text):
        assert m["path"] not in found, f"two checked examples write {m['path']}"
        found[m["path"]] = textwrap.dedent(m["body"])
    return found


def test_marked_examples_are_found() -> None:
    """The markers are read: briefing.yml, an entity file and an article annotation at least."""
    paths = checked_examples(DOC.read_text(encoding="utf-8"))
    assert {"content/briefing.yml", "content/entities/actors.yml"} <= set(paths)
    assert any(p.startswith("content/articles/") for p in paths)
    assert all("...]" not in body for body in paths.values())


def test_checked_examples_pass_briefgen_check(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).parent / "example", tmp_path, dirs_exist_ok=True)
    for path, body in checked_examples(DOC.read_text(encoding="utf-8")).items():
        target = tmp_path / path
        assert not target.exists(), f"{path}: the example would replace a file of tests/docs/example/"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    proc = run_cli("-C", str(tmp_path), "check", "--strict")
    assert proc.returncode == 0, proc.stderr


def test_a_wrong_example_fails(tmp_path: Path) -> None:
    """The check above can fail: an unknown key in the briefing example is reported at its place."""
    shutil.copytree(Path(__file__).parent / "example", tmp_path, dirs_exist_ok=True)
    for path, body in checked_examples(DOC.read_text(encoding="utf-8")).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(body.replace("subtitle:", "sub_title:") if path.endswith("briefing.yml") else body,
                                     encoding="utf-8")
    proc = run_cli("-C", str(tmp_path), "check")
    assert proc.returncode == 1
    assert "content/briefing.yml:2:1: error[unknown-key]" in proc.stderr
