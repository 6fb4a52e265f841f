"""Ingest page: upload a letter and see its claims, references and findings; save on request."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from kb.ingest import IngestError, IngestResult, date_provenance, ingest, save
from kb.sources import MAX_BYTES
from kb.ui import records
from kb.ui.common import guarded, need_kb
from kb.views.markup import code, md

_STATE = "ingest_result"
_SAVED = "ingest_saved"


def _pages(span: tuple[int, int] | None) -> str:
    if not span:
        return ""
    return str(span[0]) if span[0] == span[1] else f"{span[0]}–{span[1]}"


def _file_key(data: bytes, name: str, opts: dict) -> tuple:
    return hashlib.sha256(data).hexdigest(), name, tuple(sorted(opts.items()))


def _run(data: bytes, name: str, kb, opts: dict) -> IngestResult | IngestError:
    """Ingest once per file, options and loaded KB; reruns (e.g. the Save click) reuse it."""
    key = (*_file_key(data, name, opts), id(kb))
    cached = st.session_state.get(_STATE)
    if cached and cached[0] == key:
        return cached[1]
    try:
        with st.spinner("Reading the letter…"):
            result: IngestResult | IngestError = ingest(data, name, kb, **opts)
    except IngestError as exc:
        result = exc
    st.session_state[_STATE] = (key, result)
    return result


def _show(result: IngestResult, file_key: tuple) -> None:
    ex, doc = result.extracted, result.document
    saved = st.session_state.get(_SAVED)
    saved = saved[1] if saved and saved[0] == file_key else None
    st.subheader(md(doc.title))
    st.caption(
        f"Document id {code(doc.id)} · dated {md(doc.date or 'unknown')} · read from "
        f"{md(result.source_name)} ({md(ex.format)})"
    )
    # both quote the document (its date line, its markers): text, never markup
    st.caption(f"Date: {md(date_provenance(result))}")
    for note in getattr(result.reading, "notes", ()):
        st.caption(f"Reading: {md(note)}")
    factual = [c for c in result.claims if c.kind in ("sentence", "list-item", "caption")]
    cited = sum(1 for c in factual if c.refs)
    cols = st.columns(5)
    cols[0].metric("Pages", len(ex.pages) or "–")
    cols[1].metric("Claims", len(factual))
    cols[2].metric("Claims citing a reference", cited)
    cols[3].metric("References resolved", f"{len(result.resolved)} / {len(result.entries)}")
    cols[4].metric("Findings", len(result.findings))
    for w in result.warnings:
        st.warning(md(w))
    for c in () if saved else result.conflicts:
        st.warning(f"Cannot be saved as is: {md(c)}. Give another document id above.")

    st.markdown("#### Claims")
    show_all = st.toggle("Show letterhead, salutation and signature lines too", key="ingest_all")
    rows = [
        {
            "claim": c.id,
            "page": _pages(result.claim_pages.get(c.id)),
            "kind": c.kind,
            "refs": ", ".join(map(str, c.refs)),
            "text": c.text,
            "verdict": result.verdict(c.id) or "",
        }
        for c in (result.claims if show_all else factual)
    ]
    columns = ["claim", "page", "kind", "refs", "text", "verdict"]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, key="ingest_claims")

    st.markdown("#### Reference entries")
    rows = [
        {
            "ref": e.entry.number,
            "status": "new cited-only work" if e.new else ("resolved" if e.work else "unresolved"),
            "work": e.work.citekey if e.work else "",
            "method": e.resolution.method,
            "score": "unknown" if e.resolution.score is None else f"{e.resolution.score:g}",
            "entry": e.entry.raw,
        }
        for e in result.entries
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="ingest_entries")
    if result.new_works:
        st.caption(
            f"{len(result.new_works)} reference(s) matched no work in the knowledge base; "
            "saving adds them as cited-only works (verified: no) with the fields parsed "
            "from the letter."
        )

    if result.enrichment:
        st.markdown("#### Online look-up")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "entry": x.entry,
                        "status": x.status,
                        "doi": x.doi,
                        "pmid": x.pmid,
                        "source": x.source,
                        "message": x.message,
                    }
                    for x in result.enrichment
                ]
            ),
            hide_index=True,
            key="ingest_enrich",
        )

    st.markdown("#### Findings")
    if result.checks_note:
        st.info(f"No findings: {md(result.checks_note)}.")
    elif not result.findings:
        st.success("The checks found nothing to report for this letter.")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "severity": getattr(f, "severity", ""),
                        "code": getattr(f, "code", ""),
                        "claim": str(getattr(f, "claim", "") or ""),
                        "message": getattr(f, "message", ""),
                    }
                    for f in result.findings
                ]
            ),
            hide_index=True,
            key="ingest_findings",
        )
    if result.problems:
        with st.expander(f"{len(result.problems)} reading note(s)"):
            for p in result.problems:
                st.text(str(p))

    st.markdown("#### Save")
    if saved:
        st.success(md(saved))
        return
    missing = "" if doc.date else "The letter's date was not found: give it above to save."
    if missing:
        st.caption(missing)
    if st.button(
        "Save to the knowledge base",
        key="ingest_save",
        type="primary",
        disabled=bool(result.conflicts or missing),
    ):
        try:
            report = save(result)
        except IngestError as exc:
            st.error(md(exc.message))
            return
        st.cache_resource.clear()  # every page reloads the knowledge base with the new letter
        msg = f"Saved {report.document}: wrote {', '.join(report.files)}."
        if report.works:
            msg += f" New cited-only works: {', '.join(report.works)}."
        st.session_state[_SAVED] = (file_key, msg)
        st.success(md(msg))


def body() -> None:
    """The page: a letter (upload, options, result, Save); records of cited works (upload,
    import, promote their machine numbers)."""
    st.title("Ingest a letter")
    loaded = need_kb()
    _letter(loaded)
    st.divider()
    records.import_section(loaded)
    records.promote_section(loaded)


def _letter(loaded) -> None:
    """Upload a letter, read and check it, save on request."""
    st.caption(
        f"PDF, Word (.docx), HTML, plain text or Markdown, up to "
        f"{MAX_BYTES // (1024 * 1024)} MB. The letter is read and checked at once; "
        "nothing is written until you press Save."
    )
    upload = st.file_uploader("Letter file", key="ingest_upload")
    with st.expander("Document details and options"):
        c1, c2, c3 = st.columns(3)
        doc_id = c1.text_input("Document id", key="ingest_id", placeholder="from the file name")
        title = c2.text_input("Title", key="ingest_title", placeholder="from the subject line")
        date = c3.text_input("Date (YYYY-MM-DD)", key="ingest_date", placeholder="from the letter")
        enrich = st.checkbox(
            "Look up DOIs and PMIDs online for unresolved references (Crossref, PubMed)",
            key="ingest_enrich_on",
        )
    if upload is None:
        st.info("Choose a letter file to read it.")
        return
    opts = {
        "doc_id": doc_id.strip() or None,
        "title": title.strip() or None,
        "date": date.strip() or None,
        "enrich": bool(enrich),
    }
    data = upload.getvalue()
    result = _run(data, upload.name, loaded.kb, opts)
    if isinstance(result, IngestError):
        st.error(md(result.message))
        if result.detail:
            st.caption(f"Details: {md(result.detail)}")
        return
    _show(result, _file_key(data, upload.name, opts))


guarded("ingest", body)
