"""What every extractor shares: the result records, the error, superscript markers, and
sniffing a file's real format before any parser sees it."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import PurePath

MAX_BYTES = 20 * 1024 * 1024  # a file as uploaded
MAX_UNPACKED = 200 * 1024 * 1024  # what a DOCX or a PDF's compressed streams unpack to
MAX_MEMBERS = 10_000  # files inside a DOCX package
MAX_PAGES = 500  # pages of a PDF
MAX_CHARS = 1_000_000  # characters of text in one document


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


_LIGATURES = str.maketrans(
    {
        "ﬀ": "ff",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "st",
        "ﬆ": "st",
        "\u00ad": "",
        **{chr(c): "" for c in range(32) if c not in (9, 10)},
    }
)


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


def _too_big(name: str, what: str) -> IngestError:
    mb = MAX_UNPACKED // (1024 * 1024)
    return IngestError(
        "too-large-unpacked",
        f"{name} {what}; files that unpack to more than {mb} MB are not accepted "
        "(a letter unpacks to a few MB). Save it again without embedded media, or split it.",
    )


def check_package(data: bytes, name: str) -> None:
    """Refuse a ZIP package (DOCX) too big once unpacked: declared sizes, then actual bytes."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # the extractor says the file is damaged
    with z:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise IngestError(
                "too-many-parts",
                f"{name} is a package of {len(infos):,} files; at most {MAX_MEMBERS:,} are "
                "accepted.",
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNPACKED:
            raise _too_big(name, f"says it unpacks to {declared / 2**20:,.0f} MB")
        actual = 0
        try:
            for info in infos:
                with z.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        actual += len(chunk)
                        if actual > MAX_UNPACKED:
                            raise _too_big(name, "unpacks to more than it says")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            raise IngestError(
                "corrupt",
                f"{name} could not be opened as a Word document: the package is damaged. "
                "Open it in Word and save it again.",
                f"{type(exc).__name__}: {exc}",
            ) from None


_STREAM_RE = re.compile(rb"stream\r?\n")


def check_pdf_streams(data: bytes, name: str) -> None:
    """Refuse a PDF whose Flate streams unpack to more than MAX_UNPACKED in all.

    Every `stream` keyword is tried as the start of zlib data and unpacked in bounded pieces
    (nothing is kept), so a small file that would unpack to gigabytes is refused before any
    PDF library reads it. Streams in other encodings are left to the reader.
    """
    total = 0
    for m in _STREAM_RE.finditer(data):
        d = zlib.decompressobj()
        pos = m.end()
        try:
            while pos < len(data) and not d.eof:
                buf = data[pos : pos + 65536]
                pos += len(buf)
                while buf and not d.eof:
                    total += len(d.decompress(buf, 1 << 20))
                    if total > MAX_UNPACKED:
                        raise _too_big(name, "holds compressed streams that unpack to too much")
                    buf = d.unconsumed_tail
        except zlib.error:
            continue


def check_file(data: bytes, name: str) -> str:
    """Return the format to read the file as, or raise IngestError saying what is wrong."""
    ext = PurePath(name or "").suffix.lower()
    if len(data) == 0:
        raise IngestError("empty", f"{name} is empty (0 bytes): there is nothing to read.")
    if len(data) > MAX_BYTES:
        mb = len(data) / (1024 * 1024)
        raise IngestError(
            "too-large",
            f"{name} is {mb:.1f} MB; files over {MAX_BYTES // (1024 * 1024)} MB "
            "are not accepted. Split the file or remove embedded images.",
        )
    looks = sniff(data)
    if ext not in FORMATS:
        what = f" It looks like {_LOOKS[looks]}." if looks in ("exe", "image", "ole") else ""
        if looks == "ole":
            what += " Open it in Word and save it as .docx."
        shown = ext or "no extension"
        raise IngestError(
            "unsupported-type",
            f"{name}: files of type '{shown}' are not accepted.{what} Upload a {ACCEPTED}.",
        )
    fmt = FORMATS[ext]
    ok = {
        "pdf": {"pdf"},
        "docx": {"docx"},
        "html": {"html", "text"},
        "txt": {"text", "html"},
        "md": {"text", "html"},
    }[fmt]
    if fmt == "docx" and looks == "zip":
        raise IngestError(
            "corrupt",
            f"{name} could not be opened as a Word document: the package is "
            "damaged or is not a .docx. Open it in Word and save it again.",
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
