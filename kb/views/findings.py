"""The findings table and its counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kb.checks.factcheck import FactCheck
from kb.views.common import SEVERITY_ORDER


def finding_rows(checks: FactCheck, document: str | None = None) -> list[dict]:
    """Findings (of one document, or all) as rows."""
    rows = []
    for f in checks.findings:
        if document is not None and f.document not in (None, document):
            continue
        if (
            document is not None
            and f.document is None
            and f.claim
            and not f.claim.startswith(document + ":")
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
