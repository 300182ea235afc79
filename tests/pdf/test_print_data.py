"""The print data before Typst: selection, references, runs (text as data), the index, the order of chapters."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.emit.pdf import to_json
from briefgen.render.print import PrintData, build_print, entity_anchor, index_name, select
from briefgen.render.printdata import Block, Run, html_blocks, no_skipped_levels, with_possessives

BASE = ROOT / "tests" / "golden" / "build" / "_base"
HOSTILE = ROOT / "tests" / "golden" / "build" / "hostile-capture"


@pytest.fixture(scope="module")
def demo_model():
    diags = Diagnostics()
    compiled = compile_briefing(ROOT, diags)
    assert compiled.model is not None and not diags.has_errors(), [d.format() for d in diags.sorted()]
    return compiled.model


def walk_runs(value) -> list[Run]:
    """Every run anywhere in the data."""
    out: list[Run] = []
    if isinstance(value, Run):
        out.append(value)
    elif isinstance(value, tuple | list):
        for v in value:
            out.extend(walk_runs(v))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            out.extend(walk_runs(getattr(value, f.name)))
    return out


def anchors(data: PrintData) -> set[str]:
    """Every anchor the template prints."""
    out = {"contents", "overview", "about", "timeline", "articles", "sources", "index"}
    out |= {k.anchor for k in data.kinds} | {e.anchor for k in data.kinds for e in k.entities}
    out |= {a.anchor for a in data.articles} | {p.anchor for a in data.articles for p in a.paragraphs}
    out |= {n.anchor for k in data.kinds for e in k.entities for n in e.notes}
    out |= {n.anchor for a in data.articles for n in a.notes_list} | {n.anchor for n in data.overview_notes}
    out |= {b.anchor for b in data.overview if b.anchor}
    return out


def test_whole_briefing_has_every_entity_and_no_dangling_link(demo_model) -> None:
    diags = Diagnostics()
    doc = build_print(demo_model, ROOT, diags)
    assert doc is not None and not diags.items, [d.format() for d in diags.sorted()]
    data = doc.data
    printed = {e.id for k in data.kinds for e in k.entities}
    assert printed == set(demo_model.entities)
    runs = walk_runs(data)
    targets = {r.link for r in runs if r.link} | {r.page for r in runs if r.page} | {r.note for r in runs if r.note}
    assert targets <= anchors(data), sorted(targets - anchors(data))[:5]
    assert any(r.note for r in runs), "citations are note calls linking to their note"
    notes = [n for k in data.kinds for e in k.entities for n in e.notes]
    assert notes and all(any(r.link and r.link.startswith("art-") for r in n.source) for n in notes)
    assert any(r.url for r in runs), "general-knowledge references keep their web address"
    assert {r.entity for r in runs if r.entity} <= set(demo_model.entities)


def test_the_data_is_plain_json(demo_model) -> None:
    doc = build_print(demo_model, ROOT, Diagnostics())
    assert doc is not None
    text = json.dumps(to_json(doc.data), ensure_ascii=False)
    back = json.loads(text)
    assert back["doc"]["title"] == demo_model.config.title
    run = back["kinds"][0]["entities"][0]["infobox"][0]["value"][0]
    assert set(run) <= {f.name for f in dataclasses.fields(Run)} and "text" in run
    assert "em" not in run or run["em"] is True, "a run's fields at their default are left out"


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
    config = dataclasses.replace(demo_model.config, site_url=site_url)
    model = dataclasses.replace(demo_model, config=config)
    diags = Diagnostics()
    doc = build_print(model, ROOT, diags, "moscow-talks")
    assert doc is not None and not diags.items, [d.format() for d in diags.sorted()]
    sel = select(model, "moscow-talks", Diagnostics())
    assert sel is not None
    runs = walk_runs(doc.data)
    targets = {r.link for r in runs if r.link} | {r.page for r in runs if r.page}
    assert targets <= anchors(doc.data)
    outside = set(model.entities) - sel.entities
    assert not {entity_anchor(eid) for eid in outside} & targets
    to_site = {r.url for r in runs if r.url and r.url.startswith("https://briefings.example.org/")}
    if site_url is None:
        assert not to_site
    else:
        assert to_site, "references outside the pack point to the published site"
        assert all(u.startswith(site_url) and ".html" in u for u in to_site)


def test_unknown_pack_is_located_with_suggestion(demo_model) -> None:
    diags = Diagnostics()
    assert build_print(demo_model, ROOT, diags, "moscow-talk") is None
    (d,) = diags.items
    assert d.code == "unknown-pack" and d.span.path == "content/briefing.yml" and d.span.line > 1
    assert "did you mean 'moscow-talks'?" in d.hint


def test_article_text_is_data(tmp_path: Path) -> None:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    shutil.copytree(HOSTILE / "content", root / "content", dirs_exist_ok=True)
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags)
    assert doc is not None
    texts = " ".join(r.text for a in doc.data.articles for p in a.paragraphs for r in p.runs)
    assert "<script>alert(" in texts, "captured text reaches the template as the characters it is"
    assert not any(r.url and r.url.lower().startswith("javascript:") for r in walk_runs(doc.data))


def test_a_ten_megabyte_paragraph_reaches_typst_literally(tmp_path: Path) -> None:
    """10 MB of Typst syntax in a paragraph (captures are refused above 1,000,000 characters, so the data is
    made directly) goes through data.json to the template as one string: a template printing its length and ends
    shows every character, and nothing in it is evaluated."""
    from pdfread import flat, page_texts

    from briefgen.emit.pdf import render_pdf

    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    chunk = '#read("/etc/passwd") $x$ @ref <label> \\ #import "x" #include "y" '
    big = "BEGIN " + (chunk * (10_000_000 // len(chunk) + 1))[:10_000_000] + " END"
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags)
    assert doc is not None
    art = doc.data.articles[0]
    para = dataclasses.replace(art.paragraphs[0], runs=(Run(big),))
    data = dataclasses.replace(doc.data, articles=(dataclasses.replace(art, paragraphs=(para,)),))
    tpl = root / "templates" / "print"
    tpl.mkdir(parents=True)
    (tpl / "briefing.typ").write_text(
        '#let d = json("data.json")\n#set document(title: d.doc.document_title)\n#set text(lang: "en")\n'
        '#let t = d.articles.at(0).paragraphs.at(0).runs.at(0).text\n'
        "#str(t.len()) characters: #t.slice(0, 120) … #t.slice(t.len() - 80)\n")
    doc = dataclasses.replace(doc, data=data, template_dirs=(*doc.template_dirs, tpl))
    work = tmp_path / "work"
    work.mkdir()
    result = render_pdf(doc, work, diags)
    assert result is not None, [d.format() for d in diags.items]
    text = flat(" ".join(page_texts(result[0], layout=False)))
    assert f"{len(big)} characters: {flat(big[:120])}" in text
    assert flat(big[-80:]) in text and "root:x" not in text


def test_index_by_surname_with_other_names(demo_model) -> None:
    doc = build_print(demo_model, ROOT, Diagnostics())
    assert doc is not None
    entries = {x.text: x for letter in doc.data.index for x in letter.entries}
    assert entries["Lavrov, Sergei"].main == "ent-lavrov" and "Sergei Lavrov" not in entries
    assert index_name(demo_model.entities["russia"]) == "Russia", "only people are inverted"
    assert index_name(demo_model.entities["assad"]) == "Assad, Bashar al-", "an inverted sort_name, as the site sorts"
    assert entries["Hoppō Ryōdo"].see == "Southern Kurils / Northern Territories", "names in other languages"
    assert "Lavrov" not in entries, "an alias that is the start of its own entry adds nothing"
    letters = [letter.letter for letter in doc.data.index]
    assert letters == sorted(letters, key=lambda k: (k == "Other scripts", k == "#", k))


def test_native_script_names_go_under_other_scripts(tmp_path: Path) -> None:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    ents = next((root / "content" / "entities").glob("*.yml"))
    text = ents.read_text()
    ents.write_text(text.replace("aliases: [", "aliases: [北方領土, ", 1))
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags)
    assert doc is not None
    if "北方領土" not in text.replace("aliases: [", "aliases: [北方領土, ", 1):
        pytest.fail("no aliases list in the base case to extend")
    other = next(letter for letter in doc.data.index if letter.letter == "Other scripts")
    assert "北方領土" in [x.text for x in other.entries]


def test_meetings_are_in_date_order(demo_model) -> None:
    doc = build_print(demo_model, ROOT, Diagnostics())
    assert doc is not None
    meetings = next(k for k in doc.data.kinds if k.id == "meeting")
    assert meetings.dated
    dates = [str(demo_model.entities[e.id].spec.field("date").value[0]) for e in meetings.entities]
    assert dates == sorted(dates)
    actors = next(k for k in doc.data.kinds if k.id == "actor")
    # the site's order: by surname (sort: family-name), grouped by side
    assert [e.id for e in actors.entities] == list(demo_model.order["actor"])


def test_page_reference_goes_after_a_possessive() -> None:
    ref = Run("Russia", link="ent-russia", page="ent-russia", entity="russia")
    out = with_possessives([ref, Run("'s foreign minister")])
    assert out == [Run("Russia", link="ent-russia", entity="russia"), Run("'s", page="ent-russia"),
                   Run(" foreign minister")]
    out = with_possessives([ref, Run("\u2019 view")])
    assert out[1] == Run("\u2019", page="ent-russia")
    assert with_possessives([ref, Run("'sake'")])[0].page == "ent-russia", "not a possessive"
    blocks = html_blocks('<p><a class="xref" href="#ent-russia">Russia</a>\'s minister</p>')
    assert [r.page for r in blocks[0].runs] == [None, "ent-russia", None]


def test_a_note_number_is_glued_to_the_word_before() -> None:
    blocks = html_blocks('<p>said so <sup class="note-call"><a href="#x_n1">1</a></sup>.</p>')
    runs = blocks[0].runs
    assert runs[0].text == "said so" and runs[1] == Run("1", note="x_n1")


def test_headings_never_skip_a_level() -> None:
    blocks = (Block("heading", (Run("a"),), level=3), Block("heading", (Run("b"),), level=5),
              Block("para", (Run("x"),)), Block("heading", (Run("c"),), level=6))
    assert [b.level for b in no_skipped_levels(blocks) if b.kind == "heading"] == [3, 4, 5]


def test_quotes_a_meeting_records_are_in_its_section_with_their_speaker(demo_model) -> None:
    meeting = "meeting-2019-12-19-moscow"
    declared = demo_model.quotes_declared.get(meeting, ())
    assert declared
    doc = build_print(demo_model, ROOT, Diagnostics())
    assert doc is not None
    views = {e.id: e for k in doc.data.kinds for e in k.entities}
    for q in declared:
        shown = next(v for v in views[meeting].quotes if v.text == q.spec.text)
        assert shown.speaker and shown.speaker[0].link == entity_anchor(q.spec.speaker)
        assert q.spec.text in [v.text for v in views[q.spec.speaker].quotes]


def test_paragraph_roles_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "b"
    shutil.copytree(BASE / "content", root / "content")
    shutil.copytree(ROOT / "tests" / "golden" / "build" / "html-roles" / "content", root / "content", dirs_exist_ok=True)
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags)
    assert doc is not None
    art = next(a for a in doc.data.articles if a.slug == "roles")
    roles = {p.number: p.role for p in art.paragraphs}
    assert roles[1] == "standfirst" and roles[5] == "heading" and roles[3] == "body"
    assert sum(1 for r in roles.values() if r == "caption") == 2
