"""The figure scan of ``briefgen suggest`` (``_figures``, which skips ahead to where a figure may begin) finds
exactly what ``AMOUNT_RE.finditer`` finds, on text built from the pieces figures are made of."""

from __future__ import annotations

import random

from briefgen.model.amounts import AMOUNT_RE, APPROX_WORDS, UNITS
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
