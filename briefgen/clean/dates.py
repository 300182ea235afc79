"""Reading publication dates written out in captured text ("Dec 20 2019 | 2:35 AM IST", "Fri, May 10 2019. 19:26")."""

from __future__ import annotations

import datetime as _dt
import re

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MON = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"

# Month-name forms first (unambiguous); ISO last. Numeric d/m/y forms are ambiguous and not read.
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
    return bool(_BEFORE.match(text[: m.start()]) and _AFTER.match(text[m.end():]))
