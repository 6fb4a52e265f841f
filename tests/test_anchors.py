"""W3C selectors and re-anchoring quotes after re-segmentation or edits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.linking.anchors import CONTEXT, reanchor, selectors

TEXT = (
    "The procedure is safe. No serious device-related AEs were reported. "
    "Walking improved. No serious device-related AEs were reported. The end."
)
QUOTE = "No serious device-related AEs were reported."


def test_selectors_shape():
    s = TEXT.index("Walking")
    e = s + len("Walking improved.")
    sel = selectors(TEXT, s, e)
    q = sel["TextQuoteSelector"]
    p = sel["TextPositionSelector"]
    assert q["type"] == "TextQuoteSelector" and p["type"] == "TextPositionSelector"
    assert q["exact"] == "Walking improved."
    assert q["prefix"] == TEXT[s - CONTEXT : s] and len(q["prefix"]) == 32
    assert q["suffix"] == TEXT[e : e + CONTEXT]
    assert (p["start"], p["end"]) == (s, e)


def test_selectors_at_the_edges_and_bad_spans():
    sel = selectors("abc", 0, 3)
    assert sel["TextQuoteSelector"]["prefix"] == "" and sel["TextQuoteSelector"]["suffix"] == ""
    with pytest.raises(ValueError):
        selectors("abc", 2, 5)


def test_exact_position_first():
    s = TEXT.rindex(QUOTE)
    assert reanchor(TEXT, QUOTE, None, None, s, s + len(QUOTE)) == (s, s + len(QUOTE))


def test_by_context_after_the_text_moved():
    s = TEXT.rindex(QUOTE)
    sel = selectors(TEXT, s, s + len(QUOTE))["TextQuoteSelector"]
    edited = "A new first sentence was added. " + TEXT
    got = reanchor(edited, QUOTE, sel["prefix"], sel["suffix"], s, s + len(QUOTE))
    assert got == (edited.rindex(QUOTE), edited.rindex(QUOTE) + len(QUOTE))
    first = TEXT.index(QUOTE)
    sel1 = selectors(TEXT, first, first + len(QUOTE))["TextQuoteSelector"]
    got1 = reanchor(edited, QUOTE, sel1["prefix"], sel1["suffix"], first, first + len(QUOTE))
    assert got1 == (edited.index(QUOTE), edited.index(QUOTE) + len(QUOTE))


def test_unique_quote_without_context():
    edited = "Prefix. " + TEXT
    s = edited.index("Walking improved.")
    assert reanchor(edited, "Walking improved.", None, None, 0, 3) == (s, s + 17)


def test_ambiguous_without_context_is_orphaned():
    assert reanchor("Prefix. " + TEXT, QUOTE, None, None, None, None) is None


def test_ambiguous_context_tie_prefers_the_old_position():
    text = "x. A. y. A. z."
    got = reanchor(text, "A.", ". ", " ", 9, 11)
    assert got == (9, 11)


def test_missing_quote_is_orphaned():
    assert reanchor(TEXT, "This sentence is gone.", "x", "y", 0, 5) is None
    assert reanchor(TEXT, "", None, None, 0, 0) is None


def test_rewrapped_quote_is_found():
    text = "Intro. The mild Procedure restores space\nin the spinal canal. End."
    got = reanchor(text, "restores space in the spinal canal.", None, None, None, None)
    assert got is not None
    s, e = got
    assert text[s:e] == "restores space\nin the spinal canal."


def test_resegmented_claim_is_found_in_a_real_letter_shape():
    old = "First claim here. Second claim here with 5.1mm. Third."
    s = old.index("Second")
    e = old.index("Third") - 1
    sel = selectors(old, s, e)
    q = sel["TextQuoteSelector"]
    new = "Heading\n\n" + old.replace(". Second", ".\nSecond")
    got = reanchor(new, q["exact"], q["prefix"], q["suffix"], s, e)
    assert got is not None and new[got[0] : got[1]] == q["exact"]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=200), st.data())
def test_reanchor_in_unchanged_text_returns_the_span(text, data):
    s = data.draw(st.integers(0, len(text) - 1))
    e = data.draw(st.integers(s + 1, len(text)))
    q = selectors(text, s, e)["TextQuoteSelector"]
    assert reanchor(text, q["exact"], q["prefix"], q["suffix"], s, e) == (s, e)
    got = reanchor(text, q["exact"], q["prefix"], q["suffix"], None, None)
    assert got is None or text[got[0] : got[1]].split() == q["exact"].split()
