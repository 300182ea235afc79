"""An entity's kind fields formatted as infobox rows: one formatter for the site's pages and the PDF.

Each output links differently (a relative URL on the site; an internal "(p. N)" reference, the published site or
plain text in the PDF), so the caller passes its :class:`FieldLinks`; everything else — which fields, in which
order, how numbers, dates, roles and names read, what is escaped — is decided here once.
"""

from __future__ import annotations

import html
from typing import Any, Protocol

from markupsafe import Markup

from briefgen.diagnostics import Span
from briefgen.model.types import Entity
from briefgen.render import format as fmt
from briefgen.render.views import InfoRow, esc


class FieldLinks(Protocol):
    """How one output shows what a field refers to."""

    def entity(self, eid: str) -> Markup:
        """A reference to the entity ``eid`` (a link where the output has one)."""
        ...

    def url(self, url: str) -> Markup:
        """An outside address (``url`` fields)."""
        ...

    def markdown(self, text: str, span: Span, entity: str) -> Markup:
        """Author Markdown of a ``markdown`` field of the entity ``entity``, written at ``span``."""
        ...


def field_rows(e: Entity, links: FieldLinks, css: str = "") -> list[InfoRow]:
    """"Also called" (the aliases other than the name), then every field of the entity's kind that it sets, in the
    kind's order. ``css`` prefixes the class names of the parts a stylesheet may style (``roles``, ``dates``,
    ``side``)."""
    rows = []
    others = [a.text for a in e.spec.aliases if a.text != e.spec.name]
    if others:
        rows.append(InfoRow("Also called", esc(", ".join(others))))
    for fd in e.kind.fields:
        fv = e.spec.field(fd.key)
        if fv is None:
            continue
        v: Any = fv.value  # which of the payloads it is, the field's type says
        if fd.type == "markdown":
            value = links.markdown(v, fv.span, e.spec.id)
        elif fd.type == "url":
            value = links.url(v)
        elif fd.type == "number":
            value = esc(fmt.fmt_number(v, fd.unit))
        elif fd.type == "date":
            value = esc(fmt.fmt_date(v))
        elif fd.type == "dates":
            value = esc(fmt.fmt_range(v[0], v[-1] if len(v) > 1 else None))
        elif fd.type in ("ref", "refs"):
            ids = (v,) if fd.type == "ref" else v
            value = Markup(", ").join(links.entity(i) for i in ids)
        elif fd.type == "roles":
            items = []
            for role in v:
                text = esc(role.title)
                if role.org:
                    text += Markup(" (") + links.entity(role.org) + Markup(")")
                if role.start or role.end:
                    span = (f"{fmt.fmt_date(role.start) if role.start else '?'} \u2013 "
                            f"{fmt.fmt_date(role.end) if role.end else ''}").strip()
                    text += Markup(f', <span class="{css}dates">') + esc(span) + Markup("</span>")
                if role.side:
                    text += Markup(f' <span class="{css}side">[') + esc(role.side) + Markup("]</span>")
                items.append(Markup("<li>") + text + Markup("</li>"))
            value = Markup(f'<ul class="{css}roles">') + Markup("").join(items) + Markup("</ul>")
        elif fd.type == "names":
            value = Markup("<br>").join(Markup(f"{html.escape(side)}: <b>{html.escape(name)}</b>") for side, name in v)
        elif fd.type == "coordinates":
            value = esc(fmt.fmt_coordinates(*v))
        else:  # text, and any type added later: shown as written
            value = esc(str(v))
        rows.append(InfoRow(fd.label, value))
    return rows
