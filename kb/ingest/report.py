"""The ingest result as the command line prints it."""

from __future__ import annotations

from kb.ingest.records import IngestResult, SaveReport
from kb.sources import (
    PageSpan,  # noqa: F401  (re-exported for callers)
)


def date_provenance(result: IngestResult) -> str:
    """Where the document's date came from, in words."""
    d = result.document
    if result.date_source == "given":
        return f"{d.date}, given on the command line"
    if not d.date:
        return (
            "unknown: no date in the header, an effective/revised line, a dateline or the "
            "signature (dates inside the text are not the document's)"
        )
    where = {
        "header": "the header",
        "effective-line": "the effective/revised line",
        "dateline": "the dateline",
        "signature": "the signature block",
    }.get(result.date_source, result.date_source)
    return f"{d.date}, from {where}: {result.date_line.strip()!r}"


def format_result(result: IngestResult, saved: SaveReport | None = None) -> str:
    """A plain-text report of an ingest: document, claims, entries, findings, warnings."""
    ex, d = result.extracted, result.document
    pages = f", {len(ex.pages)} page(s)" if ex.pages else ""
    lines = [
        f"{result.source_name}: {ex.format}{pages}, {ex.markers} superscript marker(s) recovered",
        f"document {d.id}: {d.title!r}, dated {d.date or 'unknown'} -> {d.file}",
        f"date: {date_provenance(result)}",
        *(f"reading: {n}" for n in getattr(result.reading, "notes", ())),
        "",
        f"{len(result.claims)} claim(s)",
    ]
    for c in result.claims:
        refs = ",".join(map(str, c.refs)) or "-"
        pg = result.claim_pages.get(c.id)
        where = "" if not pg else (f"p{pg[0]}" if pg[0] == pg[1] else f"p{pg[0]}-{pg[1]}")
        text = c.text if len(c.text) <= 80 else c.text[:77] + "..."
        lines.append(f"  {c.id:22} {where:6} {refs:12} {text}")
    res, unres = result.resolved, result.unresolved
    lines += [
        "",
        (
            f"{len(result.entries)} reference entries: {len(res)} resolved, "
            f"{len(unres)} new cited-only work(s)"
        ),
    ]
    for e in result.entries:
        raw = e.entry.raw if len(e.entry.raw) <= 70 else e.entry.raw[:67] + "..."
        if e.new:
            status = f"NEW {e.work.citekey if e.work else '?'}"
        else:
            status = f"{e.work.citekey} ({e.resolution.method})" if e.work else "unresolved"
        lines.append(f"  [{e.entry.number:>2}] {status:40} {raw}")
    if result.enrichment:
        lines += ["", "online look-up:"]
        for x in result.enrichment:
            ids = ", ".join(
                v
                for v in (f"doi:{x.doi}" if x.doi else "", f"PMID {x.pmid}" if x.pmid else "")
                if v
            )
            lines.append(f"  {x.entry}: {x.status} {ids} {x.message}".rstrip())
    lines += [
        "",
        f"{len(result.findings)} finding(s)"
        + (f" ({result.checks_note})" if result.checks_note else ""),
    ]
    for f in result.findings:
        lines.append(f"  {f.severity:8} {f.code:24} {f.claim or '-':22} {f.message}")
    for w in result.warnings:
        lines.append(f"warning: {w}")
    for p in result.problems:
        lines.append(str(p))
    lines.append("")
    if saved:
        lines.append(
            f"saved {saved.document}: wrote {', '.join(saved.files)}"
            + (f"; new works {', '.join(saved.works)}" if saved.works else "")
        )
    else:
        for c in result.conflicts:
            lines.append(f"conflict: {c}")
        lines.append("not saved (pass --save to write it to the data directory)")
    return "\n".join(lines)
