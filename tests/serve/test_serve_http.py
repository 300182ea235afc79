"""The server's pure parts: path resolution (no way out of the site folder), script injection, reload state."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from briefgen.serve.http import LiveState, inject, page_of, resolve


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
