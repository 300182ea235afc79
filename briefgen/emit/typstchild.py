"""The Typst child process of a PDF export (:mod:`briefgen.emit.pdf` hands it the compile root).

A module of its own, importing nothing of briefgen's stages: ``briefgen pdf`` starts the child before it imports
the build, so that the child's own start-up (Python, Typst, the font scan) overlaps all of the parent's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from briefgen.cache import process_alive

TYPST_VERSION = (0, 15)
"""The Typst minor version the print template is written for (pyproject.toml pins ``typst>=0.15,<0.16``)."""
PRINT_DIR = Path("templates") / "print"
"""Where the print template folder is in the compile root (so Typst's messages name ``templates/print/FILE``)."""
MAIN = "briefing.typ"
"""The print template's main file."""

# The child process: Typst alone. Started before the print data is built, it imports Typst and scans the fonts
# meanwhile, then waits for one line on stdin (the compile's parameters, or nothing: the export was given up) and
# answers one JSON line on stdout. It imports nothing of briefgen, so its memory is Typst's and the data's only.
# A staged compile (docs/pdf.md, "Staged compiles") first finds where every target lands, each step a process of
# its own (_STEP) so that its memory is given back before the next; then the PDF is compiled with those places as
# data. Should a step fail or the pages not settle, the ordinary compile runs.
_CHILD = r"""
import json, os, subprocess, sys
paths = json.loads(sys.argv[1])
staging_file = os.path.join(os.path.dirname(paths["input"]), "staging.json")
try:
    import typst
except ImportError as exc:
    typst = None
    missing = str(exc)
else:
    missing = None if typst.__version__.startswith(paths["version"]) else "typst " + typst.__version__
    if missing is None:
        fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=paths["font_paths"])
line = sys.stdin.readline()
if not line.strip():
    sys.exit(0)
job = json.loads(line)
if missing is not None:
    print(json.dumps({"missing": missing})); sys.exit(0)
anchors = job.get("anchors") or []
def step(mode, targets):
    with open(staging_file, "w", encoding="utf-8") as f:
        json.dump({"mode": mode, "anchors": anchors, "placeholder": job.get("placeholder", "000"),
                   "targets": targets or {}}, f)
    run = subprocess.run([sys.executable, "-I", "-c", paths["step"], sys.argv[1]], capture_output=True, text=True)
    try:
        found = json.loads(run.stdout)
    except ValueError:
        return None
    # the template gives where every anchor it prints as data landed: at least the runs' (the contents' too)
    return found if isinstance(found, dict) and set(anchors) <= set(found) else None
mode, targets, steps = "native", None, 0
if anchors:
    targets = step("measure", None)
    steps = 1
    while targets is not None and steps < 5:
        found = step("final", targets)
        steps += 1
        if found is None:
            break
        if set(found) == set(targets) and all(found[a]["page"] == targets[a]["page"] for a in found):
            # the same pages printed: the same layout, so these positions are exact for the PDF's links
            mode, targets = "final", found
            break
        targets = found
with open(staging_file, "w", encoding="utf-8") as f:
    json.dump({"mode": mode, "anchors": anchors, "targets": targets if mode == "final" else {}}, f)
try:
    compiler = typst.Compiler(paths["input"], root=paths["root"], font_paths=fonts,
                              package_path=paths["packages"], package_cache_path=paths["packages"])
    _, warnings = compiler.compile_with_warnings(output=paths["output"], format="pdf",
                                                 pdf_standards=[job["standard"]], timestamp=job["timestamp"])
except typst.TypstError as exc:
    print(json.dumps({"error": {"message": exc.message, "diagnostic": exc.diagnostic, "hints": list(exc.hints or [])}}))
    sys.exit(0)
print(json.dumps({"warnings": [{"message": w.message, "diagnostic": w.diagnostic, "hints": list(w.hints or [])}
                               for w in warnings], "mode": mode, "steps": steps}), flush=True)
os._exit(0)  # the PDF is written: freeing Typst's memory (hundreds of MiB) one object at a time would be waited for
"""

# One step of a staged compile, in a process of its own: where every target of the data lands (the template's
# <bg-positions> metadata), as JSON on stdout; nothing when Typst fails (the ordinary compile then reports it).
_STEP = r"""
import json, sys
paths = json.loads(sys.argv[1])
import typst
fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=paths["font_paths"])
compiler = typst.Compiler(paths["input"], root=paths["root"], font_paths=fonts,
                          package_path=paths["packages"], package_cache_path=paths["packages"])
try:
    print(compiler.query("<bg-positions>", field="value", one=True), flush=True)
except (typst.TypstError, RuntimeError):
    pass
import os
os._exit(0)
"""

_NO_NETWORK = dict.fromkeys(
    ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"), "http://127.0.0.1:9"
)
"""Proxies that lead nowhere: should a template import a package, Typst cannot download it."""


WORK_PREFIX = "briefgen-pdf-"
"""Private compile folders are ``briefgen-pdf-<pid>-<random>`` in the temporary folder."""


def remove_stale_folders() -> None:
    """Compile folders of exports that were killed (their process is gone)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*-*"):
        pid = folder.name[len(WORK_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def start_typst() -> TypstChild:
    """A Typst child started now, for :func:`briefgen.emit.pdf.export_pdf` later: it imports Typst and scans the
    fonts while the briefing is being built."""
    return TypstChild()


class TypstChild:
    """The Typst child process of one export, compiling in ``work``: ``work/root`` is the compile root,
    ``work/briefing.pdf`` the PDF."""

    def __init__(self, work: Path | None = None) -> None:
        self.owned = work is None  # a private folder of its own, removed by close()
        if work is None:
            remove_stale_folders()
            work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
        self.work = work
        self.root = work / "root"
        self.print_dir = self.root / PRINT_DIR
        self.output = work / "briefing.pdf"
        packages = work / "packages"
        packages.mkdir()
        paths = {
            "input": str(self.print_dir / MAIN),
            "root": str(self.root),
            "output": str(self.output),
            "font_paths": [str(self.print_dir)],
            "packages": str(packages),
            "version": ".".join(map(str, TYPST_VERSION)) + ".",
            "step": _STEP,
        }
        self.outcome: dict = {}
        """The child's answer once it has given it: ``mode`` (``native``, or ``final`` after a staged compile) and
        ``steps`` (the processes that found where targets land) among others."""
        self.errors = open(work / "typst-stderr.txt", "w+")
        # no proxy that leads anywhere: should a template import a package, Typst cannot download it
        env = {**os.environ, **_NO_NETWORK}
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD, json.dumps(paths)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env,
            cwd=work,
            text=True,
        )

    def start(self, standard: str, timestamp: int, anchors: list[str] | None = None) -> None:
        """Compile now (the compile root is ready); staged (first finding where ``anchors`` land) when given."""
        assert self.process.stdin is not None
        job = {"standard": standard, "timestamp": timestamp, "anchors": anchors or []}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.close()

    def answer(self) -> tuple[dict, str]:
        """The child's answer (empty when it gave none) and the last line it wrote to stderr."""
        assert self.process.stdout is not None
        text = self.process.stdout.read()
        self.process.wait()
        try:
            answer = json.loads(text.strip().splitlines()[-1]) if text.strip() else {}
        except ValueError:
            answer = {}
        self.outcome = answer
        self.errors.seek(0)
        return answer, _last_line(self.errors.read())

    def close(self) -> None:
        """End the child if it is still waiting (the export was given up before compiling)."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()
        if self.owned:
            shutil.rmtree(self.work, ignore_errors=True)


def _last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else "no message"
