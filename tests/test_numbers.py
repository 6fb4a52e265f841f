"""Typed numbers in claims: kinds, values, units, extras and spans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.reading.numbers import NUMBER_KINDS, find_numbers, written_value


def _one(text: str, needle: str):
    """The single mention whose text is `needle`."""
    hits = [n for n in find_numbers(text) if n.text == needle]
    assert len(hits) == 1, [(n.text, n.kind) for n in find_numbers(text)]
    return hits[0]


@pytest.mark.parametrize(
    "text, needle, kind, value, unit",
    [
        ("as high as 80% and 40%, respectively", "80%", "percent", 80.0, "%"),
        ("demonstrated 274 % improvement", "274 %", "percent", 274.0, "%"),
        (
            "only 4 (5.6 %) patients had received",
            "4 (5.6 %) patients",
            "count_percent",
            4.0,
            "patients",
        ),
        (
            "outcomes for 143 patients treated with mild",
            "143 patients",
            "sample_size",
            143.0,
            "patients",
        ),
        (
            "included 2229 patients in the mild group",
            "2229 patients",
            "sample_size",
            2229.0,
            "patients",
        ),
        ("and 3401 in the spacers group", "3401", "sample_size", 3401.0, None),
        ("at each follow-up (N = 34)", "N = 34", "sample_size", 34.0, None),
        (
            "the first 40 consecutive LSS patients",
            "40 consecutive LSS patients",
            "sample_size",
            40.0,
            "patients",
        ),
        (
            "Cohorts included 2197 mild and 7416 laminectomy patients.",
            "7416 laminectomy patients",
            "sample_size",
            7416.0,
            "patients",
        ),
        (
            "Forty-eight patients initially receiving",
            "Forty-eight patients",
            "written",
            48.0,
            "patients",
        ),
        ("Over two million LSS patients", "two million LSS patients", "written", 2e6, "patients"),
        ("The authors counted eleven points.", "eleven", "written", 11.0, None),
        ("less than half that of patients", "less than half", "ratio_words", 0.5, None),
        ("a three-fold increase", "three-fold", "ratio_words", 3.0, None),
        ("it was twice as high", "twice", "ratio_words", 2.0, None),
        ("within 24 hours", "24 hours", "duration", 24.0, "hours"),
        ("durability out to 5 years", "5 years", "duration", 5.0, "years"),
        ("through 6-month, 1-year follow-ups", "6-month", "duration", 6.0, "months"),
        ("through 2-year follow-up", "2-year", "duration", 2.0, "years"),
        ("15-Minute Walking Tolerance Test", "15-Minute", "duration", 15.0, "mins"),
        ("At five years, all outcomes", "five years", "duration", 5.0, "years"),
        ("through an incision just 5.1mm wide", "5.1mm", "measurement", 5.1, "mm"),
        ("HLF ≥ 2.5 mm.", "2.5 mm", "measurement", 2.5, "mm"),
        ("improvement of 22.6 points and 7.7 points", "22.6 points", "measurement", 22.6, "points"),
        ("a mean gain of 12.5 points", "12.5 points", "mean", 12.5, "points"),
        ("it costs $12,000 per year", "$12,000", "money", 12000.0, None),
        ("care cost $8,500 per patient", "$8,500", "money", 8500.0, None),
        ("8,500 dollars per patient", "8,500 dollars", "money", 8500.0, None),
        ("a budget of $1.2 million", "$1.2 million", "money", 1.2e6, None),
        ("published in 2019.", "2019", "year", 2019.0, None),
        ("effective on January 1, 2026.", "January 1, 2026", "date", 2026.0, None),
        ("replaced the Category III code (0275T)", "0275T", "code", None, None),
        ("- **62330** Decompression, percutaneous", "62330", "code", None, None),
        ("Medicare's NCD 150.13.", "150.13", "code", None, None),
        ("Call (516) 492-3100.", "(516) 492-3100", "code", None, "phone"),
        ("Grade 3 or higher spondylolisthesis", "Grade 3", "label", 3.0, "grade"),
        ("Consensus Point 6 recommends", "Point 6", "label", 6.0, "point"),
        ("adults (age<65)", "age<65", "age", 65.0, "years"),
        ("under 65 years old", "65 years old", "age", 65.0, "years"),
        ("Only 9 of 75 required surgery", "9 of 75", "count", 9.0, None),
        ("17 clinical studies", "17", "count", 17.0, None),
        ("more than 200,000 individuals in the US", "200,000", "count", 200000.0, "individuals"),
        ("Treatment 2.0 guidance", "2.0", "number", 2.0, None),
    ],
)
def test_number_kinds(text, needle, kind, value, unit):
    n = _one(text, needle)
    assert (n.kind, n.value, n.unit) == (kind, value, unit)
    assert n.kind in NUMBER_KINDS
    assert text[n.start : n.end] == n.text


@pytest.mark.parametrize(
    "text, needle, kind, value, unit, extra",
    [
        (
            "ages, from 37 to 102 years",
            "from 37 to 102 years",
            "range",
            37.0,
            "years",
            (("low", 37.0), ("high", 102.0)),
        ),
        ("ranging 37 to 102", "37 to 102", "range", 37.0, None, (("low", 37.0), ("high", 102.0))),
        (
            "increasing from 246 to 3,956 feet, 8 to 56 mins, and 7.1 to 3.6 points",
            "from 246 to 3,956 feet",
            "change",
            246.0,
            "feet",
            (("from", 246.0), ("to", 3956.0)),
        ),
        (
            "increasing from 246 to 3,956 feet, 8 to 56 mins, and 7.1 to 3.6 points",
            "8 to 56 mins",
            "change",
            8.0,
            "mins",
            (("from", 8.0), ("to", 56.0)),
        ),
        (
            "increasing from 246 to 3,956 feet, 8 to 56 mins, and 7.1 to 3.6 points",
            "7.1 to 3.6 points",
            "change",
            7.1,
            "points",
            (("from", 7.1), ("to", 3.6)),
        ),
        (
            "between years 3 and 5.",
            "years 3 and 5",
            "range",
            3.0,
            "years",
            (("low", 3.0), ("high", 5.0)),
        ),
        (
            "(5.6% vs. 12.1%; $p < 0.0001$)",
            "5.6% vs. 12.1%",
            "comparison",
            5.6,
            "%",
            (("values", (5.6, 12.1)),),
        ),
        (
            "(24.9% for mild vs. 26.1% for spacer",
            "24.9% for mild vs. 26.1%",
            "comparison",
            24.9,
            "%",
            (("values", (24.9, 26.1)),),
        ),
        (
            "older (76.7 years vs. 73.4 years, respectively",
            "76.7 years vs. 73.4 years",
            "comparison",
            76.7,
            "years",
            (("values", (76.7, 73.4)),),
        ),
        (
            "(1.9 % vs. 5.8 %, respectively",
            "1.9 % vs. 5.8 %",
            "comparison",
            1.9,
            "%",
            (("values", (1.9, 5.8)),),
        ),
        ("significant ($P < 0.001$) using", "$P < 0.001$", "p_value", 0.001, None, (("op", "<"),)),
        (
            "(p-values ranging from <0.0001 to 0.0001)",
            "p-values ranging from <0.0001 to 0.0001",
            "p_value",
            0.0001,
            None,
            (("op", "<"), ("to", 0.0001)),
        ),
        ("not different ($p = 0.7679$)", "$p = 0.7679$", "p_value", 0.7679, None, (("op", "="),)),
        ("significant (p ≤ 0.05)", "p ≤ 0.05", "p_value", 0.05, None, (("op", "≤"),)),
        ("significant (P<.001)", "P<.001", "p_value", 0.001, None, (("op", "<"),)),
        ("a p value of 0.03 was", "p value of 0.03", "p_value", 0.03, None, (("op", "="),)),
        ("with $p \\leq 0.05$ here", "$p \\leq 0.05$", "p_value", 0.05, None, (("op", "≤"),)),
        (
            "approximately 42% of mild publications",
            "42%",
            "percent",
            42.0,
            "%",
            (("qualifier", "approximately"),),
        ),
        ("(age≥65)", "age≥65", "age", 65.0, "years", (("op", "≥"),)),
        ("older than 40 years", "older than 40 years", "age", 40.0, "years", (("op", ">"),)),
        ("Only 9 of 75 required", "9 of 75", "count", 9.0, None, (("denominator", 75.0),)),
        (
            "(e.g., Grade 1-2 spondylolisthesis",
            "Grade 1-2",
            "label",
            1.0,
            "grade",
            (("high", 2.0),),
        ),
        ("≤ grade 2 spondylolisthesis", "grade 2", "label", 2.0, "grade", (("op", "≤"),)),
        (
            "supported by >30 peer-reviewed publications",
            "30",
            "count",
            30.0,
            None,
            (("qualifier", ">"),),
        ),
    ],
)
def test_number_extras(text, needle, kind, value, unit, extra):
    n = _one(text, needle)
    assert (n.kind, n.value, n.unit, n.extra) == (kind, value, unit, extra)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "pain levels from baseline to 3-, 6-, and 12-months post-mild",
            [("3", 3.0), ("6", 6.0), ("12-months", 12.0)],
        ),
        (
            "at 3, 6, and 12 months compared to baseline",
            [("3", 3.0), ("6", 6.0), ("12 months", 12.0)],
        ),
        ("at 6- and 12-month follow-up", [("6", 6.0), ("12-month", 12.0)]),
        ("at 6 and 12 months were", [("6", 6.0), ("12 months", 12.0)]),
    ],
)
def test_series_share_their_unit(text, expected):
    got = [(n.text, n.value) for n in find_numbers(text) if n.kind == "duration"]
    assert got == expected
    assert all(n.unit == "months" for n in find_numbers(text) if n.kind == "duration")


def test_paired_group_sizes():
    got = [
        (n.text, n.kind, n.value)
        for n in find_numbers("in 2197 mild and 7416 laminectomy patients")
    ]
    assert got == [
        ("2197", "sample_size", 2197.0),
        ("7416 laminectomy patients", "sample_size", 7416.0),
    ]


@pytest.mark.parametrize(
    "text",
    ["levels L1-S1.", "COVID-19 pandemic", "the SF-12 and EQ-5D", "suite M217", "H2O and CO2"],
)
def test_no_numbers_inside_names(text):
    assert find_numbers(text) == []


@pytest.mark.parametrize(
    "text, marker",
    [
        ("from 37 to 102 years^{5,6}, demonstrating", "^{5,6}"),
        ("reported 12 cases [3] in all", "[3]"),
        ("treated annually (1) and more", "(1)"),
        ("effective on January 1, 2026^{7,8}.", "^{7,8}"),
    ],
)
def test_markers_are_not_numbers(text, marker):
    s = text.index(marker)
    got = find_numbers(text, exclude=[(s, s + len(marker))])
    assert not any(s <= n.start < s + len(marker) for n in got)
    inner = [c for c in marker if c.isdigit()]
    assert all(n.text not in inner for n in got)


def test_superscript_markers_never_read_as_numbers():
    assert find_numbers("narrowing¹ and follow-up¹³ and ²⁶") == []


def test_years_and_codes_are_never_counts():
    text = "In 2019 and 2012 we used CPT 62330 and 62331, code 0275T, phone (516) 492-3100."
    kinds = {n.text: n.kind for n in find_numbers(text)}
    assert kinds["2019"] == kinds["2012"] == "year"
    assert kinds["62330"] == kinds["62331"] == kinds["0275T"] == "code"
    assert kinds["(516) 492-3100"] == "code"
    assert "count" not in kinds.values()


def test_offset_shifts_spans():
    text = "Only 9 of 75 required surgery."
    doc = "X" * 100 + text
    got = find_numbers(text, offset=100)
    assert [(n.start, n.end) for n in got] == [(105, 112)]
    assert doc[105:112] == got[0].text


@pytest.mark.parametrize(
    "words, value",
    [
        ("Forty-eight", 48),
        ("two million", 2e6),
        ("eleven", 11),
        ("one hundred and five", 105),
        ("Seventy-five", 75),
        ("three thousand two hundred", 3200),
        ("dozen", None),
    ],
)
def test_written_value(words, value):
    assert written_value(words) == value


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                list("0123456789.,%-– ()<=≥$pP")
                + [
                    "to",
                    "vs.",
                    "from",
                    " years",
                    " mm",
                    "Forty-",
                    "two",
                    " patients",
                    "of",
                    "Grade ",
                    "\\leq",
                ]
            ),
            max_size=60,
        ).map("".join),
    ),
    st.integers(min_value=0, max_value=10_000),
)
def test_find_numbers_never_crashes_and_spans_hold(text, offset):
    for n in find_numbers(text, offset=offset):
        assert text[n.start - offset : n.end - offset] == n.text
        assert n.kind in NUMBER_KINDS
        assert n.value is None or isinstance(n.value, float)


@pytest.mark.parametrize(
    "text", ["care cost $8,500 per patient", "a rate of 3 per patient", "2 visits each patient"]
)
def test_a_rate_per_patient_is_not_a_sample_size(text):
    assert [n for n in find_numbers(text) if n.kind == "sample_size"] == []


@pytest.mark.parametrize(
    "text, needle",
    [
        ("Patients treated between 2018 and 2021 were", "2018 and 2021"),
        ("records from 2018 to 2021 were", "from 2018 to 2021"),
    ],
)
def test_a_span_of_calendar_years_is_a_year_not_a_result(text, needle):
    (n,) = [n for n in find_numbers(text) if n.text == needle]
    assert n.kind == "year" and dict(n.extra) == {"low": 2018.0, "high": 2021.0}


def test_a_citation_marker_after_a_range_is_not_part_of_it():
    from kb.reading import read_document

    text = "Results\n\nPatients treated between 2018 and 2021 [4] did well.\n\nReferences\n\n"
    text += "4. Doe J. A title. J Ex. 2022;1:1-2.\n"
    (claim,) = [c for c in read_document("d", text).claims if c.refs]
    assert claim.refs == (4,)
    (n,) = claim.numbers
    assert n.text == "2018 and 2021" and text[n.start : n.end] == n.text


@pytest.mark.parametrize(
    "text, needle, kind, value, extra",
    [
        ("improved by 3.4 ± 1.8 points in", "3.4 ± 1.8 points", "mean", 3.4, {"sd": 1.8}),
        ("an odds ratio (95% CI, 0.21-0.96)", "95%", "label", 95.0, {}),
        (
            # the level of a ratio's CI belongs to the ratio (issue 12), not a label of its own
            "HR 0.45 (95% confidence interval 0.2 to 0.9)",
            "0.45 (95% confidence interval 0.2 to 0.9",
            "ratio",
            0.45,
            {
                "measure": "hazard ratio",
                "value_text": "0.45",
                "ci_level": 95.0,
                "ci_low": 0.2,
                "ci_high": 0.9,
                "ci_text": ("0.2", "0.9"),
            },
        ),
        (
            "in 12/132 (9.1%) patients",
            "12/132 (9.1%) patients",
            "count_percent",
            12.0,
            {"percent": 9.1, "denominator": 132.0},
        ),
    ],
)
def test_statistical_notation(text, needle, kind, value, extra):
    (n,) = [n for n in find_numbers(text) if n.text == needle]
    assert (n.kind, n.value, dict(n.extra)) == (kind, value, extra)
    assert not [m for m in find_numbers(text) if m.text.startswith("1.8")]
