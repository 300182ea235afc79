"""Cleaning of HTML captures: trafilatura extracts the article, then the text rules run on its paragraphs.

The page is parsed once (lxml, through trafilatura's loader: no network, no external entities, no scripts).
Before extraction, the page's visible text is collected per block element with its source line; after
extraction this gives each paragraph its line in the capture, and the blocks that did not make it into the
article are recorded as "page chrome" removals (consecutive blocks merged into one removal).

Extraction settings were chosen on the article-extraction benchmark (see ``docs/cleaning.md``):
``favor_precision=True`` with tables and without comments scores best.
"""

from __future__ import annotations

import logging
import re

from briefgen.clean.dedup import mark_duplicates
from briefgen.clean.overrides import apply_keep, apply_remove, warn_unmatched
from briefgen.clean.rules import REGION_CONTINUES, Rule, classify, is_story_like
from briefgen.clean.types import CleanedText, CleaningOverrides, DetectedMeta, MetaSource, Removal
from briefgen.clean.units import Unit, finish, fold, norm_words
from briefgen.diagnostics import Diagnostics, Span

MAX_HTML_BYTES = 20 * 1024 * 1024
"""Larger HTML captures are not parsed (``capture-unreadable``)."""
CHROME_TEXT_LIMIT = 300
"""Characters of a page-chrome run shown in its removal (the reason gives the full size)."""
MAX_CHROME_REMOVALS = 40
"""More runs of page chrome than this are summed up in one last removal."""
HTML_DUPLICATE_MIN_WORDS = 20
"""On web pages short repeated paragraphs are usually content (list items, table cells, "See it at Amazon");
only repeats of long paragraphs are treated as duplicates."""
HTML_DUPLICATE_MAX_COPIES = 2
"""A long paragraph occurring three or more times on a page is structure (recipes per phase, the same
interview questions per person): all copies are kept."""
SHORT_EXTRACTION = 500
"""When precision-mode extraction yields fewer characters than this and balanced mode yields four times as
much, precision mode has caught a fragment (a notice) instead of the article: balanced mode is used."""

EXTRACT_OPTIONS = dict(favor_precision=True, include_comments=False, include_tables=True,
                       include_images=False, include_links=False, include_formatting=False, deduplicate=False)
"""Options of ``trafilatura.bare_extraction`` (measured best on the benchmark; see docs/cleaning.md)."""

_SKIP = frozenset({"head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "title"})
_BLOCKS = frozenset({
    "html", "body", "p", "div", "section", "article", "aside", "header", "footer", "nav", "main", "h1", "h2",
    "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "thead", "tbody",
    "tfoot", "caption", "blockquote", "pre", "figure", "figcaption", "form", "fieldset", "address", "details",
    "summary", "menu", "label", "button", "select", "option", "center", "hgroup",
})
_CONTAINERS = frozenset({"list", "quote", "div", "table", "item", "body"})
_HTTP = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


class _Block:
    __slots__ = ("line", "parts", "key")

    def __init__(self, line: int) -> None:
        self.line = line
        self.parts: list[str] = []
        self.key = ""


def _page_blocks(tree) -> list[_Block]:
    """The visible text of the page per block element, in document order, with the element's source line.

    A block's text is its own text and that of its inline descendants, not that of nested blocks.
    """
    from lxml import etree

    blocks: list[_Block] = []
    stack: list[_Block] = []
    owners: list[object] = []
    skip_depth = 0
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if skip_depth or tag in _SKIP:
                skip_depth += 1
                continue
            if tag in _BLOCKS or not stack:
                stack.append(_Block(el.sourceline or 1))
                owners.append(el)
                blocks.append(stack[-1])
            if el.text and tag:
                stack[-1].parts.append(el.text)
            continue
        if skip_depth:
            skip_depth -= 1
            if skip_depth:
                continue
        elif owners and owners[-1] is el:
            owners.pop()
            stack.pop()
        if el.tail and stack:
            stack[-1].parts.append(el.tail)
    out = []
    for b in blocks:
        text = fold(" ".join(b.parts))
        if text:
            b.parts = [text]
            b.key = norm_words(text)
            if b.key:
                out.append(b)
    return out


def _element_text(el) -> str:
    return fold("".join(el.itertext()))


def _body_paragraphs(body) -> list[str]:
    """Paragraphs of trafilatura's XML body: p / head / item / code, table rows as ``cell | cell``."""
    for lb in body.iter("lb"):
        lb.tail = " " + (lb.tail or "")
    out: list[str] = []

    def walk(el) -> None:
        tag = el.tag
        if tag == "row":
            cells = [_element_text(c) for c in el]
            text = " | ".join(c for c in cells if c)
            if text:
                out.append(text)
            return
        if tag in _CONTAINERS or tag == "table":
            own = fold(el.text or "")
            if own:
                out.append(own)
            for child in el:
                walk(child)
                tail = fold(child.tail or "")
                if tail:
                    out.append(tail)
            return
        text = _element_text(el)
        if text:
            out.append(text)

    walk(body)
    return out


def _locate(units: list[Unit], blocks: list[_Block]) -> tuple[int, int]:
    """Give each paragraph the source line of the first page block containing its first words (moving pointer).

    Returns the range of block indices the article was found in (``(0, -1)`` when nothing was found).
    """
    pos, first, last = 0, len(blocks), -1
    for u in units:
        probe = " ".join(norm_words(u.text).split()[:8])
        if not probe:
            continue
        found = next((j for j in range(pos, min(len(blocks), pos + 400)) if probe in blocks[j].key), None)
        if found is None:
            found = next((j for j in range(max(0, pos - 400), pos) if probe in blocks[j].key), None)
        if found is None:
            continue
        u.line = blocks[found].line
        pos = found
        first, last = min(first, found), max(last, found)
    return (first, last) if last >= 0 else (0, -1)


def _chrome(blocks: list[_Block], units: list[Unit], article: tuple[int, int], path: str) -> list[Removal]:
    """Runs of page blocks whose text is not in the extracted article: one removal per run.

    Inside the article's range of blocks, a block is article text when its words occur in the extraction;
    outside it, only when it is a whole extracted paragraph (so a "World" menu entry does not count as
    article text because the article mentions the Second World War).
    """
    extracted = " ".join(norm_words(u.text) for u in units)
    paragraphs = {norm_words(u.text) for u in units}
    first, last = article
    runs: list[list[_Block]] = []
    current: list[_Block] = []
    for j, b in enumerate(blocks):
        if b.key in paragraphs or (first <= j <= last and b.key in extracted):
            if current:
                runs.append(current)
                current = []
        else:
            current.append(b)
    if current:
        runs.append(current)
    removals = []
    if len(runs) > MAX_CHROME_REMOVALS:
        runs[MAX_CHROME_REMOVALS - 1:] = [[b for run in runs[MAX_CHROME_REMOVALS - 1:] for b in run]]
    for run in runs:
        text = " ".join(b.parts[0] for b in run)
        shown = text if len(text) <= CHROME_TEXT_LIMIT else text[: CHROME_TEXT_LIMIT - 1].rstrip() + "…"
        removals.append(Removal(shown, Span(path, run[0].line, 1),
                                f"page chrome, not article text ({len(text)} characters)", "boilerplate"))
    return removals


def _http(url: str | None) -> str | None:
    url = (url or "").strip()
    return url if _HTTP.match(url) else None


def _metadata(tree, path: str) -> DetectedMeta:
    from trafilatura.metadata import extract_metadata

    try:
        m = extract_metadata(tree, date_config={"extensive_search": False, "original_date": True})
    except Exception:  # metadata is a bonus: a failure here must not lose the article
        return DetectedMeta()
    date = m.date if m.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.date) else None
    values = {"title": fold(m.title) if m.title else None, "date": date,
              "byline": fold(m.author) if m.author else None, "outlet": fold(m.sitename) if m.sitename else None,
              "url": _http(m.url)}
    # trafilatura does not say which tag each value came from: the page as a whole is the source
    sources = tuple(MetaSource(field, value, Span(path), "page metadata (meta tags / structured data)", value)
                    for field, value in values.items() if value is not None)
    return DetectedMeta(**values, date_evidence="the page's metadata (meta tags / structured data)" if date else None,
                        sources=sources)


def _extract(tree) -> list[str]:
    """Paragraphs of the article: precision mode, or balanced mode when precision caught only a fragment."""
    import trafilatura

    doc = trafilatura.bare_extraction(tree, **EXTRACT_OPTIONS)
    paragraphs = _body_paragraphs(doc.body) if doc is not None and doc.body is not None else []
    size = sum(map(len, paragraphs))
    if size < SHORT_EXTRACTION:
        doc = trafilatura.bare_extraction(tree, **{**EXTRACT_OPTIONS, "favor_precision": False})
        other = _body_paragraphs(doc.body) if doc is not None and doc.body is not None else []
        if sum(map(len, other)) >= 4 * max(size, 1):
            paragraphs = other
    return paragraphs


def _unreadable(path: str, diags: Diagnostics, why: str) -> CleanedText:
    diags.error(Span(path), "capture-unreadable", f"no article text could be read from this HTML capture: {why}",
                "save the article's text as a .txt capture instead (text copied from the page)")
    return CleanedText((), (), DetectedMeta())


def clean_html(text: str, path: str, overrides: CleaningOverrides, diags: Diagnostics) -> CleanedText:
    """Extract and clean an HTML capture. Never raises: failures are ``capture-unreadable`` errors."""
    if len(text) > MAX_HTML_BYTES or (len(text) > MAX_HTML_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_HTML_BYTES):
        return _unreadable(path, diags, f"the file is larger than {MAX_HTML_BYTES // (1024 * 1024)} MB")
    if not text.strip():
        return CleanedText((), (), DetectedMeta())
    import trafilatura
    from trafilatura.utils import load_html

    try:
        tree = load_html(text)
        if tree is None:
            return _unreadable(path, diags, "it could not be parsed as HTML")
        blocks = _page_blocks(tree)
        paragraphs = _extract(tree)
        detected = _metadata(tree, path)
    except Exception as exc:  # untrusted input: any parser failure becomes a located error
        return _unreadable(path, diags, f"extraction failed ({type(exc).__name__})")
    if not paragraphs:
        return _unreadable(path, diags, "trafilatura found no article text in the page")

    units = [Unit(t, 1, 1) for t in paragraphs]
    article = _locate(units, blocks)
    chrome = _chrome(blocks, units, article, path)
    keep_unmatched = apply_keep(units, overrides)
    _apply_rules(units, detected.title)
    remove_unmatched = apply_remove(units, overrides)
    mark_duplicates(units, min_words=HTML_DUPLICATE_MIN_WORDS, near_min_words=HTML_DUPLICATE_MIN_WORDS,
                    max_copies=HTML_DUPLICATE_MAX_COPIES)
    warn_unmatched("keep", keep_unmatched, units, path, diags)
    warn_unmatched("remove", remove_unmatched, units, path, diags)
    return finish(units, path, detected, chrome)


def _apply_rules(units: list[Unit], title: str | None) -> None:
    """The text rule table and promotional regions on extracted paragraphs (no header or label heuristics:
    the page's metadata gives the headline, and headings are marked up as such). A paragraph repeating the
    page title is the headline."""
    region: Rule | None = None
    story_seen = False
    title_key = norm_words(title) if title else None
    for u in units:
        if title_key and norm_words(u.text) == title_key:
            u.remove("metadata", "headline repeated")
            continue
        hit = classify(u.text)
        if hit is not None:
            rule, _ = hit
            u.remove(rule.category, rule.reason)
            region = rule if rule.region and story_seen else region
            continue
        if region is not None and REGION_CONTINUES[region.region](u.text):  # type: ignore[index]
            u.remove(region.category, region.reason)
            continue
        region = None
        story_seen = story_seen or is_story_like(u.text)
