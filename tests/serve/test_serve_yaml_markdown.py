"""``briefgen serve`` places a broken construct of Markdown written in a YAML value at its own line and column, in the
terminal and in the banner's list (the page script shows ``text``; ``where`` is the place)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from servehelp import ServeProcess, small_briefing

pytestmark = pytest.mark.slow


def test_banner_places_a_citation_inside_a_folded_yaml_summary(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    base = root / "content" / "entities" / "base.yml"
    text = base.read_text()
    old = "  summary: Foreign minister of [Ruritania](entity:ruritania).\n"
    assert old in text
    base.write_text(text.replace(old, "  summary: >\n    Foreign minister of\n    Ruritania, see [@no-such-article].\n"))
    line = base.read_text().splitlines().index("    Ruritania, see [@no-such-article].") + 1
    where = f"content/entities/base.yml:{line}:20"
    with ServeProcess(root, tmp_path / "tmp") as sp:
        sp.wait_for(r"still serving the last good site")
        assert f"{where}: error[unknown-article]" in sp.output
        errors = sp.state(0)["errors"]
        assert [e["where"] for e in errors] == [where]
        assert errors[0]["text"].startswith(f"{where}: error[unknown-article]: citation of unknown article")
        rc = sp.stop(signal.SIGINT)
    assert rc in (0, 130), sp.output
