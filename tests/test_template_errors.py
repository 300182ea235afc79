"""A broken template override is the author's input: the build stops with the template's file and line, what is
wrong and how to fix it — exit 1, no traceback, the previous site kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_briefing, run_cli

THEME_CASES = [
    ("undefined", '{% extends "base.html" %}\n{% block content %}{{ page.nonexistent.x }}{% endblock %}\n',
     "templates/overrides/main.html:2:1: error[template]: theme template failed: "
     "'mkdocs.structure.pages.Page object' has no attribute 'nonexistent'"),
    ("syntax", '{% extends "base.html" %}\n\n{% block content %}{% if %}{% endblock %}\n',
     "templates/overrides/main.html:3:1: error[template]: theme template failed: Expected an expression"),
    ("missing-include", '{% extends "base.html" %}\n{% block content %}\n{% include "partials/nope.html" %}{% endblock %}\n',
     "templates/overrides/main.html:3:1: error[template]: theme template failed: 'partials/nope.html' is neither in "
     "templates/overrides/ nor a template of the theme"),
    ("last-page-only",  # fails only on the last page MkDocs writes: in a page worker when the pages are shared
     '{% extends "base.html" %}\n{% block content %}\n\n{% if page.file.src_uri == "places/vladivostok.md" %}'
     '{{ page.nonexistent.x }}{% endif %}{{ super() }}{% endblock %}\n',
     "templates/overrides/main.html:4:1: error[template]: theme template failed: "
     "'mkdocs.structure.pages.Page object' has no attribute 'nonexistent'"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_briefing(tmp_path_factory.mktemp("tpl") / "demo")
    assert run_cli("-C", str(root), "build").returncode == 0
    return root


def _site(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "site").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("name,override,expected", THEME_CASES, ids=[c[0] for c in THEME_CASES])
def test_broken_theme_override_is_located(built: Path, jobs: str, name: str, override: str, expected: str) -> None:
    before = _site(built)
    overrides = built / "templates" / "overrides"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / "main.html").write_text(override)
    try:
        proc = run_cli("-C", str(built), "build", "-j", jobs)
    finally:
        (overrides / "main.html").unlink()
    assert proc.returncode == 1
    assert expected in proc.stderr, proc.stderr
    assert "hint: fix your override, or delete it to use the theme's own template" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "site/ left as it was" in proc.stderr
    assert _site(built) == before


PAGE_CASES = [
    ("undefined", "entity.md.j2", "\n{{ entity.id }}\n",
     "error[template]: page template 'entity.md.j2' failed: 'briefgen.model.types.Entity object' has no attribute 'id'"),
    ("syntax", "timeline.md.j2", "\n{% if %}x{% endif %}\n",
     "error[template]: page template 'timeline.md.j2' failed: Expected an expression, got 'end of statement block'"),
    ("missing-include", "sources.md.j2", "\n{% include 'nope.j2' %}\n",
     "error[template]: page template 'sources.md.j2' failed: 'nope.j2' is neither in templates/ nor one of "
     "briefgen's templates"),
]


@pytest.mark.parametrize("name,template,tail,expected", PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_broken_page_template_override_is_located_once(built: Path, name: str, template: str, tail: str,
                                                       expected: str) -> None:
    from conftest import ROOT

    before = _site(built)
    source = (ROOT / "templates" / template).read_text()
    line = source.count("\n") + 2  # the appended text starts with a newline
    (built / "templates").mkdir(exist_ok=True)
    (built / "templates" / template).write_text(source + tail)
    try:
        check = run_cli("-C", str(built), "check")
        proc = run_cli("-C", str(built), "build")
    finally:
        (built / "templates" / template).unlink()
    for p in (check, proc):
        assert p.returncode == 1
        assert f"templates/{template}:{line}:1: {expected}" in p.stderr, p.stderr
        assert p.stderr.count("error[template]") == 1, "every page failing alike is one error"
        assert "Traceback" not in p.stderr
    assert "site/ left as it was" in proc.stderr
    assert _site(built) == before


def test_live_preview_reports_a_broken_override_and_recovers(tmp_path: Path) -> None:
    """briefgen serve's rebuild: the same located error (not 'internal error'), the last good site kept, and
    fixing the file clears it."""
    from briefgen.serve.rebuild import Builder

    root = copy_briefing(tmp_path / "demo")
    b = Builder(root, tmp_path / "work")
    try:
        assert b.rebuild().ok
        good = (b.site / "index.html").read_bytes()
        (root / "templates" / "overrides").mkdir(parents=True)
        (root / "templates" / "overrides" / "main.html").write_text(THEME_CASES[0][1])
        out = b.rebuild()
        assert not out.ok
        shown = [d.format(False) for d in out.blocking]
        assert any(THEME_CASES[0][2] in s for s in shown), shown
        assert (b.site / "index.html").read_bytes() == good
        (root / "templates" / "overrides" / "main.html").unlink()
        out = b.rebuild()
        assert out.ok and not out.blocking
    finally:
        b.live.close()
