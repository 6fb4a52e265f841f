"""Synthetic knowledge bases for scale tests and `make bench`: many letters, distinct works.

`make_corpus(dest, letters=N, kb_copies=F)` writes a data directory holding F copies of the
bundled works, studies and outcomes and N letters. Copy k of a work gets its own citekey, a
title that starts with made-up words of its own, a first author whose surname carries one
("Vobaba Tevoki ..."), its own DOI and PMID; letter j is the 2026 letter citing copy j % F, its
reference list rewritten to those titles, with its own id, date and population figure. No
curated reference map is written for the letters, so every entry is tied to its work by the
resolver's fuzzy title, author and year match among all F copies, as a new letter would be.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
LETTER = "letters/nysipp-2026-06-26-letter-mild.txt"
_SYLLABLES = ("ba", "vo", "ki", "ru", "te", "mo", "sa", "li", "no", "pe", "gu", "fa", "zo", "di")
_TABLES = {
    "studies.csv": {"id": ";", "works": ";"},
    "outcomes.csv": {"id": ";", "study": ";", "work": ";"},
}


def word(k: int) -> str:
    """A made-up capitalised word, different for every k ("Bavoki", "Bavoru", ...)."""
    n, out = k + len(_SYLLABLES) ** 2, []
    while n:
        n, r = divmod(n, len(_SYLLABLES))
        out.append(_SYLLABLES[r])
    return "".join(reversed(out)).capitalize()


def tag(k: int) -> str:
    """The made-up words that start every title of copy k (four, so copies are told apart)."""
    return " ".join(word(k + 997 * i) for i in range(4))


def _rename(value: str, k: int, sep: str) -> str:
    return sep.join(f"{p.strip()}-k{k}" for p in value.split(sep) if p.strip())


def _bib_copy(bib: str, k: int) -> str:
    """Copy k of the BibTeX file: citekeys, titles, DOIs and PMIDs of its own."""
    out = re.sub(r"^(@\w+\{)([^,]+),", rf"\g<1>\g<2>-k{k},", bib, flags=re.MULTILINE)
    out = re.sub(
        r"^(\s*title\s*=\s*\{)", rf"\g<1>{tag(k)} ", out, flags=re.MULTILINE | re.IGNORECASE
    )
    out = re.sub(r"^(\s*doi\s*=\s*\{[^}]*)\}", rf"\g<1>.k{k}}}", out, flags=re.MULTILINE)
    out = re.sub(
        r"^(\s*author\s*=\s*\{)([^,}]+)",
        lambda m: f"{m.group(1)}{m.group(2)}{word(k).lower()}",
        out,
        flags=re.MULTILINE | re.IGNORECASE,
    )
    return re.sub(
        r"^(\s*pmid\s*=\s*\{)(\d+)\}",
        lambda m: f"{m.group(1)}{int(m.group(2)) + 40_000_000 + k}}}",
        out,
        flags=re.MULTILINE,
    )


def _titles(bib: str) -> list[str]:
    return [
        m.group(1).strip()
        for m in re.finditer(
            r"^\s*title\s*=\s*\{(.+)\},?\s*$", bib, flags=re.MULTILINE | re.IGNORECASE
        )
    ]


def _surnames(bib: str) -> list[str]:
    return [
        m.group(1).strip()
        for m in re.finditer(
            r"^\s*author\s*=\s*\{([^,}]+)", bib, flags=re.MULTILINE | re.IGNORECASE
        )
    ]


def _letter_copy(text: str, bib: str, j: int, k: int) -> str:
    """Letter j: its reference list names copy k's titles and first authors; its population
    figure is its own."""
    body, refs = text.split("\nReferences\n", 1)
    titles = _titles(bib)
    for name in set(_surnames(bib)):
        refs = re.sub(rf"\b{re.escape(name)}\b", f"{name}{word(k).lower()}", refs)
    for t in sorted(titles, key=len, reverse=True):
        if len(t) >= 12:
            refs = re.sub(re.escape(t), f"{tag(k)} {t}", refs, flags=re.IGNORECASE, count=1)
    body = body.replace("200,000", f"{200_000 + 50_000 * (j % 7):,}")
    return body + "\nReferences\n" + refs


def make_corpus(dest: Path, letters: int, kb_copies: int = 1) -> Path:
    """Write a data directory of `letters` letters over `kb_copies` copies of the works."""
    dest = Path(dest)
    (dest / "letters").mkdir(parents=True, exist_ok=True)
    bib = (DATA / "references.bib").read_text(encoding="utf-8")
    (dest / "references.bib").write_text(
        "\n".join(_bib_copy(bib, k) for k in range(kb_copies)), encoding="utf-8"
    )
    for name, cols in _TABLES.items():
        rows = list(csv.reader(io.StringIO((DATA / name).read_text(encoding="utf-8"))))
        header, body = rows[0], rows[1:]
        with open(dest / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for k in range(kb_copies):
                for row in body:
                    row = list(row)
                    for col, sep in cols.items():
                        i = header.index(col)
                        if row[i]:
                            row[i] = _rename(row[i], k, sep)
                    w.writerow(row)
    text = (DATA / LETTER).read_text(encoding="utf-8")
    docs = list(csv.reader(io.StringIO((DATA / "documents.csv").read_text(encoding="utf-8"))))
    header, template = docs[0], next(r for r in docs[1:] if r[0] == "nysipp-2026")
    with open(dest / "documents.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for j in range(letters):
            doc_id = f"letter-{j:04d}"
            file = f"letters/{doc_id}.txt"
            (dest / file).write_text(_letter_copy(text, bib, j, j % kb_copies), "utf-8")
            row = dict(zip(header, template, strict=True))
            row.update(
                id=doc_id,
                title=f"{word(j)} letter on the mild procedure",
                date=f"{2027 + j // 336:04d}-{1 + (j // 28) % 12:02d}-{1 + j % 28:02d}",
                file=file,
            )
            w.writerow([row[c] for c in header])
    (dest / "reference_map.csv").write_text("document,ref,work,note\n", encoding="utf-8")
    return dest
