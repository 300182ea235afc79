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
from dataclasses import replace
from typing import Any

from briefgen.clean.dedup import mark_duplicates
from briefgen.clean.overrides import apply_keep, apply_remove, warn_unmatched
from briefgen.clean.rules import REGION_CONTINUES, Rule, classify, is_story_like
from briefgen.clean.types import CleanedText, CleaningOverrides, DetectedMeta, MetaField, MetaSource, Removal, Role
from briefgen.clean.units import Unit, finish, fold, norm_prefix, norm_words
from briefgen.diagnostics import Diagnostics, Span
from briefgen.load.types import CaptureMeta

MAX_HTML_BYTES = 20 * 1024 * 1024
"""Larger HTML captures are not parsed (``capture-unreadable``)."""
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

EXTRACT_OPTIONS: dict[str, Any] = dict(
    favor_precision=True,
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
    deduplicate=False,
)
"""Options of ``trafilatura.bare_extraction`` (measured best on the benchmark; see docs/cleaning.md)."""

_SKIP = frozenset({"head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "title"})
_BLOCKS = frozenset(
    {
        "html",
        "body",
        "p",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "address",
        "details",
        "summary",
        "menu",
        "label",
        "button",
        "select",
        "option",
        "center",
        "hgroup",
    }
)
_CONTAINERS = frozenset({"list", "quote", "div", "table", "item", "body"})
_HTTP = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


class _Block:
    __slots__ = ("el", "key", "line", "parts")

    def __init__(self, line: int, el=None) -> None:
        self.line = line
        self.parts: list[str] = []
        self.key = ""
        self.el = el


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
                stack.append(_Block(el.sourceline or 1, el))
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


def _body_paragraphs(body) -> list[tuple[str, Role]]:
    """Paragraphs of trafilatura's XML body with their role: p / head / item / code, table rows as
    ``cell | cell``; a ``head`` is a heading, everything else body text."""
    for lb in body.iter("lb"):
        lb.tail = " " + (lb.tail or "")
    out: list[tuple[str, Role]] = []

    def walk(el) -> None:
        tag = el.tag
        if tag == "row":
            cells = [_element_text(c) for c in el]
            text = " | ".join(c for c in cells if c)
            if text:
                out.append((text, "body"))
            return
        if tag in _CONTAINERS or tag == "table":
            own = fold(el.text or "")
            if own:
                out.append((own, "body"))
            for child in el:
                walk(child)
                tail = fold(child.tail or "")
                if tail:
                    out.append((tail, "body"))
            return
        text = _element_text(el)
        if text:
            out.append((text, "heading" if tag == "head" else "body"))

    walk(body)
    return out


def _locate(units: list[Unit], blocks: list[_Block], where: dict[int, int]) -> tuple[int, int]:
    """Give each paragraph the source line of the first page block containing its first words (moving pointer);
    ``where`` gets the block index of each paragraph found (by ``id`` of the unit).

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
        where[id(u)] = found
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
        runs[MAX_CHROME_REMOVALS - 1 :] = [[b for run in runs[MAX_CHROME_REMOVALS - 1 :] for b in run]]
    for run in runs:
        text = " ".join(b.parts[0] for b in run)  # whole: the article page shows it collapsed
        removals.append(
            Removal(
                text,
                Span(path, run[0].line, 1),
                f"page chrome, not article text ({len(text)} characters)",
                "boilerplate",
            )
        )
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
    values: dict[MetaField, str | None] = {
        "title": fold(m.title) if m.title else None,
        "date": date,
        "byline": fold(m.author) if m.author else None,
        "outlet": fold(m.sitename) if m.sitename else None,
        "url": _http(m.url),
    }
    # trafilatura does not say which tag each value came from: the page as a whole is the source
    sources = tuple(
        MetaSource(field, value, Span(path), "page metadata (meta tags / structured data)", value)
        for field, value in values.items()
        if value is not None
    )
    return DetectedMeta(
        **values, date_evidence="the page's metadata (meta tags / structured data)" if date else None, sources=sources
    )


PAGE_META = {
    "description": "description",
    "og:description": "description",
    "twitter:description": "description",
    "keywords": "keywords",
    "news_keywords": "keywords",
    "article:tag": "tags",
    "article:section": "section",
    "article:modified_time": "updated",
    "og:updated_time": "updated",
    "dateModified": "updated",
}
"""Meta tags (``name`` or ``property``) kept as the capture's metadata, under the key shown: they mean no article
field (title, author, date, site name and URL are read by the metadata extraction)."""
MAX_PAGE_META_CHARS = 500
"""A longer meta value is cut (a description is a sentence or two)."""


def _page_meta(tree, path: str) -> tuple[CaptureMeta, ...]:
    """The page's :data:`PAGE_META` tags in page order, values of one key joined with commas."""
    values: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    for el in tree.iter("meta"):
        key = PAGE_META.get((el.get("name") or el.get("property") or el.get("itemprop") or "").strip())
        value = fold(el.get("content") or "")
        if key is None or not value or value in values.get(key, ()):
            continue
        if key != "tags" and key in values:
            continue  # the first of og:/twitter:/plain wins
        values.setdefault(key, []).append(value)
        lines.setdefault(key, el.sourceline or 1)
    out = []
    for key, vs in values.items():
        text = ", ".join(vs)
        if len(text) > MAX_PAGE_META_CHARS:
            text = text[: MAX_PAGE_META_CHARS - 1].rstrip() + "…"
        out.append(CaptureMeta(key, text, Span(path, lines[key], 1)))
    return tuple(out)


def _extract(tree) -> list[tuple[str, Role]]:
    """Paragraphs of the article: precision mode, or balanced mode when precision caught only a fragment."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(tree, **EXTRACT_OPTIONS)  # a Document (not as_dict)
    paragraphs = _body_paragraphs(doc.body) if doc is not None and doc.body is not None else []
    size = sum(len(t) for t, _ in paragraphs)
    if size < SHORT_EXTRACTION:
        doc = trafilatura.bare_extraction(tree, **{**EXTRACT_OPTIONS, "favor_precision": False})
        other = _body_paragraphs(doc.body) if doc is not None and doc.body is not None else []
        if sum(len(t) for t, _ in other) >= 4 * max(size, 1):
            paragraphs = other
    return paragraphs


def _unreadable(path: str, diags: Diagnostics, why: str) -> CleanedText:
    diags.error(
        Span(path),
        "capture-unreadable",
        f"no article text could be read from this HTML capture: {why}",
        "save the article's text as a .txt capture instead (text copied from the page)",
    )
    return CleanedText((), (), DetectedMeta())


def clean_html(text: str, path: str, overrides: CleaningOverrides, diags: Diagnostics) -> CleanedText:
    """Extract and clean an HTML capture. Never raises: failures are ``capture-unreadable`` errors."""
    if len(text) > MAX_HTML_BYTES or (
        len(text) > MAX_HTML_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_HTML_BYTES
    ):
        return _unreadable(path, diags, f"the file is larger than {MAX_HTML_BYTES // (1024 * 1024)} MB")
    if not text.strip():
        return CleanedText((), (), DetectedMeta())
    from trafilatura.utils import load_html

    try:
        tree = load_html(text)
        if tree is None:
            return _unreadable(path, diags, "it could not be parsed as HTML")
        blocks = _page_blocks(tree)
        paragraphs = _extract(tree)
        detected = _metadata(tree, path)
        page_meta = _page_meta(tree, path)
    except Exception as exc:  # untrusted input: any parser failure becomes a located error
        return _unreadable(path, diags, f"extraction failed ({type(exc).__name__})")
    if not paragraphs:
        return _unreadable(path, diags, "trafilatura found no article text in the page")

    units = [Unit(t, 1, 1, role=role) for t, role in paragraphs]
    where: dict[int, int] = {}
    article = _locate(units, blocks, where)
    units = _story_extras(units, blocks, article, where, detected.title)
    keep_unmatched = apply_keep(units, overrides)
    keep_unmatched = _restore_kept_blocks(units, blocks, where, keep_unmatched)
    chrome = _chrome(blocks, units, article, path)
    _apply_rules(units, detected.title)
    remove_unmatched = apply_remove(units, overrides)
    mark_duplicates(
        units,
        min_words=HTML_DUPLICATE_MIN_WORDS,
        near_min_words=HTML_DUPLICATE_MIN_WORDS,
        max_copies=HTML_DUPLICATE_MAX_COPIES,
    )
    warn_unmatched("keep", keep_unmatched, units, path, diags)
    warn_unmatched("remove", remove_unmatched, units, path, diags)
    return replace(finish(units, path, detected, chrome), page_meta=page_meta)


_SKIP_ANCESTORS = frozenset({"nav", "aside", "footer", "form", "menu"})
_CAPTION_TOKENS = frozenset(
    {
        "caption",
        "figcaption",
        "photo-caption",
        "image-caption",
        "img-caption",
        "wp-caption-text",
        "media-caption",
        "caption-text",
    }
)
_STANDFIRST_TOKENS = frozenset(
    {
        "standfirst",
        "dek",
        "deck",
        "subtitle",
        "subheadline",
        "sub-headline",
        "subhead",
        "strapline",
        "strap",
        "summary",
        "intro",
        "lead",
        "lede",
        "excerpt",
        "description",
        "teaser",
        "abstract",
        "kicker-summary",
        "article-summary",
        "article-lead",
        "article-intro",
        "article-dek",
        "article-standfirst",
    }
)
"""Class, id and itemprop words that name a standfirst (dek, summary, lead…) in the markup of news sites."""
_STANDFIRST_ONLY = frozenset(
    {
        "standfirst",
        "dek",
        "deck",
        "strapline",
        "subtitle",
        "subheadline",
        "sub-headline",
        "subhead",
        "article-dek",
        "article-standfirst",
    }
)
"""The names that mean nothing but a standfirst: only these make a paragraph extraction kept first a standfirst
(sites also name the story's opening paragraph ``intro``, ``lede`` or ``summary``)."""
_WORD_SPLIT = re.compile(r"[\s_]+")
STANDFIRST_MIN_WORDS = 6
"""A standfirst is a sentence or two; shorter text under the headline is a label, a date or a byline."""
CAPTION_MIN_WORDS = 3
"""Shorter captions are credits ("Photo: AFP"), not story text."""
MAX_STANDFIRST_BLOCKS = 8
"""How far above the story's first paragraph (in page blocks) a standfirst is looked for without a headline."""


_WHOLE_WORD_ONLY = frozenset({"lead", "strap", "deck", "intro"})
"""Name words that count only as a whole class word: as part of one they mean other things (``lead-image``,
``intro-video``)."""


def _names(el) -> set[str]:
    """The words of an element's class, id and itemprop, lower case, each also split at dashes (except the parts in
    :data:`_WHOLE_WORD_ONLY`)."""
    out: set[str] = set()
    for attr in ("class", "id", "itemprop"):
        for word in _WORD_SPLIT.split((el.get(attr) or "").lower()):
            if word:
                out.add(word)
                out.update(w for w in word.split("-") if w and w not in _WHOLE_WORD_ONLY)
    return out


def _role_of(el, tokens: frozenset[str], tags: frozenset[str] = frozenset(), depth: int = 3) -> bool:
    """Whether ``el`` or one of its ``depth`` nearest ancestors is such an element (by tag or name words), and
    none of its ancestors is navigation, an aside, a footer or a form."""
    node, n = el, 0
    hit = False
    while node is not None and isinstance(node.tag, str):
        if node.tag in _SKIP_ANCESTORS or (node.get("role") or "") in ("navigation", "complementary", "contentinfo"):
            return False
        if n <= depth and not hit and (node.tag in tags or _names(node) & tokens):
            hit = True
        node, n = node.getparent(), n + 1
    return hit


def _is_link(el) -> bool:
    """Whether ``el`` is inside a link or its text is mostly link text: the title of a teaser card for another
    article, not a caption of this one."""
    node = el
    while node is not None and isinstance(node.tag, str):
        if node.tag == "a":
            return True
        node = node.getparent()
    linked = sum(len(_element_text(a)) for a in el.iter("a"))
    return linked * 2 > len(_element_text(el))


def _story_extras(
    units: list[Unit], blocks: list[_Block], article: tuple[int, int], where: dict[int, int], title: str | None
) -> list[Unit]:
    """The standfirst under the headline and the photo captions of the story, which extraction leaves out as
    page furniture: added as units in page order with their role (and extracted paragraphs that are such
    elements given theirs). Only near the story: a standfirst between the headline and the first paragraph,
    captions from the headline to the last paragraph."""
    first, last = article
    if last < 0:
        return units
    title_key = norm_words(title) if title else None
    head = next(
        (
            j
            for j in range(first, -1, -1)
            if (title_key and blocks[j].key == title_key) or (blocks[j].el is not None and blocks[j].el.tag == "h1")
        ),
        None,
    )
    top = head + 1 if head is not None else max(0, first - MAX_STANDFIRST_BLOCKS)
    extracted = {norm_words(u.text) for u in units}

    def standfirst_like(j: int, depth: int = 2) -> bool:
        b = blocks[j]
        return (
            b.el is not None
            and b.el.tag != "h1"
            and len(b.key.split()) >= STANDFIRST_MIN_WORDS
            and _role_of(b.el, _STANDFIRST_TOKENS, frozenset(), depth=depth)
        )

    # where the story starts. Extraction may have kept the standfirst as the first paragraph: it is one when the
    # element itself is named so and the paragraph after it is not (else the name is on a box around the story)
    located = sorted(
        j for j in (where.get(id(u)) for u in units) if j is not None and j >= top and blocks[j].key != title_key
    )
    story = first
    if (
        len(located) >= 2
        and standfirst_like(located[0], depth=0)
        and not standfirst_like(located[1])
        and _names(blocks[located[0]].el) & _STANDFIRST_ONLY
    ):
        story = located[1]
    added: list[tuple[int, Unit]] = []
    for j in range(top, last + 1):
        b = blocks[j]
        if b.el is None:
            continue
        role: Role | None = None
        if (
            len(b.key.split()) >= CAPTION_MIN_WORDS
            and _role_of(b.el, _CAPTION_TOKENS, frozenset({"figcaption"}))
            and not _is_link(b.el)
        ):
            role = "caption"
        elif j < story and standfirst_like(j):
            role = "standfirst"
        if role is None:
            continue
        if b.key in extracted:
            for u in units:
                if norm_words(u.text) == b.key:
                    u.role = role
            continue
        u = Unit(b.parts[0], b.line, 1, role=role)
        where[id(u)] = j
        extracted.add(b.key)
        added.append((j, u))
    if not added:
        return units
    return _merge_in_page_order(units, added, where)


def _merge_in_page_order(units: list[Unit], added: list[tuple[int, Unit]], where: dict[int, int]) -> list[Unit]:
    """``units`` with each of ``added`` (block index, unit) placed before the first unit found later on the page."""
    out: list[Unit] = []
    pending = sorted(added, key=lambda x: x[0])
    k = 0
    for u in units:
        j = where.get(id(u))
        while j is not None and k < len(pending) and pending[k][0] < j:
            out.append(pending[k][1])
            k += 1
        out.append(u)
    out.extend(u for _, u in pending[k:])
    return out


def _restore_kept_blocks(
    units: list[Unit], blocks: list[_Block], where: dict[int, int], unmatched: list[tuple[str, Span]]
) -> list[tuple[str, Span]]:
    """``cleaning.keep`` entries that match no extracted paragraph may name a block of the page extraction left
    out (a caption, a standfirst, a box): that block becomes a kept paragraph in page order. Returns the entries
    still unmatched."""
    still: list[tuple[str, Span]] = []
    taken = {norm_words(u.text) for u in units}
    added: list[tuple[int, Unit]] = []
    for entry, span in unmatched:
        prefix = norm_prefix(entry)
        found = [
            (j, b)
            for j, b in enumerate(blocks)
            if prefix and b.key not in taken and norm_prefix(b.parts[0][: len(entry) * 4 + 64]).startswith(prefix)
        ]
        if not found:
            still.append((entry, span))
            continue
        for j, b in found:
            u = Unit(b.parts[0], b.line, 1)
            u.forced_keep = True
            where[id(u)] = j
            taken.add(b.key)
            added.append((j, u))
    if added:
        units[:] = _merge_in_page_order(units, added, where)
    return still


def _apply_rules(units: list[Unit], title: str | None) -> None:
    """The text rule table and promotional regions on extracted paragraphs (no header or label heuristics:
    the page's metadata gives the headline, and headings are marked up as such). A paragraph repeating the
    page title is the headline. Units marked up as captions (their ``role``) keep their credits."""
    region: Rule | None = None
    story_seen = False
    title_key = norm_words(title) if title else None
    for u in units:
        if title_key and norm_words(u.text) == title_key:
            u.remove("metadata", "headline repeated")
            continue
        hit = classify(u.text)
        if hit is not None and hit[0].category == "caption" and u.role == "caption":
            hit = None  # a caption marked up as one is story text, credit and all
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
