"""Reading publication dates written out in captured text ("Dec 20 2019 | 2:35 AM IST", "Fri, May 10 2019. 19:26",
"2019-05-10", "10/05/2019")."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Literal

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MON = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"

# Month-name forms first (unambiguous); ISO last. Numeric d/m/y forms are ambiguous: find_date does not read them,
# scan_dates returns both readings.
_DATE = re.compile(
    rf"(?P<a>(?P<mon1>{_MON})\s+(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year1>\d{{4}}))"
    rf"|(?P<b>(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>{_MON}),?\s+(?P<year2>\d{{4}}))"
    r"|(?P<c>(?P<year3>\d{4})-(?P<mon3>\d{1,2})-(?P<day3>\d{1,2}))(?!\d)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")
_BEFORE = re.compile(rf"^[\s,|.·/-]*(?:{_WEEKDAY}[\s,.]*)?$", re.IGNORECASE)
_AFTER = re.compile(
    r"^[\s,|.·/-]*(?:(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?)?"
    r"\s*(?:\(?(?:[A-Z]{2,5}|(?:GMT|UTC)\s*[+-]?\s*\d{0,2}(?::?\d{2})?)\)?)?[\s.]*$",
    re.IGNORECASE,
)


def find_date(text: str) -> tuple[str, re.Match] | None:
    """The first valid calendar date in ``text`` as ISO ``YYYY-MM-DD`` with its match, or None."""
    if not _YEAR.search(text):  # every form has a four-digit year; most text has none (a cheap test)
        return None
    for m in _DATE.finditer(text):
        if m.group("a"):
            y, mo, d = m.group("year1"), MONTHS[m.group("mon1").lower().rstrip(".")], m.group("day1")
        elif m.group("b"):
            y, mo, d = m.group("year2"), MONTHS[m.group("mon2").lower().rstrip(".")], m.group("day2")
        else:
            y, mo, d = m.group("year3"), int(m.group("mon3")), m.group("day3")
        try:
            date = _dt.date(int(y), int(mo), int(d))
        except ValueError:
            continue
        if 1900 <= date.year <= 2100:
            return date.isoformat(), m
    return None


def is_date_line(text: str) -> bool:
    """True when the whole text is a date, optionally with weekday, time and time zone."""
    if len(text) > 80:
        return False
    found = find_date(text)
    if found is None:
        return False
    _, m = found
    return bool(_BEFORE.match(text[: m.start()]) and _AFTER.match(text[m.end() :]))


@dataclass(frozen=True)
class DateMatch:
    """A date written out in captured text."""

    iso: str | None
    """The date as ISO ``YYYY-MM-DD``; None when the text allows two readings (see ``readings``)."""
    readings: tuple[str, ...]
    """Every calendar date the text can mean: one, or two for an ambiguous numeric date (``10/05/2019``:
    10 May or 5 October), day-first reading first."""
    start: int
    """Offset of the date's first character in the text."""
    end: int
    """Offset just after the date."""
    form: Literal["month name", "ISO", "numeric"]
    """How it is written: with the month's name (``May 10, 2019``, ``10 May 2019``), year first (``2019-05-10``),
    or day and month as numbers (``10/05/2019``, ``10.05.2019``)."""


_ISO_LIKE = re.compile(r"(?<![\d/.-])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d/.-]?\d)")
_NUMERIC = re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4})(?![\d/.-]?\d)")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        date = _dt.date(y, m, d)
    except ValueError:
        return None
    return date.isoformat() if 1900 <= date.year <= 2100 else None


def scan_dates(text: str) -> list[DateMatch]:
    """Every date written out in ``text``, in order: month-name forms, year-first numeric forms (ISO, also with
    ``/`` or ``.``) and day/month numeric forms. A numeric ``a/b/yyyy`` whose two readings are both valid and
    differ is returned with ``iso`` None and both ``readings``; ``19/11/2019`` or ``11/19/2019`` has one."""
    found: list[DateMatch] = []
    for lo, hi in _year_windows(text):
        _scan(text, lo, hi, found)
    found.sort(key=lambda d: d.start)
    # a month-name match inside a longer one (none today) or overlapping numeric readings: keep the first
    out: list[DateMatch] = []
    for d in found:
        if not out or d.start >= out[-1].end:
            out.append(d)
    return out


_BEFORE_YEAR = 30
"""Every date form ends with its year or starts with it; written out, the part before the year is at most
``30th of September., `` (24 characters)."""
_AFTER_YEAR = 16


def _year_windows(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` around its four-digit numbers, overlapping ones merged: the date patterns are run on
    these only (they are slow to run over long lines, and a date holds a year)."""
    windows: list[tuple[int, int]] = []
    for m in _YEAR.finditer(text):
        lo, hi = max(0, m.start() - _BEFORE_YEAR), min(len(text), m.end() + _AFTER_YEAR)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


def _scan(text: str, lo: int, hi: int, found: list[DateMatch]) -> None:
    for m in _DATE.finditer(text, lo, hi):
        if m.group("a"):
            iso = _valid(int(m.group("year1")), MONTHS[m.group("mon1").lower().rstrip(".")], int(m.group("day1")))
        elif m.group("b"):
            iso = _valid(int(m.group("year2")), MONTHS[m.group("mon2").lower().rstrip(".")], int(m.group("day2")))
        else:
            continue  # year-first forms below
        if iso:
            found.append(DateMatch(iso, (iso,), m.start(), m.end(), "month name"))
    for m in _ISO_LIKE.finditer(text, lo, hi):
        iso = _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if iso:
            found.append(DateMatch(iso, (iso,), m.start(), m.end(), "ISO"))
    for m in _NUMERIC.finditer(text, lo, hi):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        readings = tuple(dict.fromkeys(r for r in (_valid(y, b, a), _valid(y, a, b)) if r))
        if readings:
            found.append(
                DateMatch(readings[0] if len(readings) == 1 else None, readings, m.start(), m.end(), "numeric")
            )


def only_date(text: str, match: DateMatch) -> bool:
    """True when ``match`` is all of ``text`` but a weekday before it and a time / time zone after it."""
    return len(text) <= 80 and bool(_BEFORE.match(text[: match.start]) and _AFTER.match(text[match.end :]))
