"""Plain text and Markdown: decoding (UTF-8, UTF-16, cp1252) and <sup> markers."""

from __future__ import annotations

import re

from kb.sources.common import Extracted, IngestError, marker_text


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
