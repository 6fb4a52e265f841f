"""Small statistics for checking stated numbers: precision, proportions, p-values, changes.

A number is compared within the precision it was stated with (statcheck's rule): "5.6" stands
for anything from 5.55 to 5.65, "2.20" for 2.195 to 2.205, "16" for 15.5 to 16.5. The z-test's
normal tail comes from the standard library (`math.erfc`: `statistics.NormalDist().cdf(-z)`
computes 1 + erf(-z/√2) and loses the tail to rounding beyond z ≈ 6, erfc keeps it, within
1e-13 of scipy's `norm.sf`); scipy is imported only for Fisher's exact test (small counts), so
a check that needs no exact test never pays its import. Nothing here reads files or knows about
letters.

>>> stated_interval("5.6")
(5.55, 5.65)
>>> percent_fits(4, 72, "5.6"), percent_fits(4, 48, "5.6")
(True, False)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

EPS = 1e-9
_SQRT2 = math.sqrt(2.0)
NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+")
_P_RE = re.compile(r"(?P<op><=|>=|≤|≥|<|>|=)?\s*(?P<v>\d*\.\d+|\d+(?:\.\d+)?(?:[eE]-?\d+)?)")


# --- precision ---------------------------------------------------------------------------------


def decimals(text: str | float) -> int:
    """Digits after the decimal point of a stated number ("5.60" -> 2, "3,956" -> 0, 9.0 -> 1)."""
    if isinstance(text, bool):
        raise TypeError("a bool is not a number")
    if isinstance(text, int):
        return 0
    if isinstance(text, float):
        if not math.isfinite(text):
            raise ValueError(f"not a finite number: {text!r}")
        if text.is_integer():
            return 0
        # repr is the shortest text that reads back as the float: 0.056, or 1e-05 (5 decimals)
        exponent = Decimal(repr(text)).as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    m = NUMBER_RE.search(text)
    if m is None:
        raise ValueError(f"no number in {text!r}")
    raw = m.group()
    return len(raw.split(".")[1]) if "." in raw else 0


def parse_number(text: str) -> float:
    """The first number written with digits in `text` ("3,956 feet" -> 3956.0)."""
    m = NUMBER_RE.search(text)
    if m is None:
        raise ValueError(f"no number in {text!r}")
    return float(m.group().replace(",", ""))


def stated_interval(text: str, value: float | None = None) -> tuple[float, float]:
    """The interval a stated number stands for: half a unit of its last digit either side.

    >>> stated_interval("2.20")
    (2.195, 2.205)
    """
    v = parse_number(text) if value is None else value
    half = 0.5 * 10 ** (-decimals(text))
    return (round(v - half, 12), round(v + half, 12))


def written_interval(value: float) -> tuple[float, float]:
    """The interval of a number written in words: "two million" is 1.5 to 2.5 million."""
    if value == 0:
        return (0.0, 0.0)
    zeros = 0
    n = round(value)
    while n and n % 10 == 0:
        n //= 10
        zeros += 1
    half = 0.5 * 10**zeros
    return (value - half, value + half)


def within(value: float, interval: tuple[float, float]) -> bool:
    """True when `value` lies in the closed interval (with a hair of float slack)."""
    lo, hi = interval
    return lo - EPS <= value <= hi + EPS


def within_precision(stated: str, actual: float) -> bool:
    """True when `actual` rounds to the number stated in `stated` at its own precision.

    >>> within_precision("5.6", 5.55), within_precision("5.6", 5.66)
    (True, False)
    """
    return within(actual, stated_interval(stated))


def consistent(stated: str, actual: float, actual_decimals: int | None = None) -> bool:
    """True when a stated number and a recorded one agree at the coarser of their precisions.

    A record that says 12.0 agrees with a letter's "12%"; a letter's "5.63" agrees with a
    record's 5.6 (the record is the coarser one). A whole recorded number is taken as exact,
    since a float does not keep the zeros it was written with.
    """
    if within_precision(stated, actual):
        return True
    if actual_decimals is None:
        if float(actual).is_integer():
            return False
        actual_decimals = decimals(actual)
    half = 0.5 * 10 ** (-actual_decimals)
    return within(parse_number(stated), (actual - half, actual + half))


def rounds_to(value: float, stated: str) -> bool:
    """True when `value` (a computed number) rounds to `stated` at its precision."""
    return within_precision(stated, value)


# --- proportions and denominators ----------------------------------------------------------------


def proportion(count: float, n: float) -> float:
    """count / n; raises ValueError when n is not positive."""
    if n <= 0:
        raise ValueError(f"denominator must be positive, got {n}")
    return count / n


def percent(count: float, n: float) -> float:
    """count / n as a percentage."""
    return 100.0 * proportion(count, n)


def percent_fits(count: int, n: int, stated_percent: str) -> bool:
    """True when count/n, as a percentage, rounds to the stated percentage."""
    return n > 0 and 0 <= count <= n and rounds_to(percent(count, n), stated_percent)


def fitting_counts(stated_percent: str, n: int) -> list[int]:
    """Whole counts out of `n` whose percentage rounds to the stated one (may be empty).

    >>> fitting_counts("1.3", 143), fitting_counts("1.3", 149)
    ([], [2])
    """
    if n <= 0:
        return []
    band = stated_interval(stated_percent)
    first = max(0, math.ceil(band[0] * n / 100 - EPS))
    last = min(n, math.floor(band[1] * n / 100 + EPS))
    return [k for k in range(first, last + 1) if within(100.0 * k / n, band)]


def fitting_denominators(
    count: int, stated_percent: str, lo: int = 1, hi: int = 100_000
) -> list[int]:
    """Denominators between lo and hi for which count/n rounds to the stated percentage.

    >>> fitting_denominators(4, "5.6", 1, 200)
    [71, 72]
    """
    p_lo, p_hi = stated_interval(stated_percent)
    if count == 0:
        return list(range(max(lo, 1), hi + 1)) if p_lo <= 0 else []
    if p_hi <= 0:
        return []
    first = max(lo, count, math.ceil(100 * count / p_hi - EPS))
    last = hi if p_lo <= 0 else min(hi, math.floor(100 * count / p_lo + EPS))
    band = (p_lo, p_hi)
    return [n for n in range(first, last + 1) if within(100.0 * count / n, band)]


def compact(numbers: Iterable[int]) -> str:
    """Whole numbers as runs: [71, 72, 90] -> "71–72, 90"."""
    xs = sorted(set(numbers))
    runs: list[str] = []
    i = 0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and xs[j + 1] == xs[j] + 1:
            j += 1
        runs.append(str(xs[i]) if i == j else f"{xs[i]}–{xs[j]}")
        i = j + 1
    return ", ".join(runs)


# --- p-values ------------------------------------------------------------------------------------


def two_proportion_z(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float]:
    """Unadjusted two-sided z-test of two proportions (pooled variance): (z, p).

    >>> z, p = two_proportion_z(555, 2229, 888, 3401)
    >>> round(z, 2), round(p, 2)
    (-1.02, 0.31)
    """
    p1, p2 = proportion(x1, n1), proportion(x2, n2)
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return (0.0, 1.0)
    z = (p1 - p2) / se
    return (z, math.erfc(abs(z) / _SQRT2))


def fisher_exact_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided Fisher's exact test of x1/n1 against x2/n2 (imports scipy on first use)."""
    from scipy import stats as _st

    table = [[x1, n1 - x1], [x2, n2 - x2]]
    return float(_st.fisher_exact(table, alternative="two-sided").pvalue)


def p_range_two_proportions(
    pct1: str, n1: int, pct2: str, n2: int, test: str = "z"
) -> tuple[float, float] | None:
    """Smallest and largest p any counts consistent with the stated percentages give.

    Each stated percentage stands for every whole count out of its n that rounds to it; the
    extreme counts give the extreme p. None when a percentage fits no whole count.
    """
    c1, c2 = fitting_counts(pct1, n1), fitting_counts(pct2, n2)
    if not c1 or not c2:
        return None
    ps = []
    for a in sorted({c1[0], c1[-1]}):
        for b in sorted({c2[0], c2[-1]}):
            if test == "fisher":
                ps.append(fisher_exact_p(a, n1, b, n2))
            else:
                ps.append(two_proportion_z(a, n1, b, n2)[1])
    lo, hi = min(ps), max(ps)
    # when the two rates can be equal within rounding, p can reach 1
    if c1[0] * n2 <= c2[-1] * n1 and c2[0] * n1 <= c1[-1] * n2:
        hi = 1.0
    return (lo, hi)


def parse_p(text: str) -> tuple[str, float] | None:
    """The operator and value of a stated p ("p < 0.0001" -> ('<', 0.0001)); '=' by default."""
    t = text.replace("$", "").replace("\\leq", "≤").replace("\\geq", "≥")
    t = t.replace("\\le", "≤").replace("\\ge", "≥").replace("\\lt", "<").replace("\\gt", ">")
    t = re.sub(r"(?i)\bp(?:[\s-]*values?)?\s*", "", t, count=1)
    m = _P_RE.search(t)
    if m is None:
        return None
    op = {"<=": "≤", ">=": "≥"}.get(m.group("op") or "=", m.group("op") or "=")
    return (op, float(m.group("v")))


def parse_ps(text: str) -> list[tuple[str, float]]:
    """Every stated p in a text: "<0.0001 to 0.0001" -> [('<', 0.0001), ('=', 0.0001)]."""
    out = []
    for part in re.split(r"\s+(?:to|and|–|-)\s+|;", text):
        got = parse_p(part)
        if got:
            out.append(got)
    return out


def p_text_interval(op: str, value: float, text: str | None = None) -> tuple[float, float]:
    """The p-values a statement allows: "< 0.05" is [0, 0.05), "= 0.77" is [0.765, 0.775]."""
    if op in ("<", "≤"):
        return (0.0, value)
    if op in (">", "≥"):
        return (value, 1.0)
    if text is not None:
        try:
            return stated_interval(text, value)
        except ValueError:
            pass
    return stated_interval(repr(value), value)


def p_consistent(
    op: str, value: float, computed: tuple[float, float], text: str | None = None
) -> bool:
    """True when a stated p ("<", "=", ">" value) overlaps the range of computed p-values."""
    lo, hi = p_text_interval(op, value, text)
    c_lo, c_hi = computed
    if op in ("<",):
        return c_lo < value
    if op in (">",):
        return c_hi > value
    return c_lo <= hi + EPS and lo - EPS <= c_hi


def significant(op: str, value: float, alpha: float = 0.05) -> bool | None:
    """Whether a stated p says significant at alpha; None when it cannot tell ("< 0.1")."""
    if op in ("<", "≤"):
        return True if value <= alpha else None
    if op in (">", "≥"):
        return False if value >= alpha else None
    return value < alpha


# --- changes and ratios --------------------------------------------------------------------------


def percent_change(before: float, after: float) -> float:
    """Relative change from before to after, in percent; raises when before is 0."""
    if before == 0:
        raise ValueError("a change from 0 has no percentage")
    return 100.0 * (after - before) / abs(before)


def change_range(before: str, after: str) -> tuple[float, float]:
    """Smallest and largest percentage change the two stated numbers allow."""
    b_lo, b_hi = stated_interval(before)
    a_lo, a_hi = stated_interval(after)
    vals = [percent_change(b, a) for b in (b_lo, b_hi) for a in (a_lo, a_hi) if b != 0]
    return (min(vals), max(vals))


def ratio_range(a: str, b: str) -> tuple[float, float]:
    """Smallest and largest a / b the two stated numbers allow."""
    a_lo, a_hi = stated_interval(a)
    b_lo, b_hi = stated_interval(b)
    if b_lo <= 0:
        raise ValueError("ratio to a number that may be 0")
    return (a_lo / b_hi, a_hi / b_lo)


def fmt(x: float, digits: int = 4) -> str:
    """A number for a message: no trailing zeros, thousands separators for big ones."""
    if x == 0:
        return "0"
    if abs(x) >= 1000 and float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) < 0.001:
        return f"{x:.1e}"
    s = f"{x:.{digits}g}"
    if "e" in s:
        s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s


def fmt_p(p: float) -> str:
    """A computed p-value for a message ("< 0.0001" below that)."""
    return "< 0.0001" if p < 0.0001 else f"{p:.2g}" if p < 0.01 else f"{p:.2f}"


def mean(xs: Sequence[float]) -> float:
    """Arithmetic mean."""
    return sum(xs) / len(xs)
