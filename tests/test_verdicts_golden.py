"""The machine's verdict on every claim of the bundled documents, with its reason, kept as a
reviewed golden file (tests/golden/<doc>-verdicts.txt).

The 2026 letter's file was read claim by claim when it was made; a change to the data, the
reader or the fact check that moves a verdict or its reason shows here as a diff to read again.
Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_verdicts_golden.py`.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from kb.checks.factcheck import fact_check
from kb.graph import build_graph
from kb.load import load_kb
from kb.schema import FACTUAL_KINDS, VerdictLabel

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
DOCS = ("nysipp-2026", "nysipp-2024")


@pytest.fixture(scope="module")
def bundled():
    kb = load_kb(ROOT / "data")
    g = build_graph(kb)
    return kb, fact_check(kb, g)


def render(kb, fc, doc: str) -> str:
    lines = [f"Machine verdicts on {doc}: claim, verdict, the claim's opening words, the reason"]
    for c in kb.claims(doc):
        v = fc.verdict(c.id)
        text = " ".join(c.text.split())
        short = text if len(text) <= 90 else text[:89] + "…"
        lines.append(f"{c.id.split(':', 1)[1]} [{v.label}] {short}")
        lines.append(f"    because: {' '.join(v.reason.split())}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("doc", DOCS)
def test_verdicts_match_the_reviewed_golden(bundled, doc):
    kb, fc = bundled
    now = render(kb, fc, doc)
    path = GOLDEN / f"{doc}-verdicts.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(now, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    old = path.read_text(encoding="utf-8")
    if old != now:
        diff = "\n".join(difflib.unified_diff(old.splitlines(), now.splitlines(), lineterm=""))
        pytest.fail(f"{path.name} differs (UPDATE_GOLDEN=1 to accept after reading):\n{diff}")


@pytest.mark.parametrize("doc", DOCS)
def test_every_claim_resting_on_a_study_is_decided_or_sent_to_reading(bundled, doc):
    """Done-when of issue 13: a claim whose cited works report a study never ends on a bare
    'cannot verify'; it is decided, or 'needs reading' / 'source not available' with a reason
    that names the work to read or what is missing."""
    kb, fc = bundled
    assert "cannot verify" not in {str(x) for x in VerdictLabel}
    for c in kb.claims(doc):
        if c.kind not in FACTUAL_KINDS:
            continue
        v = fc.verdict(c.id)
        assert v.reason.strip(), c.id
        if v.label in (VerdictLabel.NEEDS_READING, VerdictLabel.SOURCE_NOT_AVAILABLE):
            named = (
                "must read" in v.reason
                or "not in the" in v.reason
                or "known only from" in v.reason
                or "matches no work" in v.reason
                or "not in the cited record" in v.reason
            )
            assert named, (c.id, v.reason)


def test_the_reviewed_verdicts_of_the_2026_letter(bundled):
    """A few verdicts an analyst checks at a glance, held apart from the golden file so that a
    regenerated golden cannot silently accept them turning."""
    kb, fc = bundled
    want = {
        "s07.c01": "partly supported",  # an RCT presented by its treated counts
        "s07.c07": "supported",  # no spinal instability through 2 years
        "s09.c04": "contradicted",  # "significant AEs were reported" where the record has 0
        "s10.c07": "supported",  # pain relief and opioid reduction at 3, 6 and 12 months
        "s11.c01": "partly supported",  # a claims study called prospective
        "s14.c03": "contradicted",  # 16 older adults where the record has 160
        "s05.c06": "uncited",  # Category I status said to end "investigational"
        "s08.c12": "source not available",  # the 5-year report is known only from the letter
    }
    got = {k: str(fc.verdict(f"nysipp-2026:{k}").label) for k in want}
    assert got == want
    assert "deer2026motion5y is known only" in fc.verdict("nysipp-2026:s08.c12").reason
