"""Citation markers in running text: superscripts, carets, <sup>, brackets, parentheses."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.reading.lines import _SUP_DIGITS, Marker

# --- citation markers ---------------------------------------------------------------------------
_LIST = r"\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*"


_MARKER_RE = re.compile(
    r"(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻‐‑–—-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)"
    r"|\^\{\s*(?P<caret>" + _LIST + r")\s*\}"
    r"|\^(?P<caret2>\d{1,3}(?:[,–—-]\d{1,3})*)(?![\d.])"
    r"|<sup>\s*(?P<html>" + _LIST + r")\s*</sup>"
    r"|\[\s*(?P<bracket>" + _LIST + r")\s*\]"
    r"|\(\s*(?P<paren>" + _LIST + r")\s*\)"
)


_EXPONENT_WORDS = {"m", "cm", "mm", "km", "ft", "in", "s", "µm", "μm", "kg", "mol"}


_NOT_PAREN_WORDS = re.compile(
    r"\b(?:figure|fig|table|grade|level|phase|stage|type|class|category|point|step|tier|version|"
    r"equation|eq|item|appendix|section|chapter|page|pages|p|pp|vol|no|n)\.?\s*$",
    re.IGNORECASE,
)


_PAREN_FOLLOW_RE = re.compile(
    r"(?:\s*(?:[.,;:!?)\]]|$)|\s+(?:and|or|but|while|whereas|which|that|with|as|although|though|"
    r"because|since|so|yet|in|for|to|of|on|at|by|compared|versus|vs)\b)"
)


def expand_refs(spec: str) -> tuple[int, ...] | None:
    """Reference numbers of a marker body: "11,12,13", "3-5", "¹⁻³" → sorted ints; None if bad."""
    spec = spec.translate(_SUP_DIGITS)
    out: set[int] = set()
    for part in re.split(r"[,;]", spec):
        part = part.strip()
        if not part:
            return None
        bounds = re.split(r"\s*[⁻‐‑–—-]\s*", part)
        if len(bounds) == 1 and bounds[0].isdigit():
            out.add(int(bounds[0]))
        elif len(bounds) == 2 and all(b.isdigit() for b in bounds):
            lo, hi = int(bounds[0]), int(bounds[1])
            if lo > hi or hi - lo > 50:
                return None  # "12-3" or "1-900" are not marker ranges
            out.update(range(lo, hi + 1))
        else:
            return None
    if not out or min(out) < 1:
        return None
    return tuple(sorted(out))


def _is_exponent(text: str, start: int) -> bool:
    """A superscript or caret number that is a power ("m²", "10⁶", "x²"), not a marker."""
    if start == 0:
        return False
    c = text[start - 1]
    if c in "⁻·/^×":
        return True
    if c.isdigit():
        j = start - 1
        while j > 0 and text[j - 1].isdigit():
            j -= 1
        return text[j:start] == "10" or (j > 0 and text[j - 1] in "×x*")
    if c.isalpha():
        j = start - 1
        while j > 0 and text[j - 1].isalpha():
            j -= 1
        word = text[j:start]
        return len(word) == 1 or word in _EXPONENT_WORDS
    return False


def _paren_ok(text: str, m: re.Match, lo: int, hi: int) -> bool:
    """A "(n)" that closes a clause like a citation, not "(1) first ..." or "(516) 492"."""
    p = m.start() - 1
    if p >= lo and text[p] == " ":
        p -= 1
        if p < lo or not (text[p].isalnum() or text[p] in "%)]’'\"”®"):
            return False
    elif p < lo or text[p] not in ".,;)]”\"'":
        return False
    if _NOT_PAREN_WORDS.search(text[max(lo, p - 12) : p + 1]):
        return False
    return bool(_PAREN_FOLLOW_RE.match(text[m.end() : min(hi, m.end() + 24)]))


def find_markers(
    text: str, spans: Iterable[tuple[int, int]] | None = None, paren: bool | None = None
) -> list[Marker]:
    """Citation markers in the given spans (default: all text), sorted by position.

    Parenthesised numbers count only when the document uses no other marker style and either
    `paren` is True (the caller knows there is a reference list) or they look like a citation
    sequence (two or more, the first naming reference 1).
    """
    spans = [(0, len(text))] if spans is None else spans
    found: list[Marker] = []
    parens: list[Marker] = []
    for lo, hi in spans:
        for m in _MARKER_RE.finditer(text, lo, hi):
            kind = m.lastgroup
            body = m.group(kind)
            refs = expand_refs(body)
            if refs is None:
                continue
            if kind in ("sup", "caret", "caret2") and _is_exponent(text, m.start()):
                continue
            if kind in ("bracket", "paren") and max(refs) > 999:
                continue
            style = {"sup": "superscript", "caret2": "caret"}.get(kind, kind)
            marker = Marker(m.group(), m.start(), m.end(), refs, style)
            if kind == "paren":
                if _paren_ok(text, m, lo, hi) and max(refs) <= 300:
                    parens.append(marker)
            else:
                found.append(marker)
    if (
        parens
        and not found
        and paren is not False
        and (paren or (len(parens) >= 2 and parens[0].refs[0] == 1))
    ):
        found = parens
    found.sort(key=lambda mk: mk.start)
    return found
