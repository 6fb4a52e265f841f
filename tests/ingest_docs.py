"""Make test letters as real files: PDF (reportlab) and DOCX (python-docx) with superscripts."""

from __future__ import annotations

import io
import re
from pathlib import Path

SUP_TO_DIGIT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARKER = re.compile(r"\^\{([^}]*)\}|([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
FONT_DIR = None


def segments(line: str) -> list[tuple[str, bool]]:
    """Split a line into (text, is_superscript) pieces; markers become plain digits."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _MARKER.finditer(line):
        if m.start() > pos:
            out.append((line[pos : m.start()], False))
        body = m.group(1) if m.group(1) is not None else m.group(2).translate(SUP_TO_DIGIT)
        out.append((body, True))
        pos = m.end()
    if pos < len(line):
        out.append((line[pos:], False))
    return out


def blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks, each a list of its lines."""
    out, cur = [], []
    for line in text.split("\n"):
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _fonts() -> tuple[str, str]:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    base = Path(reportlab.__file__).parent / "fonts"
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(base / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("VeraBd", str(base / "VeraBd.ttf")))
    return "Vera", "VeraBd"


def make_pdf(
    text: str,
    *,
    size: float = 10.0,
    raised_by_rise: bool = True,
    page_numbers: bool = True,
    repeat: int = 1,
) -> bytes:
    """A letter-size PDF of `text`: markers drawn smaller and raised, paragraphs wrapped."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    width, height = letter
    left, right, top, bottom = 72.0, width - 72.0, height - 72.0, 72.0
    leading, sup_size, rise = size * 1.3, size * 0.65, size * 0.35
    y = top
    page = 1

    def new_page() -> None:
        nonlocal y, page
        if page_numbers:
            c.setFont(regular, 8)
            c.drawCentredString(width / 2, 40, f"Page {page}")
        c.showPage()
        page += 1
        y = top

    def words_of(line: str) -> list[list[tuple[str, bool]]]:
        words: list[list[tuple[str, bool]]] = [[]]
        for piece, sup in segments(line):
            if sup:
                words[-1].append((piece, True))
                continue
            parts = piece.split(" ")
            for i, part in enumerate(parts):
                if i:
                    words.append([])
                if part:
                    words[-1].append((part, False))
        return [w for w in words if w]

    def width_of(word: list[tuple[str, bool]], font: str) -> float:
        return sum(stringWidth(t, font, sup_size if s else size) for t, s in word)

    def draw_line(words: list[list[tuple[str, bool]]], font: str) -> None:
        nonlocal y
        if y < bottom:
            new_page()
        t = c.beginText(left, y)
        for i, word in enumerate(words):
            if i:
                t.setFont(font, size)
                t.textOut(" ")
            for piece, sup in word:
                if sup and raised_by_rise:
                    t.setFont(font, sup_size)
                    t.setRise(rise)
                    t.textOut(piece)
                    t.setRise(0)
                elif sup:
                    x, y0 = t.getCursor()
                    c.drawText(t)
                    c.setFont(font, sup_size)
                    c.drawString(x, y0 + rise, piece)
                    t = c.beginText(x + stringWidth(piece, font, sup_size), y0)
                else:
                    t.setFont(font, size)
                    t.textOut(piece)
        c.drawText(t)
        y -= leading

    for _ in range(repeat):
        for block in blocks(text):
            heading = len(block) == 1 and len(block[0]) < 90 and not block[0].endswith(".")
            font = bold if heading else regular
            for line in block:
                words = words_of(line)
                current: list[list[tuple[str, bool]]] = []
                used = 0.0
                space = stringWidth(" ", font, size)
                for word in words:
                    w = width_of(word, font)
                    if current and used + space + w > right - left:
                        draw_line(current, font)
                        current, used = [], 0.0
                    used += (space if current else 0) + w
                    current.append(word)
                if current:
                    draw_line(current, font)
            y -= leading * 0.7
    if page_numbers:
        c.setFont(regular, 8)
        c.drawCentredString(width / 2, 40, f"Page {page}")
    c.showPage()
    c.save()
    return buf.getvalue()


def make_docx(text: str, *, numbered_references: bool = False) -> bytes:
    """A DOCX of `text`: one paragraph per block, line breaks inside, superscript runs."""
    import docx

    document = docx.Document()
    in_refs = False
    for block in blocks(text):
        if numbered_references and block == ["References"]:
            in_refs = True
            document.add_paragraph("References")
            continue
        if in_refs:
            for line in block:
                m = re.match(r"^\d+\.\s+(.*)$", line)
                p = document.add_paragraph(style="List Number" if m else None)
                _add_runs(p, m.group(1) if m else line)
            continue
        p = document.add_paragraph()
        for i, line in enumerate(block):
            if i:
                p.add_run().add_break()
            _add_runs(p, line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _add_runs(paragraph, line: str) -> None:
    for piece, sup in segments(line):
        run = paragraph.add_run(piece)
        if sup:
            run.font.superscript = True


def make_image_pdf() -> bytes:
    """A PDF whose only content is a filled rectangle: no text layer at all."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    c.setFillGray(0.5)
    c.rect(72, 300, 400, 300, fill=1, stroke=0)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypt_pdf(data: bytes, password: str = "secret") -> bytes:
    """The same PDF protected with a user password (pypdf's writer.encrypt)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(password)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
