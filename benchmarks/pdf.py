"""PDF export benchmark: ``briefgen pdf`` on a briefing (default: the demo), end to end and stage by stage.

Usage::

    python benchmarks/pdf.py [--root DIR] [--pack ID] [--repeat 3] [--tracemalloc] [--bounds] [--json FILE]

1. **End to end**: runs the real command line (``python -m briefgen -C DIR pdf -o TMP``) in a child process,
   ``--repeat`` times; the fastest run counts. Reports wall seconds, the child's CPU seconds and its peak RSS
   (``ru_maxrss`` of exactly that child, from ``os.wait4``), pages and seconds per page.
2. **Stages**, in this process (imports already warm): compile (load → render of the site pages), print
   (the print HTML from the model), layout (WeasyPrint), write (PDF serialisation: drawing, tags, font
   subsetting), the number of layout passes (1 when briefgen numbers the page references itself; 2 when its
   guess of the page count's digits was wrong; more if an override's own ``target-counter()`` makes WeasyPrint
   repaginate) and the number of page layouts. With ``--tracemalloc``, also the peak of Python allocations during the
   export (tracemalloc slows the run down; its times are then not comparable).

3. With ``--bounds``, what the document's parts cost and what the second core could give at most, each in a
   forked child of this process (imports warm, so without start-up; CPU seconds from ``os.wait4``):
   the export as it is; without page references (no ``target-counter()`` rules: no "(p. N)", no contents numbers);
   without any link (every ``<a>`` unwrapped, and no page references); without running headers and footers (the
   ``@page`` margin boxes); and the document cut at the chapter nearest its middle, both halves exported at once in
   two processes (wall = the slower half; merging the two files, which briefgen does not do, not counted).
   Each variant runs ``--repeat`` times, in turn with the others; the fastest run counts.

Targets: the demo in at most 3 s; a 200-page synthetic briefing at most 0.15 s per page (``benchmarks/synth.py``
makes one of 201 pages:
``python benchmarks/synth.py --articles 45 --entities 165 --seed 1 --out /tmp/synth200``). Exit status 0 whether
or not the targets are met; the JSON has them under ``targets``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEMO_TARGET_S = 3.0
PER_PAGE_TARGET_S = 0.15


def end_to_end(root: Path, pack: str | None, out: Path) -> dict:
    """One ``briefgen pdf`` in a child process: wall, CPU and peak RSS of that child."""
    cmd = [sys.executable, "-m", "briefgen", "-C", str(root), "pdf", "-q", "-o", str(out)]
    if pack:
        cmd += ["--pack", pack]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stdout.close()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"briefgen pdf failed (exit {proc.returncode}):\n{stderr}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mib": usage.ru_maxrss / 1024}


def stages(root: Path, pack: str | None, out: Path, trace: bool) -> dict:
    """The export in this process, stage by stage."""
    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.emit.pdf import render_pdf
    from briefgen.render.print import build_print

    if trace:
        tracemalloc.start()
    diags = Diagnostics()
    t0 = time.perf_counter()
    c0 = time.process_time()
    compiled = compile_briefing(root, diags)
    t1 = time.perf_counter()
    if compiled.model is None or diags.has_errors():
        raise SystemExit("\n".join(d.format() for d in diags.sorted()))
    doc = build_print(compiled.model, root, diags, pack)
    if doc is None:
        raise SystemExit("\n".join(d.format() for d in diags.sorted()))
    t2 = time.perf_counter()
    timings: dict = {}
    result = render_pdf(doc, diags, timings)
    if result is None:
        raise SystemExit("WeasyPrint is not installed: pip install 'briefgen[pdf]'")
    data, pages, _ = result
    cpu = time.process_time() - c0
    out.write_bytes(data)
    figures = {
        "pages": pages, "bytes": len(data), "html_bytes": len(doc.html),
        "compile_s": t1 - t0, "print_html_s": t2 - t1, "layout_s": timings["layout"], "write_s": timings["write"],
        "total_s": time.perf_counter() - t0, "cpu_s": cpu,
        "layout_passes": timings["passes"], "page_layouts": timings["page_layouts"],
    }
    if trace:
        figures["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


def _children(jobs: list) -> list[dict]:
    """Run each ``job()`` in a forked child of this process, all at once; their CPU seconds, wall seconds and
    peak RSS (``os.wait4``) and whatever each job returned (pages) when it succeeded."""
    import pickle

    t0 = time.perf_counter()
    running = {}
    for i, job in enumerate(jobs):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, send the result, leave without running the parent's clean-up
            os.close(r)
            try:
                result = job()
            except BaseException as exc:  # noqa: BLE001 - reported by the parent
                result = {"error": repr(exc)}
            with os.fdopen(w, "wb") as f:
                pickle.dump(result, f)
            os._exit(0)
        os.close(w)
        running[pid] = (i, r)
    out: list[dict] = [{} for _ in jobs]
    while running:
        pid, _, usage = os.wait4(-1, 0)
        if pid not in running:
            continue
        i, r = running.pop(pid)
        with os.fdopen(r, "rb") as f:
            data = f.read()
        out[i] = {**(pickle.loads(data) if data else {"error": "no result"}),
                  "cpu_s": usage.ru_utime + usage.ru_stime, "wall_s": time.perf_counter() - t0,
                  "peak_rss_mib": usage.ru_maxrss / 1024}
    return out


def bounds(root: Path, pack: str | None, repeat: int) -> dict:
    """The export of variants of the print document (see the module's docstring, 3.), each ``repeat`` times in
    turn; the fastest run of each counts."""
    import dataclasses
    import re

    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.emit.pdf import render_pdf
    from briefgen.render.print import build_print

    diags = Diagnostics()
    compiled = compile_briefing(root, diags)
    doc = build_print(compiled.model, root, diags, pack) if compiled.model is not None else None
    if doc is None:
        raise SystemExit("\n".join(d.format() for d in diags.sorted()))

    def export(d):
        def job():
            result = render_pdf(d, Diagnostics())
            return {"pages": result[1]}
        return job

    no_refs = re.sub(r"[^{}]*\{[^{}]*target-counter\([^{}]*\}", "", doc.css)
    no_links = re.sub(r"<a\b[^>]*>|</a>", "", doc.html)
    no_margins = re.sub(r"@(?:top|bottom)-(?:left|center|right)\s*\{[^{}]*\}", "", doc.css)
    body = doc.html.index(">", doc.html.index("<body")) + 1
    chapters = [m.start() for m in re.finditer(r'<section class="chapter', doc.html)]
    cut = min(chapters, key=lambda i: abs(i - len(doc.html) // 2)) if chapters else len(doc.html)
    first = dataclasses.replace(doc, html=doc.html[:cut] + "</body></html>")
    second = dataclasses.replace(doc, html=doc.html[:body] + doc.html[cut:])
    variants = {
        "as exported": [doc],
        "no page references": [dataclasses.replace(doc, css=no_refs)],
        "no links": [dataclasses.replace(doc, css=no_refs, html=no_links)],
        "no running headers/footers": [dataclasses.replace(doc, css=no_margins)],
        "two halves on two cores": [first, second],
    }
    out: dict[str, dict] = {}
    for _ in range(max(1, repeat)):  # round robin, so that the host's drift touches every variant alike
        for name, docs in variants.items():
            runs = _children([export(d) for d in docs])
            failed = [r["error"] for r in runs if "error" in r]
            if failed:
                raise SystemExit(f"{name}: {failed[0]}")
            figures = {"pages": sum(r["pages"] for r in runs), "cpu_s": sum(r["cpu_s"] for r in runs),
                       "wall_s": max(r["wall_s"] for r in runs), "parts": runs,
                       # what the variant holds: links, page references, margin boxes (checks on the cuts above)
                       "links": sum(len(re.findall(r"<a\b", d.html)) for d in docs),
                       "page_references": sum(len(re.findall(r"target-counter\(", d.css)) for d in docs[:1]),
                       "margin_boxes": sum(len(re.findall(r"@(?:top|bottom)-", d.css)) for d in docs[:1])}
            best = out.get(name)
            if best is None or figures["wall_s"] < best["wall_s"]:
                out[name] = {**figures, "runs": (best or {}).get("runs", 0)}
            out[name]["runs"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", type=Path, default=ROOT, help="briefing folder (default: the demo, this repository)")
    p.add_argument("--pack", help="export this pack instead of the whole briefing")
    p.add_argument("--repeat", type=int, default=3, help="end-to-end runs; the fastest counts (default 3)")
    p.add_argument("--tracemalloc", action="store_true", help="also measure peak Python allocations (slower)")
    p.add_argument("--bounds", action="store_true",
                   help="also export variants (no page references, no links, no running headers, two halves on "
                        "two cores) to see what the parts cost")
    p.add_argument("--json", type=Path, help="write every figure to this file")
    args = p.parse_args(argv)
    root = args.root.resolve()

    with tempfile.TemporaryDirectory(prefix="briefgen-pdf-bench-") as tmp:
        out = Path(tmp) / "bench.pdf"
        runs = [end_to_end(root, args.pack, out) for _ in range(max(1, args.repeat))]
        best = min(runs, key=lambda r: r["wall_s"])
        st = stages(root, args.pack, Path(tmp) / "stages.pdf", args.tracemalloc)
    pages = st["pages"]
    is_demo = root == ROOT.resolve() and not args.pack
    per_page = best["wall_s"] / pages
    targets = {"demo_wall_s": {"target": DEMO_TARGET_S, "value": best["wall_s"], "met": best["wall_s"] <= DEMO_TARGET_S}
               } if is_demo else {}
    targets["s_per_page"] = {"target": PER_PAGE_TARGET_S, "value": per_page, "met": per_page <= PER_PAGE_TARGET_S}
    report = {
        "root": str(root), "pack": args.pack, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                          "platform": platform.platform(),
                                                          "load_avg": os.getloadavg()},
        "end_to_end": {"runs": runs, "best": best, "s_per_page": per_page, "cpu_s_per_page": best["cpu_s"] / pages},
        "stages": st, "targets": targets,
        "self_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.bounds:
        report["bounds"] = bounds(root, args.pack, args.repeat)
    print(f"briefing      {root}{' --pack ' + args.pack if args.pack else ''}")
    print(f"machine       {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"pages         {pages}  ({st['bytes'] // 1024} KiB)")
    print(f"end to end    {best['wall_s']:.2f} s wall, {best['cpu_s']:.2f} s CPU (best of {len(runs)}): "
          f"{per_page:.3f} s/page wall, {best['cpu_s'] / pages:.3f} s/page CPU; peak RSS {best['peak_rss_mib']:.0f} MiB")
    print(f"stages        compile {st['compile_s']:.2f} s, print HTML {st['print_html_s']:.2f} s, "
          f"layout {st['layout_s']:.2f} s, write {st['write_s']:.2f} s")
    print(f"layout        {st['layout_passes']} passes, {st['page_layouts']} page layouts "
          f"({st['page_layouts'] / pages:.1f} per page)")
    if "tracemalloc_peak_mib" in st:
        print(f"memory        tracemalloc peak {st['tracemalloc_peak_mib']:.0f} MiB")
    if args.bounds:
        base = report["bounds"]["as exported"]
        print(f"bounds        (forked from this process: no start-up; CPU = layout + write; best of {args.repeat})")
        for name, b in report["bounds"].items():
            print(f"  {name:28s} {b['pages']:4d} pages  CPU {b['cpu_s']:6.2f} s ({b['cpu_s'] / base['cpu_s']:4.0%})"
                  f"  wall {b['wall_s']:6.2f} s ({b['wall_s'] / base['wall_s']:4.0%})")
    for name, t in targets.items():
        print(f"target        {name}: {t['value']:.3f} (target {t['target']}) {'met' if t['met'] else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
