"""briefgen's one policy for Python's cyclic garbage collector (every use of :mod:`gc` is here).

The stages allocate millions of small, mostly acyclic objects (paragraphs, mentions, YAML nodes, page parts,
the print data); reference counting frees them, and the collector's repeated full passes over an ever larger
heap find almost nothing. So:

* a stage, building the print data, and MkDocs' page loops run with the collector **paused** (:func:`paused`); in a
  one-shot command (``briefgen build``, one :func:`frozen` block) what the stages and the cache reads leave is
  then frozen at once (:func:`kept`): it lives until the command ends;
* before page workers are forked, the heap is **frozen** (moved to the permanent generation), so that a
  collection in a worker does not write to every object and copy the whole heap (:func:`frozen`); so it is while
  MkDocs builds the site beside the model (its collections would walk the model again and again);
* a long-lived process (``briefgen serve``) **settles** after a large change: collect once, then freeze what is
  alive (:func:`settle`), so later collections scan only what the next rebuild allocates;
* a process about to exit freezes its heap (:func:`before_exit`), sparing the interpreter's final collection a
  walk over everything the build allocated; the operating system takes the memory back at once;
* before MkDocs builds a large site, memory freed by the stages is **given back** to the operating system
  (:func:`give_back`): C's allocator keeps freed blocks resident otherwise, and forked workers would share them.

Measured effects are in docs/performance.md.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_settled = False
"""True while the heap of a long-lived process is frozen by :func:`settle` (then :func:`frozen` leaves it so)."""


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off while inside (reference counting still frees everything); as it was after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def pausing(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` run :func:`paused`."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return func(*args, **kwargs)

    return run


_depth = 0
"""How many :func:`frozen` blocks are open (the outermost gives the heap back)."""


@contextmanager
def frozen(active: bool = True) -> Iterator[None]:
    """The objects alive now moved out of the collector's reach while inside (before forking workers that share
    them copy-on-write, or while MkDocs runs beside a large model: its collections then walk only its own
    objects); given back when the outermost block ends, unless a long-lived process had settled them already.
    Blocks nest: an inner one freezes what was made since the outer one began."""
    global _depth
    own = active and not _settled
    if own:
        gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        if own:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


@contextmanager
def kept() -> Iterator[None]:
    """Paused while inside (:func:`paused`); inside a :func:`frozen` block (a run that ends with it, such as
    ``briefgen build``), what is alive at the end is frozen too: the results of a stage or of reading a cache live
    as long as the run, and the collector's passes over them would find nothing. (A long-lived process, outside
    any such block, settles instead.)"""
    with paused():
        yield
        if _depth:
            gc.freeze()


def keeping(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` run :func:`kept`."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with kept():
            return func(*args, **kwargs)

    return run


def freezing(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` run as one :func:`frozen` block (a whole run of a command)."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with frozen():
            return func(*args, **kwargs)

    return run


def settle() -> None:
    """In a long-lived process, after a large change: collect the garbage once, then freeze what is alive."""
    global _settled
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _settled = True


def before_exit() -> None:
    """The process exits next: freeze the heap so the interpreter's final collection does not walk it."""
    gc.freeze()


def give_back() -> None:
    """Return the heap's free pages to the operating system (glibc's ``malloc_trim``; elsewhere nothing): after the
    stages' temporaries and the pages' Markdown are freed, most of that memory is free blocks C's allocator keeps."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return
    trim(0)
