"""An entity's kind fields formatted as infobox rows: one formatter for the site's pages and the PDF.

Each output links differently (a relative URL on the site; an internal "(p. N)" reference, the published site or
plain text in the PDF), so the caller passes its :class:`FieldLinks`; everything else — which fields, in which
order, how numbers, dates, roles and names read, what is escaped — is decided here once.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, Protocol

from markupsafe import Markup

from briefgen.diagnostics import Span
from briefgen.load.types import FieldDef
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


LONG_TEXT = 160
"""A text field longer than this many characters reads as prose: :func:`field_rows` with ``split`` leaves it (and
every Markdown field) to :func:`body_fields`, under its label in the page's body rather than in the infobox."""


def in_body(fd: FieldDef, value: Any) -> bool:
    """Whether a field's value is prose shown in the body (with ``split``) rather than in the infobox."""
    return fd.type == "markdown" or (fd.type == "text" and isinstance(value, str) and len(value) > LONG_TEXT)


def body_fields(e: Entity, links: FieldLinks) -> list[InfoRow]:
    """The prose fields :func:`field_rows` leaves out with ``split`` (e.g. how a date was established, an
    outcome), in the kind's order, each with its label: the page shows them after the summary."""
    rows = []
    for fd in e.kind.fields:
        fv = e.spec.field(fd.key)
        if fv is None or not in_body(fd, fv.value):
            continue
        value = (
            links.markdown(str(fv.value), fv.span, e.spec.id)
            if fd.type == "markdown"
            else Markup("<p>") + esc(str(fv.value)) + Markup("</p>")
        )
        rows.append(InfoRow(fd.label, value))
    return rows


def fmt_years(start: str | None, end: str | None) -> str:
    """The years of a role: ``2000–2008``, ``since 2012``, ``until 2008``, ``2012``."""
    a, b = (start or "")[:4], (end or "")[:4]
    if a and b:
        return a if a == b else f"{a}\u2013{b}"
    return f"since {a}" if a else f"until {b}" if b else ""


def field_rows(
    e: Entity, links: FieldLinks, css: str = "", split: bool = False, name_of: Callable[[str], str | None] | None = None
) -> list[InfoRow]:
    """ "Also called" (the aliases other than the name), then every field of the entity's kind that it sets, in the
    kind's order. ``css`` prefixes the class names of the parts a stylesheet may style (``roles``, ``dates``,
    ``side``). ``split``: prose fields are left to :func:`body_fields`. ``name_of``: an entity's name, so that a
    role whose title already names its organisation ("President of Russia") does not name it again."""
    rows = []
    others = [a.text for a in e.spec.aliases if a.text != e.spec.name]
    if others:
        rows.append(InfoRow("Also called", esc(", ".join(others))))
    for fd in e.kind.fields:
        fv = e.spec.field(fd.key)
        if fv is None:
            continue
        v: Any = fv.value  # which of the payloads it is, the field's type says
        if split and in_body(fd, v):
            continue
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
                org = name_of(role.org) if role.org and name_of is not None else None
                if role.org and (org is None or org not in role.title):
                    text += Markup(" (") + links.entity(role.org) + Markup(")")
                years = fmt_years(role.start, role.end)
                if years:
                    text += Markup(f', <span class="{css}dates">') + esc(years) + Markup("</span>")
                if role.side and role.side not in role.title and role.side != org:
                    text += Markup(f' <span class="{css}side">[') + esc(role.side) + Markup("]</span>")
                items.append(Markup("<li>") + text + Markup("</li>"))
            value = Markup(f'<ul class="{css}roles">') + Markup("").join(items) + Markup("</ul>")
        elif fd.type == "names":
            value = Markup("<br> ").join(Markup(f"{html.escape(side)}: <b>{html.escape(name)}</b>") for side, name in v)
        elif fd.type == "coordinates":
            value = esc(fmt.fmt_coordinates(*v))
        else:  # text, and any type added later: shown as written
            value = esc(str(v))
        rows.append(InfoRow(fd.label, value))
    return rows
