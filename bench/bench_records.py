"""Record import and checks against imported records (goals: 1,000 PubMed records imported with
their numbers extracted in <= 10 s, growing linearly; a 30-claim letter checked against 50
imported records in <= 1 s).

Prints the timings (for the import, the median of RUNS runs with min and max, wall and CPU,
beside a baseline measured in the same run: reading the same PubMed XML into records, without
numbers or writing) and ok/missed against each goal; asserts nothing. The records are
synthetic: the fictional PubMed records of tests/fixtures/records copied with new PMIDs, DOIs
and titles. `bench/run.py` runs `measure()` (results in bench/results.json, "records").
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RECORDS = ROOT / "tests" / "fixtures" / "records"
IMPORT_GOAL_S, CHECK_GOAL_S = 10.0, 1.0
RUNS = 5  # each import size is timed this many times; the median is reported
SIZES = (250, 500, 1000)


def pubmed_set(n: int, first: int = 0) -> bytes:
    """A PubmedArticleSet of `n` records, each a renamed copy of one of the fixture records."""
    text = (RECORDS / "pubmed.xml").read_text(encoding="utf-8")
    head, rest = text.split("<PubmedArticleSet>", 1)
    body = rest.rsplit("</PubmedArticleSet>", 1)[0]
    articles = re.findall(r"<PubmedArticle>.*?</PubmedArticle>", body, flags=re.DOTALL)
    out = []
    for i in range(first, first + n):
        a = articles[i % len(articles)]
        a = re.sub(r"9123450\d", f"8{i:07d}", a)
        a = re.sub(r"10\.5555/([a-z]+)\.(\d{4})\.(\d{4})", rf"10.5555/\1.\2.{i:06d}", a)
        a = a.replace("<ArticleTitle>", f"<ArticleTitle>Copy {i}: ", 1)
        # every copy states different figures, so no two records share a sentence
        a = re.sub(
            r"(?<=[\s(])(\d{2,3})(?=[\s%)])",
            lambda m, i=i: str(int(m.group(1)) + i % 7),
            a,
        )
        a = re.sub(r"<ArticleId IdType=\"pmc\">PMC\d+</ArticleId>", "", a)
        out.append(a)
    return (head + "<PubmedArticleSet>\n" + "\n".join(out) + "\n</PubmedArticleSet>\n").encode()


def skeleton(dest: Path) -> Path:
    shutil.copytree(RECORDS / "kb", dest)
    return dest


def _import_once(n: int, data: bytes) -> tuple[float, float, int]:
    """Import `n` synthetic records into a fresh copy of the fixture data directory (writing
    the record files); returns wall seconds, CPU seconds and the numbers extracted."""
    from kb.importing import import_records
    from kb.load import load_kb

    with tempfile.TemporaryDirectory() as tmp:
        d = skeleton(Path(tmp) / "data")
        kb = load_kb(d)
        t0, c0 = time.perf_counter(), time.process_time()
        result = import_records([("synthetic.xml", data)], kb, today="2031-01-01")
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        return dt, cpu, sum(c.numbers for c in result.imported)


def _parse_once(data: bytes) -> tuple[float, float]:
    """The baseline: the same PubMed XML read into records (no numbers, nothing written)."""
    from kb.sources.records import read_records

    t0, c0 = time.perf_counter(), time.process_time()
    read_records(data, "synthetic.xml")
    return time.perf_counter() - t0, time.process_time() - c0


def _spread(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "runs": len(samples), "samples": samples}  # fmt: skip


def measure_import(runs: int = RUNS, sizes: tuple[int, ...] = SIZES) -> dict:
    """Per size: import and baseline (parse only), wall and CPU seconds, each run after the
    other so both see the same load; the numbers extracted."""
    out = {}
    for n in sizes:
        data = pubmed_set(n)
        walls, cpus, pwalls, pcpus, numbers = [], [], [], [], 0
        for _ in range(runs):
            pw, pc = _parse_once(data)
            dt, cpu, numbers = _import_once(n, data)
            walls.append(dt)
            cpus.append(cpu)
            pwalls.append(pw)
            pcpus.append(pc)
        out[f"{n} records"] = {
            "records": n,
            "numbers": numbers,
            "import_wall_s": _spread(walls),
            "import_cpu_s": _spread(cpus),
            "parse_wall_s": _spread(pwalls),
            "parse_cpu_s": _spread(pcpus),
            "cpu_ratio_to_parse": statistics.median(cpus) / statistics.median(pcpus),
        }
    return out


def bench_import(runs: int = RUNS) -> dict:
    rows = measure_import(runs)
    for r in rows.values():
        n, w, c, pw, pc = (r["records"], r["import_wall_s"], r["import_cpu_s"],
                           r["parse_wall_s"], r["parse_cpu_s"])  # fmt: skip
        print(
            f"import {n:5} PubMed records  {r['numbers']:6} numbers  median of {runs}: "
            f"{w['median']:6.2f} s wall (min {w['min']:.2f}, max {w['max']:.2f})  "
            f"{c['median']:6.2f} s CPU (min {c['min']:.2f}, max {c['max']:.2f})  "
            f"{n / w['median']:5.0f} records/s; baseline (parse only) {pw['median']:.2f} s wall, "
            f"{pc['median']:.2f} s CPU: import {r['cpu_ratio_to_parse']:.1f}x its CPU"
        )
    first, last = list(rows.values())[0], list(rows.values())[-1]
    t0, t1 = first["import_wall_s"]["median"], last["import_wall_s"]["median"]
    c0, c1 = first["import_cpu_s"]["median"], last["import_cpu_s"]["median"]
    n0, n1 = first["records"], last["records"]
    verdict = "ok" if t1 <= IMPORT_GOAL_S else "missed"
    print(
        f"{n1:,} records: median {t1:.2f} s wall, {c1:.2f} s CPU (goal <= {IMPORT_GOAL_S:.0f} s: "
        f"{verdict}); CPU ratio {c1 / c0:.1f}, wall ratio {t1 / t0:.1f} for a record ratio "
        f"{n1 / n0:.1f} (linear: about equal; wall time depends on the machine's load)"
    )
    return rows


def letter_of(claims: int) -> str:
    """The fixture letter with its evidence paragraphs repeated to about `claims` cited claims."""
    text = (RECORDS / "letter.txt").read_text(encoding="utf-8")
    head, rest = text.split("Randomized evidence\n", 1)
    body, tail = rest.split("\nConclusion\n", 1)
    per = body.count("]. ") + body.count("].\n")
    copies = max(1, -(-claims // max(per, 1)))
    return head + "Randomized evidence\n" + "\n".join([body] * copies) + "\nConclusion\n" + tail


def bench_check() -> dict:
    from kb.checks.factcheck import fact_check
    from kb.graph import build_graph
    from kb.importing import import_records
    from kb.load import load_kb

    with tempfile.TemporaryDirectory() as tmp:
        d = skeleton(Path(tmp) / "data")
        (d / "letters" / "mwsisc-2031-09-14.txt").write_text(letter_of(30), encoding="utf-8")
        files = ["pubmed.xml", "jats.xml", "medline.nbib", "records.ris", "records.bib",
                 "records.csl.json"]  # fmt: skip
        sources = [(f, (RECORDS / f).read_bytes()) for f in files]
        sources.append(("more.xml", pubmed_set(38, first=100)))
        import_records(sources, load_kb(d), today="2031-01-01")
        t0 = time.perf_counter()
        kb = load_kb(d)
        graph = build_graph(kb)
        t1 = time.perf_counter()
        fc = fact_check(kb, graph)
        t2 = time.perf_counter()
        n_records = sum(len(v) for v in kb.records.values())
        cited = [c for c in kb.claims() if c.refs]
        verdict = "ok" if t2 - t1 <= CHECK_GOAL_S else "missed"
        print(
            f"check {len(cited)} cited claims against {n_records} imported records: load + graph "
            f"{t1 - t0:.2f} s, fact check {t2 - t1:.2f} s (goal <= {CHECK_GOAL_S:.0f} s: "
            f"{verdict}); {len(fc.findings)} findings"
        )
        return {"cited_claims": len(cited), "records": n_records, "load_graph_s": t1 - t0,
                "fact_check_s": t2 - t1, "findings": len(fc.findings)}  # fmt: skip


def measure(runs: int = RUNS) -> dict:
    """Everything bench/run.py keeps: the import per size and the check against records."""
    return {"import": bench_import(runs), "check": bench_check()}


if __name__ == "__main__":
    if "--json" in sys.argv:  # bench/run.py: the lines above, then one JSON line
        print(json.dumps(measure()))
    else:
        measure()
