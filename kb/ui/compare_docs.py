"""Compare documents: subjects both speak of, numbers that changed, claims found in one only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb import views
from kb.reading import FACTUAL_KINDS
from kb.ui.common import guarded, need_kb
from kb.ui.components import table
from kb.ui.state import checks
from kb.views.compare import compare_claims, stated_differently
from kb.views.markup import md

DEFAULT = ("nysipp-2024", "nysipp-2026")


def main() -> None:
    loaded = need_kb()
    kb = loaded.kb
    st.title("⚖️ Compare documents")
    ids = sorted(kb.documents, key=lambda d: (kb.documents[d].date, d))
    if len(ids) < 2:
        st.info(f"Comparing needs two documents; the knowledge base holds {len(ids)}.")
        return
    a0 = DEFAULT[0] if DEFAULT[0] in ids else ids[0]
    b0 = DEFAULT[1] if DEFAULT[1] in ids else ids[-1]
    c1, c2, c3 = st.columns([2, 2, 1])

    def fmt(d):
        return f"{kb.documents[d].date} · {d}"

    a = c1.selectbox("Earlier document", ids, index=ids.index(a0), key="cmp_a", format_func=fmt)
    b = c2.selectbox("Later document", ids, index=ids.index(b0), key="cmp_b", format_func=fmt)
    threshold = c3.slider(
        "Match threshold (%)",
        30,
        100,
        50,
        5,
        key="cmp_threshold",
        help="share of the shorter claim's uncommon subject words that the other claim also uses",
    )
    if a == b:
        st.warning("Pick two different documents.")
        return
    ca = [c for c in kb.claims(a) if c.kind in FACTUAL_KINDS]
    cb = [c for c in kb.claims(b) if c.kind in FACTUAL_KINDS]
    if not ca or not cb:
        st.info(f"{md(a if not ca else b)} has no claims to compare.")
        return
    cmp = compare_claims(ca, cb, threshold=threshold)
    st.caption(
        "How claims are matched: two claims are paired when they share at least two subject "
        "words and those make up at least "
        f"{threshold} % of the shorter claim's subject words. Common English words do not count, "
        "nor do words found in 12 % or more of all claims (such as “mild” and “patient”); "
        "near-identical spellings count as one word (rapidfuzz ≥ 90). Letterhead, salutation "
        "and signature lines are left out. "
        "Each claim is paired once, best match first. A number changed when both claims state "
        "numbers of one kind and each states a value the other does not."
    )
    fc = checks()
    differ = stated_differently(fc.findings, ca, cb)
    m = st.columns(4)
    m[0].metric("Claims paired", len(cmp.pairs))
    m[1].metric("Numbers that changed", len(cmp.changes) + len(differ))
    m[2].metric(f"Only in {md(a)}", len(cmp.only_a))
    m[3].metric(f"Only in {md(b)}", len(cmp.only_b))

    st.subheader("Numbers that changed")
    st.markdown("**The same kind of figure, stated differently** (fact check, matched by topic)")
    table(
        [
            {
                "topic": dict(d.finding.evidence).get("topic", ""),
                "finding": d.finding.message,
                f"claim in {a}": " ".join(d.a.text.split()),
                f"claim in {b}": " ".join(d.b.text.split()),
            }
            for d in differ
        ],
        "The fact check found no figure stated differently in the two documents.",
        static=True,
    )
    st.markdown("**Numbers of paired claims** (matched by shared subject words)")
    table(
        [
            {
                "kind": ch.kind,
                a: ", ".join(ch.a_numbers),
                b: ", ".join(ch.b_numbers),
                f"claim in {a}": " ".join(ch.pair.a.text.split()),
                f"claim in {b}": " ".join(ch.pair.b.text.split()),
                "overlap %": f"{ch.pair.score:g}",
            }
            for ch in cmp.changes
        ],
        "No paired claims state different numbers of the same kind.",
        static=True,
    )
    st.subheader("Subjects both speak of")
    tab_pairs, tab_words = st.tabs(
        [f"Paired claims ({len(cmp.pairs)})", f"Shared subject words ({len(cmp.subjects)})"]
    )
    with tab_pairs:
        table(
            [
                {
                    f"claim in {a}": " ".join(p.a.text.split()),
                    f"claim in {b}": " ".join(p.b.text.split()),
                    "overlap %": f"{p.score:g}",
                    "shared words": ", ".join(p.shared),
                }
                for p in cmp.pairs
            ],
            "No two claims are close enough to pair at this threshold.",
            static=True,
        )
    with tab_words:
        st.dataframe(
            pd.DataFrame(
                [
                    {"word": s.word, f"claims in {a}": s.count_a, f"claims in {b}": s.count_b}
                    for s in cmp.subjects
                ]
            ),
            hide_index=True,
            key="cmp_words",
        )
    left, right = st.columns(2)
    with left:
        st.subheader(f"Only in {md(a)}")
        table(
            [{"claim": c.id, "text": views.clip(c.text, 140)} for c in cmp.only_a],
            f"Every claim of {md(a)} has a counterpart.",
            key="cmp_only_a",
            width="stretch",
        )
    with right:
        st.subheader(f"Only in {md(b)}")
        table(
            [{"claim": c.id, "text": views.clip(c.text, 140)} for c in cmp.only_b],
            f"Every claim of {md(b)} has a counterpart.",
            key="cmp_only_b",
            width="stretch",
        )


guarded("compare", main)
