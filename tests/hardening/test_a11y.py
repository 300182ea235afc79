"""axe-core (from npm, installed by dev.py into .tools/) in Chromium: no WCAG 2.1 A/AA violation.

Pages checked: the home page, the index and one entity page of every kind, the articles index, an article,
the timeline, sources, map and connections pages of the demo, plus the article pages of the hostile corpus (long unbroken
payload text, Markdown captures), each in the light and the dark colour scheme.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hardening_support import HOSTILE, axe_script, build_copy, chromium, file_url

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ALLOWED: dict[str, str] = {}
"""axe rule id → why a violation of it in Material's own markup is accepted. Empty: with briefgen's stylesheet
(links in running text underlined, dark-scheme highlight colours) Material's markup passes every rule run here."""

RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 120) + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""


def demo_pages(site: Path) -> list[str]:
    pages = ["index.html", "timeline.html", "sources.html", "articles/index.html", "map.html", "connections.html",
             "differences.html"]
    articles = sorted(p.name for p in (site / "articles").glob("*.html") if p.name != "index.html")
    pages.append(f"articles/{articles[-1]}")
    for folder in sorted(p for p in site.iterdir() if p.is_dir() and (p / "index.html").is_file()):
        if folder.name in ("articles", "search", "assets"):
            continue
        entities = sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")
        pages += [f"{folder.name}/index.html"] + ([f"{folder.name}/{entities[0]}"] if entities else [])
    return pages


@pytest.fixture(scope="module")
def axe() -> Path:
    return axe_script()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def violations(browser, axe: Path, site: Path, pages: list[str], scheme: str) -> list[str]:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    out = []
    try:
        for rel in pages:
            page.goto(file_url(site / rel), wait_until="load")
            page.add_script_tag(path=str(axe))
            for v in page.evaluate(RUN, TAGS):
                if v["id"] in ALLOWED:
                    continue
                out.append(f"{scheme} {rel}: {v['id']} ({v['help']}): " + " | ".join(v["nodes"][:3]))
    finally:
        context.close()
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_demo_pages_meet_wcag21_aa(browser, axe: Path, built_demo: Path, scheme: str) -> None:
    site = built_demo / "site"
    pages = demo_pages(site)
    assert len(pages) >= 12
    problems = violations(browser, axe, site, pages, scheme)
    assert not problems, "\n".join(problems)


def test_hostile_article_pages_meet_wcag21_aa(browser, axe: Path, tmp_path: Path) -> None:
    site = build_copy(HOSTILE / "content", tmp_path / "b") / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "articles").glob("*.html"))
    problems = violations(browser, axe, site, pages, "light")
    assert not problems, "\n".join(problems)
