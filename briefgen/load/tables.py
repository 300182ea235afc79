"""Key tables of every annotation structure: the single source for validation and ``briefgen schema``."""

from __future__ import annotations

from briefgen.load.read import DATE, ID, TEXT, URL, Key, KeyTable, text_or_list
from briefgen.load.types import FIELD_TYPES

FIELD = KeyTable(
    "field definition",
    (
        Key("type", {"enum": list(FIELD_TYPES)}, True, "value type of the field"),
        Key("label", TEXT, doc="label shown to readers"),
        Key("required", {"type": "boolean"}, doc="every entity of the kind must give it"),
        Key("to", ID, doc="for ref/refs/roles: the kind referenced ids must have"),
        Key("reverse", TEXT, doc="for ref/refs: heading of the backlinks on the referenced entity"),
        Key("unit", TEXT, doc="for number: unit shown after the value"),
    ),
)

FIGURES = KeyTable(
    "figure switches",
    (
        Key("maps", {"type": "boolean"}, doc="locator maps and the briefing map"),
        Key("timeline", {"type": "boolean"}, doc="the visual timeline and entities' own timelines"),
        Key("connections", {"type": "boolean"}, doc="connection graphs"),
        Key("charts", {"type": "boolean"}, doc="charts of numbers several sources give"),
    ),
)

KIND = KeyTable(
    "kind",
    (
        Key("label", TEXT, True, "singular display name"),
        Key("plural", TEXT, True, "plural display name; its slug is the output folder"),
        Key("icon", TEXT, doc="informational icon name"),
        Key("timeline", TEXT, doc="key of a date/dates field: entities of this kind go on the timeline"),
        Key("fields", {"type": "object", "additionalProperties": FIELD.json_schema()}, doc="kind-specific fields"),
        Key("figures", FIGURES.json_schema(), doc="figures of this kind's entities (all on by default)"),
        Key(
            "sort",
            {"enum": ["name", "family-name"]},
            doc="order of the kind's index: by name (default) or by the "
            "last word of the name (people); timeline kinds are in date order",
        ),
        Key("group_by", TEXT, doc="key of a text or ref field: the kind's index is grouped by its value"),
    ),
)

PACK = KeyTable(
    "pack",
    (
        Key("title", TEXT, True, "title on the pack's cover"),
        Key("entities", {"type": "array", "items": ID}, True, "entity ids at the heart of the pack"),
    ),
)

DIFFERENCES = KeyTable(
    "differences settings",
    (
        Key(
            "window",
            {"type": ["string", "number"]},
            doc="facts dated at most this far apart are compared: 5y, 18m, 90d (a bare number is years); default 5y",
        ),
        Key("tolerance", {"type": ["string", "number"]}, doc="slack of an approximate figure ('some 19,000'): 2%"),
    ),
)

BRIEFING = KeyTable(
    "briefing",
    (
        Key("title", TEXT, True, "briefing title"),
        Key("subtitle", TEXT, doc="subtitle"),
        Key("as_of", DATE, True, "date the briefing speaks for (YYYY-MM-DD)"),
        Key("marking", TEXT, doc="handling marking shown on every page, e.g. UNCLASSIFIED"),
        Key("language", TEXT, doc="language tag, default en"),
        Key("authors", text_or_list(TEXT), doc="author names"),
        Key("site_url", URL, doc="published address of the site"),
        Key("case", {"enum": ["exact", "ignore"]}, doc="default case rule for aliases"),
        Key("kinds", {"type": "object", "additionalProperties": KIND.json_schema()}, True, "entity kinds"),
        Key("packs", {"type": "object", "additionalProperties": PACK.json_schema()}, doc="PDF briefing packs"),
        Key("pdf", {"type": "boolean"}, doc="every build also exports the PDF into site/, as build --pdf does"),
        Key("edition", {"oneOf": [{"type": "integer", "minimum": 1}, TEXT]}, doc="edition number (1, 2, …) or name"),
        Key("edition_date", DATE, doc="date the edition was issued (YYYY-MM-DD), default as_of"),
        Key("figures", FIGURES.json_schema(), doc="which kinds of figure the briefing draws (all on by default)"),
        Key("differences", DIFFERENCES.json_schema(), doc="when sources' facts are compared (Where sources differ)"),
    ),
)

ALIAS = KeyTable(
    "alias",
    (
        Key("text", TEXT, True, "the alias"),
        Key("case", {"enum": ["exact", "ignore"]}, doc="capitalisation rule"),
        Key("ambiguous", {"type": "boolean"}, doc="shared with another entity: never linked"),
    ),
)

REFERENCE = KeyTable(
    "reference",
    (
        Key("title", TEXT, True, "title of the outside work"),
        Key("url", URL, doc="its http(s) address"),
    ),
)

FACT = KeyTable(
    "fact",
    (
        Key("subject", ID, doc="entity the fact is about (implied inside an entity)"),
        Key("property", TEXT, True, "what the fact is about, e.g. population"),
        Key("value", TEXT, True, "the value as the source puts it"),
        Key("as_of", DATE, doc="date the value holds for"),
        Key("source", ID, doc="article slug (facts from the captures)"),
        Key("quote", TEXT, doc="verbatim supporting words from the source"),
        Key("reference", REFERENCE.json_schema(), doc="outside reference (general knowledge)"),
        Key("measure", TEXT, doc="what the value measures, to compare it with other sources' facts named differently"),
        Key("event_date", DATE, doc="date of the event the fact describes: it puts the fact on the timeline"),
    ),
)

QUOTE = KeyTable(
    "quote",
    (
        Key("speaker", ID, doc="entity id of the speaker (implied inside an entity)"),
        Key("text", TEXT, True, "the quoted words, verbatim"),
        Key("source", ID, doc="article slug (implied inside an article annotation)"),
        Key("date", DATE, doc="when it was said"),
        Key("context", TEXT, doc="short context"),
    ),
)

ROLE = KeyTable(
    "role",
    (
        Key("title", TEXT, True, "title of the role"),
        Key("org", ID, doc="entity id of the organisation or state"),
        Key("from", DATE, doc="start date"),
        Key("to", DATE, doc="end date"),
        Key("side", TEXT, doc="side in the dispute"),
    ),
)

ENTITY = KeyTable(
    "entity",
    (
        Key("id", ID, True, "unique id"),
        Key("kind", ID, True, "kind id declared in briefing.yml"),
        Key("name", TEXT, True, "display name"),
        Key(
            "aliases",
            {"type": "array", "items": {"oneOf": [TEXT, ALIAS.json_schema()]}},
            doc="other names found in text",
        ),
        Key("summary", TEXT, doc="Markdown summary"),
        Key("facts", {"type": "array", "items": FACT.json_schema()}, doc="facts about the entity"),
        Key("quotes", {"type": "array", "items": QUOTE.json_schema()}, doc="quotes by the entity"),
        Key("sort_name", TEXT, doc="the name the entity is sorted by in lists, e.g. 'Lavrov, Sergei'"),
    ),
)

CLEANING = KeyTable(
    "cleaning overrides",
    (
        Key("keep", text_or_list(TEXT), doc="starts of paragraphs that must be kept"),
        Key("remove", text_or_list(TEXT), doc="starts of paragraphs that must be removed"),
    ),
)

ARTICLE_META_KEYS = ("title", "outlet", "date", "date_note", "byline", "url", "origin", "language", "outlet_kind")

ARTICLE = KeyTable(
    "article annotation",
    (
        Key("title", TEXT, doc="headline"),
        Key("outlet", TEXT, doc="publication (and agency)"),
        Key("date", DATE, doc="publication date"),
        Key("date_note", TEXT, doc="how the date was established"),
        Key("byline", TEXT, doc="authors"),
        Key("url", URL, doc="where the capture came from"),
        Key("origin", TEXT, doc="how the capture was made"),
        Key("language", TEXT, doc="language tag"),
        Key("notes", TEXT, doc="Markdown notes shown on the article page"),
        Key("cleaning", CLEANING.json_schema(), doc="overrides of automatic cleaning"),
        Key("facts", {"type": "array", "items": FACT.json_schema()}, doc="facts sourced from this article"),
        Key("quotes", {"type": "array", "items": QUOTE.json_schema()}, doc="quotes found in this article"),
        Key("outlet_kind", TEXT, doc="kind of outlet, e.g. wire, state media, rewrite of another outlet's report"),
        Key("reports", {"type": "array", "items": ID}, doc="ids of the meetings or events the article reports"),
    ),
)
