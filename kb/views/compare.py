"""Compare two documents: subjects both speak of, numbers that changed, claims in one only.

Matching is meant to be explained in two sentences. First, two claims that state the same
measurement (a number with its unit, such as 5.1 mm or ≥ 2.5 mm) about the same subject pair
(one uncommon subject word in common, abbreviations such as HLF or WTT read as their long
form too), however differently they are worded. Then the rest are paired when they share at
least `min_shared` uncommon subject words and those make up at least `threshold` % of the
shorter claim's uncommon subject words; each claim is paired at most once, best score first.
Subject words are the claim's words minus common English words, folded to lower case with a
plural "s" dropped (not from -ss, -is, -us); words in 12 % or more of all claims (e.g. "mild",
"patient") are background and do not count; near-identical spellings count as one word
(rapidfuzz ≥ 90).
Numbers of a pair are compared by kind and value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

STOPWORDS = frozenset(
    """
    a about above after again against all also although among an and any are as at be because
    been before being below between both but by can could did do does doing done down during
    each either etc even ever every few for from further had has have having here how however
    i if in into is it its itself just less may more most much must no nor not now of off on
    once one only or other our out over own per same should so some such than that the their
    them then there these they this those through thus to too two under until up upon us very
    was we were what when where which while who whom why will with within without would yet
    you your including include includes included based well like use used using given across
    """.split()  # noqa: SIM905
)
WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")


def subject_words(text: str) -> frozenset[str]:
    """The words a claim is about: no stopwords, no words under 3 letters, plurals folded."""
    out = set()
    for w in WORD_RE.findall(text):
        w = w.lower()
        if len(w) < 3 or w in STOPWORDS:
            continue
        if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "is", "us")):
            w = w[:-1]
        out.add(w)
    return frozenset(out)


@dataclass(frozen=True)
class Subject:
    """A word both documents use, with how many claims of each use it."""

    word: str
    count_a: int
    count_b: int


@dataclass(frozen=True)
class Pair:
    """Two claims taken to speak of the same thing, and why."""

    a: object
    b: object
    score: float
    shared: tuple[str, ...]


@dataclass(frozen=True)
class NumberChange:
    """Numbers of one kind that differ between the two claims of a pair."""

    pair: Pair
    kind: str
    a_numbers: tuple[str, ...]
    b_numbers: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """The result of comparing document a with document b."""

    subjects: tuple[Subject, ...]
    pairs: tuple[Pair, ...]
    changes: tuple[NumberChange, ...]
    only_a: tuple[object, ...]
    only_b: tuple[object, ...]


def background_words(claim_lists: Sequence[Sequence], share: float = 0.12) -> frozenset[str]:
    """Words so common across the documents' claims that they say nothing about the subject."""
    claims = [c for cl in claim_lists for c in cl]
    if not claims:
        return frozenset()
    counts = Counter(w for c in claims for w in subject_words(c.text))
    return frozenset(w for w, n in counts.items() if n / len(claims) >= share and n >= 3)


# Abbreviations the letters use, read as their long form too (so HLF meets ligamentum flavum).
ABBREVIATIONS = {
    "hlf": "hypertrophic ligamentum flavum",
    "lss": "lumbar spinal stenosis",
    "wtt": "walking tolerance test",
    "odi": "oswestry disability index",
    "vas": "visual analog scale pain",
    "nprs": "numeric pain rating scale",
    "zcq": "zurich claudication questionnaire",
    "mcid": "minimal clinically important difference",
    "pild": "percutaneous image-guided lumbar decompression",
    "portal": "incision",
}
MEASUREMENT_RE = re.compile(
    r"(?P<cmp>[<>≤≥]=?\s*)?(?P<value>\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>mm|cm|%|percent|min(?:ute)?s?|feet|ft|points?|years?|months?)\b",
    re.IGNORECASE,
)
_UNITS = {"percent": "%", "ft": "feet", "minute": "min", "minutes": "min", "mins": "min"}


def measurements(text: str) -> frozenset[str]:
    """The measurements a claim states, normalised: {'5.1 mm', '≥ 2.5 mm', '387 %'}."""
    out = set()
    for m in MEASUREMENT_RE.finditer(text):
        unit = m.group("unit").lower()
        unit = _UNITS.get(unit, unit.rstrip("s") if unit not in ("%",) else unit)
        value = m.group("value").replace(",", ".")
        cmp = (m.group("cmp") or "").replace(" ", "").replace(">=", "≥").replace("<=", "≤")
        out.add(f"{cmp + ' ' if cmp else ''}{value} {unit}")
    return frozenset(out)


def concept_words(text: str) -> frozenset[str]:
    """Subject words with each known abbreviation's long form added."""
    words = subject_words(text)
    extra = [ABBREVIATIONS[w] for w in words if w in ABBREVIATIONS]
    return words | subject_words(" ".join(extra)) if extra else words


def _same_statement(claims_a, claims_b, common) -> list[tuple]:
    """Candidates of the first rule: the same measurement about a shared subject word."""
    meas_a = [measurements(c.text) for c in claims_a]
    meas_b = [measurements(c.text) for c in claims_b]
    conc_a = [concept_words(c.text) - common for c in claims_a]
    conc_b = [concept_words(c.text) - common for c in claims_b]
    out = []
    for i, ma in enumerate(meas_a):
        if not ma:
            continue
        for j, mb in enumerate(meas_b):
            same = ma & mb
            if not same:
                continue
            shared = _shared(conc_a[i], conc_b[j])
            if shared:
                # above any score of the second rule (at most 100), more in common first
                score = 200.0 + 10 * len(same) + len(shared)
                out.append((score, len(shared), i, j, tuple(sorted(same)) + tuple(sorted(shared))))
    return out


def pair_claims(
    claims_a: Sequence, claims_b: Sequence, threshold: float = 50.0, min_shared: int = 2
) -> list[Pair]:
    """Pair claims one-to-one, best score first (see the module docstring for the rule).

    The score is the share (in %) of the shorter claim's uncommon subject words that the
    other claim also uses; words are the same when rapidfuzz rates them ≥ 90 (plural,
    spelling variants), and background words (in ≥ 12 % of all claims) do not count.
    """
    common = background_words([claims_a, claims_b])
    words_a = [subject_words(c.text) - common for c in claims_a]
    words_b = [subject_words(c.text) - common for c in claims_b]
    candidates = []
    for i, wa in enumerate(words_a):
        if len(wa) < min_shared:
            continue
        for j, wb in enumerate(words_b):
            if len(wb) < min_shared:
                continue
            shared = _shared(wa, wb)
            if len(shared) < min_shared:
                continue
            score = 100.0 * len(shared) / min(len(wa), len(wb))
            if score >= threshold:
                candidates.append((score, len(shared), i, j, tuple(sorted(shared))))
    candidates += _same_statement(claims_a, claims_b, common)
    candidates.sort(key=lambda t: (-t[0], -t[1], t[2], t[3]))
    used_a, used_b, pairs = set(), set(), []
    for score, _, i, j, shared in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        # a pair by the first rule shows 100: the same statement, in other words
        pairs.append(Pair(claims_a[i], claims_b[j], round(min(score, 100.0), 1), shared))
    pairs.sort(key=lambda p: (p.a.start, p.b.start))
    return pairs


def _shared(wa: frozenset[str], wb: frozenset[str]) -> set[str]:
    exact = wa & wb
    out = set(exact)
    for x in wa - exact:
        if any(fuzz.ratio(x, y) >= 90 for y in wb - exact):
            out.add(x)
    return out


def _value_key(n) -> object:
    return n.value if n.value is not None else n.text.strip().lower()


def number_changes(pair: Pair) -> list[NumberChange]:
    """Per number kind found in both claims: the values each states and the other does not."""
    by_kind_a: dict[str, list] = {}
    by_kind_b: dict[str, list] = {}
    for n in pair.a.numbers:
        by_kind_a.setdefault(n.kind, []).append(n)
    for n in pair.b.numbers:
        by_kind_b.setdefault(n.kind, []).append(n)
    out = []
    for kind in sorted(set(by_kind_a) & set(by_kind_b)):
        va = {_value_key(n) for n in by_kind_a[kind]}
        vb = {_value_key(n) for n in by_kind_b[kind]}
        if va - vb and vb - va:  # each side states a value of this kind the other does not
            out.append(
                NumberChange(
                    pair,
                    kind,
                    tuple(n.text for n in by_kind_a[kind] if _value_key(n) not in vb),
                    tuple(n.text for n in by_kind_b[kind] if _value_key(n) not in va),
                )
            )
    return out


def shared_subjects(claims_a: Sequence, claims_b: Sequence, limit: int = 40) -> list[Subject]:
    """Words used in claims of both documents, the most used by both first."""
    ca = Counter(w for c in claims_a for w in subject_words(c.text))
    cb = Counter(w for c in claims_b for w in subject_words(c.text))
    both = [Subject(w, ca[w], cb[w]) for w in set(ca) & set(cb)]
    both.sort(key=lambda s: (-min(s.count_a, s.count_b), -(s.count_a + s.count_b), s.word))
    return both[:limit]


def compare_claims(
    claims_a: Sequence, claims_b: Sequence, threshold: float = 50.0, min_shared: int = 2
) -> Comparison:
    """Compare two lists of claims (each with .id, .text, .start and .numbers).

    >>> cmp = compare_claims(kb.claims("nysipp-2024"), kb.claims("nysipp-2026"))
    >>> len(cmp.pairs) > 0 and all(p.a.document == "nysipp-2024" for p in cmp.pairs)
    True
    """
    claims_a, claims_b = list(claims_a), list(claims_b)
    pairs = pair_claims(claims_a, claims_b, threshold, min_shared)
    paired_a = {p.a.id for p in pairs}
    paired_b = {p.b.id for p in pairs}
    changes = [ch for p in pairs for ch in number_changes(p)]
    return Comparison(
        subjects=tuple(shared_subjects(claims_a, claims_b)),
        pairs=tuple(pairs),
        changes=tuple(changes),
        only_a=tuple(c for c in claims_a if c.id not in paired_a),
        only_b=tuple(c for c in claims_b if c.id not in paired_b),
    )


@dataclass(frozen=True)
class StatedDifferently:
    """A cross-document finding of the fact check, with the claim of each document."""

    finding: object
    a: object
    b: object


def stated_differently(
    findings: Sequence, claims_a: Sequence, claims_b: Sequence
) -> list[StatedDifferently]:
    """The fact check's cross-document findings that tie a claim of one document to one of the
    other: the same kind of figure stated differently, found by topic rather than by wording
    (so "over two million" and "more than 200,000" meet even when their sentences differ)."""
    in_a = {c.id: c for c in claims_a}
    in_b = {c.id: c for c in claims_b}
    out = []
    for f in findings:
        if f.code != "CONS-CROSS-DOCUMENT":
            continue
        ends = (f.claim, dict(f.evidence).get("other_claim"))
        a = next((in_a[x] for x in ends if x in in_a), None)
        b = next((in_b[x] for x in ends if x in in_b), None)
        if a is not None and b is not None:
            out.append(StatedDifferently(f, a, b))
    return out
