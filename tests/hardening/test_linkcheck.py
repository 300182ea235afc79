"""linkchecker over the built demo and hostile sites: no broken link and no broken anchor.

External links are not followed (linkchecker's default; ``checkextern=0``). Anchors are checked by
linkchecker 10's AnchorCheck plugin, which is switched on by a section of that name in its configuration
file (there is no command-line flag); it reports a missing anchor as a warning, so every warning counts.
With CSV output linkchecker writes a row only for links that failed or warned.

Run as root, linkchecker drops to the user 'nobody', who cannot read a virtualenv below a private (0700)
folder: its plugins then fail to load and anchor checking stops without a word. It is therefore started
through :data:`RUN_KEEPING_USER`, and every check first proves on a planted broken anchor that anchors are
checked at all (:func:`require_live_anchor_check`), so the check can never switch off silently.
"""

from __future__ import annotations

import csv
import functools
import io
import subprocess
import sys
import tempfile
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


RUN_KEEPING_USER = ("import sys, linkcheck.command.linkchecker as lc; lc.drop_privileges = lambda: None; "
                    "sys.argv[0] = 'linkchecker'; sys.exit(lc.linkchecker())")
"""linkchecker's own entry point, without its switch to 'nobody' (it checks local files we built, not the web)."""


def linkchecker_command() -> list[str]:
    """linkchecker from this Python's environment (the venv's bin/ need not be on PATH), else from PATH."""
    try:
        import linkcheck.command.linkchecker  # noqa: F401
    except ImportError:
        return [require_tool("linkchecker")]
    return [sys.executable, "-c", RUN_KEEPING_USER]


@functools.cache
def require_live_anchor_check() -> None:
    """Fail loudly unless linkchecker, as set up here, reports a planted missing file and a missing anchor."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "index.html").write_text('<html><body><a href="other.html#nowhere">a</a> '
                                         '<a href="missing.html">b</a></body></html>')
        (site / "other.html").write_text('<html><body><h1 id="somewhere">x</h1></body></html>')
        problems = run_linkchecker(site)
    if not any("missing.html" in p for p in problems) or not any("nowhere" in p for p in problems):
        pytest.fail("linkchecker did not report a planted broken link and anchor, so it checks nothing here "
                    f"(its plugins may not load as this user): {problems}")


def broken_links(site: Path, tmp_path: Path) -> list[str]:
    require_live_anchor_check()
    return run_linkchecker(site)


def run_linkchecker(site: Path) -> list[str]:
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


def test_linkchecker_setup_detects_broken_anchors() -> None:
    """The check is live: a page with a missing file and a missing anchor is reported (also run before every
    other check of this module)."""
    require_live_anchor_check()
