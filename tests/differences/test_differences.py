"""Where sources differ: figures read from fact values, and which facts disagree (cases as data in cases.yml),
and the demo briefing's own golden cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefgen.build import compile_briefing
from briefgen.diagnostics import Diagnostics, Severity, Span
from briefgen.load.annotations import read_briefing
from briefgen.load.types import DifferencesConfig, FactSpec, Reference
from briefgen.load.yamlsafe import parse_yaml
from briefgen.model.amounts import read_amount
from briefgen.model.differences import find_differences, naming_notes
from briefgen.model.types import Fact

CASES = yaml.safe_load((Path(__file__).parent / "cases.yml").read_text())
DEMO = Path(__file__).parents[2]


def config_of(given: dict | None) -> DifferencesConfig:
    """The ``differences:`` settings as briefing.yml's reader reads them."""
    text = "title: t\nas_of: 2020-01-01\nkinds: {actor: {label: A, plural: As}}\n"
    if given:
        text += "differences: " + yaml.safe_dump(given, default_flow_style=True)
    diags = Diagnostics()
    config = read_briefing(parse_yaml(text, "briefing.yml", diags), "briefing.yml", diags)
    assert config is not None and not diags.items, diags.items
    return config.differences


@pytest.mark.parametrize("case", CASES["amounts"], ids=[c["text"] for c in CASES["amounts"]])
def test_amount(case: dict) -> None:
    got = read_amount(case["text"])
    if case["value"] is None:
        assert got is None
        return
    assert got is not None
    assert got.value == pytest.approx(case["value"])
    for key in ("low", "high"):
        if key in case:
            assert getattr(got, key) == pytest.approx(case[key])
    assert got.unit == case.get("unit")
    assert got.approx == case.get("approx")


def facts_of(given: list[dict]) -> tuple[Fact, ...]:
    out = []
    for i, f in enumerate(given, 1):
        f = {k: str(v) for k, v in f.items()}  # YAML reads dates and figures; annotations keep them as text
        span = Span("case.yml", i)
        spec = FactSpec("s", span, f["property"], f["value"], f.get("as_of"), None, None, Reference(f"ref {i}", None),
                        span, measure=f.get("measure"))
        out.append(Fact(spec, None, f.get("as_of")))
    return tuple(out)


@pytest.mark.parametrize("case", CASES["compare"], ids=[c["name"] for c in CASES["compare"]])
def test_compare(case: dict) -> None:
    config = config_of(case.get("config"))
    facts = {"s": facts_of(case["facts"])}
    got = [[s.fact.spec.value for s in d.sides] for d in find_differences(facts, config).get("s", ())]
    assert got == case["differ"]
    notes = naming_notes(facts, config)
    assert all(n.severity is Severity.INFO and n.code == "facts-named-differently" for n in notes)
    named = [[n.message.split("'")[5], n.message.split("'")[1]] for n in notes]
    assert named == case.get("named_differently", [])


def test_bad_settings_are_located_errors() -> None:
    diags = Diagnostics()
    text = "title: t\nas_of: 2020-01-01\nkinds: {actor: {label: A, plural: As}}\ndifferences: {window: soon, tolerance: 200%}\n"
    config = read_briefing(parse_yaml(text, "briefing.yml", diags), "briefing.yml", diags)
    assert config is not None and config.differences.window_days == 5 * 365
    assert [(d.span.line, d.code) for d in diags.items] == [(4, "bad-value"), (4, "bad-value")]
    assert "5y, 18m, 90d" in diags.items[0].hint


def test_demo_golden_cases() -> None:
    """The demo: 17,000 (1945) is not set against 20,000 (2019); 19,000 against 20,000 residents is flagged."""
    diags = Diagnostics()
    compiled = compile_briefing(DEMO, diags)
    assert compiled.model is not None
    found = find_differences(compiled.model.facts, compiled.model.config.differences)
    population = [d for d in found["disputed-islands"] if d.measure == "population"]
    assert len(population) == 1
    values = [s.fact.spec.value for s in population[0].sides]
    assert "some 19,000 Russians" in values and "some 20,000 people" in values
    assert not any("Japanese" in v for v in values)
    page = {p.path: p.markdown for p in compiled.pages}
    assert "../differences.html#disputed-islands-population-2016" in page["islands/disputed-islands.md"]
    assert "some 19,000 Russians" in page["differences.md"]


def test_check_notes_facts_named_differently_without_failing(tmp_path, capsys) -> None:
    import shutil

    from briefgen.cli import main

    root = tmp_path / "demo"
    shutil.copytree(DEMO / "content", root / "content")
    islands = root / "content" / "entities" / "islands.yml"
    text = islands.read_text()
    anchor = "  facts:\n    - property: area\n      value: 10,503.2 km²"
    assert anchor in text
    islands.write_text(text.replace(anchor, "  facts:\n"
                                    "    - {property: number of islands, value: '56', reference: {title: Atlas}}\n"
                                    "    - {property: number of islets, value: '30', reference: {title: Gazetteer}}\n"
                                    "    - property: area\n      value: 10,503.2 km²", 1))
    assert main(["check", "-C", str(root), "--strict"]) == 0
    err = capsys.readouterr().err
    assert "info[facts-named-differently]: fact 'number of islets' of 'kuril-islands' looks comparable with " \
           "'number of islands'" in err
    assert "hint: if they measure the same thing, give both 'measure: number of islands'" in err
    assert "content/entities/islands.yml:" in err and "0 errors, 0 warnings" in err


def test_same_measure_disputed_twice_in_a_year_gets_distinct_ids_everywhere() -> None:
    """Two disagreements on one measure in one year, too far apart to compare, are two entries: each has its own id,
    and the facts table's markers (site) lead to the entry of their own disagreement, not both to the first."""
    from briefgen.render.differences import anchors_of

    config = config_of({"window": "1m"})
    facts = {"s": facts_of([
        {"property": "population", "value": "100", "as_of": "2020-01-05"},
        {"property": "population", "value": "900", "as_of": "2020-01-10"},
        {"property": "population", "value": "100", "as_of": "2020-11-05"},
        {"property": "population", "value": "900", "as_of": "2020-11-10"},
        {"property": "population", "value": "100", "as_of": "2020-12-20"},
        {"property": "population", "value": "900", "as_of": "2020-12-28"},
    ])}
    found = list(find_differences(facts, config)["s"])
    assert len(found) == 3
    assert anchors_of(found) == ["s-population-2020", "s-population-2020-2", "s-population-2020-3"]
