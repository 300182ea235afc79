"""The print document before layout (no WeasyPrint needed): selection, references, escaping, resource fetching."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.render.print import build_print, entity_anchor, select
from conftest import ROOT

BASE = ROOT / "tests" / "golden" / "build" / "_base"
HOSTILE = ROOT / "tests" / "golden" / "build" / "hostile-capture"


@pytest.fixture(scope="module")
def demo_model():
    diags = Diagnostics()
    compiled = compile_briefing(ROOT, diags)
    assert compiled.model is not None and not diags.has_errors(), [d.format() for d in diags.sorted()]
    return compiled.model


def hrefs_and_ids(html: str) -> tuple[set[str], set[str]]:
    return set(re.findall(r'\bhref="#([^"]*)"', html)), set(re.findall(r'\bid="([^"]+)"', html))


def test_whole_briefing_has_every_entity_and_no_dangling_link(demo_model) -> None:
    diags = Diagnostics()
    doc = build_print(demo_model, ROOT, diags)
    assert doc is not None and not diags.items, [d.format() for d in diags.sorted()]
    hrefs, ids = hrefs_and_ids(doc.html)
    assert hrefs <= ids, sorted(hrefs - ids)[:5]
    ids_list = re.findall(r'\bid="([^"]+)"', doc.html)
    assert len(ids_list) == len(set(ids_list)), "duplicate ids"
    for eid in demo_model.entities:
        assert f'id="{entity_anchor(eid)}"' in doc.html
    calls = re.findall(r'<sup class="note-call"><a href="#([^"]+)"', doc.html)
    assert calls and set(calls) <= ids, "citations are note calls linking to their note"
    notes = re.findall(r'<li id="[^"]+_n\d+"><span class="note-num">\d+</span><a class="xref" href="#(art-[^"]+)"', doc.html)
    assert notes and all(re.fullmatch(r"art-[a-z0-9-]+(_p\d+)?", n) for n in notes), "notes link to article paragraphs"
    assert 'class="ext"' in doc.html  # general-knowledge references keep their web address
    assert "<html lang=\"en\">" in doc.html and "<title>" in doc.html


def test_pack_is_one_hop(demo_model) -> None:
    sel = select(demo_model, "moscow-talks", Diagnostics())
    assert sel is not None
    pack = next(p for p in demo_model.config.packs if p.id == "moscow-talks")
    focus = [eid for eid, _ in pack.entities]
    assert list(sel.focus) == focus
    one_hop = set(focus)
    for eid in focus:
        one_hop |= {link.target for link in demo_model.links_out.get(eid, ())}
        one_hop |= {link.source for link in demo_model.links_in.get(eid, ())}
    assert sel.entities == one_hop
    assert sel.articles, "a pack carries the articles its entities cite"
    assert sel.entities < set(demo_model.entities), "the demo pack should leave some entities out"


@pytest.mark.parametrize("site_url", [None, "https://briefings.example.org/kurils/"])
def test_pack_references_outside_never_dangle(demo_model, site_url) -> None:
    import dataclasses

    config = dataclasses.replace(demo_model.config, site_url=site_url)
    model = dataclasses.replace(demo_model, config=config)
    diags = Diagnostics()
    doc = build_print(model, ROOT, diags, "moscow-talks")
    assert doc is not None and not diags.items, [d.format() for d in diags.sorted()]
    sel = select(model, "moscow-talks", Diagnostics())
    hrefs, ids = hrefs_and_ids(doc.html)
    assert hrefs <= ids, sorted(hrefs - ids)[:5]
    outside = sorted(set(model.entities) - sel.entities)
    for eid in outside:
        assert f'href="#{entity_anchor(eid)}"' not in doc.html
    externals = set(re.findall(r'<a class="ext" href="([^"]+)"', doc.html))
    to_site = {u for u in externals if u.startswith("https://briefings.example.org/")}
    if site_url is None:
        assert not to_site
        assert '<span class="outside">' in doc.html
    else:
        assert '<span class="outside">' not in doc.html
        assert all(re.fullmatch(r"https://briefings\.example\.org/kurils/[a-z0-9-]+/[a-z0-9-]+\.html(#p\d+)?", u)
                   for u in to_site), sorted(to_site)[:5]
        assert to_site, "references outside the pack point to the published site"


def test_unknown_pack_is_located_with_suggestion(demo_model) -> None:
    diags = Diagnostics()
    assert build_print(demo_model, ROOT, diags, "moscow-talk") is None
    (d,) = diags.items
    assert d.code == "unknown-pack" and d.span.path == "content/briefing.yml" and d.span.line > 1
    assert "did you mean 'moscow-talks'?" in d.hint


def test_article_text_is_escaped(tmp_path: Path) -> None:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    shutil.copytree(HOSTILE / "content", root / "content", dirs_exist_ok=True)
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags)
    assert doc is not None
    html = doc.html
    assert "<script" not in html and "<iframe" not in html and "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html), "a javascript: URL became an attribute"
    assert "<base" not in html and "<style" not in html and "<meta http-equiv" not in html


def test_markdown_images_outside_are_dropped_with_a_located_warning(tmp_path: Path) -> None:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    ov = root / "content" / "overview.md"
    ov.write_text(ov.read_text() + "\n![passwd](/etc/passwd) ![up](../../../../etc/shadow)\n")
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags)
    assert doc is not None
    assert "<img" not in doc.html and "/etc/" not in doc.html
    assert "[image: passwd]" in doc.html and "[image: up]" in doc.html
    warned = [d for d in diags.items if d.code == "pdf-image"]
    assert len(warned) == 2 and {d.span.path for d in warned} == {"content/overview.md"}, [d.format() for d in diags.items]


def test_template_error_is_located(tmp_path: Path) -> None:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    (root / "templates" / "print").mkdir(parents=True)
    (root / "templates" / "print" / "briefing.html.j2").write_text("<html>\n<body>\n{% for x in %}\n</body>\n")
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    assert build_print(compiled.model, root, diags) is None
    (d,) = diags.items
    assert (d.code, d.span.path, d.span.line) == ("template", "templates/print/briefing.html.j2", 3)


def test_fetcher_refuses_network_and_files_outside(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from briefgen.emit.pdf import _fetcher_class

    allowed = tmp_path / "print"
    allowed.mkdir()
    (allowed / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (allowed / "escape.txt").symlink_to("/etc/passwd")
    fetcher = _fetcher_class()((allowed,))
    ok = fetcher.fetch((allowed / "logo.svg").as_uri())
    assert ok.read().startswith(b"<svg")
    assert fetcher.fetch("data:image/png;base64,iVBORw0KGgo=").read() == b"\x89PNG\r\n\x1a\n"
    for url in ("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "https://example.org/x.css",
                (allowed / "escape.txt").as_uri(), allowed.as_uri() + "/../../../etc/passwd",
                "ftp://example.org/x", "file:///proc/self/environ"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_quotes_a_meeting_records_are_in_its_section_with_their_speaker(demo_model) -> None:
    """A quote written in the meeting's YAML for another speaker: in the meeting's section (speaker named, a
    reference to the speaker's section) and in the speaker's; in a pack of the meeting, its source is printed."""
    meeting = "meeting-2019-12-19-moscow"
    declared = demo_model.quotes_declared.get(meeting, ())
    assert declared, "the demo's Moscow talks record quotes of their participants"
    doc = build_print(demo_model, ROOT, Diagnostics())
    assert doc is not None
    start = doc.html.index(f'id="{entity_anchor(meeting)}"')
    section = doc.html[start:doc.html.index("</article>", start)]
    for q in declared:
        assert q.spec.text in section
        speaker = f'href="#{entity_anchor(q.spec.speaker)}"'
        caption = section[section.index(q.spec.text):]
        assert speaker in caption[:caption.index("</figcaption>")], "the speaker is named and referenced"
        own = doc.html[doc.html.index(f'id="{entity_anchor(q.spec.speaker)}"'):]
        assert q.spec.text in own[:own.index("</article>")]
    sel = select(demo_model, "moscow-talks", Diagnostics())
    assert sel is not None and {q.citation.article for q in declared} <= sel.articles


def test_paragraph_roles_are_shown_apart(tmp_path: Path) -> None:
    """A standfirst, photo captions and a sub-heading of an HTML capture keep their role in the print document."""
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    shutil.copytree(ROOT / "tests" / "golden" / "build" / "html-roles" / "content", root / "content", dirs_exist_ok=True)
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags)
    assert doc is not None
    html = doc.html
    assert re.search(r'<p class="para role-standfirst" id="art-roles_p1">.*The foreign ministers have met 25 times', html)
    captions = re.findall(r'<p class="para role-caption" id="art-roles_p\d+"><span class="pnum">\d+</span>'
                          r'<span class="role-label">Photo caption:</span> ', html)
    assert len(captions) == 2
    assert re.search(r'<p class="para role-heading" id="art-roles_p5"><span class="pnum">5</span>Visa-free visits</p>', html)
    assert '<p class="para" id="art-roles_p3">' in html
