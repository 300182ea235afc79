"""PDF export: the print data of :mod:`briefgen.render.print`, typeset by Typst (thin adapter; with its child
process, :mod:`briefgen.emit.typstchild`, the only code that runs ``typst``).

- The data goes to Typst as a file, ``data.json``, in a private compile root (a fresh temporary folder) beside a
  copy of the print template folder (briefgen's ``templates/print/``, then the briefing's own on top). The template
  reads it with ``json("data.json")``: no text of the briefing is ever part of Typst source, and Typst can read
  nothing outside that root (no packages, no network).
- Typst runs in a child process (``python -I``, which imports nothing of briefgen; :mod:`briefgen.emit.typstchild`):
  the export's memory is given back when it ends, and the parent checks the fonts meanwhile
  (:mod:`briefgen.emit.fonts`).
- The PDF is tagged (PDF/UA-1), dated by the briefing's as-of date, and embeds its fonts. Two exports of the same
  input are byte-identical.
- A Typst error is reported at ``templates/print/FILE:LINE:COL`` with Typst's message; the PDF is written next to
  its destination and renamed into place, so a failed export never destroys an existing PDF.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from briefgen.cache import remove_orphans
from briefgen.diagnostics import Diagnostics, Span
from briefgen.emit.fonts import check_fonts
from briefgen.emit.project import BUILD_DIR
from briefgen.emit.typstchild import MAIN, PRINT_DIR, TYPST_VERSION, TypstChild, start_typst
from briefgen.render.print import PrintDocument, build_print

TMP_PREFIX = "."
"""Temporary files are hidden: ``.briefing.pdf.tmp-<pid>`` in the project's ``build/`` (or beside the output)."""
PDF_STANDARD = "ua-1"
"""Tagged PDF for accessibility (structure tree, /Lang, /MarkInfo, XMP pdfuaid)."""
STAGED_MIN_REFERENCES = 4000
"""From this many links, page references and note calls in the data, the PDF is compiled in stages (docs/pdf.md,
"Staged compiles"): one compile that settles them itself would need more than about 400 MiB (Typst keeps the
layouts of every pass; 6,600 of them took 584 MiB), the stages about 410 MiB at most for twice the CPU time."""
__all__ = ["MAIN", "PRINT_DIR", "TYPST_VERSION", "TypstChild", "Written", "export_pdf", "render_pdf", "start_typst"]


def display_path(path: Path, root: Path) -> str:
    """``path`` as shown to the user: relative to the briefing folder when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# -- the data, as JSON -----------------------------------------------------------------------------------------

_FIELDS: dict[type, tuple[tuple[str, object], ...]] = {}


def to_json(value: object, table: dict[int, str] | None = None, refs: list[str] | None = None) -> object:
    """``value`` (frozen dataclasses of :mod:`briefgen.render.print`) as JSON values, its strings translated by
    ``table`` when given. A field at its default (False, None, empty) is left out of a run, the most numerous
    record, and written everywhere else. ``refs`` receives the anchor of every link, page reference and note call
    of the runs."""
    if isinstance(value, str):
        return value.translate(table) if table else value
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [to_json(v, table, refs) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        spec = _FIELDS.get(cls)
        if spec is None:
            spec = _FIELDS[cls] = tuple((f.name, f.default) for f in fields(value))
        if cls.__name__ == "Run":
            if refs is not None:
                refs.extend(a for a in (value.link, value.page, value.note) if a)  # type: ignore[attr-defined]
            return {name: to_json(v, table) for name, default in spec if (v := getattr(value, name)) != default}
        return {name: to_json(getattr(value, name), table, refs) for name, _ in spec}
    return str(value)


def write_json(data: object, f, table: dict[int, str] | None = None, refs: list[str] | None = None) -> None:
    """``data`` (a dataclass) to ``f`` as JSON, a field or an element of a list field at a time: never the whole
    document as one tree of dicts in memory, and each piece through the C encoder. ``refs``: as for
    :func:`to_json`."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    f.write("{")
    for i, fld in enumerate(fields(data)):  # type: ignore[arg-type]
        value = getattr(data, fld.name)
        f.write(("," if i else "") + dumps(fld.name) + ":")
        if isinstance(value, tuple):
            f.write("[")
            for j, item in enumerate(value):
                f.write(("," if j else "") + dumps(to_json(item, table, refs)))
            f.write("]")
        else:
            f.write(dumps(to_json(value, table, refs)))
    f.write("}")


# -- the compile root ----------------------------------------------------------------------------------------------


def _copy_templates(doc: PrintDocument, dest: Path, diags: Diagnostics) -> None:
    """The print template folders merged into ``dest`` (the briefing's files win). A file that resolves outside
    its folder (a symlink to elsewhere) is left out, with a warning."""
    dest.mkdir(parents=True)
    for folder in doc.template_dirs:
        base = folder.resolve()
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts) or path.is_dir():
                continue
            real = path.resolve()
            if not real.is_relative_to(base) or not real.is_file():
                diags.warning(
                    Span((PRINT_DIR / rel).as_posix()),
                    "pdf-resource-refused",
                    f"not copied for the PDF: '{(PRINT_DIR / rel).as_posix()}' leads outside templates/print/",
                    "the PDF reads only the files inside templates/print/; copy the file there instead of a link",
                )
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(real, target)


@dataclass(frozen=True)
class Written:
    """A PDF written by :func:`export_pdf`."""

    path: Path
    """Where it was written."""
    pages: int
    """Its number of pages."""


def export_pdf(
    root: Path,
    compiled,
    diags: Diagnostics,
    output: Path,
    pack: str | None,
    *,
    strict: bool = False,
    typst: TypstChild | None = None,
) -> Written | None:
    """Write the briefing (or ``pack``) of ``compiled`` (a :class:`briefgen.build.Compiled`) as a PDF to ``output``.
    None when it could not be written (problems in ``diags``). ``typst``: a child started earlier
    (:func:`start_typst`, so that its start-up overlaps the build), else one is started now; either is ended here.

    The file is first written to a temporary file and renamed into place, so a failed or killed export leaves an
    existing PDF untouched (see :func:`_move_atomically`).
    """
    child = typst or TypstChild()  # starts now: Typst's start-up and font scan overlap the print data
    try:
        if compiled.model is None:
            return None
        output = Path(output)
        shown = display_path(output, root)
        first_new = len(diags.items)
        doc = build_print(compiled.model, root, diags, pack)
        result = render_pdf(doc, child.work, diags, child) if doc is not None else None
        if result is None:
            return None
        pdf, pages = result
        if any(d.severity.value == "error" or strict for d in diags.items[first_new:]):
            return None
        if not _move_atomically(pdf, output, root / BUILD_DIR, diags, shown):
            return None
        return Written(output, pages)
    finally:
        child.close()


def render_pdf(
    doc: PrintDocument, work: Path, diags: Diagnostics, typst: TypstChild | None = None, staged: bool | None = None
) -> tuple[Path, int] | None:
    """Compile ``doc`` in the private folder ``work`` (with ``typst``, or a child started now): the PDF's path there
    and its page count, or None (the problem in ``diags``). ``staged``: compile in stages (None: when the data has
    at least :data:`STAGED_MIN_REFERENCES` references)."""
    own = typst is None
    child = typst or TypstChild(work)
    try:
        _copy_templates(doc, child.print_dir, diags)
        # characters no font has (warned about, per entity) print as U+FFFD: a tagged PDF/UA-1 file may not
        # contain a character without its glyph, and Typst refuses to write one
        missing = check_fonts(doc, diags)
        refs: list[str] = []
        with open(child.print_dir / "data.json", "w", encoding="utf-8") as f:
            write_json(doc.data, f, dict.fromkeys(map(ord, missing), "\ufffd"), refs)
        if staged is None:
            staged = len(refs) >= STAGED_MIN_REFERENCES
        child.start(PDF_STANDARD, int(doc.created.timestamp()), sorted(set(refs)) if staged else None)
        answer, errors = child.answer()
    finally:
        if own:
            child.close()
    if "missing" in answer:
        diags.error(
            Span(doc.template_path),
            "pdf-unavailable",
            f"the PDF export needs the Python package typst {'.'.join(map(str, TYPST_VERSION))}.x "
            f"({answer['missing']})",
            "install it with: pip install 'briefgen[pdf]'",
        )
        return None
    if "error" in answer:
        _report(answer["error"], doc, diags, error=True)
        return None
    if child.process.returncode != 0 or "warnings" not in answer or not child.output.is_file():
        diags.error(
            Span(doc.template_path),
            "pdf-render",
            f"Typst stopped without a PDF (exit status {child.process.returncode}): {errors}",
            "if you override templates/print/, try without your override; otherwise please report this",
        )
        return None
    for w in answer["warnings"]:
        _report(w, doc, diags, error=False)
    return child.output, count_pages(child.output)


_WHERE = re.compile(r"┌─ (.+?):(\d+):(\d+)")


def _report(d: dict, doc: PrintDocument, diags: Diagnostics, *, error: bool) -> None:
    """A Typst diagnostic at its place in the print template (``templates/print/FILE:LINE:COL``)."""
    where = _WHERE.search(d.get("diagnostic") or "")
    span = Span(doc.template_path)
    if where:
        path = where.group(1).replace("\\", "/")
        mark = PRINT_DIR.as_posix() + "/"
        shown = mark + path.split(mark, 1)[1] if mark in path else path.rsplit("/", 1)[-1]
        span = Span(shown, int(where.group(2)), int(where.group(3)))
    hints = [h for h in d.get("hints") or [] if h]
    hint = (
        "; ".join(hints)
        if hints
        else ("fix the print template, or delete your override of it to use briefgen's (see docs/pdf.md)")
    )
    message = f"print template: {d.get('message', '')}"
    if error:
        diags.error(span, "template", message, hint)
    else:
        diags.warning(span, "pdf-typst", message, hint)


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def count_pages(pdf: Path) -> int:
    """The number of pages of a PDF Typst wrote (its page objects are never in compressed object streams)."""
    return len(_PAGE.findall(pdf.read_bytes()))


def _move_atomically(pdf: Path, output: Path, scratch: Path, diags: Diagnostics, shown: str) -> bool:
    """``pdf`` copied to a temporary file, then renamed over ``output``: ``output`` is never half-written. The
    temporary file is in ``scratch`` (the project's ``build/``) when that is on the same file system as
    ``output``: an export killed while copying then leaves nothing in the folder it publishes into (``site/``).
    Else it is beside ``output``. Either way the next export removes what a killed one left."""
    name = f"{TMP_PREFIX}{output.name}.tmp-"
    tmp = output.with_name(f"{name}{os.getpid()}")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            scratch.mkdir(parents=True, exist_ok=True)
            if os.stat(scratch).st_dev == os.stat(output.parent).st_dev:
                tmp = scratch / tmp.name
        except OSError:
            pass  # no build/ to write in: beside the output
        for folder in {tmp.parent, output.parent}:  # what killed exports left (beside the output: older versions)
            remove_orphans(folder, f"{name}*")
        with open(pdf, "rb") as src, open(tmp, "wb") as f:
            shutil.copyfileobj(src, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, output)
        return True
    except OSError as exc:
        diags.error(
            Span(shown),
            "pdf-write",
            f"cannot write the PDF: {exc.strerror or exc}",
            "check that the folder exists and is writable, and that the path is not a folder",
        )
        return False
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass
