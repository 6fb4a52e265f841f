"""Set each number a claim states against the numbers its cited sources report.

Statuses: matched (the cited record holds it, within the precision stated), near miss (the
cited record holds a number one slip away: a digit dropped, a factor of ten, two digits
swapped), elsewhere (another work holds it, not the cited one), not in source, contradicted
(an event statement the record says the opposite of) and not checked (uncited, a
non-publication, a work known only from the letter's citation, or not a reported result).

One module on purpose (over 500 lines): every status is decided against the same candidate
pools, in one order of preference; split, the order would be spread over several files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

from kb.checks import stats
from kb.checks.context import (
    CheckContext,
    NumberMatch,
    SourceNumber,
    Support,
    base_context,
    has_record,
    imported_scope,
    record_scope,
    via_note,
)
from kb.checks.text import (
    UNIT_ALIASES,
    Atom,
    EventStatement,
    atoms,
    event_statements,
    outcome_event_qualifiers,
    show,
    tokens,
)
from kb.model import Claim, KnowledgeBase, NumberMention, Outcome, Work
from kb.schema import MatchStatus

MEASURE_UNITS = frozenset(
    {"points", "feet", "mins", "years", "months", "weeks", "days", "hours", "seconds", "mm",
     "cm", "m", "km", "kg", "mg", "g", "ml", "usd", "inches"}
)  # fmt: skip
EVENT_MEASURES = ("adverse events", "harms")
# The recorded numbers a stated one is looked for in: the cited works' verified outcomes, the
# verified outcomes of the same studies' other works, and the cited works' unverified outcomes.
Pools = tuple[list[SourceNumber], list[SourceNumber], list[SourceNumber]]


def compatible(a: str, s: str) -> bool:
    """True when a stated number's class and a recorded number's class can be compared."""
    if "p" in (a, s) or "pct" in (a, s):
        return a == s
    if "num" in (a, s):
        return True
    if a.startswith("unit:") and s.startswith("unit:"):
        ua, us = a[5:], s[5:]
        return ua == us or not (ua in MEASURE_UNITS and us in MEASURE_UNITS)
    return True


def _same_p(atom: Atom, sn: SourceNumber) -> bool:
    norm = {"≤": "<", "≥": ">"}
    if norm.get(atom.op or "=", atom.op or "=") != norm.get(sn.op or "=", sn.op or "="):
        return False
    return stats.consistent(atom.text, sn.value)


def agrees(atom: Atom, sn: SourceNumber) -> bool:
    """True when a recorded number is the stated one (class, operator and precision)."""
    if not compatible(atom.cls, sn.cls):
        return False
    if atom.cls == "p":
        return _same_p(atom, sn)
    if (
        atom.cls in ("n", "num")
        and not float(sn.value).is_integer()
        and (atom.written or stats.decimals(atom.text) == 0)
    ):
        return False  # a count is exact: 4 patients is not a recorded 4.3
    return atom.agrees(sn.value)


def _digit_string(text: str) -> str:
    return text.replace(",", "").replace(".", "").lstrip("0") or "0"


def slip(atom: Atom, value: float) -> str | None:
    """How a stated number could be a slip for a recorded one, or None.

    >>> slip(Atom("16", 16.0, "n"), 160.0)
    'a digit dropped'
    >>> slip(Atom("134", 134.0, "n"), 143.0)
    'two digits swapped'
    """
    if atom.written or atom.cls in ("p", "num"):
        return None
    a, b = atom.value, value
    if a == b or atom.agrees(b):
        return None
    d = stats.decimals(atom.text)
    if min(abs(a), abs(b)) < 10 and d == 0:
        return None  # 4 against 40 is as likely another number as a slip
    sa = _digit_string(atom.text)
    sb = _digit_string(f"{b:.{d}f}")
    whole = float(a).is_integer() and float(b).is_integer() and d == 0
    if a and b and any(abs(b / a - f) < 1e-9 for f in (10, 0.1, 100, 0.01)) and not whole:
        return "a factor of ten (the decimal point moved)"
    if len(sa) + 1 == len(sb) and any(sb[:i] + sb[i + 1 :] == sa for i in range(len(sb))):
        return "a digit dropped"
    if len(sa) == len(sb) + 1 and any(sa[:i] + sa[i + 1 :] == sb for i in range(len(sa))):
        return "a digit added"
    if a and b and any(abs(b / a - f) < 1e-9 for f in (10, 0.1)):
        return "a factor of ten"
    if a and b and any(abs(b / a - f) < 1e-9 for f in (100, 0.01)):
        return "a factor of a hundred"
    if len(sa) == len(sb):
        diff = [i for i in range(len(sa)) if sa[i] != sb[i]]
        if (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and sa[diff[0]] == sb[diff[1]]
            and (sa[diff[1]] == sb[diff[0]])
        ):
            return "two digits swapped"
        if len(diff) == 1 and len(sa) >= 3:
            return "one digit different"
    if abs(a - b) <= 10 ** (-d) + 1e-9 and (d > 0 or abs(a) >= 10):
        return "off by one in the last digit"
    return None


def describe(o: Outcome) -> str:
    """A recorded number in a few words: 'age-n-65plus (number of patients (pooled), 65 and
    over)'."""
    bits = [o.outcome or o.measure]
    if o.arm:
        bits.append(o.arm)
    if o.timepoint:
        bits.append(o.timepoint)
    return f"{o.id} ({', '.join(bits)})"


def scope_note(work: Work, ctx: CheckContext) -> str:
    """'record read as abstract; may be in the full text' and the like."""
    imported = imported_scope(ctx.kb, work)
    if imported == "full text":
        return "full text of the imported record read"
    if imported == "abstract":
        return "imported record has the abstract only; may be in the full text"
    if imported == "title only":
        return "imported record has no abstract; import its full text"
    scope = record_scope(work, ctx.outcomes_by_work.get(work.citekey, ()))
    if scope == "abstract":
        return "record read as abstract; may be in the full text"
    if scope == "partial record":
        return "only part of the record was readable; may be in the full text"
    return "record read"


def _candidates(ctx: CheckContext, sup: Support) -> Pools:
    """Recorded numbers of the cited works; of their studies' other works; unverified ones."""
    cited_keys = {w.citekey for w in sup.works}
    cited: list[SourceNumber] = []
    unverified: list[SourceNumber] = []
    study: list[SourceNumber] = []
    for w in sup.works:
        for o in ctx.outcomes_by_work.get(w.citekey, ()):
            (cited if o.verified and w.verified else unverified).extend(ctx.numbers_of[o.id])
        for o in ctx.extracted_by_work.get(w.citekey, ()):
            cited.extend(ctx.numbers_of[o.id])
    seen: set[str] = set()
    for r in sup.refs:
        for st in r.studies:
            for o in st.outcomes:
                if o.work in cited_keys or o.id in seen or not o.verified:
                    continue
                seen.add(o.id)
                study.extend(ctx.numbers_of[o.id])
    return cited, study, unverified


def _significant_digits(atom: Atom) -> int:
    return len(_digit_string(atom.text).rstrip("0")) if not atom.written else 0


# Recorded numbers that stand beside an outcome's value: a bare stated number (no unit, no
# word) is never matched to them (a comparator value of 1.0 does not back "alert(1)").
SIDE_FIELDS = frozenset({"comparator_value", "comparator_text", "count", "denominator"})


def _match_atom(
    ctx: CheckContext, atom: Atom, sup: Support, pools: Pools, bare: bool = False
) -> tuple[MatchStatus, list[SourceNumber], str]:
    """(status, recorded numbers that fit, note) for one stated number; the list is empty
    exactly when the status is "not in source"."""
    cited, study, unverified = pools
    if bare:
        cited, study, unverified = (
            [sn for sn in pool if sn.field not in SIDE_FIELDS] for pool in pools
        )
    hits = [sn for sn in cited if agrees(atom, sn)]
    if hits:
        return (MatchStatus.MATCHED, hits, "")
    described = _described(ctx, atom, sup)
    if described:
        return (MatchStatus.MATCHED, described, "described")
    for sn in cited:
        # a slip is looked for only between numbers of one class (compatible() is then true)
        why = slip(atom, sn.value) if sn.cls == atom.cls else None
        if why:
            return (MatchStatus.NEAR_MISS, [sn], why)
    if atom.cls == "p":
        return (MatchStatus.NOT_IN_SOURCE, [], "")
    hits = [sn for sn in study if agrees(atom, sn)]
    if hits:
        return (MatchStatus.ELSEWHERE, hits, "same study")
    hits = [sn for sn in unverified if agrees(atom, sn)]
    if hits:
        return (MatchStatus.ELSEWHERE, hits, "unverified")
    if _significant_digits(atom) >= 3:
        cited_keys = {w.citekey for w in sup.works}
        lo, hi = atom.interval()
        hits = [
            sn
            for sn in ctx.near_values(lo, hi)
            if sn.outcome.work not in cited_keys and sn.outcome.verified and agrees(atom, sn)
        ]
        if hits:
            return (MatchStatus.ELSEWHERE, hits, "other study")
    return (MatchStatus.NOT_IN_SOURCE, [], "")


def _described(ctx: CheckContext, atom: Atom, sup: Support) -> list[SourceNumber]:
    """A measurement ("2.5 mm") the cited record gives only in words, in an outcome's
    description or note; counts and percentages are never taken from notes, which may hold an
    analyst's arithmetic."""
    if not atom.cls.startswith("unit:") or atom.written:
        return []
    unit = atom.cls[5:]
    spellings = [u for u, norm in UNIT_ALIASES.items() if norm == unit] or [unit]
    units = "|".join(map(re.escape, spellings))
    pat = re.compile(rf"(?<![\d.]){re.escape(atom.text)}\s?(?:{units})(?![A-Za-z])", re.IGNORECASE)
    out = []
    for w in sup.works:
        if not w.verified:
            continue
        for o in ctx.outcomes_by_work.get(w.citekey, ()):
            if o.verified and pat.search(f"{o.outcome or ''} {o.note or ''}"):
                out.append(SourceNumber(o, atom.value, atom.cls, "note"))
    return out


# Outcome words matter: a sentence about a broad outcome is not supported by a recorded figure
# for a narrower one. Each row: what the sentence speaks of, how it says so, and the recorded
# measures that count only part of it.
BROADER_OUTCOMES: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    (
        "subsequent interventions of any kind",
        re.compile(
            # no trailing \b: a superscript marker ("SLSIs¹⁶") counts as a word character
            r"\bsubsequent\s+(?:lumbar\s+(?:spine\s+)?)?(?:interventions?|procedures?)(?![a-z])"
            r"|\bSLSIs?(?![A-Za-z])|\bre-?interventions?(?![a-z])",
            re.IGNORECASE,
        ),
        frozenset({"surgery"}),
    ),
)


def narrower_outcome(sentence: str, o: Outcome) -> str | None:
    """What the sentence speaks of when the recorded outcome counts only part of it, else None.

    >>> narrower_outcome("only 4 (5.6 %) patients had received SLSIs", Outcome("x", "s", "w",
    ...                  "surgery"))
    'subsequent interventions of any kind'
    """
    for broad, pattern, narrow in BROADER_OUTCOMES:
        if o.measure in narrow and pattern.search(sentence):
            return broad
    return None


_RANK = {
    MatchStatus.MATCHED: 0,
    MatchStatus.NOT_IN_SOURCE: 1,
    MatchStatus.ELSEWHERE: 2,
    MatchStatus.NEAR_MISS: 3,
}
_STOP = frozenset(
    {
        "with",
        "from",
        "that",
        "this",
        "were",
        "was",
        "than",
        "number",
        "patients",
        "rate",
        "rates",
        "both",
        "their",
        "there",
        "which",
    }
)


def keywords(text: str) -> set[str]:
    """Word stems (first five letters) of a text, for telling outcomes apart."""
    return {w[:5] for w in tokens(text) if len(w) >= 4 and w not in _STOP}


def _score(
    sn: SourceNumber,
    prefer: AbstractSet[str],
    window: AbstractSet[str],
    used: AbstractSet[str] = frozenset(),
) -> tuple[int, bool, bool]:
    """Words the sentence shares with the outcome, then an outcome not yet taken by another
    number of the sentence, then one the claim's other numbers point to."""
    o = sn.outcome
    words = keywords(f"{o.measure} {o.outcome or ''} {o.arm or ''}")
    return (len(words & window), o.id not in used, o.id in prefer)


def _mention_match(
    ctx: CheckContext,
    claim: Claim,
    m: NumberMention,
    sup: Support,
    pools: Pools,
    prefer: AbstractSet[str] = frozenset(),
    used: AbstractSet[str] = frozenset(),
) -> NumberMatch:
    ats = atoms(m)
    rel = m.start - claim.start
    window = keywords(claim.text[max(0, rel - 90) : rel + len(m.text) + 30])
    bare = is_bare(m)
    results = [_context_checked(window, (a, *_match_atom(ctx, a, sup, pools, bare))) for a in ats]
    worst = max(results, key=lambda r: _RANK[r[1]])
    status = worst[1]
    via = via_note(sup)
    if status == MatchStatus.MATCHED and all(
        sn.outcome.origin == "extracted" for r in results for sn in r[2]
    ):
        return _extracted_match(claim, m, results, via)
    if status == MatchStatus.MATCHED:
        # prefer one outcome that holds every stated number (a value and its comparator), then
        # one the claim's other numbers point to, then one whose words the sentence uses
        cover: dict[str, int] = {}
        for _, _, hits, _ in results:
            for oid in {sn.outcome.id for sn in hits}:
                cover[oid] = cover.get(oid, 0) + 1
        every = [sn for _, _, hits, _ in results for sn in hits]
        best = max(every, key=lambda sn: (cover[sn.outcome.id], _score(sn, prefer, window, used)))
        o = best.outcome
        where = f"{o.work}, {o.locator or 'locator unknown'}"
        broad = narrower_outcome(claim.text, o)
        if broad:
            return NumberMatch(
                claim.id,
                m,
                MatchStatus.NEAR_MISS,
                o,
                f'"{show(m.text)}" is in {describe(o)} [{where}], but that figure counts '
                f"{o.measure} only, while the sentence speaks of {broad}{via}",
            )
        if best.field == "note":
            return NumberMatch(
                claim.id,
                m,
                status,
                o,
                f'"{show(m.text)}" appears in the description of {describe(o)} [{where}], not as a '
                f"recorded value{via}",
            )
        return NumberMatch(
            claim.id, m, status, o, f'"{show(m.text)}" is in {describe(o)} [{where}]{via}'
        )
    parts = []
    chosen: SourceNumber | None = None
    for a, st, hits, note in results:
        if not hits:  # not in source
            notes = "; ".join(
                f"{w.citekey}: {scope_note(w, ctx)}" for w in sup.works if has_record(ctx.kb, w)
            )
            parts.append(f"{a.label()} is not in the cited source ({notes})")
            continue
        sn = max(hits, key=lambda h: _score(h, prefer, window))
        if st == worst[1] and chosen is None:
            chosen = sn
        if st == MatchStatus.MATCHED:
            parts.append(f"{a.label()} matches {sn.outcome.id}")
        elif st == MatchStatus.NEAR_MISS and sn.outcome.origin == "extracted":
            o = sn.outcome
            parts.append(
                f"{a.label()} is not in the record of {o.work}, which gives "
                f"{stats.fmt(sn.value)}{'%' if sn.cls == 'pct' else ''} [{o.locator}]: "
                f'"{o.quote}" ({note}?)'
            )
        elif st == MatchStatus.NEAR_MISS:
            parts.append(
                f"{a.label()} is not in {sn.outcome.work}, which reports {stats.fmt(sn.value)} "
                f"in {describe(sn.outcome)} ({note}?)"
            )
        else:  # elsewhere
            where = {
                "same study": "another report of the same study",
                "unverified": f"an unverified source ({sn.outcome.locator})",
                "other study": "another work",
            }[note]
            parts.append(
                f"{a.label()} is not in the cited record but in {where}: "
                f"{sn.outcome.work}, {describe(sn.outcome)}"
            )
    outcome = chosen.outcome if chosen is not None else None
    return NumberMatch(claim.id, m, status, outcome, "; ".join(parts) + via)


# Words too common in records to tie a slipped number to the sentence that states it.
_GENERIC = frozenset({"years", "months", "weeks", "group", "patie", "pfca", "total", "versu"})


def _context_checked(window: set[str], result: tuple) -> tuple:
    """A near miss on a machine number only when the record sentence shares a word with the
    claim around the number (78% "would choose again" is not a slip of 87.0% "completed")."""
    atom, status, hits, _note = result
    if status != MatchStatus.NEAR_MISS or not hits or hits[0].outcome.origin != "extracted":
        return result
    if (window - _GENERIC) & keywords(hits[0].outcome.quote or ""):
        return result
    return (atom, MatchStatus.NOT_IN_SOURCE, [], "")


def _extracted_match(claim: Claim, m: NumberMention, results: list, via: str) -> NumberMatch:
    """A stated number found among an imported record's machine numbers: the record sentence
    that holds most of the mention's numbers is quoted (a sentence before a table row)."""
    every = [sn for _, _, hits, _ in results for sn in hits]
    swapped = _swapped_arm(claim, m, every)
    if swapped:
        return NumberMatch(claim.id, m, MatchStatus.NEAR_MISS, swapped[0], swapped[1] + via)
    by_quote: dict[tuple[str, str], set[int]] = {}
    for i, (_, _, hits, _) in enumerate(results):
        for sn in hits:
            by_quote.setdefault((sn.outcome.work, sn.outcome.quote or ""), set()).add(i)

    def rank(sn: SourceNumber) -> tuple:
        table = sn.outcome.locator and ", Table " in sn.outcome.locator
        return (-len(by_quote[(sn.outcome.work, sn.outcome.quote or "")]), bool(table))

    o = min(every, key=rank).outcome
    return NumberMatch(
        claim.id,
        m,
        MatchStatus.MATCHED,
        o,
        f'"{show(m.text)}" is in the record of {o.work} [{o.locator}]: "{o.quote}" '
        f"(extracted from the record, not reviewed){via}",
    )


def _fold_arm(arm: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (arm or "").lower()).strip()


def _same_arm(a: str | None, b: str | None) -> bool:
    fa, fb = _fold_arm(a), _fold_arm(b)
    return bool(fa and fb) and (fa == fb or fa in fb.split() or fb in fa.split())


def _swapped_arm(
    claim: Claim, m: NumberMention, hits: list[SourceNumber]
) -> tuple[Outcome, str] | None:
    """(record number, reason) when the record gives this number only for another arm than
    the one the sentence names ("3.3% of PFCA patients" where the record says 3.3% after sham).
    """
    from kb.reading.records import claim_arm

    said = claim_arm(claim.text, m.start - claim.start, m.end - claim.start)
    armed = [sn for sn in hits if sn.outcome.origin == "extracted" and sn.outcome.arm]
    if not said or not armed or any(_same_arm(said, sn.outcome.arm) for sn in armed):
        return None
    o = armed[0].outcome
    return (
        o,
        (
            f'"{show(m.text)}" is given for {said} in the sentence, but the record of {o.work} '
            f'gives it for {o.arm} [{o.locator}]: "{o.quote}" (arms swapped?)'
        ),
    )


def event_mention(ev: EventStatement) -> NumberMention:
    """An event statement as a mention of kind 'events' (value 0 for 'no events')."""
    return NumberMention(
        ev.text,
        0.0 if ev.negative else None,
        "events",
        ev.start,
        ev.end,
        None,
        (("negative", ev.negative), ("qualifiers", tuple(sorted(ev.qualifiers)))),
    )


def event_count(o: Outcome) -> float | None:
    """The number of events an outcome records: its value, else its count, else what its
    value_text says ("none", "no events" -> 0; "2 (1.3%)" -> 2); None when it says neither.

    >>> event_count(Outcome("x", "s", "w", "adverse events", value_text="none reported"))
    0.0
    """
    if o.value is not None:
        return o.value
    if o.count is not None:
        return o.count
    text = (o.value_text or "").strip().lower()
    if re.match(r"(?:none|no\b|zero\b|nil\b)", text):
        return 0.0
    m = re.match(r"(\d+)(?![\d.,%])", text)
    return float(m.group(1)) if m else None


def _event_match(ctx: CheckContext, claim: Claim, ev: EventStatement, sup: Support) -> NumberMatch:
    m = event_mention(ev)
    via = via_note(sup)
    support: Outcome | None = None
    # the first outcome recording the opposite, with its event count
    contra: tuple[Outcome, float] | None = None
    for w in sup.works:
        if not w.verified:
            continue
        for o in ctx.outcomes_by_work.get(w.citekey, ()):
            if o.measure not in EVENT_MEASURES or not o.verified:
                continue
            val = event_count(o)
            if val is None:
                continue
            q_o = outcome_event_qualifiers(o.outcome)
            if ev.negative:
                if val == 0 and q_o <= ev.qualifiers:
                    support = support or o
                elif val > 0 and ev.qualifiers <= q_o:
                    contra = contra or (o, val)
            else:
                if val == 0 and q_o <= ev.qualifiers:
                    contra = contra or (o, val)
                elif val > 0 and ev.qualifiers <= q_o:
                    support = support or o
    if contra is not None:
        said = "none" if ev.negative else "some"
        against, recorded = contra
        return NumberMatch(
            claim.id,
            m,
            MatchStatus.CONTRADICTED,
            against,
            f'"{show(m.text)}" says {said}, but {describe(against)} records '
            f"{stats.fmt(recorded)} [{against.work}, {against.locator}]{via}",
        )
    if support is not None:
        return NumberMatch(
            claim.id,
            m,
            MatchStatus.MATCHED,
            support,
            f'"{show(m.text)}": {describe(support)} records {stats.fmt(support.value or 0)} '
            f"[{support.work}, {support.locator}]{via}",
        )
    notes = "; ".join(
        f"{w.citekey}: {scope_note(w, ctx)}" for w in sup.works if has_record(ctx.kb, w)
    )
    return NumberMatch(
        claim.id,
        m,
        MatchStatus.NOT_IN_SOURCE,
        None,
        f'"{show(m.text)}": no event count in the cited source ({notes}){via}',
    )


def _not_checked(claim: Claim, m: NumberMention, reason: str) -> NumberMatch:
    return NumberMatch(claim.id, m, MatchStatus.NOT_CHECKED, None, reason)


def unchecked_reason(ctx: CheckContext, sup: Support) -> tuple[str, str] | None:
    """Why a claim's numbers cannot be checked at all, as (kind, reason); None when they can.

    kind is 'uncited', 'no work', 'non-publication' or 'cited only'.
    """
    if sup.via == "none":
        return ("uncited", "uncited: no marker in the sentence or later in its paragraph")
    works = sup.works
    if not works:
        missing = ", ".join(map(str, (r.number for r in sup.refs)))
        ambiguous = [r.resolution for r in sup.refs if r.resolution is not None
                     and r.resolution.method == "ambiguous"]  # fmt: skip
        if ambiguous:
            return ("no work", f"ref {missing} is {ambiguous[0].note}")
        return ("no work", f"ref {missing} leads to no work in the knowledge base"
                + missing_record_words(ctx.kb))  # fmt: skip
    pubs = [w for w in works if w.is_publication]
    if not pubs:
        kinds = ", ".join(f"{w.citekey} ({w.kind})" for w in works)
        return ("non-publication", f"cites only a non-publication: {kinds}")
    if not any(has_record(ctx.kb, w) for w in pubs):
        keys = ", ".join(w.citekey for w in pubs)
        if any(made_by_ingest(w) for w in pubs):
            return ("cited only", f"{keys} is known only from the letter's citation"
                    + missing_record_words(ctx.kb))  # fmt: skip
        return ("cited only", f"{keys} is known only from the letter's citation (no record found)")
    return None


NO_RECORD_YET = "no record imported yet: import its PubMed/PMC record or run with --fetch"


def made_by_ingest(w: Work) -> bool:
    """A cited-only work made from a letter's entry by ingest: nobody has looked for its record
    (a curated cited-only work is one whose record the curator looked for and did not find)."""
    return bool(w.note and w.note.startswith("Added by ingest"))


def missing_record_words(kb: KnowledgeBase) -> str:
    """Honest words for a work without a record: ' (not found in any imported record)' only when
    records were imported or looked up; else ' (no record imported yet: ...)'."""
    if kb.records:
        n = sum(len(v) for v in kb.records.values())
        return (
            f" (not found in any of the {n} imported record{'s' if n != 1 else ''}: import its "
            "PubMed/PMC record or run with --fetch)"
        )
    return f" ({NO_RECORD_YET})"


def is_bare(m: NumberMention) -> bool:
    """A number with no unit and no word that says what it counts ("alert(1)", "150.13")."""
    return m.kind == "number" and not m.unit


def _bare_digit(m: NumberMention) -> bool:
    """A bare whole number below 10: a label or code ("alert(1)", "step 2"), not a result.

    >>> from kb.reading.numbers import find_numbers
    >>> [_bare_digit(n) for n in find_numbers("alert(1) and 1.5 and 12")]
    [True, False, False]
    """
    v = m.value
    return is_bare(m) and v is not None and "." not in m.text and 0 <= v < 10


def _small_word(m: NumberMention) -> bool:
    """A small number in words with no unit ("two age groups"): checked only if it matches."""
    return m.kind == "written" and not m.unit and (m.value or 0) < 20


def match_claim(ctx: CheckContext, claim: Claim) -> tuple[NumberMatch, ...]:
    """Every stated number (and event statement) of a claim, matched against its sources."""
    sup = ctx.support[claim.id]
    why = unchecked_reason(ctx, sup)
    reason = why[1] if why else None
    out: list[NumberMatch] = []
    pools = _candidates(ctx, sup) if sup.works else ([], [], [])
    prefer: set[str] = set()
    used: set[str] = set()
    if reason is None:
        for m in claim.numbers:
            if m.kind != "p_value" and atoms(m) and not _bare_digit(m):
                got = _mention_match(ctx, claim, m, sup, pools)
                if got.status == MatchStatus.MATCHED and got.outcome is not None:
                    prefer.add(got.outcome.id)
    for m in sorted(claim.numbers, key=lambda n: n.start):
        if not atoms(m) or _bare_digit(m):
            continue
        if reason is None:
            taken = used if m.kind != "p_value" else set()  # a p belongs with its values
            got = _mention_match(ctx, claim, m, sup, pools, prefer, taken)
            if got.status == MatchStatus.MATCHED and got.outcome is not None:
                used.add(got.outcome.id)
            if _small_word(m) and got.status != MatchStatus.MATCHED:
                continue  # "two age groups": a word, not a reported result
            out.append(got)
            continue
        if why and why[0] == "cited only" and pools[1]:
            got = _mention_match(ctx, claim, m, sup, pools)
            if got.status == MatchStatus.ELSEWHERE:
                out.append(got)
                continue
        if not _small_word(m):
            out.append(_not_checked(claim, m, reason))
    for ev in event_statements(claim):
        if reason is None:
            out.append(_event_match(ctx, claim, ev, sup))
        else:
            out.append(_not_checked(claim, event_mention(ev), reason))
    out.sort(key=lambda x: (x.number.start, x.number.end))
    return tuple(out)


def build_context(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, documents: Iterable[str] | None = None
) -> CheckContext:
    """Every check's read-only inputs, the number matches of every claim included.

    With `documents`, only those documents' claims are read and matched (see `base_context`).
    """
    ctx = base_context(kb, graph, documents)
    matches = {c.id: match_claim(ctx, c) for c in ctx.claims}
    return replace(ctx, matches=MappingProxyType(matches))
