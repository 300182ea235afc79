"""A build killed half-way, or one that fails, leaves the previous site/ complete and unchanged; the next
build removes what the killed one left behind. (tests/test_cli.py covers a build failing validation;
tests/hardening/test_offline.py one failing after MkDocs, on the external-resource check.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli
from hardening_support import base_briefing, tree

pytestmark = pytest.mark.slow

N_ARTICLES = 150


def larger_briefing(dest: Path) -> Path:
    """The base briefing with enough articles that MkDocs runs for a few seconds."""
    root = base_briefing(dest)
    articles = root / "content" / "articles"
    for i in range(N_ARTICLES):
        (articles / f"report-{i:03d}.txt").write_text(
            f"Report {i} on the Strelsau talks\n\n"
            + "\n\n".join(f"Alice Example met Bob Sample in Strelsau for round {i}.{j} of the talks, officials said on "
                          f"Thursday, and Ruritania noted progress on item {j}." for j in range(12)) + "\n")
        (articles / f"report-{i:03d}.yml").write_text(f"title: Report {i}\noutlet: Wire {i % 7}\ndate: 2020-01-{1 + i % 28:02d}\n")
    return root


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".briefgen-"))


def test_build_killed_during_mkdocs_keeps_the_previous_site(tmp_path: Path) -> None:
    root = larger_briefing(tmp_path / "big")
    first = run_cli("-C", str(root), "build", timeout=300)
    assert first.returncode == 0, first.stderr
    before = tree(root / "site")
    assert "index.html" in before and len(before) > N_ARTICLES

    overview = root / "content" / "overview.md"
    overview.write_text(overview.read_text() + "\nA sentence that only the second build has.\n")
    # --no-cache: MkDocs builds every page again (a cached build of one changed page is over too soon to be killed)
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "-C", str(root), "build", "--no-cache"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = root / f".briefgen-staging-site-{proc.pid}"
    deadline = time.monotonic() + 120
    while not (staging.is_dir() and any(staging.iterdir())):  # MkDocs is writing the new site
        assert proc.poll() is None, "the build finished before it could be killed: make the briefing larger"
        assert time.monotonic() < deadline, "the staging folder never appeared"
        time.sleep(0.01)
    time.sleep(0.2)
    assert proc.poll() is None, "the build finished before it could be killed: make the briefing larger"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    assert tree(root / "site") == before, "a killed build changed site/"
    assert leftovers(root) == [staging.name], "the killed build's staging folder is what it left behind"

    again = run_cli("-C", str(root), "build", timeout=300)
    assert again.returncode == 0, again.stderr
    assert leftovers(root) == [], "the next build removes the left-over staging folder"
    assert "A sentence that only the second build has." in (root / "site" / "index.html").read_text()


def test_failed_validation_keeps_site_and_cleans_old_leftovers(tmp_path: Path) -> None:
    root = base_briefing(tmp_path / "b")
    assert run_cli("-C", str(root), "build").returncode == 0
    before = tree(root / "site")
    dead = root / ".briefgen-staging-site-999999999"  # a staging folder of a process that no longer exists
    (dead / "half").mkdir(parents=True)
    (root / "content" / "entities" / "base.yml").write_text("- id: alice\n  kind: actor\n  name: Alice\n  sumary: typo\n")
    failed = run_cli("-C", str(root), "build")
    assert failed.returncode == 1 and "error[unknown-key]" in failed.stderr
    assert tree(root / "site") == before
    assert dead.exists(), "validation failed before any staging: nothing is touched"
    (root / "content" / "entities" / "base.yml").write_text("- id: alice\n  kind: actor\n  name: Alice\n")
    assert run_cli("-C", str(root), "build").returncode == 0
    assert leftovers(root) == []
