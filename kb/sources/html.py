"""HTML -> text: block structure, list numbering, <sup> markers; scripts and styles skipped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kb.sources.common import Extracted, _join_sup
from kb.sources.text import decode_text


def _int(value: str | None, default: int) -> int:
    """A list number attribute; a malformed one ('²', 'one', 10**5000) -> default."""
    if value is None or not re.fullmatch(r"-?[0-9]{1,7}", value.strip()):
        return default
    return int(value)


_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "dl",
    "dt",
    "dd",
    "hr",
    "address",
    "figure",
    "figcaption",
    "main",
    "nav",
    "aside",
    "ul",
    "ol",
    "center",
    "form",
    "fieldset",
}


_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg", "math", "title"}


class _HTMLText(HTMLParser):
    """Collects the visible text of an HTML page with block breaks and <sup> markers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.pre = 0
        self.sup: list[str] | None = None
        self.sup_depth = 0
        self.lists: list[list] = []
        self.markers = 0

    def _break(self, kind: str) -> None:
        target = self.out
        while target and target[-1] in (" ", ""):
            target.pop()
        if not target:
            return
        tail = "".join(target[-2:])
        if kind == "\n\n":
            if tail.endswith("\n\n"):
                return
            target.append("\n" if tail.endswith("\n") else "\n\n")
        elif not tail.endswith("\n"):
            target.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "sup":
            self.sup_depth += 1
            if self.sup is None:
                self.sup = []
            return
        if tag == "br":
            self._text("\n", raw=True)
        elif tag in ("ol", "ul"):
            self.lists.append([tag, _int(dict(attrs).get("start"), 1)])
            self._break("\n\n" if len(self.lists) == 1 else "\n")
        elif tag == "li":
            self._break("\n")
            if self.lists:
                kind, n = self.lists[-1]
                n = _int(dict(attrs).get("value"), n)
                self.out.append("  " * (len(self.lists) - 1))
                self.out.append(f"{n}. " if kind == "ol" else "- ")
                self.lists[-1][1] = n + 1
        elif tag == "tr":
            self._break("\n")
        elif tag in ("td", "th"):
            if self.out and not self.out[-1].endswith(("\n", " ")):
                self.out.append(" ")
        elif tag in _BLOCK_TAGS:
            if tag == "pre":
                self.pre += 1
            self._break("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "sup" and self.sup_depth:
            self.sup_depth -= 1
            if self.sup_depth == 0 and self.sup is not None:
                raw, self.sup = "".join(self.sup), None
                self.markers += _join_sup(self.out, raw)
            return
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
            self._break("\n\n" if not self.lists else "\n")
        elif tag == "li":
            self._break("\n")
        elif tag in _BLOCK_TAGS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._break("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self._text(data)

    def _text(self, data: str, raw: bool = False) -> None:
        if not raw and not self.pre:
            data = re.sub(r"\s+", " ", data)
        target = self.sup if self.sup is not None else self.out
        if not raw and data == " " and (not target or target[-1].endswith((" ", "\n"))):
            return
        if not raw and not self.pre and target and target[-1].endswith(("\n", " ")):
            data = data.lstrip(" ")
        if data:
            target.append(data)


def extract_html(data: bytes, name: str) -> Extracted:
    """Visible text of an HTML page: blocks become paragraphs, <sup> numbers become markers."""
    text, warnings = decode_text(data, name)
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    out = "".join(parser.out)
    out = re.sub(r"[ \t]+\n", "\n", out)
    out = re.sub(r"\n{3,}", "\n\n", out).strip() + "\n"
    return Extracted(out, "html", (), parser.markers, warnings)
