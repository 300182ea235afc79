"""Two clean builds give identical trees, the PDF included (tests/test_site.py does the demo's site; this
builds the hostile corpus with ``--pdf`` twice, from two folders and with different hash seeds)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hardening_support import HOSTILE, tree

pytestmark = pytest.mark.slow


def test_two_clean_builds_with_pdf_are_identical(tmp_path: Path) -> None:
    import typst  # noqa: F401  (the PDF extra; missing in CI is a failure, not a skip)
    procs = []
    for name, seed in (("a", "1"), ("b", "2")):
        root = tmp_path / name
        shutil.copytree(HOSTILE / "content", root / "content")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        procs.append((root, subprocess.Popen([sys.executable, "-m", "briefgen", "-C", str(root), "build", "--pdf", "-q"],
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)))
    for root, proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    (a, _), (b, _) = procs
    site_a, site_b = tree(a / "site"), tree(b / "site")
    assert "briefing.pdf" in site_a and site_a["briefing.pdf"].startswith(b"%PDF")
    assert site_a.keys() == site_b.keys()
    differing = sorted(k for k in site_a if site_a[k] != site_b[k])
    assert not differing, differing[:10]
    # the generated project is the same; its build cache (build/.cache: stamps and absolute paths) is not output
    project_a, project_b = tree(a / "build"), tree(b / "build")
    assert {k: v for k, v in project_a.items() if not k.startswith(".cache/")} == \
        {k: v for k, v in project_b.items() if not k.startswith(".cache/")}
