"""Text -> layout: letterhead, salutation, headings, list items, captions, signature, sections."""

from __future__ import annotations

from kb.reading.dates import _date_only
from kb.reading.entries import find_reference_list
from kb.reading.lines import (
    _BULLET_RE,
    _CAPTION_RE,
    _CLOSING_RE,
    _LETTERHEADISH_RE,
    _MD_HEADING_RE,
    _SALUTATION_RE,
    _WEAK_BULLET_RE,
    PREAMBLE_TITLE,
    REFERENCES_TITLE,
    Layout,
    _blocks,
    _ends_terminal,
    _heading_like,
    _heading_title,
    _is_continuation,
    _is_prose,
    _Item,
)


# --- layout -------------------------------------------------------------------------------------
def _split_at_salutation(
    text: str, blocks: list[list[tuple[int, int]]]
) -> list[list[tuple[int, int]]]:
    """A "Dear …," line inside a block stands alone: a letter with no blank line around its
    salutation has the subject line above it and the body below it in the same block."""
    out: list[list[tuple[int, int]]] = []
    for block in blocks:
        cut = next(
            (
                i
                for i, (s, e) in enumerate(block)
                if len(block) > 1 and _SALUTATION_RE.match(text, s, e) and text[e - 1] in ",:"
            ),
            None,
        )
        if cut is None:
            out.append(block)
            continue
        out.extend(b for b in (block[:cut], [block[cut]], block[cut + 1 :]) if b)
    return out


def layout(text: str) -> Layout:
    """Find headings, the preamble, paragraphs, list items, captions, signature and references."""
    refs = find_reference_list(text)
    body_end = refs.start if refs else len(text)
    blocks = _split_at_salutation(text, _blocks(text, 0, body_end))
    after_at = len(blocks)  # blocks after the reference list ("Coding", "Policy History")
    if refs is not None and refs.end < len(text):
        blocks += _blocks(text, refs.end, len(text))
    items: list[_Item] = []
    headings: list[tuple[int, int]] = []
    zone = "preamble"  # letterhead lines until the first paragraph of running text
    open_item: _Item | None = None

    def body_lines(block: list[tuple[int, int]], cur: _Item | None) -> _Item | None:
        for s, e in block:
            b = _BULLET_RE.match(text, s, e)
            if (
                b
                and cur is not None
                and cur.kind == "prose"
                and _WEAK_BULLET_RE.match(text, s, e)
                and not _ends_terminal(text, cur.start, cur.end)
            ):
                b = None  # "...Determination\n(a) for ..." is a wrapped sentence, not a list
            if b:
                cur = _Item("list", b.end(), e)
                items.append(cur)
            elif cur is not None and cur.kind in ("prose", "list"):
                cur.end = e
            else:
                cur = _Item("prose", s, e)
                items.append(cur)
        return cur

    for bi, block in enumerate(blocks):
        s0, e0 = block[0]
        first = text[s0:e0]
        if bi == after_at:
            zone, open_item = "body", None
        if open_item is not None and _is_continuation(text, open_item, s0, e0):
            open_item = body_lines(block, open_item)
            continue
        open_item = None
        if zone == "signature":
            items.extend(_Item("signature", s, e) for s, e in block)
            continue
        if _CLOSING_RE.fullmatch(first):
            zone = "signature"
            items.extend(_Item("signature", s, e) for s, e in block)
            continue
        if _CAPTION_RE.match(first):
            zone = "body"
            items.append(_Item("caption", s0, block[-1][1]))
            continue
        if len(block) == 1 and _date_only(first):
            items.append(_Item("letterhead", s0, e0))  # a dateline is never a heading
            continue
        if len(block) == 1 and _MD_HEADING_RE.match(first):
            headings.append((s0, e0))  # "## Evidence": explicit, even inside the letterhead
            zone = "body"
            continue
        if zone == "preamble":
            if _is_prose(text, block) or _BULLET_RE.match(first):
                zone = "body"
            else:
                nxt = blocks[bi + 1] if bi + 1 < len(blocks) else None
                if (
                    len(block) == 1
                    and _heading_like(first)
                    and not _LETTERHEADISH_RE.search(first)
                    and nxt is not None
                    and _is_prose(text, nxt)
                ):
                    headings.append((s0, e0))
                    zone = "body"
                    continue
                for s, e in block:
                    kind = "salutation" if _SALUTATION_RE.match(text, s, e) else "letterhead"
                    items.append(_Item(kind, s, e))
                continue
        if len(block) == 1 and _SALUTATION_RE.match(first) and first[-1] in ",:":
            items.append(_Item("salutation", s0, e0))
            continue
        if len(block) == 1 and _heading_like(first):
            headings.append((s0, e0))
            continue
        open_item = body_lines(block, None)

    sections: list[tuple[str, int, int]] = []
    first_heading = headings[0][0] if headings else body_end
    if any(it.start < first_heading for it in items):
        sections.append((PREAMBLE_TITLE, 0, first_heading))
    before = [h for h in headings if h[0] < body_end]
    after = [h for h in headings if h[0] >= body_end]
    for i, (s, e) in enumerate(before):
        stop = before[i + 1][0] if i + 1 < len(before) else body_end
        sections.append((_heading_title(text, s, e), s, stop))
    if refs is not None:
        ref_end = after[0][0] if after else len(text)
        sections.append((refs.heading or REFERENCES_TITLE, refs.start, ref_end))
    for i, (s, e) in enumerate(after):
        stop = after[i + 1][0] if i + 1 < len(after) else len(text)
        sections.append((_heading_title(text, s, e), s, stop))
    if not sections:
        sections.append((PREAMBLE_TITLE, 0, len(text)))
    return Layout(
        tuple(sections),
        tuple((it.kind, it.start, it.end) for it in items),
        tuple(headings),
        refs,
    )
