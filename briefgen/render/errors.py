"""Where a template failed: errors in templates (briefgen's page templates, the print template, theme overrides)
are the author's input, so they are reported at the template's file and line, never as a traceback."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_SUFFIXES = (".j2", ".html", ".htm", ".xml", ".css", ".md", ".txt")


@dataclass(frozen=True)
class TemplateFault:
    """A template that could not be compiled or rendered."""

    file: str
    """Path of the template file as Jinja knows it (absolute for templates loaded from folders), or its name."""
    line: int
    """Line in that file (1 when unknown)."""
    message: str
    """What went wrong, in Jinja's words (e.g. ``'page' is undefined``)."""
    missing: str = ""
    """For a template that was not found: its name."""


def template_fault(exc: BaseException, prefer: tuple[Path, ...] = ()) -> TemplateFault | None:
    """Locate ``exc`` raised while compiling or rendering a Jinja template; None when it is not a template error
    and no template frame is on its traceback.

    Jinja rewrites tracebacks so that frames of compiled templates carry the template's file and line. The
    innermost frame inside one of the ``prefer`` folders (the author's templates) is chosen, else the innermost
    template frame: an error surfacing in a theme's own template usually comes from what an override gave it."""
    import jinja2

    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateFault(exc.filename or exc.name or "?", exc.lineno or 1, message)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(TEMPLATE_SUFFIXES)]
    missing = ""
    if isinstance(exc, jinja2.TemplateNotFound):
        missing = str(exc.name or "")
        message = f"template '{missing}' not found"
    if not frames:
        if isinstance(exc, jinja2.TemplateError):
            return TemplateFault("?", 1, message, missing)
        return None
    roots = [p.resolve() for p in prefer]

    def preferred(f: traceback.FrameSummary) -> bool:
        try:
            path = Path(f.filename).resolve()
        except OSError:
            return False
        return any(path.is_relative_to(r) for r in roots)

    chosen = next((f for f in reversed(frames) if preferred(f)), frames[-1])
    return TemplateFault(chosen.filename, chosen.lineno or 1, message, missing)
