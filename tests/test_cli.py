"""The command line as a user meets it: exit codes, located messages, no tracebacks, site kept on failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

BASE = ROOT / "tests" / "golden" / "build" / "_base"


def make(tmp_path: Path) -> Path:
    shutil.copytree(BASE / "content", tmp_path / "b" / "content")
    return tmp_path / "b"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli().returncode == 2
    assert run_cli("frobnicate").returncode == 2
    proc = run_cli("-C", str(tmp_path / "missing"), "check")
    assert proc.returncode == 2
    assert "no such folder" in proc.stderr


UNKNOWN_OPTIONS = {  # arguments -> what the error must say
    ("--frobnicate",): "unrecognized arguments: --frobnicate\n",
    ("--frobnicate", "build"): "unrecognized arguments: --frobnicate\n",
    ("build", "--strcit"): "unrecognized arguments: --strcit (did you mean --strict?)",
    ("--strcit", "check"): "unrecognized arguments: --strcit (did you mean --strict?)",
    ("pdf", "--outptu=x.pdf"): "unrecognized arguments: --outptu=x.pdf (did you mean --output?)",
    ("serve", "--dev-adr", "x"): "unrecognized arguments: --dev-adr x (did you mean --dev-addr?)",
    ("-q", "build"): "unrecognized arguments: -q (the options of a command go after it: briefgen build -q)",
    ("--strict", "check"): "unrecognized arguments: --strict (the options of a command go after it: briefgen check --strict)",
}


@pytest.mark.parametrize("args", sorted(UNKNOWN_OPTIONS))
def test_unknown_options_are_named(args: tuple[str, ...], tmp_path: Path) -> None:
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert f"briefgen: error: {UNKNOWN_OPTIONS[args]}" in proc.stderr
    assert "required" not in proc.stderr and "Traceback" not in proc.stderr
    assert not list(tmp_path.iterdir()), "a usage error writes nothing"


@pytest.mark.parametrize("addr", ["0.0.0.0:8765", "[::]:8765", "192.0.2.7:8765"])
def test_serving_beyond_this_machine_needs_allow_remote(addr: str, tmp_path: Path) -> None:
    proc = run_cli("-C", str(make(tmp_path)), "serve", "-a", addr, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert f"-a {addr} can be reached from other machines" in proc.stderr and "--allow-remote" in proc.stderr
    assert not (tmp_path / "b" / "site").exists() and not (tmp_path / "b" / "build").exists()


def test_a_missing_command_is_still_said(tmp_path: Path) -> None:
    proc = run_cli("-C", str(tmp_path))
    assert proc.returncode == 2 and "the following arguments are required: COMMAND" in proc.stderr


def test_not_a_briefing_folder(tmp_path: Path) -> None:
    proc = run_cli("-C", str(tmp_path), "check")
    assert proc.returncode == 1
    assert "content/briefing.yml:1:1: error[no-briefing]" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_ok_and_summary(tmp_path: Path) -> None:
    root = make(tmp_path)
    proc = run_cli("-C", str(root), "check")
    assert proc.returncode == 0, proc.stderr
    assert "content OK" in proc.stderr
    assert not (root / "site").exists() and not (root / "build").exists(), "check must not write anything"


def test_all_errors_reported_together_with_hints(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "content" / "entities" / "bad.yml").write_text(
        "- id: x1\n  kind: actr\n  name: X\n- id: x2\n  kind: actor\n  name: Y\n  sumary: s\n")
    (root / "content" / "briefing.yml").write_text((BASE / "content" / "briefing.yml").read_text() + "titel: dup\n")
    proc = run_cli("-C", str(root), "check")
    assert proc.returncode == 1
    err = proc.stderr
    assert "content/entities/bad.yml:2:9: error[unknown-kind]: unknown kind 'actr'" in err
    assert "did you mean 'actor'?" in err
    assert "content/entities/bad.yml:7:3: error[unknown-key]: unknown key 'sumary' in entity" in err
    assert "did you mean 'summary'?" in err
    assert "content/briefing.yml:" in err and "unknown key 'titel'" in err
    assert "Traceback" not in err


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "content" / "articles" / "talks.yml").write_text("title: T\noutlet: O\n")
    proc = run_cli("-C", str(root), "check")
    assert proc.returncode == 0 and "warning[article-no-date]" in proc.stderr
    strict = run_cli("-C", str(root), "check", "--strict")
    assert strict.returncode == 1 and "error[article-no-date]" in strict.stderr


def test_failed_build_keeps_previous_site(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert run_cli("-C", str(root), "build").returncode == 0
    before = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert any(str(p).endswith("actors/alice.html") for p in before)
    (root / "content" / "entities" / "base.yml").write_text("- id: [broken\n")
    proc = run_cli("-C", str(root), "build")
    assert proc.returncode == 1 and "site/ left as it was" in proc.stderr
    after = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in root.iterdir() if p.name.startswith(".briefgen-")], "no staging folders left behind"


def test_schema_is_json_and_covers_the_files(tmp_path: Path) -> None:
    proc = run_cli("-C", str(tmp_path), "schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert set(schema["$defs"]) >= {"briefing", "entity", "article"}
    assert "aliases" in schema["$defs"]["entity"]["properties"]
    assert schema["$defs"]["briefing"]["required"] == ["title", "as_of", "kinds"]


def test_schema_knows_the_briefings_kinds(tmp_path: Path) -> None:
    root = make(tmp_path)
    schema = json.loads(run_cli("-C", str(root), "schema").stdout)
    variants = {v["properties"]["kind"]["const"]: v for v in schema["$defs"]["entity"]["oneOf"]}
    assert set(variants) == {"actor", "place", "meeting"}
    meeting = variants["meeting"]
    assert "participants" in meeting["properties"] and "date" in meeting["required"]
    assert meeting["additionalProperties"] is False


# command -> the stream its reader closes early (`| head`, `2>&1 | head`), and the exit codes allowed: 141 as for
# SIGPIPE; argparse's own --help output may meet the closed pipe in argparse, which ignores it (0), or at our flush
# (141), depending on how the stream is buffered
CLOSED_PIPE_CASES = {
    "schema": (["schema"], "stdout", (141,)),
    "help": (["--help"], "stdout", (0, 141)),
    "check": (["check"], "stderr", (141,)),
    "build": (["build"], "stderr", (141,)),
}


@pytest.mark.parametrize("case", sorted(CLOSED_PIPE_CASES))
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path, case: str) -> None:
    args, closed, codes = CLOSED_PIPE_CASES[case]
    root = make(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: every write fails with EPIPE
    try:
        streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, closed: write_end}
        proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(root), *args], text=True, timeout=300,
                              stdout=streams["stdout"], stderr=streams["stderr"])
    finally:
        os.close(write_end)
    other = proc.stderr if closed == "stdout" else proc.stdout
    assert proc.returncode in codes, other
    assert other == "", "nothing but the closed stream's output was due, and no traceback"
