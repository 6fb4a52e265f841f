"""Tables and small structures the app shows, built from the KB, the graph and the fact-check.

No Streamlit here: every function takes records and returns plain rows, strings or dicts, so
the pages only render and everything is unit-tested. The fact-check result is read through
`Checks`, which tolerates a missing or failing engine (then every claim is "not checked").
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kb.cite import doi_url, format_ama, pubmed_url
from kb.model import Claim, Finding, Outcome, Study, Work
from kb.reading import FACTUAL_KINDS

UNKNOWN = "unknown"
NOT_CHECKED = "not checked"

# verdict label -> (background, border/text colour, symbol). The symbol and the label text are
# always shown next to the colour, so the page reads the same without colour.
VERDICT_STYLES: dict[str, tuple[str, str, str]] = {
    "supported": ("#dff3e4", "#1b7f3b", "✓"),
    "partly supported": ("#fff1c2", "#9a6b00", "◐"),
    "not supported by the cited source": ("#fde0dc", "#b3261e", "✗"),
    "not supported": ("#fde0dc", "#b3261e", "✗"),
    "contradicted": ("#f9c7c1", "#8c1d18", "‼"),
    "uncited": ("#eceff1", "#546e7a", "∅"),
    "cites a non-publication": ("#ede3f6", "#6a3d9a", "§"),
    "non-publication": ("#ede3f6", "#6a3d9a", "§"),
    "cannot verify": ("#e3edf7", "#2f5d8a", "?"),
    "no factual claim": ("transparent", "#9e9e9e", "–"),
    NOT_CHECKED: ("#f5f5f5", "#757575", "○"),
}
OTHER_STYLE = ("#f0f0f0", "#555555", "•")
QUIET_LABELS = frozenset({"no factual claim"})

MATCH_STYLES: dict[str, str] = {
    "matched": "✓ matched",
    "near miss": "≈ near miss",
    "elsewhere": "↪ elsewhere in the study",
    "not in source": "✗ not in source",
    "contradicted": "‼ contradicted",
    NOT_CHECKED: "○ not checked",
}

SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}

NODE_COLOURS = {
    "document": "#455a64",
    "claim": "#e65100",
    "citation": "#9e9e9e",
    "entry": "#8d6e63",
    "work": "#1565c0",
    "study": "#2e7d32",
    "outcome": "#6a1b9a",
}
NODE_KIND_LABELS = {
    "document": "document",
    "claim": "claim (a sentence of the letter)",
    "citation": "citation marker",
    "entry": "reference-list entry",
    "work": "work (publication or other source)",
    "study": "study",
    "outcome": "reported number",
}


def verdict_style(label: str | None) -> tuple[str, str, str]:
    """Background, foreground and symbol for a verdict label (grey for unknown labels)."""
    return VERDICT_STYLES.get((label or NOT_CHECKED).lower(), OTHER_STYLE)


def verdict_badge(label: str | None) -> str:
    """A verdict as text that reads without colour: symbol plus label."""
    label = label or NOT_CHECKED
    return f"{verdict_style(label)[2]} {label}"


def match_label(status: str | None) -> str:
    """A number-match status as text with its symbol."""
    status = status or NOT_CHECKED
    return MATCH_STYLES.get(status, f"• {status}")


def short_claim(claim_id: str) -> str:
    """'nysipp-2026:s09.c06' -> 's09.c06'."""
    return claim_id.split(":", 1)[-1]


def clip(text: str, n: int = 90) -> str:
    """One line of at most n characters."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------
# the fact-check, read defensively


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _bare(claim_id: str | None) -> str | None:
    return claim_id.removeprefix("claim:") if claim_id else claim_id


@dataclass(frozen=True)
class VerdictView:
    """A machine or analyst verdict as shown."""

    label: str
    reason: str = ""
    codes: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    who: str = ""


@dataclass(frozen=True)
class MatchView:
    """One number of a claim compared with the source."""

    number: str
    status: str
    outcome: str | None
    reason: str
    kind: str = ""


@dataclass(frozen=True)
class Checks:
    """The fact-check result as the app reads it; `available` is False when there is none."""

    available: bool
    note: str = ""
    findings: tuple[Finding, ...] = ()
    verdicts: dict[str, VerdictView] = field(default_factory=dict)
    matches: dict[str, tuple[MatchView, ...]] = field(default_factory=dict)
    analyst: dict[str, tuple[VerdictView, ...]] = field(default_factory=dict)
    raw: Any = field(default=None, compare=False, repr=False)
    about: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    carriers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def unavailable(cls, note: str, analyst: dict | None = None) -> Checks:
        """No machine result; the analysts' verdicts may still be known."""
        return cls(False, note, analyst=analyst or {})

    @classmethod
    def of(cls, fc: Any, analyst: Any = None) -> Checks:
        """Read a FactCheck (attribute names per kb.factcheck, tolerated if they drift)."""
        findings = tuple(_finding(f) for f in (_get(fc, "findings", default=()) or ()))
        verdicts = {
            _bare(k): _verdict(v) for k, v in (_get(fc, "verdicts", default={}) or {}).items()
        }
        matches = {
            _bare(k): tuple(_match(m) for m in (v or ()))
            for k, v in (_get(fc, "matches", default={}) or {}).items()
        }
        about = {
            _bare(k): tuple(_finding(f) for f in (v or ()))
            for k, v in (_get(fc, "about", default={}) or {}).items()
        }
        carriers = {_bare(k): _bare(v) for k, v in (_get(fc, "carriers", default={}) or {}).items()}
        return cls(True, "", findings, verdicts, matches, read_analyst(analyst), fc, about,
                   carriers)

    def verdict(self, claim_id: str) -> VerdictView:
        """The machine verdict of a claim ("not checked" when unknown)."""
        return self.verdicts.get(claim_id) or VerdictView(NOT_CHECKED)

    def findings_of(self, claim_id: str) -> list[Finding]:
        """Findings about one claim."""
        return [f for f in self.findings if _bare(f.claim) == claim_id]

    def findings_behind(self, claim_id: str) -> list[Finding]:
        """The findings behind a claim's verdict: its own and those about its references."""
        if claim_id in self.about:
            return list(self.about[claim_id])
        return self.findings_of(claim_id)

    def worst_severity(self, claim_id: str) -> str:
        """The highest severity among a claim's findings ('' when none)."""
        sev = [f.severity for f in self.findings_of(claim_id)]
        return max(sev, key=lambda s: SEVERITY_ORDER.get(s, -1)) if sev else ""


def _finding(f: Any) -> Finding:
    return Finding(
        code=str(_get(f, "code", default="?")),
        severity=str(_get(f, "severity", default="info")),
        document=_get(f, "document"),
        claim=_bare(_get(f, "claim")),
        message=str(_get(f, "message", default="")),
        works=tuple(_get(f, "works", default=()) or ()),
        refs=tuple(_get(f, "refs", default=()) or ()),
        evidence=tuple(_get(f, "evidence", default=()) or ()),
    )


def _verdict(v: Any) -> VerdictView:
    if isinstance(v, str):
        return VerdictView(v)
    return VerdictView(
        label=str(_get(v, "label", "verdict", default=NOT_CHECKED)),
        reason=str(_get(v, "reason", "note", default="") or ""),
        codes=tuple(_get(v, "codes", default=()) or ()),
        outcomes=tuple(_get(v, "outcomes", "outcome_ids", default=()) or ()),
        who=str(_get(v, "analyst", default="") or ""),
    )


def _match(m: Any) -> MatchView:
    number = _get(m, "number", "mention", default="")
    text = _get(number, "text", default=None) if not isinstance(number, str) else number
    outcome = _get(m, "outcome", default=None)
    if outcome is not None and not isinstance(outcome, str):
        outcome = _get(outcome, "id", default=str(outcome))
    return MatchView(
        number=str(text if text is not None else number),
        status=str(_get(m, "status", default=NOT_CHECKED)),
        outcome=outcome,
        reason=str(_get(m, "reason", default="") or ""),
        kind="" if isinstance(number, str) else str(_get(number, "kind", default="") or ""),
    )


def read_analyst(analyst: Any) -> dict[str, tuple[VerdictView, ...]]:
    """Analyst verdicts keyed by claim id, from a dict of verdicts or of lists of them."""
    out: dict[str, tuple[VerdictView, ...]] = {}
    for k, v in (analyst or {}).items():
        items = v if isinstance(v, (list, tuple)) else [v]
        views = []
        for a in items:
            who = ", ".join(x for x in (_get(a, "analyst"), _get(a, "date")) if x)
            views.append(
                VerdictView(
                    label=str(_get(a, "label", "verdict", default=UNKNOWN)),
                    reason=str(_get(a, "reason", "note", default="") or ""),
                    who=who,
                )
            )
        out[_bare(k)] = tuple(views)
    return out


def analyst_from_assessments(kb: Any) -> dict[str, tuple[VerdictView, ...]]:
    """Fallback when the engine is missing: assessments naming a claim or quoting inside it."""
    out: dict[str, list[VerdictView]] = {}
    squash = lambda s: " ".join(s.split()).casefold()
    claims = list(kb.claims())
    for a in kb.assessments.values():
        for c in claims:
            if c.document != a.document:
                continue
            named = a.claim and a.claim.removeprefix("claim:") == c.id
            quoted = not a.claim and a.quote and squash(a.quote) in squash(c.text)
            if named or quoted:
                who = ", ".join(x for x in (a.analyst, a.date) if x)
                out.setdefault(c.id, []).append(VerdictView(a.verdict, a.note or "", who=who))
    return {k: tuple(v) for k, v in out.items()}


# ---------------------------------------------------------------------------------------
# formatting numbers and provenance


def fmt(value: float | None) -> str:
    """A float as a person writes it; None is 'unknown'."""
    return UNKNOWN if value is None else f"{value:g}"


def outcome_value(o: Outcome) -> str:
    """The reported value as text: the record's own wording when it has one."""
    if o.value_text:
        return o.value_text
    if o.value is None:
        if o.count is not None and o.denominator is not None:
            return f"{o.count:g}/{o.denominator:g}"
        return UNKNOWN
    unit = o.unit or ""
    return f"{o.value:g}%" if unit == "%" else f"{o.value:g} {unit}".strip()


def evidence_text(value: Any) -> str:
    """A finding's evidence value as short text: lists joined, pairs as 'a: b'."""
    if isinstance(value, (list, tuple)):
        return ", ".join(evidence_text(v) for v in value) or "none"
    return str(value)


def source_says(o: Outcome, kind: str = "") -> str:
    """What the record says, in the terms of the stated number: its p for a p-value, else the
    value with its comparator."""
    if kind == "p_value":
        return f"p {o.p_value}" if o.p_value else f"no p-value recorded ({outcome_value(o)})"
    comparator = outcome_comparator(o)
    return f"{outcome_value(o)} vs {comparator}" if comparator else outcome_value(o)


def outcome_comparator(o: Outcome) -> str:
    """The comparator value, or '' when the record gives none."""
    if o.comparator_text:
        return o.comparator_text
    if o.comparator_value is None:
        return ""
    unit = o.unit or ""
    return f"{o.comparator_value:g}{unit if unit == '%' else (' ' + unit if unit else '')}"


def work_ids(w: Work | None) -> str:
    """'PMID 123 / DOI 10.x' or 'no PMID or DOI'."""
    if w is None:
        return "work unknown"
    bits = [f"PMID {w.pmid}" if w.pmid else "", f"DOI {w.doi}" if w.doi else ""]
    return " / ".join(b for b in bits if b) or "no PMID or DOI"


def provenance(o: Outcome, works: dict[str, Work]) -> str:
    """'work, PMID/DOI, locator, verified|cited-only' for one reported number."""
    w = works.get(o.work)
    flag = "verified" if o.verified else "cited-only"
    return f"{o.work or UNKNOWN}, {work_ids(w)}, {o.locator or 'locator unknown'}, {flag}"


def outcome_rows(outcomes: Iterable[Outcome], works: dict[str, Work]) -> list[dict]:
    """Reported numbers as rows, each with its provenance."""
    rows = []
    for o in outcomes:
        rows.append(
            {  # what a reader scans first comes first; the provenance follows
                "measure": o.measure or UNKNOWN,
                "timepoint": o.timepoint or "",
                "arm": o.arm or "",
                "value": outcome_value(o),
                "comparator": outcome_comparator(o),
                "p": o.p_value or "",
                "verified": "verified" if o.verified else "cited-only",
                "work": o.work or UNKNOWN,
                "locator": o.locator or "unknown",
                "PMID/DOI": work_ids(works.get(o.work)),
                "outcome": o.outcome or "",
                "id": o.id,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------
# claims


def claim_refs(c: Claim) -> tuple[int, ...]:
    """The reference numbers a claim cites, in order, without repeats."""
    nums = list(c.refs)
    for cit in c.citations:
        nums.extend(cit.refs)
    return tuple(dict.fromkeys(nums))


def claim_sources(g: nx.MultiDiGraph, claim_id: str) -> tuple[list[str], list[str]]:
    """Citekeys and study ids a claim rests on (through markers, entries, works)."""
    from kb.graph import UnknownNodeError, trace

    try:
        t = trace(g, claim_id)
    except UnknownNodeError:
        return [], []
    return [w.citekey for w in t.works], [s.id for s in t.studies]


def section_titles(kb: Any, document: str) -> dict[str, str]:
    """Section id -> title for a document (empty when the reading lists none)."""
    reading = kb.readings.get(document)
    return {
        s.id: (getattr(s, "title", "") or s.id)
        for s in (getattr(reading, "sections", ()) or ())
    }


def claim_rows(kb: Any, g: nx.MultiDiGraph, checks: Checks, document: str) -> list[dict]:
    """Every claim of a document with its verdict, finding codes, references and sources."""
    titles = section_titles(kb, document)
    rows = []
    for c in kb.claims(document):
        works, studies = claim_sources(g, c.id)
        v = checks.verdict(c.id)
        codes = sorted({f.code for f in checks.findings_of(c.id)} | set(v.codes))
        analyst = checks.analyst.get(c.id, ())
        rows.append(
            {
                "claim": c.id,
                "id": short_claim(c.id),
                "factual": c.kind in FACTUAL_KINDS,
                "section": titles.get(c.section, c.section) or UNKNOWN,
                "text": " ".join(c.text.split()),
                "verdict": verdict_badge(v.label),
                "verdict_label": v.label,
                "analyst": "; ".join(a.label for a in analyst) or "—",
                "severity": checks.worst_severity(c.id) or "—",
                "codes": ", ".join(codes),
                "refs": ", ".join(str(n) for n in claim_refs(c)) or "—",
                "works": ", ".join(works),
                "studies": ", ".join(studies),
            }
        )
    return rows


def filter_claims(
    rows: Sequence[dict],
    *,
    verdicts: Iterable[str] = (),
    severities: Iterable[str] = (),
    sections: Iterable[str] = (),
    codes: Iterable[str] = (),
    studies: Iterable[str] = (),
    query: str = "",
    factual_only: bool = False,
) -> list[dict]:
    """Rows that pass every filter given (an empty filter passes everything); with
    `factual_only`, letterhead, salutation and signature lines are left out."""
    verdicts, severities, sections = set(verdicts), set(severities), set(sections)
    codes, studies = set(codes), set(studies)
    words = [w.casefold() for w in query.split()]
    out = []
    for r in rows:
        if factual_only and not r["factual"]:
            continue
        if verdicts and r["verdict_label"] not in verdicts:
            continue
        if severities and r["severity"] not in severities:
            continue
        if sections and r["section"] not in sections:
            continue
        row_codes = set(filter(None, r["codes"].split(", ")))
        if codes and not codes & row_codes:
            continue
        if studies and not studies & set(filter(None, r["studies"].split(", "))):
            continue
        hay = " ".join(str(v) for v in r.values()).casefold()
        if words and not all(w in hay for w in words):
            continue
        out.append(r)
    return out


def claim_source_rows_fallback(
    kb: Any, g: nx.MultiDiGraph, checks: Checks, document: str, claim_ids: Iterable[str]
) -> list[dict]:
    """Claim-to-source rows (one per claim and reference) when kb.export is not there."""
    from kb.graph import trace

    wanted = set(claim_ids)
    rows = []
    for c in kb.claims(document):
        if c.id not in wanted:
            continue
        t = trace(g, c.id)
        v = checks.verdict(c.id)
        base = {"document": document, "claim": c.id, "claim_text": " ".join(c.text.split()),
                "verdict": v.label}
        if not t.refs:
            rows.append({**base, "ref": "", "work": "", "doi": "", "pmid": "", "studies": ""})
        for r in t.refs:
            rows.append(
                {
                    **base,
                    "ref": r.number,
                    "work": r.work.citekey if r.work else "",
                    "doi": (r.work.doi or "") if r.work else "",
                    "pmid": (r.work.pmid or "") if r.work else "",
                    "studies": "; ".join(s.study.id for s in r.studies),
                }
            )
    return rows


# ---------------------------------------------------------------------------------------
# the letter with its claims highlighted


def reader_html(
    text: str,
    claims: Sequence[Claim],
    checks: Checks,
    selected: str | None = None,
    href: Any = None,
) -> str:
    """The document as HTML, each claim a highlighted span with its verdict in words.

    `href(claim_id)` gives the link each claim's label points to (none when href is None).
    Text outside claims is escaped and kept; paragraphs follow the blank lines of the text.
    """
    parts: list[str] = []
    pos = 0
    for c in sorted(claims, key=lambda c: c.start):
        if c.start < pos:
            continue  # overlapping spans: the first one wins
        parts.append(html.escape(text[pos : c.start]))
        v = checks.verdict(c.id)
        bg, fg, sym = verdict_style(v.label)
        sel = " kb-selected" if c.id == selected else ""
        quiet = v.label in QUIET_LABELS  # letterhead, headings: labelled, not highlighted
        label = html.escape(f"{sym} {v.label} · {short_claim(c.id)}")
        cls = "kb-label kb-quiet" if quiet else "kb-label"
        tag = (
            f'<a class="{cls}" href="{html.escape(href(c.id))}" target="_self" '
            f'style="color:{fg};border-color:{fg}">{label}</a>'
            if href
            else f'<span class="{cls}" style="color:{fg};border-color:{fg}">{label}</span>'
        )
        underline = "none" if quiet else f"2px solid {fg}"
        parts.append(
            f'<span class="kb-claim{sel}" id="{html.escape(c.id)}" data-verdict="'
            f'{html.escape(v.label)}" style="background:{bg};border-bottom:{underline}">'
            f"{html.escape(text[c.start : c.end])}</span>{tag}"
        )
        pos = c.end
    parts.append(html.escape(text[pos:]))
    body = "".join(parts).strip("\n")
    paras = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paras)


READER_CSS = """
<style>
.kb-doc { font-size: 1.02rem; line-height: 1.75; max-width: 60rem; }
.kb-doc p { margin: 0 0 0.9rem 0; }
.kb-claim { padding: 1px 2px; border-radius: 3px; }
.kb-claim.kb-selected { outline: 3px solid #e65100; outline-offset: 1px; }
.kb-label { font-size: 0.72rem; font-weight: 600; border: 1px solid; border-radius: 8px;
  padding: 0 5px; margin: 0 3px; white-space: nowrap; text-decoration: none; }
.kb-label.kb-quiet { font-size: 0.62rem; font-weight: 400; border-style: none; }
</style>
"""


def legend_rows(labels: Iterable[str]) -> list[tuple[str, str, str]]:
    """(label, background, symbol) for the verdict labels in use, in a stable order."""
    order = list(VERDICT_STYLES)
    seen = sorted(set(labels), key=lambda x: (order.index(x) if x in order else 99, x))
    return [(lab, verdict_style(lab)[0], verdict_style(lab)[2]) for lab in seen]


# ---------------------------------------------------------------------------------------
# one claim's numbers against its sources


def number_rows(claim: Claim, checks: Checks, outcomes: dict[str, Outcome],
                works: dict[str, Work]) -> list[dict]:
    """The letter's numbers side by side with the source's, with status and provenance."""
    matches = checks.matches.get(claim.id)
    rows = []
    if matches:
        for m in matches:
            o = outcomes.get(m.outcome) if m.outcome else None
            rows.append(
                {
                    "letter says": m.number,
                    "status": match_label(m.status),
                    "source says": source_says(o, m.kind) if o else UNKNOWN,
                    "measure": " · ".join(x for x in (o.measure, o.arm, o.timepoint) if x)
                    if o else "",
                    "provenance": provenance(o, works) if o else "",
                    "why": m.reason,
                }
            )
        return rows
    for n in claim.numbers:
        rows.append(
            {
                "letter says": n.text,
                "status": match_label(NOT_CHECKED),
                "source says": "—",
                "measure": n.kind,
                "provenance": "",
                "why": "no fact-check result for this number",
            }
        )
    return rows


# ---------------------------------------------------------------------------------------
# studies and works


def study_rows(kb: Any) -> list[dict]:
    """Every study with its design, size, follow-up, sponsor and measures."""
    measures: dict[str, set[str]] = {}
    for o in kb.outcomes.values():
        measures.setdefault(o.study, set()).add(o.measure)
    rows = []
    for s in kb.studies.values():
        years = [kb.works[w].year for w in s.works if w in kb.works and kb.works[w].year]
        rows.append(
            {
                "study": s.id,
                "name": s.name,
                "design": s.design or UNKNOWN,
                "N": s.enrolled or UNKNOWN,
                "follow-up": s.follow_up or UNKNOWN,
                "sponsor": s.sponsor or UNKNOWN,
                "years": f"{min(years)}–{max(years)}" if years else UNKNOWN,
                "works": len(s.works),
                "measures": ", ".join(sorted(measures.get(s.id, ()))),
            }
        )
    return rows


def work_rows(kb: Any) -> list[dict]:
    """Every work with its kind, year, ids, sponsor and study."""
    rows = []
    for w in kb.works.values():
        studies = [s.id for s in kb.studies_of(w.citekey)]
        rows.append(
            {
                "work": w.citekey,
                "title": w.title,
                "kind": w.kind,
                "year": str(w.year) if w.year else UNKNOWN,
                "journal": w.journal or w.booktitle or w.publisher or UNKNOWN,
                "PMID/DOI": work_ids(w),
                "sponsor": w.sponsor or UNKNOWN,
                "studies": ", ".join(studies) or "—",
                "record": "verified" if w.verified else "cited-only",
            }
        )
    return rows


def filter_studies(kb: Any, rows: Sequence[dict], *, designs=(), sponsors=(), years=None,
                   measures=()) -> list[dict]:
    """Study rows filtered by design, sponsor, year range (of their works) and measure."""
    out = []
    for r in rows:
        s: Study = kb.studies[r["study"]]
        if designs and r["design"] not in designs:
            continue
        if sponsors and r["sponsor"] not in sponsors:
            continue
        if measures and not set(measures) & set(filter(None, r["measures"].split(", "))):
            continue
        if years:
            ys = [kb.works[w].year for w in s.works if w in kb.works and kb.works[w].year]
            if not any(years[0] <= y <= years[1] for y in ys):
                continue
        out.append(r)
    return out


def filter_works(kb: Any, rows: Sequence[dict], *, designs=(), sponsors=(), years=None,
                 measures=()) -> list[dict]:
    """Work rows filtered by their studies' design, sponsor, year and measures they report."""
    reported: dict[str, set[str]] = {}
    for o in kb.outcomes.values():
        reported.setdefault(o.work, set()).add(o.measure)
    out = []
    for r in rows:
        w: Work = kb.works[r["work"]]
        study_designs = {s.design for s in kb.studies_of(w.citekey)}
        if designs and not set(designs) & study_designs:
            continue
        study_sponsors = {s.sponsor or UNKNOWN for s in kb.studies_of(w.citekey)}
        if sponsors and not set(sponsors) & (study_sponsors | {r["sponsor"]}):
            continue
        if years and not (w.year and years[0] <= w.year <= years[1]):
            continue
        if measures and not set(measures) & reported.get(w.citekey, set()):
            continue
        out.append(r)
    return out


def work_links(w: Work) -> dict[str, str]:
    """Citation (AMA) and DOI / PubMed links of a work."""
    return {"citation": format_ama(w), "doi": doi_url(w) or "", "pubmed": pubmed_url(w) or ""}


def study_facts(s: Study) -> list[tuple[str, str]]:
    """Design, arms, N, follow-up, sponsor (and more) of a study; 'unknown' where missing."""
    return [
        ("design", s.design or UNKNOWN),
        ("comparator", s.comparator or UNKNOWN),
        ("population", s.population or UNKNOWN),
        ("enrolled", s.enrolled or UNKNOWN),
        ("arms (randomized)", s.randomized or UNKNOWN),
        ("analysed", s.analysed or UNKNOWN),
        ("follow-up", s.follow_up or UNKNOWN),
        ("sponsor", s.sponsor or UNKNOWN),
        ("registry", s.registry or UNKNOWN),
    ]


# ---------------------------------------------------------------------------------------
# findings


def finding_rows(checks: Checks, document: str | None = None) -> list[dict]:
    """Findings (of one document, or all) as rows."""
    rows = []
    for f in checks.findings:
        if document is not None and f.document not in (None, document):
            continue
        if document is not None and f.document is None and f.claim and not f.claim.startswith(
            document + ":"
        ):
            continue
        rows.append(
            {
                "severity": f.severity,
                "code": f.code,
                "claim": f.claim or "—",
                "message": f.message,
                "works": ", ".join(f.works),
                "refs": ", ".join(str(r) for r in f.refs),
            }
        )
    rows.sort(key=lambda r: (-SEVERITY_ORDER.get(r["severity"], -1), r["code"], r["claim"]))
    return rows


def finding_counts(rows: Sequence[dict]) -> list[dict]:
    """Counts by code and severity: [{code, severity, count}]."""
    c = Counter((r["code"], r["severity"]) for r in rows)
    return [{"code": k[0], "severity": k[1], "count": n} for k, n in sorted(c.items())]


# ---------------------------------------------------------------------------------------
# graphs


def evidence_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph without markers, entries and documents: claim → work → study → number.

    A claim is linked straight to each work its markers resolve to (edge `cites`, with the
    reference number), so two hops from a study reach every claim resting on its works.
    """
    from kb.graph import trace

    keep = {"claim", "work", "study", "outcome"}
    eg = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        if d["kind"] in keep:
            eg.add_node(n, **d)
    for u, v, d in g.edges(data=True):
        if u in eg and v in eg:
            eg.add_edge(u, v, key=d["kind"], **d)
    for n, d in g.nodes(data=True):
        if d["kind"] != "claim":
            continue
        for r in trace(g, n).refs:
            if r.work is not None:
                eg.add_edge(n, f"work:{r.work.citekey}", key=f"cites {r.number}", kind="cites",
                            ref=r.number)
    return eg


def node_caption(kind: str, record: Any, nid: str) -> str:
    """A short caption for a graph node."""
    if kind == "claim":
        return short_claim(record.id)
    if kind == "outcome":
        return clip(" ".join(x for x in (record.measure, record.timepoint) if x) or record.id, 28)
    if kind == "entry":
        return f"ref {record.number}"
    if kind == "citation":
        return record.text
    if kind == "study":
        return clip(record.name, 32)
    if kind == "document":
        return record.id
    return nid.split(":", 1)[-1]


def graph_elements(sub: nx.MultiDiGraph, focus: str | None = None) -> dict:
    """Nodes and edges in the form st-link-analysis (cytoscape) takes; label = node kind."""
    nodes, edges = [], []
    for n, d in sub.nodes(data=True):
        kind = d["kind"]
        name = node_caption(kind, d.get("record"), n)
        nodes.append(
            {"data": {"id": n, "label": kind if n != focus else "focus", "name": name,
                      "kind": kind, "depth": d.get("depth", 0)}}
        )
    for i, (u, v, d) in enumerate(sub.edges(data=True)):
        kind = d.get("kind", "")
        caption = f"ref {d['ref']}" if kind in ("cites", "names") and d.get("ref") else ""
        edges.append({"data": {"id": f"e{i}", "source": u, "target": v, "label": kind,
                               "caption": caption}})
    return {"nodes": nodes, "edges": edges}


def _dot(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def chain_dot(t: Any, max_outcomes: int = 6, prefer: Iterable[str] = ()) -> str:
    """A DOT string of one claim's chain: claim → refs → works → studies → numbers.

    Numbers in `prefer` (e.g. those the fact-check matched) come first, then those the cited
    work states, then the rest of the study's, at most `max_outcomes` per study.
    """
    prefer = list(prefer)
    lines = [
        "digraph chain {",
        (
            '  rankdir=LR; node [shape=box, style="rounded,filled", fontname="Helvetica", '
            'fontsize=10]; edge [fontsize=9, color="#777777"];'
        ),
        (
            f'  claim [label="{_dot(short_claim(t.claim.id))}\\n{_dot(clip(t.claim.text, 40))}", '
            'fillcolor="#ffe0b2"];'
        ),
    ]
    seen: set[str] = set()
    for r in t.refs:
        ref = f"ref{r.number}"
        if ref not in seen:
            seen.add(ref)
            raw = clip(r.entry.raw, 40) if r.entry else "not in the reference list"
            lines.append(f'  {ref} [label="ref {r.number}\\n{_dot(raw)}", fillcolor="#efebe9"];')
            lines.append(f"  claim -> {ref};")
        if r.work is None:
            lines.append(f'  {ref}none [label="no work", fillcolor="#eeeeee"]; {ref} -> {ref}none;')
            continue
        wid = "w_" + re.sub(r"\W", "_", r.work.citekey)
        if wid not in seen:
            seen.add(wid)
            flag = "verified" if r.work.verified else "cited-only"
            lines.append(
                f'  {wid} [label="{_dot(r.work.citekey)}\\n{_dot(work_ids(r.work))}\\n{flag}", '
                f'fillcolor="#bbdefb"];'
            )
        lines.append(f"  {ref} -> {wid};")
        for st in r.studies:
            sid = "s_" + re.sub(r"\W", "_", st.study.id)
            if sid not in seen:
                seen.add(sid)
                lines.append(
                    f'  {sid} [label="{_dot(clip(st.study.name, 36))}\\n{_dot(st.study.design)}", '
                    f'fillcolor="#c8e6c9"];'
                )
                stated = [o for o in r.work_outcomes if o.study == st.study.id]
                ranked = sorted(
                    st.outcomes,
                    key=lambda o: (o.id not in prefer,
                                   prefer.index(o.id) if o.id in prefer else 0,
                                   o not in stated),
                )
                for o in ranked[:max_outcomes]:
                    oid = "o_" + re.sub(r"\W", "_", o.id)
                    val = _dot(clip(f"{o.measure} {o.timepoint or ''}: {outcome_value(o)}", 40))
                    flag = "verified" if o.verified else "cited-only"
                    where = _dot(clip(f"{o.work}, {o.locator or 'locator unknown'}, {flag}", 48))
                    lines.append(f'  {oid} [label="{val}\\n{where}", fillcolor="#e1bee7"]; '
                                 f"{sid} -> {oid};")
                if len(st.outcomes) > max_outcomes:
                    more = len(st.outcomes) - max_outcomes
                    lines.append(
                        f'  {sid}_more [label="+{more} more numbers", fillcolor="#f3e5f5"]; '
                        f"{sid} -> {sid}_more;"
                    )
            lines.append(f"  {wid} -> {sid};")
    lines.append("}")
    return "\n".join(lines)
