"""Statements without numbers: what a sentence asserts, set against what the records hold.

A sentence such as "pain and opioid use fell significantly at 3, 6 and 12 months compared to
baseline" states no number, but it asserts a finding: outcomes (pain, opioid use), a direction
(better), a significance (significant), timepoints (3, 6, 12 months), a comparison (within the
group, from baseline) and sometimes an arm. `read_statement` reads those parts;
`match_statement` looks for them in the rows of the cited works: curated outcome rows (their
numbers and their `value_text`), machine numbers of imported records, and the sentences of
imported records (read with the same reader). The result names, for every part, whether a
record holds it, and quotes the rows that do (outcome id, work, locator, curated or extracted).

The synonym table is data (OUTCOME_TERMS): add a row to teach the reader a new outcome.

One module on purpose (over 500 lines): the letter's sentence and the record's row are read
with the same table and the same rules, and the matcher decides every part in one order;
split, a change to one side would silently stop matching the other.

>>> s = read_statement("Patients experienced statistically significant pain relief and "
...     "reduction of opioid utilization at 3, 6, and 12 months compared to baseline.")
>>> s.outcomes, s.direction, s.significance, s.timepoints, s.comparison
(('pain', 'opioid use'), 'better', 'significant', (3.0, 6.0, 12.0), 'within')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.checks.context import CheckContext, Support, has_record
from kb.model import Claim, Outcome, Record
from kb.reading.sentences import split_sentences

# --- the synonym table --------------------------------------------------------------------------
# One row per outcome a letter may speak of: its key (shown in reasons), how sentences name
# it, the recorded `measure`s that hold it, and whether more of it is better ("up") or worse
# ("down"). A record row belongs to an outcome when its measure is listed, or when its own
# words (outcome label, value_text, quote) match the pattern.
OUTCOME_TERMS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("ODI", r"\bODI\b|\boswestry", ("ODI",), "down"),
    ("NPRS", r"\bN?PRS\b|\bNRS\b|numeric\s+(?:pain\s+)?rating", ("NPRS",), "down"),
    ("VAS", r"\bVAS\b|visual\s+analog(?:ue)?", ("VAS",), "down"),
    ("PDI", r"\bPDI\b|pain\s+disability\s+index", ("PDI",), "down"),
    ("RMDQ", r"\bRMD?Q\b|roland[\s-]+morris", ("RMDQ",), "down"),
    ("ZCQ", r"\bZCQ\b|\bzurich", ("ZCQ", "ZCQ symptom severity", "ZCQ physical function",
                                  "ZCQ satisfaction"), "down"),
    ("pain", r"\bpain\s+(?:relief|scores?|levels?|intensity|reduction)|\b(?:less|reduced?)\s+"
             r"pain\b|\bpain\b(?!\s+(?:disability|physicians?|management|procedures?|medicine))",
     ("NPRS", "VAS"), "down"),
    ("disability", r"\bdisabilit(?:y|ies)\b|\bfunction(?:al)?\s+(?:improvement|abilit)",
     ("ODI", "PDI", "RMDQ", "ZCQ physical function"), "down"),
    ("walking", r"\bwalking\s+(?:tolerance|time|distance|ability)|\bWTT\b|\bwalk\s+(?:farther|"
                r"longer)", ("WTT", "walking distance"), "up"),
    ("standing", r"\bstanding\s+(?:time|tolerance)|\bstand\s+longer", ("standing time",), "up"),
    ("adverse events", r"\badverse\s+events?|\bAEs?\b|\bcomplications?\b|\bharms?\b|"
                       r"\bsafety\b", ("adverse events", "harms"), "down"),
    ("opioid use", r"\bopioids?\b|\bMME\b|morphine\s+milligram", ("MME", "opioid use"), "down"),
    ("subsequent interventions", r"\bsubsequent\s+(?:lumbar\s+)?(?:spine\s+)?(?:interventions?|"
                                 r"(?:surgical\s+)?procedures?)|\bSLSIs?\b|\bre-?operations?\b",
     ("subsequent intervention", "surgery", "treatment failure"), "down"),
    ("surgery", r"\bsurgery\b|\bsurgical\s+(?:decompression|intervention|procedures?)|"
                r"\blaminectomy\s+rates?", ("surgery",), "down"),
    ("spinal instability", r"\binstability\b", (), "down"),
    ("cost-effectiveness", r"\bcost[\s-]+effective\w*|\bcost\s+per\s+QALY",
     ("cost per QALY", "QALY"), "down"),
    ("resource use", r"\bresources?\b|\bspecialty\s+care\b|\butili[sz]ation\s+of\s+care",
     ("resource use",), "down"),
    ("all outcomes", r"\ball\s+(?:(?:primary|secondary|patient-reported)\s+"
                     r"(?:and\s+secondary\s+)?)?(?:outcomes?|outcome\s+measures|measures|"
                     r"scores)\b|\ball\s+but\s+one\s+outcome", (), ""),
)  # fmt: skip
_TERMS = tuple((k, re.compile(p, re.IGNORECASE), frozenset(m), d) for k, p, m, d in OUTCOME_TERMS)
POLARITY = {k: d for k, _, _, d in OUTCOME_TERMS}
EFFICACY = frozenset({"ODI", "NPRS", "VAS", "PDI", "RMDQ", "ZCQ", "pain", "disability",
                      "walking", "standing"})  # fmt: skip

# --- direction, significance, comparison ----------------------------------------------------------
_BETTER = re.compile(
    r"\bimprov\w*|\brelie[fv]\w*|\bbetter\b|\bsuperior\w*|\bin\s+favou?r\s+of|\bbenefit\w*|"
    r"\bfavou?rable\b|\beffective\b",
    re.IGNORECASE,
)
_DOWN = re.compile(r"\breduc\w*|\bdecreas\w*|\blower\b|\bfewer\b|\bless\b|\bfell\b|\bdrop\w*|"
                   r"\bdeclin\w*", re.IGNORECASE)  # fmt: skip
_UP = re.compile(r"\bincreas\w*|\bhigher\b|\bmore\b|\bgreater\b|\blonger\b|\bfarther\b|\brose\b",
                 re.IGNORECASE)  # fmt: skip
_WORSE = re.compile(r"\bworse\w*|\bdeteriorat\w*", re.IGNORECASE)
_SAME = re.compile(
    r"\bsimilar\b|\bno\s+(?:significant\s+)?(?:difference|change)\b|\bnot\s+(?:significantly\s+)?"
    r"different\b|\bdid\s+not\s+differ\b|\bcomparable\b|\bunchanged\b|\bnon-?inferior\w*",
    re.IGNORECASE,
)
_NOT_SIG = re.compile(
    r"\bnot\s+(?:statistically\s+)?significant\w*|\bno\s+(?:statistically\s+)?significant\s+"
    r"(?:difference|change)|\bnon-?significant",
    re.IGNORECASE,
)
_SIG = re.compile(r"\bsignificant\w*|\bstatistically\s+superior", re.IGNORECASE)
_ABSENT = re.compile(r"\bno\s+(?:evidence\s+of|signs?\s+of|cases?\s+of)\b|\bno\s+evidence\b|"
                     r"\babsence\s+of\b|\bfree\s+of\b|\bnone\b", re.IGNORECASE)  # fmt: skip
_EXCEPT = re.compile(r"\ball\s+but\s+(?:one|two|three|\d+)\b", re.IGNORECASE)
_WITHIN = re.compile(r"\bbaseline\b|\bpre-?\s*(?:and|to|vs\.?)\s*post|\bbefore\s+(?:and|vs\.?)\s+"
                     r"after\b", re.IGNORECASE)  # fmt: skip
_BETWEEN = re.compile(
    r"\bcompared\s+(?:to|with)\b(?!\s+baseline)|\bthan\b|\bvs\.?\b|\bversus\b|\bbetween\s+"
    r"(?:the\s+)?(?:two\s+)?(?:\w+\s+)?(?:groups|arms|cohorts)|\b(?:differ\w*|differences?)\s+between\b|\bbetween-groups?\b|\bin\s+favou?r\s+of\b|\brelative\s+to\b"
    r"(?!\s+baseline)",
    re.IGNORECASE,
)

# --- timepoints ---------------------------------------------------------------------------------
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18,
                 "twenty-four": 24}  # fmt: skip
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + ")"
_UNIT = r"(?P<u>weeks?|months?|years?|yr)"
_ONE = re.compile(rf"(?<![\w.])(?P<n>{_NUM})\s*-?\s*{_UNIT}\b", re.IGNORECASE)
_LIST = re.compile(
    rf"(?<![\w.])(?P<list>{_NUM}-?(?:\s*,\s*{_NUM}-?)*\s*,?\s*(?:and|or|to)\s+){_NUM}\s*-?\s*{_UNIT}\b",
    re.IGNORECASE,
)
_PER_MONTH = {"w": 12 / 52, "m": 1.0, "y": 12.0}


def _num(text: str) -> float:
    t = text.lower()
    return float(_NUMBER_WORDS.get(t, t))


def timepoints(text: str) -> tuple[float, ...]:
    """Timepoints a text names, in months ("6-month, 1-year, and 2-year" -> 6, 12, 24).

    >>> timepoints("at 3, 6, and 12 months compared to baseline")
    (3.0, 6.0, 12.0)
    >>> timepoints("through 6-month, 1-year, and 2-year follow-ups")
    (6.0, 12.0, 24.0)
    """
    found: set[float] = set()
    for m in _ONE.finditer(text):
        found.add(round(_num(m.group("n")) * _PER_MONTH[m.group("u")[0].lower()], 1))
    for m in _LIST.finditer(text):
        per = _PER_MONTH[m.group("u")[0].lower()]
        for n in re.findall(_NUM, m.group("list"), re.IGNORECASE):
            found.add(round(_num(n) * per, 1))
    return tuple(sorted(found))


def _through(text: str) -> float | None:
    """'through 2 years' / 'within 5 years' / '-> 12 months': the last timepoint covered."""
    m = re.search(rf"\b(?:through|within|up\s+to|out\s+to)\s+(?P<n>{_NUM})\s*-?\s*{_UNIT}",
                  text, re.IGNORECASE)  # fmt: skip
    if m:
        return round(_num(m.group("n")) * _PER_MONTH[m.group("u")[0].lower()], 1)
    return None


# --- what a sentence asserts --------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """The finding a sentence (or a record's sentence or row) asserts, part by part.

    direction is 'better', 'worse' or 'same' (for the outcome: less pain is better, a longer
    walk is better); significance 'significant' or 'not significant'; comparison 'within'
    (from baseline) or 'between' (against a comparator); absent: the sentence says there was
    none of it ("no evidence of spinal instability")."""

    outcomes: tuple[str, ...] = ()
    direction: str | None = None
    significance: str | None = None
    timepoints: tuple[float, ...] = ()
    comparison: str | None = None
    absent: bool = False
    through: float | None = None

    @property
    def asserts(self) -> bool:
        """True when there is a finding to look for: an outcome and something said of it."""
        return bool(self.outcomes) and bool(self.direction or self.significance or self.absent)


def outcomes_named(text: str) -> tuple[str, ...]:
    """The outcome keys a text names, in table order (a named scale hides its generic word:
    "NPRS" is not also "pain")."""
    keys = [k for k, pat, _, _ in _TERMS if pat.search(text)]
    named = set(keys)
    if named & {"NPRS", "VAS"}:
        named.discard("pain")
    if named & {"ODI", "PDI", "RMDQ"}:
        named.discard("disability")
    if "subsequent interventions" in named:
        named.discard("surgery")
    return tuple(k for k in keys if k in named)


def _direction(text: str, outcomes: tuple[str, ...]) -> str | None:
    if _SAME.search(text):
        return "same"
    if _WORSE.search(text):
        return "worse"
    if _BETTER.search(text):
        return "better"
    polarity = {POLARITY.get(k, "") for k in outcomes} - {""}
    if len(polarity) != 1:
        return None
    pol = polarity.pop()
    if _DOWN.search(text):
        return "better" if pol == "down" else "worse"
    if _UP.search(text):
        return "better" if pol == "up" else "worse"
    return None


def _significance(text: str) -> str | None:
    if _NOT_SIG.search(text):
        return "not significant"
    if _SIG.search(text):
        return "significant"
    return None


def _comparison(text: str) -> str | None:
    if _WITHIN.search(text):
        return "within"
    if _BETWEEN.search(text):
        return "between"
    return None


def read_statement(text: str) -> Statement:
    """The finding a sentence asserts (see Statement).

    >>> read_statement("no evidence of spinal instability through 2-year follow-up").absent
    True
    >>> read_statement("Differences between the two age groups were not statistically "
    ...     "significant").significance
    'not significant'
    """
    outs = outcomes_named(text)
    return Statement(
        outcomes=outs,
        direction=_direction(text, outs),
        significance=_significance(text),
        timepoints=timepoints(text),
        comparison=_comparison(text),
        absent=bool(_ABSENT.search(text)),
        through=_through(text),
    )


# --- what a record row asserts ------------------------------------------------------------------


def _p_significance(p: str | None) -> str | None:
    if not p:
        return None
    m = re.search(r"([<>≤≥=]?)\s*(0?\.\d+|\d+(?:\.\d+)?)", p)
    if not m:
        return None
    value = float(m.group(2))
    if m.group(1) in ("<", "≤") and value <= 0.05:
        return "significant"
    if m.group(1) in ("", "=") and value <= 0.05:
        return "significant"
    if value > 0.05 and m.group(1) in ("", "=", ">", "≥"):
        return "not significant"
    return None


def _p_in(text: str | None) -> str | None:
    """The first p-value a record sentence prints ("p < 0.001" -> "< 0.001")."""
    m = re.search(r"\bp\s*([<>≤≥=])\s*(0?\.\d+)", text or "", re.IGNORECASE)
    return f"{m.group(1)}{m.group(2)}" if m else None


def _row_keys(o: Outcome, words: str) -> tuple[str, ...]:
    keys = [k for k, pat, measures, _ in _TERMS if o.measure in measures or pat.search(words)]
    return tuple(dict.fromkeys(keys))


def row_statement(o: Outcome) -> Statement:
    """What one outcome row asserts, read from its fields (value and comparator included).

    >>> o = Outcome("x", "s", "w", "VAS", "VAS pain", None, "baseline -> 12 months", None, 3.6,
    ...     "7.1 -> 3.6", "points", None, None, 7.1, None, "<0.0001")
    >>> st = row_statement(o); st.direction, st.significance, st.comparison, st.timepoints
    ('better', 'significant', 'within', (12.0,))
    """
    words = " ".join(filter(None, (o.outcome, o.value_text, o.comparator_text, o.quote)))
    keys = _row_keys(o, words)
    said = read_statement(words) if words else Statement()
    direction = said.direction
    pol = {POLARITY.get(k, "") for k in keys} - {""}
    pol_one = pol.pop() if len(pol) == 1 else ""
    between = bool(
        (o.arm and re.search(r"\bvs\.?\b|\bversus\b", o.arm))
        or re.search(r"\bbetween\b", o.outcome or "")
        or (o.comparator_value is not None and "comparator is" in (o.note or "").lower())
    )
    within = bool(
        re.search(r"baseline", f"{o.timepoint or ''} {o.unit or ''} {words}", re.IGNORECASE)
        or (re.search(r"improvement|change", o.outcome or "", re.IGNORECASE) and not between)
    )
    if direction is None and o.value is not None:
        if re.search(r"improvement", o.outcome or "", re.IGNORECASE):
            direction = "better" if o.value > 0 else "worse" if o.value < 0 else "same"
        elif o.comparator_value is not None and pol_one and o.value != o.comparator_value:
            up = o.value > o.comparator_value
            direction = "better" if up == (pol_one == "up") else "worse"
    absent = said.absent or (
        o.measure in ("adverse events", "harms") and (o.value == 0 or o.count == 0)
    )
    tps = timepoints(o.timepoint or "") or (said.timepoints if o.origin == "extracted" else ())
    return Statement(
        outcomes=keys,
        direction=direction,
        significance=_p_significance(o.p_value)
        or _p_significance(_p_in(o.quote))
        or said.significance,
        timepoints=tps,
        comparison="between" if between else "within" if within else said.comparison,
        absent=absent,
        through=_through(o.timepoint or "") or (max(tps) if "->" in (o.timepoint or "") else None),
    )


# --- matching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """One thing a record holds, as the matcher sees it: an outcome row (curated or a machine
    number) or a sentence of an imported record."""

    id: str
    work: str
    locator: str
    origin: str  # "curated" or "extracted"
    verified: bool
    text: str  # the record's words, quoted in reasons
    said: Statement
    outcome: Outcome | None = None

    def cite(self) -> str:
        """'ccfr-12m-nprs [mekhail2021durability, abstract, curated]: "..."'"""
        how = "curated" if self.origin == "curated" else "extracted from the record, not reviewed"
        if not self.verified and self.origin == "curated":
            how += ", not verified in the record"
        return f'{self.id} [{self.work}, {self.locator}, {how}]: "{self.text}"'


_WHOLE_UNITS = frozenset({"patients", "events", "sites", "studies", "charts", "consensus points"})


def _shown(value: float, unit: str | None) -> str:
    """A recorded value as the curated data hold it: 1.0 points stays 1.0 (a float cannot say
    whether the record printed 1 or 1.0, so one decimal is kept below 100), counts, zeros and
    large figures without one."""
    if value.is_integer() and (value == 0 or abs(value) >= 100 or unit in _WHOLE_UNITS):
        return str(int(value))
    return str(value)


def _row_text(o: Outcome) -> str:
    bits = [o.outcome or o.measure]
    if o.arm:
        bits.append(o.arm)
    if o.timepoint:
        bits.append(o.timepoint)
    value = o.value_text or (
        None if o.value is None else f"{_shown(o.value, o.unit)}{' ' + o.unit if o.unit else ''}"
    )
    if value:
        bits.append(value)
    elif o.note:
        bits.append(o.note)
    if o.p_value:
        bits.append(f"p {o.p_value}")
    return ", ".join(bits)


# A record's sentence that sets up the study rather than reporting a result: its section, or
# words of eligibility, design and recommendation.
_SETUP_PART = re.compile(r"background|introduction|objective|aim|purpose|method|design|setting|"
                         r"participant|intervention", re.IGNORECASE)  # fmt: skip
_SETUP_WORDS = re.compile(
    r"\brecommend\w*|\bshould\b|\beligib\w*|\binclusion\b|\bcriteri\w*|\bwere\s+randomi[sz]ed\s+"
    r"to\b|\bprimary\s+(?:outcome|end\s*point)\s+was\b|\bwas\s+assessed\b|\bwere\s+assessed\b",
    re.IGNORECASE,
)


def _reports_result(label: str, sentence: str) -> bool:
    return not _SETUP_PART.search(label or "") and not _SETUP_WORDS.search(sentence)


# the result sentences of a record, read once per record text (records are frozen)
_SENTENCE_ROWS: dict[tuple[str, str, int, int], tuple[RecordRow, ...]] = {}


def _sentence_rows(rec: Record, citekey: str) -> tuple[RecordRow, ...]:
    key = (rec.id, rec.file, rec.index, hash(rec.text))
    if key in _SENTENCE_ROWS:
        return _SENTENCE_ROWS[key]
    out = []
    for part in rec.parts:
        if part.kind == "title" or _SETUP_PART.search(part.label or ""):
            continue
        for s, e in split_sentences(rec.text, part.start, part.end):
            sentence = rec.text[s:e].strip()
            said = read_statement(sentence)
            if not said.asserts or _SETUP_WORDS.search(sentence):
                continue
            where = f"{rec.format} record ({rec.scope}), {part.label}"
            out.append(
                RecordRow(f"{rec.id}@{s}", citekey, where, "extracted", False, sentence, said)
            )
    if len(_SENTENCE_ROWS) > 10_000:
        _SENTENCE_ROWS.clear()
    _SENTENCE_ROWS[key] = tuple(out)
    return _SENTENCE_ROWS[key]


def record_rows(ctx: CheckContext, sup: Support) -> list[RecordRow]:
    """Everything the cited works' records hold that a statement can be matched against: the
    curated rows (numbers and value_text), machine numbers and the result sentences of
    imported records (not those of their background or methods)."""
    out: list[RecordRow] = []
    for w in sup.works:
        if not has_record(ctx.kb, w):
            continue
        for o in ctx.outcomes_by_work.get(w.citekey, ()):
            if o.measure == "sample size":
                continue
            where = o.locator or "locator unknown"
            trusted = o.verified and w.verified
            out.append(
                RecordRow(o.id, o.work, where, o.origin, trusted, _row_text(o), row_statement(o), o)
            )
        for o in ctx.extracted_by_work.get(w.citekey, ()):
            if not _reports_result((o.locator or "").rsplit(", ", 1)[-1], o.quote or ""):
                continue
            out.append(RecordRow(o.id, o.work, o.locator or "", "extracted", False,
                                 o.quote or o.value_text or "", row_statement(o), o))  # fmt: skip
        for rec in ctx.kb.records.get(w.citekey, ()):
            out.extend(_sentence_rows(rec, w.citekey))
    return out


@dataclass(frozen=True)
class StatementMatch:
    """A sentence's asserted finding set against its cited records.

    status: 'supported' (every part found), 'partly' (the outcome found, some parts not),
    'contradicted' (a record says the opposite direction or significance), 'not found' (no
    record row speaks of the outcome). found/missing name the parts; rows are those quoted."""

    claim: str
    statement: Statement
    status: str
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    rows: tuple[RecordRow, ...] = ()
    against: RecordRow | None = None
    contra: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        """Curated and machine-number outcome ids among the rows quoted."""
        return tuple(r.id for r in self.rows if r.outcome is not None)


def _covers(row: Statement, tp: float) -> bool:
    if any(abs(t - tp) < 0.6 for t in row.timepoints):
        return True
    return row.through is not None and 0 < tp <= row.through + 0.1


def _about(row: RecordRow, key: str) -> bool:
    if key in row.said.outcomes:
        return True
    if key == "all outcomes":
        return bool(set(row.said.outcomes) & EFFICACY)
    return key in EFFICACY and "all outcomes" in row.said.outcomes


def _tp_words(tp: float) -> str:
    if tp >= 12 and tp % 12 == 0:
        years = int(tp // 12)
        return f"{years} year{'s' if years != 1 else ''}"
    shown = f"{tp:g}"
    return f"{shown} month{'s' if shown != '1' else ''}"


def _parts(stmt: Statement) -> list[str]:
    out = []
    if stmt.absent:
        out.append("absence")
    elif stmt.direction:
        out.append("direction")
    if stmt.significance:
        out.append("significance")
    if stmt.comparison:
        out.append("comparison")
    out += [f"tp:{t}" for t in stmt.timepoints]
    return out


def _part_words(part: str, stmt: Statement) -> str:
    if part.startswith("tp:"):
        return _tp_words(float(part[3:]))
    if part == "direction":
        return {"better": "an improvement", "worse": "a worsening", "same": "no difference"}[
            stmt.direction or "same"
        ]
    if part == "absence":
        return "none observed"
    if part == "comparison":
        return "from baseline" if stmt.comparison == "within" else "against the comparator"
    if part == "arm":
        return "the group named"
    return stmt.significance or ""


_ARM_SPLIT = re.compile(r"\s+vs\.?\s+|\s+versus\s+|;|,|\+|\s+and\s+", re.IGNORECASE)
_ANY_ARM = frozenset({"all", "both", "both arms", "both groups", "total", "overall"})


def _arm_names(arm: str | None) -> set[str]:
    """The groups an arm label names ("mild+CMM vs CMM alone" -> mild, cmm, cmm alone)."""
    names = {a.strip().lower() for a in _ARM_SPLIT.split(arm or "")}
    return {a for a in names if len(a) >= 3 and a not in _ANY_ARM}


def named_arms(text: str, arms: set[str]) -> tuple[str, ...]:
    """The groups of the cited studies a sentence names, as the records label them.

    >>> named_arms("a lower rate of harms for mild compared to spacers", {"mild", "esi"})
    ('mild',)
    """
    return tuple(
        sorted(a for a in arms if re.search(rf"(?<![\w+]){re.escape(a)}(?![\w+])", text, re.I))
    )


def _arm_holds(names: tuple[str, ...], r: RecordRow) -> bool | None:
    arm = r.outcome.arm if r.outcome is not None else None
    if not arm or arm.strip().lower() in _ANY_ARM:
        return True  # a single group, or every group
    return True if _arm_names(arm) & set(names) else None


def _holds(part: str, stmt: Statement, r: RecordRow, arms: tuple[str, ...] = ()) -> bool | None:
    """True: the row holds this part; False: it says the opposite; None: it does not say."""
    row = r.said
    if part == "arm":
        return _arm_holds(arms, r)
    if part.startswith("tp:"):
        return True if _covers(row, float(part[3:])) else None
    if part == "absence":
        return True if row.absent else None
    if part == "direction":
        if row.direction is None:
            return None
        return row.direction == stmt.direction
    if part == "significance":
        if row.significance is None:
            return None
        return row.significance == stmt.significance
    if part == "comparison":
        return True if row.comparison == stmt.comparison else None
    return None


def match_statement(ctx: CheckContext, claim: Claim, text: str | None = None) -> StatementMatch:
    """Set the finding a claim asserts against the rows of its cited works (see module doc).

    >>> m = match_statement(ctx_fixture, next(c for c in ctx_fixture.claims
    ...     if c.text.startswith("Walking distance improved significantly")))
    >>> m.status, m.rows[0].id
    ('supported', 'cole-2y-walking')
    """
    stmt = read_statement(text if text is not None else claim.text)
    if not stmt.asserts:
        return StatementMatch(claim.id, stmt, "no finding")
    rows = record_rows(ctx, ctx.support[claim.id])
    parts = _parts(stmt)
    sup = ctx.support[claim.id]
    known = {a for w in sup.works for o in ctx.outcomes_by_work.get(w.citekey, ())
             for a in _arm_names(o.arm)}  # fmt: skip
    known |= {a for r in sup.refs for st in r.studies for o in st.outcomes
              for a in _arm_names(o.arm)}  # fmt: skip
    arms = named_arms(text if text is not None else claim.text, known)
    if arms:
        parts.append("arm")
    found: dict[str, RecordRow] = {}
    against: tuple[RecordRow, str] | None = None
    quoted: list[RecordRow] = []
    missing_outcomes = []
    for key in stmt.outcomes:
        about = [r for r in rows if _about(r, key)]
        if not about:
            missing_outcomes.append(key)
            continue
        best = max(
            about,
            key=lambda r: (
                sum(_holds(p, stmt, r, arms) is True for p in parts),
                r.origin == "curated",
                r.verified,
            ),
        )
        quoted.append(best)
        if key == "all outcomes":  # quote one row per outcome that bears it out
            core = [p for p in parts if p in ("direction", "absence", "significance")]
            seen = set(best.said.outcomes)
            for r in about:
                if all(_holds(p, stmt, r, arms) is True for p in core[:1]) and not (
                    set(r.said.outcomes) <= seen
                ):
                    seen |= set(r.said.outcomes)
                    quoted.append(r)
        for p in parts:
            verdicts = [(r, _holds(p, stmt, r, arms)) for r in about]
            yes = [r for r, h in verdicts if h is True]
            no = [r for r, h in verdicts if h is False]
            if yes:
                found.setdefault(p, best if best in yes else yes[0])
            elif no and p in ("direction", "significance") and against is None:
                # a row says the opposite only of the same comparison and the same time
                comparable = [
                    r for r in no
                    if (stmt.comparison is None or r.said.comparison == stmt.comparison)
                    and ("arm" not in parts or _arm_holds(arms, r))
                    and (not stmt.timepoints or not r.said.timepoints
                         or any(_covers(r.said, t) for t in stmt.timepoints))
                ]  # fmt: skip
                if comparable:
                    against = (comparable[0], p)
    for r in found.values():
        if r not in quoted:
            quoted.append(r)
    word = lambda p: _part_words(p, stmt)  # noqa: E731
    if against is not None:
        row, p = against
        return StatementMatch(
            claim.id, stmt, "contradicted", tuple(map(word, found)), (), tuple(quoted), row,
            f"the sentence says {word(p)} but {row.cite()}",
        )  # fmt: skip
    if len(missing_outcomes) == len(stmt.outcomes):
        return StatementMatch(claim.id, stmt, "not found", (), tuple(stmt.outcomes), ())
    core = [p for p in parts if p in ("direction", "absence", "significance")]
    if not any(p in found for p in core):
        # rows speak of the outcome, but none of them says what the sentence says of it
        return StatementMatch(
            claim.id, stmt, "not found", (), tuple(map(word, core)), tuple(quoted)
        )
    missing = [word(p) for p in parts if p not in found] + missing_outcomes
    if "arm" in parts and "arm" not in found:
        missing[missing.index(word("arm"))] = f"the group named ({', '.join(arms)})"
    if _EXCEPT.search(text if text is not None else claim.text):
        missing.append("which measure is the exception (the records name none)")
    status = "supported" if not missing else "partly"
    return StatementMatch(
        claim.id, stmt, status, tuple(map(word, (p for p in parts if p in found))),
        tuple(missing), tuple(quoted),
    )  # fmt: skip


def statement_reason(m: StatementMatch, keys: str, via: str) -> str:
    """The verdict's reason for a statement match, naming the records and what is missing."""
    said = ", ".join(m.statement.outcomes)
    quotes = "; ".join(r.cite() for r in m.rows[:3])
    if m.status == "contradicted":
        return f"It says {said}: {m.contra}{via}."
    if m.status == "supported":
        return f"Its finding on {said} is in the record: {quotes}{via}."
    if m.status == "partly":
        have = ", ".join(m.found) if m.found else "the outcome"
        return (
            f"Its finding on {said} is partly in the record ({have} found): {quotes}; not in "
            f"the records as read: {', '.join(m.missing)}{via}."
        )
    if m.status == "not found" and m.rows:
        return (
            f"It asserts {', '.join(m.missing)} for {said}; the rows on it do not say so "
            f"({quotes}); an analyst must read {keys}{via}."
        )
    if m.status == "not found":
        return (
            f"It asserts a finding on {said}, which no row of {keys} holds (nothing on "
            f"{', '.join(m.missing)}); an analyst must read {keys}{via}."
        )
    return (
        f"It states no number and no finding the checks can read (an outcome with a direction "
        f"or significance); an analyst must read {keys}{via}."
    )
