"""Forking the build's workers while the terminal's progress ticker runs.

The build forks workers (cleaning, rendering, MkDocs' page loops). Forking is safe only in a process with one
thread: a lock another thread holds at that moment (the ticker writing to stderr) stays held in the child for
ever. The one thread the build starts itself is the progress ticker of a terminal run, so it is a
:class:`Ticker`: just before each fork it is stopped and joined, and in the parent it starts again after it
(``os.register_at_fork``). :func:`can_fork` therefore allows a fork while tickers run, and refuses it while any
other thread does. Before, a build on a terminal ran on one core, because the ticker was a plain thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

_LIVE: list[Ticker] = []
"""Tickers started and not stopped (in this process)."""


class Ticker:
    """Calls ``tick`` every ``every`` seconds on a thread of its own, from :meth:`start` to :meth:`stop`; paused
    across every fork of this process."""

    def __init__(self, tick: Callable[[], None], every: float, name: str) -> None:
        self.tick = tick
        self.every = every
        self.name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self not in _LIVE:
            _LIVE.append(self)
        self._run()

    def stop(self) -> None:
        if self in _LIVE:
            _LIVE.remove(self)
        self._halt()

    def _run(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def _halt(self) -> None:
        if self._thread is not None:
            self._stop.set()
            if self._thread is not threading.current_thread():
                self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.tick()


def can_fork() -> bool:
    """True when this process may fork: POSIX, and no thread runs but the main one and tickers."""
    if not hasattr(os, "fork"):
        return False
    ours = {t._thread for t in _LIVE}
    return all(t is threading.main_thread() or t in ours for t in threading.enumerate())


def _before_fork() -> None:
    for t in _LIVE:
        t._halt()


def _after_fork_in_parent() -> None:
    for t in _LIVE:
        t._run()


def _after_fork_in_child() -> None:
    _LIVE.clear()  # the child has none of the parent's threads


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child)
