"""Properties of clean_capture on arbitrary input: never raises, numbers paragraphs 1..n, loses nothing silently."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.clean import CleaningOverrides, clean_capture
from briefgen.diagnostics import Diagnostics, Span

SAMPLES = [
    "Advertisement", "- Advertisement -", "Image", "AFP Moscow", "Last Updated : Dec 20 2019 | 2:35 AM IST",
    "Subscribe", "₹900", "3 Months", "SAVE 25%", "Renews automatically, cancel anytime", "Smart Quarterly",
    "  • Over 30 premium stories daily", "Next Story", "Copyright © 2024 The New Daily.", "All rights reserved.",
    "You are here: Home » News", "Business Standard", "– Kiyoshi Takenaka and Katya Golubkova", "Kuriles islands",
    "The islands' current population is around 20,000 people.",
    "Russia and Japan's foreign ministers met on Thursday to try and find a solution to a territorial dispute.",
    "and Japan's top diplomats said Friday there was a way to go before their could resolve a dispute in",
    "Shinzo Abe and Vladimir Putin shake hands. Photo: Mikhail Svetlov/Getty", "Stay informed, daily",
    "Disclaimer: No Business Standard Journalist was involved", "```", "---", "<script>alert(1)</script>",
    "Putin Keen To Solve Japan Island Row | Independent Newspapers Limited", "", "", "", "   ", "\t", "\u00a0",
]

line = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=80),
                 st.text(alphabet=st.sampled_from("ab .,!?|»•-*:\"“”'’0123456789₹$\u00a0\t\r\x0b\u2028"), max_size=40))
capture = st.lists(line, max_size=40).map("\n".join)


def _tokens(texts) -> Counter:
    out: Counter = Counter()
    for t in texts:
        out.update(t.split())
    return out


def _overrides(entries: list[str], keep: list[str]) -> CleaningOverrides:
    span = Span("a.yml", 3, 5)
    return CleaningOverrides(keep=tuple((e, span) for e in keep), remove=tuple((e, span) for e in entries))


def _check(text: str, fmt: str, overrides: CleaningOverrides) -> None:
    diags = Diagnostics()
    result = clean_capture(text, fmt, "content/articles/a.txt", overrides, diags)  # type: ignore[arg-type]
    assert [p.number for p in result.paragraphs] == list(range(1, len(result.paragraphs) + 1))
    assert not diags.has_errors()
    assert {d.code for d in diags.items} <= {"cleaning-unmatched"}
    # nothing silently lost: every word of the input is in a kept paragraph or in a removal
    assert _tokens([text]) == _tokens(p.text for p in result.paragraphs) + _tokens(r.text for r in result.removed)
    n_lines = text.count("\n") + 1
    for item in (*result.paragraphs, *result.removed):
        assert item.span.path == "content/articles/a.txt"
        assert 1 <= item.span.line <= n_lines and item.span.col >= 1
        assert item.text.strip()
    for r in result.removed:
        assert r.category in {"boilerplate", "duplicate", "caption", "metadata", "override"} and r.reason
    d = result.detected
    assert d.date is None or (len(d.date) == 10 and d.date[4] == "-" and d.date_evidence)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(capture)
def test_text_capture_never_raises_and_loses_nothing(text: str) -> None:
    _check(text, "txt", CleaningOverrides())


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(capture, st.lists(st.one_of(st.sampled_from(SAMPLES), st.text(max_size=12)), max_size=4),
       st.lists(st.one_of(st.sampled_from(SAMPLES), st.text(max_size=12)), max_size=4))
def test_overrides_never_raise(text: str, remove: list[str], keep: list[str]) -> None:
    _check(text, "txt", _overrides(remove, keep))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(capture)
def test_markdown_keeps_everything(text: str) -> None:
    diags = Diagnostics()
    result = clean_capture(text, "md", "a.md", CleaningOverrides(), diags)
    assert not result.removed and not diags.items
    assert _tokens([text]) == _tokens(p.text for p in result.paragraphs)


html_fragment = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(["<html>", "<body>", "<p>", "</p>", "<div>", "</div>", "<script>x()</script>",
                              "<!DOCTYPE html>", "<?xml version='1.0' encoding='utf-8'?>", "<!ENTITY x SYSTEM 'file:///etc/passwd'>",
                              "&x;", "&amp;", "<title>T</title>", "<meta property='og:url' content='javascript:x'>",
                              "Story text of the page with enough words to be an article paragraph.", "\x00", "<"]),
             max_size=60).map("".join),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(html_fragment)
def test_html_capture_never_raises(text: str) -> None:
    diags = Diagnostics()
    result = clean_capture(text, "html", "a.html", CleaningOverrides(), diags)
    assert [p.number for p in result.paragraphs] == list(range(1, len(result.paragraphs) + 1))
    assert {d.code for d in diags.items} <= {"capture-unreadable"}
    assert result.detected.url is None or result.detected.url.startswith(("http://", "https://"))
