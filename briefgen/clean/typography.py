"""Typographic apostrophes, quotes, dashes and spaces, and the plain character each stands for.

Cleaning (annotation prefixes), linking (aliases) and locating quotes all compare text an author typed with text a
browser copied, so they fold the same characters; each adds what its own comparison needs (see their modules)."""

from __future__ import annotations

APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u00b4"
"""‘ ’ ‚ ‛ ′ ´ — read as ``'``."""
QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
"""“ ” „ ‟ ″ « » — read as ``"``."""
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
"""Hyphens, figure, en and em dashes, the horizontal bar and the minus sign — read as ``-``."""
SPACES = "\u00a0\u2009\u202f\u2007\u200a"
"""No-break, thin, narrow no-break, figure and hair spaces — read as a space."""

PLAIN_FORMS: dict[str, str] = {
    **dict.fromkeys(APOSTROPHES, "'"),
    **dict.fromkeys(QUOTES, '"'),
    **dict.fromkeys(DASHES, "-"),
    **dict.fromkeys(SPACES, " "),
}
"""Each typographic character → its plain form, one character for one (offsets in the text stay)."""
