"""Figures in fact values, read as numbers with the approximation their source gives them.

"some 19,000 Russians", "around 20,000", "19 thousand", "12,346", "3,200 km²", "about five hours", "$1.2bn": each is
read as an :class:`Amount`, the range of values the words allow. Two sources agree when their ranges overlap (see
model/differences.py). A figure's range comes from two things:

- its **approximation words**: "some", "about", "around", "roughly"… widen it by the briefing's tolerance (±2 % by
  default); "more than", "over", "at least" open it upwards, "less than", "under", "up to" downwards;
- its **rounding**: a round figure stands for what rounds to it, read to at least two significant figures
  (17,000 covers 16,500 to 17,500; 17,291 only itself), so a rounded figure agrees with the exact one it rounds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

APPROX_WORDS = {
    # word(s) → how they bend the range: "~" both ways, ">" upwards, "<" downwards, "≤" up to the figure
    "some": "~",
    "about": "~",
    "around": "~",
    "approximately": "~",
    "approx": "~",
    "roughly": "~",
    "circa": "~",
    "ca": "~",
    "c": "~",
    "estimated": "~",
    "an estimated": "~",
    "nearly": "≲",
    "almost": "≲",
    "close to": "~",
    "more than": ">",
    "over": ">",
    "at least": ">",
    "upwards of": ">",
    "in excess of": ">",
    "above": ">",
    "just over": ">",
    "less than": "<",
    "under": "<",
    "fewer than": "<",
    "below": "<",
    "up to": "<",
    "at most": "<",
    "just under": "<",
    "~": "~",
    "≈": "~",
}
"""Approximation words, lower case, and how each bends the range of the figure after it."""

WORD_NUMBERS = {  # number words, as written (lower case) → the number
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "a dozen": 12,
    "a hundred": 100,
}

_MULTIPLIERS = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "hundred": 1e2,
}

UNITS = {
    # as written (lower case) → the unit it stands for
    "km²": "km²",
    "km2": "km²",
    "sq km": "km²",
    "sq. km": "km²",
    "square kilometres": "km²",
    "square kilometers": "km²",
    "square kilometre": "km²",
    "square kilometer": "km²",
    "sq mi": "mi²",
    "square miles": "mi²",
    "square mile": "mi²",
    "ha": "ha",
    "hectares": "ha",
    "hectare": "ha",
    "km": "km",
    "kilometres": "km",
    "kilometers": "km",
    "kilometre": "km",
    "kilometer": "km",
    "miles": "mi",
    "mile": "mi",
    "mi": "mi",
    "m": "m",
    "metres": "m",
    "meters": "m",
    "metre": "m",
    "meter": "m",
    "%": "%",
    "per cent": "%",
    "percent": "%",
    "pc": "%",
    "hours": "h",
    "hour": "h",
    "hrs": "h",
    "h": "h",
    "minutes": "min",
    "minute": "min",
    "min": "min",
    "days": "d",
    "day": "d",
    "weeks": "wk",
    "week": "wk",
    "months": "mo",
    "month": "mo",
    "years": "yr",
    "year": "yr",
    "tonnes": "t",
    "tonne": "t",
    "tons": "t",
    "ton": "t",
    "kg": "kg",
    "kilograms": "kg",
    "dollars": "USD",
    "dollar": "USD",
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "yen": "JPY",
    "jpy": "JPY",
    "¥": "JPY",
    "roubles": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "ruble": "RUB",
    "rub": "RUB",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "€": "EUR",
    "pounds": "GBP",
    "gbp": "GBP",
    "£": "GBP",
}
"""Units and currencies, as written (lower case), and the unit each stands for."""

_CURRENCY_SIGNS = ("US$", "$", "€", "£", "¥")


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_APPROX_RE = _alternation(APPROX_WORDS)
_WORDNUM_RE = _alternation(WORD_NUMBERS)
_MULT_RE = _alternation(_MULTIPLIERS)
_UNIT_RE = _alternation(UNITS)
_SIGN_RE = _alternation(_CURRENCY_SIGNS)

AMOUNT_RE = re.compile(
    rf"(?:(?<![\w.])(?P<approx>{_APPROX_RE})\.?\s+)?"
    rf"(?P<sign>{_SIGN_RE})?\s?"
    rf"(?:(?P<num>(?<![\w.,])\d{{1,3}}(?:(?:,|\u202f|\u00a0|\u2009| (?=\d{{3}}(?!\d)))\d{{3}})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?)"
    rf"|(?<![\w-])(?P<word>{_WORDNUM_RE})(?![\w]))"
    rf"(?:[\s-]?(?P<mult>{_MULT_RE})(?![\w]))?"
    rf"(?:[\s-]?(?P<unit>{_UNIT_RE})(?![\w²]))?",
    re.IGNORECASE,
)
"""A figure: approximation words, a currency sign, the number (digits with separators, or a number word), a
multiplier ("thousand", "bn") and a unit."""


@dataclass(frozen=True)
class Amount:
    """A figure read from a fact's value."""

    value: float
    """The figure, multiplier applied: 19,000; 1.2e9."""
    low: float
    """The lowest value the words allow."""
    high: float
    """The highest value the words allow."""
    unit: str | None
    """The unit or currency (km², h, USD…), normalised; None for a count."""
    approx: str | None
    """The approximation words as written ("some", "more than"), if any."""
    text: str
    """The words the figure was read from."""

    def agrees(self, other: Amount) -> bool:
        """Whether the two ranges overlap (a range's upper end is open: 19,000 and 20,000 both rounded to the
        thousand touch at 19,500 and do not agree)."""
        if self.unit is not None and other.unit is not None and self.unit != other.unit:
            return True  # different units: not comparable here (see comparable)
        return (self.low < other.high and other.low < self.high) or self.value == other.value

    def comparable(self, other: Amount) -> bool:
        """Whether the two measure in the same unit (a bare count is comparable with anything)."""
        return self.unit is None or other.unit is None or self.unit == other.unit


def _is_year(m: re.Match) -> bool:
    num = m["num"]
    return bool(
        num and not (m["approx"] or m["sign"] or m["mult"] or m["unit"]) and re.fullmatch(r"1[5-9]\d\d|20\d\d", num)
    )


def _rounding(digits: str) -> float:
    """Half the step a figure is rounded to, read to at least two significant figures (20000 → 500, 17291 → 0.5,
    3.5 → 0.05)."""
    whole, _, frac = digits.partition(".")
    if frac:
        return 0.5 * 10 ** -len(frac)
    zeros = len(whole) - len(whole.rstrip("0"))
    step = 10 ** min(zeros, max(len(whole) - 2, 0))
    return 0.5 * step


def read_amount(text: str, tolerance: float = 0.02) -> Amount | None:
    """The first figure of ``text`` that is not a bare year, or None. ``tolerance``: the relative slack of an
    approximate figure."""
    text = unicodedata.normalize("NFC", text)
    for m in AMOUNT_RE.finditer(text):
        if _is_year(m):
            continue
        if m["num"]:
            digits = re.sub(r"[,\u202f\u00a0\u2009 ]", "", m["num"])
            value = float(digits)
            half = _rounding(digits)
        else:
            value = float(WORD_NUMBERS[" ".join(m["word"].lower().split())])
            half = 0.5 if value < 100 else 50.0
        mult = (m["mult"] or "").lower()
        unit = UNITS.get(" ".join(m["unit"].lower().split())) if m["unit"] else None
        if mult == "m" and not m["sign"] and unit is None:
            unit, mult = "m", ""  # "5 m" is metres; "$5m" is millions
        factor = _MULTIPLIERS.get(mult, 1.0)
        value, half = value * factor, half * factor
        if m["sign"]:
            unit = UNITS.get(m["sign"].lower(), unit)
        approx = " ".join(m["approx"].lower().split()) if m["approx"] else None
        low, high = value - half, value + half
        how = APPROX_WORDS.get(approx.rstrip(".")) if approx else None
        slack = abs(value) * tolerance
        if how == "~":
            low, high = min(low, value - slack), max(high, value + slack)
        elif how == "≲":
            low = min(low, value - slack)
        elif how == ">":
            high = math.inf
        elif how == "<":
            low = -math.inf if value < 0 else 0.0
        return Amount(value, low, high, unit, m["approx"], m[0].strip())
    return None
