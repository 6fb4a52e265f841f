"""Fact-check time on the bundled KB (goal < 1 s) and on a synthetic corpus of 100 letters.

Prints the timings; asserts nothing. The synthetic corpus is bench/run.py's copy of the bundled
data with every id renamed, 100 times over (100 copies of each letter, 2,600 references).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GOAL_S = 1.0
COPIES = 100


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure(data_dir: Path, repeat: int) -> dict:
    """Load once, then time the shared context, every check, and the whole fact check."""
    from kb.checks import run_context
    from kb.checks.factcheck import fact_check
    from kb.checks.matching import build_context
    from kb.graph import build_graph
    from kb.load import load_kb

    t0 = time.perf_counter()
    kb = load_kb(data_dir)
    g = build_graph(kb)
    load_s = time.perf_counter() - t0
    ctx_s, ctx = timed(lambda: build_context(kb, g), repeat)
    checks_s, _ = timed(lambda: run_context(ctx), repeat)
    total_s, fc = timed(lambda: fact_check(kb, g), repeat)
    return {
        "documents": len(kb.documents),
        "claims": sum(1 for _ in kb.claims()),
        "findings": len(fc.findings),
        "load_graph_s": load_s,
        "context_s": ctx_s,
        "checks_s": checks_s,
        "fact_check_s": total_s,
    }


def main() -> int:
    """Print one row for the bundled data and one for the synthetic corpus."""
    from run import synthetic

    rows = {"bundled": measure(ROOT / "data", repeat=5)}
    with tempfile.TemporaryDirectory() as tmp:
        rows[f"synthetic x{COPIES}"] = measure(synthetic(Path(tmp) / "corpus", COPIES), repeat=1)
    print(
        f"{'data':16} {'docs':>5} {'claims':>7} {'findings':>9} {'load s':>8} "
        f"{'context s':>10} {'checks s':>9} {'fact check s':>13}"
    )
    for name, r in rows.items():
        print(
            f"{name:16} {r['documents']:5} {r['claims']:7} {r['findings']:9} "
            f"{r['load_graph_s']:8.3f} {r['context_s']:10.3f} {r['checks_s']:9.3f} "
            f"{r['fact_check_s']:13.3f}"
        )
    ok = rows["bundled"]["fact_check_s"] < GOAL_S
    print(f"{'ok  ' if ok else 'MISS'} bundled fact check < {GOAL_S:g} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
