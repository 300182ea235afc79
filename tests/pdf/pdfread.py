"""Reading a PDF back for the tests: pypdf for structure (outline, links, destinations), poppler for text."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import require_tool
from pypdf import PdfReader


@dataclass
class Outline:
    title: str
    page: int
    """0-based page index."""
    children: list[Outline]


def page_texts(pdf: Path, layout: bool = True) -> list[str]:
    """The text of every page (``pdftotext``; ``-layout`` keeps lines as laid out)."""
    tool = require_tool("pdftotext")
    args = [tool, "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and pages[-1].strip() == "" else pages


def flat(text: str) -> str:
    """Whitespace folded, for searching phrases that may wrap."""
    return " ".join(text.split())


def pdfinfo(pdf: Path) -> dict[str, str]:
    tool = require_tool("pdfinfo")
    out = subprocess.run([tool, "-isodates", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if k}


def pdffonts(pdf: Path) -> list[dict[str, str]]:
    tool = require_tool("pdffonts")
    lines = subprocess.run([tool, str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID  (type may hold spaces: read the flags from the end)
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def named_destinations(reader: PdfReader) -> dict[str, int]:
    """Destination name → 0-based page index."""
    return {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}


def outline(reader: PdfReader) -> list[Outline]:
    def walk(items) -> list[Outline]:
        out: list[Outline] = []
        for item in items:
            if isinstance(item, list):
                out[-1].children.extend(walk(item))
            else:
                out.append(Outline(item.title, reader.get_destination_page_number(item), []))
        return out
    return walk(reader.outline)


@dataclass
class LinkAnnot:
    page: int
    dest: str | None
    """Named destination of an internal link."""
    dest_page: int | None
    """Page index of an internal link given as an explicit destination."""
    uri: str | None
    """Address of an external link."""


def links(reader: PdfReader) -> list[LinkAnnot]:
    out = []
    for i, page in enumerate(reader.pages):
        for ref in page.get("/Annots", []) or []:
            a = ref.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            dest, dest_page, uri = None, None, None
            target = a.get("/Dest")
            action = a.get("/A")
            if action is not None:
                action = action.get_object()
                if action.get("/S") == "/URI":
                    uri = str(action.get("/URI"))
                elif action.get("/S") == "/GoTo":
                    target = action.get("/D")
            if target is not None:
                target = target.get_object() if hasattr(target, "get_object") else target
                if isinstance(target, str):
                    dest = str(target)
                else:  # explicit [page /XYZ ...]
                    dest_page = reader.get_page_number(target[0].get_object()) if hasattr(target[0], "get_object") else None
            out.append(LinkAnnot(i, dest, dest_page, uri))
    return out


TOC_LINE = re.compile(r"^\s*(?P<label>\S.*?)(?:\s*(?:\.\s?){2,}\s*|\s{3,})(?P<page>\d+)\s*$")
"""A contents line: the label, a leader (dots as text, or a drawn leader: only spaces in the text) and the page."""


def toc_entries(texts: list[str], first: int, stop: int) -> list[tuple[str, int]]:
    """``(label, printed page number)`` of every contents line on pages ``first`` .. ``stop - 1`` (0-based)."""
    out = []
    for text in texts[first:stop]:
        for line in text.splitlines():
            m = TOC_LINE.match(line)
            if m:
                out.append((" ".join(m.group("label").split()), int(m.group("page"))))
    return out


@dataclass
class Word:
    page: int
    """0-based page index."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    """Box in PDF points, origin at the bottom left (as link rectangles)."""


def words(pdf: Path) -> list[Word]:
    """Every word with its box (``pdftotext -bbox``)."""
    import html as _html

    tool = require_tool("pdftotext")
    out = subprocess.run([tool, "-enc", "UTF-8", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    result: list[Word] = []
    page, height = -1, 0.0
    for line in out.splitlines():
        m = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
        if m:
            page += 1
            height = float(m.group(2))
            continue
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            result.append(Word(page, _html.unescape(m.group(5)), x0, height - y1, x1, height - y0))
    return result


def link_texts(reader: PdfReader, pdf: Path) -> list[tuple[LinkAnnot, str]]:
    """Each link with the words its rectangle covers."""
    by_page: dict[int, list[Word]] = {}
    for w in words(pdf):
        by_page.setdefault(w.page, []).append(w)
    out = []
    all_links = links(reader)
    rects = []
    for i, page in enumerate(reader.pages):
        for ref in page.get("/Annots", []) or []:
            a = ref.get_object()
            if a.get("/Subtype") == "/Link":
                rects.append((i, [float(v) for v in a["/Rect"]]))
    for link, (i, (x0, y0, x1, y1)) in zip(all_links, rects):
        inside = [w.text for w in by_page.get(i, []) if (w.x0 + w.x1) / 2 >= x0 - 1 and (w.x0 + w.x1) / 2 <= x1 + 1
                  and (w.y0 + w.y1) / 2 >= y0 - 1 and (w.y0 + w.y1) / 2 <= y1 + 1]
        out.append((link, " ".join(inside)))
    return out
