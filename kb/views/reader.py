"""The letter reader: the document as HTML with each claim marked by its verdict."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from kb.checks.factcheck import FactCheck
from kb.model import Claim
from kb.views.common import QUIET_LABELS, VERDICT_STYLES, short_claim, verdict_style


def _text(piece: str) -> str:
    # A carriage return is a line ending to Markdown: two would end the HTML block early and
    # let the rest of the letter be read as Markdown. Newlines are handled below.
    return html.escape(piece).replace("\r", "")


def reader_html(
    text: str,
    claims: Sequence[Claim],
    checks: FactCheck,
    selected: str | None = None,
    href: Any = None,
) -> str:
    """The document as HTML, each claim a highlighted span with its verdict in words.

    `href(claim_id)` gives the link each claim's label points to (none when href is None).
    Text outside claims is escaped and kept; paragraphs follow the blank lines of the text.
    """
    parts: list[str] = []
    pos = 0
    for c in sorted(claims, key=lambda c: c.start):
        if c.start < pos:
            continue  # overlapping spans: the first one wins
        parts.append(_text(text[pos : c.start]))
        v = checks.verdict(c.id)
        bg, fg, sym = verdict_style(v.label)
        sel = " kb-selected" if c.id == selected else ""
        quiet = v.label in QUIET_LABELS  # letterhead, headings: labelled, not highlighted
        label = html.escape(f"{sym} {v.label} · {short_claim(c.id)}")
        cls = "kb-label kb-quiet" if quiet else "kb-label"
        tag = (
            f'<a class="{cls}" href="{html.escape(href(c.id))}" target="_self" '
            f'style="color:{fg};border-color:{fg}">{label}</a>'
            if href
            else f'<span class="{cls}" style="color:{fg};border-color:{fg}">{label}</span>'
        )
        underline = "none" if quiet else f"2px solid {fg}"
        parts.append(
            f'<span class="kb-claim{sel}" id="{html.escape(c.id)}" data-verdict="'
            f'{html.escape(v.label)}" style="background:{bg};border-bottom:{underline}">'
            f"{_text(text[c.start : c.end])}</span>{tag}"
        )
        pos = c.end
    parts.append(_text(text[pos:]))
    body = "".join(parts).strip("\n")
    paras = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paras)


READER_CSS = """
<style>
.kb-doc { font-size: 1.02rem; line-height: 1.75; max-width: 60rem; }
.kb-doc p { margin: 0 0 0.9rem 0; }
.kb-claim { padding: 1px 2px; border-radius: 3px; }
.kb-claim.kb-selected { outline: 3px solid #e65100; outline-offset: 1px; }
.kb-label { font-size: 0.72rem; font-weight: 600; border: 1px solid; border-radius: 8px;
  padding: 0 5px; margin: 0 3px; white-space: nowrap; text-decoration: none; }
.kb-label.kb-quiet { font-size: 0.62rem; font-weight: 400; border-style: none; }
</style>
"""


def legend_rows(labels: Iterable[str]) -> list[tuple[str, str, str]]:
    """(label, background, symbol) for the verdict labels in use, in a stable order."""
    order = list(VERDICT_STYLES)
    seen = sorted(set(labels), key=lambda x: (order.index(x) if x in order else 99, x))
    return [(lab, verdict_style(lab)[0], verdict_style(lab)[2]) for lab in seen]
