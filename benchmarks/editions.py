"""The edition step on a synthetic briefing: the manifest made from the model, written, read back and compared.

    .venv/bin/python benchmarks/editions.py --articles 1000 --entities 300

Prints the best of ``--repeat`` runs of each part (the model is compiled once, not timed). The figures are in
docs/editions.md ("What it costs").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from briefgen.build import compile_briefing  # noqa: E402
from briefgen.diagnostics import Diagnostics  # noqa: E402
from briefgen.model.edition import compare  # noqa: E402
from briefgen.model.manifest import dump_manifest, manifest_from_json, manifest_of  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--entities", type=int, default=300)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        synth.write(Path(tmp), args.articles, args.entities, 1)
        model = compile_briefing(Path(tmp), Diagnostics()).model
    assert model is not None
    best: dict[str, float] = {}

    def timed(name: str, f):
        t = time.perf_counter()
        out = f()
        best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
        return out

    for _ in range(args.repeat):
        manifest = timed("manifest_of", lambda: manifest_of(model))
        data = timed("write", lambda: dump_manifest(manifest))
        back = timed("read", lambda: manifest_from_json(json.loads(data)))
        changes = timed("compare", lambda: compare(back, manifest))
    assert back == manifest and changes.empty
    print(f"{len(model.articles)} articles, {len(model.entities)} entities, "
          f"{sum(len(v) for v in model.facts.values())} facts; edition.json {len(data) // 1024} KiB")
    for name, seconds in best.items():
        print(f"  {name:12} {seconds * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
