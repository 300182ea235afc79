"""Which saves trigger a rebuild, and how bursts are coalesced (no browser, no MkDocs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from briefgen.serve.watch import Debouncer, Watcher, is_ignored_name, relevant


@pytest.mark.parametrize("name", [".actors.yml.swp", ".actors.yml.swx", "actors.yml~", "4913", ".#actors.yml",
                                  "#actors.yml#", ".DS_Store", "talks.txt.tmp", ".hidden", "x.crdownload",
                                  "actors.yml___jb_tmp___", "actors.yml___jb_old___"])
def test_editor_droppings_are_ignored(name: str) -> None:
    assert is_ignored_name(name)
    assert relevant("/b", f"/b/content/entities/{name}") is None
    assert relevant("/b", f"/b/templates/{name}") is None


@pytest.mark.parametrize("rel", ["content/sed6tmruZ", "content/articles/sedAb12Z9", "templates/print/sedQQQQQQ",
                                 "content/overview.md.vsctmp", "content/articles/talks.txt.crswap",
                                 "content/articles/photo.jpg", "content/articles/notes"])
def test_files_no_build_reads_are_ignored(rel: str) -> None:
    assert relevant("/b", f"/b/{rel}") is None


@pytest.mark.parametrize("rel", ["content/briefing.yml", "content/entities/actors.yml", "content/articles/a.txt",
                                 "content/articles/b.HTML", "content/overview.md", "templates/entity.md.j2",
                                 "templates/assets/briefgen.css", "templates/sed.css", "content/shapes/area.geojson"])
def test_content_and_templates_count(rel: str) -> None:
    assert relevant("/b", f"/b/{rel}") == rel


@pytest.mark.parametrize("rel", ["content/entities", "content/articles/sedAb12Z9", "content/articles/2019"])
def test_folders_count_whatever_their_name(rel: str) -> None:
    assert relevant("/b", f"/b/{rel}", is_dir=True) == rel


@pytest.mark.parametrize("rel", ["build/docs/index.md", "site/index.html", ".briefgen-staging-site-12/index.html",
                                 ".briefgen-old-site-3/x.html", "content/.git/index", "README.md", "dev.py",
                                 "../elsewhere/content/x.yml"])
def test_generated_and_other_files_never_count(rel: str) -> None:
    assert relevant("/b", f"/b/{rel}") is None


def test_a_burst_is_one_batch() -> None:
    d = Debouncer(quiet=0.08, max_wait=5)
    batches: list[set[str]] = []
    t = threading.Thread(target=lambda: batches.append(d.wait()))
    t.start()
    for i in range(30):  # e.g. `git checkout` touching 30 files over ~0.15 s
        d.add(f"content/articles/a{i}.txt")
        time.sleep(0.005)
    t.join(3)
    assert len(batches) == 1 and len(batches[0]) == 30
    # changes made while the batch is being rebuilt form the next batch
    d.add("content/x.yml")
    d.add("content/x.yml")
    assert d.wait() == {"content/x.yml"}


def test_quiet_period_is_respected_and_trickle_is_capped() -> None:
    d = Debouncer(quiet=0.1, max_wait=0.4)
    t0 = time.monotonic()
    d.add("content/a.yml")
    assert d.wait() == {"content/a.yml"}
    assert 0.09 <= time.monotonic() - t0 < 0.5
    stop = threading.Event()

    def trickle() -> None:
        while not stop.is_set():
            d.add("content/b.yml")
            time.sleep(0.03)

    th = threading.Thread(target=trickle)
    th.start()
    t0 = time.monotonic()
    try:
        assert d.wait() == {"content/b.yml"}
        assert time.monotonic() - t0 < 1.0  # max_wait, not forever
    finally:
        stop.set()
        th.join()


def test_a_completed_write_waits_only_the_settle_period_an_open_one_the_quiet_period() -> None:
    d = Debouncer(quiet=0.4, settle=0.02, max_wait=5)
    t0 = time.monotonic()
    d.add("content/a.yml")  # modified: the editor may still be writing
    d.add("content/a.yml", complete=True)  # closed after writing
    assert d.wait() == {"content/a.yml"}
    assert time.monotonic() - t0 < 0.3
    t0 = time.monotonic()
    d.add("content/a.yml", complete=True)
    d.add("content/b.yml")  # another file of the batch is still open
    assert d.wait() == {"content/a.yml", "content/b.yml"}
    assert time.monotonic() - t0 >= 0.39
    t0 = time.monotonic()
    d.add("content/c.yml")
    assert d.wait() == {"content/c.yml"}  # nothing known about it: the quiet period
    assert time.monotonic() - t0 >= 0.39


def test_close_releases_a_waiter() -> None:
    d = Debouncer()
    out = []
    t = threading.Thread(target=lambda: out.append(d.wait()))
    t.start()
    time.sleep(0.05)
    d.close()
    t.join(2)
    assert out == [None]


def test_watcher_reports_content_saves_but_not_droppings_or_generated_files(tmp_path: Path) -> None:
    root = tmp_path / "b"
    for sub in ("content/entities", "build/docs", "site"):
        (root / sub).mkdir(parents=True)
    seen: list[str] = []
    complete: list[str] = []
    lock = threading.Condition()

    def sink(rel: str, done: bool) -> None:
        with lock:
            seen.append(rel)
            if done:
                complete.append(rel)
            lock.notify_all()

    w = Watcher(root, sink)
    w.start()
    try:
        time.sleep(0.1)
        ent = root / "content" / "entities"
        for name in (".actors.yml.swp", "actors.yml~", "4913", ".#actors.yml"):
            (ent / name).write_text("x")
            (ent / name).unlink()
        (root / "build" / "docs" / "index.md").write_text("x")
        (root / "site" / "index.html").write_text("x")
        (root / "README.md").write_text("x")
        (ent / "actors.yml").write_text("- id: a\n")
        (root / "templates").mkdir()  # appears after the start: watched from then on
        time.sleep(0.3)
        (root / "templates" / "entity.md.j2").write_text("x")
        deadline = time.monotonic() + 5
        with lock:
            while "templates/entity.md.j2" not in seen and time.monotonic() < deadline:
                lock.wait(0.1)
        assert "content/entities/actors.yml" in seen
        assert "templates/entity.md.j2" in seen
        assert set(seen) <= {"content/entities/actors.yml", "templates", "templates/entity.md.j2"}, seen
        assert "content/entities/actors.yml" in complete  # its close after writing was seen
        seen.clear()
        complete.clear()
        (ent / "places.yml").write_text("- id: p\n")
        os.replace(ent / "places.yml", ent / "moved.yml")  # moved away: not complete; moved onto: complete
        deadline = time.monotonic() + 5
        with lock:
            while "content/entities/moved.yml" not in seen and time.monotonic() < deadline:
                lock.wait(0.1)
        assert "content/entities/moved.yml" in complete
        # (a late event of the template written before may arrive in between: only these files' order counts)
        moves = [p for p in seen if p.startswith("content/entities/")]
        assert moves[-2:] == ["content/entities/places.yml", "content/entities/moved.yml"], seen
    finally:
        w.stop()


def test_sed_i_and_safe_writes_report_only_the_file_saved(tmp_path: Path) -> None:
    """Real tools: ``sed -i`` (temporary ``sedXXXXXX`` renamed over the file) and a JetBrains-style safe write
    (``x___jb_tmp___`` written, the old file renamed to ``x___jb_old___``, the new one into place)."""
    sed = shutil.which("sed")
    if sed is None:
        pytest.skip("no sed")
    root = tmp_path / "b"
    (root / "content" / "entities").mkdir(parents=True)
    overview = root / "content" / "overview.md"
    overview.write_text("# Overview\n\nOld words.\n")
    actors = root / "content" / "entities" / "actors.yml"
    actors.write_text("- id: a\n")
    seen: list[str] = []
    lock = threading.Condition()

    def sink(rel: str, done: bool) -> None:
        with lock:
            seen.append(rel)
            lock.notify_all()

    w = Watcher(root, sink)
    w.start()
    try:
        time.sleep(0.1)
        subprocess.run([sed, "-i", "s/Old/New/", str(overview)], check=True)
        (actors.parent / "actors.yml___jb_tmp___").write_text("- id: b\n")
        os.replace(actors, actors.parent / "actors.yml___jb_old___")
        os.replace(actors.parent / "actors.yml___jb_tmp___", actors)
        (actors.parent / "actors.yml___jb_old___").unlink()
        deadline = time.monotonic() + 5
        with lock:
            while not {"content/overview.md", "content/entities/actors.yml"} <= set(seen) \
                    and time.monotonic() < deadline:
                lock.wait(0.1)
        time.sleep(0.2)  # any late event of a temporary would arrive by now
        assert "New words" in overview.read_text()
        assert set(seen) == {"content/overview.md", "content/entities/actors.yml"}, seen
    finally:
        w.stop()
