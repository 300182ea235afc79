"""Typed, located reading of YAML nodes, driven by key tables.

Each structure (briefing.yml, a kind, an entity, a fact…) is described once by a :class:`KeyTable`:
the reader uses it to report unknown and missing keys, and ``briefgen schema`` turns the same tables
into JSON Schema, so the docs, the validator and the editor schema cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from briefgen.diagnostics import Diagnostics, Span, did_you_mean
from briefgen.load.yamlsafe import YMap, YNode, YScalar, YSeq
from briefgen.slug import is_valid_id, slugify

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Key:
    """One allowed key of a mapping."""

    name: str
    """The key."""
    schema: dict
    """JSON Schema of the value (for ``briefgen schema``)."""
    required: bool = False
    """Whether the key must be present."""
    doc: str = ""
    """One-line description (JSON Schema ``description``)."""


@dataclass(frozen=True)
class KeyTable:
    """The keys of one structure."""

    what: str
    """What the structure is called in messages, e.g. ``entity``."""
    keys: tuple[Key, ...]
    """Allowed keys."""

    def names(self) -> list[str]:
        return [k.name for k in self.keys]

    def json_schema(self, extra: dict | None = None) -> dict:
        props = {k.name: {**k.schema, "description": k.doc} if k.doc else dict(k.schema) for k in self.keys}
        if extra:
            props.update(extra)
        return {
            "type": "object",
            "properties": props,
            "required": [k.name for k in self.keys if k.required],
            "patternProperties": {"^x-": {}},
            "additionalProperties": False,
        }


TEXT = {"type": "string"}
DATE = {"type": "string", "pattern": DATE_RE.pattern}
ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}
URL = {"type": "string", "pattern": r"^https?://"}


def text_or_list(item: dict) -> dict:
    return {"oneOf": [item, {"type": "array", "items": item}]}


class Reader:
    """Reads located YAML nodes into Python values, reporting problems to a collector."""

    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags

    # -- mappings -------------------------------------------------------------------------------
    def mapping(self, node: YNode | None, table: KeyTable, extra_keys: tuple[str, ...] = ()) -> dict[str, YNode] | None:
        """Check ``node`` is a mapping with only known keys and all required ones; return key → node."""
        if node is None:
            return None
        if not isinstance(node, YMap):
            self.diags.error(
                node.span,
                "type",
                f"expected a mapping for the {table.what}, found {describe(node)}",
                f"write the {table.what} as 'key: value' lines",
            )
            return None
        allowed = table.names() + list(extra_keys)
        out: dict[str, YNode] = {}
        for key, value in node.items:
            if key.value.startswith("x-"):
                continue
            if key.value not in allowed:
                self.diags.error(
                    key.span,
                    "unknown-key",
                    f"unknown key '{key.value}' in {table.what}",
                    did_you_mean(key.value, allowed),
                )
                continue
            out[key.value] = value
        for k in table.keys:
            if k.required and (k.name not in out or _is_null(out[k.name])):
                self.diags.error(
                    node.span, "missing-key", f"{table.what} has no '{k.name}'", f"add '{k.name}:' ({k.doc or k.name})"
                )
        return out

    # -- scalars --------------------------------------------------------------------------------
    def text(self, node: YNode | None, what: str, multiline: bool = False) -> str | None:
        if node is None or _is_null(node):
            return None
        if not isinstance(node, YScalar):
            self.diags.error(
                node.span,
                "type",
                f"expected text for '{what}', found {describe(node)}",
                "write a single value; quote it if it contains ': ' or starts with [ or {",
            )
            return None
        value = node.value if multiline else " ".join(node.value.split())
        return value

    def id(self, node: YNode | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        assert node is not None  # a value was read from it
        if not is_valid_id(value):
            self.diags.error(
                node.span,
                "bad-id",
                f"'{value}' is not a valid id for '{what}'",
                f"ids use only a-z, 0-9 and single dashes, e.g. '{slugify(value)}'",
            )
            return None
        return value

    def date(self, node: YNode | None, what: str, partial: bool = True) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        assert node is not None  # a value was read from it
        if not valid_date(value, partial):
            fmt = "YYYY-MM-DD, YYYY-MM or YYYY" if partial else "YYYY-MM-DD"
            self.diags.error(
                node.span, "bad-date", f"'{value}' is not a valid date for '{what}'", f"write the date as {fmt}"
            )
            return None
        return value

    def number(self, node: YNode | None, what: str) -> float | None:
        value = self.text(node, what)
        if value is None:
            return None
        assert node is not None  # a value was read from it
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            number = float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            self.diags.error(
                node.span,
                "bad-number",
                f"'{value}' is not a number for '{what}'",
                "write a plain number such as 12 or 3.5; put units in the field's 'unit:'",
            )
            return None
        return number

    def boolean(self, node: YNode | None, what: str) -> bool | None:
        value = self.text(node, what)
        if value is None:
            return None
        assert node is not None  # a value was read from it
        if value not in ("true", "false"):
            self.diags.error(
                node.span,
                "bad-bool",
                f"'{value}' is not true or false for '{what}'",
                "write true or false (yes/no/on/off are not accepted)",
            )
            return None
        return value == "true"

    def url(self, node: YNode | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        assert node is not None  # a value was read from it
        if not is_http_url(value):
            self.diags.error(
                node.span,
                "bad-url",
                f"'{value}' is not an http(s) address for '{what}'",
                "only http:// and https:// addresses are allowed",
            )
            return None
        return value

    def choice(self, node: YNode | None, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        assert node is not None  # a value was read from it
        if value not in choices:
            self.diags.error(
                node.span, "bad-value", f"'{value}' is not allowed for '{what}'", did_you_mean(value, choices)
            )
            return None
        return value

    # -- lists ----------------------------------------------------------------------------------
    def seq(self, node: YNode | None, what: str, single_ok: bool = True) -> tuple[YNode, ...]:
        """Items of a list; a single value counts as a one-item list when ``single_ok``."""
        if node is None or _is_null(node):
            return ()
        if isinstance(node, YSeq):
            return node.items
        if single_ok and not isinstance(node, YMap):
            return (node,)
        self.diags.error(
            node.span,
            "type",
            f"expected a list for '{what}', found {describe(node)}",
            "write one item per line, each starting with '- '",
        )
        return ()

    def texts(self, node: YNode | None, what: str) -> tuple[str, ...]:
        return tuple(v for v in (self.text(n, what) for n in self.seq(node, what)) if v is not None)


def _is_null(node: YNode) -> bool:
    return isinstance(node, YScalar) and node.is_null


def describe(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return f"'{node.value}'"


def valid_date(value: str, partial: bool = True) -> bool:
    m = DATE_RE.match(value)
    if not m:
        return False
    year, month, day = m.group(1), m.group(2), m.group(3)
    if not partial and day is None:
        return False
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return False
    return True


def is_http_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>\"'`]+$", value, re.IGNORECASE)) and len(value) < 2048


def text_span(node: YNode) -> Span:
    """Where a text value is written, with each of its characters placed when it is a scalar (for Markdown: its
    citations and links are then reported at their own line and column)."""
    return node.text_span() if isinstance(node, YScalar) else node.span


def node_span(node: YNode | None, default: Span) -> Span:
    return node.span if node is not None else default
