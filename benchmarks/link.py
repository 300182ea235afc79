"""Link-stage benchmark: mention finding and the whole link stage, repeated, optionally against an older version.

Usage::

    python benchmarks/link.py --root DIR [--rounds 9] [--seed 1] [--baseline REV] [--gc] [--json FILE]

``DIR`` is a briefing from ``benchmarks/synth.py`` (e.g. ``--articles 2000 --entities 300 --seed 1``). The
briefing is compiled once; then every round times, over the cleaned text of every article and with the
1,000-alias matcher of ``benchmarks/run.py``:

- **finding**: the mentions as the link stage finds them (``Matcher.scan`` per article; ``Matcher.spans``
  per paragraph in versions without ``scan``);
- **stage**: the whole link stage, ``link_paragraphs`` per article (+ each mention's sentence, ``Mention``
  records).

The cyclic garbage collector is paused while timing, as ``compile_briefing`` pauses it for the stages;
``--gc`` leaves it running. With ``--baseline REV`` the ``briefgen/link`` package of that git revision is
loaded beside the current one (its mentions must be the same, or the script stops) and every round times
both, alternating, so the two are compared in the same windows of a host whose speed drifts. Prints the
minimum, median and maximum MB/s (wall and CPU) of each; ``--json`` writes every round.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import run  # noqa: E402  (benchmarks/run.py: the matcher and the timed work)


def load_baseline(rev: str, into: Path):
    """The ``briefgen/link`` package of git revision ``rev`` as a package of its own (``link_<rev>``)."""
    name = "link_" + "".join(c if c.isalnum() else "_" for c in rev)
    pkg = into / name
    pkg.mkdir(parents=True)
    files = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{rev}:briefgen/link"],
                           check=True, capture_output=True, text=True).stdout.split()
    for f in files:
        if f.endswith(".py"):
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:briefgen/link/{f}"],
                                  check=True, capture_output=True, text=True).stdout
            (pkg / f).write_text(text.replace("briefgen.link.", f"{name}."), encoding="utf-8")
    sys.path.insert(0, str(into))
    return importlib.import_module(name), importlib.import_module(f"{name}.matcher")


def fields(mentions) -> list[tuple]:
    return [(m.entity, m.article, m.paragraph, m.start, m.end, m.alias, m.sentence) for m in mentions]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", type=Path, required=True, help="a briefing folder written by benchmarks/synth.py")
    p.add_argument("--seed", type=int, default=1, help="seed of the made-up aliases (as run.py's --seed)")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--baseline", metavar="REV", help="also time briefgen/link of this git revision, alternating")
    p.add_argument("--gc", action="store_true", help="leave the cyclic garbage collector running while timing")
    p.add_argument("--json", type=Path, help="write every round to this file")
    args = p.parse_args(argv)

    import briefgen.link as link
    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.link.matcher import AliasTarget, Matcher

    model = compile_briefing(args.root, Diagnostics()).model
    aliases = run.link_aliases(model, args.seed)
    matcher = Matcher([AliasTarget(*a) for a in aliases])
    arts = list(model.articles.values())
    mb = sum(len(p.text.encode()) for a in arts for p in a.paragraphs) / 1e6
    mentions = [m for a in arts for m in link.link_paragraphs(a.slug, a.paragraphs, matcher)]
    versions = {"current": run.link_work(link, matcher, arts)}
    with tempfile.TemporaryDirectory(prefix="link-bench-") as tmp:
        if args.baseline:
            old, old_matcher = load_baseline(args.baseline, Path(tmp))
            m0 = old_matcher.Matcher([old_matcher.AliasTarget(*a) for a in aliases])
            before = [m for a in arts for m in old.link_paragraphs(a.slug, a.paragraphs, m0)]
            if fields(before) != fields(mentions):
                print(f"link: {args.baseline} finds other mentions than the current version", file=sys.stderr)
                return 1
            versions[args.baseline] = run.link_work(old, m0, arts)
        print(f"{mb:.3f} MB, {len(arts)} articles, {len(aliases)} aliases, {len(mentions)} mentions; "
              f"{args.rounds} rounds, gc {'running' if args.gc else 'paused'}", file=sys.stderr)
        rounds: dict[str, dict[str, list[tuple[float, float]]]] = {v: {"match": [], "link": []} for v in versions}
        for _ in range(args.rounds):
            for v, work in versions.items():
                for what in ("match", "link"):
                    rounds[v][what].append(run.timed(work[what], collect=args.gc))
    summary = {}
    for v, by in rounds.items():
        for what, label in (("match", "finding"), ("link", "stage")):
            wall = [mb / w for w, _ in by[what]]
            cpu = [mb / c for _, c in by[what]]
            summary[f"{v} {label}"] = {"wall": wall, "cpu": cpu}
            print(f"{v:>12} {label:<8} MB/s wall min {min(wall):6.1f} median {statistics.median(wall):6.1f} "
                  f"max {max(wall):6.1f}   CPU min {min(cpu):6.1f} median {statistics.median(cpu):6.1f} "
                  f"max {max(cpu):6.1f}")
    if args.json:
        args.json.write_text(json.dumps({"mb": mb, "aliases": len(aliases), "mentions": len(mentions), "gc": args.gc,
                                         "rounds": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
