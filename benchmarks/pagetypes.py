"""CPU milliseconds per page type of the site: the model built once, then each page method of the renderer
called R times (best of three), for comparing two checkouts of briefgen on the same briefing.

Usage::

    python benchmarks/synth.py --articles 2000 --entities 300 --out /tmp/synth
    python benchmarks/pagetypes.py --code . --briefing /tmp/synth [--repeat 3]
    python benchmarks/pagetypes.py --code /tmp/main-checkout --briefing /tmp/synth     # the other side

Prints one JSON line: ``home``, ``kind_index`` (all kinds), ``entity(200)`` and ``article(200)`` (the first 200),
``articles_index``, ``timeline``, ``sources``. CPU time (``time.process_time``) rather than wall time, so that a
machine shared with other work still gives comparable figures; alternate the two checkouts a few times and take
the least of each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--code", type=Path, required=True, help="the briefgen checkout to measure")
    p.add_argument("--briefing", type=Path, required=True, help="briefing folder (with content/)")
    p.add_argument("--repeat", type=int, default=3, help="calls of each page method per measurement")
    args = p.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    from briefgen.build import compile_briefing
    from briefgen.diagnostics import Diagnostics
    from briefgen.render import pages

    got = {}
    original = pages.Renderer.pages

    def keep(self):
        got["renderer"] = self
        return original(self)

    pages.Renderer.pages = keep  # type: ignore[method-assign]
    compile_briefing(args.briefing, Diagnostics())
    r = got["renderer"]
    m = r.model
    entities, articles = list(m.entities.values())[:200], list(m.articles.values())[:200]
    cases = {
        "home": lambda: r.home(),
        "kind_index": lambda: [r.kind_index(k) for k in m.config.kinds],
        "entity(200)": lambda: [r.entity(e) for e in entities],
        "articles_index": lambda: r.articles_index(),
        "article(200)": lambda: [r.article(a) for a in articles],
        "timeline": lambda: r.timeline(),
        "sources": lambda: r.sources(),
    }
    out = {}
    for name, run in cases.items():
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            for _ in range(args.repeat):
                run()
            best = min(best, (time.process_time() - start) / args.repeat)
        out[name] = round(best * 1000, 2)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
