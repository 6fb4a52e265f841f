"""W3C Web Annotation selectors for a stretch of text, and re-anchoring a quote after edits.

A quote is anchored by its exact text, ~32 characters of context either side
(TextQuoteSelector) and its character offsets (TextPositionSelector). After the document is
re-read (new segmentation, small edits) ``reanchor`` finds the quote again: at its old offsets if
the text there is unchanged, else by quote plus context, else as the only occurrence of the quote.
"""

from __future__ import annotations

import re

CONTEXT = 32


def selectors(text: str, start: int, end: int, context: int = CONTEXT) -> dict:
    """TextQuoteSelector (exact, prefix, suffix) and TextPositionSelector for text[start:end]."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} is outside the text (length {len(text)})")
    return {
        "TextQuoteSelector": {
            "type": "TextQuoteSelector",
            "exact": text[start:end],
            "prefix": text[max(0, start - context) : start],
            "suffix": text[end : end + context],
        },
        "TextPositionSelector": {"type": "TextPositionSelector", "start": start, "end": end},
    }


def _common_suffix(a: str, b: str) -> int:
    """Length of the common ending of a and b."""
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    """Length of the common beginning of a and b."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place the quote occurs; whitespace-tolerant when there is no exact occurrence."""
    out = []
    i = text.find(quote)
    while i != -1:
        out.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    if out:
        return out
    words = quote.split()
    if not words:
        return []
    # Line wrapping may change between versions: match the words with any whitespace between.
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def reanchor(
    text: str,
    quote: str,
    prefix: str | None = None,
    suffix: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> tuple[int, int] | None:
    """Find a quote again: (start, end) in text, or None when it is orphaned or ambiguous."""
    if not quote:
        return None
    if (
        start is not None
        and end is not None
        and 0 <= start <= end <= len(text)
        and text[start:end] == quote
    ):
        return start, end
    found = _occurrences(text, quote)
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    prefix = prefix or ""
    suffix = suffix or ""
    if prefix or suffix:
        scored = []
        for s, e in found:
            p = _common_suffix(text[max(0, s - len(prefix)) : s], prefix) if prefix else 0
            q = _common_prefix(text[e : e + len(suffix)], suffix) if suffix else 0
            scored.append((p + q, s, e))
        scored.sort(key=lambda x: -x[0])
        best = scored[0]
        if best[0] > 0 and best[0] > scored[1][0]:
            return best[1], best[2]
        # Context ties: prefer the occurrence nearest the old position, if that is unique.
        tied = [x for x in scored if x[0] == best[0]]
        if start is not None and best[0] > 0:
            tied.sort(key=lambda x: abs(x[1] - start))
            if abs(tied[0][1] - start) < abs(tied[1][1] - start):
                return tied[0][1], tied[0][2]
    return None
