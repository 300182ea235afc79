"""Command line: ``briefgen build | check | schema | serve | pdf``.

Exit codes: 0 ok, 1 content or build error, 2 usage error. Content problems are printed as
``path:line:col: severity[code]: message`` with a hint, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from briefgen import __version__
from briefgen.diagnostics import Diagnostics


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as argparse does, with our wording
        self.print_usage(sys.stderr)
        self.exit(2, f"briefgen: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="briefgen", description="Build a cross-linked briefing site (and PDF) from source articles and YAML annotations.")
    p.add_argument("--version", action="version", version=f"briefgen {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-C", dest="root", metavar="DIR", default=".", help="briefing folder (default: current folder)")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("build", parents=[common], help="check the content and build site/")
    sub.add_parser("check", parents=[common], help="check the content only; print diagnostics")
    sub.add_parser("schema", help="print the JSON Schema of the annotation files")
    return p


def _print_diagnostics(diags: Diagnostics, strict: bool) -> tuple[int, int]:
    errors = warnings = 0
    for d in diags.sorted():
        print(d.format(strict), file=sys.stderr)
        if d.severity.value == "error" or strict:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def _summary(errors: int, warnings: int) -> str:
    def n(k: int, w: str) -> str:
        return f"{k} {w}{'' if k == 1 else 's'}"
    return f"{n(errors, 'error')}, {n(warnings, 'warning')}"


def cmd_check(args, build: bool) -> int:
    from briefgen.build import Timings, compile_briefing, emit_site

    root = Path(args.root)
    if not root.is_dir():
        print(f"briefgen: error: {args.root}: no such folder", file=sys.stderr)
        return 2
    root = root.resolve()
    diags = Diagnostics()
    timings = Timings()
    t0 = time.perf_counter()
    compiled = compile_briefing(root, diags, timings)
    failed = compiled.model is None or diags.has_errors(args.strict)
    if build and not failed:
        ok = emit_site(root, compiled, diags, timings)
        failed = not ok
    errors, warnings = _print_diagnostics(diags, args.strict)
    if failed:
        what = "build failed" if build else "check failed"
        kept = " (site/ left as it was)" if build else ""
        print(f"briefgen: {what}: {_summary(errors, warnings)}{kept}", file=sys.stderr)
        return 1
    if not args.quiet:
        m = compiled.model
        what = f"built site/ in {time.perf_counter() - t0:.1f} s" if build else "content OK"
        print(f"briefgen: {what}: {len(compiled.pages)} pages, {len(m.entities)} entities, "
              f"{len(m.articles)} articles; {_summary(errors, warnings)}", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from briefgen.load.schema import json_schema

    print(json.dumps(json_schema(), indent=2, sort_keys=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        if args.command == "build":
            return cmd_check(args, build=True)
        if args.command == "check":
            return cmd_check(args, build=False)
        if args.command == "schema":
            return cmd_schema(args)
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return 130
    return 2
