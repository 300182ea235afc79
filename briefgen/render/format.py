"""Small formatting helpers shared by the page builders and templates."""

from __future__ import annotations

import datetime as dt
import html
import re

_MD_ESCAPE = re.compile(r"([\\`*_{}\[\]()#+\-.!|~^:=$])")


def md_inline(text: str) -> str:
    """Text safe to place in a Markdown heading: HTML-escaped, and every Markdown-active character escaped."""
    text = " ".join(str(text).split())
    text = html.escape(text, quote=False)
    text = text.replace("&lt;", "\x00lt\x00").replace("&gt;", "\x00gt\x00").replace("&amp;", "\x00amp\x00")
    text = _MD_ESCAPE.sub(lambda m: f"&#{ord(m.group(1))};", text)
    return text.replace("\x00lt\x00", "&lt;").replace("\x00gt\x00", "&gt;").replace("\x00amp\x00", "&amp;")


_PLAIN = str.maketrans("<>&`\\", "\u2039\u203a\uff06'/")


def plain_title(text: str) -> str:
    """A title for MkDocs' page metadata (``<title>``, search): no markup characters at all."""
    text = " ".join(str(text).split())
    return text.translate(_PLAIN)


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def fmt_date(value: str | None) -> str:
    """``2019-12-20`` → ``20 December 2019``; partial dates give ``December 2019`` / ``2019``."""
    if not value:
        return "date unknown"
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def fmt_range(start: str, end: str | None) -> str:
    if not end or end == start:
        return fmt_date(start)
    if len(start) == len(end) == 10 and start[:7] == end[:7]:
        return f"{int(start[8:])}\u2013{fmt_date(end)}"
    return f"{fmt_date(start)} \u2013 {fmt_date(end)}"


def fmt_number(value: float, unit: str | None = None) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}\u00a0{unit}" if unit else text


def fmt_coordinates(lat: float, lon: float) -> str:
    return f"{abs(lat):.2f}\u00b0\u00a0{'N' if lat >= 0 else 'S'}, {abs(lon):.2f}\u00b0\u00a0{'E' if lon >= 0 else 'W'}"


def weekday(value: str | None) -> str | None:
    if value and len(value) == 10:
        return dt.date.fromisoformat(value).strftime("%A")
    return None
