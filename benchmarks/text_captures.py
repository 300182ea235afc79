"""Text captures of the article-extraction benchmark: each page as an analyst copies it out of a browser.

Usage::

    python benchmarks/text_captures.py [--data DIR] [--out DIR] [--refresh] [--only ID ...]

Each benchmark page is opened in headless Chromium (Debian ``chromium`` through Playwright's
``executable_path``) with JavaScript off and every request but the page itself blocked, its ``<noscript>``
elements are removed, and ``document.body.innerText`` is written to ``OUT/<page-id>.txt`` (UTF-8, LF). Pages are served as UTF-8, as the benchmark's loader reads them.
That is what "select all, copy" in a browser gives for a page whose scripts did not run.

The captures are kept in the repository (``benchmarks/text-captures/``) so that the benchmark
(``benchmarks/extraction.py --as-text``) and the tests run without a browser; Chromium is needed only to make
them again (``--refresh``), e.g. after the benchmark data changes. Without ``--refresh`` only missing
captures are made.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("BRIEFGEN_EXTRACTION_DATA", ROOT.parent / "shared" / "benchmarks" / "article-extraction"))
DEFAULT_OUT = ROOT / "benchmarks" / "text-captures"
PAGE_URL = "http://capture.invalid/page.html"
"""The address the page is served at: a reserved name, so nothing on it could ever be fetched."""
VIEWPORT = {"width": 1280, "height": 900}


def chromium_path() -> str:
    found = os.environ.get("BRIEFGEN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        sys.exit("Chromium is needed to make text captures: apt-get install chromium")
    return found


def _serve_only(html: bytes):
    """A route handler that answers the page's own address with ``html`` and refuses every other request."""

    def route(r) -> None:
        if r.request.url == PAGE_URL:
            r.fulfill(status=200, body=html, headers={"content-type": "text/html; charset=utf-8"})
        else:
            r.abort()

    return route


def render(pages: dict[str, bytes], out: Path) -> None:
    """Write the text capture of every page in ``pages`` (page id → HTML bytes) to ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT, offline=False)
        for i, (pid, html) in enumerate(sorted(pages.items()), 1):
            page = context.new_page()

            page.route("**/*", _serve_only(html))
            page.goto(PAGE_URL, wait_until="domcontentloaded", timeout=60_000)
            # evaluate() runs in Playwright's own world, so it works with the page's scripts off
            text = page.evaluate("() => { document.querySelectorAll('noscript').forEach(n => n.remove());"
                                 " return document.body ? document.body.innerText : ''; }")
            page.close()
            (out / f"{pid}.txt").write_text(text.replace("\r\n", "\n"), encoding="utf-8", newline="\n")
            print(f"[{i}/{len(pages)}] {pid[:16]} {len(text)} chars", flush=True)
        browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder (html/, ground-truth.json)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the .txt captures go")
    ap.add_argument("--refresh", action="store_true", help="make every capture again, not only missing ones")
    ap.add_argument("--only", nargs="*", help="only these page ids")
    args = ap.parse_args(argv)
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = args.only or sorted(truth)
    todo = {pid: gzip.decompress((args.data / "html" / f"{pid}.html.gz").read_bytes())
            for pid in ids if args.refresh or not (args.out / f"{pid}.txt").is_file()}
    if todo:
        render(todo, args.out)
    print(f"{len(todo)} made, {len(ids) - len(todo)} already there, in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
