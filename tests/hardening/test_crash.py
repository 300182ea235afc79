"""SIGKILL at random points of ``build``, ``build --pdf`` and ``pdf``: site/ and its PDF are afterwards either the
old ones or the new ones, byte for byte, never a mixture; and the next run of the command succeeds and gives the
new ones. (test_atomic.py kills a large build inside MkDocs; here the kills are spread over the whole run of
each command, start-up, checking, cache reads and writes, the PDF and the swap included.)

"Old" is the tree before the kill; "new" is what a fresh build of the new content in another folder gives
(builds are deterministic: test_determinism.py). The briefing alternates between two contents, so every run,
killed or not, goes from one known state to the other.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hardening_support import BASE, tree

pytestmark = pytest.mark.slow

KILL_POINTS = {"build": 18, "build --pdf": 16, "pdf": 12}
"""Timed kills per command (46 in all, and 9 after the swap: 55), spread evenly over the command's run time (the median of its runs so far), with
jitter, up to its very end (the swap, the cache writes). A run that ends before its kill does not count; it is
checked all the same."""

AFTER_SWAP = 3
"""Kills per command just after the new site (or PDF) has replaced the old one, found by watching its inode."""

SENTENCE = "\nA sentence that only the second content has, linking [Alice](entity:alice).\n"


def content_b(root: Path) -> None:
    overview = root / "content" / "overview.md"
    overview.write_text((BASE / "content" / "overview.md").read_text(encoding="utf-8") + SENTENCE, encoding="utf-8")
    (root / "content" / "articles" / "extra.txt").write_text(
        "Second talks in Strelsau\n\nAlice Example met Bob Sample again, officials said.\n", encoding="utf-8")


def content_a(root: Path) -> None:
    shutil.copyfile(BASE / "content" / "overview.md", root / "content" / "overview.md")
    (root / "content" / "articles" / "extra.txt").unlink(missing_ok=True)


SET_CONTENT = {"a": content_a, "b": content_b}


def briefgen(root: Path, command: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "briefgen", "-C", str(root), *command.split(), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def run(root: Path, command: str, *extra: str) -> float:
    t = time.monotonic()
    proc = briefgen(root, command, *extra)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return time.monotonic() - t


def leftovers(root: Path) -> list[str]:
    """Staging folders and temporary files anywhere in the briefing folder (site/ and build/.cache included)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.name.startswith(".briefgen-") or ".tmp-" in p.name)


def references(tmp_path: Path) -> dict[str, dict[str, dict[str, bytes]]]:
    """Fresh builds of both contents, without and with the PDF: {content: {"build"|"build --pdf": tree}}."""
    refs: dict[str, dict[str, dict[str, bytes]]] = {}
    for name, fill in SET_CONTENT.items():
        refs[name] = {}
        for command in ("build", "build --pdf"):
            root = tmp_path / f"ref-{name}-{command.replace(' ', '')}"
            shutil.copytree(BASE / "content", root / "content")
            fill(root)
            run(root, command, "--no-cache")
            refs[name][command] = tree(root / "site")
    return refs


def expected(command: str, content: str, before: dict[str, bytes], refs) -> dict[str, bytes]:
    if command == "pdf":  # the site is left alone; only its PDF is (re)written
        return {**before, "briefing.pdf": refs[content]["build --pdf"]["briefing.pdf"]}
    return refs[content][command]


def test_sigkill_anywhere_leaves_old_or_new_and_the_next_run_succeeds(tmp_path: Path) -> None:
    import typst  # noqa: F401  (the PDF extra; missing in CI is a failure, not a skip)
    refs = references(tmp_path)
    rng = random.Random(19)
    outcomes: dict[str, list[str]] = {}
    for command, points in KILL_POINTS.items():
        root = tmp_path / command.replace(" ", "")
        shutil.copytree(BASE / "content", root / "content")
        run(root, "build")  # the site the pdf command writes into (and a first, uncached run for the others)
        content = "b"
        content_b(root)
        durations = [run(root, command)]  # how long the command runs here, with its cache: the kills spread over it
        outcomes[command] = []
        kills = after_swap = 0
        for _attempt in range(2 * (points + AFTER_SWAP)):
            if kills == points and after_swap == AFTER_SWAP:
                break
            content = "a" if content == "b" else "b"
            SET_CONTENT[content](root)
            before = tree(root / "site")
            after = expected(command, content, before, refs)
            watched = root / "site" / ("briefing.pdf" if command == "pdf" else "")
            old_inode = os.stat(watched).st_ino
            timed = kills < points
            delay = statistics.median(durations) * (kills + rng.random()) / points
            t = time.monotonic()
            proc = briefgen(root, command)
            if timed:
                time.sleep(delay)
            else:  # right after the new output is in place: the cache writes and the report are left to do
                while proc.poll() is None and os.stat(watched).st_ino == old_inode:
                    time.sleep(0.0005)
                delay = time.monotonic() - t
            finished = proc.poll() is not None
            if not finished:
                kills += timed
                after_swap += not timed
                os.killpg(proc.pid, signal.SIGKILL)  # the command and any worker it started
            proc.wait(timeout=60)
            now = tree(root / "site")
            state = "old" if now == before else "new" if now == after else "mixed"
            outcomes[command].append(f"{delay:.2f}s{'' if timed else '(swap)'}:{'done' if finished else state}")
            assert state != "mixed", (command, delay, sorted(set(now) ^ set(before))[:5],
                                      sorted(k for k in now if k in before and now[k] != before[k])[:5])
            assert state == "new" or not finished, (command, delay, "finished without writing the new output")
            t = time.monotonic()
            recovery = briefgen(root, command)
            _, err = recovery.communicate(timeout=300)
            assert recovery.returncode == 0, (command, delay, err)
            durations.append(time.monotonic() - t)
            assert tree(root / "site") == after, (command, delay, "the run after a kill does not give the new output")
            assert leftovers(root) == [], (command, delay, leftovers(root))
        assert (kills, after_swap) == (points, AFTER_SWAP), (command, outcomes[command])
    print(outcomes)
