"""What the checks read from every document or every work is built once per knowledge base
(kb.checks.context.per_kb), and built again when the KB is changed in place."""

from __future__ import annotations

import gc
from dataclasses import replace

from kb.checks import context
from kb.checks.consistency import cross_index
from kb.checks.context import recorded_numbers
from kb.checks.factcheck import fact_check
from kb.graph import build_graph
from kb.load import load_kb
from tests.conftest import ROOT


def _cross(fc) -> list[tuple[str, str]]:
    return [(f.document, f.message) for f in fc.findings if f.code == "CONS-CROSS-DOCUMENT"]


def test_indexes_are_built_once_per_kb():
    kb = load_kb(ROOT / "data")
    assert cross_index(kb) is cross_index(kb)
    assert recorded_numbers(kb) is recorded_numbers(kb)
    other = load_kb(ROOT / "data")
    assert cross_index(other) is not cross_index(kb)
    assert cross_index(other) == cross_index(kb)


def test_a_document_redated_in_place_is_compared_again():
    kb = load_kb(ROOT / "data")
    g = build_graph(kb)
    before = _cross(fact_check(kb, g, documents=["nysipp-2026"]))
    assert [d for d, _ in before] == ["nysipp-2026"]
    assert _cross(fact_check(kb, g, documents=["nysipp-2024"])) == []
    # the 2024 statement now dated after the 2026 letter: it is the later one, so it carries
    # the finding, as a freshly loaded KB with that date would say
    kb.documents["nysipp-2024"] = replace(kb.documents["nysipp-2024"], date="2027-01-01")
    assert _cross(fact_check(kb, g, documents=["nysipp-2026"])) == []
    after = _cross(fact_check(kb, g, documents=["nysipp-2024"]))
    assert [d for d, _ in after] == ["nysipp-2024"]
    assert _cross(fact_check(kb, g)) == after


def test_an_outcome_changed_in_place_is_read_again():
    kb = load_kb(ROOT / "data")
    oid, o = next((k, o) for k, o in kb.outcomes.items() if o.value is not None)
    numbers_of = recorded_numbers(kb)[1]
    assert numbers_of[oid][0].value == o.value
    kb.outcomes[oid] = replace(o, value=o.value + 1000.5)
    assert recorded_numbers(kb)[1][oid][0].value == o.value + 1000.5


def test_what_is_kept_goes_with_the_kb():
    kb = load_kb(ROOT / "data")
    cross_index(kb)
    key = id(kb)
    assert key in context._PER_KB
    del kb
    gc.collect()
    assert key not in context._PER_KB
