"""What the site's search knows of an entity page beyond its text: its names as the page's search tags (front
matter), and how the index splits words (the search plugin's settings).

Material's search (lunr) finds every word of a query by prefix ("kuril" finds "kurils"), adds up every word of
the index a query word starts, does not weigh a field by its length, and weighs a match in the tags a million
times one in the text. So the tags decide the order of entity pages, and they are written so that an entity's
own page ranks first for its name and each alias: each word of the page's names is one term per *weight unit*,
every term a word of its own (unique to the page, so each counts the same); a word's weight grows as the
shortest name holding it gets shorter (the page named exactly what was typed outranks a page whose longer name
contains it); a word counts once however many names hold it, and other forms of one word ("Kurils",
"Kuriles", "Kuril") add little, so a page is not boosted for naming one word several ways. docs/search.md
explains the numbers."""

from __future__ import annotations

import json
import re
import zlib

from markupsafe import Markup

from briefgen.model.types import Entity


def search_names(e: Entity) -> tuple[str, ...]:
    """The entity's name and its aliases, each once (an alias shared with another entity, ``ambiguous``, is not
    the page's own name and is left out)."""
    names = [e.spec.name] + [a.text for a in e.spec.aliases if not a.ambiguous]
    return tuple(dict.fromkeys(names))


SEPARATOR = r"[\s\-\u2010-\u2015,:;!?=\[\]()\"'\u2018\u2019\u201c\u201d/]+|\.(?!\d)"
"""Where the search index splits words: spaces, hyphens and dashes, punctuation and quotes (MkDocs' own splits
at spaces and hyphens only, so "talks," and "Lavrov–Kono" were words, and "Japan's" a word of its own)."""

PIPELINE: list[str] = []
"""No stop-word filter: "US" is a name here, not the pronoun, and must be found."""

SCALE = 16
"""A word's weight in units: ``SCALE × L ** -SHRINK`` for the shortest of the page's names holding it, ``L``
characters long (rounded, 1 to :data:`MOST`). "US" weighs 13, "Moscow" 9, "Munich Security Conference" 5 a
word, a 70-character meeting name 4 a word."""

SHRINK = 0.35
"""How fast a word's weight falls with its name's length. Slow enough that a name of several words outweighs
one of its words alone (a page named "Munich" does not outrank "Munich Security Conference" for that name:
3 × 5 > 9), fast enough that a page named exactly the query outranks one whose name contains it ("Moscow" 9
against 4 for "Lavrov–Kono talks, Moscow (10 May 2019)"; "US" 13 against "USSR" 10)."""

MOST = 26
"""At most this many units a word (one term each, told apart by a letter)."""

FORM_SHARE = 3
"""Another form of a word the page names already ("Kuriles" beside "Kurils"; "Kuril" beside "Kurils") weighs
its own weight divided by this (at least one unit): a query word starting both forms finds the page about once,
not once per form."""

MARK = "\u00b7"
"""Joins a word to the page's code and the unit's letter in a term ("kurils·q3fa"): a word no text has, so
every term of the tags is the page's own, and each unit weighs the same (lunr weighs a term by how few entries
hold it). The search matches words by prefix, so "Kurils" still finds "kurils·q3fa"; the tags are not shown in
the results (briefgen.css)."""

_WORD = re.compile(SEPARATOR)
_UNITS = "abcdefghijklmnopqrstuvwxyz"
_CODE = "0123456789abcdefghijklmnopqrstuvwxyz"


def _weight(length: int) -> int:
    return max(1, min(MOST, round(SCALE * max(1, length) ** -SHRINK)))


def _forms(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are forms of one word: one starts the other, or they share all but the last
    two letters of the shorter (at least four)."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    shorter = min(len(a), len(b))
    return n == shorter or n >= max(4, shorter - 2)


def word_weights(names: tuple[str, ...]) -> dict[str, int]:
    """Each word of ``names`` (lower case, in order of first use) with its weight in units."""
    best: dict[str, int] = {}
    for name in names:
        w = _weight(len(name))
        for word in _WORD.split(name.lower()):
            if word:
                best[word] = max(best.get(word, 0), w)
    # the heaviest form of a word keeps its weight; other forms of it add only a share
    heads: list[str] = []
    out: dict[str, int] = {}
    for word in sorted(best, key=lambda x: (-best[x], len(x))):
        if any(_forms(word, h) for h in heads):
            out[word] = max(1, best[word] // FORM_SHARE)
        else:
            heads.append(word)
            out[word] = best[word]
    return {w: out[w] for w in best}


def page_code(key: str) -> str:
    """Three letters told apart per page (from its id), so that no two pages share a term of the tags."""
    n = zlib.crc32(key.encode("utf-8")) % len(_CODE) ** 3
    return "".join(_CODE[n // len(_CODE) ** i % len(_CODE)] for i in range(3))


def search_tags(e: Entity) -> list[str]:
    """The page's search tags: one string of terms, each word of its names once per unit of its weight."""
    code = page_code(f"{e.spec.kind}/{e.spec.id}")
    terms = [
        f"{word}{MARK}{code}{_UNITS[i]}" for word, units in word_weights(search_names(e)).items() for i in range(units)
    ]
    return [" ".join(terms)]


def plugin_config() -> dict:
    """The search plugin's settings in ``mkdocs.yml``."""
    return {"separator": SEPARATOR, "pipeline": PIPELINE}


def search_front_matter(e: Entity) -> Markup:
    """The front matter line giving the page's search tags: a JSON array, which YAML reads as a flow sequence of
    double-quoted strings (PyYAML's dumper cost a tenth of an entity page's time)."""
    text = json.dumps(search_tags(e), ensure_ascii=False)
    # characters YAML takes for line breaks, written as escapes (JSON leaves them as they are)
    return Markup("tags: " + text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085"))
