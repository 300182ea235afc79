"""Metadata of text captures: title, date, byline and outlet read from the .txt path, against each page's own tags.

Usage::

    python benchmarks/metadata.py [--truth FILE] [--min-precision 0.95] [--show WRONG|MISSING|ALL] [--json FILE]
    python benchmarks/metadata.py --build-truth [--data DIR]      # re-derive benchmarks/metadata-truth.json

Pages: the 181 text captures of the article-extraction benchmark (``benchmarks/text-captures/<id>.txt``: the
page as Chromium shows it, see benchmarks/text_captures.py). Truth: ``benchmarks/metadata-truth.json``, derived
once from each page's own HTML (``../shared/benchmarks/article-extraction/html/<id>.html.gz``) by
``--build-truth`` and kept in the repository, so scoring needs neither the HTML nor a re-derivation. A field is
in the truth only when the page's tags give it unambiguously:

* ``title``: ``og:title``, ``twitter:title`` and the JSON-LD article ``headline`` agree (after normalising, a
  trailing `` | Site`` / `` - Site`` dropped) and the title is printed in the capture (the visible headline);
* ``date``: every published-date tag (JSON-LD ``datePublished``, ``article:published_time``, ``datePublished``,
  ``pubdate``, ``dc.date``, ``sailthru.date``, ``parsely-pub-date``) gives the same day (1990 or later), and the
  capture does not print the day before or after it without printing that day itself (the tags' time zone
  is then not the page's: which day the page means is not clear);
* ``byline``: person names from the JSON-LD ``author`` and the ``author`` / ``byl`` / ``sailthru.author`` /
  ``parsely-author`` / ``dc.creator`` tags (not URLs, not the site's name), one of them printed in the capture;
* ``outlet``: ``og:site_name`` and the JSON-LD ``publisher`` name agree (a URL is not a name).

Score per field, over the pages whose truth has the field: a value is *given* when detection returns one;
*right* when it matches the truth — title: equal after normalising whitespace, quotes, dashes and case and
dropping a trailing `` | Site`` / `` - Site``; date: the same ISO day; byline: a name in common (surname and
given name); outlet: equal after normalising (case, punctuation, a leading "The", a trailing ".com").
precision = right / given, recall = right / pages with the field. A value given with a warning
(``meta-uncertain``, ``meta-conflict``: shown to the analyst as a guess to confirm) is counted apart: the
figures are reported both with such values counted as given and with them counted as not given; the
target (precision ≥ 0.95 per field) applies to values given *without* a warning. The figures are also given
for each half of the pages (ids starting 0-7, on which the rules are tuned, and 8-f, held out), to show
how far they generalise.

Exit status 1 when a field's precision is below ``--min-precision``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATA = Path(os.environ.get("BRIEFGEN_EXTRACTION_DATA", ROOT.parent / "shared" / "benchmarks" / "article-extraction"))
TEXT_CAPTURES = ROOT / "benchmarks" / "text-captures"
TRUTH = ROOT / "benchmarks" / "metadata-truth.json"
FIELDS = ("title", "date", "byline", "outlet")
HALVES = {"tuning half: ids 0-7": "01234567", "held-out half: ids 8-f": "89abcdef"}
"""Pages by the first hex digit of their id: rules are tuned on the first half and checked on the second."""

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                         "\u00a0": " ", "\u2026": "..."})
_SUFFIX = re.compile(r"\s+(?:\||-|–|—|::|:)\s+[^|]{1,60}$")


def norm(text: str) -> str:
    """Case-folded, typographic quotes and dashes plain, whitespace folded."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().split())


def norm_title(text: str, site: str | None = None) -> str:
    """A title for comparison: normalised, end punctuation dropped, and a trailing `` | Site`` / `` - Site``
    dropped when it names the site or is a short tail (at most 4 words, shorter than what precedes it)."""
    t = norm(text)
    m = _SUFFIX.search(t)
    if m:
        tail = m.group(0).lstrip(" |-:")
        if (site and norm_outlet(tail) == norm_outlet(site)) or (len(tail.split()) <= 4
                                                                  and len(tail) < len(t[: m.start()])):
            t = t[: m.start()]
    return t.strip(" .")


def norm_outlet(text: str) -> str:
    t = re.sub(r"[\W_]+", " ", norm(text)).strip()
    t = re.sub(r"^the ", "", t)
    t = re.sub(r" (?:com|co uk|net|org|in|ca)$", "", t)
    return t.replace(" ", "")


def name_words(text: str) -> set[str]:
    """The words of person names (2+ letters, no 'by' / 'and')."""
    return {w for w in re.findall(r"[^\W\d_]{2,}", norm(text)) if w not in {"by", "and", "the", "staff", "writer"}}


# --- truth -------------------------------------------------------------------------------------------------

def _meta_tags(tree) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in tree.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").lower().strip()
        value = (m.get("content") or "").strip()
        if key and value:
            out.setdefault(key, []).append(value)
    return out


def _ld_objects(tree) -> list[dict]:
    found: list[dict] = []

    def walk(x) -> None:
        if isinstance(x, list):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            found.append(x)
            if "@graph" in x:
                walk(x["@graph"])

    for s in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(json.loads(s.text or ""))
        except ValueError:
            continue
    return found


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    return {str(x) for x in t} if isinstance(t, list) else {str(t)}


_ARTICLE_TYPES = {"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "OpinionNewsArticle", "TechArticle", "Report", "LiveBlogPosting"}
_URL = re.compile(r"^(?:https?:)?//|^www\.|\.\w{2,4}/")
_DATE_TAGS = ("article:published_time", "datepublished", "pubdate", "dc.date", "sailthru.date", "parsely-pub-date",
              "dc.date.issued", "publishdate")
_AUTHOR_TAGS = ("author", "byl", "sailthru.author", "parsely-author", "dc.creator", "article:author")


_PERSON = re.compile(r"[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:(?:de|da|del|van|von|der|la|le|bin|al)\s+)?[A-ZÀ-Ý][\w'’.-]*){1,3}")
_PERSON_TAIL = re.compile(r"\s*(?:[,|/(]|\s-\s).*$")
_NOT_PERSON = re.compile(r"\b(?:staff|news|press|reuters|associated|agency|bureau|desk|team|editors?|media|admin|"
                         r"blog|magazine|times|post|daily|online|group|inc|ltd|llc|nast|\.com)\b", re.IGNORECASE)


def _names(value) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        if _types(value) & {"Organization", "NewsMediaOrganization"}:
            return []
        return _names(value.get("name"))
    if isinstance(value, str):
        v = re.sub(r"^\s*by\s+", "", value.strip(), flags=re.IGNORECASE)
        return [] if not v or _URL.search(v) else [v]
    return []


def _day(value: str) -> str | None:
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    return "-".join(m.groups()) if m else None


def truth_of(html: str, capture: str, url: str | None = None) -> dict[str, str]:
    """The fields this page's tags give unambiguously (see the module docstring)."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    tags = _meta_tags(tree)
    ld = _ld_objects(tree)
    articles = [o for o in ld if _types(o) & _ARTICLE_TYPES]
    text = norm(capture)
    lines = {norm(x).strip(" .") for x in capture.split("\n") if x.strip()}
    out: dict[str, str] = {}

    sites = [s for s in tags.get("og:site_name", []) if not _URL.search(s)]
    publishers = [a["publisher"].get("name") for a in articles if isinstance(a.get("publisher"), dict)
                  and isinstance(a["publisher"].get("name"), str) and not _URL.search(a["publisher"]["name"])]
    names = {norm_outlet(x) for x in sites + publishers if x.strip()}
    # a second witness: the publisher name, the <title> suffix or the site's domain name must say the same
    title_tag = tree.findtext(".//title") or ""
    tail = _SUFFIX.search(title_tag.strip())
    domain = re.sub(r"^www\.|\.(?:com|co\.uk|net|org|in|ca|info)$", "", urlsplit(url).hostname or "") if url else ""
    witnesses = {norm_outlet(p) for p in publishers}
    if tail:
        witnesses.add(norm_outlet(tail.group(0).lstrip(" |-–—:")))
    if domain:
        witnesses.add(norm_outlet(domain))
    if len(names) == 1 and sites and names & witnesses:
        out["outlet"] = sites[0].strip()
    site = out.get("outlet")

    titles = tags.get("og:title", []) + tags.get("twitter:title", [])
    titles += [a["headline"] for a in articles if isinstance(a.get("headline"), str)]
    keys = {norm_title(t, site) for t in titles if t.strip()}
    if len(keys) == 1:
        key = keys.pop()
        if key in lines or any(line.startswith(key) and norm_title(line, site) == key for line in lines):
            out["title"] = min((t.strip() for t in titles), key=len)

    days = [_day(a["datePublished"]) for a in articles if isinstance(a.get("datePublished"), str)]
    days += [_day(v) for k in _DATE_TAGS for v in tags.get(k, [])]
    days = [d for d in days if d and d >= "1990"]
    if days and len(set(days)) == 1 and not _other_day_printed(days[0], capture):
        out["date"] = days[0]

    names = [n for a in articles for n in _names(a.get("author"))]
    names += [n for k in _AUTHOR_TAGS for v in tags.get(k, []) for n in _names(v)]
    names = [_PERSON_TAIL.sub("", n).strip() for n in names]
    # person names only: 2-4 capitalised words, not the site, not a wire agency or a "staff" credit
    names = [n for n in names if _PERSON.fullmatch(n) and not _NOT_PERSON.search(n)
             and not (site and norm_outlet(site) in norm_outlet(n))]
    printed = [n for n in dict.fromkeys(names) if norm(n) in text]
    if printed:
        out["byline"] = " and ".join(printed)
    return out


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def _printed_forms(day: _dt.date) -> list[str]:
    """How a day may be printed (lower case, punctuation removed, spaces folded)."""
    d, y = day.day, day.year
    forms = []
    for month in (_MONTHS[day.month - 1], _MONTHS[day.month - 1][:3], _MONTHS[day.month - 1][:4]):
        forms += [f"{month} {d} {y}", f"{d} {month} {y}", f"{month} {d:02d} {y}", f"{d:02d} {month} {y}"]
    forms += [f"{y} {day.month:02d} {d:02d}", f"{day.month} {d} {y}", f"{day.month:02d} {d:02d} {y}",
              f"{d} {day.month} {y}", f"{d:02d} {day.month:02d} {y}"]
    return forms


def _other_day_printed(iso: str, capture: str) -> bool:
    """The capture prints the day before or after the tags' day but not the day itself: the tags' time zone
    is not the page's, and which day the page means is not clear."""
    text = " " + " ".join(re.sub(r"(?:st|nd|rd|th)\b", "", re.sub(r"[^\w]+", " ", capture.lower())).split()) + " "
    day = _dt.date.fromisoformat(iso)

    def printed(x: _dt.date) -> bool:
        return any(f" {f} " in text for f in _printed_forms(x))

    return not printed(day) and (printed(day - _dt.timedelta(days=1)) or printed(day + _dt.timedelta(days=1)))


def build_truth(data: Path) -> dict[str, dict[str, str]]:
    truth = {}
    gt = data / "ground-truth.json"
    urls = {k: v.get("url") for k, v in json.loads(gt.read_text(encoding="utf-8")).items()} if gt.is_file() else {}
    for capture in sorted(TEXT_CAPTURES.glob("*.txt")):
        pid = capture.stem
        page = data / "html" / f"{pid}.html.gz"
        if not page.is_file():
            continue
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        fields = truth_of(html, capture.read_text(encoding="utf-8"), urls.get(pid))
        if fields:
            truth[pid] = fields
    return truth


# --- scoring -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """One field of one page."""

    page: str
    field: str
    truth: str
    given: str | None
    """The detected value, or None."""
    warned: bool
    """Detection gave it with a warning (meta-uncertain / meta-conflict)."""
    right: bool
    how: str | None = None
    """How detection found it (MetaSource.how)."""


def matches(field: str, given: str, truth: str, site: str | None) -> bool:
    if field == "title":
        return norm_title(given, site) == norm_title(truth, site)
    if field == "date":
        return given == truth
    if field == "byline":
        g, t = name_words(given), name_words(truth)
        return len(g & t) >= min(2, len(t))
    return norm_outlet(given) == norm_outlet(truth)


def detect(text: str):
    """Clean a text capture; returns (DetectedMeta, fields warned about)."""
    from briefgen.clean import CleaningOverrides, clean_capture
    from briefgen.diagnostics import Diagnostics

    result = clean_capture(text, "txt", "page.txt", CleaningOverrides(), Diagnostics())
    return result.detected


def score_all(truth: dict[str, dict[str, str]]) -> list[Outcome]:
    outcomes = []
    for pid, fields in sorted(truth.items()):
        det = detect((TEXT_CAPTURES / f"{pid}.txt").read_text(encoding="utf-8"))
        for field, value in fields.items():
            given = getattr(det, field)
            warned = given is not None and field in {s.field for s in det.doubtful()}
            right = given is not None and matches(field, given, value, fields.get("outlet"))
            src = det.source(field)
            outcomes.append(Outcome(pid, field, value, given, warned, right, src.how if src else None))
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    head = (f"{'field':<7} {'pages':>5} | {'given':>5} {'right':>5} {'prec':>6} {'recall':>6} | "
            f"{'warned':>6} {'right':>5} | {'all given':>9} {'prec':>6} {'recall':>6}")
    rows = [head]
    for field in FIELDS:
        got = [o for o in outcomes if o.field == field]
        sure = [o for o in got if o.given is not None and not o.warned]
        warned = [o for o in got if o.given is not None and o.warned]
        given = sure + warned
        r_sure = sum(o.right for o in sure)
        r_all = sum(o.right for o in given)
        rows.append(
            f"{field:<7} {len(got):>5} | {len(sure):>5} {r_sure:>5} {_ratio(r_sure, len(sure)):>6} "
            f"{_ratio(r_sure, len(got)):>6} | {len(warned):>6} {sum(o.right for o in warned):>5} | "
            f"{len(given):>9} {_ratio(r_all, len(given)):>6} {_ratio(r_all, len(got)):>6}")
    return "\n".join(rows)


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def precision(outcomes: list[Outcome], field: str) -> float:
    sure = [o for o in outcomes if o.field == field and o.given is not None and not o.warned]
    return sum(o.right for o in sure) / len(sure) if sure else 1.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder (html/) for --build-truth")
    ap.add_argument("--truth", type=Path, default=TRUTH, help="the truth file (default benchmarks/metadata-truth.json)")
    ap.add_argument("--build-truth", action="store_true", help="derive the truth from the pages' HTML and write it")
    ap.add_argument("--min-precision", type=float, default=0.95)
    ap.add_argument("--show", choices=("wrong", "missing", "all"), help="list pages: wrong values, missing ones, all")
    ap.add_argument("--json", type=Path, help="write every outcome to this file")
    args = ap.parse_args(argv)

    if args.build_truth:
        truth = build_truth(args.data)
        args.truth.write_text(json.dumps(truth, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        counts = {f: sum(f in v for v in truth.values()) for f in FIELDS}
        print(f"{args.truth.name}: {len(truth)} pages; " + ", ".join(f"{f} {n}" for f, n in counts.items()))
        return 0
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    outcomes = score_all(truth)
    print(f"{len(truth)} text captures with known metadata\n")
    print(summary(outcomes))
    # the rules were tuned on the pages whose id starts with 0-7; the others show how well they generalise
    for name, half in HALVES.items():
        part = [o for o in outcomes if o.page[0] in half]
        print(f"\n{name} ({len({o.page for o in part})} pages)\n{summary(part)}")
    if args.show:
        print()
        for o in outcomes:
            wrong = o.given is not None and not o.right
            if args.show == "all" or (args.show == "wrong" and wrong) or (args.show == "missing" and o.given is None):
                mark = "ok " if o.right else ("-- " if o.given is None else "XX ")
                print(f"{mark}{o.page[:10]} {o.field:<6} {'(warned) ' if o.warned else ''}{o.given!r}  truth {o.truth!r}  [{o.how}]")
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1, ensure_ascii=False), encoding="utf-8")
    bad = [f for f in FIELDS if precision(outcomes, f) < args.min_precision]
    if bad:
        print(f"\nprecision below {args.min_precision} for: {', '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
