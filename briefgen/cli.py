"""Command line: ``briefgen build | check | schema | serve | pdf | suggest``.

Exit codes: 0 ok, 1 content or build error, 2 usage error, 130 interrupted, 141 output pipe closed. Content problems are printed as
``path:line:col: severity[code]: message`` with a hint, never as a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefgen import __version__, gcpolicy
from briefgen.diagnostics import Diagnostics
from briefgen.forks import Ticker


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        self.options: list[str] = [o for parent in kwargs.get("parents", ()) for o in parent.options]
        self.commands: dict[str, _Parser] = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *names, **kwargs):  # remembers the option names, for "did you mean"
        self.options += [n for n in names if isinstance(n, str) and n.startswith("-")]
        return super().add_argument(*names, **kwargs)

    def error(self, message: str):  # usage errors exit 2, as argparse does, with our wording
        self.print_usage(sys.stderr)
        self.exit(2, f"briefgen: error: {message}\n")

    def parse_args(self, args=None, namespace=None):
        """Names unknown options first: argparse alone would complain of the missing COMMAND instead."""
        ns, unknown = self.parse_known_args(args, namespace)
        if unknown:
            known = self.options + (self.commands[ns.command].options if ns.command in self.commands else [])
            close = difflib.get_close_matches(unknown[0].partition("=")[0], known, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if unknown[0].startswith("-") and close else ""
            if close and close[0] == unknown[0].partition("=")[0] and ns.command is not None:  # known, but misplaced
                hint = f" (the options of a command go after it: briefgen {ns.command} {unknown[0]})"
            self.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
        if self.commands and ns.command is None:
            self.error("the following arguments are required: COMMAND")
        return ns


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, at least 1, not {text!r}")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="briefgen",
        description="Build a cross-linked briefing site (and PDF) from source articles and YAML annotations.",
    )
    p.add_argument("--version", action="version", version=f"briefgen {__version__}")
    p.add_argument("-C", dest="root", metavar="DIR", default=".", help="briefing folder (default: current folder)")
    common = _Parser(add_help=False)
    common.add_argument(
        "-C", dest="root", metavar="DIR", default=argparse.SUPPRESS, help="briefing folder (default: current folder)"
    )
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)  # required: _Parser.parse_args
    b = sub.add_parser("build", parents=[common], help="check the content and build site/")
    b.add_argument(
        "--pdf",
        action="store_true",
        help="also export the PDF briefing into site/, linked from the site ('pdf: true' in briefing.yml: always)",
    )
    b.add_argument(
        "--no-cache",
        action="store_true",
        help="build everything again, ignoring and not writing build/.cache (the result is the same)",
    )
    b.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="processes that build pages (default: $BRIEFGEN_JOBS, else one per core, at most 8, when the "
        "briefing has pages enough for each)",
    )
    b.add_argument(
        "--since",
        metavar="PATH",
        default=None,
        help="write 'What's new' since the edition in PATH (a site folder built by briefgen, or its "
        "edition.json); default: the site/ this build replaces, when it holds another edition",
    )
    sub.add_parser("check", parents=[common], help="check the content only; print diagnostics")
    sc = sub.add_parser("schema", help="print the JSON Schema of the annotation files (with this briefing's kinds)")
    sc.add_argument("-C", dest="root", metavar="DIR", default=argparse.SUPPRESS, help="briefing folder")
    s = sub.add_parser("serve", parents=[common], help="build, serve on localhost and rebuild/reload on every save")
    s.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="address to serve on (default 127.0.0.1:8000)",
    )
    s.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow an address other machines can reach (e.g. -a 0.0.0.0:8000): they can read the briefing",
    )
    sg = sub.add_parser(
        "suggest",
        parents=[common],
        help="list what to annotate next: names no alias covers, near-misses, quotes, figures (writes nothing)",
    )
    sg.add_argument(
        "--format", choices=("text", "yaml"), default="text", help="text for reading (default), yaml for tools"
    )
    sg.add_argument(
        "--kind",
        metavar="K",
        default=None,
        help="only names, near-misses, quotes or facts; or only names guessed to be of entity kind K",
    )
    pdf = sub.add_parser("pdf", parents=[common], help="export the briefing (or one pack) as a PDF")
    pdf.add_argument(
        "-o", "--output", metavar="FILE", help="output file (default: site/briefing.pdf, or site/<pack>.pdf)"
    )
    pdf.add_argument("--pack", metavar="ID", help="export only this pack (declared under 'packs:' in briefing.yml)")
    p.commands = sub.choices
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
    """A one-line progress display on a terminal; silent when stderr is piped.

    Stages that count pages or articles show a bar (large briefings); any :meth:`step` still running after
    ``SLOW`` seconds with no bar moving shows its name and time, e.g. ``exporting the PDF… 4 s``.
    """

    SLOW = 2.0

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False
        self._lock = threading.Lock()
        self._steps: list[tuple[str, float]] = []  # (name, start) of the steps under way, innermost last
        self._last_bar = 0.0
        self._line = ""  # the step line on screen now
        self._ticker: Ticker | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < 200:
            return
        width = 30
        filled = width * done // max(total, 1)
        with self._lock:
            sys.stderr.write(f"\r{stage:>6} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}\x1b[K")
            sys.stderr.flush()
            self.shown = True
            self._last_bar = time.monotonic()
            self._line = ""

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Name what runs inside the ``with`` block, for a terminal showing how long it takes."""
        if not self.enabled:
            yield
            return
        with self._lock:
            self._steps.append((name, time.monotonic()))
            if self._ticker is None:  # paused across the build's forks (briefgen.forks)
                self._ticker = Ticker(self._tick, 0.5, "briefgen-progress")
                self._ticker.start()
        try:
            yield
        finally:
            with self._lock:
                self._steps.pop()
                self._erase()

    def _tick(self) -> None:
        with self._lock:
            now = time.monotonic()
            if not self._steps or now - self._last_bar < 1.0:
                return
            name, start = self._steps[-1]
            line = f"{name}… {now - start:.0f} s"
            if now - start >= self.SLOW and line != self._line:
                sys.stderr.write(f"\r{line}\x1b[K")
                sys.stderr.flush()
                self.shown = True
                self._line = line

    def _erase(self) -> None:
        self._line = ""
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False

    def clear(self) -> None:
        """Erase the line and stop showing steps (before the final report)."""
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        with self._lock:
            self._erase()


@gcpolicy.freezing  # one run: what the stages leave lives until it ends (see briefgen/gcpolicy.py)
def cmd_check(args, build: bool) -> int:
    from briefgen.build import (
        Timings,
        compile_briefing,
        emit_site,
        inputs_of,
        last_build,
        remember_build,
        write_markdown,
    )
    from briefgen.cache import PARTS, Store
    from briefgen.emit.project import BUILD_DIR
    from briefgen.model.manifest import base_for, read_since
    from briefgen.parallel_clean import ParallelClean  # no cache: articles are cleaned on all cores
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
    config = _quick_config(root)
    with_pdf = build and (args.pdf or (config is not None and config.pdf))
    had_pdf = build and (root / "site" / "briefing.pdf").is_file()
    cached = build and not args.no_cache
    since = read_since(root, args.since, diags) if build else None  # the earlier edition(s), read before site/ goes
    store = Store.open(root / BUILD_DIR, "build", enabled=cached)
    files: dict[str, str] = {}  # each file's digest, read once
    base = base_for(since, config.edition if config is not None else None)
    inputs = inputs_of(root, with_pdf, files, base, store) if cached else ""
    last = last_build(root, store, inputs) if cached and not diags.items else None
    if last is not None and not any(args.strict or d.severity.value == "error" for d in last.diagnostics):
        diags.extend(last.diagnostics)  # nothing changed since the last build: its site and its report stand
        errors, warnings = _print_diagnostics(diags, args.strict)
        if not args.quiet:
            pdf_kept = " and site/briefing.pdf are" if with_pdf else " is"
            print(
                f"briefgen: site/{pdf_kept} up to date ({time.perf_counter() - t0:.1f} s): {last.pages} pages, "
                f"{last.entities} entities, {last.articles} articles; {_summary(errors, warnings)}",
                file=sys.stderr,
            )
        return 0
    stages = StageCache(Store.open(root / BUILD_DIR, "stages", enabled=cached, parts=PARTS), files) if cached else None
    memo = stages if stages is not None else ParallelClean(getattr(args, "jobs", None))
    with progress.step("checking the content"):
        compiled = compile_briefing(
            root, diags, timings, progress, pdf="briefing.pdf" if with_pdf else None, memo=memo, since=since
        )
    if stages is not None:
        stages.save()
    failed = compiled.model is None or diags.has_errors(args.strict)
    pdf_pages: list[int] = []  # the page count of the PDF exported into the staged site
    if build and not failed:
        extra = None
        if with_pdf:
            from briefgen.emit.pdf import export_pdf

            def extra(staged: Path) -> bool:  # the PDF goes into the staged site, swapped in with it
                t = time.perf_counter()
                with progress.step("exporting the PDF"):
                    done = export_pdf(
                        root, compiled, diags, output=staged / "briefing.pdf", pack=None, strict=args.strict
                    )
                timings.add("pdf", time.perf_counter() - t)
                if done is not None:
                    pdf_pages.append(done.pages)
                return done is not None

        with progress.step("building the site (MkDocs)"):
            known = stages.docs if stages is not None else None
            compiled = write_markdown(root, compiled, timings, known)  # its Markdown is not kept through MkDocs' build
            ok = emit_site(
                root,
                compiled,
                diags,
                timings,
                progress=progress,
                extra=extra,
                workers=args.jobs,
                cache=cached,
                known=known,
            )
        failed = not ok
        if ok and cached:
            remember_build(root, store, inputs, compiled, diags)
    progress.clear()
    errors, warnings = _print_diagnostics(diags, args.strict)
    if not build and compiled.model is not None:
        _print_notes(compiled.model)
    if failed:
        what = "build failed" if build else "check failed"
        kept = " (site/ left as it was)" if build else ""
        print(f"briefgen: {what}: {_summary(errors, warnings)}{kept}", file=sys.stderr)
        return 1
    if not args.quiet:
        m = compiled.model
        assert m is not None  # not failed
        what = f"built site/ in {time.perf_counter() - t0:.1f} s" if build else "content OK"
        pdf = ""
        if pdf_pages:
            size = (root / "site" / "briefing.pdf").stat().st_size
            pdf = f"; site/briefing.pdf: {pdf_pages[0]} pages, {size // 1024} KiB"
        print(
            f"briefgen: {what}: {len(compiled.pages)} pages, {len(m.entities)} entities, "
            f"{len(m.articles)} articles{pdf}; {_summary(errors, warnings)}",
            file=sys.stderr,
        )
        if had_pdf and not with_pdf:
            print(
                "briefgen: note: site/briefing.pdf of the previous build is gone; to keep the PDF in every build, "
                "add 'pdf: true' to content/briefing.yml (or build with --pdf)",
                file=sys.stderr,
            )
    return 0


def _print_notes(model) -> None:
    """``info`` notes of ``briefgen check`` (never counted, never failing): facts named differently."""
    from briefgen.model.differences import naming_notes

    for d in naming_notes(model.facts, model.config.differences):
        print(d.format(), file=sys.stderr)


def _quick_config(root: Path):
    """``content/briefing.yml`` (for ``pdf:`` and ``edition:``), read quietly: the build itself reports the
    file's problems."""
    from briefgen.load import load_yaml_file
    from briefgen.load.annotations import read_briefing

    briefing = root / "content" / "briefing.yml"
    if not briefing.is_file():
        return None
    return read_briefing(load_yaml_file(briefing, root, Diagnostics()), "content/briefing.yml", Diagnostics())


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
    from briefgen.serve.http import is_loopback

    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        print(f"briefgen: error: -a {args.dev_addr}: expected HOST:PORT, e.g. 127.0.0.1:8000", file=sys.stderr)
        return 2
    if not is_loopback(host.strip("[]")) and not args.allow_remote:
        print(
            f"briefgen: error: -a {args.dev_addr} can be reached from other machines, which could then read the "
            f"briefing; add --allow-remote to serve there anyway, or use -a 127.0.0.1:{port}",
            file=sys.stderr,
        )
        return 2
    return serve(Path(args.root).resolve(), host.strip("[]"), int(port), strict=args.strict)


@gcpolicy.freezing  # one run, as check: what the stages and the cache reads leave is frozen, not walked again
def cmd_suggest(args) -> int:
    """``briefgen suggest``: read the briefing (reusing the build cache's load, clean and link results when a build
    left them, never writing it) and print the suggestions. Exit 0, or 1 when the content cannot be read."""
    from briefgen.build import StageMemo, compile_briefing, inputs_of
    from briefgen.cache import PARTS, Store
    from briefgen.emit.project import BUILD_DIR
    from briefgen.parallel_clean import ParallelClean
    from briefgen.stagecache import StageCache
    from briefgen.suggest import SUGGESTION_KINDS, suggest
    from briefgen.suggest.output import as_text, as_yaml

    root = Path(args.root).resolve()
    diags = Diagnostics()
    store = Store.open(root / BUILD_DIR, "stages", parts=PARTS)  # read, never saved: suggest writes nothing
    memo: StageMemo
    if store.data.get("clean"):  # a build left its stage cache: its load, clean and link results are reused
        files: dict[str, str] = {}
        inputs_of(root, False, files)  # each file's digest, read once (the cache's keys)
        memo = StageCache(store, files)
    else:  # nothing kept: cleaning is most of the work, done on all cores
        memo = ParallelClean()
    progress = Progress(sys.stderr.isatty() and not args.quiet)
    with progress.step("reading the briefing"):
        compiled = compile_briefing(root, diags, memo=memo, progress=progress, render_pages_too=False)
    progress.clear()
    model = compiled.model
    if model is None or diags.has_errors():
        errors, warnings = _print_diagnostics(diags, args.strict)
        print(
            f"briefgen: suggest failed: the content has problems ({_summary(errors, warnings)}); fix them first",
            file=sys.stderr,
        )
        return 1
    kinds = [k.id for k in model.config.kinds]
    if args.kind is not None and args.kind not in SUGGESTION_KINDS and args.kind not in kinds:
        print(
            f"briefgen: error: --kind {args.kind}: expected one of {', '.join(SUGGESTION_KINDS)}, or an entity kind "
            f"of this briefing ({', '.join(kinds)})",
            file=sys.stderr,
        )
        return 2
    found = suggest(model, args.kind)
    sys.stdout.write(as_yaml(found) if args.format == "yaml" else as_text(found))
    if not args.quiet:
        print(
            f"briefgen: {len(found.names)} names, {len(found.near_misses)} near-misses, {len(found.quotes)} quotes, "
            f"{len(found.facts)} figures to consider",
            file=sys.stderr,
        )
    return 0


def cmd_pdf(args) -> int:
    """``briefgen pdf [-o FILE] [--pack ID]``: check the content, then export. Exit 0 ok, 1 on any error."""
    from briefgen.emit.typstchild import start_typst

    t0 = time.perf_counter()
    typst = start_typst()  # first: Typst starts up while briefgen imports its stages and checks the content
    from briefgen.build import compile_briefing
    from briefgen.emit.pdf import display_path, export_pdf
    from briefgen.emit.project import BUILD_DIR
    from briefgen.model.manifest import read_since
    from briefgen.render.figures import make as figure_cache
    from briefgen.stagecache import kept_figures, remember_figures

    root = Path(args.root).resolve()
    diags = Diagnostics()
    progress = Progress(sys.stderr.isatty() and not args.quiet)
    since = read_since(root, None, diags)  # the PDF opens with what is new, as the site does
    figure_cache.keep(kept_figures(root / BUILD_DIR))  # the last build's figures: equal inputs are not drawn again
    with progress.step("checking the content"):  # what the PDF holds; the site's pages are not made
        compiled = compile_briefing(root, diags, progress=progress, since=since, render_pages_too=False)
    target = (
        Path(args.output).resolve()
        if args.output
        else root / "site" / (f"{args.pack}.pdf" if args.pack else "briefing.pdf")
    )
    done = None
    if compiled.model is not None and not diags.has_errors(args.strict):
        with progress.step("exporting the PDF"):
            done = export_pdf(root, compiled, diags, target, args.pack, strict=args.strict, typst=typst)
    typst.close()
    if done is not None:  # the figures drawn for it, for the next export (a build keeps its own)
        remember_figures(root / BUILD_DIR, figure_cache.used())
    progress.clear()
    errors, warnings = _print_diagnostics(diags, args.strict)
    shown = display_path(target, root)
    if done is None:
        kept = f" ({shown} left as it was)" if target.exists() else ""
        print(f"briefgen: pdf failed: {_summary(errors, warnings)}{kept}", file=sys.stderr)
        return 1
    if not args.quiet:
        size = done.path.stat().st_size
        print(
            f"briefgen: wrote {shown} in {time.perf_counter() - t0:.1f} s: {done.pages} pages, {size // 1024} KiB; "
            f"{_summary(errors, warnings)}",
            file=sys.stderr,
        )
    return 0


def entry() -> int:
    """The program's entry point (console script, ``python -m briefgen``): :func:`main`, then the process exits.

    A reader that closes the pipe early (``briefgen schema | head``) ends the command quietly with 141, the code a
    shell reports for SIGPIPE; Ctrl-C anywhere ends it with 130 and one line, never a traceback.
    """
    try:
        code = main()
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's own flush at exit
        sys.stderr.flush()
    except BrokenPipeError:
        _silence_output()
        return 141
    except SystemExit:  # argparse's --help, --version and usage errors: their output flushed here as well
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            _silence_output()
            return 141
        raise
    except KeyboardInterrupt:  # outside main()'s own handler: while parsing or flushing
        _say_interrupted()
        return 130
    gcpolicy.before_exit()
    return code


def _silence_output() -> None:
    """Point stdout and stderr at /dev/null so the interpreter's flush at exit cannot fail on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass
    os.close(devnull)


def _say_interrupted() -> None:
    try:
        print("briefgen: interrupted", file=sys.stderr)
    except BrokenPipeError:
        _silence_output()


def main(argv: list[str] | None = None) -> int:
    """The command line. Returns the exit code."""
    args = make_parser().parse_args(argv)
    if args.command in ("serve", "pdf", "suggest") and not Path(args.root).is_dir():
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
        if args.command == "suggest":
            return cmd_suggest(args)
    except KeyboardInterrupt:
        _say_interrupted()
        return 130
    return 2
