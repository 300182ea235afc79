"""Data of the suggest stage: what the analyst may want to annotate next, each with the places it was seen."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from briefgen.diagnostics import Span


@dataclass(frozen=True)
class Place:
    """Where a suggestion was seen: a paragraph of an article and the sentence."""

    article: str
    """Article slug."""
    paragraph: int
    """Paragraph number (anchor ``p{n}``)."""
    span: Span
    """Where the paragraph starts in the capture file."""
    sentence: str
    """The sentence, as captured."""


@dataclass(frozen=True)
class NameSuggestion:
    """A name in the story text that no alias covers, grouped with the other names of what is probably the same
    entity."""

    id: str
    """A free entity id for the stub."""
    kind: str | None
    """The kind guessed from the briefing's own kinds (None when it has none that fits)."""
    role: str
    """What the name looks like: ``person``, ``place``, ``organisation``, ``event`` or ``name``."""
    name: str
    """The fullest form seen."""
    aliases: tuple[str, ...]
    """The other forms seen (surname alone, the dateline's form…)."""
    count: int
    """Occurrences."""
    articles: int
    """Articles it occurs in."""
    score: float
    """Rank: the higher, the likelier a name worth an entity."""
    places: tuple[Place, ...]
    """Where it occurs, in reading order."""

    def stub(self) -> str:
        """A YAML entity ready to paste into ``content/entities/*.yml``."""
        lines = [f"- id: {self.id}", f"  kind: {self.kind or 'KIND'}", f"  name: {yaml_text(self.name)}"]
        if self.aliases:
            lines.append(f"  aliases: [{', '.join(yaml_text(a) for a in self.aliases)}]")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class NearMiss:
    """A name in the text one or two letters away from a known alias: a variant to add, or a misspelling in the
    source to flag."""

    text: str
    """The name as written in the text."""
    entity: str
    """Id of the entity whose alias it nearly is."""
    alias: str
    """That alias."""
    similarity: float
    """How alike the two are, 0–100."""
    places: tuple[Place, ...]
    """Where the text has it."""

    def stub(self) -> str:
        """The alias line to add to the entity (with a comment, for a misspelling kept as it is)."""
        return f"    - {yaml_text(self.text)}    # as written in the source (near '{self.alias}')\n"


@dataclass(frozen=True)
class QuoteSuggestion:
    """Quoted speech attributed to a known entity."""

    speaker: str
    """Entity id of the speaker."""
    text: str
    """The quoted words, verbatim."""
    source: str
    """Article slug."""
    how: str
    """How the speaker was found: the words naming them (``said Lavrov``), or ``he said`` resolved to the last
    named speaker."""
    place: Place
    """Where it is."""

    def stub(self) -> str:
        """A quote for the article's annotation (``quotes:``)."""
        return f"  - speaker: {self.speaker}\n    text: {yaml_text(self.text)}\n"


@dataclass(frozen=True)
class FactSuggestion:
    """A figure with a unit or a measure word near an entity."""

    subject: str
    """Entity id the figure is probably about (the nearest mention)."""
    property: str
    """A guess at what it measures (``population``, ``area``, ``number of troops``)."""
    value: str
    """The figure with its approximation words, unit and counted noun, as written."""
    quote: str
    """The verbatim words around it."""
    source: str
    """Article slug."""
    place: Place
    """Where it is."""

    def stub(self) -> str:
        """A fact for the article's annotation (``facts:``)."""
        return (
            f"  - subject: {self.subject}\n    property: {yaml_text(self.property)}\n"
            f"    value: {yaml_text(self.value)}\n    quote: {yaml_text(self.quote)}\n"
        )


@dataclass(frozen=True)
class Suggestions:
    """Everything ``briefgen suggest`` found, each list ranked."""

    names: tuple[NameSuggestion, ...]
    """Unannotated names, likeliest first."""
    near_misses: tuple[NearMiss, ...]
    """Near-misses of known aliases."""
    quotes: tuple[QuoteSuggestion, ...]
    """Quotes of known entities not yet annotated, in article order."""
    facts: tuple[FactSuggestion, ...]
    """Figures not yet annotated, those with a unit or measure word first."""


_PLAIN = re.compile(r"[\w][\w .,'’()&/-]*")


def yaml_text(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back the same, else double-quoted (a JSON string is a valid
    YAML double-quoted scalar, with control characters escaped)."""
    if (
        _PLAIN.fullmatch(text)
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
        and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n")
        and not text.replace(".", "").replace(",", "").isdigit()
    ):
        return text
    return json.dumps(text, ensure_ascii=False)
