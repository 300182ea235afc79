"""On a terminal, a step running longer than 2 s shows its name and time on one line, erased before the final
report; piped, nothing but the report. (Bars of large briefings: tests/test_benchmarks.py.)"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_briefing, run_cli

pytestmark = pytest.mark.slow


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run briefgen with stdout and stderr on a pseudo-terminal; its exit code and everything it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", *args], stdout=follower, stderr=follower,
                            stdin=subprocess.DEVNULL)
    os.close(follower)
    out = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return proc.wait(30), out.decode()


def test_the_pdf_export_shows_its_time_on_a_terminal(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    code, out = on_a_terminal("-C", str(root), "pdf", "-o", str(tmp_path / "out.pdf"))
    assert code == 0, out
    assert re.search(r"\rexporting the PDF… [2-9]\d* s\x1b\[K", out), out  # the demo's export takes over 2 s
    last = out.rsplit("\r\x1b[K", 1)[-1]  # the progress line is erased before the report
    assert re.fullmatch(rf"briefgen: wrote {re.escape(str(tmp_path / 'out.pdf'))} in [\d.]+ s: \d+ pages, .*\r\n",
                        last), repr(last)
    assert "Traceback" not in out


def test_quiet_or_piped_shows_no_progress(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    code, out = on_a_terminal("-C", str(root), "pdf", "-q", "-o", str(tmp_path / "q.pdf"))
    assert code == 0 and out == "", out
    piped = run_cli("-C", str(root), "pdf", "-o", str(tmp_path / "p.pdf"))
    assert piped.returncode == 0 and "\r" not in piped.stderr and "…" not in piped.stderr
    assert piped.stderr.startswith("briefgen: wrote ") and piped.stderr.count("\n") == 1
