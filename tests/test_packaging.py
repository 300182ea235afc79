"""`pip install .` into a fresh venv with the pip that Python bundles (no upgrade) gives a working HTML path.

pip 23 silently drops an extra the installed package no longer declares (lxml >= 6 has no ``html_clean`` extra), which
once left trafilatura unable to import and every .html capture unreadable; only a real install shows that.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CAPTURE = ROOT / "tests" / "golden" / "clean" / "html-news-page" / "capture.html"
BASE = ROOT / "tests" / "golden" / "build" / "_base" / "content"


@pytest.mark.slow
def test_fresh_venv_install_cleans_html(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    # a copy of the sources, so the wheel is built from what git would hold (no .venv, no build output)
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", "site", "build", ".git", "__pycache__",
                                                              ".pytest_cache", ".hypothesis", "tests", "benchmarks"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", str(src)], capture_output=True, text=True,
                          timeout=900, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    briefing = tmp_path / "briefing"
    shutil.copytree(BASE, briefing / "content")
    shutil.copy(CAPTURE, briefing / "content" / "articles" / "keep-talking.html")
    proc = subprocess.run([str(venv / "bin" / "briefgen"), "-C", str(briefing), "build"], capture_output=True,
                          text=True, timeout=600, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "capture-unreadable" not in proc.stdout + proc.stderr
    page = (briefing / "build" / "docs" / "articles" / "keep-talking.md").read_text(encoding="utf-8")
    assert "agreed on Thursday to continue negotiations" in page
    assert "Injected by a script" not in page
    # the bundled base map ships in the wheel: the map page draws land
    assert "bgf-land" in (briefing / "build" / "docs" / "map.md").read_text(encoding="utf-8")
    # the installed package ran, not the working tree
    where = subprocess.run([str(py), "-c", "import briefgen; print(briefgen.__file__)"], capture_output=True,
                           text=True, env=env, cwd=tmp_path, check=True).stdout
    assert str(venv) in where
