"""The quicker scans of ``briefgen suggest`` find exactly what the patterns they stand for find, on text built from
the pieces those are made of: figures (``_figures``, which skips ahead to where a figure may begin, against
``AMOUNT_RE.finditer``) and runs of capitalised words (``_RUN_UPPER`` against ``_RUN`` where no hyphen comes before a
capital)."""

from __future__ import annotations

import random

from briefgen.model.amounts import AMOUNT_RE, APPROX_WORDS, UNITS
from briefgen.suggest import _HYPHEN_CAPITAL, _RUN, _RUN_UPPER
from briefgen.suggest import _figures as figures

PIECES = [*APPROX_WORDS, *UNITS, "US$", "us$", "Us$", "$", "1", "12", "300", "1,000", "2.5", "19 000", "2020",
          " ", "  ", "\t", "\n", ".", ",", "-", "(", ")", "x", "the", "said", "Some", "ABOUT", "more  than",
          "In Excess Of", "a", "ca.", "approx.", "~ ", "one", "Two", "someone", "a dozen", "upwards  of", "Apr", "≈",
          "€", "£", "Kōchi", "İ"]


def test_same_figures_as_the_pattern() -> None:
    rng = random.Random(15)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) + rng.choice(("", " ")) for _ in range(rng.randint(1, 12)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        want = [(m.span(), m.groupdict()) for m in AMOUNT_RE.finditer(text, a, b)]
        assert [(m.span(), m.groupdict()) for m in figures(text, a, b)] == want, (text, a, b)


WORDS = ["Bashar", "al-Assad", "al-", "Al-Qaeda", "de-Gaulle", "Russia-Japan", "van", "von-", "Ministry", "of",
         "Foreign", "Affairs", "the", "and", "Japan's", "Kōchi", "Émile", "ÉTAT", "Ōtsu", "'s", "’", "O’Neill", "-",
         "U.S.", "Mr.", "x", "said", "(", ")", "\"", "“", ",", ".", "İstanbul", "ǅ", "bin", "bin-Salman", "d’Estaing"]


def test_same_runs_as_the_pattern() -> None:
    rng = random.Random(15)
    fast = 0
    for _ in range(20_000):
        text = "".join(rng.choice(WORDS) + rng.choice((" ", " ", "", "  ", "-")) for _ in range(rng.randint(1, 10)))
        if _HYPHEN_CAPITAL.search(text):
            continue  # the full pattern is used
        fast += 1
        assert [m.span() for m in _RUN_UPPER.finditer(text)] == [m.span() for m in _RUN.finditer(text)], text
    assert fast > 5_000
