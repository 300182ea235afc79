"""Where a link of the briefing goes, said once for both outputs.

Views and author Markdown name a neutral target (an entity, a paragraph of an article, an outside address, a
place on the same page); each output resolves it in one place: the site to a relative URL
(:class:`briefgen.render.markdown.SiteLinks`), the PDF to an internal anchor, an address on the published site,
or plain text (:class:`briefgen.render.print.Refs`). A resolver answers with a :class:`Tag`: the element the
linked text is wrapped in, or None for the text alone.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class EntityTarget:
    """An entity's page (site) or section (PDF)."""

    id: str
    """The entity's id."""
    anchor: str | None = None
    """A fragment within its page, as written after ``#`` in an ``entity:ID#…`` link (the site keeps it)."""


@dataclass(frozen=True)
class ArticleTarget:
    """A source article, or one of its paragraphs."""

    slug: str
    """The article's slug."""
    anchor: str | None = None
    """The paragraph anchor as written (``p3``), or None for the article itself."""

    @property
    def paragraph(self) -> int | None:
        """The paragraph's number (None: the article itself)."""
        return int(self.anchor[1:]) if self.anchor and re.fullmatch(r"p\d+", self.anchor) else None


@dataclass(frozen=True)
class UrlTarget:
    """An address outside the briefing (``http(s):``, ``mailto:``)."""

    url: str
    """The address, as the Markdown renderer normalised it."""


@dataclass(frozen=True)
class LocalTarget:
    """A place on the same page (``#anchor``), or nowhere (``#``: a link whose target was an error)."""

    fragment: str
    """The fragment with its ``#``."""


Target = EntityTarget | ArticleTarget | UrlTarget | LocalTarget


@dataclass(frozen=True)
class Tag:
    """The element a linked text is wrapped in, as an output resolves a target."""

    name: str = "a"
    """Element name (``a``; the PDF's ``span`` for a reference to something it does not print)."""
    cls: str | None = None
    """Its class attribute, if any."""
    href: str | None = None
    """Its ``href``, if any."""

    def open(self) -> str:
        """The start tag (attribute values escaped)."""
        attrs = "".join(
            f' {k}="{html.escape(v)}"' for k, v in (("class", self.cls), ("href", self.href)) if v is not None
        )
        return f"<{self.name}{attrs}>"

    def wrap(self, inner_html: str) -> str:
        """``inner_html`` in this element."""
        return f"{self.open()}{inner_html}</{self.name}>"
