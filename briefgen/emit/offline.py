"""The site works offline: search from ``file://`` and a check that nothing loads from the network.

Search from ``file://``
    Material's search runs in a Web Worker. On ``file://`` pages Chromium refuses ``new Worker(file-URL)``, and
    ``fetch`` of ``search_index.json`` fails. Material's bundle already reads the index from
    ``search/search_index.js`` (a script defining ``__index``) when ``location.protocol`` is ``file:``; we write
    that file after MkDocs ran (:func:`write_search_index_script`). The worker is provided by a small shim,
    ``assets/javascripts/briefgen-offline.js`` (:func:`shim_script`), loaded before Material's bundle: on ``file:``
    pages only, it replaces ``window.Worker`` for Material's search worker by a worker made from a ``Blob`` holding
    the worker's source (and the lunr language files it imports), both copied from the installed
    mkdocs-material. Nothing is fetched from outside (Material's own ``offline`` plugin would add an unpkg.com
    script instead).

No external requests
    :func:`scan_site` reads every HTML, CSS and JS file of a built site and reports each *loading* construct
    whose target is on the network: ``src``/``srcset``/``poster``/``data`` of elements that load (script, img,
    iframe, embed, object, source, video, audio, track, input), ``<link href>`` unless its ``rel`` only names
    another document (canonical, next, prev, alternate…), ``<base href>``, ``<meta http-equiv=refresh>``,
    CSS ``url()`` and ``@import`` (in stylesheets, ``<style>`` and ``style=""``), and in JavaScript the targets
    of ``fetch``/``importScripts``/``import()``/``new Worker``/``EventSource``/``WebSocket``/``sendBeacon``/
    ``XMLHttpRequest.open`` and ``.src =`` assignments written as literal URLs. Links (``<a href>``) are not
    loads: links authored in content may point anywhere. URL strings that JavaScript never loads (Material's
    bundle names GitHub and unpkg in messages and in a polyfill for browsers without ``ResizeObserver``) are not
    matched by these patterns.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from briefgen.diagnostics import Diagnostics, Span
from briefgen.render.urls import is_network_url

SHIM_PATH = "assets/javascripts/briefgen-offline.js"
"""Site path of the offline-search shim (listed in ``extra.polyfills`` of the generated mkdocs.yml)."""
SEARCH_SCRIPT = "search/search_index.js"
"""Material's bundle loads this on ``file://`` pages instead of fetching ``search/search_index.json``."""
MAX_REPORTED = 20
"""External references reported per build (the rest are counted)."""


# -- the shim ---------------------------------------------------------------------------------------


def _material_assets() -> Path:
    import material

    return Path(material.__file__).resolve().parent / "templates" / "assets" / "javascripts"


def _lunr_files(language: str) -> dict[str, str]:
    """The lunr files Material's worker imports for ``language`` (keys as the worker names them below lunr/)."""
    if language == "en":
        return {}
    lunr = _material_assets() / "lunr"
    names = ["min/lunr.stemmer.support.min.js", f"min/lunr.{language}.min.js"]
    if language == "ja":
        names.append("tinyseg.js")
    elif language in ("hi", "th"):
        names.append("wordcut.js")
    return {n: (lunr / n).read_text(encoding="utf-8") for n in names if (lunr / n).is_file()}


@functools.lru_cache(maxsize=8)
def shim_script(language: str = "en") -> bytes:
    """The offline-search shim for a site whose search language is ``language``."""
    workers = sorted((_material_assets() / "workers").glob("search.*.min.js"))
    if len(workers) != 1:
        raise FileNotFoundError(f"expected one search worker in mkdocs-material, found {len(workers)}")
    worker = workers[0].read_text(encoding="utf-8")
    lunr = _lunr_files(language)
    js = _SHIM.replace("__WORKER__", json.dumps(worker)).replace("__LUNR__", json.dumps(lunr, sort_keys=True))
    return js.encode("utf-8")


_SHIM = r"""/* briefgen: search on file:// pages (generated; see briefgen/emit/offline.py). Inactive over http(s). */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof Blob === "undefined" || typeof window.Worker !== "function") return;
  var Native = window.Worker, WORKER = __WORKER__, LUNR = __LUNR__;
  var prelude = "self.__briefgenLunr = " + JSON.stringify(LUNR) + ";\n" +
    "self.importScripts = function () {\n" +
    "  for (var i = 0; i < arguments.length; i++) {\n" +
    "    var key = String(arguments[i]).replace(/^.*\\/lunr\\//, '');\n" +
    "    var src = self.__briefgenLunr[key];\n" +
    "    if (typeof src !== 'string') throw new Error('briefgen offline search: ' + key + ' is not bundled');\n" +
    "    (0, eval)(src);\n" +
    "  }\n" +
    "};\n";
  var url = null;
  function OfflineWorker(script, options) {
    if (/\/workers\/search\.[^\/]*\.js$/.test(String(script))) {
      url = url || URL.createObjectURL(new Blob([prelude, WORKER], {type: "text/javascript"}));
      return new Native(url, options);
    }
    return new Native(script, options);
  }
  OfflineWorker.prototype = Native.prototype;
  window.Worker = OfflineWorker;
})();
"""


def write_search_index_script(site: Path) -> None:
    """``search/search_index.js`` from MkDocs' ``search/search_index.json`` (when the search plugin wrote one)."""
    index = site / "search" / "search_index.json"
    if index.is_file():
        data = index.read_text(encoding="utf-8")
        (site / SEARCH_SCRIPT).write_text(f"var __index = {data};\n", encoding="utf-8")


# -- the scan ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class External:
    """One loading construct of the site that points at the network."""

    path: str
    """File, relative to the site folder."""
    line: int
    col: int
    what: str
    """The construct, e.g. ``<img src>`` or ``CSS url()``."""
    url: str
    """The external address."""


_LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
    "base": ("href",),
    "body": ("background",),
    "table": ("background",),
    "td": ("background",),
}
_PASSIVE_REL = {
    "canonical",
    "next",
    "prev",
    "alternate",
    "author",
    "license",
    "help",
    "bookmark",
    "external",
    "nofollow",
    "noopener",
    "noreferrer",
    "me",
    "tag",
    "search",
}
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE
)
_JS_LOAD = re.compile(
    r"""(?:\b(?:fetch|importScripts|import|Worker|SharedWorker|EventSource|WebSocket|sendBeacon)\s*\(\s*"""
    r"""|\.open\s*\(\s*["'][A-Za-z]+["']\s*,\s*"""
    r"""|\.src\s*=\s*|setAttribute\s*\(\s*["'](?:src|href)["']\s*,\s*)"""
    r"""(["'`])((?:https?:|wss?:)?//[^"'`\s]*)\1"""
)
_SKIP_FILES = {SEARCH_SCRIPT}
"""Generated data, not code: the search index holds the text of every page (captures may quote any URL)."""


def _position(text: str, offset: int, line: int = 1, col: int = 1) -> tuple[int, int]:
    """Line and column of ``offset`` in ``text``, which starts at (``line``, ``col``)."""
    nl = text.count("\n", 0, offset)
    if nl == 0:
        return line, col + offset
    return line + nl, offset - text.rfind("\n", 0, offset)


def scan_css(text: str, path: str, what: str = "CSS", line: int = 1, col: int = 1) -> list[External]:
    out = []
    for m in _CSS_URL.finditer(text):
        url = next((g for g in m.groups() if g is not None), "")
        if is_network_url(url):
            ln, cl = _position(text, m.start(), line, col)
            kind = "@import" if m.group(0).lstrip().startswith("@") else "url()"
            out.append(External(path, ln, cl, f"{what} {kind}", url))
    return out


def scan_js(text: str, path: str, what: str = "JavaScript", line: int = 1, col: int = 1) -> list[External]:
    out = []
    for m in _JS_LOAD.finditer(text):
        ln, cl = _position(text, m.start(), line, col)
        out.append(External(path, ln, cl, f"{what} load", m.group(2)))
    return out


class _HtmlScan(HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.found: list[External] = []
        self._raw: tuple[str, int, int] | None = None  # (tag, line, col) of an open <script>/<style>
        self._buf: list[str] = []

    def _add(self, what: str, url: str) -> None:
        line, col = self.getpos()
        self.found.append(External(self.path, line, col + 1, what, url.strip()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._raw = None

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        for name in _LOADING_ATTRS.get(tag, ()):
            value = a.get(name, "")
            if name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if is_network_url(url):
                        self._add(f"<{tag} {name}>", url)
            elif is_network_url(value):
                self._add(f"<{tag} {name}>", value)
        if tag == "link" and is_network_url(a.get("href", "")):
            rels = set(a.get("rel", "").lower().split())
            if not rels or rels - _PASSIVE_REL:
                self._add(f'<link rel="{a.get("rel", "")}" href>', a["href"])
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            target = re.sub(r"^[^;]*;\s*url\s*=\s*", "", a.get("content", ""), flags=re.IGNORECASE).strip("'\" ")
            if is_network_url(target):
                self._add("<meta http-equiv=refresh>", target)
        if "style" in a:
            line, col = self.getpos()
            self.found.extend(scan_css(a["style"], self.path, f"<{tag} style>", line, col + 1))
        if tag in ("script", "style"):
            kind = a.get("type", "").lower()
            code = tag == "style" or kind in ("", "module", "text/javascript", "application/javascript")
            line, col = self.getpos()
            self._raw = (tag, line, col + 1) if code and "src" not in a else None
            self._buf = []

    def handle_data(self, data):
        if self._raw is not None:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            text, (kind, line, col) = "".join(self._buf), self._raw
            if kind == "style":
                self.found.extend(scan_css(text, self.path, "<style>", line, col))
            else:
                self.found.extend(scan_js(text, self.path, "inline <script>", line, col))
            self._raw = None


_CANDIDATE = re.compile(
    r"""(?:=\s*["']?|url\(\s*["']?|@import\s+["']|[(,]\s*["'`])\s*(?:(?:https?|ftp|wss?):|//|\\\\)""", re.IGNORECASE
)
_XMLNS = re.compile(r"xmlns(?::[\w-]+)?\s*$", re.IGNORECASE)
_LINK_HREF = re.compile(
    r"""<(?:a\s[^>]*?\bhref|link\s+rel="(?:canonical|next|prev|alternate)"\s+href)\s*=\s*["']?\s*"""
    r"""(?:(?:https?|ftp|wss?):|//|\\\\)""",
    re.IGNORECASE,
)


def _may_load(html: str) -> bool:
    """Quick test before parsing: does an address on the network appear anywhere but in a link (<a href>)?
    Most pages only have links, and parsing every page of a large site costs seconds."""
    for m in _CANDIDATE.finditer(html):
        if _XMLNS.search(html, max(0, m.start() - 24), m.start()):
            continue  # a namespace name, never fetched
        lt = html.rfind("<", 0, m.start())
        if lt < 0 or not _LINK_HREF.fullmatch(html, lt, m.end()):
            return True
    return False


def scan_html(text: str, rel: str) -> list[External]:
    """Loading constructs pointing at the network in the HTML page ``text`` (site path ``rel``)."""
    if not _may_load(text):
        return []
    parser = _HtmlScan(rel)
    parser.feed(text)
    parser.close()
    return parser.found


def scan_file(file: Path, rel: str) -> list[External]:
    text = file.read_text(encoding="utf-8", errors="replace")
    suffix = file.suffix.lower()
    if suffix == ".html":
        return scan_html(text, rel)
    if suffix == ".css":
        return scan_css(text, rel)
    if suffix in (".js", ".mjs"):
        return scan_js(text, rel)
    return []


def scan_site(site: Path, scanned: dict[str, list[External]] | None = None) -> list[External]:
    """Every loading construct of the site at ``site`` that points at the network, in file order.

    ``scanned``: results already known for some files (site path → findings; the pages MkDocs wrote, scanned
    with :func:`scan_html` while their HTML was in memory); those files are not read again."""
    scanned = scanned or {}
    found: list[External] = []
    for file in sorted(site.rglob("*")):
        rel = file.relative_to(site).as_posix()
        if rel in scanned:
            found.extend(scanned[rel])
        elif file.is_file() and rel not in _SKIP_FILES and file.suffix.lower() in (".html", ".css", ".js", ".mjs"):
            found.extend(scan_file(file, rel))
    return found


def finish_offline(
    staged: Path, diags: Diagnostics, only: tuple[str, ...] | None = None, scanned: dict | None = None
) -> bool:
    """Make the built site searchable from file:// and check it loads nothing from the network. True when clean.

    ``only``: site-relative paths of the files rewritten since the last full check (live preview); None checks all.
    ``scanned``: findings already known for some files (pages scanned while MkDocs wrote them), not read again.
    """
    write_search_index_script(staged)
    if only is None:
        found = scan_site(staged, scanned)
    else:
        found = [x for rel in sorted(set(only)) if (staged / rel).is_file() for x in scan_file(staged / rel, rel)]
    groups: dict[tuple[str, str], list] = {}
    for x in found:
        groups.setdefault((x.what, x.url), []).append(x)
    for (what, url), xs in list(groups.items())[:MAX_REPORTED]:
        more = f" (and {len(xs) - 1} more place{'s' if len(xs) > 2 else ''})" if len(xs) > 1 else ""
        diags.error(
            Span(f"site/{xs[0].path}", xs[0].line, xs[0].col),
            "external-resource",
            f"{what} loads '{url[:120]}' from the network{more}: the site must work offline",
            "images, scripts and styles must be local; link to outside pages instead of embedding them "
            "(this comes from a template override, a theme setting or content Markdown)",
        )
    if len(groups) > MAX_REPORTED:
        diags.error(
            Span("site/"), "external-resource", f"{len(groups) - MAX_REPORTED} more external addresses are loaded", ""
        )
    return not found
