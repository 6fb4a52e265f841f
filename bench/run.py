"""`make bench`: load + graph time and peak memory on the bundled data and on a KB 100× larger.

Each measurement runs in a fresh process so peak memory (ru_maxrss) belongs to it alone.
Results are printed as a table and written to bench/results/latest.json (git-ignored).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
sys.path.insert(0, str(ROOT))

MEASURE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from kb.load import load_kb
from kb.graph import build_graph
t1 = time.perf_counter()
kb = load_kb(sys.argv[1])
g = build_graph(kb)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_graph_s": t2 - t1, "nodes": g.number_of_nodes(),
                  "edges": g.number_of_edges(), "errors": len(kb.errors),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(data_dir: Path) -> dict:
    """Load and build the graph of one data directory in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(data_dir)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rewrite_csv(text: str, copy: int, id_cols: dict[str, str]) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    out = []
    for row in body:
        row = list(row)
        for col, sep in id_cols.items():
            i = header.index(col)
            if row[i]:
                row[i] = sep.join(f"{p.strip()}-x{copy}" for p in row[i].split(sep) if p.strip())
        out.append(row)
    return out


def synthetic(dest: Path, factor: int) -> Path:
    """Copy the bundled data `factor` times over, renaming every id so nothing collides."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "letters").mkdir(exist_ok=True)
    bib = (DATA / "references.bib").read_text(encoding="utf-8")
    tables = {
        "studies.csv": {"id": ";", "works": ";"},
        "outcomes.csv": {"id": ";", "study": ";", "work": ";"},
        "documents.csv": {"id": ";"},
        "reference_map.csv": {"document": ";", "work": ";"},
    }
    texts = {name: (DATA / name).read_text(encoding="utf-8") for name in tables}
    headers = {name: next(csv.reader(io.StringIO(t))) for name, t in texts.items()}
    with open(dest / "references.bib", "w", encoding="utf-8") as bib_out:
        bib_out.writelines(
            re.sub(r"^(@\w+\{)([^,]+),", rf"\1\2-x{k},", bib, flags=re.MULTILINE)
            for k in range(factor)
        )
    for name, cols in tables.items():
        with open(dest / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(headers[name])
            for k in range(factor):
                w.writerows(_rewrite_csv(texts[name], k, cols))
    for letter in (DATA / "letters").iterdir():
        (dest / "letters" / letter.name).write_bytes(letter.read_bytes())
    return dest


def main() -> int:
    """Run every benchmark and print a table."""
    results: dict[str, dict] = {"bundled": measure(DATA)}
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (10, 100):
            results[f"synthetic x{factor}"] = measure(synthetic(Path(tmp) / f"x{factor}", factor))
    print(f"{'data':16} {'load+graph s':>12} {'peak MB':>9} {'nodes':>8} {'edges':>8}")
    for name, r in results.items():
        print(
            f"{name:16} {r['load_graph_s']:12.3f} {r['peak_mb']:9.0f} {r['nodes']:8} {r['edges']:8}"
        )
    goals = [
        ("bundled load+graph < 0.5 s", results["bundled"]["load_graph_s"] < 0.5),
        ("x100 load+graph < 10 s", results["synthetic x100"]["load_graph_s"] < 10),
        ("x100 peak memory < 1 GB", results["synthetic x100"]["peak_mb"] < 1024),
    ]
    ratio = results["synthetic x100"]["load_graph_s"] / max(
        results["synthetic x10"]["load_graph_s"], 1e-9
    )
    goals.append((f"x10 -> x100 time ratio {ratio:.1f} (linear is ~10)", ratio < 15))
    for extra in sorted((ROOT / "bench").glob("bench_*.py")):
        print(f"\n== {extra.stem}")
        subprocess.run([sys.executable, str(extra)], check=True)
    print()
    for label, ok in goals:
        print(f"{'ok  ' if ok else 'MISS'} {label}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
