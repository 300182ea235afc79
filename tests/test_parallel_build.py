"""MkDocs' page loops shared between processes (briefgen/emit/mkdocs_parallel.py): the site is the same byte for
byte as a one-process build, problems found in a worker are reported, the offline check still sees every page,
and a build killed mid-way leaves no worker behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_briefing, run_cli


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo_serial(tmp_path_factory) -> Path:
    root = copy_briefing(tmp_path_factory.mktemp("serial") / "demo")
    proc = run_cli("-C", str(root), "build", "-j", "1", "--strict")
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_split_build_is_byte_identical_to_one_process(demo_serial: Path, tmp_path: Path, jobs: str) -> None:
    root = copy_briefing(tmp_path / "demo")
    proc = run_cli("-C", str(root), "build", "-j", jobs, "--strict")
    assert proc.returncode == 0, proc.stderr
    one, split = tree(demo_serial / "site"), tree(root / "site")
    assert sorted(one) == sorted(split)
    differ = [k for k in one if one[k] != split[k]]
    assert differ == [], f"pages differ between -j 1 and -j {jobs}: {differ[:5]}"
    # the search index holds every page once, in the one-process order
    assert b'"location":"articles/' in split["search/search_index.json"]


def test_workers_are_really_used(tmp_path: Path, demo_serial: Path) -> None:
    """build_site reports how many processes shared the pages; each wrote some of them, and what ``inspect``
    returned comes back in the order of a one-process build."""
    from briefgen.emit.mkdocs import build_site

    config = demo_serial / "build" / "mkdocs.yml"
    one = build_site(config, tmp_path / "one", 0, inspect=lambda path, html: os.getpid(), workers=1)
    split = build_site(config, tmp_path / "split", 0, inspect=lambda path, html: os.getpid(), workers=2)
    assert one.ok and split.ok, (one.messages, split.messages)
    assert (one.workers, split.workers) == (1, 2)
    assert {pid for _, pid in one.inspected} == {os.getpid()}
    pids = {pid for _, pid in split.inspected}
    assert len(pids) == 2 and os.getpid() in pids, "the parent and one worker each wrote pages"
    assert [p for p, _ in split.inspected] == [p for p, _ in one.inspected]
    assert len(split.inspected) == len(list((tmp_path / "split").rglob("*.html"))) - 1  # all but 404.html


def test_a_failure_in_a_worker_fails_the_build_with_its_message(tmp_path: Path, demo_serial: Path) -> None:
    from briefgen.emit.mkdocs import build_site

    def inspect(path: str, html: str) -> None:
        if os.getpid() != parent:
            raise ValueError(f"inspection broke on {path}")

    parent = os.getpid()
    res = build_site(demo_serial / "build" / "mkdocs.yml", tmp_path / "site", 0, inspect=inspect, workers=2)
    assert not res.ok
    text = "\n".join(res.messages)
    assert "Error building page '" in text and "inspection broke on " in text, text
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the worker was reaped


def test_external_load_is_found_on_pages_written_by_a_worker(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    articles = root / "content" / "articles"
    # An author-written page template override that loads a tracker, on the last page MkDocs writes (a worker's).
    overrides = root / "templates" / "overrides"
    overrides.mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "overrides" / "main.html", overrides / "main.html")
    with (overrides / "main.html").open("a") as f:
        f.write('{% block extrahead %}{% if page and page.file.src_uri == "places/vladivostok.md" %}'
                '<script src="https://cdn.example/t.js"></script>{% endif %}{% endblock %}\n')
    assert articles.is_dir()
    proc = run_cli("-C", str(root), "build", "-j", "2")
    assert proc.returncode == 1
    assert "site/places/vladivostok.html:" in proc.stderr
    assert "error[external-resource]: <script src> loads 'https://cdn.example/t.js'" in proc.stderr
    assert not (root / "site").exists()


def _workers_of(root: Path) -> list[int]:
    """Live processes running a build of ``root`` (a forked worker has its parent's command line)."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
            state = (d / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(root).encode() in cmd and b"build" in cmd and state != "Z":
            found.append(int(d.name))
    return found


@pytest.mark.slow
def test_killing_the_build_stops_its_workers(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "hardening"))
    from test_atomic import larger_briefing

    root = larger_briefing(tmp_path / "big")
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "-C", str(root), "build", "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = root / f".briefgen-staging-site-{proc.pid}"
    deadline = time.monotonic() + 120
    while not (staging.is_dir() and any(staging.rglob("*.html"))):  # MkDocs' page loops are running
        assert proc.poll() is None, "the build finished before it could be killed"
        assert time.monotonic() < deadline, "no page was ever written"
        time.sleep(0.01)
    workers = [p for p in _workers_of(root) if p != proc.pid]
    assert workers, "a worker process is building pages"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while [p for p in _workers_of(root) if p in workers]:
        assert time.monotonic() < deadline, "the worker outlived its killed parent"
        time.sleep(0.05)


@pytest.mark.slow
def test_larger_briefing_split_three_ways_is_identical(tmp_path: Path) -> None:
    """160 pages in three shares (each share's first and last pages, search index joins, anchors across shares)."""
    sys.path.insert(0, str(ROOT / "tests" / "hardening"))
    from test_atomic import larger_briefing

    root = larger_briefing(tmp_path / "big")
    one = run_cli("-C", str(root), "build", "-j", "1")
    assert one.returncode == 0, one.stderr
    first = tree(root / "site")
    three = run_cli("-C", str(root), "build", "-j", "3")
    assert three.returncode == 0, three.stderr
    again = tree(root / "site")
    assert sorted(first) == sorted(again)
    assert [k for k in first if first[k] != again[k]] == []


def test_mkdocs_warning_in_a_worker_page_is_located_at_the_generated_page(tmp_path: Path) -> None:
    root = copy_briefing(tmp_path / "demo")
    (root / "templates").mkdir()
    template = (ROOT / "templates" / "entity.md.j2").read_text()
    (root / "templates" / "entity.md.j2").write_text(
        template + '{% if entity.spec.id == "vladivostok" %}[missing](../nowhere.md){% endif %}\n')
    for jobs in ("1", "2"):
        proc = run_cli("-C", str(root), "build", "-j", jobs)
        assert proc.returncode == 1
        assert ("build/docs/places/vladivostok.md:1:1: error[mkdocs]: MkDocs: Doc file 'places/vladivostok.md' "
                "contains a link '../nowhere.md'") in proc.stderr, proc.stderr
        assert "hint: the generated page comes from your templates/ overrides" in proc.stderr
        assert not (root / "site").exists()


def test_unknown_search_index_layout_builds_in_one_process(tmp_path: Path, demo_serial: Path, monkeypatch) -> None:
    """If the search plugin's entry list cannot be found (a future Material), the pages are not shared: a split
    build would publish an index of only the parent's pages."""
    from briefgen.emit import mkdocs_steps
    from briefgen.emit.mkdocs import build_site

    monkeypatch.setattr(mkdocs_steps, "find_search", lambda config: None)
    res = build_site(demo_serial / "build" / "mkdocs.yml", tmp_path / "site", 0, workers=2)
    assert res.ok and res.workers == 1
    one = (demo_serial / "site" / "search" / "search_index.json").read_bytes()
    assert (tmp_path / "site" / "search" / "search_index.json").read_bytes().count(b'"location"') == one.count(b'"location"')


def test_other_mkdocs_series_uses_mkdocs_own_build(tmp_path: Path, demo_serial: Path, monkeypatch) -> None:
    """MkDocs' private page steps are used only with the MkDocs series they were written for: under any other
    version the build is MkDocs' own ``build()`` in one process, and the site is the same byte for byte."""
    from briefgen.emit import mkdocs_steps
    from briefgen.emit.mkdocs import build_site

    config = demo_serial / "build" / "mkdocs.yml"
    split = build_site(config, tmp_path / "split", 0, workers=2)
    monkeypatch.setattr(mkdocs_steps, "WRITTEN_FOR", "9.9.")
    assert not mkdocs_steps.steps_available()
    res = build_site(config, tmp_path / "site", 0, workers=2)
    assert split.ok and split.workers == 2
    assert res.ok and res.workers == 1
    theirs, ours = tree(tmp_path / "split"), tree(tmp_path / "site")
    assert sorted(ours) == sorted(theirs)
    assert [k for k in ours if ours[k] != theirs[k]] == []


def test_pages_built_one_at_a_time_match_mkdocs_own_build(tmp_path: Path) -> None:
    """``-j 1 --no-cache`` runs MkDocs' own ``build()`` (every page read, then every page written, all kept);
    ``-j 2`` reads, writes and drops one page at a time in each process: the same bytes."""
    own = copy_briefing(tmp_path / "own")
    split = copy_briefing(tmp_path / "split")
    for root, jobs in ((own, "1"), (split, "2")):
        proc = run_cli("-C", str(root), "build", "-j", jobs, "--no-cache", "--strict")
        assert proc.returncode == 0, proc.stderr
    one, two = tree(own / "site"), tree(split / "site")
    assert sorted(one) == sorted(two)
    assert [k for k in one if one[k] != two[k]] == []
