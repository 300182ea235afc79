"""Does every character of the PDF have a font? One warning per entity (or article) whose text has characters
no installed font draws, at the entity's place in ``content/`` — instead of empty boxes in the PDF.

Typst draws a character with the first font of the template's list that has it, else with any installed font
that has it (fallback); a character no font has prints as an empty box, silently. So the check is: the
characters of the print data against the character maps of the fonts Typst can use (the system's font folders
and the print template folder). Font files are read lazily, the template's own families first, and only until
every character is found: for Latin text that is one file.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from briefgen.diagnostics import Diagnostics, Span
from briefgen.render.print import PrintDocument
from briefgen.render.printdata import Block, Run

PREFERRED = ("DejaVuSerif", "DejaVuSans", "NotoSerifCJK", "NotoSansCJK", "NotoSerif", "NotoSans")
"""File-name starts of the families the default template names (docs/pdf.md, "Fonts"): read first."""
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
"""Where fontconfig (and Typst's font search) finds the system's fonts on Linux."""
SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}

_COVERAGE: dict[tuple[str, int, int], frozenset[int]] = {}
"""Characters of each font file read so far, by (path, size, modification time): what a file holds."""


def font_files(extra: tuple[Path, ...]) -> list[Path]:
    """Font files Typst can use, the template's families first."""
    files: list[Path] = []
    for d in (*extra, *(Path(os.path.expanduser(x)) for x in FONT_DIRS)):
        if d.is_dir():
            files.extend(p for p in d.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())

    def rank(p: Path) -> tuple[int, str]:
        name = p.name.replace(" ", "").replace("-", "")
        first = next((i for i, fam in enumerate(PREFERRED) if name.startswith(fam)), len(PREFERRED))
        return first, p.name

    return sorted(dict.fromkeys(files), key=rank)


def _coverage(path: Path) -> frozenset[int]:
    st = path.stat()
    key = (str(path), st.st_size, int(st.st_mtime))
    if key not in _COVERAGE:
        try:
            from fontTools.ttLib import TTFont

            font = TTFont(path, lazy=True, fontNumber=0)
            cmap = font["cmap"].getBestCmap() or {}
            _COVERAGE[key] = frozenset(cmap)
            font.close()
        except Exception:  # a broken or unusual font file: Typst skips it too
            _COVERAGE[key] = frozenset()
    return _COVERAGE[key]


def missing_characters(chars: set[str], fonts: list[Path]) -> set[str]:
    """The characters of ``chars`` no file of ``fonts`` has."""
    left = {ord(c) for c in chars if _needs_font(c)}
    for f in fonts:
        if not left:
            break
        left -= _coverage(f)
    return {chr(c) for c in left}


def _needs_font(c: str) -> bool:
    return unicodedata.category(c)[0] not in "CZ"  # not a control, format or space character


def check_fonts(doc: PrintDocument, diags: Diagnostics) -> set[str]:
    """Warn, per entity and per article, about characters no installed font can print; those characters."""
    texts = list(_texts(doc))
    chars: set[str] = set()
    for _, text in texts:
        chars.update(text)
    if all(ord(c) < 0x250 for c in chars):  # Latin: every template font has it (DejaVu, Typst's own Libertinus)
        return set()
    try:
        import fontTools  # noqa: F401  (a dependency of the pdf extra)
    except ImportError:
        return set()
    missing = missing_characters(chars, font_files(tuple(doc.template_dirs)))
    if not missing:
        return set()
    for span, text in texts:
        lacking = sorted(set(text) & missing)
        if not lacking:
            continue
        scripts = sorted({_script(c) for c in lacking})
        sample = "".join(lacking[:8])
        diags.warning(
            span,
            "pdf-font",
            f"no installed font has {len(lacking)} character(s) of this text "
            f"({', '.join(scripts)}: {sample}); the PDF prints \ufffd for each",
            "install a font for them (Debian: apt-get install fonts-noto-cjk for Chinese, Japanese and "
            "Korean) or put one in templates/print/fonts/ (see docs/pdf.md, 'Fonts')",
        )
    return missing


def _script(c: str) -> str:
    name = unicodedata.name(c, "")
    return name.split(" ")[0].title() if name else f"U+{ord(c):04X}"


def _texts(doc: PrintDocument) -> Iterator[tuple[Span, str]]:
    """The text of each entity's section and each article's, with where it is written."""
    data = doc.data
    spans = dict(doc.entity_spans)
    for kind in data.kinds:
        for e in kind.entities:
            parts = [e.name]
            parts += [r.label + _runs(r.value) for r in e.infobox]
            parts += [_blocks(e.summary)]
            parts += [f.property + f.value + (f.quote or "") for f in e.facts]
            parts += [q.text + (q.context or "") for q in e.quotes]
            yield spans.get(e.id, Span(doc.template_path)), "".join(parts)
    articles = dict(doc.article_spans)
    for a in data.articles:
        parts = [a.title, _blocks(a.notes)]
        parts += [_runs(r.value) for r in a.meta]
        parts += [_runs(p.runs) + _blocks(p.blocks) for p in a.paragraphs]
        yield articles.get(a.slug, Span(doc.template_path)), "".join(parts)
    yield Span(doc.overview_path), _blocks(data.overview)
    yield (
        Span("content/briefing.yml"),
        "".join([data.doc.title, data.doc.subtitle or "", data.doc.marking or "", *data.doc.authors]),
    )


def _runs(runs: tuple[Run, ...]) -> str:
    return "".join(r.text for r in runs)


def _blocks(blocks: tuple[Block, ...]) -> str:
    out = []
    for b in blocks:
        out.append(_runs(b.runs))
        for item in b.items:
            out.append(_blocks(item))
        out.append(_blocks(b.children))
    return "".join(out)
