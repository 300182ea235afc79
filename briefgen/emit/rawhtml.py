"""A Python-Markdown extension that reads a page's raw HTML once instead of twice.

briefgen's pages are mostly raw HTML between Markdown headings. Python-Markdown's ``html_block`` step reads all of
it with a pure-Python HTML parser to set it aside, and MkDocs reads the whole page again with another before it
(``mkdocs_raw_html``: it only notes the ids, for checking links to anchors); together they were over a third of
MkDocs' time a page. This extension runs Python-Markdown's own step itself, just before MkDocs' one, noting the
ids as it reads, so MkDocs reads the page with its raw HTML already set aside:

1. ``briefgen_raw_html`` (priority 22, in ``html_block``'s place, which is removed): Python-Markdown's
   ``HtmlBlockPreprocessor``, unchanged but for noting each tag's ``id`` (and an ``a``'s ``name``); the ids are
   put on a first line of empty tags;
2. MkDocs' ``mkdocs_raw_html`` (21) reads the page, that line included, and so knows every id as before;
3. ``briefgen_raw_html_ids`` (15) drops that line.

The HTML, the table of contents and the ids MkDocs knows are the same as without it
(``tests/test_rawhtml.py`` compares them on every page of the demo and of a synthetic briefing). With another
``html_block`` (an extension such as ``md_in_html`` replaced it) the extension steps aside.
"""

from __future__ import annotations

from html import escape
from typing import Any

from markdown import Extension, Markdown
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor

READ_AT = 22
"""After ``normalize_whitespace`` (30) and ``fenced_code_block`` (25), before MkDocs' ``mkdocs_raw_html`` (21)."""
DROP_AT = 15
"""After MkDocs' ``mkdocs_raw_html`` (21) and where ``html_block`` (20) was."""


class _IdLine:
    """The line of ids one conversion put first, shared by the two steps (the second knows it by identity, so a
    line of the page that happens to read the same is never dropped)."""

    def __init__(self) -> None:
        self.line: str | None = None


class _NotingExtractor(HTMLExtractor):
    """Python-Markdown's extractor, also noting the anchor ids it reads."""

    def reset(self) -> None:
        super().reset()
        self.ids: dict[str, None] = {}

    def _note(self, tag: str, attrs: Any) -> None:
        for k, v in attrs:
            if v and (k == "id" or (k == "name" and tag == "a")):
                self.ids[v] = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._note(tag, attrs)
        super().handle_starttag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self._note(tag, attrs)
        super().handle_startendtag(tag, attrs)


class _ReadRawHtml(Preprocessor):
    def __init__(self, md: Markdown, ids: _IdLine) -> None:
        super().__init__(md)
        self.ids = ids

    def run(self, lines: list[str]) -> list[str]:
        self.ids.line = None
        if "html_block" in self.md.preprocessors:  # registered again by a later extension: that one reads it
            return lines
        parser = _NotingExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        out = "".join(parser.cleandoc).split("\n")
        if parser.ids:
            self.ids.line = "".join(f'<b id="{escape(i)}"></b>' for i in parser.ids)
            out.insert(0, self.ids.line)
        return out


class _DropIds(Preprocessor):
    def __init__(self, md: Markdown, ids: _IdLine) -> None:
        super().__init__(md)
        self.ids = ids

    def run(self, lines: list[str]) -> list[str]:
        if self.ids.line is not None and lines and lines[0] is self.ids.line:
            del lines[0]
        self.ids.line = None
        return lines


class RawHtmlOnce(Extension):
    """Registers the two steps in place of ``html_block`` (only when that is Python-Markdown's own)."""

    def extendMarkdown(self, md: Markdown) -> None:
        if "html_block" not in md.preprocessors or type(md.preprocessors["html_block"]) is not HtmlBlockPreprocessor:
            return
        md.preprocessors.deregister("html_block")
        ids = _IdLine()
        md.preprocessors.register(_ReadRawHtml(md, ids), "briefgen_raw_html", READ_AT)
        md.preprocessors.register(_DropIds(md, ids), "briefgen_raw_html_ids", DROP_AT)


def makeExtension(**kwargs: Any) -> RawHtmlOnce:  # the name Python-Markdown looks for
    return RawHtmlOnce(**kwargs)
