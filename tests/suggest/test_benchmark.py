"""benchmarks/suggest.py keeps working, and the figures in docs/content-format.md stay true on the labelled set
(the demo with its annotations removed, and a small synthetic briefing). No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_labelled_set_figures(tmp_path: Path) -> None:
    out = tmp_path / "suggest.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "suggest.py"), "--synth", "30", "--entities", "20",
                    "--json", str(out)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    got = json.loads(out.read_text())
    demo = got["demo"]
    assert demo["names"]["annotated"] == 35 and demo["names"]["recall"] >= 0.9
    assert demo["names"]["precision@30"] >= 0.8
    assert demo["quotes"]["annotated"] == 16 and demo["quotes"]["recall"] >= 0.8
    synthetic = got["synthetic"]
    assert synthetic["names"]["recall"] >= 0.9 and synthetic["quotes"]["recall"] >= 0.8
    assert synthetic["names"]["suggestions"] > 0
