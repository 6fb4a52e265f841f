"""Word (.docx) -> text: paragraphs, list numbering, superscript runs, page breaks."""

from __future__ import annotations

import io
import re

from kb.sources.common import Extracted, IngestError, PageSpan, _join_sup, check_package


def _int(value: str | None, default: int, low: int = 0, high: int = 10**6) -> int:
    """A numeric attribute as an int; a malformed or absurd one ('x', 'one', '²') -> default."""
    if value is None or not re.fullmatch(r"-?[0-9]{1,7}", value.strip()):
        return default
    return min(max(int(value), low), high)


# Containers whose content is ordinary text (fields, smart tags, content controls, tracked
# insertions): their children are moved up so that the paragraphs and runs inside are read.
_UNWRAP = {"smartTag", "customXml", "ins", "fldSimple", "moveTo", "dir", "bdo", "sdtContent"}
# Properties of those containers, and tracked deletions: not text of the letter.
_DROP = {"del", "moveFrom", "sdtPr", "sdtEndPr", "smartTagPr", "customXmlPr"}


def _flatten(root) -> None:
    """Unwrap text containers, drop tracked deletions and resolve internal entities, in place.

    python-docx reads only runs and paragraphs that are direct children: a paragraph inside a
    content control or a run inside a field or a smart tag would otherwise be dropped, and an
    entity reference (`&co;`, declared in the part's own DTD) would cut its run's text short.
    External entities are never fetched: an unknown one is kept as written.
    """
    from lxml import etree

    entities = {}
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        entities = {e.name: e.content or "" for e in dtd.iterentities() if e.content is not None}
    for node in list(root.iter(etree.Entity)):
        _replace_with_text(node, entities.get(node.name, node.text or f"&{node.name};"))
    changed = True
    while changed:
        changed = False
        for el in list(root.iter(etree.Element)):
            name = etree.QName(el).localname
            parent = el.getparent()
            if parent is None:
                continue
            if name in _DROP:
                parent.remove(el)
                changed = True
            elif name in _UNWRAP or name == "sdt":
                kids = [k for k in el if not isinstance(k.tag, str) or _local(k) not in _DROP]
                if name == "sdt":
                    content = [k for k in el if _local(k) == "sdtContent"]
                    kids = content
                at = parent.index(el)
                parent.remove(el)
                for i, kid in enumerate(kids):
                    parent.insert(at + i, kid)
                changed = True


def _local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _replace_with_text(node, text: str) -> None:
    """Put `text` (and the node's tail) where an entity node stood, and remove the node."""
    parent = node.getparent()
    prev = node.getprevious()
    addition = text + (node.tail or "")
    if prev is not None:
        prev.tail = (prev.tail or "") + addition
    else:
        parent.text = (parent.text or "") + addition
    parent.remove(node)


def _docx_numbering(document) -> dict[str, dict[int, tuple[str, str, int]]]:
    """numId -> level -> (number format, level text, start) from the numbering part."""
    from docx.oxml.ns import qn

    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
    for an in root.findall(qn("w:abstractNum")):
        levels = {}
        for lvl in an.findall(qn("w:lvl")):
            ilvl = _int(lvl.get(qn("w:ilvl")), 0, 0, 8)
            fmt = lvl.find(qn("w:numFmt"))
            txt = lvl.find(qn("w:lvlText"))
            start = lvl.find(qn("w:start"))
            levels[ilvl] = (
                fmt.get(qn("w:val")) if fmt is not None else "decimal",
                txt.get(qn("w:val")) if txt is not None else "%1.",
                _int(start.get(qn("w:val")), 1) if start is not None else 1,
            )
        abstract[an.get(qn("w:abstractNumId"))] = levels
    out = {}
    for num in root.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is not None:
            out[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})
    return out


def _numpr_of(el) -> tuple[str, int] | None | bool:
    """(numId, level) from an element's w:numPr; None when it turns numbering off; False when
    the element has no w:numPr (look further)."""
    from docx.oxml.ns import qn

    ppr = el.find(qn("w:pPr")) if el is not None else None
    num = ppr.find(qn("w:numPr")) if ppr is not None else None
    if num is None:
        return False
    nid = num.find(qn("w:numId"))
    lvl = num.find(qn("w:ilvl"))
    if nid is None or nid.get(qn("w:val")) == "0":
        return None
    return nid.get(qn("w:val")), _int(lvl.get(qn("w:val")), 0, 0, 8) if lvl is not None else 0


class _Styles:
    """What the extraction asks of a style, looked up once per style id.

    python-docx resolves `run.style` and `paragraph.style` by searching the styles part on
    every access; a long letter asks the same few styles thousands of times.
    """

    def __init__(self) -> None:
        self._sup: dict[str | None, bool | None] = {}
        self._num: dict[str | None, tuple[str, int] | None | bool] = {}

    def superscript(self, run) -> bool:
        """True when a run is set superscript directly or through its character style."""
        sup = run.font.superscript
        if sup is None:
            sid = run._r.style
            if sid not in self._sup:
                style = run.style
                self._sup[sid] = style.font.superscript if style is not None else None
            sup = self._sup[sid]
        return bool(sup)

    def num_props(self, paragraph) -> tuple[str, int] | None:
        """(numId, level) of a list paragraph, from the paragraph or its style; None otherwise."""
        own = _numpr_of(paragraph._p)
        if own is not False:
            return own
        sid = paragraph._p.style
        if sid not in self._num:
            self._num[sid] = _numpr_of(getattr(paragraph.style, "element", None))
        got = self._num[sid]
        return None if got is False else got


def _runs(paragraph):
    """The runs of a paragraph in order, hyperlinks' runs included."""
    from docx.text.hyperlink import Hyperlink

    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            yield from item.runs
        else:
            yield item


_BREAK_TAGS = ("lastRenderedPageBreak", "br")


def _run_breaks(run) -> tuple[int, int]:
    """Page breaks of a run: (how many come before its text, how many after it)."""
    before = after = 0
    seen_text = False
    for child in run._r:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t" and (child.text or ""):
            seen_text = True
        elif tag in _BREAK_TAGS:
            if tag == "br" and child.get(f"{{{child.nsmap.get('w', '')}}}type") != "page":
                continue
            if seen_text:
                after += 1
            else:
                before += 1
    return before, after


def _paragraph_text(
    paragraph, counters: dict, numbering: dict, styles: _Styles
) -> tuple[str, int, list[int]]:
    """A paragraph's text with markers and list prefix; its markers; its page-break offsets."""
    out: list[str] = []
    sup: list[str] = []
    markers = 0
    breaks: list[int] = []
    for run in _runs(paragraph):
        before, after = _run_breaks(run)
        text = run.text
        if styles.superscript(run):
            sup.append(text)
            continue
        if sup:
            markers += _join_sup(out, "".join(sup))
            sup = []
        breaks += [len("".join(out))] * before
        out.append(text)
        breaks += [len("".join(out))] * after
    if sup:
        markers += _join_sup(out, "".join(sup))
    text = "".join(out)
    num = styles.num_props(paragraph)
    if num is not None and text.strip():
        nid, lvl = num
        fmt, pattern, start = numbering.get(nid, {}).get(lvl, ("decimal", "%1.", 1))
        key = (nid, lvl)
        counters[key] = counters.get(key, start - 1) + 1
        for other, olvl in list(counters):
            if other == nid and olvl > lvl:
                del counters[(other, olvl)]
        if fmt == "bullet" or fmt == "none":
            prefix = "- "
        else:
            prefix = re.sub(r"%\d", str(counters[key]), pattern) + " "
        stripped = text.lstrip()
        shift = len("  " * lvl + prefix) - (len(text) - len(stripped))
        text = "  " * lvl + prefix + stripped
        breaks = [b + shift if b else 0 for b in breaks]
    return text, markers, breaks


def extract_docx(data: bytes, name: str) -> Extracted:
    """Word text: paragraphs become blocks, superscript runs markers, list numbers text."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_package(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds
        raise IngestError(
            "corrupt",
            f"{name} could not be opened as a Word document; it may be damaged.",
            f"{type(exc).__name__}: {exc}",
        ) from None
    _flatten(document.element.body)
    numbering = _docx_numbering(document)
    counters: dict = {}
    styles = _Styles()
    blocks: list[tuple[str, bool, list[int]]] = []
    markers = 0

    def add(paragraph: Paragraph) -> None:
        nonlocal markers
        text, n, breaks = _paragraph_text(paragraph, counters, numbering, styles)
        markers += n
        blocks.append((text, styles.num_props(paragraph) is not None, breaks))

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            add(item)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    parts = [
                        _paragraph_text(p, counters, numbering, styles) for p in cell.paragraphs
                    ]
                    markers += sum(p[1] for p in parts)
                    cells.append(" ".join(p[0].strip() for p in parts if p[0].strip()))
                blocks.append((" | ".join(c for c in cells if c), True, []))
            blocks.append(("", False, []))
    out: list[str] = []
    page_starts: list[int] = [0]
    pending = 0  # page breaks met in empty paragraphs: the next text starts the new page
    prev_list = False
    length = 0
    for text, is_list, breaks in blocks:
        if not text.strip():
            pending += len(breaks)
            prev_list = False
            continue
        if out:
            sep = "\n" if (is_list and prev_list) else "\n\n"
            out.append(sep)
            length += len(sep)
        page_starts.extend([length] * pending + [length + b for b in breaks])
        pending = 0
        out.append(text)
        length += len(text)
        prev_list = is_list
    text = "".join(out).rstrip("\n")
    if not text.strip():
        raise IngestError("empty", f"{name} is a Word document with no text in it.")
    text += "\n"
    pages: tuple[PageSpan, ...] = ()
    starts = sorted({min(s, len(text)) for s in page_starts})
    if len(starts) > 1:
        pages = tuple(
            PageSpan(i + 1, s, starts[i + 1] if i + 1 < len(starts) else len(text))
            for i, s in enumerate(starts)
        )
    return Extracted(text, "docx", pages, markers, ())
