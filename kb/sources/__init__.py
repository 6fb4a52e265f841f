"""File bytes -> plain text with citation markers and page locators (PDF, DOCX, HTML, TXT, MD).

Superscript reference numbers are recovered from the file's own formatting (a smaller, raised
glyph in a PDF; a superscript run in Word; <sup> in HTML) and written the way the bundled letters
write them: ``¹³`` for one number and ``^{11,12,13}`` for a list or range, so `kb.reading` finds
them. Bad input raises IngestError with a message meant for the person who uploaded the file.
"""

from __future__ import annotations

from kb.sources.common import (
    ACCEPTED,
    FORMATS,
    MAX_BYTES,
    MAX_CHARS,
    MAX_MEMBERS,
    MAX_PAGES,
    MAX_UNPACKED,
    Extracted,
    IngestError,
    PageSpan,
    check_file,
    marker_text,
    sniff,
)
from kb.sources.docx import extract_docx
from kb.sources.html import extract_html
from kb.sources.pdf import extract_pdf
from kb.sources.text import extract_txt


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
    if len(result.text) > MAX_CHARS:
        raise IngestError(
            "too-long",
            f"{name} holds {len(result.text):,} characters of text; at most {MAX_CHARS:,} are "
            "read (a long letter has about 50,000). Split the document.",
        )
    return result


__all__ = [
    "ACCEPTED",
    "FORMATS",
    "MAX_BYTES",
    "MAX_CHARS",
    "MAX_MEMBERS",
    "MAX_PAGES",
    "MAX_UNPACKED",
    "Extracted",
    "IngestError",
    "PageSpan",
    "check_file",
    "extract",
    "extract_docx",
    "extract_html",
    "extract_pdf",
    "extract_txt",
    "marker_text",
    "sniff",
]
