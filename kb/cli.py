"""The `kb` command: validate, info, trace, claims, check, export, ingest, import, review.

One module on purpose (over 500 lines): the argument parser and one small function per command,
each a thin call into the public API; together they are the command's whole surface.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kb.cache import ReadCache
from kb.model import KnowledgeBase
from kb.schema import ASSESSMENT_VERDICTS, DEFAULT_DATA_DIR, VERDICT_LABELS

# The reading cache main() loaded the KB through: a read-only command asks it for the fact
# check too (kept on disk with the KB), so a warm `kb check` neither reads nor checks again.
_READ: ReadCache | None = None


def load_kb(data_dir: Path) -> KnowledgeBase:
    """kb.load.load_kb, imported when a command reads the files (a cache miss) and not before."""
    from kb.load import load_kb as load

    return load(data_dir)


def _fact_check(kb: KnowledgeBase, documents: list[str] | None = None):
    """`fact_check(kb, build_graph(kb), documents=...)`, through the reading cache when `kb`
    came from it."""
    if _READ is not None and _READ.holds(kb):
        return _READ.fact_check(documents)
    from kb.checks.factcheck import fact_check
    from kb.graph import build_graph

    return fact_check(kb, build_graph(kb), documents=documents)


class _ExportNames(Sequence[str]):
    """The export format names, read from kb.export only when argparse asks for them.

    Building the parser must not import every exporter: `kb check` and `kb info` never export.
    """

    def _names(self) -> tuple[str, ...]:
        from kb.export import FORMATS

        return tuple(FORMATS)

    def __getitem__(self, i):  # type: ignore[override]
        return self._names()[i]

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


class _WholeWords(argparse.HelpFormatter):
    """Help that wraps between words only, so a format name like claims-xlsx stays whole."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("KB_DATA") or DEFAULT_DATA_DIR)


def _outcome_line(o) -> str:
    # numbers as the source prints them (3.0 stays 3.0)
    from kb.views.common import BARE_TEXT

    value = o.value_text or o.printed_of("value") or ("" if o.value is None else f"{o.value:g}")
    bare = bool(o.value_text) and BARE_TEXT.fullmatch(o.value_text.strip()) is not None
    unit = f" {o.unit}" if o.unit and (bare or not o.value_text) and value else ""
    label = o.outcome if o.measure == "other" and o.outcome else o.measure
    bits = [label, o.arm or "", o.timepoint or "", f"= {value or 'no figure recorded'}{unit}"]
    if o.comparator_value is not None or o.comparator_text:
        comparator = o.printed_of("comparator_value") or f"{o.comparator_value:g}"
        bits.append(f"vs {o.comparator_text or comparator}")
    if o.p_value:
        bits.append(f"p {o.p_value}")
    flag = "" if o.verified else " [not verified in the record]"
    return " ".join(b for b in bits if b) + f"  ({o.work}, {o.locator or 'locator unknown'}){flag}"


def cmd_validate(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """List every problem; exit 1 when any is an error."""
    for p in kb.problems:
        print(p)
    errors = len(kb.errors)
    warnings = len(kb.problems) - errors
    print(f"{errors} error(s), {warnings} warning(s) in {kb.data_dir}")
    return 1 if errors else 0


def cmd_info(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Counts of each kind of record."""

    def tally(kb: KnowledgeBase) -> tuple[dict[str, int], int]:
        from kb.graph import build_graph, counts

        g = build_graph(kb)
        return counts(g), g.number_of_edges()

    kinds, edges = _READ.derived("info", tally) if _READ and _READ.holds(kb) else tally(kb)
    for kind, n in sorted(kinds.items()):
        print(f"{kind:10} {n}")
    print(f"{'edges':10} {edges}")
    print(f"{'problems':10} {len(kb.problems)} ({len(kb.errors)} errors)")
    return 0


def _outcome_record(o, works: dict) -> dict:
    """One reported number for `kb trace --format json`: the row's own fields, and what the
    number is as the source prints it (`value_printed`, `shown`, `comparator`, `count`,
    `denominator` are text as printed), the curator's note and the provenance."""
    from kb.views.trace import source_number

    d = source_number(o, works)
    return {
        "id": o.id,
        "work": o.work,
        "measure": o.measure,
        "outcome": d["outcome"],
        "arm": o.arm,
        "analysis_set": o.analysis_set,
        "timepoint": o.timepoint,
        "value": o.value,
        "value_text": o.value_text,
        "value_printed": d["value_printed"],
        "unit": o.unit,
        "shown": d["value"],
        "comparator": d["comparator"],
        "count": d["count"],
        "denominator": d["denominator"],
        "p_value": o.p_value,
        "locator": o.locator,
        "verified": o.verified,
        "note": o.note,
        "provenance": d["provenance"],
    }


def trace_record(t, works: dict | None = None) -> dict:
    """A trace as plain JSON-ready data; each reported number as the source prints it, with
    what it is and where it comes from (`kb.views.trace.source_number`)."""
    from kb.views.cite import format_ama, from_letter_words

    known = works if works is not None else {r.work.citekey: r.work for r in t.refs if r.work}

    return {
        "claim_id": t.claim.id,
        "document": t.claim.document,
        "text": t.claim.text,
        "refs": [
            {
                "number": r.number,
                "marker": r.marker,
                "entry": r.entry.raw if r.entry else None,
                "work": r.work.citekey if r.work else None,
                "method": r.resolution.method if r.resolution else None,
                "citation": format_ama(r.work) if r.work else None,
                "doi": r.work.doi if r.work else None,
                "pmid": r.work.pmid if r.work else None,
                "verified": r.work.verified if r.work else None,
                # bibliographic fields the record did not show: taken from the letter's citation
                "from_letter": from_letter_words(r.work.unconfirmed) if r.work else [],
                "studies": [
                    {
                        "id": st.study.id,
                        "name": st.study.name,
                        "design": st.study.design,
                        "outcomes": [_outcome_record(o, known) for o in st.outcomes],
                    }
                    for st in r.studies
                ],
            }
            for r in t.refs
        ],
    }


def cmd_trace(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Print a claim's chain to its sources and their numbers."""
    from dataclasses import replace

    from kb.graph import UnknownNodeError, build_graph, trace
    from kb.views.cite import format_ama, from_letter_words
    from kb.views.evidence import record_sources
    from kb.views.trace import claim_support, number_details, number_lines, support_line

    def traced(kb: KnowledgeBase):
        return trace(build_graph(kb), args.claim)

    try:  # a trace is kept in the reading cache with the KB it was drawn from
        t = (
            _READ.derived(f"trace {args.claim}", traced)
            if _READ and _READ.holds(kb)
            else traced(kb)
        )
    except UnknownNodeError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 2

    # the references the fact check reads the claim with (borrowed ones named in the words of
    # the verdict and `kb check`), its verdict, and what each stated number is matched with:
    # all from the fact check of the claim's document
    claim_id = t.claim.id

    def support(kb: KnowledgeBase):
        return claim_support(kb, build_graph(kb), claim_id)

    sup = (
        _READ.derived(f"support {claim_id}", support) if _READ and _READ.holds(kb) else support(kb)
    )
    checks = _fact_check(kb, [t.claim.document])
    verdict = checks.verdicts.get(t.claim.id)
    if sup.via == "paragraph":
        t = replace(t, refs=sup.refs)
    if args.format == "json":
        out = trace_record(t, kb.works)
        out["support"] = {
            "via": sup.via,
            "carrier": sup.carrier,
            "refs": list(sup.numbers),
            "footnotes_not_lent": list(sup.withheld),
            "words": support_line(sup),
        }
        if verdict is not None:
            out["verdict"] = {"label": str(verdict.label), "reason": verdict.reason}
        for ref in out["refs"]:
            held = record_sources(kb, ref["work"]) if ref["work"] else []
            if held:
                ref["records"] = held
        out["numbers"] = number_details(t.claim, checks, kb.works)
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"{t.claim.id}  ({t.claim.document})")
    print(f'  "{t.claim.text}"')
    if verdict is not None:
        print(f"  verdict: {verdict.label}: {verdict.reason}")
    if support_line(sup):
        print(f"  {support_line(sup)}")
    shown: set[str] = set()
    for r in t.refs:
        print(f"  [{r.number}] marker {r.marker!r}")
        if r.entry is None:
            print("      no entry with this number in the document's reference list")
            continue
        print(f"      entry: {r.entry.raw}")
        if r.work is None:
            print("      not resolved to any work in the knowledge base")
            continue
        ids = (
            ", ".join(
                x
                for x in (
                    f"PMID {r.work.pmid}" if r.work.pmid else "",
                    f"doi:{r.work.doi}" if r.work.doi else "",
                )
                if x
            )
            or "no PMID or DOI"
        )
        verified = "record read" if r.work.verified else "cited only, not verified"
        print(
            f"      work: {r.work.citekey} ({r.work.kind}; {ids}; {verified}; "
            f"by {r.resolution.method if r.resolution else '?'})"
        )
        print(f"      {format_ama(r.work)}")
        if r.work.unconfirmed:
            taken = ", ".join(from_letter_words(r.work.unconfirmed))
            print(f"      from the letter's citation, not the record: {taken}")
        for held in record_sources(kb, r.work.citekey):
            print(f"      record: {held}")
        if not r.studies:
            print("      reports no study in the knowledge base")
        for st in r.studies:
            s = st.study
            if s.id in shown:
                print(f"      study: {s.id} (its numbers are listed above)")
                continue
            shown.add(s.id)
            print(f"      study: {s.id}: {s.name} [{s.design}]")
            others = f"; also reported by {', '.join(st.other_works)}" if st.other_works else ""
            print(
                f"        sponsor: {s.sponsor or 'not stated'}; follow-up: "
                f"{s.follow_up or 'unknown'}{others}"
            )
            if not st.outcomes:
                print("        no numbers recorded")
            for o in st.outcomes:
                print(f"        - {_outcome_line(o)}")
    lines = number_lines(t.claim, checks, kb.works)
    print(
        "  numbers the claim states, and what each is matched with:"
        if lines
        else "  states no number"
    )
    for line in lines:
        print(f"    {line}")
    return 0


def cmd_claims(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """List a document's claims with their reference numbers and numbers."""
    if args.doc not in kb.documents:
        known = ", ".join(sorted(kb.documents))
        print(f"kb: no document {args.doc!r} (known: {known})", file=sys.stderr)
        return 2
    claims = list(kb.claims(args.doc))
    wanted = set(args.verdict or ()) | ({"needs reading"} if args.reading_list else set())
    verdicts = {}
    if args.format == "json" or wanted:
        verdicts = _fact_check(kb, [args.doc]).verdicts
    if wanted:
        claims = [c for c in claims if c.id in verdicts and verdicts[c.id].label in wanted]
    if args.format == "json":
        from kb.views.records import claim_record

        records = []
        for c in claims:
            rec = claim_record(c)
            v = verdicts.get(c.id)
            rec["verdict"] = v.label if v else None
            rec["finding_codes"] = list(v.codes) if v else []
            records.append(rec)
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return 0
    for c in claims:
        refs = ",".join(map(str, c.refs)) or "-"
        text = c.text if len(c.text) <= 90 else c.text[:87] + "..."
        print(f"{c.id:24} {refs:12} {text}")
        if wanted:
            print(f"{'':24} {verdicts[c.id].label}: {verdicts[c.id].reason}")
    print(f"{len(claims)} claim(s)")
    return 0


def cmd_check(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Run the checks on one document; exit 1 when any finding is an error."""
    from kb.schema import SEVERITIES

    if args.doc not in kb.documents:
        known = ", ".join(sorted(kb.documents))
        print(f"kb: no document {args.doc!r} (known: {known})", file=sys.stderr)
        return 2
    # the document's findings alone, computed at the cost of that document
    found = list(_fact_check(kb, [args.doc]).of_document(args.doc))
    floor = SEVERITIES.index(args.min_severity)
    shown = [f for f in found if SEVERITIES.index(f.severity) >= floor]
    if args.format == "json":
        from kb.views.records import finding_record

        claims = {c.id: c for c in kb.claims(args.doc)}
        records = [finding_record(kb, f, claims) for f in shown]
        print(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        for sev in reversed(SEVERITIES):
            group = [f for f in shown if f.severity == sev]
            if not group:
                continue
            print(f"{sev.upper()} ({len(group)})")
            for f in group:
                where = f.claim or (f"refs {','.join(map(str, f.refs))}" if f.refs else f.document)
                print(f"  {f.code:26} {where:22} {f.message}")
        counts = {str(s): sum(f.severity == s for f in found) for s in SEVERITIES}
        print(
            f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} "
            f"info in {args.doc}"
        )
    return 1 if any(f.severity == "error" for f in found) else 0


class OutputError(Exception):
    """The output file cannot be written; the message is one line for the user."""


def write_out(path: Path, data: bytes, force: bool = False) -> None:
    """Write an export to `path`: never a directory, never over a file without `force`.

    A regular file is written beside and renamed over (a full disk leaves no half file); a
    device or pipe (/dev/stdout, /dev/null) is written in place.
    """
    from kb.store import atomic_write

    if path.is_dir():
        raise OutputError(f"--out {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: the directory {path.parent} does not exist")
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as fh:
                fh.write(data)
            return
        if path.exists() and not force:
            raise OutputError(f"{path} already exists; give --force to replace it")
        atomic_write(path, data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def cmd_export(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Write one export (the same bytes as the app's download) to --out or stdout."""
    from kb.checks.factcheck import fact_check
    from kb.export import BINARY_FORMATS, ExportError, render
    from kb.graph import build_graph

    if args.format in BINARY_FORMATS and not args.out:
        print(f"kb: format {args.format!r} is binary: give --out FILE", file=sys.stderr)
        return 2
    from kb import review

    g = build_graph(kb)
    fc = fact_check(kb, g)
    try:
        state = review.state_of(review.open_log(kb.data_dir, args.review_db), kb)
    except review.ReviewLogError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 2
    try:
        data = render(args.format, review.with_review(kb, state), g, fc, args.doc)
    except ExportError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 2
    if args.out:
        try:
            write_out(Path(args.out), data, args.force)
        except OutputError as exc:
            print(f"kb: {exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def fetch_for_entries(kb: KnowledgeBase, entries) -> int:
    """Fetch and import the records of entries that name a PMID or DOI; the number imported.

    Opt-in (`kb ingest --fetch`): records are written to the data directory like `kb import`.
    """
    from kb.importing import format_result, import_records
    from kb.linking.enrich import Offline
    from kb.linking.fetch import OFFLINE_HELP, RecordFetcher

    ids = list(dict.fromkeys(e.pmid or e.doi for e in entries if e.pmid or e.doi))
    if not ids:
        print("note: no unresolved entry names a PMID or DOI: nothing to fetch")
        return 0
    fetcher = RecordFetcher(kb.data_dir)
    files: list[tuple[str, bytes]] = []
    try:
        for ident in ids:
            got = fetcher.fetch(ident)
            files += got.files
            for note in got.notes:
                print(f"note: {note}")
    except Offline as exc:
        print(f"kb: {OFFLINE_HELP.format(reason=exc)}", file=sys.stderr)
        return 0
    if not files:
        return 0
    result = import_records(files, kb)
    print(format_result(result))
    return len(result.imported)


def cmd_ingest(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Ingest a letter file (claims, entries, findings); write it only with --save."""
    from kb.ingest import IngestError, format_result, ingest, save

    def run(kb: KnowledgeBase):
        return ingest(
            Path(args.file),
            None,
            kb,
            doc_id=args.id,
            title=args.title,
            date=args.date,
            enrich=args.enrich,
        )

    try:
        result = run(kb)
        if args.fetch:
            fetched = fetch_for_entries(kb, [e.entry for e in result.unresolved])
            if fetched:
                kb = load_kb(kb.data_dir)
                result = run(kb)
    except IngestError as exc:
        print(f"kb: cannot ingest {args.file}: {exc.message}", file=sys.stderr)
        return 2
    saved, status = None, 0
    if args.save:
        try:
            saved = save(result)
        except IngestError as exc:
            print(f"kb: {exc.message}", file=sys.stderr)
            status = 1
    if args.format == "json":
        out = result.to_dict()
        out["saved"] = list(saved.files) if saved else None
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(format_result(result, saved))
    return status


def cmd_import(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Import record files of cited works; --dry-run prints what would change."""
    from kb.importing import format_result, import_records
    from kb.store import StoreError

    sources = []
    status = 0
    if args.fetch:
        from kb.linking.enrich import Offline
        from kb.linking.fetch import OFFLINE_HELP, RecordFetcher

        fetcher = RecordFetcher(kb.data_dir)
        try:
            for ident in args.files:
                got = fetcher.fetch(ident)
                for note in got.notes:
                    print(f"note: {note}")
                sources.extend(got.files)
        except Offline as exc:
            print(f"kb: {OFFLINE_HELP.format(reason=exc)}", file=sys.stderr)
            return 2
        if not sources:
            print("kb: nothing fetched", file=sys.stderr)
            return 1
        args.files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"kb: {name}: file not found", file=sys.stderr)
            status = 2
            continue
        sources.append((path.name, path.read_bytes()))
    if not sources:
        return status or 2
    try:
        result = import_records(sources, kb, dry_run=args.dry_run)
    except StoreError as exc:
        print(f"kb: cannot write the records: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kb: cannot write the records: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_result(result))
    if any(p.severity == "error" for p in result.problems):
        status = status or 1
    return status


def cmd_review(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """The analyst's review log: judge, history, restore, sign off, export, import, check."""
    from kb import review

    log = review.open_log(kb.data_dir, args.db)
    act = args.action
    try:
        if act == "judge":
            events = review.judge(log, kb, args.claim, args.analyst, args.verdict, args.note)
            print(f"{len(events)} event(s) written to {log.path}")
        elif act == "history":
            state = review.state_of(log, kb)
            for e in state.history(args.claim):
                where = f" [{e.finding}]" if e.finding else ""
                note = f" — {e.note}" if e.note else ""
                print(
                    f"#{e.seq} {e.at} {e.analyst}: {e.field}{where}: "
                    f"{e.before!r} → {e.after!r}{note}"
                )
        elif act == "restore":
            events = review.restore(log, kb, args.claim, args.seq, args.analyst)
            print(f"{len(events)} event(s) written to {log.path}")
        elif act == "signoff":
            review.sign_off(log, args.doc, args.analyst, args.summary)
            print(f"the review of {args.doc} is signed off")
        elif act == "reopen":
            review.reopen(log, args.doc, args.analyst, args.reason)
            print(f"the review of {args.doc} is reopened")
        elif act == "export":
            if args.events:
                text = review.export_events(log.events())
            else:
                text = review.export_assessments(kb, review.fold(log.events(), kb))
            if args.out:
                try:
                    review.save_export(kb.data_dir, Path(args.out), text)
                except review.ReviewError as exc:
                    print(f"kb review: {exc}", file=sys.stderr)
                    return 2
            else:
                sys.stdout.write(text)
        elif act == "import":
            text = Path(args.file).read_text(encoding="utf-8-sig")
            events, problems = review.import_assessments(log, kb, text, args.analyst or "")
            for p in problems:
                print(p, file=sys.stderr)
            print(f"{len(events)} event(s) written to {log.path}")
            return 1 if any(p.severity == "error" for p in problems) else 0
        elif act == "map":
            from kb.review.mapping import map_criteria

            ids = [] if args.criteria.strip() == "none" else args.criteria.split(";")
            ev = map_criteria(log, kb, args.claim, args.analyst, ids, note=args.note)
            print(f"{0 if ev is None else 1} event(s) written to {log.path}")
        elif act == "check":
            bad = log.check()
            for line in bad:
                print(line)
            print(f"{log.path}: {'sound' if not bad else 'damaged'}, {len(log.events())} event(s)")
            return 1 if bad else 0
    except review.ReviewError as exc:
        print(f"kb review: {exc}", file=sys.stderr)
        return 1
    except review.ReviewLogError as exc:
        print(f"kb review: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_criteria(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Payer criteria: per criterion the evidence and the gaps, and the claims mapped to it."""
    from kb import review
    from kb.checks.factcheck import fact_check
    from kb.graph import build_graph
    from kb.load import LoadError, read_criteria
    from kb.views.criteria import criteria_view

    if args.doc is not None and args.doc not in kb.documents:
        known = ", ".join(sorted(kb.documents))
        print(f"kb: no document {args.doc!r} (known: {known})", file=sys.stderr)
        return 2
    criteria = kb.criteria
    if args.criteria:
        try:
            criteria, problems = read_criteria(args.criteria)
        except LoadError as exc:
            print(f"kb: cannot read the criteria file: {exc}", file=sys.stderr)
            return 2
        for p in problems:
            print(p, file=sys.stderr)
        if any(p.severity == "error" for p in problems):
            print(f"kb: {args.criteria} has errors (listed above)", file=sys.stderr)
            return 2
    if not criteria:
        print("kb: no criteria (add criteria.csv to the data directory or give --criteria)")
        return 2
    try:
        state = review.state_of(review.open_log(kb.data_dir, args.review_db), kb)
    except review.ReviewLogError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 2
    g = build_graph(kb)
    docs = [args.doc] if args.doc else None
    view = criteria_view(kb, g, fact_check(kb, g, documents=docs), args.doc, criteria, state)
    if args.format == "json":
        print(json.dumps(view.as_json(), indent=2, ensure_ascii=False))
        return 0
    for c in view.criteria:
        cid = c["criterion"]
        print(
            f"{cid}  {c['title']}  [{c['framework']}, {c['kind']}; {c['source'][:60]}, {c['date']}]"
        )
        for e in view.evidence[cid]:
            print(
                f"  evidence  {e['study']}: {e['design']}, {e['comparator']}, N {e['N']}, "
                f"follow-up {e['follow-up']}  [{e['provenance']}]"
            )
        for gap in view.gaps[cid]:
            print(f"  gap       {gap['gap']}  [{gap['rule']}; {gap['provenance'] or 'no fact'}]")
        mapped = view.claims_for(cid)
        if args.doc:
            print(f"  claims    {len(mapped)} mapped")
    if args.doc:
        reviewed = sum(r["status"] != "not reviewed" for r in view.claims)
        print(f"{len(view.claims)} claim(s) mapped to criteria, {reviewed} reviewed by an analyst")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `kb` command."""
    p = argparse.ArgumentParser(prog="kb", description="Take apart letters that cite evidence.")
    p.add_argument("--data", help="data directory (default: $KB_DATA or the bundled data/)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="list loading problems; exit 1 on errors")
    sub.add_parser("info", help="counts of each kind of record")
    t = sub.add_parser("trace", help="follow a claim to its sources and numbers")
    t.add_argument("claim", help="claim id, e.g. nysipp-2026:s08.c09")
    t.add_argument("--format", choices=("text", "json"), default="text")
    c = sub.add_parser("claims", help="a document's claims")
    c.add_argument("doc", help="document id, e.g. nysipp-2026")
    c.add_argument("--format", choices=("table", "json"), default="table")
    c.add_argument(
        "--verdict",
        action="append",
        choices=tuple(map(str, VERDICT_LABELS)),
        metavar="LABEL",
        help="only claims with this machine verdict (repeatable), e.g. 'needs reading'",
    )
    c.add_argument(
        "--reading-list",
        action="store_true",
        help="only the claims that need reading (as --verdict 'needs reading'), each with its "
        "reason",
    )
    k = sub.add_parser("check", help="run the fact checks on a document; exit 1 on errors")
    k.add_argument("doc", help="document id, e.g. nysipp-2026")
    k.add_argument("--format", choices=("table", "json"), default="table")
    k.add_argument("--min-severity", choices=("info", "warning", "error"), default="info")
    i = sub.add_parser("ingest", help="read a letter file (PDF, DOCX, HTML, TXT, MD)")
    i.add_argument("file", help="the letter file")
    i.add_argument("--id", help="document id (default: from the file name)")
    i.add_argument("--title", help="title (default: the subject line)")
    i.add_argument("--date", help="YYYY-MM-DD (default: the first date in the text)")
    i.add_argument("--save", action="store_true", help="write it into the data directory")
    i.add_argument("--enrich", action="store_true", help="look up DOIs/PMIDs online")
    i.add_argument(
        "--fetch",
        action="store_true",
        help="fetch and import the records of unresolved entries that give a PMID or DOI",
    )
    i.add_argument("--format", choices=("table", "json"), default="table")
    m = sub.add_parser(
        "import",
        help="import records of cited works (PubMed XML, MEDLINE, JATS, RIS, BibTeX, CSL-JSON)",
    )
    m.add_argument(
        "files", nargs="+", metavar="FILE", help="record files (with --fetch: PMIDs, PMCIDs, DOIs)"
    )
    m.add_argument(
        "--fetch",
        action="store_true",
        help="fetch the records of these PMIDs/PMCIDs/DOIs online (PubMed, Europe PMC, "
        "Crossref; cached in the data directory)",
    )
    m.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    m.add_argument("--format", choices=("table", "json"), default="table")
    e = sub.add_parser(
        "export",
        help="write a table, report, reference list or graph",
        formatter_class=_WholeWords,
    )
    e.add_argument(
        "--format",
        required=True,
        choices=_ExportNames(),
        metavar="FORMAT",
        help="export format: %(choices)s",
    )
    e.add_argument("--doc", help="document id (default: all documents)")
    e.add_argument("--out", help="output file (default: stdout; binary formats need it)")
    e.add_argument("--force", action="store_true", help="replace --out when it exists")
    e.add_argument(
        "--review-db",
        help="review log whose judgements the export carries "
        "(default: $KB_REVIEW_DB or review.sqlite in the data dir)",
    )
    r = sub.add_parser("review", help="the analyst's review log (judge, export, import, …)")
    r.add_argument(
        "--db", help="review log file (default: $KB_REVIEW_DB or review.sqlite in the data dir)"
    )
    ra = r.add_subparsers(dest="action", required=True)
    j = ra.add_parser("judge", help="set a claim's analyst verdict and/or note")
    j.add_argument("claim")
    j.add_argument("--analyst", required=True)
    j.add_argument("--verdict", choices=ASSESSMENT_VERDICTS)
    j.add_argument("--note")
    h = ra.add_parser("history", help="every change to a claim's judgement")
    h.add_argument("claim")
    rs = ra.add_parser("restore", help="bring a claim back to its state after event N")
    rs.add_argument("claim")
    rs.add_argument("seq", type=int)
    rs.add_argument("--analyst", required=True)
    so = ra.add_parser("signoff", help="sign off a document's review (freezes it)")
    so.add_argument("doc")
    so.add_argument("--analyst", required=True)
    so.add_argument("--summary", required=True)
    ro = ra.add_parser("reopen", help="reopen a signed-off review")
    ro.add_argument("doc")
    ro.add_argument("--analyst", required=True)
    ro.add_argument("--reason", required=True)
    ex = ra.add_parser("export", help="write the standing review as assessments.csv")
    ex.add_argument(
        "--out", help="output file, replaced (default: stdout); in the data dir under its lock"
    )
    ex.add_argument("--events", action="store_true", help="write every event instead")
    im = ra.add_parser("import", help="append an assessments.csv to the log")
    im.add_argument("file")
    im.add_argument("--analyst", help="who to record for rows that name no analyst")
    ra.add_parser("check", help="SQLite integrity check of the log file")
    add_sof_parser(sub)
    mp = ra.add_parser("map", help="tie a claim to payer criteria (ids joined by ';', or none)")
    mp.add_argument("claim")
    mp.add_argument("criteria", help="e.g. 'tec-2;ncd-q1', or 'none'")
    mp.add_argument("--analyst", required=True)
    mp.add_argument("--note", default="")
    cr = sub.add_parser(
        "criteria", help="payer criteria: the evidence and the gaps per criterion, mapped claims"
    )
    cr.add_argument("--doc", help="document id (default: every study of the KB, no claims)")
    cr.add_argument("--criteria", help="a plan's own criteria file (default: criteria.csv)")
    cr.add_argument("--format", choices=("table", "json"), default="table")
    cr.add_argument(
        "--review-db",
        help="review log whose criteria mappings are shown "
        "(default: $KB_REVIEW_DB or review.sqlite in the data dir)",
    )
    return p


def add_sof_parser(sub) -> None:
    """`kb sof`: the summary of findings, and setting one certainty domain."""
    f = sub.add_parser("sof", help="summary of findings per outcome (GRADE's table)")
    f.add_argument("--doc", help="document id (the letter whose claims and ratings to show)")
    f.add_argument("--format", choices=("table", "json"), default="table")
    f.add_argument(
        "--review-db", help="review log (default: $KB_REVIEW_DB or review.sqlite in the data dir)"
    )
    f.add_argument(
        "--rate",
        nargs=3,
        metavar=("OUTCOME", "DOMAIN", "LEVEL"),
        help="set the analyst's rating of one certainty domain (LEVEL '' clears it); needs "
        "--doc and --analyst",
    )
    f.add_argument("--analyst", help="who rates (with --rate)")
    f.add_argument("--note", default="", help="the analyst's reason (with --rate)")


def sof_table(view: dict) -> str:
    """The summary of findings as plain text, one block per outcome."""
    lines = []
    if view["document"]:
        lines.append(f"Summary of findings for {view['document']}")
    for o in view["outcomes"]:
        lines.append("")
        lines.append(f"== {o['label']} [{o['key']}]")
        lines.append(f"   participants (studies): {o['participants']} ({o['participants_note']})")
        lines.append(f"   design mix: {o['design_mix']}")
        lines.append(f"   comparators: {'; '.join(o['comparators'])}")
        if view["document"]:
            lines.append(f"   claims naming it: {', '.join(o['letter_mentions']) or 'none'}")
        for r in o["results"]:
            p = r["provenance"]
            vs = f" vs {r['comparator_result']}" if r["comparator_result"] else ""
            pv = f", p {r['p']}" if r["p"] else ""
            lines.append(
                f"   - {r['id']} ({r['study']}, {r['timepoint']}): {r['outcome']}: "
                f"{r['result']}{vs}{pv}; 95% CI {r['ci']}"
            )
            for d in r["derived"]:
                lines.append(f"       derived {d['what']}: {d['value']} ({d['formula']})")
            if r["mcid"]:
                lines.append(f"       {r['mcid']}")
            flag = "verified" if p["verified"] else "not verified"
            ids = " / ".join(x for x in (p["pmid"] and f"PMID {p['pmid']}",
                                         p["doi"] and f"DOI {p['doi']}") if x)  # fmt: skip
            lines.append(
                f"       source: {p['work']}, {ids or 'no PMID or DOI'}, {p['locator']}, "
                f"{p['origin']}, {flag}"
            )
            if p["note"]:
                lines.append(f"       note: {p['note']}")
        for d in view["domains"]:
            c = o["certainty"][d["key"]]
            rating = c["level"] or "not rated"
            who = f" ({c['analyst']}, {c['at']})" if c["level"] else ""
            note = f": {c['note']}" if c["note"] else ""
            lines.append(f"   {d['label']}: {rating}{who}{note}")
            for fact in o["facts"][d["key"]]:
                lines.append(f"       fact: {fact}")
    lines.append("")
    lines.append("MCID (sourced):")
    for m in view["mcid"]:
        lines.append(
            f"   {m['measure']}: {m['mcid']} {m['unit']} ({m['population']}; {m['source']}, "
            f"{m['locator']})"
        )
    lines.append(f"   none held for: {'; '.join(view['mcid_missing']) or 'none'}")
    return "\n".join(lines) + "\n"


def cmd_sof(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Print the summary of findings (table or JSON); with --rate, set one certainty domain."""
    from kb import review
    from kb.checks.factcheck import fact_check
    from kb.export.common import json_text
    from kb.graph import build_graph
    from kb.views.sof import sof_view

    if args.doc and args.doc not in kb.documents:
        print(f"kb: no document {args.doc!r} (known: {', '.join(kb.documents)})", file=sys.stderr)
        return 2
    log = review.open_log(kb.data_dir, args.review_db)
    try:
        if args.rate:
            if not args.doc:
                print("kb: --rate needs --doc", file=sys.stderr)
                return 2
            outcome, domain, level = args.rate
            ev = review.rate_certainty(
                log, kb, args.doc, outcome, domain, args.analyst or "", level, args.note
            )
            print("1 event written" if ev else "nothing changed", f"to {log.path}")
            return 0
        state = review.state_of(log, kb)
    except (review.ReviewError, review.ReviewLogError) as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 2
    fc = fact_check(kb, build_graph(kb))
    view = sof_view(kb, fc, args.doc, state)
    sys.stdout.write(json_text(view) if args.format == "json" else sof_table(view))
    return 0


COMMANDS = {"validate": cmd_validate, "info": cmd_info, "trace": cmd_trace, "claims": cmd_claims}
COMMANDS["ingest"] = cmd_ingest
COMMANDS["export"] = cmd_export
COMMANDS["check"] = cmd_check
COMMANDS["import"] = cmd_import
COMMANDS["review"] = cmd_review
COMMANDS["sof"] = cmd_sof
COMMANDS["criteria"] = cmd_criteria


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kb` command."""
    global _READ
    args = build_parser().parse_args(argv)
    _READ = ReadCache(_data_dir(args), loader=lambda d: load_kb(d))
    try:
        kb = _READ.knowledge_base()
    except Exception as exc:
        from kb.load import LoadError  # only a miss reads the files, and only reading raises it

        if not isinstance(exc, LoadError):
            raise
        print(f"kb: cannot load: {exc}", file=sys.stderr)
        return 2
    try:
        status = COMMANDS[args.command](kb, args)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        print("kb: the output was closed before it was all written", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            raise
        _quiet_stdout()
        print(f"kb: cannot write the output: {exc.strerror}", file=sys.stderr)
        return 2
    return status


# A full disk, a read-only or vanished output, a quota: errors of writing, not of our code.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EROFS, errno.EDQUOT, errno.EFBIG, errno.EPIPE}


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
