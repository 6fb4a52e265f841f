"""Claim-versus-source: atoms, slips, class compatibility and the match statuses."""

from __future__ import annotations

import pytest

from kb.checks.context import SourceNumber, source_numbers
from kb.checks.matching import agrees, compatible, slip
from kb.checks.text import Atom, atoms
from kb.model import Outcome
from kb.reading.numbers import find_numbers
from tests.checkshelp import CHECKS_KB, run
from tests.conftest import DATA


def _labels(sentence: str) -> list[list[str]]:
    return [[a.label() for a in atoms(m)] for m in find_numbers(sentence) if atoms(m)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("only 4 (5.6 %) patients had surgery", [["4", "5.6%"]]),
        ("harms (5.6% vs. 12.1%; $p < 0.0001$)", [["5.6%", "12.1%"], ["p < 0.0001"]]),
        ("increasing from 246 to 3,956 feet", [["246", "3,956"]]),
        ("Only 9 of 75 required surgery", [["9", "75"]]),
        ("Forty-eight patients consented", [["Forty-eight patients"]]),
        ("p-values ranging from <0.0001 to 0.0001", [["p < 0.0001", "p = 0.0001"]]),
        ("at 6 months and 1 year, in 2019, code 0275T", []),  # durations, years, codes
    ],
)
def test_atoms(sentence, expected):
    assert _labels(sentence) == expected


@pytest.mark.parametrize(
    "stated, recorded, why",
    [
        ("16", 160, "a digit dropped"),
        ("1600", 160, "a digit added"),
        ("134", 143, "two digits swapped"),
        ("153", 143, "one digit different"),
        ("5.7", 5.6, "off by one in the last digit"),
        ("12.1", 1.21, "a factor of ten (the decimal point moved)"),
        ("1600", 16, "a factor of a hundred"),
        ("4", 40, None),  # too small to tell a slip from another number
        ("49", 160, None),
        ("5.6", 5.6, None),
    ],
)
def test_slip(stated, recorded, why):
    assert slip(Atom(stated, float(stated), "n"), float(recorded)) == why


@pytest.mark.parametrize(
    "a, s, ok",
    [
        ("pct", "pct", True),
        ("pct", "n", False),
        ("p", "pct", False),
        ("p", "p", True),
        ("n", "num", True),
        ("unit:points", "unit:feet", False),
        ("unit:points", "unit:points", True),
        ("n", "unit:consensus", True),
        ("unit:mins", "num", True),
    ],
)
def test_compatible(a, s, ok):
    assert compatible(a, s) is ok


def _sn(value: float, cls: str = "n", op: str | None = None) -> SourceNumber:
    return SourceNumber(Outcome("o", "s", "w", "other"), value, cls, "value", op)


def test_counts_are_exact_but_measurements_round():
    assert not agrees(Atom("4", 4.0, "n"), _sn(4.3, "unit:points"))
    assert agrees(Atom("4", 4.0, "unit:points"), _sn(4.3, "unit:points"))
    assert agrees(Atom("0.0001", 0.0001, "p", "<"), _sn(0.0001, "p", "<"))
    assert not agrees(Atom("0.0001", 0.0001, "p", "="), _sn(0.0001, "p", "<"))


def test_source_numbers_read_text_values():
    o = Outcome(
        "x",
        "s",
        "w",
        "surgery",
        value=5.6,
        value_text="4 (5.6%)",
        unit="%",
        count=4,
        p_value="<0.0001 to 0.0001",
    )
    got = {(n.value, n.cls) for n in source_numbers(o)}
    assert {(5.6, "pct"), (4.0, "n"), (0.0001, "p")} <= got


@pytest.fixture(scope="module")
def fixture_matches():
    from kb.checks.factcheck import fact_check
    from kb.graph import build_graph
    from kb.load import load_kb

    kb = load_kb(CHECKS_KB)
    fc = fact_check(kb, build_graph(kb))
    out = {}
    for c in kb.claims():
        for m in fc.matches[c.id]:
            out[m.number.text] = m
    return out


@pytest.mark.parametrize(
    "number, status, outcome",
    [
        ("90 patients", "matched", "a-n-treated-device"),
        ("95", "matched", "a-n-treated-control"),
        ("16 patients", "near miss", "c-n-2y"),
        ("5.0%", "elsewhere", "a-harms"),
        ("200,000", "not in source", None),
        ("Serious device-related adverse events were reported", "contradicted", "a-serious-aes"),
        ("No serious device-related adverse events were reported", "not checked", None),
        ("3 (7.0%)", "not checked", None),
    ],
)
def test_fixture_match_statuses(fixture_matches, number, status, outcome):
    m = fixture_matches[number]
    assert m.status == status
    assert (m.outcome.id if m.outcome else None) == outcome
    assert m.reason


def test_seed_letter_number_findings():
    from kb.load import load_kb

    found = [f for f in run(load_kb(DATA)) if f.document == "nysipp-2026"]
    msgs = {f.code: [x.message for x in found if x.code == f.code] for f in found}
    (slsi, near) = msgs["NUM-NEAR-MISS"]
    assert "counts surgery only, while the sentence speaks of subsequent interventions" in slsi
    assert near.startswith("16 is not in mekhail2020age, which reports 160")
    (aset_encore, aset_motion) = msgs["NUM-ANALYSIS-SET"]
    assert "143 and 131" in aset_encore and "149 and 153" in aset_encore
    assert "48" in aset_motion and "77" in aset_motion
    (contra,) = msgs["NUM-CONTRADICTED"]
    assert "Significant device- or procedure-related AEs were reported" in contra
    assert "counts 0" in contra
    missing = " ".join(msgs["NUM-NOT-IN-SOURCE"])
    assert "more than 200,000" in missing and "N = 34" in missing
    assert "may be in the full text" in missing
    # the five-year report is known only from the letter's citation: nothing about 387% is said
    assert not any("387" in f.message for f in found if f.code.startswith("NUM-"))


@pytest.mark.parametrize(
    "sentence, measure, broad",
    [
        ("only 4 (5.6 %) patients had received SLSIs¹⁶.", "surgery", True),
        ("the rate of subsequent interventions was 24.9%", "surgery", True),
        ("subsequent lumbar spine interventions occurred in 4", "surgery", True),
        ("4 reinterventions were needed", "surgery", True),
        ("Subsequent surgical procedure rate of 9.0 %", "surgery", False),
        ("the rate of subsequent interventions was 24.9%", "subsequent intervention", False),
        ("only 4 (5.6 %) patients had surgery", "surgery", False),
    ],
)
def test_outcome_words_matter(sentence, measure, broad):
    from kb.checks.matching import narrower_outcome

    got = narrower_outcome(sentence, Outcome("x", "s", "w", measure))
    assert (got is not None) == broad


def test_seed_letter_slsi_claim_is_not_matched_by_a_surgery_figure():
    from kb.checks.factcheck import fact_check
    from kb.graph import build_graph
    from kb.load import load_kb

    kb = load_kb(DATA)
    fc = fact_check(kb, build_graph(kb))
    claim = next(c for c in kb.claims("nysipp-2026") if "had received SLSIs" in c.text)
    by_text = {m.number.text: m for m in fc.matches[claim.id]}
    slsi = by_text["4 (5.6 %) patients"]
    assert slsi.status == "near miss" and slsi.outcome.id == "motion-3y-surgery"
    assert "counts surgery only" in slsi.reason
    assert by_text["274 %"].status == "matched"
    assert fc.verdicts[claim.id].label == "partly supported"
