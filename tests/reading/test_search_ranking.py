"""Every name and alias finds its own entity page first in the site's search, beyond the demo: on a case made of
the names that trip Material's scoring (search-names/: several forms of one word on one page, a name held whole
by a longer one, a short name starting a longer one; laid over the golden cases' base briefing) and on a
synthetic briefing (benchmarks/synth.py). The ranking is Material's own: its search worker, taken from the built
site, run in Chromium over the built index (the demo's test, test_reading_browser.py, types into the search box;
asking the worker directly makes a few hundred queries take seconds)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli
from reading_support import chromium

from briefgen.slug import slugify

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HERE = Path(__file__).resolve().parent

ASK = """async ([code, index, queries]) => {
  const worker = new Worker(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})));
  const ask = message => new Promise(done => { worker.onmessage = e => done(e.data); worker.postMessage(message); });
  await ask({type: 0, data: {...index, options: {suggest: false}}});  // setup; then one query at a time
  const out = {};
  for (const q of queries) {
    const answer = await ask({type: 2, data: q});
    out[q] = answer.data.items.map(group => group[0].location.split('#')[0]);
  }
  worker.terminate();
  return out;
}"""


def names_of(content: Path) -> list[tuple[str, str]]:
    """Every entity name and alias of a briefing folder with its page (aliases marked ambiguous left out)."""
    briefing = yaml.safe_load((content / "briefing.yml").read_text(encoding="utf-8"))
    folders = {k: slugify(v["plural"]) for k, v in briefing["kinds"].items()}
    out = []
    for f in sorted((content / "entities").glob("*.yml")):
        for e in yaml.safe_load(f.read_text(encoding="utf-8")) or ():
            names = [e["name"]] + [a if isinstance(a, str) else a["text"] for a in e.get("aliases", ())
                                   if isinstance(a, str) or not a.get("ambiguous")]
            out.extend((n, f"{folders[e['kind']]}/{e['id']}.html") for n in dict.fromkeys(names))
    return out


def ranked(site: Path, queries: list[str]) -> dict[str, list[str]]:
    """The pages Material's search lists for each query, best first (its worker, in Chromium)."""
    (worker,) = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    with chromium() as browser:
        page = browser.new_page()
        page.goto((site / "index.html").as_uri(), wait_until="load")
        return page.evaluate(ASK, [worker.read_text(encoding="utf-8"), index, queries])


def assert_names_rank_first(folder: Path) -> int:
    proc = run_cli("-C", str(folder), "build", "--no-cache")
    assert proc.returncode == 0, proc.stderr
    names = names_of(folder / "content")
    got = ranked(folder / "site", [n for n, _ in names])
    wrong = [(query, want, got[query][:3]) for query, want in names if got[query][:1] != [want]]
    assert not wrong, f"{len(wrong)} of {len(names)} names do not find their page first: {wrong}"
    return len(names)


def test_names_that_trip_the_scoring_find_their_page_first(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "golden" / "build" / "_base" / "content", tmp_path / "content")
    shutil.copytree(HERE / "search-names" / "content", tmp_path / "content", dirs_exist_ok=True)
    assert assert_names_rank_first(tmp_path) >= 20


def test_a_synthetic_briefings_names_find_their_page_first(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("briefgen_bench_synth", ROOT / "benchmarks" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = synth
    spec.loader.exec_module(synth)
    synth.write(tmp_path, 30, 50, 11)
    assert assert_names_rank_first(tmp_path) >= 100
