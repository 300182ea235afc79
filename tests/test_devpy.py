"""dev.py as a new user meets it: it says what it installs before each step, shows the time of a long step on a
terminal (not in a log), and the README lists everything it installs."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

from conftest import ROOT, on_a_terminal


def load_devpy():
    spec = importlib.util.spec_from_file_location("devpy", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_lists_everything_dev_py_installs() -> None:
    dev = load_devpy()
    readme = (ROOT / "README.md").read_text()
    wanted = [*dev.python_packages(), *dev.DEBIAN.values(), *dev.DEBIAN_EXTRA, "axe-core"]
    assert len(wanted) > 20
    missing = [name for name in wanted if f"`{name}`" not in readme]
    assert not missing, f"README.md does not name (in backquotes) what dev.py installs: {missing}"


STEP = ("import sys; sys.path.insert(0, sys.argv[1]); import dev; "
        "dev.run([sys.executable, '-c', 'import time; time.sleep(3.2)'], 'installing nothing in particular')")


def test_a_long_step_says_what_it_does_and_shows_its_time_on_a_terminal() -> None:
    code, text = on_a_terminal([sys.executable, "-c", STEP, str(ROOT)], timeout=30)
    assert code == 0
    assert text.startswith("dev.py: installing nothing in particular\r\n+ "), text
    assert re.search(r"\r  … [23] s", text), text  # shown from 2 s on, updated in place
    assert re.search(r"\r  done in 3 s", text), text


def test_a_step_in_a_log_prints_no_terminal_updates() -> None:
    proc = subprocess.run([sys.executable, "-c", STEP, str(ROOT)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0
    assert proc.stdout.startswith("dev.py: installing nothing in particular\n+ ")
    assert "\r" not in proc.stdout and "…" not in proc.stdout
