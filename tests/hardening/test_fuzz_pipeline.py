"""Fuzzing the whole pipeline: random captures and annotation YAML (made from the JSON Schema, then mutated)
through the whole compile, and a few through the real ``briefgen build``.

What must hold for every case: no traceback; every diagnostic located (relative path, line and column >= 1);
a failing check or build exits 1 and names a place for each error; a failed build leaves the previous site/
byte for byte as it was.

Examples per test: ``BRIEFGEN_FUZZ_EXAMPLES`` (default 60, a short run for CI). The long run (docs/reliability.md):

    BRIEFGEN_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest tests/hardening/test_fuzz_pipeline.py -q \
        -p no:randomly --hypothesis-show-statistics
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hardening_support import BASE, tree
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from briefgen.cli import main
from briefgen.load.schema import json_schema

EXAMPLES = int(os.environ.get("BRIEFGEN_FUZZ_EXAMPLES", "60"))
PIPELINE = settings(deadline=None, max_examples=EXAMPLES, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
CLI = settings(PIPELINE, max_examples=max(3, EXAMPLES // 100))

SCHEMA = json_schema()
DEFS = SCHEMA["$defs"]
LOCATED = re.compile(r"^[^/\s][^:\n]*:\d+:\d+: (error|warning)\[[a-z0-9-]+\]: ", re.MULTILINE)
MB = 1 << 20

# -- annotation YAML from the schema ----------------------------------------------------------------------

def from_schema(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid for ``node`` (a subset of JSON Schema: what briefgen's schema uses)."""
    if "$ref" in node:
        return st.deferred(lambda: from_schema(DEFS[node["$ref"].rsplit("/", 1)[-1]], depth + 1))
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "oneOf" in node or "anyOf" in node:
        return st.one_of(*[from_schema(n, depth + 1) for n in node.get("oneOf", node.get("anyOf", []))])
    kind = node.get("type")
    if isinstance(kind, list):
        return st.one_of(*[from_schema({**node, "type": k}, depth) for k in kind])
    if kind == "string":
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).map(lambda s: s[:40])
        return st.text(max_size=30)
    if kind == "integer":
        return st.integers(-10, 10_000)
    if kind == "number":
        return st.one_of(st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(from_schema(node.get("items", {}), depth + 1), max_size=3 if depth < 4 else 0)
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        required = set(node.get("required", []))
        extra = node.get("additionalProperties")
        values = st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
                                 from_schema(extra, depth + 1), max_size=2 if depth < 4 else 0) \
            if isinstance(extra, dict) else st.just({})
        return st.tuples(
            st.fixed_dictionaries({k: from_schema(v, depth + 1) for k, v in props.items() if k in required},
                                  optional={k: from_schema(v, depth + 1) for k, v in props.items()
                                            if k not in required and depth < 5}),
            values).map(lambda kv: {**kv[1], **kv[0]})
    return st.one_of(st.none(), st.text(max_size=10), st.integers())


ODD_VALUES = [None, True, "yes", "no", 1.10, "1.10.2", -1, "", "../../etc", "javascript:alert(1)", [], {},
              "2019-02-30", "<script>alert(1)</script>", "entity:nope", "x" * 500, {"a": [1, {"b": None}]}]


@st.composite
def mutated(draw, document: st.SearchStrategy[Any]) -> str:
    """A document valid for the schema, as YAML text, then changed by a few random mutations."""
    data = draw(document)
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["retype", "drop", "unknown", "wrap"]))
        holder = pick_container(draw, data)
        if holder is None:
            data = draw(st.sampled_from(ODD_VALUES))
            continue
        keys = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        if op == "retype":
            holder[key] = draw(st.sampled_from(ODD_VALUES))
        elif op == "drop":
            del holder[key]
        elif op == "unknown" and isinstance(holder, dict):
            holder[draw(st.sampled_from(["sumary", "kinds", "x-note", "id", "Name", "facts"]))] = draw(st.sampled_from(ODD_VALUES))
        else:
            holder[key] = [holder[key]]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for _ in range(draw(st.integers(0, 2))):  # damage the text itself
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\t", ": ", "- ", "{", "]", "&a", "*a", "\x00", "\ufeff", "!!str ",
                                                 "\n  ", "'", "\"", "#"])) + text[at:]
    return text


def pick_container(draw, data: Any) -> dict | list | None:
    node, path = data, [data]
    while True:
        children = [v for v in (node.values() if isinstance(node, dict) else node) if isinstance(v, dict | list)]
        if not children or not draw(st.booleans()):
            break
        node = draw(st.sampled_from(children))
        path.append(node)
    return node if isinstance(node, dict | list) else None


def annotations(name: str) -> st.SearchStrategy[str]:
    return mutated(from_schema(DEFS[name]))


# -- captures ---------------------------------------------------------------------------------------------

WORDS = ["Alice", "Example", "Bob", "Strelsau", "Ruritania", "talks", "said", "the", "on", "Thursday", "é", "€", "ß",
         "\u202e", "\u200b", "😀", "&amp;", "&#0;", "&#xD800;", "\\", "`", "*", "_", "[", "](", ")", "{:", "}", "<!--"]
TAGS = ["<html>", "<head>", "<title>", "</title>", "<body>", "<p>", "</p>", "<div>", "</div>", "<article>", "<h1>",
        "</h1>", "<script>", "</script>", "<style>", "</style>", "<br>", "<table><tr><td>", "</table>", "<meta name=",
        "<a href=", "\"javascript:x\"", ">", "<", "</", "<!DOCTYPE html>", "<![CDATA[", "]]>", "<svg><foreignObject>",
        "<noscript>", "<template>", "<iframe srcdoc='<p>x'>", "&nbsp;", " ", "\n", "\r\n", "\r"]

prose = st.lists(st.sampled_from(WORDS + [" ", " ", "\n", "\n\n", ". "]), max_size=80).map("".join)
soup = st.lists(st.one_of(st.sampled_from(TAGS), st.sampled_from(WORDS)), max_size=120).map("".join)


@st.composite
def deep(draw) -> str:
    n = draw(st.sampled_from([50, 500, 3000, 20_000]))
    opener, closer = draw(st.sampled_from([("<div>", "</div>"), ("<b><i>", ""), ("> ", ""), ("[", "]"), ("- ", ""),
                                           ("<ul><li>", "</li></ul>")]))
    return opener * n + draw(prose) + closer * n


@st.composite
def long_line(draw) -> str:
    size = draw(st.sampled_from([MB // 2, MB, MB + 10]))
    word = draw(st.sampled_from(["Alice met Bob in Strelsau. ", "x", "<b>", "é", " "]))
    return "Headline\n\n" + (word * (size // len(word.encode()) + 1)) + "\n"


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32"]


@st.composite
def capture_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "text", "soup", "deep", "long", "mixed"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    text = draw({"text": prose, "soup": soup, "deep": deep(), "long": long_line(), "mixed": prose}[kind])
    if kind == "mixed":  # pieces in different encodings in one file
        parts = [draw(prose).encode(draw(st.sampled_from(ENCODINGS)), errors="replace") for _ in range(3)]
        return b"".join(parts)
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


# -- one case ---------------------------------------------------------------------------------------------

CASE = st.fixed_dictionaries({
    "capture": capture_bytes(),
    "fmt": st.sampled_from(["txt", "md", "html"]),
    "article": st.one_of(st.none(), annotations("article")),
    "entities": st.one_of(st.none(), annotations("entities_file")),
    "briefing": st.one_of(st.none(), st.none(), annotations("briefing")),
})


def lay_out(root: Path, case: dict[str, Any]) -> None:
    content = root / "content"
    if not content.exists():
        shutil.copytree(BASE / "content", content)
    (content / "articles" / f"fuzzed.{case['fmt']}").write_bytes(case["capture"])
    if case["article"] is not None:
        (content / "articles" / "fuzzed.yml").write_text(case["article"], encoding="utf-8")
    if case["entities"] is not None:
        (content / "entities" / "fuzzed.yml").write_text(case["entities"], encoding="utf-8")
    if case["briefing"] is not None:
        (content / "briefing.yml").write_text(case["briefing"], encoding="utf-8")


def assert_reported_well(code: int, stderr: str) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr[-3000:]
    assert code in (0, 1), (code, stderr[-3000:])
    problems = [line for line in stderr.splitlines() if re.search(r"\b(error|warning)\[", line)]
    for line in problems:
        assert LOCATED.match(line), f"a diagnostic without a place: {line!r}"
        assert ":0:" not in line.split(": ", 1)[0], line
    if code == 1:
        assert any(" error[" in line for line in problems), stderr[-3000:]


@PIPELINE
@given(CASE)
def test_check_on_fuzzed_content_reports_every_problem_at_its_place(case: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="briefgen-fuzz-") as d:
        root = Path(d)
        lay_out(root, case)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["-C", str(root), "check"])
        event(f"exit {code}")  # --hypothesis-show-statistics: how many cases failed the check, how many passed
        assert_reported_well(code, err.getvalue())


@pytest.mark.slow
@CLI
@given(CASE)
def test_build_on_fuzzed_content_fails_cleanly_and_keeps_the_site(tmp_path_factory, case: dict[str, Any]) -> None:
    root = tmp_path_factory.mktemp("fuzzbuild")
    shutil.copytree(BASE / "content", root / "content")
    first = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(root), "build", "-q"],
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = tree(root / "site")
    lay_out(root, case)
    proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(root), "build"],
                          capture_output=True, text=True, timeout=600)
    event(f"exit {proc.returncode}")
    assert_reported_well(proc.returncode, proc.stderr)
    if proc.returncode == 1:
        assert tree(root / "site") == before, "a failed build changed site/"
    else:
        assert (root / "site" / "index.html").is_file()
    assert not [p.name for p in root.iterdir() if p.name.startswith(".briefgen-")], "a build left files behind"


def test_the_report_check_rejects_what_the_fuzzing_must_catch() -> None:
    """The harness's own check fails on a traceback, a diagnostic without a place, a bad exit code."""
    good = "content/articles/fuzzed.txt:3:7: error[file-binary]: binary data\n  hint: …\nbriefgen: check failed\n"
    assert_reported_well(1, good)
    for code, stderr in [(1, "Traceback (most recent call last):\n"), (1, "error[file-binary]: binary data\n"),
                         (1, "/abs/fuzzed.txt:3:7: error[file-binary]: x\n"), (1, "content/a.yml:0:1: error[x]: y\n"),
                         (1, "briefgen: check failed\n"), (2, good), (0, "content/a.yml:1:1 warning[x]: y\n")]:
        with pytest.raises(AssertionError):
            assert_reported_well(code, stderr)
