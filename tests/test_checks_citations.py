"""Citation checks: uncited claims and borrowed markers, entries, details, dates."""

from __future__ import annotations

import pytest

from kb.checks.citations import _month, detail_differences, norm_pages, same_journal
from kb.model import ReferenceEntry, Work
from tests.checkshelp import mini_kb, run
from tests.conftest import DATA


@pytest.mark.parametrize(
    "pages, expected",
    [
        ("417-25", ("417", "425")),
        ("369–78", ("369", "378")),
        ("1687-1697", ("1687", "1697")),
        ("100561", ("100561", None)),
        ("e123-e130", ("e123", "e130")),
        ("25-38.", ("25", "38")),
        (None, None),
    ],
)
def test_norm_pages(pages, expected):
    assert norm_pages(pages) == expected


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("J Pain Res.", "Journal of Pain Research", True),
        ("Pain Pract.", "Pain Practice", True),
        ("Pain practice : the official journal of World Institute of Pain", "Pain Practice", True),
        ("Reg Anesth Pain Med.", "Regional Anesthesia and Pain Medicine", True),
        ("Med Devices (Auckl)", "Medical Devices: Evidence and Research", True),
        ("Interventional Pain Med.", "Interventional Pain Medicine", True),
        ("Pain Pract.", "Pain Medicine", False),
        ("Eur Spine J", "Spine", False),
    ],
)
def test_same_journal(a, b, same):
    assert same_journal(a, b) is same


def _work(**kw) -> Work:
    base = {
        "citekey": "w",
        "kind": "journal-article",
        "title": "T",
        "journal": "Journal of Examples",
        "year": 2020,
        "volume": "10",
        "number": "2",
        "pages": "100-110",
        "verified": True,
    }
    base.update(kw)
    return Work(**base)


def _entry(**kw) -> ReferenceEntry:
    base = {
        "id": "d:ref01",
        "document": "d",
        "number": 1,
        "raw": "...",
        "journal": "J Examples",
        "year": 2020,
        "volume": "10",
        "issue": "2",
        "pages": "100-10",
    }
    base.update(kw)
    return ReferenceEntry(**base)


@pytest.mark.parametrize(
    "entry, work, fields",
    [
        ({}, {}, []),
        ({"year": 2021}, {}, ["year"]),
        ({"volume": "11"}, {}, ["volume"]),
        ({"issue": "3"}, {}, ["issue"]),
        ({"pages": "101-110"}, {}, ["pages"]),
        ({"journal": "Pain Med."}, {}, ["journal"]),
        ({"issue": "1"}, {"number": None}, []),  # the record has no issue: nothing to compare
        ({"year": 2021}, {"unconfirmed": ("year",)}, []),  # taken from the letter itself
        ({"issue": "1"}, {"unconfirmed": ("number",)}, []),
    ],
)
def test_detail_differences(entry, work, fields):
    assert [f for f, _, _ in detail_differences(_entry(**entry), _work(**work))] == fields


@pytest.mark.parametrize(
    "value, month",
    [("Jun", 6), ("June", 6), ("Jul-Aug", 7), ("12", 12), ("spring", None), (None, None)],
)
def test_month(value, month):
    assert _month(value) == month


def test_a_sentence_borrows_the_marker_of_a_later_sentence_of_its_paragraph(tmp_path):
    kb = mini_kb(
        tmp_path,
        "Rates fell to 42% in 2020. The registry reported this¹.\n\n"
        "The registry is large¹. About 37% of the centres joined.",
        kind="journal-article",
    )
    (f,) = run(kb, "CIT-UNCITED")  # the 42% sentence is covered by the marker after it
    assert f.message.startswith('"About 37% of the centres joined." states "37%"')


def test_a_footnote_is_never_lent_to_the_sentences_before_it(tmp_path):
    """A footnote (a note, not a publication) backs only the sentence carrying its marker."""
    kb = mini_kb(
        tmp_path,
        "Rates fell to 42% in 2020. The registry reported this¹.\n\nThe registry is large¹.",
    )
    (f,) = run(kb, "CIT-UNCITED")
    assert f.message.startswith('"Rates fell to 42% in 2020." states "42%"')
    assert "the next marker of its paragraph (ref 1) is a footnote" in f.message


def test_a_caption_without_a_marker_is_uncited(tmp_path):
    kb = mini_kb(tmp_path, "Scores improved¹.\n\nFigure 4: Change in outcomes across groups.")
    (f,) = run(kb, "CIT-UNCITED")
    assert "figure caption" in f.message


def test_a_statement_without_reference_list_gets_one_no_entry_finding():
    from kb.load import load_kb

    found = [f for f in run(load_kb(DATA), "CIT-NO-ENTRY") if f.document == "nysipp-2024"]
    assert len(found) == 1 and found[0].claim is None
    assert "has no reference list" in found[0].message and found[0].refs == (1, 2, 3, 4, 5, 6)


def test_seed_letter_citation_findings():
    from kb.load import load_kb

    found = [
        f for f in run(load_kb(DATA)) if f.document == "nysipp-2026" and f.code.startswith("CIT-")
    ]
    by = {}
    for f in found:
        by.setdefault(f.code, []).append(f)
    assert sorted(f.refs[0] for f in by["CIT-NON-PUBLICATION"]) == [2, 7, 8, 9]
    assert [f.refs for f in by["CIT-DUPLICATE-WORK"]] == [(6, 19)]
    assert [f.refs for f in by["CIT-UNVERIFIED"]] == [(26,)]
    assert [f.refs for f in by["CIT-DATED-AFTER"]] == [(26,)]
    assert "the month of the letter" in by["CIT-DATED-AFTER"][0].message
    assert "CIT-NO-ENTRY" not in by and "CIT-UNRESOLVED" not in by
    uncited = [f.message for f in by["CIT-UNCITED"]]
    assert any("Figure 4" in m for m in uncited)
    assert sum('"42%"' in m for m in uncited) == 2
