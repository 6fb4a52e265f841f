"""Opt-in online fetch of cited works' records: PubMed (E-utilities efetch), Europe PMC full
text (JATS), Crossref metadata. Off by default; used by `kb import --fetch` and
`kb ingest --fetch`.

Every response is cached in the data directory (`cache/fetch/`), so a second fetch of the same
record needs no network and the cache travels with the data. Calls are spaced at least
`min_interval` seconds apart (E-utilities ask for no more than three a second without a key).
The transport is injectable: tests replay recorded responses and never reach the network.
Without a network the fetch raises Offline with a message a person can act on.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.linking.enrich import LookupFailed, http_get, write_cache

EFETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
ESEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
EUROPEPMC = "https://www.ebi.ac.uk/europepmc/webservices/rest"
CROSSREF = "https://api.crossref.org/works"
CACHE_DIR = Path("cache") / "fetch"
MIN_INTERVAL = 0.34

Transport = Callable[[str, float], bytes]


def urllib_transport(url: str, timeout: float) -> bytes:
    """GET a URL (any content type); Offline when unreachable, LookupFailed on an HTTP error."""
    return http_get(url, timeout, "record fetch")


@dataclass
class Fetched:
    """What fetching one identifier gave: record files to import, and notes."""

    ident: str
    files: list[tuple[str, bytes]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def kind_of(ident: str) -> str | None:
    """'pmid', 'pmcid' or 'doi' for an identifier as a person types it; None otherwise."""
    s = ident.strip()
    if re.fullmatch(r"\d{1,9}", s):
        return "pmid"
    if re.fullmatch(r"PMC\d+", s, re.IGNORECASE):
        return "pmcid"
    if re.match(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.\d{4,9}/\S+$", s, re.IGNORECASE):
        return "doi"
    return None


class RecordFetcher:
    """Fetch records by PMID, PMCID or DOI through a cache in the data directory."""

    def __init__(
        self,
        data_dir: Path | str,
        transport: Transport | None = None,
        timeout: float = 15.0,
        min_interval: float = MIN_INTERVAL,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.cache = Path(data_dir) / CACHE_DIR
        self.transport = transport or urllib_transport
        self.timeout, self.min_interval = timeout, min_interval
        self.sleep, self.clock = sleep, clock
        self.calls = 0
        self._last: float | None = None

    def get(self, url: str) -> bytes:
        """The body of a URL, from the cache or (politely spaced) from the network."""
        path = self.cache / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))["body"].encode("utf-8")
            except (ValueError, KeyError):
                pass  # a damaged cache entry is fetched again
        if self._last is not None:
            wait = self.min_interval - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
        self.calls += 1
        try:
            body = self.transport(url, self.timeout)
        finally:
            self._last = self.clock()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise LookupFailed(f"not UTF-8 from {urllib.parse.urlsplit(url).netloc}") from None
        write_cache(path, {"url": url, "body": text})
        return body

    # -- services -------------------------------------------------------------------------
    def pubmed_xml(self, pmid: str) -> bytes:
        """The PubMed XML record (PubmedArticleSet) of a PMID."""
        q = urllib.parse.urlencode(
            {"db": "pubmed", "id": pmid, "retmode": "xml", "tool": "evidence-kb"}
        )
        return self.get(f"{EFETCH}?{q}")

    def pmids_for_doi(self, doi: str) -> list[str]:
        """PMIDs whose record carries this DOI."""
        q = urllib.parse.urlencode(
            {"db": "pubmed", "term": f"{doi}[doi]", "retmode": "json", "tool": "evidence-kb"}
        )
        try:
            data = json.loads(self.get(f"{ESEARCH}?{q}"))
        except ValueError:
            raise LookupFailed("not JSON from the PubMed search") from None
        return [str(i) for i in (data.get("esearchresult") or {}).get("idlist") or []]

    def pmc_jats(self, pmcid: str) -> bytes:
        """The open full text (JATS XML) of a PMC article, from Europe PMC."""
        return self.get(f"{EUROPEPMC}/{pmcid.upper()}/fullTextXML")

    def crossref_csl(self, doi: str) -> bytes:
        """Crossref's metadata of a DOI as CSL-JSON (its abstract, when deposited, kept)."""
        try:
            data = json.loads(self.get(f"{CROSSREF}/{urllib.parse.quote(doi)}"))
        except ValueError:
            raise LookupFailed("not JSON from Crossref") from None
        m = data.get("message") or {}
        item = {
            "id": m.get("DOI") or doi,
            "type": "article-journal",
            "title": (m.get("title") or [""])[0],
            "container-title": (m.get("container-title") or [""])[0],
            "container-title-short": (m.get("short-container-title") or [""])[0],
            "volume": m.get("volume"),
            "issue": m.get("issue"),
            "page": m.get("page"),
            "issued": m.get("issued") or {},
            "DOI": m.get("DOI") or doi,
            "author": [
                {"family": a.get("family"), "given": a.get("given")}
                if a.get("family")
                else {"literal": a.get("name", "")}
                for a in m.get("author") or []
            ],
            "abstract": re.sub(r"<[^>]+>", " ", m.get("abstract") or "").strip(),
        }
        return json.dumps([item], ensure_ascii=False).encode("utf-8")

    # -- one identifier -------------------------------------------------------------------
    def fetch(self, ident: str) -> Fetched:
        """Record files for a PMID, PMCID or DOI: PubMed XML, and the PMC full text when the
        record names an open one; Crossref metadata for a DOI PubMed does not know.
        LookupFailed for one identifier is a note; Offline stops the whole run."""
        from kb.sources.records import RecordError, read_records

        out = Fetched(ident)
        kind = kind_of(ident)
        s = ident.strip()
        if kind is None:
            out.notes.append(f"{ident!r} is not a PMID, PMCID or DOI")
            return out
        try:
            if kind == "pmcid":
                out.files.append((f"{s.upper()}.jats.xml", self.pmc_jats(s)))
                return out
            pmids = [s] if kind == "pmid" else self.pmids_for_doi(_bare_doi(s))
            if kind == "doi" and len(pmids) != 1:
                why = "no PubMed record has it" if not pmids else f"{len(pmids)} PubMed records"
                out.notes.append(f"DOI {s}: {why}; using Crossref's metadata")
                out.files.append((f"crossref-{_safe(s)}.json", self.crossref_csl(_bare_doi(s))))
                return out
            data = self.pubmed_xml(pmids[0])
            out.files.append((f"pubmed-{pmids[0]}.xml", data))
            try:
                recs, _ = read_records(data, f"pubmed-{pmids[0]}.xml")
            except RecordError as exc:
                out.notes.append(f"PMID {pmids[0]}: {exc.message}")
                return out
            pmcid = recs[0].pmcid if recs else None
            if pmcid:
                try:
                    out.files.append((f"{pmcid}.jats.xml", self.pmc_jats(pmcid)))
                except LookupFailed as exc:
                    out.notes.append(f"{pmcid}: no open full text ({exc})")
        except LookupFailed as exc:
            out.notes.append(f"{ident}: look-up failed ({exc})")
        return out


def _bare_doi(doi: str) -> str:
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.IGNORECASE)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", _bare_doi(text))[:80]


OFFLINE_HELP = (
    "online fetch is unavailable: {reason}. Nothing was imported; save the records from PubMed "
    "or PMC (XML or MEDLINE) and run `kb import FILE...` instead."
)
