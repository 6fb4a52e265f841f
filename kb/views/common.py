"""Labels, colours and value formatting every page shares, and the fact check as pages read it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kb.model import Finding, Outcome, Work

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
        """Read a FactCheck (attribute names per kb.checks.factcheck, tolerated if they drift)."""
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
        return cls(
            True, "", findings, verdicts, matches, read_analyst(analyst), fc, about, carriers
        )

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
        if a.finding:
            continue
        for c in claims:
            if c.document != a.document:
                continue
            named = a.claim and a.claim.removeprefix("claim:") == c.id
            quoted = not a.claim and a.quote and squash(a.quote) in squash(c.text)
            if named or quoted:
                who = ", ".join(x for x in (a.analyst, a.date) if x)
                out.setdefault(c.id, []).append(VerdictView(a.verdict, a.note or "", who=who))
    return {k: tuple(v) for k, v in out.items()}


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
