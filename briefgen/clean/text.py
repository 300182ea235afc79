"""Cleaning of text captures (``.txt``: text copied from a web page) and splitting of trusted Markdown.

Passes over the units, in order (each is linear in the number of units):

1. ``cleaning.keep`` overrides mark units that no rule may remove;
2. the rule table (:mod:`briefgen.clean.rules`) removes boilerplate and metadata lines, and regions: a
   subscription offer with its plan / price / feature lines, a "Related" / "More on this story" heading with
   the link titles under it (regions open only once the story has begun, so that a "Subscribe" button above
   the headline cannot carry the headline away);
3. a photo caption printed twice (once bare, once with the "Photo: …" credit) loses the bare copy;
4. the story run (:mod:`briefgen.clean.classify`): the densest run of prose; what lies outside it (menus,
   teasers, comments) is removed, kept lines inside it get their role (heading, standfirst, caption);
5. metadata: the header (everything before the first story-like paragraph) gives the headline and masthead
   (``_Evidence``, ``_detect_header``, ``_outlet``: read from the units before the story run is applied);
6. ``cleaning.remove`` overrides;
7. exact and near duplicates (the later copy goes; a repeat of the headline is metadata; a short line the story
   repeats far from its first copy, or any text printed three times or more, stays).
"""

from __future__ import annotations

import re
from typing import Callable

from briefgen.clean.classify import apply_story, story_run
from briefgen.clean.dates import find_date
from briefgen.clean.dedup import mark_duplicates
from briefgen.clean.overrides import apply_keep, apply_remove, warn_unmatched
from briefgen.clean.rules import (CAPTION_LABEL, INLINE_DATELINE, OUTLET_EVIDENCE, REGION_CONTINUES, Rule,
                                  classify, is_headline_candidate, is_story_like)
from briefgen.clean.types import CleanedText, CleaningOverrides, DetectedMeta
from briefgen.clean.units import Unit, finish, norm_words, split_markdown, split_text
from briefgen.diagnostics import Diagnostics

DUPLICATE_FAR_MIN_WORDS = 20
"""A repeated line shorter than this is removed only next to its first copy (a page printing it twice); a text
printed three times or more is the story's own structure (see :func:`briefgen.clean.dedup.mark_duplicates`)."""
_UPDATED = re.compile(r"updat|modif", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"\s+\|{1,2}\s+")
_DASH_SUFFIX = re.compile(r"\s+[-–—]\s+")


class _Evidence:
    """Metadata noted while the rules run."""

    def __init__(self) -> None:
        self.dates: list[tuple[int, int, str, str]] = []  # (priority, order, iso, evidence)
        self.agency: str | None = None
        self.byline: str | None = None
        self.url: str | None = None
        self.outlets: list[str] = []
        self.outlet_ranked: list[tuple[int, int, str]] = []  # (priority: copyright first, order, name)

    def note(self, rule_name: str, m: re.Match[str], text: str) -> None:
        name = rule_name
        if name == "dateline":
            found = find_date(m.group("rest"))
            if found:
                prio = 2 if _UPDATED.search(m.group("label")) else 0
                self.dates.append((prio, len(self.dates), found[0], text))
        elif name == "date":
            found = find_date(text)
            if found:
                self.dates.append((1, len(self.dates), found[0], text))
        elif name == "agency":
            self.agency = self.agency or m.group("agency")
        elif name == "byline":
            self.byline = self.byline or m.group("names")
        elif name == "url":
            self.url = self.url or m.group("url")
        pattern = OUTLET_EVIDENCE.get(name)
        if pattern is not None:
            om = pattern.search(text)
            if om and "rights reserved" not in om.group("o").lower():
                name = om.group("o").strip()
                self.outlets.append(name)
                self.outlet_ranked.append((0 if rule_name == "copyright" else 1, len(self.outlet_ranked), name))


def _apply_rules(units: list[Unit], ev: _Evidence,
                 classify_unit: Callable[[str], tuple[Rule, re.Match[str]] | None] = classify) -> dict[int, str]:
    """Pass 2: the rule table and promotional regions. Returns caption texts without their credits, by index."""
    region: Rule | None = None
    story_seen = False
    captions: dict[int, str] = {}
    for i, u in enumerate(units):
        hit = classify_unit(u.text)
        if hit is not None:
            rule, m = hit
            u.rule = rule.name
            ev.note(rule.name, m, u.text)
            u.remove(rule.category, rule.reason)
            if rule.region and story_seen:
                region = rule
            if rule.name == "photo-credit":
                captions[i] = u.text[: m.start()]
            continue
        if region is not None and REGION_CONTINUES[region.region](u.text):  # type: ignore[index]
            u.remove(region.category, region.reason)
            continue
        region = None
        if not story_seen and is_story_like(u.text):
            story_seen = True
            inline = INLINE_DATELINE.match(u.text)
            if inline:
                ev.agency = ev.agency or inline.group("agency")
    return captions


def _caption_pairs(units: list[Unit], captions: dict[int, str]) -> None:
    """Pass 3: a caption printed bare next to the same caption with its credit is a caption too; so is the
    line after a lone "Image caption," label (unless it is long: then it is story)."""
    for i, bare in captions.items():
        if CAPTION_LABEL.fullmatch(units[i].text):
            nxt = units[i + 1] if i + 1 < len(units) else None
            if nxt is not None and nxt.kept and len(nxt.text.split()) <= 40:
                nxt.remove("caption", "photo caption")
            units[i].reason = "caption label"
            continue
        key = norm_words(bare)
        if not key:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(units) and units[j].kept and norm_words(units[j].text) == key:
                units[j].remove("duplicate", "photo caption printed twice (the copy without its credit)")


def _detect_header(units: list[Unit], ev: _Evidence) -> tuple[int, str | None, str | None, str | None]:
    """Pass 4: headline and masthead in the header. Returns (first story index, title, site suffix, masthead)."""
    first_story = next((i for i, u in enumerate(units) if u.kept and is_story_like(u.text)), len(units))
    outlets = {norm_words(o) for o in ev.outlets}
    masthead = None
    header = [i for i in range(first_story) if units[i].kept]
    for i in header:
        if norm_words(units[i].text) in outlets and not units[i].forced_keep:
            masthead = masthead or units[i].text
            units[i].remove("metadata", "masthead (outlet name)")
    header = [i for i in header if units[i].kept]
    if not header or not is_headline_candidate(units[header[0]].text):
        return first_story, None, None, masthead
    pick = header[0]
    if len(header) > 1:
        a, b = units[header[0]].text, units[header[1]].text
        if (len(a.split()) <= 3 and all(w[:1].isupper() for w in a.split()) and is_headline_candidate(b)
                and len(b.split()) > len(a.split()) and not units[header[0]].forced_keep):
            masthead = masthead or a
            units[header[0]].remove("metadata", "masthead (outlet name)")
            pick = header[1]
    head = units[pick]
    if head.forced_keep or not any(u.kept for u in units[pick + 1:]):
        return first_story, None, None, masthead
    head.remove("metadata", "headline")
    title, site = head.text, None
    parts = _SITE_SUFFIX.split(title)
    if len(parts) > 1 and parts[0]:
        title, site = " | ".join(parts[:-1]), parts[-1]
    else:
        parts = _DASH_SUFFIX.split(title)
        if len(parts) > 1 and norm_words(parts[-1]) in outlets:
            title, site = " - ".join(parts[:-1]), parts[-1]
    return first_story, title, site, masthead


def _outlet(site: str | None, masthead: str | None, ev: _Evidence) -> str | None:
    name = site or masthead or (min(ev.outlet_ranked)[2] if ev.outlet_ranked else None)
    if ev.agency and name and norm_words(ev.agency) not in norm_words(name):
        return f"{name} ({ev.agency})"
    return name or ev.agency


def clean_text(text: str, path: str, overrides: CleaningOverrides, diags: Diagnostics,
               first_line: int = 1) -> CleanedText:
    """Clean a text capture (see the module docstring for the passes)."""
    memo: dict[str, tuple[Rule, re.Match[str]] | None] = {}

    def classify_unit(line: str) -> tuple[Rule, re.Match[str]] | None:
        # lines are classified once per capture (wrapped-block test, rules pass; menus repeat in header and footer)
        if line not in memo:
            memo[line] = classify(line)
        return memo[line]

    units = split_text(text, first_line, is_element=lambda line: classify_unit(line) is not None)
    keep_unmatched = apply_keep(units, overrides)
    ev = _Evidence()
    captions = _apply_rules(units, ev, classify_unit)
    _caption_pairs(units, captions)
    story = story_run(units)  # classification: where the story is (story.start: its first unit); nothing removed yet
    # Metadata (the one place for it): the header is read while the units before story.start are still kept.
    _, title, site, masthead = _detect_header(units, ev)
    apply_story(units, story)  # classification applied: outside the run removed, roles given inside it
    remove_unmatched = apply_remove(units, overrides)
    mark_duplicates(units, [(title, "metadata", "headline repeated")] if title else [],
                    far_min_words=DUPLICATE_FAR_MIN_WORDS)
    warn_unmatched("keep", keep_unmatched, units, path, diags)
    warn_unmatched("remove", remove_unmatched, units, path, diags)
    date = min(ev.dates) if ev.dates else None
    detected = DetectedMeta(
        title=title,
        date=date[2] if date else None,
        byline=ev.byline,
        outlet=_outlet(site, masthead, ev),
        url=ev.url,
        date_evidence=date[3] if date else None,
    )
    return finish(units, path, detected)


def clean_markdown(text: str, path: str, overrides: CleaningOverrides, diags: Diagnostics,
                   first_line: int = 1) -> CleanedText:
    """Markdown is written by the author: only split into paragraphs (source kept) and apply overrides."""
    units = split_markdown(text, first_line)
    keep_unmatched = apply_keep(units, overrides)
    remove_unmatched = apply_remove(units, overrides)
    warn_unmatched("keep", keep_unmatched, units, path, diags)
    warn_unmatched("remove", remove_unmatched, units, path, diags)
    return finish(units, path, DetectedMeta())
