"""``briefgen serve``: build, serve on localhost, rebuild incrementally and reload the browser on every save.

Three threads besides the main one: the HTTP server (:mod:`briefgen.serve.http`), the file watcher
(:mod:`briefgen.serve.watch`, watchdog) and the builder, which waits for a debounced batch of changes and
runs :class:`~briefgen.serve.rebuild.Builder`. The main thread only waits for SIGINT/SIGTERM, then stops
everything and removes the temporary folder the site was served from.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from briefgen.emit.incremental import Stopped
from briefgen.serve.http import LiveState, SiteServer, exposure_warning
from briefgen.serve.rebuild import Builder, Outcome
from briefgen.serve.suggestions import PAGE as SUGGESTIONS_PAGE
from briefgen.serve.suggestions import SuggestionsPage
from briefgen.serve.watch import Debouncer, Watcher

TEMP_PREFIX = "briefgen-serve-"


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr, flush=True)
    except BrokenPipeError:  # whoever read the terminal output is gone (`| head`): stop as on SIGTERM, quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stderr.fileno())
        os.close(devnull)
        os.kill(os.getpid(), signal.SIGTERM)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def report(outcome: Outcome, strict: bool) -> None:
    """Print a rebuild's diagnostics (as ``briefgen check`` does) and a one-line summary."""
    for d in outcome.diagnostics:
        _say(d.format(strict))
    errors = sum(1 for d in outcome.diagnostics if strict or d.severity.value == "error")
    warnings = len(outcome.diagnostics) - errors
    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if not outcome.ok:
        _say(f"briefgen: {counts}; still serving the last good site")
    elif outcome.full:
        _say(f"briefgen: built {outcome.n_pages} pages in {outcome.seconds:.2f} s ({outcome.why}); {counts}")
    elif outcome.pages:
        _say(f"briefgen: rebuilt {_plural(len(outcome.pages), 'page')} in {outcome.seconds:.2f} s; {counts}")
    else:
        _say(f"briefgen: no page changed ({outcome.seconds:.2f} s); {counts}")
    if os.environ.get("BRIEFGEN_SERVE_TIMINGS"):  # benchmarks/serve_latency.py: where the time went
        stages = ", ".join(f"{k} {v:.3f}" for k, v in outcome.timings.items())
        _say(f"briefgen: timings: {stages}; wall {outcome.seconds:.3f} s, builder CPU {outcome.cpu:.3f} s")


def _errors_json(outcome: Outcome, strict: bool) -> list[dict]:
    """The banner's list: YAML errors first — a file that cannot be read makes every reference to its
    entities fail too, and those follow-on errors would otherwise push the cause out of sight."""
    first = sorted(outcome.blocking, key=lambda d: not d.code.startswith("yaml-"))
    return [{"text": d.format(strict), "where": str(d.span), "code": d.code} for d in first]


UNSEEN = frozenset({"sitemap.xml", "sitemap.xml.gz"})
"""Files a rebuild rewrites that no page shows or loads (the sitemap follows pages added or removed): a change
of theirs is no reason to reload an open page."""


def _changed_pages(outcome: Outcome) -> frozenset[str] | None:
    """The pages an open browser should update (None: every page, reloaded)."""
    if not outcome.ok:
        return frozenset()
    if outcome.full or any(not p.endswith(".html") and p not in UNSEEN for p in outcome.pages):
        return None  # everything (or a style sheet every page uses) changed
    seen = frozenset(p for p in outcome.pages if p not in UNSEEN)
    return seen | {SUGGESTIONS_PAGE} if outcome.pages else seen  # the content changed: so may the suggestions


class Server:
    """One ``briefgen serve`` session: :meth:`start` the threads, :meth:`stop` (from a signal handler), then
    :meth:`close` to join them and remove the temporary folder."""

    def __init__(
        self, root: Path, host: str, port: int, strict: bool = False, quiet: float = 0.1, settle: float = 0.05
    ):
        self.root = root
        self.strict = strict
        self.stopping = threading.Event()
        self.work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        self.builder = Builder(root, self.work, strict, should_stop=self.stopping.is_set)
        self.state = LiveState()
        self.debouncer = Debouncer(quiet=quiet, settle=settle)
        self.watcher = Watcher(root, self.debouncer.add)
        try:
            self.suggestions = SuggestionsPage()
            self.httpd = SiteServer(
                (host, port),
                self._site,
                self.builder.live.lock,
                self.state,
                lambda: self.suggestions.html(self.builder.model),
            )
        except BaseException:
            shutil.rmtree(self.work, ignore_errors=True)
            raise
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = str(host)
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"

    def _site(self) -> Path | None:
        site = self.builder.site
        return site if site.is_symlink() else None

    def start(self) -> None:
        self.watcher.start()
        for name, target in (("briefgen-http", self.httpd.serve_forever), ("briefgen-build", self._build_loop)):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)

    def _build_loop(self) -> None:
        try:
            self._rebuild()
            while not self.stopping.is_set():
                batch = self.debouncer.wait()
                if batch is None:
                    break
                shown = ", ".join(sorted(batch)[:3]) + (f" and {len(batch) - 3} more" if len(batch) > 3 else "")
                _say(f"briefgen: changed: {shown}")
                self._rebuild()
        except Stopped:
            pass

    def _rebuild(self) -> None:
        try:
            outcome = self.builder.rebuild()
        except Stopped:
            raise
        except Exception:  # a briefgen bug: say so, keep serving the last good site
            if self.stopping.is_set():
                raise Stopped() from None
            _say("briefgen: internal error while rebuilding (please report it):\n" + traceback.format_exc().rstrip())
            self.state.publish(
                frozenset(),
                [
                    {
                        "text": "briefgen: internal error while rebuilding; see the terminal",
                        "where": "",
                        "code": "internal",
                    }
                ],
            )
            return
        self.state.publish(_changed_pages(outcome), _errors_json(outcome, self.strict))
        report(outcome, self.strict)

    def stop(self) -> None:
        self.stopping.set()
        self.debouncer.close()
        self.state.close()

    def close(self, wait: float = 30) -> bool:
        """Stop every thread and remove the temporary folder. False if the builder is still busy after
        ``wait`` seconds (it stops at the next page or stage boundary; it writes nothing once stopping)."""
        self.stop()
        self.watcher.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        done = True
        for t in self._threads:
            t.join(timeout=wait)
            done = done and not t.is_alive()
        self.builder.close()
        shutil.rmtree(self.work, ignore_errors=True)
        return done


def serve(root: Path, host: str, port: int, strict: bool = False) -> int:
    """Run ``briefgen serve`` until SIGINT/SIGTERM; 0 on a clean stop, 1 when it cannot start."""
    if not (root / "content").is_dir():
        _say(f"briefgen: error: {root}: no content/ folder here (run in a briefing folder or pass -C DIR)")
        return 1
    try:
        server = Server(root, host, port, strict)
    except OSError as exc:
        _say(f"briefgen: error: cannot listen on {host}:{port}: {exc.strerror or exc}")
        return 1

    got: list[int] = []

    def on_signal(signum, frame) -> None:
        if got:  # a second Ctrl-C while shutting down: give up waiting
            shutil.rmtree(server.work, ignore_errors=True)
            raise SystemExit(130)
        got.append(signum)
        server.stop()

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        _say(f"briefgen: serving {root} at {server.url} (Ctrl-C to stop)")
        if warning := exposure_warning(host, server.httpd.server_address[1]):
            _say(warning)
        while not server.stopping.wait(0.5):
            pass
        _say("briefgen: stopping")
        if not server.close(wait=5):
            # the builder is deep in a long stage with no stop point: leave without waiting for it
            shutil.rmtree(server.work, ignore_errors=True)
            _say("briefgen: stopped")
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        shutil.rmtree(server.work, ignore_errors=True)
    _say("briefgen: stopped")
    return 0
