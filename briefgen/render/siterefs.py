"""The site's :class:`~briefgen.render.views.ViewLinks`: how a site page shows the references of the shared view
records (the print edition's counterpart is :class:`briefgen.render.print.Refs`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from briefgen.load.types import Reference
from briefgen.model.types import Citation, Model
from briefgen.render import reading
from briefgen.render.urls import relurl
from briefgen.render.views import Link, SourceRef, source_ref


@dataclass(frozen=True)
class SiteRefs:
    """References as links relative to the page they are on."""

    model: Model
    """The briefing (as the page reads it: what it looks up is noted)."""
    page: str
    """The page the links are on."""

    def source(self, citation: Citation | None, reference: Reference | None) -> SourceRef:
        return source_ref(self.model, self.page, citation, reference)

    def entity_ref(self, eid: str) -> Link:
        e = self.model.entities[eid]
        return Link(e.spec.name, relurl(self.page, e.page))

    def speaker(self, eid: str, other: bool) -> Link:
        return self.entity_ref(eid)  # always named; briefgen's template links it when ``other``

    def related(self, ids: Collection[str]) -> tuple[Link, ...]:
        # in reading order (meetings by date), dated ones with their date
        return tuple(
            reading.dated_link(self.model, self.page, i) for i in reading.in_reading_order(self.model, set(ids))
        )
