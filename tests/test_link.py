"""Mention linking (cases as data in tests/golden/link/cases.yml), sentence splitting and slugs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.link.matcher import AliasTarget, Matcher, fold, plain, sentence_bounds
from briefgen.slug import RESERVED_ARTICLE_SLUGS, capture_slug, is_valid_id, slugify, unique_slugs

CASES = yaml.safe_load((Path(__file__).parent / "golden" / "link" / "cases.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_link_case(case: dict) -> None:
    matcher = Matcher([AliasTarget(e, t, c) for e, t, c in case["aliases"]])
    text = case["text"]
    got = [[text[h.start:h.end], h.entity] for h in matcher.find(text)]
    assert got == case["hits"]


def test_sentences() -> None:
    text = 'Mr. Abe met Putin in Vladivostok. "It was useful," he said. Talks resume in Jan. 2020 in Tokyo.'
    got = [text[s:e] for s, e in sentence_bounds(text)]
    assert got == ["Mr. Abe met Putin in Vladivostok.", '"It was useful," he said.', "Talks resume in Jan. 2020 in Tokyo."]


@given(st.text())
def test_fold_keeps_offsets(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8), st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_matcher_never_overlaps_and_respects_boundaries(aliases: list[str], text: str) -> None:
    matcher = Matcher([AliasTarget(f"e{i}", a, "ignore" if i % 2 else "exact") for i, a in enumerate(aliases)])
    hits = matcher.find(text)
    for a, b in zip(hits, hits[1:]):
        assert a.end <= b.start
    for h in hits:
        assert 0 <= h.start < h.end <= len(text)
        assert fold(plain(text[h.start:h.end])) == fold(plain(h.alias))


@given(st.text())
@settings(max_examples=300)
def test_slugify_is_a_safe_path_segment(text: str) -> None:
    slug = slugify(text)
    assert is_valid_id(slug)
    assert slug not in (".", "..") and "/" not in slug and "\\" not in slug


@given(st.lists(st.text(), max_size=30))
@settings(max_examples=200)
def test_unique_slugs_are_unique(names: list[str]) -> None:
    slugs = unique_slugs(names, reserved={"index"})
    assert len(set(slugs)) == len(slugs)
    assert "index" not in slugs
    assert all(is_valid_id(s) for s in slugs)


@given(st.text(min_size=1))
@settings(max_examples=300)
def test_capture_slug_of_any_file_name_is_a_valid_article_slug(stem: str) -> None:
    slug = capture_slug(stem)
    assert is_valid_id(slug) and slug not in RESERVED_ARTICLE_SLUGS


@pytest.mark.parametrize("stem, slug", [
    ("2019-12-20 AFP: Lavrov & Motegi meet", "2019-12-20-afp-lavrov-motegi-meet"),
    ("Straße in Zürich", "strasse-in-zurich"),
    ("Лавров и Мотэги", "lavrov-i-motegi"),
    ("Νέα Ελλάδα", "nea-ellada"),
    ("index", "index-article"),
    ("東京", "article-6771-4eac"),
])
def test_capture_slug_examples(stem: str, slug: str) -> None:
    assert capture_slug(stem) == slug
