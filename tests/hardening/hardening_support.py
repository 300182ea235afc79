"""Shared helpers of the hardening tests: corpus paths, building copies, scanning HTML, driving Chromium.

Not a conftest (tests/conftest.py is imported as ``conftest`` by every test module; a second one would
shadow it): test modules import what they need from here.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import pytest

from conftest import ROOT, require_tool, run_cli

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
HOSTILE = CORPUS / "hostile"
BASE = ROOT / "tests" / "golden" / "build" / "_base"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
NOT_OPENED_FROM_DISK = {"404.html"}
"""Pages a browser never opens from disk: MkDocs' 404 page is served by web servers for any missing URL, so
its links are root-absolute (/assets/…) on purpose; from file:// they would point at the filesystem root."""


def build_copy(content: Path, dest: Path, *args: str, templates: Path | None = None) -> Path:
    """Copy a briefing's ``content/`` (and optional ``templates/``) to ``dest`` and build it; returns ``dest``."""
    shutil.copytree(content, dest / "content")
    if templates is not None:
        shutil.copytree(templates, dest / "templates")
    proc = run_cli("-C", str(dest), "build", *args)
    assert proc.returncode == 0, proc.stderr
    return dest


def base_briefing(dest: Path) -> Path:
    """A copy of the small golden-case base briefing (not built)."""
    shutil.copytree(BASE / "content", dest / "content")
    return dest


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@contextmanager
def world_readable_copy(site: Path) -> Iterator[Path]:
    """A copy of ``site`` in a fresh folder every user can read, removed afterwards. linkchecker run as root
    drops its privileges to 'nobody', who cannot enter pytest's private (0700) temporary folders."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="briefgen-readable-"))
    try:
        folder.chmod(0o755)
        dest = folder / "site"
        shutil.copytree(site, dest)
        for p in [dest, *dest.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        yield dest
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- HTML -----------------------------------------------------------------------------------------------

class Element:
    __slots__ = ("tag", "attrs", "line", "col", "in_body")

    def __init__(self, tag: str, attrs: dict[str, str], line: int, col: int, in_body: bool) -> None:
        self.tag, self.attrs, self.line, self.col, self.in_body = tag, attrs, line, col, in_body

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}> at {self.line}:{self.col}"


class PageScan(HTMLParser):
    """Every element of a page (with its place and whether it is in <body>) and the text of inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._script: list[str] | None = None
        self._body = False

    def handle_starttag(self, tag, attrs):
        self._body = self._body or tag == "body"
        line, col = self.getpos()
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, line, col + 1, self._body))
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)


def scan_page(path: Path) -> PageScan:
    scan = PageScan()
    scan.feed(path.read_text(encoding="utf-8"))
    scan.close()
    return scan


_DANGEROUS_URL = re.compile(r"^[\x00-\x20]*(?:j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|vbscript|data)\s*:", re.IGNORECASE)


def dangerous_url(value: str) -> bool:
    return bool(_DANGEROUS_URL.match(value or ""))


# -- Chromium ---------------------------------------------------------------------------------------------

def chromium_path() -> str:
    return os.environ.get("BRIEFGEN_CHROMIUM") or require_tool("chromium")


@contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium driven by Playwright (``playwright install`` is never needed)."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


def axe_script() -> Path:
    """axe-core's browser bundle, installed by ``python3 dev.py test`` into .tools/ (a missing one fails in CI)."""
    path = Path(os.environ.get("BRIEFGEN_AXE") or ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js")
    if path.is_file():
        return path
    from conftest import REQUIRE_TOOLS

    if REQUIRE_TOOLS:
        pytest.fail(f"axe-core is not installed at {path} (run: python3 dev.py test)")
    pytest.skip("axe-core not installed (python3 dev.py test installs it into .tools/)")


def search(page, url: str, query: str, timeout: float = 40.0) -> int:
    """Open ``url``, type ``query`` into Material's search once, and return the number of results shown (0 when
    none appeared in ``timeout`` seconds).

    Material answers a query typed before its worker is ready as soon as the index is built (half a megabyte for
    the demo: seconds on a loaded CI machine), so each attempt waits long; it does not recover from programmatic
    edits of the box (clearing it closes the search), so a second attempt starts from a fresh page.
    """
    import time

    deadline = time.monotonic() + timeout
    for attempt in range(2):
        page.goto(url, wait_until="load")
        page.locator("input[data-md-component=search-query]").fill(query)
        meta = page.locator(".md-search-result__meta")
        attempt_end = time.monotonic() + (timeout / 2 if attempt == 0 else max(deadline - time.monotonic(), 1.0))
        while time.monotonic() < attempt_end:
            page.wait_for_timeout(150)
            text = meta.text_content() or ""
            # under load Material may first answer a partial query ("No matching documents"); wait for the whole one
            if "matching" in text and not text.lstrip().startswith("No"):
                return page.locator(".md-search-result__item").count()
    return 0
