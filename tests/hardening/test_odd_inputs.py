"""Odd captures: clear, located errors or warnings, in bounded time and memory.

Each case is one odd file added to the small base briefing, and ``briefgen`` runs in a subprocess with hard
limits (2 GiB of address space, 60 s of CPU): the run must finish within 30 s of wall time with a peak RSS
under 1 GiB (measured with wait4), print the expected located diagnostic and no traceback.
"""

from __future__ import annotations

import gzip
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from hardening_support import base_briefing

pytestmark = pytest.mark.slow

WALL_LIMIT = 30.0
RSS_LIMIT = 1 << 30


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


def run_limited(*args: str) -> tuple[int, str, float, int]:
    """Run ``briefgen ARGS`` under resource limits: (exit code, stderr, wall seconds, peak RSS in bytes)."""
    with tempfile.TemporaryFile(mode="w+") as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", *args], stdout=subprocess.DEVNULL, stderr=err,
                                preexec_fn=_limits)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > WALL_LIMIT * 2:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return proc.returncode, err.read(), seconds, usage.ru_maxrss * 1024


def _paragraphs(n_bytes: int) -> str:
    rnd = random.Random(7)
    words = "Alice Example met Bob Sample in Strelsau about the islands treaty talks minister said on Thursday".split()
    out, size, i = [], 0, 0
    while size < n_bytes:
        p = f"Paragraph {i}: " + " ".join(rnd.choice(words) for _ in range(40)) + "."
        out.append(p)
        size += len(p) + 2
        i += 1
    return "\n\n".join(out)


def _binary_without_nul() -> bytes:
    rnd = random.Random(3)
    undefined_in_cp1252 = {0, 0x81, 0x8D, 0x8F, 0x90, 0x9D}
    return bytes(b for b in rnd.randbytes(300_000) if b not in undefined_in_cp1252)


def _gzip_bomb() -> bytes:
    return gzip.compress(b"<html><body><p>" + b"A" * (64 * 1024 * 1024) + b"</p></body></html>", 9)


def _markup_heavy_html() -> str:
    row = '<div class="row"><span class="c">a</span><a href="/x">b</a></div>\n'
    return "<html><body><article><p>Alice Example met Bob Sample.</p>\n" + row * 150_000 + "</article></body></html>"


# (name, file name, content factory, command, expected exit code, expected diagnostic prefix)
CASES = [
    ("20-mb-capture", "huge.txt", lambda: _paragraphs(20 * 1024 * 1024), "check", 1,
     "content/articles/huge.txt:1:1: error[file-too-large]"),
    ("just-under-the-byte-limit-but-too-long", "long.txt", lambda: _paragraphs(3 * 1024 * 1024), "check", 1,
     "content/articles/long.txt:"),
    ("zero-byte-file", "empty.txt", lambda: b"", "build", 0, "content/articles/empty.txt:1:1: warning[capture-empty]"),
    ("binary-with-nul-named-txt", "photo.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 50, "check", 1,
     "content/articles/photo.txt:"),
    ("binary-without-nul-named-txt", "noise.txt", _binary_without_nul, "check", 1, "content/articles/noise.txt:"),
    ("gzip-bomb-named-html", "bomb.html", _gzip_bomb, "check", 1, "content/articles/bomb.html:1:1: error[file-binary]"),
    ("plain-huge-html", "huge.html", lambda: "<html><body><article>" + "".join(
        f"<p>{p}</p>\n" for p in _paragraphs(9 * 1024 * 1024).split("\n\n")) + "</article></body></html>", "check", 1,
     "content/articles/huge.html:19998:1: error[capture-too-large]: capture refused: the page has more than 20,000 HTML elements"),
    ("html-with-too-much-text", "text.html", lambda: "<html><body><article><p>" + _paragraphs(3 * 1024 * 1024).replace(
        "\n\n", " ") + "</p></article></body></html>", "check", 1,
     "content/articles/text.html:1:1: error[capture-too-large]: capture refused: the page holds about"),
    ("markup-heavy-html", "rows.html", _markup_heavy_html, "check", 1, "content/articles/rows.html:6667:18: error[capture-too-large]"),
    ("deeply-nested-html", "deep.html", lambda: "<html><body>" + "<div>" * 100_000 + "Alice Example." + "</div>" * 100_000,
     "check", 1, "content/articles/deep.html:1:1013: error[capture-too-large]"),
    ("html-too-deep-for-the-parser", "deep2.html", lambda: "<html><body>\n" + "<section>\n" * 400 + "<p>Alice Example met Bob.</p>",
     "check", 1, "content/articles/deep2.html:202:1: error[capture-too-large]"),
]


@pytest.mark.parametrize("name, filename, make, command, code, expected", CASES, ids=[c[0] for c in CASES])
def test_odd_capture(name: str, filename: str, make, command: str, code: int, expected: str, tmp_path: Path) -> None:
    root = base_briefing(tmp_path / "b")
    data = make()
    target = root / "content" / "articles" / filename
    if isinstance(data, str):
        target.write_text(data, encoding="utf-8")
    else:
        target.write_bytes(data)
    rc, err, seconds, rss = run_limited("-C", str(root), command)
    assert "Traceback" not in err, err[-3000:]
    assert rc == code, err[-2000:]
    assert expected in err, f"{expected!r} not in:\n{err[-2000:]}"
    assert seconds < WALL_LIMIT, f"{name}: {seconds:.1f} s"
    assert rss < RSS_LIMIT, f"{name}: peak RSS {rss / 2**20:.0f} MiB"
    if code == 1 and command == "build":
        assert not (root / "site").exists()
