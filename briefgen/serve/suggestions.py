"""The suggestions page of ``briefgen serve`` (``/.briefgen/suggestions``): what ``briefgen suggest`` prints, for the
briefing as last read without errors. It is served, never written into the site, and open pages of it are reloaded
after every rebuild that changed something (the live-reload script of every served page).
"""

from __future__ import annotations

import html
import threading

from briefgen.model.types import Model
from briefgen.suggest import suggest
from briefgen.suggest.types import Place, Suggestions

PAGE = ".briefgen/suggestions"
"""The page's path under the served site (as :func:`briefgen.serve.http.page_of` names it)."""
MAX_PLACES = 5
"""Places shown per suggestion."""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _places(places: tuple[Place, ...]) -> str:
    items = "".join(
        f'<li><code>{_e(p.span.path)}:{p.span.line}</code> <a href="/articles/{_e(p.article)}.html#p'
        f'{p.paragraph}">\u00b6{p.paragraph}</a> {_e(p.sentence)}</li>'
        for p in places[:MAX_PLACES]
    )
    more = f"<li>\u2026 and {len(places) - MAX_PLACES} more</li>" if len(places) > MAX_PLACES else ""
    return f'<ul class="places">{items}{more}</ul>'


def page_html(title: str, s: Suggestions) -> str:
    """The page (article text is untrusted: every piece of it is escaped)."""
    parts = [
        f"<h1>Suggestions for \u201c{_e(title)}\u201d</h1>",
        "<p>What <code>briefgen suggest</code> finds to annotate next, for the briefing as last read without "
        "errors. Updated as you annotate; not part of the built site.</p>",
        f'<h2 id="names">Names no alias covers ({len(s.names)})</h2>',
    ]
    for n in s.names:
        parts.append(
            f"<section><h3>{_e(n.name)} <small>{_e(n.role)}, kind {_e(n.kind or '?')}; {n.count}\u00d7 in "
            f"{n.articles} article{'s' if n.articles != 1 else ''}</small></h3>{_places(n.places)}"
            f"<pre>{_e(n.stub())}</pre></section>"
        )
    parts.append(f'<h2 id="near-misses">Near-misses of known aliases ({len(s.near_misses)})</h2>')
    for m in s.near_misses:
        parts.append(
            f"<section><h3>{_e(m.text)} <small>nearly \u2018{_e(m.alias)}\u2019 of {_e(m.entity)}: add it as "
            f"an alias, or note a misspelling in the source</small></h3>{_places(m.places)}"
            f"<pre>{_e(m.stub())}</pre></section>"
        )
    parts.append(f'<h2 id="quotes">Quotes of known entities ({len(s.quotes)})</h2>')
    for q in s.quotes:
        parts.append(
            f"<section><h3>{_e(q.speaker)} <small>from \u201c{_e(q.how)}\u201d, in {_e(q.source)}.yml"
            f"</small></h3>{_places((q.place,))}<pre>{_e(q.stub())}</pre></section>"
        )
    parts.append(f'<h2 id="facts">Figures near entities ({len(s.facts)})</h2>')
    for f in s.facts:
        parts.append(
            f"<section><h3>{_e(f.subject)}: {_e(f.property)} <small>in {_e(f.source)}.yml</small></h3>"
            f"{_places((f.place,))}<pre>{_e(f.stub())}</pre></section>"
        )
    body = "\n".join(parts)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Suggestions \u2014 '
        f'{_e(title)}</title><meta name="robots" content="noindex"><style>'
        "body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70em;padding:1em 2em;color:#222}"
        "small{color:#666;font-weight:normal}pre{background:#f4f4f4;padding:.5em;overflow:auto}"
        "ul.places{font-size:.9em;margin:.3em 0}section{border-top:1px solid #ddd;margin-top:1em}"
        '</style></head><body><div class="md-content">'
        f'{body}</div><div class="md-sidebar--secondary"></div></body></html>'
    )


class SuggestionsPage:
    """The page for the latest model, made when asked for and kept while the model is the same."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: tuple[Model, bytes] | None = None

    def html(self, model: Model | None) -> bytes | None:
        """The page for ``model`` (None: no briefing read yet)."""
        if model is None:
            return None
        with self._lock:
            if self._made is None or self._made[0] is not model:
                self._made = (model, page_html(model.config.title, suggest(model)).encode())
            return self._made[1]
