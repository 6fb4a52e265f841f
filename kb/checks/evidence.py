"""Evidence checks: what kind of evidence a claim rests on, and who stands behind it."""

from __future__ import annotations

import re
from collections import defaultdict

from kb.checks import check, emit
from kb.checks.context import CheckContext
from kb.checks.description import describe_claim
from kb.checks.text import DESIGN_WORDS, design_words, organisation, person_name, same_person
from kb.model import Finding, Study, Work

_EVIDENCE_WORDS = re.compile(
    r"\brecommend\w*|\blevel\s+of\s+evidence\b|\bevidence\s+level\b|\bgrade\s+[A-D]\b|"
    r"\beffective\w*|\befficacy\b|\bsafe(?:ty)?\b|\bsuperior\w*|\bproven\b|\bdurab\w*",
    re.IGNORECASE | re.ASCII,
)
CONSENSUS = ("consensus guideline",)


def _studies(ctx: CheckContext, claim_id: str) -> list[tuple[int, Work, Study]]:
    out = []
    for r in ctx.support[claim_id].refs:
        if r.work is None or not r.work.is_publication:
            continue
        for st in r.studies:
            out.append((r.number, r.work, st.study))
    return out


@check(
    code="EVID-CONSENSUS-ONLY",
    severity="info",
    family="evidence",
    title="evidence claim resting only on consensus guidance",
    example="Rests only on consensus guidance (ref 22: deer2022mist2, a consensus guideline); "
    "no study is cited for it.",
)
def consensus_only(ctx: CheckContext) -> list[Finding]:
    """A sentence about efficacy, safety or grades of evidence cites only consensus guidance.

    Seen in the bundled letter:
        "Consensus Point 6 recommends that PILD should be considered ... (Level of evidence
        1-A)²²"  -> EVID-CONSENSUS-ONLY: Rests only on consensus guidance (ref 22: ...)

    On the hand-made fixture (tests/fixtures/checks):

    >>> consensus_only(ctx_fixture)[0].message[:56]
    'Rests only on consensus guidance (ref 4: dunn2019consens'
    """
    out = []
    for c in ctx.claims:
        found = _studies(ctx, c.id)
        if not found or not _EVIDENCE_WORDS.search(c.text):
            continue
        if not all(st.design in CONSENSUS for _, _, st in found):
            continue
        refs = sorted({n for n, _, _ in found})
        keys = ", ".join(dict.fromkeys(f"ref {n}: {w.citekey}" for n, w, _ in found))
        words = sorted({m.group().lower() for m in _EVIDENCE_WORDS.finditer(c.text)})
        out.append(
            emit(
                "EVID-CONSENSUS-ONLY",
                c.document,
                c.id,
                f"Rests only on consensus guidance ({keys}, a consensus guideline); no study is "
                "cited for it.",
                works=[w.citekey for _, w, _ in found],
                refs=refs,
                evidence=(("words", tuple(words)),),
            )
        )
    return out


@check(
    code="EVID-DESIGN-WORD",
    severity="warning",
    family="evidence",
    title="design word the cited study's design does not bear out",
    example='The letter calls the study behind ref 19 "prospective", but staats2023spacers '
    "reports medicare-spacers, a claims-database cohort.",
)
def design_word(ctx: CheckContext) -> list[Finding]:
    """The sentence calls the cited study randomized, prospective, level 1 ... and it is not.

    Only a sentence's own markers count here.

    Seen in the bundled letter:
        "A 2-year prospective longitudinal Medicare Claims Benchmark Study compared ...¹⁹"
        -> EVID-DESIGN-WORD: The letter calls the study behind ref 19 "prospective", but ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> design_word(ctx_fixture)[0].message[:56]
    'The letter calls the study behind ref 6 "prospective", b'
    """
    out = []
    for c in ctx.claims:
        if ctx.support[c.id].via != "own":
            continue  # a borrowed marker may not be about the study this sentence describes
        found = _studies(ctx, c.id)
        if not found:
            continue
        designs = {st.design for _, _, st in found}
        for key, written in design_words(c.text):
            allowed = DESIGN_WORDS[key][1]
            if designs & allowed:
                continue
            refs = sorted({n for n, _, _ in found})
            what = "; ".join(
                dict.fromkeys(f"{w.citekey} reports {st.id}, a {st.design}" for _, w, st in found)
            )
            out.append(
                emit(
                    "EVID-DESIGN-WORD",
                    c.document,
                    c.id,
                    f"The letter calls the study behind ref {', '.join(map(str, refs))} "
                    f'"{written}", but {what}.',
                    works=[w.citekey for _, w, _ in found],
                    refs=refs,
                    evidence=(("word", written), ("designs", tuple(sorted(designs)))),
                )
            )
    return out


_NCD_RE = re.compile(
    r"\bNCDs?\b|National\s+Coverage\s+Determinations?|Medicare\s+covers|"
    r"covered\s+(?:under|by)\s+Medicare|Medicare\s+coverage",
    re.IGNORECASE,
)
_CED_RE = re.compile(
    r"evidence\s+development|\bCED\b|approved\s+(?:clinical\s+)?(?:study|studies|trial|registry)|"
    r"enrolled\s+in\s+an?\s+(?:\w+\s+){0,4}(?:study|trial|registry)",
    re.IGNORECASE,
)


@check(
    code="EVID-NCD-WITHOUT-CED",
    severity="warning",
    family="evidence",
    title="Medicare coverage cited without its coverage-with-evidence-development condition",
    example='"covered under Medicare\u2019s National Coverage Determination" is cited without its '
    "condition: an NCD may cover a procedure only under coverage with evidence development "
    "(inside an approved study), and neither this sentence nor its paragraph says so.",
)
def ncd_without_ced(ctx: CheckContext) -> list[Finding]:
    """A sentence cites a Medicare national coverage determination (or says Medicare covers
    the procedure) and neither it nor its paragraph names the condition such coverage may carry:
    coverage with evidence development, only for patients inside an approved study.

    Seen in the bundled 2024 statement:
        "The mild Procedure is covered under Medicare's National Coverage Determination (NCD)
        ... 150.13" -> EVID-NCD-WITHOUT-CED (NCD 150.13 covers PILD only under CED)

    On the hand-made fixture (tests/fixtures/checks):

    >>> ncd_without_ced(ctx_fixture)[0].message[:56]
    '"Medicare covers" is cited without its condition: an NCD'
    """
    out = []
    for c in ctx.claims:
        text = " ".join(c.text.split())
        m = _NCD_RE.search(text)
        if m is None or _CED_RE.search(text):
            continue
        if any(_CED_RE.search(" ".join(o.text.split())) for o in ctx.paragraph(c)):
            continue
        refs = ctx.support[c.id].numbers if ctx.support[c.id].via == "own" else ()
        out.append(
            emit(
                "EVID-NCD-WITHOUT-CED",
                c.document,
                c.id,
                f'"{m.group()}" is cited without its condition: an NCD may cover a procedure '
                "only under coverage with evidence development (inside an approved study), and "
                "neither this sentence nor its paragraph says so.",
                refs=refs,
                evidence=(("words", m.group()),),
            )
        )
    return out


@check(
    code="EVID-STUDY-DESCRIPTION",
    severity="warning",
    family="evidence",
    title="description of a study (comparator, population, follow-up, sponsor, centres) the "
    "study record does not bear out",
    example='The letter says "sham" of the study behind ref 5, but the record of trial-a says '
    "comparator: usual care.",
)
def study_description(ctx: CheckContext) -> list[Finding]:
    """A sentence describes the cited study otherwise than its record: another comparator, a
    population the record does not name, a longer follow-up, another sponsor, several centres
    for one (design words are EVID-DESIGN-WORD's).

    Only a sentence's own markers count, or borrowed ones when it names the study
    (kb.checks.description).

    On the hand-made fixture (tests/fixtures/checks):

    >>> study_description(ctx_fixture)[0].message[:56]
    'The letter says "sham" of the study behind ref 5, but th'
    """
    out = []
    for c in ctx.claims:
        core = {written for _, written in design_words(c.text)}
        wrong = [
            a
            for a in describe_claim(ctx, c)
            if not a.agrees and not (a.aspect == "design" and a.said in core)
        ]
        for a in wrong:
            out.append(
                emit(
                    "EVID-STUDY-DESCRIPTION",
                    c.document,
                    c.id,
                    f'The letter says "{a.said}" of the study behind ref {a.ref}, but the record '
                    f"of {a.study} says {a.aspect}: {a.record}.",
                    works=(a.work,),
                    refs=(a.ref,),
                    evidence=(("aspect", a.aspect), ("said", a.said), ("record", a.record)),
                )
            )
    return out


def work_sponsor(ctx: CheckContext, w: Work) -> str | None:
    """The organisation that sponsored or funded a work (its own note, else its study's)."""
    org = organisation(w.sponsor)
    if org:
        return org
    for st in ctx.kb.studies_of(w.citekey):
        org = organisation(st.sponsor)
        if org:
            return org
    return None


@check(
    code="EVID-SPONSOR",
    severity="info",
    family="evidence",
    title="one sponsor behind many cited works",
    example="10 of the 25 works nysipp-2026 cites (refs 3–4, 6, 11–16, 19, 26) name Vertos "
    "Medical as sponsor or funder, of the work or of the study it reports.",
)
def sponsor(ctx: CheckContext) -> list[Finding]:
    """Two or more of a document's cited works name the same sponsor or funder.

    Seen in the bundled letter:
        refs 3, 11-16, 19, 26 ... all name Vertos Medical as sponsor or funder
        -> EVID-SPONSOR: 10 of the 25 works nysipp-2026 cites (...) name Vertos Medical ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> sponsor(ctx_fixture)[0].message[:56]
    '3 of the 7 works bad cites (refs 1–2, 5, 7) name Acme De'
    """
    out = []
    for doc_id in ctx.entries:
        cited = ctx.cited_works(doc_id)
        by_org: dict[str, list[str]] = defaultdict(list)
        for key in cited:
            org = work_sponsor(ctx, ctx.kb.works[key])
            if org:
                by_org[org].append(key)
        for org, keys in sorted(by_org.items()):
            if len(keys) < 2:
                continue
            refs = sorted(n for k in keys for n in cited[k])
            out.append(
                emit(
                    "EVID-SPONSOR",
                    doc_id,
                    None,
                    f"{len(keys)} of the {len(cited)} works {doc_id} cites (refs "
                    f"{_runs(refs)}) name {org} as sponsor or funder, of the work or of the "
                    "study it reports.",
                    works=sorted(keys),
                    refs=refs,
                    evidence=(("sponsor", org), ("works", tuple(sorted(keys)))),
                )
            )
    return out


def _runs(ns: list[int]) -> str:
    from kb.checks.stats import compact

    return compact(ns)


@check(
    code="EVID-AUTHOR-OVERLAP",
    severity="info",
    family="evidence",
    title="document's officers among a cited work's authors",
    example="Sudhir Diwan (CEO) and Christopher Gharibo (Past President) of nysipp-2026 are "
    "among the 28 authors of deer2019mist (ref 21).",
)
def author_overlap(ctx: CheckContext) -> list[Finding]:
    """Officers or signatories of the document are authors of a work it cites.

    Names match on last name and first initial.

    Seen in the bundled letter:
        officers: "Sudhir Diwan (CEO); ... Christopher Gharibo (Past President)"
        ref 21 authors: "Diwan, Sudhir and ... Gharibo, Christopher"
        -> EVID-AUTHOR-OVERLAP: Sudhir Diwan (CEO) and ... are among the 28 authors ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> author_overlap(ctx_fixture)[0].message[:56]
    'Ann Able (President) of bad is among the 2 authors of ab'
    """
    out = []
    for doc_id in ctx.entries:
        doc = ctx.kb.documents[doc_id]
        officers = [(o, n) for o in doc.officers if (n := person_name(o))]
        if not officers:
            continue
        for key, numbers in sorted(ctx.cited_works(doc_id).items()):
            w = ctx.kb.works[key]
            names = [person_name(a) for a in w.authors]
            hits = [o for o, n in officers if any(a and same_person(n, a) for a in names)]
            if not hits:
                continue
            who = [_short(o) for o in hits]
            listed = who[0] if len(who) == 1 else ", ".join(who[:-1]) + " and " + who[-1]
            verb = "is" if len(who) == 1 else "are"
            refs = sorted(numbers)
            out.append(
                emit(
                    "EVID-AUTHOR-OVERLAP",
                    doc_id,
                    None,
                    f"{listed} of {doc_id} {verb} among the {len(w.authors)} authors of {key} "
                    f"({'refs' if len(refs) > 1 else 'ref'} {', '.join(map(str, refs))}).",
                    works=(key,),
                    refs=refs,
                    evidence=(("people", tuple(hits)),),
                )
            )
    return out


def _short(officer: str) -> str:
    """'Hemant Kalia (President Elect, ...)' -> 'Hemant Kalia (President Elect)'."""
    m = re.match(r"\s*([^()]+?)\s*(?:\(([^,;)]+)[^)]*\))?\s*$", officer)
    if not m:
        return officer
    return f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1)


from kb.checks import coding  # noqa: E402, F401  (registers EVID-CODING-AS-EVIDENCE)
