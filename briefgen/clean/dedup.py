"""Duplicate paragraphs: exact and near copies (the later copy goes), in time linear in the text size.

Paragraphs are compared by :func:`~briefgen.clean.units.norm_words` (case, punctuation and spacing ignored).
Exact copies are found with a dictionary. Near copies (similarity ≥ :data:`NEAR_RATIO` by
:class:`difflib.SequenceMatcher`) are only compared with the few earlier paragraphs that share most of their
content words, found through an inverted index — never all pairs. Near copies must carry the same numbers.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.clean.units import Unit, norm_words

MIN_WORDS = 3
"""Shorter paragraphs are never treated as duplicates (a repeated "Yes." can be story)."""
NEAR_MIN_WORDS = 8
"""Near-duplicate detection only for paragraphs of at least this many words."""
NEAR_RATIO = 0.9
"""Similarity from which two paragraphs count as the same."""
_MAX_POSTINGS = 64
"""Words shared by more paragraphs than this are too common to pick candidates with."""
_CANDIDATES = 3
_NUMBERS = re.compile(r"\d+")


@dataclass
class Original:
    """Something later paragraphs may repeat: a kept unit, or a seed such as the removed headline."""

    unit: Unit | None
    index: int = -1
    """Position of the unit among all units (-1 for a seed)."""
    category: str = "duplicate"
    reason: str = "duplicate of paragraph {n}"
    near_reason: str = "near-duplicate of paragraph {n}"
    key: str = ""


def _signature(words: list[str]) -> set[str]:
    """The paragraph's content words (5+ letters): near copies share nearly all of them; cheaper to collect than
    word n-grams, and function words, which every paragraph shares, are left out."""
    return {w for w in words if len(w) >= 5}


def mark_duplicates(
    units: list[Unit],
    seeds: Sequence[tuple[str, str, str]] = (),
    min_words: int = MIN_WORDS,
    near_min_words: int = NEAR_MIN_WORDS,
    max_copies: int | None = None,
    far_min_words: int | None = None,
    window: int = 2,
) -> None:
    """Mark kept units that repeat an earlier kept unit (or a seed: ``(text, category, reason)``) as removed.

    Units shorter than ``min_words`` words are never duplicates; near copies need ``near_min_words`` and the
    same numbers in the same order (a paragraph that differs in a figure is a different statement). With
    ``max_copies``, a text occurring more often than that is page structure (repeated recipe steps, interview
    questions), not an accidental copy, and all its copies stay. With ``far_min_words`` (text captures), a copy at
    most ``window`` units after the previous copy is always a duplicate (the page printed it twice); a copy further
    away only when it is at least ``far_min_words`` words long and the text occurs twice at most — a short line or
    a text occurring three times or more is the story repeating itself (a refrain, a recipe step, a meal plan).
    """
    repeated: set[str] = set()
    counts: Counter[str] = Counter()
    # each kept unit's key, made once (the loop below changes only the unit it is at)
    keys = [norm_words(u.text) if u.kept else "" for u in units]
    if max_copies is not None or far_min_words is not None:
        counts = Counter(k for k, u in zip(keys, units) if u.kept)
    if max_copies is not None:
        repeated = {k for k, c in counts.items() if c > max_copies}
    last: dict[str, int] = {}
    exact: dict[str, Original] = {}
    index: dict[str, list[int]] = {}
    originals: list[Original] = []

    def add(orig: Original, words: list[str], signature: set | None = None) -> None:
        exact.setdefault(orig.key, orig)
        if len(words) >= near_min_words:
            originals.append(orig)
            n = len(originals) - 1
            for sh in _signature(words) if signature is None else signature:
                postings = index.get(sh)
                if postings is None:
                    index[sh] = [n]
                else:
                    postings.append(n)

    for text, category, reason in seeds:
        key = norm_words(text)
        words = key.split()
        if len(words) >= MIN_WORDS:
            add(Original(None, category=category, reason=reason, near_reason=reason, key=key), words)

    for i, u in enumerate(units):
        if not u.kept:
            continue
        key = keys[i]
        words = key.split()
        if len(words) < min_words or key in repeated:
            continue
        orig = exact.get(key)
        near = False
        signature = None
        if orig is None and len(words) >= near_min_words:
            signature = _signature(words)  # computed once: for the search and, if kept, for the index
            orig, near = _near(key, signature, index, originals), True
        if orig is not None and far_min_words is not None and orig.unit is not None:
            previous, last[key] = last.get(key, orig.index), i
            if i - previous > window and (len(words) < far_min_words or counts[key] > 2):
                continue  # the story repeats itself: not a copy made by the page
        if orig is not None and not u.forced_keep:
            u.category, u.dup_of = orig.category, orig.unit
            u.reason = orig.near_reason if near else orig.reason
            continue
        add(Original(u, i, key=key), words, signature)


def _near(key: str, signature: set, index: dict, originals: list[Original]) -> Original | None:
    counts: Counter[int] = Counter()
    for sh in signature:
        postings = index.get(sh)
        if postings and len(postings) <= _MAX_POSTINGS:
            counts.update(postings)
    need = 0.5 * len(signature)
    for j, shared in counts.most_common(_CANDIDATES):
        if shared < need:
            break
        other = originals[j].key
        if not 0.8 <= len(other) / len(key) <= 1.25 or _NUMBERS.findall(other) != _NUMBERS.findall(key):
            continue
        sm = difflib.SequenceMatcher(None, other, key, autojunk=False)
        if sm.real_quick_ratio() >= NEAR_RATIO and sm.quick_ratio() >= NEAR_RATIO and sm.ratio() >= NEAR_RATIO:
            return originals[j]
    return None
