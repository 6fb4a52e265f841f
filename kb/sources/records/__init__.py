"""Records of cited works (file bytes -> bibliographic fields + structured record text).

Formats: PubMed XML (PubmedArticleSet, one or many articles), MEDLINE/.nbib, PMC/JATS full-text
XML, RIS, BibTeX and CSL-JSON. The format is recognised from the content, not the file name.
`read_records(data, name)` returns the records and the problems found on the way; a file that
cannot be read at all raises RecordError naming the file (and the line when known).

>>> recs, problems = read_records(b"PMID- 1\\nTI  - A title.\\n", "x.nbib")
>>> recs[0].pmid, recs[0].title, recs[0].scope
('1', 'A title', 'title only')
"""

from __future__ import annotations

from kb.model import Problem
from kb.sources.records.common import SCOPES, ParsedRecord, RecordError, TextBuilder
from kb.sources.records.refman import read_bibtex, read_csl, read_medline, read_ris
from kb.sources.records.xml import parse_xml, read_jats, read_pubmed

FORMATS = ("pubmed-xml", "medline", "jats", "ris", "bibtex", "csl-json")
ACCEPTED = (
    "PubMed XML, MEDLINE (.nbib/.txt), PMC/JATS XML (.xml/.nxml), RIS (.ris), BibTeX (.bib) "
    "or CSL-JSON (.json)"
)
MAX_BYTES = 50 * 1024 * 1024


def sniff(text: str) -> str | None:
    """The record format of a text, by its content; None when it is none of them."""
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    if head.startswith("<"):
        if "<PubmedArticleSet" in head or "<PubmedArticle" in head:
            return "pubmed-xml"
        if "<article" in head:
            return "jats"
        return "xml"
    if head.startswith(("[", "{")):
        return "csl-json"
    if head.startswith("@"):
        return "bibtex"
    if head.startswith("TY  -"):
        return "ris"
    if head.startswith("PMID-") or "\nPMID- " in head[:200]:
        return "medline"
    return None


def read_records(data: bytes, name: str) -> tuple[list[ParsedRecord], list[Problem]]:
    """Every record of a file, and problems about single records (the file's name in each)."""
    if len(data) > MAX_BYTES:
        raise RecordError(name, f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RecordError(name, f"not valid UTF-8 (byte at offset {exc.start})", line) from None
    if not text.strip():
        raise RecordError(name, "file is empty")
    fmt = sniff(text)
    _check_extension(name, fmt)
    if fmt in ("pubmed-xml", "jats", "xml"):
        root = parse_xml(data, name)
        tag = root.tag.split("}")[-1] if isinstance(root.tag, str) else ""
        if tag == "PubmedArticleSet" or tag == "PubmedArticle":
            records = read_pubmed(root if tag == "PubmedArticleSet" else _wrap(root), name)
            books = len(root.findall("PubmedBookArticle"))
            problems = []
            if books:
                problems.append(
                    Problem(name, None, None, f"{books} PubmedBookArticle record(s) skipped: "
                            "book chapters are not read yet", "warning")
                )  # fmt: skip
            if not records:
                raise RecordError(name, "the PubMed set holds no article (PubmedArticleSet empty)")
            return records, problems
        if tag == "article":
            return read_jats(root, name), []
        raise RecordError(name, f"XML root <{tag}> is neither PubmedArticleSet nor JATS <article>")
    if fmt == "medline":
        records = read_medline(text, name)
    elif fmt == "ris":
        records = read_ris(text, name)
    elif fmt == "bibtex":
        records = read_bibtex(text, name)
    elif fmt == "csl-json":
        records = read_csl(text, name)
    else:
        raise RecordError(name, f"not a record file: expected {ACCEPTED}")
    if not records:
        raise RecordError(name, "the file holds no record")
    return records, []


_EXTENSIONS = {
    ".xml": ("pubmed-xml", "jats", "xml"),
    ".nxml": ("jats", "xml"),
    ".nbib": ("medline",),
    ".medline": ("medline",),
    ".ris": ("ris",),
    ".bib": ("bibtex",),
    ".json": ("csl-json",),
}
_NAMES = {
    "pubmed-xml": "PubMed XML",
    "jats": "JATS XML",
    "xml": "XML",
    "medline": "MEDLINE text",
    "ris": "RIS",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
    None: "no record format",
}


def _check_extension(name: str, fmt: str | None) -> None:
    """A file whose name promises one format and whose content is another is not guessed at."""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = _EXTENSIONS.get(ext)
    if allowed and fmt is not None and fmt not in allowed:
        raise RecordError(
            name,
            f"named {ext} but its content is {_NAMES[fmt]}: not read (rename it with the "
            "extension of its real format to import it)",
        )


def _wrap(root):
    from lxml import etree

    s = etree.Element("PubmedArticleSet")
    s.append(root)
    return s


__all__ = [
    "ACCEPTED",
    "FORMATS",
    "SCOPES",
    "ParsedRecord",
    "RecordError",
    "TextBuilder",
    "read_records",
    "sniff",
]
