"""``briefgen schema``: JSON Schema of the annotation files, generated from the loader's key tables.

Run in a briefing folder, the entity schema also knows that briefing's kinds and their fields, so an
editor can complete and check ``roles:``, ``participants:`` and the like.
"""

from __future__ import annotations

from typing import Any

from briefgen.load import tables
from briefgen.load.read import DATE, ID, TEXT, URL
from briefgen.load.types import BriefingConfig, FieldDef


def field_schema(fd: FieldDef) -> dict:
    """JSON Schema of one kind field's value."""
    ident = {**ID, "description": f"id of a {fd.to}" if fd.to else "entity id"}
    by_type: dict[str, dict[str, Any]] = {
        "text": TEXT,
        "markdown": TEXT,
        "url": URL,
        "number": {"type": "number"},
        "date": DATE,
        "dates": {"oneOf": [DATE, {"type": "array", "items": DATE}]},
        "ref": ident,
        "refs": {"oneOf": [ident, {"type": "array", "items": ident}]},
        "roles": {"type": "array", "items": tables.ROLE.json_schema()},
        "names": {"type": "object", "additionalProperties": TEXT},
        "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    }
    return {**by_type[fd.type], "description": fd.label}


def entity_schema(config: BriefingConfig | None) -> dict:
    base = tables.ENTITY.json_schema()
    if config is None:
        return base | {"additionalProperties": True}
    variants = []
    for kind in config.kinds:
        extra = {f.key: field_schema(f) for f in kind.fields}
        schema = tables.ENTITY.json_schema(extra=extra)
        schema["properties"]["kind"] = {"const": kind.id, "description": kind.label}
        schema["required"] = schema["required"] + [f.key for f in kind.fields if f.required]
        schema["title"] = kind.label
        variants.append(schema)
    return {"oneOf": variants} if variants else base


def json_schema(config: BriefingConfig | None = None) -> dict:
    """One schema with a definition per file type; editors pick the one for a file by its path."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "briefgen-annotations",
        "title": "briefgen annotation files",
        "description": "content/briefing.yml, content/entities/**/*.yml and content/articles/<slug>.yml",
        "$defs": {
            "briefing": tables.BRIEFING.json_schema(),
            "entity": entity_schema(config),
            "entities_file": {
                "oneOf": [{"$ref": "#/$defs/entity"}, {"type": "array", "items": {"$ref": "#/$defs/entity"}}]
            },
            "article": tables.ARTICLE.json_schema(),
        },
    }
