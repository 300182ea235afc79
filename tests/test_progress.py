"""On a terminal, a step running longer than 2 s shows its name and time on one line, erased before the final
report; piped, nothing but the report. (Bars of large briefings: tests/test_benchmarks.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_briefing, on_a_terminal, run_cli

pytestmark = pytest.mark.slow


def test_the_pdf_export_shows_its_time_on_a_terminal(tmp_path: Path) -> None:
    # a ~190-page synthetic briefing: Typst makes the demo's PDF in under 2 s, this one takes several seconds
    root = tmp_path / "synth"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--articles", "60", "--entities", "220",
                    "--seed", "1", "--out", str(root)], check=True, capture_output=True, timeout=120)
    code, out = on_a_terminal([sys.executable, "-m", "briefgen", "-C", str(root), "pdf", "-o", str(tmp_path / "out.pdf")],
                              timeout=300)
    assert code == 0, out
    assert re.search(r"\rexporting the PDF… [2-9]\d* s\x1b\[K", out), out
    last = out.rsplit("\r\x1b[K", 1)[-1]  # the progress line is erased before the report
    assert re.fullmatch(rf"briefgen: wrote {re.escape(str(tmp_path / 'out.pdf'))} in [\d.]+ s: \d+ pages, .*\r\n",
                        last), repr(last)
    assert "Traceback" not in out


def test_quiet_or_piped_shows_no_progress(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    code, out = on_a_terminal([sys.executable, "-m", "briefgen", "-C", str(root), "pdf", "-q", "-o", str(tmp_path / "q.pdf")])
    assert code == 0 and out == "", out
    piped = run_cli("-C", str(root), "pdf", "-o", str(tmp_path / "p.pdf"))
    assert piped.returncode == 0 and "\r" not in piped.stderr and "…" not in piped.stderr
    assert piped.stderr.startswith("briefgen: wrote ") and piped.stderr.count("\n") == 1
