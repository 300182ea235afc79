"""YAML and naming edge cases through the command line: each gives a located error and exit code 1.

Two sources of cases:
- every golden build case whose expected diagnostics hold errors (tests/golden/build/*: duplicate keys, tabs,
  invalid UTF-8, python tags, alias bombs, unknown keys, dangling references, bad ids…) is run through
  ``briefgen check`` here, for the exit code and the printed location (the golden test compares diagnostics
  in process only);
- the cases below, which the golden cases do not cover.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.cli import main as briefgen_main
from hardening_support import base_briefing
from test_golden_build import CASES as GOLDEN, assemble, case_names

BRIEFING = "content/briefing.yml"


def check(root: Path, capsys, *args: str) -> tuple[int, str]:
    code = briefgen_main(["-C", str(root), "check", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def golden_error_cases() -> list[str]:
    out = []
    for name in case_names():
        expected = GOLDEN / name / "expected" / "diagnostics.txt"
        if expected.is_file() and "error[" in expected.read_text():
            out.append(name)
    return out


@pytest.mark.parametrize("name", golden_error_cases())
def test_golden_error_case_exits_1_with_located_errors(name: str, tmp_path: Path, capsys) -> None:
    root = assemble(GOLDEN / name, tmp_path / name)
    code, err = check(root, capsys)
    assert code == 1, err
    for line in (GOLDEN / name / "expected" / "diagnostics.txt").read_text().splitlines():
        if "error[" in line:
            assert line in err, f"{line!r} not printed:\n{err}"


def _deep_flow() -> str:
    return "- " + "[" * 100 + "]" * 100 + "\n"


def _replace(path: str, old: str, new: str):
    def edit(root: Path) -> None:
        f = root / path
        text = f.read_text()
        assert old in text, (path, old)
        f.write_text(text.replace(old, new, 1))
    return edit


# (name, files to write (path → text or bytes) or an edit function, expected "path:line:col: error[code]")
CASES = [
    ("nesting-too-deep", {"content/entities/deep.yml": _deep_flow()}, "content/entities/deep.yml:1:66: error[yaml-too-deep]"),
    ("block-nesting-too-deep", {"content/entities/deep.yml": "".join(" " * (2 * i) + "- \n" for i in range(80))},
     "content/entities/deep.yml:65:129: error[yaml-too-deep]"),
    ("self-referencing-alias", {"content/entities/loop.yml": "- &e {id: loop, kind: actor, name: Loop, aliases: [*e]}\n"},
     "content/entities/loop.yml:1:3: error[yaml-too-deep]"),
    ("python-object-apply", {"content/entities/evil.yml": "- !!python/object/apply:os.system ['touch {marker}']\n"},
     "content/entities/evil.yml:1:3: error[yaml-tag]"),
    ("python-name-tag", {"content/articles/talks.yml": "title: !!python/name:os.system\n"},
     "content/articles/talks.yml:1:8: error[yaml-tag]"),
    ("yes-in-a-boolean", _replace(BRIEFING, "date: {type: dates, required: true}", "date: {type: dates, required: yes}"),
     "content/briefing.yml:24:37: error[bad-bool]"),
    ("on-in-a-boolean", {"content/entities/amb.yml": "- id: amb\n  kind: actor\n  name: Amb\n  aliases: [{text: Am, ambiguous: on}]\n"},
     "content/entities/amb.yml:4:35: error[bad-bool]"),
    ("impossible-date", {"content/articles/talks.yml": "title: T\ndate: 2019-02-30\n"}, "content/articles/talks.yml:2:7: error[bad-date]"),
    ("timestamp-not-date", _replace(BRIEFING, "as_of: 2020-01-31", "as_of: 2020-01-31T10:00:00"), "content/briefing.yml:3:8: error[bad-date]"),
    ("number-where-number-meant", {"content/entities/x.yml": "- id: city\n  kind: place\n  name: City\n  area: 1.10.2\n"},
     "content/entities/x.yml:4:9: error[bad-number]"),
    ("duplicate-key-in-flow-mapping", {"content/entities/dup.yml": "- {id: d, kind: actor, name: D, name: E}\n"},
     "content/entities/dup.yml:1:33: error[yaml-duplicate-key]"),
    ("merge-key", {"content/entities/merge.yml": "- &a {id: m1, kind: actor, name: M}\n- <<: *a\n  id: m2\n"},
     "content/entities/merge.yml:2:3: error[yaml-merge-key]"),
    ("complex-key", {"content/entities/ck.yml": "- ? [id]\n  : x\n  kind: actor\n  name: K\n"}, "content/entities/ck.yml:1:5: error[yaml-complex-key]"),
    ("two-documents", {"content/articles/talks.yml": "title: T\n---\ntitle: U\n"}, "content/articles/talks.yml:3:1: error[yaml-multiple-documents]"),
    ("utf16-file", {"content/articles/talks.yml": "title: T\n".encode("utf-16")}, "content/articles/talks.yml:1:4: error[file-binary]"),
    ("nul-byte", {"content/entities/nul.yml": b"- id: n\n  kind: actor\n  name: N\x00\n"}, "content/entities/nul.yml:3:10: error[file-binary]"),
    ("yaml-too-big", {"content/entities/big.yml": "# " + "x" * (6 * 1024 * 1024) + "\n"}, "content/entities/big.yml:1:1: error[file-too-large]"),
    ("empty-briefing", {BRIEFING: ""}, "content/briefing.yml:1:1: error[briefing-empty]"),
    ("scalar-entities-file", {"content/entities/s.yml": "just some text\n"}, "content/entities/s.yml:1:1: error[type]"),
    ("unknown-key-in-kind", _replace(BRIEFING, "    plural: Places", "    plural: Places\n    plurl: Placez"),
     "content/briefing.yml:16:5: error[unknown-key]"),
    ("kind-plurals-collide-after-slugging", _replace(BRIEFING, "    plural: Places", "    plural: ACTORS!"),
     "content/briefing.yml:13:3: error[kind-slug-collision]"),
    ("kind-plural-slugs-to-a-reserved-folder", _replace(BRIEFING, "    plural: Places", "    plural: Articles"),
     "content/briefing.yml:15:13: error[kind-slug-reserved]"),
    ("captures-share-a-slug", {"content/articles/talks.md": "---\ntitle: Same slug\n---\nText.\n"},
     "content/articles/talks.txt:1:1: error[duplicate-slug]"),
    ("capture-names-derive-one-slug", {"content/articles/Talks Again.txt": "Alice met Bob again in Strelsau.\n",
                                       "content/articles/talks_again.html": "<p>Alice met Bob again.</p>\n"},
     "content/articles/talks_again.html:1:1: error[duplicate-slug]"),
    ("entity-id-not-a-slug", {"content/entities/id.yml": "- {id: ../../etc, kind: actor, name: Path}\n"},
     "content/entities/id.yml:1:8: error[bad-id]"),
    ("dangling-fact-subject", {"content/articles/talks.yml": "title: T\ndate: 2020-01-10\nfacts:\n"
                                                              "  - {subject: nobody, property: p, value: v, quote: met in Strelsau}\n"},
     "content/articles/talks.yml:4:15: error[unknown-entity]"),
    ("dangling-quote-source", {"content/entities/q.yml": "- id: q\n  kind: actor\n  name: Q\n  quotes:\n"
                                                        "    - {text: hello, source: no-such-article}\n"},
     "content/entities/q.yml:5:7: error[unknown-article]"),
    ("pack-refers-to-unknown-entity", _replace(BRIEFING, "kinds:", "packs:\n  p1: {title: P, entities: [nobody]}\nkinds:"),
     "content/briefing.yml:7:29: error[unknown-entity]"),
]


@pytest.mark.parametrize("name, files, expected", CASES, ids=[c[0] for c in CASES])
def test_edge_case_gives_located_error_and_exit_1(name: str, files, expected: str, tmp_path: Path, capsys) -> None:
    root = base_briefing(tmp_path / "b")
    marker = tmp_path / "pwned-marker"
    if callable(files):
        files(root)
    else:
        for rel, data in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, str):
                target.write_text(data.replace("{marker}", str(marker)), encoding="utf-8")
            else:
                target.write_bytes(data)
    code, err = check(root, capsys)
    assert code == 1, err
    assert expected in err, f"expected {expected!r} in:\n{err}"
    located = [line for line in err.splitlines() if re.match(r"^\S.*?:\d+:\d+: error\[[a-z-]+\]: ", line)]
    assert located, err
    assert not marker.exists(), "a YAML tag ran code"


def test_scalars_stay_text_and_build(tmp_path: Path, capsys) -> None:
    """no/on/yes/1.10 and dates where text is meant are not errors: they stay what was typed (see the golden
    case yaml-scalars-stay-text for the pages)."""
    root = base_briefing(tmp_path / "b")
    (root / "content" / "entities" / "s.yml").write_text("- {id: n, kind: actor, name: no, aliases: [on, '1.10'], side: 2019-12-20}\n")
    code, err = check(root, capsys, "--strict")
    assert code == 0, err
