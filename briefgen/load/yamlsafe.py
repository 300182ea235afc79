"""Strict, located YAML.

PyYAML's own loaders resolve scalars eagerly (``no`` → False, ``1.10`` → 1.1), keep the last of
duplicate keys and construct arbitrary tags. We use only its *composer*, which builds a node tree with
source marks, and convert that tree into :class:`YNode` values ourselves: every scalar stays the text
the author typed (the reading stage decides what a field means), duplicate keys and non-standard tags
are diagnostics, and alias expansion is capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from briefgen.diagnostics import Diagnostics, Span, TextRun, TextSpan

MAX_NODES = 200_000
"""Cap on nodes produced by one document after alias expansion (guards against 'billion laughs')."""
MAX_DEPTH = 64
"""Cap on nesting (lists and mappings inside each other). briefgen's files nest about six levels; deeper input
would crash the composers (RecursionError in PyYAML's, a C stack overflow in libyaml's)."""

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_BREAK_RE = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break (PyYAML's marks count lines the same way)."""


@dataclass(frozen=True)
class YScalar:
    """A scalar exactly as written."""

    value: str
    """The text of the scalar, never coerced."""
    span: Span
    """Where the scalar starts."""
    quoted: bool
    """True when written in quotes or as a block scalar (then it is always a string)."""
    origin: ScalarOrigin | None = field(default=None, compare=False, repr=False)
    """Where the scalar is written in its document, to place the characters of its value (``text_span``)."""

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.value in _NULLS

    def text_span(self) -> Span:
        """Where the value starts, and where each of its characters is written (a :class:`TextSpan`), so that a
        construct inside it — a citation in Markdown — is reported at its own line and column. Worked out only when
        asked: only Markdown values need it."""
        if self.origin is None:
            return self.span
        return TextSpan(self.span.path, self.span.line, self.span.col, place_scalar(self.value, self.origin))


class DocumentLines:
    """The text of one parsed document, split into lines as YAML counts them the first time a scalar asks."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.text = text
        self.line_offset = line_offset
        self._rows: list[tuple[str, str]] | None = None

    def rows(self) -> list[tuple[str, str]]:
        """Each line's text and the line break that ends it ('' for the last)."""
        if self._rows is None:
            rows, pos = [], 0
            for m in _BREAK_RE.finditer(self.text):
                rows.append((self.text[pos : m.start()], m.group()))
                pos = m.end()
            rows.append((self.text[pos:], ""))
            self._rows = rows
        return self._rows


@dataclass(frozen=True)
class ScalarOrigin:
    """Where a scalar is written in its document (0-based, as the parser's marks count)."""

    document: DocumentLines
    """The document's text."""
    line: int
    """Line of the scalar's first character (its quote or block indicator, or an anchor or tag before it)."""
    col: int
    """Column of that character."""
    end_line: int
    """Line just after the scalar's last character."""
    end_col: int
    """Column just after the scalar's last character."""
    style: str
    """``''`` plain, ``'`` or ``"`` quoted, ``|`` literal or ``>`` folded block."""


@dataclass(frozen=True)
class YMap:
    """A mapping with its keys in written order."""

    items: tuple[tuple[YScalar, YNode], ...]
    """Key/value pairs; keys are scalars (complex keys are reported and dropped)."""
    span: Span
    """Where the mapping starts."""

    def get(self, key: str) -> YNode | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None


@dataclass(frozen=True)
class YSeq:
    """A sequence."""

    items: tuple[YNode, ...]
    """The items, in order."""
    span: Span
    """Where the sequence starts."""


YNode = YScalar | YMap | YSeq


def _span(path: str, mark, line_offset: int = 0) -> Span:
    return Span(path, mark.line + 1 + line_offset, mark.column + 1)


class _Budget:
    def __init__(self, document: DocumentLines) -> None:
        self.left = MAX_NODES
        self.exceeded = False
        self.too_deep: yaml.Node | None = None
        self.document = document
        self.line_offset = document.line_offset


def parse_yaml(text: str, path: str, diags: Diagnostics, line_offset: int = 0) -> YNode | None:
    """Parse one YAML document into located nodes. Problems go to ``diags``; returns None on failure.

    ``line_offset`` is added to every line number (for YAML front matter inside another file).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    deep = _too_deep(text)
    if deep is not None:
        diags.error(
            _span(path, deep, line_offset),
            "yaml-too-deep",
            f"lists and mappings nest more than {MAX_DEPTH} levels deep here",
            "briefgen's files need only a few levels: remove the extra brackets or indentation",
        )
        return None
    try:
        nodes = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = _span(path, mark, line_offset) if mark else Span(path, 1 + line_offset)
        problem = exc.problem or exc.context or "invalid YAML"
        hint = "check indentation and quoting at this place"
        if "\t" in problem or "'\\t'" in problem:
            hint = "YAML does not allow tabs for indentation: indent with spaces"
        elif "mapping values are not allowed" in problem:
            hint = "a value containing ': ' must be quoted, e.g. title: \"A: B\""
        diags.error(span, "yaml-syntax", f"invalid YAML: {problem}", hint)
        return None
    except yaml.YAMLError as exc:  # reader errors (e.g. control characters)
        diags.error(Span(path), "yaml-syntax", f"invalid YAML: {exc}", "remove control characters from the file")
        return None
    if not nodes:
        return None
    if len(nodes) > 1:
        diags.error(
            _span(path, nodes[1].start_mark, line_offset),
            "yaml-multiple-documents",
            "this file holds more than one YAML document",
            "remove the '---' separator: one document per file",
        )
    budget = _Budget(DocumentLines(text, line_offset))
    result = _convert(nodes[0], path, diags, budget)
    if budget.too_deep is not None:
        diags.error(
            _span(path, budget.too_deep.start_mark, line_offset),
            "yaml-too-deep",
            f"an alias (*name) expands to more than {MAX_DEPTH} levels of nesting, or refers to a node containing it",
            "remove the anchors/aliases (&name / *name) here and write the values out",
        )
        return None
    if budget.exceeded:
        diags.error(
            _span(path, nodes[0].start_mark, line_offset),
            "yaml-too-large",
            f"YAML aliases expand to more than {MAX_NODES} nodes",
            "remove the anchors/aliases (&name / *name) that repeat large parts",
        )
        return None
    return result


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
"""libyaml's composer (about 10x faster); it builds the same node tree, marks and styles as PyYAML's."""


def _too_deep(text: str):
    """The mark where nesting first exceeds MAX_DEPTH, from the event stream (parsers keep their own stack; only
    the composers recurse). None when the nesting is fine or the text does not parse (the composer reports that)."""
    loader = _FAST_LOADER or yaml.SafeLoader
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _compose(text: str) -> list:
    """The documents' node trees. On any error the pure-Python composer runs again, so that problems are
    always worded and located by the same parser."""
    if _FAST_LOADER is not None:
        try:
            return list(yaml.compose_all(text, Loader=_FAST_LOADER))
        except yaml.YAMLError:
            pass
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


def _check_tag(node: yaml.Node, path: str, diags: Diagnostics, off: int) -> bool:
    tag = node.tag or ""
    if tag in _STANDARD_TAGS or tag in ("!", "?"):
        return True
    diags.error(
        _span(path, node.start_mark, off),
        "yaml-tag",
        f"YAML tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed",
        "remove the tag; briefgen files contain only plain values, lists and mappings",
    )
    return False


def _convert(node: yaml.Node, path: str, diags: Diagnostics, budget: _Budget, depth: int = 0) -> YNode | None:
    budget.left -= 1
    if budget.left < 0:
        budget.exceeded = True
        return None
    if depth > MAX_DEPTH:  # only through aliases: the text itself was checked by _too_deep
        budget.too_deep = node
        budget.exceeded = True
        return None
    off = budget.line_offset
    if not _check_tag(node, path, diags, off):
        return None
    span = _span(path, node.start_mark, off)
    if isinstance(node, yaml.ScalarNode):
        start, end = node.start_mark, node.end_mark
        origin = ScalarOrigin(budget.document, start.line, start.column, end.line, end.column, node.style or "")
        return YScalar(node.value, span, node.style not in (None, ""), origin)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for child in node.value:
            value = _convert(child, path, diags, budget, depth + 1)
            if budget.exceeded:
                return None
            if value is not None:
                items.append(value)
        return YSeq(tuple(items), span)
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[YScalar, YNode]] = []
        seen: dict[str, Span] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                diags.error(
                    _span(path, key_node.start_mark, off),
                    "yaml-merge-key",
                    "merge keys ('<<') are not supported",
                    "write the keys out in full",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                diags.error(
                    _span(path, key_node.start_mark, off),
                    "yaml-complex-key",
                    "mapping keys must be plain text",
                    "use a simple name as the key",
                )
                continue
            key = YScalar(key_node.value, _span(path, key_node.start_mark, off), key_node.style not in (None, ""))
            if key.value in seen:
                first = seen[key.value]
                diags.error(
                    key.span,
                    "yaml-duplicate-key",
                    f"duplicate key '{key.value}' (first defined at line {first.line})",
                    "remove one of the two; YAML would silently keep only the last",
                )
                continue
            seen[key.value] = key.span
            value = _convert(value_node, path, diags, budget, depth + 1)
            if budget.exceeded:
                return None
            if value is not None:
                pairs.append((key, value))
        return YMap(tuple(pairs), span)
    return None  # pragma: no cover - PyYAML has no other node types


# -- placing a scalar's characters --------------------------------------------------------------------------------
# The scanner below reads a scalar again as PyYAML's does (folding, indentation, quotes, escapes), keeping where each
# character of the value comes from. Its result is checked against the parser's value: on any difference the value is
# left unplaced (its constructs are then reported at its start) rather than placed wrongly.

_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_PREFIX_RE = re.compile(r"(?:[&!][^ \t]*[ \t]+)*")
"""Anchors and tags written before a scalar (its node starts at them)."""


@dataclass(frozen=True, slots=True)
class _Piece:
    value: str
    """Characters of the value."""
    row: int
    """0-based line in the document."""
    col: int
    """0-based column of the first character."""
    width: int
    """Characters of the source it stands for (== len(value) when written one for one; 0 when made by folding)."""


def place_scalar(value: str, origin: ScalarOrigin) -> tuple[TextRun, ...]:
    """Runs placing each character of the scalar's ``value`` in its file; () when it cannot be placed exactly."""
    rows = origin.document.rows()
    try:
        row = rows[origin.line][0]
        col = _PREFIX_RE.match(row, origin.col).end()  # type: ignore[union-attr]  # (always matches)
        if origin.style in ("|", ">"):
            pieces = _block_pieces(rows, origin.line, value, origin.style == ">")
        else:
            pieces = _flow_pieces(rows, origin.line, col, origin.end_line, origin.end_col, origin.style)
    except (IndexError, KeyError, ValueError):  # (not after a successful parse; unplaced rather than a crash)
        return ()
    if pieces is None:
        return ()
    made = "".join(p.value for p in pieces)
    rest = value[len(made) :]
    if not value.startswith(made) or (rest and (origin.style not in ("|", ">") or rest.strip("\n\x85\u2028\u2029"))):
        return ()
    runs: list[TextRun] = []
    offset, prev = 0, None
    for p in pieces:
        if not (
            prev is not None
            and prev.width == len(prev.value)
            and prev.row == p.row
            and prev.col + prev.width == p.col
            and p.width == len(p.value)
        ):
            runs.append(TextRun(offset, p.row + 1 + origin.document.line_offset, p.col + 1))
        offset += len(p.value)
        prev = p
    return tuple(runs)


def _norm_break(brk: str) -> str:
    return brk if brk in ("\u2028", "\u2029") else "\n"


def _flow_pieces(
    rows: list[tuple[str, str]], line: int, col: int, end_line: int, end_col: int, style: str
) -> list[_Piece] | None:
    """A plain or quoted scalar: each line's characters (quotes and escapes undone), then the lines folded."""
    quoted = style in ("'", '"')
    lines: list[tuple[list[_Piece], bool, bool]] = []  # (pieces, ends with an escaped line break, blank)
    for r in range(line, end_line + 1):
        text = rows[r][0]
        a = col if r == line else 0
        b = end_col if r == end_line else len(text)
        if quoted:
            a, b = a + (r == line), b - (r == end_line)
        pieces, escaped = _line_pieces(text, r, a, b, style)
        blank = not escaped and all(p.width == 1 and p.value in " \t" for p in pieces)
        lines.append((pieces, escaped, blank))
    out: list[_Piece] = []
    last = len(lines) - 1
    content = [i for i, (_, _, blank) in enumerate(lines) if not blank or i in (0, last)]
    for n, i in enumerate(content):
        pieces, escaped, _ = lines[i]
        if i > 0:
            while pieces and not pieces[0].value.strip(" \t") and pieces[0].width == 1:
                pieces = pieces[1:]
        if i < last and not escaped:  # spaces before an escaped line break are kept
            while pieces and not pieces[-1].value.strip(" \t") and pieces[-1].width == 1:
                pieces = pieces[:-1]
        out.extend(pieces)
        if n + 1 == len(content):
            break
        r = line + i
        at = len(rows[r][0])
        others = [_norm_break(rows[line + m][1]) for m in range(i + 1, content[n + 1])]
        first = _norm_break(rows[r][1])
        folds = others if escaped else ([first] if first != "\n" else [] if others else [" "]) + others
        out.extend(_Piece(f, r, at, 0) for f in folds)
    return out


def _line_pieces(text: str, row: int, a: int, b: int, style: str) -> tuple[list[_Piece], bool]:
    """The characters of ``text[a:b]`` as they stand in the value; True when it ends with an escaped line break."""
    out: list[_Piece] = []
    i = a
    while i < b:
        ch = text[i]
        if style == "'" and ch == "'" and i + 1 < b and text[i + 1] == "'":
            out.append(_Piece("'", row, i, 2))
            i += 2
        elif style == '"' and ch == "\\":
            if i + 1 == b:
                return out, True
            e = text[i + 1]
            if e in _ESCAPES:
                out.append(_Piece(_ESCAPES[e], row, i, 2))
                i += 2
            else:
                n = _HEX_ESCAPES[e]
                out.append(_Piece(chr(int(text[i + 2 : i + 2 + n], 16)), row, i, 2 + n))
                i += 2 + n
        else:
            out.append(_Piece(ch, row, i, 1))
            i += 1
    return out, False


def _block_pieces(rows: list[tuple[str, str]], line: int, value: str, folded: bool) -> list[_Piece] | None:
    """A literal or folded block scalar: its lines without their indentation, folded as PyYAML folds them."""
    body = value.lstrip("\n\x85\u2028\u2029")
    first = next((r for r in range(line + 1, len(rows)) if rows[r][0].strip(" ")), None)
    if first is None or not body.strip():
        return None
    indent = (len(rows[first][0]) - len(rows[first][0].lstrip(" "))) - (len(body) - len(body.lstrip(" ")))
    if indent < 1:
        return None

    def kind(r: int) -> str:
        text = rows[r][0]
        if len(text) <= indent and not text.strip(" "):
            return "blank"
        return "content" if text.startswith(" " * indent) else "end"

    out: list[_Piece] = []
    r = line + 1
    breaks: list[int] = []
    while r < len(rows) and rows[r][1] and kind(r) == "blank":
        breaks.append(r)
        r += 1
    while r < len(rows) and kind(r) == "content":
        out.extend(_Piece(_norm_break(rows[b][1]), b, len(rows[b][0]), 0) for b in breaks)
        text = rows[r][0][indent:]
        out.append(_Piece(text, r, indent, len(text)))
        leading_non_space = text[:1] not in (" ", "\t")
        line_break, end_of_line = _norm_break(rows[r][1]) if rows[r][1] else "", len(rows[r][0])
        this = r
        r += 1
        breaks = []
        while r < len(rows) and rows[r][1] and kind(r) == "blank":
            breaks.append(r)
            r += 1
        if not line_break or r >= len(rows) or kind(r) != "content":
            break
        if folded and line_break == "\n" and leading_non_space and rows[r][0][indent] not in " \t":
            if not breaks:
                out.append(_Piece(" ", this, end_of_line, 0))
        else:
            out.append(_Piece(line_break, this, end_of_line, 0))
    return out
