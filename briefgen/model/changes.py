"""What changed between two editions, as the "What's new" page and the PDF read it (made by
:func:`briefgen.model.edition.compare`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityRef:
    """An entity as the changes name it."""

    id: str
    """Entity id."""
    name: str
    """Display name."""
    kind: str
    """Its kind's singular label."""
    page: str | None
    """Its page in this edition; None when it is gone."""


@dataclass(frozen=True)
class ArticleRef:
    """A source article as the changes name it."""

    id: str
    """Article slug."""
    title: str
    """Headline."""
    outlet: str | None
    """Publication."""
    date: str | None
    """Publication date."""
    page: str | None
    """Its page in this edition; None when it is gone."""


@dataclass(frozen=True)
class SourceRef:
    """Where a fact or quote comes from."""

    article: ArticleRef | None
    """The source article (None: general knowledge)."""
    paragraph: int | None
    """Paragraph of the article."""
    reference: str | None
    """Title of the outside reference, for general knowledge."""
    reference_url: str | None
    """Its address."""


@dataclass(frozen=True)
class FactItem:
    """A fact of one edition."""

    id: str
    """Fact id (the manifest's)."""
    subject: EntityRef
    """What it is about (as this edition names it)."""
    property: str
    """What the fact is about."""
    value: str
    """The value."""
    as_of: str | None
    """The date the value holds for."""
    source: SourceRef
    """Its source."""


@dataclass(frozen=True)
class FactChange:
    """A fact whose value (or source, or date) changed."""

    old: FactItem
    """As the earlier edition had it."""
    new: FactItem
    """As this edition has it."""


@dataclass(frozen=True)
class FigureMove:
    """A number that changed: a fact's value or an entity's number field."""

    entity: EntityRef
    """The entity."""
    label: str
    """The property or field label."""
    old: str
    """The old value as written."""
    new: str
    """The new value as written."""
    delta: str | None
    """The change, e.g. ``+1,000 (+5.3%)``, when the words around the numbers are the same."""
    old_source: SourceRef | None
    """Source of the old value (a fact), None for a field."""
    new_source: SourceRef | None
    """Source of the new value (a fact), None for a field."""


@dataclass(frozen=True)
class QuoteItem:
    """A quote of one edition."""

    id: str
    """Quote id (the manifest's)."""
    speaker: EntityRef
    """Who said it."""
    text: str
    """The words."""
    date: str | None
    """When."""
    source: SourceRef
    """Where."""


@dataclass(frozen=True)
class Rename:
    """An entity whose id changed (same kind, name and facts)."""

    old_id: str
    """Its id in the earlier edition."""
    entity: EntityRef
    """It now."""


@dataclass(frozen=True)
class EntityEdit:
    """A detail of an entity that changed: its name, summary or a field."""

    entity: EntityRef
    """The entity (now)."""
    what: str
    """``Name``, ``Summary`` or the field's label."""
    old: str | None
    """Before, as plain text (None: not given)."""
    new: str | None
    """Now, as plain text (None: not given any more)."""
    prose: bool = False
    """Author Markdown (the summary, a ``markdown`` field): told as revised rather than shown old → new."""


@dataclass(frozen=True)
class AliasChange:
    """Names an entity is found under, added or dropped."""

    entity: EntityRef
    """The entity (now)."""
    added: tuple[str, ...]
    """Aliases added."""
    removed: tuple[str, ...]
    """Aliases dropped."""


@dataclass(frozen=True)
class RevisedArticle:
    """An article whose published text or headline changed."""

    article: ArticleRef
    """The article (now)."""
    old_title: str | None
    """The earlier headline, when it changed."""
    paragraphs: tuple[int, ...]
    """Paragraphs (numbers now) whose text is new."""
    dropped: int
    """Paragraphs of the earlier text no longer there, beyond those that changed (the earlier text had this many
    more paragraphs that are not in the new one)."""
    old_date: str | None = None
    """The earlier publication date, when it changed ("" when it was unknown)."""


@dataclass(frozen=True)
class RemovedEntity:
    """An entity of the earlier edition that is gone."""

    entity: EntityRef
    """It (``page`` None)."""
    facts: int
    """Its facts that went with it."""
    quotes: int
    """Its quotes that went with it."""


@dataclass(frozen=True)
class EditionChanges:
    """What is new in this edition since an earlier one. Every list is sorted for reading (entities by name,
    articles by date), never by where things are written."""

    since: str | None
    """The earlier edition's number or name (as text); None when it was not numbered."""
    since_number: bool
    """The earlier edition is numbered (``edition 4``) rather than named."""
    since_date: str | None
    """Its date (``edition_date``, else ``as_of``)."""
    new_articles: tuple[ArticleRef, ...]
    """Articles added."""
    removed_articles: tuple[ArticleRef, ...]
    """Articles gone (``page`` None)."""
    revised_articles: tuple[RevisedArticle, ...]
    """Articles whose text or headline changed."""
    new_entities: tuple[EntityRef, ...]
    """Entities added (renames aside)."""
    removed_entities: tuple[RemovedEntity, ...]
    """Entities gone (renames aside)."""
    renamed: tuple[Rename, ...]
    """Entities whose id changed."""
    edits: tuple[EntityEdit, ...]
    """Names, summaries and fields that changed (numbers aside: :attr:`figures`)."""
    aliases: tuple[AliasChange, ...]
    """Aliases added or dropped."""
    facts_added: tuple[FactItem, ...]
    """Facts added (those of new entities too)."""
    facts_changed: tuple[FactChange, ...]
    """Facts whose value, source or date changed (a number that moved is in :attr:`figures` instead)."""
    facts_removed: tuple[FactItem, ...]
    """Facts gone (those of removed entities are counted on them)."""
    figures: tuple[FigureMove, ...]
    """Numbers that moved: fact values and number fields."""
    quotes_added: tuple[QuoteItem, ...]
    """Quotes added."""
    quotes_removed: tuple[QuoteItem, ...]
    """Quotes gone (those of removed entities are counted on them)."""

    def _lists(self) -> tuple[tuple, ...]:
        """Every list of items above (in the order the page shows them)."""
        return (
            self.new_articles,
            self.removed_articles,
            self.revised_articles,
            self.new_entities,
            self.removed_entities,
            self.renamed,
            self.edits,
            self.aliases,
            self.facts_added,
            self.facts_changed,
            self.facts_removed,
            self.figures,
            self.quotes_added,
            self.quotes_removed,
        )

    @property
    def empty(self) -> bool:
        """Nothing a reader could see changed."""
        return not any(self._lists())

    @property
    def count(self) -> int:
        """How many items the changes list."""
        return sum(map(len, self._lists()))


def edition_label(edition: int | str | None) -> str | None:
    """``edition 5`` for a number, the name as written for a name, None when not numbered."""
    if edition is None:
        return None
    return f"edition {edition}" if isinstance(edition, int) else edition
