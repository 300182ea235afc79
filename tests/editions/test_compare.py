"""The comparison of two manifests (briefgen/model/edition.py), case by case from compare.yml."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from briefgen.model.changes import EditionChanges
from briefgen.model.edition import compare
from briefgen.model.manifest import FORMAT, VERSION, Manifest, manifest_from_json, paragraph_hash, words_digest

CASES = yaml.safe_load((Path(__file__).parent / "compare.yml").read_text(encoding="utf-8"))


def manifest(data: dict) -> Manifest:
    """A manifest document from a case's short form, read as any manifest is."""
    entities = [{"id": e["id"], "kind": e.get("kind", "actor"), "kind_label": "Actor", "name": e["name"],
                 "page": f"actors/{e['id']}.md", "aliases": e.get("aliases", [e["name"]]), "summary": e.get("summary"),
                 "fields": [f for f in (
                     {"key": "area", "label": "Area", "type": "number", "unit": "km²", "value": e.get("number")},
                     {"key": "outcome", "label": "Outcome", "type": "markdown", "unit": None, "value": e.get("markdown")},
                     {"key": "met", "label": "Met", "type": "refs", "unit": None, "value": e.get("refs")})
                     if f["value"] is not None]} for e in data.get("entities", [])]
    seen: Counter[str] = Counter()

    def fid(f: dict) -> str:  # as manifest_of makes them: repeats get ~2, ~3…
        key = f"{f['subject']}/{f['property']}/{f.get('source', 'general')}"
        seen[key] += 1
        return key if seen[key] == 1 else f"{key}~{seen[key]}"

    facts = [{"id": fid(f), "subject": f["subject"],
              "property": f["property"], "value": f["value"], "as_of": None, "source": f.get("source"),
              "paragraph": 1 if f.get("source") else None, "quote": None, "reference": None, "reference_url": None}
             for f in data.get("facts", [])]
    quotes = [{"id": f"{q['speaker']}/{q['source']}/{words_digest(q['text'])}", "speaker": q["speaker"],
               "text": q["text"], "source": q["source"], "paragraph": 1, "date": None, "context": None}
              for q in data.get("quotes", [])]
    articles = [{"id": a["id"], "title": a.get("title", a["id"].upper()), "outlet": None, "date": a.get("date"),
                 "page": f"articles/{a['id']}.md",
                 "url": None, "paragraphs": [paragraph_hash(p) for p in a["paragraphs"]]}
                for a in data.get("articles", [])]
    return manifest_from_json({"format": FORMAT, "version": VERSION, "briefing": {
        "title": "T", "edition": 1, "edition_date": None, "as_of": "2020-01-01"}, "entities": entities,
        "facts": facts, "quotes": quotes, "articles": articles})


def described(c: EditionChanges) -> dict[str, list[str]]:
    """Each list of the changes in the short words of compare.yml."""
    return {
        "new_articles": [a.id for a in c.new_articles],
        "removed_articles": [a.id for a in c.removed_articles],
        "revised_articles": [f"{r.article.id} {list(r.paragraphs)} {r.dropped}"
                             + (f" title was {r.old_title}" if r.old_title is not None else "")
                             + (f" date was {r.old_date or '?'}" if r.old_date is not None else "")
                             for r in c.revised_articles],
        "new_entities": [e.id for e in c.new_entities],
        "removed_entities": [r.entity.id if not (r.facts or r.quotes) else f"{r.entity.id} {r.facts} {r.quotes}"
                             for r in c.removed_entities],
        "renamed": [f"{r.old_id}→{r.entity.id}" for r in c.renamed],
        "edits": [f"{e.entity.id} {e.what}{' (prose)' if e.prose else ''}" for e in c.edits],
        "aliases": [f"{a.entity.id} {' '.join(['+' + x for x in a.added] + ['-' + x for x in a.removed])}"
                    for a in c.aliases],
        "facts_added": [f"{f.subject.id} {f.property}" for f in c.facts_added],
        "facts_changed": [f"{x.old.value}→{x.new.value}" for x in c.facts_changed],
        "facts_removed": [f"{f.subject.id} {f.property}" for f in c.facts_removed],
        "figures": [f"{f.label} {f.old}→{f.new} {f.delta}" for f in c.figures],
        "quotes_added": [q.text for q in c.quotes_added],
        "quotes_removed": [q.text for q in c.quotes_removed],
    }


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_compare(case: dict) -> None:
    got = described(compare(manifest(case["old"]), manifest(case["new"])))
    expected = {k: [] for k in got} | case["expect"]
    assert got == expected
    same = compare(manifest(case["new"]), manifest(case["new"]))
    assert same.empty and same.count == 0
