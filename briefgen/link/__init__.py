"""The link stage: find every entity mention in every cleaned article, in one pass per article."""

from __future__ import annotations

from typing import NamedTuple

from briefgen.clean.types import Paragraph
from briefgen.link.matcher import AliasTarget, Hit, Matcher, sentence_bounds
from briefgen.load.types import EntitySpec


class Mention(NamedTuple):
    """One mention of an entity in an article paragraph.

    A named tuple rather than a frozen dataclass: as immutable and typed, and about three times cheaper to
    make, which counts at tens of thousands of mentions per build (see docs/performance.md)."""

    entity: str
    """Entity id."""
    article: str
    """Article slug."""
    paragraph: int
    """Paragraph number (anchor ``p{n}``)."""
    start: int
    """Offset of the mention in the paragraph text."""
    end: int
    """Offset after the mention."""
    alias: str
    """The alias that matched."""
    sentence: tuple[int, int]
    """Offsets of the sentence containing the mention, in the paragraph text."""


def build_matcher(entities: tuple[EntitySpec, ...], unlinked: frozenset[str] = frozenset()) -> Matcher:
    """One automaton over every alias of every entity. Aliases declared ``ambiguous`` are left out."""
    targets = [AliasTarget(e.id, a.text, a.case) for e in entities for a in e.aliases
               if not a.ambiguous and a.text not in unlinked]
    return Matcher(targets)


def link_paragraphs(slug: str, paragraphs: tuple[Paragraph, ...], matcher: Matcher) -> tuple[Mention, ...]:
    """Mentions in an article's paragraphs, in reading order.

    The paragraphs are searched together (:meth:`Matcher.scan`: offsets into the paragraphs joined by one
    character); the sentences of a paragraph are found at its first hit."""
    texts = [p.text for p in paragraphs]
    out: list[Mention] = []
    add = out.append
    k, nxt = -1, 0  # the paragraph of the last hit; where the next one starts in the joined texts
    for start, end, entity, alias in matcher.scan(texts):
        if start >= nxt:  # the first hit in a paragraph: its sentences (only paragraphs with hits need them)
            while start >= nxt:
                k += 1
                base = nxt
                nxt += len(texts[k]) + 1
            sentences = sentence_bounds(texts[k])
            si, last, number = 0, len(sentences) - 1, paragraphs[k].number
        start -= base
        while si < last and sentences[si][1] <= start:
            si += 1
        add(Mention(entity, slug, number, start, end - base, alias, sentences[si]))
    return tuple(out)
