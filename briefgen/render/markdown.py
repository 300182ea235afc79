"""Rendering author-written Markdown (overview, summaries, notes) to HTML with markdown-it-py.

Beyond CommonMark: mentions of entities are linked (never inside headings, links or code),
``[text](entity:ID)`` / ``[text](article:SLUG)`` links are resolved, and ``[@SLUG "words"]``
citations are checked against the source text and numbered per page. Raw HTML is shown as text.

Where links and citations go is the caller's: the context's :class:`Links` resolves each neutral target
(:mod:`briefgen.render.targets`) — :class:`SiteLinks` to relative URLs and the page's "Sources cited", the print
edition to its anchors and numbered notes — so the text is rendered once, for either output.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from briefgen.diagnostics import Diagnostics, Span, TextSpan, did_you_mean
from briefgen.link.matcher import Matcher
from briefgen.model.locate import closest_passage, locate, normalize
from briefgen.model.prose import CITE_RE as CITE_RE  # the citation syntax and its removal live in model/prose.py
from briefgen.model.prose import strip_citations as strip_citations
from briefgen.model.types import Citation, Model
from briefgen.render.format import fmt_date, md_inline
from briefgen.render.targets import ArticleTarget, EntityTarget, LocalTarget, Tag, Target, UrlTarget
from briefgen.render.urls import is_network_url, relurl

_NORMALS: list = [None, {}]
"""[model, {slug: normalised paragraph texts}] for the model being rendered: each cited article is normalised
once per build, and only the current model is kept."""


def _normalized(model: Model, slug: str) -> list[str]:
    if _NORMALS[0] is not model:
        _NORMALS[:] = [model, {}]
    cache = _NORMALS[1]
    if slug not in cache:
        cache[slug] = [normalize(p.text) for p in model.articles[slug].paragraphs]
    return cache[slug]


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


@dataclass
class PageCitations:
    """Citations collected while rendering one page, numbered in order of first use."""

    items: list[Citation] = field(default_factory=list)
    """Distinct citations in order of first use; the number of a citation is its index + 1."""

    def number(self, c: Citation) -> int:
        if c not in self.items:
            self.items.append(c)
        return self.items.index(c) + 1


class Links(Protocol):
    """How one output resolves what author Markdown links to and cites."""

    def link(self, target: Target, mention: bool) -> Tag | None:
        """The element wrapping a link to ``target`` (``mention``: a name the matcher found); None: text only."""
        ...

    def cite(self, c: Citation) -> str:
        """HTML in place of a checked citation ``[@SLUG "words"]``."""
        ...

    def image(self, src: str, alt: str) -> str | None:
        """HTML in place of an image (``src`` not on the network), or None to show it."""
        ...


@dataclass(frozen=True)
class SiteLinks:
    """The site's resolver: relative URLs from the page, citations numbered in the page's "Sources cited"."""

    model: Model
    """The briefing."""
    page: str
    """Path of the page the links are on."""
    citations: PageCitations
    """The page's citation register."""

    def link(self, target: Target, mention: bool) -> Tag | None:
        if isinstance(target, EntityTarget):
            href = relurl(self.page, self.model.entities[target.id].page, target.anchor or None)
            return Tag(cls="bg-mention" if mention else None, href=href)
        if isinstance(target, ArticleTarget):
            return Tag(href=relurl(self.page, self.model.articles[target.slug].page, target.anchor or None))
        return Tag(href=target.url if isinstance(target, UrlTarget) else target.fragment)

    def cite(self, c: Citation) -> str:
        return citation_sup(self.citations.number(c), c, self.page, self.model)

    def image(self, src: str, alt: str) -> str | None:
        return None


@dataclass
class MarkdownContext:
    """What rendering one Markdown text needs to know."""

    model: Model
    """The briefing."""
    page: str
    """Path of the page being rendered (for relative links)."""
    matcher: Matcher
    """Alias matcher for mention linking."""
    citations: PageCitations
    """The page's citation register."""
    diags: Diagnostics
    """Where problems go."""
    self_entity: str | None = None
    """Entity whose own page this is (never linked to itself)."""
    linked: set[str] = field(default_factory=set)
    """Entities already linked in this text (only the first mention is linked)."""
    link_all: bool = False
    """Link every mention, not only the first of each entity (article text)."""
    links: Links | None = None
    """Where links and citations go; None: the site's (:class:`SiteLinks` of ``page`` and ``citations``)."""

    def resolver(self) -> Links:
        """The resolver of links and citations."""
        if self.links is None:
            self.links = SiteLinks(self.model, self.page, self.citations)
        return self.links


class _Where:
    """Finds the file line and column of a construct (a citation, a link target) of one Markdown text.

    markdown-it gives each block its first line only; the line of the text within a block is counted from the line
    breaks before the construct, and the construct is where its source text first appears on that line after the
    previous construct found there. The text's :class:`TextSpan` then places that character in the file: exactly,
    also for Markdown written in a YAML value (indentation, quotes, escapes and folded lines undone).
    """

    def __init__(self, text: str, span: Span) -> None:
        self.place = span if isinstance(span, TextSpan) else TextSpan.as_written(span, text)
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self._after: dict[int, int] = {}

    def span(self, line: int, *needles: str, skip: int = 0) -> Span:
        """The place of the first of ``needles`` (source text of the construct) found on line ``line`` of the text
        (0-based); ``skip`` characters into the first needle when that one is found. The line's start otherwise."""
        if not 0 <= line < len(self.lines):
            return self.place.at(0)
        source = self.lines[line]
        for n, needle in enumerate(needles):
            if not needle:
                continue
            at = source.find(needle, self._after.get(line, 0))
            if at < 0:
                at = source.find(needle)
            if at >= 0:
                self._after[line] = at + len(needle)
                return self.place.at(self.starts[line] + at + (skip if n == 0 else 0))
        return self.place.at(self.starts[line])


def render_markdown(
    text: str,
    span: Span,
    ctx: MarkdownContext,
    headings_as_markdown: bool = False,
    top_heading: int | None = None,
    heading_ids: str | None = None,
) -> str:
    """HTML for ``text``; ``span`` is where the text starts (for located diagnostics): a :class:`TextSpan` places
    each of its characters (a YAML value), a plain Span says the text is written as it is from there on (a file).

    With ``headings_as_markdown``, top-level headings come out as Markdown headings (level 2 at least)
    between HTML blocks, so that MkDocs puts them in the page's table of contents. With ``top_heading``, headings
    are shifted so that the highest is of that level (at most ``h6``); with ``heading_ids`` too, each heading of
    that level gets the id ``<heading_ids>1``, ``<heading_ids>2``, … (for a table of contents).
    """
    tokens = _md.parse(text)
    where = _Where(text, span)
    block_line = 0
    in_heading = False
    for tok in tokens:
        if tok.map:
            block_line = tok.map[0]
        if tok.type == "heading_open":
            in_heading = True
        elif tok.type == "heading_close":
            in_heading = False
        elif tok.type == "inline" and tok.children is not None:
            tok.children = _process_inline(tok.children, where, block_line, ctx, in_heading)
    if top_heading is not None:
        _shift_headings(tokens, top_heading, heading_ids)
    if not headings_as_markdown:
        return _md.renderer.render(tokens, _md.options, {}).strip()
    chunks: list[str] = []
    start = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open" and tok.level == 0:
            if start < i:
                chunks.append(_md.renderer.render(tokens[start:i], _md.options, {}).strip())
            inline = tokens[i + 1]
            plain = "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline"))
            level = max(2, int(tok.tag[1]))
            chunks.append("#" * level + " " + md_inline(plain))
            i += 3
            start = i
            continue
        i += 1
    if start < len(tokens):
        chunks.append(_md.renderer.render(tokens[start:], _md.options, {}).strip())
    return "\n\n".join(c for c in chunks if c)


def _shift_headings(tokens: list[Token], top: int, ids: str | None) -> None:
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = top - min(levels)
    n = 0
    for t in tokens:
        if t.type in ("heading_open", "heading_close"):
            t.tag = f"h{min(6, int(t.tag[1]) + shift)}"
            if ids is not None and t.type == "heading_open" and t.tag == f"h{top}":
                n += 1
                t.attrs["id"] = f"{ids}{n}"


def _join_soft_breaks(children: list[Token]) -> list[Token]:
    """Merge text split by soft line breaks, so a name wrapped across two source lines is still found."""
    out: list[Token] = []
    for tok in children:
        if tok.type == "softbreak" and out and out[-1].type == "text":
            out[-1] = _text_token(out[-1].content + "\n")
            continue
        if tok.type == "text" and out and out[-1].type == "text" and out[-1].content.endswith("\n"):
            out[-1] = _text_token(out[-1].content + tok.content)
            continue
        out.append(tok)
    return out


def _process_inline(
    children: list[Token], where: _Where, line: int, ctx: MarkdownContext, in_heading: bool
) -> list[Token]:
    children = _join_soft_breaks(children)
    out: list[Token] = []
    link_depth = 0
    opened: list[Tag | None] = []  # the element of each open link (None: its text only)
    for i, tok in enumerate(children):
        if tok.type == "link_open":
            link_depth += 1
            tag = ctx.resolver().link(_link_target(tok, where, line + _breaks_in_link(children, i), ctx), False)
            opened.append(tag)
            if tag is None:
                continue
            _set_tag(tok, tag)
        elif tok.type == "link_close":
            link_depth -= 1
            tag = opened.pop() if opened else Tag()
            if tag is None:
                continue
            tok.tag = tag.name
        elif tok.type in ("softbreak", "hardbreak"):
            line += 1
        elif tok.type == "image" and is_network_url(str(tok.attrs.get("src", ""))):
            src = str(tok.attrs["src"])
            ctx.diags.error(
                where.span(line, src),
                "external-image",
                f"image '{str(tok.attrs['src'])[:100]}' would be loaded from the network",
                "the site works offline: link to the image instead, e.g. [photo](https://…)",
            )
            out.append(_text_token(tok.content))
            continue
        elif tok.type == "image":
            alt = RendererHTML().renderInlineAsText(tok.children or [], _md.options, {})
            instead = ctx.resolver().image(str(tok.attrs.get("src", "")), alt)
            if instead is not None:
                out.append(_html_token(instead))
                continue
        if tok.type == "text":
            out.extend(_process_text(tok.content, where, line, ctx, link_depth > 0 or in_heading))
            line += tok.content.count("\n")
            continue
        out.append(tok)
    return out


def _set_tag(tok: Token, tag: Tag) -> None:
    """Make the link token ``tok`` open ``tag`` (its other attributes, a title, are kept)."""
    attrs: dict = {} if tag.cls is None else {"class": tag.cls}
    if tag.href is not None:
        attrs["href"] = tag.href
    attrs.update((k, v) for k, v in tok.attrs.items() if k not in ("class", "href"))
    tok.tag = tag.name
    tok.attrs = attrs


def _breaks_in_link(children: list[Token], start: int) -> int:
    """Line breaks in the text of the link opened at ``children[start]``: its target is that many lines down."""
    depth = breaks = 0
    for tok in children[start:]:
        if tok.type == "link_open":
            depth += 1
        elif tok.type == "link_close":
            depth -= 1
            if depth == 0:
                break
        elif tok.type in ("softbreak", "hardbreak"):
            breaks += 1
        elif tok.type == "text":
            breaks += tok.content.count("\n")
    return breaks


def _html_token(content: str) -> Token:
    return Token("html_inline", "", 0, content=content)


def _text_token(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _process_text(text: str, where: _Where, line: int, ctx: MarkdownContext, no_links: bool) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for m in CITE_RE.finditer(text):
        out.extend(_mentions(text[pos : m.start()], ctx, no_links))
        span = where.span(line + text.count("\n", 0, m.start()), m.group(0), f"[@{m.group(1)}")
        out.append(_html_token(_citation_html(m.group(1), m.group(2) or m.group(3), span, ctx)))
        pos = m.end()
    out.extend(_mentions(text[pos:], ctx, no_links))
    return out


def _mentions(text: str, ctx: MarkdownContext, no_links: bool) -> list[Token]:
    if not text:
        return []
    if no_links:
        return [_text_token(text)]
    out, pos = [], 0
    for hit in ctx.matcher.find(text.replace("\n", " ")):
        if (hit.entity in ctx.linked and not ctx.link_all) or hit.entity == ctx.self_entity:
            continue
        ctx.linked.add(hit.entity)
        out.append(_text_token(text[pos : hit.start]))
        words = html.escape(text[hit.start : hit.end])
        tag = ctx.resolver().link(EntityTarget(hit.entity), True)
        out.append(_html_token(words if tag is None else tag.wrap(words)))
        pos = hit.end
    out.append(_text_token(text[pos:]))
    return [t for t in out if t.content]


def _link_target(tok: Token, where: _Where, line: int, ctx: MarkdownContext) -> Target:
    """What the link ``tok`` points to (an error and :class:`LocalTarget` ``#`` for a target that is not allowed)."""
    href = str(tok.attrs.get("href", ""))
    span = where.span(line, "](" + href, href, skip=2)  # at the target
    scheme, _, rest = href.partition(":")
    if scheme in ("entity", "article"):
        target, _, anchor = rest.partition("#")
        pages = ctx.model.entities if scheme == "entity" else ctx.model.articles
        found = pages.get(target)
        if found is None:
            ctx.diags.error(
                span, f"unknown-{scheme}", f"link to unknown {scheme} '{target}'", did_you_mean(target, pages)
            )
            return LocalTarget("#")
        if scheme == "entity":
            ctx.linked.add(target)
            return EntityTarget(target, anchor or None)
        if anchor and not re.fullmatch(r"p\d+", anchor):
            ctx.diags.error(
                span, "bad-anchor", f"'#{anchor}' is not a paragraph anchor", "paragraph anchors are #p1, #p2, …"
            )
            anchor = ""
        return ArticleTarget(target, anchor or None)
    if href.startswith("#"):
        return LocalTarget(href)
    if not re.match(r"^(https?:|mailto:)", href):
        ctx.diags.error(
            span,
            "bad-link",
            f"link target '{href}' is not allowed",
            "use entity:ID, article:SLUG, #anchor, or an http(s) address",
        )
        return LocalTarget("#")
    return UrlTarget(href)


def _citation_html(slug: str, words: str | None, span: Span, ctx: MarkdownContext) -> str:
    art = ctx.model.articles.get(slug)
    if art is None:
        ctx.diags.error(
            span, "unknown-article", f"citation of unknown article '{slug}'", did_you_mean(slug, ctx.model.articles)
        )
        return "<sup>[?]</sup>"
    number = None
    if words is not None:
        number = locate(art.paragraphs, words, _normalized(ctx.model, slug))
        if number is None:
            close = closest_passage(art.paragraphs, words, _normalized(ctx.model, slug))
            ctx.diags.error(
                span,
                "quote-not-found",
                f"cited words not found in article '{slug}': \u201c{words[:70]}\u201d",
                f"{close.hint()}; copy the words exactly"
                if close
                else "copy the words exactly from the article's cleaned text",
            )
            return "<sup>[?]</sup>"
    return ctx.resolver().cite(Citation(slug, number, words))


def citation_sup(n: int, c: Citation, page: str, model: Model) -> str:
    """The site's call of citation number ``n`` on ``page``, linked to the cited paragraph."""
    art = model.articles[c.article]
    href = relurl(page, art.page, f"p{c.paragraph}" if c.paragraph else None)
    title = citation_label(model, c)
    return (
        f'<sup class="bg-cite"><a href="{html.escape(href)}" title="{html.escape(title)}" '
        f'aria-label="Source {n}: {html.escape(title)}">[{n}]</a></sup>'
    )


def citation_label(model: Model, c: Citation) -> str:
    art = model.articles[c.article]
    parts = [art.outlet or "Unknown outlet", fmt_date(art.date) if art.date else "undated"]
    if c.paragraph:
        parts.append(f"\u00b6{c.paragraph}")
    return ", ".join(parts)


Resolver = Callable[[str], str]
