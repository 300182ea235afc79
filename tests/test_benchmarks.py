"""The build benchmark keeps working: synthetic briefings (benchmarks/synth.py) and a small benchmark run
(benchmarks/run.py), and the PDF benchmark's bounds (benchmarks/pdf.py --bounds). Timing targets are not asserted here (see docs/performance.md); only that every figure
is there and sane, that the synthetic content is valid and deterministic, and that progress is reported
through MkDocs' page loop on a terminal and nothing extra is printed when the output is piped."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

BENCH = ROOT / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"briefgen_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


synth = _load("synth")


def test_synth_is_deterministic() -> None:
    a = synth.generate(40, 30, 7)
    assert a == synth.generate(40, 30, 7)
    assert a != synth.generate(40, 30, 8)


def test_synth_writes_identical_folders(tmp_path: Path) -> None:
    for name in ("a", "b"):
        synth.write(tmp_path / name, 30, 24, 3)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_synth_content_has_what_a_real_briefing_has() -> None:
    files = {k: v.decode() for k, v in synth.generate(60, 40, 1).items()}
    briefing = files["content/briefing.yml"]
    assert "timeline: date" in briefing and len(re.findall(r"^  [a-z]+:\n    label:", briefing, re.M)) >= 5
    entities = "".join(v for k, v in files.items() if k.startswith("content/entities/"))
    assert 'case: "ignore"' in entities and re.search(r'aliases: \["Republic of \w+"\]', entities)
    assert "participants:" in entities and "reference:" in entities and "[@" in entities
    captures = [v for k, v in files.items() if k.endswith(".txt")]
    assert len(captures) == 60
    for text in captures:
        assert 400 <= len(text.split()) <= 800
        assert "Advertisement" in text or "ADVERTISEMENT" in text
        assert "All rights reserved." in text
    def repeats_a_paragraph(text: str) -> bool:
        story = [p for p in text.split("\n\n") if len(p) > 100]
        return len(story) != len(set(story))

    assert any(repeats_a_paragraph(text) for text in captures), "no capture prints a paragraph twice"
    annotations = [v for k, v in files.items() if k.startswith("content/articles/") and k.endswith(".yml")]
    assert sum("quotes:" in v for v in annotations) > 30 and sum("facts:" in v for v in annotations) > 20
    assert "[@" in files["content/overview.md"] and "](entity:" in files["content/overview.md"]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> tuple[Path, dict]:
    """One small benchmark run (50 articles, 30 entities): the briefing folder and the JSON report."""
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "briefing"
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--articles", "50", "--entities", "30",
                           "--seed", "2", "--out", str(out), "--json", str(tmp / "report.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "overhead_ratio" in proc.stdout  # the table
    return out, json.loads((tmp / "report.json").read_text())


@pytest.mark.slow
def test_small_benchmark_reports_every_figure(small_run: tuple[Path, dict]) -> None:
    out, report = small_run
    r = report["result"]
    assert set(r["stages_s"]) == {"load", "clean", "link", "model", "render", "figures", "write", "mkdocs"}
    for stage, seconds in r["stages_s"].items():
        assert 0 < seconds < 120, stage
    # articles, entities, one index per kind, home/timeline/sources/articles, map/connections, and "Where sources
    # differ" when the synthetic facts disagree
    differ = (out / "site" / "differences.html").is_file()
    assert r["pages"] == 50 + 30 + 6 + 4 + 2 + differ
    assert 0 < r["bare_mkdocs_s"] < r["briefgen_build_s"] + 60
    assert 0.5 < r["overhead_ratio"] < 20
    assert r["ms_per_page"] == pytest.approx(1000 * r["briefgen_build_s"] / r["pages"])
    assert 20 < r["peak_rss_mib"] < 2000 and 20 < r["bare_peak_rss_mib"] < 2000
    assert 20 < r["peak_memory_mib"] <= r["peak_rss_sum_mib"] < 4000 and r["processes"] >= 1
    link = r["linking"]
    assert link["aliases"] == 1000 and link["mentions"] > 100 and link["mb"] > 0.1 and link["mb_per_s"] > 0
    assert link["match_mb_per_s"] > link["mb_per_s"] and link["find_mb_per_s"] > 0
    assert set(report["checks"]) == {"overhead_ratio", "ms_per_page", "peak_memory_mib", "link_mb_per_s", "link_stage_mb_per_s",
                                     "figures_share"}
    assert report["machine"]["nproc"] >= 1 and report["machine"]["python"]


@pytest.mark.slow
def test_benchmark_briefing_passes_strict_check(small_run: tuple[Path, dict]) -> None:
    folder, _ = small_run
    proc = run_cli("-C", str(folder), "check", "--strict")
    assert proc.returncode == 0, proc.stderr
    assert "0 errors, 0 warnings" in proc.stderr


@pytest.mark.slow
def test_progress_goes_through_mkdocs_page_loop(small_run: tuple[Path, dict], tmp_path: Path) -> None:
    from briefgen.emit.mkdocs import build_site

    folder, report = small_run
    calls: list[tuple[str, int, int]] = []
    result = build_site(folder / "build" / "mkdocs.yml", tmp_path / "site", 0, lambda *a: calls.append(a))
    assert result.ok, result.messages
    n = report["result"]["pages"]
    for stage in ("mkdocs", "theme"):
        done = [d for s, d, t in calls if s == stage]
        assert done == sorted(done) and done[-1] == n, stage
        assert all(t == n for s, d, t in calls if s == stage)


@pytest.fixture(scope="module")
def mid_briefing(tmp_path_factory) -> Path:
    """180 articles, 30 entities: more than 200 pages, popular entities mentioned in hundreds of sentences."""
    folder = tmp_path_factory.mktemp("mid")
    synth.write(folder, 180, 30, 4)
    return folder


def test_long_mention_lists_still_reach_every_article(mid_briefing: Path) -> None:
    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.render.pages import MENTION_ROWS

    compiled = compile_briefing(mid_briefing, Diagnostics())
    model, pages = compiled.model, {p.path: p.markdown for p in compiled.pages}
    eid, mentions = max(model.mentions.items(), key=lambda kv: len(kv[1]))
    assert len({(m.article, m.paragraph, m.sentence) for m in mentions}) > MENTION_ROWS
    page = pages[model.entities[eid].page]
    assert page.count("<mark>") <= 2 * MENTION_ROWS and "Earlier articles" in page
    for m in mentions:  # every mention's paragraph is linked, with its sentence or from the list of earlier ones
        assert f'../articles/{m.article}.html#p{m.paragraph}"' in page
    newest = max(model.articles[m.article].date for m in mentions)
    first_group = re.search(r'<h3 class="bg-mentions-title"><a href="\.\./articles/([^"]+)\.html"', page).group(1)
    assert model.articles[first_group].date == newest


@pytest.mark.slow
def test_piped_build_prints_nothing_extra(mid_briefing: Path) -> None:
    proc = run_cli("-C", str(mid_briefing), "build")  # more than 200 pages: a terminal would show progress
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and re.fullmatch(r"briefgen: built site/ in [\d.]+ s: 2\d\d pages, .*", lines[0]), proc.stderr
    assert "\r" not in proc.stderr and "\x1b" not in proc.stderr


def test_pdf_benchmark_reports_time_and_memory_of_both_processes(tmp_path: Path) -> None:
    """``benchmarks/pdf.py`` on a small briefing: end to end, the stages, and the peak memory of briefgen and of
    its Typst child apart, with the targets."""
    shutil.copytree(ROOT / "tests" / "golden" / "build" / "_base" / "content", tmp_path / "b" / "content")
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(BENCH / "pdf.py"), "--root", str(tmp_path / "b"), "--repeat", "1",
                           "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    st = report["stages"]
    assert st["pages"] > 2 and st["typst_s"] > 0 and st["typst_child_cpu_s"] > 0
    assert st["typst_child_peak_rss_mib"] > 0 and st["parent_peak_rss_mib"] > 0
    assert report["end_to_end"]["best"]["peak_rss_mib"] > 0
    assert set(report["targets"]) == {"s_per_page", "peak_rss_mib"}
    assert "the Typst child" in proc.stdout

def test_a_briefing_of_ten_thousand_articles_is_checked_against_the_scale_targets() -> None:
    """Issue 18's scale targets (12 ms per page, 1.5 GiB) replace the 2,000-article ones from 10,000 articles."""
    run = _load("run")
    figures = {"overhead_ratio": 1.0, "overhead_ratio_cpu": 1.0, "ms_per_page": 13.0, "ms_per_page_cpu": 11.0,
               "peak_memory_mib": 1400.0, "stages_s": {}, "stages_cpu_s": {}, "briefgen_build_s": 1.0,
               "briefgen_build_cpu_s": 1.0}
    small = run.check_targets(figures, None, run.targets_for(2000))
    large = run.check_targets(figures, None, run.targets_for(10000))
    assert (small["ms_per_page"]["met"], small["peak_memory_mib"]["met"]) == (True, False)  # <= 15 ms, <= 500 MiB
    assert (large["ms_per_page"]["met"], large["ms_per_page"]["met_cpu"]) == (False, True)  # <= 12 ms
    assert large["peak_memory_mib"]["met"] and large["peak_memory_mib"]["target"] == "<= 1536.0"
