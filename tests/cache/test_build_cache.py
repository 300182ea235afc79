"""The build cache: a cached ``briefgen build`` writes exactly what ``briefgen build --no-cache`` writes.

A copy of the demo briefing follows the edits of ``edits.yml``; after each one it is built with the cache (in
process, as the command line does) and compared, file by file, with a build of the same content with
``--no-cache`` in another folder. A cache that is corrupt, of another format or written by other code is
ignored (the build is then complete and still the same)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_briefing

from briefgen import cache
from briefgen.cli import main as briefgen_main

pytestmark = pytest.mark.slow
EDITS = yaml.safe_load((Path(__file__).parent / "edits.yml").read_text(encoding="utf-8"))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and cache.CACHE_DIR not in p.relative_to(folder).parts}


def apply(root: Path, step: dict) -> None:
    if "copy" in step:
        target = root / step["copy"]["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / step["copy"]["from"], target)
    for key in ("write", "append"):
        if key in step:
            target = root / step[key]["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            before = target.read_text(encoding="utf-8") if key == "append" else ""
            target.write_text(before + step[key]["text"], encoding="utf-8")
    if "edit" in step:
        target = root / step["edit"]["file"]
        text = target.read_text(encoding="utf-8")
        assert step["edit"]["old"] in text, step["edit"]["old"]
        target.write_text(text.replace(step["edit"]["old"], step["edit"]["new"], 1), encoding="utf-8")
    for name in step.get("delete", ()):
        (root / name).unlink()


def fresh_build(root: Path, tmp: Path) -> Path:
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    for sub in ("content", "templates"):
        if (root / sub).is_dir():
            shutil.copytree(root / sub, fresh / sub)
    assert briefgen_main(["-C", str(fresh), "build", "-q", "--no-cache"]) == 0
    assert not (fresh / "build" / cache.CACHE_DIR).exists(), "--no-cache wrote a cache"
    return fresh


def assert_same(root: Path, fresh: Path, step: str = "") -> None:
    for sub in ("site", "build"):
        mine, theirs = tree(root / sub), tree(fresh / sub)
        assert sorted(mine) == sorted(theirs), f"{step}: {sub}"
        differ = [k for k in theirs if mine[k] != theirs[k]]
        assert not differ, f"{step}: {sub}/ differs from a --no-cache build in {differ[:10]}"


def built_pages(monkeypatch) -> list[int]:
    """Records, for each build in this process, how many pages MkDocs built (the rest were restored)."""
    from briefgen.emit import mkdocs

    counts: list[int] = []
    real = mkdocs.build_site

    def counting(*args, **kwargs):
        result = real(*args, **kwargs)
        counts.append(result.built)
        return result

    monkeypatch.setattr("briefgen.build.build_site", counting)
    return counts


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cached_build_equals_a_clean_build_after_every_edit(tmp_path: Path, monkeypatch, jobs: str) -> None:
    """With one process, and with MkDocs' page loop shared by two (restored pages among the built ones)."""
    root = copy_briefing(tmp_path / "demo")
    assert briefgen_main(["-C", str(root), "build", "-q", "-j", jobs]) == 0
    counts = built_pages(monkeypatch)
    for step in EDITS:
        apply(root, step)
        before = len(counts)
        assert briefgen_main(["-C", str(root), "build", "-q", "-j", jobs]) == 0, step["name"]
        built = counts[-1] if len(counts) > before else 0  # nothing changed: MkDocs does not even start
        assert_same(root, fresh_build(root, tmp_path), step["name"])
        if "pages" in step:
            assert built <= step["pages"], (step["name"], built)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other code", "other format"])
def test_a_damaged_or_foreign_cache_is_ignored(tmp_path: Path, monkeypatch, damage: str) -> None:
    root = copy_briefing(tmp_path / "demo")
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    stores = sorted((root / "build" / cache.CACHE_DIR).rglob("*.pickle"))
    assert stores
    for store in stores:
        data = store.read_bytes()
        if damage == "garbage":
            store.write_bytes(b"\x00not a cache\xff" * 10)
        elif damage == "truncated":
            store.write_bytes(data[: len(data) // 2])
        elif damage == "other code":
            monkeypatch.setattr(cache, "_STAMP", "0" * 40)
        else:
            monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    counts = built_pages(monkeypatch)
    (root / "site" / "actors" / "lavrov.html").write_bytes(b"a stale page")  # must not survive
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    assert counts == [len(list((root / "build" / "docs").rglob("*.md")))]  # every page built
    assert_same(root, fresh_build(root, tmp_path), damage)


def test_a_changed_page_in_site_is_built_again(tmp_path: Path, monkeypatch) -> None:
    """A page of site/ that is not what the cache recorded (edited by hand) is built again, not reused."""
    root = copy_briefing(tmp_path / "demo")
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    (root / "site" / "actors" / "lavrov.html").write_bytes(b"edited by hand")
    counts = built_pages(monkeypatch)
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    assert counts == [1]
    assert_same(root, fresh_build(root, tmp_path))


def test_temporary_files_of_killed_runs_are_removed(tmp_path: Path) -> None:
    """A run killed between writing a cache file's temporary copy and renaming it leaves ``*.tmp-<pid>``; the next
    run that opens the store removes it, and leaves those of a process still running alone."""
    import subprocess
    import sys

    root = copy_briefing(tmp_path / "demo")
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that no longer runs
    caches = root / "build" / cache.CACHE_DIR
    parted = sorted(p for p in caches.iterdir() if p.is_dir() and (p / "manifest.pickle").is_file())
    single = sorted(caches.glob("*.pickle"))
    assert parted and single
    dead = [p.with_name(f"{p.name}.tmp-{gone.pid}") for p in (parted[0] / "00.pickle", single[0])]
    alive = parted[0] / f"01.pickle.tmp-{os.getppid()}"  # pytest's parent: running
    for p in [*dead, alive]:
        p.write_bytes(b"half written")
    text = root / "content" / "articles"
    first = sorted(text.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    assert briefgen_main(["-C", str(root), "build", "-q"]) == 0
    assert [p for p in dead if p.exists()] == []
    assert alive.exists()
