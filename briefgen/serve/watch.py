"""Watching a briefing for saves: which paths count, and turning bursts of events into one rebuild.

Only files under ``content/`` and ``templates/`` count. Generated folders (``build/``, ``site/``, staging
folders, the server's own temporary folder) are outside them, so a rebuild can never trigger another.
Editor droppings are ignored: swap and backup files (``.x.swp``, ``x~``, ``#x#``, ``.#x``), Vim's
``4913`` probe, JetBrains' ``x___jb_tmp___``, ``sed -i``'s ``sedXXXXXX``, hidden files and folders, partial
downloads; and under ``content/`` any file of a type briefgen does not read (VS Code's and other tools' temporary
names, whatever they are, end in something other than ``.yml``, ``.txt``, ``.html``, ``.md`` or a shape's ``.geojson``/``.json``).
"""

from __future__ import annotations

import os
import re
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefgen.load.files import ANNOTATION_SUFFIXES, CAPTURE_SUFFIXES
from briefgen.load.shapes import SHAPE_SUFFIXES

WATCHED = ("content", "templates")
"""Top-level folders of a briefing whose changes trigger a rebuild."""

_IGNORED_SUFFIXES = (
    ".swp",
    ".swo",
    ".swx",
    ".swpx",
    ".tmp",
    ".temp",
    ".bak",
    ".orig",
    ".part",
    ".crdownload",
    ".kate-swp",
    ".pyc",
)
_IGNORED_NAMES = {"4913", ".DS_Store", "Thumbs.db", "__pycache__"}
_IGNORED_ENDINGS = ("___jb_tmp___", "___jb_old___")  # JetBrains' safe write: the new file, the old one kept
_SED_TEMP = re.compile(r"sed[A-Za-z0-9]{6}")
"""``sed -i`` writes the edited copy to ``sed`` + 6 random letters/digits beside the file, then renames it over."""
_CONTENT_SUFFIXES = frozenset((*CAPTURE_SUFFIXES, *ANNOTATION_SUFFIXES, *SHAPE_SUFFIXES))  # shapes: docs/figures.md


def is_ignored_name(name: str) -> bool:
    """True for a file or folder name an editor or OS writes on its own (never content)."""
    return (
        name in _IGNORED_NAMES
        or name.startswith(".")
        or name.endswith(("~", *_IGNORED_ENDINGS))
        or (name.startswith("#") and name.endswith("#"))
        or name.lower().endswith(_IGNORED_SUFFIXES)
    )


def is_ignored_file(parts: tuple[str, ...]) -> bool:
    """True for a file (not a folder) no build reads: a ``sed -i`` temporary anywhere, and under ``content/`` a
    file whose suffix is not one of captures or annotations. ``parts``: its path relative to the briefing."""
    name = parts[-1]
    if _SED_TEMP.fullmatch(name):
        return True
    return parts[0] == "content" and len(parts) > 1 and os.path.splitext(name)[1].lower() not in _CONTENT_SUFFIXES


def relevant(root: Path | str, path: str, *, is_dir: bool = False) -> str | None:
    """The briefing-relative POSIX path of ``path`` if a change there must trigger a rebuild, else None.

    ``is_dir``: ``path`` is (or was) a folder, whose name alone never makes it irrelevant."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return None
    parts = Path(rel).parts
    if not parts or parts[0] not in WATCHED or ".." in parts:
        return None
    if any(is_ignored_name(p) for p in parts[1:]):
        return None
    if not is_dir and is_ignored_file(parts):
        return None
    return "/".join(parts)


class Debouncer:
    """Coalesces a burst of changes into one batch.

    A batch is released once no change came for ``quiet`` seconds (an editor's write-rename-chmod
    sequence, a ``git checkout`` of many files), or ``max_wait`` seconds after its first change so a
    never-ending trickle still rebuilds. Changes arriving during a rebuild form the next batch.

    When every file of the batch is known to be complete — its last event was the close of a file written
    (inotify's ``IN_CLOSE_WRITE``), a rename onto it or a change of attributes — a shorter ``settle`` period
    is enough: nothing is being written any more. A file still open for writing, deleted or renamed away
    (editors saving safely do that just before putting the new file in place) keeps the full ``quiet`` period.
    """

    def __init__(
        self,
        quiet: float = 0.1,
        max_wait: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        settle: float | None = None,
    ):
        self.quiet = quiet
        self.settle = quiet if settle is None else min(settle, quiet)
        self.max_wait = max_wait
        self.clock = clock
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._writing: set[str] = set()
        self._first = self._last = 0.0
        self._closed = False

    def add(self, path: str, complete: bool = False) -> None:
        """A change of ``path``; ``complete``: the file is not being written any more (see the class)."""
        with self._cond:
            now = self.clock()
            if not self._pending:
                self._first = now
            self._pending.add(path)
            if complete:
                self._writing.discard(path)
            else:
                self._writing.add(path)
            self._last = now
            self._cond.notify_all()

    def close(self) -> None:
        """Release any waiter; :meth:`wait` returns None from now on."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait(self) -> set[str] | None:
        """Block until a batch is complete; return its paths (None once closed)."""
        with self._cond:
            while not self._pending and not self._closed:
                self._cond.wait()
            while not self._closed:
                now = self.clock()
                due = min(self._last + (self.quiet if self._writing else self.settle), self._first + self.max_wait)
                if now >= due:
                    break
                self._cond.wait(due - now)
            if self._closed:
                return None
            batch, self._pending = self._pending, set()
            self._writing.clear()
            return batch


class Watcher:
    """Feeds relevant file-system events under ``root`` into a :class:`Debouncer` (watchdog/inotify)."""

    def __init__(self, root: Path, sink: Callable[[str, bool], None]):
        from watchdog.observers import Observer

        # watchdog warns (with a page-long repr) when a folder created while watching is watched twice — once by
        # its parent's recursive watch, once by ours; the second watch simply replaces the first
        warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning, module=r"watchdog\..*")
        self.root = root
        self.sink = sink
        self.observer = Observer()
        self._watches: dict[str, Any] = {}  # watchdog's ObservedWatch
        self._lock = threading.Lock()

    def start(self) -> None:
        self._handler = _Handler(self)
        try:
            self._schedule_all()
            self.observer.start()
        except OSError:  # e.g. inotify watch limit reached: poll instead (slower to notice, same events)
            from watchdog.observers.polling import PollingObserver

            self.observer = PollingObserver(timeout=0.25)
            self._watches.clear()
            self._schedule_all()
            self.observer.start()

    def _schedule_all(self) -> None:
        self.observer.schedule(self._handler, str(self.root), recursive=False)  # to see content/, templates/ appear
        for name in WATCHED:
            self._watch(name)

    def _watch(self, name: str) -> None:
        path = self.root / name
        with self._lock:
            old = self._watches.pop(name, None)
            if old is not None:
                try:
                    self.observer.unschedule(old)
                except (KeyError, ValueError):
                    pass
            if path.is_dir():
                self._watches[name] = self.observer.schedule(self._handler, str(path), recursive=True)

    def stop(self) -> None:
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)


_COMPLETE = ("closed", "attrib")
"""Watchdog event types after which the file is not being written (see :class:`Debouncer`); so is the
destination of a rename. Not a deletion or the source of a rename: editors that save safely move or delete
the old file just before putting the new one in its place."""


def _make_handler_base():
    from watchdog.events import FileSystemEventHandler

    return FileSystemEventHandler


class _Handler(_make_handler_base()):  # type: ignore[misc]  # watchdog is imported only when serving
    def __init__(self, watcher: Watcher):
        super().__init__()
        self.w = watcher

    def on_any_event(self, event) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write"):
            return
        if event.is_directory and kind == "modified":
            return  # a file inside was created/removed: that file's own event counts (if it is not ignored)
        for p, complete in ((event.src_path, kind in _COMPLETE), (getattr(event, "dest_path", ""), True)):
            if not p:
                continue
            p = os.fsdecode(p)
            rel = relevant(self.w.root, p, is_dir=event.is_directory)
            if rel is None:
                continue
            if event.is_directory and rel in WATCHED and kind in ("created", "moved", "deleted"):
                try:
                    self.w._watch(rel)  # a watched top folder appeared or was replaced
                except OSError:
                    pass  # cannot watch it (e.g. inotify limit): its files are still rebuilt on other saves
            self.w.sink(rel, complete)
