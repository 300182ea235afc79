"""The layer rule (load → clean → link → model → render → emit → build → serve → cli; no private names across
modules; no import cycles) holds for briefgen/, and the checker finds each kind of violation planted in a copy."""

from __future__ import annotations

import fnmatch
import shutil
from pathlib import Path

import pytest
import yaml
from layercheck import check

ROOT = Path(__file__).resolve().parents[2]
PLANTED = yaml.safe_load((Path(__file__).parent / "planted.yml").read_text(encoding="utf-8"))


def test_briefgen_keeps_its_layers() -> None:
    found = check(ROOT)
    assert found == [], "layer rule broken:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize("case", PLANTED, ids=[c["name"] for c in PLANTED])
def test_a_planted_violation_is_found(tmp_path: Path, case: dict) -> None:
    shutil.copytree(ROOT / "briefgen", tmp_path / "briefgen", ignore=shutil.ignore_patterns("__pycache__"))
    assert check(tmp_path) == []
    target = tmp_path / case["file"]
    before = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(before + "\n\n" + case["code"], encoding="utf-8")
    found = [str(v) for v in check(tmp_path)]
    assert any(fnmatch.fnmatchcase(f, case["expect"] + "*") for f in found), found
