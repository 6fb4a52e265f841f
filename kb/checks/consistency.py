"""Consistency checks: a document against itself, and documents against each other."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kb.checks import check, emit, stats
from kb.checks.context import CheckContext, per_kb
from kb.checks.text import PERSON_UNITS, atoms, negation_key, norm_unit, show, strip_markers
from kb.model import Claim, Finding, KnowledgeBase, NumberMention
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
    out: list[Finding] = []
    for key, by_doc in cross_index(ctx.kb).items():
        docs = by_doc if ctx.scope is None else [d for d in ctx.scope if d in by_doc]
        hits = sorted((h for d in docs for h in by_doc[d]), key=lambda h: h.index)
        for h in hits:
            q, o = h.figure, h.other
            more = f" (and {h.others - 1} more)" if h.others > 1 else ""
            out.append(
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
                )
            )
    return out


@dataclass(frozen=True)
class CrossHit:
    """A figure of a document that differs from figures of earlier documents: the earliest
    of those (in reading order) and how many there are; index is the figure's place among
    every document's figures in reading order."""

    index: int
    figure: Quantity
    other: Quantity
    others: int


def cross_index(kb: KnowledgeBase) -> dict[str, dict[str, list[CrossHit]]]:
    """Topic -> document -> the figures of that document that differ from earlier documents'.

    Built once per knowledge base over every document (and again only when its readings or
    documents change), so checking one document looks up its own figures instead of gathering
    every document's. Documents are taken in date order; a document is compared with the
    figures of the documents before it, held as one entry per distinct (interval, value): the
    first figure (in reading order) and how many share it. The work is figures x distinct
    figures, not figures x figures.
    """
    parts = (kb.readings, kb.readings.values(), kb.documents.values())
    return per_kb(kb, "cross_index", parts, lambda: _cross_index(kb))


def _cross_index(kb: KnowledgeBase) -> dict[str, dict[str, list[CrossHit]]]:
    docs = kb.documents
    # every document's figures, by topic, in reading order; each numbered by its place there
    everything = [c for r in kb.readings.values() for c in sorted(r.claims, key=lambda c: c.start)]
    by_key: dict[str, list[tuple[int, Quantity]]] = defaultdict(list)
    for i, q in enumerate(quantities(everything)):
        by_key[q.key].append((i, q))
    index: dict[str, dict[str, list[CrossHit]]] = {}
    for key, qs in by_key.items():
        order = sorted({q.claim.document for _, q in qs}, key=lambda d: (docs[d].date, d))
        of_doc: dict[str, list[tuple[int, Quantity]]] = defaultdict(list)
        for iq in qs:
            of_doc[iq[1].claim.document].append(iq)
        earlier: dict[tuple, list] = {}  # (interval, value) -> [first index, first figure, count]
        found: dict[str, list[CrossHit]] = {}
        for d in order:
            mine = of_doc[d]
            seen: set[tuple[str, str]] = set()
            for i, q in mine:
                hits = [e for e in earlier.values() if _differ(e[1], q)]
                if not hits or (q.claim.id, q.text) in seen:
                    continue
                seen.add((q.claim.id, q.text))
                o = min(hits, key=lambda e: e[0])[1]
                found.setdefault(d, []).append(CrossHit(i, q, o, sum(e[2] for e in hits)))
            for i, q in mine:
                entry = earlier.setdefault((q.interval, q.value), [i, q, 0])
                entry[2] += 1
                if i < entry[0]:
                    entry[0], entry[1] = i, q
        index[key] = found
    return index
