"""Reading speed: claims per second on synthetic letters of 25 to 200 pages (linear growth)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.reading import read_document  # noqa: E402  (after the path set-up)

LETTER = (ROOT / "data" / "letters" / "nysipp-2026-06-26-letter-mild.txt").read_text()
HEAD, REST = LETTER.split("\nLSS Overview\n", 1)
BODY, REFS = REST.split("\nReferences\n", 1)
BODY, SIGNATURE = BODY.split("\nSincerely,", 1)
BODY = "LSS Overview\n" + BODY
PAGE_CHARS = 3000  # about one printed page of a letter


def synthetic(pages: int) -> str:
    """Letterhead, the letter's sections repeated to about `pages` pages, signature, references."""
    copies = max(1, pages * PAGE_CHARS // len(BODY))
    body = "\n\n".join([BODY] * copies)
    return HEAD + "\n" + body + "\nSincerely," + SIGNATURE + "\nReferences\n" + REFS


def main() -> None:
    """Print seconds and claims/second per size, and the growth from smallest to largest."""
    rows = []
    for pages in (25, 50, 100, 200):
        text = synthetic(pages)
        t0 = time.perf_counter()
        reading = read_document("bench", text)
        dt = time.perf_counter() - t0
        numbers = sum(len(c.numbers) for c in reading.claims)
        rows.append((pages, len(text), len(reading.claims), dt))
        print(
            f"{pages:4} pages  {len(text):8} chars  {len(reading.claims):6} claims  "
            f"{numbers:6} numbers  {dt:6.2f} s  {len(reading.claims) / dt:8.0f} claims/s"
        )
    (_, c0, _, t0), (_, c1, _, t1) = rows[0], rows[-1]
    print(f"time ratio {t1 / t0:.1f} for a text ratio {c1 / c0:.1f} (linear: about equal)")


if __name__ == "__main__":
    main()
