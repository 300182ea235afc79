"""What the site's search knows of an entity page beyond its text: its name and aliases as the page's search
tags (front matter), and how the index splits words (the search plugin's settings). Material's search weighs a
match in the tags far above one in titles or text, so an entity's own page ranks first for its name and each of
its aliases (a meeting named "Lavrov–Kono talks" no longer outranks Lavrov's page for "Lavrov"). Measured on
the demo: 89 of its 92 names and aliases find their page first; see docs/search.md for the three that do not."""

from __future__ import annotations

import json
import re

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

WEIGHT_CHARS = 12
"""How often a name is repeated in the tags: ``WEIGHT_CHARS`` divided by its length in characters, at least once. Material's
search splits tags into words, weighs how often a query word occurs in them, not how long they are, and finds
words by prefix ("US" finds "USSR"): repeating a short name more makes the page named exactly what was typed
("Moscow", "US") outrank one whose longer name contains it (a meeting in Moscow, the USSR)."""


MARK = "\u00b7"
"""Ends every word of a tag: "japan·" is a word no text has, so a match in the tags is weighed by how rare the
name is among the tags, not by how common the word is in every page's text (where "Japan" is in nearly all,
and "Japanese" in few). The search matches words by prefix, so "Japan" still finds "japan·"; the tags are not
shown in the results (briefgen.css)."""

_WORD = re.compile(SEPARATOR)


def search_tags(e: Entity) -> list[str]:
    """The page's search tags: each of its names, its words marked (:data:`MARK`), repeated so that shorter
    (more exact) names weigh more."""
    out = []
    for name in search_names(e):
        words = [w for w in _WORD.split(name) if w]
        # each word; a one-word name once more with a second mark, so that the page named by exactly that word
        # matches the query twice, where a longer word it starts ("Japan" of "Japanese") matches once
        marked = " ".join(w + MARK for w in words) + (f" {words[0]}{MARK * 2}" if len(words) == 1 else "")
        out.extend([marked] * max(1, -(-WEIGHT_CHARS // max(1, len(name)))))
    return out


def plugin_config() -> dict:
    """The search plugin's settings in ``mkdocs.yml``."""
    return {"separator": SEPARATOR, "pipeline": PIPELINE}


def search_front_matter(e: Entity) -> Markup:
    """The front matter line giving the page's search tags: a JSON array, which YAML reads as a flow sequence of
    double-quoted strings (PyYAML's dumper cost a tenth of an entity page's time)."""
    text = json.dumps(search_tags(e), ensure_ascii=False)
    # characters YAML takes for line breaks, written as escapes (JSON leaves them as they are)
    return Markup("tags: " + text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085"))
