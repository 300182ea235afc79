"""Putting a freshly built site in place atomically: readers never see a half-built ``site/``.

The new site is built in a sibling folder, then exchanged with the old one in one ``renameat2``
(RENAME_EXCHANGE) call where the OS offers it, else with two renames. A build that fails or is
killed leaves the previous ``site/`` untouched; leftovers of killed builds are removed next time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

from briefgen.cache import process_alive

STAGING_PREFIX = ".briefgen-staging-"
OLD_PREFIX = ".briefgen-old-"


def staging_dir(site: Path) -> Path:
    """A fresh, empty staging folder next to ``site`` (left-overs of killed builds are cleared)."""
    parent = site.parent
    parent.mkdir(parents=True, exist_ok=True)
    for leftover in parent.glob(f"{STAGING_PREFIX}{site.name}-*"):
        _remove_if_dead(leftover)
    for leftover in parent.glob(f"{OLD_PREFIX}{site.name}-*"):
        _remove_if_dead(leftover)
    path = parent / f"{STAGING_PREFIX}{site.name}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


def _remove_if_dead(path: Path) -> None:
    pid = path.name.rsplit("-", 1)[-1]
    if pid.isdigit() and int(pid) != os.getpid() and process_alive(int(pid)):
        return
    shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    res = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return res == 0


def swap_in(staged: Path, site: Path) -> None:
    """Make ``staged`` the new ``site`` and delete the old one."""
    if site.exists():
        if _exchange(staged, site):
            shutil.rmtree(staged, ignore_errors=True)  # staged now holds the old site
            return
        old = site.parent / f"{OLD_PREFIX}{site.name}-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        site.rename(old)
        staged.rename(site)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staged.rename(site)


def discard(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)


def prune_empty(folder: Path, keep: Path) -> None:
    """Remove ``folder`` and then each parent of it while it is empty, stopping at ``keep`` (never removed) or at
    the first folder outside it: what is left after deleting a file that was the last one of its folders."""
    while folder != keep and folder.is_relative_to(keep) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
