"""PDF export benchmark: ``briefgen pdf`` on a briefing (default: the demo), end to end and stage by stage.

Usage::

    python benchmarks/pdf.py [--root DIR] [--pack ID] [--repeat 3] [--json FILE]

1. **End to end**: runs the real command line (``python -m briefgen -C DIR pdf -o TMP``) in a child process,
   ``--repeat`` times; the fastest run counts. Reports wall seconds, CPU seconds and peak RSS of that command
   (``os.wait4``: its own and its Typst child's, whichever is larger), pages and seconds per page.
2. **Stages**, in this process (imports already warm): compile (load → model and edition, as ``briefgen pdf``
   does: no site pages), print data (the :class:`PrintData` of the model), and Typst (data.json written, the
   child process compiling, the PDF read back): seconds, and the peak RSS of this process and of the Typst child
   apart (a staged compile's steps are further children: the peak is that of the largest), and whether Typst
   compiled in stages (docs/pdf.md, "Staged compiles").

Targets (issue 17): the demo in at most 1.5 s wall including start-up; at most 30 ms a page on the ~200-page
synthetic briefing (``python benchmarks/synth.py --articles 45 --entities 165 --seed 1 --out /tmp/synth200``);
peak memory at most 500 MiB. Exit status 0 whether or not the targets are met; the JSON has them under ``targets``.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEMO_TARGET_S = 1.5
PER_PAGE_TARGET_S = 0.030
PEAK_TARGET_MIB = 500


def end_to_end(root: Path, pack: str | None, out: Path) -> dict:
    """One ``briefgen pdf`` in a child process: wall, CPU and peak RSS of that child (and its Typst child)."""
    cmd = [sys.executable, "-m", "briefgen", "-C", str(root), "pdf", "-q", "-o", str(out)]
    if pack:
        cmd += ["--pack", pack]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"briefgen pdf failed (exit {proc.returncode}):\n{stderr}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mib": usage.ru_maxrss / 1024}


def stages(root: Path, pack: str | None, work: Path) -> dict:
    """The export in this process, stage by stage (Typst in its child process, as always)."""
    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.emit.pdf import render_pdf
    from briefgen.emit.typstchild import TypstChild
    from briefgen.model.manifest import read_since
    from briefgen.render.print import build_print

    diags = Diagnostics()
    t0 = time.perf_counter()
    c0 = time.process_time()
    # as `briefgen pdf` does: the model and the edition, no site pages
    compiled = compile_briefing(root, diags, since=read_since(root, None, diags), render_pages_too=False)
    t1 = time.perf_counter()
    if compiled.model is None or diags.has_errors():
        raise SystemExit("\n".join(d.format() for d in diags.sorted()))
    doc = build_print(compiled.model, root, diags, pack)
    if doc is None:
        raise SystemExit("\n".join(d.format() for d in diags.sorted()))
    t2 = time.perf_counter()
    self_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = TypstChild(work)
    try:
        result = render_pdf(doc, work, diags, child)
    finally:
        child.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    t3 = time.perf_counter()
    if result is None:
        raise SystemExit("\n".join(d.format() for d in diags.sorted()))
    pdf, pages = result
    return {
        "pages": pages, "bytes": pdf.stat().st_size, "data_bytes": (work / "root" / "templates" / "print" /
                                                                    "data.json").stat().st_size,
        "compile_s": t1 - t0, "print_data_s": t2 - t1, "typst_s": t3 - t2, "total_s": t3 - t0,
        "parent_cpu_s": time.process_time() - c0,
        "parent_peak_rss_mib": max(self_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # the first child of this process (stages run before the end-to-end runs): its peak is the Typst child's
        "typst_child_peak_rss_mib": after.ru_maxrss / 1024,
        "typst_child_cpu_s": after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime,
        # "native": one compile; "final": staged (docs/pdf.md, "Staged compiles"), after this many steps
        "typst_mode": child.outcome.get("mode"), "typst_steps": child.outcome.get("steps"),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", type=Path, default=ROOT, help="briefing folder (default: the demo, this repository)")
    p.add_argument("--pack", help="export this pack instead of the whole briefing")
    p.add_argument("--repeat", type=int, default=3, help="end-to-end runs; the fastest counts (default 3)")
    p.add_argument("--json", type=Path, help="write every figure to this file")
    args = p.parse_args(argv)
    root = args.root.resolve()

    with tempfile.TemporaryDirectory(prefix="briefgen-pdf-bench-") as tmp:
        work = Path(tmp) / "stages"
        work.mkdir()
        st = stages(root, args.pack, work)  # first: the only child so far is then its Typst child
        out = Path(tmp) / "bench.pdf"
        runs = [end_to_end(root, args.pack, out) for _ in range(max(1, args.repeat))]
        best = min(runs, key=lambda r: r["wall_s"])
    pages = st["pages"]
    is_demo = root == ROOT.resolve() and not args.pack
    per_page = best["wall_s"] / pages
    peak = max(r["peak_rss_mib"] for r in runs)
    targets = {"demo_wall_s": {"target": DEMO_TARGET_S, "value": best["wall_s"], "met": best["wall_s"] <= DEMO_TARGET_S}
               } if is_demo else {}
    targets["s_per_page"] = {"target": PER_PAGE_TARGET_S, "value": per_page, "met": per_page <= PER_PAGE_TARGET_S}
    targets["peak_rss_mib"] = {"target": PEAK_TARGET_MIB, "value": peak, "met": peak <= PEAK_TARGET_MIB}
    report = {
        "root": str(root), "pack": args.pack, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                          "platform": platform.platform(),
                                                          "load_avg": os.getloadavg()},
        "end_to_end": {"runs": runs, "best": best, "s_per_page": per_page, "cpu_s_per_page": best["cpu_s"] / pages},
        "stages": st, "targets": targets,
    }
    print(f"briefing      {root}{' --pack ' + args.pack if args.pack else ''}")
    print(f"machine       {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"pages         {pages}  ({st['bytes'] // 1024} KiB; data.json {st['data_bytes'] // 1024} KiB)")
    print(f"end to end    {best['wall_s']:.2f} s wall, {best['cpu_s']:.2f} s CPU (best of {len(runs)}): "
          f"{per_page * 1000:.1f} ms/page wall; peak RSS {peak:.0f} MiB")
    print(f"stages        compile {st['compile_s']:.2f} s, print data {st['print_data_s']:.2f} s, "
          f"typst {st['typst_s']:.2f} s ({st['typst_child_cpu_s']:.2f} s CPU in the child; "
          f"{'one compile' if st['typst_mode'] == 'native' else str(st['typst_steps']) + ' steps, then the PDF'})")
    print(f"memory        this process {st['parent_peak_rss_mib']:.0f} MiB, the Typst child "
          f"{st['typst_child_peak_rss_mib']:.0f} MiB (peak RSS each)")
    for name, t in targets.items():
        print(f"target        {name}: {t['value']:.3f} (target {t['target']}) {'met' if t['met'] else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
