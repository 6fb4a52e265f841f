"""Consistency checks: a document against itself, and documents against each other."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kb.checks import check, emit, stats
from kb.checks.context import CheckContext
from kb.checks.text import PERSON_UNITS, atoms, negation_key, norm_unit, show, strip_markers
from kb.model import Claim, Finding, NumberMention
from kb.text import fold_lower

TOPICS = {
    "how many people have the condition": re.compile(
        r"\b(?:affect\w*|prevalen\w*|diagnos\w*|suffer\w*|living\s+with|incidence)\b",
        re.IGNORECASE | re.ASCII,
    ),
    "how many people had the procedure": re.compile(
        r"\b(?:performed|underwent|undergone|received\s+(?:the\s+)?(?:procedure|treatment))\b",
        re.IGNORECASE | re.ASCII,
    ),
}
_SHARE_OF = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*%\s+of\s+(?P<what>(?:[\w®-]+\s+){0,3}?[\w®-]+?)\s+"
    r"(?:include|includ\w*|are|were|have|had|with|who|that|in)\b",
    re.IGNORECASE | re.ASCII,
)


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


@check(
    code="CONS-NEGATION",
    severity="error",
    family="consistency",
    title="two sentences of one document say opposite things",
    example='Two sentences of nysipp-2026 say opposite things: "Significant device- or '
    'procedure-related AEs were reported" and "No significant device- or procedure-related AEs '
    'were reported".',
)
def negation(ctx: CheckContext) -> list[Finding]:
    """Two sentences of a document are the same words but for a negation ("no", "not").

    Seen in the bundled letter:
        "Significant device- or procedure-related AEs were reported¹⁷."
        "No significant device- or procedure-related AEs were reported."
        -> CONS-NEGATION: Two sentences of nysipp-2026 say opposite things: ...

    On the hand-made fixture (tests/fixtures/checks):

    >>> negation(ctx_fixture)[0].message[:56]
    'Two sentences of bad say opposite things: "Serious devic'
    """
    out = []
    for doc_id, claims in ctx.doc_claims.items():
        groups: dict[tuple[str, ...], list[tuple[Claim, int]]] = defaultdict(list)
        for c in claims:
            key, negs = negation_key(c)
            if len(key) >= 4:
                groups[key].append((c, negs))
        for members in groups.values():
            done = set()
            for i, (a, na) in enumerate(members):
                for b, nb in members[i + 1 :]:
                    if (na - nb) % 2 == 0 or (a.id, b.id) in done:
                        continue
                    done.add((a.id, b.id))
                    ta = strip_markers(a).strip().rstrip(".")
                    tb = strip_markers(b).strip().rstrip(".")
                    out.append(
                        emit(
                            "CONS-NEGATION",
                            doc_id,
                            a.id,
                            f"Two sentences of {doc_id} say opposite things: "
                            f"{_quote(ta)} and {_quote(tb)}.",
                            refs=ctx.support[a.id].numbers,
                            evidence=(("other_claim", b.id),),
                        )
                    )
    return out


@dataclass(frozen=True)
class Quantity:
    """A figure a document states that another document may state differently."""

    key: str
    claim: Claim
    mention: NumberMention | None
    text: str
    value: float
    interval: tuple[float, float]


def quantities(claims: Iterable[Claim]) -> list[Quantity]:
    """Population figures (people with the condition, procedures done) and shares of a thing."""
    out = []
    for c in claims:
        topics: list[str] | None = None
        for m in c.numbers:
            if m.value is None or m.value < 1000 or norm_unit(m.unit) not in PERSON_UNITS:
                continue
            at = atoms(m)
            if not at:
                continue
            if topics is None:
                topics = [t for t, pat in TOPICS.items() if pat.search(c.text)]
            qual = dict(m.extra).get("qualifier")
            text = show(f"{qual} {m.text}" if qual else m.text)
            if m.unit and m.unit not in m.text:
                text = f"{text} {m.unit}"
            for t in topics:
                out.append(Quantity(t, c, m, text, at[0].value, at[0].interval()))
        if "%" not in c.text:
            continue
        for s in _SHARE_OF.finditer(strip_markers(c)):
            what = " ".join(fold_lower(s.group("what")).split())
            value = float(s.group("n"))
            key = f"share of {what}"
            out.append(
                Quantity(
                    key,
                    c,
                    None,
                    f"{s.group('n')}% of {s.group('what')}",
                    value,
                    stats.stated_interval(s.group("n")),
                )
            )
    return out


def _differ(o: Quantity, q: Quantity) -> bool:
    """Two figures that cannot be the same: intervals apart and at least 1.5 times apart."""
    return (
        not (o.interval[0] <= q.interval[1] and q.interval[0] <= o.interval[1])
        and max(o.value, q.value) / max(min(o.value, q.value), 1e-9) >= 1.5
    )


def _fold_ratio(a: float, b: float) -> str:
    r = max(a, b) / min(a, b)
    if abs(r - 10) < 0.5:
        return "a tenfold difference"
    if abs(r - 2) < 0.1:
        return "a twofold difference"
    return f"a {r:.1f}-fold difference"


@check(
    code="CONS-CROSS-DOCUMENT",
    severity="warning",
    family="consistency",
    title="a figure stated differently in two documents",
    example='nysipp-2026 says "more than 200,000 individuals" (how many people have the '
    'condition) where nysipp-2024 said "over two million LSS patients": a tenfold difference.',
)
def cross_document(ctx: CheckContext) -> list[Finding]:
    """The same kind of figure (people with the condition, a share of publications) differs
    between two documents of the knowledge base; reported on the later document.

    Seen in the bundled letter:
        2024: "Over two million LSS patients nationwide are diagnosed and treated annually (1)"
        2026: "... reported to affect more than 200,000 individuals in the US¹"
        -> CONS-CROSS-DOCUMENT on the 2026 letter: ... a tenfold difference.

    On the hand-made fixture (tests/fixtures/checks):

    >>> cross_document(ctx_fixture)[0].message[:56]
    'bad says "about 200,000 people" (how many people have th'
    """
    docs = ctx.kb.documents
    # every document's figures, by topic, in reading order (the index the checked documents
    # are compared through); each figure numbered by its place in that order
    everything = [c for cs in ctx.all_doc_claims().values() for c in cs]
    by_key: dict[str, list[tuple[int, Quantity]]] = defaultdict(list)
    for i, q in enumerate(quantities(everything)):
        by_key[q.key].append((i, q))
    out: list[Finding] = []
    for key, qs in by_key.items():
        # Documents in date order; a document is compared with the figures of the documents
        # before it, held as one entry per distinct (interval, value): the first figure (in
        # reading order) and how many share it. The work is figures x distinct figures, not
        # figures x figures.
        order = sorted({q.claim.document for _, q in qs}, key=lambda d: (docs[d].date, d))
        of_doc: dict[str, list[tuple[int, Quantity]]] = defaultdict(list)
        for iq in qs:
            of_doc[iq[1].claim.document].append(iq)
        earlier: dict[tuple, list] = {}  # (interval, value) -> [first index, first figure, count]
        found: list[tuple[int, Finding]] = []
        for d in order:
            mine = of_doc[d]
            if ctx.scope is None or d in ctx.scope:
                seen: set[tuple[str, str]] = set()
                for i, q in mine:
                    hits = [e for e in earlier.values() if _differ(e[1], q)]
                    if not hits or (q.claim.id, q.text) in seen:
                        continue
                    seen.add((q.claim.id, q.text))
                    o = min(hits, key=lambda e: e[0])[1]
                    n_others = sum(e[2] for e in hits)
                    more = f" (and {n_others - 1} more)" if n_others > 1 else ""
                    found.append(
                        (
                            i,
                            emit(
                                "CONS-CROSS-DOCUMENT",
                                q.claim.document,
                                q.claim.id,
                                f'{q.claim.document} says "{q.text.strip()}" ({key}) where '
                                f'{o.claim.document} said "{o.text.strip()}"{more}: '
                                f"{_fold_ratio(q.value, o.value)}.",
                                refs=ctx.support[q.claim.id].numbers,
                                evidence=(
                                    ("other_claim", o.claim.id),
                                    ("values", (q.value, o.value)),
                                    ("topic", key),
                                ),
                            ),
                        )
                    )
            for i, q in mine:
                entry = earlier.setdefault((q.interval, q.value), [i, q, 0])
                entry[2] += 1
                if i < entry[0]:
                    entry[0], entry[1] = i, q
        out.extend(f for _, f in sorted(found, key=lambda x: x[0]))
    return out
