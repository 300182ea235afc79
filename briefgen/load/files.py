"""Reading files from disk: decoding captures safely and finding the briefing's files."""

from __future__ import annotations

import os
import re
from pathlib import Path

from briefgen.diagnostics import Diagnostics, Span

MAX_CAPTURE_BYTES = 10 * 1024 * 1024
"""Captures larger than this are refused (a news article is a few tens of kilobytes)."""
MAX_YAML_BYTES = 5 * 1024 * 1024
"""Annotation files larger than this are refused."""
CAPTURE_SUFFIXES = (".txt", ".html", ".htm", ".md")
ANNOTATION_SUFFIXES = (".yml", ".yaml")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0d-\x1f]")
"""Control characters other than tab, line feed and form feed (carriage returns are gone by then)."""
BINARY_CONTROL_SHARE = 0.01
"""A decoded file with more control characters than this share (and more than 8) is binary data, not text."""
MAX_ARTICLE_CHARS = 1_000_000
"""Longer article text is refused: a long feature is about 100,000 characters, and build time grows with it."""
MAX_HTML_ELEMENTS = 20_000
"""HTML captures with more elements are refused: extraction time grows faster than the element count."""
_HTML_NAME = re.compile(r"[a-z][a-z0-9-]*")
_HTML_RAW = ("script", "style", "textarea", "xmp", "template", "noscript")
MAX_HTML_DEPTH = 200
"""HTML nested deeper is refused: the HTML parser (libxml2) silently drops everything below about 250 levels."""
_HTML_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen html head body p li dt dd "
    "tr td th option optgroup thead tbody tfoot colgroup caption rb rt rtc rp".split()
)
"""Elements that never nest (void) or whose end tag may be omitted: not counted for the nesting depth."""


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
            diags.error(
                Span(shown),
                "file-too-large",
                f"file is {size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB allowed",
                "split it, or remove what is not article text",
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        diags.error(
            Span(shown), "file-unreadable", f"cannot read file: {exc.strerror or exc}", "check the file's permissions"
        )
        return None
    if (
        data[:2] == b"\x1f\x8b"
        or data[:4] in (b"PK\x03\x04", b"%PDF")
        or data[:3] == b"BZh"
        or data[:6] == b"\xfd7zXZ\x00"
    ):
        diags.error(
            Span(shown),
            "file-binary",
            "file is compressed or binary, not text",
            "save the page as plain text or uncompressed HTML",
        )
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        diags.error(
            _offset_span(data, nul, shown),
            "file-binary",
            "file contains NUL bytes: it is binary, not text",
            "save the page as plain text or HTML",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not allow_cp1252:
            diags.error(
                _offset_span(data, exc.start, shown),
                "file-encoding",
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x})",
                "save the file as UTF-8",
            )
            return None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc2:
            diags.error(
                _offset_span(data, exc2.start, shown),
                "file-encoding",
                "file is neither UTF-8 nor Windows-1252 text",
                "save the capture as UTF-8",
            )
            return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _CONTROL.search(text)
    if m is not None:
        bad = m.start()
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        count = sum(1 for _ in _CONTROL.finditer(text))
        if count > max(8, len(text) * BINARY_CONTROL_SHARE):
            diags.error(
                Span(shown, line, col),
                "file-binary",
                f"file looks binary: {count} control characters in {len(text)} characters, from here on",
                "save the page as plain text or HTML",
            )
            return None
        diags.warning(
            Span(shown, line, col),
            "file-control-chars",
            "file contains control characters; they are dropped",
            "check the capture was saved as text",
        )
        text = _CONTROL.sub("", text)
    return text


def capture_within_limits(text: str, fmt: str, shown: str, diags: Diagnostics) -> bool:
    """False (with a located error) when a decoded capture is too long or, for HTML, has too many elements.

    The HTML scan is a linear look at tags (no parsing): it counts elements outside script/style/comments, their
    nesting (roughly: start tags minus end tags of elements that must be closed) and the characters between tags,
    which bounds the page's text.
    """
    what, where = None, -1
    if fmt != "html":
        if len(text) > MAX_ARTICLE_CHARS:
            what, where = (
                f"the text is {len(text):,} characters long, more than the {MAX_ARTICLE_CHARS:,} allowed",
                MAX_ARTICLE_CHARS,
            )
    else:
        low, pos, n, elements, visible, depth = text.lower(), 0, len(text), 0, 0, 0
        while pos < n:
            lt = low.find("<", pos)
            if lt < 0:
                visible += n - pos
                break
            visible += lt - pos
            if low.startswith("<!--", lt):
                end = low.find("-->", lt + 4)
                pos = n if end < 0 else end + 3
                continue
            name = _HTML_NAME.match(low, lt + 1)
            if name is None:
                closing = _HTML_NAME.match(low, lt + 2) if low.startswith("</", lt) else None
                if closing is not None and closing.group(0) not in _HTML_FLAT:
                    depth = max(0, depth - 1)
                pos = lt + 1 if low[lt + 1 : lt + 2] not in ("/", "!", "?") else (low.find(">", lt) + 1 or n)
                continue
            elements += 1
            if elements > MAX_HTML_ELEMENTS:
                what, where = f"the page has more than {MAX_HTML_ELEMENTS:,} HTML elements", lt
                break
            pos = low.find(">", lt) + 1 or n
            if name.group(0) not in _HTML_FLAT and low[pos - 2 : pos] != "/>":
                depth += 1
                if depth > MAX_HTML_DEPTH:
                    what, where = (
                        f"elements nest more than {MAX_HTML_DEPTH} levels deep here (deeper text would be lost)",
                        lt,
                    )
                    break
            if name.group(0) in _HTML_RAW:
                close = low.find("</" + name.group(0), pos)
                pos = n if close < 0 else close
        if what is None and visible > MAX_ARTICLE_CHARS:
            what, where = (
                f"the page holds about {visible:,} characters of text, more than the {MAX_ARTICLE_CHARS:,} allowed",
                0,
            )
    if what is None:
        return True
    line = text.count("\n", 0, where) + 1
    col = where - (text.rfind("\n", 0, where) + 1) + 1
    diags.error(
        Span(shown, line, col),
        "capture-too-large",
        f"capture refused: {what}",
        "a capture holds one article: remove what is not article text, or save the article's text as a .txt capture",
    )
    return False


def find_files(folder: Path, suffixes: tuple[str, ...], *more: tuple[str, ...], folders: list[Path] | None = None):
    """Files under ``folder`` with one of ``suffixes``, sorted, skipping hidden names and editor temp files.

    Symbolic links are skipped (and linked folders not entered). With ``more`` suffix tuples, one sorted list
    per tuple (``suffixes`` first) from a single walk of the folder. ``folders`` gets ``folder`` and every
    folder listed under it.
    """
    groups = (suffixes,) + more
    found: list[list[Path]] = [[] for _ in groups]
    if folders is None:
        folders = []
    folders.append(folder)
    if folder.is_dir():
        _walk(folder, groups, found, folders)
    if not more:
        return sorted(found[0], key=_parts)
    return tuple(sorted(x, key=_parts) for x in found)


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts  # the order of sorted(paths), without comparing Path objects


def _walk(folder: Path, groups: tuple[tuple[str, ...], ...], found: list[list[Path]], folders: list[Path]) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except PermissionError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue  # hidden: the file, or everything in the folder
        try:
            if entry.is_dir(follow_symlinks=False):
                folders.append(folder / name)
                _walk(folder / name, groups, found, folders)
                continue
            if name.startswith(("~", "#")) or name.endswith(("~", ".swp", ".tmp")):
                continue
            dot = name.rfind(".")
            suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""
            for suffixes, out in zip(groups, found):
                if suffix in suffixes and entry.is_file(follow_symlinks=False):
                    out.append(folder / name)
                    break
        except OSError:
            continue
