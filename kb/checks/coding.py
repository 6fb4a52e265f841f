"""EVID-CODING-AS-EVIDENCE: a coverage or evidence conclusion drawn from a billing-code fact.

A coding document (a CPT descriptor, a panel's summary of actions, a coding book) says how a
procedure is billed, not whether it works or should be covered. A sentence that concludes
"no longer investigational", "warrants coverage" or "established clinical utility" and rests
only on such documents (its own markers, those it borrows from later in its paragraph, or,
when it has none, those of the earlier sentences of its paragraph) is flagged. Registered in
the evidence family (imported by kb.checks.evidence).
"""

from __future__ import annotations

from kb.checks import check, emit
from kb.checks.context import CheckContext
from kb.checks.facts import NORMATIVE
from kb.checks.text import is_heading
from kb.model import Claim, Finding, Work

CODING_KINDS = frozenset({"coding-document"})


def coding_support(ctx: CheckContext, claim: Claim) -> list[tuple[int, Work]]:
    """(reference number, work) of the coding documents a normative claim rests on, when it
    rests on nothing else; [] otherwise."""
    if is_heading(claim) or claim.kind not in ("sentence", "list-item"):
        return []
    if not NORMATIVE.search(claim.text):
        return []
    sup = ctx.support[claim.id]
    refs = list(sup.refs)
    if sup.via == "none":
        refs = [r for c in ctx.before_in_paragraph(claim) for r in ctx.support[c.id].refs]
    found = [(r.number, r.work) for r in refs if r.work is not None]
    if not found or len(found) < len(refs):
        return []
    if not all(w.kind in CODING_KINDS for _, w in found):
        return []
    return list(dict.fromkeys(found))


@check(
    code="EVID-CODING-AS-EVIDENCE",
    severity="warning",
    family="evidence",
    title="coverage or evidence conclusion drawn from a billing-code document",
    example='"Category I status affirms that the procedure is no longer investigational…" '
    'draws a coverage or evidence conclusion ("no longer investigational") from a coding '
    "document only (ref 9: amacpt0275t, cited earlier in its paragraph), which records how a "
    "procedure is billed, not whether it works.",
)
def coding_as_evidence(ctx: CheckContext) -> list[Finding]:
    """A coverage or evidence conclusion rests only on coding documents.

    Seen in the bundled letter:
        "These codes replaced the Category III code (0275T)⁹. ... Category I status affirms
        that the procedure is no longer investigational and warrants standardized coverage"
        -> EVID-CODING-AS-EVIDENCE: ... from a coding document only (ref 9: amacpt0275t) ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> coding_as_evidence(ctx_fixture)[0].message[:56]
    '"The new billing code shows that the device is no longer'
    """
    from kb.checks.citations import quote

    out = []
    for c in ctx.claims:
        found = coding_support(ctx, c)
        if not found:
            continue
        words = list(dict.fromkeys(m.group().lower() for m in NORMATIVE.finditer(c.text)))
        keys = ", ".join(f"ref {n}: {w.citekey}" for n, w in found)
        borrowed = "" if ctx.support[c.id].via != "none" else ", cited earlier in its paragraph"
        out.append(
            emit(
                "EVID-CODING-AS-EVIDENCE",
                c.document,
                c.id,
                f"{quote(c.text, 70)} draws a coverage or evidence conclusion "
                f'("{words[0]}") from a coding document only ({keys}{borrowed}), which '
                "records how a procedure is billed, not whether it works.",
                works=[w.citekey for _, w in found],
                refs=[n for n, _ in found],
                evidence=(("words", tuple(words)), ("kinds", tuple(w.kind for _, w in found))),
            )
        )
    return out
