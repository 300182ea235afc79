"""briefgen's build cache: results of earlier runs, keyed by a digest of the inputs that produced them.

A key is always computed from the data a step is given (:func:`digest` of the inputs, pickled), never declared by
hand, so a step that reads something new cannot be served a stale result. A :class:`Store` is one pickled file
under ``build/.cache/`` (or a folder of part files, see :attr:`Store.parts`); its header names the cache format, the Python version and a digest of briefgen's own
code and of the tool versions it uses (:func:`code_stamp`). A store that is missing, unreadable, corrupt, of
another format or written by other code is ignored (and replaced on the next save): it is never trusted.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import shutil
import stat
import sys
import time
import types
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from briefgen import gcpolicy

FORMAT = 3
"""Version of the cache files' layout; raised when it changes (older files are then ignored)."""
CACHE_DIR = ".cache"
"""Folder of the stores, inside the generated project's folder (``build/``)."""
MAGIC = b"briefgen-cache\n"
PARTS = 128
"""Part files of a large store (:attr:`Store.parts`): an edit of one article rewrites a few of them, not all."""


def read_only(mapping: dict) -> types.MappingProxyType:
    """A read-only view of ``mapping`` (how a kept read-only mapping, e.g. an article's ``meta_spans``, is
    unpickled)."""
    return types.MappingProxyType(mapping)


_REDUCERS = copyreg.dispatch_table.copy()
_REDUCERS[types.MappingProxyType] = lambda proxy: (read_only, (dict(proxy),))


def _pickle(data: object, f: io.BufferedIOBase | io.BytesIO) -> None:
    pickler = pickle.Pickler(f, protocol=5)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(data)


def digest(*parts: object) -> str:
    """A hex digest of ``parts`` (anything picklable: dataclasses, tuples, bytes…); equal data, equal digest.

    Pickled without the pickler's memo: with it, an object met twice is written the second time as a reference,
    so equal data shared differently (one string object in two places, or two equal ones) pickled differently."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.dispatch_table = _REDUCERS
    pickler.fast = True  # no memo (see above)
    try:
        pickler.dump(parts)
    except (ValueError, RecursionError):  # a cycle, which needs the memo: still a digest of the data
        out = io.BytesIO()
        _pickle(parts, out)
    return hashlib.blake2b(out.getbuffer(), digest_size=20).hexdigest()


def digest_bytes(data: bytes) -> str:
    """A hex digest of raw bytes (file contents)."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


_STAMP: str | None = None


def code_stamp() -> str:
    """A digest of what produces results besides the inputs: briefgen's own files (code and default templates),
    the Python version and the versions of MkDocs, Material and the other libraries whose output is kept."""
    global _STAMP
    if _STAMP is None:
        here = Path(__file__).resolve().parent
        h = hashlib.blake2b(digest_size=20)
        h.update(sys.version.encode())
        for name in (
            "mkdocs",
            "mkdocs-material",
            "markdown",
            "pymdown-extensions",
            "jinja2",
            "markdown-it-py",
            "trafilatura",
            "pyyaml",
            "ahocorasick-rs",
            "typst",
            "fonttools",
            "networkx",
            "numpy",
        ):  # figures: layouts, projections
            try:
                h.update(f"{name}={metadata.version(name)}\n".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{name}=-\n".encode())
        roots = [here]
        templates = here.parent / "templates"
        roots.append(templates if templates.is_dir() else here / "_templates")
        for root in roots:
            for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                h.update(path.relative_to(root).as_posix().encode() + b"\0")
                h.update(path.read_bytes())
        _STAMP = h.hexdigest()
    return _STAMP


@dataclass
class Store:
    """A dict of results, loaded at start and saved at the end of a successful run: one cache file, or with
    ``parts`` (> 1) a folder of that many part files, so that a run changing a few entries rewrites a few parts.

    In a parted store every entry of :attr:`data` is a dict (a *section*), whose entries are spread over the parts
    by their key. Each part file carries a token, and the folder's ``manifest`` lists the token of each part of
    the last complete save: a part that is not the one listed (a save interrupted between the part and the
    manifest) is ignored, so what is loaded always comes from one save."""

    path: Path | None
    """Where it lives: the file, or the folder of a parted store (None: caching is off; nothing is read or
    written)."""
    data: dict[str, Any] = field(default_factory=dict)
    """The results, by name (each step keeps its own entry)."""
    loaded: bool = False
    """True when a valid earlier file was read."""
    parts: int = 1
    """Part files (1: one file)."""
    kept: list[tuple[str, dict[str, dict]]] = field(default_factory=list)
    """For each part, its token and sections as last read or written (to tell which parts a save must write)."""

    @classmethod
    def open(cls, build_dir: Path, name: str, enabled: bool = True, parts: int = 1) -> Store:
        """The store ``name`` under ``build_dir/.cache``; empty when disabled, missing, corrupt or foreign."""
        if not enabled:
            return cls(None, parts=parts)
        with gcpolicy.kept():  # millions of small objects, alive for the whole run (see gcpolicy)
            return cls._open(build_dir, name, parts)

    @classmethod
    def _open(cls, build_dir: Path, name: str, parts: int) -> Store:
        # temporary files of this store that a killed run wrote and never renamed
        if parts > 1:
            remove_orphans(build_dir / CACHE_DIR / name, "*.tmp-*")
            return cls._open_parts(build_dir / CACHE_DIR / name, parts)
        path = build_dir / CACHE_DIR / f"{name}.pickle"
        remove_orphans(path.parent, f"{path.name}.tmp-*")
        store = cls(path)
        got = _read(path, (FORMAT, code_stamp()))
        if isinstance(got, dict):
            store.data, store.loaded = got, True
        return store

    @classmethod
    def _open_parts(cls, folder: Path, parts: int) -> Store:
        store = cls(folder, parts=parts, kept=[("", {}) for _ in range(parts)])
        tokens = _read(folder / "manifest.pickle", (FORMAT, code_stamp(), parts))
        if not isinstance(tokens, tuple) or len(tokens) != parts:
            return store
        data: dict[str, dict] = {}
        for i, token in enumerate(tokens):
            got = _read(folder / f"{i:02d}.pickle", (FORMAT, code_stamp(), token))
            if not isinstance(got, dict) or not all(isinstance(v, dict) for v in got.values()):
                continue  # entries of this part are made again
            store.kept[i] = (token, got)
            for section, entries in got.items():
                data.setdefault(section, {}).update(entries)
        store.data, store.loaded = data, True
        return store

    def save(self) -> None:
        """Write the store atomically (a temporary file renamed over it); a failure only loses the cache."""
        if self.path is None:
            return
        try:
            if self.parts > 1:
                self._save_parts()
            else:
                _write(self.path, (FORMAT, code_stamp()), self.data)
        except OSError:
            pass

    def _save_parts(self) -> None:
        assert self.path is not None
        split: list[dict[str, dict]] = [{} for _ in range(self.parts)]
        for section, entries in self.data.items():
            if not isinstance(entries, dict):
                raise TypeError(f"a section of a parted store is a dict, not {type(entries).__name__}")
            for key, value in entries.items():
                split[zlib.crc32(str(key).encode()) % self.parts].setdefault(section, {})[key] = value
        kept = self.kept or [("", {}) for _ in range(self.parts)]
        changed = False
        for i, now in enumerate(split):
            token, was = kept[i]
            if token and _same_sections(was, now):
                continue
            token = os.urandom(8).hex()
            _write(self.path / f"{i:02d}.pickle", (FORMAT, code_stamp(), token), now)
            kept[i] = (token, now)
            changed = True
        if changed or not (self.path / "manifest.pickle").is_file():
            _write(self.path / "manifest.pickle", (FORMAT, code_stamp(), self.parts), tuple(t for t, _ in kept))
        self.kept = kept
        self.path.with_name(f"{self.path.name}.pickle").unlink(missing_ok=True)  # the one file of cache format 1

    def forget(self) -> None:
        """Remove the file (e.g. when a run fails half-way and what is kept may not match the outputs)."""
        self.data = {}
        self.kept = []
        if self.path is not None:
            if self.parts > 1:
                shutil.rmtree(self.path, ignore_errors=True)
            else:
                self.path.unlink(missing_ok=True)


def theme_cache(build_dir: Path) -> Path:
    """The folder of the theme's compiled templates (``build/.cache/theme-…``, named by :func:`code_stamp`, which
    covers the MkDocs and Material versions); folders of other versions are removed."""
    folder = build_dir / CACHE_DIR / f"theme-{code_stamp()[:16]}"
    if not folder.is_dir() and (build_dir / CACHE_DIR).is_dir():
        for old in (build_dir / CACHE_DIR).glob("theme-*"):
            shutil.rmtree(old, ignore_errors=True)
    return folder


def _same_sections(was: dict[str, dict], now: dict[str, dict]) -> bool:
    """Whether a part's sections hold the same entries (the same objects, or equal ones)."""
    if was.keys() != now.keys():
        return False
    for section, entries in now.items():
        old = was[section]
        if len(old) != len(entries):
            return False
        for key, value in entries.items():
            if key not in old:
                return False
            o = old[key]
            if o is not value and o != value:
                return False
    return True


def _read(path: Path, header: tuple) -> Any:
    """What :func:`_write` wrote to ``path`` with ``header``; None when missing, unreadable, corrupt or with
    another header."""
    try:
        with open(path, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                return None
            if pickle.load(f) != header:
                return None
            return pickle.load(f)
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        IndexError,
        TypeError,
        ValueError,
        KeyError,
        MemoryError,
    ):
        return None


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (its staging or temporary files must then be left alone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphans(folder: Path, pattern: str) -> None:
    """Remove the files matching ``pattern`` (ending in ``-<pid>``) in ``folder`` that a process no longer
    running left behind: a run killed between writing a temporary file and renaming it."""
    try:
        found = list(folder.glob(pattern))
    except OSError:
        return
    for leftover in found:
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass


def _write(path: Path, header: tuple, data: object) -> None:
    """Write ``header`` and ``data`` to ``path`` atomically (a temporary file renamed over it)."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f, gcpolicy.paused():
            f.write(MAGIC)
            pickle.dump(header, f, protocol=5)
            _pickle(data, f)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def _walk(folder: Path, skip: str = "") -> list[tuple[str, str]]:
    """(relative POSIX path, full path) of every entry under ``folder`` (not below a folder named ``skip``), in
    a fixed order (os.walk: pathlib costs tenths of a second over thousands of files)."""
    out: list[tuple[str, str]] = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != skip) if skip else sorted(dirs)
        rel = os.path.relpath(top, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        out.extend((prefix + n, os.path.join(top, n)) for n in sorted(names))
        out.extend((prefix + d, os.path.join(top, d)) for d in dirs)
    return out


RACY_NS = 2_000_000_000
"""A file modified less than this long (ns) before it was read may change again within the same timestamp
tick and size; its stamp is not trusted by the next run (the file is hashed again), as git does with its index.
Two seconds covers file systems that keep whole (FAT: even) seconds."""
RACY_FINE_NS = 100_000_000
"""The same for a file whose modification time has a fraction of a second (a file system with fine time
stamps; the kernel's coarse clock behind them advances every few milliseconds)."""


def racy(stamps: tuple, now: int) -> bool:
    """True when a file was changed too recently (``now``, ns) for its stamp (modification time first) to tell a
    later same-size change apart (file systems with whole-second times need longer)."""
    return any(st and now - st[0] < (RACY_FINE_NS if st[0] % 1_000_000_000 else RACY_NS) for st in stamps)


def tree_digest(*folders: Path, files: dict[str, str] | None = None, stamped: dict[str, tuple] | None = None) -> str:
    """A digest of every file under ``folders``: paths and bytes (what a run is given). ``files`` receives the
    :func:`digest_bytes` of each file, by path (so that the run need not read and hash them again).

    ``stamped``: the digest of each file with its stamp (modification and change times, size, inode) as a run
    found them, by path; a file whose stamp is the same is not read again. Updated to this run's files (a stamp
    too recent to trust, see :data:`RACY_NS`, is not kept)."""
    h = hashlib.blake2b(digest_size=20)
    before = dict(stamped) if stamped is not None else {}
    if stamped is not None:
        stamped.clear()
    now = time.time_ns()
    for folder in folders:
        h.update(b"\1" + str(folder).encode())
        if not folder.is_dir():
            continue
        for rel, path in _walk(folder):
            try:
                st = os.stat(path)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            h.update(b"\0" + rel.encode() + b"\0")
            stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            was = before.get(path)
            if was is not None and was[0] == stamp:
                got = was[1]
            else:
                with open(path, "rb") as f:
                    got = digest_bytes(f.read())
            h.update(got.encode())
            if files is not None:
                files[path] = got  # os.walk of a Path: the form str(Path) gives
            if stamped is not None and not racy((stamp,), now):
                stamped[path] = (stamp, got)
    return h.hexdigest()


def stamps_digest(folder: Path, skip: str = "") -> str:
    """A digest of the names, sizes and modification times of the files under ``folder`` (not below a folder named
    ``skip``): what a run wrote is still there, untouched."""
    h = hashlib.blake2b(digest_size=20)
    if folder.is_dir():
        for rel, path in _walk(folder, skip):
            st = os.lstat(path)
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_mode}\n".encode())
    return h.hexdigest()
