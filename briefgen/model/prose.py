"""Author Markdown as plain text: citations taken out (without leaving a space before punctuation), links
reduced to their text, emphasis marks dropped; and split into sentences. Index tables, search snippets and the
"Linked from" lists read it."""

from __future__ import annotations

import re

CITE_RE = re.compile(r"\[@([a-z0-9]+(?:-[a-z0-9]+)*)(?:\s+(?:\"([^\"\]]*)\"|\u201c([^\u201d\]]*)\u201d))?\]")
"""A ``[@slug "words"]`` citation."""

_CITE_WITH_SPACE = re.compile(r"[ \t\n]*" + CITE_RE.pattern)
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[.,;:!?)\]])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_MARKS = re.compile(r"(?<![\w])[*_]{1,3}|[*_]{1,3}(?![\w])|`|^#{1,6}\s+|^>\s?|^\s*(?:[-+]|\d+\.)\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]*\s+(?=[\"\u201c(\[*_]*[A-Z0-9\u00c0-\u024f\u0400-\u04ff])")


def strip_citations(text: str) -> str:
    """``text`` without its citations, the space before each going with it (never "backs ." where a citation
    followed a word and preceded a full stop)."""
    return _SPACE_BEFORE_PUNCT.sub("", _CITE_WITH_SPACE.sub("", text)) if "[@" in text else text


def markdown_plain(text: str) -> str:
    """One line of plain text for author Markdown: no citations, links as their text, no emphasis marks."""
    out = _LINK.sub(r"\1", strip_citations(text))
    out = _MARKS.sub("", out)
    return " ".join(out.split())


def sentences(text: str) -> list[tuple[str, str]]:
    """The sentences of author Markdown, each as ``(source, plain)``: its Markdown (citations out; entity links
    kept, so they can be found) and its plain text. Blocks (paragraphs, list items, headings) never share one."""
    out = []
    for block in re.split(r"\n\s*\n|\n\s*(?=[-*+] |\d+\. |#)", strip_citations(text)):
        block = " ".join(block.split())
        if not block:
            continue
        for part in _SENTENCE_END.split(block):
            plain = markdown_plain(part)
            if plain:
                out.append((part, plain))
    return out
