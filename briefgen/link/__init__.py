"""The link stage: find every entity mention in every cleaned article, in one pass per paragraph."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.clean.types import Paragraph
from briefgen.link.matcher import AliasTarget, Hit, Matcher, sentence_bounds
from briefgen.load.types import EntitySpec


@dataclass(frozen=True)
class Mention:
    """One mention of an entity in an article paragraph."""

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
    """Mentions in an article's paragraphs, in reading order."""
    out: list[Mention] = []
    spans, add = matcher.spans, out.append
    for p in paragraphs:
        text = p.text
        hits = spans(text)
        if not hits:
            continue
        sentences = sentence_bounds(text)
        si, last, number = 0, len(sentences) - 1, p.number
        for start, end, entity, alias in hits:
            while si < last and sentences[si][1] <= start:
                si += 1
            add(Mention(entity, slug, number, start, end, alias, sentences[si]))
    return tuple(out)
