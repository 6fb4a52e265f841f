"""Reading what a claim says on top of its NumberMentions: atoms, pairs, events, negation.

Pure functions of a claim's text and mentions; no knowledge base needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.checks import stats
from kb.checks.facts import regulatory_or_evidence
from kb.model import Claim, NumberMention
from kb.text import fold, fold_lower, split_name

# Kinds whose numbers are not results a source could report (labels, dates, codes, time spans).
NOT_RESULTS = frozenset({"year", "date", "code", "label", "age", "duration", "ratio_words"})
# Kinds that make a sentence a factual claim worth a citation.
FACTUAL_KINDS = frozenset(
    {
        "percent", "count", "count_percent", "mean", "range", "change", "comparison", "p_value",
        "sample_size", "written", "ratio_words", "measurement", "money",
    }
)  # fmt: skip
PERSON_UNITS = frozenset(
    {
        "patients", "subjects", "participants", "adults", "cases", "beneficiaries", "enrollees",
        "respondents", "volunteers", "children", "women", "men", "individuals", "people",
        "persons", "individual", "person",
    }
)  # fmt: skip
CHANGE_WORD_AFTER = re.compile(
    r"^\s*(?:improvement|increase|reduction|decrease|change|rise|drop|decline|gain|loss|"
    r"greater|higher|lower|more|less|fewer)\b",
    re.IGNORECASE | re.ASCII,
)
CHANGE_WORD_BEFORE = re.compile(
    r"\b(?:improv\w*|increas\w*|decreas\w*|reduc\w*|rose|fell|declin\w*|chang\w*|gain\w*|"
    r"dropp\w*|grew)\s+(?:by|of)\s+(?:about\s+|approximately\s+|~\s*)?$",
    re.IGNORECASE | re.ASCII,
)
UNIT_ALIASES = {
    "minutes": "mins", "minute": "mins", "min": "mins", "mins": "mins", "year": "years",
    "years": "years", "month": "months", "months": "months", "point": "points",
    "points": "points", "foot": "feet", "feet": "feet", "ft": "feet", "patients": "patients",
    "patient": "patients", "mm": "mm", "m": "m", "metres": "m", "meters": "m", "metre": "m",
    "meter": "m",
}  # fmt: skip


def show(text: str) -> str:
    """Text of the letter as a reader sees it: LaTeX math signs and dollar delimiters dropped."""
    t = text.replace("\\leq", "≤").replace("\\geq", "≥").replace("\\le", "≤")
    t = t.replace("\\ge", "≥").replace("\\lt", "<").replace("\\gt", ">")
    return " ".join(t.replace("$", "").split())


def extra(m: NumberMention) -> dict:
    """A mention's extra pairs as a dict."""
    return dict(m.extra)


def norm_unit(unit: str | None) -> str | None:
    """A unit reduced to one spelling ("minutes" -> "mins", "% vs baseline" -> "%")."""
    if not unit:
        return None
    u = unit.strip().lower()
    if "%" in u or u.startswith("percent"):
        return "%"
    if "usd" in u or "$" in u:
        return "usd"
    first = re.split(r"[\s/(]", u)[0]
    return UNIT_ALIASES.get(first, first)


@dataclass(frozen=True)
class Atom:
    """One number inside a mention: as written, its value, its class and (for p) operator.

    cls is "pct" (a percentage), "n" (a count of people or things), "p" (a p-value),
    "unit:<u>" (a measurement in unit u) or "num" (a bare number).
    """

    text: str
    value: float
    cls: str
    op: str | None = None
    written: bool = False

    def interval(self) -> tuple[float, float]:
        """The values this number, as written, stands for."""
        if self.written:
            return stats.written_interval(self.value)
        return stats.stated_interval(self.text, self.value)

    def agrees(self, value: float) -> bool:
        """True when a recorded value agrees with this number at its precision."""
        if self.written:
            return stats.within(value, self.interval())
        return stats.consistent(self.text, value)

    def label(self) -> str:
        """The number as a reader sees it ("5.6%", "p < 0.0001", "48")."""
        if self.cls == "pct":
            return f"{self.text}%"
        if self.cls == "p":
            return f"p {self.op or '='} {self.text}"
        return self.text


def _digits(text: str) -> list[str]:
    return [m.group() for m in stats.NUMBER_RE.finditer(text)]


def _cls_of_unit(unit: str | None, kind: str) -> str:
    u = norm_unit(unit)
    if u == "%":
        return "pct"
    if u in PERSON_UNITS or kind == "sample_size":
        return "n"
    if u:
        return f"unit:{u}"
    return "n" if kind in ("count", "sample_size") else "num"


def atoms(m: NumberMention) -> list[Atom]:
    """The numbers a mention states that a source could report, each typed.

    >>> from kb.model import NumberMention
    >>> [a.label() for a in atoms(NumberMention("4 (5.6 %)", 4.0, "count_percent", 0, 9,
    ...     None, (("percent", 5.6),)))]
    ['4', '5.6%']
    """
    if m.kind in NOT_RESULTS:
        return []
    ex = extra(m)
    digits = _digits(m.text)
    if m.kind == "p_value":  # read from its digits (its value may be None)
        out = []
        ops = [ex.get("op") or "=", "="]
        for i, d in enumerate(digits[:2]):
            out.append(Atom(d, float(d.replace(",", "")), "p", ops[i]))
        return out
    value = m.value
    if value is None:
        return []
    if m.kind == "count_percent":
        if len(digits) < 2:
            return []
        # "12/132 (9.1%)": the total stands between count and percent (kept in extra)
        pct = digits[2] if "denominator" in ex and len(digits) >= 3 else digits[1]
        return [
            Atom(digits[0], float(digits[0].replace(",", "")), "n"),
            Atom(pct, float(pct.replace(",", "")), "pct"),
        ]
    if m.kind == "count" and "denominator" in ex and len(digits) >= 2:
        return [Atom(d, float(d.replace(",", "")), "n") for d in digits[:2]]
    cls = _cls_of_unit(m.unit, m.kind)
    if m.kind in ("comparison", "range", "change"):
        if len(digits) < 2:
            return []
        return [Atom(d, float(d.replace(",", "")), cls) for d in digits[:2]]
    if m.kind == "written" or not digits:
        return [Atom(m.text, float(value), cls, written=True)]
    first = Atom(digits[0], float(digits[0].replace(",", "")), cls)
    if m.kind in ("ratio", "difference", "estimate") and "ci_text" in ex:
        # an effect measure and its CI bounds: each is a number the record should hold
        bounds = [_digits(t)[0] for t in ex["ci_text"] if _digits(t)]
        return [first] + [Atom(b, float(b.replace(",", "")), cls) for b in bounds]
    return [first]


def is_caption(claim: Claim) -> bool:
    """True for a figure or table caption."""
    return "caption" in claim.kind or bool(
        re.match(r"\s*(?:Figure|Fig\.|Table|Exhibit)\s*\d", claim.text)
    )


def is_heading(claim: Claim) -> bool:
    """True for a heading (not a statement)."""
    return claim.kind in ("heading", "title")


def factual(claim: Claim) -> bool:
    """A claim that states a result: a number, an event count, a figure caption, or a
    regulatory or evidence-level fact ("FDA-cleared", "level 1 RCTs")."""
    if is_heading(claim):
        return False
    if is_caption(claim):
        return True
    if any(n.kind in FACTUAL_KINDS for n in claim.numbers):
        return True
    if claim.kind in ("sentence", "list-item") and regulatory_or_evidence(claim):
        return True
    return bool(event_statements(claim))


# --- events ("no serious device-related AEs were reported") -------------------------------------

_QUALS = r"(?:(?:serious|significant|major|severe)\s+)*"
_SCOPE = (
    r"(?:(?:device|procedure|treatment)[\s\-–/]*(?:(?:or|and)\s+|/\s*)?"
    r"(?:(?:device|procedure|treatment)[\s\-–/]*)?related\s+)?"
)
_EVENT = re.compile(
    # qualifiers may stand before or after the scope: "serious device-related" and
    # "device-related serious" adverse events are the same thing
    rf"(?P<q>{_QUALS})(?P<s>{_SCOPE}){_QUALS}(?P<ev>adverse\s+events?|AEs?|complications?)"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# every _EVENT match holds one of these words: a claim without them is skipped at once
_EVENT_WORD = re.compile(r"adverse|ae|complication", re.IGNORECASE)
_NEG_BEFORE = re.compile(
    r"(?:\bno|\bwithout|\babsence\s+of|\bfree\s+of|\bzero|\bnone\s+of\s+the)\s+(?:any\s+)?$",
    re.IGNORECASE | re.ASCII,
)
_NEG_AFTER = re.compile(
    r"^\s*(?:were|was|have\s+been|has\s+been)\s+not\s+(?:reported|observed|recorded|seen|noted)",
    re.IGNORECASE,
)
_POS_AFTER = re.compile(
    r"^\s*(?:were|was|have\s+been|has\s+been)\s+(?:reported|observed|recorded|seen|noted)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_SERIOUS = {"serious", "significant", "major", "severe"}


@dataclass(frozen=True)
class EventStatement:
    """A sentence's statement that events did (positive) or did not (negative) happen."""

    text: str
    start: int
    end: int
    negative: bool
    qualifiers: frozenset[str]


def event_qualifiers(phrase: str) -> frozenset[str]:
    """What narrows an event phrase: 'serious' (serious/significant/major) and 'related'."""
    low = phrase.lower()
    q = set()
    if any(w in low.split() for w in _SERIOUS):
        q.add("serious")
    if "related" in low:
        q.add("related")
    return frozenset(q)


def event_statements(claim: Claim) -> list[EventStatement]:
    """Statements that events happened or did not, with spans in the document text."""
    out: list[EventStatement] = []
    text = claim.text
    if not _EVENT_WORD.search(text):
        return out
    for m in _EVENT.finditer(text):
        start = m.start() + (len(m.group("q")) - len(m.group("q").lstrip()))
        before = text[max(0, start - 40) : start]
        clause = re.split(r"[.;:,]", before)[-1]
        after = text[m.end() : m.end() + 40]
        if nb := _NEG_BEFORE.search(clause):
            neg = True
            start = start - (len(clause) - nb.start())
        elif _NEG_AFTER.match(after):
            neg = True
        elif _POS_AFTER.match(after) and not re.search(r"\d\s*%|\d", clause):
            neg = False
        else:
            continue
        end = m.end()
        tail = _NEG_AFTER.match(after) or _POS_AFTER.match(after)
        if tail:
            end += tail.end()
        out.append(
            EventStatement(
                text[start:end],
                claim.start + start,
                claim.start + end,
                neg,
                event_qualifiers(m.group()),
            )
        )
    return out


def outcome_event_qualifiers(outcome_text: str | None) -> frozenset[str]:
    """The qualifiers of a recorded adverse-event outcome, read from its description."""
    return event_qualifiers(outcome_text or "")


# --- negation pairs -------------------------------------------------------------------------------

NEGATIONS = frozenset({"no", "not", "never", "none", "without", "nor"})


def strip_markers(claim: Claim) -> str:
    """A claim's text with its citation markers blanked out."""
    text = claim.text
    for c in sorted(claim.citations, key=lambda c: -c.start):
        s, e = c.start - claim.start, c.end - claim.start
        if 0 <= s < e <= len(text):
            text = text[:s] + " " + text[e:]
    return text


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, accents folded, punctuation and LaTeX dropped."""
    t = re.sub(r"\$[^$]*\$", " ", fold(text))
    return re.findall(r"[a-z0-9]+", t.lower())


def negation_key(claim: Claim) -> tuple[tuple[str, ...], int]:
    """The claim's tokens without negation words, and how many negation words it had."""
    toks = tokens(strip_markers(claim))
    kept = tuple(t for t in toks if t not in NEGATIONS)
    return kept, len(toks) - len(kept)


# --- percentage pairs ("5.6% vs. 12.1%", "9.0 % for mild ... than 5.5 %") ------------------------

_CONNECT = re.compile(
    r"^(?:\s*%)?[^.;()\d%]{0,45}?\b(?:vs\.?|versus|than|and|compared\s+(?:with|to))\s*$",
    re.IGNORECASE | re.ASCII,
)
_ARM_AFTER = re.compile(
    r"^\s*%?\s*(?:for|in|with)\s+(?:the\s+)?([A-Za-z][A-Za-z0-9®+-]*)", re.IGNORECASE
)


@dataclass(frozen=True)
class PercentPair:
    """Two percentages set against each other in one claim, with the p stated for them."""

    a: Atom
    b: Atom
    start: int
    end: int
    arms: tuple[str | None, str | None]
    p: NumberMention | None = None


def _arm(text: str, end: int) -> str | None:
    m = _ARM_AFTER.match(text[end : end + 40])
    return m.group(1).lower() if m else None


def is_change_percent(claim: Claim, m: NumberMention) -> bool:
    """True when a percentage is a relative change ("274 % improvement", "improved by 30%"),
    not a share of people."""
    rel = m.start - claim.start
    after = claim.text[m.end - claim.start : m.end - claim.start + 30]
    before = claim.text[max(0, rel - 40) : rel]
    return (
        bool(CHANGE_WORD_AFTER.match(after) or CHANGE_WORD_BEFORE.search(before))
        or (m.value or 0) > 100
    )


def percent_pairs(claim: Claim) -> list[PercentPair]:
    """The pairs of percentages a claim compares, in order, each with its p-value if stated."""
    nums = sorted(claim.numbers, key=lambda n: n.start)
    pairs: list[PercentPair] = []
    used: set[int] = set()
    text = claim.text
    rel = claim.start
    for i, m in enumerate(nums):
        if m.kind == "comparison" and norm_unit(m.unit) == "%":
            at = atoms(m)
            if len(at) == 2:
                a = Atom(at[0].text, at[0].value, "pct")
                b = Atom(at[1].text, at[1].value, "pct")
                d = _digits(m.text)
                first_end = m.start - rel + m.text.find(d[0]) + len(d[0])
                arms = (_arm(text, first_end), _arm(text, m.end - rel))
                pairs.append(PercentPair(a, b, m.start, m.end, arms))
                used.add(i)
    for i in range(len(nums) - 1):
        m, n = nums[i], nums[i + 1]
        if i in used or i + 1 in used or m.kind != "percent" or n.kind != "percent":
            continue
        if is_change_percent(claim, m) or is_change_percent(claim, n):
            continue
        gap = text[m.end - rel : n.start - rel]
        if not _CONNECT.match(gap):
            continue
        a, b = atoms(m)[0], atoms(n)[0]
        pairs.append(
            PercentPair(a, b, m.start, n.end, (_arm(text, m.end - rel), _arm(text, n.end - rel)))
        )
        used.update((i, i + 1))
    pairs.sort(key=lambda p: p.start)
    out = []
    for k, pr in enumerate(pairs):
        limit = pairs[k + 1].start if k + 1 < len(pairs) else claim.end
        p = next((n for n in nums if n.kind == "p_value" and pr.end <= n.start < limit), None)
        out.append(PercentPair(pr.a, pr.b, pr.start, pr.end, pr.arms, p))
    return out


def stated_sizes(claims: list[Claim], upto: int | None = None) -> list[tuple[Atom, Claim]]:
    """Sample sizes (counts of people) stated in these claims, before offset `upto`."""
    out = []
    for c in claims:
        for m in sorted(c.numbers, key=lambda n: n.start):
            if upto is not None and m.start >= upto:
                continue
            if m.kind == "sample_size" or (
                m.kind in ("written", "count")
                and norm_unit(m.unit) in PERSON_UNITS
                and (m.value is None or m.value < 1_000_000)  # a population is not a sample
            ):
                for a in atoms(m):
                    if a.cls == "n" and a.value >= 1 and a.value.is_integer():
                        out.append((a, c))
    return out


# --- design words -------------------------------------------------------------------------------

DESIGN_WORDS: dict[str, tuple[re.Pattern, frozenset[str]]] = {
    "randomized": (
        re.compile(r"\brandomi[sz]ed\b|\bRCTs?\b", re.ASCII),
        frozenset({"RCT", "RCT extension single-arm", "secondary analysis", "pooled analysis"}),
    ),
    "prospective": (
        re.compile(r"\bprospective(?:ly)?\b", re.IGNORECASE | re.ASCII),
        frozenset(
            {
                "RCT",
                "RCT extension single-arm",
                "prospective case series",
                "pooled analysis",
                "secondary analysis",
            }
        ),
    ),
    "retrospective": (
        re.compile(r"\bretrospective(?:ly)?\b", re.IGNORECASE | re.ASCII),
        frozenset(
            {
                "retrospective case series",
                "retrospective cohort",
                "claims-database cohort",
                "pooled analysis",
                "secondary analysis",
            }
        ),
    ),
    "level 1": (
        re.compile(r"\blevel\s+(?:1|I|one)\b(?![-–])", re.IGNORECASE | re.ASCII),
        frozenset({"RCT"}),
    ),
    "case series": (
        re.compile(r"\bcase\s+series\b", re.IGNORECASE | re.ASCII),
        frozenset({"prospective case series", "retrospective case series"}),
    ),
    "meta-analysis": (
        re.compile(r"\bmeta-?analys[ie]s\b|\bsystematic\s+review\b", re.IGNORECASE | re.ASCII),
        frozenset({"pooled analysis"}),
    ),
}


def design_words(text: str) -> list[tuple[str, str]]:
    """Study-design words in a text: (key, the words as written)."""
    out = []
    for key, (pat, _) in DESIGN_WORDS.items():
        m = pat.search(text)
        if m:
            out.append((key, m.group()))
    return out


# --- names ----------------------------------------------------------------------------------------


def person_name(raw: str) -> tuple[str, str] | None:
    """(family, given) folded to lower case, for comparing people; None when empty."""
    parts = split_name(raw)
    return None if parts is None else (fold_lower(parts[0]), fold_lower(parts[1]))


def same_person(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Same last name, and first names that agree: in full when both are spelled out
    (Robert is not Richard), else by initial (H. is Hemant)."""
    if not a[0] or a[0] != b[0]:
        return False
    if not a[1] or not b[1]:
        return True
    fa, fb = a[1].split()[0].rstrip("."), b[1].split()[0].rstrip(".")
    if len(fa) > 1 and len(fb) > 1:
        return fa.startswith(fb) or fb.startswith(fa)
    return fa[0] == fb[0]


_ORG = re.compile(r"^((?:[A-Z][\w&.'-]*)(?:\s+(?:(?:of|for|and|&|the|de)\s+)?[A-Z][\w&.'-]*)*)")


def organisation(sponsor: str | None) -> str | None:
    """The organisation a sponsor note names first ("Vertos Medical, the device maker" ->
    "Vertos Medical"); None when it names none."""
    if not sponsor:
        return None
    m = _ORG.match(sponsor.strip())
    if not m:
        return None
    name = m.group(1).strip()
    if name.split()[0].lower() in {"not", "none", "unknown", "no", "n/a"}:
        return None
    return name
