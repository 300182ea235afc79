"""How good and how fast ``briefgen suggest`` is, on labelled briefings.

Usage::

    .venv/bin/python benchmarks/suggest.py                       # the demo (content/) and a 60-article synthetic one
    .venv/bin/python benchmarks/suggest.py --synth 200 --entities 60
    .venv/bin/python benchmarks/suggest.py --speed 2000         # + seconds of `briefgen suggest` on 2,000 articles
    .venv/bin/python benchmarks/suggest.py --json /tmp/suggest.json

The labelled set is a briefing's own annotations. For each briefing:

* **names** — the annotations are removed (no entities, no facts, no quotes; kinds kept) and ``suggest`` runs on
  the bare captures. *Recall*: of the annotated people, places and organisations (kinds ``--name-kinds``) that the
  full briefing finds in the story text, the share that some suggestion names (its name or one of its aliases is
  one of the entity's aliases, ignoring case). *Precision@30*: of the 30 best-ranked name suggestions, the share
  that names an annotated entity of any kind;
* **quotes** — only the quotes are removed (the entities stay known). *Recall*: of the annotated quotes, the
  share a quote suggestion covers (same speaker and article, one text inside the other, typography ignored).

Speed: ``briefgen suggest`` as a command (a child process) on a synthetic briefing, first with no build cache,
then after ``briefgen build`` (whose stage cache it reads): wall seconds, and CPU seconds of the command and the
workers it forks (on a busy machine the CPU time is the steadier figure). Report the load average with them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from briefgen.clean import clean_capture  # noqa: E402
from briefgen.diagnostics import Diagnostics  # noqa: E402
from briefgen.link import build_matcher, link_paragraphs  # noqa: E402
from briefgen.load import load_content  # noqa: E402
from briefgen.load.types import Content  # noqa: E402
from briefgen.model import build_model, check_aliases, check_entities  # noqa: E402
from briefgen.model.locate import normalize  # noqa: E402
from briefgen.model.types import Model  # noqa: E402
from briefgen.suggest import suggest  # noqa: E402

NAME_KINDS = ("actor", "person", "place", "island", "organisation", "organization")
"""Kinds whose entities are the people, places and organisations of the labelled set."""


def model_of(content: Content, cleaned: dict) -> Model:
    diags = Diagnostics()
    entities = check_entities(content, diags)
    matcher = build_matcher(tuple(e.spec for e in entities.values()), check_aliases(entities, diags))
    mentions = {a.slug: link_paragraphs(a.slug, cleaned[a.slug].paragraphs, matcher) for a in content.articles}
    return build_model(content, entities, cleaned, mentions, diags)


def without(content: Content, entities: bool, quotes: bool) -> Content:
    """The content with annotations removed: entities (and every fact and quote), or only quotes."""
    arts = tuple(dataclasses.replace(a, quotes=(), facts=() if entities else a.facts) for a in content.articles)
    ents = () if entities else tuple(dataclasses.replace(e, quotes=()) for e in content.entities)
    return dataclasses.replace(content, articles=arts, entities=ents)


def evaluate(root: Path, name_kinds: tuple[str, ...], top: int = 30) -> dict:
    diags = Diagnostics()
    content = load_content(root, diags)
    assert content is not None, [d.format() for d in diags.items]
    cleaned = {a.slug: clean_capture(a.text, a.fmt, a.path, a.overrides, diags, first_line=a.body_line)
               for a in content.articles}
    full = model_of(content, cleaned)
    aliases = {e.spec.id: {a.text.casefold() for a in e.spec.aliases} for e in full.entities.values()}
    by_alias = {a: eid for eid, s in aliases.items() for a in s}
    wanted = sorted(eid for eid, e in full.entities.items() if e.kind.id in name_kinds and full.mentions.get(eid))

    t = time.perf_counter()
    bare = suggest(model_of(without(content, entities=True, quotes=True), cleaned))
    seconds = time.perf_counter() - t
    named: dict[str, str] = {}  # entity id → the suggestion that names it
    for n in bare.names:
        for form in (n.name, *n.aliases):
            if form.casefold() in by_alias:
                named.setdefault(by_alias[form.casefold()], n.name)
    found = [eid for eid in wanted if eid in named]
    best = bare.names[:top]
    right = [n for n in best if any(f.casefold() in by_alias for f in (n.name, *n.aliases))]

    annotated = [q for qs in full.quotes.values() for q in qs]
    asked = suggest(model_of(without(content, entities=False, quotes=True), cleaned), "quotes").quotes
    got = []
    for q in annotated:
        want = normalize(q.spec.text)
        if any(s.speaker == q.spec.speaker and s.source == q.spec.source and
               (want in normalize(s.text) or normalize(s.text) in want) for s in asked):
            got.append(q)
    return {
        "briefing": str(root), "articles": len(content.articles),
        "names": {"annotated": len(wanted), "found": len(found),
                  "recall": round(len(found) / len(wanted), 3) if wanted else None,
                  "missed": [full.entities[e].spec.name for e in wanted if e not in named],
                  f"precision@{top}": round(len(right) / len(best), 3) if best else None,
                  "wrong in top": [n.name for n in best if n not in right], "suggestions": len(bare.names)},
        "quotes": {"annotated": len(annotated), "found": len(got),
                   "recall": round(len(got) / len(annotated), 3) if annotated else None,
                   "missed": [q.spec.text[:60] for q in annotated if q not in got], "suggestions": len(asked)},
        "suggest seconds (bare)": round(seconds, 2),
    }


def synth(articles: int, entities: int, out: Path) -> Path:
    subprocess.run([sys.executable, str(HERE / "synth.py"), "--articles", str(articles), "--entities", str(entities),
                    "--seed", "1", "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


def timed(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the command and the workers it forks) of ``briefgen ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "briefgen", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def speed(articles: int, entities: int, work: Path) -> dict:
    folder = synth(articles, entities, work / f"speed-{articles}")
    shutil.rmtree(folder / "build", ignore_errors=True)
    load = os.getloadavg()[0]
    cold = timed(["suggest", "-C", str(folder), "-q"])
    timed(["build", "-C", str(folder), "-q"])
    warm = timed(["suggest", "-C", str(folder), "-q"])
    return {"articles": articles, "entities": entities,
            "no build first": {"wall s": round(cold[0], 1), "cpu s": round(cold[1], 1)},
            "after a build": {"wall s": round(warm[0], 1), "cpu s": round(warm[1], 1)},
            "load average before, after": [round(load, 2), round(os.getloadavg()[0], 2)], "cores": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--demo", default=str(ROOT), help="a briefing folder with annotations (default: the demo)")
    ap.add_argument("--synth", type=int, default=60, metavar="N", help="articles of the synthetic briefing (0: none)")
    ap.add_argument("--entities", type=int, default=40, help="entities of the synthetic briefing")
    ap.add_argument("--speed", type=int, default=0, metavar="N", help="also time `briefgen suggest` on N articles")
    ap.add_argument("--name-kinds", default=",".join(NAME_KINDS), help="kinds counted as people, places, organisations")
    ap.add_argument("--json", metavar="FILE", help="write the figures here too")
    args = ap.parse_args(argv)
    kinds = tuple(args.name_kinds.split(","))
    results = {"demo": evaluate(Path(args.demo).resolve(), kinds)}
    with tempfile.TemporaryDirectory(prefix="suggest-bench-") as tmp:
        work = Path(tmp)
        if args.synth:
            results["synthetic"] = evaluate(synth(args.synth, args.entities, work / "labelled"), kinds)
        if args.speed:
            results["speed"] = speed(args.speed, max(args.entities, 300), work)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
