"""The findings table and its counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kb.checks.factcheck import FactCheck
from kb.model import Finding, KnowledgeBase
from kb.views.common import SEVERITY_ORDER
from kb.views.entry import finding_target


def findings_about(kb: KnowledgeBase, fc: FactCheck, document: str | None = None) -> list[Finding]:
    """The findings about one document (all when None): the one rule the findings page and
    the exports share. A finding names its document; one that names none (about a work)
    belongs to the documents whose claim it is about, or that cite the work."""
    if document is None:
        return list(fc.findings)
    cited = {
        r.work
        for e in (kb.readings[document].entries if document in kb.readings else ())
        if (r := kb.resolutions.get(e.id)) is not None and r.work
    }
    out = []
    for f in fc.findings:
        if f.document is not None:
            if f.document == document:
                out.append(f)
        elif f.claim is not None:
            if f.claim.startswith(document + ":"):
                out.append(f)
        elif cited & set(f.works):
            out.append(f)
    return out


def finding_rows(kb: KnowledgeBase, checks: FactCheck, document: str | None = None) -> list[dict]:
    """Findings (of one document, or all) as the findings page shows them, worst first."""
    rows = [
        {
            "severity": f.severity,
            "code": f.code,
            "claim": f.claim or "—",
            "message": f.message,
            "works": ", ".join(f.works),
            "refs": ", ".join(str(r) for r in f.refs),
            "opens": finding_target(kb, f),  # not shown: what selecting the row opens
        }
        for f in findings_about(kb, checks, document)
    ]
    rows.sort(key=lambda r: (-SEVERITY_ORDER.get(r["severity"], -1), r["code"], r["claim"]))
    return rows


def finding_counts(rows: Sequence[dict]) -> list[dict]:
    """Counts by code and severity: [{code, severity, count}]."""
    c = Counter((r["code"], r["severity"]) for r in rows)
    return [{"code": k[0], "severity": k[1], "count": n} for k, n in sorted(c.items())]
