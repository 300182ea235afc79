"""The order in which readers scan entities: timeline kinds by date, the others by a sort key (a person by
family name when the kind asks), grouped by a field when the kind names one."""

from __future__ import annotations

from collections.abc import Mapping

from briefgen.load.types import EntitySpec, KindDef
from briefgen.model.types import Entity

UNDATED = "\uffff"
"""Sorts after every date: undated entities of a timeline kind come last."""


def sort_key(spec: EntitySpec, kind: KindDef) -> str:
    """``sort_name`` if given; else the name, or for ``sort: family-name`` its last word first ("Sergei Lavrov"
    → "lavrov sergei"; a bracketed tail such as "(whole chain)" is not a name). Case-folded."""
    if spec.sort_name:
        return spec.sort_name.casefold()
    name = spec.name
    if kind.sort == "family-name":
        core, bracket, rest = name.partition(" (")
        words = core.split()
        if len(words) > 1:
            name = " ".join([words[-1], *words[:-1]]) + (bracket + rest if bracket else "")
    return name.casefold()


def entity_dates(spec: EntitySpec, kind: KindDef) -> tuple[str | None, str | None]:
    """The date (first day) and range end of an entity of a timeline kind, from its timeline field."""
    if not kind.timeline:
        return None, None
    fv = spec.field(kind.timeline)
    value = fv.value if fv is not None else None
    dates = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, tuple) else ()
    if not dates:
        return None, None
    return dates[0], (dates[-1] if len(dates) > 1 and dates[-1] != dates[0] else None)


def group_label(e: Entity, entities: Mapping[str, Entity]) -> str:
    """The value of the entity's ``group_by`` field as shown (a ref: the referenced entity's name); '' if none."""
    key = e.kind.group_by
    fv = e.spec.field(key) if key else None
    if fv is None or not isinstance(fv.value, str):
        return ""
    fd = e.kind.field(fv.key)
    if fd is not None and fd.type == "ref":
        target = entities.get(fv.value)
        return target.spec.name if target is not None else fv.value
    return fv.value


def display_order(entities: Mapping[str, Entity]) -> dict[str, tuple[str, ...]]:
    """Entity ids of each kind in display order: timeline kinds by date (undated last), then name; other kinds
    by group (named groups in alphabetical order, the ungrouped last), then sort key; ties by id."""
    by_kind: dict[str, list[Entity]] = {}
    for e in entities.values():
        by_kind.setdefault(e.kind.id, []).append(e)
    out = {}
    for kind, es in by_kind.items():
        if es[0].kind.timeline:
            es.sort(key=lambda e: (e.date or UNDATED, e.sort_key, e.spec.id))
        else:

            def key(e: Entity) -> tuple:
                group = group_label(e, entities).casefold()
                return (group == "", group, e.sort_key, e.spec.id)

            es.sort(key=key)
        out[kind] = tuple(e.spec.id for e in es)
    return dict(sorted(out.items()))


def adjacent(
    order: Mapping[str, tuple[str, ...]], entities: Mapping[str, Entity]
) -> dict[str, tuple[str | None, str | None]]:
    """For each dated entity of a timeline kind, the previous and next dated one of its kind."""
    out = {}
    for ids in order.values():
        dated = [i for i in ids if entities[i].date is not None]
        for n, i in enumerate(dated):
            out[i] = (dated[n - 1] if n else None, dated[n + 1] if n + 1 < len(dated) else None)
    return dict(sorted(out.items()))
