"""Strict, located YAML.

PyYAML's own loaders resolve scalars eagerly (``no`` → False, ``1.10`` → 1.1), keep the last of
duplicate keys and construct arbitrary tags. We use only its *composer*, which builds a node tree with
source marks, and convert that tree into :class:`YNode` values ourselves: every scalar stays the text
the author typed (the reading stage decides what a field means), duplicate keys and non-standard tags
are diagnostics, and alias expansion is capped.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from briefgen.diagnostics import Diagnostics, Span

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


@dataclass(frozen=True)
class YScalar:
    """A scalar exactly as written."""

    value: str
    """The text of the scalar, never coerced."""
    span: Span
    """Where the scalar starts."""
    quoted: bool
    """True when written in quotes or as a block scalar (then it is always a string)."""

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.value in _NULLS


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
    def __init__(self, line_offset: int) -> None:
        self.left = MAX_NODES
        self.exceeded = False
        self.too_deep: yaml.Node | None = None
        self.line_offset = line_offset


def parse_yaml(text: str, path: str, diags: Diagnostics, line_offset: int = 0) -> YNode | None:
    """Parse one YAML document into located nodes. Problems go to ``diags``; returns None on failure.

    ``line_offset`` is added to every line number (for YAML front matter inside another file).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    deep = _too_deep(text)
    if deep is not None:
        diags.error(_span(path, deep, line_offset), "yaml-too-deep", f"lists and mappings nest more than {MAX_DEPTH} levels deep here",
                    "briefgen's files need only a few levels: remove the extra brackets or indentation")
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
        diags.error(_span(path, nodes[1].start_mark, line_offset), "yaml-multiple-documents",
                    "this file holds more than one YAML document", "remove the '---' separator: one document per file")
    budget = _Budget(line_offset)
    result = _convert(nodes[0], path, diags, budget)
    if budget.too_deep is not None:
        diags.error(_span(path, budget.too_deep.start_mark, line_offset), "yaml-too-deep",
                    f"an alias (*name) expands to more than {MAX_DEPTH} levels of nesting, or refers to a node containing it",
                    "remove the anchors/aliases (&name / *name) here and write the values out")
        return None
    if budget.exceeded:
        diags.error(_span(path, nodes[0].start_mark, line_offset), "yaml-too-large",
                    f"YAML aliases expand to more than {MAX_NODES} nodes", "remove the anchors/aliases (&name / *name) that repeat large parts")
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
    diags.error(_span(path, node.start_mark, off), "yaml-tag",
                f"YAML tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed",
                "remove the tag; briefgen files contain only plain values, lists and mappings")
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
        return YScalar(node.value, span, node.style not in (None, ""))
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
                diags.error(_span(path, key_node.start_mark, off), "yaml-merge-key",
                            "merge keys ('<<') are not supported", "write the keys out in full")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                diags.error(_span(path, key_node.start_mark, off), "yaml-complex-key",
                            "mapping keys must be plain text", "use a simple name as the key")
                continue
            key = YScalar(key_node.value, _span(path, key_node.start_mark, off), key_node.style not in (None, ""))
            if key.value in seen:
                first = seen[key.value]
                diags.error(key.span, "yaml-duplicate-key",
                            f"duplicate key '{key.value}' (first defined at line {first.line})",
                            "remove one of the two; YAML would silently keep only the last")
                continue
            seen[key.value] = key.span
            value = _convert(value_node, path, diags, budget, depth + 1)
            if budget.exceeded:
                return None
            if value is not None:
                pairs.append((key, value))
        return YMap(tuple(pairs), span)
    return None  # pragma: no cover - PyYAML has no other node types
