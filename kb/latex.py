"""BibTeX values <-> plain text: LaTeX macros decoded for display, specials escaped for writing.

references.bib keeps values as they were written; `to_text` turns one into what a reader should
see (`M{\\"u}ller` -> `Müller`, `{COVID}-19` -> `COVID-19`, `\\&` -> `&`) and `to_latex` writes
plain text so that `to_text(to_latex(t)) == t` for any text with single spaces. A value with no
backslash, brace, dollar or tilde is plain already and is returned unchanged, so the bundled
data (stored without macros) reads exactly as written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import overload

_SPECIALS = set("\\{}$~")
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_ESCAPE_RE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_COMMENT_RE = re.compile(r"(?<!\\)%")


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )

    # Typographic ligatures (--, ``, '') and & are kept as typed: a title's "--" is what the
    # record printed, and only real macros, braces, ~ and math are LaTeX in a BibTeX value.
    keep = ("--", "---", "``", "''", "!`", "?`", "&")
    db = get_default_latex_context_db()
    db.add_context_category(
        "kb-bibtex",
        specials=[SpecialsTextSpec(s, s) for s in keep],
        macros=[
            MacroTextSpec(name, char)
            for name, char in (
                ("textasciicircum", "^"),
                ("textasciitilde", "~"),
                ("textbraceleft", "{"),
                ("textbraceright", "}"),
            )
        ],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=True)


@overload
def to_text(value: str) -> str: ...
@overload
def to_text(value: None) -> None: ...
def to_text(value: str | None) -> str | None:
    """A BibTeX value as plain text (macros decoded, braces dropped); None stays None."""
    if not value or not _SPECIALS.intersection(value):
        return value
    # In a BibTeX value '%' is a percent sign, not the start of a LaTeX comment.
    try:
        text = _converter().latex_to_text(_COMMENT_RE.sub(r"\\%", value))
    except Exception:  # noqa: BLE001 - a value pylatexenc cannot parse is shown as written
        return value
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def to_latex(text: str) -> str:
    """Plain text as a BibTeX value: whitespace collapsed to single spaces, specials escaped.

    Braces are written as macros, so the value's own braces stay balanced for any BibTeX tool.
    """
    text = re.sub(r"\s+", " ", str(text)).strip()
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)
