"""Reading files from disk: decoding captures safely and finding the briefing's files."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.diagnostics import Diagnostics, Span

MAX_CAPTURE_BYTES = 10 * 1024 * 1024
"""Captures larger than this are refused (a news article is a few tens of kilobytes)."""
MAX_YAML_BYTES = 5 * 1024 * 1024
"""Annotation files larger than this are refused."""
CAPTURE_SUFFIXES = (".txt", ".html", ".htm", ".md")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0d-\x1f]")
"""Control characters other than tab, line feed and form feed (carriage returns are gone by then)."""


def rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _offset_span(data: bytes, offset: int, path: str) -> Span:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Span(path, line, col)


def read_text(path: Path, shown: str, diags: Diagnostics, *, allow_cp1252: bool, limit: int) -> str | None:
    """Decode a file: UTF-8 (BOM accepted), else Windows-1252 when allowed; LF line ends. None on failure."""
    try:
        size = path.stat().st_size
        if size > limit:
            diags.error(Span(shown), "file-too-large", f"file is {size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB allowed",
                        "split it, or remove what is not article text")
            return None
        data = path.read_bytes()
    except OSError as exc:
        diags.error(Span(shown), "file-unreadable", f"cannot read file: {exc.strerror or exc}", "check the file's permissions")
        return None
    if data[:2] == b"\x1f\x8b" or data[:4] in (b"PK\x03\x04", b"%PDF") or data[:3] == b"BZh" or data[:6] == b"\xfd7zXZ\x00":
        diags.error(Span(shown), "file-binary", "file is compressed or binary, not text",
                    "save the page as plain text or uncompressed HTML")
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        diags.error(_offset_span(data, nul, shown), "file-binary", "file contains NUL bytes: it is binary, not text",
                    "save the page as plain text or HTML")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not allow_cp1252:
            diags.error(_offset_span(data, exc.start, shown), "file-encoding",
                        f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", "save the file as UTF-8")
            return None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc2:
            diags.error(_offset_span(data, exc2.start, shown), "file-encoding",
                        "file is neither UTF-8 nor Windows-1252 text", "save the capture as UTF-8")
            return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _CONTROL.search(text)
    bad = m.start() if m else -1
    if bad >= 0 and text.count("\n", 0, bad) < 10**6:
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        diags.warning(Span(shown, line, col), "file-control-chars", "file contains control characters; they are dropped",
                      "check the capture was saved as text")
        text = "".join(ch for ch in text if ord(ch) >= 32 or ch in "\n\t\f")
    return text


def find_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Files under ``folder`` with one of ``suffixes``, sorted, skipping hidden names and editor temp files."""
    if not folder.is_dir():
        return []
    out = []
    for p in folder.rglob("*"):
        name = p.name
        if name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp")):
            continue
        if any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        if p.suffix.lower() in suffixes and p.is_file() and not p.is_symlink():
            out.append(p)
    return sorted(out)
