"""Tables and small structures the app shows, built from the KB, the graph and the fact-check.

One module per page, no Streamlit here: every function takes records and returns plain rows,
strings or dicts, so the pages only render and everything is unit-tested. The fact check is
the engine's own `kb.checks.factcheck.FactCheck`.
"""

from __future__ import annotations

from kb.views.cite import (
    from_letter_remark,
    from_letter_words,
)
from kb.views.claims import (
    claim_refs,
    claim_rows,
    claim_sources,
    filter_claims,
    section_titles,
)
from kb.views.common import (
    NODE_COLOURS,
    NODE_KIND_LABELS,
    NOT_CHECKED,
    OTHER_STYLE,
    QUIET_LABELS,
    SEVERITY_ORDER,
    UNKNOWN,
    analyst_label,
    clip,
    evidence_text,
    fmt,
    match_label,
    outcome_comparator,
    outcome_rows,
    outcome_value,
    printed,
    provenance,
    short_claim,
    source_says,
    verdict_badge,
    verdict_badge_colour,
    verdict_style,
    work_ids,
)
from kb.views.entry import (
    entry_view,
    find_entry,
)
from kb.views.evidence import (
    filter_studies,
    filter_works,
    study_facts,
    study_rows,
    work_links,
    work_rows,
)
from kb.views.findings import (
    finding_counts,
    finding_rows,
)
from kb.views.graph import (
    chain_dot,
    evidence_graph,
    graph_elements,
    node_caption,
)
from kb.views.reader import (
    READER_CSS,
    legend_rows,
    reader_html,
)
from kb.views.trace import (
    number_details,
    number_rows,
    source_details,
    source_number,
)

__all__ = [
    "NODE_COLOURS",
    "NODE_KIND_LABELS",
    "NOT_CHECKED",
    "OTHER_STYLE",
    "QUIET_LABELS",
    "READER_CSS",
    "SEVERITY_ORDER",
    "UNKNOWN",
    "analyst_label",
    "chain_dot",
    "claim_refs",
    "claim_rows",
    "claim_sources",
    "clip",
    "evidence_graph",
    "entry_view",
    "evidence_text",
    "filter_claims",
    "filter_studies",
    "filter_works",
    "find_entry",
    "finding_counts",
    "finding_rows",
    "fmt",
    "from_letter_remark",
    "from_letter_words",
    "graph_elements",
    "legend_rows",
    "match_label",
    "node_caption",
    "number_details",
    "number_rows",
    "outcome_comparator",
    "outcome_rows",
    "outcome_value",
    "printed",
    "provenance",
    "reader_html",
    "section_titles",
    "short_claim",
    "source_details",
    "source_number",
    "source_says",
    "study_facts",
    "study_rows",
    "verdict_badge",
    "verdict_badge_colour",
    "verdict_style",
    "work_ids",
    "work_links",
    "work_rows",
]
