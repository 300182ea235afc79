"""The author's ``cleaning: {keep: [...], remove: [...]}`` corrections, matched by paragraph start.

An entry matches every unit whose text starts with it, ignoring case, runs of whitespace and the difference
between typographic and plain quotes and dashes. ``keep`` wins over every automatic rule and over ``remove``.
An entry that matches nothing is a warning (``cleaning-unmatched``) naming the closest paragraph start.
"""

from __future__ import annotations

import difflib

from briefgen.clean.types import CleaningOverrides
from briefgen.clean.units import Unit, norm_prefix
from briefgen.diagnostics import Diagnostics, Span

REMOVED_BY_ANNOTATION = "removed by annotation"


def _matches(units: list[Unit], entry: str) -> list[Unit]:
    prefix = norm_prefix(entry)
    if not prefix:
        return []
    return [u for u in units if norm_prefix(u.text[: len(entry) * 4 + 64]).startswith(prefix)]


def apply_keep(units: list[Unit], overrides: CleaningOverrides) -> list[tuple[str, Span]]:
    """Mark the units named by ``keep`` as forced kept (before the rules run); return the unmatched entries."""
    unmatched = []
    for entry, span in overrides.keep:
        found = _matches(units, entry)
        for u in found:
            u.forced_keep = True
            u.category = u.reason = None
            u.dup_of = None
        if not found:
            unmatched.append((entry, span))
    return unmatched


def apply_remove(units: list[Unit], overrides: CleaningOverrides) -> list[tuple[str, Span]]:
    """Remove the units named by ``remove`` (after the rules ran); return the unmatched entries."""
    unmatched = []
    for entry, span in overrides.remove:
        found = _matches(units, entry)
        for u in found:
            if not u.forced_keep:
                u.category, u.reason, u.dup_of = "override", REMOVED_BY_ANNOTATION, None
        if not found:
            unmatched.append((entry, span))
    return unmatched


def warn_unmatched(
    kind: str, unmatched: list[tuple[str, Span]], units: list[Unit], path: str, diags: Diagnostics
) -> None:
    """One ``cleaning-unmatched`` warning per entry that matched no paragraph, with the closest start as hint."""
    if not unmatched:
        return
    for entry, span in unmatched:
        if not norm_prefix(entry):
            diags.warning(
                span,
                "cleaning-unmatched",
                f"empty cleaning.{kind} entry matches no paragraph",
                "write the first words of the paragraph, or delete the entry",
            )
            continue
        n = len(entry)
        starts = {u.text[:n]: u for u in units}
        close = difflib.get_close_matches(entry, list(starts), n=1, cutoff=0.6)
        if close:
            u = starts[close[0]]
            hint = f"did you mean '{_short(u.text, max(n + 20, 40))}'? (paragraph at {path}:{u.line})"
        else:
            hint = (
                f"an entry must be the start of a paragraph of {path} as captured "
                "(case, spacing and typographic quotes are ignored)"
            )
        diags.warning(
            span, "cleaning-unmatched", f"cleaning.{kind} entry '{_short(entry)}' matches no paragraph of {path}", hint
        )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
