"""Helpers of the serve tests: a ``briefgen serve`` subprocess whose terminal output is collected."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "golden" / "build" / "_base" / "content"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def small_briefing(dest: Path) -> Path:
    shutil.copytree(SMALL, dest / "content")
    return dest


class ServeProcess:
    """``briefgen serve -a 127.0.0.1:0`` on ``root`` with its own TMPDIR; stderr lines are collected."""

    def __init__(self, root: Path, tmpdir: Path, *args: str):
        self.tmpdir = tmpdir
        tmpdir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "briefgen", "-C", str(root), "serve", "-a", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            i = self.wait_for(r"serving .* at (http://\S+)")
        except BaseException:
            self.proc.kill()
            raise
        self.url = re.search(r"at (http://\S+)", self.lines[i]).group(1)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def output(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, start: int = 0, timeout: float = 30) -> int:
        """Index of the first line from ``start`` on matching ``pattern`` (waits for it)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i in range(start, len(self.lines)):
                    if rx.search(self.lines[i]):
                        return i
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))
                self._cond.wait(min(left, 0.2))

    def mark(self) -> int:
        with self._cond:
            return len(self.lines)

    def get(self, path: str) -> tuple[int, bytes, dict]:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def state(self, version: int = -1, page: str = "/") -> dict:
        return json.loads(self.get(f"/.briefgen/state?v={version}&path={page}&wait=0")[1])

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("briefgen serve did not stop:\n" + self.output)
        self._reader.join(5)
        return rc

    def __enter__(self) -> "ServeProcess":
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
