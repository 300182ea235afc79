"""What ``briefgen pdf`` checks before it exports: the content and every text the PDF prints, with the same
diagnostics as ``briefgen check``, but not the site's pages, which it does not make (docs/pdf.md)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

BASE = ROOT / "tests" / "golden" / "build" / "_base"


def _small(tmp_path: Path) -> Path:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    return root


def _errors(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if ": error[" in line)


def test_a_broken_site_page_template_does_not_stop_the_pdf(tmp_path: Path) -> None:
    root = _small(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "entity.md.j2").write_text("# {{ entity.name }}\n")  # Entity has no 'name'
    check = run_cli("-C", str(root), "check")
    assert check.returncode == 1
    assert re.search(r"^templates/entity\.md\.j2:\d+:\d+: error\[template\]", check.stderr, re.M), check.stderr
    out = tmp_path / "x.pdf"
    proc = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "entity.md.j2" not in proc.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_an_error_in_the_printed_markdown_stops_the_pdf_as_check_reports_it(tmp_path: Path) -> None:
    root = _small(tmp_path)
    yml = root / "content" / "entities" / "base.yml"
    text = yml.read_text()
    assert "(entity:ruritania)." in text
    yml.write_text(text.replace("(entity:ruritania).", "(entity:ruritanai) [@no-such-article \"words\"].", 1))
    out = tmp_path / "x.pdf"
    out.write_bytes(b"%PDF previous")
    check = run_cli("-C", str(root), "check")
    proc = run_cli("-C", str(root), "pdf", "-o", str(out))
    assert proc.returncode == 1
    assert _errors(proc.stderr) == _errors(check.stderr)
    codes = {re.search(r"error\[([a-z-]+)\]", line).group(1) for line in _errors(proc.stderr)}  # type: ignore[union-attr]
    assert codes == {"unknown-entity", "unknown-article"}, proc.stderr
    assert all(line.startswith("content/entities/base.yml:") for line in _errors(proc.stderr)), proc.stderr
    assert out.read_bytes() == b"%PDF previous"
