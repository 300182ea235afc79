"""Relative URLs between output pages (``use_directory_urls: false``, so links also work from file://)."""

from __future__ import annotations

import posixpath


def html_path(page: str) -> str:
    """``actors/lavrov.md`` → ``actors/lavrov.html``."""
    return page[:-3] + ".html" if page.endswith(".md") else page


def relurl(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """URL of ``to_page`` (a docs-relative .md path) as seen from ``from_page``."""
    base = posixpath.dirname(from_page) or "."
    target = html_path(to_page)
    url = posixpath.relpath(target, base) if to_page != from_page else posixpath.basename(target)
    return f"{url}#{anchor}" if anchor else url
