"""Hostile input: numbers in one sentence (linear growth), a 2 MB sentence, unpacking bombs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.reading import read_document  # noqa: E402  (after the path set-up)
from kb.reading.numbers import find_numbers  # noqa: E402


def sentence(n: int) -> str:
    """One sentence stating n numbers of mixed kinds."""
    forms = ("{i} patients", "{i}.5%", "from {i} to {j}", "{i}-{j}", "{i}, {j}, and 9 months")
    parts = [forms[k % len(forms)].format(i=k % 97 + 1, j=k % 89 + 2) for k in range(n)]
    return "We saw " + ", ".join(parts) + "."


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def main() -> None:
    """Seconds to find the numbers of sentences of 1,000 to 8,000 numbers, and bigger inputs."""
    rows = []
    for n in (1000, 2000, 4000, 8000):
        dt = timed(find_numbers, sentence(n))
        rows.append((n, dt))
        print(f"find_numbers  {n:5} numbers in one sentence  {dt:6.2f} s")
    print(f"time ratio {rows[-1][1] / rows[0][1]:.1f} for 8x the numbers (linear: about 8)")
    for name, text in (
        ("2 MB of digits", "1" * 2_000_000),
        ("2 MB of '1-'", "1-" * 1_000_000),
    ):
        print(f"find_numbers  {name:26} {timed(find_numbers, text):6.2f} s")
    two_mb = "Dear Sir,\n\nWe saw " + " 1" * 1_000_000 + ".\n"
    print(f"read_document a 2 MB sentence (refused)   {timed(read_document, 'b', two_mb):6.2f} s")


if __name__ == "__main__":
    main()
