"""Per-article work kept between rebuilds of ``briefgen serve`` (a :class:`briefgen.build.StageMemo`).

Cleaning a capture and linking its paragraphs are pure functions of their inputs, and at a few thousand
articles they are about half of a rebuild. The serve process keeps their results, keyed by *everything*
the functions read, and replays the diagnostics they added; an article whose capture, cleaning overrides
and path are unchanged is not cleaned again, and its mentions are not searched again while no alias of any
entity changed. Results not used by the latest rebuild are dropped, so memory follows the briefing.
"""

from __future__ import annotations

from briefgen.clean import clean_capture
from briefgen.clean.types import CleanedText
from briefgen.diagnostics import Diagnostic, Diagnostics
from briefgen.link import Mention, build_matcher, link_paragraphs


class Memo:
    """One serve session's memo. Call :meth:`next_run` before each ``compile_briefing``."""

    def __init__(self) -> None:
        self._clean: dict[tuple, tuple[CleanedText, tuple[Diagnostic, ...]]] = {}
        self._clean_used: dict[tuple, tuple[CleanedText, tuple[Diagnostic, ...]]] = {}
        self._matcher = None
        self._matcher_key: tuple | None = None
        self._links: dict[tuple, tuple[Mention, ...]] = {}
        self._links_used: dict[tuple, tuple[Mention, ...]] = {}
        self.hits = self.misses = 0

    def next_run(self) -> None:
        """Forget what the previous run did not use."""
        if self._clean_used:
            self._clean, self._clean_used = self._clean_used, {}
        if self._links_used:
            self._links, self._links_used = self._links_used, {}
        self.hits = self.misses = 0

    def clean_capture(self, text, fmt, path, overrides, diags: Diagnostics, *, first_line: int = 1) -> CleanedText:
        key = (text, fmt, path, overrides, first_line)
        got = self._clean.get(key) or self._clean_used.get(key)
        if got is None:
            self.misses += 1
            own = Diagnostics()
            got = (clean_capture(text, fmt, path, overrides, own, first_line=first_line), tuple(own.items))
        else:
            self.hits += 1
        self._clean_used[key] = got
        diags.extend(got[1])
        return got[0]

    def build_matcher(self, entities, unlinked=frozenset()):
        # build_matcher reads each entity's id and aliases (text, case, ambiguous) and the unlinked set
        key = (tuple((e.id, tuple((a.text, a.case, a.ambiguous) for a in e.aliases)) for e in entities),
               frozenset(unlinked))
        if key != self._matcher_key:
            self._matcher, self._matcher_key = build_matcher(entities, unlinked), key
            self._links, self._links_used = {}, {}
        return self._matcher

    def link_paragraphs(self, slug, paragraphs, matcher) -> tuple[Mention, ...]:
        if matcher is not self._matcher:  # not ours: do not remember
            return link_paragraphs(slug, paragraphs, matcher)
        key = (slug, paragraphs)
        got = self._links.get(key)
        if got is None:
            got = self._links_used.get(key)
        if got is None:
            got = link_paragraphs(slug, paragraphs, matcher)
        self._links_used[key] = got
        return got
