"""Golden cases of the clean stage: one folder per case under ``tests/golden/clean/``.

A case folder holds ``capture.txt`` / ``capture.html`` / ``capture.md``, optionally ``overrides.yml``
(``keep:`` / ``remove:`` lists, as in an article annotation's ``cleaning:`` key) and ``expected.yml``:

```yaml
notes: |            # free text for reviewers; kept when the file is regenerated
  Why the expected output is what an analyst wants.
detected: {title: ..., date: ..., byline: ..., outlet: ..., url: ..., date_evidence: ...}
paragraphs:         # the kept paragraphs, in order (role: heading, standfirst or caption; none for body text)
  - {line: 7, text: "Russia and Japan's foreign ministers met on Thursday to try…"}
  - {line: 9, role: heading, text: "Talks resume"}
removed:            # everything removed, in capture order
  - {line: 1, category: metadata, reason: headline, text: "Russia, Japan meet to try to end WWII islands dispute"}
diagnostics:        # path:line:col: severity[code], sorted
  - "overrides.yml:3:5: warning[cleaning-unmatched]"
```

A ``text`` ending in ``…`` matches any text starting with what precedes it; otherwise texts must be equal.
Adding a case = adding a folder. ``BRIEFGEN_UPDATE_GOLDEN=1`` rewrites ``expected.yml`` from the current output
(texts cut to ~60 characters) — then review every change by hand: expected files state what a careful analyst
wants, not what the code happens to emit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from briefgen.clean import CleaningOverrides, clean_capture
from briefgen.diagnostics import Diagnostics, Span

CASES_DIR = Path(__file__).resolve().parent.parent / "golden" / "clean"
UPDATE = os.environ.get("BRIEFGEN_UPDATE_GOLDEN") == "1"
FORMATS = {".txt": "txt", ".html": "html", ".md": "md"}
CUT = 60


def _cases() -> list[Path]:
    return sorted(p for p in CASES_DIR.iterdir() if p.is_dir() and _capture(p) is not None)


def _capture(case: Path) -> Path | None:
    found = [case / f"capture{ext}" for ext in FORMATS if (case / f"capture{ext}").exists()]
    return found[0] if found else None


def load_overrides(path: Path) -> CleaningOverrides:
    """``keep`` / ``remove`` lists of an overrides.yml, each entry with the span where it is written."""
    if not path.exists():
        return CleaningOverrides()
    root = yaml.compose(path.read_text(encoding="utf-8"))
    lists: dict[str, tuple] = {"keep": (), "remove": ()}
    for key_node, value_node in root.value:
        lists[key_node.value] = tuple(
            (item.value, Span(path.name, item.start_mark.line + 1, item.start_mark.column + 1))
            for item in value_node.value
        )
    return CleaningOverrides(keep=lists["keep"], remove=lists["remove"])


def _cut(text: str) -> str:
    if len(text) <= CUT + 10:
        return text
    cut = text[:CUT]
    if " " in cut[CUT // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut + "…"


def run_case(case: Path) -> tuple[dict, Diagnostics]:
    capture = _capture(case)
    assert capture is not None
    diags = Diagnostics()
    result = clean_capture(capture.read_text(encoding="utf-8"), FORMATS[capture.suffix], capture.name,
                           load_overrides(case / "overrides.yml"), diags)
    actual = {
        # the values only; where and how each was found is checked by the metadata cases (tests/golden/meta/)
        "detected": {k: v for k, v in vars(result.detected).items() if v is not None and k != "sources"},
        "paragraphs": [{"line": p.span.line, **({"role": p.role} if p.role != "body" else {}), "text": p.text}
                       for p in result.paragraphs],
        "removed": [{"line": r.span.line, "category": r.category, "reason": r.reason, "text": r.text}
                    for r in result.removed],
        "diagnostics": [f"{d.span}: {d.severity.value}[{d.code}]" for d in diags.sorted()],
    }
    for i, p in enumerate(result.paragraphs, start=1):
        assert p.number == i
    return actual, diags


def _text_matches(expected: str, actual: str) -> bool:
    if expected.endswith("…"):
        return actual.startswith(expected[:-1])
    return actual == expected


def _compare_list(name: str, expected: list[dict], actual: list[dict]) -> list[str]:
    problems = []
    for i, (e, a) in enumerate(zip(expected, actual), start=1):
        wrong = [k for k in {**e, **a} if k != "text" and e.get(k) != a.get(k)]
        if wrong or not _text_matches(str(e.get("text", "")), a["text"]):
            problems.append(f"{name}[{i}]: expected {e}\n{' ' * (len(name) + 6)}got      {dict(a, text=_cut(a['text']))}")
    if len(expected) != len(actual):
        problems.append(f"{name}: expected {len(expected)} entries, got {len(actual)}")
        longer = actual[len(expected):] if len(actual) > len(expected) else expected[len(actual):]
        label = "unexpected" if len(actual) > len(expected) else "missing"
        problems.extend(f"  {label}: {dict(x, text=_cut(str(x.get('text', ''))))}" for x in longer)
    return problems


def _flow(value) -> str:
    """One entry on one line; strings JSON-quoted (valid YAML, newlines shown as \\n)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _keep_reviewed(old: list[dict], i: int, actual: dict) -> dict:
    """The entry as already reviewed when it still matches (a hand-written full text stays), else a new cut."""
    if i < len(old):
        e = old[i]
        if all(e.get(k) == v for k, v in actual.items() if k != "text") and _text_matches(str(e.get("text")), actual["text"]):
            return dict(actual, text=e["text"])
    return dict(actual, text=_cut(actual["text"]))


def _write_expected(case: Path, actual: dict) -> None:
    """Rewrite expected.yml from the actual output (one line per entry), keeping the reviewer's ``notes``."""
    path = case / "expected.yml"
    old = yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}
    notes = old.get("notes")
    parts = []
    if notes:
        parts.append("notes: |\n" + "\n".join(f"  {line}".rstrip() for line in notes.rstrip("\n").split("\n")))
    detected = yaml.safe_dump(actual["detected"], allow_unicode=True, width=10**6, default_flow_style=False,
                              sort_keys=False)
    parts.append("detected:" + ("\n" + "\n".join("  " + line for line in detected.splitlines())
                                if actual["detected"] else " {}"))
    for key in ("paragraphs", "removed", "diagnostics"):
        items = actual[key]
        if key != "diagnostics":
            items = [_keep_reviewed(old.get(key, []), i, x) for i, x in enumerate(items)]
        parts.append(f"{key}:" + ("".join(f"\n  - {_flow(x)}" for x in items) if items else " []"))
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    actual, diags = run_case(case)
    if UPDATE:
        _write_expected(case, actual)
    expected_path = case / "expected.yml"
    assert expected_path.exists(), f"{case.name}: no expected.yml (run with BRIEFGEN_UPDATE_GOLDEN=1, then review it)"
    expected = yaml.safe_load(expected_path.read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    if expected.get("detected", {}) != actual["detected"]:
        problems.append(f"detected: expected {expected.get('detected', {})}\n          got      {actual['detected']}")
    problems += _compare_list("paragraphs", expected.get("paragraphs", []), actual["paragraphs"])
    problems += _compare_list("removed", expected.get("removed", []), actual["removed"])
    if expected.get("diagnostics", []) != actual["diagnostics"]:
        problems.append(f"diagnostics: expected {expected.get('diagnostics', [])}\n"
                        f"             got      {actual['diagnostics']}\n"
                        + "\n".join(d.format() for d in diags.sorted()))
    assert not problems, f"{case.name}:\n" + "\n".join(problems)


def test_cases_exist() -> None:
    names = {p.name for p in _cases()}
    assert len(names) >= 10 and any(n.startswith("seed-") for n in names)
