"""The fast link stage against plain restatements of its rules: the matcher (one scan per article, ASCII
bytes for ASCII aliases, per-key boundary flags, overlap runs) against a brute-force search, the sentence
splitter (abbreviations inside the pattern) against the plain loop it replaced, and link_paragraphs against
both applied paragraph by paragraph."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.clean.types import Paragraph
from briefgen.diagnostics import Span
from briefgen.link import Mention, link_paragraphs
from briefgen.link.matcher import SEPARATOR, AliasTarget, Matcher, fold, sentence_bounds


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def in_capitals(t: AliasTarget, text: str, start: int, end: int) -> bool:
    """The capitals rule: a one-word ``exact`` alias written Capitalised (``Tokyo``) also matches its capitals
    (``TOKYO``) when no small letter comes before them in the text (a dateline, a heading in capitals)."""
    a, surface = t.alias, text[start:end]
    one_word = len(a) > 1 and a[0].isupper() and a[1:].islower() and all(_word(c) for c in a)
    return (t.case == "exact" and one_word and surface.isupper()
            and not any(c.islower() for c in text[:start]))


def reference_spans(targets: list[AliasTarget], text: str) -> list[tuple[int, int, str, str]]:
    """Every occurrence of every alias (folded, by brute force), on word boundaries, by the case rule (and the
    capitals rule); two entities for the same words: none; overlaps: the longest, then the leftmost, wins."""
    table: dict[str, list[AliasTarget]] = {}
    for t in targets:
        key = fold(t.alias)
        if key.strip():
            table.setdefault(key, []).append(t)
    low, n = fold(text), len(text)
    candidates = []
    for key, ts in table.items():
        start = low.find(key)
        while start >= 0:
            end = start + len(key)
            ok_start = not (start > 0 and _word(text[start - 1]) and _word(text[start]))
            ok_end = not (end < n and _word(text[end]) and _word(text[end - 1]))
            ok = [t for t in ts if t.case == "ignore" or t.alias == text[start:end] or in_capitals(t, text, start, end)]
            if ok_start and ok_end and len({t.entity for t in ok}) == 1:
                candidates.append((start, end, ok[0].entity, ok[0].alias))
            start = low.find(key, start + 1)
    candidates.sort()
    candidates.sort(key=lambda c: c[0] - c[1])
    taken: list[tuple[int, int, str, str]] = []
    for c in candidates:
        if not any(c[0] < t[1] and t[0] < c[1] for t in taken):
            taken.append(c)
    return sorted(taken)


_END = re.compile(r"([.!?…][\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBR = re.compile(r"(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Jr|Sr|Prof|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.")


def reference_sentences(text: str) -> list[tuple[int, int]]:
    """The splitter as it was: every sentence end, skipped when the full stop ends an abbreviation."""
    bounds, start = [], 0
    for m in _END.finditer(text):
        ms = m.start() + 1
        if text[ms - 1] == ".":
            space = text.rfind(" ", start, ms)
            if _ABBR.fullmatch(text, space + 1 if space >= 0 else start, ms):
                continue
        if m.end(1) > start:
            bounds.append((start, m.end(1)))
        start = m.end()
    if len(text) > start:
        bounds.append((start, len(text)))
    return bounds


# small alphabets, so that aliases occur in the texts, inside words, overlapping, in other cases, next to
# characters outside ASCII (the Kelvin sign folds to "k"; "İ" folds to two characters), lone surrogates, "?"
# and the separator
_ALIAS_CHARS = "abkKAB _-?éÉ\u212a"
_TEXT_CHARS = _ALIAS_CHARS + "İΣ.\"“\x00\ud800"
aliases = st.lists(st.tuples(st.sampled_from(["e1", "e2", "e3"]), st.text(_ALIAS_CHARS, min_size=1, max_size=5),
                             st.sampled_from(["ignore", "exact"])), min_size=1, max_size=8)
texts = st.text(_TEXT_CHARS, max_size=60)


@given(aliases, texts)
@settings(max_examples=400, deadline=None)
def test_spans_are_the_brute_force_search(alias_list: list[tuple[str, str, str]], text: str) -> None:
    targets = [AliasTarget(*a) for a in alias_list]
    assert Matcher(targets).spans(text) == reference_spans(targets, text)


@given(aliases, st.lists(texts, min_size=1, max_size=5))
@settings(max_examples=300, deadline=None)
def test_one_scan_of_many_texts_is_each_text_alone(alias_list: list[tuple[str, str, str]], many: list[str]) -> None:
    matcher = Matcher([AliasTarget(*a) for a in alias_list])
    expected = [(i, *span) for i, text in enumerate(many) for span in matcher.spans(text)]
    assert matcher.spans_many(many) == expected


def test_ascii_and_other_aliases_find_the_same() -> None:
    text = "Kurils, the KURILS and the \u212aurils; Éto\ud800rofu, kurilsk and “Kurils”"
    ascii_only = Matcher([AliasTarget("k", "Kurils", "ignore")])
    with_accent = Matcher([AliasTarget("k", "Kurils", "ignore"), AliasTarget("e", "Étorofu", "exact")])
    expected = [(0, 6, "k", "Kurils"), (12, 18, "k", "Kurils"), (27, 33, "k", "Kurils"), (58, 64, "k", "Kurils")]
    assert [text[s:e] for s, e, _, _ in expected] == ["Kurils", "KURILS", "\u212aurils", "Kurils"]
    assert ascii_only.spans(text) == expected
    assert with_accent.spans(text) == expected
    assert with_accent.spans("Étorofu and étorofu") == [(0, 7, "e", "Étorofu")]


def test_separator_in_an_alias_is_not_used() -> None:
    matcher = Matcher([AliasTarget("x", f"a{SEPARATOR}b", "ignore"), AliasTarget("y", "b", "ignore")])
    assert matcher.separator != SEPARATOR
    assert matcher.spans_many(["a", "b"]) == [(1, 0, 1, "y", "b")]


sentence_text = st.lists(st.sampled_from(
    [" ", " ", " ", "\n", "\t", "\xa0", ".", ".", "!", "?", "…", "M", "r", "s", "A", "B", "a", "x", "1", '"', ")",
     "“", "Sept", "Sep", "Mr", "Prof", "No", "Z", "zMr", ". ", ". A", "Mr. ", "\nMr.", "word", "Jan"]), max_size=30)


@given(sentence_text.map("".join))
@settings(max_examples=1000, deadline=None)
def test_sentences_are_the_plain_loop(text: str) -> None:
    assert sentence_bounds(text) == reference_sentences(text)


@given(aliases, st.lists(st.text(_TEXT_CHARS + " .ABM", max_size=60), min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_link_paragraphs_is_each_paragraph_alone(alias_list: list[tuple[str, str, str]], many: list[str]) -> None:
    targets = [AliasTarget(*a) for a in alias_list]
    paragraphs = tuple(Paragraph(i + 1, text, Span("a.txt")) for i, text in enumerate(many))
    expected = []
    for p in paragraphs:
        sentences = reference_sentences(p.text)
        for start, end, entity, alias in reference_spans(targets, p.text):
            sentence = next((s for s in sentences if s[1] > start), sentences[-1] if sentences else None)
            expected.append(Mention(entity, "a", p.number, start, end, alias, sentence))
    assert link_paragraphs("a", paragraphs, Matcher(targets)) == tuple(expected)


def test_mention_is_an_immutable_record() -> None:
    m = Mention("kunashir", "a", 2, 5, 13, "Kunashir", (0, 40))
    assert (m.entity, m.paragraph, m.sentence) == ("kunashir", 2, (0, 40))
    assert m == Mention("kunashir", "a", 2, 5, 13, "Kunashir", (0, 40)) and len({m, m._replace(end=13)}) == 1
    try:
        m.start = 0  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("a Mention can be changed")


def test_overlaps_longest_then_leftmost() -> None:
    def spans(aliases: list[str], text: str) -> list[str]:
        matcher = Matcher([AliasTarget(f"e{i}", a, "ignore") for i, a in enumerate(aliases)])
        return [text[s:e] for s, e, _, _ in matcher.spans(text)]

    assert spans(["a b", "b a"], "a b a") == ["a b"]  # as long: the leftmost
    assert spans(["b a", "a b"], "a b a") == ["a b"]
    assert spans(["a b", "b c d"], "a b c d") == ["b c d"]  # the longer, though it starts later
    assert spans(["a b", "b c", "c d"], "a b c d") == ["a b", "c d"]  # a run of three
    assert spans(["b", "a b c", "c"], "a b c, b c") == ["a b c", "b", "c"]


@given(st.lists(sentence_text.map("".join), min_size=1, max_size=6))
@settings(max_examples=500, deadline=None)
def test_link_paragraphs_sentences_are_each_paragraphs(many: list[str]) -> None:
    """Mentions all over paragraphs made of sentence ends, abbreviations, newlines and tabs: the sentence of
    each is sentence_bounds' of its paragraph, the first sentence of a paragraph included."""
    targets = [AliasTarget("m", "Mr", "exact"), AliasTarget("a", "A", "exact"), AliasTarget("w", "word", "ignore"),
               AliasTarget("x", "x", "ignore"), AliasTarget("s", "Sept", "exact")]
    paragraphs = tuple(Paragraph(i + 1, text, Span("a.txt")) for i, text in enumerate(many))
    expected = []
    for p in paragraphs:
        sentences = reference_sentences(p.text)
        for start, end, entity, alias in reference_spans(targets, p.text):
            sentence = next((s for s in sentences if s[1] > start), sentences[-1])
            expected.append(Mention(entity, "a", p.number, start, end, alias, sentence))
    assert link_paragraphs("a", paragraphs, Matcher(targets)) == tuple(expected)
