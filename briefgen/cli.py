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

from briefgen import __version__, gcpolicy
from briefgen.diagnostics import Diagnostics


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as argparse does, with our wording
        self.print_usage(sys.stderr)
        self.exit(2, f"briefgen: error: {message}\n")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, at least 1, not {text!r}")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="briefgen", description="Build a cross-linked briefing site (and PDF) from source articles and YAML annotations.")
    p.add_argument("--version", action="version", version=f"briefgen {__version__}")
    p.add_argument("-C", dest="root", metavar="DIR", default=".", help="briefing folder (default: current folder)")
    common = _Parser(add_help=False)
    common.add_argument("-C", dest="root", metavar="DIR", default=argparse.SUPPRESS,
                        help="briefing folder (default: current folder)")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    b = sub.add_parser("build", parents=[common], help="check the content and build site/")
    b.add_argument("--pdf", action="store_true", help="also export the PDF briefing into site/ (linked from the site)")
    b.add_argument("--no-cache", action="store_true",
                   help="build everything again, ignoring and not writing build/.cache (the result is the same)")
    b.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help="processes that build pages (default: $BRIEFGEN_JOBS, else the number of cores)")
    sub.add_parser("check", parents=[common], help="check the content only; print diagnostics")
    sc = sub.add_parser("schema", help="print the JSON Schema of the annotation files (with this briefing's kinds)")
    sc.add_argument("-C", dest="root", metavar="DIR", default=argparse.SUPPRESS, help="briefing folder")
    s = sub.add_parser("serve", parents=[common], help="build, serve on localhost and rebuild/reload on every save")
    s.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                   help="address to serve on (default 127.0.0.1:8000)")
    pdf = sub.add_parser("pdf", parents=[common], help="export the briefing (or one pack) as a PDF")
    pdf.add_argument("-o", "--output", metavar="FILE", help="output file (default: site/briefing.pdf, or site/<pack>.pdf)")
    pdf.add_argument("--pack", metavar="ID", help="export only this pack (declared under 'packs:' in briefing.yml)")
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


class Progress:
    """A one-line progress display on a terminal; silent when stderr is piped."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < 200:
            return
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{stage:>6} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def cmd_check(args, build: bool) -> int:
    from briefgen.build import Timings, compile_briefing, emit_site, inputs_of, last_build, remember_build
    from briefgen.cache import Store
    from briefgen.emit.project import BUILD_DIR
    from briefgen.stagecache import StageCache

    root = Path(args.root)
    if not root.is_dir():
        print(f"briefgen: error: {args.root}: no such folder", file=sys.stderr)
        return 2
    root = root.resolve()
    diags = Diagnostics()
    timings = Timings()
    t0 = time.perf_counter()
    progress = Progress(sys.stderr.isatty() and not args.quiet)
    with_pdf = build and getattr(args, "pdf", False)
    cached = build and not args.no_cache
    store = Store.open(root / BUILD_DIR, "build", enabled=cached)
    files: dict[str, str] = {}  # each file's digest, read once
    inputs = inputs_of(root, with_pdf, files) if cached else ""
    last = last_build(root, store, inputs) if cached else None
    if last is not None and not any(args.strict or d.severity.value == "error" for d in last.diagnostics):
        diags.extend(last.diagnostics)  # nothing changed since the last build: its site and its report stand
        errors, warnings = _print_diagnostics(diags, args.strict)
        if not args.quiet:
            print(f"briefgen: site/ is up to date ({time.perf_counter() - t0:.1f} s): {last.pages} pages, "
                  f"{last.entities} entities, {last.articles} articles; {_summary(errors, warnings)}", file=sys.stderr)
        return 0
    stages = StageCache(Store.open(root / BUILD_DIR, "stages", enabled=cached), files) if cached else None
    compiled = compile_briefing(root, diags, timings, progress, pdf="briefing.pdf" if with_pdf else None,
                                memo=stages)
    if stages is not None:
        stages.save()
    failed = compiled.model is None or diags.has_errors(args.strict)
    if build and not failed:
        extra = None
        if with_pdf:
            from briefgen.emit.pdf import export_pdf

            def extra(staged: Path) -> bool:  # the PDF goes into the staged site, swapped in with it
                t = time.perf_counter()
                done = export_pdf(root, compiled, diags, output=staged / "briefing.pdf", pack=None, strict=args.strict)
                timings.add("pdf", time.perf_counter() - t)
                return done is not None
        ok = emit_site(root, compiled, diags, timings, progress=progress, extra=extra, workers=args.jobs,
                       cache=cached)
        failed = not ok
        if ok and cached:
            remember_build(root, store, inputs, compiled, diags)
    progress.clear()
    errors, warnings = _print_diagnostics(diags, args.strict)
    if failed:
        what = "build failed" if build else "check failed"
        kept = " (site/ left as it was)" if build else ""
        print(f"briefgen: {what}: {_summary(errors, warnings)}{kept}", file=sys.stderr)
        return 1
    if not args.quiet:
        m = compiled.model
        assert m is not None  # not failed
        what = f"built site/ in {time.perf_counter() - t0:.1f} s" if build else "content OK"
        print(f"briefgen: {what}: {len(compiled.pages)} pages, {len(m.entities)} entities, "
              f"{len(m.articles)} articles; {_summary(errors, warnings)}", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from briefgen.load import load_yaml_file
    from briefgen.load.annotations import read_briefing
    from briefgen.load.schema import json_schema

    config = None
    briefing = Path(args.root) / "content" / "briefing.yml"
    if briefing.is_file():
        diags = Diagnostics()
        root = Path(args.root).resolve()
        config = read_briefing(load_yaml_file(briefing.resolve(), root, diags), "content/briefing.yml", diags)
        if diags.has_errors():
            _print_diagnostics(diags, False)
            print("briefgen: schema: briefing.yml has errors; printing the schema without its kinds", file=sys.stderr)
            config = None
    print(json.dumps(json_schema(config), indent=2, sort_keys=False, ensure_ascii=False))
    return 0


def cmd_serve(args) -> int:
    from briefgen.serve import serve

    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        print(f"briefgen: error: -a {args.dev_addr}: expected HOST:PORT, e.g. 127.0.0.1:8000", file=sys.stderr)
        return 2
    return serve(Path(args.root).resolve(), host.strip("[]"), int(port), strict=args.strict)


def cmd_pdf(args) -> int:
    """``briefgen pdf [-o FILE] [--pack ID]``: check the content, then export. Exit 0 ok, 1 on any error."""
    from briefgen.build import compile_briefing
    from briefgen.emit.pdf import display_path, export_pdf

    root = Path(args.root).resolve()
    t0 = time.perf_counter()
    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    target = (Path(args.output).resolve() if args.output
              else root / "site" / (f"{args.pack}.pdf" if args.pack else "briefing.pdf"))
    done = None
    if compiled.model is not None and not diags.has_errors(args.strict):
        done = export_pdf(root, compiled, diags, target, args.pack, strict=args.strict)
    errors, warnings = _print_diagnostics(diags, args.strict)
    shown = display_path(target, root)
    if done is None:
        kept = f" ({shown} left as it was)" if target.exists() else ""
        print(f"briefgen: pdf failed: {_summary(errors, warnings)}{kept}", file=sys.stderr)
        return 1
    if not args.quiet:
        size = done.path.stat().st_size
        print(f"briefgen: wrote {shown} in {time.perf_counter() - t0:.1f} s: {done.pages} pages, {size // 1024} KiB; "
              f"{_summary(errors, warnings)}", file=sys.stderr)
    return 0


def entry() -> int:
    """The program's entry point (console script, ``python -m briefgen``): :func:`main`, then the process exits."""
    code = main()
    gcpolicy.before_exit()
    return code


def main(argv: list[str] | None = None) -> int:
    """The command line. Returns the exit code."""
    args = make_parser().parse_args(argv)
    if args.command in ("serve", "pdf") and not Path(args.root).is_dir():
        print(f"briefgen: error: {args.root}: no such folder", file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "pdf":
            return cmd_pdf(args)
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
