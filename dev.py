#!/usr/bin/env python3
"""One entry point for a fresh machine with only Python >= 3.11.

    python3 dev.py demo     # set up, then build the demo briefing into site/, with site/briefing.pdf
    python3 dev.py test     # set up, then run the whole test suite

Set-up is idempotent: a virtualenv in .venv with briefgen and its test tools, and (for tests) the
Debian packages chromium, poppler-utils, qpdf, fontconfig and npm plus the fonts DejaVu and Noto, installed with
apt-get when running as root, and axe-core (pinned) from npm into .tools/ for the accessibility tests.
Each step says what it installs before it starts; on a terminal, a step still running after 2 s shows its time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".briefgen-installed"
DEBIAN = {"chromium": "chromium", "pdftotext": "poppler-utils", "pdfinfo": "poppler-utils", "qpdf": "qpdf",
          "fc-list": "fontconfig", "npm": "npm"}
DEBIAN_EXTRA = ["fonts-dejavu-core", "fonts-noto-core", "fonts-noto-cjk"]
TOOLS = ROOT / ".tools"
AXE_VERSION = "4.14.1"
"""axe-core (accessibility rules run in Chromium by tests/hardening/test_a11y.py), from npm into .tools/."""


def run(cmd: list[str], what: str = "", **kw) -> None:
    """Run ``cmd`` after saying ``what`` it does; on a terminal, its running time once it passes 2 s."""
    if what:
        print(f"dev.py: {what}", flush=True)
    print("+ " + " ".join(cmd), flush=True)
    done = threading.Event()
    ticker = None
    if sys.stdout.isatty():
        ticker = threading.Thread(target=_tick, args=(done, time.monotonic()), daemon=True)
        ticker.start()
    try:
        subprocess.run(cmd, check=True, **kw)
    finally:
        done.set()
        if ticker is not None:
            ticker.join()


def _tick(done: threading.Event, start: float) -> None:
    shown = False
    while not done.wait(1.0):
        seconds = time.monotonic() - start
        if seconds >= 2:
            sys.stdout.write(f"\r  … {seconds:.0f} s\x1b[K")
            sys.stdout.flush()
            shown = True
    if shown:
        sys.stdout.write(f"\r  done in {time.monotonic() - start:.0f} s\x1b[K\n")
        sys.stdout.flush()


def python_packages() -> list[str]:
    """The packages pip installs into .venv by name (pyproject.toml: dependencies, extras test and pdf)."""
    import tomllib  # Python 3.11+, checked by ensure_venv before

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["test"],
             *project["optional-dependencies"]["pdf"]]
    return [spec.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip() for spec in specs]


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("briefgen needs Python 3.11 or newer")
    if not PY.exists():
        run([sys.executable, "-m", "venv", str(VENV)], "creating the virtualenv .venv")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], "upgrading pip in .venv")
    run([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test,pdf]"],
        "installing briefgen (editable) into .venv with " + ", ".join(python_packages())
        + " and what they need (about 20 s)")
    STAMP.write_text(wanted)


def ensure_debian() -> None:
    missing = sorted({pkg for tool, pkg in DEBIAN.items() if shutil.which(tool) is None})
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit("missing system tools; install them with:\n  sudo apt-get install -y " + " ".join(missing + DEBIAN_EXTRA))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], "updating the apt package lists", env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, *DEBIAN_EXTRA],
        "installing the Debian packages " + ", ".join(missing + DEBIAN_EXTRA), env=env)


def ensure_axe() -> None:
    package = TOOLS / "node_modules" / "axe-core" / "package.json"
    if package.is_file() and json.loads(package.read_text()).get("version") == AXE_VERSION:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is missing (needed for axe-core); install it with:\n  sudo apt-get install -y npm")
    TOOLS.mkdir(exist_ok=True)
    run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(TOOLS), f"axe-core@{AXE_VERSION}"],
        f"installing axe-core {AXE_VERSION} from npm into .tools/ (accessibility tests)")


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "help"
    if cmd == "demo":
        ensure_venv()
        return subprocess.call([str(VENV / "bin" / "briefgen"), "-C", str(ROOT), "build", "--pdf", *argv[1:]])
    if cmd == "test":
        ensure_venv()
        ensure_debian()
        ensure_axe()
        env = {**os.environ, "BRIEFGEN_REQUIRE_TOOLS": "1"}
        return subprocess.call([str(PY), "-m", "pytest", "-n", "2", "--dist", "loadfile", *argv[1:]], cwd=ROOT, env=env)
    print(__doc__)
    return 0 if cmd == "help" else 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
