"""Behaviour of clean_capture beyond the golden cases: numbering, spans, guards, linear-time duplicates."""

from __future__ import annotations

import time

import pytest

from briefgen.clean import CleaningOverrides, clean_capture
from briefgen.clean import dedup, html
from briefgen.diagnostics import Diagnostics, Span

STORY = [
    "Russia and Japan agreed on Thursday to continue talks over the four disputed islands.",
    "The foreign ministers met for five hours in Moscow and described the talks as constructive.",
    "About 20,000 people live on the islands, most of them Russian citizens, officials said.",
]


def clean(text: str, fmt: str = "txt", keep=(), remove=(), **kw):
    diags = Diagnostics()
    span = Span("a.yml", 2, 5)
    ov = CleaningOverrides(keep=tuple((k, span) for k in keep), remove=tuple((r, span) for r in remove))
    return clean_capture(text, fmt, "a.txt", ov, diags, **kw), diags


def test_duplicate_reason_uses_numbers_after_all_removals() -> None:
    text = "\n\n".join([STORY[0], STORY[1], STORY[2], STORY[1]])
    result, diags = clean(text, remove=["Russia and Japan agreed"])
    assert [p.text for p in result.paragraphs] == [STORY[1], STORY[2]]
    dup = [r for r in result.removed if r.category == "duplicate"]
    assert dup and dup[0].reason == "duplicate of paragraph 1" and dup[0].span.line == 7
    assert not diags.items


def test_keep_override_beats_duplicate_detection() -> None:
    text = "\n\n".join([STORY[0], STORY[1], STORY[0]])
    result, _ = clean(text, keep=[STORY[0][:30].upper()])
    assert [p.text for p in result.paragraphs] == [STORY[0], STORY[1], STORY[0]]


def test_override_matching_ignores_typographic_quotes_and_spacing() -> None:
    text = "\n\n".join([STORY[0], "“We want a solution,” Putin said on Thursday at his press conference."])
    result, diags = clean(text, remove=['"We   want a solution," putin'])
    assert [r.category for r in result.removed] == ["override"] and not diags.items


def test_unmatched_override_is_a_located_warning_with_hint() -> None:
    result, diags = clean("\n\n".join(STORY), keep=["The foreign minister met"])
    (d,) = diags.items
    assert (str(d.span), d.severity.value, d.code) == ("a.yml:2:5", "warning", "cleaning-unmatched")
    assert "The foreign ministers met" in d.hint and "a.txt:3" in d.hint


def test_spans_are_capture_lines_and_columns() -> None:
    result, _ = clean("Headline of the story\n\n   " + STORY[0] + "\n\n" + STORY[1])
    assert [(p.span.line, p.span.col) for p in result.paragraphs] == [(3, 4), (5, 1)]
    assert result.removed[0].span.line == 1


def test_markdown_first_line_offsets_spans() -> None:
    result, _ = clean("First block.\n\nSecond block.", fmt="md", first_line=6)
    assert [p.span.line for p in result.paragraphs] == [6, 8]


def test_crlf_free_text_with_stray_carriage_returns_is_folded() -> None:
    result, _ = clean(STORY[0] + "\r\n\r\n" + STORY[1] + "\r")
    assert [p.text for p in result.paragraphs] == [STORY[0], STORY[1]]


def test_single_line_capture_is_not_taken_as_headline() -> None:
    result, _ = clean("Russia and Japan meet again")
    assert [p.text for p in result.paragraphs] == ["Russia and Japan meet again"] and result.detected.title is None


def test_near_duplicates_do_not_compare_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real = dedup.difflib.SequenceMatcher

    def counting(*a, **kw):
        nonlocal calls
        calls += 1
        return real(*a, **kw)

    monkeypatch.setattr(dedup.difflib, "SequenceMatcher", counting)
    words = "the islands talks minister said on Thursday that Russia Japan treaty peace war".split()
    paragraphs = [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(25)) + f" {i}." for i in range(3000)]
    start = time.perf_counter()
    clean("\n\n".join(paragraphs))
    assert calls <= 3 * len(paragraphs)
    assert time.perf_counter() - start < 20


def test_text_cleaning_is_fast() -> None:
    from pathlib import Path

    seeds = sorted((Path(__file__).parent.parent / "golden" / "clean").glob("seed-00*/capture.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    for t in texts:
        clean(t)
    start = time.perf_counter()
    for _ in range(20):
        for t in texts:
            clean(t)
    per_article = (time.perf_counter() - start) / (20 * len(texts))
    assert per_article < 0.025  # measured ~1.2 ms; generous bound for slow CI machines


def test_html_over_size_limit_is_unreadable_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "MAX_HTML_BYTES", 1000)
    result, diags = clean("<html><body>" + "<p>x</p>" * 500 + "</body></html>", fmt="html")
    assert result.paragraphs == () and [d.code for d in diags.items] == ["capture-unreadable"]
    assert diags.items[0].severity.value == "error"


def test_html_real_size_guard() -> None:
    big = "<p>" + "a" * (20 * 1024 * 1024 + 1)
    start = time.perf_counter()
    result, diags = clean(big, fmt="html")
    assert [d.code for d in diags.items] == ["capture-unreadable"] and time.perf_counter() - start < 2


def test_html_url_must_be_http() -> None:
    page = ("<html><head><title>Talks resume</title><link rel='canonical' href='javascript:alert(1)'>"
            "<meta property='og:url' content='file:///etc/passwd'></head><body><article>"
            + "".join(f"<p>{s} {s}</p>" for s in STORY) + "</article></body></html>")
    result, diags = clean(page, fmt="html")
    assert result.detected.url is None
    assert len(result.paragraphs) == 3 and not diags.items


def test_html_external_entities_are_not_resolved(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETVALUE")
    page = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
            "<html><body><article>" + "".join(f"<p>{s} &x; {s}</p>" for s in STORY) + "</article></body></html>")
    result, _ = clean(page, fmt="html")
    everything = " ".join([p.text for p in result.paragraphs] + [r.text for r in result.removed])
    assert "TOPSECRETVALUE" not in everything


def test_html_deep_nesting_does_not_raise() -> None:
    page = "<html><body>" + "<div>" * 50000 + "deep text " * 50 + "</div>" * 50000 + "</body></html>"
    result, diags = clean(page, fmt="html")
    assert {d.code for d in diags.items} <= {"capture-unreadable"}


def test_internal_errors_become_located_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen.clean import text as text_mod

    def boom(*a, **kw):
        raise ValueError("boom")

    monkeypatch.setattr(text_mod, "split_text", boom)
    result, diags = clean("Some text.")
    assert result.paragraphs == () and [(d.code, str(d.span)) for d in diags.items] == [("capture-unreadable", "a.txt:1:1")]
