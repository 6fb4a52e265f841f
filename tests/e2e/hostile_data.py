"""A data directory whose letter, CSV and BibTeX text try to be markup (for the hostile tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import TINY

OUTSIDE = "http://203.0.113.9"  # TEST-NET-3: never a real host; any request to it is a leak
HEADING = "<style>div{display:none}</style> Results <img src=http://hostile/h> :material/home: now"
CLAIM = (
    f"Harms were rare ![pixel]({OUTSIDE}/c.png) <img src={OUTSIDE}/i.png> "
    f"[Sign in again]({OUTSIDE}/login) www.example.invalid/x"
)
TITLE = f"<img src={OUTSIDE}/t.png> ![t]({OUTSIDE}/t2.png) Tiny **letter**"
WORK_TITLE = f"Alpha ![w]({OUTSIDE}/w.png) <style>*{{visibility:hidden}}</style>"
STUDY = f"Alpha <img src={OUTSIDE}/s.png>"


def make_hostile(dest: Path) -> Path:
    """Copy the tiny KB to `dest` and fill its text fields with markup and remote images."""
    shutil.copytree(TINY, dest)
    letter = dest / "letters" / "tiny.txt"
    text = letter.read_text(encoding="utf-8")
    text = text.replace("\nOverview\n", f"\n{HEADING}\n").replace("Harms were rare", CLAIM)
    letter.write_text(text, encoding="utf-8")
    docs = dest / "documents.csv"
    docs.write_text(
        docs.read_text(encoding="utf-8").replace("Tiny example letter", f'"{TITLE}"'),
        encoding="utf-8",
    )
    bib = dest / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "Alpha: a randomized trial", WORK_TITLE.replace("{", "\\{").replace("}", "\\}")
        ),
        encoding="utf-8",
    )
    studies = dest / "studies.csv"
    studies.write_text(
        studies.read_text(encoding="utf-8").replace(",Alpha trial,", f',"{STUDY}",', 1),
        encoding="utf-8",
    )
    return dest
