"""``briefgen schema``: JSON Schema of the annotation files, generated from the loader's key tables."""

from __future__ import annotations

from briefgen.load import tables


def json_schema() -> dict:
    """One schema with a definition per file type; editors pick the one for a file by its path."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "briefgen-annotations",
        "title": "briefgen annotation files",
        "description": "content/briefing.yml, content/entities/**/*.yml and content/articles/<slug>.yml",
        "$defs": {
            "briefing": tables.BRIEFING.json_schema(),
            "entity": tables.ENTITY.json_schema(extra={}) | {"additionalProperties": True},
            "entities_file": {"oneOf": [{"$ref": "#/$defs/entity"}, {"type": "array", "items": {"$ref": "#/$defs/entity"}}]},
            "article": tables.ARTICLE.json_schema(),
        },
        "oneOf": [{"$ref": "#/$defs/briefing"}, {"$ref": "#/$defs/entities_file"}, {"$ref": "#/$defs/article"}],
    }
