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
5. metadata (:mod:`briefgen.clean.meta`): headline, date, byline and outlet read around the first story-like
   paragraph, before the story run is applied; their lines (headline, byline, dateline, masthead) are removed as
   metadata;
6. ``cleaning.remove`` overrides;
7. exact and near duplicates (the later copy goes; a repeat of the headline is metadata; a short line the story
   repeats far from its first copy, or any text printed three times or more, stays).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefgen.clean.classify import apply_story, story_run
from briefgen.clean.dedup import mark_duplicates
from briefgen.clean.meta import is_metadata_line, read_metadata
from briefgen.clean.overrides import apply_keep, apply_remove, warn_unmatched
from briefgen.clean.rules import CAPTION_LABEL, REGION_CONTINUES, Rule, classify, is_story_like
from briefgen.clean.types import CleanedText, CleaningOverrides, DetectedMeta
from briefgen.clean.units import Unit, finish, norm_words, split_markdown, split_text
from briefgen.diagnostics import Diagnostics

DUPLICATE_FAR_MIN_WORDS = 20
"""A repeated line shorter than this is removed only next to its first copy (a page printing it twice); a text
printed three times or more is the story's own structure (see :func:`briefgen.clean.dedup.mark_duplicates`)."""


def _apply_rules(
    units: list[Unit], classify_unit: Callable[[str], tuple[Rule, re.Match[str]] | None] = classify
) -> dict[int, str]:
    """Pass 2: the rule table and promotional regions. Returns caption texts without their credits, by index."""
    region: Rule | None = None
    story_seen = False
    captions: dict[int, str] = {}
    for i, u in enumerate(units):
        hit = classify_unit(u.text)
        if hit is not None:
            rule, m = hit
            u.rule = rule.name
            u.remove(rule.category, rule.reason)
            if rule.name == "photo-credit" and u.forced_keep:
                u.role = "caption"  # kept by the author, still a caption
            if rule.region and story_seen:
                region = rule
            if rule.name == "photo-credit":
                captions[i] = u.text[: m.start()]
            continue
        if region is not None and REGION_CONTINUES[region.region](u.text):  # type: ignore[index]
            u.remove(region.category, region.reason)
            continue
        region = None
        story_seen = story_seen or is_story_like(u.text)
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


def clean_text(
    text: str, path: str, overrides: CleaningOverrides, diags: Diagnostics, first_line: int = 1
) -> CleanedText:
    """Clean a text capture (see the module docstring for the passes)."""
    memo: dict[str, tuple[Rule, re.Match[str]] | None] = {}

    def classify_unit(line: str) -> tuple[Rule, re.Match[str]] | None:
        # lines are classified once per capture (wrapped-block test, rules pass; menus repeat in header and footer)
        if line not in memo:
            memo[line] = classify(line)
        return memo[line]

    units = split_text(
        text, first_line, is_element=lambda line: classify_unit(line) is not None or is_metadata_line(line)
    )
    keep_unmatched = apply_keep(units, overrides)
    captions = _apply_rules(units, classify_unit)
    _caption_pairs(units, captions)
    story = story_run(units)  # classification: where the story is (story.start: its first unit); nothing removed yet
    # Metadata (the one place for it): read while the units before the story run are still kept.
    first_story = next((i for i, u in enumerate(units) if u.kept and is_story_like(u.text)), len(units))
    meta = read_metadata(units, first_story, path)
    for line in meta.lines:
        units[line.index].remove("metadata", line.reason)
    title = meta.detected.title
    apply_story(units, story)  # classification applied: outside the run removed, roles given inside it
    remove_unmatched = apply_remove(units, overrides)
    mark_duplicates(
        units, [(title, "metadata", "headline repeated")] if title else [], far_min_words=DUPLICATE_FAR_MIN_WORDS
    )
    warn_unmatched("keep", keep_unmatched, units, path, diags)
    warn_unmatched("remove", remove_unmatched, units, path, diags)
    return finish(units, path, meta.detected)


def clean_markdown(
    text: str, path: str, overrides: CleaningOverrides, diags: Diagnostics, first_line: int = 1
) -> CleanedText:
    """Markdown is written by the author: only split into paragraphs (source kept) and apply overrides."""
    units = split_markdown(text, first_line)
    keep_unmatched = apply_keep(units, overrides)
    remove_unmatched = apply_remove(units, overrides)
    warn_unmatched("keep", keep_unmatched, units, path, diags)
    warn_unmatched("remove", remove_unmatched, units, path, diags)
    return finish(units, path, DetectedMeta())
