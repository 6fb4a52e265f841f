"""Arithmetic checks: do a letter's own numbers add up (denominators, ratios, changes, p)?

One module on purpose (over 500 lines): the registry orders a family's checks as they are
written here, and that order is the README's table and the order findings are reported in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.checks import check, emit, stats
from kb.checks.context import CheckContext
from kb.checks.text import (
    Atom,
    PercentPair,
    atoms,
    extra,
    is_change_percent,
    percent_pairs,
    show,
    stated_sizes,
)
from kb.model import Claim, Finding, NumberMention, Outcome
from kb.schema import MatchStatus
from kb.text import fold_lower

_APPROX = {"approximately", "approx.", "about", "around", "roughly", "nearly", "almost", "~", "≈"}
_INC = re.compile(
    r"\b(increas\w*|rose|risen|grew|grown|climb\w*|rais\w*)\b", re.IGNORECASE | re.ASCII
)
_DEC = re.compile(
    r"\b(decreas\w*|fell|fallen|declin\w*|reduc\w*|dropp\w*|lowered)\b", re.IGNORECASE | re.ASCII
)
_CHANGE_WORDS = re.compile(
    r"increase|decrease|improvement|reduction|change|rise|fall|drop|decline|gain", re.IGNORECASE
)
_POINTS_CUE = re.compile(
    r"(?:improvement|improved|reduction|reduced|decrease|decreased|change|changed|increase|"
    r"increased|drop|fell|rose)\s+(?:of|by)\s*$",
    re.IGNORECASE,
)
_COMPOSITE = re.compile(r"\bcomposite\b|\bcombined\b|\boverall rate of\b", re.IGNORECASE | re.ASCII)


def _pct(a: Atom) -> str:
    return f"{a.text}%"


def _sizes_before(ctx: CheckContext, claim: Claim, offset: int) -> list[Atom]:
    """Group sizes stated before `offset`: the sentence's own when it states any, else those of
    the paragraph so far (a total named in the same sentence is the one a percentage is of)."""
    sized = stated_sizes(ctx.before_in_paragraph(claim), upto=offset)
    own = [a for a, c in sized if c.id == claim.id]
    return own or [a for a, c in sized if _same_sources(ctx, claim, c)]


def _same_sources(ctx: CheckContext, claim: Claim, other: Claim) -> bool:
    """An earlier sentence's group size is a total for this one only when both rest on the same
    references (or the earlier one cites none): "116 patients [5]" is not the whole of "45.4% of
    patients [8]"."""
    mine, theirs = set(ctx.support[claim.id].numbers), set(ctx.support[other.id].numbers)
    return not theirs or not mine or bool(mine & theirs)


def _study_sizes(ctx: CheckContext, o: Outcome | None) -> list[tuple[Outcome, float]]:
    """Sample sizes the record gives for the same study and arm as a matched outcome, as
    (outcome, size) pairs."""
    if o is None:
        return []
    arm = fold_lower(o.arm or "")
    return [
        (x, x.value)
        for x in ctx.kb.outcomes.values()
        if x.study == o.study
        and x.measure == "sample size"
        and x.value is not None
        and x.verified
        and arm
        and fold_lower(x.arm or "") == arm
    ]


def _matched_outcome(ctx: CheckContext, claim: Claim, m: NumberMention) -> Outcome | None:
    for nm in ctx.matches.get(claim.id, ()):
        if nm.number.start == m.start and nm.status in (MatchStatus.MATCHED, MatchStatus.NEAR_MISS):
            return nm.outcome
    return None


def _inherited(ctx: CheckContext, claim: Claim, start: int, pct: Atom, ns: list[int]) -> str:
    """The recorded outcome when the cited record itself prints this percentage and every
    group size it is set against (the oddity is the source's, copied as printed), else ''."""
    o = _matched_outcome_at(ctx, claim, start)
    if o is None or not o.verified:
        return ""
    if not any(sn.cls == "pct" and pct.agrees(sn.value) for sn in ctx.numbers_of.get(o.id, ())):
        return ""
    rows = ctx.outcomes_by_work.get(o.work, ()) + ctx.extracted_by_work.get(o.work, ())
    printed = {
        sn.value
        for x in rows
        if x.verified or x.origin == "extracted"
        for sn in ctx.numbers_of.get(x.id, ())
        if sn.cls == "n"
    }
    return o.id if ns and all(float(n) in printed for n in ns) else ""


def _matched_outcome_at(ctx: CheckContext, claim: Claim, start: int) -> Outcome | None:
    for nm in ctx.matches.get(claim.id, ()):
        if nm.number.start == start and nm.status in (MatchStatus.MATCHED, MatchStatus.NEAR_MISS):
            return nm.outcome
    return None


def _uniq(ns: list[Atom]) -> list[int]:
    return list(dict.fromkeys(int(a.value) for a in ns))


def _arm_sizes(ctx: CheckContext, claim: Claim, offset: int) -> list[int]:
    """The two group sizes stated last before `offset`, or [] when they may not be two groups.

    One number stated in two sentences ("randomized 132 patients" ... "of 132 patients") is a
    total restated, not two arms of 132: taking it for two arms would recompute a wrong p.
    Two groups of one size count only when one sentence states both.
    """
    sized = stated_sizes(ctx.before_in_paragraph(claim), upto=offset)
    sized = [(a, c) for a, c in sized if _same_sources(ctx, claim, c)][-2:]
    if len(sized) != 2:
        return []
    (a1, c1), (a2, c2) = sized
    if a1.value == a2.value and c1.id != c2.id:
        return []
    return [int(a1.value), int(a2.value)]


_OF_TOTAL = re.compile(r"\s*of\s+(?:the\s+|all\s+)?(\d{1,3}(?:,\d{3})+|\d+)\b")


def _total_after(claim: Claim, m: NumberMention) -> int | None:
    """The total a count-with-percent names right after it: "12 (9.1%) of 132 patients"."""
    got = _OF_TOTAL.match(claim.text, m.end - claim.start)
    return int(got.group(1).replace(",", "")) if got else None


def _near_count(pct: Atom, n: int) -> str:
    k = round(pct.value * n / 100)
    d = stats.decimals(pct.text)
    return f"{k}/{n} = {stats.percent(k, n):.{d}f}%"


@check(
    code="ARITH-PERCENT-DENOMINATOR",
    severity="warning",
    family="arithmetic",
    title="percentage does not fit the stated number of patients",
    example='"4 (5.6 %) patients" does not fit the 48 patients stated (4/48 = 8.3%); 4 is 5.6% '
    "only of 71–72, none of which the record gives for mild+CMM (77, 69, 64, 48).",
)
def percent_denominator(ctx: CheckContext) -> list[Finding]:
    """A count with a percentage, or a percentage of people, fits none of the stated totals.

    Totals are the patient counts stated earlier in the same paragraph (or sentence); each
    percentage is taken within its stated precision (5.6 means 5.55–5.65).

    Seen in the bundled letter:
        "Forty-eight patients ... were available ... only 4 (5.6 %) patients had received SLSIs"
        -> ARITH-PERCENT-DENOMINATOR: "4 (5.6 %)" does not fit the 48 patients stated ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> percent_denominator(ctx_fixture)[0].message[:56]
    '"3 (7.0%)" does not fit the 40 patients stated (3/40 = 7'
    """
    out = []
    for c in ctx.claims:
        pairs = percent_pairs(c)
        in_pair = {(p.a.text, p.start) for p in pairs}
        problems: list[tuple[str, tuple, str]] = []
        for p in pairs:
            ns = _arm_sizes(ctx, c, p.start)
            if len(ns) != 2:
                continue
            for a, n in ((p.a, ns[0]), (p.b, ns[1])):
                if not stats.fitting_counts(a.text, n):
                    msg = (
                        f"{_pct(a)} is not a whole number of the {n} patients stated "
                        f"({_near_count(a, n)})"
                    )
                    problems.append((msg, (a.text, n), _inherited(ctx, c, p.start, a, [n])))
        for m in sorted(c.numbers, key=lambda x: x.start):
            if m.kind == "count_percent":
                k, pct = atoms(m)
                total = extra(m).get("denominator") or _total_after(c, m)
                total = int(total) if total else None
                ns = [total] if total else _uniq(_sizes_before(ctx, c, m.start))
                if not ns or any(stats.percent_fits(int(k.value), n, pct.text) for n in ns):
                    continue
                top = max(ns + [int(k.value) * 20])
                fits = stats.fitting_denominators(int(k.value), pct.text, int(k.value), top)
                record = _study_sizes(ctx, _matched_outcome(ctx, c, m))
                rec_fit = [
                    (o, size)
                    for o, size in record
                    if stats.percent_fits(int(k.value), int(size), pct.text)
                ]
                stated = " or ".join(str(n) for n in ns)
                ratios = ", ".join(
                    f"{int(k.value)}/{n} = {stats.percent(k.value, n):.1f}%" for n in ns
                )
                only = (
                    f"only of {stats.compact(fits)}" if fits else "of no whole number of patients"
                )
                msg = (
                    f'"{show(m.text)}" does not fit the {stated} patients stated ({ratios}); '
                    f"{int(k.value)} is {_pct(pct)} {only}"
                )
                if rec_fit:
                    msg += (
                        ", as the record's "
                        + ", ".join(f"{stats.fmt(size)} ({o.analysis_set})" for o, size in rec_fit)
                        + " is"
                    )
                elif record:
                    shown = ", ".join(
                        sorted(
                            {stats.fmt(size) for _, size in record},
                            key=lambda s: -float(s.replace(",", "")),
                        )
                    )
                    msg += f", none of which the record gives for {record[0][0].arm} ({shown})"
                problems.append(
                    (
                        msg,
                        (show(m.text), tuple(ns), tuple(fits[:10])),
                        _inherited(ctx, c, m.start, pct, ns),
                    )
                )
            elif m.kind == "percent" and (atoms(m)[0].text, m.start) not in in_pair:
                pct = atoms(m)[0]
                if is_change_percent(c, m) or extra(m).get("qualifier") in _APPROX:
                    continue
                whole = _total_after(c, m)  # "12% of 250 patients": the whole is stated
                ns = [whole] if whole else _uniq(_sizes_before(ctx, c, m.start))
                if not ns or any(stats.fitting_counts(pct.text, n) for n in ns):
                    continue
                record = _study_sizes(ctx, _matched_outcome(ctx, c, m))
                rec_fit = [(o, n) for o, n in record if stats.fitting_counts(pct.text, int(n))]
                stated = " or ".join(str(n) for n in ns)
                near = ", ".join(_near_count(pct, n) for n in ns)
                msg = (
                    f'"{show(m.text)}" is not a whole number of the {stated} patients '
                    f"stated ({near})"
                )
                if rec_fit:
                    o, size = rec_fit[0]
                    count = stats.fitting_counts(pct.text, int(size))[0]
                    msg += (
                        f"; it fits {count} of {stats.fmt(size)} "
                        f"({o.id}: {o.analysis_set}, {o.arm})"
                    )
                problems.append(
                    (msg, (show(m.text), tuple(ns)), _inherited(ctx, c, m.start, pct, ns))
                )
        for msg, ev, recorded in problems:
            if recorded:  # inherited from the source: said, and kept apart from the letter's own
                msg += (
                    "; the cited record itself prints the same percentage and the same N "
                    f"({recorded})"
                )
            out.append(
                emit(
                    "ARITH-PERCENT-DENOMINATOR",
                    c.document,
                    c.id,
                    msg + ".",
                    refs=ctx.support[c.id].numbers,
                    evidence=(("numbers", ev),) + ((("recorded", recorded),) if recorded else ()),
                )
            )
    return out


def _pair_for(claim: Claim, m: NumberMention) -> PercentPair | None:
    pairs = percent_pairs(claim)
    after = [p for p in pairs if p.start >= m.end]
    if after:
        return after[0]
    before = [p for p in pairs if p.end <= m.start]
    return before[-1] if before else None


@check(
    code="ARITH-RATIO-WORDS",
    severity="warning",
    family="arithmetic",
    title="ratio in words does not fit the numbers",
    example='"less than half" does not fit 6.2% vs. 12.0%: the ratio is 0.517 (0.510–0.523 '
    "allowing for rounding).",
)
def ratio_words(ctx: CheckContext) -> list[Finding]:
    """ "less than half", "twice", "three-fold" set against the two numbers they describe.

    Seen in the bundled letter:
        "The rate of harms with mild was less than half that of ... (5.6% vs. 12.1%; ...)"
        5.6/12.1 = 0.46 (0.46–0.47 within rounding): consistent, no finding.

    On the hand-made fixture (tests/fixtures/checks):

    >>> ratio_words(ctx_fixture)[0].message[:56]
    '"less than half" does not fit 6.2% vs. 12.0%: the ratio '
    """
    out = []
    for c in ctx.claims:
        for m in c.numbers:
            if m.kind != "ratio_words" or m.value is None:
                continue
            pair = _pair_for(c, m)
            if pair is None:
                continue
            a, b = pair.a, pair.b
            small, big = (a, b) if a.value <= b.value else (b, a)
            if small.value <= 0 or big.value <= 0:
                continue
            lo, hi = stats.ratio_range(small.text, big.text)
            if m.value > 1:
                lo, hi = 1 / hi, 1 / lo
            q = extra(m).get("qualifier") or ""
            v = m.value
            if q in ("less than", "fewer than"):
                ok = lo < v
            elif q in ("more than", "greater than"):
                ok = hi > v
            else:
                ok = hi >= v * 0.9 and lo <= v * 1.1
            if ok:
                continue
            mid = (small.value / big.value) if v <= 1 else (big.value / small.value)
            out.append(
                emit(
                    "ARITH-RATIO-WORDS",
                    c.document,
                    c.id,
                    f'"{show(m.text)}" does not fit {_pct(a)} vs. {_pct(b)}: the ratio is '
                    f"{mid:.3f} ({lo:.3f}–{hi:.3f} allowing for rounding).",
                    refs=ctx.support[c.id].numbers,
                    evidence=(
                        ("words", show(m.text)),
                        ("values", (a.text, b.text)),
                        ("ratio", (round(lo, 4), round(hi, 4))),
                    ),
                )
            )
    return out


def _from_to(m: NumberMention) -> tuple[Atom, Atom] | None:
    if m.kind != "change":
        return None
    at = atoms(m)
    return (at[0], at[1]) if len(at) == 2 else None


@check(
    code="ARITH-CHANGE",
    severity="warning",
    family="arithmetic",
    title="stated change does not follow from the before and after values",
    example='"from 40 to 60 metres" is a 50% increase (47–53% allowing for rounding), not the '
    "60% stated.",
)
def change(ctx: CheckContext) -> list[Finding]:
    """A percentage or points change set against the before and after values stated with it.

    Seen in the bundled letter:
        "Walking distance rose from 40 to 60 metres (a 60% increase)."
        -> ARITH-CHANGE: "from 40 to 60" is a 50% increase (...), not the 60% stated.

    On the hand-made fixture (tests/fixtures/checks):

    >>> change(ctx_fixture)[0].message[:56]
    '"from 40 to 60 metres" is a 50% increase (47–53% allowin'
    """
    out = []
    for c in ctx.claims:
        nums = sorted(c.numbers, key=lambda x: x.start)
        for i, m in enumerate(nums):
            ft = _from_to(m)
            if ft is None:
                continue
            before, after = ft
            for n in nums[i + 1 :]:
                if n.kind == "change":
                    break
                gap = c.text[m.end - c.start : n.start - c.start]
                if len(gap) > 80:
                    break
                if n.kind == "percent" and (is_change_percent(c, n) or _CHANGE_WORDS.search(gap)):
                    stated = atoms(n)[0]
                    if before.value == 0:
                        break
                    lo, hi = stats.change_range(before.text, after.text)
                    s_lo, s_hi = stated.interval()
                    if min(abs(lo), abs(hi)) <= s_hi and max(abs(lo), abs(hi)) >= s_lo:
                        break
                    mid = stats.percent_change(before.value, after.value)
                    word = "increase" if mid > 0 else "decrease"
                    out.append(
                        emit(
                            "ARITH-CHANGE",
                            c.document,
                            c.id,
                            f'"{show(m.text)}" is a {abs(mid):.0f}% {word} '
                            f"({min(abs(lo), abs(hi)):.0f}–{max(abs(lo), abs(hi)):.0f}% "
                            "allowing for rounding), not the "
                            f"{_pct(stated)} stated.",
                            refs=ctx.support[c.id].numbers,
                            evidence=(
                                ("from_to", (before.text, after.text)),
                                ("stated", stated.text),
                            ),
                        )
                    )
                    break
                if (
                    n.kind in ("measurement", "mean")
                    and (n.unit or "") == (m.unit or "")
                    and (_POINTS_CUE.search(c.text[: n.start - c.start]))
                ):
                    stated = atoms(n)[0]
                    b_lo, b_hi = before.interval()
                    a_lo, a_hi = after.interval()
                    d_lo = max(0.0, min(abs(a_lo - b_hi), abs(a_hi - b_lo)))
                    d_hi = max(abs(a_lo - b_hi), abs(a_hi - b_lo))
                    s_lo, s_hi = stated.interval()
                    if d_lo <= s_hi and d_hi >= s_lo:
                        break
                    diff = abs(after.value - before.value)
                    out.append(
                        emit(
                            "ARITH-CHANGE",
                            c.document,
                            c.id,
                            f'"{show(m.text)}" is a change of {stats.fmt(diff)} {m.unit or ""}'
                            f", not the {n.text} stated.".replace(" ,", ","),
                            refs=ctx.support[c.id].numbers,
                            evidence=(("from_to", (before.text, after.text)), ("stated", n.text)),
                        )
                    )
                    break
    return out


@check(
    code="ARITH-DIRECTION",
    severity="info",
    family="arithmetic",
    title="'increase' said of a fall, or 'decrease' of a rise",
    example='The sentence says "increasing" of "7.1 to 3.6 points", which is a fall.',
)
def direction(ctx: CheckContext) -> list[Finding]:
    """A before→after pair moves the other way from the verb that introduces it.

    Seen in the bundled letter:
        "... increasing from 246 to 3,956 feet, 8 to 56 mins, and 7.1 to 3.6 points"
        -> ARITH-DIRECTION: The sentence says "increasing" of "7.1 to 3.6 points", a fall.

    On the hand-made fixture (tests/fixtures/checks):

    >>> direction(ctx_fixture)[0].message[:56]
    'The sentence says "fell" of "from 3.0 to 5.0 points", wh'
    """
    out = []
    for c in ctx.claims:
        for m in c.numbers:
            ft = _from_to(m)
            if ft is None:
                continue
            before, after = ft
            head = c.text[: m.start - c.start]
            inc = list(_INC.finditer(head))
            dec = list(_DEC.finditer(head))
            last_inc = inc[-1].start() if inc else -1
            last_dec = dec[-1].start() if dec else -1
            if last_inc < 0 and last_dec < 0:
                continue
            if last_inc > last_dec and after.value < before.value:
                verb, moved = inc[-1].group(), "a fall"
            elif last_dec > last_inc and after.value > before.value:
                verb, moved = dec[-1].group(), "a rise"
            else:
                continue
            out.append(
                emit(
                    "ARITH-DIRECTION",
                    c.document,
                    c.id,
                    f'The sentence says "{verb}" of "{show(m.text)}", which is {moved}.',
                    refs=ctx.support[c.id].numbers,
                    evidence=(("verb", verb), ("from_to", (before.text, after.text))),
                )
            )
    return out


@dataclass(frozen=True)
class PCheck:
    """A stated p set against the p two stated proportions and their Ns give."""

    claim: Claim
    pair: PercentPair
    n1: int
    n2: int
    op: str
    p_text: str
    z_range: tuple[float, float]
    z_mid: float
    fisher_range: tuple[float, float] | None
    consistent: bool
    flip: bool
    inherited: str | None


def p_checks(ctx: CheckContext) -> list[PCheck]:
    """Every stated p of a two-proportion comparison whose Ns the paragraph states."""
    out = []
    for c in ctx.claims:
        for pair in percent_pairs(c):
            if pair.p is None:
                continue
            ns = _arm_sizes(ctx, c, pair.start)
            if len(ns) != 2:
                continue
            p_atoms = atoms(pair.p)
            if not p_atoms:
                continue
            pa = p_atoms[0]
            n1, n2 = ns
            z = stats.p_range_two_proportions(pair.a.text, n1, pair.b.text, n2, "z")
            if z is None:
                continue
            k1, k2 = round(pair.a.value * n1 / 100), round(pair.b.value * n2 / 100)
            z_mid = stats.two_proportion_z(k1, n1, k2, n2)[1]
            small = min(k1, k2, n1 - k1, n2 - k2) < 10 or n1 + n2 <= 1000
            fisher = (
                stats.p_range_two_proportions(pair.a.text, n1, pair.b.text, n2, "fisher")
                if small
                else None
            )
            op = pa.op or "="
            ok = stats.p_consistent(op, pa.value, z, pa.text) or (
                fisher is not None and stats.p_consistent(op, pa.value, fisher, pa.text)
            )
            flip = False
            if not ok:
                said = stats.significant(op, pa.value)
                ranges = [z] + ([fisher] if fisher else [])
                lo = min(r[0] for r in ranges)
                hi = max(r[1] for r in ranges)
                computed = True if hi < 0.05 else False if lo >= 0.05 else None
                flip = said is not None and computed is not None and said != computed
            inherited = None
            for nm in ctx.matches.get(c.id, ()):
                if (
                    nm.number.start == pair.p.start
                    and nm.status == MatchStatus.MATCHED
                    and nm.outcome
                ):
                    inherited = nm.outcome.id
            out.append(PCheck(c, pair, n1, n2, op, pa.text, z, z_mid, fisher, ok, flip, inherited))
    return out


def _p_span(rng: tuple[float, float], note: str) -> str:
    """' (0.28–0.35 allowing for rounding)', or '' when rounding makes no difference."""
    lo, hi = (stats.fmt_p(x) for x in rng)
    return "" if lo == hi else f" ({lo}–{hi}{note})"


def _p_message(pc: PCheck) -> str:
    a, b = pc.pair.a, pc.pair.b
    msg = (
        f"p {pc.op} {pc.p_text} does not follow from {_pct(a)} of {pc.n1} vs {_pct(b)} of "
        f"{pc.n2}: an unadjusted two-proportion z-test gives p ≈ {stats.fmt_p(pc.z_mid)}"
        f"{_p_span(pc.z_range, ' allowing for rounding')}"
    )
    if pc.fisher_range:
        lo, hi = (stats.fmt_p(x) for x in pc.fisher_range)
        msg += f", Fisher's exact test {lo if lo == hi else f'{lo}–{hi}'}"
    if pc.flip:
        said = "significant" if stats.significant(pc.op, float(pc.p_text)) else "not significant"
        msg += f", so the stated p makes the difference {said} at 0.05 when it is not"
    else:
        msg += ", though both agree on significance at 0.05"
    if pc.inherited:
        msg += f"; the cited record prints the same p ({pc.inherited})"
    return msg + "."


def _p_finding(code: str, ctx: CheckContext, pc: PCheck) -> Finding:
    ev = [
        ("percents", (pc.pair.a.text, pc.pair.b.text)),
        ("ns", (pc.n1, pc.n2)),
        ("stated_p", f"{pc.op} {pc.p_text}"),
        ("z_test_p", (round(pc.z_range[0], 4), round(pc.z_range[1], 4))),
    ]
    if pc.fisher_range:
        ev.append(("fisher_p", (round(pc.fisher_range[0], 4), round(pc.fisher_range[1], 4))))
    if pc.inherited:
        ev.append(("recorded", pc.inherited))
    return emit(
        code,
        pc.claim.document,
        pc.claim.id,
        _p_message(pc),
        refs=ctx.support[pc.claim.id].numbers,
        evidence=ev,
    )


@check(
    code="ARITH-P-VALUE",
    severity="warning",
    family="arithmetic",
    title="stated p does not follow from the stated proportions",
    example="p = 0.7679 does not follow from 24.9% of 2229 vs 26.1% of 3401: an unadjusted "
    "two-proportion z-test gives p ≈ 0.31 (0.28–0.35 allowing for rounding), though both agree "
    "on significance at 0.05.",
)
def p_value(ctx: CheckContext) -> list[Finding]:
    """A p-value recomputed from two percentages and the group sizes the paragraph states.

    The stated percentages stand for every whole count that rounds to them; the stated p must
    overlap the range of p those counts give (z-test; Fisher's exact test for small groups).

    Seen in the bundled letter:
        "The study included 2229 ... and 3401 ..." / "(24.9% for mild vs. 26.1%; p = 0.7679)"
        -> ARITH-P-VALUE: p = 0.7679 does not follow from 24.9% of 2229 vs 26.1% of 3401 ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> p_value(ctx_fixture)[0].message[:56]
    'p = 0.90 does not follow from 10.0% of 200 vs 12.0% of 3'
    """
    return [
        _p_finding("ARITH-P-VALUE", ctx, pc)
        for pc in p_checks(ctx)
        if not pc.consistent and not pc.flip
    ]


@check(
    code="ARITH-P-VALUE-FLIP",
    severity="error",
    family="arithmetic",
    title="stated p reverses the significance of the stated proportions",
    example="p < 0.05 does not follow from 10% of 50 vs 12% of 50: an unadjusted two-proportion "
    "z-test gives p ≈ 0.75, Fisher's exact test 1.00, so the stated p makes the difference "
    "significant at 0.05 when it is not.",
)
def p_value_flip(ctx: CheckContext) -> list[Finding]:
    """As ARITH-P-VALUE, but the recomputed p falls on the other side of 0.05.

    Seen in the bundled letter:
        "... 10% vs. 12% (p < 0.05)" with 50 patients in each group
        -> ARITH-P-VALUE-FLIP: p < 0.05 does not follow from 10% of 50 vs 12% of 50: ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> p_value_flip(ctx_fixture)[0].message[:56]
    'p < 0.05 does not follow from 10% of 50 vs 12% of 50: an'
    """
    return [_p_finding("ARITH-P-VALUE-FLIP", ctx, pc) for pc in p_checks(ctx) if pc.flip]


def _align(
    parts: list[PercentPair], whole: PercentPair
) -> list[tuple[Atom, list[Atom], str | None]]:
    """For each side of the composite pair, its parts (matched by arm name, else position)."""
    out = []
    for side, arm in ((0, whole.arms[0]), (1, whole.arms[1])):
        mine = []
        for p in parts:
            atoms_ = (p.a, p.b)
            if arm and arm in p.arms:
                mine.append(atoms_[p.arms.index(arm)])
            else:
                mine.append(atoms_[side])
        out.append(((whole.a, whole.b)[side], mine, arm))
    return out


@check(
    code="ARITH-COMPOSITE",
    severity="warning",
    family="arithmetic",
    title="composite rate impossible given its parts",
    example="The composite 12.5% is more than the sum of its parts (9.0% + 1.9% = 10.9%), which "
    "cannot be.",
)
def composite(ctx: CheckContext) -> list[Finding]:
    """A composite rate must be at least its largest part and at most the sum of its parts.

    The parts are the pairs of rates stated earlier in the same paragraph (overlap allowed).

    Seen in the bundled letter:
        "... 9.0 % for mild ... 5.5 % ..." / "... (1.9 % vs. 5.8 %) ..." /
        "Overall composite rate ... 10.8 % for mild and 11.0 % for laminectomy"
        9.0 ≤ 10.8 ≤ 10.9 and 5.8 ≤ 11.0 ≤ 11.3: consistent, no finding.

    On the hand-made fixture (tests/fixtures/checks):

    >>> composite(ctx_fixture)[0].message[:56]
    'The composite 7.5% is more than the sum of its parts (4.'
    """
    out = []
    for c in ctx.claims:
        if not _COMPOSITE.search(c.text):
            continue
        wholes = percent_pairs(c)
        if not wholes:
            continue
        earlier = [x for x in ctx.before_in_paragraph(c) if x.id != c.id]
        parts = [p for x in earlier for p in percent_pairs(x)]
        if len(parts) < 2:
            continue
        for total, pieces, arm in _align(parts, wholes[0]):
            name = f"{_pct(total)} for {arm}" if arm else _pct(total)
            t_lo, t_hi = total.interval()
            big = max(pieces, key=lambda a: a.value)
            s_lo = sum(p.interval()[0] for p in pieces)
            s_hi = sum(p.interval()[1] for p in pieces)
            summed = " + ".join(_pct(p) for p in pieces)
            d = max(stats.decimals(p.text) for p in pieces)
            total_sum = f"{sum(p.value for p in pieces):.{d}f}"
            if t_hi < big.interval()[0]:
                msg = (
                    f"The composite {name} is below one of its parts ({_pct(big)}), "
                    "which cannot be."
                )
            elif t_lo > s_hi:
                msg = (
                    f"The composite {name} is more than the sum of its parts "
                    f"({summed} = {total_sum}%), which cannot be."
                )
            else:
                continue
            out.append(
                emit(
                    "ARITH-COMPOSITE",
                    c.document,
                    c.id,
                    msg,
                    refs=ctx.support[c.id].numbers,
                    evidence=(
                        ("composite", total.text),
                        ("parts", tuple(p.text for p in pieces)),
                        ("sum", (round(s_lo, 6), round(s_hi, 6))),
                    ),
                )
            )
    return out


# --- significance said against the sentence's own CI or p ---------------------------------------

_SIG_NEG = re.compile(
    r"\b(?:not|no|non-?|nor|without|failed\s+to\s+reach)\s+(?:a\s+)?(?:statistically\s+)?"
    r"significan|\bdid\s+not\s+(?:\w+\s+){0,2}significantly|\bnon-?significant|"
    r"\binsignificant",
    re.IGNORECASE,
)
_SIG_POS = re.compile(r"\bsignificant(?:ly)?\b|\bsignificance\b", re.IGNORECASE)
_RATIO_MEASURES = ("odds ratio", "hazard ratio", "risk ratio", "rate ratio", "ratio")


def significance_said(text: str) -> str | None:
    """'significant', 'not significant' or None: what a sentence says of significance."""
    if _SIG_NEG.search(text):
        return "not significant"
    if _SIG_POS.search(text):
        return "significant"
    return None


def _evidence_of(m: NumberMention) -> tuple[bool, str] | None:
    """(significant?, why) from a mention's own 95% CI or p, or None when it gives neither."""
    ex = extra(m)
    if "ci_low" in ex and "ci_high" in ex and (ex.get("ci_level") or 95.0) == 95.0:
        measure = ex.get("measure") or m.kind
        null = 1.0 if measure in _RATIO_MEASURES or m.kind == "ratio" else 0.0
        lo, hi = sorted((float(ex["ci_low"]), float(ex["ci_high"])))
        name = measure if measure not in ("estimate",) else "estimate"
        lo_t, hi_t = ex.get("ci_text") or (stats.fmt(lo), stats.fmt(hi))
        span = f"the 95% CI of the {name} ({show(str(lo_t))} to {show(str(hi_t))})"
        if lo <= null <= hi:
            return False, f"{span} includes {stats.fmt(null)}"
        return True, f"{span} excludes {stats.fmt(null)}"
    if m.kind == "p_value" and m.value is not None:
        op = ex.get("op") or "="
        if op in ("<", "≤") and m.value <= 0.05:
            return True, f"{show(m.text)} is below 0.05"
        if op in ("=", ">", "≥") and m.value > 0.05:
            return False, f"{show(m.text)} is above 0.05"
    return None


@check(
    code="ARITH-SIGNIFICANCE",
    severity="error",
    family="arithmetic",
    title="'significant' said while the sentence's own 95% CI includes the null or p > 0.05 "
    "(or 'not significant' while it excludes it)",
    example="called significant, but the 95% CI of the hazard ratio (0.40 to 1.30) includes 1.",
)
def significance(ctx: CheckContext) -> list[Finding]:
    """A sentence calls an effect significant while its own CI includes the null (1 for ratios,
    0 for differences) or its p is above 0.05; or calls it not significant while they say it is.

    Seen in the records test letter (tests/fixtures/records/letter.txt):
        "PFCA also significantly reduced ... (hazard ratio 0.72, 95% CI 0.40 to 1.30) [4]."
        -> ARITH-SIGNIFICANCE: called significant, but the 95% CI of the hazard ratio ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> significance(ctx_fixture)[0].message[:56]
    'called significant, but the 95% CI of the hazard ratio ('
    """
    out = []
    for c in ctx.claims:
        said = significance_said(c.text)
        if said is None:
            continue
        for m in sorted(c.numbers, key=lambda n: n.start):
            got = _evidence_of(m)
            if got is None:
                continue
            sig, why = got
            if said == "significant" and not sig:
                msg = f"called significant, but {why}."
            elif said == "not significant" and sig:
                msg = f"called not significant, but {why}."
            else:
                continue
            out.append(
                emit(
                    "ARITH-SIGNIFICANCE",
                    c.document,
                    c.id,
                    msg,
                    refs=ctx.support[c.id].numbers,
                    evidence=(("stated", show(m.text)), ("said", said)),
                )
            )
            break
    return out
