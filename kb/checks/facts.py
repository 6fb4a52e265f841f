"""Words of statements of fact without a number, and of coverage or evidence conclusions.

Pure patterns over a claim's text, shared by factual() (kb.checks.text), CIT-UNCITED, the
verdicts and EVID-CODING-AS-EVIDENCE.
"""

from __future__ import annotations

import re

from kb.model import Claim

# Statements of fact without a number: a regulator's or a coding body's decision, or the level
# and amount of evidence ("FDA-cleared", "level 1 RCTs", "no longer investigational", "broad
# utilization"). They need a source as much as a figure does.
REGULATORY_OR_EVIDENCE = re.compile(
    r"\bFDA[\s-]+(?:cleared|approved|clearance|approval)|\bCPT\b|\bCategory\s+(?:I|III)\b|"
    r"\binvestigational\b|\blevel\s+(?:1|I|one)\b(?![-–])|\bRCTs?\b|\brandomi[sz]ed\s+"
    r"controlled\s+trials?|\bpeer-reviewed\s+publications?|\bclinical\s+studies\b|"
    r"\bwidespread\s+adoption|\bbroad\s+utili[sz]ation|\bNational\s+Coverage\s+Determination|"
    r"\bNCD\b|\bcovered\s+under\b",
    re.ASCII,
)
# Words of a coverage or evidence conclusion (what a payer should do, what the evidence shows).
NORMATIVE = re.compile(
    r"\bwarrants?\b|\bno\s+longer\s+investigational|\bshould\s+be\s+(?:covered|reimbursed)|"
    r"\bcoverage\b|\breimburse\w*|\bmedically\s+necessary|\bclinical\s+utility|"
    r"\bstandard\s+of\s+care|\bwidespread\s+adoption|\bestablished\s+(?:safety|efficacy)",
    re.IGNORECASE | re.ASCII,
)


def regulatory_or_evidence(claim: Claim) -> str | None:
    """The words by which a sentence states a regulatory or evidence-level fact, or None.

    >>> from kb.model import Claim
    >>> regulatory_or_evidence(Claim("d:s1.c1", "d", "s1", "The device is FDA-cleared.", 0, 26))
    'FDA-cleared'
    """
    m = REGULATORY_OR_EVIDENCE.search(claim.text)
    return m.group() if m else None
