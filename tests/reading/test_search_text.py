"""What the demo's search index holds: words of neighbouring table cells and of lines split by ``<br>`` stay
apart (Material's index keeps a page's text without the tags between, so "<td>Island</td><td>Names" read
"IslandNames" in results); figures' drawings and data tables are left out (they repeat the page's own text);
an entity page's names weigh once, on its first entry, not on each of its sections."""

from __future__ import annotations

import json
import re
from pathlib import Path

# a cell's end against the next cell's start, or a line break, with no space between: the words would run together
RUN_TOGETHER = re.compile(r"</t[dh]><t[dh]\b|<br\s*/?>(?=[^\s<])|<br\s*/?><(?!/t[dh]|br)")
# the parts of a page the search index leaves out (written with data-search-exclude, which MkDocs then strips)
FIGURE_PARTS = re.compile(r'<div class="bg-figure-svg">.*?</svg>\s*</div>|<details class="bg-figure-data">.*?</details>',
                          re.S)


def test_table_cells_and_lines_are_apart_in_the_indexed_text(built_demo: Path) -> None:
    site = built_demo / "site"
    bad = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        start, end = html.find('<article class="md-content__inner'), html.rfind("</article>")
        if start < 0:
            continue
        body = FIGURE_PARTS.sub("", html[start:end])
        bad += [f"{page.relative_to(site)}: …{body[max(0, m.start() - 40):m.end() + 40]}…"
                for m in RUN_TOGETHER.finditer(body)]
    assert not bad, "\n".join(bad[:10])


def test_the_index_leaves_figures_out_and_names_weigh_on_the_first_entry(built_demo: Path) -> None:
    docs = json.loads((built_demo / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    text = " ".join(d["text"] for d in docs)
    assert "the data as a table" not in text and "Natural Earth" not in text
    assert "Map: where Shikotan is" in text  # a figure's caption stays: it says what the page shows
    tagged = [d["location"] for d in docs if d.get("tags")]
    assert tagged and not [loc for loc in tagged if "#" in loc]
    assert len({loc.split("/")[0] for loc in tagged}) >= 6  # every kind's entity pages
