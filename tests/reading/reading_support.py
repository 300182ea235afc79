"""Helpers of the reading tests: a built copy of the demo and a headless Debian Chromium (Playwright with
``executable_path``; ``playwright install`` is never needed)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import ROOT, require_tool, run_cli

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def build_demo(dest: Path) -> Path:
    """The demo briefing copied to ``dest`` and built; returns its ``site/``."""
    shutil.copytree(ROOT / "content", dest / "content")
    proc = run_cli("-C", str(dest), "build", "--no-cache")
    assert proc.returncode == 0, proc.stderr
    return dest / "site"


def site_pages(site: Path) -> list[str]:
    """Every page a reader opens from disk (MkDocs' 404 page is served by web servers, never opened so)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")


@contextmanager
def chromium() -> Iterator:
    path = os.environ.get("BRIEFGEN_CHROMIUM") or require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
