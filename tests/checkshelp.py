"""Helpers for the check tests: fixture paths and one-letter knowledge bases built on the fly."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT

CHECKS_KB = ROOT / "tests" / "fixtures" / "checks"
CLEAN_KB = ROOT / "tests" / "fixtures" / "checks_clean"
GOLDEN_2026 = ROOT / "tests" / "golden" / "nysipp-2026-findings.json"

_NOTE_BIB = """@misc{datanote,
  title    = {Data on file},
  kind     = {KIND},
  verified = {cited-only},
}
"""


def mini_kb(tmp: Path, body: str, kind: str = "note"):
    """A KB of one letter whose every marker ¹ cites a note (or a cited-only work of `kind`):
    only text-level checks can fire."""
    from kb.load import load_kb

    (tmp / "letters").mkdir(parents=True, exist_ok=True)
    (tmp / "references.bib").write_text(_NOTE_BIB.replace("KIND", kind), encoding="utf-8")
    (tmp / "studies.csv").write_text(
        "id,name,design,comparator,population,enrolled,randomized,analysed,follow_up,sponsor,"
        "registry,works,note\n",
        encoding="utf-8",
    )
    (tmp / "outcomes.csv").write_text(
        "id,study,work,measure,outcome,arm,timepoint,analysis_set,value,value_text,unit,count,"
        "denominator,comparator_value,comparator_text,p_value,locator,verified,note\n",
        encoding="utf-8",
    )
    (tmp / "documents.csv").write_text(
        "id,title,organisation,date,kind,file,officers\n"
        "mini,Mini letter,Mini Society,2026-01-01,letter,letters/mini.txt,\n",
        encoding="utf-8",
    )
    (tmp / "reference_map.csv").write_text(
        "document,ref,work,note\nmini,1,datanote,\n", encoding="utf-8"
    )
    head = "Mini Society\n\nJanuary 1, 2026\n\nResults\n\n"
    text = f"{head}{body}\n\nReferences\n\n1. Data on file.\n"
    (tmp / "letters" / "mini.txt").write_text(text, encoding="utf-8")
    return load_kb(tmp)


def run(kb, *codes: str):
    """Findings of the named checks (all checks when none is named)."""
    from kb.checks import run_context
    from kb.checks.matching import build_context
    from kb.graph import build_graph

    ctx = build_context(kb, build_graph(kb))
    return run_context(ctx, codes or None)


def golden_rows(findings) -> list[dict]:
    """The reviewed fields of findings, as JSON-ready rows."""
    rows = [
        {
            "code": f.code,
            "claim": f.claim,
            "refs": list(f.refs),
            "message": f.message,
            "evidence": {k: v for k, v in f.evidence},
        }
        for f in findings
    ]
    return json.loads(json.dumps(rows, ensure_ascii=False))
