"""File bytes -> plain text with citation markers and page locators (PDF, DOCX, HTML, TXT, MD).

Superscript reference numbers are recovered from the file's own formatting (a smaller, raised
glyph in a PDF; a superscript run in Word; <sup> in HTML) and written the way the bundled letters
write them: ``¹³`` for one number and ``^{11,12,13}`` for a list or range, so `kb.reading` finds
them. Bad input raises IngestError with a message meant for the person who uploaded the file.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import zipfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import PurePath

MAX_BYTES = 20 * 1024 * 1024
FORMATS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
}
ACCEPTED = "PDF (.pdf), Word (.docx), HTML (.html, .htm), plain text (.txt) or Markdown (.md)"

SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_MARKER_BODY = re.compile(r"\d+(?:\s*[,;\-–—]\s*\d+)*")
_LIST_START = re.compile(r"^(?:[-•▪◦●·*–]\s|\(?\d{1,3}[.)]\s|\[\d{1,3}\]\s|[a-z][.)]\s)")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl",
                            "ﬅ": "st", "ﬆ": "st", "\u00ad": "",
                            **{chr(c): "" for c in range(32) if c not in (9, 10)}})
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)


class IngestError(Exception):
    """A file that cannot be ingested; `message` is meant for the person who supplied it."""

    def __init__(self, code: str, message: str, detail: str | None = None):
        self.code, self.message, self.detail = code, message, detail
        super().__init__(message)


@dataclass(frozen=True)
class PageSpan:
    """Where one page of the source stands in the extracted text: [start, end) offsets."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class Extracted:
    """Text taken from a file, its page spans, and what the extraction noticed."""

    text: str
    format: str
    pages: tuple[PageSpan, ...] = ()
    markers: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def page_of(self, offset: int) -> int | None:
        """The page holding a character offset, or None when the format has no pages."""
        if not self.pages:
            return None
        starts = [p.start for p in self.pages]
        i = max(0, bisect_right(starts, offset) - 1)
        return self.pages[i].page

    def pages_of(self, start: int, end: int) -> tuple[int, int] | None:
        """First and last page of a span, or None when the format has no pages."""
        first = self.page_of(start)
        if first is None:
            return None
        return first, self.page_of(max(start, end - 1)) or first


# ---------------------------------------------------------------------------------------
# markers


def marker_text(raw: str) -> str | None:
    """Marker for superscript content: '13' -> '¹³', '11, 12' -> '^{11,12}'; None if not one."""
    body = raw.strip()
    if not _MARKER_BODY.fullmatch(body):
        return None
    body = re.sub(r"\s+", "", body)
    return body.translate(SUPERSCRIPT_DIGITS) if body.isdigit() else "^{" + body + "}"


def _split_marker(raw: str) -> tuple[str, str | None, str]:
    """Split superscript content into (leading punctuation, marker or None, trailing)."""
    m = re.fullmatch(r"(\s*[,;.]?\s*)(.*?)(\s*[,;.]?\s*)", raw, re.DOTALL)
    lead, body, trail = (m.group(1), m.group(2), m.group(3)) if m else ("", raw, "")
    marker = marker_text(body)
    return (lead.strip(), marker, trail.strip()) if marker else ("", None, "")


def _join_sup(out: list[str], raw: str) -> int:
    """Append superscript content to `out` as a marker if it is one; return 1 if it was."""
    lead, marker, trail = _split_marker(raw)
    if marker is None:
        out.append(raw)
        return 0
    while out and out[-1].endswith((" ", "\t")) and out[-1].strip():
        out[-1] = out[-1].rstrip(" \t")
    if out and not out[-1].strip() and out[-1] != "\n":
        out.pop()
    out.append(lead + marker + trail)
    return 1


# ---------------------------------------------------------------------------------------
# sniffing and checks


def sniff(data: bytes) -> str:
    """What the bytes look like: pdf, docx, zip, ole, exe, image, rtf, html, text or binary."""
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return "docx" if "word/document.xml" in z.namelist() else "zip"
        except zipfile.BadZipFile:
            return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        return "exe"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in head:
        return "binary"
    if re.search(rb"<(?:!doctype\s+html|html|body|head|p|div|sup)\b", head, re.IGNORECASE):
        return "html"
    return "text"


_LOOKS = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "zip": "a ZIP archive",
    "ole": "an old-style Word (.doc) or Office file",
    "exe": "a program, not a document",
    "image": "an image",
    "rtf": "an RTF document",
    "html": "an HTML page",
    "text": "plain text",
    "binary": "binary data",
}


def check_file(data: bytes, name: str) -> str:
    """Return the format to read the file as, or raise IngestError saying what is wrong."""
    ext = PurePath(name or "").suffix.lower()
    if len(data) == 0:
        raise IngestError("empty", f"{name} is empty (0 bytes): there is nothing to read.")
    if len(data) > MAX_BYTES:
        mb = len(data) / (1024 * 1024)
        raise IngestError(
            "too-large", f"{name} is {mb:.1f} MB; files over {MAX_BYTES // (1024 * 1024)} MB "
            "are not accepted. Split the file or remove embedded images."
        )
    looks = sniff(data)
    if ext not in FORMATS:
        what = f" It looks like {_LOOKS[looks]}." if looks in ("exe", "image", "ole") else ""
        if looks == "ole":
            what += " Open it in Word and save it as .docx."
        shown = ext or "no extension"
        raise IngestError(
            "unsupported-type", f"{name}: files of type '{shown}' are not accepted.{what} "
            f"Upload a {ACCEPTED}."
        )
    fmt = FORMATS[ext]
    ok = {"pdf": {"pdf"}, "docx": {"docx"}, "html": {"html", "text"}, "txt": {"text", "html"},
          "md": {"text", "html"}}[fmt]
    if fmt == "docx" and looks == "zip":
        raise IngestError(
            "corrupt", f"{name} could not be opened as a Word document: the package is "
            "damaged or is not a .docx. Open it in Word and save it again."
        )
    if looks not in ok:
        hint = ""
        if looks == "ole" and fmt == "docx":
            hint = " Open it in Word and save it as .docx."
        elif looks in ("pdf", "docx", "text", "html"):
            right = {"pdf": ".pdf", "docx": ".docx", "text": ".txt", "html": ".html"}[looks]
            hint = f" Rename it to {right} if that is what it is."
        raise IngestError(
            "wrong-extension", f"{name} is named {ext} but its content is {_LOOKS[looks]}.{hint}"
        )
    return fmt


# ---------------------------------------------------------------------------------------
# plain text


def decode_text(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Decode text bytes (UTF-8, UTF-16 with BOM, else Windows-1252) with newlines made LF."""
    warnings: tuple[str, ...] = ()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise IngestError(
                    "corrupt", f"{name} is neither UTF-8 nor Windows-1252 text."
                ) from None
            warnings = ("The file is not UTF-8; it was read as Windows-1252.",)
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


_SUP_TAG = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)


def extract_txt(data: bytes, name: str, fmt: str = "txt") -> Extracted:
    """Plain text or Markdown: decoded as is; <sup>n</sup> becomes a marker."""
    text, warnings = decode_text(data, name)
    count = 0

    def sup(m: re.Match) -> str:
        nonlocal count
        marker = marker_text(re.sub(r"<[^>]+>", "", m.group(1)))
        if marker is None:
            return m.group(0)
        count += 1
        return marker

    text = _SUP_TAG.sub(sup, text)
    return Extracted(text, fmt, (), count, warnings)


# ---------------------------------------------------------------------------------------
# HTML

_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "section",
    "article", "header", "footer", "pre", "dl", "dt", "dd", "hr", "address", "figure",
    "figcaption", "main", "nav", "aside", "ul", "ol", "center", "form", "fieldset",
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
            start = dict(attrs).get("start") or "1"
            self.lists.append([tag, int(start) if start.strip().isdigit() else 1])
            self._break("\n\n" if len(self.lists) == 1 else "\n")
        elif tag == "li":
            self._break("\n")
            if self.lists:
                kind, n = self.lists[-1]
                value = dict(attrs).get("value")
                if value and value.strip().isdigit():
                    n = int(value)
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


# ---------------------------------------------------------------------------------------
# DOCX


def _docx_numbering(document) -> dict[str, dict[int, tuple[str, str, int]]]:
    """numId -> level -> (number format, level text, start) from the numbering part."""
    from docx.oxml.ns import qn

    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
    for an in root.findall(qn("w:abstractNum")):
        levels = {}
        for lvl in an.findall(qn("w:lvl")):
            ilvl = int(lvl.get(qn("w:ilvl"), "0"))
            fmt = lvl.find(qn("w:numFmt"))
            txt = lvl.find(qn("w:lvlText"))
            start = lvl.find(qn("w:start"))
            levels[ilvl] = (
                fmt.get(qn("w:val")) if fmt is not None else "decimal",
                txt.get(qn("w:val")) if txt is not None else "%1.",
                int(start.get(qn("w:val"))) if start is not None else 1,
            )
        abstract[an.get(qn("w:abstractNumId"))] = levels
    out = {}
    for num in root.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is not None:
            out[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})
    return out


def _num_props(paragraph) -> tuple[str, int] | None:
    """(numId, level) of a list paragraph, from the paragraph or its style; None otherwise."""
    from docx.oxml.ns import qn

    for el in (paragraph._p, getattr(paragraph.style, "element", None)):
        ppr = el.find(qn("w:pPr")) if el is not None else None
        num = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num is not None:
            nid = num.find(qn("w:numId"))
            lvl = num.find(qn("w:ilvl"))
            if nid is None or nid.get(qn("w:val")) == "0":
                return None
            return nid.get(qn("w:val")), int(lvl.get(qn("w:val"))) if lvl is not None else 0
    return None


def _is_superscript(run) -> bool:
    """True when a run is set superscript directly or through its character style."""
    sup = run.font.superscript
    if sup is None and run.style is not None:
        sup = run.style.font.superscript
    return bool(sup)


def _runs(paragraph):
    """The runs of a paragraph in order, hyperlinks' runs included."""
    from docx.text.hyperlink import Hyperlink

    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            yield from item.runs
        else:
            yield item


_BREAK_TAGS = ("lastRenderedPageBreak", "br")


def _run_breaks(run) -> tuple[int, int]:
    """Page breaks of a run: (how many come before its text, how many after it)."""
    before = after = 0
    seen_text = False
    for child in run._r:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t" and (child.text or ""):
            seen_text = True
        elif tag in _BREAK_TAGS:
            if tag == "br" and child.get(f"{{{child.nsmap.get('w', '')}}}type") != "page":
                continue
            if seen_text:
                after += 1
            else:
                before += 1
    return before, after


def _paragraph_text(paragraph, counters: dict, numbering: dict) -> tuple[str, int, list[int]]:
    """A paragraph's text with markers and list prefix; its markers; its page-break offsets."""
    out: list[str] = []
    sup: list[str] = []
    markers = 0
    breaks: list[int] = []
    for run in _runs(paragraph):
        before, after = _run_breaks(run)
        text = run.text
        if _is_superscript(run):
            sup.append(text)
            continue
        if sup:
            markers += _join_sup(out, "".join(sup))
            sup = []
        breaks += [len("".join(out))] * before
        out.append(text)
        breaks += [len("".join(out))] * after
    if sup:
        markers += _join_sup(out, "".join(sup))
    text = "".join(out)
    num = _num_props(paragraph)
    if num is not None and text.strip():
        nid, lvl = num
        fmt, pattern, start = numbering.get(nid, {}).get(lvl, ("decimal", "%1.", 1))
        key = (nid, lvl)
        counters[key] = counters.get(key, start - 1) + 1
        for (other, olvl) in list(counters):
            if other == nid and olvl > lvl:
                del counters[(other, olvl)]
        if fmt == "bullet" or fmt == "none":
            prefix = "- "
        else:
            prefix = re.sub(r"%\d", str(counters[key]), pattern) + " "
        stripped = text.lstrip()
        shift = len("  " * lvl + prefix) - (len(text) - len(stripped))
        text = "  " * lvl + prefix + stripped
        breaks = [b + shift if b else 0 for b in breaks]
    return text, markers, breaks


def extract_docx(data: bytes, name: str) -> Extracted:
    """Word text: paragraphs become blocks, superscript runs markers, list numbers text."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds
        raise IngestError(
            "corrupt", f"{name} could not be opened as a Word document; it may be damaged.",
            f"{type(exc).__name__}: {exc}"
        ) from None
    numbering = _docx_numbering(document)
    counters: dict = {}
    blocks: list[tuple[str, bool, list[int]]] = []
    markers = 0

    def add(paragraph: Paragraph) -> None:
        nonlocal markers
        text, n, breaks = _paragraph_text(paragraph, counters, numbering)
        markers += n
        blocks.append((text, _num_props(paragraph) is not None, breaks))

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            add(item)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    parts = [_paragraph_text(p, counters, numbering) for p in cell.paragraphs]
                    markers += sum(p[1] for p in parts)
                    cells.append(" ".join(p[0].strip() for p in parts if p[0].strip()))
                blocks.append((" | ".join(c for c in cells if c), True, []))
            blocks.append(("", False, []))
    out: list[str] = []
    page_starts: list[int] = [0]
    pending = 0  # page breaks met in empty paragraphs: the next text starts the new page
    prev_list = False
    length = 0
    for text, is_list, breaks in blocks:
        if not text.strip():
            pending += len(breaks)
            prev_list = False
            continue
        if out:
            sep = "\n" if (is_list and prev_list) else "\n\n"
            out.append(sep)
            length += len(sep)
        page_starts.extend([length] * pending + [length + b for b in breaks])
        pending = 0
        out.append(text)
        length += len(text)
        prev_list = is_list
    text = "".join(out).rstrip("\n")
    if not text.strip():
        raise IngestError("empty", f"{name} is a Word document with no text in it.")
    text += "\n"
    pages: tuple[PageSpan, ...] = ()
    starts = sorted({min(s, len(text)) for s in page_starts})
    if len(starts) > 1:
        pages = tuple(
            PageSpan(i + 1, s, starts[i + 1] if i + 1 < len(starts) else len(text))
            for i, s in enumerate(starts)
        )
    return Extracted(text, "docx", pages, markers, ())


# ---------------------------------------------------------------------------------------
# PDF


@dataclass
class _Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    role: str = "plain"


@dataclass
class _Line:
    glyphs: list[_Glyph]
    bottom: float
    size: float
    x0: float
    x1: float
    top: float = 0.0
    text: str = ""
    first_word: float = 0.0


def _raw_lines(glyphs: list[_Glyph]) -> list[_Line]:
    """Group glyphs of one size class whose bottoms agree into raw lines."""
    classes: dict[float, list[_Glyph]] = {}
    for g in glyphs:
        classes.setdefault(round(g.size * 2) / 2, []).append(g)
    lines: list[_Line] = []
    for size, group in classes.items():
        group.sort(key=lambda g: g.bottom)
        tol = max(0.5, 0.2 * size)
        current: list[_Glyph] = []
        for g in group:
            if current and g.bottom - current[0].bottom > tol:
                lines.append(_make_line(current))
                current = []
            current.append(g)
        if current:
            lines.append(_make_line(current))
    return lines


def _make_line(glyphs: list[_Glyph]) -> _Line:
    sizes: dict[float, int] = {}
    for g in glyphs:
        if g.text.strip():
            sizes[round(g.size, 1)] = sizes.get(round(g.size, 1), 0) + 1
    size = max(sizes, key=sizes.get) if sizes else glyphs[0].size
    bottoms = sorted(g.bottom for g in glyphs)
    return _Line(list(glyphs), bottoms[len(bottoms) // 2], size,
                 min(g.x0 for g in glyphs), max(g.x1 for g in glyphs))


def _merge_lines(raw: list[_Line]) -> list[_Line]:
    """Attach smaller raised (superscript) or lowered (subscript) lines to their host line."""
    raw.sort(key=lambda ln: -ln.size)
    window = max((ln.size for ln in raw), default=10.0) * 1.2
    final: list[_Line] = []
    keys: list[float] = []
    for r in raw:
        lo, hi = bisect_left(keys, r.bottom - window), bisect_right(keys, r.bottom + window)
        host, role = None, "plain"
        for h in final[lo:hi]:
            near = r.x0 >= h.x0 - 2 * h.size and r.x0 <= h.x1 + 2 * h.size
            if not near:
                continue
            dy = h.bottom - r.bottom
            if r.size >= 0.85 * h.size and abs(dy) <= 0.3 * h.size:
                host, role = h, "plain"
                break
            if r.size < 0.85 * h.size:
                if abs(dy) <= 0.1 * h.size:
                    host, role = h, "plain"
                    break
                if 0.1 * h.size < dy <= 0.8 * h.size:
                    host, role = h, "sup"
                    break
                if -0.45 * h.size <= dy < -0.1 * h.size:
                    host, role = h, "plain"
                    break
        if host is None:
            i = bisect_left(keys, r.bottom)
            keys.insert(i, r.bottom)
            final.insert(i, r)
            continue
        for g in r.glyphs:
            g.role = role
        host.glyphs.extend(r.glyphs)
        host.x0, host.x1 = min(host.x0, r.x0), max(host.x1, r.x1)
    return final


def _line_text(line: _Line) -> int:
    """Fill line.text (markers recovered), line.top and first-word width; return markers."""
    glyphs = sorted(line.glyphs, key=lambda g: (g.x0, g.role != "plain"))
    out: list[str] = []
    sup: list[str] = []
    markers = 0
    prev: _Glyph | None = None
    plain = [g for g in glyphs if g.role == "plain"]
    line.top = min((g.top for g in plain), default=min(g.top for g in glyphs))
    for g in glyphs:
        if prev is not None and g.text == prev.text and abs(g.x0 - prev.x0) < 0.1 * g.size:
            continue  # the same glyph drawn twice (a fake bold)
        if g.role == "sup":
            sup.append(g.text)
            prev = g
            continue
        if sup:
            markers += _join_sup(out, "".join(sup))
            sup = []
        if prev is not None and g.text != " " and not out[-1].endswith(" "):
            gap = g.x0 - prev.x1
            if gap > 0.2 * line.size:
                out.append(" ")
        out.append(g.text)
        prev = g
    if sup:
        markers += _join_sup(out, "".join(sup))
    line.text = re.sub(r"\s+$", "", "".join(out).translate(_LIGATURES)).lstrip()
    first = None
    for g in plain:
        if g.text.isspace():
            if first is not None:
                break
            continue
        first = g.x1
    line.first_word = (first - line.x0) if first is not None else 0.0
    return markers


def _chars(item, height: float, out: list[_Glyph]) -> None:
    """Collect the upright characters of a pdfminer layout item (figures included)."""
    from pdfminer.layout import LTChar

    for child in item:
        if isinstance(child, LTChar):
            text = child.get_text()
            if text and child.upright:
                size = float(child.size) or (child.y1 - child.y0) or 1.0
                out.append(_Glyph(text, child.x0, child.x1, height - child.y1,
                                  height - child.y0, size))
        elif hasattr(child, "__iter__"):
            _chars(child, height, out)


def _page_lines(layout) -> tuple[list[_Line], int]:
    """The text lines of one pdfminer page layout, top to bottom, and the markers found."""
    glyphs: list[_Glyph] = []
    _chars(layout, float(layout.y1), glyphs)
    lines = _merge_lines(_raw_lines(glyphs))
    markers = sum(_line_text(ln) for ln in lines)
    lines = [ln for ln in lines if ln.text]
    lines.sort(key=lambda ln: ln.bottom)
    return lines, markers


def _running_heads(pages: list[tuple[list[_Line], float]]) -> set[tuple[int, int]]:
    """(page index, line index) of page numbers and lines repeated in the margins of pages."""
    drop: set[tuple[int, int]] = set()
    seen: dict[str, list[tuple[int, int]]] = {}
    for pi, (lines, height) in enumerate(pages):
        for li, ln in enumerate(lines):
            in_margin = ln.bottom < 0.1 * height or ln.top > 0.9 * height
            if not in_margin:
                continue
            if _PAGE_NUMBER.match(ln.text.strip()):
                drop.add((pi, li))
            else:
                key = re.sub(r"\d+", "#", ln.text.strip().lower())
                seen.setdefault(key, []).append((pi, li))
    if len(pages) >= 3:
        for spots in seen.values():
            if len({p for p, _ in spots}) >= max(3, len(pages) // 2):
                drop.update(spots)
    return drop


def _check_pdf(data: bytes, name: str) -> None:
    """Refuse a password-protected or unreadable PDF (checked with pypdf)."""
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # pypdf logs a warning for every oddity of a broken file
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(
                "encrypted", f"{name} is password-protected. Save an unprotected copy "
                "(print to PDF, or remove the password in your PDF reader) and upload that."
            )
        if len(reader.pages) == 0:
            raise IngestError("corrupt", f"{name} is a PDF with no pages.")
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds
        if "crypt" in type(exc).__name__.lower() or "password" in str(exc).lower():
            raise IngestError(
                "encrypted", f"{name} is encrypted in a way that cannot be opened here. "
                "Save an unprotected copy and upload that.", f"{type(exc).__name__}: {exc}"
            ) from None
        raise IngestError(
            "corrupt", f"{name} could not be read as a PDF; the file may be damaged or "
            "incomplete.", f"{type(exc).__name__}: {exc}"
        ) from None
    finally:
        quiet.setLevel(level)


def _pdf_pages(data: bytes, name: str) -> list[tuple[list[_Line], float]]:
    """Lines of every page (pdfminer.six, no layout analysis) and the page heights."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    rsrc = PDFResourceManager(caching=True)
    device = PDFPageAggregator(rsrc, laparams=None)
    interpreter = PDFPageInterpreter(rsrc, device)
    pages: list[tuple[list[_Line], int, float]] = []
    try:
        for page in PDFPage.get_pages(io.BytesIO(data), password=""):
            interpreter.process_page(page)
            layout = device.get_result()
            lines, n = _page_lines(layout)
            pages.append((lines, n, float(layout.height)))
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds
        name_ = type(exc).__name__
        if "Password" in name_ or "Encryption" in name_:
            raise IngestError(
                "encrypted", f"{name} is encrypted in a way that cannot be opened here. "
                "Save an unprotected copy and upload that.", f"{name_}: {exc}"
            ) from None
        raise IngestError(
            "corrupt", f"{name} could not be read as a PDF; the file may be damaged.",
            f"{name_}: {exc}"
        ) from None
    finally:
        device.close()
    return pages


def _starts_list(text: str) -> bool:
    return bool(_LIST_START.match(text))


def extract_pdf(data: bytes, name: str) -> Extracted:
    """PDF text with superscript markers recovered and one span per page."""
    _check_pdf(data, name)
    read = _pdf_pages(data, name)
    markers = sum(n for _, n, _ in read)
    pages = [(lines, h) for lines, _, h in read]
    if not pages:
        raise IngestError("corrupt", f"{name} has no pages.")
    drop = _running_heads(pages)
    pages = [([ln for li, ln in enumerate(lines) if (pi, li) not in drop], h)
             for pi, (lines, h) in enumerate(pages)]
    if not any(lines for lines, _ in pages):
        raise IngestError(
            "no-text", f"{name} has no text layer: it looks like a scan or a picture of a "
            "letter. Run it through OCR (text recognition) first, then upload the result."
        )
    body = [ln for lines, _ in pages for ln in lines]
    right = _right_edge(body)
    ratios = [
        (b.bottom - a.bottom) / a.size
        for lines, _ in pages for a, b in pairwise(lines) if b.bottom > a.bottom
    ]
    leading = statistics.median(ratios) if ratios else 1.2
    out: list[str] = []
    spans: list[PageSpan] = []
    length = 0
    prev: _Line | None = None
    empty_pages = 0
    for number, (lines, _h) in enumerate(pages, start=1):
        if not lines:
            empty_pages += 1
        start = None
        for i, ln in enumerate(lines):
            if prev is None:
                sep = ""
            elif i == 0:
                sep = _page_join(prev, ln, right)
            else:
                gap = (ln.bottom - prev.bottom) / max(prev.size, 1.0)
                sep = "\n\n" if gap > leading * 1.35 else _line_join(prev, ln, right)
            out.append(sep)
            length += len(sep)
            if start is None:
                start = length
            out.append(ln.text)
            length += len(ln.text)
            prev = ln
        if start is None:
            start = length
        spans.append(PageSpan(number, start, length))
    text = "".join(out) + "\n"
    if spans:
        last = spans[-1]
        spans[-1] = PageSpan(last.page, last.start, len(text))
    warnings = []
    unmapped = text.count("(cid:")
    if unmapped > 0.02 * max(1, len(text) // 8):
        warnings.append(
            f"{unmapped} character(s) could not be decoded (fonts without a text mapping): parts "
            "of the text may be garbled; check them against the PDF."
        )
    if empty_pages:
        warnings.append(
            f"{empty_pages} of {len(pages)} page(s) have no text layer (scanned?): their "
            "content is missing."
        )
    return Extracted(text, "pdf", tuple(spans), markers, tuple(warnings))


def _right_edge(lines: list[_Line]) -> float:
    """The right edge of the text block: a high percentile of line ends."""
    ends = sorted(ln.x1 for ln in lines if len(ln.text) > 20) or sorted(ln.x1 for ln in lines)
    return ends[int(0.95 * (len(ends) - 1))]


def _fits(prev: _Line, nxt: _Line, right: float) -> bool:
    """True if the next line's first word would have fitted at the end of the previous one."""
    return prev.x1 + 0.3 * prev.size + nxt.first_word < right - 0.5 * prev.size


def _line_join(prev: _Line, nxt: _Line, right: float) -> str:
    """Separator between two lines of one block: a space (wrapped) or a newline."""
    if _starts_list(nxt.text) or _fits(prev, nxt, right):
        return "\n"
    return "" if re.search(r"[A-Za-z]-$", prev.text) else " "


def _page_join(prev: _Line, nxt: _Line, right: float) -> str:
    """Separator across a page break: a wrapped line goes on, else a paragraph break."""
    if _starts_list(nxt.text) or _fits(prev, nxt, right):
        return "\n\n"
    if re.search(r"[.!?:][\"'”’)]?(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\^\{[^}]*\})?$", prev.text):
        return "\n\n"
    return "" if re.search(r"[A-Za-z]-$", prev.text) else " "


# ---------------------------------------------------------------------------------------


def extract(data: bytes, name: str) -> Extracted:
    """Check a file and extract its text; raise IngestError when it cannot be read."""
    fmt = check_file(data, name)
    if fmt == "pdf":
        result = extract_pdf(data, name)
    elif fmt == "docx":
        result = extract_docx(data, name)
    elif fmt == "html":
        result = extract_html(data, name)
    else:
        result = extract_txt(data, name, fmt)
    if not result.text.strip():
        raise IngestError("empty", f"{name} holds no text (only blank space).")
    return result
