"""Shared test helpers: running the CLI, golden-file comparison, and locating required system tools."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPDATE = os.environ.get("BRIEFGEN_UPDATE_GOLDEN") == "1"
REQUIRE_TOOLS = os.environ.get("BRIEFGEN_REQUIRE_TOOLS") == "1" or os.environ.get("CI") == "true"


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``python -m briefgen ARGS`` as a user would; returns the completed process (text mode)."""
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def on_a_terminal(command: list[str], timeout: float = 300) -> tuple[int, str]:
    """Run ``command`` with stdout and stderr on a pseudo-terminal; its exit code and everything it wrote."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    out = b""
    deadline = time.monotonic() + timeout
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


def require_tool(name: str) -> str:
    """Path of a system tool; a missing tool fails the test in CI (never a silent skip)."""
    path = shutil.which(name)
    if path:
        return path
    if REQUIRE_TOOLS:
        pytest.fail(f"required tool '{name}' is not installed (run: python3 dev.py test)")
    pytest.skip(f"'{name}' not installed")


def copy_briefing(dest: Path, content: Path | None = None) -> Path:
    """Copy a briefing's content/ (default: the demo) into ``dest``; returns ``dest``."""
    shutil.copytree(content or ROOT / "content", dest / "content")
    return dest


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo briefing."""
    return copy_briefing(tmp_path / "demo")


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """The demo briefing built once per test session (read-only for tests)."""
    root = copy_briefing(tmp_path_factory.mktemp("built") / "demo")
    proc = run_cli("-C", str(root), "build", "--strict")
    assert proc.returncode == 0, proc.stderr
    return root
