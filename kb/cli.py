"""The `kb` command: validate, info, trace, claims."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kb import DEFAULT_DATA_DIR
from kb.load import KnowledgeBase, LoadError, load_kb


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("KB_DATA") or DEFAULT_DATA_DIR)


def _outcome_line(o) -> str:
    value = o.value_text or ("" if o.value is None else f"{o.value:g}")
    unit = f" {o.unit}" if o.unit and not o.value_text else ""
    bits = [f"{o.measure}", o.arm or "", o.timepoint or "", f"= {value}{unit}"]
    if o.comparator_value is not None or o.comparator_text:
        bits.append(f"vs {o.comparator_text or f'{o.comparator_value:g}'}")
    if o.p_value:
        bits.append(f"p {o.p_value}")
    flag = "" if o.verified else " [cited only]"
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
    from kb.graph import build_graph, counts

    g = build_graph(kb)
    for kind, n in sorted(counts(g).items()):
        print(f"{kind:10} {n}")
    print(f"{'edges':10} {g.number_of_edges()}")
    print(f"{'problems':10} {len(kb.problems)} ({len(kb.errors)} errors)")
    return 0


def trace_record(t) -> dict:
    """A trace as plain JSON-ready data."""
    from kb.cite import format_ama

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
                "studies": [
                    {
                        "id": st.study.id,
                        "name": st.study.name,
                        "design": st.study.design,
                        "outcomes": [
                            {
                                "id": o.id,
                                "work": o.work,
                                "measure": o.measure,
                                "arm": o.arm,
                                "timepoint": o.timepoint,
                                "value": o.value,
                                "value_text": o.value_text,
                                "unit": o.unit,
                                "p_value": o.p_value,
                                "locator": o.locator,
                                "verified": o.verified,
                            }
                            for o in st.outcomes
                        ],
                    }
                    for st in r.studies
                ],
            }
            for r in t.refs
        ],
    }


def cmd_trace(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """Print a claim's chain to its sources and their numbers."""
    from kb.cite import format_ama
    from kb.graph import UnknownNodeError, build_graph, trace

    g = build_graph(kb)
    try:
        t = trace(g, args.claim)
    except UnknownNodeError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(trace_record(t), indent=2, ensure_ascii=False))
        return 0
    print(f"{t.claim.id}  ({t.claim.document})")
    print(f"  \"{t.claim.text}\"")
    if not t.refs:
        print("  cites no reference")
    for r in t.refs:
        print(f"  [{r.number}] marker {r.marker!r}")
        if r.entry is None:
            print("      no entry with this number in the document's reference list")
            continue
        print(f"      entry: {r.entry.raw}")
        if r.work is None:
            print("      not resolved to any work in the knowledge base")
            continue
        ids = ", ".join(x for x in (
            f"PMID {r.work.pmid}" if r.work.pmid else "",
            f"doi:{r.work.doi}" if r.work.doi else "") if x) or "no PMID or DOI"
        verified = "record read" if r.work.verified else "cited only, not verified"
        print(f"      work: {r.work.citekey} ({r.work.kind}; {ids}; {verified}; "
              f"by {r.resolution.method if r.resolution else '?'})")
        print(f"      {format_ama(r.work)}")
        if not r.studies:
            print("      reports no study in the knowledge base")
        for st in r.studies:
            s = st.study
            print(f"      study: {s.id}: {s.name} [{s.design}]")
            others = f"; also reported by {', '.join(st.other_works)}" if st.other_works else ""
            print(f"        sponsor: {s.sponsor or 'not stated'}; follow-up: "
                  f"{s.follow_up or 'unknown'}{others}")
            if not st.outcomes:
                print("        no numbers recorded")
            for o in st.outcomes:
                print(f"        - {_outcome_line(o)}")
    return 0


def claim_record(c) -> dict:
    """A claim as plain JSON-ready data."""
    return {
        "id": c.id,
        "document": c.document,
        "section": c.section,
        "kind": c.kind,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "refs": list(c.refs),
        "numbers": [
            {"text": n.text, "value": n.value, "kind": n.kind, "start": n.start, "end": n.end}
            for n in c.numbers
        ],
    }


def cmd_claims(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    """List a document's claims with their reference numbers and numbers."""
    if args.doc not in kb.documents:
        known = ", ".join(sorted(kb.documents))
        print(f"kb: no document {args.doc!r} (known: {known})", file=sys.stderr)
        return 2
    claims = list(kb.claims(args.doc))
    if args.format == "json":
        print(json.dumps([claim_record(c) for c in claims], indent=2, ensure_ascii=False))
        return 0
    for c in claims:
        refs = ",".join(map(str, c.refs)) or "-"
        text = c.text if len(c.text) <= 90 else c.text[:87] + "..."
        print(f"{c.id:24} {refs:12} {text}")
    print(f"{len(claims)} claim(s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `kb` command."""
    p = argparse.ArgumentParser(prog="kb", description="Take apart letters that cite evidence.")
    p.add_argument("--data", help="data directory (default: $KB_DATA or the bundled data/)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="list loading problems; exit 1 on errors")
    sub.add_parser("info", help="counts of each kind of record")
    t = sub.add_parser("trace", help="follow a claim to its sources and numbers")
    t.add_argument("claim", help="claim id, e.g. nysipp-2026:s07.c05")
    t.add_argument("--format", choices=("text", "json"), default="text")
    c = sub.add_parser("claims", help="a document's claims")
    c.add_argument("doc", help="document id, e.g. nysipp-2026")
    c.add_argument("--format", choices=("table", "json"), default="table")
    return p


COMMANDS = {"validate": cmd_validate, "info": cmd_info, "trace": cmd_trace, "claims": cmd_claims}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kb` command."""
    args = build_parser().parse_args(argv)
    try:
        kb = load_kb(_data_dir(args))
    except LoadError as exc:
        print(f"kb: cannot load: {exc}", file=sys.stderr)
        return 2
    return COMMANDS[args.command](kb, args)
