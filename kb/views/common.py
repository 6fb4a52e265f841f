"""Labels, colours and value formatting every page shares, and the fact check as pages read it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kb.model import Assessment, Outcome, Work

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
    "source not available": ("#e3edf7", "#2f5d8a", "?"),
    "needs reading": ("#e0f4f1", "#00695c", "☞"),
    "cannot verify": ("#e3edf7", "#2f5d8a", "?"),  # the analysts' word (ASSESSMENT_VERDICTS)
    "no factual claim": ("transparent", "#9e9e9e", "–"),
    NOT_CHECKED: ("#f5f5f5", "#757575", "○"),
}


OTHER_STYLE = ("#f0f0f0", "#555555", "•")


# The same verdicts as Streamlit's own Markdown badges (`:green-badge[…]`): a trace panel draws
# them without raw HTML, so the browser loads no HTML parser and renders them in the first pass.
# The palette has seven colours; the symbol keeps each label distinct without colour.
BADGE_COLOURS = frozenset({"red", "orange", "yellow", "blue", "green", "violet", "gray"})
VERDICT_BADGE_COLOURS: dict[str, str] = {
    "supported": "green",
    "partly supported": "orange",
    "not supported by the cited source": "red",
    "not supported": "red",
    "contradicted": "red",
    "uncited": "gray",
    "cites a non-publication": "violet",
    "non-publication": "violet",
    "source not available": "blue",
    "needs reading": "yellow",
    "cannot verify": "blue",
    "no factual claim": "gray",
    NOT_CHECKED: "gray",
}


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


def verdict_badge_colour(label: str | None) -> str:
    """The Streamlit badge colour of a verdict label (grey for unknown labels)."""
    return VERDICT_BADGE_COLOURS.get((label or NOT_CHECKED).lower(), "gray")


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


def analyst_label(a: Assessment) -> str:
    """Who judged and when, as one line ('' when the row names neither)."""
    return ", ".join(x for x in (a.analyst, a.date) if x)


def fmt(value: float | None) -> str:
    """A float as a person writes it; None is 'unknown'."""
    return UNKNOWN if value is None else f"{value:g}"


def printed(o: Outcome, column: str) -> str:
    """A numeric cell of an outcome as the source prints it ('3.0' stays '3.0', never '3');
    '' when the cell is empty."""
    text = o.printed_of(column)
    if text is not None:
        return text
    value = getattr(o, column)
    return "" if value is None else f"{value:g}"


# a text value that is a bare number with a bound or approximation sign ("<8", "~45"): its
# unit stands in the unit column and is shown with it
BARE_TEXT = re.compile(r"[<>≤≥~≈]?\s*\d[\d,]*(?:\.\d+)?")


def with_unit(text: str, unit: str | None) -> str:
    """'5.6' and '%' -> '5.6%'; '3.0' and 'points' -> '3.0 points'."""
    unit = unit or ""
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


def outcome_value(o: Outcome) -> str:
    """The reported value as text, as printed: the record's own wording when it has one, else
    the number with the precision the source printed (a bare '<8' gets its unit: '<8%')."""
    if o.value_text:
        if o.unit and BARE_TEXT.fullmatch(o.value_text.strip()):
            return with_unit(o.value_text.strip(), o.unit)
        return o.value_text
    if o.value is None:
        if o.count is not None and o.denominator is not None:
            return f"{printed(o, 'count')}/{printed(o, 'denominator')}"
        return UNKNOWN
    return with_unit(printed(o, "value"), o.unit)


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
    return with_unit(printed(o, "comparator_value"), o.unit)


def work_ids(w: Work | None) -> str:
    """'PMID 123 / DOI 10.x' or 'no PMID or DOI'."""
    if w is None:
        return "work unknown"
    bits = [f"PMID {w.pmid}" if w.pmid else "", f"DOI {w.doi}" if w.doi else ""]
    return " / ".join(b for b in bits if b) or "no PMID or DOI"


def provenance(o: Outcome, works: dict[str, Work]) -> str:
    """'work, PMID/DOI, locator, verified|cited-only' for one reported number; a machine number
    of an imported record says so ('machine-extracted, not reviewed')."""
    w = works.get(o.work)
    flag = "verified" if o.verified else "cited-only"
    if o.origin == "extracted":
        flag = "machine-extracted, not reviewed"
    elif not o.verified and w is not None and w.verified:
        flag = "not verified in the record"
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
