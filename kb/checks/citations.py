"""Citation checks: missing markers, entries and works; what a cited reference really is.

One module on purpose (over 500 lines): the registry orders a family's checks as they are
written here, and that order is the README's table and the order findings are reported in.
"""

from __future__ import annotations

import re
from collections import defaultdict

from kb.checks import check, emit
from kb.checks.context import CheckContext, unmarked_words
from kb.checks.facts import regulatory_or_evidence
from kb.checks.matching import missing_record_words
from kb.checks.text import FACTUAL_KINDS, factual, is_caption
from kb.model import Finding, ReferenceEntry, Work
from kb.text import fold_lower

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip
_WORDS = {2: "two", 3: "three", 4: "four"}
_JOURNAL_STOP = {"of", "the", "and", "in", "for", "on", "de", "la"}


def quote(text: str, limit: int = 80) -> str:
    """A claim's text, shortened for a message, in double quotes."""
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


def claims_citing(ctx: CheckContext) -> dict[tuple[str, int], list[str]]:
    """(document, reference number) -> ids of the claims whose own markers name it."""
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for c in ctx.claims:
        for n in dict.fromkeys(c.refs or tuple(r for cit in c.citations for r in cit.refs)):
            out[(c.document, n)].append(c.id)
    return out


def _entry_work(ctx: CheckContext, e: ReferenceEntry) -> Work | None:
    res = ctx.kb.resolutions.get(e.id)
    return ctx.kb.works.get(res.work) if res is not None and res.work else None


@check(
    code="CIT-UNCITED",
    severity="warning",
    family="citations",
    title="factual claim with no citation",
    example='"Analysis of the evidence found that approximately 42% of mi…" states "42%" but '
    "cites no reference, and no later sentence of its paragraph carries a marker.",
)
def uncited(ctx: CheckContext) -> list[Finding]:
    """A sentence states a result (a number, an event count, a figure) but cites nothing.

    A sentence without a marker counts as cited when a later sentence of the same paragraph
    carries one (the usual end-of-run placement).

    Seen in the bundled letter:
        "Analysis of the evidence found that approximately 42% of mild publications ..."
        -> CIT-UNCITED: States "approximately 42%" but cites no reference, ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> uncited(ctx_fixture)[0].message[:56]
    '"Over two million patients are diagnosed with example pa'
    """
    out = []
    for c in ctx.claims:
        if ctx.support[c.id].via != "none" or not factual(c):
            continue
        stated = [n.text for n in c.numbers if n.kind in FACTUAL_KINDS]
        if stated:
            what = f"states {', '.join(repr(s) for s in stated[:3])}"
            what = what.replace("'", '"')
        elif is_caption(c):
            what = "is a figure caption presenting data"
        elif fact := regulatory_or_evidence(c):
            what = f'states a regulatory or evidence-level fact ("{fact}")'
        else:
            what = "reports whether events occurred"
        out.append(
            emit(
                "CIT-UNCITED",
                c.document,
                c.id,
                f"{quote(c.text, 60)} {what} but cites no reference, "
                f"{unmarked_words(ctx.support[c.id])}.",
                evidence=(("numbers", tuple(stated)),),
            )
        )
    return out


@check(
    code="CIT-NO-ENTRY",
    severity="error",
    family="citations",
    title="marker names a reference the list lacks",
    example="Marker ⁴ names reference 27, which the reference list (1–26) does not contain.",
)
def no_entry(ctx: CheckContext) -> list[Finding]:
    """A citation marker names a reference number missing from the document's list.

    A document with markers and no reference list at all gets one finding, not one per marker.

    Seen in the bundled letter:
        "... nationwide are diagnosed and treated annually (1)" in a statement without a list
        -> CIT-NO-ENTRY: nysipp-2024 cites references 1–6 but has no reference list, ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> no_entry(ctx_fixture)[0].message[:56]
    'Marker ⁹ names reference 9, which the reference list (1–'
    """
    out = []
    for doc_id, claims in ctx.doc_claims.items():
        numbers = {e.number for e in ctx.entries.get(doc_id, ())}
        markers = [(c, cit) for c in claims for cit in c.citations]
        if not markers:
            continue
        if not numbers:
            refs = sorted({n for _, cit in markers for n in cit.refs})
            unmatched = sorted({k for _, cit in markers for k in cit.unmatched})
            if refs:
                span = f"{refs[0]}–{refs[-1]}" if len(refs) > 1 else str(refs[0])
            else:
                span = ", ".join(unmatched[:3]) + (" …" if len(unmatched) > 3 else "")
            out.append(
                emit(
                    "CIT-NO-ENTRY",
                    doc_id,
                    None,
                    f"{doc_id} cites references {span} but has no reference list, so none of "
                    f"its {len(markers)} markers can be followed to a source.",
                    refs=refs,
                    evidence=(("markers", len(markers)),),
                )
            )
            continue
        listed = f"{min(numbers)}–{max(numbers)}"
        for c, cit in markers:
            if cit.unmatched:
                out.append(
                    emit(
                        "CIT-NO-ENTRY",
                        doc_id,
                        c.id,
                        f"Citation {cit.text.strip()} names {'; '.join(cit.unmatched)}, which no "
                        "entry of the reference list matches (first author and year).",
                        evidence=(("marker", cit.text), ("names", cit.unmatched)),
                    )
                )
            missing = [n for n in cit.refs if n not in numbers]
            if missing:
                names = ", ".join(map(str, missing))
                out.append(
                    emit(
                        "CIT-NO-ENTRY",
                        doc_id,
                        c.id,
                        f"Marker {cit.text.strip()} names reference {names}, which the reference "
                        f"list ({listed}) does not contain.",
                        refs=missing,
                        evidence=(("marker", cit.text),),
                    )
                )
    return out


@check(
    code="CIT-UNRESOLVED",
    severity="warning",
    family="citations",
    title="reference entry matches no work",
    example='Reference 12 ("Smith J. A trial. 2020.") matches no work in the knowledge base.',
)
def unresolved(ctx: CheckContext) -> list[Finding]:
    """A reference-list entry could not be tied to any work (no DOI/PMID, no fuzzy match).

    Seen in the bundled letter:
        12. Smith J. A trial of something. J Things. 2020.
        -> CIT-UNRESOLVED: Reference 12 ("Smith J. ...") matches no work ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> unresolved(ctx_fixture)[0].message[:56]
    'Reference 8 ("Zed Q. Quantum gardening for beginners. Ho'
    """
    out = []
    for doc_id, entries in ctx.entries.items():
        for e in entries:
            if _entry_work(ctx, e) is None:
                res = ctx.kb.resolutions.get(e.id)
                if res is not None and res.method == "ambiguous":
                    # several candidates fit and none wins clearly: shown, never guessed
                    what = f"is left unresolved, {res.note}"
                else:
                    what = "matches no work in the knowledge base" + missing_record_words(ctx.kb)
                out.append(
                    emit(
                        "CIT-UNRESOLVED",
                        doc_id,
                        None,
                        f"Reference {e.key or e.number} ({quote(e.raw, 60)}) {what}.",
                        refs=(e.number,),
                    )
                )
    return out


@check(
    code="CIT-NON-PUBLICATION",
    severity="warning",
    family="citations",
    title="reference is a note or coding document",
    example='Reference 2 ("Based on trocar diameter.") is a note (no record of it was found), '
    "not a publication, yet it is cited as support by 1 claim.",
)
def non_publication(ctx: CheckContext) -> list[Finding]:
    """A cited reference is a footnote or a coding document, not a publication.

    A coding document cited only by coverage or evidence conclusions is reported once, by
    EVID-CODING-AS-EVIDENCE, not here as well.

    Seen in the bundled letter:
        2. Based on trocar diameter.
        -> CIT-NON-PUBLICATION: Reference 2 (...) is a note, not a publication, ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> non_publication(ctx_fixture)[0].message[:56]
    'Reference 3 ("Data on file.") is a note (no record of it'
    """
    from kb.checks.coding import coding_support

    citing = claims_citing(ctx)
    out = []
    for doc_id, entries in ctx.entries.items():
        for e in entries:
            w = _entry_work(ctx, e)
            claims = citing.get((doc_id, e.number), [])
            if w is None or w.is_publication or not claims:
                continue
            if all(coding_support(ctx, ctx.by_id[c]) for c in claims if c in ctx.by_id):
                continue  # cited only for coverage conclusions: EVID-CODING-AS-EVIDENCE says so
            kind = {"note": "a note", "coding-document": "a coding document"}.get(w.kind, w.kind)
            found = "" if w.verified else " (no record of it was found)"
            out.append(
                emit(
                    "CIT-NON-PUBLICATION",
                    doc_id,
                    None,
                    f"Reference {e.key or e.number} ({quote(e.raw, 60)}) is {kind}{found}, not a "
                    f"publication, yet it is cited as support by {len(claims)} "
                    f"claim{'s' if len(claims) != 1 else ''}.",
                    works=(w.citekey,),
                    refs=(e.number,),
                    evidence=(("kind", w.kind), ("claims", tuple(claims))),
                )
            )
    return out


@check(
    code="CIT-DUPLICATE-WORK",
    severity="warning",
    family="citations",
    title="one work cited under two numbers",
    example="References 6 and 19 are the same work (staats2023spacers), cited under two numbers.",
)
def duplicate_work(ctx: CheckContext) -> list[Finding]:
    """Two or more reference numbers of one document resolve to the same work.

    Seen in the bundled letter:
        6. PS Staats et al. ... Pain practice ... 2023;23(7), 776-784.
        19. Staats PS, et al. ... Pain Pract. 2023 Sep;23(7):776-784.
        -> CIT-DUPLICATE-WORK: References 6 and 19 are the same work ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> duplicate_work(ctx_fixture)[0].message[:56]
    'References 1 and 5 are the same work (able2020trial), ci'
    """
    out = []
    for doc_id in ctx.entries:
        for key, numbers in sorted(ctx.cited_works(doc_id).items()):
            if len(numbers) < 2:
                continue
            ns = sorted(numbers)
            listed = ", ".join(map(str, ns[:-1])) + f" and {ns[-1]}"
            out.append(
                emit(
                    "CIT-DUPLICATE-WORK",
                    doc_id,
                    None,
                    f"References {listed} are the same work ({key}), cited under "
                    f"{_WORDS.get(len(ns), str(len(ns)))} numbers.",
                    works=(key,),
                    refs=ns,
                )
            )
    return out


def norm_pages(pages: str | None) -> tuple[str, str | None] | None:
    """First and last page, with abbreviated last pages expanded ("417-25" -> 417, 425)."""
    if not pages:
        return None
    p = re.sub(r"[–—‐]", "-", pages).strip(" .;")
    m = re.fullmatch(r"([A-Za-z]?\d+)(?:\s*-+\s*([A-Za-z]?\d+))?", p)
    if not m:
        return (p.lower(), None)
    start, end = m.group(1), m.group(2)
    if end and len(end) < len(start) and end.isdigit() and start.isdigit():
        end = start[: len(start) - len(end)] + end
    return (start.lower(), end.lower() if end else None)


def _journal_tokens(name: str) -> list[str]:
    s = fold_lower(name)
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", s)
    s = s.split(":")[0]
    return [t for t in re.findall(r"[a-z]+", s) if t not in _JOURNAL_STOP]


def _abbreviates(short: str, full: str) -> bool:
    if not short or not full or short[0] != full[0]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def same_journal(a: str, b: str) -> bool:
    """True when two journal names are the same journal, one perhaps abbreviated.

    >>> same_journal("Med Devices (Auckl)", "Medical Devices: Evidence and Research")
    True
    >>> same_journal("Pain Pract.", "Pain Medicine")
    False
    """
    ta, tb = _journal_tokens(a), _journal_tokens(b)
    if ta == tb:
        return True
    if len(ta) != len(tb):
        return False
    return all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(ta, tb, strict=False))


def detail_differences(e: ReferenceEntry, w: Work) -> list[tuple[str, str, str]]:
    """(field, entry value, record value) for each bibliographic detail that differs."""
    skip = set(w.unconfirmed) | ({"issue"} if "number" in w.unconfirmed else set())
    out: list[tuple[str, str, str]] = []
    if "year" not in skip and e.year and w.year and e.year != w.year:
        out.append(("year", str(e.year), str(w.year)))
    if "volume" not in skip and e.volume and w.volume and e.volume.strip() != w.volume.strip():
        out.append(("volume", e.volume, w.volume))
    if "issue" not in skip and e.issue and w.number and e.issue.strip() != w.number.strip():
        out.append(("issue", e.issue, w.number))
    if "pages" not in skip and e.pages and w.pages:
        pe, pw = norm_pages(e.pages), norm_pages(w.pages)
        if pe and pw and (pe[0] != pw[0] or (pe[1] and pw[1] and pe[1] != pw[1])):
            out.append(("pages", e.pages, w.pages))
    record_journal = w.journal or w.booktitle
    if (
        "journal" not in skip
        and e.journal
        and record_journal
        and not same_journal(e.journal, record_journal)
    ):
        out.append(("journal", e.journal, record_journal))
    return out


@check(
    code="CIT-DETAIL-MISMATCH",
    severity="warning",
    family="citations",
    title="entry's year/volume/issue/pages/journal differ from the record",
    example="Reference 1 differs from the record of statpearls2024lss: year 2026 in the letter, "
    "2024 in the record.",
)
def detail_mismatch(ctx: CheckContext) -> list[Finding]:
    """The letter's citation gives a year, volume, issue, pages or journal the record does not.

    Fields the record took from the letter itself (the work's `unconfirmed` list) are skipped.

    Seen in the bundled letter:
        1. ... In: StatPearls [Internet]. ... 2026 Jan-.   (record: 2024)
        -> CIT-DETAIL-MISMATCH: ... year 2026 in the letter, 2024 in the record.

    On the hand-made fixture (tests/fixtures/checks):

    >>> detail_mismatch(ctx_fixture)[0].message[:56]
    'Reference 5 differs from the record of able2020trial: vo'
    """
    out = []
    for doc_id, entries in ctx.entries.items():
        for e in entries:
            w = _entry_work(ctx, e)
            if w is None or not w.verified:
                continue
            diffs = detail_differences(e, w)
            if not diffs:
                continue
            said = "; ".join(f"{f} {a} in the letter, {b} in the record" for f, a, b in diffs)
            out.append(
                emit(
                    "CIT-DETAIL-MISMATCH",
                    doc_id,
                    None,
                    f"Reference {e.key or e.number} differs from the record of {w.citekey}: "
                    f"{said}.",
                    works=(w.citekey,),
                    refs=(e.number,),
                    evidence=tuple((f, (a, b)) for f, a, b in diffs),
                )
            )
    return out


@check(
    code="CIT-UNVERIFIED",
    severity="warning",
    family="citations",
    title="cited publication not found in any record",
    example="Reference 26 (deer2026motion5y) was not found in any record: its title, journal, "
    "year, month, volume, number and pages come only from the letter's citation, and none of its "
    "numbers can be checked.",
)
def unverified(ctx: CheckContext) -> list[Finding]:
    """A cited publication has no record (PubMed, publisher, registry) behind it.

    Seen in the bundled letter:
        26. Deer TR, et al. The MOTION ... 5 year results. Interventional Pain Med. 2026 June.
        -> CIT-UNVERIFIED: Reference 26 (deer2026motion5y) was not found in any record ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> unverified(ctx_fixture)[0].message[:56]
    'Reference 7 (future2026) was not found in any record: it'
    """
    out = []
    for doc_id, entries in ctx.entries.items():
        for e in entries:
            w = _entry_work(ctx, e)
            if w is None or w.verified or not w.is_publication:
                continue
            fields = [f for f in w.unconfirmed]
            said = (
                f"its {', '.join(fields[:-1])} and {fields[-1]}"
                if len(fields) > 1
                else f"its {fields[0]}"
                if fields
                else "every detail"
            )
            out.append(
                emit(
                    "CIT-UNVERIFIED",
                    doc_id,
                    None,
                    f"Reference {e.key or e.number} ({w.citekey}) was not found in any record: "
                    f"{said} "
                    "come only from the letter's citation, and none of its numbers can be "
                    "checked.",
                    works=(w.citekey,),
                    refs=(e.number,),
                    evidence=(("unconfirmed", tuple(fields)),),
                )
            )
    return out


def _month(value: str | None) -> int | None:
    if not value:
        return None
    m = re.match(r"[A-Za-z]{3}", value.strip())
    if m:
        return MONTHS.get(m.group().lower())
    return int(value) if value.strip().isdigit() and 1 <= int(value) <= 12 else None


@check(
    code="CIT-DATED-AFTER",
    severity="warning",
    family="citations",
    title="cited work dated on or after the document",
    example="Reference 26 (deer2026motion5y) is dated June 2026, the month of the letter "
    "(2026-06-26), so it may not have been out when the letter was written; that date comes only "
    "from the letter's citation.",
)
def dated_after(ctx: CheckContext) -> list[Finding]:
    """A cited work is dated after the document, or in the document's own month.

    Only dates the record gives are compared; a work with a year but no month is flagged only
    when the year is later than the document's.

    Seen in the bundled letter:
        letter dated 2026-06-26 cites "... 2026 June;5(2):100768"
        -> CIT-DATED-AFTER: ... dated June 2026, the month of the letter ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> dated_after(ctx_fixture)[0].message[:56]
    'Reference 7 (future2026) is dated April 2026, after the '
    """
    out = []
    for doc_id, entries in ctx.entries.items():
        doc = ctx.kb.documents[doc_id]
        m = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", doc.date or "")
        if not m:
            continue
        dy, dm = int(m.group(1)), int(m.group(2))
        for e in entries:
            w = _entry_work(ctx, e)
            if w is None or w.year is None:
                continue
            wm = _month(w.month)
            if w.year > dy or (w.year == dy and wm is not None and wm > dm):
                when = "after the letter"
            elif w.year == dy and wm == dm:
                when = "the month of the letter"
            else:
                continue
            dated = f"{MONTH_NAMES[wm - 1]} {w.year}" if wm else str(w.year)
            source = (
                "; that date comes only from the letter's citation"
                if not w.verified or {"year", "month"} & set(w.unconfirmed)
                else ""
            )
            out.append(
                emit(
                    "CIT-DATED-AFTER",
                    doc_id,
                    None,
                    f"Reference {e.key or e.number} ({w.citekey}) is dated {dated}, {when} "
                    f"({doc.date}), so it may not have been out when the letter was "
                    f"written{source}.",
                    works=(w.citekey,),
                    refs=(e.number,),
                    evidence=(("work_date", dated), ("document_date", doc.date)),
                )
            )
    return out
