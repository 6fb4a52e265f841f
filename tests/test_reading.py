"""Reading letters: sections, claims, citation markers and reference lists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.linking.resolve import marker_problems
from kb.reading import (
    FACTUAL_KINDS,
    Reading,
    expand_refs,
    find_markers,
    find_reference_list,
    is_note_entry,
    parse_reference_entry,
    read_document,
    split_claims,
    split_reference_entries,
    split_sections,
    split_sentences,
)

ROOT = Path(__file__).parents[1]
LETTERS = ROOT / "data" / "letters"
LETTER_2026 = LETTERS / "nysipp-2026-06-26-letter-mild.txt"
STATEMENT_2024 = LETTERS / "nysipp-2024-01-31-statement-mild.txt"
FIXTURES = Path(__file__).parent / "fixtures"
BRACKET = FIXTURES / "letters" / "bracket-letter.txt"
LABELS = FIXTURES / "nysipp-2026-claims.json"


def _need(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def letter() -> tuple[str, Reading]:
    text = _need(LETTER_2026)
    return text, read_document("nysipp-2026", text, file=LETTER_2026.name)


@pytest.fixture(scope="module")
def statement() -> tuple[str, Reading]:
    text = _need(STATEMENT_2024)
    return text, read_document("nysipp-2024", text, file=STATEMENT_2024.name)


@pytest.fixture(scope="module")
def bracket() -> tuple[str, Reading]:
    text = BRACKET.read_text(encoding="utf-8")
    return text, read_document("bracket", text, file=BRACKET.name)


@pytest.fixture(scope="module")
def labels() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


# --- the hand-labelled 2026 letter ----------------------------------------------------------
def test_factual_claim_count_matches_labels(letter, labels):
    _, r = letter
    assert len(r.factual_claims) == labels["total_factual_claims"] == len(labels["claims"])


def test_every_labelled_claim_matches_in_order(letter, labels):
    _, r = letter
    titles = {s.id: s.title for s in r.sections}
    for got, want in zip(r.factual_claims, labels["claims"], strict=True):
        where = f"{got.id}: {got.text[:60]!r}"
        assert got.text.startswith(want["start"]), where
        assert got.text.endswith(want["end"]), where
        assert got.kind == want["kind"], where
        assert list(got.refs) == want["refs"], where
        assert titles[got.section] == want["section"], where


def test_claims_with_refs_match_labels(letter, labels):
    _, r = letter
    got = {(c.text[:40], c.refs) for c in r.factual_claims if c.refs}
    want = {(w["start"][:40], tuple(w["refs"])) for w in labels["claims"] if w["refs"]}
    assert got == want


def test_page_break_sentences_are_one_claim(letter, labels):
    _, r = letter
    for pb in labels["page_break_claims"]:
        hits = [c for c in r.factual_claims if c.text.startswith(pb["start"])]
        assert len(hits) == 1
        assert pb["contains"] in hits[0].text


def test_claim_offsets_slice_back(letter):
    text, r = letter
    for c in r.claims:
        assert text[c.start : c.end] == c.text
        assert c.text == c.text.strip()
        for cit in c.citations:
            assert text[cit.start : cit.end] == cit.text
            assert c.start <= cit.start < cit.end <= c.end
        for n in c.numbers:
            assert text[n.start : n.end] == n.text


def test_ids_follow_the_scheme(letter):
    _, r = letter
    assert [s.id for s in r.sections][:3] == [
        "nysipp-2026:s01",
        "nysipp-2026:s02",
        "nysipp-2026:s03",
    ]
    for c in r.claims:
        assert re.fullmatch(r"nysipp-2026:s\d{2}\.c\d{2}", c.id)
        assert c.id.startswith(c.section + ".")
        for k, cit in enumerate(c.citations, 1):
            assert cit.id == f"{c.id}.m{k}"
            assert cit.claim == c.id and cit.document == "nysipp-2026"
    assert [e.id for e in r.entries][5] == "nysipp-2026:ref06"
    by_id = {c.id: c for c in r.claims}
    assert by_id["nysipp-2026:s07.c03"].text.startswith("ODI, NPRS, and ZCQ were used")


def test_sections_and_titles(letter):
    _, r = letter
    titles = [s.title for s in r.sections]
    assert titles[0] == "Preamble"
    assert titles[1] == "LSS Overview"
    assert "MOTION RCT" in titles and "Cost Effectiveness Data" in titles
    assert titles[-1] == "References"
    assert len(titles) == 17
    for a, b in zip(r.sections, r.sections[1:], strict=False):
        assert a.end == b.start


def test_letterhead_and_signature_are_not_factual(letter):
    _, r = letter
    kinds = {c.kind for c in r.claims}
    assert {"letterhead", "signature", "salutation"} <= kinds
    factual = " ".join(c.text for c in r.factual_claims)
    for s in ("492-3100", "Marcus Ave", "Sincerely", "Vice Chairman", "Karina Grisenko", "Re: "):
        assert s not in factual
    sig = [c for c in r.claims if c.kind == "signature"]
    assert sig[0].text == "Sincerely,"
    assert not any(c.refs for c in r.claims if c.kind not in FACTUAL_KINDS)


def test_reference_list_is_not_claims(letter):
    _, r = letter
    ref_section = r.sections[-1]
    assert not [c for c in r.claims if c.start >= ref_section.start]


def test_caption_claims(letter):
    _, r = letter
    captions = [c for c in r.claims if c.kind == "caption"]
    assert [c.text[:8] for c in captions] == ["Figure 1", "Figure 2", "Figure 3", "Figure 4"]
    assert [c.refs for c in captions] == [(13,), (26,), (17,), ()]


def test_every_marker_number_has_an_entry(letter):
    _, r = letter
    numbers = {e.number for e in r.entries}
    cited = {n for c in r.claims for n in c.refs}
    assert cited <= numbers
    assert cited == set(range(1, 27))
    assert marker_problems(r) == []


def test_numbers_are_read_in_claims(letter):
    _, r = letter
    by_start = {c.text[:30]: c for c in r.factual_claims}
    c = by_start["The study included 2229 patien"]
    kinds = {(n.text, n.kind) for n in c.numbers}
    assert ("2229 patients", "sample_size") in kinds
    # the marker ¹⁹ is never a number
    assert not any("19" in n.text for n in c.numbers)
    c = next(c for c in r.factual_claims if c.text.startswith("New CPT Category I codes"))
    assert [(n.kind, n.value) for n in c.numbers] == [("date", 2026.0)]


# --- the reference list of the 2026 letter -----------------------------------------------------
def test_26_entries_with_the_right_years(letter, labels):
    _, r = letter
    assert [e.number for e in r.entries] == list(range(1, 27))
    years = {int(k): v for k, v in labels["reference_years"].items()}
    assert {e.number: e.year for e in r.entries} == years


def test_ref9_runs_over_the_page_break_as_one_entry(letter):
    text, r = letter
    e9 = r.entries[8]
    assert e9.number == 9
    assert e9.raw.startswith("Percutaneous laminotomy/laminectomy")
    assert "any method, under indirect image guidance" in e9.raw
    assert e9.raw.endswith("unilateral or bilateral; lumbar")
    assert "\n\n" in text[e9.start : e9.end]
    assert r.entries[9].raw.startswith("Indrekvam K")


def test_entry_fields(letter):
    _, r = letter
    e = {x.number: x for x in r.entries}
    assert e[1].authors == ("Munakomi S", "Cruz R")
    assert e[1].title == "Lumbar Spinal Stenosis"
    assert e[1].journal == "StatPearls"
    assert (e[3].journal, e[3].volume, e[3].pages, e[3].month) == (
        "J Pain Res",
        "14",
        "1687-1697",
        "Jun",
    )
    assert (e[4].volume, e[4].issue) == ("10", "5")
    assert e[5].authors == ("B Chopko", "DL Caraway")
    assert (e[5].journal, e[5].volume, e[5].issue, e[5].pages) == (
        "Pain physician",
        "13",
        "4",
        "369-78",
    )
    assert e[6].authors == ("PS Staats",)
    assert e[6].journal.startswith("Pain practice")
    assert (e[6].volume, e[6].issue, e[6].pages) == ("23", "7", "776-784")
    assert e[11].pages == "25-38"
    assert e[14].title.endswith("One-Year Results")
    assert e[25].title == "Decrease in health care resource utilization with mild"
    assert e[25].journal == "Pain Med"
    assert (e[26].journal, e[26].month, e[26].volume, e[26].issue, e[26].pages) == (
        "Interventional Pain Med",
        "Jun",
        "5",
        "2",
        "100768",
    )
    assert e[8].title == "CPT Changes: An Insider's View"
    for x in r.entries:
        assert x.raw and x.document == "nysipp-2026"


def test_unparseable_entries_are_kept_with_a_warning_notes_without(letter):
    _, r = letter
    e = {x.number: x for x in r.entries}
    assert e[2].raw == "Based on trocar diameter."
    assert e[2].title == "Based on trocar diameter"
    flagged = {p.field for p in r.problems if p.severity == "warning"}
    # ref 9 is a long text with no year: unparsed. ref 2 is a short footnote: a valid note.
    assert flagged == {"ref 9"}
    assert is_note_entry(e[2]) and not is_note_entry(e[9])
    for p in r.problems:
        assert p.file == LETTER_2026.name and p.line


# --- the 2024 statement: parenthesised markers, no reference list ------------------------------
def test_statement_markers_one_to_six_and_no_entries(statement):
    text, r = statement
    assert r.entries == ()
    cits = [cit for c in r.claims for cit in c.citations]
    assert [cit.refs for cit in cits] == [(1,), (2,), (3,), (4,), (5,), (6,)]
    assert [cit.text for cit in cits] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
    for cit in cits:
        assert text[cit.start : cit.end] == cit.text


def test_statement_has_no_false_markers(statement):
    _, r = statement
    for c in r.claims:
        for cit in c.citations:
            assert re.fullmatch(r"\(\d\)", cit.text)
    annual = next(c for c in r.claims if "annually (1)" in c.text)
    assert annual.refs == (1,)


def test_statement_markers_are_reported_unresolvable(statement):
    _, r = statement
    problems = marker_problems(r)
    assert sorted(p.field for p in problems) == [f"ref {n}" for n in range(1, 7)]
    assert all("no reference list" in p.message for p in problems)


def test_statement_list_items_join_wrapped_lines(statement):
    _, r = statement
    items = [c for c in r.claims if c.kind == "list-item"]
    long = next(c for c in items if c.text.startswith("Patients who are non-surgical"))
    assert long.text.endswith("may still be eligible for the mild \n\nprocedure.")
    assert any(c.text == "LSS at levels L1-S1." for c in items)


# --- the made-up bracket letter --------------------------------------------------------------
def test_bracket_letter_every_entry_and_marker(bracket):
    text, r = bracket
    assert [e.number for e in r.entries] == [1, 2, 3, 4, 5]
    assert all(e.year and e.authors and e.title and e.journal for e in r.entries)
    assert r.entries[3].doi == "10.99999/fake.0001"
    assert r.entries[4].authors == ("Example E", "Sample S")
    assert len(r.factual_claims) == 15
    cited = {n for c in r.claims for n in c.refs}
    assert cited == {1, 2, 3, 4, 5}
    assert marker_problems(r) == []
    assert not [p for p in r.problems if p.severity != "info"]
    trial = next(c for c in r.claims if c.text.startswith("Pain scores improved"))
    assert trial.refs == (3, 4)
    widget = next(c for c in r.claims if "Widget is supported" in c.text)
    assert widget.refs == (1, 2, 3, 4, 5)


# --- markers: every form, every trap --------------------------------------------------------
@pytest.mark.parametrize(
    "text, refs",
    [
        ("foraminal narrowing¹.", [(1,)]),
        ("through 2-year follow-up¹³.", [(13,)]),
        ("baseline ($p < 0.0001$)²⁶, demonstrating", [(26,)]),
        ("years^{5,6}, demonstrating", [(5, 6)]),
        ("only^{11,12,13}.", [(11, 12, 13)]),
        ("ages^{3-5}.", [(3, 4, 5)]),
        ("pain¹⁻³.", [(1, 2, 3)]),
        ("pain¹,³.", [(1, 3)]),
        ("anaesthesia [1].", [(1,)]),
        ("partial [1–3].", [(1, 2, 3)]),
        ("partial [1, 4].", [(1, 4)]),
        ("shown<sup>2,3</sup>.", [(2, 3)]),
        ("text^7 more", [(7,)]),
    ],
)
def test_marker_forms(text, refs):
    assert [m.refs for m in find_markers(text)] == refs


def test_parenthesised_markers_when_the_document_uses_them():
    text = "Many are treated annually (1) and more (2). Durable to 5 years (3, 4), and safe (5)."
    assert [m.refs for m in find_markers(text)] == [(1,), (2,), (3, 4), (5,)]
    assert all(m.style == "paren" for m in find_markers(text))


def test_parenthesised_markers_yield_to_other_styles():
    text = "Treated annually (1) and more (2). Shown elsewhere³."
    assert [m.refs for m in find_markers(text)] == [(3,)]


@pytest.mark.parametrize(
    "text",
    [
        "(516) 492-3100",
        "Call (516) 492-3100 today.",
        "CPT code 62330 and 62331 apply.",
        "These codes replaced the Category III code (0275T).",
        "through an incision just 5.1mm wide.",
        "In 2019, the first version was published.",
        "Grade 3 or higher spondylolisthesis.",
        "HLF ≥ 2.5 mm.",
        "the mild[®] Procedure and CPT[®] codes",
        "covered under (NCD) for Lumbar Spinal Stenosis 150.13.",
        "(e.g., Grade 1-2 spondylolisthesis, foraminal narrowing)",
        "adults (age<65) and older adults (age≥65)",
        "for (A) VAS, (B) ODI, (C) PDI",
        "an area of 3 m² and 10⁶ cells and R² = 0.9",
        "x^{2} + y^2",
        "The options are: (1) surgery, (2) injections.",
        "(1) Surgery is an option.",
        "Figure (2) shows it. Table (3) too.",
        "validated walking tolerance tests [WTT]",
        "in the years [2019-2020]",
    ],
)
def test_no_false_markers(text):
    assert find_markers(text) == []


def test_paren_trap_even_with_a_reference_list():
    for text in ("Call (516) 492-3100.", "for (A) VAS.", "(1) Surgery is an option."):
        assert find_markers(text, paren=True) == []


@pytest.mark.parametrize(
    "spec, refs",
    [
        ("1", (1,)),
        ("11,12,13", (11, 12, 13)),
        ("3-5", (3, 4, 5)),
        ("1–3", (1, 2, 3)),
        ("1, 4", (1, 4)),
        ("¹⁻³", (1, 2, 3)),
        ("5-3", None),
        ("0", None),
        ("1,,2", None),
    ],
)
def test_expand_refs(spec, refs):
    assert expand_refs(spec) == refs


# --- sentence splitting ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, n",
    [
        ("Deer et al. reported gains. The end.", 2),
        ("Tests (e.g. validated walking tests) were used. Next.", 2),
        ("Imaging (i.e., CT or fluoroscopy) is used. Next.", 2),
        ("It was 5.6% vs. 12.1% in the groups. Next.", 2),
        ("The incision is 5.1mm wide. It heals.", 2),
        ("Significant (P < 0.001) results. More.", 2),
        ("Significant ($P < 0.001$) using ITT. More.", 2),
        ("The mild® Procedure works. It is safe.", 2),
        ("See Figure 1: it shows gains. Next one.", 2),
        ("Dr. Smith agreed. So did J. Doe.", 2),
        ("It replaced CPT code 0899T. Over 40,000 were done.", 2),
        ("Code 0275T. Then 62330 followed.", 2),
        ("Items (a, b, etc.) may apply. Next.", 2),
        ("It lasted two years.¹³ The next study differs.", 2),
        ("It lasted two years. [3] The next study differs.", 2),
        ("Results were durable (p = .05). Next.", 2),
        ("No terminal punctuation here", 1),
        ("Why? Because. Yes!", 3),
    ],
)
def test_sentence_splitting(text, n):
    markers = find_markers(text)
    spans = split_sentences(text, 0, len(text), markers)
    assert len(spans) == n, [text[s:e] for s, e in spans]


def test_marker_after_the_period_belongs_to_the_previous_sentence():
    text = (
        "Intro paragraph that is long enough to read as prose here.\n\n"
        "It lasted two years.¹³ The next study differs²."
    )
    r = read_document("t", text)
    claims = r.factual_claims
    assert claims[1].text == "It lasted two years.¹³"
    assert claims[1].refs == (13,)
    assert claims[2].refs == (2,)


def test_headings_preamble_and_list_items():
    text = (
        "Acme Society\n123 Road\n\nJanuary 2, 2030\n\n"
        "We write to support coverage of the procedure for patients in need¹.\n\n"
        "Overview\n\nThe procedure is safe². It is quick.\n\n"
        "Selection\n\n- First item³.\n• Second item\no Third item\n\n"
        "Figure 1: A caption⁴\n\n"
        "References\n\n1. Doe J. A title. Some J. 2020;1(1):1-2.\n"
        "2. Roe K. Another. Other J. 2021.\n"
        "3. Poe L. Third. J X. 2019.\n4. Moe M. Fourth. J Y. 2018.\n"
    )
    r = read_document("t", text)
    assert [s.title for s in r.sections] == ["Preamble", "Overview", "Selection", "References"]
    assert [c.kind for c in r.claims[:3]] == ["letterhead", "letterhead", "letterhead"]
    fact = r.factual_claims
    assert [c.kind for c in fact] == [
        "sentence",
        "sentence",
        "sentence",
        "list-item",
        "list-item",
        "list-item",
        "caption",
    ]
    assert [c.text for c in fact if c.kind == "list-item"] == [
        "First item³.",
        "Second item",
        "Third item",
    ]
    assert [e.number for e in r.entries] == [1, 2, 3, 4]
    assert split_sections("t", text) == r.sections
    assert split_claims("t", text) == r.claims


def test_document_that_starts_with_a_heading():
    text = "Introduction\n\nThis letter supports a thing that matters a great deal to us.\n"
    r = read_document("t", text)
    assert [s.title for s in r.sections] == ["Introduction"]
    assert len(r.factual_claims) == 1


# --- reference lists ------------------------------------------------------------------------
def test_reference_list_without_a_heading():
    text = (
        "Body text that makes a claim about something important¹ and more².\n\n"
        "1. Doe J. A title. Some J. 2020;1(1):1-2.\n2. Roe K. Another. Other J. 2021;2:3-4.\n"
    )
    refs = find_reference_list(text)
    assert refs is not None and refs.heading is None
    assert [n for n, _, _ in refs.entries] == [1, 2]
    r = read_document("t", text)
    assert [s.title for s in r.sections][-1] == "References"
    assert {n for c in r.claims for n in c.refs} == {1, 2}


def test_numbered_body_list_is_not_a_reference_list():
    text = (
        "We recommend:\n\n1. Cover the procedure.\n2. Pay for it.\n\nThank you for reading this.\n"
    )
    assert find_reference_list(text) is None


def test_split_entries_keeps_continuations_and_skips_wrong_numbers():
    text = "1. First entry\ncontinues 2016;19(2):25-38.\n\n2. Second entry\n2016 Feb\n3. Third."
    entries = split_reference_entries(text, 0)
    assert [n for n, _, _ in entries] == [1, 2, 3]
    s, e = entries[0][1:]
    assert text[s:e] == "First entry\ncontinues 2016;19(2):25-38."


@pytest.mark.parametrize(
    "raw, year, fields",
    [
        (
            "Deer T, et al. A trial. *J Pain Res.* 2021 Jun 10;14:1687-1697",
            2021,
            {"journal": "J Pain Res", "volume": "14", "pages": "1687-1697", "month": "Jun"},
        ),
        (
            "B Chopko, DL Caraway (2010). A report. *Pain physician*, 13(4), 369-78.",
            2010,
            {"authors": ("B Chopko", "DL Caraway"), "volume": "13", "issue": "4"},
        ),
        (
            "Chopko, B., & Caraway, D. L. (2010). A report. Pain Physician, 13(4), 369-78.",
            2010,
            {"authors": ("Chopko B.", "Caraway D. L."), "title": "A report"},
        ),
        (
            "Staats PS, et al. Title here. *Pain Physician.* 2016 Feb;19(2):25-38..",
            2016,
            {"pages": "25-38", "issue": "2"},
        ),
        (
            "Munakomi S, Cruz R. Lumbar Spinal Stenosis. [Updated 2024 Jan 30]. In: StatPearls "
            "[Internet]. Treasure Island (FL): StatPearls Publishing; 2026 Jan-.",
            2026,
            {"title": "Lumbar Spinal Stenosis", "journal": "StatPearls"},
        ),
        (
            "Smith J, Doe A. Plain Vancouver title. Spine J. 2019;19(3):100-8. "
            "doi:10.1016/x.2019.1 PMID: 30123456",
            2019,
            {"journal": "Spine J", "doi": "10.1016/x.2019.1", "pmid": "30123456"},
        ),
        (
            "*CPT Changes: An Insider's View* 2026",
            2026,
            {"title": "CPT Changes: An Insider's View"},
        ),
        ("AMA CPT Panel Meeting September 2024 Summary of Panel Actions", 2024, {"month": "Sep"}),
        ("Based on trocar diameter.", None, {"title": "Based on trocar diameter", "authors": ()}),
        ("", None, {"title": None}),
    ],
)
def test_parse_reference_entry_styles(raw, year, fields):
    e = parse_reference_entry(raw, 3, "d")
    assert e.year == year
    assert e.id == "d:ref03" and e.number == 3
    for k, v in fields.items():
        assert getattr(e, k) == v, k


# --- properties ---------------------------------------------------------------------------------
_ALPHABET = st.sampled_from(
    list("ab Tx.,;:!?\n\n\r  ¹²³⁻^{}[]()0123456789-–$P<=%®•o*#")
    + ["Figure 1:", "et al.", "e.g.", "References\n", "1. ", "\n- "]
)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.one_of(st.text(max_size=300), st.lists(_ALPHABET, max_size=120).map("".join)))
def test_reading_any_text_never_crashes_and_offsets_hold(text):
    r = read_document("h", text)
    for c in r.claims:
        assert text[c.start : c.end] == c.text
        assert c.text and c.text == c.text.strip()
        assert list(c.refs) == sorted(set(c.refs))
        for cit in c.citations:
            assert text[cit.start : cit.end] == cit.text
            assert all(isinstance(n, int) and n > 0 for n in cit.refs)
            assert c.start <= cit.start and cit.end <= c.end
        for n in c.numbers:
            assert text[n.start : n.end] == n.text
    for a, b in zip(r.sections, r.sections[1:], strict=False):
        assert a.start <= b.start
    for e in r.entries:
        assert e.start is not None and e.end is not None and e.start <= e.end
    assert len({c.id for c in r.claims}) == len(r.claims)
    assert len({e.id for e in r.entries}) == len(r.entries)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_marker_refs_are_positive_ints(text):
    for m in find_markers(text, paren=True):
        assert text[m.start : m.end] == m.text
        assert m.refs and all(isinstance(n, int) and n > 0 for n in m.refs)


def test_letterhead_with_contact_details_is_not_prose():
    text = (
        "Northern Example Pain Association\n"
        "1200 Prairie Avenue, Fargo, ND 58102 | Tel. 701-555-0199\n\n"
        "September 14, 2025\n\n"
        "The association supports coverage of the device for eligible patients [1].\n\n"
        "References\n\n1. Doe J. A title. J Ex. 2022;1:1-2.\n"
    )
    r = read_document("x", text)
    kinds = {c.text: c.kind for c in r.claims}
    assert kinds["1200 Prairie Avenue, Fargo, ND 58102 | Tel. 701-555-0199"] == "letterhead"
    assert kinds["September 14, 2025"] == "letterhead"
    assert [s.title for s in r.sections] == ["Preamble", "References"]  # the date is no heading
    (claim,) = [c for c in r.claims if c.refs]
    assert claim.kind == "sentence" and claim.refs == (1,)
