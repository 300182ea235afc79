"""The site works offline: the build refuses anything that loads from the network, every page loads in Chromium
with the network off, and search works when the site is opened from file://."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from briefgen.emit.offline import scan_css, scan_file, scan_js, scan_site
from conftest import run_cli
from hardening_support import (HOSTILE, NOT_OPENED_FROM_DISK, base_briefing, build_copy, chromium, file_url, html_pages,
                               search, tree)


# -- the build's own check ------------------------------------------------------------------------------

def test_scan_finds_loading_constructs_with_their_place(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        '<html><head>\n<link rel="stylesheet" href="https://cdn.example/a.css">\n'
        '<link rel="canonical" href="https://example.org/p.html"><link rel="next" href="https://example.org/q.html">\n'
        '<script src="//cdn.example/x.js"></script>\n<style>body{background:url("http://e.example/bg.png")}</style>\n'
        '<meta http-equiv="refresh" content="0; url=https://e.example/">\n'
        '</head><body>\n<a href="https://example.org/">a link is not a load</a>\n'
        '<img src="data:image/png;base64,AAAA" srcset="x.png 1x, https://e.example/2x.png 2x">\n'
        '<iframe src="https://e.example/f"></iframe><video poster="http://e.example/p.jpg"></video>\n'
        '<div style="background-image: url(//e.example/s.png)"></div>\n'
        '<script>fetch("https://e.example/api"); var ok = "https://example.org/just-a-string";</script>\n'
        '</body></html>\n')
    found = {(x.line, x.what, x.url) for x in scan_file(page, "p.html")}
    assert found == {
        (2, '<link rel="stylesheet" href>', "https://cdn.example/a.css"),
        (4, "<script src>", "//cdn.example/x.js"),
        (5, "<style> url()", "http://e.example/bg.png"),
        (6, "<meta http-equiv=refresh>", "https://e.example/"),
        (9, "<img srcset>", "https://e.example/2x.png"),
        (10, "<iframe src>", "https://e.example/f"),
        (10, "<video poster>", "http://e.example/p.jpg"),
        (11, "<div style> url()", "//e.example/s.png"),
        (12, "inline <script> load", "https://e.example/api"),
    }, found
    only_links = tmp_path / "links.html"
    only_links.write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg><a class="x" href="https://example.org/">a</a>\n'
                          '<a href="https://example.org/" style="background: url(https://e.example/a.png)">b</a>')
    assert [(x.line, x.what) for x in scan_file(only_links, "links.html")] == [(2, "<a style> url()")]
    assert [(x.line, x.col) for x in scan_css("a{}\n@import 'https://e.example/c.css';", "s.css")] == [(2, 1)]
    js = 'x=1;\nimportScripts("https://e.example/w.js");new Worker(\'//e.example/w.js\');r.open("GET","http://e.example/")'
    assert [(x.line, x.url) for x in scan_js(js, "a.js")] == [(2, "https://e.example/w.js"), (2, "//e.example/w.js"),
                                                               (2, "http://e.example/")]


def test_material_assets_have_no_loading_construct() -> None:
    """Material's bundle names URLs (GitHub, unpkg for a ResizeObserver polyfill old browsers load) but none of
    them in a construct the scan treats as a load: the real theme passes the check."""
    import material

    assets = Path(material.__file__).parent / "templates" / "assets"
    assert assets.is_dir()
    assert scan_site(assets) == []


def test_demo_site_passes_the_scan(built_demo: Path) -> None:
    site = built_demo / "site"
    assert scan_site(site) == []
    assert (site / "search" / "search_index.js").read_text().startswith("var __index = {")
    assert (site / "assets" / "javascripts" / "briefgen-offline.js").is_file()


def test_external_load_fails_the_build_and_keeps_the_site(tmp_path: Path) -> None:
    root = base_briefing(tmp_path / "b")
    assert run_cli("-C", str(root), "build").returncode == 0
    before = tree(root / "site")
    overrides = root / "templates" / "overrides"
    overrides.mkdir(parents=True)
    shutil.copy(Path(__file__).parents[2] / "templates" / "overrides" / "main.html", overrides / "main.html")
    with (overrides / "main.html").open("a") as f:
        f.write('{% block extrahead %}<script src="https://cdn.example/tracker.js"></script>{% endblock %}\n')
    proc = run_cli("-C", str(root), "build")
    assert proc.returncode == 1
    assert "site/404.html:" in proc.stderr and "error[external-resource]: <script src> loads 'https://cdn.example/tracker.js'" in proc.stderr
    assert "more places" in proc.stderr and "site/ left as it was" in proc.stderr
    assert tree(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".briefgen-")]


def test_external_image_in_markdown_is_an_error_at_its_source(tmp_path: Path) -> None:
    root = base_briefing(tmp_path / "b")
    overview = root / "content" / "overview.md"
    overview.write_text(overview.read_text() + "\nA pixel: ![x](https://tracker.example/p.gif)\n")
    proc = run_cli("-C", str(root), "check")
    assert proc.returncode == 1
    assert "content/overview.md:5:15: error[external-image]: image 'https://tracker.example/p.gif'" in proc.stderr


# -- Chromium with the network off ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_copy(HOSTILE / "content", tmp_path_factory.mktemp("hostile-offline") / "b") / "site"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _cut_short(request) -> bool:
    """A local file whose load the next navigation aborted (the favicon, fetched after 'load'): not a failure."""
    if "ERR_ABORTED" not in (request.failure or "") or not request.url.startswith("file://"):
        return False
    from urllib.parse import unquote

    return Path(unquote(urlsplit(request.url).path)).is_file()


def load_all_offline(browser, site: Path) -> tuple[int, list[str]]:
    """Open every page with every non-file:// request aborted; (pages, problems)."""
    context = browser.new_context()
    outside: list[str] = []
    failed: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:", "blob:")) or urlsplit(url).hostname in ("localhost", "127.0.0.1"):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", lambda r: None if _cut_short(r) else failed.append(f"{r.url} ({r.failure})"))
    problems, n = [], 0
    for path in html_pages(site):
        rel = path.relative_to(site).as_posix()
        if rel in NOT_OPENED_FROM_DISK:
            continue
        outside.clear()
        failed.clear()
        response = page.goto(file_url(path), wait_until="load")
        page.wait_for_timeout(20)
        n += 1
        if response is None or not response.ok:
            problems.append(f"{rel}: did not load")
        problems += [f"{rel}: external request {u}" for u in outside]
        problems += [f"{rel}: failed request {u}" for u in failed if not any(u.startswith(o) for o in outside)]
    context.close()
    return n, problems


@pytest.mark.browser
def test_demo_pages_load_offline(browser, built_demo: Path) -> None:
    n, problems = load_all_offline(browser, built_demo / "site")
    assert n >= 60 and not problems, "\n".join(problems[:20])


@pytest.mark.browser
def test_hostile_pages_load_offline(browser, hostile_site: Path) -> None:
    """Captures carry <base>, <link>, url() and <img src=http…>: none of it may reach the network."""
    n, problems = load_all_offline(browser, hostile_site)
    assert n >= 10 and not problems, "\n".join(problems[:20])


@pytest.mark.browser
@pytest.mark.parametrize("page_path, query", [("index.html", "Lavrov"), ("actors/index.html", "Etorofu"),
                                              ("articles/index.html", "Motegi")])
def test_search_works_from_file_urls(browser, built_demo: Path, page_path: str, query: str) -> None:
    context = browser.new_context()
    blocked: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "blob:", "data:"))
                  else (blocked.append(r.request.url), r.abort()))
    page = context.new_page()
    try:
        count = search(page, file_url(built_demo / "site" / page_path), query)
        assert count >= 1, f"no search results for {query!r} from file://"
        assert not blocked
        first = page.locator(".md-search-result__item a").first.get_attribute("href")
        assert first and not first.startswith(("http:", "https:"))
    finally:
        context.close()
