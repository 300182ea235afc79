"""The terminal's progress ticker does not keep a build on one core: it pauses across each fork
(briefgen/forks.py), so a build on a terminal forks its workers as a piped one does; any other thread still
forbids forking."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from briefgen import forks
from conftest import copy_briefing, on_a_terminal

COUNT_FORKS = (
    "import os, sys\n"
    "real, n = os.fork, [0]\n"
    "def counted():\n"
    "    n[0] += 1\n"
    "    return real()\n"
    "os.fork = counted\n"
    "from briefgen.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "print(f'forks={n[0]}', flush=True)\n"
    "sys.exit(rc)\n"
)


def test_a_ticker_pauses_across_a_fork_and_ticks_again() -> None:
    ticks: list[int] = []
    ticker = forks.Ticker(lambda: ticks.append(os.getpid()), 0.01, "test-ticker")
    ticker.start()
    try:
        assert forks.can_fork()
        time.sleep(0.05)
        pid = os.fork()
        if pid == 0:
            os._exit(0 if threading.active_count() == 1 else 3)  # the child has no ticker thread
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        before = len(ticks)
        time.sleep(0.1)
        assert len(ticks) > before and set(ticks) == {os.getpid()}
    finally:
        ticker.stop()
    assert threading.active_count() == 1 and forks.can_fork()


def test_another_thread_forbids_forking() -> None:
    done = threading.Event()
    other = threading.Thread(target=done.wait, daemon=True)
    other.start()
    try:
        assert not forks.can_fork()
    finally:
        done.set()
        other.join()
    assert forks.can_fork()


def test_a_build_on_a_terminal_forks_its_page_worker(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    code, out = on_a_terminal([sys.executable, "-c", COUNT_FORKS, "-C", str(root), "build", "-j", "2"])
    assert code == 0, out
    assert "\r" in out, "the progress display was on"
    forked = [line for line in out.splitlines() if line.startswith("forks=")]
    assert forked and int(forked[-1].split("=")[1]) >= 1, out
