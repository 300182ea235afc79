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
