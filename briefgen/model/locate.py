"""Locating verbatim words in cleaned article text, ignoring typographic differences."""

from __future__ import annotations

import re

from briefgen.clean.types import Paragraph

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200a": " ",
})


def normalize(text: str) -> str:
    """Fold quotes, dashes, ellipses and runs of white space so that only the words and punctuation count."""
    text = text.translate(_TRANSLATE).replace("\u2026", "...").replace("\u200b", "")
    text = re.sub(r"\s*--+\s*|\s+-\s+", " - ", text)
    return re.sub(r"\s+", " ", text).strip()


def strip_outer_quotes(text: str) -> str:
    t = normalize(text)
    while len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
        t = t[1:-1].strip()
    # a quoted sentence often ends in ',' in the article ("…substantial," said Lavrov): the final
    # punctuation mark of the words does not count
    return t.rstrip(".,;:").rstrip() if len(t) > 1 else t


def locate(paragraphs: tuple[Paragraph, ...], words: str, normal: list[str] | None = None) -> int | None:
    """Number of the first paragraph containing ``words`` (a passage may run over consecutive paragraphs).

    ``normal``, when given, is ``[normalize(p.text) for p in paragraphs]`` computed once by a caller that
    locates many passages in the same article.
    """
    needle = strip_outer_quotes(words)
    if not needle:
        return None
    if normal is None:
        normal = [normalize(p.text) for p in paragraphs]
    for p, text in zip(paragraphs, normal):
        if needle in text:
            return p.number
    for i in range(len(paragraphs) - 1):  # a passage across paragraph breaks
        joined = normal[i]
        for j in range(i + 1, min(i + 4, len(paragraphs))):
            joined += " " + normal[j]
            if needle in joined and needle not in normal[j]:
                return paragraphs[i].number
    return None
