"""Property-based fuzzing of the loaders and the slugger: no crash, every problem located, paths stay inside.

Complements tests/test_link.py (slugs are valid and unique) and tests/clean/test_properties.py (cleaning
never raises): here the YAML parser, the annotation readers, the file decoder, the capture limits and the
whole compile on fuzzed content files.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics
from briefgen.load import tables
from briefgen.load.annotations import read_briefing, read_entities, read_fact, read_overrides, read_quote
from briefgen.load.files import capture_within_limits, read_text
from briefgen.load.read import Reader
from briefgen.load.yamlsafe import YMap, YScalar, YSeq, parse_yaml
from briefgen.slug import ID_RE, slugify, unique_slugs
from hardening_support import BASE

FUZZ = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

YAML_CHARS = list(":-[]{}&*!|>'\"#%@`,?~.=<\\ \n\t") + ["a", "b", "id", "kind", "\ufeff", "\x85", "\u2028", "\x00", "\x07",
                                                         "é", "😀", "!!python/object:os.system", "&a ", "*a", "<<: ", "---\n"]
yaml_text = st.one_of(st.text(max_size=300), st.lists(st.sampled_from(YAML_CHARS), max_size=120).map("".join))

KEYS = sorted({k.name for t in (tables.BRIEFING, tables.KIND, tables.FIELD, tables.ENTITY, tables.FACT, tables.QUOTE,
                                tables.ARTICLE, tables.ROLE, tables.ALIAS, tables.REFERENCE, tables.PACK) for k in t.keys})
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.dates(),
                   st.sampled_from(["actor", "place", "alice", "talks", "yes", "no", "1.10", "2019-12-20", "https://x.org/",
                                    "javascript:alert(1)", "dates", "refs", "ref", "url", "markdown", "text", "roles", "names",
                                    "coordinates", "number", "date", "true", "false", "~", ""]))
structure = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=6)), max_leaves=40)


BASE_CONFIG = read_briefing(parse_yaml((BASE / "content" / "briefing.yml").read_text(), "f.yml", Diagnostics()),
                            "f.yml", Diagnostics())


def located(diags: Diagnostics, path: str) -> None:
    for d in diags.items:
        assert d.span.path == path and d.span.line >= 1 and d.span.col >= 1, d
        assert d.message and d.code


def walk(node) -> int:
    if isinstance(node, YScalar):
        return 1
    if isinstance(node, YSeq):
        return 1 + sum(walk(n) for n in node.items)
    assert isinstance(node, YMap)
    return 1 + sum(walk(v) for _, v in node.items)


@FUZZ
@given(yaml_text)
def test_parse_yaml_never_raises_and_locates_problems(text: str) -> None:
    diags = Diagnostics()
    node = parse_yaml(text, "x.yml", diags)
    located(diags, "x.yml")
    if node is not None:
        walk(node)  # a finite tree (no cycles through aliases)


@FUZZ
@given(structure, st.integers(min_value=0, max_value=3))
def test_readers_never_raise_on_any_structure(data, line_offset: int) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    diags = Diagnostics()
    node = parse_yaml(text, "f.yml", diags, line_offset=line_offset)
    assert node is not None, (text, diags.items)
    config = read_briefing(node, "f.yml", diags)
    for cfg in (config, BASE_CONFIG, None):
        read_entities(node, "f.yml", cfg, diags)
    r = Reader(diags)
    amap = r.mapping(node, tables.ARTICLE) if node is not None else None
    if amap:
        read_overrides(r, amap.get("cleaning"))
        for item in r.seq(amap.get("facts"), "facts", single_ok=False):
            read_fact(r, item, subject=None, source="talks")
        for item in r.seq(amap.get("quotes"), "quotes", single_ok=False):
            read_quote(r, item, speaker=None, source="talks")
    located(diags, "f.yml")


@FUZZ
@given(st.binary(max_size=400), st.booleans())
def test_read_text_never_raises(data: bytes, cp1252: bool) -> None:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "c.txt"
        f.write_bytes(data)
        diags = Diagnostics()
        text = read_text(f, "c.txt", diags, allow_cp1252=cp1252, limit=10_000)
    located(diags, "c.txt")
    if text is None:
        assert diags.has_errors()
    else:
        assert "\x00" not in text and "\r" not in text


@FUZZ
@given(st.lists(st.sampled_from(list("<>/!-?ab sp\n\"'=") + ["script", "style", "<!--", "-->", "</script"]), max_size=150).map("".join),
       st.sampled_from(["txt", "md", "html"]))
def test_capture_limits_never_raise(text: str, fmt: str) -> None:
    diags = Diagnostics()
    assert capture_within_limits(text, fmt, "c.html", diags) is not diags.has_errors()
    located(diags, "c.html")


@FUZZ
@given(st.lists(st.text(max_size=40), min_size=1, max_size=20))
def test_slugs_stay_inside_the_output_folder(names: list[str]) -> None:
    out = Path("/srv/site")
    reserved = {"articles", "assets", "search", "index", "timeline", "sources"}
    for slug in unique_slugs(names, reserved=reserved):
        assert ID_RE.match(slug) and slug not in reserved
        for target in (out / slug, out / slug / "index.html", out / "articles" / f"{slug}.html"):
            assert ".." not in target.parts
            assert target.resolve().is_relative_to(out.resolve())
    assert slugify("../../etc/passwd") == "etc-passwd"


entity_file = st.one_of(
    structure.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.lists(st.fixed_dictionaries({"id": st.sampled_from(["a1", "b-2", "Bad Id", "alice", "../x"]),
                                    "kind": st.sampled_from(["actor", "place", "meeting", "nope"]),
                                    "name": st.text(max_size=20)},
                                   optional={"aliases": st.lists(st.text(max_size=10), max_size=3),
                                             "summary": st.text(max_size=60),
                                             "date": st.one_of(st.dates(), st.text(max_size=10)),
                                             "participants": st.lists(st.sampled_from(["alice", "bob", "x"]), max_size=3),
                                             "coordinates": st.lists(st.floats(), max_size=3)}),
             max_size=4).map(lambda d: yaml.safe_dump(d, allow_unicode=True, default_flow_style=False)),
    yaml_text,
)


@SLOW
@given(entity_file, st.text(max_size=400), st.sampled_from(["txt", "md", "html"]))
def test_compile_never_raises_on_fuzzed_content(tmp_path_factory, entities: str, capture: str, fmt: str) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(BASE / "content", root / "content")
    (root / "content" / "entities" / "fuzz.yml").write_text(entities, encoding="utf-8")
    (root / "content" / "articles" / f"fuzzed.{fmt}").write_text(capture, encoding="utf-8")
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    for d in diags.items:
        assert d.span.line >= 1 and not d.span.path.startswith("/"), d
        assert "internal error" not in d.message, d
    if not diags.has_errors():
        assert compiled.model is not None and compiled.pages
        for page in compiled.pages:
            assert ".." not in Path(page.path).parts and not page.path.startswith("/")


def test_dates_in_fuzzed_structures_serialise() -> None:
    """The structure strategy's dates reach the readers as text (PyYAML writes them unquoted)."""
    diags = Diagnostics()
    node = parse_yaml(yaml.safe_dump({"as_of": dt.date(2019, 12, 20)}), "f.yml", diags)
    assert isinstance(node, YMap) and node.get("as_of").value == "2019-12-20"
