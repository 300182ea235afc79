"""Suggestions as text for a terminal, or as YAML for tools (``briefgen suggest --format``)."""

from __future__ import annotations

import re

import yaml

from briefgen.suggest.types import Place, Suggestions

MAX_PLACES = 3
"""Places shown per suggestion in the text format (the YAML lists them all)."""


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    """Article text for a terminal: control characters (escape sequences) shown as U+FFFD."""
    return _CONTROLS.sub("\ufffd", text)


def _clip(text: str, n: int = 160) -> str:
    text = " ".join(_safe(text).split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _where(p: Place) -> str:
    return f"{p.span.path}:{p.span.line} (\u00b6{p.paragraph})"


def _indent(text: str, by: str) -> str:
    return "".join(by + line + "\n" for line in text.rstrip("\n").split("\n"))


def as_text(s: Suggestions, limit: int | None = None) -> str:
    """A report for a reader: each kind under a heading, ranked, with places and a stub to paste."""
    out: list[str] = []
    names = s.names[:limit] if limit else s.names
    out.append(
        f"Names no alias covers ({len(s.names)}{f', top {len(names)} shown' if len(names) < len(s.names) else ''})"
        " \u2014 paste a stub into content/entities/*.yml:"
    )
    for i, n in enumerate(names, 1):
        kind = n.kind or "no kind fits"
        out.append(
            f"{i:>3}. {_safe(n.name)}  [{n.role}, kind {kind}; {n.count}\u00d7 in {n.articles} article"
            f"{'s' if n.articles != 1 else ''}]"
        )
        for p in n.places[:MAX_PLACES]:
            out.append(f"       {_where(p)}: {_clip(p.sentence)}")
        if len(n.places) > MAX_PLACES:
            out.append(f"       \u2026 and {len(n.places) - MAX_PLACES} more")
        out.append(_indent(n.stub(), "       ").rstrip("\n"))
    out.append("")
    out.append(
        f"Near-misses of known aliases ({len(s.near_misses)}) \u2014 add as an alias, or note a misspelling "
        "in the source:"
    )
    for near in s.near_misses:
        out.append(
            f"  - '{_safe(near.text)}' is nearly '{near.alias}' ({near.entity}, {near.similarity:.0f} % alike), "
            f"{len(near.places)}\u00d7"
        )
        for p in near.places[:MAX_PLACES]:
            out.append(f"       {_where(p)}: {_clip(p.sentence)}")
        out.append(f"       add under {near.entity}'s aliases:")
        out.append(_indent(near.stub(), "     ").rstrip("\n"))
    out.append("")
    out.append(
        f"Quotes of known entities not yet annotated ({len(s.quotes)}) \u2014 add under 'quotes:' of the "
        "article's .yml:"
    )
    for q in s.quotes:
        out.append(f"  - {_where(q.place)} ({q.source}), speaker from \u201c{_clip(q.how)}\u201d:")
        out.append(_indent(q.stub(), "     ").rstrip("\n"))
    out.append("")
    out.append(
        f"Figures near entities not yet annotated ({len(s.facts)}) \u2014 add under 'facts:' of the "
        "article's .yml (check subject and property):"
    )
    for f in s.facts:
        out.append(f"  - {_where(f.place)} ({f.source}):")
        out.append(_indent(f.stub(), "     ").rstrip("\n"))
    return "\n".join(out) + "\n"


def _place(p: Place) -> dict:
    return {
        "file": p.span.path,
        "line": p.span.line,
        "paragraph": p.paragraph,
        "article": p.article,
        "sentence": p.sentence,
    }


def as_yaml(s: Suggestions) -> str:
    """Every suggestion with all its places, as YAML (stubs as text to paste)."""
    data = {
        "names": [
            {
                "id": n.id,
                "kind": n.kind,
                "role": n.role,
                "name": n.name,
                "aliases": list(n.aliases),
                "count": n.count,
                "articles": n.articles,
                "score": n.score,
                "places": [_place(p) for p in n.places],
                "stub": n.stub(),
            }
            for n in s.names
        ],
        "near_misses": [
            {
                "text": n.text,
                "entity": n.entity,
                "alias": n.alias,
                "similarity": n.similarity,
                "places": [_place(p) for p in n.places],
                "stub": n.stub(),
            }
            for n in s.near_misses
        ],
        "quotes": [
            {
                "speaker": q.speaker,
                "text": q.text,
                "source": q.source,
                "how": q.how,
                "place": _place(q.place),
                "stub": q.stub(),
            }
            for q in s.quotes
        ],
        "facts": [
            {
                "subject": f.subject,
                "property": f.property,
                "value": f.value,
                "quote": f.quote,
                "source": f.source,
                "place": _place(f.place),
                "stub": f.stub(),
            }
            for f in s.facts
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
