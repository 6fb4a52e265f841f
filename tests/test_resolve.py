"""Resolving reference entries to works, and reporting markers without entries."""

from __future__ import annotations

from pathlib import Path

from kb.linking.resolve import (
    RESOLVE_THRESHOLD,
    marker_problems,
    normalise_doi,
    normalise_title,
    resolve_entries,
)
from kb.model import Work
from kb.reading import parse_reference_entry, read_document

ROOT = Path(__file__).parents[1]
LETTER_2026 = ROOT / "data" / "letters" / "nysipp-2026-06-26-letter-mild.txt"
BRACKET = Path(__file__).parent / "fixtures" / "letters" / "bracket-letter.txt"


def W(key: str, title: str, authors=(), year=None, doi=None, pmid=None, kind="journal-article"):
    return Work(
        citekey=key, kind=kind, title=title, authors=tuple(authors), year=year, doi=doi, pmid=pmid
    )


WORKS = {
    w.citekey: w
    for w in [
        W(
            "staats2023spacers",
            "Percutaneous image-guided lumbar decompression and interspinous spacers for the "
            "treatment of lumbar spinal stenosis: a 2-year Medicare claims benchmark study",
            ["Staats, Peter S.", "Chafin, Timothy B."],
            2023,
        ),
        W(
            "staats2024lami",
            "Percutaneous image-guided lumbar decompression and outpatient laminectomy for the "
            "treatment of lumbar spinal stenosis: a 2-year Medicare claims benchmark study",
            ["Staats, Peter S."],
            2024,
        ),
        W(
            "deer2022motion",
            "The MOTION Study: A Randomized Controlled Trial with Objective Real-World Outcomes "
            "for Lumbar Spinal Stenosis Patients Treated with the mild Procedure: One-Year Results",
            ["Deer, Timothy R."],
            2022,
        ),
        W(
            "deer2024motion",
            "The MOTION study: two-year results of a real-world randomized controlled trial of the "
            "mild procedure for treatment of lumbar spinal stenosis",
            ["Deer, Timothy R."],
            2024,
            doi="10.1111/papr.13000",
        ),
        W(
            "munakomi2024lss",
            "Lumbar Spinal Stenosis",
            ["Munakomi, Sunil", "Cruz, Ronald"],
            2026,
            kind="book-chapter",
        ),
        W("trocar-note", "Based on trocar diameter", kind="note"),
        W(
            "chopko2010midas",
            "MiDAS I (mild Decompression Alternative to Open Surgery): a preliminary report of a "
            "prospective, multi-center clinical study",
            ["Chopko, Bohdan", "Caraway, David L."],
            2010,
            pmid="20648232",
        ),
    ]
}


def _entry(raw: str, n: int = 1):
    return parse_reference_entry(raw, n, "doc")


def test_doi_wins():
    e = _entry("Someone X. A wholly different title. J Foo. 2024;1:1. doi:10.1111/PAPR.13000.")
    (r,) = resolve_entries([e], WORKS)
    assert (r.work, r.method, r.score) == ("deer2024motion", "doi", 100.0)


def test_pmid_before_fuzzy():
    e = _entry("Nobody Z. Unrelated words entirely. J Bar. 1999;1:1. PMID: 20648232")
    (r,) = resolve_entries([e], WORKS)
    assert (r.work, r.method) == ("chopko2010midas", "pmid")


def test_two_styles_of_the_same_paper_resolve_to_one_work():
    a = _entry(
        "PS Staats et al. Percutaneous image-guided lumbar decompression and interspinous "
        "spacers for the treatment of lumbar spinal stenosis: A 2-year Medicare Claims "
        "Benchmark Study. *Pain practice : the official journal of World Institute of Pain*, "
        "2023;23(7), 776-784.",
        6,
    )
    b = _entry(
        "Staats PS, et al. Percutaneous image-guided lumbar decompression and interspinous "
        "spacers for the treatment of lumbar spinal stenosis: A 2-year Medicare Claims "
        "Benchmark Study. *Pain Pract.* 2023 Sep;23(7):776-784.",
        19,
    )
    ra, rb = resolve_entries([a, b], WORKS)
    assert ra.work == rb.work == "staats2023spacers"
    assert ra.method == rb.method == "fuzzy"
    assert ra.score >= RESOLVE_THRESHOLD and rb.score >= RESOLVE_THRESHOLD


def test_near_twins_are_told_apart_by_title_and_year():
    spacers = _entry(
        "Staats PS, et al. Percutaneous image-guided lumbar decompression and "
        "interspinous spacers for the treatment of lumbar spinal stenosis: A 2-year "
        "Medicare Claims Benchmark Study. *Pain Pract.* 2023 Sep;23(7):776-784."
    )
    lami = _entry(
        "Staats PS, et al. Percutaneous image-guided lumbar decompression and outpatient "
        "laminectomy for the treatment of lumbar spinal stenosis: a 2-year Medicare claims "
        "benchmark study. *Interv Pain Med.* 2024 Apr 22;3(2):100412."
    )
    one = _entry(
        "Deer TR, et al. The MOTION Study: A Randomized Controlled Trial with Objective "
        "Real-World Outcomes for Lumbar Spinal Stenosis Patients Treated with the mild® "
        "Procedure: One-Year Results. *Pain Med.* 2022 Apr 8;23(4):625-634."
    )
    two = _entry(
        "Deer TR, et al. The MOTION study: Two-year results of a real-world randomized "
        "controlled trial of the mild® procedure for treatment of lumbar spinal stenosis. "
        "*Pain Pract.* 2024 Jan;24(1):109-119."
    )
    got = [r.work for r in resolve_entries([spacers, lami, one, two], WORKS)]
    assert got == ["staats2023spacers", "staats2024lami", "deer2022motion", "deer2024motion"]


def test_book_chapter_with_internet_and_updated_notes():
    e = _entry(
        "Munakomi S, Cruz R. Lumbar Spinal Stenosis. [Updated 2024 Jan 30]. In: StatPearls "
        "[Internet]. Treasure Island (FL): StatPearls Publishing; 2026 Jan-."
    )
    (r,) = resolve_entries([e], WORKS)
    assert (r.work, r.method) == ("munakomi2024lss", "fuzzy")


def test_non_publication_resolves_by_title_when_a_work_has_it():
    (r,) = resolve_entries([_entry("Based on trocar diameter.", 2)], WORKS)
    assert (r.work, r.method) == ("trocar-note", "fuzzy")


def test_non_publication_without_a_work_is_unresolved():
    e = _entry("AMA CPT Panel Meeting September 2024 Summary of Panel Actions", 7)
    (r,) = resolve_entries([e], WORKS)
    assert r.work is None and r.method == "unresolved"
    assert r.entry == "doc:ref01" or r.entry.startswith("doc:ref")


def test_short_subset_title_does_not_steal_a_longer_work():
    works = {
        "long": W(
            "long",
            "Minimally invasive treatment options for lumbar spinal stenosis in older adults",
            ["Other, Anne"],
            2015,
        )
    }
    (r,) = resolve_entries(
        [_entry("Munakomi S, Cruz R. Lumbar Spinal Stenosis. StatPearls. 2026 Jan.")], works
    )
    assert r.work is None and r.method == "unresolved"
    assert r.score is not None and r.score < RESOLVE_THRESHOLD


def test_author_and_year_disagreement_lowers_the_score():
    same = _entry(
        "Chopko B, Caraway DL. MiDAS I (mild Decompression Alternative to Open Surgery): "
        "a preliminary report of a prospective, multi-center clinical study. Pain "
        "Physician. 2010;13(4):369-78."
    )
    wrong = _entry(
        "Smith Q, Jones R. MiDAS I (mild Decompression Alternative to Open Surgery): a "
        "preliminary report of a prospective, multi-center clinical study. Pain "
        "Physician. 2001;13(4):369-78."
    )
    ra, rb = resolve_entries([same, wrong], WORKS)
    assert ra.work == "chopko2010midas" and ra.score == 100.0
    assert rb.score < ra.score
    assert rb.work is None  # title 100, author -15, year -15 = 70


def test_threshold_is_a_parameter():
    e = _entry("Staats PS. Percutaneous lumbar decompression and spacers. Pain Pract. 2023.")
    (strict,) = resolve_entries([e], WORKS, threshold=99)
    (loose,) = resolve_entries([e], WORKS, threshold=50)
    assert strict.work is None and strict.method == "unresolved"
    assert loose.work == "staats2023spacers" and loose.method == "fuzzy"


def test_no_works_means_unresolved():
    (r,) = resolve_entries([_entry("Based on trocar diameter.")], {})
    assert r.work is None and r.method == "unresolved"


def test_normalisers():
    assert normalise_title("MILD® Is *Effective*: A Trial!") == "mild is effective a trial"
    assert normalise_doi("https://doi.org/10.1/ABC.") == "10.1/abc"
    assert normalise_doi(None) is None


# --- the made-up bracket letter resolves completely -----------------------------------------
def test_bracket_letter_resolves_every_entry():
    text = BRACKET.read_text(encoding="utf-8")
    r = read_document("bracket", text)
    works = {
        "quill2031primer": W(
            "quill2031primer", "A fictional primer on widget procedures", ["Quill, A. B."], 2031
        ),
        "nobody2030drift": W(
            "nobody2030drift",
            "Prevalence of imaginary knee drift in a made-up town",
            ["Nobody, C. D."],
            2030,
        ),
        "quill2031pretend": W(
            "quill2031pretend",
            "The PRETEND randomised trial of Widget versus sham",
            ["Quill, A. B."],
            2031,
        ),
        "marsh2032followup": W(
            "marsh2032followup",
            "Two-year follow-up of the PRETEND trial",
            ["Marsh, T."],
            2032,
            doi="10.99999/fake.0001",
        ),
        "example2029registry": W(
            "example2029registry",
            "Widget registry outcomes in 1,450 invented patients",
            ["Example, E."],
            2029,
        ),
    }
    res = resolve_entries(r.entries, works)
    assert [x.work for x in res] == list(works)
    assert res[3].method == "doi"
    assert all(x.method in ("doi", "fuzzy") for x in res)
    assert marker_problems(r) == []


# --- marker problems --------------------------------------------------------------------------
def test_markers_without_a_reference_list_are_all_reported():
    text = (
        "Some claim that matters a great deal here (1). Another claim is made too (2).\n\n"
        "A third claim cites two at once (2, 3).\n"
    )
    r = read_document("noref", text, file="noref.txt")
    problems = marker_problems(r)
    assert [p.field for p in problems] == ["ref 1", "ref 2", "ref 3"]
    assert all(p.file == "noref.txt" and p.line for p in problems)
    assert "2 times" in problems[1].message


def test_dangling_marker_and_uncited_entry():
    text = (
        "Intro sentence that is long enough to count as prose¹. Another one cites four⁴.\n\n"
        "References\n\n1. Doe J. A title. Some J. 2020;1(1):1-2.\n"
        "2. Roe K. Another. Other J. 2021;2:3-4.\n"
    )
    r = read_document("d", text)
    problems = {p.field: p for p in marker_problems(r)}
    # a warning: the data load; the fact check (CIT-NO-ENTRY) reports the letter's error
    assert problems["ref 4"].severity == "warning"
    assert "has no entry 4" in problems["ref 4"].message
    assert problems["ref 2"].severity == "warning" and "never cited" in problems["ref 2"].message
    assert "ref 1" not in problems


# --- the real letter against the bundled data --------------------------------------------
def test_real_letter_resolves_as_the_curated_map_says():
    from kb.load import load_kb

    kb = load_kb(ROOT / "data")
    r = read_document("nysipp-2026", LETTER_2026.read_text(encoding="utf-8"))
    res = {x.entry: x for x in resolve_entries(r.entries, kb.works)}
    assert len(res) == len(r.entries) == 26
    # every automatic match agrees with the hand-made map ...
    for n in range(1, 27):
        got = res[f"nysipp-2026:ref{n:02d}"]
        if got.work is not None:
            assert got.work == kb.reference_map[("nysipp-2026", n)], (n, got.note)
    # ... and only the two entries whose text is far from the record stay unresolved: the
    # StatPearls chapter (cited with its running date, titled only "Lumbar Spinal Stenosis")
    # and the bare CPT descriptor text of ref 9
    unresolved = sorted(e for e, x in res.items() if x.work is None)
    assert unresolved == ["nysipp-2026:ref01", "nysipp-2026:ref09"]
    assert res["nysipp-2026:ref06"].work == res["nysipp-2026:ref19"].work == "staats2023spacers"


# --- never guess (issue 12) -----------------------------------------------------------------


def _twins(*titles: str, year: int = 2030) -> dict[str, Work]:
    return {
        f"w{i}": Work(f"w{i}", "journal-article", t, ("Okonkwo-Reyes M",), year=year)
        for i, t in enumerate(titles, start=1)
    }


FOLLOW_UP = (
    (
        "Three-year durability of percutaneous facet capsule ablation: long-term follow-up of the "
        "RELIEF-2 randomised trial"
    ),
    (
        "Five-year durability of percutaneous facet capsule ablation: long-term follow-up of the "
        "RELIEF-2 randomised trial"
    ),
)


def test_titles_differing_in_follow_up_length_are_told_apart_by_the_entry():
    e = _entry(f"Okonkwo-Reyes M. {FOLLOW_UP[1]}. Ann Fict Interv Med. 2030;11:402-410.")
    (res,) = resolve_entries([e], _twins(*FOLLOW_UP))
    assert (res.work, res.method) == ("w2", "fuzzy")


def test_entry_that_does_not_say_which_follow_up_is_ambiguous():
    e = _entry(
        "Okonkwo-Reyes M. Durability of percutaneous facet capsule ablation: long-term "
        "follow-up of the RELIEF-2 randomised trial. Ann Fict Interv Med. 2030."
    )
    (res,) = resolve_entries([e], _twins(*FOLLOW_UP))
    assert res.work is None and res.method == "ambiguous"
    assert "w1" in res.note and "w2" in res.note
    # the better-scoring title first (ranked on the uncapped score)
    assert "three year / five year" in res.note or "five year / three year" in res.note


def test_protocol_and_results_papers_are_not_confused():
    works = _twins(
        "Percutaneous facet capsule ablation versus sham: protocol of the RELIEF-1 trial",
        "Percutaneous facet capsule ablation versus sham: results of the RELIEF-1 trial",
    )
    e = _entry("Okonkwo-Reyes M. Percutaneous facet capsule ablation versus sham: the RELIEF-1 "
               "trial. J Pain. 2030.")  # fmt: skip
    (res,) = resolve_entries([e], works)
    assert res.method == "ambiguous"
    e = _entry("Okonkwo-Reyes M. Percutaneous facet capsule ablation versus sham: results of "
               "the RELIEF-1 trial. J Pain. 2030.")  # fmt: skip
    (res,) = resolve_entries([e], works)
    assert res.work == "w2"


def test_a_tie_is_never_broken_by_key_order():
    works = {
        "a": W("a", "Facet ablation in practice", ["Lund S"], 2029),
        "c": W("c", "Facet ablation: in practice", ["Lund S"], 2029),
    }
    e = _entry("Lund S. Facet ablation in practice. J Ex. 2029;1:1-2.")
    (res,) = resolve_entries([e], works)
    assert res.work is None and res.method == "ambiguous", res


def test_ranking_uses_the_score_before_it_is_capped_at_100():
    """An exact title with author and year agreeing (110) beats the same title a year off
    (105); capped at 100 first, the two tied and the entry was left ambiguous."""
    works = {
        "a2029": W("a2029", "Facet ablation in practice", ["Lund S"], 2029),
        "b2030": W("b2030", "Facet ablation in practice", ["Lund S"], 2030),
    }
    for year, want in ((2029, "a2029"), (2030, "b2030")):
        e = _entry(f"Lund S. Facet ablation in practice. J Ex. {year};1:1-2.")
        (res,) = resolve_entries([e], works)
        assert res.work == want and res.method == "fuzzy", res
        assert res.score == 100.0  # reported on the 0-100 scale
        assert "runner-up" in res.note and "(100)" in res.note
