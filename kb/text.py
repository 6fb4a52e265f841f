"""Text helpers every stage shares: accent folding and personal names. Defined once, here.

Folding transliterates through `anyascii`, so letters that a plain Unicode decomposition drops
survive: ø → o, ł → l, ß → ss (NFKD would turn "Søren Ørsted" into "sren rsted").

>>> fold("Søren Ørsted, Łódź, Straße")
'Soren Orsted, Lodz, Strasse'
>>> split_name("van der Berg J")
('van der Berg', 'J')
>>> split_name("Peter S. Staats")
('Staats', 'Peter S.')
>>> split_name("Staats, Jr, Peter S.")
('Staats', 'Peter S.')
>>> split_name("Abernathy R. T.")
('Abernathy', 'R. T.')
>>> split_name("T. R. Deer")
('Deer', 'T. R.')
>>> surname("Jan van der Berg")
'van der berg'
"""

from __future__ import annotations

import re
from bisect import bisect_right

from anyascii import anyascii

# Trademark and copyright signs are dropped, not spelled out: "mild®" folds to "mild".
_MARKS = str.maketrans("", "", "®™©℠")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

# Name particles that belong to the family name ("van der Berg", "de la Cruz").
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten"}
    | {"dos", "das", "st", "st.", "bin", "ibn", "al", "el", "zu", "vom", "y"}
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_DEGREES = re.compile(
    r",?\s*\b(?:MD|PhD|DO|MBA|MPH|MS|MSc|MBBS|FRCPC|FIPP|DABPM|RN|PharmD|Jr\.?|Sr\.?|III|II)\b\.?"
)


def fold(text: str) -> str:
    """The text in ASCII letters (accents and other scripts transliterated), case kept."""
    return anyascii(text.translate(_MARKS))


def fold_lower(text: str) -> str:
    """Folded, lower case, without surrounding space."""
    return fold(text).lower().strip()


def words(text: str | None) -> str:
    """Folded lower-case words separated by single spaces (punctuation dropped)."""
    return _NOT_WORD.sub(" ", fold(text or "").lower()).strip()


def _is_initials(token: str) -> bool:
    return bool(_INITIALS.fullmatch(token))


def split_name(raw: str) -> tuple[str, str] | None:
    """(family, given) of a personal name as written, or None when nothing is left.

    Takes "Last, First", BibTeX's "Last, Jr, First", "Last FM" (Vancouver), "FM Last" and
    "First Middle Last"; keeps particles with the family name ("van der Berg"); drops a role
    in parentheses and degrees ("MD", "PhD").
    """
    name = re.sub(r"\(.*?\)", "", raw)
    name = _DEGREES.sub("", name)
    name = " ".join(name.split()).strip(" ,;")
    if not name:
        return None
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        given = parts[-1] if len(parts) > 1 else ""
        if len(parts) > 2 and parts[1].lower() not in SUFFIXES:
            given = ", ".join(parts[1:])
        return parts[0], given
    tokens = name.split()
    if len(tokens) == 1:
        return tokens[0], ""
    if _is_initials(tokens[-1]) and not _is_initials(tokens[0]):
        i = len(tokens) - 1
        while i > 1 and _is_initials(tokens[i - 1]):
            i -= 1  # "Abernathy R. T.": every initial goes with the given names
        return " ".join(tokens[:i]), " ".join(tokens[i:])  # "Staats PS", "van der Berg J"
    if _is_initials(tokens[0]):
        i = 1
        while i < len(tokens) - 1 and _is_initials(tokens[i]):
            i += 1  # "T. R. Deer"
        return " ".join(tokens[i:]), " ".join(tokens[:i])  # "PS Staats"
    i = len(tokens) - 1
    while i > 1 and tokens[i - 1].lower() in PARTICLES:
        i -= 1
    return " ".join(tokens[i:]), " ".join(tokens[:i])  # "Peter S. Staats", "Jan van der Berg"


def surname(raw: str | None) -> str | None:
    """The family name folded to lower case ('Staats PS' -> 'staats'); None when unknown."""
    parts = split_name(raw) if raw else None
    if parts is None or not parts[0]:
        return None
    return fold_lower(parts[0])


def initials(given: str) -> str:
    """'Peter S.' -> 'P. S.'; 'PS' -> 'P. S.'; 'J-P' -> 'J.-P.'."""
    if _is_initials(given.replace(" ", "")):
        letters = [c for c in given if c.isalpha()]
        return " ".join(f"{c}." for c in letters)
    return " ".join(
        "-".join(f"{p[0]}." for p in part.split("-") if p) for part in given.split() if part
    )


class LineIndex:
    """1-based line numbers of character offsets, by bisection over the line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        """The 1-based line holding a character offset."""
        return bisect_right(self.starts, max(0, offset))
