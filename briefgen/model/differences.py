"""Where sources really differ: facts that measure the same thing, for the same time, with values that disagree.

Two facts are compared when they have the same subject, the same **measure** (their ``measure:``, else their
``property``, normalised for case, accents, spelling variants and plurals: "Population", "populations"), and
comparable dates (both within the briefing's window, 5 years by default; undated facts only with undated ones).
Their values disagree when

- both hold a figure in the same unit (model/amounts.py) and the ranges their words allow do not overlap
  ("some 19,000" and "some 20,000" do; "about 17,000" and "17,291" do not… see amounts), or
- otherwise, their words differ beyond case and spelling ("Southern Kuriles" and "Southern Kurils" agree).

Facts whose measures are named differently but look alike ("number of islands", "number of islets") are not
compared; :func:`named_differently` finds them for ``briefgen check`` (an ``info``: add ``measure:``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from briefgen.diagnostics import Diagnostic, Severity, Span
from briefgen.load.types import DifferencesConfig
from briefgen.model.amounts import Amount, read_amount
from briefgen.model.types import Fact


@dataclass(frozen=True)
class Side:
    """One source's account in a :class:`Difference`."""

    fact: Fact
    """The fact as annotated, with its citation and date."""
    amount: Amount | None
    """The figure read from its value, when the difference is between figures."""


@dataclass(frozen=True)
class Difference:
    """Sources that give different values for one measure of one subject, at comparable dates."""

    subject: str
    """Entity id the facts are about."""
    measure: str
    """What is measured, as the first fact names it (its ``measure:``, else its ``property``)."""
    sides: tuple[Side, ...]
    """Every comparable fact, by date (undated first), then by where it is written."""
    numeric: bool
    """True when the facts are compared as figures; False when by their words."""
    span: Span
    """Where the first fact is written."""

    def spans(self) -> frozenset[Span]:
        """Where each of the facts is written (to mark them on the subject's page)."""
        return frozenset(s.fact.spec.span for s in self.sides)


_VARIANTS = (
    (r"isation\b", "ization"),
    (r"ise\b", "ize"),
    (r"our\b", "or"),
    (r"tre\b", "ter"),
    (r"ll(ed|ing)\b", r"l\1"),
)


def _fold(text: str) -> str:
    """Lower case, accents dropped, typographic marks as plain ones."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ches|shes|xes|ses|zes)$", word):
        return word[:-2]
    return word[:-1]


def measure_key(text: str) -> str:
    """The name of a measure reduced to what identifies it: lower case, no accents or punctuation, spelling
    variants (British/American) unified, each word singular. "Populations" and "population" are one key."""
    words = re.findall(r"\w+", _fold(text))
    out = []
    for w in words:
        for pattern, repl in _VARIANTS:
            w = re.sub(pattern, repl, w)
        out.append(_singular(w))
    return " ".join(out)


def _word_variant(a: str, b: str) -> bool:
    """Whether two words differ at most by spelling: equal, or (not numbers, 4+ letters) one edit or transposition
    apart ("kuriles"/"kurils", "colour"/"color", "centre"/"center")."""
    if a == b:
        return True
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 4:
        return False
    return OSA.distance(a, b) <= (2 if min(len(a), len(b)) >= 9 else 1)


def same_words(a: str, b: str) -> bool:
    """Whether two texts say the same words, ignoring case, accents, punctuation and spelling variants."""
    wa, wb = re.findall(r"\w+", _fold(a)), re.findall(r"\w+", _fold(b))
    return len(wa) == len(wb) and all(_word_variant(x, y) for x, y in zip(wa, wb))


def _day(date: str | None) -> int | None:
    """A (partial) ISO date as a day number (a year or month stands for its first day)."""
    if not date:
        return None
    parts = [int(p) for p in date.split("-")]
    try:
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1).toordinal()
    except ValueError:
        return None


def _comparable_dates(a: Fact, b: Fact, window: int) -> bool:
    da, db = _day(a.date), _day(b.date)
    if da is None or db is None:
        return da is None and db is None
    return abs(da - db) <= window


def _disagree(a: Fact, b: Fact, amounts: Mapping[Span, Amount | None]) -> bool:
    x, y = amounts[a.spec.span], amounts[b.spec.span]
    if x is not None and y is not None:
        return x.comparable(y) and not x.agrees(y)
    return not same_words(a.spec.value, b.spec.value)


def _groups(facts: Iterable[Fact], window: int) -> list[list[Fact]]:
    """Facts split into runs whose dates chain within ``window`` (undated ones in a run of their own)."""
    undated = [f for f in facts if _day(f.date) is None]
    dated = sorted((f for f in facts if _day(f.date) is not None), key=lambda f: (_day(f.date), f.spec.span))
    runs: list[list[Fact]] = [undated] if undated else []
    for f in dated:
        if (
            runs
            and runs[-1]
            and _day(runs[-1][-1].date) is not None
            and (_day(f.date) or 0) - (_day(runs[-1][-1].date) or 0) <= window
        ):
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def find_differences(
    facts: Mapping[str, tuple[Fact, ...]], config: DifferencesConfig
) -> dict[str, tuple[Difference, ...]]:
    """The differences between sources, by subject id (subjects without any left out)."""
    out: dict[str, tuple[Difference, ...]] = {}
    for subject, fs in facts.items():
        by_measure: dict[str, list[Fact]] = defaultdict(list)
        for f in fs:
            by_measure[measure_key(f.spec.measure or f.spec.property)].append(f)
        found: list[Difference] = []
        for group in by_measure.values():
            if len(group) < 2:
                continue
            amounts = {f.spec.span: read_amount(f.spec.value, config.tolerance) for f in group}
            for run in _groups(group, config.window_days):
                differ = any(
                    _comparable_dates(a, b, config.window_days) and _disagree(a, b, amounts)
                    for i, a in enumerate(run)
                    for b in run[i + 1 :]
                )
                if not differ:
                    continue
                numeric = all(amounts[f.spec.span] is not None for f in run)
                first = min(run, key=lambda f: f.spec.span)
                found.append(
                    Difference(
                        subject,
                        first.spec.measure or first.spec.property,
                        tuple(Side(f, amounts[f.spec.span] if numeric else None) for f in run),
                        numeric,
                        first.spec.span,
                    )
                )
        if found:
            out[subject] = tuple(sorted(found, key=lambda d: (measure_key(d.measure), d.sides[0].fact.date or "")))
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class NamedDifferently:
    """Two facts of one subject whose measures are named alike but not the same ("number of islands" and
    "number of islets"): they are not compared unless the analyst gives them one ``measure:``."""

    first: Fact
    """The fact written first."""
    second: Fact
    """The other."""


def named_differently(facts: Mapping[str, tuple[Fact, ...]], config: DifferencesConfig) -> list[NamedDifferently]:
    """Pairs of facts that look comparable (same subject, comparable dates, both figures in one unit or both text,
    measures named alike: one word apart, or 85 % similar) but are named differently. One pair per two measures."""
    out: list[NamedDifferently] = []
    for fs in facts.values():
        seen: set[tuple[str, str]] = set()
        keyed = sorted(
            ((measure_key(f.spec.measure or f.spec.property), f) for f in fs), key=lambda kf: kf[1].spec.span
        )
        for i, (ka, a) in enumerate(keyed):
            for kb, b in keyed[i + 1 :]:
                if ka == kb or (ka, kb) in seen or not _alike(ka, kb):
                    continue
                if not _comparable_dates(a, b, config.window_days):
                    continue
                x, y = read_amount(a.spec.value), read_amount(b.spec.value)
                if (x is None) != (y is None) or (x is not None and y is not None and not x.comparable(y)):
                    continue
                seen.add((ka, kb))
                out.append(NamedDifferently(a, b))
    return out


def _alike(a: str, b: str) -> bool:
    """Measure keys one word apart where the two words look alike ("island"/"islet"), or 85 % similar."""
    wa, wb = a.split(), b.split()
    if len(wa) == len(wb) and len(wa) > 1:
        apart = [(x, y) for x, y in zip(wa, wb) if x != y]
        if len(apart) == 1 and (apart[0][0][:3] == apart[0][1][:3] or fuzz.ratio(*apart[0]) >= 70):
            return True
    return fuzz.ratio(a, b) >= 85


def naming_notes(facts: Mapping[str, tuple[Fact, ...]], config: DifferencesConfig) -> list[Diagnostic]:
    """``info[facts-named-differently]`` for each pair of :func:`named_differently`, at the later fact."""
    out = []
    for pair in named_differently(facts, config):
        a, b = pair.first.spec, pair.second.spec
        out.append(
            Diagnostic(
                b.span,
                Severity.INFO,
                "facts-named-differently",
                f"fact '{b.measure or b.property}' of '{b.subject}' looks comparable with '{a.measure or a.property}' "
                f"({a.span}), but they are named differently, so their values are not compared",
                f"if they measure the same thing, give both 'measure: {a.measure or a.property}'",
            )
        )
    return out
