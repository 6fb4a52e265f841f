"""Sentence splitting that knows abbreviations, trademarks, LaTeX and citation markers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.reading.lines import Marker, _strip_span

# --- sentences ----------------------------------------------------------------------------------
_ALWAYS_ABBREV = {
    "al", "e.g", "eg", "i.e", "ie", "vs", "cf", "approx", "ca", "dr", "mr", "mrs", "ms", "prof",
    "st", "jr", "sr", "inc", "ltd", "corp", "co", "resp", "incl", "viz", "etc", "esp", "dept",
    "univ", "assoc", "est",
}  # fmt: skip


_DIGIT_ABBREV = {"no", "nos", "vol", "p", "pp", "fig", "figs", "ref", "refs", "eq", "ch", "sec"}


_LATEX_RE = re.compile(r"\$(?=[^$\n]{0,200}[<>=≤≥\\^_])(?![\d\s])[^$\n]{1,200}?\$")


_TRADEMARK_START_RE = re.compile(r"[a-z][\w-]*(?:®|™|\[®\]|\[™\]|\(R\)|\(TM\))")


_CLOSERS = "\"'”’)]*"


def _abbrev_before(text: str, dot: int, lo: int, nxt: str) -> bool:
    """True when the period at `dot` ends an abbreviation ("et al.", "e.g.", "Dr.", "Fig. 2")."""
    j = dot
    while j > lo and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word == "etc":
        return not nxt.isupper()  # "etc. The" ends a sentence, "etc.) may" does not
    if word in _ALWAYS_ABBREV or "." in word:
        return True
    if word in _DIGIT_ABBREV and nxt.isdigit():
        return True
    # an initial ("J. Smith"), but not the letter closing a code such as "0899T."
    return len(word) == 1 and text[j].isupper() and not (j > lo and text[j - 1].isdigit())


def _starts_sentence(text: str, n: int, end: int) -> bool:
    """Can a sentence start at n? Upper case, digits, quotes, or a lower-case trademark."""
    c = text[n]
    if c.isupper() or c.isdigit() or c in "\"'“‘([*$#¿¡":
        return True
    return c.islower() and bool(_TRADEMARK_START_RE.match(text, n, min(end, n + 60)))


def split_sentences(
    text: str, start: int = 0, end: int | None = None, markers: Sequence[Marker] = ()
) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; markers right after a period stay with its sentence."""
    end = len(text) if end is None else end
    marker_end = {m.start: m.end for m in markers if start <= m.start < end}
    latex = [(m.start(), m.end()) for m in _LATEX_RE.finditer(text, start, end)]
    li = 0
    spans: list[tuple[int, int]] = []
    cur = start
    for t in re.finditer(r"[.!?]+", text[start:end]):
        ts, te = start + t.start(), start + t.end()
        while li < len(latex) and latex[li][1] <= ts:
            li += 1
        if li < len(latex) and latex[li][0] <= ts < latex[li][1]:
            continue  # "$P < 0.001$" and the like are one token
        if ts < cur:
            continue
        j = te
        while j < end and text[j] in _CLOSERS:
            j += 1
        had_marker = False
        while True:
            k = j
            while k < end and text[k] in " \t":
                k += 1
            if k in marker_end:
                j = marker_end[k]
                had_marker = True
                continue
            break
        if j >= end:
            break
        if not text[j].isspace():
            continue  # "5.1mm", "i.e.,", "U.S.A"
        n = j
        while n < end and text[n].isspace():
            n += 1
        if n >= end:
            break
        if not _starts_sentence(text, n, end):
            continue
        if not had_marker and _abbrev_before(text, ts, start, text[n]):
            continue
        spans.append((cur, j))
        cur = n
    spans.append((cur, end))
    out = []
    for s, e in spans:
        s, e = _strip_span(text, s, e)
        if s < e:
            out.append((s, e))
    return out
