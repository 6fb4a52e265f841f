"""A fact check of some documents gives exactly what the whole-KB check gives for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.checks.factcheck import fact_check
from kb.graph import build_graph
from kb.load import load_kb
from tests.conftest import ROOT
from tests.synthetic import make_corpus


def _same_for(kb, g, whole, docs: list[str]) -> None:
    part = fact_check(kb, g, documents=docs)
    assert part.findings == tuple(f for f in whole.findings if f.document in docs)
    claims = {c.id for d in docs for c in kb.claims(d)}
    assert part.verdicts == {k: v for k, v in whole.verdicts.items() if k in claims}
    assert part.matches == {k: v for k, v in whole.matches.items() if k in claims}
    assert part.about == {k: v for k, v in whole.about.items() if k in claims}
    assert part.carriers == {k: v for k, v in whole.carriers.items() if k in claims}
    for d in docs:
        assert part.of_document(d) == whole.of_document(d)


def test_bundled_documents_one_at_a_time():
    kb = load_kb(ROOT / "data")
    g = build_graph(kb)
    whole = fact_check(kb, g)
    codes = {f.code for f in whole.findings}
    assert "CONS-CROSS-DOCUMENT" in codes  # the 2026 letter against the 2024 statement
    for doc in kb.documents:
        _same_for(kb, g, whole, [doc])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    kb = load_kb(make_corpus(Path(tmp_path_factory.mktemp("corpus")), letters=12, kb_copies=3))
    g = build_graph(kb)
    return kb, g, fact_check(kb, g)


def test_synthetic_corpus_each_letter_alone(corpus):
    kb, g, whole = corpus
    cross = [f for f in whole.findings if f.code == "CONS-CROSS-DOCUMENT"]
    # later letters disagree with several earlier ones on the population figure
    assert any("more)" in f.message for f in cross)
    assert len({f.document for f in cross}) > 3
    for doc in kb.documents:
        _same_for(kb, g, whole, [doc])


def test_synthetic_corpus_a_pair_of_letters(corpus):
    kb, g, whole = corpus
    docs = sorted(kb.documents)
    _same_for(kb, g, whole, [docs[0], docs[-1]])


def test_unknown_document_is_named(corpus):
    kb, g, _ = corpus
    with pytest.raises(KeyError, match="no-such-letter"):
        fact_check(kb, g, documents=["no-such-letter"])


def test_findings_of_a_claim_are_indexed_once(corpus):
    _, _, whole = corpus
    some = next(f for f in whole.findings if f.claim)
    assert whole.findings_of(some.claim) == tuple(
        f for f in whole.findings if f.claim == some.claim
    )
    assert whole.findings_of("no-such-claim") == ()
