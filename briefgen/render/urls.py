"""Relative URLs between output pages (``use_directory_urls: false``, so links also work from file://)."""

from __future__ import annotations

import functools
import posixpath
import re


def html_path(page: str) -> str:
    """``actors/lavrov.md`` → ``actors/lavrov.html``."""
    return page[:-3] + ".html" if page.endswith(".md") else page


def relurl(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """URL of ``to_page`` (a docs-relative .md path) as seen from ``from_page``."""
    url = _relpath(from_page, to_page)
    return f"{url}#{anchor}" if anchor else url


@functools.lru_cache(maxsize=1 << 16)
def _relpath(from_page: str, to_page: str) -> str:
    # cached: a page links to the same few pages thousands of times (mentions), and posixpath.relpath is slow
    base = posixpath.dirname(from_page) or "."
    target = html_path(to_page)
    return posixpath.relpath(target, base) if to_page != from_page else posixpath.basename(target)


_NETWORK = re.compile(r"^\s*(?:(?:https?|ftp|wss?):|//|\\\\)", re.IGNORECASE)


def is_network_url(value: str) -> bool:
    """True when ``value`` names a resource on the network (absolute http(s)/ftp/ws URL or scheme-relative)."""
    return bool(_NETWORK.match(value or ""))
