"""Ctrl-C (SIGINT to the whole process group, as a terminal sends it) ends ``build`` and ``pdf -o FILE`` with exit
130, one line and no traceback, and leaves the previous site/PDF in place with no temporary files behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_briefing, run_cli
from hardening_support import tree
from test_atomic import larger_briefing, leftovers

pytestmark = pytest.mark.slow


def interrupt(proc: subprocess.Popen) -> tuple[str, str]:
    """Ctrl-C as a terminal delivers it: to every process of the group (the build's workers too)."""
    assert proc.poll() is None, "the command finished before it could be interrupted: give it more to do"
    os.killpg(proc.pid, signal.SIGINT)
    return proc.communicate(timeout=120)


def briefgen(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "briefgen", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)


def test_ctrl_c_during_a_parallel_build_keeps_the_previous_site(tmp_path: Path) -> None:
    root = larger_briefing(tmp_path / "big")
    assert run_cli("-C", str(root), "build", "--no-cache").returncode == 0
    before = tree(root / "site")
    proc = briefgen("-C", str(root), "build", "--no-cache", "-j", "2")
    staging = root / f".briefgen-staging-site-{proc.pid}"
    deadline = time.monotonic() + 120
    while not (staging.is_dir() and any(staging.iterdir())):  # the new site is being written
        assert proc.poll() is None and time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.01)
    time.sleep(0.2)
    out, err = interrupt(proc)
    assert proc.returncode == 130, err
    assert err.strip() == "briefgen: interrupted" and out == ""
    assert tree(root / "site") == before
    assert leftovers(root) == [], "an interrupted build removes its staging folder"


def test_ctrl_c_during_a_pdf_export_keeps_the_previous_file(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    target = tmp_path / "out" / "brief.pdf"
    target.parent.mkdir()
    target.write_bytes(b"the previous export")
    work = tmp_path / "tmp"
    work.mkdir()
    proc = briefgen("-C", str(root), "pdf", "-o", str(target), env={**os.environ, "TMPDIR": str(work)})
    deadline = time.monotonic() + 120
    # the print data is written, so Typst is compiling: an export takes more than a second from there
    while not any(work.glob("briefgen-pdf-*/**/data.json")):
        assert proc.poll() is None and time.monotonic() < deadline, "the export never handed Typst its data"
        time.sleep(0.01)
    out, err = interrupt(proc)
    assert proc.returncode == 130, err
    assert err.strip() == "briefgen: interrupted" and out == ""
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.pdf"], "no temporary file left behind"
    assert not any(work.iterdir()), "no compile folder left behind"
