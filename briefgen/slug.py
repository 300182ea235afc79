"""Slugs: the only characters an output path is made of are ``[a-z0-9-]``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""What an entity id, kind id, pack id or article slug must look like."""
MAX_LEN = 80


def slugify(text: str) -> str:
    """A ``[a-z0-9-]`` slug for ``text``; never empty, never ``.``/``..``, at most 80 characters."""
    normal = unicodedata.normalize("NFKD", text)
    ascii_text = normal.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    slug = slug[:MAX_LEN].strip("-")
    return slug or "x"


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i yi ye g u".split(),
    )
)
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω", "a b g d e z i th i k l m n x o p r s s t y f ch ps o".split()))
_TRANSLIT = str.maketrans(
    {
        **{k: ("" if v == "-" else v) for k, v in _CYRILLIC.items()},
        **_GREEK,
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
    }
)
"""Letters NFKD does not take apart into ASCII, in their usual Latin spelling (Cyrillic, Greek, a few Latin)."""
RESERVED_ARTICLE_SLUGS = frozenset({"index"})
"""Slugs an article page cannot have: ``articles/index.md`` is the list of articles."""


def capture_slug(stem: str) -> str:
    """The article slug of a capture file named ``stem`` (without its extension): lower case, transliterated,
    every run of other characters a dash. A name with no letter or digit that has a Latin spelling gets a slug
    made from its characters' code points, so two such names still differ."""
    lowered = unicodedata.normalize("NFKC", stem).lower().translate(_TRANSLIT)
    # translated before NFKD (й stays one letter) and after it (Greek letters lose their accents)
    normal = unicodedata.normalize("NFKD", lowered).translate(_TRANSLIT).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", normal).strip("-")[:MAX_LEN].strip("-")
    if not slug:
        slug = ("article-" + "-".join(f"{ord(c):x}" for c in stem if c.isalnum()))[:MAX_LEN].strip("-")
    if slug in RESERVED_ARTICLE_SLUGS:
        slug += "-article"
    return slug


def is_valid_id(text: str) -> bool:
    return bool(ID_RE.match(text)) and len(text) <= MAX_LEN


def unique_slugs(names: list[str], reserved: AbstractSet[str] = frozenset()) -> list[str]:
    """Slugs for ``names``, made unique by numbered suffixes, in input order."""
    taken = set(reserved)
    out = []
    for name in names:
        base = slugify(name)
        slug, n = base, 2
        while slug in taken:
            suffix = f"-{n}"
            slug = base[: MAX_LEN - len(suffix)] + suffix
            n += 1
        taken.add(slug)
        out.append(slug)
    return out
