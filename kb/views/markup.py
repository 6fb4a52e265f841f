"""Document text made inert for the app's Markdown and HTML: nothing a letter says is markup.

A letter, a BibTeX file or a CSV cell is written by someone else. Whatever the app shows of it
goes through `md` (inside Markdown: every ASCII punctuation mark backslash-escaped, so
`![x](http://…)` shows as typed and loads nothing; emoji and icon shortcodes broken up), `code`
(an inline code span that a backtick in the value cannot close) or `html.escape` (inside HTML).
"""

from __future__ import annotations

import html
import re

# The characters that start Markdown syntax anywhere in a line: emphasis, code, links and
# images, raw HTML, tables, strikethrough, math, headings and quotes, and the backslash itself.
_SYNTAX = re.compile(r"([\\`*_\[\]<>!#|~$])")
# What starts a block only at the start of a line: a list item ("- x", "+ x", "1. x", "2) x";
# "1.0 point" is no list item and stays as it is).
_LINE_START = re.compile(r"^(\d{0,9})((?<=\d)[.)]|(?<!\d)[-+])(?=\s|$)")
# Bare addresses that GFM turns into links (http://, https://, www.; a backslash does not
# stop it): a word joiner after the scheme or the www keeps them text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)(?=[:.])")
# Streamlit turns :name: and :material/name: into emoji and icons (an icon font is fetched
# over the network); a word joiner after the colon keeps them text.
_SHORTCODE = re.compile(r":(?=[A-Za-z_][\w/+-]*:)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """Text for Markdown: shown as written, never read as links, images, HTML or icons.

    >>> md("![x](a.png) *5*")
    '\\\\!\\\\[x\\\\](a.png) \\\\*5\\\\*'
    """
    text = " ".join(str(text).split())
    text = _SHORTCODE.sub(":" + WORD_JOINER, text)
    text = _SYNTAX.sub(r"\\\1", text)
    text = _AUTOLINK.sub("\\1" + WORD_JOINER, text)
    return _LINE_START.sub(r"\1\\\2", text)


def code(text: object) -> str:
    """An inline code span holding `text` whatever backticks it contains."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"`{text}`"


def attr(text: object) -> str:
    """Text for an HTML element or attribute."""
    return html.escape(str(text), quote=True)
