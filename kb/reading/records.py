"""Numbers in a record's text (title, abstract sections, body, table rows), with provenance.

Every number the project's finder types is kept with its sentence, the section (part label) it
stands in and its offsets; where the text says so, the arm ("with PFCA", "in the sham group",
a table column), the timepoint ("At 6 months", "at 2 years", a table cell) and the outcome (a
table row's first cell, or the measure named just before the number). These are machine
numbers: shown as "extracted from the record, not reviewed" until an analyst promotes one.

>>> from kb.model import RecordPart
>>> t = "At 6 months, responders were 52 of 92 (56.5%) with PFCA."
>>> [(n.kind, n.text, n.timepoint, n.arm) for n in extract_numbers(t, (RecordPart("abstract",
...     "RESULTS", 0, len(t)),), "w", "w:r1")]
[('duration', '6 months', None, None), ('count_percent', '52 of 92 (56.5%)', '6 months', 'PFCA')]

(The timepoint is kept as a number of its own too, typed as a duration: never a result.)
"""

from __future__ import annotations

import re

from kb.model import NumberMention, RecordNumber, RecordPart
from kb.reading.numbers import find_numbers
from kb.reading.sentences import split_sentences

# Numbers that are never results (calendar dates, labels such as "Table 2", codes).
SKIP_KINDS = frozenset({"label", "code", "date", "year"})
_TIME_WORDS = r"\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen"
_TIMEPOINT = re.compile(
    rf"\b(?:at|after|by|through|over|within)\s+(?:the\s+)?(?P<n>{_TIME_WORDS})[-\s]"
    r"(?P<u>years?|months?|weeks?|days?)\b(?:\s+(?:visit|follow-up))?",
    re.IGNORECASE,
)
_CELL_TIME = re.compile(
    rf"^(?:{_TIME_WORDS})[-\s](?:years?|months?|weeks?|days?)$|^baseline$", re.IGNORECASE
)
_ARM_AFTER = re.compile(
    r"^[^.;:\d]{0,12}?\b(?:with|in\s+the|in|for|on|to|of|after|receiving)\s+"
    r"(?P<arm>(?:the\s+)?(?:[A-Z][\w-]*(?:\s+plus\s+[\w-]+(?:\s+care)?)?|sham|placebo|control|"
    r"usual\s+care|conservative[\s-]care|surgery|medical\s+management))"
    r"(?:\s+(?:group|arm|patients|cohort))?",
)
_ARM_BEFORE = re.compile(
    r"(?:in\s+the\s+)?(?P<arm>[A-Z][\w-]*|sham|placebo|control|conservative[\s-]care)\s+"
    r"(?:group|arm|patients)\s*(?:,\s*)?$",
)
_OUTCOMES = re.compile(
    r"\b(?:NRS(?:\s+pain)?|VAS|ODI|Oswestry\s+Disability\s+Index|pain|disability|responders?|"
    r"response|adverse\s+events?|complications?|satisf\w*|surgery|repeat\s+\w+|QALYs?|"
    r"cost(?:-effectiveness)?|ICER|opioid\s+\w+|mortality|deaths?|age|women|men|follow-up|"
    r"randomi[sz]ed|screened|enrolled|crossed\s+over|completed)\b",
    re.IGNORECASE,
)
# The same two patterns for a lowercased ASCII sentence: written in lowercase, they find there
# exactly what the case-blind ones find in the sentence (same places), about twice as fast.
_TIMEPOINT_LOW = re.compile(_TIMEPOINT.pattern)
_OUTCOMES_LOW = re.compile(_OUTCOMES.pattern.lower())
_NOT_ARMS = frozenset({"At", "The", "In", "Of", "A", "An", "By", "Mean", "Median", "Table", "NRS"})


def _timepoint(sentence: str, rel: int, found: list | None = None) -> str | None:
    """The last timepoint phrase before a number in its sentence ("At 6 months")."""
    best = None
    for m in found if found is not None else _TIMEPOINT.finditer(sentence):
        if m.end() > rel:
            break
        best = m
    if best is None:
        return None
    # the number as written (the match may come from the lowercased sentence)
    return f"{sentence[best.start('n') : best.end('n')]} {best.group('u').lower()}"


def _arm(sentence: str, rel_end: int, rel_start: int) -> str | None:
    """The arm named right after a number ("with PFCA") or right before it ("sham group")."""
    m = _ARM_AFTER.match(sentence[rel_end : rel_end + 60])
    if m:
        arm = re.sub(r"^the\s+", "", m.group("arm"))
        if arm.split()[0] not in _NOT_ARMS:
            return arm
    before = sentence[max(0, rel_start - 40) : rel_start]
    if "group" not in before and "arm" not in before and "patients" not in before:
        return None  # _ARM_BEFORE needs one of its nouns: skip the (slower) search
    m = _ARM_BEFORE.search(before)
    if m and m.group("arm") not in _NOT_ARMS:
        return m.group("arm")
    return None


def claim_arm(sentence: str, rel_start: int, rel_end: int) -> str | None:
    """The arm a sentence names for the number at [rel_start, rel_end), as for records."""
    return _arm(sentence, rel_end, rel_start)


def _outcome(sentence: str, rel: int, found: list | None = None) -> str | None:
    """The last outcome word before a number in its clause."""
    clause_start = max(sentence.rfind(";", 0, rel), sentence.rfind(". ", 0, rel)) + 1
    best = None
    for m in found if found is not None else _OUTCOMES.finditer(sentence):
        if m.end() > rel:
            break
        if m.start() >= clause_start:
            best = m
    return best.group().lower() if best else None


_SIGNED = r"[-−–]?\d+(?:\.\d+)?"
_CELL_CI = re.compile(
    rf"^(?P<v>{_SIGNED})\s*\(\s*(?P<lo>{_SIGNED})\s*(?:to|,|–|—|-)\s*(?P<hi>{_SIGNED})\s*\)$"
)


_CELL_NPCT = re.compile(r"^(?P<n>\d+)\s*\(\s*(?P<p>\d+(?:\.\d+)?)\s*%?\s*\)$")


def _signed(s: str) -> float:
    return -float(s[1:]) if s[:1] in "-−–" else float(s)


def _cell_estimate(m: re.Match, offset: int, head: str) -> NumberMention:
    """A table cell "−2.3 (−2.9 to −1.7)" under a "(95% CI)" header: an estimate with its CI."""
    ratio = re.search(r"odds|hazard|risk|rate|ratio", head, re.IGNORECASE)
    kind = (
        "ratio"
        if ratio
        else "difference"
        if re.search(r"differ", head, re.IGNORECASE)
        else "estimate"
    )
    extra = (
        ("measure", kind),
        ("value_text", m.group("v")),
        ("ci_level", 95.0),
        ("ci_low", _signed(m.group("lo"))),
        ("ci_high", _signed(m.group("hi"))),
        ("ci_text", (m.group("lo"), m.group("hi"))),
    )
    return NumberMention(m.group(), _signed(m.group("v")), kind, offset, offset + m.end(), None,
                         extra)  # fmt: skip


def _cell_of(part: RecordPart, offset: int) -> tuple[str, str] | None:
    for head, cell, s, e in dict(part.meta).get("cells", ()):
        if s <= offset < e:
            return head, cell
    return None


def _column_arm(head: str) -> str | None:
    """A table column header as an arm: "PFCA (n = 92)" -> "PFCA"; not for outcome columns."""
    name = re.sub(r"\s*\(.*\)\s*$", "", head).strip()
    if not name or re.search(r"difference|p\s*value|outcome|visit|ratio|ci\b", name, re.IGNORECASE):
        return None
    return name


def extract_numbers(
    text: str, parts: tuple[RecordPart, ...], work: str, record: str
) -> list[RecordNumber]:
    """Every reported number of a record's text, typed and placed (see the module docstring)."""
    out: list[RecordNumber] = []
    for part in parts:
        if part.kind == "table":
            cells = dict(part.meta).get("cells", ())
            first = cells[0][1] if cells else None
            times = [c for _, c, _, _ in cells if _CELL_TIME.match(c)]
            spans = (
                [(s, e) for _, _, s, e in cells[1:]] if len(cells) > 1 else [(part.start, part.end)]
            )
            for s, e in spans:
                cell = _cell_of(part, s)
                ci = _CELL_CI.match(text[s:e])
                if cell and ci and re.search(r"\bCI\b|confidence", cell[0]):
                    n = _cell_estimate(ci, s, cell[0])
                    out.append(
                        _number(out, work, record, n, part, part.start, part.end, None,
                                times[0] if times else None, first)
                    )  # fmt: skip
                    continue
                np = _CELL_NPCT.match(text[s:e])
                if np and "%" in f"{first or ''} {cell[0] if cell else ''}":
                    n = NumberMention(
                        np.group(),
                        float(np.group("n")),
                        "count_percent",
                        s,
                        s + np.end(),
                        None,
                        (("percent", float(np.group("p"))),),
                    )
                    out.append(
                        _number(out, work, record, n, part, part.start, part.end,
                                _column_arm(cell[0] if cell else ""),
                                times[0] if times else None, first)
                    )  # fmt: skip
                    continue
                for n in find_numbers(text[s:e], offset=s):
                    if n.kind in SKIP_KINDS:
                        continue
                    cell = _cell_of(part, n.start)
                    head = cell[0] if cell else ""
                    if cell and _CELL_TIME.match(cell[1]):
                        continue  # the visit column: a timepoint, not a result
                    out.append(
                        _number(out, work, record, n, part, part.start, part.end,
                                _column_arm(head), times[0] if times else None, first)
                    )  # fmt: skip
            continue
        for s, e in split_sentences(text, part.start, part.end):
            sentence = text[s:e]
            numbers = [n for n in find_numbers(sentence, offset=s) if n.kind not in SKIP_KINDS]
            if not numbers:
                continue
            if sentence.isascii():
                low = sentence.lower()
                times = list(_TIMEPOINT_LOW.finditer(low))
                outcomes = list(_OUTCOMES_LOW.finditer(low))
            else:
                times = list(_TIMEPOINT.finditer(sentence))
                outcomes = list(_OUTCOMES.finditer(sentence))
            for n in numbers:
                rel, rel_end = n.start - s, n.end - s
                out.append(
                    _number(out, work, record, n, part, s, e, _arm(sentence, rel_end, rel),
                            _timepoint(sentence, rel, times), _outcome(sentence, rel, outcomes))
                )  # fmt: skip
    return out


def _number(out, work, record, n, part, s, e, arm, timepoint, outcome) -> RecordNumber:
    return RecordNumber(
        id=f"{record}:n{len(out) + 1}",
        work=work,
        record=record,
        text=n.text.strip(),
        value=n.value,
        kind=n.kind,
        start=n.start,
        end=n.start + len(n.text.strip()),
        unit=n.unit,
        extra=n.extra,
        sentence_start=s,
        sentence_end=e,
        section=part.label,
        arm=arm,
        timepoint=timepoint,
        outcome=outcome,
    )
