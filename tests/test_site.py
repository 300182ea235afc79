"""Real MkDocs builds of the demo briefing: pages, search, no external requests, determinism."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, copy_briefing, run_cli


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def demo_ids() -> dict[str, str]:
    """Entity id → kind, read straight from the demo's YAML (independently of briefgen's loader)."""
    out = {}
    for f in sorted((ROOT / "content" / "entities").rglob("*.yml")):
        data = yaml.safe_load(f.read_text())
        for e in data if isinstance(data, list) else [data]:
            out[e["id"]] = e["kind"]
    return out


def test_demo_passes_strict_check() -> None:
    proc = run_cli("-C", str(ROOT), "check", "--strict")
    assert proc.returncode == 0, proc.stderr


def test_every_entity_and_article_has_a_page(built_demo: Path) -> None:
    site = built_demo / "site"
    cfg = yaml.safe_load((ROOT / "content" / "briefing.yml").read_text())
    for eid, kind in demo_ids().items():
        folder = re.sub(r"[^a-z0-9]+", "-", cfg["kinds"][kind]["plural"].lower()).strip("-")
        page = site / folder / f"{eid}.html"
        assert page.is_file(), f"no page for {kind} {eid}"
    for capture in (ROOT / "content" / "articles").glob("*.txt"):
        assert (site / "articles" / f"{capture.stem}.html").is_file()
    for name in ("index.html", "timeline.html", "sources.html", "articles/index.html", "search/search_index.json"):
        assert (site / name).is_file(), name


def test_generated_project_builds_by_hand_with_strict_mkdocs(built_demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "by-hand"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f",
                           str(built_demo / "build" / "mkdocs.yml"), "-d", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file()


def test_nav_does_not_list_every_page(built_demo: Path) -> None:
    cfg = yaml.safe_load((built_demo / "build" / "mkdocs.yml").read_text())
    flat = json.dumps(cfg["nav"])
    assert "articles/index.md" in flat
    assert not any(f"articles/{p.stem}.md" in flat for p in (ROOT / "content" / "articles").glob("*.txt"))
    assert "navigation.prune" in cfg["theme"]["features"]


def test_search_index_covers_entities_and_articles(built_demo: Path) -> None:
    index = json.loads((built_demo / "site" / "search" / "search_index.json").read_text())
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert "articles/index.html" in locations
    assert sum(1 for loc in locations if loc.startswith("actors/")) >= 5


EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.I)


def test_no_external_requests_in_theme_output(built_demo: Path) -> None:
    """Nothing in the site loads from the network: no fonts, CDN scripts or styles (links authored in content are fine)."""
    site = built_demo / "site"
    offenders = []
    for p in site.rglob("*"):
        if p.suffix not in (".html", ".css", ".js"):
            continue
        text = p.read_text(errors="replace")
        for m in re.finditer(r"<(?:script|link|img|iframe|source)\b[^>]*>", text, re.I):
            if EXTERNAL.search(m.group(0)):
                offenders.append(f"{p.relative_to(site)}: {m.group(0)[:120]}")
        if p.suffix == ".css":
            for m in re.finditer(r"@import[^;]*|url\([^)]*\)", text):
                if "//" in m.group(0) and "data:" not in m.group(0):
                    offenders.append(f"{p.relative_to(site)}: {m.group(0)[:120]}")
    assert not offenders, "\n".join(offenders[:20])
    assert "fonts.googleapis" not in (site / "index.html").read_text()


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    a = copy_briefing(tmp_path / "a")
    b = copy_briefing(tmp_path / "b")
    assert run_cli("-C", str(a), "build").returncode == 0
    assert run_cli("-C", str(b), "build").returncode == 0
    ta, tb = tree(a / "site"), tree(b / "site")
    assert ta.keys() == tb.keys()
    differing = [k for k in ta if ta[k] != tb[k]]
    assert not differing, differing[:10]
    # the generated project is the same; its build cache (build/.cache: stamps and absolute paths) is not output
    project = lambda t: {k: v for k, v in t.items() if not k.startswith(".cache/")}  # noqa: E731
    assert project(tree(a / "build")) == project(tree(b / "build"))


def test_rebuild_after_edit_replaces_site(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "d")
    assert run_cli("-C", str(root), "build").returncode == 0
    overview = root / "content" / "overview.md"
    overview.write_text(overview.read_text() + "\n\nA sentence added for the rebuild test.\n")
    assert run_cli("-C", str(root), "build").returncode == 0
    assert "A sentence added for the rebuild test." in (root / "site" / "index.html").read_text()
    shutil.rmtree(root)
