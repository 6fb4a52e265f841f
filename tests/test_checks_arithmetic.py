"""Arithmetic rules, one parametrized table each, rounding edges included.

Every letter here cites a note, so only the text-level checks can speak.
"""

from __future__ import annotations

import pytest

from tests.checkshelp import mini_kb, run


def fired(tmp_path, body: str, code: str) -> list[str]:
    return [f.message for f in run(mini_kb(tmp_path, body), code)]


@pytest.mark.parametrize(
    "body, fires",
    [
        ("Of 48 patients, 4 (8.3%) had surgery¹.", False),
        ("Of 48 patients, 4 (5.6%) had surgery¹.", True),
        ("Of 72 patients, 4 (5.6%) had surgery¹.", False),  # 5.556% rounds up
        ("Of 71 patients, 4 (5.6%) had surgery¹.", False),  # 5.634% rounds down
        ("Of 70 patients, 4 (5.6%) had surgery¹.", True),  # 5.714%
        ("Of 40 patients, 3 (7.5%) had surgery¹.", False),
        ("Of 40 patients, 3 (8%) had surgery¹.", False),  # 7.5 is the lower edge of 8
        ("Of 40 patients, 3 (9%) had surgery¹.", True),
        ("Of 143 patients, 1.3% had an adverse event¹.", True),  # 2/143 = 1.4%
        ("Of 149 patients, 1.3% had an adverse event¹.", False),  # 2/149 = 1.34%
        ("Of 143 patients, approximately 1.3% had an adverse event¹.", False),  # approximate
        ("Of 143 patients, walking improved by 1.3% on average¹.", False),
        ("Four (5.6%) patients had surgery¹.", False),  # no total stated
        ("The groups had 200 patients and 300 patients¹. Rates were 10.0% vs. 12.0%¹.", False),
        ("The groups had 200 patients and 300 patients¹. Rates were 10.1% vs. 12.0%¹.", True),
        # "of N" right after the count names its own total
        ("We treated 1,840 patients¹. Then 18 (13.6%) of 132 required surgery¹.", False),
        ("We treated 1,840 patients¹. Then 9 (12.0%) of 132 required surgery¹.", True),
        ("Then 12 (9.1%) of 132 patients required surgery¹.", False),
        ("Then 12/132 (9.1%) patients required surgery¹.", False),
        ("Then 12/132 (12.1%) patients required surgery¹.", True),
        # a total in the same sentence wins over one stated earlier in the paragraph
        ("The trial enrolled 155 patients¹. Of 2229 mild patients, 5.6% had harms¹.", False),
        (
            "The trial enrolled 155 patients¹. Of 2229 mild patients, 5.62% had harms¹.",
            True,
        ),  # 125 is 5.61%, 126 is 5.65%
        # one total restated in two sentences is not two arms of that size
        ("We randomized 132 patients¹. Of 132 patients, rates were 1.5% vs. 12.1%¹.", False),
    ],
)
def test_percent_denominator(tmp_path, body, fires):
    assert bool(fired(tmp_path, body, "ARITH-PERCENT-DENOMINATOR")) is fires


def test_percent_denominator_names_the_totals_that_fit(tmp_path):
    (msg,) = fired(
        tmp_path,
        "Forty-eight patients were seen¹. Only 4 (5.6 %) patients had surgery¹.",
        "ARITH-PERCENT-DENOMINATOR",
    )
    assert "48" in msg and "4/48 = 8.3%" in msg and "71–72" in msg


@pytest.mark.parametrize(
    "words, a, b, fires",
    [
        ("less than half", "5.6%", "12.1%", False),
        ("less than half", "6.0%", "12.0%", False),  # 5.95/12.05 < 0.5 within rounding
        ("less than half", "6.1%", "12.0%", True),
        ("more than twice", "25%", "12%", False),
        ("more than twice", "23%", "12%", False),  # 23.5/11.5 > 2 within rounding
        ("more than twice", "22%", "12%", True),
        ("twice", "24%", "12%", False),
        ("twice", "30%", "12%", True),
        ("threefold", "30%", "10%", False),
        ("threefold", "20%", "10%", True),
    ],
)
def test_ratio_words(tmp_path, words, a, b, fires):
    body = f"The rate was {words} that of the control group ({a} vs. {b})¹."
    assert bool(fired(tmp_path, body, "ARITH-RATIO-WORDS")) is fires


@pytest.mark.parametrize(
    "body, fires",
    [
        ("Walking distance rose from 40 to 60 metres, a 50% increase¹.", False),
        ("Walking distance rose from 40 to 60 metres, a 53% increase¹.", False),  # 60.5/39.5
        ("Walking distance rose from 40 to 60 metres, a 54% increase¹.", True),
        ("Walking distance rose from 40 to 60 metres, a 60% increase¹.", True),
        ("Walking distance fell from 60 to 45 metres, a 25% decrease¹.", False),
        ("Walking distance fell from 60 to 45 metres, a 20% decrease¹.", True),
        ("Pain improved from 7.1 to 3.6 points, an improvement of 3.5 points¹.", False),
        ("Pain improved from 7.1 to 3.6 points, an improvement of 4.5 points¹.", True),
        ("Walking distance rose from 40 to 60 metres¹.", False),
    ],
)
def test_change(tmp_path, body, fires):
    assert bool(fired(tmp_path, body, "ARITH-CHANGE")) is fires


@pytest.mark.parametrize(
    "body, fires",
    [
        ("Distance rose from 40 to 60 metres¹.", False),
        ("Distance fell from 40 to 60 metres¹.", True),
        ("Pain decreased from 7.1 to 3.6 points¹.", False),
        (
            (
                "Scores were also significant, increasing from 246 to 3,956 feet and 7.1 to 3.6 "
                "points¹."
            ),
            True,
        ),
        ("Pain went from 7.1 to 3.6 points¹.", False),  # no direction word
    ],
)
def test_direction(tmp_path, body, fires):
    assert bool(fired(tmp_path, body, "ARITH-DIRECTION")) is fires


@pytest.mark.parametrize(
    "n1, n2, rates, p, code",
    [
        (2229, 3401, "24.9% vs. 26.1%", "p = 0.31", None),
        (2229, 3401, "24.9% vs. 26.1%", "p = 0.35", None),  # upper rounding edge
        (2229, 3401, "24.9% vs. 26.1%", "p = 0.7679", "ARITH-P-VALUE"),
        (2229, 3401, "24.9% vs. 26.1%", "p < 0.05", "ARITH-P-VALUE-FLIP"),
        (2229, 3401, "5.6% vs. 12.1%", "p < 0.0001", None),
        (100, 100, "5.0% vs. 12.0%", "p = 0.08", None),  # z-test 0.076
        (100, 100, "5.0% vs. 12.0%", "p = 0.13", None),  # Fisher's exact 0.126
        (100, 100, "5.0% vs. 12.0%", "p = 0.30", "ARITH-P-VALUE"),
        (100, 100, "5.0% vs. 12.0%", "p = 0.01", "ARITH-P-VALUE-FLIP"),
        (50, 50, "10% vs. 12%", "p < 0.05", "ARITH-P-VALUE-FLIP"),
        (50, 50, "10% vs. 12%", "p = 0.75", None),
    ],
)
def test_p_value(tmp_path, n1, n2, rates, p, code):
    body = (
        f"The device group had {n1} patients and the control group {n2} patients¹. "
        f"Rates were {rates} ({p})¹."
    )
    found = {f.code for f in run(mini_kb(tmp_path, body), "ARITH-P-VALUE", "ARITH-P-VALUE-FLIP")}
    assert found == ({code} if code else set())


def test_p_value_does_not_take_a_restated_total_for_two_arms(tmp_path):
    body = (
        "We randomized 132 patients¹. Harms: 12 (9.1%) of 132 patients; by arm 1.5% vs. "
        "12.1% (p = 0.03)¹."
    )
    assert fired(tmp_path, body, "ARITH-P-VALUE") == []
    assert fired(tmp_path, body, "ARITH-P-VALUE-FLIP") == []


def test_p_value_of_two_equal_arms_stated_in_one_sentence(tmp_path):
    body = "Each group had 100 patients and 100 patients¹. Rates were 5.0% vs. 12.0% (p = 0.30)¹."
    assert len(fired(tmp_path, body, "ARITH-P-VALUE")) == 1


def test_p_value_needs_both_group_sizes(tmp_path):
    body = "The device group had 200 patients¹. Rates were 10.0% vs. 12.0% (p = 0.90)¹."
    assert fired(tmp_path, body, "ARITH-P-VALUE") == []


@pytest.mark.parametrize(
    "composite, fires",
    [
        ("6.0% vs. 4.0%", False),  # exactly the sum (no overlap)
        ("6.1% vs. 4.0%", False),  # within rounding of 4.05 + 2.05
        ("6.2% vs. 4.0%", True),  # above the sum of its parts
        ("4.5% vs. 3.0%", False),  # parts overlap
        ("3.9% vs. 3.0%", False),  # 3.95 reaches the largest part's lower edge
        ("3.8% vs. 3.0%", True),  # below its largest part
    ],
)
def test_composite(tmp_path, composite, fires):
    body = (
        "Revision rates were 4.0% vs. 3.0%¹. Infection rates were 2.0% vs. 1.0%¹. "
        f"The composite rate of revision or infection was {composite}¹."
    )
    assert bool(fired(tmp_path, body, "ARITH-COMPOSITE")) is fires


def test_composite_aligns_parts_by_arm_name(tmp_path):
    body = (
        "Surgery was 9.0 % for mild and 5.5 % for laminectomy¹. Harms were 1.9 % for "
        "laminectomy and 5.8 % for mild¹. The overall composite rate was 10.8 % for mild and "
        "11.0 % for laminectomy¹."
    )
    # by position the laminectomy parts would be 5.5 + 5.8; by name they are 5.5 + 1.9
    (msg,) = fired(tmp_path, body, "ARITH-COMPOSITE")
    assert "11.0% for laminectomy" in msg and "5.5% + 1.9% = 7.4%" in msg


# --- in-document statistics on any letter (issue 12) ---------------------------------------


@pytest.mark.parametrize(
    "body, fires",
    [
        (
            "The device significantly reduced surgery (hazard ratio 0.72, 95% CI 0.40 to 1.30)¹.",
            True,
        ),
        (
            "The device significantly reduced surgery (hazard ratio 0.72, 95% CI 0.60 to 0.90)¹.",
            False,
        ),
        ("Odds of response were higher (odds ratio 3.90, 95% CI 2.08 to 7.30)¹.", False),
        ("Pain fell significantly more (difference -0.4 points, 95% CI -1.1 to 0.3)¹.", True),
        ("Pain fell significantly more (difference -2.3 points, 95% CI -2.9 to -1.7)¹.", False),
        ("Surgery was significantly less frequent (19 vs. 26 patients; p = 0.27)¹.", True),
        ("Rates did not differ significantly (odds ratio 2.10, 95% CI 1.40 to 3.15)¹.", True),
        ("The difference was not significant (p < 0.001)¹.", True),
        ("The difference was not significant (p = 0.40)¹.", False),
    ],
)
def test_significance_against_the_sentence_own_ci_or_p(tmp_path, body, fires):
    assert bool(fired(tmp_path, body, "ARITH-SIGNIFICANCE")) is fires


def test_significance_message_names_the_null(tmp_path):
    body = "The device significantly reduced surgery (hazard ratio 0.72, 95% CI 0.40 to 1.30)¹."
    (msg,) = fired(tmp_path, body, "ARITH-SIGNIFICANCE")
    assert (
        msg == "called significant, but the 95% CI of the hazard ratio (0.40 to 1.30) includes 1."
    )


@pytest.mark.parametrize(
    "body, fires",
    [
        ("At 1 year, 64 of 121 PFCA patients (58.9%) were responders¹.", True),
        ("At 1 year, 64 of 121 PFCA patients (52.9%) were responders¹.", False),
        ("Responders were 52 of 92 (56.5%) with the device¹.", False),
        ("In all, 12% of 250 patients had a revision¹.", False),  # 30 of 250
        ("In all, 12.5% of 250 patients had a revision¹.", True),  # 31.25 of 250
    ],
)
def test_k_of_n_and_percent_of_n_wherever_stated(tmp_path, body, fires):
    assert bool(fired(tmp_path, body, "ARITH-PERCENT-DENOMINATOR")) is fires


def test_a_total_from_a_sentence_citing_other_references_is_not_the_whole(tmp_path):
    from tests.checkshelp import mini_kb

    body = (
        "The registry followed 116 patients¹. At 3 years, 45.4% of patients remained responders²."
    )
    kb = mini_kb(tmp_path, body)
    text = kb.documents["mini"].text.replace(
        "1. Data on file.", "1. Data on file.\n2. Data on file."
    )
    (tmp_path / "letters" / "mini.txt").write_text(text, encoding="utf-8")
    (tmp_path / "reference_map.csv").write_text(
        "document,ref,work,note\nmini,1,datanote,\nmini,2,datanote,\n", encoding="utf-8"
    )
    from kb.load import load_kb

    assert run(load_kb(tmp_path), "ARITH-PERCENT-DENOMINATOR") == []
