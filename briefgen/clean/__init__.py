"""The clean stage: a capture's text → story paragraphs, a record of what was removed, and detected metadata.

Entry point: :func:`clean_capture`. The rules are described in ``docs/cleaning.md``.
"""

from __future__ import annotations

from typing import Literal

from briefgen.clean.types import CleanedText, CleaningOverrides, DetectedMeta, Paragraph, Removal
from briefgen.diagnostics import Diagnostics, Span

__all__ = ["CleanedText", "CleaningOverrides", "DetectedMeta", "Paragraph", "Removal", "clean_capture"]


def clean_capture(
    text: str,
    fmt: Literal["txt", "html", "md"],
    path: str,
    overrides: CleaningOverrides,
    diags: Diagnostics,
    *,
    first_line: int = 1,
) -> CleanedText:
    """Clean one capture.

    ``text`` is the decoded capture (for ``md``: the body after the front matter, which starts at line
    ``first_line`` of the file); ``path`` is the POSIX path used in spans. Problems are added to ``diags``
    (``cleaning-unmatched`` warnings, ``capture-unreadable`` errors); this function never raises.
    """
    try:
        if fmt == "html":
            from briefgen.clean.html import clean_html

            return clean_html(text, path, overrides, diags)
        from briefgen.clean.text import clean_markdown, clean_text

        if fmt == "md":
            return clean_markdown(text, path, overrides, diags, first_line)
        return clean_text(text, path, overrides, diags, first_line)
    except RecursionError:
        reason = "the capture is nested too deeply"
    except Exception as exc:  # a bug must not stop the whole build: report it at the capture
        reason = f"internal error while cleaning ({type(exc).__name__}: {exc})"
    diags.error(
        Span(path),
        "capture-unreadable",
        f"the capture could not be cleaned: {reason}",
        "please report this capture to the briefgen maintainers",
    )
    return CleanedText((), (), DetectedMeta())
