"""One reference entry of a letter: its text as listed, its parsed fields, how it was resolved,
the work it resolves to, the claims citing it and the findings about it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

from kb.checks.factcheck import FactCheck
from kb.graph import claims_resting_on
from kb.model import Finding, KnowledgeBase, ReferenceEntry
from kb.views.common import SEVERITY_ORDER, UNKNOWN, clip

_ENTRY_ID = re.compile(r"^(?:entry:)?(?P<doc>.+):ref0*(?P<n>\d+)$")

# The parsed fields shown, in order, with their labels.
ENTRY_FIELDS = (
    ("key", "cited as"),
    ("kind", "kind"),
    ("authors", "authors"),
    ("title", "title"),
    ("journal", "journal"),
    ("year", "year"),
    ("month", "month"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("pages", "pages"),
    ("doi", "DOI"),
    ("pmid", "PMID"),
    ("url", "URL"),
)

UNRESOLVED = "unresolved"


def find_entry(kb: KnowledgeBase, ident: str) -> ReferenceEntry | None:
    """The entry named `<document>:ref<N>` (or `entry:<document>:ref<N>`, N padded or not).

    >>> find_entry(kb, "entry:nysipp-2026:ref012").id
    'nysipp-2026:ref12'
    """
    m = _ENTRY_ID.match(ident.strip())
    if m is None or m["doc"] not in kb.readings:
        return None
    n = int(m["n"])
    return next((e for e in kb.readings[m["doc"]].entries if e.number == n), None)


def entry_fields(e: ReferenceEntry) -> list[dict]:
    """The fields the reader parsed from the entry's text: [{field, value}], empty ones left out."""
    rows = []
    for name, label in ENTRY_FIELDS:
        value = getattr(e, name, None)
        if isinstance(value, tuple):
            value = "; ".join(value)
        if value not in (None, ""):
            rows.append({"field": label, "value": str(value)})
    return rows


def entry_resolution(kb: KnowledgeBase, e: ReferenceEntry) -> dict:
    """How the entry was tied to a work: {method, score, note, work} (work None when none)."""
    res = kb.resolutions.get(e.id)
    if res is None:
        return {"method": UNRESOLVED, "score": None, "note": None, "work": None}
    work = res.work if res.work in kb.works else None
    return {
        "method": res.method,
        "score": res.score,
        "note": res.note,
        "work": work,
    }


def resolution_line(r: dict) -> str:
    """The resolution in words (plain text; the page escapes it)."""
    if r["work"] is None:
        words = "Not resolved to any work in the knowledge base"
        if r["method"] not in (UNRESOLVED, None):
            words += f" (method: {r['method']})"
    else:
        words = f"Resolved to {r['work']} by {r['method']}"
    if r["score"] is not None:
        words += f", score {r['score']:g}"
    if r["note"]:
        words += f": {r['note']}"
    return words + "."


def findings_about_entry(fc: FactCheck, e: ReferenceEntry) -> list[Finding]:
    """Findings about the entry itself (no claim; its document; its number), worst first.
    Findings about a claim citing it are the claim's: the claims are listed beside."""
    found = [
        f
        for f in fc.findings
        if f.claim is None and f.document == e.document and e.number in f.refs
    ]
    found.sort(key=lambda f: (-SEVERITY_ORDER.get(f.severity, -1), f.code, f.claim or ""))
    return found


def entry_view(kb: KnowledgeBase, g: nx.MultiDiGraph, fc: FactCheck, e: ReferenceEntry) -> dict:
    """Everything the entry view shows, as plain rows and strings."""
    document = kb.documents.get(e.document)
    resolution = entry_resolution(kb, e)
    nid = f"entry:{e.id}"
    claims = claims_resting_on(g, nid) if nid in g else []
    return {
        "id": e.id,
        "document": e.document,
        "document_title": document.title if document else UNKNOWN,
        "number": e.number,
        "label": f"{e.document} ref {e.key or e.number}",
        "raw": e.raw,
        "fields": entry_fields(e),
        "resolution": resolution,
        "resolution_line": resolution_line(resolution),
        "claims": [{"claim": c.id, "text": clip(c.text, 160)} for c in claims],
        "findings": [
            {
                "severity": f.severity,
                "code": f.code,
                "message": f.message,
            }
            for f in findings_about_entry(fc, e)
        ],
    }


def finding_target(kb: KnowledgeBase, f: Finding) -> str:
    """What a finding opens: `claim:<id>`, else `entry:<id>` for a citation finding (CIT-*)
    about a reference entry of a document, else `work:<key>`, else '—'."""
    if f.claim:
        return f"claim:{f.claim}"
    if f.code.startswith("CIT-") and f.document and f.refs:
        for n in f.refs:
            e = find_entry(kb, f"{f.document}:ref{n}")
            if e is not None:
                return f"entry:{e.id}"
    if f.works:
        return f"work:{f.works[0]}"
    return "—"
