"""ruff (lint and format, configured in pyproject.toml) and mypy are clean on briefgen/: run with the tests, so that
``python3 dev.py test`` and CI fail on a lint or type error. A missing tool fails (it is in the ``test`` extra)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_tool(module: str, *args: str) -> subprocess.CompletedProcess:
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed: pip install -e '.[test]' (or run: python3 dev.py test)")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint_is_clean() -> None:
    proc = run_tool("ruff", "check", "briefgen", "tests/layers")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = run_tool("ruff", "format", "--check", "--diff", "briefgen", "tests/layers")
    assert proc.returncode == 0, "run: ruff format briefgen tests/layers\n" + proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = run_tool("mypy")  # files and options: [tool.mypy] in pyproject.toml
    assert proc.returncode == 0, proc.stdout + proc.stderr
