"""Rebuild orchestration for ``briefgen serve``: content → pages in memory → changed pages → MkDocs.

Each rebuild compiles the whole briefing in memory (``compile_briefing``: load → … → render) through the build
cache, kept in memory between rebuilds (:class:`briefgen.stagecache.InMemory`: what unchanged files gave, cleaning
and linking of unchanged articles, pages whose reads are unchanged are reused), so it knows every page's Markdown. Writing the MkDocs project only touches files whose bytes changed;
that list is exactly the pages MkDocs has to re-render, and :class:`~briefgen.emit.incremental.LiveSite`
decides whether those pages can be rebuilt alone or the navigation/structure changed and a full build
is needed. Content with errors changes nothing on disk: the last good site stays served.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import gcpolicy
from briefgen.build import Timings, compile_briefing, epoch_of
from briefgen.diagnostics import Diagnostic, Diagnostics
from briefgen.emit.edition import write_edition
from briefgen.emit.incremental import LiveSite, Stopped
from briefgen.emit.mkdocs import report_mkdocs
from briefgen.emit.offline import finish_offline
from briefgen.emit.project import BUILD_DIR, ProjectFile, project_files, write_project
from briefgen.emit.site import prune_empty
from briefgen.model.manifest import Manifest, read_since
from briefgen.model.types import Model
from briefgen.stagecache import InMemory, StageCache


@dataclass
class Outcome:
    """What one rebuild did."""

    ok: bool
    """The content is good and the served site now shows it."""
    diagnostics: list[Diagnostic]
    """Every diagnostic of the run, sorted (warnings too)."""
    blocking: list[Diagnostic]
    """The diagnostics that stopped the site from being updated (errors; warnings too with --strict)."""
    pages: tuple[str, ...] = ()
    """Site URLs rewritten or deleted (empty when nothing changed)."""
    full: bool = False
    """A full MkDocs build was done."""
    why: str = ""
    seconds: float = 0.0
    cpu: float = 0.0
    """CPU seconds of the building thread (collector pause and freeze included)."""
    timings: dict[str, float] = field(default_factory=dict)
    n_pages: int = 0


class Builder:
    """Keeps a briefing's site built in ``work/site`` (a symlink to the current build folder)."""

    def __init__(self, root: Path, work: Path, strict: bool = False, should_stop: Callable[[], bool] = lambda: False):
        self.root = root
        self.work = work
        self.strict = strict
        self.should_stop = should_stop
        self.live = LiveSite(work / BUILD_DIR / "mkdocs.yml", work, should_stop=should_stop, finish=self._finish)
        self._diags = Diagnostics()
        self.cache = InMemory()
        """The build cache, kept in memory between rebuilds."""
        self.stages: StageCache | None = None
        """The cache of the last rebuild (what it reused and made)."""
        self._written: dict[str, bytes] | None = None
        """The project files as last written to ``work/build`` (None: unknown, read them back)."""
        self._frozen = False
        self._since_diags = Diagnostics()
        self.since = read_since(root, None, self._since_diags)
        """The earlier editions the served site is compared with: the briefing's own ``site/`` (serve never writes
        it), read once, as ``briefgen build`` would read it now."""
        self._edition: tuple[Manifest, Manifest | None] | None = None
        """The edition record of the last good rebuild (manifest, base), written by :meth:`_finish`."""
        self.model: Model | None = None
        """The model of the last run whose content had no errors (the suggestions page reads it)."""

    @property
    def site(self) -> Path:
        """The served folder."""
        return self.live.site

    def rebuild(self) -> Outcome:
        """Compile the briefing and bring the served site up to date.

        A served briefing keeps a large heap (the cache, MkDocs' navigation and pages), and a full collection of it
        by the cyclic garbage collector in the middle of a rebuild would cost more than the rebuild. So after
        the first build and after every full MkDocs build (which replaces most of MkDocs' objects) the process
        settles (:func:`briefgen.gcpolicy.settle`). ``compile_briefing`` pauses the collector itself."""
        c0 = time.thread_time()
        out = self._rebuild()
        if out.full or not self._frozen:
            gcpolicy.settle()
            self._frozen = True
        out.cpu = time.thread_time() - c0
        return out

    def _rebuild(self) -> Outcome:
        t0 = time.perf_counter()
        diags = Diagnostics()
        timings = Timings()

        def progress(stage: str, done: int, total: int) -> None:
            if self.should_stop():
                raise Stopped()

        diags.extend(self._since_diags.items)
        self.stages = stages = self.cache.cache()
        compiled = compile_briefing(self.root, diags, timings, progress, memo=stages, since=self.since)
        if self.should_stop():
            raise Stopped()  # what the run made is not kept: the next one starts from the last that ended
        stages.save(complete=compiled.model is not None and not diags.has_errors())
        if compiled.model is not None and not diags.has_errors():
            self.model = compiled.model
        if compiled.model is None or diags.has_errors(self.strict):
            items = diags.sorted()
            blocking = [d for d in items if self.strict or d.severity.value == "error"]
            return Outcome(False, items, blocking, seconds=time.perf_counter() - t0, timings=timings.stages)

        t = time.perf_counter()
        changed = self._write(project_files(compiled.model, list(compiled.pages)))
        timings.add("write", time.perf_counter() - t)

        t = time.perf_counter()
        self._diags = diags
        self._edition = (compiled.manifest, compiled.base) if compiled.manifest is not None else None
        res = self.live.update(epoch_of(compiled.model), changed)
        timings.add("mkdocs", time.perf_counter() - t)
        if not res.ok:
            report_mkdocs(res, self.root, diags, built=self.work / BUILD_DIR)
        items = diags.sorted()
        blocking = [d for d in items if self.strict or d.severity.value == "error"] if not res.ok else []
        return Outcome(
            res.ok,
            items,
            blocking,
            pages=res.pages,
            full=res.full,
            why=res.why,
            seconds=time.perf_counter() - t0,
            timings=timings.stages,
            n_pages=len(compiled.pages),
        )

    def _write(self, files: list[ProjectFile]) -> list[str]:
        """``write_project`` into the private work folder; the paths whose bytes changed (added, modified or
        removed).

        Nobody else writes there, so when the briefing overrides none of the project files
        (``templates/assets/briefgen.css``, ``templates/overrides/main.html``), the bytes last written are known
        without reading them back: only the files that differ are written, the new ones added and the ones gone
        deleted (with the folders they leave empty), as ``write_project`` does."""
        tdir = self.root / "templates"
        overrides = tdir.is_dir() and any((tdir / p).exists() for p in ("assets/briefgen.css", "overrides/main.html"))
        last, self._written = self._written, None
        if last is None or overrides:
            changed = write_project(self.work, files, tdir if tdir.is_dir() else None)
        else:
            build = self.work / BUILD_DIR
            changed, added = [], 0
            for f in files:
                was = last.get(f.path)
                if was != f.data:
                    target = build / f.path
                    if was is None:
                        added += 1
                        target.parent.mkdir(parents=True, exist_ok=True)
                    tmp = target.with_name(target.name + ".tmp")
                    tmp.write_bytes(f.data)
                    tmp.replace(target)
                    changed.append(f.path)
            if len(last) != len(files) - added:  # files of the last write are gone
                for path in sorted(set(last) - {f.path for f in files}, reverse=True):
                    target = build / path
                    target.unlink(missing_ok=True)
                    changed.append(path)
                    prune_empty(target.parent, build / Path(path).parts[0])  # never docs/ itself
        if not overrides:
            self._written = {f.path: f.data for f in files}
        return changed

    def _finish(self, folder: Path, changed: tuple[str, ...] | None) -> bool:
        """What ``briefgen build`` does to a site after MkDocs (:func:`briefgen.emit.offline.finish_offline`: the
        offline search script and the external-resource check), so the served folder stays what a clean build
        writes (with its edition record). After a page update only the rewritten files need checking."""
        if self._edition is not None:
            write_edition(folder, *self._edition)
        return finish_offline(folder, self._diags, only=changed)

    def close(self) -> None:
        self.live.close()
