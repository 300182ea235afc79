"""linkchecker over the built demo and hostile sites: no broken link and no broken anchor.

External links are not followed (linkchecker's default; ``checkextern=0``). Anchors are checked by
linkchecker 10's AnchorCheck plugin, which is switched on by a section of that name in its configuration
file (there is no command-line flag); it reports a missing anchor as a warning, so every warning counts.
With CSV output linkchecker writes a row only for links that failed or warned.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_tool
from hardening_support import HOSTILE, build_copy, file_url, world_readable_copy

pytestmark = pytest.mark.slow

CONFIG = """[checking]
threads=4
[filtering]
checkextern=0
[AnchorCheck]
"""


def linkchecker_command() -> list[str]:
    """linkchecker from this Python's environment (the venv's bin/ need not be on PATH), else from PATH."""
    try:
        import linkcheck  # noqa: F401
    except ImportError:
        return [require_tool("linkchecker")]
    return [sys.executable, "-m", "linkcheck"]


def broken_links(site: Path, tmp_path: Path) -> list[str]:
    command = linkchecker_command()
    with world_readable_copy(site) as copy:
        config = copy.parent / "linkcheckerrc"
        config.write_text(CONFIG)
        config.chmod(0o644)
        proc = subprocess.run([*command, "-f", str(config), "--no-status", "-o", "csv", file_url(copy / "index.html")],
                              capture_output=True, text=True, timeout=180)
    rows = [line for line in proc.stdout.splitlines() if line and not line.startswith("#")]
    problems = []
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        where = f"{row['parentname'].rsplit('/site/', 1)[-1]}:{row['line']}:{row['column']}"
        problems.append(f"{where}: {row['urlname']}: {row['result'] or ''} {row['warningstring'] or ''}".strip())
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert proc.returncode == 0 or problems, proc.stderr[-2000:]
    return problems


def test_demo_site_has_no_broken_links_or_anchors(built_demo: Path, tmp_path: Path) -> None:
    problems = broken_links(built_demo / "site", tmp_path)
    assert not problems, "\n".join(problems[:30])


def test_hostile_site_has_no_broken_links_or_anchors(tmp_path: Path) -> None:
    root = build_copy(HOSTILE / "content", tmp_path / "b")
    problems = broken_links(root / "site", tmp_path)
    assert not problems, "\n".join(problems[:30])


def test_linkchecker_setup_detects_broken_anchors(built_demo: Path, tmp_path: Path) -> None:
    """The check is live: a page with a missing file and a missing anchor is reported."""
    site = tmp_path / "site"
    (site).mkdir()
    (site / "index.html").write_text('<html><body><a href="other.html#nowhere">a</a> <a href="missing.html">b</a></body></html>')
    (site / "other.html").write_text('<html><body><h1 id="somewhere">x</h1></body></html>')
    problems = broken_links(site, tmp_path)
    assert any("missing.html" in p for p in problems), problems
    assert any("nowhere" in p for p in problems), problems
