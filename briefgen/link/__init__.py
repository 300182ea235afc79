"""The link stage: find every entity mention in every cleaned article, in one pass per article."""

from __future__ import annotations

from itertools import repeat
from typing import NamedTuple

from briefgen.clean.types import Paragraph
from briefgen.link.matcher import AliasTarget, Matcher, sentences_of
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
    targets = [
        AliasTarget(e.id, a.text, a.case)
        for e in entities
        for a in e.aliases
        if not a.ambiguous and a.text not in unlinked
    ]
    return Matcher(targets)


def link_paragraphs(slug: str, paragraphs: tuple[Paragraph, ...], matcher: Matcher) -> tuple[Mention, ...]:
    """Mentions in an article's paragraphs, in reading order.

    The paragraphs are searched together (:meth:`Matcher.scan`: offsets into the paragraphs joined by one
    character); the sentences of a paragraph are found from its first hit on, as far as its last."""
    texts = [p.text for p in paragraphs]
    out: list[tuple] = []
    add = out.append
    k, nxt = -1, 0  # the paragraph of the last hit; where the next one starts in the joined texts
    for start, end, entity, alias in matcher.scan(texts):
        if start >= nxt:  # the first hit in a paragraph
            while start >= nxt:
                k += 1
                base = nxt
                nxt += len(texts[k]) + 1
            number = paragraphs[k].number
            sentences = sentences_of(texts[k])  # as far as the hits go
            sentence = next(sentences)
        start -= base
        while sentence[1] <= start:  # the last sentence ends with the text, after every hit
            sentence = next(sentences)
        add((entity, slug, number, start, end - base, alias, sentence))
    # the records made in C from the plain tuples (cheaper than calling Mention for each)
    return tuple(map(tuple.__new__, repeat(Mention), out))
