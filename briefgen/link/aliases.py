"""What an alias matcher is built from, and where a change of aliases can change what it finds.

Both caches that keep results of a matcher use these: the link step's mentions (:mod:`briefgen.stagecache`) and
the pages whose Markdown was searched for mentions (:class:`briefgen.render.pages.RenderedPage`). A matcher decides
each place of a text from the aliases of those words alone, so a result found before a change of aliases stands
wherever the :func:`alias_probe` of the changed ones finds nothing.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Iterable

from briefgen.link.matcher import AliasTarget, Matcher
from briefgen.load.types import Alias, EntitySpec

ALIAS_FIELDS = operator.attrgetter(
    "text", *(f.name for f in dataclasses.fields(Alias) if f.name not in ("text", "span"))
)
"""Every field of an :class:`Alias` but where it is written, its text first."""


def alias_table(entities: Iterable[EntitySpec], unlinked: frozenset[str] | None = None) -> tuple:
    """What an alias matcher is built from, entity by entity, in order: ``(id, ((text, case, ambiguous, …),
    …))`` for each :class:`EntitySpec` of ``entities`` — every field of each alias but its place, and with
    ``unlinked`` (the link stage's matcher) whether the alias is left out as shared with another entity."""
    if unlinked is None:
        return tuple((e.id, tuple(ALIAS_FIELDS(a) for a in e.aliases)) for e in entities)
    return tuple((e.id, tuple((*ALIAS_FIELDS(a), a.text in unlinked) for a in e.aliases)) for e in entities)


def changed_alias_texts(old: tuple, new: tuple) -> frozenset[str]:
    """The texts of the aliases that differ between two :func:`alias_table` values: each alias added, removed
    or changed (so an entity added or removed gives all its aliases, a renamed one its old and new name), and
    all aliases of an entity whose aliases changed order (which of two aliases of the same words a mention
    names depends on it)."""
    before, after = dict(old), dict(new)
    out: set[str] = set()
    for eid in before.keys() | after.keys():
        x, y = before.get(eid, ()), after.get(eid, ())
        if x == y:
            continue
        xs, ys = set(x), set(y)
        if [a for a in x if a in ys] != [a for a in y if a in xs]:
            out.update(a[0] for a in (*x, *y))
        else:
            out.update(a[0] for a in xs ^ ys)
    return frozenset(out)


def alias_probe(texts: Iterable[str]) -> Matcher:
    """A matcher that finds a hit wherever one of the alias ``texts`` could be a mention, under any case rule
    and for any entity. A matcher decides each place of a text from the aliases of those words alone, so in a
    text where the probe of the changed aliases (:func:`changed_alias_texts`) finds nothing, the matchers before
    and after the change find the same mentions."""
    return Matcher([AliasTarget("", t, "ignore") for t in sorted(set(texts))])
