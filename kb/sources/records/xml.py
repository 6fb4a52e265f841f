"""PubMed XML (PubmedArticleSet) and PMC/JATS full-text XML, read with lxml.

The parser never loads a DTD or an external entity and never touches the network (a PubMed
file names its DTD by URL; biopython's Entrez parser tries to download DTD versions it does not
bundle). Inline markup (<i>, <sup>) is flattened to its text; citation cross-references
(<xref ref-type="bibr">) are dropped so their digits are never read as numbers.
"""

from __future__ import annotations

import html
import re

from lxml import etree

from kb.sources.records.common import (
    ParsedRecord,
    RecordError,
    TextBuilder,
    clean,
    expand_pages,
    norm_doi,
    norm_pmcid,
    norm_pmid,
    year_of,
)

_PARSER_OPTS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "remove_comments": True,
    "recover": False,
}


def parse_xml(data: bytes, file: str) -> etree._Element:
    """The root element, or RecordError naming the line of the first XML error."""
    parser = etree.XMLParser(**_PARSER_OPTS)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise RecordError(file, f"malformed XML ({exc.msg})", line) from None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def text_of(el: etree._Element | None, skip: frozenset[str] = frozenset()) -> str:
    """Text of an element with inline markup flattened; children named in `skip` dropped."""
    if el is None:
        return ""
    out: list[str] = []
    dropped: list[str] = []

    def walk(e: etree._Element) -> None:
        name = _local(e.tag)
        if name in skip or (name == "xref" and e.get("ref-type") == "bibr"):
            dropped.append(name)
            if e.tail:
                out.append(e.tail)
            return
        if e.text:
            out.append(e.text)
        for child in e:
            walk(child)
        if e.tail and e is not el:
            out.append(e.tail)

    walk(el)
    # entities a DTD would define (&plusmn;) stay literal without it: decode them here
    text = clean(html.unescape("".join(out)))
    return re.sub(r"\s+([.,;:)\]])", r"\1", text) if dropped else text


# --- PubMed ------------------------------------------------------------------------------------


def _pubmed_article(art: etree._Element, file: str, index: int) -> ParsedRecord:
    mc = art.find("MedlineCitation")
    a = mc.find("Article") if mc is not None else None
    rec = ParsedRecord("pubmed-xml", file, index, line=art.sourceline)
    if a is None:
        return rec
    rec.pmid = norm_pmid(mc.findtext("PMID"))
    rec.title = text_of(a.find("ArticleTitle")).rstrip(".")
    j = a.find("Journal")
    if j is not None:
        rec.journal = clean(j.findtext("ISOAbbreviation") or j.findtext("Title")) or None
        ji = j.find("JournalIssue")
        if ji is not None:
            rec.volume = clean(ji.findtext("Volume")) or None
            rec.issue = clean(ji.findtext("Issue")) or None
            pd = ji.find("PubDate")
            if pd is not None:
                rec.year = year_of(pd.findtext("Year") or pd.findtext("MedlineDate"))
                rec.month = clean(pd.findtext("Month")) or None
    rec.pages = expand_pages(clean(a.findtext("Pagination/MedlinePgn")) or None)
    for loc in a.findall("ELocationID"):
        if loc.get("EIdType") == "doi":
            rec.doi = rec.doi or norm_doi(loc.text)
    for aid in art.findall("PubmedData/ArticleIdList/ArticleId"):
        kind = aid.get("IdType")
        if kind == "doi":
            rec.doi = rec.doi or norm_doi(aid.text)
        elif kind == "pmc":
            rec.pmcid = rec.pmcid or norm_pmcid(aid.text)
        elif kind == "pubmed":
            rec.pmid = rec.pmid or norm_pmid(aid.text)
    authors = []
    for au in a.findall("AuthorList/Author"):
        if au.findtext("CollectiveName"):
            authors.append(clean(au.findtext("CollectiveName")))
        elif au.findtext("LastName"):
            initials = clean(au.findtext("Initials"))
            authors.append(f"{clean(au.findtext('LastName'))} {initials}".strip())
    rec.authors = tuple(authors)
    rec.types = tuple(clean(t.text) for t in a.findall("PublicationTypeList/PublicationType"))
    b = TextBuilder()
    b.add("title", "TITLE", rec.title)
    for at in a.findall("Abstract/AbstractText"):
        label = (at.get("Label") or at.get("NlmCategory") or "ABSTRACT").upper()
        b.add("abstract", label, text_of(at))
    return rec.finish(b)


def read_pubmed(root: etree._Element, file: str) -> list[ParsedRecord]:
    """Every PubmedArticle of a PubmedArticleSet (book articles are skipped by the caller)."""
    return [
        _pubmed_article(art, file, i)
        for i, art in enumerate(root.iterfind("PubmedArticle"), start=1)
    ]


# --- JATS --------------------------------------------------------------------------------------


def _jats_table(b: TextBuilder, tw: etree._Element) -> None:
    label = text_of(tw.find("label")) or "Table"
    caption = text_of(tw.find("caption/title")) or text_of(tw.find("caption"))
    name = f"{label}: {caption}" if caption else label
    table = tw.find(".//table")
    if table is None:
        return
    headers: list[str] = []
    head_rows = table.findall("thead/tr")
    if head_rows:
        headers = [text_of(c) for c in head_rows[-1] if _local(c.tag) in ("th", "td")]
    body_rows = table.findall("tbody/tr") or [r for r in table.findall("tr") if r not in head_rows]
    for tr in body_rows:
        cells = [text_of(c) for c in tr if _local(c.tag) in ("th", "td")]
        b.add_row(name, headers, cells)


def _jats_sec(b: TextBuilder, sec: etree._Element, path: tuple[str, ...], kind: str) -> None:
    title = text_of(sec.find("title")) or sec.get("sec-type") or "Section"
    here = path + (title,)
    label = " / ".join(here)
    for child in sec:
        name = _local(child.tag)
        if name == "p":
            b.add(kind, label, text_of(child, frozenset({"table-wrap", "fig"})))
            for tw in child.iter("table-wrap"):
                _jats_table(b, tw)
        elif name == "sec":
            _jats_sec(b, child, here, kind)
        elif name == "table-wrap":
            _jats_table(b, child)


def read_jats(root: etree._Element, file: str) -> list[ParsedRecord]:
    """One record from a JATS <article>: title, labelled abstract, body sections, tables."""
    meta = root.find("front/article-meta")
    rec = ParsedRecord("jats", file, 1, line=root.sourceline)
    if meta is None:
        return [rec]
    for aid in meta.findall("article-id"):
        kind = aid.get("pub-id-type")
        if kind == "pmid":
            rec.pmid = norm_pmid(aid.text)
        elif kind in ("pmc", "pmcid"):
            rec.pmcid = norm_pmcid(aid.text)
        elif kind == "doi":
            rec.doi = norm_doi(aid.text)
    rec.title = text_of(meta.find("title-group/article-title")).rstrip(".")
    authors = []
    for c in meta.findall("contrib-group/contrib"):
        if c.get("contrib-type", "author") != "author":
            continue
        if c.find("collab") is not None:
            authors.append(text_of(c.find("collab")))
        elif c.find("name") is not None:
            given = text_of(c.find("name/given-names"))
            initials = "".join(w[0] for w in given.replace(".", " ").split() if w)
            authors.append(f"{text_of(c.find('name/surname'))} {initials}".strip())
    rec.authors = tuple(authors)
    jm = root.find("front/journal-meta")
    if jm is not None:
        abbrev = [
            j.text for j in jm.findall("journal-id") if j.get("journal-id-type") == "iso-abbrev"
        ]
        rec.journal = clean(
            abbrev[0] if abbrev else jm.findtext("journal-title-group/journal-title")
        )
        rec.publisher = clean(jm.findtext("publisher/publisher-name")) or None
    dates = {d.get("pub-type") or d.get("date-type"): d for d in meta.findall("pub-date")}
    date = next((dates[k] for k in ("ppub", "collection", "epub", "pub") if k in dates), None)
    if date is not None:
        rec.year = year_of(date.findtext("year"))
        rec.month = clean(date.findtext("month")) or None
    rec.volume = clean(meta.findtext("volume")) or None
    rec.issue = clean(meta.findtext("issue")) or None
    fpage, lpage = clean(meta.findtext("fpage")), clean(meta.findtext("lpage"))
    rec.pages = f"{fpage}-{lpage}" if fpage and lpage else (fpage or None)
    b = TextBuilder()
    b.add("title", "TITLE", rec.title)
    abstract = meta.find("abstract")
    if abstract is not None:
        secs = abstract.findall("sec")
        if secs:
            for sec in secs:
                label = (text_of(sec.find("title")) or "ABSTRACT").upper()
                body = " ".join(text_of(p) for p in sec.findall("p"))
                b.add("abstract", label, body)
        else:
            b.add("abstract", "ABSTRACT", " ".join(text_of(p) for p in abstract.findall("p")))
    body = root.find("body")
    if body is not None:
        for child in body:
            name = _local(child.tag)
            if name == "sec":
                _jats_sec(b, child, (), "body")
            elif name == "p":
                b.add("body", "Body", text_of(child, frozenset({"table-wrap", "fig"})))
            elif name == "table-wrap":
                _jats_table(b, child)
    for tw in root.findall("floats-group/table-wrap"):
        _jats_table(b, tw)
    return [rec.finish(b)]
