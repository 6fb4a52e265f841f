"""Find the numbers a claim states, typed (percent, p-value, sample size, ...), with spans.

One module on purpose (over 500 lines): the patterns below are one grammar, tried in order of
priority, and a pattern's priority only means something next to the patterns it outranks.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kb.model import NumberMention
from kb.schema import NUMBER_KINDS  # noqa: F401  (re-exported; the kinds are kb.schema.NumberKind)

# --- building blocks ---------------------------------------------------------------------------
# A digit number not glued to a letter, a dot or another digit on its left ("L1", "M217", "v2.0"
# and the tail of "COVID-19" are not numbers); thousands separators only in groups of three.
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"
_LEFT = r"(?<![\w.,/^{])(?<![A-Za-z]-)"
SERIES_MAX = 40  # numbers of one series sharing a unit ("3, 6, and 12 months")
_N = f"(?=[\\d.]){_LEFT}(?:{_NUM})"  # the look-ahead fails fast off digits

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = "|".join(sorted(list(_UNITS_WORDS) + list(_SCALES), key=len, reverse=True))
# A run of number words: "Forty-eight", "two million", "one hundred and five".
_WRITTEN = rf"\b(?:{_WORD})(?:(?:-|\s+|\s+and\s+)(?:{_WORD}))*\b"

_TIME = (
    r"years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|h|minutes?|mins?|"
    r"seconds?|secs?"
)
_MEASURE = (
    r"mmHg|mm|cm|km|m|µm|μm|mg/day|mg|mcg|µg|g|kg|mL|ml|L|feet|foot|ft|meters?|metres?|"
    r"inch(?:es)?|points?|pts?|MME|°[CF]"
)
_UNIT = f"(?:{_TIME}|{_MEASURE})"
# Nouns that make a count a sample size; "individuals"/"people" stay plain counts (prevalence).
_POP = (
    r"patients?|subjects?|participants?|adults?|cases|beneficiaries|enrollees|respondents|"
    r"volunteers|children|women|men"
)
_COUNTED = r"individuals?|people|persons"
_OP = r"(?:<=|>=|=<|=>|\\leq?|\\geq?|\\lt|\\gt|\\le|\\ge|[<>=≤≥])"
_QUAL = re.compile(
    r"(approximately|approx\.|about|around|roughly|nearly|almost|over|more than|greater than|"
    r"less than|fewer than|under|up to|at least|at most|as high as|as low as|as many as|"
    r"~|≈|>=|<=|>|<|≥|≤)\s*$",
    re.IGNORECASE,
)
_QUAL_LAST = frozenset("y.tdrnos~≈=><≥≤")  # the last character of each of _QUAL's words
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
# Words whose number is a label, not a quantity: "Grade 3", "Level 1", "Consensus Point 6".
_LABELS = (
    r"grade|level|phase|stage|type|class|category|point|step|tier|version|criterion|item|"
    r"question|model|schedule"
)
# Document-structure numbering: claimed (so nothing else reads it) but not reported.
_STRUCTURE = r"figures?|figs?\.|tables?|exhibits?|sections?|chapters?|appendix|appendices|refs?\."
_CHANGE_CUES = re.compile(
    r"increas|decreas|improv|reduc|\brose\b|\brisen\b|\bfell\b|\bfallen\b|dropp|declin|\bgrew\b|"
    r"\bgrown\b|chang|\bwent\b|shift|climb|doubl|tripl|\blowered\b|\braised\b",
    re.IGNORECASE,
)
_RANGE_CUES = re.compile(r"rang|\bbetween\b|\bages?\b|\baged\b|spann|\bwithin\b", re.IGNORECASE)
_CODE_CONTEXT = re.compile(r"\b(?:CPT|HCPCS|ICD|NCD|LCD|DRG|codes?)\b")
_MEAN_CUE = re.compile(r"\b(mean|average|averaged|median)\b[^.;:()]{0,25}$", re.IGNORECASE)


def _num(s: str) -> float:
    """Parse a digit number with optional thousands separators."""
    return float(s.replace(",", ""))


def written_value(words: str) -> float | None:
    """Value of a run of number words ("Forty-eight" → 48, "two million" → 2e6)."""
    total = current = 0
    seen = False
    for w in re.split(r"[-\s]+", words.lower()):
        if w == "and" or not w:
            continue
        if w in _UNITS_WORDS:
            current += _UNITS_WORDS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w in _SCALES:
            total += max(current, 1) * _SCALES[w]
            current = 0
            seen = True
        else:
            return None
    return float(total + current) if seen else None


def _unit(u: str | None) -> str | None:
    """Normalise a unit to the project's spelling (years, months, mins, feet, points, ...)."""
    if not u:
        return None
    low = u.lower()
    table = {
        "%": "%", "percent": "%", "per cent": "%",
        "year": "years", "years": "years", "yr": "years", "yrs": "years",
        "month": "months", "months": "months", "mo": "months", "mos": "months",
        "week": "weeks", "weeks": "weeks", "wk": "weeks", "wks": "weeks",
        "day": "days", "days": "days", "hour": "hours", "hours": "hours", "hr": "hours",
        "hrs": "hours", "h": "hours", "minute": "mins", "minutes": "mins", "min": "mins",
        "mins": "mins", "second": "seconds", "seconds": "seconds", "sec": "seconds",
        "secs": "seconds", "feet": "feet", "foot": "feet", "ft": "feet", "meter": "m",
        "meters": "m", "metre": "m", "metres": "m", "inch": "inches", "inches": "inches",
        "point": "points", "points": "points", "pt": "points", "pts": "points",
        "ml": "mL",
    }  # fmt: skip
    if low in table:
        return table[low]
    if re.fullmatch(_POP, low):
        return "patients" if low.startswith("patient") else low
    return u


def _is_time(u: str | None) -> bool:
    """True when a normalised unit is a time unit."""
    return u in ("years", "months", "weeks", "days", "hours", "mins", "seconds")


@dataclass
class _Cand:
    """A candidate reading of a stretch of text: its priority, claimed span and mentions."""

    prio: int
    start: int
    end: int
    mentions: list[tuple[int, int, str, float | None, str | None, tuple]]


class _Finder:
    """Collect candidates from all patterns, then keep the best non-overlapping ones."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cands: list[_Cand] = []
        self.kept: list[_Cand] = []
        self.starts: list[int] = []  # the kept candidates' spans, in text order
        self.ends: list[int] = []
        self._code_context: bool | None = None

    @property
    def code_context(self) -> bool:
        """Does the text talk about codes (CPT, NCD, ...)? Looked up once per text."""
        if self._code_context is None:
            self._code_context = bool(_CODE_CONTEXT.search(self.text))
        return self._code_context

    def add(self, prio: int, start: int, end: int, mentions: list) -> None:
        """Offer a candidate; mentions are (start, end, kind, value, unit, extra)."""
        self.cands.append(_Cand(prio, start, end, mentions))

    def qualifier(self, start: int) -> tuple:
        """A qualifier ("approximately", "more than", "≥") written just before `start`."""
        lo = max(0, start - 24)
        before = self.text[lo:start]
        tail = before.rstrip()  # what `\s*$` leaves: a qualifier's last character ends it
        if not tail or (tail[-1].isascii() and tail[-1].lower() not in _QUAL_LAST):
            return ()
        m = _QUAL.search(before)
        if not m:
            return ()
        q = m.group(1)
        at = lo + m.start(1)
        if q[0].isalpha() and at > 0 and self.text[at - 1].isalnum():
            return ()  # "more than" must start a word, not end "furthermore than"
        return (("qualifier", q.lower()),)

    def keep(self) -> None:
        """Keep the non-overlapping candidates offered so far, most specific (priority, then
        length) first, beside those kept before (all of which outrank these)."""
        order = sorted(self.cands, key=lambda c: (c.prio, -(c.end - c.start), c.start))
        self.cands = []
        starts, ends = self.starts, self.ends
        for c in order:
            i = bisect_left(starts, c.start)
            if i > 0 and ends[i - 1] > c.start:
                continue
            if i < len(starts) and starts[i] < c.end:
                continue
            starts.insert(i, c.start)
            ends.insert(i, c.end)
            self.kept.append(c)

    def covered(self, at: int) -> bool:
        """Does a kept candidate cover position `at`?"""
        i = bisect_right(self.starts, at)
        return i > 0 and self.ends[i - 1] > at

    def free(self, start: int, end: int) -> bool:
        """Is [start, end) clear of every kept candidate?"""
        i = bisect_left(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return False
        return not (i < len(self.starts) and self.starts[i] < end)

    def select(self) -> list[NumberMention]:
        """Keep non-overlapping candidates, most specific (priority, then length) first."""
        self.keep()
        out = []
        for c in self.kept:
            for s, e, kind, value, unit, extra in c.mentions:
                out.append((s, e, kind, value, unit, extra))
        out.sort(key=lambda m: (m[0], m[1]))
        return [NumberMention(self.text[s:e], v, k, s, e, u, tuple(x)) for s, e, k, v, u, x in out]


def _mask(text: str, offset: int, exclude: Iterable[tuple[int, int]]) -> str:
    """Blank out excluded spans (citation markers) so their digits are never read as numbers."""
    chars = None
    for s, e in exclude:
        s, e = max(0, s - offset), min(len(text), e - offset)
        if s < e:
            if chars is None:
                chars = list(text)
            chars[s:e] = " " * (e - s)
    return text if chars is None else "".join(chars)


# --- patterns (priority: lower wins; then the longer match) -------------------------------------
_Handler = Callable[[_Finder, re.Match], None]
# What find_numbers tries, in order of registration: (regex, handler, can match without a
# digit, cue words, cues, cues for the lowercased text, starts, last); see _pattern.
_PLAN: list[tuple] = []
_REGISTERED: list[Callable[[], tuple]] = []  # what builds each entry of _PLAN (see _plan)
_COMPILING = threading.Lock()
# A cue is a cheap pattern (or several) every match contains: a text without it skips the
# (slower) full pattern. A case-blind cue is looked up in the lowercased text when the text is
# ASCII, where that finds exactly what the case-blind cue finds, far faster: as substrings when
# it is a list of plain words, else as a case-sensitive pattern.
_PAREN_PERCENT = r"\(\s*[\d.,]+\s*%"  # "(56.5%)": a _NUM is digits, commas and dots
# `starts`: where a pattern's matches can start, when not anywhere: places named in _START_AT,
# joined by " or ": "number" (where `_N` matches), "word" (where a word starts: the pattern
# begins with `\b` and a word character), "to" (the numbers before a "to", see _before_to) or
# a word or sign every match begins with ("from", "n=", "median", ...). Such a pattern is
# tried only at those places instead of at every character of the text: the same matches,
# found far faster.
_NUMBER_START = re.compile(_N)  # no position inside a match can start another (see _N's left)
_WORD_START = re.compile(r"\b\w")
_DIGIT = re.compile(r"\d")
# Each finds every place where some pattern can start (a match holds no other such place).
_START_AT: dict[str, re.Pattern] = {
    "word": _WORD_START,
    "from": re.compile(r"\bfrom\s", re.IGNORECASE),
    "n=": re.compile(r"\b[Nn]\s*="),
    "age": re.compile(r"\b(?:age|older|younger)", re.IGNORECASE),
    "median": re.compile(r"\bmedian\b", re.IGNORECASE),
    "between": re.compile(r"\bbetween\s", re.IGNORECASE),
    "label": re.compile(
        r"\b(?:grade|level|phase|stage|type|class|categor|point|step|tier|version|criteri|"
        r"item|question|model|schedule|fig|table|exhibit|section|chapter|appendi|ref)",
        re.IGNORECASE,
    ),
}
# The pattern read last (`last`: the plain number, priority 9, below every other) is tried
# only at numbers no other pattern's kept reading covers: a reading there could never be kept.


def _pattern(
    regex: str,
    flags: int = 0,
    cue: str | tuple[str, ...] | None = None,
    starts: str | None = None,
    digits: bool = True,
    last: bool = False,
) -> Callable[[_Handler], _Handler]:
    """Register a handler for a regex; `cue` is a cheap pattern (or several) any match must
    contain, so a text without it skips the (slower) full pattern; `starts` says where a match
    can begin (see _START_AT); `digits` False for a pattern whose matches can hold no digit;
    `last` for the lowest-priority pattern (see _START_AT)."""

    def deco(fn: _Handler) -> _Handler:
        _REGISTERED.append(lambda: _compiled(fn, regex, flags, cue, starts, digits, last))
        return fn

    return deco


def _compiled(
    fn: _Handler,
    regex: str,
    flags: int,
    cue: str | tuple[str, ...] | None,
    starts: str | None,
    digits: bool,
    last: bool,
) -> tuple:
    """One entry of _PLAN: the registered pattern compiled, with its cues and start places."""
    compiled = re.compile(regex, flags)
    cues = (cue,) if isinstance(cue, str) else cue
    words = low_cues = None
    if cues and flags & re.IGNORECASE:
        if len(cues) == 1 and re.fullmatch(r"[A-Za-z]+(?:\|[A-Za-z]+)*", cues[0]):
            words = tuple(w.lower() for w in cues[0].split("|"))
        elif not any(re.search(r"\\[A-Z]|[A-Z]-", c) for c in cues):
            low_cues = tuple(re.compile(c.lower()) for c in cues)
    if starts is not None:
        assert all(w in ("number", "to") or w in _START_AT for w in starts.split(" or "))
    return (
        compiled,
        fn,
        not digits,
        words,
        tuple(re.compile(c, flags) for c in cues) if cues else None,
        low_cues,
        starts,
        last,
    )


def _plan() -> list[tuple]:
    """The registered patterns, compiled on the first find (once, under a lock: app pages run
    in threads), so a process that only unpickles readings (kb/cache.py) never compiles them."""
    if len(_PLAN) == len(_REGISTERED):
        return _PLAN
    with _COMPILING:
        for build in _REGISTERED[len(_PLAN) :]:
            _PLAN.append(build())
    return _PLAN


def _op_norm(op: str | None) -> str | None:
    """Latex and ASCII comparison operators as one symbol."""
    if op is None:
        return None
    return {
        "\\le": "≤", "\\leq": "≤", "<=": "≤", "=<": "≤", "\\ge": "≥", "\\geq": "≥", ">=": "≥",
        "=>": "≥", "\\lt": "<", "\\gt": ">",
    }.get(op, op)  # fmt: skip


@_pattern(
    rf"(?P<d1>\$\s*)?(?<![A-Za-z])[Pp](?:[\s-]*values?)?(?P<rng>\s+ranging)?\s*(?:from\s*)?"
    rf"(?:(?P<op>{_OP})|(?<=value)\s+(?:of|was|is)\s+|(?<=values)\s+(?:of|were|are)\s+)"
    rf"\s*(?P<a>{_NUM})"
    rf"(?:\s*(?:to|–|—)\s*(?P<op2>{_OP})?\s*(?P<b>{_NUM}))?(?P<d2>\s*\$)?",
    cue=r"[<>=≤≥\\]|value",  # an operator (each holds one of these signs) or "value"
)
def _p_value(f: _Finder, m: re.Match) -> None:
    """p-values: "p < 0.0001", "$P < 0.001$", "p-values ranging from <0.0001 to 0.0001"."""
    extra: list = [("op", _op_norm(m.group("op")) or "=")]
    end = m.end() if m.group("d2") and m.group("d1") else m.end("b") if m.group("b") else m.end("a")
    if m.group("b"):
        extra.append(("to", _num(m.group("b"))))
    f.add(0, m.start(), end, [(m.start(), end, "p_value", _num(m.group("a")), None, extra)])


@_pattern(
    rf"(?P<a>{_N})\s*(?:±|\+/-|\+-)\s*(?P<b>{_NUM})\s*(?P<u>%|(?:{_UNIT})(?![\w]))?",
    cue=r"±|\+",
    starts="number",
)
def _mean_sd(f: _Finder, m: re.Match) -> None:
    """A mean with its spread: "3.4 ± 1.8 points" (1.8 is a standard deviation, not a result)."""
    unit = _unit(m.group("u"))
    extra = [("sd", _num(m.group("b")))]
    f.add(0, m.start(), m.end(), [(m.start(), m.end(), "mean", _num(m.group("a")), unit, extra)])


@_pattern(
    r"(?P<a>(?:80|90|95|99)(?:\.\d)?)\s*%"
    r"(?=\s*(?:CI|CrI|confidence\s+interval|credible\s+interval)\b)",
    re.IGNORECASE,
    cue=r"CI|CrI|interval",
)
def _confidence_level(f: _Finder, m: re.Match) -> None:
    """The level of a confidence interval ("95% CI"): a convention, not a reported result."""
    f.add(0, m.start(), m.end(), [(m.start(), m.end(), "label", _num(m.group("a")), "%", [])])


# --- effect measures bound to their confidence interval (records and letters alike) ---------
_SIGNED = rf"[-−–]?\s?(?:{_NUM})"
_CI = (
    rf"(?P<lvl>80|90|95|99)\s*%\s*(?:CI|CrI|confidence\s+interval|credible\s+interval)"
    rf"\s*[,:=]?\s*(?P<lo>{_SIGNED})\s*(?:to|–|—|-|,|;)\s*(?P<hi>{_SIGNED})"
)
_RATIO_NAMES = {
    "odds ratio": "odds ratio", "or": "odds ratio", "aor": "odds ratio",
    "adjusted odds ratio": "odds ratio", "hazard ratio": "hazard ratio", "hr": "hazard ratio",
    "ahr": "hazard ratio", "adjusted hazard ratio": "hazard ratio", "risk ratio": "risk ratio",
    "relative risk": "risk ratio", "rr": "risk ratio", "rate ratio": "rate ratio",
    "incidence rate ratio": "rate ratio", "irr": "rate ratio",
}  # fmt: skip
_RATIO = (
    r"(?P<name>(?:adjusted\s+)?(?:odds|hazard|risk|incidence\s+rate|rate)\s+ratio|relative\s+risk"
    r"|\b(?:aOR|aHR|OR|HR|RR|IRR))"
)
_DIFF = (
    r"(?P<name>(?:(?:mean|median|absolute|risk|adjusted|between-group|between\s+group)\s+)*"
    r"difference)"
)


def _signed(s: str) -> float:
    s = s.replace(" ", "")
    neg = s[:1] in "-−–"
    return -_num(s.lstrip("-−–")) if neg else _num(s)


def _ci_extra(m: re.Match) -> list:
    return [
        ("ci_level", _num(m.group("lvl"))),
        ("ci_low", _signed(m.group("lo"))),
        ("ci_high", _signed(m.group("hi"))),
        ("ci_text", (m.group("lo").replace(" ", ""), m.group("hi").replace(" ", ""))),
    ]


@_pattern(
    rf"{_RATIO}(?![A-Za-z])\s*(?:\(\s*(?:OR|HR|RR|IRR|aOR|aHR)\s*\)\s*)?[,:=]?\s*"
    rf"(?:(?:of|was|were|is|=)\s*)?(?P<v>{_SIGNED})(?![\d.,]\d)"
    rf"(?:\s*[,;(\[]?\s*{_CI}\s*[)\]]?)?",
    cue=r"ratio|relative\s+risk|OR|HR|RR",
)
def _ratio(f: _Finder, m: re.Match) -> None:
    """Ratio measures with their CI: "odds ratio 3.90, 95% CI 2.08 to 7.30", "HR 0.72 (95% CI
    0.40-1.30)"; the CI level is part of the measure, never a result of its own."""
    name = _RATIO_NAMES.get(re.sub(r"\s+", " ", m.group("name")).lower(), "ratio")
    extra: list = [("measure", name), ("value_text", m.group("v").replace(" ", ""))]
    end = m.end("v")
    if m.group("lvl"):
        extra += _ci_extra(m)
        end = m.end("hi")
    f.add(0, m.start(), end, [(m.start("v"), end, "ratio", _signed(m.group("v")), None, extra)])


@_pattern(
    rf"{_DIFF}\b[^\d\n.;−–-]{{0,25}}(?P<v>{_SIGNED})(?![\d.,]\d)\s*"
    rf"(?P<u>%|percentage\s+points|(?:{_UNIT})(?![\w]))?"
    rf"(?:\s+(?:versus|vs\.?|compared\s+(?:with|to))\s+[A-Za-z][\w\s-]{{0,30}}?)?"
    rf"\s*[,;(\[]?\s*{_CI}\s*[)\]]?",
    re.IGNORECASE,
    cue=r"differen",
)
def _difference(f: _Finder, m: re.Match) -> None:
    """A difference with its CI: "between-group difference -2.3 points, 95% CI -2.9 to -1.7"."""
    unit = _unit(m.group("u")) if m.group("u") and "percentage" not in m.group("u") else None
    if m.group("u") and "percentage" in m.group("u").lower():
        unit = "%"
    extra = [("measure", "difference"), ("value_text", m.group("v").replace(" ", ""))]
    extra += _ci_extra(m)
    s, end = m.start("v"), m.end("hi")
    f.add(0, s, end, [(s, end, "difference", _signed(m.group("v")), unit, extra)])


@_pattern(
    rf"(?P<v>{_N})\s*(?P<u>%|(?:{_UNIT})(?![\w]))?\s*[(\[]\s*{_CI}\s*[)\];]",
    re.IGNORECASE,
    cue=r"CI|CrI|interval",
    starts="number",
)
def _estimate_ci(f: _Finder, m: re.Match) -> None:
    """Any estimate followed by its CI in brackets: "-1.8 points (95% CI -2.4 to -1.2)"."""
    s = m.start("v")
    if s > 0 and f.text[s - 1] in "-−–":
        s -= 1
    unit = _unit(m.group("u"))
    extra = [("measure", "estimate"), ("value_text", f.text[s : m.end("v")])] + _ci_extra(m)
    end = m.end("hi")
    f.add(0, s, end, [(s, end, "estimate", _signed(f.text[s : m.end("v")]), unit, extra)])


@_pattern(
    rf"\bmedian\b[^\d\n.;]{{0,40}}?(?P<v>{_N})\s*(?P<u>%|(?:{_UNIT})(?![\w]))?\s*"
    rf"\(\s*(?:IQR|interquartile\s+range)[,:]?\s*(?P<lo>{_NUM})\s*(?:to|–|—|-|,)\s*"
    rf"(?P<hi>{_NUM})\s*\)",
    re.IGNORECASE,
    cue=r"median",
    starts="median",
)
def _median_iqr(f: _Finder, m: re.Match) -> None:
    """A median with its interquartile range: "38 minutes (IQR 31-46)"."""
    extra = [("iqr", (_num(m.group("lo")), _num(m.group("hi"))))]
    unit = _unit(m.group("u"))
    s, e = m.start("v"), m.end()
    f.add(0, s, e, [(s, e, "median", _num(m.group("v")), unit, extra)])


@_pattern(
    rf"(?P<a>{_N})\s+of\s+(?P<d>{_NUM})(?:\s+(?:[A-Za-z][\w-]*\s+){{0,2}}?(?P<u>{_POP}))?"
    rf"\s*\(\s*(?P<p>{_NUM})\s*%\s*\)",
    cue=(r"\sof\s+[\d.]", _PAREN_PERCENT),
    starts="number",
)
def _of_percent(f: _Finder, m: re.Match) -> None:
    """A count out of a total with its percentage: "52 of 92 (56.5%)"."""
    extra = [("percent", _num(m.group("p"))), ("denominator", _num(m.group("d")))]
    f.add(0, m.start(), m.end(), [
        (m.start(), m.end(), "count_percent", _num(m.group("a")), _unit(m.group("u")), extra)
    ])  # fmt: skip


@_pattern(
    rf"(?P<a>{_N})(?:\s*/\s*(?P<d>{_NUM}))?\s*\(\s*(?P<p>{_NUM})\s*%\s*\)"
    rf"(?:\s+(?:[a-z][\w-]*\s+){{0,2}}?(?P<u>{_POP})\b)?",
    cue=_PAREN_PERCENT,
    starts="number",
)
def _count_percent(f: _Finder, m: re.Match) -> None:
    """A count with its percentage: "4 (5.6 %) patients", "12/132 (9.1%)" (with its total)."""
    extra = [("percent", _num(m.group("p")))]
    if m.group("d"):
        extra.append(("denominator", _num(m.group("d"))))
    f.add(1, m.start(), m.end(), [
        (m.start(), m.end(), "count_percent", _num(m.group("a")), _unit(m.group("u")), extra)
    ])  # fmt: skip


@_pattern(
    rf"(?P<a>{_N})\s*(?P<ua>%|(?:{_UNIT})(?![\w]))?"
    rf"(?:\s+(?:for|in|with|among)\s+(?:the\s+)?[\w®-]+(?:\s+[\w®-]+)?)?\s*,?\s*"
    rf"(?:vs\.?|versus|compared\s+(?:with|to))\s*(?P<b>{_NUM})\s*(?P<ub>%|(?:{_UNIT})(?![\w]))?",
    re.IGNORECASE,
    cue=r"vs|versus|compared",
    starts="number",
)
def _comparison(f: _Finder, m: re.Match) -> None:
    """Two values set against each other: "5.6% vs. 12.1%", "76.7 years vs. 73.4 years"."""
    a, b = _num(m.group("a")), _num(m.group("b"))
    unit = _unit(m.group("ua") or m.group("ub"))
    extra = [("values", (a, b))]
    f.add(1, m.start(), m.end(), [(m.start(), m.end(), "comparison", a, unit, extra)])


@_pattern(
    rf"(?P<from>\bfrom\s+)?(?P<a>{_N})\s*(?P<ua>%|(?:{_UNIT})(?![\w]))?\s*"
    rf"(?:to|–|—|-)\s*(?P<b>{_NUM})(?![\d.,]\d)\s*(?P<ub>%|(?:{_UNIT})(?![\w])|(?:{_POP})\b)?",
    re.IGNORECASE,
    cue=r"(?:to|–|—|-)\s*[\d.]",
    starts="to or from",
)
def _to(f: _Finder, m: re.Match) -> None:
    """ "from 246 to 3,956 feet" is a change, "from 37 to 102 years" a range: the cue decides."""
    sep = f.text[m.end("a") : m.start("b")]
    if "-" in sep and (m.group("ua") or sep.strip() != "-"):
        return  # "2-year" or "3- to" are not ranges written with a hyphen
    a, b = _num(m.group("a")), _num(m.group("b"))
    unit = _unit(m.group("ua") or m.group("ub"))
    before = f.text[max(0, m.start() - 120) : m.start()]
    stop = max(before.rfind(". "), before.rfind(";"), before.rfind("("))
    before = before[stop + 1 :]
    change = [c.end() for c in _CHANGE_CUES.finditer(before)]
    rng = [c.end() for c in _RANGE_CUES.finditer(before)]
    if sep.strip() in ("-", "–", "—") and not change:
        kind = "range"
    else:
        kind = "change" if change and (not rng or change[-1] > rng[-1]) else "range"
    extra = [("low", a), ("high", b)] if kind == "range" else [("from", a), ("to", b)]
    if sep.strip() in ("-", "–", "—") and kind == "range" and b < a:
        return  # "12-3" reads as nothing sensible; leave it to the plain reader
    if _year_span(a, b, unit):
        kind, extra = "year", [("low", a), ("high", b)]
    extra += list(f.qualifier(m.start()))
    end = _span_end(m)
    f.add(1, m.start(), end, [(m.start(), end, kind, a, unit, extra)])


def _year_span(a: float, b: float, unit: str | None) -> bool:
    """ "from 2018 to 2021", "between 2018 and 2021": calendar years, not a result."""
    return unit is None and all(v.is_integer() and 1900 <= v <= 2100 for v in (a, b)) and a <= b


def _span_end(m: re.Match) -> int:
    """Where a two-value pattern really ends: its last value or unit, not the blank after it
    (a masked citation marker there must not become part of the number's text)."""
    return m.end("ub") if m.group("ub") else m.end("b")


@_pattern(
    rf"\bbetween\s+(?:(?P<pu>years?|months?|weeks?|days?|ages?)\s+)?(?P<a>{_N})\s*"
    rf"(?P<ua>%|(?:{_UNIT})(?![\w]))?\s+and\s+(?P<b>{_NUM})\s*(?P<ub>%|(?:{_UNIT})(?![\w]))?",
    re.IGNORECASE,
    cue=r"between",
    starts="between",
)
def _between(f: _Finder, m: re.Match) -> None:
    """ "between years 3 and 5", "between 10% and 20%"."""
    a, b = _num(m.group("a")), _num(m.group("b"))
    pu = m.group("pu")
    unit = _unit(
        m.group("ua") or m.group("ub") or (pu if pu and not pu.startswith("age") else None)
    )
    s = m.start("pu") if pu else m.start("a")
    kind = "year" if _year_span(a, b, unit) else "range"
    end = _span_end(m)
    f.add(1, s, end, [(s, end, kind, a, unit, [("low", a), ("high", b)])])


@_pattern(
    # At most SERIES_MAX numbers before the "and": an unbounded repeat would rescan the whole
    # list from every number in it (quadratic time in a sentence of thousands of numbers).
    rf"(?P<nums>(?:{_N})-?(?:,\s*(?:{_NUM})-?){{0,{SERIES_MAX}}}),?\s+(?:and|or)\s+"
    rf"(?P<last>{_N})(?P<sep>[-\s]?)"
    rf"(?P<u>{_TIME}|{_MEASURE})(?![\w])",
    re.IGNORECASE,
    cue=r"\s(?:and|or)\s+[\d.]",
    starts="number",
)
def _series(f: _Finder, m: re.Match) -> None:
    """Numbers sharing one unit: "3, 6, and 12 months", "3-, 6-, and 12-months", "6 and 12"."""
    unit = _unit(m.group("u"))
    kind = "duration" if _is_time(unit) else "measurement"
    mentions = []
    for n in re.finditer(_NUM, m.group("nums")):
        s = m.start("nums") + n.start()
        mentions.append((s, s + len(n.group()), kind, _num(n.group()), unit, []))
    mentions.append((m.start("last"), m.end(), kind, _num(m.group("last")), unit, []))
    f.add(2, m.start(), m.end(), mentions)


@_pattern(
    rf"(?P<a>{_N})\s+(?P<w>[A-Za-z][\w-]*)\s+(?:and|vs\.?|versus)\s+(?P<b>{_N})\s+"
    rf"(?:[A-Za-z][\w-]*\s+){{0,2}}?(?P<u>{_POP})\b",
    cue=r"\s(?:and|vs\.?|versus)\s+[\d.]",
    starts="number",
)
def _paired_sizes(f: _Finder, m: re.Match) -> None:
    """Two group sizes sharing a noun: "2197 mild and 7416 laminectomy patients"."""
    unit = _unit(m.group("u"))
    f.add(2, m.start(), m.end(), [
        (m.start("a"), m.end("a"), "sample_size", _num(m.group("a")), unit, []),
        (m.start("b"), m.end(), "sample_size", _num(m.group("b")), unit, []),
    ])  # fmt: skip


@_pattern(
    rf"\bage[sd]?\s*(?P<op>{_OP})\s*(?P<a>{_NUM})|\baged\s+(?P<b>{_NUM})"
    rf"|(?P<c>{_N})[-\s]years?[-\s]old\b"
    rf"|\b(?P<cmp>older|younger)\s+than\s+(?P<d>{_NUM})\s*(?:years?|yrs?)\b",
    re.IGNORECASE,
    cue=r"age|old|young",
    starts="number or age",
)
def _age(f: _Finder, m: re.Match) -> None:
    """Ages: "age<65", "age≥65", "65 years old", "older than 40 years"."""
    for g in ("a", "b", "c", "d"):
        if m.group(g):
            value = _num(m.group(g))
            break
    extra: list = []
    if m.group("op"):
        extra.append(("op", _op_norm(m.group("op"))))
    elif m.group("cmp"):
        extra.append(("op", ">" if m.group("cmp").lower() == "older" else "<"))
    else:
        extra += list(f.qualifier(m.start()))
    f.add(2, m.start(), m.end(), [(m.start(), m.end(), "age", value, "years", extra)])


@_pattern(
    rf"\b(?P<m1>{_MONTHS})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS})\.?,?\s+(?P<y2>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<m3>{_MONTHS})\.?,?\s+(?P<y3>(?:19|20)\d{{2}})\b",
    cue=r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",  # every month name begins so
    starts="word",
)
def _date(f: _Finder, m: re.Match) -> None:
    """Calendar dates: "January 1, 2026", "1 June 2024", "September 2024"."""
    year = m.group("y1") or m.group("y2") or m.group("y3")
    month = m.group("m1") or m.group("m2") or m.group("m3")
    day = m.group("d1") or m.group("d2")
    extra: list = [("month", month)] + ([("day", int(day))] if day else [])
    f.add(0, m.start(), m.end(), [(m.start(), m.end(), "date", float(year), None, extra)])


@_pattern(
    rf"\b(?P<w>{_LABELS})s?(?:\s+of\s+[a-z]+)?\s+(?P<a>\d+)(?:\s*[-–]\s*(?P<b>\d+)|-[A-Z]\b)?"
    rf"|\b(?P<s>{_STRUCTURE})\s*(?P<n>\d+[A-Za-z]?)",
    re.IGNORECASE,
    cue=r"grade|level|phase|stage|type|class|categor|point|step|tier|version|criteri|item|"
    r"question|model|schedule|fig|table|exhibit|section|chapter|appendi|ref",
    starts="label",
)
def _label(f: _Finder, m: re.Match) -> None:
    """Labels ("Grade 3", "Level of evidence 1-A") and figure/table numbers (not reported)."""
    if m.group("s"):
        f.add(0, m.start(), m.end(), [])
        return
    extra: list = [("high", float(m.group("b")))] if m.group("b") else []
    before = f.text[max(0, m.start() - 4) : m.start()]
    op = re.search(r"([<>≤≥])\s*$", before)
    if op:
        extra.append(("op", op.group(1)))
    unit = m.group("w").lower()
    f.add(0, m.start(), m.end(), [(m.start(), m.end(), "label", float(m.group("a")), unit, extra)])


@_pattern(
    r"\(?(?<!\d)\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"
    r"|(?<![\w.])\d{4}[A-Z](?![\w])"
    r"|\*\*(?P<bold>\d{4,5}[A-Z]?)\*\*"
    r"|\b(?:CPT|HCPCS|ICD(?:-\d+)?(?:-CM)?|NCD|LCD|DRG)(?:®|\[®\])?\s*(?:codes?\s+)?"
    r"(?P<cue>[A-Z]?\d[\dA-Z]*(?:\.\d+)?)",
    cue=r"\d{3}|\*\*|CPT|HCPCS|ICD|NCD|LCD|DRG",
)
def _code(f: _Finder, m: re.Match) -> None:
    """Codes and phone numbers: "0275T", "**62330**", "NCD 150.13", "(516) 492-3100"."""
    if m.group("bold"):
        s, e = m.start("bold"), m.end("bold")
    elif m.group("cue"):
        s, e = m.start("cue"), m.end("cue")
    else:
        s, e = m.start(), m.end()
    phone = bool(re.fullmatch(r"\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}", m.group()))
    unit = "phone" if phone else None
    f.add(0, m.start(), m.end(), [(s, e, "code", None, unit, [])])


@_pattern(
    rf"(?P<a>{_N})\s*(?:%|(?:percent|per\s?cent)\b)",
    re.IGNORECASE,
    cue=r"%|per\s?cent",
    starts="number",
)
def _percent(f: _Finder, m: re.Match) -> None:
    """Percentages: "42%", "274 %", "12 percent"."""
    f.add(3, m.start(), m.end(), [
        (m.start(), m.end(), "percent", _num(m.group("a")), "%", list(f.qualifier(m.start())))
    ])  # fmt: skip


@_pattern(
    rf"(?P<a>{_N})(?:\s*|-)(?P<u>{_TIME})(?![\w])",
    re.IGNORECASE,
    cue=rf"\d(?:\s*|-)(?:{_TIME})(?![\w])",  # a number ends in a digit
    starts="number",
)
def _duration(f: _Finder, m: re.Match) -> None:
    """Durations: "5 years", "24 hours", "6-month", "15-Minute"."""
    unit = _unit(m.group("u"))
    f.add(3, m.start(), m.end(), [
        (m.start(), m.end(), "duration", _num(m.group("a")), unit, list(f.qualifier(m.start())))
    ])  # fmt: skip


@_pattern(
    rf"(?P<a>{_N})\s*(?P<u>{_MEASURE})(?![\w])",
    cue=rf"\d\s*(?:{_MEASURE})(?![\w])",
    starts="number",
)
def _measurement(f: _Finder, m: re.Match) -> None:
    """Measurements: "5.1mm", "2.5 mm", "22.6 points"; a mean when "mean" comes just before."""
    unit = _unit(m.group("u"))
    before = f.text[max(0, m.start() - 40) : m.start()]
    kind = "mean" if _MEAN_CUE.search(before) else "measurement"
    f.add(3, m.start(), m.end(), [
        (m.start(), m.end(), kind, _num(m.group("a")), unit, list(f.qualifier(m.start())))
    ])  # fmt: skip


@_pattern(
    rf"\b[Nn]\s*=\s*(?P<n>{_NUM})"
    # "per"/"each" make a rate ("$8,500 per patient"), never a count of people
    rf"|(?P<a>{_N})\s+(?:(?!per\b|each\b)[a-z][\w-]*\s+|[A-Z]{{2,}}\s+){{0,2}}?(?P<u>{_POP})\b"
    rf"|(?P<b>{_N})\s+(?=(?:treated|enrolled|randomi[sz]ed|analy[sz]ed)\b)"
    rf"|(?P<c>{_N})(?=\s+in\s+the\s+[\w-]+(?:\s+[\w-]+)?\s+(?:group|arm|cohort)\b)",
    starts="number or n=",
)
def _sample_size(f: _Finder, m: re.Match) -> None:
    """Sample sizes: "143 patients", "40 consecutive LSS patients", "N = 34", "131 treated"."""
    if m.start() > 0 and f.text[m.start() - 1] in "$€£¥":
        return  # money, not people
    for g in ("n", "a", "b", "c"):
        if m.group(g):
            value = _num(m.group(g))
            break
    unit = _unit(m.group("u")) if m.group("u") else None
    end = m.end() if not m.group("b") else m.end("b")
    scale = re.match(r"\s+(million|billion|thousand)\b", f.text[m.end(g) : m.end()])
    if g == "a" and scale:
        # "64 million elderly adults": a population, never the sample a percentage is of
        value = value * _SCALES[scale.group(1)] if value is not None else None
        f.add(3, m.start(), end, [
            (m.start(), end, "count", value, unit, list(f.qualifier(m.start())))
        ])  # fmt: skip
        return
    f.add(3, m.start(), end, [
        (m.start(), end, "sample_size", value, unit, list(f.qualifier(m.start())))
    ])  # fmt: skip


@_pattern(
    rf"(?P<a>{_N})\s+of\s+(?P<b>{_NUM})(?![\w.,]\d)(?!\s*%)"
    rf"(?:\s+(?:[a-z][\w-]*\s+|[A-Z]{{2,}}\s+){{0,2}}?(?P<u>{_POP})\b)?",
    cue=r"\sof\s+[\d.]",
    starts="number",
)
def _of(f: _Finder, m: re.Match) -> None:
    """A count out of a total: "9 of 75", "12 of 40 patients"."""
    extra = [("denominator", _num(m.group("b")))] + list(f.qualifier(m.start()))
    unit = _unit(m.group("u"))
    f.add(2, m.start(), m.end(), [
        (m.start(), m.end(), "count", _num(m.group("a")), unit, extra)
    ])  # fmt: skip


@_pattern(
    r"(?:\$|USD\s?|US\$|€|£)\s?(?P<a>\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"(?:\s?(?P<s>million|billion|thousand|[kKMB])\b)?"
    # a number starts where no digit stands before it: scanning a run of digits from each of
    # its positions would take quadratic time
    r"|(?<![\d,.])(?P<b>\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s+(?:dollars|USD|euros)\b",
    cue=r"[$€£]|USD|dollars|euros",
)
def _money(f: _Finder, m: re.Match) -> None:
    """Money: "$12,000", "$1.2 million", "500 dollars"."""
    num = re.search(_NUM, m.group())
    value = _num(num.group()) if num else None
    scale = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "b": 1e9}
    if value is not None and m.group("s"):
        value *= scale[m.group("s").lower()]
    f.add(3, m.start(), m.end(), [(m.start(), m.end(), "money", value, None, [])])


@_pattern(
    r"\b(?:(?P<q>less|more|fewer|greater)\s+than\s+)?(?P<w>half|twice|double|triple|quadruple|"
    r"one-third|two-thirds|one-quarter|three-quarters|a third|a quarter)\b"
    rf"|\b(?P<fold>(?:{_WORD})|\d+(?:\.\d+)?)[-\s]?fold\b",
    re.IGNORECASE,
    cue=r"half|twice|double|triple|quadruple|third|quarter|fold",
    digits=False,
    starts="word",
)
def _ratio_words(f: _Finder, m: re.Match) -> None:
    """Ratios in words: "less than half", "twice", "three-fold"."""
    values = {
        "half": 0.5, "twice": 2.0, "double": 2.0, "triple": 3.0, "quadruple": 4.0,
        "one-third": 1 / 3, "a third": 1 / 3, "two-thirds": 2 / 3, "one-quarter": 0.25,
        "a quarter": 0.25, "three-quarters": 0.75,
    }  # fmt: skip
    if m.group("fold"):
        fold = m.group("fold")
        value = written_value(fold) if fold[0].isalpha() else float(fold)
    else:
        value = values[m.group("w").lower()]
    extra = [("qualifier", f"{m.group('q').lower()} than")] if m.group("q") else []
    f.add(4, m.start(), m.end(), [(m.start(), m.end(), "ratio_words", value, None, extra)])


@_pattern(
    rf"(?P<w>{_WRITTEN})(?:(?P<sep>[-\s])(?P<u>{_TIME})(?![\w])"
    rf"|\s+(?:[a-z][\w-]*\s+|[A-Z]{{2,}}\s+){{0,2}}?(?P<p>{_POP})\b)?",
    re.IGNORECASE,
    cue=_WORD,
    digits=False,
    starts="word",
)
def _written(f: _Finder, m: re.Match) -> None:
    """Numbers in words: "Forty-eight patients", "two million", "five-year" (a duration)."""
    words = m.group("w")
    value = written_value(words)
    if value is None:
        return
    if words.lower() in ("one", "zero") and not m.group("u"):
        return  # "one" is mostly a pronoun ("all but one", "no one"): only "one year" counts
    if m.group("u"):
        unit = _unit(m.group("u"))
        extra = [("written", words)] + list(f.qualifier(m.start()))
        f.add(3, m.start(), m.end(), [(m.start(), m.end(), "duration", value, unit, extra)])
        return
    unit = _unit(m.group("p")) if m.group("p") else None
    end = m.end() if unit else m.end("w")
    extra = list(f.qualifier(m.start()))
    f.add(4, m.start(), end, [(m.start(), end, "written", value, unit, extra)])


_YEAR = re.compile(r"(?:19|20)\d{2}")
_LONG_DIGITS = re.compile(r"\d{5,}")
_WORD_AFTER = re.compile(r"\s+[A-Za-z]")
_COUNTED_AFTER = re.compile(rf"\s+(?:{_COUNTED})\b")


@_pattern(rf"(?P<a>{_N})(?![\w])(?!\.\d)", starts="number", last=True)
def _plain(f: _Finder, m: re.Match) -> None:
    """Any other number: a year, a code (by context), a count (before a word) or a number."""
    raw = m.group("a")
    value = _num(raw)
    after = f.text[m.end() : m.end() + 30]
    extra = list(f.qualifier(m.start()))
    if _YEAR.fullmatch(raw):
        kind, unit = "year", None
    elif _LONG_DIGITS.fullmatch(raw) and (raw[0] == "0" or f.code_context):
        kind, unit = "code", None
    elif "." not in raw and _WORD_AFTER.match(after):
        kind = "count"
        noun = _COUNTED_AFTER.match(after)
        unit = noun.group().strip().lower() if noun else None
    else:
        kind, unit = "number", None
    f.add(9, m.start(), m.end(), [(m.start(), m.end(), kind, value, unit, extra)])


MAX_NUMBERS = 1000  # numbers read in one sentence; a sentence with more is refused
_DIGIT_RUN = re.compile(r"\d+(?:[.,]\d+)*")


def count_numbers(text: str, start: int = 0, end: int | None = None) -> int:
    """How many numbers written with digits `text[start:end]` holds ("3,956" and "5.6" are one)."""
    return sum(1 for _ in _DIGIT_RUN.finditer(text, start, len(text) if end is None else end))


def _starts(where: str, text: str, known: dict[str, list[int]]) -> list[int]:
    """The sorted places where a pattern anchored `where` (see _STARTS) can match in `text`;
    `known` holds the places already found in this text, by name."""
    names = where.split(" or ")
    for name in names:
        if name not in known:
            if name == "n=" and "=" not in text:
                known[name] = []
            elif name == "to":
                known[name] = _before_to(text, known["number"])
            else:
                known[name] = [m.start() for m in _START_AT[name].finditer(text)]
    found = [known[name] for name in names if known[name]]
    if len(found) <= 1:
        return found[0] if found else []
    return sorted(set().union(*found))


_TO_SEP = re.compile(r"(?:to|–|—|-)\s*[\d.]", re.IGNORECASE)


def _before_to(text: str, numbers: list[int]) -> list[int]:
    """The numbers a "to" or dash with a number after it follows: where a "12 to 15" reading
    (_to) can start, other than at "from". Between its first number and its "to" stand only
    blanks and a unit (no digit), so it starts at the last number before a "to"."""
    out: list[int] = []
    for m in _TO_SEP.finditer(text):
        i = bisect_left(numbers, m.start())
        if i and (not out or out[-1] != numbers[i - 1]):
            out.append(numbers[i - 1])
    return out


def find_numbers(
    text: str, offset: int = 0, exclude: Sequence[tuple[int, int]] = ()
) -> list[NumberMention]:
    """Typed numbers stated in `text`, spans shifted by `offset`; `exclude` spans are not read."""
    masked = _mask(text, offset, exclude)
    finder = _Finder(masked)
    digits = _DIGIT.search(masked) is not None
    numbers = [m.start() for m in _NUMBER_START.finditer(masked)] if digits else []
    starts = {"number": numbers}
    low = masked.lower() if masked.isascii() else None
    last = None
    for regex, handler, wordy, words, cues, low_cues, where, is_last in _plan():
        if not digits and not wordy:
            continue
        if words is not None and low is not None:
            for w in words:
                if w in low:
                    break
            else:
                continue
        elif cues is not None:
            if low is not None and low_cues is not None:
                cues, cued = low_cues, low
            else:
                cued = masked
            missing = False
            for c in cues:
                if c.search(cued) is None:
                    missing = True
                    break
            if missing:
                continue
        if is_last:
            last = (regex, handler)
            continue
        if where is None:
            for m in regex.finditer(masked):
                handler(finder, m)
            continue
        places = starts.get(where)
        if places is None:
            places = starts[where] = _starts(where, masked, starts)
        end = 0  # what regex.finditer(masked) would find: a match at each place not inside
        for p in places:  # the previous match
            if p < end:
                continue
            m = regex.match(masked, p)
            if m is not None:
                handler(finder, m)
                end = m.end()
    if last is not None:
        # the plain number, at each number no kept reading covers (no number starts inside a
        # plain number, so trying only these finds what trying every number finds)
        finder.keep()
        regex, handler = last
        for p in numbers:
            if finder.covered(p):
                continue
            m = regex.match(masked, p)
            if m is not None and finder.free(m.start(), m.end()):
                handler(finder, m)
    mentions = finder.select()
    if not offset:
        return [_retext(n, text) for n in mentions]
    return [
        NumberMention(
            text[n.start : n.end],
            n.value,
            n.kind,
            n.start + offset,
            n.end + offset,
            n.unit,
            n.extra,
        )
        for n in mentions
    ]


def _retext(n: NumberMention, text: str) -> NumberMention:
    """Take a mention's text from the unmasked text."""
    return NumberMention(text[n.start : n.end], n.value, n.kind, n.start, n.end, n.unit, n.extra)
