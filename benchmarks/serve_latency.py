"""Save → visible latency of ``briefgen serve`` (a benchmark, not a timed test).

Usage::

    python benchmarks/serve_latency.py                       # the demo and a 2,000-article synthetic briefing
    python benchmarks/serve_latency.py --only demo --runs 5
    python benchmarks/serve_latency.py --only synth --articles 2000 --entities 300 --seed 1 [--json FILE]
    python benchmarks/serve_latency.py --only synth --in-process --runs 5 [--cprofile 40]   # stage CPU, no browser
    python benchmarks/serve_latency.py --only synth --edit entity-renamed --runs 5          # another kind of edit

For each briefing it copies the content to a temporary folder, starts the real ``briefgen serve -a
127.0.0.1:0`` (a child process, as a user runs it), opens the page that shows the edited text in Debian's
Chromium (Playwright; ``/usr/bin/chromium`` or ``--chromium``) and then, ``--runs`` times:

1. writes one edit of one annotation file with a new unique word (demo: an entity's summary; synthetic: the
   ``notes`` of one article's annotation file, or with ``--edit`` an entity added, an entity renamed or an alias
   added, see :data:`EDITS`), and takes the time just before the write;
2. measures **save → reload event**: a long-poll on ``/.briefgen/state`` (what the page's own script does)
   returns with a new version that tells that page to reload;
3. measures **save → visible**: Playwright polls the open page (every 10 ms) until the new word is in its
   content (``textContent`` of ``.md-content``, which needs no layout) and then waits two animation frames, so
   the new text has been painted — nobody touches the browser, the page updates by itself. ``--probe
   innertext`` polls ``document.body.innerText`` instead (the method of the first figures; it lays out the
   whole page at every poll, which on a 2,310-page site keeps a core busy while the server rebuilds);
4. records the server's own report (``rebuilt N pages in S s``) of that rebuild, with its stages' wall
   seconds and the building thread's CPU seconds (``BRIEFGEN_SERVE_TIMINGS=1``), and the load average.

The synthetic briefing comes from ``benchmarks/synth.py`` (deterministic). Targets: ≤ 0.5 s on the demo,
≤ 1.5 s at 2,000 articles. Prints a table; ``--json`` writes every figure. Exit status 0 either way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGETS = {"demo": 0.5, "synth": 1.5}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class Serve:
    """``briefgen serve`` in a child process; its terminal lines are collected."""

    def __init__(self, root: Path, tmp: Path):
        env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1", "BRIEFGEN_SERVE_TIMINGS": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "briefgen", "-C", str(root), "serve", "-a", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        line = self.lines[self.wait_for(r"serving .* at http://")]
        self.url = re.search(r"(http://\S+)", line).group(1)

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, pattern: str, start: int = 0, timeout: float = 1800) -> int:
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(start, len(self.lines)):
                    if rx.search(self.lines[i]):
                        return i
                if time.monotonic() > end or self.proc.poll() is not None:
                    raise RuntimeError(f"no {pattern!r} from briefgen serve:\n" + "\n".join(self.lines[-30:]))
                self.cond.wait(0.5)

    def state(self, version: int, page: str, wait: bool) -> dict:
        url = f"{self.url}.briefgen/state?v={version}&path=/{page}&wait={int(wait)}"
        with urllib.request.urlopen(url, timeout=120) as r:
            return json.loads(r.read())

    def stop(self) -> int:
        self.proc.send_signal(2)
        return self.proc.wait(120)


def demo_case(work: Path):
    root = work / "demo"
    shutil.copytree(ROOT / "content", root / "content")
    path = root / "content" / "entities" / "actors.yml"
    original = path.read_text(encoding="utf-8")
    anchor = "Russia's foreign minister"
    assert anchor in original

    def edit(word: str) -> str:
        path.write_text(original.replace(anchor, f"Russia's {word} foreign minister", 1), encoding="utf-8")
        return word

    return root, "actors/lavrov.html", edit, None


def _with_alias(text: str, at: int, alias: str) -> str:
    """``text`` (an entity file) with ``alias`` added to the entity whose ``name:`` line ends at ``at`` (its
    ``aliases:`` follow the name in synth.py's files, as a block list, a flow list or not at all)."""
    if text.startswith("  aliases:\n", at):
        at += len("  aliases:\n")
        return text[:at] + f'    - "{alias}"\n' + text[at:]
    if text.startswith("  aliases: [", at):
        at += len("  aliases: [")
        return text[:at] + f'"{alias}", ' + text[at:]
    return text[:at] + f'  aliases: ["{alias}"]\n' + text[at:]


def _name_end(text: str, eid: str) -> int:
    """Where the ``name:`` line of the entity ``eid`` ends in an entity file of synth.py."""
    at = re.compile(rf'(?m)^- id: "?{re.escape(eid)}"?\n').search(text).end()
    return re.compile(r'(?m)^  name: .*\n').search(text, at).end()


def _flow_aliases(text: str, eid: str) -> str:
    """``text`` with the aliases of ``eid`` (which follow its name in synth.py's files) as a flow list: a block
    list is turned into one, and an entity without aliases gets its name as one (which it always has)."""
    at = _name_end(text, eid)
    if text.startswith("  aliases: [", at):
        return text
    block = re.compile(r"  aliases:\n((?:    - .*\n)+)").match(text, at)
    if block:
        items = [item[len("    - "):] for item in block.group(1).splitlines()]
        return text[:at] + "  aliases: [" + ", ".join(items) + "]\n" + text[block.end():]
    name = re.compile(r'  name: (.*)\n').match(text, text.rindex("\n", 0, at - 1) + 1).group(1)
    return text[:at] + f"  aliases: [{name}]\n" + text[at:]


EDITS = {
    "notes": "the notes: of one article's annotation (page: that article)",
    "entity-added": "a new actor appended to actors.yml, its name a new word (page: the actors' index)",
    "entity-renamed": "the actor in the middle of actors.yml renamed (page: its own); its old name is kept as an "
                      "alias before serving, so that only the name changes, never the mentions",
    "alias-added": "an alias added to an actor (the middle one of actors.yml, then the next ones; to a flow list: "
                   "no line moves) that only one article's notes contain (page: that article, where the words "
                   "become a link)",
}
"""The edits of the synthetic briefing (``--edit``); each run makes one more of the same kind."""


def synth_case(work: Path, articles: int, entities: int, seed: int, kind: str = "notes", runs: int = 3):
    """(folder, page to watch, edit, visibility test or None) for the synthetic briefing and one kind of edit.

    ``edit(word)`` writes the edit and returns the words to wait for on the page."""
    root = work / f"synth-a{articles}"
    subprocess.run([sys.executable, str(HERE / "synth.py"), "--articles", str(articles), "--entities", str(entities),
                    "--seed", str(seed), "--out", str(root)], check=True, stdout=subprocess.DEVNULL)
    annotations = sorted((root / "content" / "articles").glob("*.yml"))
    path = annotations[len(annotations) // 2]
    original = re.sub(r"(?m)^notes:.*\n(?:[ ].*\n)*", "", path.read_text(encoding="utf-8"))
    article_page = f"articles/{path.stem}.html"
    actors = root / "content" / "entities" / "actors.yml"
    if kind == "notes":
        def edit(word: str) -> str:
            path.write_text(original + f"notes: Checked by the desk, reference {word}.\n", encoding="utf-8")
            return word

        return root, article_page, edit, None
    text = actors.read_text(encoding="utf-8")
    if kind == "entity-added":
        added: list[str] = []

        def edit(word: str) -> str:
            added.append(f"\n- id: envoy-{word}\n  kind: actor\n  name: Envoy {word.capitalize()}\n")
            actors.write_text(text + "".join(added), encoding="utf-8")
            return f"Envoy {word.capitalize()}"

        return root, "actors/index.html", edit, None
    # the actor in the middle of the file
    starts = [m.start() for m in re.finditer(r"(?m)^- id: ", text)]
    at = starts[len(starts) // 2]
    eid = re.match(r'- id: "?([a-z0-9-]+)"?', text[at:]).group(1)
    line = re.compile(r'(?m)^  name: "?([^"\n]+)"?\n').search(text, at)
    name, after_name = line.group(1), line.end()
    if kind == "entity-renamed":
        # its name is kept as an alias first, so that renaming changes no mention in any article (only the pages
        # showing the name), and the first run is like the others
        text = _with_alias(text, after_name, name)
        text = text[:line.start()] + f'  name: "{name} (zqxinit)"\n' + text[after_name:]
        actors.write_text(text, encoding="utf-8")

        def edit(word: str) -> str:
            actors.write_text(text.replace(f'name: "{name} (zqxinit)"', f'name: "{name} ({word})"', 1), encoding="utf-8")
            return word

        return root, f"actors/{eid}.html", edit, None
    if kind == "alias-added":
        # one actor per run, from the middle of the file on; the notes of one article name each by a new word,
        # which becomes a link when the run gives it as an alias (the first mention of each actor is linked)
        ids = [re.match(r'- id: "?([a-z0-9-]+)"?', text[i:]).group(1) for i in starts[len(starts) // 2:]][:runs + 1]
        words = [f"Zqxw{i:03d}x" for i in range(len(ids))]
        path.write_text(original + "notes: Also known as " + ", ".join(words) + ".\n", encoding="utf-8")
        # their aliases as flow lists first, so that adding one moves no line (with a new line, every entity
        # written below it in the file moves too, and their pages are rendered again, see docs/serve.md)
        for i in reversed(ids):
            text = _flow_aliases(text, i)
        actors.write_text(text, encoding="utf-8")
        given: list[str] = []

        def edit(word: str) -> str:
            nonlocal text
            i = ids[len(given)]
            given.append(words[len(given)])
            at = _name_end(text, i)
            text = text[:at] + f'  aliases: ["{given[-1]}", ' + text[at + len("  aliases: ["):]
            actors.write_text(text, encoding="utf-8")
            return given[-1]

        return root, article_page, edit, LINKED
    raise ValueError(f"unknown edit {kind!r}")


PROBES = {
    # the words are in the page's content (textContent: no layout), then two animation frames: painted
    "content": "w => { const c = document.querySelector('.md-content') || document.body;"
               " return !!c && c.textContent.includes(w); }",
    # the words are in the rendered text of the whole page (innerText: a layout of the whole page, navigation
    # included, at every poll; on a 2,310-page site that keeps a core busy while the server rebuilds)
    "innertext": "w => document.body && document.body.innerText.includes(w)",
}
LINKED = ("w => [...(document.querySelector('.md-content') || document.body).querySelectorAll('a')]"
          ".some(a => a.textContent === w)")
"""Visible for an alias added: the words are a link in the page's content."""
PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


def measure(name: str, root: Path, page_path: str, edit, runs: int, chromium: str, tmp: Path,
            probe: str = "content", shown: str | None = None) -> dict:
    """``shown``: the test (JavaScript, given the words) that the edit is visible, instead of ``probe``'s."""
    from playwright.sync_api import sync_playwright

    t = time.perf_counter()
    serve = Serve(root, tmp)
    first = serve.lines[serve.wait_for(r"built \d+ pages")]
    first_s = time.perf_counter() - t
    print(f"[{name}] {first}", flush=True)
    out = {"briefing": name, "first_build_line": first, "first_build_s": round(first_s, 2), "probe": probe,
           "page": page_path, "runs": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page()
            page.goto(serve.url + page_path)
            page.wait_for_load_state("load")
            for i in range(runs):
                word = f"zqx{i}{int(time.time() * 1000) % 100000}"
                version = serve.state(-1, page_path, wait=False)["version"]
                got: dict = {}

                def poll() -> None:  # what the page's script does: long-poll until told to reload
                    v = version
                    while True:
                        s = serve.state(v, page_path, wait=True)
                        if s["reload"]:
                            got["event"] = time.perf_counter()
                            return
                        v = s["version"]

                th = threading.Thread(target=poll, daemon=True)
                th.start()
                time.sleep(0.3)  # the poll is waiting
                mark = len(serve.lines)
                t0 = time.perf_counter()
                word = edit(word)
                page.wait_for_function(shown or PROBES[probe], arg=word, polling=10, timeout=600_000)
                if probe == "content" or shown:
                    page.evaluate(PAINTED)
                visible = time.perf_counter() - t0
                th.join(600)
                at = serve.wait_for(r"rebuilt|built \d+ pages|no page changed", mark)
                line = serve.lines[at]
                timings = serve.lines[serve.wait_for(r"briefgen: timings:", at)]
                run = {"save_to_event_s": round(got["event"] - t0, 3), "save_to_visible_s": round(visible, 3),
                       "server": line, "timings": timings.split("timings: ", 1)[1],
                       "load_average": os.getloadavg()[0]}
                out["runs"].append(run)
                print(f"[{name}] run {i + 1}: event {run['save_to_event_s']:.3f} s, visible "
                      f"{run['save_to_visible_s']:.3f} s   ({line})\n    {timings}; load average "
                      f"{run['load_average']:.2f}", flush=True)
                time.sleep(0.5)
            browser.close()
    finally:
        out["exit_code"] = serve.stop()
    vis = [r["save_to_visible_s"] for r in out["runs"]]
    ev = [r["save_to_event_s"] for r in out["runs"]]
    out["median_visible_s"] = round(statistics.median(vis), 3)
    out["median_event_s"] = round(statistics.median(ev), 3)
    return out


def in_process(name: str, root: Path, edit, runs: int, tmp: Path, profile: int) -> dict:
    """The same edits rebuilt by :class:`briefgen.serve.rebuild.Builder` in this process (no server, no browser):
    stage timings and CPU seconds per rebuild; with ``profile``, cProfile's top functions of one more rebuild."""
    import cProfile
    import pstats

    from briefgen.serve.rebuild import Builder

    b = Builder(root, tmp / f"work-{name}")
    out = {"briefing": name, "runs": []}
    try:
        t = time.perf_counter()
        first = b.rebuild()
        print(f"[{name}] first build {time.perf_counter() - t:.1f} s, ok={first.ok}", flush=True)
        for i in range(runs + (1 if profile else 0)):
            edit(f"zqx{i}{int(time.time() * 1000) % 100000}")
            prof = cProfile.Profile() if profile and i == runs else None
            c0, w0 = time.process_time(), time.perf_counter()
            if prof:
                prof.enable()
            o = b.rebuild()
            assert o.ok, [str(d) for d in o.blocking][:5]
            if prof:
                prof.disable()
            run = {"wall_s": round(time.perf_counter() - w0, 3), "cpu_s": round(time.process_time() - c0, 3),
                   "stages_s": {k: round(v, 3) for k, v in o.timings.items()}, "pages": list(o.pages),
                   "load_average": os.getloadavg()[0], "profiled": prof is not None}
            out["runs"].append(run)
            print(f"[{name}] rebuild {i + 1}{' (profiled)' if prof else ''}: wall {run['wall_s']:.3f} s, CPU "
                  f"{run['cpu_s']:.3f} s, {len(o.pages)} pages rewritten, {run['stages_s']}, load average "
                  f"{run['load_average']:.2f}", flush=True)
            if prof:
                pstats.Stats(prof).sort_stats("cumulative").print_stats(profile)
    finally:
        b.close()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", choices=("demo", "synth"))
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--entities", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--edit", choices=sorted(EDITS), default="notes",
                   help="what each run edits in the synthetic briefing: " + "; ".join(f"{k}: {v}" for k, v in EDITS.items()))
    p.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    p.add_argument("--json", type=Path)
    p.add_argument("--probe", choices=sorted(PROBES), default="content",
                   help="how 'visible' is detected (default: content; innertext is what the figures before "
                        "2026-11-23 04:00 used)")
    p.add_argument("--in-process", action="store_true",
                   help="rebuild in this process (no server, no browser): stage timings and CPU per rebuild")
    p.add_argument("--cprofile", type=int, default=0, metavar="N",
                   help="with --in-process: profile one more rebuild and print its top N functions")
    a = p.parse_args(argv)
    if a.edit != "notes" and a.only != "synth":
        p.error("--edit is for the synthetic briefing: add --only synth")
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_average_at_start": os.getloadavg()}, "cases": []}
    with tempfile.TemporaryDirectory(prefix="briefgen-bench-serve-") as tmpd:
        work = Path(tmpd)
        (work / "tmp").mkdir()
        cases = []
        if a.only in (None, "demo"):
            cases.append(("demo",) + demo_case(work))
        if a.only in (None, "synth"):
            cases.append((f"synth-{a.articles}" + ("" if a.edit == "notes" else f"-{a.edit}"),)
                         + synth_case(work, a.articles, a.entities, a.seed, a.edit, a.runs))
        for name, root, page_path, edit, shown in cases:
            if a.in_process:
                results["cases"].append(in_process(name, root, edit, a.runs, work / "tmp", a.cprofile))
                continue
            r = measure(name, root, page_path, edit, a.runs, a.chromium, work / "tmp", a.probe, shown)
            r["target_s"] = TARGETS["demo" if name == "demo" else "synth"]
            r["met"] = r["median_visible_s"] <= r["target_s"]
            results["cases"].append(r)
    if a.in_process:
        if a.json:
            a.json.write_text(json.dumps(results, indent=2))
        return 0
    print(f"\n{'briefing':<28} first build   save→event (median)   save→visible (median)   target")
    for r in results["cases"]:
        print(f"{r['briefing']:<28} {r['first_build_s']:>9.1f} s   {r['median_event_s']:>15.3f} s   "
              f"{r['median_visible_s']:>17.3f} s   ≤ {r['target_s']} s {'met' if r['met'] else 'MISSED'}")
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
