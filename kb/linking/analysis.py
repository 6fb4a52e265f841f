"""Read every document of a loaded KB and tie its reference entries to works."""

from __future__ import annotations

from kb.model import KnowledgeBase, Problem, Resolution
from kb.text import LineIndex


def analyse(kb: KnowledgeBase) -> KnowledgeBase:
    """Fill kb.readings and kb.resolutions; add what they find to kb.problems."""
    from kb.linking.anchors import reanchor
    from kb.linking.resolve import marker_problems, resolve_entries
    from kb.reading import read_document

    mapped: dict[str, list[int]] = {}  # document -> its mapped reference numbers, in order
    for map_doc, number in sorted(kb.reference_map):
        mapped.setdefault(map_doc, []).append(number)
    for doc in kb.documents.values():
        reading = read_document(doc.id, doc.text, file=doc.file)
        lines = LineIndex(doc.text)
        kb.readings[doc.id] = reading
        kb.problems.extend(reading.problems)
        automatic = {r.entry: r for r in resolve_entries(reading.entries, kb.works)}
        numbers = set()
        for entry in reading.entries:
            numbers.add(entry.number)
            curated = kb.reference_map.get((doc.id, entry.number))
            auto = automatic.get(entry.id)
            if curated is not None:
                kb.resolutions[entry.id] = Resolution(entry.id, curated, "curated", 100.0)
                if auto is not None and auto.work not in (None, curated):
                    kb.problems.append(
                        Problem(
                            doc.file,
                            lines.line(entry.start or 0),
                            f"ref {entry.number}",
                            f"curated map says {curated!r} but the entry text matches "
                            f"{auto.work!r} ({auto.method}, score {auto.score})",
                            "warning",
                        )
                    )
            elif auto is not None:
                kb.resolutions[entry.id] = auto
                if auto.work is None:
                    kb.problems.append(
                        Problem(
                            doc.file,
                            lines.line(entry.start or 0),
                            f"ref {entry.number}",
                            "reference entry matches no work in the knowledge base",
                            "warning",
                        )
                    )
        for number in mapped.get(doc.id, ()):
            if number not in numbers:
                kb.problems.append(
                    Problem(
                        "reference_map.csv",
                        None,
                        "ref",
                        f"{doc.id} has no reference entry {number} for the mapping to attach to",
                        "warning",
                    )
                )
        kb.problems.extend(marker_problems(reading, doc.file))
    for a in kb.assessments.values():
        doc = kb.documents.get(a.document)
        if doc is None or not a.quote:  # a decision on a document-wide finding quotes nothing
            continue
        if reanchor(doc.text, a.quote, a.prefix, a.suffix, a.start, a.end) is None:
            kb.problems.append(
                Problem(
                    a.source.file,
                    a.source.line,
                    "quote",
                    f"assessment {a.id!r} is orphaned: its quote is no longer in {a.document}",
                    "warning",
                )
            )
    return kb
