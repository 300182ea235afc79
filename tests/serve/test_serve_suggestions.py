"""briefgen serve's suggestions page: served beside the site (never in it), updated as the analyst annotates."""

from __future__ import annotations

from pathlib import Path

from servehelp import ServeProcess, small_briefing


def test_suggestions_page_follows_the_annotations(tmp_path: Path) -> None:
    root = small_briefing(tmp_path / "b")
    capture = root / "content" / "articles" / "talks.txt"
    capture.write_text(capture.read_text() + '\nEnvoy Rupert Hentzau of the Zenda Fisheries Agency said: "We <b>wait</b>."\n')
    with ServeProcess(root, tmp_path / "tmp") as sp:
        sp.wait_for(r"built \d+ pages")
        status, body, headers = sp.get("/.briefgen/suggestions")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert b"<h3>Rupert Hentzau <small>person" in body and b"<h3>Zenda Fisheries Agency <small>" in body
        assert b"content/articles/talks.txt:" in body
        assert b"&lt;b&gt;wait&lt;/b&gt;" in body and b"<b>wait</b>" not in body  # article text is escaped
        assert body.count(b'src="/.briefgen/livereload.js"') == 1  # reloaded as the briefing changes
        before = sp.state()["version"]
        m = sp.mark()
        (root / "content" / "entities" / "more.yml").write_text(
            "- id: hentzau\n  kind: actor\n  name: Rupert Hentzau\n  aliases: [Hentzau]\n")
        sp.wait_for(r"built|rebuilt|updated", m)
        state = sp.state(before, "/.briefgen/suggestions")
        assert state["reload"]  # an open suggestions page reloads
        status, body, _ = sp.get("/.briefgen/suggestions")
        assert status == 200 and b"<h3>Rupert Hentzau <small>" not in body  # now annotated: no longer a name to add
        assert b"<h3>Zenda Fisheries Agency <small>" in body
        assert b"<h3>hentzau <small>" in body  # but his words are a quote to record
        assert sp.get("/.briefgen/suggestions.html")[0] == 404 and sp.get("/suggestions.html")[0] == 404
