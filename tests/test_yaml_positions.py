"""Placing the characters of a YAML value in its file (``YScalar.text_span``), for every scalar style.

Each value is written by PyYAML's own emitter in a given style, at a given depth, and read back: every character
of the value that is written one for one must be found at the place the span gives it, and the value must be placed
at all (an unplaced value would put every construct at its start).
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.diagnostics import Diagnostics, TextSpan
from briefgen.load.yamlsafe import YMap, YScalar, YSeq, parse_yaml

STYLES = ("", "'", '"', "|", ">")
# Markdown-like text: words, brackets, quotes, backslashes, non-ASCII, blank lines, indented lines, tabs
TEXT = st.lists(st.one_of(
    st.sampled_from(["see", "[@talks", "\"met\"]", "it's", "\\", "é", "東京", "[a](entity:x)", "#", ":", "-", "\t"]),
    st.text(alphabet="ab c\n", min_size=1, max_size=6),
), min_size=1, max_size=25).map(" ".join)


def _scalars(node):
    if isinstance(node, YScalar):
        yield node
    elif isinstance(node, YMap):
        for _, v in node.items:
            yield from _scalars(v)
    elif isinstance(node, YSeq):
        for v in node.items:
            yield from _scalars(v)


def _summary(node) -> YScalar:
    while isinstance(node, YSeq):
        node = node.items[0]
    assert isinstance(node, YMap)
    found = node.get("summary")
    if found is None:
        return _summary(node.get("nested"))
    assert isinstance(found, YScalar)
    return found


def check_placed(doc: str) -> int:
    """Parse ``doc``; check every string value's placed characters; return how many values were placed."""
    diags = Diagnostics()
    root = parse_yaml(doc, "f.yml", diags)
    assert not diags.items, diags.items
    rows = doc.split("\n")
    placed = 0
    for scalar in _scalars(root):
        span = scalar.text_span()
        assert isinstance(span, TextSpan)
        if not span.runs:
            continue
        placed += 1
        for i, ch in enumerate(scalar.value):
            at = span.at(i)
            source = rows[at.line - 1][at.col - 1:at.col] if at.line <= len(rows) else ""
            if ch == source:
                continue
            # characters not written one for one: folding (space/newline at a line's end), quotes and escapes
            assert ch in " \n" or source in ("\\", "'"), (doc, scalar.value, i, ch, at)
    return placed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, style=st.sampled_from(STYLES), depth=st.integers(0, 3), width=st.integers(20, 80))
def test_every_style_is_placed(text: str, style: str, depth: int, width: int) -> None:
    value: object = {"summary": text}
    for _ in range(depth):
        value = [{"x": 1, "nested": value}]
    doc = yaml.dump(value, default_style=style or None, width=width, allow_unicode=True, sort_keys=False)
    check_placed(doc)
    # the summary itself must be placed whatever its style (a value of only blanks holds nothing to place)
    # (read back as parsed: PyYAML's emitter does not round-trip every folded text)
    summary = _summary(parse_yaml(doc, "f.yml", Diagnostics()))
    assert summary.text_span().runs or not summary.value.strip(), (doc, text)


def test_hand_written_styles() -> None:
    doc = (
        "a: plain [@x] here\n"
        "  continued [@y]\n"
        "\n"
        "  para é [@z]\n"
        "b: 'single ''q'' [@x]\n"
        "   next line'\n"
        'c: "double \\"esc\\" \\x41 [@x]\n'
        "   more \\\n"
        '   joined [@y]"\n'
        "d: |\n"
        "  literal [@x]\n"
        "    indented [@y]\n"
        "\n"
        "  after blank\n"
        "e: >-\n"
        "  folded [@x]\n"
        "  same para\n"
        "\n"
        "  new para [@y]\n"
        "     more indented\n"
        "  back\n"
        "f: |2\n"
        "    two extra [@x]\n"
        "   one\n"
        'g: &anchor "anchored [@q]"\n'
    )
    assert check_placed(doc) == 7
    root = parse_yaml(doc, "f.yml", Diagnostics())
    assert isinstance(root, YMap)
    where = {k.value: v for k, v in root.items if isinstance(v, YScalar)}

    def place(key: str, needle: str, nth: int = 0) -> tuple[int, int]:
        scalar = where[key]
        at = -1
        for _ in range(nth + 1):
            at = scalar.value.index(needle, at + 1)
        span = scalar.text_span()
        assert isinstance(span, TextSpan)
        got = span.at(at)
        return got.line, got.col

    assert place("a", "[@y]") == (2, 13)
    assert place("a", "[@z]") == (4, 10)
    assert place("b", "next") == (6, 4)
    assert place("c", "[@x]") == (7, 25)
    assert place("c", "[@y]") == (9, 11)
    assert place("d", "[@y]") == (12, 14)
    assert place("d", "after") == (14, 3)
    assert place("e", "same") == (17, 3)
    assert place("e", "[@y]") == (19, 12)
    assert place("e", "back") == (21, 3)
    assert place("f", "[@x]") == (23, 15)
    assert place("g", "[@q]") == (25, 22)


def test_front_matter_lines_are_offset() -> None:
    root = parse_yaml("notes: >\n  see [@x]\n", "a.md", Diagnostics(), line_offset=1)
    assert isinstance(root, YMap)
    notes = root.items[0][1]
    assert isinstance(notes, YScalar)
    span = notes.text_span()
    assert isinstance(span, TextSpan)
    at = span.at(notes.value.index("[@x]"))
    assert (at.line, at.col) == (3, 7)
