"""What a sentence says about the study it cites, set against the study record.

A sentence that describes a study ("A 2-year prospective longitudinal Medicare Claims Benchmark
Study compared mild with interspinous spacers") is read for its design words, comparator,
population (Medicare, age bound, surgical or not), follow-up length and sponsor, and each is
set against the cited study's record (`studies.csv`: design, comparator, population,
follow_up, sponsor, name and note). Each aspect agrees, disagrees, or is not decided (the
record is silent, or the sentence does not say). Sizes are numbers and are matched as numbers.

Only a sentence's own markers count, or borrowed ones when the sentence names the study
("The MIDAS ENCORE ... RCT"): a marker further on may be about another study. A work whose
record was never read (cited only) is not compared.

>>> for a in describe_claim(ctx, ctx.by_id["nysipp-2026:s11.c01"]):
...     print(a.agrees, a.words()[:60])
False design "prospective" (medicare-spacers: claims-database coho
True design "Claims" (medicare-spacers: claims-database cohort)
True population "Medicare" (medicare-spacers: Medicare beneficiar
True comparator "interspinous spacers" (medicare-spacers: intersp
True follow-up "2-year" (medicare-spacers: 2 years after the inde
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.checks.context import CheckContext, has_record
from kb.checks.text import DESIGN_WORDS, design_words, organisation
from kb.model import Claim, Study, Work


@dataclass(frozen=True)
class Aspect:
    """One thing a sentence says about a cited study, and whether the study record bears it."""

    aspect: str  # design, comparator, population, follow-up, sponsor
    said: str  # the sentence's words
    record: str  # what the study record says
    agrees: bool
    study: str
    work: str
    ref: int

    def words(self) -> str:
        """'"prospective" (medicare-spacers: claims-database cohort)'."""
        return f'{self.aspect} "{self.said}" ({self.study}: {self.record})'


# A sentence about a study (not about a result): names a study or a design.
_STUDY_NOUN = re.compile(
    r"\b(?:stud(?:y|ies)|trials?|RCTs?|analys[ie]s|series|cohorts?|registry|review|guidelines?)\b",
    re.IGNORECASE | re.ASCII,
)
# A sentence that also asserts a result: a description match alone does not decide it.
RESULT_WORDS = re.compile(
    r"\bsignifican\w*|\bimprov\w*|\breduc\w*|\blower\b|\bhigher\b|\bbetter\b|\bworse\b|"
    r"\beffective\w*|\bsuperior\w*|\bdemonstrat\w*|\bshow(?:ed|n|s)?\b|\bsafe(?:ty)?\b|"
    r"\bdurab\w*|\bconclu\w*|\bsupports?\b|\brecommend\w*|\bfound\b",
    re.IGNORECASE | re.ASCII,
)

# Design words beyond kb.checks.text.DESIGN_WORDS: (pattern, designs that bear it out, or a
# record pattern that does).
_CLAIMS = re.compile(r"\bclaims?(?=[- ](?:based|data|database|analys|stud|benchmark|files?))",
                     re.IGNORECASE | re.ASCII)  # fmt: skip
_MULTI = re.compile(r"\bmulti-?cent(?:er|re|ric)\b|\bmulti-?site\b", re.IGNORECASE | re.ASCII)
_SINGLE = re.compile(
    r"\bsingle[- ]?(?:cent(?:er|re)|site|institution)\b|\bone cent(?:er|re)\b", re.IGNORECASE
)
_SITES = re.compile(r"\b(\d+)\s+(?:sites|centres|centers)\b", re.IGNORECASE)
_CONSECUTIVE = re.compile(r"\bconsecutive(?:ly)?\b", re.IGNORECASE | re.ASCII)

# Treatments a study may be compared with: name -> how a sentence or a record says it.
TREATMENTS: dict[str, re.Pattern[str]] = {
    name: re.compile(pat, re.IGNORECASE | re.ASCII)
    for name, pat in {
        "epidural steroid injections": r"\bepidural steroid injections?\b|\bESIs?\b",
        "interspinous spacers": r"\binterspinous (?:process )?(?:spacers?|devices?)\b|"
        r"\bspacers?\b",
        "laminectomy": r"\blaminectom(?:y|ies)\b",
        "conventional medical management": r"\bconventional medical management\b|\bCMM\b",
        "usual care": r"\busual care\b|\bstandard (?:of )?care\b",
        "sham": r"\bsham\b",
        "placebo": r"\bplacebo\b",
        "physical therapy": r"\bphysical therapy\b|\bphysiotherapy\b",
    }.items()
}
_COMPARE = re.compile(
    r"\bcompar\w*|\bversus\b|\bvs\.?(?=\s)|\bcontrol group\b|\bagainst\b|\brandomi[sz]ed to\b",
    re.IGNORECASE | re.ASCII,
)
_CONTROLLED = re.compile(r"\bcontrol(?:led)?\b", re.IGNORECASE | re.ASCII)

_MEDICARE = re.compile(
    r"\bMedicare\s+(?:patients|beneficiar\w+|population|claims|enrollees|members|cohorts?)\b",
    re.ASCII,
)
_AGE_BOUND = re.compile(
    r"\b(?:aged|ages?)\s*(?:≥|>=|>|over|older than|at least)\s*(\d{2})\b|"
    r"\b(?:aged\s+)?(\d{2})\s*(?:years?\s*)?(?:and|or)\s*(?:older|over)\b",
    re.IGNORECASE,
)
_SURGICAL = re.compile(r"\bsurgically\s+treated\b|\bsurgical\s+(?:patients|cohorts?)\b", re.I)
_NONSURGICAL = re.compile(r"\bnon-?surgical(?:ly)?\s+(?:patients|treated|managed|cohorts?)\b",
                          re.IGNORECASE)  # fmt: skip

_NUMWORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18}  # fmt: skip
_N = r"(\d+(?:\.\d+)?|" + "|".join(_NUMWORDS) + r")"
_DURATION = re.compile(rf"\b{_N}[- ](years?|months?|weeks?)\b", re.IGNORECASE)
_FOLLOWED = re.compile(
    rf"\b{_N}[- ](?:years?|months?|weeks?)[- ](?:follow[- ]?up|prospective|retrospective|"
    r"longitudinal|study|trial|data|results|outcomes|durability)\b",
    re.IGNORECASE,
)
_MONTHS = {"year": 12.0, "month": 1.0, "week": 12 / 52}
_SPONSORED = re.compile(
    r"\b(?:sponsored|funded|supported)\s+by\s+(?:an?\s+)?(?:(?:unrestricted\s+)?grants?\s+from\s+)?"
    r"(?:the\s+)?([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*)"
)
_INDEPENDENT = re.compile(
    r"\bindependent(?:ly)?[- ](?:funded|sponsored|stud\w+|trials?)\b|\binvestigator-initiated\b|"
    r"\bno industry (?:funding|support|sponsorship)\b",
    re.IGNORECASE,
)
_COMPANY = re.compile(r"\b(?:Inc|Ltd|LLC|GmbH|Medical|Devices?|Pharma\w*|Corp\w*)\b")


def _months(number: str, unit: str) -> float:
    n = _NUMWORDS.get(number.lower())
    value = float(n if n is not None else number)
    return value * _MONTHS[unit.lower().rstrip("s")]


def _durations(text: str) -> list[tuple[str, float]]:
    return [(m.group(), _months(m.group(1), m.group(2))) for m in _DURATION.finditer(text)]


def _name_words(study: Study) -> set[str]:
    """Distinctive words of a study's name ("ENCORE", "MOTION", "NORDSTEN"): capitals, 4+."""
    return {w.lower() for w in re.findall(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b", study.name)
            if len(w) >= 4}  # fmt: skip


def _names_study(text: str, study: Study) -> bool:
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return bool(_name_words(study) & words)


def cited_studies(ctx: CheckContext, claim: Claim) -> list[tuple[int, Work, Study]]:
    """The studies a sentence describes: those of its cited publications whose record was
    read, through its own markers, or borrowed ones when the sentence names the study."""
    sup = ctx.support[claim.id]
    if sup.via == "none":
        return []
    out = []
    for r in sup.refs:
        w = r.work
        if w is None or not w.is_publication or not has_record(ctx.kb, w):
            continue
        for st in r.studies:
            if sup.via == "own" or _names_study(claim.text, st.study):
                out.append((r.number, w, st.study))
    return out


def describes_study(claim: Claim) -> bool:
    """A sentence about a study: it names a study, trial, analysis ... or a design."""
    return bool(_STUDY_NOUN.search(claim.text) or design_words(claim.text))


def _record_text(st: Study) -> str:
    return " ".join(x for x in (st.name, st.population, st.note) if x)


def _design(text: str, st: Study) -> list[tuple[str, str, bool]]:
    """(words said, what the record says, agrees) for the design words."""
    out = []
    for key, written in design_words(text):
        out.append((written, st.design, st.design in DESIGN_WORDS[key][1]))
    m = _CLAIMS.search(text)
    if m:
        out.append((m.group(), st.design, st.design == "claims-database cohort"))
    rec = _record_text(st)
    m = _MULTI.search(text)
    if m:
        sites = [int(x) for x in _SITES.findall(rec)]
        if _SINGLE.search(rec):
            out.append((m.group(), "a single centre", False))
        elif _MULTI.search(rec) or any(n > 1 for n in sites):
            out.append((m.group(), f"{max(sites)} sites" if sites else "multicentre", True))
    m = _SINGLE.search(text)
    if m:
        sites = [int(x) for x in _SITES.findall(rec)]
        if any(n > 1 for n in sites) or _MULTI.search(rec):
            out.append((m.group(), f"{max(sites)} sites" if sites else "multicentre", False))
        elif _SINGLE.search(rec):
            out.append((m.group(), "a single centre", True))
    m = _CONSECUTIVE.search(text)
    if m and _CONSECUTIVE.search(rec):
        out.append((m.group(), "consecutive patients", True))
    return out


def _comparator(text: str, st: Study) -> list[tuple[str, str, bool]]:
    comp = (st.comparator or "").strip()
    if not comp or st.design in ("consensus guideline", "narrative review", "reference text"):
        return []
    cue = _COMPARE.search(text)
    if cue is None:
        return []
    after = text[cue.start() :]
    named = [(name, m.group()) for name, pat in TREATMENTS.items() if (m := pat.search(after))]
    single = comp.lower().startswith("none")
    out = []
    for name, said in named:
        if TREATMENTS[name].search(comp):
            out.append((said, comp, True))
        else:
            out.append((said, comp, False))
    if single and not named:
        m = re.search(r"\bcontrol group\b|\bcontrolled\b", text, re.IGNORECASE)
        if m:
            out.append((m.group(), comp, False))
    return out


def _population(text: str, st: Study) -> list[tuple[str, str, bool]]:
    pop = (st.population or "").strip()
    if not pop:
        return []
    rec = f"{st.name} {pop}"
    out = []
    m = _MEDICARE.search(text)
    if m:
        out.append(("Medicare", pop, "medicare" in rec.lower()))
    for m in _AGE_BOUND.finditer(text):
        bound = m.group(1) or m.group(2)
        ages = re.findall(r"\b(\d{2})\b", pop)
        if ages:
            out.append((m.group().strip(), pop, bound in ages))
    surgical = bool(re.search(r"\bsurg", pop, re.IGNORECASE))
    m = _SURGICAL.search(text)
    if m:
        out.append((m.group(), pop, surgical))
    m = _NONSURGICAL.search(text)
    if m and surgical:
        out.append((m.group(), pop, False))
    return out


def _follow_up(text: str, st: Study) -> list[tuple[str, str, bool]]:
    rec = (st.follow_up or "").strip()
    if not rec:
        return []
    if re.search(r"\bfollow[- ]?up\b|\bfollowed\b", text, re.IGNORECASE):
        said = _durations(text)
    else:  # "a 2-year prospective study": a length that says how long patients were followed
        said = [(d, n) for m in _FOLLOWED.finditer(text) for d, n in _durations(m.group())]
    record = [n for _, n in _durations(rec)]
    if not said or not record:
        return []
    longest = max(said, key=lambda d: d[1])
    return [(longest[0], rec, longest[1] <= max(record) + 1e-9)]


def _sponsor(ctx: CheckContext, text: str, st: Study, w: Work) -> list[tuple[str, str, bool]]:
    recorded = st.sponsor or w.sponsor or ""
    org = organisation(st.sponsor) or organisation(w.sponsor)
    if not org:
        return []
    out = []
    m = _SPONSORED.search(text)
    if m:
        said = m.group(1)
        first = said.split()[0].lower()
        out.append((m.group(), recorded, first in org.lower()))
    m = _INDEPENDENT.search(text)
    if m and _COMPANY.search(recorded):
        out.append((m.group(), recorded, False))
    return out


# The check and the verdict both read a claim's description: computed once per context (the
# context itself is kept with its results, so a reused id() cannot return another's).
_CACHE: dict[int, tuple[CheckContext, dict[str, tuple[Aspect, ...]]]] = {}


def describe_claim(ctx: CheckContext, claim: Claim) -> tuple[Aspect, ...]:
    """Every aspect of the cited studies a sentence describes, each agreeing or not."""
    hit = _CACHE.get(id(ctx))
    if hit is None or hit[0] is not ctx:
        _CACHE.clear()
        hit = _CACHE[id(ctx)] = (ctx, {})
    done = hit[1]
    if claim.id not in done:
        done[claim.id] = _describe(ctx, claim)
    return done[claim.id]


def _describe(ctx: CheckContext, claim: Claim) -> tuple[Aspect, ...]:
    if ctx.support[claim.id].via == "none":
        return ()
    studies = cited_studies(ctx, claim)
    if not studies or not describes_study(claim):
        return ()
    out: list[Aspect] = []
    seen: set[tuple[str, str, str]] = set()
    for ref, w, st in studies:
        found = [
            *(("design", *x) for x in _design(claim.text, st)),
            *(("population", *x) for x in _population(claim.text, st)),
            *(("comparator", *x) for x in _comparator(claim.text, st)),
            *(("follow-up", *x) for x in _follow_up(claim.text, st)),
            *(("sponsor", *x) for x in _sponsor(ctx, claim.text, st, w)),
        ]
        for aspect, said, record, agrees in found:
            if (aspect, said, st.id) in seen:
                continue
            seen.add((aspect, said, st.id))
            out.append(Aspect(aspect, said, record, agrees, st.id, w.citekey, ref))
    return tuple(out)


def agreeing_words(aspects: tuple[Aspect, ...]) -> str:
    """What the study record bears out, by aspect: 'design "RCT", "multicenter"; comparator
    "epidural steroid injections"'."""
    by: dict[str, list[str]] = {}
    for a in aspects:
        if a.agrees and f'"{a.said}"' not in by.get(a.aspect, []):
            by.setdefault(a.aspect, []).append(f'"{a.said}"')
    return "; ".join(f"{k} {', '.join(v)}" for k, v in by.items())


__all__ = ["Aspect", "RESULT_WORDS", "agreeing_words", "describe_claim", "describes_study"]
