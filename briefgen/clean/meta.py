"""Metadata of text captures: headline, date, byline and outlet read from the lines around the story's start.

A text copied out of a browser holds the page's furniture (menus, section labels, breadcrumbs, today's date,
"Share" buttons, edition names) above the headline, and the headline sits just above the story, with the byline
and date lines between them. So the headline is looked for *backwards* from the first story unit (given by the
cleaner), past metadata and furniture lines, never as "the first line". Dates and bylines are read from the
lines near the story's start (datelines ``CITY, May 10, 2019 –`` and ``CITY / CITY, …`` also from the first
story paragraph), "Published / Updated" lines from anywhere, the outlet from a site name after the headline, a
masthead, a copyright line or a disclaimer.

Every value carries the line it came from and how it was found (:class:`~briefgen.clean.types.MetaSource`).
A reading that may be wrong is marked: a guess (``sure=False``) or a conflict with another line; a date that
cannot be read unambiguously (``10/05/2019``) is not given at all. The model stage turns these marks into
``meta-uncertain`` / ``meta-conflict`` warnings unless the annotation sets the field.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter

from briefgen.clean.dates import MONTHS, DateMatch, only_date, scan_dates
from briefgen.clean.types import DetectedMeta, MetaField, MetaSource
from briefgen.clean.units import Unit, norm_words
from briefgen.diagnostics import Span

HEADER_WINDOW = 12
"""How many units above the first story unit may hold the headline, byline and date."""
AFTER_WINDOW = 8
"""How many units from the first story unit on may still hold a byline or date line (under a standfirst or a
lead photo)."""
LEAD_CHARS = 1500
"""How much of the story's opening is searched for the headline's words (its first paragraphs)."""
NEAR = 4
"""A bare date line this close to the headline or the story's start is the article's date; farther up it may be
the site's "today" (a guess)."""


@dataclass(frozen=True)
class MetadataLine:
    """A unit that is nothing but metadata (headline, byline, dateline, masthead): not story text."""

    index: int
    """Index of the unit in the list given to :func:`read_metadata`."""
    reason: str
    """Removal reason, e.g. ``headline``, ``byline``, ``dateline``, ``masthead (outlet name)``."""


@dataclass(frozen=True)
class MetaReading:
    """What :func:`read_metadata` found."""

    detected: DetectedMeta
    """The values, each with its source."""
    lines: tuple[MetadataLine, ...]
    """Units that are pure metadata lines, for the cleaner to remove (category ``metadata``)."""


@dataclass(frozen=True)
class _Candidate:
    """One reading of one field from one unit, before the best reading of each field is chosen."""

    field: MetaField
    value: str | None
    index: int
    how: str
    rank: int
    """Lower is better among the candidates of a field."""
    sure: bool = True
    doubt: str | None = None
    whole_line: bool = False
    """The unit is nothing but this metadata (so it is removed from the story)."""


# --- line patterns -------------------------------------------------------------------------------------------

_WEEKDAYS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
}
_LABEL = re.compile(
    r"^\W*(?P<label>first published|originally published|published(?: on| at)?|posted(?: on| at)?|"
    r"last updated|updated(?: on| at)?|last modified|modified(?: on)?|date(?:d| of publication)?|"
    r"release date|publication date|erschienen|publié le|publicado(?: el| em)?|pubblicato(?: il)?)"
    r"\s*(?:[:|–—-]\s*|\s)",
    re.IGNORECASE,
)
_UPDATE_LABEL = re.compile(r"updat|modif", re.IGNORECASE)
_PLACE_WORD = r"[A-ZÀ-Ý][A-Za-zÀ-ÿ.'’-]*"
_PLACE = rf"{_PLACE_WORD}(?:[ -]{_PLACE_WORD}){{0,3}}"
_DATELINE = re.compile(rf"^(?P<place>{_PLACE}(?:\s*/\s*{_PLACE})*)(?:\s*\([^()]{{1,30}}\))?\s*,\s*")
"""``TOKYO, `` / ``ITURUP / TOKYO, `` / ``Washington (AP), `` before a date."""
_AFTER_DATELINE = re.compile(r"^(?:\s*(?:[-–—:|]|\(\w+\))\s*|\s*$)")
AGENCIES = (
    "AFP",
    "AP",
    "Reuters",
    "PTI",
    "IANS",
    "ANI",
    "UNI",
    "Bloomberg",
    "UPI",
    "dpa",
    "DPA",
    "Xinhua",
    "TASS",
    "Tass",
    "Kyodo",
    "Kyodo News",
    "EFE",
    "ANSA",
    "Yonhap",
    "Sputnik",
    "RIA Novosti",
    "Interfax",
    "Anadolu",
    "Anadolu Agency",
    "AAP",
    "Bernama",
    "Press Association",
    "PA Media",
    "Associated Press",
    "Agence France-Presse",
)
_AGENCY = "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True))
_AGENCY_LINE = re.compile(
    rf"^(?:(?i:by)\s+)?\(?(?P<agency>{_AGENCY})\)?(?:\s*[|,/–—:-]\s*|\s+)?"
    rf"(?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,3}})?$"
)
_INLINE_AGENCY = re.compile(rf"^[A-Z][A-Za-z .,'’/-]{{1,60}}\((?P<agency>{_AGENCY})\)\s*[-–—]")
_BY = re.compile(
    r"^\W*(?:by|written by|story by|words by|reported by|words|text|author|authors|von|por|par|di)"
    r"\s*[:|]?\s+(?=\S)",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^\s*[–—]\s*(?=[A-Z])")
_SIGNATURE_ANYWHERE = re.compile(r"\n[ \t]*[–—][ \t]*(?=[A-Z])")
_LABEL_ANYWHERE = re.compile(r"\n[^\w\n]*(?=[FfOoPpLlUuMmDdRrEe])(?i:" + _LABEL.pattern.removeprefix(r"^\W*") + ")")
"""_LABEL at any line of the joined text. Case-insensitive only inside: a pattern that starts with a literal
line break case-sensitively lets the regex engine jump from line break to line break (re.IGNORECASE on the
whole pattern makes it try every character); the first letters of the labels are tested before them."""
_OUTLET_HINTS = ("©", "opyright", "OPYRIGHT", "(c)", "(C)", "isclaimer", "ISCLAIMER", "edited by")
"""Substrings of the lines that may name the outlet (copyright, disclaimer, syndication): found with str.find,
much faster than a case-insensitive regex over the whole capture."""


def _find_all(text: str, needle: str) -> list[int]:
    found, pos = [], text.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


_NAME_WORD = r"(?:[A-ZÀ-Ý][\w'’.-]*|(?:de|da|del|der|di|du|la|le|van|von|bin|al|el|ibn|dos|das)(?=\s))"
_NAME = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\by\b|\bet\b|\be\b)\s*")
_NAME_END = re.compile(r"\s(?:[|•·]|[-–—]\s)|\s*\(")
_ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|columnist|contributor|staff|producer|photographer|"
    r"senior|associate|special|chief|bureau|desk|team|news|media|magazine|times|post|daily|"
    r"updated|published|posted|min(?:ute)?s?|read|for|the|of|in|at|on|via)\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"(?:copyright\b\s*|©\s*|\(c\)\s*)+(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?:by\s+)?"
    r"(?P<o>[^\W\d_][^.,;|©]{1,60}?)\s*(?:[.,;|]|\ball rights reserved|$)",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^\W*disclaimer\s*:\s*no (?P<o>[A-Z][\w&'’ .-]{1,40}?) (?:journalist|staff|reporter)s?\b", re.IGNORECASE
)
_SYNDICATION = re.compile(r"not been edited by (?P<o>[A-Z][\w&'’ .-]{1,40}?) staff\b")
_SITE_SUFFIX = re.compile(r"\s+(?:\|{1,2}|::)\s+")
_DASH_SUFFIX = re.compile(r"\s+[-–—]\s+")
_SECTION_SEP = re.compile(r"\s[|›»>/•·]\s|\s*[›»]\s*")
_SEPARATOR_CHAR = re.compile(r"[|›»>/•·]")
"""A character of a section separator: a cheap test before _SECTION_SEP (slow: it may start with spaces)."""
_LIST_MARK = re.compile(r"[|>›»•·]")
_SENTENCE_END = re.compile(r"(?<!\.\.)(?<!…)[.;,]['\"”’»)]*$")
_FURNITURE_WORDS = re.compile(
    r"^\W*(?:share|tweet|e-?mail|print|save|comments?|follow|subscribe|sign (?:in|up)|log ?in|menu|search|"
    r"advertisement|image|photo|video|credit|listen|read more|more|home|news|opinion|\d+)\b",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^(?:image|photo|picture|video|graphic|courtesy)\b|\([^()]*/[^()]*\)$|@\w|"
    r"\((?:left|right|centre|center|top|bottom|pictured|file|above|below)\)|\b(?:photo|image|credit|courtesy|getty|"
    r"shutterstock)\b.{0,40}$|\((?:" + "|".join(re.escape(a) for a in AGENCIES) + r")\)$",
    re.IGNORECASE,
)
_BY_INSIDE = re.compile(r"\b[Bb]y\s+[A-Z][\w'’.-]+\s+[A-Z][\w'’.-]+(?:,|$)")
_DIGIT = re.compile(r"\d").search
_RELATIVE_NUM = re.compile(
    r"(?<!\d)\d+\s*(?:(?:seconds?|minutes?|mins?|hours?|hrs?|days?)\s+ago\b|"
    r"min(?:ute)?s?\.?\s+read\b)",
    re.IGNORECASE,
)
_READING_TIME = re.compile(r"tempo de leitura|tiempo de lectura|tempo di lettura|lesezeit|temps de lecture")
"""Searched in the lower-cased text: a case-sensitive alternation of words is scanned fast, not so with
re.IGNORECASE."""


def _relative_time(text: str) -> bool:
    """``3 hours ago``, ``5 min read``, ``Tempo de leitura``: a timestamp or reading time, not a date (the digit
    test first: most lines have none, and an unanchored regex is slow)."""
    return bool(_DIGIT(text) and _RELATIVE_NUM.search(text)) or bool(_READING_TIME.search(text.lower()))


def _sentence_end(text: str) -> bool:
    """The line ends as a sentence does (full stop, semicolon or comma, maybe closing quotes): only its last
    characters are searched."""
    return _SENTENCE_END.search(text[-12:]) is not None


def _mostly_upper(text: str) -> bool:
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text))
    return letters > 0 and upper >= 0.8 * letters and upper > 0


def _dates_in(text: str, limit: int | None = None) -> list[DateMatch]:
    found = scan_dates(text)
    return [d for d in found if limit is None or d.start <= limit]


# --- bylines -----------------------------------------------------------------------------------------------


def _names(text: str) -> tuple[list[str], str | None]:
    """Person names at the start of ``text`` (after "By"), and an agency named among them."""
    cut = _NAME_END.search(text)
    if cut:
        text = text[: cut.start()]
    names: list[str] = []
    agency = None
    for part in _NAME_SPLIT.split(text.strip()):
        part = part.strip(" .:")
        if not part:
            continue
        if re.fullmatch(_AGENCY, part):
            agency = agency or part
            continue
        if (
            _NAME.fullmatch(part) is None
            or _ROLE.search(part)
            or len(part.split()) < 2
            or any(w.lower().strip(".,") in _WEEKDAYS or w.lower().strip(".,") in MONTHS for w in part.split())
        ):
            break
        names.append(part)
    return names, agency


def _only_names(text: str, names: list[str]) -> bool:
    """``text`` is nothing but ``names`` and the words joining them."""
    rest = _NAME_SPLIT.sub(" ", text).split()
    return len(rest) == sum(len(n.split()) for n in names)


def _as_written(text: str, names: list[str]) -> str:
    """The names as the line writes them (``Kiyoshi Takenaka, Maria Kiselyova``), from the first to the last."""
    start = text.find(names[0])
    end = text.find(names[-1], start) + len(names[-1])
    return text[start:end] if start >= 0 and end > start else " and ".join(names)


# --- the reader --------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, units: Sequence[Unit], first_story: int, path: str) -> None:
        self.units = units
        self.first = first_story
        self.path = path
        self.cands: list[_Candidate] = []
        self.agency: str | None = None
        self.agency_at = 0
        """Unit where the agency was named."""
        self.lo = max(0, first_story - HEADER_WINDOW)
        self.hi = min(len(units), first_story + AFTER_WINDOW)
        self.texts: list[str] = list(map(attrgetter("text"), units))
        self.joined = "\n".join(self.texts)
        """The units' texts, one a line, for scans of the whole capture in one regex call."""
        self.ends: list[int] = list(accumulate(map(len, self.texts), initial=0))
        """Total length of the texts before each unit (unit ``i`` starts at offset ``ends[i] + i`` of
        ``joined``)."""
        self.meta_units: set[int] = set()
        """Units recognised as date / byline / agency / timestamp lines (skipped when looking for the headline)."""

    def span(self, i: int) -> Span:
        return Span(self.path, self.units[i].line, self.units[i].col)

    def add(self, c: _Candidate) -> None:
        self.cands.append(c)

    # dates and bylines --------------------------------------------------------------------------------
    def _at(self, pos: int) -> int:
        """Index of the unit holding offset ``pos`` of the joined text."""
        ends = self.ends
        return bisect_right(range(len(ends)), pos, key=lambda i: ends[i] + i) - 1

    def read_lines(self) -> None:
        # labelled date lines and signatures may be anywhere (under the story too): one scan of the whole text
        # finds them; everything else is read only around the story's start
        text = "\n" + self.joined  # each pattern starts with a line break: the regex engine skips to them fast
        far = {self._at(m.start("label") - 1) for m in _LABEL_ANYWHERE.finditer(text)}
        far |= {self._at(m.end() - 1) for m in _SIGNATURE_ANYWHERE.finditer(text)}
        for i in sorted(far.union(range(self.lo, self.hi))):
            u = self.units[i]
            near = self.lo <= i < self.hi
            text = u.text
            if len(text) > 400 and i != self.first:
                continue
            words = text.count(" ") + 1  # folded text: one space between words
            label = _LABEL.match(text)
            if label and words <= 30:
                self._labelled(i, text, label)
                continue
            self._signature(i, text)
            if not near:
                continue
            if i >= self.first and u.kept and words > 12:
                if i == self.first or i == self._first_kept_from(self.first):
                    if _DIGIT(text):
                        self._dateline(i, text)
                    inline = _INLINE_AGENCY.match(text)
                    if inline:
                        self._note_agency(inline.group("agency"), i)
                continue
            if words > 25:
                continue
            dated = _DIGIT(text) is not None  # every date form has digits: most lines need no date scan
            if (dated and (self._dateline(i, text) or self._date_line(i, text))) or self._byline(i, text):
                self.meta_units.add(i)
                continue
            agency = _AGENCY_LINE.fullmatch(text)
            if agency:
                self._note_agency(agency.group("agency"), i)
                self.meta_units.add(i)
            elif words <= 8 and _relative_time(text):
                self.meta_units.add(i)

    def _note_agency(self, agency: str, i: int) -> None:
        if self.agency is None:
            self.agency, self.agency_at = agency, i

    def _first_kept_from(self, i: int) -> int:
        while i < len(self.units) and not self.units[i].kept:
            i += 1
        return i

    def _labelled(self, i: int, text: str, label: re.Match[str]) -> None:
        rest = text[label.end() :]
        dates = [d for d in _dates_in(rest) if d.start <= 40]
        if not dates:
            return
        d = dates[0]
        word = label.group("label").strip()
        updated = bool(_UPDATE_LABEL.search(word))
        how = f"'{word[0].upper() + word[1:]}' line"
        if updated:
            self.add(
                _Candidate(
                    "date",
                    d.iso,
                    i,
                    how,
                    3,
                    sure=False,
                    whole_line=True,
                    doubt="only an 'Updated' line gives a date: the article may be older",
                )
            )
        else:
            self.add(_Candidate("date", d.iso, i, how, 0, whole_line=True, doubt=None if d.iso else _ambiguous(d)))
        self.meta_units.add(i)
        before = text[: label.start()] + rest[: d.start]
        names, _ = _names(_BY.sub("", before).strip(" |/-–—")) if _BY.match(before.strip()) else ([], None)
        if names:
            self.add(_Candidate("byline", _as_written(before, names), i, "byline on the date line", 1))

    def _dateline(self, i: int, text: str) -> bool:
        m = _DATELINE.match(text)
        if not m or any(w.lower().strip(".,") in _WEEKDAYS for w in m.group("place").split()):
            return False  # "Saturday, …" is a date line; "ASIA Saturday, …" a section label with today's date
        dates = _dates_in(text[m.end() :], 0)
        if not dates:
            return False
        d = dates[0]
        after = text[m.end() + d.end :]
        after = re.sub(r"^,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?", "", after)
        if not _AFTER_DATELINE.match(after):
            return False
        whole = not after.strip(" -–—:|")
        self.add(_Candidate("date", d.iso, i, "dateline", 0, whole_line=whole, doubt=None if d.iso else _ambiguous(d)))
        return True

    def _date_line(self, i: int, text: str) -> bool:
        dates = _dates_in(text)
        if not dates:
            return False
        d = dates[0]
        if only_date(text, d):
            self.add(
                _Candidate("date", d.iso, i, "date line", 2, whole_line=True, doubt=None if d.iso else _ambiguous(d))
            )
            return True
        # "Chris Davies - Nov 19, 2019, 10:31 pm CST", "By Jane Doe | May 10, 2019"
        head = text[: d.start].strip(" |/-–—•·,")
        rest = text[d.start :]
        if head and only_date(rest, DateMatch(d.iso, d.readings, 0, d.end - d.start, d.form)):
            body = _BY.sub("", head) if _BY.match(head) else head
            names, _ = _names(body)
            if names and _only_names(body, names):
                self.add(
                    _Candidate(
                        "date",
                        d.iso,
                        i,
                        "date beside the byline",
                        1,
                        whole_line=True,
                        doubt=None if d.iso else _ambiguous(d),
                    )
                )
                self.add(
                    _Candidate("byline", _as_written(body, names), i, "byline beside the date", 1, whole_line=True)
                )
                return True
        return False

    def _byline(self, i: int, text: str) -> bool:
        by = _BY.match(text)
        if not by or len(text.split()) > 16:
            return False
        names, agency = _names(text[by.end() :])
        if agency:
            self._note_agency(agency, i)
        if not names:
            return agency is not None
        self.add(_Candidate("byline", _as_written(text, names), i, "'By' line", 0, whole_line=True))
        return True

    def _signature(self, i: int, text: str) -> None:
        """A dash and names on a line of their own (``– Jane Doe and John Roe``), often under the story."""
        m = _SIGNATURE.match(text)
        if m and len(text.split()) <= 12:
            names, _ = _names(text[m.end() :])
            if names and _only_names(text[m.end() :], names):
                self.add(
                    _Candidate(
                        "byline", _as_written(text, names), i, "signature line (a dash and names)", 2, whole_line=True
                    )
                )

    # headline ------------------------------------------------------------------------------------------
    def headline(self) -> None:
        """The headline: the nearest headline-like line above the article's header block (its byline and date
        lines) or, without one, above the story; when the line above it is headline-like too and shorter, that
        one is the headline and the nearer one its standfirst. The story's opening must repeat some of its words
        (a link to another story, a caption or a label does not).

        Sure only when independent signs agree and none speaks against it. For: byline / date lines right
        under it, only furniture above it (a capture starting with its headline), the story repeating half its
        words. Against (a warning naming the line): other lines between it and the header block (captions, a
        teaser), a list of dated items around it (other stories' teasers), the line printed three times or
        more (a caption or label), another headline-like line nearby saying nearly the same."""
        if self.first >= len(self.units):
            return  # no story: a lone line is the text, not its headline
        start = self.first
        for j in range(self.first - 1, self.lo - 1, -1):
            if j in self.meta_units:
                start = j
            elif not (_skippable(self.units[j].text) or self.units[j].category not in (None, "metadata")):
                if start != self.first:
                    break
        header = start != self.first
        opening, size = [], 0
        for t in self.texts[self.first : self.first + 6]:  # cut before joining: a paragraph may be very long
            opening.append(t[: LEAD_CHARS - size])
            size += len(opening[-1]) + 1
            if size >= LEAD_CHARS:
                break
        # the stems of the story's opening: its words cut to 5 letters (split and strip: cheaper than a regex)
        # " word word … ": a headline's stem is echoed when a word there starts with it (a short word: is it),
        # found by substring search (cheaper than stemming the whole opening)
        lead = " " + " ".join(opening).casefold() + " "
        for c in _LEAD_PUNCT:  # str.replace per mark: much cheaper than translate or a regex on such text
            if c in lead:
                lead = lead.replace(c, " ")
        found: list[tuple[int, str, str | None, float]] = []
        steps = 0
        for i in range(start - 1, self.lo - 1, -1):
            u = self.units[i]
            if i in self.meta_units or u.category not in (None, "metadata") or _skippable(u.text):
                continue
            steps += 1
            title, site = _split_site(self._unglued(i, u.text))
            like = title.count(" ") >= 2 and _headline_like(title)
            words = _stems(title) if like else None
            echo = _echo(words, lead) if words else 0.0
            if found:
                near = found[-1][1]
                if like and (norm_words(title) == norm_words(near) or norm_words(title).endswith(norm_words(near))):
                    continue  # the headline printed twice, or glued to the breadcrumb above it
                if like and echo >= 0.3 and len(found) < 2 and i == found[-1][0] - 1 and _standfirst(near, title):
                    found.append((i, title, site, echo))  # the nearer line was the standfirst
                    continue
                break
            if steps > 4:
                return
            if like and (echo >= 0.4 or self._top(i)):
                found.append((i, title, site, echo))
        if not found:
            return
        i, title, site, echo = found[-1]
        top = self._top(i)
        against = self._against_headline(i, title)
        if len(found) == 2 and not against and sum(1 for u in self.units if u.text == self.units[i].text) < 2:
            # which of two adjacent headline-like lines is the headline is a guess unless the page repeats it
            against = f"the line under it (line {self.units[found[0][0]].line}) may be the headline instead"
        if header or top or echo >= 0.5:
            how = (
                "headline above the byline / date lines"
                if header
                else "first line of the capture"
                if top
                else "headline-like line above the story, its words repeated in the story"
            )
        else:
            how = "headline-like line above the story"
            against = against or (
                "no byline or date line marks it as the article's headline, and the story repeats few of its words"
            )
        self.add(
            _Candidate(
                "title", title, i, how, 0, sure=not against, whole_line=True, doubt=against and "guessed: " + against
            )
        )
        if site:
            self.add(
                _Candidate(
                    "outlet",
                    site,
                    i,
                    "site name after the headline",
                    0,
                    sure=not against,
                    doubt=against and "guessed: the headline beside it is itself a guess",
                )
            )

    def _unglued(self, i: int, text: str) -> str:
        """``text`` without a label that is also a line of its own just above it (``Share All sharing options
        for: Headline`` under ``Share All sharing options``): the page glued a button's text to the headline."""
        for j in range(i - 1, max(self.lo, i - 3) - 1, -1):
            label = self.units[j].text
            if 2 <= len(label.split()) <= 8 and text.startswith(label) and len(text) > len(label) + 10:
                rest = re.sub(r"^\s*(?:\w+\s*)?[:|›»–—-]\s*", "", text[len(label) :], count=1)
                if rest != text[len(label) :]:
                    return rest
        return text

    def _short_run(self, i: int) -> int:
        """How many similar short lines (each at most 8 words, within 2 words of unit ``i``'s length, plain
        words: no date, no separator, no sentence end) stand in a row from unit ``i`` down: a list of captions
        or links, not a headline over its byline (menus above a headline are common and say nothing)."""
        n = len(self.units[i].text.split())
        if n > 8:
            return 1
        run, j = 1, i + 1
        while j < len(self.units) and j not in self.meta_units:
            t = self.units[j].text
            if t == self.units[i].text or not self.units[j].kept:
                j += 1
                continue
            if (
                abs(len(t.split()) - n) > 2
                or _sentence_end(t)
                or not t[:1].isupper()
                or _LIST_MARK.search(t)
                or scan_dates(t)
            ):
                break
            run += 1
            j += 1
        return run

    def _against_headline(self, i: int, title: str) -> str | None:
        """What speaks against unit ``i`` (text ``title``) being the article's headline, or None."""
        # a teaser list: headline-like lines each followed by a date line, around this one
        dates = {c.index for c in self.cands if c.field == "date" and c.whole_line}
        dated = [
            j
            for j in range(max(0, i - 8), i - 1)
            if (j + 1) in dates
            and j not in self.meta_units
            and _headline_like(self.units[j].text)
            and len(self.units[j].text.split()) >= 3
        ]
        if dated:
            return (
                f"other dated headlines around it (line {self.units[dated[0]].line}): it may be a list of other stories"
            )
        text = self.units[i].text
        above = next((j for j in range(i - 1, max(-1, i - 4), -1) if _prose(self.units[j])), None)
        if above is not None:
            return f"the story seems to begin above it (line {self.units[above].line}): it may be a sub-heading"
        run = self._short_run(i)
        if run >= 3:
            return f"it is one of {run} similar short lines in a row (captions or links)"
        repeats = self.texts.count(text)
        if repeats >= 5:
            return f"the line is printed {repeats} times on the page (a caption or a label)"
        key, size, norm_title = _stems(title), len(title), norm_words(title)
        for j in range(self.lo, min(len(self.units), self.first + 1)):
            other = self.units[j].text
            if j == i or not key or j in self.meta_units or not size / 2 <= len(other) <= size * 2:
                continue
            words = _stems(other)
            if not words or len(words & key) / len(words | key) < 0.6:
                continue
            norm_other = norm_words(other)
            if norm_other != norm_title and norm_title not in norm_other:
                return f"line {self.units[j].line} gives a similar but different headline"
        return None

    def _top(self, i: int) -> bool:
        """Only metadata and furniture lines are above unit ``i``: the capture starts with it."""
        return all(j in self.meta_units or _skippable(self.units[j].text) for j in range(i))

    # outlet ----------------------------------------------------------------------------------------------
    def outlet(self, title: str | None) -> None:
        named: list[tuple[int, str, str]] = []  # (unit, name, how)
        for i in sorted({self._at(pos) for needle in _OUTLET_HINTS for pos in _find_all(self.joined, needle)}):
            text = self.units[i].text
            if len(text) > 300:
                continue
            for pattern, how in (
                (_COPYRIGHT, "copyright line"),
                (_DISCLAIMER, "disclaimer"),
                (_SYNDICATION, "syndication notice"),
            ):
                m = pattern.search(text)
                if m:
                    name = m.group("o").strip(" -–—")
                    if (
                        name
                        and "rights reserved" not in name.lower()
                        and not scan_dates(name)
                        and len(name.split()) <= 6
                    ):
                        named.append((i, name, how))
                    break
        # a repeat of the headline with the site's name: "Headline | Site"
        if title:
            key = norm_words(title)
            for i in range(self.first):
                if "|" not in self.units[i].text and "::" not in self.units[i].text:
                    continue
                t, site = _split_site(self.units[i].text)
                if site and norm_words(t) == key:
                    self.add(
                        _Candidate("outlet", site, i, "site name beside a repeat of the headline", 0, whole_line=True)
                    )
                    break
        # a masthead is at the top of the page or in the article's header, not in a menu further down
        header = [*range(min(3, self.first)), *range(max(3, self.lo), self.first)]
        brands: list[tuple[int, str]] = []
        for i, name, how in named:
            if how == "copyright line":
                name = _brand(name)
                if (
                    not name
                    or re.fullmatch(_AGENCY, name, re.IGNORECASE)
                    or _PHOTO_AGENCY.fullmatch(name)
                    or not _COPYRIGHT_NOTICE.search(self.units[i].text)
                ):
                    continue  # a photo credit ("© Reuters"), not the site's notice
            key = norm_words(name)
            first_word = name.split()[0].casefold()  # a cheap test before normalising each header line
            masthead = next(
                (
                    j
                    for j in header
                    if first_word in self.texts[j].casefold()
                    and _masthead_key(self.texts[j]) == key
                    and (j < 3 or not self._in_menu(j))
                ),
                None,
            )
            if masthead is not None:
                whole = _masthead_key(self.units[masthead].text) == norm_words(self.units[masthead].text)
                self.add(_Candidate("outlet", name, masthead, f"masthead (named in the {how})", 1, whole_line=whole))
            elif how != "copyright line":
                self.add(_Candidate("outlet", name, i, how, 1))
            else:
                brands.append((i, name))
        # the outlet named after the author's name in the byline ("By Jane Doe | Site", "Jane Doe, Site Staff"):
        # sure when the copyright line names it too, a guess otherwise
        credit = self._byline_outlet()
        if credit is not None:
            j, name, comma = credit
            key = norm_words(name).replace(" ", "")
            agree = next(
                (
                    b
                    for b in brands
                    if norm_words(b[1]).replace(" ", "") in key or key in norm_words(b[1]).replace(" ", "")
                ),
                None,
            )
            if agree is not None:
                # the longer of the two names is the more specific ("Business Insider Deutschland")
                name = max(name, agree[1], key=len)
                self.add(_Candidate("outlet", name, j, "named in the byline and the copyright line", 1))
                return
            if not brands and not comma:  # "Jane Doe, John Roe": a second author, unless the copyright agrees
                self.add(
                    _Candidate(
                        "outlet",
                        name,
                        j,
                        "named in the byline",
                        2,
                        sure=False,
                        doubt="guessed: only the byline names it",
                    )
                )
                return
        for i, name in brands:
            self.add(
                _Candidate(
                    "outlet",
                    name,
                    i,
                    "copyright line",
                    2,
                    sure=False,
                    doubt="guessed: the copyright holder may be the publisher's company rather than the publication",
                )
            )

    def _in_menu(self, j: int) -> bool:
        """Unit ``j`` sits between two short lines: an item of a menu (other brands of the same company), not a
        masthead."""

        def short(k: int) -> bool:
            return (
                0 <= k < len(self.units)
                and len(self.units[k].text.split()) <= 4
                and not _PROSE_END.search(self.units[k].text[-8:])
            )

        return short(j - 1) and short(j + 1)

    def _byline_outlet(self) -> tuple[int, str, bool] | None:
        """The outlet named after the author's name on a byline line near the story's start, and whether a
        comma (not a bar) separates them."""
        for j in range(self.lo, self.hi):
            text = self.units[j].text
            if len(text) > 120 or text.count(" ") > 11 or ("," not in text and "|" not in text):
                continue
            m = _CREDIT_LINE.match(text)
            if not m:
                continue
            names, agency = _names(m.group("name"))
            if agency or not names or not _only_names(m.group("name"), names):
                continue
            name = _OUTLET_ROLE.sub("", m.group("o")).strip(" ,.-–—")
            if (
                not name
                or re.search(rf"\b(?:{_AGENCY})\b", name, re.IGNORECASE)
                or _PHOTO_AGENCY.search(name)
                or not 1 <= len(name.split()) <= 4
                or scan_dates(name)
                or _ROLE_WORD.search(name)
                or not all(w[:1].isupper() or w[:1].isdigit() for w in name.split())
            ):
                continue
            return j, name, text[m.end("name") : m.start("o")].strip() == ","
        return None


_PHOTO_AGENCY = re.compile(
    r"getty(?: images)?|shutterstock|epa|ap photo|afp|alamy|istock(?:photo)?|"
    r"ap images|reuters pictures",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"^(?:(?i:by)\s*:?\s+)?(?P<name>[A-ZÀ-Ý][^,|]{3,60}?)\s*(?:,|\|)\s*"
    r"(?P<o>[A-Z0-9][\w&'’. -]{1,50})$"
)
_OUTLET_ROLE = re.compile(
    r"\s*(?:\b(?:staff|senior|chief|special|contributing)\b\s*)*(?:\b(?:writer|reporter|"
    r"correspondent|editor(?:-at-large)?|columnist|contributor|producer|staff)\b\s*)*$",
    re.IGNORECASE,
)
_ROLE_WORD = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|columnist|contributor|producer|staff|"
    r"photographer|senior|national|bureau|chief|sports|auto|security|updated|published|"
    r"min|read)\b",
    re.IGNORECASE,
)

_CORPORATE_WORD = re.compile(
    r"inc|llc|ltd|limited|plc|pty|pvt|gmbh|ag|sa|co|corp|corporation|company|group|holdings|media|network|"
    r"networks|communications|publishing|publications|interactive|digital|newspapers|enterprises|[-–]?|"
    r"\d{4}(?:[-–]\d{4})?",
    re.IGNORECASE,
)
_COPYRIGHT_NOTICE = re.compile(r"\b\d{4}\b|rights reserved", re.IGNORECASE)


def _brand(name: str) -> str:
    """The publication's name in a copyright holder: ``Forbes Media LLC`` → ``Forbes``,
    ``Telegraph Media Group Limited 2019`` → ``Telegraph``, ``Al Bawaba (www.albawaba.com)`` → ``Al Bawaba``."""
    name = re.sub(r"^(?:copyright|©)\s*", "", name.strip(), flags=re.IGNORECASE)
    name = re.split(r"\s*(?:\(|/|\s[-–—]\s)", name)[0].strip()
    words = name.split()
    while words and _CORPORATE_WORD.fullmatch(words[-1].strip(",.()")):
        words.pop()  # word by word: one regex over the whole tail backtracks badly on long holders
    brand = " ".join(words).strip(" ,.(")
    return brand or name


def _ambiguous(d: DateMatch) -> str:
    a, b = d.readings
    return f"the date can be read as {a} or {b}"


_PUNCT = "\"'“”‘’«»()[]{}.,;:!?¿¡…–—*_"


_LEAD_PUNCT = _PUNCT + "-/"


def _echo(stems: frozenset[str], lead: str) -> float:
    """Share of ``stems`` that the story's opening (``lead``: " word word … ", case-folded) repeats."""
    return sum((" " + w if len(w) == 5 else " " + w + " ") in lead for w in stems) / len(stems)


_STOP = frozenset(
    """a an the of in on at by to from with for and or but as than that which who is are was were be been
has have had its their his her our your this these those it not no after over into about de la le les el los las des
du der die das und von zu im en et y e o di il lo per con una un une ein eine""".split()
)


@lru_cache(maxsize=2048)
def _stems(text: str) -> frozenset[str]:
    """Content words of ``text`` (3+ letters, or a number) cut to 5 letters (a crude stem, language-blind)."""
    return frozenset({w[:5] for w in _CONTENT_WORD.findall(text.casefold())}) - _STOP


_CONTENT_WORD = re.compile(r"(?<![^\W_])(?:[^\W_]{3,}|\d{1,2})(?![^\W_])")
"""Whole words of 3+ letters or digits, and numbers of 1-2 digits."""


def _skippable(text: str) -> bool:
    """Furniture between the headline and the story: single words, counters, "Share", credits, captions' tags."""
    words = text.count(" ") + 1  # folded text
    return (
        words <= 1
        or (words <= 4 and _FURNITURE_WORDS.match(text) is not None)
        or (words <= 12 and _relative_time(text))
    )


def _headline_like(text: str) -> bool:
    """A headline: 2–30 words, starts with a capital, digit, quote or bracket, no sentence-final stop, not a
    section label, breadcrumb or masthead (mostly capitals and short), no date, not a byline."""
    words = text.split()
    if not 2 <= len(words) <= 30 or len(text) > 250:
        return False
    first = text[0]
    if not (first.isupper() or first.isdigit() or first in "\"“‘'[(¿¡") and not (
        first.isalpha() and not first.islower()
    ):
        return False
    if _sentence_end(text) or text.endswith(":"):
        return False
    title, _ = _split_site(text)
    if (
        _SEPARATOR_CHAR.search(title)
        and _SECTION_SEP.search(title)
        and all(len(p.split()) <= 4 for p in _SECTION_SEP.split(title))
    ):
        return False  # "NEWS | WORLD", "Politics › Diplomacy › Russia-Japan"
    if _mostly_upper(title) and len(title.split()) <= 6:
        return False  # section labels, mastheads ("MERIDIAN WEEKLY DIGEST – World Affairs": see below)
    if _DASH_SUFFIX.search(title):
        head = _DASH_SUFFIX.split(title)[0]
        if _mostly_upper(head) and len(head.split()) <= 5:
            return False
    if len(title.split()) <= 4 and all(w[:1].isupper() or not w[:1].isalpha() for w in title.split()):
        return False  # "Ben Patton Trinity", "Senior Contributor", "Telegraph Sport": names and labels
    if _BY_INSIDE.search(text):
        return False  # "Analysis by Chris Cillizza, CNN Editor-at-large"
    if _BY.match(text) or _LABEL.match(text) or scan_dates(text) or _CREDIT.search(text):
        return False
    names, _ = _names(text.split(",")[0]) if "," in text or "/" in text else ([], None)
    if names and (_ROLE.search(text.split(",", 1)[-1]) or re.search(_AGENCY, text, re.IGNORECASE) or "/" in text):
        return False  # "Tom Krisher, AP Auto Writer", "Al Goldis, Associated Press", "Amy K. Dragoo/AIMMEDIA"
    return sum(map(str.isalpha, text)) >= 0.5 * (len(text) - text.count(" "))


def _standfirst(near: str, far: str) -> bool:
    """``near`` (right under ``far``) may be the standfirst of the headline ``far``: neither is made of the
    other's words (a section label such as ``Dancing With the Stars`` above a headline naming it)."""
    a, b = _stems(near), _stems(far)
    return bool(b - a) and bool(a - b)


def _split_site(text: str) -> tuple[str, str | None]:
    """``Headline | Site`` → (headline, site) when the tail is short (≤ 5 words) and the head longer."""
    parts = _SITE_SUFFIX.split(text)
    if len(parts) > 1:
        head, tail = " | ".join(parts[:-1]).strip(), parts[-1].strip()
        if tail and head and len(tail.split()) <= 5 and len(head.split()) > len(tail.split()):
            return head, tail
    return text, None


def _masthead_key(text: str) -> str:
    """A masthead line's name: ``MERIDIAN WEEKLY DIGEST – World Affairs`` → ``meridian weekly digest``."""
    return norm_words(_DASH_SUFFIX.split(text)[0]) if len(text.split()) <= 10 else ""


def is_metadata_line(text: str) -> bool:
    """A line that is a page element of its own: a labelled date, a date, a byline, a dateline (so that a block
    holding it is split into lines, not read as one hard-wrapped paragraph)."""
    if len(text) > 120:
        return False
    dates = scan_dates(text)
    if dates and (_LABEL.match(text) or only_date(text, dates[0]) or _DATELINE.match(text) or len(text.split()) <= 10):
        return True
    by = _BY.match(text)
    return bool(by and _names(text[by.end() :])[0])


# --- choosing ------------------------------------------------------------------------------------------------

_ORDER: tuple[MetaField, ...] = ("title", "date", "byline", "outlet", "url")


def read_metadata(units: Sequence[Unit], first_story: int, path: str) -> MetaReading:
    """Headline, date, byline and outlet of a text capture, each with its line and how it was found, and the
    units that are pure metadata lines. ``first_story``: index of the first story unit (``len(units)`` when
    there is none)."""
    r = _Reader(units, _story_start(units, first_story), path)
    r.read_lines()
    r.headline()
    titles = [c for c in r.cands if c.field == "title"]
    r.outlet(titles[0].value if titles else None)

    sources: list[MetaSource] = []
    values: dict[str, str | None] = {}
    lines: dict[int, str] = {}
    reasons = {"title": "headline", "date": "dateline", "byline": "byline", "outlet": "masthead (outlet name)"}
    for field in _ORDER:
        cands = sorted((c for c in r.cands if c.field == field), key=lambda c: (c.rank, c.index))
        if not cands:
            continue
        best = cands[0]
        conflict = None
        doubt = best.doubt
        if field == "date":
            readable = [c for c in cands if c.value is not None]
            if best.value is None and readable and readable[0].rank <= best.rank + 1:
                # an ambiguous numeric date next to a readable one: the readable one decides
                best, doubt = readable[0], readable[0].doubt
            sure = [c for c in cands if c.sure and c.value is not None and c is not best and c.rank <= 2]
            other = next((c for c in sure if c.value != best.value), None)
            if other is not None and best.value is not None:
                conflict = r.span(other.index)
                doubt = f"{other.how} at line {units[other.index].line} says {other.value}"
            if best.rank == 2 and not _near_story(r, best.index, titles):
                best = _Candidate(**{**best.__dict__, "sure": False})
                doubt = doubt or "guessed: a date line far from the story (it may be the site's date of today)"
        values[field] = best.value
        sources.append(
            MetaSource(
                field,
                best.value,
                r.span(best.index),
                best.how,
                units[best.index].text,
                sure=best.sure,
                doubt=doubt,
                conflict=conflict,
            )
        )
        for c in cands:
            if c.whole_line and (c is best or field in ("date", "byline")) and c.index not in lines:
                if field != "date" or c.index >= r.lo:
                    lines[c.index] = "headline repeated" if c.how.startswith("site name beside") else reasons[field]
    title = values.get("title")
    outlet = values.get("outlet")
    if r.agency and (outlet is None or norm_words(r.agency) not in norm_words(outlet)):
        outlet = f"{outlet} ({r.agency})" if outlet else r.agency
        if values.get("outlet") is None:
            sources.append(
                MetaSource(
                    "outlet",
                    outlet,
                    r.span(r.agency_at),
                    "news agency named in a dateline or byline",
                    units[r.agency_at].text,
                    sure=False,
                    doubt="guessed: only the news agency is named, not the publication that ran the story",
                )
            )
        else:
            sources = [
                s
                if s.field != "outlet"
                else MetaSource(
                    s.field, outlet, s.span, s.how + " and news agency", s.text, s.sure, s.doubt, s.conflict
                )
                for s in sources
            ]
    date_src = next((s for s in sources if s.field == "date"), None)
    detected = DetectedMeta(
        title=title,
        date=values.get("date"),
        byline=values.get("byline"),
        outlet=outlet,
        date_evidence=date_src.text if date_src is not None and date_src.value else None,
        sources=tuple(sources),
    )
    return MetaReading(detected, tuple(MetadataLine(i, why) for i, why in sorted(lines.items())))


def _prose(u: Unit) -> bool:
    if u.category is not None:
        return False
    words = u.text.count(" ") + 1  # the text is folded: one space between words
    return words >= 20 or (words >= 8 and bool(_PROSE_END.search(u.text[-8:])))


_PROSE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
"""A sentence's end at the end of a line (searched in its last characters: an unanchored search is slow)."""


def _story_start(units: Sequence[Unit], first_story: int) -> int:
    """Where the story begins: the start of the densest run of prose (most words of prose paragraphs, less a
    cost per line of anything else), so that a sentence in a menu or a cookie notice above the article is not
    taken for its start. The cleaner's ``first_story`` when there is no prose at all."""
    best, best_start, run, start = 0, None, 0, first_story
    prose_end = _PROSE_END.search
    # prose is story-like: no run starts above the cleaner's first story-like unit (a third of the units, saved)
    for i in range(first_story, len(units)):  # _prose inlined: this loop runs over the story of every capture
        u = units[i]
        if u.category is not None:
            value = -2
        else:
            t = u.text
            value = t.count(" ") + 1
            if value < 8 or (value < 20 and not prose_end(t[-8:])):
                value = -6
        if run <= 0:
            run, start = 0, i
        run += value
        if run > best:
            best, best_start = run, start
    if best_start is None:
        return first_story
    i = best_start
    while i < len(units) and not _prose(units[i]):
        i += 1
    return i


def _near_story(r: _Reader, index: int, titles: list[_Candidate]) -> bool:
    anchors = [r.first] + [t.index for t in titles]
    return any(abs(index - a) <= NEAR for a in anchors)
