"""kb.checks.stats: precision, proportions, denominators, p-values and changes."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.checks import stats


def test_doctests():
    assert doctest.testmod(stats).failed == 0


@pytest.mark.parametrize(
    "text, lo, hi",
    [
        ("5.6", 5.55, 5.65),
        ("2.20", 2.195, 2.205),
        ("16", 15.5, 16.5),
        ("3,956", 3955.5, 3956.5),
        ("0.7679", 0.76785, 0.76795),
        ("12.0%", 11.95, 12.05),
    ],
)
def test_stated_interval(text, lo, hi):
    assert stats.stated_interval(text) == pytest.approx((lo, hi))


@pytest.mark.parametrize(
    "stated, actual, ok",
    [
        ("5.6", 5.55, True),  # lower edge is inside
        ("5.6", 5.65, True),  # upper edge is inside
        ("5.6", 5.549, False),
        ("5.6", 5.651, False),
        ("2.20", 2.2049, True),
        ("2.20", 2.21, False),
        ("16", 160, False),
        ("12", 12.0, True),
    ],
)
def test_within_precision(stated, actual, ok):
    assert stats.within_precision(stated, actual) is ok


@pytest.mark.parametrize(
    "stated, recorded, ok",
    [
        ("12", 12.0, True),
        ("5.63", 5.6, True),  # the record is the coarser one
        ("5.7", 5.6, False),
        ("9.3", 9.0, False),  # a whole recorded number is exact
    ],
)
def test_consistent_uses_the_coarser_precision(stated, recorded, ok):
    assert stats.consistent(stated, recorded) is ok


@pytest.mark.parametrize(
    "count, n, pct, ok",
    [
        (4, 48, "5.6", False),  # 8.33%
        (4, 72, "5.6", True),  # 5.556% rounds up to 5.6
        (4, 71, "5.6", True),  # 5.634%
        (4, 70, "5.6", False),  # 5.714%
        (3, 40, "7.5", True),
        (3, 40, "8", True),  # 7.5% sits on the edge of "8" (7.5-8.5)
        (3, 40, "7", True),  # ... and of "7" (6.5-7.5): both edges count
        (3, 40, "9", False),
        (2, 149, "1.3", True),
        (2, 143, "1.3", False),  # 1.399%
        (5, 4, "125", False),  # a count above its total
    ],
)
def test_percent_fits(count, n, pct, ok):
    assert stats.percent_fits(count, n, pct) is ok


@pytest.mark.parametrize(
    "pct, n, counts",
    [("1.3", 143, []), ("1.3", 131, []), ("1.3", 149, [2]), ("24.9", 2229, [554, 555, 556])],
)
def test_fitting_counts(pct, n, counts):
    assert stats.fitting_counts(pct, n) == counts


@pytest.mark.parametrize(
    "count, pct, lo, hi, expected",
    [(4, "5.6", 1, 200, [71, 72]), (3, "7.0", 1, 100, [43]), (3, "8.0", 1, 100, [])],
)
def test_fitting_denominators(count, pct, lo, hi, expected):
    assert stats.fitting_denominators(count, pct, lo, hi) == expected


def test_compact():
    assert stats.compact([72, 71, 90, 91, 92, 5]) == "5, 71–72, 90–92"


def test_two_proportion_z_matches_the_evidence_note():
    # sources.json ref 19: 555/2229 vs 888/3401 gives z ≈ -1.02, p ≈ 0.31
    z, p = stats.two_proportion_z(555, 2229, 888, 3401)
    assert z == pytest.approx(-1.0177, abs=1e-3)
    assert p == pytest.approx(0.3088, abs=1e-3)


def test_fisher_exact():
    assert stats.fisher_exact_p(5, 100, 12, 100) == pytest.approx(0.1262, abs=1e-3)


def test_p_range_covers_rounding():
    lo, hi = stats.p_range_two_proportions("24.9", 2229, "26.1", 3401)
    assert 0.27 < lo < 0.29
    assert 0.34 < hi < 0.36
    assert stats.p_range_two_proportions("1.3", 143, "2.0", 100) is None
    # rates that can be equal within rounding allow p = 1
    assert stats.p_range_two_proportions("10", 50, "10", 60)[1] == 1.0


@pytest.mark.parametrize(
    "text, parsed",
    [
        ("p = 0.7679", ("=", 0.7679)),
        ("$p < 0.0001$", ("<", 0.0001)),
        ("P<0.001", ("<", 0.001)),
        ("p \\leq 0.05", ("≤", 0.05)),
        ("0.7679 (as printed in abstract)", ("=", 0.7679)),
        ("no number", None),
    ],
)
def test_parse_p(text, parsed):
    assert stats.parse_p(text) == parsed


def test_parse_ps_reads_ranges():
    assert stats.parse_ps("<0.0001 to 0.0001") == [("<", 0.0001), ("=", 0.0001)]


@pytest.mark.parametrize(
    "op, value, text, computed, ok",
    [
        ("=", 0.7679, "0.7679", (0.28, 0.35), False),
        ("=", 0.31, "0.31", (0.28, 0.35), True),
        ("=", 0.35, "0.35", (0.28, 0.345), True),  # 0.345 rounds to 0.35: edge inside
        ("=", 0.35, "0.35", (0.28, 0.3449), False),
        ("<", 0.0001, "0.0001", (1e-16, 7e-16), True),
        ("<", 0.05, "0.05", (0.7, 0.8), False),
        (">", 0.05, "0.05", (0.7, 0.8), True),
    ],
)
def test_p_consistent(op, value, text, computed, ok):
    assert stats.p_consistent(op, value, computed, text) is ok


@pytest.mark.parametrize(
    "op, value, sig",
    [
        ("<", 0.05, True),
        ("<", 0.1, None),
        ("=", 0.04, True),
        ("=", 0.7679, False),
        (">", 0.05, False),
    ],
)
def test_significant(op, value, sig):
    assert stats.significant(op, value) is sig


def test_changes_and_ratios():
    assert stats.percent_change(246, 3956) == pytest.approx(1508.1, abs=0.1)
    lo, hi = stats.change_range("40", "60")
    assert lo < 50 < hi < 53.5
    lo, hi = stats.ratio_range("5.6", "12.1")
    assert lo == pytest.approx(5.55 / 12.15) and hi == pytest.approx(5.65 / 12.05)
    with pytest.raises(ValueError):
        stats.percent_change(0, 5)


def test_decimals_and_written_numbers():
    assert [stats.decimals(x) for x in ("5.60", "3,956", "0.0001")] == [2, 0, 4]
    assert stats.decimals(9.0) == 0 and stats.decimals(5.6) == 1
    assert stats.written_interval(2_000_000) == (1_500_000, 2_500_000)
    assert stats.written_interval(48) == (47.5, 48.5)


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_any_count_fits_its_own_rounded_percentage(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    for digits in (0, 1, 2):
        shown = f"{100 * k / n:.{digits}f}"
        assert stats.percent_fits(k, n, shown)
        assert k in stats.fitting_counts(shown, n)
        if k:
            assert n in stats.fitting_denominators(k, shown, 1, n)


@given(st.integers(5, 400), st.integers(5, 400), st.data())
def test_p_range_holds_the_p_of_the_true_counts(n1, n2, data):
    k1 = data.draw(st.integers(0, n1))
    k2 = data.draw(st.integers(0, n2))
    p = stats.two_proportion_z(k1, n1, k2, n2)[1]
    lo, hi = stats.p_range_two_proportions(f"{100 * k1 / n1:.1f}", n1, f"{100 * k2 / n2:.1f}", n2)
    assert lo - 1e-9 <= p <= hi + 1e-9
