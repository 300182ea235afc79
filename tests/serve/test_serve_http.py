"""The server's pure parts: path resolution (no way out of the site folder), script injection, reload state."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from briefgen.serve.http import LiveState, SiteServer, host_allowed, inject, page_of, resolve


def site(tmp_path: Path) -> str:
    root = tmp_path / "site"
    (root / "actors").mkdir(parents=True)
    (root / "index.html").write_text("home")
    (root / "actors" / "index.html").write_text("actors")
    (root / "actors" / "a.html").write_text("a")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", root / "leak.txt")
    return os.path.realpath(root)


def test_paths_resolve_inside_the_site_only(tmp_path: Path) -> None:
    root = site(tmp_path)
    assert resolve(root, "/") == ("file", os.path.join(root, "index.html"))
    assert resolve(root, "/actors/a.html?x=1#y") == ("file", os.path.join(root, "actors", "a.html"))
    assert resolve(root, "/actors/") == ("file", os.path.join(root, "actors", "index.html"))
    assert resolve(root, "/actors") == ("redirect", "/actors/")
    assert resolve(root, "/actors/%61.html")[0] == "file"
    for bad in ("/../secret.txt", "/actors/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                "/leak.txt", "/actors/..\\..\\secret.txt", "/index.html%00", "/nope.html", "//secret.txt"):
        assert resolve(root, bad) == ("missing", None), bad


def test_page_of_names_the_file_a_url_shows() -> None:
    assert page_of("/") == "index.html"
    assert page_of("/articles/") == "articles/index.html"
    assert page_of("/actors/lavrov.html?q=1") == "actors/lavrov.html"
    assert page_of("/actors/l%C3%A9.html") == "actors/lé.html"


def test_script_goes_before_the_last_body_end() -> None:
    out = inject(b"<html><body><p>&lt;/body&gt;</p></body></html>", 7)
    assert out.endswith(b'<script src="/.briefgen/livereload.js" data-version="7"></script></body></html>')
    assert inject(b"no body", 1).startswith(b"no body<script")


def test_reload_only_pages_that_changed_and_errors_without_reload() -> None:
    s = LiveState()
    s.publish(None, [])  # first full build
    v1 = s.version
    s.publish(frozenset({"actors/a.html"}), [])
    assert s.answer(v1, "actors/a.html")["reload"] is True
    assert s.answer(v1, "actors/a.html")["swap"] is True  # only pages changed: the content can be swapped in
    assert s.answer(v1, "index.html")["reload"] is False
    v2 = s.version
    s.publish(frozenset(), [{"text": "content/x.yml:1:1: error[yaml-syntax]: bad"}])
    a = s.answer(v2, "actors/a.html")
    assert a["reload"] is False and a["errors"] and a["version"] == v2 + 1
    s.publish(frozenset(), [{"text": "content/x.yml:1:1: error[yaml-syntax]: bad"}])  # same errors: no news
    assert s.version == v2 + 1
    s.publish(None, [])  # a full build: everyone reloads
    assert s.answer(v2 + 1, "index.html")["reload"] is True
    assert s.answer(v1, "actors/a.html")["swap"] is False  # a full build since: a real reload
    assert s.answer(s.version + 5, "index.html")["reload"] is True  # the server restarted under the page
    assert s.answer(s.version, "index.html") == {"version": s.version, "reload": False, "swap": False, "errors": [],
                                                 "built": True}


def test_a_waiting_poll_wakes_on_change() -> None:
    s = LiveState()
    t0 = time.monotonic()
    threading.Timer(0.1, lambda: s.publish(frozenset({"a.html"}), [])).start()
    s.wait(0, 5)
    assert time.monotonic() - t0 < 2 and s.version == 1


@contextmanager
def running(tmp_path: Path, host: str = "127.0.0.1") -> Iterator[SiteServer]:
    root = Path(site(tmp_path))
    server = SiteServer((host, 0), lambda: root, threading.Lock(), LiveState())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def raw_get(server: SiteServer, host_line: str | None, path: str = "/") -> tuple[int, bytes]:
    """A request written byte by byte (no client library fixing the Host header up): status and body."""
    head = f"GET {path} HTTP/1.1\r\n" + (f"{host_line}\r\n" if host_line is not None else "") + "Connection: close\r\n\r\n"
    with socket.create_connection(server.server_address[:2], timeout=10) as s:
        s.sendall(head.encode("latin-1"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_requests_for_a_foreign_host_are_refused(tmp_path: Path) -> None:
    with running(tmp_path) as server:
        port = server.server_address[1]
        for ok in (f"Host: 127.0.0.1:{port}", f"Host: localhost:{port}", "Host: LOCALHOST", "Host: localhost.",
                   f"Host: [::1]:{port}", "Host: app.localhost:1", "Host: 10.0.0.7:8000", None):
            status, body = raw_get(server, ok)
            assert (status, body) == (200, body) and body.startswith(b"home"), (ok, status, body)
        for bad in (f"Host: evil.example:{port}", "Host: evil.example", "Host: localhost.evil.example",
                    "Host: 127.0.0.1.nip.io", "Host: ", f"Host: attacker.localhost.example:{port}"):
            status, body = raw_get(server, bad, "/actors/a.html")
            assert status == 403, (bad, status)
            assert b"refused" in body and b"Host" in body and f"http://127.0.0.1:{port}/".encode() in body, body
            assert b"<" not in body  # plain text: the name is not echoed into markup
        assert raw_get(server, "Host: evil.example", "/.briefgen/state?v=0")[0] == 403  # the live state too


@pytest.mark.parametrize(("header", "served", "allowed"), [
    ("briefing.lan:8000", "briefing.lan", True),   # served on a name given with -a
    ("Briefing.LAN", "briefing.lan", True),
    ("other.lan:8000", "briefing.lan", False),
    ("[::1]", "::1", True),
    ("[fe80::1]:80", "0.0.0.0", True),
    ("localhost", "0.0.0.0", True),
    ("rebind.example", "0.0.0.0", False),
])
def test_host_rule(header: str, served: str, allowed: bool) -> None:
    assert host_allowed(header, served) is allowed
