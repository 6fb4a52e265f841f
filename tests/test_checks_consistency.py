"""Consistency and evidence checks: negation, events, cross-document figures, designs, people."""

from __future__ import annotations

import pytest

from kb.checks.text import (
    design_words,
    event_statements,
    negation_key,
    organisation,
    person_name,
    same_person,
)
from kb.model import Claim
from tests.checkshelp import mini_kb, run
from tests.conftest import DATA


def _claim(text: str) -> Claim:
    return Claim("d:c1", "d", "s1", text, 0, len(text))


@pytest.mark.parametrize(
    "text, negative, qualifiers",
    [
        (
            "No significant device- or procedure-related AEs were reported.",
            True,
            {"serious", "related"},
        ),
        (
            "Significant device- or procedure-related AEs were reported¹⁷.",
            False,
            {"serious", "related"},
        ),
        (
            "There were no serious device-/procedure-related AEs, and 1.3% had one.",
            True,
            {"serious", "related"},
        ),
        ("There were no major complications recorded¹⁸.", True, {"serious"}),
        ("The absence of device or procedure-related AEs underscores safety.", True, {"related"}),
        ("Adverse events were not reported in either arm.", True, set()),
        # the qualifier after the scope: the "no" must still be read
        (
            "In the trial, no device-related serious adverse events were reported.",
            True,
            {"serious", "related"},
        ),
        ("Device-related serious AEs were reported in 3 patients.", False, {"serious", "related"}),
    ],
)
def test_event_statements(text, negative, qualifiers):
    (ev,) = event_statements(_claim(text))
    assert ev.negative is negative and set(ev.qualifiers) == qualifiers


@pytest.mark.parametrize(
    "text",
    [
        "Safety was evaluated by assessing incidence of device-/procedure-related adverse events.",
        "1.3% experienced a device-/procedure-related adverse event.",
    ],
)
def test_sentences_that_only_mention_events_are_not_statements(text):
    assert event_statements(_claim(text)) == []


def test_negation_key_drops_negations_and_markers():
    a = negation_key(_claim("No significant device- or procedure-related AEs were reported."))
    b = negation_key(_claim("Significant device- or procedure-related AEs were reported."))
    assert a[0] == b[0] and (a[1], b[1]) == (1, 0)


@pytest.mark.parametrize(
    "body, fires",
    [
        ("Serious harms were reported¹.\n\nNo serious harms were reported¹.", True),
        ("Serious harms were reported¹.\n\nNo serious harms were ever reported¹.", False),
        ("Not all sites reported harms¹.\n\nAll sites did not report harms¹.", False),
    ],
)
def test_negation_pairs(tmp_path, body, fires):
    assert bool(run(mini_kb(tmp_path, body), "CONS-NEGATION")) is fires


def test_seed_cross_document_figure():
    from kb.load import load_kb

    (f,) = run(load_kb(DATA), "CONS-CROSS-DOCUMENT")
    assert f.document == "nysipp-2026"
    assert "more than 200,000 individuals" in f.message and "two million" in f.message
    assert "tenfold" in f.message


@pytest.mark.parametrize(
    "sponsor, org",
    [
        ("Vertos Medical, the device maker (funding shown in ...)", "Vertos Medical"),
        ("Vertos Medical gave ASPN an unrestricted grant", "Vertos Medical"),
        ("University of Bergen (named funder)", "University of Bergen"),
        ("Not stated in the abstract", None),
        (None, None),
    ],
)
def test_organisation(sponsor, org):
    assert organisation(sponsor) == org


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Sudhir Diwan (CEO)", "Diwan, Sudhir", True),
        ("Hemant Kalia (President Elect, signatory)", "Kalia, H.", True),
        ("Robert Tiso MD", "Tiso, Richard", False),
        ("Christopher Gharibo", "Gharibo, Christopher", True),
        ("Neel Mehta", "Metha, Neel", False),
    ],
)
def test_people(a, b, same):
    assert same_person(person_name(a), person_name(b)) is same


@pytest.mark.parametrize(
    "text, keys",
    [
        ("The MOTION prospective, multicenter RCT compares", ["randomized", "prospective"]),
        ("A retrospective longitudinal study", ["retrospective"]),
        ("level 1 randomized controlled trials (RCTs)", ["randomized", "level 1"]),
        ("Level of evidence 1-A", []),
        ("A prospective case series", ["prospective", "case series"]),
    ],
)
def test_design_words(text, keys):
    assert [k for k, _ in design_words(text)] == keys


def test_seed_evidence_findings():
    from kb.load import load_kb

    found = [f for f in run(load_kb(DATA)) if f.code.startswith("EVID-")]
    by = {}
    for f in found:
        by.setdefault(f.code, []).append(f)
    assert sorted(f.refs for f in by["EVID-DESIGN-WORD"]) == [(19,), (20,)]
    assert all(
        '"prospective"' in f.message and "claims-database cohort" in f.message
        for f in by["EVID-DESIGN-WORD"]
    )
    (sponsor,) = by["EVID-SPONSOR"]
    assert "Vertos Medical" in sponsor.message and sponsor.refs == (
        3,
        4,
        6,
        11,
        12,
        13,
        14,
        15,
        16,
        19,
        26,
    )
    (overlap,) = by["EVID-AUTHOR-OVERLAP"]
    assert overlap.refs == (21,) and "Sudhir Diwan" in overlap.message
    assert "Christopher Gharibo" in overlap.message
    assert "Kalia" not in overlap.message and "Tiso" not in overlap.message
    (consensus,) = by["EVID-CONSENSUS-ONLY"]
    assert consensus.refs == (22,)
