"""``briefgen serve`` as a user runs it (a subprocess): serving, live state, debounce, errors, clean stops."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servehelp import ServeProcess, small_briefing

pytestmark = pytest.mark.slow


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)  # sent exactly as written
    conn.endheaders()
    r = conn.getresponse()
    return r.status, r.read()


def assert_clean_exit(sp: ServeProcess, rc: int) -> None:
    assert rc in (0, 130), sp.output
    assert "Traceback" not in sp.output, sp.output
    assert list(sp.tmpdir.iterdir()) == [], "temporary folders left behind"


def test_serve_edit_error_fix_and_ctrl_c(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    base = root / "content" / "entities" / "base.yml"
    with ServeProcess(root, tmp_path / "tmp") as sp:
        assert sp.url.startswith("http://127.0.0.1:")
        sp.wait_for(r"built \d+ pages")
        status, body, headers = sp.get("/actors/alice.html")
        assert status == 200 and b"Foreign minister of" in body
        assert body.count(b'src="/.briefgen/livereload.js"') == 1
        assert sp.get("/.briefgen/livereload.js")[0] == 200
        assert sp.get("/actors")[0] == 200  # redirected to actors/ and its index.html
        status, body, _ = sp.get("/no/such/page.html")
        assert status == 404
        for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
                     "//etc/passwd", "/%2Fetc%2Fpasswd", "/assets/..%5c..%5cetc%5cpasswd", "/index.html%00.css"):
            status, body = raw_get(sp.url, path)
            assert status in (400, 404) and b"root:" not in body, path
        v0 = sp.state()["version"]

        # an edit: one rebuild, of a few pages, the page showing it must reload, others need not
        m = sp.mark()
        base.write_text(base.read_text().replace("Foreign minister of", "Chief diplomat of"))
        sp.wait_for(r"rebuilt \d+ pages?", m)
        assert b"Chief diplomat of" in sp.get("/actors/alice.html")[1]
        assert sp.state(v0, "/actors/alice.html")["reload"] is True
        assert sp.state(v0, "/places/capital.html")["reload"] is False
        assert sp.state(v0, "/timeline.html")["reload"] is False

        # broken YAML: located diagnostics in the terminal and in the state, the last good site stays
        v1 = sp.state()["version"]
        m = sp.mark()
        good = base.read_text()
        base.write_text(good + "- id: [broken\n")
        sp.wait_for(r"still serving the last good site", m)
        assert re.search(r"content/entities/base\.yml:\d+:\d+: error\[yaml-", sp.output)
        st = sp.state()
        assert st["errors"] and st["errors"][0]["where"].startswith("content/entities/base.yml:")
        assert st["version"] > v1 and sp.state(v1, "/actors/alice.html")["reload"] is False  # errors only
        assert b"Chief diplomat of" in sp.get("/actors/alice.html")[1]

        # fixed: the errors clear
        m = sp.mark()
        base.write_text(good)
        sp.wait_for(r"no page changed|rebuilt", m)
        assert sp.state()["errors"] == []

        rc = sp.stop(signal.SIGINT)
    assert_clean_exit(sp, rc)


def test_sigterm_during_the_first_build_leaves_nothing(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    with ServeProcess(root, tmp_path / "tmp") as sp:
        rc = sp.stop(signal.SIGTERM)
    assert_clean_exit(sp, rc)


def test_a_burst_of_saves_is_one_rebuild_and_droppings_none(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    ent = root / "content" / "entities"
    with ServeProcess(root, tmp_path / "tmp") as sp:
        sp.wait_for(r"built \d+ pages")
        # editor droppings and generated folders: no rebuild at all
        m = sp.mark()
        for name in (".base.yml.swp", "base.yml~", "4913", ".#base.yml"):
            (ent / name).write_text("junk")
        (root / "build").mkdir(exist_ok=True)
        (root / "build" / "x.md").write_text("x")
        (root / "site").mkdir(exist_ok=True)
        (root / "site" / "x.html").write_text("x")
        for name in (".base.yml.swp", "base.yml~", "4913", ".#base.yml"):
            (ent / name).unlink()
        time.sleep(0.8)
        assert "changed:" not in "\n".join(sp.lines[m:]), sp.output

        # a `git checkout`-like burst: 40 writes in 20 files, one rebuild (a millisecond apart: on a loaded
        # machine 5 ms sleeps stretched past the 50 ms settle now and then, which no checkout does)
        m = sp.mark()
        for i in range(20):
            (ent / f"extra-{i}.yml").write_text(f"- id: extra-{i}\n  kind: actor\n  name: Extra Person {i}\n")
            time.sleep(0.001)
        for i in range(20):
            (ent / f"extra-{i}.yml").write_text(f"- id: extra-{i}\n  kind: actor\n  name: Extra Person Number {i}\n")
            time.sleep(0.001)
        sp.wait_for(r"built \d+ pages", m)
        time.sleep(0.8)
        changed = [line for line in sp.lines[m:] if "changed:" in line]
        assert len(changed) == 1, sp.output
        status, body, _ = sp.get("/actors/extra-7.html")
        assert status == 200 and b"Extra Person Number 7" in body
        rc = sp.stop()
    assert_clean_exit(sp, rc)


def test_serving_beyond_this_machine_warns_and_foreign_hosts_are_refused(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    with ServeProcess(root, tmp_path / "tmp", "-a", "0.0.0.0:0", "--allow-remote") as sp:  # the later -a wins
        sp.wait_for(r"built \d+ pages")
        port = sp.url.rstrip("/").rpartition(":")[2]
        assert re.search(rf"warning: serving on 0\.0\.0\.0 \(port {port}\), not only on this machine", sp.output)
        assert sp.get("/")[0] == 200
        with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as s:
            s.sendall(f"GET / HTTP/1.1\r\nHost: rebound.example:{port}\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.0 403") or answer.startswith(b"HTTP/1.1 403"), answer[:200]
        assert b"refused" in answer
        rc = sp.stop()
    assert_clean_exit(sp, rc)
    with ServeProcess(root, tmp_path / "tmp2") as local:
        assert "warning: serving" not in local.output
        local.stop()


def test_sed_i_on_a_file_shows_only_that_file_as_changed(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    overview = root / "content" / "overview.md"
    with ServeProcess(root, tmp_path / "tmp") as sp:
        sp.wait_for(r"built \d+ pages")
        m = sp.mark()
        subprocess.run(["sed", "-i", "s/$/ /", str(overview)], check=True)  # sed writes sedXXXXXX, renames it over
        i = sp.wait_for(r"changed:", m)
        sp.wait_for(r"built \d+ pages|no page changed", i)
        time.sleep(0.5)
        assert [line for line in sp.lines[m:] if "changed:" in line] == ["briefgen: changed: content/overview.md"], \
            sp.output
        rc = sp.stop()
    assert_clean_exit(sp, rc)


def test_a_closed_output_pipe_stops_the_server_quietly(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "-C", str(root), "serve", "-a", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(tmp)})
    assert proc.stdout is not None
    seen = b""
    while b"built" not in seen:  # `briefgen serve 2>&1 | head -2`
        line = proc.stdout.readline()
        assert line, seen
        seen += line
    proc.stdout.close()
    overview = root / "content" / "overview.md"
    overview.write_text(overview.read_text() + "\nOne more line.\n")  # the rebuild has something to say
    assert proc.wait(30) == 0
    assert not list(tmp.iterdir()), "the temporary folder is removed"


def test_address_in_use_is_a_clear_error(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(root), "serve", "-a", f"127.0.0.1:{port}"],
                              capture_output=True, text=True, timeout=60, env={"TMPDIR": str(tmp_path), "PATH": ""})
    assert proc.returncode == 1
    assert "cannot listen on 127.0.0.1" in proc.stderr and "Traceback" not in proc.stderr


def test_default_address_is_localhost() -> None:
    from briefgen.cli import make_parser

    args = make_parser().parse_args(["serve"])
    assert args.dev_addr.startswith("127.0.0.1:")


def test_starting_with_broken_content_serves_the_errors_then_the_site(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    base = root / "content" / "entities" / "base.yml"
    good = base.read_text()
    base.write_text(good + "- id: [broken\n")
    with ServeProcess(root, tmp_path / "tmp") as sp:
        sp.wait_for(r"still serving the last good site")
        status, body, _ = sp.get("/actors/alice.html")
        assert status == 503 and b"No successful build yet" in body and b"/.briefgen/livereload.js" in body
        st = sp.state(0)
        assert st["built"] is False and st["errors"][0]["code"].startswith("yaml-")
        m = sp.mark()
        base.write_text(good)
        sp.wait_for(r"built \d+ pages", m)
        assert sp.state(0)["reload"] is True and sp.state(0)["errors"] == []
        assert sp.get("/actors/alice.html")[0] == 200
        rc = sp.stop()
    assert_clean_exit(sp, rc)


def test_a_folder_without_content_is_a_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "briefgen", "-C", str(tmp_path), "serve", "-a", "127.0.0.1:0"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "no content/ folder" in proc.stderr and "Traceback" not in proc.stderr
