"""briefgen's build cache: results of earlier runs, keyed by a digest of the inputs that produced them.

A key is always computed from the data a step is given (:func:`digest` of the inputs, pickled), never declared by
hand, so a step that reads something new cannot be served a stale result. A :class:`Store` is one pickled file
under ``build/.cache/``; its header names the cache format, the Python version and a digest of briefgen's own
code and of the tool versions it uses (:func:`code_stamp`). A store that is missing, unreadable, corrupt, of
another format or written by other code is ignored (and replaced on the next save): it is never trusted.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import sys
import types
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from briefgen import gcpolicy

FORMAT = 1
"""Version of the cache files' layout; raised when it changes (older files are then ignored)."""
CACHE_DIR = ".cache"
"""Folder of the stores, inside the generated project's folder (``build/``)."""
MAGIC = b"briefgen-cache\n"


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
    """A hex digest of ``parts`` (anything picklable: dataclasses, tuples, bytes…); equal data, equal digest."""
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
        for name in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markdown-it-py",
                     "trafilatura", "pyyaml", "ahocorasick-rs", "typst", "fonttools"):
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
    """One cache file: a dict of results, loaded at start and saved at the end of a successful run."""

    path: Path | None
    """Where it lives (None: caching is off; nothing is read or written)."""
    data: dict[str, Any] = field(default_factory=dict)
    """The results, by name (each step keeps its own entry)."""
    loaded: bool = False
    """True when a valid earlier file was read."""

    @classmethod
    def open(cls, build_dir: Path, name: str, enabled: bool = True) -> Store:
        """The store ``name`` under ``build_dir/.cache``; empty when disabled, missing, corrupt or foreign."""
        if not enabled:
            return cls(None)
        path = build_dir / CACHE_DIR / f"{name}.pickle"
        store = cls(path)
        try:
            with open(path, "rb") as f, gcpolicy.paused():  # millions of small objects (see gcpolicy)
                if f.read(len(MAGIC)) != MAGIC:
                    return store
                header = pickle.load(f)
                if header != (FORMAT, code_stamp()):
                    return store
                data = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
                ValueError):
            return store
        if isinstance(data, dict):
            store.data, store.loaded = data, True
        return store

    def save(self) -> None:
        """Write the store atomically (a temporary file renamed over it); a failure only loses the cache."""
        if self.path is None:
            return
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f, gcpolicy.paused():
                f.write(MAGIC)
                pickle.dump((FORMAT, code_stamp()), f, protocol=5)
                _pickle(self.data, f)
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)

    def forget(self) -> None:
        """Remove the file (e.g. when a run fails half-way and what is kept may not match the outputs)."""
        self.data = {}
        if self.path is not None:
            self.path.unlink(missing_ok=True)


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


def tree_digest(*folders: Path, files: dict[str, str] | None = None) -> str:
    """A digest of every file under ``folders``: paths and bytes (what a run is given). ``files`` receives the
    :func:`digest_bytes` of each file, by path (so that the run need not read and hash them again)."""
    h = hashlib.blake2b(digest_size=20)
    for folder in folders:
        h.update(b"\1" + str(folder).encode())
        if not folder.is_dir():
            continue
        for rel, path in _walk(folder):
            if os.path.isfile(path):
                h.update(b"\0" + rel.encode() + b"\0")
                with open(path, "rb") as f:
                    got = digest_bytes(f.read())
                h.update(got.encode())
                if files is not None:
                    files[str(Path(path))] = got
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
