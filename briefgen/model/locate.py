"""Locating verbatim words in cleaned article text, ignoring typographic differences."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from briefgen.clean.types import Paragraph
from briefgen.clean.typography import PLAIN_FORMS
from briefgen.diagnostics import Span

_TRANSLATE = str.maketrans({**PLAIN_FORMS, "`": "'"})  # a backtick typed for an apostrophe, too


_DASHES = re.compile(r"\s*--+\s*|\s+-\s+")
_SPACE_DASH = re.compile(r"\s-")


def normalize(text: str) -> str:
    """Fold quotes, dashes, ellipses and runs of white space so that only the words and punctuation count."""
    if text.isascii():  # of the characters folded only '`' is ASCII (translate is slow)
        text = text.replace("`", "'")
    else:
        text = text.translate(_TRANSLATE).replace("\u2026", "...").replace("\u200b", "")
    if "--" in text or _SPACE_DASH.search(text):  # else no dash to fold (the pattern is slow on long text)
        text = _DASHES.sub(" - ", text)
    return " ".join(text.split())  # runs of white space (str.split and re's \s agree on what that is) as one


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


MAX_QUOTE_WORDS = 120
"""Words of a quote compared with the text when it is not found (a longer quote: its first words)."""
MAX_SEARCH_WORDS = 400_000
"""Words of an article searched for the closest passage (a long feature has about 20,000)."""
MAX_DIFFERENCES = 3
"""Differences named in a hint."""
MAX_CANDIDATES = 50
"""Windows holding as many of the quote's words as the best one that are compared word by word."""
_NON_WORD = re.compile(r"\W+")


def _key(word: str) -> str:
    """A word compared without case and the punctuation around it (``"The`` is ``the``)."""
    return _NON_WORD.sub("", word).casefold() or word


@dataclass(frozen=True)
class ClosestPassage:
    """Where the words of a quote that is not in an article come closest to it."""

    paragraph: int
    """Number of the paragraph the passage starts in."""
    span: Span
    """Where that paragraph starts in the capture."""
    passage: str
    """The passage (normalised words), as long as the quote."""
    differences: tuple[str, ...]
    """The first differences, worded for a reader: ``'substantive' where the quote has 'substantial'``."""
    common: float
    """Share of the quote's words found in the passage, in order (0–1)."""

    def hint(self) -> str:
        diff = "; ".join(self.differences) if self.differences else "only in spacing or punctuation"
        return (
            f"closest passage: \u00b6{self.paragraph} ({self.span}): \u201c{_clip(self.passage)}\u201d \u2014 "
            f"differs: {diff}"
        )


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def closest_passage(
    paragraphs: tuple[Paragraph, ...], words: str, normal: list[str] | None = None, min_common: float = 0.5
) -> ClosestPassage | None:
    """The passage of ``paragraphs`` closest to ``words`` (a quote not found), or None when no passage shares at
    least ``min_common`` of its words.

    A window as long as the quote slides over the article's words (paragraphs joined), counting the quote's words
    it holds (kept up to date word by word: linear in the article); the best window is then compared with the quote
    word by word (difflib) to name the differences. Bounded: at most :data:`MAX_QUOTE_WORDS` words of the quote
    and :data:`MAX_SEARCH_WORDS` of the article.
    """
    needle = strip_outer_quotes(words).split()[:MAX_QUOTE_WORDS]
    if not needle or not paragraphs:
        return None
    if normal is None:
        normal = [normalize(p.text) for p in paragraphs]
    hay: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(normal):
        ws = text.split()
        hay.extend(ws)
        owner.extend([i] * len(ws))
        if len(hay) >= MAX_SEARCH_WORDS:
            break
    if not hay:
        return None
    nkeys = [_key(w) for w in needle]
    keys = [_key(w) for w in hay]
    want: dict[str, int] = {}
    for key in nkeys:
        want[key] = want.get(key, 0) + 1
    n = min(len(needle), len(hay))
    have: dict[str, int] = {}
    overlap, best, starts = 0, 0, []
    for j, key in enumerate(keys):
        if have.get(key, 0) < want.get(key, 0):
            overlap += 1
        have[key] = have.get(key, 0) + 1
        if j >= n:
            old = keys[j - n]
            have[old] -= 1
            if have[old] < want.get(old, 0):
                overlap -= 1
        if j >= n - 1:
            if overlap > best:
                best, starts = overlap, [j - n + 1]
            elif overlap == best and best and len(starts) < MAX_CANDIDATES:
                starts.append(j - n + 1)
    if not starts:
        return None

    def rank(at: int) -> tuple[float, int, int]:
        ratio = difflib.SequenceMatcher(None, nkeys, keys[at : at + n], autojunk=False).ratio()
        return ratio, sum(a == b for a, b in zip(nkeys, keys[at : at + n])), -at

    best_at = max(starts, key=rank)
    # compared with some words either side, so a quote with a word more or less still lines up; the words only
    # the text has at either end are then dropped
    slack = max(2, n // 5)
    best_at, n = max(0, best_at - slack), n + slack + min(slack, best_at)
    matcher = difflib.SequenceMatcher(None, nkeys, keys[best_at : best_at + n], autojunk=False)
    common = sum(b.size for b in matcher.get_matching_blocks()) / len(needle)
    if common < min_common:
        return None
    ops = matcher.get_opcodes()
    lo, hi = 0, len(keys[best_at : best_at + n])  # the window without the words only it has at either end
    if ops and ops[0][0] == "insert":
        lo = ops[0][4]
    elif ops and ops[0][0] == "replace" and ops[0][4] - ops[0][3] > ops[0][2] - ops[0][1]:
        lo = ops[0][4] - (ops[0][2] - ops[0][1])  # as many of the text's words as the quote has there
        ops[0] = ("replace", ops[0][1], ops[0][2], lo, ops[0][4])
    if ops and ops[-1][0] == "insert":
        hi = ops[-1][3]
    elif ops and ops[-1][0] == "replace" and ops[-1][4] - ops[-1][3] > ops[-1][2] - ops[-1][1]:
        hi = ops[-1][3] + (ops[-1][2] - ops[-1][1])
        ops[-1] = ("replace", ops[-1][1], ops[-1][2], ops[-1][3], hi)
    window = hay[best_at : best_at + n]
    differences: list[str] = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal" or (op == "insert" and (j2 <= lo or j1 >= hi)):
            continue
        ours, theirs = " ".join(needle[i1:i2]), " ".join(window[j1:j2])
        if op == "replace":
            differences.append(f"\u2018{_clip(theirs, 60)}\u2019 where the quote has \u2018{_clip(ours, 60)}\u2019")
        elif op == "delete":
            differences.append(f"the quote adds \u2018{_clip(ours, 60)}\u2019")
        else:
            differences.append(f"the quote leaves out \u2018{_clip(theirs, 60)}\u2019")
        if len(differences) == MAX_DIFFERENCES:
            break
    window, best_at = window[lo:hi], best_at + lo
    p = paragraphs[owner[best_at]]
    return ClosestPassage(p.number, p.span, " ".join(window), tuple(differences), common)
