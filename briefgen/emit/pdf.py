"""PDF export: the print document of :mod:`briefgen.render.print`, laid out by WeasyPrint (thin adapter).

- Resources load only through :class:`RestrictedFetcher`: files inside the print template folders and
  ``data:`` URIs. The network and the rest of the disk are refused (the export still succeeds).
- The PDF is tagged (PDF/UA-1), carries the briefing's title, language, authors and the as-of date as
  its dates, and embeds its (system, fontconfig) fonts. Two exports of the same input are byte-identical.
- The file is written next to its destination and renamed into place: a failed export never destroys
  an existing PDF.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import mimetypes
import os
import re
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from briefgen import gcpolicy
from briefgen.diagnostics import Diagnostics, Span
from briefgen.emit.site import process_alive
from briefgen.render.print import PrintDocument, build_print

MIN_WEASYPRINT = (70,)
TMP_PREFIX = "."
"""Temporary files are hidden: ``.briefing.pdf.tmp-<pid>`` beside the output."""
PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF for accessibility (structure tree, /Lang, /MarkInfo, XMP pdfuaid)."""


def _weasyprint():
    """The weasyprint module, or None when it is missing or too old."""
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: WeasyPrint present but its system libraries (Pango) are not
        return None
    try:
        version = tuple(int(x) for x in weasyprint.__version__.split(".")[:1])
    except ValueError:
        return None
    return weasyprint if version >= MIN_WEASYPRINT else None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        """Serves ``data:`` URIs and files inside ``allowed`` folders; refuses everything else (recorded)."""

        def __init__(self, allowed: tuple[Path, ...]):
            super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
            self.allowed = tuple(Path(p).resolve() for p in allowed)
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url: str, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                head, sep, payload = url[5:].partition(",")
                if sep:
                    mime = head.split(";")[0] or "text/plain"
                    body = unquote_to_bytes(payload)
                    if head.endswith(";base64"):
                        body = base64.b64decode(body + b"=" * (-len(body) % 4))
                    self.served.append("data:" + mime)
                    return URLFetcherResponse(url, body, {"Content-Type": mime})
            elif scheme == "file":
                path = Path(url2pathname(urlsplit(url).path))
                try:
                    real = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    real = None
                if real is not None and real.is_file() and any(real.is_relative_to(d) for d in self.allowed):
                    self.served.append(str(real))
                    mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, real.read_bytes(), {"Content-Type": mime})
            self.refused.append(url)
            raise ValueError(f"briefgen refuses to load {url!r} (only the print template folder and data: URIs)")

    return RestrictedFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # pragma: no cover - a malformed log record must not break the export
            pass


def display_path(path: Path, root: Path) -> str:
    """``path`` as shown to the user: relative to the briefing folder when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def render_pdf(doc: PrintDocument, diags: Diagnostics,
               timings: dict[str, float] | None = None) -> tuple[bytes, int, list[str]] | None:
    """The PDF bytes of a print document, its page count and the refused URLs. None when WeasyPrint is missing.

    ``timings`` (optional) receives the seconds of ``layout`` and ``write``, the number of layout ``passes`` and of
    ``page_layouts``. Page references written ``target-counter(attr(href url), page)`` in the stylesheet are
    numbered by briefgen after a single layout (see :func:`_placeholder_css`); any other ``target-counter()`` of an
    override is left to WeasyPrint, which lays pages out again until its numbers settle.
    """
    weasyprint = _weasyprint()
    if weasyprint is None:
        return None
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher_class()(doc.resource_dirs)
    fonts = FontConfiguration()
    log = logging.getLogger("weasyprint")
    progress = logging.getLogger("weasyprint.progress")
    collect = _Collect()
    passes = _CountPasses()
    saved = (log.level, progress.level, progress.propagate)
    log.addHandler(collect)
    log.setLevel(logging.WARNING)
    if timings is not None:
        progress.addHandler(passes)
        progress.setLevel(logging.INFO)
        progress.propagate = False
    try:
        with gcpolicy.paused():  # layout makes millions of long-lived objects (see briefgen/gcpolicy.py)
            t = time.perf_counter()
            html = weasyprint.HTML(string=doc.html, base_url=doc.base_url, url_fetcher=fetcher)
            digits, tried = _estimate_digits(doc.html), set()
            while True:
                css_text, numbered = _placeholder_css(doc.css, digits)
                css = weasyprint.CSS(string=css_text, base_url=doc.css_url, url_fetcher=fetcher, font_config=fonts)
                document = html.render(font_config=fonts, stylesheets=[css], pdf_variant=PDF_VARIANT)
                tried.add(digits)
                needed = len(str(len(document.pages)))
                if not numbered or needed == digits or (needed < digits and needed in tried):
                    break  # (the last case: 99 pages with wide placeholders, 100 with narrow ones; wide ones are fine)
                digits = needed  # the estimate was wrong: lay out again with placeholders of the right width
                passes.passes += 1
            if numbered:
                _fill_page_numbers(document, digits)
            t1 = time.perf_counter()
            with _lighter_serialisation():
                data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=doc.identifier)
            t2 = time.perf_counter()
    finally:
        log.removeHandler(collect)
        progress.removeHandler(passes)
        log.setLevel(saved[0])
        progress.setLevel(saved[1])
        progress.propagate = saved[2]
    if timings is not None:
        timings.update(layout=t1 - t, write=t2 - t1, passes=passes.passes, page_layouts=passes.layouts)
    _report_log(collect.messages, fetcher.refused, doc, diags)
    return data, len(document.pages), list(dict.fromkeys(fetcher.refused))


COMPRESS_LEVEL = 6
"""zlib level of the PDF's streams. pydyf (WeasyPrint's PDF writer) uses 9: on the demo 0.74 s of CPU for 723 KiB;
level 6 takes 0.18 s for 4 % more bytes (755 KiB); level 1 takes 0.05 s but 26 % more bytes."""


@contextlib.contextmanager
def _lighter_serialisation():
    """While WeasyPrint writes the PDF: streams compressed at :data:`COMPRESS_LEVEL`, page references computed once.

    Both are costs of pydyf 0.x, WeasyPrint's PDF serialiser, that no WeasyPrint option reaches: its streams are
    compressed with ``zlib.compressobj(level=9)``, and ``PDF.page_references`` builds the tuple of every page's
    reference anew at each use -- once per structure element of the PDF/UA tags, so tagging is quadratic in pages
    (demo: 17,000 uses of a 65-tuple; the 167-page synthetic briefing: about 2 s). The cached tuple is rebuilt
    whenever a page is added, so the file is byte for byte what pydyf writes; the compression level changes the
    bytes of the streams (deterministically) but not what they contain. Nothing is changed when pydyf does not
    look as expected (another version), and everything is put back afterwards.
    """
    try:
        import pydyf
    except ImportError:  # pragma: no cover - WeasyPrint depends on it
        yield
        return
    original_zlib = getattr(pydyf, "zlib", None)
    original_refs = pydyf.PDF.__dict__.get("page_references")
    if original_zlib is not zlib or not isinstance(original_refs, property) or original_refs.fget is None:
        yield
        return
    read_refs = original_refs.fget

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_briefgen_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), read_refs(pdf))
            pdf.__dict__["_briefgen_page_references"] = cached
        return cached[1]

    pydyf.zlib = _ZlibAtLevel(COMPRESS_LEVEL)
    pydyf.PDF.page_references = property(page_references)
    try:
        yield
    finally:
        pydyf.zlib = original_zlib
        pydyf.PDF.page_references = original_refs


class _ZlibAtLevel:
    """The zlib module as pydyf sees it, with every compression at one level."""

    def __init__(self, level: int) -> None:
        self.level = level

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    def compressobj(self, level: int = -1, *args, **kwargs):
        return zlib.compressobj(self.level, *args, **kwargs)

    def compress(self, data, level: int = -1, **kwargs):
        return zlib.compress(data, self.level, **kwargs)


TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s+url\s*\)\s*,\s*page\s*\)")
"""The page references briefgen numbers itself (the page of the link's own target); other forms stay WeasyPrint's."""
PLACEHOLDER = "\u2007"
"""Figure space: as wide as a digit in every font briefgen uses (tabular figures), never collapsed nor broken."""


def _estimate_digits(html: str) -> int:
    """Digits of the page count, guessed from the size of the print HTML (about 5 KB a page); checked after layout."""
    return len(str(max(1, len(html) // 4800)))


def _placeholder_css(css: str, digits: int) -> tuple[str, bool]:
    """``css`` with every ``target-counter(attr(href url), page)`` replaced by ``digits`` figure spaces.

    WeasyPrint settles ``target-counter()`` by laying the document out up to three times (and again for every
    page whose numbers changed). Laid out once with placeholders exactly as wide as the final numbers, the
    document keeps its line and page breaks when :func:`_fill_page_numbers` writes the numbers in.
    """
    out, n = TARGET_PAGE.subn('"' + PLACEHOLDER * digits + '"', css)
    return out, n > 0


def _fill_page_numbers(document, digits: int) -> None:
    """Write the page of each link's target into the placeholders of the laid-out ``document``.

    A number alone (the index) is set at its width and what follows it on its line moves left; a number after a
    ``leader()`` or in a right-aligned box (the contents) is right-aligned; a number inside other text ("(p. 12)")
    keeps the placeholder's width (figure spaces after it). Line and page breaks never change.
    """
    from weasyprint.formatting_structure import boxes

    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    placeholder = PLACEHOLDER * digits
    for page in document.pages:
        moved = False
        stack: list[tuple[object, tuple]] = [(page._page_box, ())]
        while stack:
            box, path = stack.pop()
            if isinstance(box, boxes.TextBox):
                if placeholder in box.text and "::" in box.element_tag and box.element is not None:
                    moved |= _fill(box, path, pages, digits, placeholder)
                continue
            children = getattr(box, "children", None)
            if children:
                sub = path + (box,)
                stack.extend((child, sub) for child in reversed(children))
        if moved:  # link rectangles follow the moved text
            from weasyprint.anchors import gather_anchors

            page.links, page.anchors, page.bookmarks, page.forms = [], {}, [], {None: []}
            gather_anchors(page._page_box, page.anchors, page.links, page.bookmarks, page.forms)


def _fill(box, path, pages: dict[str, int], digits: int, placeholder: str) -> bool:
    href = box.element.get("href") or ""
    number = str(pages.get(unquote(href[1:]), "")) if href.startswith("#") else ""
    number = number[:digits]
    if not number or len(number) == digits:
        box.text = box.pango_layout.text = box.text.replace(placeholder, number)
        return False
    if box.text != placeholder:
        # inside other text ("(p. 12)"): the box narrows by what the number is shorter than its placeholder and the
        # rest of the line moves left, so that "(p. 7)." has no gap before its full stop
        delta = _text_width(box.style, placeholder) - _text_width(box.style, number)
        box.text = box.pango_layout.text = box.text.replace(placeholder, number)
        box.width -= delta
        return _move_rest_of_line(box, path, delta)
    delta = box.width * (digits - len(number)) / digits
    box.text = box.pango_layout.text = number
    box.width -= delta
    parent = path[-1] if path else None
    leader = next((c for c in parent.children if getattr(c, "is_leader", False)), None) if parent is not None else None
    if leader is not None:  # right-aligned after the dot leader (contents), which grows as WeasyPrint would grow it
        box.position_x += delta
        dots = list(leader.children)
        if dots and dots[0].width > 0:
            step = dots[0].width  # the leader's copies sit on a grid counted from the line's right edge
            right = max(d.position_x for d in dots) + step
            while right + step <= leader.position_x + leader.width + delta + 1e-6:
                dot = dots[0].copy()
                dot.position_x = right
                dots.append(dot)
                right += step
            leader.children = tuple(dots)
        leader.width += delta
        return False
    if box.style["text_align_all"] in ("right", "end"):  # right-aligned (the contents' numbers): stays right-aligned
        box.position_x += delta
        return False
    return _move_rest_of_line(box, path, delta)


def _move_rest_of_line(box, path, delta: float) -> bool:
    """What follows ``box`` on its line moves ``delta`` to the left; the boxes enclosing it shrink."""
    for i in range(len(path) - 1, -1, -1):
        container, inner = path[i], (path[i + 1] if i + 1 < len(path) else box)
        after = False
        for child in container.children:
            if after:
                child.translate(-delta)
            elif child is inner:
                after = True
        if type(container).__name__ == "LineBox":
            break
        container.width -= delta
    return True


_WIDTHS: dict[tuple[str, str], float] = {}


def _text_width(style, text: str) -> float:
    """The advance of ``text`` on one line in the font of ``style`` (Pango, as WeasyPrint measures it)."""
    from weasyprint.text.line_break import Layout, _font_style_cache_key, line_size

    key = (_font_style_cache_key(style, include_size=True), text)
    if key not in _WIDTHS:
        layout = Layout(style)
        layout.set_text(text)
        _WIDTHS[key] = line_size(layout.get_first_line()[0], style)[0]
    return _WIDTHS[key]


class _CountPasses(logging.Handler):
    """Counts WeasyPrint's layout passes and page layouts from its progress messages."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.passes = 1
        self.layouts = 0

    def emit(self, record: logging.LogRecord) -> None:
        msg = str(record.msg)
        if "Repagination" in msg:
            self.passes += 1
        elif "Creating layout - Page" in msg and "up-to-date" not in msg:
            self.layouts += 1


def _report_log(messages: list[str], refused: list[str], doc: PrintDocument, diags: Diagnostics) -> None:
    for url in dict.fromkeys(refused):
        shown = url if len(url) <= 80 else url[:79] + "\u2026"
        diags.warning(Span(doc.template_path), "pdf-resource-refused", f"not embedded in the PDF: '{shown}'",
                      "the PDF loads only files in templates/print/ and data: URIs; never the network or other files")
    for msg in dict.fromkeys(messages):
        if "briefgen refuses to load" in msg:
            continue  # reported above
        where = re.search(r"\bat (\d+):(\d+)\b", msg)
        if where:
            diags.warning(Span(doc.css_path, int(where.group(1)), int(where.group(2))), "pdf-css", msg,
                          "WeasyPrint ignored this rule; see https://doc.courtbouillon.org/weasyprint/ for what it supports")
        elif "anchor" in msg.lower():
            diags.warning(Span(doc.template_path), "pdf-dangling-link", msg, "the print template links to an anchor it does not print")
        else:
            diags.warning(Span(doc.template_path), "pdf-layout", msg, "")


@dataclass(frozen=True)
class Written:
    """A PDF written by :func:`export_pdf`."""

    path: Path
    """Where it was written."""
    pages: int
    """Its number of pages."""


def export_pdf(root: Path, compiled, diags: Diagnostics, output: Path, pack: str | None,
               *, strict: bool = False) -> Written | None:
    """Write the briefing (or ``pack``) of ``compiled`` (a :class:`briefgen.build.Compiled`) as a PDF to ``output``.
    None when it could not be written (problems in ``diags``).

    The file is first written next to ``output`` and renamed into place, so a failed export leaves an
    existing PDF untouched.
    """
    if compiled.model is None:
        return None
    output = Path(output)
    shown = display_path(output, root)
    first_new = len(diags.items)
    doc = build_print(compiled.model, root, diags, pack)
    if doc is None:
        return None
    try:
        result = render_pdf(doc, diags)
    except Exception as exc:  # WeasyPrint failing on a template override or a bug of its own: located, no traceback
        diags.error(Span(doc.template_path), "pdf-render", f"WeasyPrint could not lay out the print document: "
                    f"{type(exc).__name__}: {exc}",
                    "if you override templates/print/, try without your override; otherwise please report this")
        return None
    if result is None:
        diags.error(Span(shown), "pdf-unavailable", "the PDF export needs WeasyPrint 70 or later, which is not installed",
                    "install it with: pip install 'briefgen[pdf]' (WeasyPrint also needs Pango: apt-get install libpango-1.0-0)")
        return None
    data, pages, _refused = result
    if any(d.severity.value == "error" or strict for d in diags.items[first_new:]):
        return None
    if not _write_atomically(output, data, diags, shown):
        return None
    return Written(output, pages)


def _write_atomically(output: Path, data: bytes, diags: Diagnostics, shown: str) -> bool:
    """``data`` to a temporary file beside ``output``, then renamed over it: ``output`` is never half-written."""
    tmp = output.with_name(f"{TMP_PREFIX}{output.name}.tmp-{os.getpid()}")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        for leftover in output.parent.glob(f"{TMP_PREFIX}{output.name}.tmp-*"):  # of killed exports
            pid = leftover.name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                leftover.unlink(missing_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, output)
        return True
    except OSError as exc:
        diags.error(Span(shown), "pdf-write", f"cannot write the PDF: {exc.strerror or exc}",
                    "check that the folder exists and is writable, and that the path is not a folder")
        return False
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass
