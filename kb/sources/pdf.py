"""PDF -> text: glyphs (PDFium; pdfminer.six as the reference) to lines, raised small glyphs to
markers, running heads dropped, pages.

One module over 500 lines on purpose: both glyph readers feed the same line, marker and
paragraph logic, which is what makes their text the same.
"""

from __future__ import annotations

import io
import logging
import os
import re
import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise

from kb.sources.common import (
    _LIGATURES,
    _LIST_START,
    _PAGE_NUMBER,
    MAX_PAGES,
    Extracted,
    IngestError,
    PageSpan,
    _join_sup,
    check_pdf_streams,
)


@dataclass(slots=True)  # tens of thousands a document: slots make them cheaper to make and read
class _Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    role: str = "plain"
    bold: bool = False


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
    bold: bool = False


def _raw_lines(glyphs: list[_Glyph]) -> list[_Line]:
    """Group glyphs of one size class whose bottoms agree into raw lines."""
    classes: dict[float, list[_Glyph]] = {}
    size_class: dict[float, float] = {}  # a page has a handful of sizes
    for g in glyphs:
        c = size_class.get(g.size)
        if c is None:
            c = size_class[g.size] = round(g.size * 2) / 2
        classes.setdefault(c, []).append(g)
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
            s = round(g.size, 1)
            sizes[s] = sizes.get(s, 0) + 1
    size = max(sizes, key=sizes.get) if sizes else glyphs[0].size
    bottoms = sorted(g.bottom for g in glyphs)
    return _Line(
        list(glyphs),
        bottoms[len(bottoms) // 2],
        size,
        min(g.x0 for g in glyphs),
        max(g.x1 for g in glyphs),
    )


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
    inked = [g for g in plain if not g.text.isspace()]
    line.bold = bool(inked) and sum(g.bold for g in inked) * 2 > len(inked)
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
                font = str(getattr(child, "fontname", "")).lower()
                bold = any(w in font for w in ("bold", "black", "heavy", "semibold", "demi"))
                out.append(
                    _Glyph(
                        text,
                        child.x0,
                        child.x1,
                        height - child.y1,
                        height - child.y0,
                        size,
                        bold=bold,
                    )
                )
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
                "encrypted",
                f"{name} is password-protected. Save an unprotected copy "
                "(print to PDF, or remove the password in your PDF reader) and upload that.",
            )
        if len(reader.pages) == 0:
            raise IngestError("corrupt", f"{name} is a PDF with no pages.")
        if len(reader.pages) > MAX_PAGES:
            raise IngestError(
                "too-many-pages",
                f"{name} has {len(reader.pages):,} pages; at most {MAX_PAGES} are read. "
                "Upload the letter itself, not a whole dossier.",
            )
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds
        if "crypt" in type(exc).__name__.lower() or "password" in str(exc).lower():
            raise IngestError(
                "encrypted",
                f"{name} is encrypted in a way that cannot be opened here. "
                "Save an unprotected copy and upload that.",
                f"{type(exc).__name__}: {exc}",
            ) from None
        raise IngestError(
            "corrupt",
            f"{name} could not be read as a PDF; the file may be damaged or incomplete.",
            f"{type(exc).__name__}: {exc}",
        ) from None
    finally:
        quiet.setLevel(level)


def _pdf_pages(data: bytes, name: str) -> list[tuple[list[_Line], int, float]]:
    """Lines of every page (pdfminer.six, no layout analysis), markers and page heights."""
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
                "encrypted",
                f"{name} is encrypted in a way that cannot be opened here. "
                "Save an unprotected copy and upload that.",
                f"{name_}: {exc}",
            ) from None
        raise IngestError(
            "corrupt",
            f"{name} could not be read as a PDF; the file may be damaged.",
            f"{name_}: {exc}",
        ) from None
    finally:
        device.close()
    return pages


# PDFium reads the glyphs (several times faster); pdfminer.six, which gives the same text on
# the test PDFs (tests/test_pdf_readers.py), stays as the reference: KB_PDF_READER=pdfminer.
_READER = os.environ.get("KB_PDF_READER", "pdfium")
_BOLD_WORDS = ("bold", "black", "heavy", "semibold", "demi")


def _pdfium_pages(data: bytes, name: str) -> list[tuple[list[_Line], int, float]]:
    """Lines of every page read with PDFium (pypdfium2): the glyphs pdfminer gives, in C.

    Each character's loose box (its advance and the font's ascent and descent, as pdfminer
    measures a glyph) gives x0, x1 and the bottom; the top is the bottom less the font size, as
    in pdfminer. A text object's font (bold by its name) and whether it is upright (pdfminer's
    rule on its matrix) are looked up once per object. Line ends PDFium adds are left out; a
    space it adds between words drawn apart stands where pdfminer sees the string's space. A
    character without a text mapping is written as pdfminer writes it, `(cid:N)` (see the
    warning in `extract_pdf`). Same text as pdfminer on the test PDFs, several times faster.
    """
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages: list[tuple[list[_Line], int, float]] = []
    try:
        doc = pdfium.PdfDocument(data, password="")
    except Exception as exc:  # noqa: BLE001 - PDFium reports many kinds
        raise IngestError(
            "corrupt",
            f"{name} could not be read as a PDF; the file may be damaged.",
            f"{type(exc).__name__}: {exc}",
        ) from None
    box = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    font = ctypes.create_string_buffer(256)
    objects: dict[int, tuple[bool, bool, float]] = {}  # text object -> (bold, upright, size)
    # The calls made once or twice per character, declared on plain addresses (void pointers,
    # ints): pypdfium2's typed declarations check and wrap every pointer, which cost more than
    # the call itself (about 2 µs against 1.3 a call here). Same functions of the same library.
    void, c_int = ctypes.c_void_p, ctypes.c_int

    def bare(fn, restype, *argtypes):
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, void).value)

    text_object = bare(raw.FPDFText_GetTextObject, void, void, c_int)  # address, None if none
    font_size = bare(raw.FPDFText_GetFontSize, ctypes.c_double, void, c_int)
    loose_box = bare(raw.FPDFText_GetLooseCharBox, c_int, void, c_int, void)
    map_error = bare(raw.FPDFText_HasUnicodeMapError, c_int, void, c_int)
    generated = bare(raw.FPDFText_IsGenerated, c_int, void, c_int)
    box_ref = ctypes.addressof(box)

    bold_fonts: dict[int, bool] = {}  # font -> bold (a page has a few fonts, many objects)
    font_address = bare(raw.FPDFTextObj_GetFont, void, void)

    def style(key: int) -> tuple[bool, bool]:
        obj = ctypes.cast(key, raw.FPDF_PAGEOBJECT)
        handle = font_address(key)
        bold = bold_fonts.get(handle)
        if bold is None:
            n = raw.FPDFFont_GetBaseFontName(raw.FPDFTextObj_GetFont(obj), font, 256)
            fontname = font.raw[: max(0, n - 1)].decode("latin-1").lower()
            bold = bold_fonts[handle] = any(w in fontname for w in _BOLD_WORDS)
        upright = True
        if raw.FPDFPageObj_GetMatrix(obj, matrix):
            upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
        return bold, upright

    try:
        for i in range(len(doc)):
            page = doc[i]
            height = float(page.get_size()[1])
            textpage = page.get_textpage()
            tp = ctypes.cast(textpage.raw, void).value
            objects.clear()  # a closed page's object handles are reused by the next page
            bold_fonts.clear()  # and so may its fonts' be
            count = raw.FPDFText_CountChars(textpage.raw)
            buf = ctypes.create_string_buffer(2 * count + 2)
            raw.FPDFText_GetText(
                textpage.raw, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort))
            )
            chars = buf.raw[: 2 * count].decode("utf-16-le", "surrogatepass")
            if len(chars) != count:  # never seen: one look-up per character instead
                chars = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, k)) for k in range(count))
            glyphs: list[_Glyph] = []
            for k, ch in enumerate(chars):
                if ch == "\r" or ch == "\n":
                    continue
                if ch == " " and generated(tp, k) == 1:
                    if glyphs and not glyphs[-1].text.isspace():
                        loose_box(tp, k, box_ref)
                        last = glyphs[-1]
                        glyphs.append(
                            _Glyph(" ", last.x1, max(last.x1, box.right), last.top,
                                   last.bottom, last.size, bold=last.bold)
                        )  # fmt: skip
                    continue
                key = text_object(tp, k)
                if key:
                    got = objects.get(key)
                    if got is None:
                        # one font, size and matrix per text object: its size is looked up
                        # with its style, once
                        got = objects[key] = (*style(key), font_size(tp, k) or 1.0)
                    bold, upright, size = got
                    if not upright:
                        continue
                else:
                    bold, size = False, font_size(tp, k) or 1.0
                if ch == "\ufffe":  # how PDFium marks the hyphen ending a line (drawn as "-")
                    ch = "-"
                if ch == "\x00" or map_error(tp, k) == 1:
                    ch = f"(cid:{raw.FPDFText_GetUnicode(textpage.raw, k)})"
                loose_box(tp, k, box_ref)
                bottom = height - box.bottom
                glyphs.append(
                    _Glyph(ch, box.left, box.right, bottom - size, bottom, size, bold=bold)
                )
            lines = _merge_lines(_raw_lines(glyphs))
            markers = sum(_line_text(ln) for ln in lines)
            lines = [ln for ln in lines if ln.text]
            lines.sort(key=lambda ln: ln.bottom)
            pages.append((lines, markers, height))
            textpage.close()
            page.close()
    finally:
        doc.close()
    return pages


def _starts_list(text: str) -> bool:
    return bool(_LIST_START.match(text))


def extract_pdf(data: bytes, name: str) -> Extracted:
    """PDF text with superscript markers recovered and one span per page."""
    check_pdf_streams(data, name)
    _check_pdf(data, name)
    read = _pdf_pages(data, name) if _READER == "pdfminer" else _pdfium_pages(data, name)
    markers = sum(n for _, n, _ in read)
    pages = [(lines, h) for lines, _, h in read]
    if not pages:
        raise IngestError("corrupt", f"{name} has no pages.")
    drop = _running_heads(pages)
    pages = [
        ([ln for li, ln in enumerate(lines) if (pi, li) not in drop], h)
        for pi, (lines, h) in enumerate(pages)
    ]
    if not any(lines for lines, _ in pages):
        raise IngestError(
            "no-text",
            f"{name} has no text layer: it looks like a scan or a picture of a "
            "letter. Run it through OCR (text recognition) first, then upload the result.",
        )
    body = [ln for lines, _ in pages for ln in lines]
    right = _right_edge(body)
    ratios = [
        (b.bottom - a.bottom) / a.size
        for lines, _ in pages
        for a, b in pairwise(lines)
        if b.bottom > a.bottom
    ]
    leading = statistics.median(ratios) if ratios else 1.2
    style = _BodyStyle.of(body, right)
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
                if gap > leading * 1.35 or style.breaks(prev, ln):
                    sep = "\n\n"
                else:
                    sep = _line_join(prev, ln, right)
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


_END_PUNCT_RE = re.compile(r"[.!?:;,][\"'”’)\]]?(?:[⁰¹²³⁴⁵⁶⁷⁸⁹,⁻]+|\^\{[^}]*\}|\(\d[\d,\s–-]*\))?$")


@dataclass
class _BodyStyle:
    """The body text's size, left margin and right edge: what a heading or a new paragraph
    differs from when the line spacing does not show it (one-line paragraphs, headings set in
    bold at the body's leading)."""

    size: float
    left: float
    right: float

    @classmethod
    def of(cls, lines: list[_Line], right: float) -> _BodyStyle:
        """The most common size and left edge of the lines."""
        if not lines:
            return cls(10.0, 0.0, right)
        sizes: dict[float, int] = {}
        lefts: dict[float, int] = {}
        for ln in lines:
            sizes[round(ln.size, 1)] = sizes.get(round(ln.size, 1), 0) + len(ln.text)
            lefts[round(ln.x0)] = lefts.get(round(ln.x0), 0) + 1
        return cls(max(sizes, key=sizes.get), min(lefts, key=lambda x: (-lefts[x], x)), right)

    def heading(self, ln: _Line) -> bool:
        """Bold or larger than the body, short, not ending like a sentence."""
        if len(ln.text) > 120 or _END_PUNCT_RE.search(ln.text) or _starts_list(ln.text):
            return False
        return ln.bold or ln.size > 1.12 * self.size

    def short(self, ln: _Line) -> bool:
        """A line that stops well before the right edge."""
        return ln.x1 < self.right - 4 * self.size

    def breaks(self, prev: _Line, ln: _Line) -> bool:
        """A paragraph break between two lines at the body's leading."""
        ph, nh = self.heading(prev), self.heading(ln)
        if ph != nh:
            return True  # a heading starts or ends (bold or larger text)
        if ph and nh and (prev.bold != ln.bold or abs(prev.size - ln.size) > 0.5):
            return True  # two headings of different levels
        if ph and nh:
            return False  # one heading wrapped over two lines
        prev_ends = bool(_END_PUNCT_RE.search(prev.text))
        if not prev_ends and _fits(prev, ln, self.right) and not _starts_list(prev.text):
            # a short title line without end punctuation, then running text or a bullet
            return (
                ln.text[:1].isupper()
                and (
                    _starts_list(ln.text)
                    or not self.short(ln)
                    or bool(_END_PUNCT_RE.search(ln.text))
                )
                or _starts_list(ln.text)
            )
        if prev_ends and ln.x0 > self.left + 1.5 * ln.size and not _starts_list(ln.text):
            return prev.x0 <= self.left + 0.5 * ln.size  # a first-line indent
        return False


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
