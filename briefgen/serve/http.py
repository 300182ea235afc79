"""The local HTTP server of ``briefgen serve`` (stdlib ``ThreadingHTTPServer``) and its live-reload state.

Files are served from the current site folder only: the request path is decoded, ``..`` is refused and
the resolved path must stay inside the folder. HTML responses get one ``<script>`` tag for
``/.briefgen/livereload.js`` added on the way out, so the files on disk stay exactly what a clean build
writes. ``/.briefgen/state`` is a long-poll endpoint: it answers when the site was rebuilt or the list of
content errors changed, telling the page whether it must reload and which errors to show.

A request whose ``Host`` is a name other than ``localhost`` (or ``*.localhost``) or the host given to ``-a`` is
refused with 403: a page of another site whose name was made to resolve to this machine (DNS rebinding) could
otherwise read the preview. An IP address is always accepted: rebinding needs a name.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import os
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

PREFIX = "/.briefgen/"
POLL_SECONDS = 20.0
_SCRIPT = (Path(__file__).with_name("livereload.js")).read_bytes()
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".gz": "application/gzip",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json",
}


class LiveState:
    """What the open pages need to know: a version per change, which pages each change rewrote, the errors."""

    HISTORY = 200

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        self.errors: list[dict] = []
        self.built = False
        self._history: list[tuple[int, frozenset[str] | None]] = []
        self._closed = False

    def publish(self, pages: frozenset[str] | None, errors: list[dict]) -> None:
        """Record a change: ``pages`` rewritten (None: every page), and the current error list."""
        with self._cond:
            if pages is not None and not pages and errors == self.errors:
                return  # nothing an open page would see
            if pages is None:
                self.built = True
            self.version += 1
            self._history.append((self.version, pages))
            del self._history[: -self.HISTORY]
            self.errors = errors
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait(self, since: int, timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self.version != since, timeout)

    def answer(self, since: int, page: str) -> dict:
        """The state as seen by a page at ``page`` (site-relative) built at version ``since``."""
        with self._cond:
            reload = swap = False
            if since != self.version:
                if since > self.version or not self._history or since < self._history[0][0] - 1:
                    reload = True  # the server restarted or the page is too old: reload to be sure
                else:
                    later = [pages for v, pages in self._history if v > since]
                    reload = any(pages is None or page in pages for pages in later)
                    # only pages were rewritten (no full build): the navigation, the theme and the page's
                    # scripts and styles are what the open page has, so its content can be swapped in place
                    swap = reload and all(pages is not None for pages in later)
            return {"version": self.version, "reload": reload, "swap": swap, "errors": self.errors, "built": self.built}


def _path_part(target: str) -> str:
    """The path of a request target, without query or fragment (``//x`` is a path here, not a host)."""
    return target.split("?", 1)[0].split("#", 1)[0]


def page_of(url_path: str) -> str:
    """The site-relative file a URL path shows: ``/`` → ``index.html``, ``/a/`` → ``a/index.html``."""
    path = unquote(_path_part(url_path))
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


def resolve(root: str, url_path: str) -> tuple[str, str | None]:
    """Map a URL path to a file inside ``root`` (already a real path).

    Returns (``"file"``, path), (``"redirect"``, location) for a folder without its trailing slash,
    or (``"missing"``, None) for anything absent or outside the folder.
    """
    path = unquote(_path_part(url_path))
    if "\x00" in path or "\\" in path:
        return "missing", None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        return "missing", None
    full = os.path.realpath(os.path.join(root, *parts))
    if full != root and not full.startswith(root + os.sep):
        return "missing", None  # e.g. a symlink pointing out of the site
    if os.path.isdir(full):
        if not path.endswith("/"):
            return "redirect", "/" + "".join(p + "/" for p in parts)
        full = os.path.join(full, "index.html")
    if not os.path.isfile(full):
        return "missing", None
    return "file", full


def host_name(header: str) -> str:
    """The host of a ``Host`` header value, without port, brackets or final dot, in lower case."""
    value = header.strip().lower()
    if value.startswith("["):
        name = value[1 : value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:
        name = value.partition(":")[0]
    else:  # a bare name, or an IPv6 address without brackets (not valid in Host, but unambiguous)
        name = value
    return name.rstrip(".")


def host_allowed(header: str | None, served: str) -> bool:
    """Whether a request with ``Host: header`` may be answered by a server bound to host ``served``."""
    if header is None:
        return True  # HTTP/1.0 without Host: not a browser, so not a rebinding attack
    name = host_name(header)
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    return name in ("localhost", host_name(served)) or name.endswith(".localhost")


def is_loopback(host: str) -> bool:
    """Whether an address to listen on (``127.0.0.1``, ``[::1]``, ``localhost``) reaches this machine only."""
    name = host_name(host)
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name == "localhost" or name.endswith(".localhost")


def exposure_warning(host: str, port: int) -> str | None:
    """What to tell the user when the server listens beyond this machine (``-a 0.0.0.0:PORT``), else None."""
    if is_loopback(host):
        return None
    return (
        f"briefgen: warning: serving on {host} (port {port}), not only on this machine: anyone who can reach "
        f"it can read the briefing; -a 127.0.0.1:{port} keeps it to this machine"
    )


def inject(html: bytes, version: int) -> bytes:
    tag = f'<script src="{PREFIX}livereload.js" data-version="{version}"></script>'.encode()
    at = html.rfind(b"</body>")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]


_WAITING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>briefgen serve</title></head>
<body style="font:16px system-ui,sans-serif;margin:4em auto;max-width:40em">
<h1>briefgen serve</h1><p>No successful build yet: fix the problems shown above (and in the terminal)
and save; this page reloads by itself.</p></body></html>"""


class SiteServer(ThreadingHTTPServer):
    """Serves ``site_dir()`` (re-read per request) plus the live-reload endpoints."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        site_dir: Callable[[], Path | None],
        lock: threading.Lock,
        state: LiveState,
        suggestions: Callable[[], bytes | None] = lambda: None,
    ):
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.served = host  # the host it was asked to serve on (-a): a Host header naming it is accepted
        self.site_dir = site_dir
        self.lock = lock
        self.state = state
        self.suggestions = suggestions
        """The suggestions page (``/.briefgen/suggestions``), None before the briefing was read."""
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the browser went away mid-answer: not our problem
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "briefgen-serve"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for diagnostics
        pass

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        if not host_allowed(self.headers.get("Host"), self.server.served):
            return self._refuse_host(head)
        path, _, query = self.path.partition("?")
        if path.startswith(PREFIX):
            return self._internal(path[len(PREFIX) :], query, head)
        state = self.server.state
        with self.server.lock:
            site = self.server.site_dir()
            version = state.version
            if site is None or not site.exists():
                return self._send(
                    HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", inject(_WAITING.encode(), version), head
                )
            root = os.path.realpath(site)
            kind, where = resolve(root, self.path)
            found = where or ""  # set for "file" and "redirect"; "missing" sets it below
            if kind == "redirect":
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", found + (f"?{query}" if query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = HTTPStatus.OK
            if kind == "missing":
                status, found = HTTPStatus.NOT_FOUND, os.path.join(root, "404.html")
                if not os.path.isfile(found):
                    return self._send(status, "text/plain; charset=utf-8", b"not found\n", head)
            ext = os.path.splitext(found)[1].lower()
            try:
                with open(found, "rb") as f:
                    st = os.fstat(f.fileno())
                    etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
                    if ext != ".html" and status == HTTPStatus.OK and self.headers.get("If-None-Match") == etag:
                        data = None  # the browser has it: theme assets are not sent again on every reload
                    else:
                        data = f.read()
            except OSError:
                return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)
        ctype = _TYPES.get(ext) or mimetypes.guess_type(found)[0] or "application/octet-stream"
        if ext == ".html":
            assert data is not None  # pages are always read (the reload script goes into them)
            return self._send(status, ctype, inject(data, version), head)
        if data is None:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return
        self._send(status, ctype, data, head, etag)

    def _refuse_host(self, head: bool) -> None:
        port = self.server.server_address[1]
        served = self.server.served
        where = f"[{served}]" if ":" in served else served
        if where in ("0.0.0.0", "[::]"):
            where = "localhost"
        text = (
            f"briefgen serve: refused: the Host header names {host_name(self.headers['Host'])[:100]!r}, not the "
            f"address this server serves on; open http://{where}:{port}/ (or serve on that name with -a NAME:PORT)\n"
        )
        self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", text.encode(), head)

    def _internal(self, name: str, query: str, head: bool) -> None:
        if name == "livereload.js":
            return self._send(HTTPStatus.OK, _TYPES[".js"], _SCRIPT, head)
        if name == "state":
            q = parse_qs(query)
            try:
                since = int(q.get("v", ["-1"])[0])
            except ValueError:
                since = -1
            page = page_of(q.get("path", ["/"])[0])
            if q.get("wait", ["0"])[0] == "1":
                self.server.state.wait(since, POLL_SECONDS)
            body = json.dumps(self.server.state.answer(since, page)).encode()
            return self._send(HTTPStatus.OK, "application/json", body, head)
        if name == "suggestions":
            made = self.server.suggestions()
            if made is None:
                return self._send(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    "text/html; charset=utf-8",
                    inject(_WAITING.encode(), self.server.state.version),
                    head,
                )
            return self._send(HTTPStatus.OK, _TYPES[".html"], inject(made, self.server.state.version), head)
        self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)

    def _send(self, status: HTTPStatus, ctype: str, data: bytes, head: bool, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if etag:  # may be kept, but is checked with the server before each use
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)
