"""Data of the load stage: the briefing configuration, entity and article annotations, as written.

Everything here is validated for shape (types, required keys, known keys) but not yet cross-checked:
references to other entities and articles are resolved by the model stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from briefgen.diagnostics import Span

FIELD_TYPES = ("text", "markdown", "number", "date", "dates", "ref", "refs", "roles", "names", "coordinates", "url")
"""The value types a kind field may declare (see docs/content-format.md, 'Field types')."""

CaseRule = Literal["exact", "ignore"]


@dataclass(frozen=True)
class CleaningOverrides:
    """An author's corrections to automatic cleaning, from the article annotation's ``cleaning:`` key."""

    keep: tuple[tuple[str, Span], ...] = ()
    """Paragraph starts (prefix text) that must be kept, each with the place it was written."""
    remove: tuple[tuple[str, Span], ...] = ()
    """Paragraph starts (prefix text) that must be removed, each with the place it was written."""


@dataclass(frozen=True)
class FieldDef:
    """One kind-specific field, declared in ``briefing.yml`` under ``kinds.<kind>.fields``."""

    key: str
    """The YAML key entities use, e.g. ``participants``."""
    type: str
    """One of :data:`FIELD_TYPES`."""
    label: str
    """Heading/label shown to readers."""
    required: bool
    """Whether every entity of the kind must give it."""
    to: str | None
    """For ``ref``/``refs``/``roles``: the kind the referenced ids must have (None: any kind)."""
    reverse: str | None
    """For ``ref``/``refs``: the heading under which referenced entities list their referrers."""
    unit: str | None
    """For ``number``: unit shown after the value, e.g. ``km²``."""
    span: Span
    """Where the field is declared."""


@dataclass(frozen=True)
class KindDef:
    """An entity kind declared by the briefing (e.g. actor, island, meeting)."""

    id: str
    """Kind id, ``[a-z0-9-]``."""
    label: str
    """Singular display name."""
    plural: str
    """Plural display name (navigation, index page title)."""
    slug: str
    """Output folder of the kind's pages, derived from ``plural``."""
    icon: str | None
    """Optional informational icon name."""
    timeline: str | None
    """Key of a ``date``/``dates`` field whose entities appear on the timeline, or None."""
    fields: tuple[FieldDef, ...]
    """Kind-specific fields, in declared order."""
    span: Span
    """Where the kind is declared."""

    def field(self, key: str) -> FieldDef | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None


@dataclass(frozen=True)
class PackDef:
    """A named PDF briefing pack."""

    id: str
    """Pack id, used on the command line."""
    title: str
    """Title printed on the pack's cover."""
    entities: tuple[tuple[str, Span], ...]
    """Entity ids at the heart of the pack, with where each is written."""
    span: Span
    """Where the pack is declared."""


@dataclass(frozen=True)
class BriefingConfig:
    """``content/briefing.yml``."""

    title: str
    """Briefing title."""
    subtitle: str | None
    """Optional subtitle."""
    as_of: str
    """ISO date the briefing speaks for."""
    marking: str | None
    """Optional handling marking shown on every page, e.g. ``UNCLASSIFIED``."""
    language: str
    """BCP 47 language tag of the briefing, default ``en``."""
    authors: tuple[str, ...]
    """Author names."""
    site_url: str | None
    """Published address of the site (http/https), if any."""
    case: CaseRule
    """Default case rule for aliases."""
    kinds: tuple[KindDef, ...]
    """Entity kinds, in declared order."""
    packs: tuple[PackDef, ...]
    """PDF packs."""
    pdf: bool
    """Every ``briefgen build`` also exports ``site/briefing.pdf`` (as ``--pdf`` does); default false."""
    span: Span
    """The file."""
    edition: int | str | None = None
    """``edition:``: the edition's number (a whole number) or name; None: the briefing is not numbered."""
    edition_date: str | None = None
    """``edition_date:``: ISO date the edition was issued; None: ``as_of`` stands for it."""

    def kind(self, kind_id: str) -> KindDef | None:
        for k in self.kinds:
            if k.id == kind_id:
                return k
        return None


@dataclass(frozen=True)
class Alias:
    """A name under which an entity is found in text."""

    text: str
    """The alias as written."""
    case: CaseRule
    """``exact``: only this capitalisation matches; ``ignore``: any capitalisation."""
    ambiguous: bool
    """Declared as shared with another entity: such an alias is never linked."""
    span: Span
    """Where the alias is written."""


@dataclass(frozen=True)
class Reference:
    """A source outside the captures (general knowledge)."""

    title: str
    """Title of the work, e.g. ``Encyclopaedia Britannica, 'Iturup'``."""
    url: str | None
    """http(s) address, if any."""


@dataclass(frozen=True)
class FactSpec:
    """A fact as annotated."""

    subject: str
    """Entity id the fact is about."""
    subject_span: Span
    """Where the subject is given (or the entity, when implied)."""
    property: str
    """What the fact is about, e.g. ``population``."""
    value: str
    """The value as the source puts it."""
    as_of: str | None
    """ISO date the value holds for; None: the source's date."""
    source: str | None
    """Article slug, for facts from the captures."""
    quote: str | None
    """Verbatim supporting words from the source article."""
    reference: Reference | None
    """For general-knowledge facts: the outside reference."""
    span: Span
    """Where the fact starts."""


@dataclass(frozen=True)
class QuoteSpec:
    """A quote as annotated."""

    speaker: str
    """Entity id of the speaker."""
    speaker_span: Span
    """Where the speaker is given."""
    text: str
    """The quoted words, verbatim."""
    source: str
    """Article slug the quote was found in."""
    date: str | None
    """When it was said (ISO); None: the source's date."""
    context: str | None
    """Optional short context."""
    declared_in: str | None
    """Id of the entity whose ``quotes:`` the quote is written in, whoever its speaker; None for a quote of an
    article annotation. When it differs from ``speaker`` (a meeting recording what a participant said there), the
    declaring entity's page lists the quote too (see ``Model.quotes_declared``)."""
    span: Span
    """Where the quote starts."""


@dataclass(frozen=True)
class Role:
    """One office or role held, with its dates."""

    title: str
    """Title of the role."""
    org: str | None
    """Entity id of the organisation or state, if any."""
    start: str | None
    """ISO (partial) start date."""
    end: str | None
    """ISO (partial) end date; None: ongoing or unknown."""
    side: str | None
    """Which side of the dispute, if relevant."""
    span: Span
    """Where the role is written."""


FieldPayload = str | float | tuple | None


@dataclass(frozen=True)
class FieldValue:
    """The value an entity gives one of its kind's fields."""

    key: str
    """Field key."""
    value: FieldPayload
    """Typed value: str (text/markdown/url/date/ref), float (number), tuple[str] (dates/refs),
    tuple[Role] (roles), tuple[tuple[str, str]] (names), tuple[float, float] (coordinates)."""
    span: Span
    """Where the value is written."""
    item_spans: tuple[Span, ...] = ()
    """For lists (refs, dates): where each item is written."""


@dataclass(frozen=True)
class EntitySpec:
    """An entity as annotated in ``content/entities``."""

    id: str
    """Unique id, ``[a-z0-9-]``."""
    kind: str
    """Kind id."""
    name: str
    """Display name."""
    aliases: tuple[Alias, ...]
    """Names to find in text (the name is always one)."""
    summary: str | None
    """Markdown summary."""
    summary_span: Span | None
    """Where the summary starts."""
    fields: tuple[FieldValue, ...]
    """Kind-specific field values."""
    facts: tuple[FactSpec, ...]
    """Facts about this entity."""
    quotes: tuple[QuoteSpec, ...]
    """Quotes written in this entity: spoken by it, or by the ``speaker`` they name."""
    span: Span
    """Where the entity starts."""

    def field(self, key: str) -> FieldValue | None:
        for f in self.fields:
            if f.key == key:
                return f
        return None


ArticleFormat = Literal["txt", "html", "md"]


@dataclass(frozen=True)
class CaptureMeta:
    """A value of the capture's own metadata that means no article field: front matter ``description``, ``tags``…
    of a Markdown capture, or meta tags of an HTML page. Shown as it is on the article page."""

    key: str
    """The key as written (front matter) or the meta tag's name."""
    value: str
    """The value as one line of text (a list joined with commas)."""
    span: Span
    """Where the value is written."""


@dataclass(frozen=True)
class ArticleSpec:
    """A source capture with its annotation."""

    slug: str
    """Page slug, from the file name."""
    path: str
    """Capture path relative to the briefing folder."""
    fmt: ArticleFormat
    """Capture format."""
    text: str
    """Decoded capture text (for .md: the body after front matter)."""
    body_line: int
    """Line of ``path`` where ``text`` starts (after front matter)."""
    meta: dict[str, tuple[str, Span]] = field(default_factory=dict)
    """Metadata given by the author (annotation file or front matter): key → (value, span).
    Keys: title, outlet, date, date_note, byline, url, origin, language."""
    notes: str | None = None
    """Author's Markdown notes about the capture."""
    notes_span: Span | None = None
    """Where the notes start."""
    overrides: CleaningOverrides = CleaningOverrides()
    """Author's corrections to cleaning."""
    facts: tuple[FactSpec, ...] = ()
    """Facts sourced from this article."""
    quotes: tuple[QuoteSpec, ...] = ()
    """Quotes found in this article."""
    span: Span = Span("")
    """The capture file."""
    capture_meta: tuple[CaptureMeta, ...] = ()
    """The capture's own metadata that means no article field, shown as it is on the article page."""


@dataclass(frozen=True)
class Content:
    """Everything the load stage read."""

    config: BriefingConfig
    """The briefing configuration."""
    overview: str
    """Markdown of ``content/overview.md`` ('' when missing)."""
    overview_path: str
    """Path of the overview file."""
    entities: tuple[EntitySpec, ...]
    """All entities, sorted by id."""
    articles: tuple[ArticleSpec, ...]
    """All articles, sorted by slug."""
