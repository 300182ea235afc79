"""The demo site read in Chromium as issue 13 asks: on a phone (390×844) no page scrolls sideways and a table
wider than the screen scrolls in its own box with its first column fixed (or stacks its rows); on a desk
(1280×900) the infobox is compact beside the lead and on a phone full width; the site's search ranks an entity's
own page first for its name and each alias, and its results keep an infobox's rows and cells apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from reading_support import DESK, PHONE, build_demo, chromium, site_pages

from conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]


PAST_THE_EDGE = """() => {
  const W = window.innerWidth;
  const inScrollBox = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll') return true; } return false; };
  const hidden = e => { for (let p = e; p; p = p.parentElement) { const c = getComputedStyle(p);
    if (c.visibility === 'hidden' || c.display === 'none') return true; } return false; };
  const out = [];
  for (const e of document.querySelectorAll('.md-content *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1 && !inScrollBox(e) && !hidden(e)) out.push(e.tagName + '.' + e.className);
  }
  const boxes = [];
  for (const box of document.querySelectorAll('.md-content *')) {
    const s = getComputedStyle(box).overflowX;
    if ((s === 'auto' || s === 'scroll') && box.scrollWidth > box.clientWidth + 1 && box.querySelector('table')) {
      const first = box.querySelector('tbody tr > :first-child');
      if (first && getComputedStyle(first).position !== 'sticky') boxes.push(box.className || box.tagName);
    }
  }
  return {width: [document.documentElement.scrollWidth, W], past: out.slice(0, 5), unfixed: boxes.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("reading"))


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_no_page_scrolls_sideways_on_a_phone(site: Path, browser) -> None:
    page = browser.new_context(viewport=PHONE).new_page()
    pages = site_pages(site)
    assert len(pages) > 60
    bad = {}
    for rel in pages:
        page.goto((site / rel).as_uri(), wait_until="load")
        got = page.evaluate(PAST_THE_EDGE)
        if got["width"][0] > got["width"][1] or got["past"] or got["unfixed"]:
            bad[rel] = got
    assert not bad, f"{len(bad)} of {len(pages)} pages are wider than a phone's screen: {bad}"


def _entity_pages(site: Path) -> list[str]:
    return [p for p in site_pages(site) if "/" in p and not p.startswith(("articles/", "search/", "assets/"))
            and not p.endswith("/index.html")]


INFOBOX = """() => { const t = document.querySelector('table.bg-infobox'); if (!t) return null;
  const col = document.querySelector('.md-content__inner').getBoundingClientRect();
  const p = document.querySelector('.bg-summary p'); const r = t.getBoundingClientRect();
  let lead = null; if (p) { const range = document.createRange(); range.selectNodeContents(p); lead = range.getClientRects()[0]; }
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return {width: r.width, column: col.width, rem: rem, top: r.top, bottom: r.bottom,
          lead: lead ? lead.top : null, leadRight: lead ? lead.right : null,
          left: r.left}; }"""


def test_infobox_is_compact_beside_the_lead_on_a_desk_and_full_width_on_a_phone(site: Path, browser) -> None:
    desk = browser.new_context(viewport=DESK).new_page()
    phone = browser.new_context(viewport=PHONE).new_page()
    checked = 0
    for rel in _entity_pages(site):
        desk.goto((site / rel).as_uri(), wait_until="load")
        d = desk.evaluate(INFOBOX)
        if d is None:
            continue
        checked += 1
        assert d["width"] <= min(18 * d["rem"], 0.45 * d["column"]) + 1, (rel, d)
        if d["lead"] is not None:  # the lead's first line is beside the infobox, not below it
            assert d["lead"] < d["bottom"] and d["leadRight"] <= d["left"] + 1, (rel, d)
        phone.goto((site / rel).as_uri(), wait_until="load")
        p = phone.evaluate(INFOBOX)
        assert p["width"] >= 0.95 * p["column"] - 40, (rel, p)  # the column's padding aside
        if p["lead"] is not None:
            assert p["lead"] > p["bottom"], (rel, p)  # stacked: the lead follows the infobox
    assert checked > 40


def _names() -> list[tuple[str, str]]:
    """Every entity name and alias of the demo with its page (aliases shared with another entity excluded)."""
    out = []
    import briefgen.load.annotations as ann  # noqa: F401 (the demo is read as YAML: names and ids only)

    briefing = yaml.safe_load((ROOT / "content" / "briefing.yml").read_text(encoding="utf-8"))
    from briefgen.slug import slugify

    folders = {k: slugify(v["plural"]) for k, v in briefing["kinds"].items()}
    for f in sorted((ROOT / "content" / "entities").glob("*.yml")):
        for e in yaml.safe_load(f.read_text(encoding="utf-8")):
            names = [e["name"]] + [a if isinstance(a, str) else a["text"] for a in e.get("aliases", ())
                                   if isinstance(a, str) or not a.get("ambiguous")]
            out.extend((n, f"{folders[e['kind']]}/{e['id']}.html") for n in dict.fromkeys(names))
    return out


def _ranked(page, url: str, query: str) -> list[str]:
    """The pages Material's search lists for ``query`` (typed once into a freshly opened page), best first."""
    for _ in range(3):
        page.goto(url, wait_until="load")
        page.locator("input[data-md-component=search-query]").fill(query)
        meta = page.locator(".md-search-result__meta")
        for _ in range(150):
            page.wait_for_timeout(100)
            if "matching" in (meta.text_content() or ""):
                # the list is complete when it reads the same twice in a row (results render as they come)
                hrefs, before = None, []
                while hrefs != before:
                    before = hrefs
                    page.wait_for_timeout(150)
                    hrefs = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link",
                                                      "els => els.map(e => e.getAttribute('href'))")
                out = []
                for h in hrefs:
                    rel = h.split("#")[0].split("?")[0].split("/site/")[-1]
                    if rel not in out:
                        out.append(rel)
                return out
    raise AssertionError(f"no answer from the search for {query!r}")


def test_search_ranks_an_entity_page_first_for_its_names(site: Path, browser) -> None:
    names = _names()
    assert len(names) > 80
    page = browser.new_context(viewport=DESK).new_page()
    url = (site / "index.html").as_uri()
    wrong = []
    for query, want in names:
        ranked = _ranked(page, url, query)
        if ranked[:1] != [want]:
            wrong.append((query, want, ranked[:3]))
    assert not wrong, f"{len(wrong)} of {len(names)} names do not find their page first: {wrong}"


INFOBOX_LABELS = """() => { const t = document.querySelector('table.bg-infobox'); if (!t) return null;
  const own = e => [...e.childNodes].filter(n => !(n.classList && n.classList.contains('bg-sep')))
    .map(n => n.textContent).join('').trim();
  return {kind: t.querySelector('caption').textContent.trim(), labels: [...t.querySelectorAll('th')].map(own),
          first: t.querySelector('td').textContent}; }"""

FIRST_RESULT_TEXT = """() => { const a = document.querySelector('.md-search-result__item .md-search-result__article');
  if (!a) return null; const c = a.cloneNode(true); c.querySelectorAll('h1, h2, nav').forEach(e => e.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim(); }"""


def test_search_results_keep_an_infobox_rows_and_cells_apart(site: Path, browser) -> None:
    """A result for an entity page reads "Island · Names: Russia: Shikotan …", not "IslandNamesRussia: …"."""
    page = browser.new_context(viewport=DESK).new_page()
    names = dict((want, query) for query, want in reversed(_names()))  # each page's own name
    checked = 0
    for rel in _entity_pages(site)[::4]:
        page.goto((site / rel).as_uri(), wait_until="load")
        box = page.evaluate(INFOBOX_LABELS)
        if not box or not box["labels"] or rel not in names:
            continue
        # the page's name ranks it first; a word of its first row puts the infobox in the result's snippet
        word = max(re.findall(r"[^\W\d_]{3,}", box["first"]), key=len, default="")
        assert _ranked(page, (site / rel).as_uri(), f"{names[rel]} {word}")[:1] == [rel]
        text = page.evaluate(FIRST_RESULT_TEXT)
        assert text and text.startswith(f"{box['kind']} · {box['labels'][0]}: "), (rel, text)
        for label in box["labels"][1:]:
            if label in text:
                assert f"· {label}: " in text, (rel, label, text)
        checked += 1
    assert checked >= 8
