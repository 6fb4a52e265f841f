"""kb.views.compare: pairing claims across two documents, number changes, claims in one only."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from kb.views.compare import (
    background_words,
    compare_claims,
    number_changes,
    pair_claims,
    subject_words,
)


def claim(cid, text, numbers=(), start=0):
    return NS(id=cid, text=text, start=start, numbers=tuple(numbers))


def num(text, value, kind):
    return NS(text=text, value=value, kind=kind)


A = [
    claim(
        "a:1",
        "The outpatient procedure uses an incision of 5.1mm and needs no stitches.",
        [num("5.1mm", 5.1, "measurement")],
        0,
    ),
    claim(
        "a:2",
        "Durability of the procedure extends out to 5 years in follow-up studies.",
        [num("5 years", 5, "duration")],
        10,
    ),
    claim(
        "a:3",
        "Over two million patients with stenosis are diagnosed every year nationwide.",
        [num("two million", 2_000_000, "sample_size")],
        20,
    ),
    claim("a:4", "Veterans Administration programs also cover the procedure.", [], 30),
]
B = [
    claim(
        "b:1",
        "Follow-up durability studies now extend to 5 years for the procedure.",
        [num("five years", 5, "duration")],
        0,
    ),
    claim(
        "b:2",
        "Stenosis affects more than 200,000 patients diagnosed nationwide every year.",
        [num("200,000", 200_000, "sample_size")],
        10,
    ),
    claim(
        "b:3",
        "It is done through an outpatient incision 5.1mm wide, without stitches.",
        [num("5.1mm", 5.1, "measurement")],
        20,
    ),
    claim("b:4", "New Category I CPT codes took effect on January 1, 2026.", [], 30),
]


@pytest.mark.parametrize(
    "text, words",
    [
        ("The patients were treated", {"patient", "treated"}),
        ("Stenosis and LSS", {"stenosis", "lss"}),
        ("a to of in", set()),
    ],
)
def test_subject_words(text, words):
    assert subject_words(text) == words


def test_pairs_are_one_to_one_and_explained():
    pairs = pair_claims(A, B)
    got = {(p.a.id, p.b.id) for p in pairs}
    assert got == {("a:1", "b:3"), ("a:2", "b:1"), ("a:3", "b:2")}
    p = next(p for p in pairs if p.a.id == "a:1")
    assert {"incision", "outpatient", "stitche"} <= set(p.shared) and p.score >= 50


def test_a_high_threshold_pairs_less():
    assert len(pair_claims(A, B, threshold=99)) < len(pair_claims(A, B))


def test_number_changes_compare_by_kind_and_value():
    pairs = {p.a.id: p for p in pair_claims(A, B)}
    assert number_changes(pairs["a:1"]) == []  # 5.1mm both times
    assert number_changes(pairs["a:2"]) == []  # 5 years = five years (same value)
    (ch,) = number_changes(pairs["a:3"])
    assert ch.kind == "sample_size" and ch.a_numbers == ("two million",)
    assert ch.b_numbers == ("200,000",)


def test_compare_claims_lists_claims_in_one_only():
    cmp = compare_claims(A, B)
    assert [c.id for c in cmp.only_a] == ["a:4"]
    assert [c.id for c in cmp.only_b] == ["b:4"]
    assert len(cmp.changes) == 1
    words = {s.word for s in cmp.subjects}
    assert {"incision", "stenosis", "durability"} <= words


def test_background_words_are_the_very_common_ones():
    many = [claim(f"x:{i}", f"mild procedure topic{i} word{i}") for i in range(10)]
    assert background_words([many]) == {"mild", "procedure"}


def test_empty_inputs():
    cmp = compare_claims([], B)
    assert cmp.pairs == () and cmp.only_a == () and len(cmp.only_b) == len(B)


def test_stated_differently_keeps_only_findings_spanning_both_documents():
    from types import SimpleNamespace as NS

    from kb.views.compare import stated_differently

    a = [NS(id="a:1", text="x"), NS(id="a:2", text="y")]
    b = [NS(id="b:1", text="z")]
    f1 = NS(code="CONS-CROSS-DOCUMENT", claim="b:1", evidence=(("other_claim", "a:2"),))
    f2 = NS(code="CONS-CROSS-DOCUMENT", claim="b:1", evidence=(("other_claim", "c:9"),))
    f3 = NS(code="NUM-MATCH", claim="b:1", evidence=(("other_claim", "a:1"),))
    (got,) = stated_differently([f1, f2, f3], a, b)
    assert (got.finding, got.a.id, got.b.id) == (f1, "a:2", "b:1")
    assert stated_differently([f1], b, a)[0].a.id == "b:1"  # either order of documents


def test_claims_stating_the_same_measurement_in_other_words_pair_first():
    from kb.load import load_kb
    from kb.views.compare import pair_claims
    from tests.conftest import DATA

    kb = load_kb(DATA)
    pairs = pair_claims(list(kb.claims("nysipp-2024")), list(kb.claims("nysipp-2026")))
    by_a = {p.a.id: p for p in pairs}
    # "an incision smaller than the size of a baby aspirin (5.1mm)" / "an incision just 5.1mm wide"
    incision = by_a["nysipp-2024:s01.c08"]
    assert incision.b.id == "nysipp-2026:s03.c02" and "5.1 mm" in incision.shared
    # "Hypertrophic ligamentum flavum ≥ 2.5 mm" / "HLF measuring ≥ 2.5 mm" (the threshold)
    threshold = by_a["nysipp-2024:s02.c06"]
    assert threshold.b.id == "nysipp-2026:s04.c05" and "≥ 2.5 mm" in threshold.shared
