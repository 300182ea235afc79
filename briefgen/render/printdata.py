"""Rich text of the print edition as data: typed runs and blocks, never Typst (or HTML) markup.

The print template (``templates/print/briefing.typ``) receives every text as a :class:`Run` sequence: a string
with its styling and its link, which the template sets with ``text()``/``link()``. Nothing a capture or an
annotation holds is ever parsed as Typst: ``#read("/etc/passwd")`` in an article prints those characters.

Author Markdown is rendered to HTML by :mod:`briefgen.render.markdown` as for the site, its links and citations
resolved for print (:class:`briefgen.render.print.PrintLinks`); :func:`html_blocks` reads that (well-formed,
briefgen-written) HTML back into blocks of runs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from html.parser import HTMLParser

POSSESSIVE = re.compile(r"^(?:['\u2019]s|['\u2019])(?![\w])")
"""A possessive right after a reference ("Russia's", "the Territories'"): the "(p. N)" goes after it."""


@dataclass(frozen=True)
class Run:
    """A stretch of inline text with one style and at most one link."""

    text: str
    """The characters, printed literally."""
    em: bool = False
    """Italic."""
    strong: bool = False
    """Bold."""
    code: bool = False
    """Monospaced (inline code of author Markdown)."""
    link: str | None = None
    """Internal anchor (``ent-kunashir``, ``art-x_p3``) this run links to, or None."""
    url: str | None = None
    """Outside address (``https://…``) this run links to, or None."""
    page: str | None = None
    """Anchor whose page is printed after this run as "(p. N)" (a cross-reference), or None."""
    note: str | None = None
    """For a note call (the run's text is the note's number): the note's anchor."""
    entity: str | None = None
    """Id of the entity this run names (the index lists the page it lands on), or None."""


@dataclass(frozen=True)
class Block:
    """A block of rich text: a paragraph, a heading, a list, a quotation or code."""

    kind: str
    """``para``, ``heading``, ``list``, ``quote``, ``code`` or ``rule``."""
    runs: tuple[Run, ...] = ()
    """Its inline content (para, heading, code)."""
    level: int = 0
    """A heading's level, counted within its section (1: the section's top heading level)."""
    ordered: bool = False
    """A numbered list."""
    items: tuple[tuple[Block, ...], ...] = ()
    """A list's items, each a sequence of blocks."""
    children: tuple[Block, ...] = ()
    """A quotation's blocks."""
    anchor: str | None = None
    """Its anchor (a heading of the overview listed in the contents), or None."""


def plain(text: str) -> tuple[Run, ...]:
    """Text with no styling or link."""
    return (Run(text),) if text else ()


def text_of(runs: tuple[Run, ...]) -> str:
    """The characters of ``runs``."""
    return "".join(r.text for r in runs)


def with_possessives(runs: list[Run]) -> list[Run]:
    """Move each cross-reference's "(p. N)" after a possessive that follows it: "Russia's (p. 11)"."""
    out: list[Run] = []
    for run in runs:
        prev = out[-1] if out else None
        if prev is not None and prev.page and not run.link and not run.url and not run.note:
            m = POSSESSIVE.match(run.text)
            if m:
                out[-1] = replace(prev, page=None)
                out.append(Run(m.group(0), em=run.em, strong=run.strong, page=prev.page))
                rest = run.text[m.end() :]
                if rest:
                    out.append(replace(run, text=rest))
                continue
        while run.note and out and not out[-1].note and out[-1].text != out[-1].text.rstrip():
            # a note number never starts a line: no space between it and the word it follows
            last = out[-1]
            trimmed = last.text.rstrip()
            out[-1:] = [replace(last, text=trimmed)] if trimmed or last.page else []
        out.append(run)
    return out


# -- briefgen's HTML (author Markdown rendered as on the site) back into blocks ---------------------------------

_UNSTYLED_INLINE = frozenset({"span", "sup", "sub", "mark", "small", "abbr", "del", "ins", "u", "s"})
"""Inline elements that set no style of their own here (a span or sup that does is handled before)."""
_INLINE = _UNSTYLED_INLINE | {"em", "i", "cite", "q", "strong", "b", "code", "a"}
"""Every inline element that opens an entry of the style stack (and so closes one)."""
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "li", "dt", "dd", "figcaption", "td", "th"}


@dataclass
class _Frame:
    tag: str
    blocks: list[Block] = field(default_factory=list)
    items: list[tuple[Block, ...]] = field(default_factory=list)
    anchor: str | None = None


class _Reader(HTMLParser):
    """Reads the HTML briefgen writes (python-markdown output, references, note calls) into blocks and runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.frames: list[_Frame] = [_Frame("root")]
        self.runs: list[Run] = []
        self.style: list[dict] = []  # one entry per open inline element: what it sets
        self.heading: tuple[int, str | None] | None = None
        self.pre = False

    # inline state
    def _current(self) -> dict:
        cur: dict = {}
        for s in self.style:
            cur.update(s)
        return cur

    def _flush(self, kind: str = "para", level: int = 0, anchor: str | None = None) -> None:
        runs = with_possessives(self.runs)
        self.runs = []
        if kind != "code":
            runs = _fold_space(runs)
        if runs:
            self.frames[-1].blocks.append(Block(kind, tuple(runs), level=level, anchor=anchor))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        cls = a.get("class", "")
        if tag in ("ul", "ol", "blockquote"):
            self._flush()
            self.frames.append(_Frame(tag))
        elif tag == "li":
            self._flush()
            self.frames.append(_Frame("li"))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.heading = (int(tag[1]), a.get("id") or None)
        elif tag == "pre":
            self._flush()
            self.pre = True
        elif tag == "br":
            self.runs.append(Run("\n", **_plain_style(self._current())))
        elif tag in ("em", "i", "cite", "q", "span") and (tag != "span" or "outside" in cls or "img-omitted" in cls):
            self.style.append({"em": True})
            if tag == "q":
                self.runs.append(Run("\u201c", **_plain_style(self._current())))
        elif tag in ("strong", "b"):
            self.style.append({"strong": True})
        elif tag == "code":
            self.style.append({"code": True})
        elif tag == "a":
            href = a.get("href", "")
            if href.startswith("#"):
                anchor = href[1:]
                entity = anchor[4:] if anchor.startswith("ent-") else None
                page = anchor if "xref" in cls.split() else None
                self.style.append({"link": anchor, "_page": page, "entity": entity})
            elif href:
                self.style.append({"url": href})
            else:
                self.style.append({})
        elif tag == "sup" and "note-call" in cls:
            self.style.append({"_note": True})
        elif tag in _UNSTYLED_INLINE:
            self.style.append({})

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol", "blockquote"):
            self._flush()
            frame = self.frames.pop()
            if tag == "blockquote":
                self.frames[-1].blocks.append(Block("quote", children=tuple(frame.blocks)))
            else:
                self.frames[-1].blocks.append(Block("list", ordered=tag == "ol", items=tuple(frame.items)))
        elif tag == "li":
            self._flush()
            frame = self.frames.pop()
            if self.frames[-1].tag in ("ul", "ol"):
                self.frames[-1].items.append(tuple(frame.blocks))
            else:
                self.frames[-1].blocks.extend(frame.blocks)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level, anchor = self.heading or (int(tag[1]), None)
            self.heading = None
            self._flush("heading", level, anchor)
        elif tag == "pre":
            self.pre = False
            self._flush("code")
        elif tag == "hr":
            self._flush()
            self.frames[-1].blocks.append(Block("rule"))
        elif tag in ("p", "div", "figcaption", "dd", "dt", "td", "th"):
            self._flush()
        elif tag in _INLINE:
            if not self.style:
                return
            s = self.style.pop()
            if tag == "q" and s.get("em"):
                self.runs.append(Run("\u201d", **_plain_style(self._current())))
            if s.get("_page") and self.runs:  # the page of a cross-reference, after its last run
                self.runs[-1] = replace(self.runs[-1], page=s["_page"])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.runs.append(Run("\n", **_plain_style(self._current())))
        elif tag == "hr":
            self._flush()
            self.frames[-1].blocks.append(Block("rule"))
        elif tag == "img":  # only data: images reach here (others are replaced by a note); shown by their text
            alt = dict(attrs).get("alt") or "image"
            self.runs.append(Run(f"[{alt}]", em=True))

    def handle_data(self, data: str) -> None:
        if not data:
            return
        cur = self._current()
        if cur.get("_note"):
            anchor = cur.get("link")
            self.runs.append(Run(data, note=anchor))
            return
        self.runs.append(Run(data, **_plain_style(cur)))

    def result(self) -> tuple[Block, ...]:
        self._flush()
        while len(self.frames) > 1:  # unclosed elements (never in briefgen's HTML): keep their text
            frame = self.frames.pop()
            self.frames[-1].blocks.extend(frame.blocks)
            for item in frame.items:
                self.frames[-1].blocks.extend(item)
        return tuple(self.frames[0].blocks)


def _plain_style(cur: dict) -> dict:
    return {k: v for k, v in cur.items() if k in ("em", "strong", "code", "link", "url", "entity")}


def _fold_space(runs: list[Run]) -> list[Run]:
    """HTML whitespace rules: runs of spaces and newlines become one space; none at the ends of a block."""
    out: list[Run] = []
    for r in runs:
        if r.text == "\n" and not r.note:
            out.append(r)
            continue
        text = re.sub(r"[ \t\r\n]+", " ", r.text)
        if out and (out[-1].text.endswith(" ") or out[-1].text == "\n") and text.startswith(" "):
            text = text[1:]
        if text or r.page:
            out.append(replace(r, text=text))
    while out and out[0].text.strip() == "" and not out[0].page:
        out.pop(0)
    if out and out[0].text.startswith(" "):
        out[0] = replace(out[0], text=out[0].text.lstrip(" "))
    while out and out[-1].text.strip() == "" and not out[-1].page and not out[-1].note:
        out.pop()
    if out and out[-1].text.endswith(" "):
        out[-1] = replace(out[-1], text=out[-1].text.rstrip(" "))
    return out


def html_blocks(html: str) -> tuple[Block, ...]:
    """Blocks of the HTML briefgen renders from author Markdown (tags it does not write keep only their text)."""
    if not html:
        return ()
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.result()


@functools.lru_cache(maxsize=8192)  # the same reference is printed many times; runs are frozen, so shared
def html_runs(html: str) -> tuple[Run, ...]:
    """The runs of an inline HTML fragment (a reference, an infobox value); blocks are joined with spaces."""
    blocks = html_blocks(html)
    out: list[Run] = []
    for b in _flatten(blocks):
        if out and b:
            out.append(Run(" "))
        out.extend(b)
    return tuple(out)


def _flatten(blocks: tuple[Block, ...]) -> list[tuple[Run, ...]]:
    out: list[tuple[Run, ...]] = []
    for b in blocks:
        if b.runs:
            out.append(b.runs)
        for item in b.items:
            out.extend(_flatten(item))
        out.extend(_flatten(b.children))
    return out


def no_skipped_levels(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Headings one level at most below the one before (``##`` then ``####`` becomes 2 then 3): a tagged PDF
    (PDF/UA-1) may not skip a level."""
    out = []
    prev: int | None = None
    for b in blocks:
        if b.kind == "heading":
            level = b.level if prev is None else min(b.level, prev + 1)
            prev = level
            b = replace(b, level=level)
        out.append(b)
    return tuple(out)


def first_pages(value, seen: set[str]):
    """``value`` (runs, blocks or a view holding them) with the page of each target printed once: a later
    reference to the same target in the same section keeps its link but not its "(p. N)" (``seen``: the targets
    whose page is printed already)."""
    if isinstance(value, Run):
        if value.page is None:
            return value
        if value.page in seen:
            return replace(value, page=None)
        seen.add(value.page)
        return value
    if isinstance(value, tuple):
        return tuple(first_pages(v, seen) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: first_pages(getattr(value, f.name), seen) for f in fields(value)}
        return replace(value, **changes)
    return value
