"""Score reading against the document corpus in tests/fixtures/documents (shared by the corpus
test and bench/bench_documents.py).

Each document ``name.ext`` has ``name.expected.json``: its shape, date and where the date comes
from, the expected citation markers (text, a phrase of the claim holding it, the entry keys it
names), text that must not become a marker, the reference entries (key, kind, first author or
organisation, year, title, URL) and what the document should report (uncited entries, markers
naming no entry, entries cited only inside other entries).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kb.linking.resolve import citation_report
from kb.reading import entry_key, read_document
from kb.reading.entries import first_surname
from kb.sources import extract

CORPUS = Path(__file__).resolve().parent / "fixtures" / "documents"
# the corpus writes "coding" for the schema's work kind "coding-document"
KIND_NAMES = {"coding-document": "coding"}
TARGET_RECALL = 0.95
TARGET_PRECISION = 0.99


def _norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


@dataclass
class DocScore:
    """What reading one corpus document got right."""

    name: str
    shape: str
    expected_markers: int = 0
    found_markers: int = 0
    true_markers: int = 0
    entry_fields: int = 0
    entry_fields_right: int = 0
    date_right: bool = False
    date_found: str = ""
    report_right: bool = False
    sections_found: int = 0  # headings found, and the body's first sentence where one is given
    sections_expected: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    wrong_fields: list[str] = field(default_factory=list)
    seconds: float = 0.0


def documents() -> list[tuple[Path, dict]]:
    """(document file, expected) for every document of the corpus that has both."""
    out = []
    for exp in sorted(CORPUS.glob("*.expected.json")):
        stem = exp.name[: -len(".expected.json")]
        files = [p for p in CORPUS.glob(stem + ".*") if p != exp and not p.name.endswith(".json")]
        if files:
            out.append((files[0], json.loads(exp.read_text(encoding="utf-8"))))
    return out


def score(path: Path, expected: dict) -> DocScore:
    """Read one document and compare it with what is expected."""
    import time

    t0 = time.perf_counter()
    text = extract(path.read_bytes(), path.name).text
    reading = read_document("doc", text, file=path.name)
    out = DocScore(path.name, expected["shape"], seconds=time.perf_counter() - t0)
    keys = {e.number: entry_key(e) for e in reading.entries}
    found = []
    for claim in reading.claims:
        for cit in claim.citations:
            names = tuple(sorted(keys.get(n, str(n)) for n in cit.refs)) + tuple(
                sorted(cit.unmatched)
            )
            found.append((cit.text, claim.text, tuple(sorted(set(names)))))
    out.found_markers = len(found)
    used = [False] * len(found)
    for mk in expected["markers"]:
        out.expected_markers += 1
        want = tuple(sorted(mk["refs"]))
        hit = None
        for i, (t, ctext, names) in enumerate(found):
            if used[i] or _norm(t) != _norm(mk["text"]):
                continue
            if _norm(mk["sentence_contains"]) in _norm(ctext) and names == want:
                hit = i
                break
        if hit is None:
            out.misses.append(f"{mk['text']} in {mk['sentence_contains']!r} -> {want}")
        else:
            used[hit] = True
            out.true_markers += 1
    out.false = [
        f"{t} {names} in {c[:60]!r}" for (t, c, names), u in zip(found, used, strict=True) if not u
    ]
    by_key = {entry_key(e): e for e in reading.entries}
    for want in expected["entries"]:
        e = by_key.get(want["key"])
        checks = {
            "kind": KIND_NAMES.get(e.kind, e.kind) if e and e.kind else "journal-article",
            "first_author": first_surname(e) if e else None,
            "year": e.year if e else None,
            "title": e.title if e else None,
            "url": e.url if e else None,
        }
        for fld, got in checks.items():
            out.entry_fields += 1
            if fld in ("first_author", "title"):
                ok = _norm(got) == _norm(want[fld]) or (
                    fld == "first_author"
                    and bool(got)
                    and _norm(got).split()[0] == _norm(want[fld]).split()[0]
                    and len(_norm(want[fld]).split()) == 1
                )
            else:
                ok = got == want[fld]
            if ok:
                out.entry_fields_right += 1
            else:
                out.wrong_fields.append(f"{want['key']}.{fld}: {got!r} != {want[fld]!r}")
    date = reading.date
    out.date_found = f"{date.value if date else None} ({date.source if date else 'unknown'})"
    want_date = expected.get("date")
    want_source = expected.get("date_source")
    out.date_right = (date.value if date else None) == want_date and (
        date is None or want_source is None or date.source == want_source
    )
    first = expected.get("first_body_sentence")
    if first:
        out.sections_expected += 1
        body = [c for c in reading.claims if c.kind == "sentence"]
        if body and _norm(body[0].text).startswith(_norm(first)):
            out.sections_found += 1
        else:
            got = body[0].text[:60] if body else None
            out.wrong_fields.append(f"first body sentence {got!r}, not {first!r}")
    titles = [_norm(sec.title) for sec in reading.sections]
    for want_title in expected.get("sections", []):
        out.sections_expected += 1
        if _norm(want_title) in titles:
            out.sections_found += 1
        else:
            out.wrong_fields.append(f"section {want_title!r} not found")
    rep = citation_report(reading)
    uncited = sorted(keys[n] for n in rep.uncited)
    dangling = sorted(rep.dangling)
    inside = sorted(keys[n] for n in rep.cited_only_inside)
    out.report_right = (
        uncited == sorted(expected.get("uncited_entries", []))
        and dangling == sorted(expected.get("dangling_markers", []))
        and inside == sorted(c["key"] for c in expected.get("cited_only_in_entries", []))
    )
    if not out.report_right:
        out.wrong_fields.append(f"report: uncited {uncited} dangling {dangling} inside {inside}")
    return out


def by_shape(scores: list[DocScore]) -> dict[str, dict[str, float]]:
    """Marker recall and precision, entry-field accuracy and date accuracy per shape."""
    shapes: dict[str, list[DocScore]] = {}
    for s in scores:
        shapes.setdefault(s.shape, []).append(s)
    out = {}
    for shape, group in sorted(shapes.items()):
        exp = sum(s.expected_markers for s in group)
        fnd = sum(s.found_markers for s in group)
        tp = sum(s.true_markers for s in group)
        ef = sum(s.entry_fields for s in group)
        out[shape] = {
            "documents": len(group),
            "recall": tp / exp if exp else 1.0,
            "precision": tp / fnd if fnd else 1.0,
            "entries": sum(s.entry_fields_right for s in group) / ef if ef else 1.0,
            "dates": sum(s.date_right for s in group) / len(group),
            "reports": sum(s.report_right for s in group) / len(group),
            "sections": sum(s.sections_found for s in group)
            / max(1, sum(s.sections_expected for s in group)),
        }
    return out
