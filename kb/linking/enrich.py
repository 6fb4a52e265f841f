"""Optional online look-up of DOIs and PMIDs for reference entries (Crossref, PubMed E-utilities).

Off by default. Every response is cached on disk as JSON (`.cache/enrich/`, git-ignored), so a
second look-up of the same entry needs no network. The transport is injectable: tests pass
recorded responses and never reach the network. Without a network the look-up says so and
stops; nothing else depends on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from kb.model import ReferenceEntry
from kb.schema import DEFAULT_DATA_DIR
from kb.text import surname, words

CROSSREF_WORKS = "https://api.crossref.org/works"
EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DEFAULT_CACHE = DEFAULT_DATA_DIR.parent / ".cache" / "enrich"
TITLE_MIN = 90.0
MAX_RESPONSE = 5 * 1024 * 1024

Transport = Callable[[str, float], bytes]


def write_cache(path: Path, payload: dict) -> None:
    """Keep a response in the on-disk cache (atomically); a cache that cannot be written only
    costs a repeat look-up, so a failure is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        pass


class Offline(Exception):
    """The network cannot be reached: no look-up is possible in this run."""


class LookupFailed(Exception):
    """A service answered with an error or with something that is not the expected JSON."""


def http_get(url: str, timeout: float, purpose: str, accept: str | None = None) -> bytes:
    """GET a URL with the standard library, naming the purpose in the User-Agent; raise
    LookupFailed on an HTTP error and Offline when the network is unreachable."""
    contact = os.environ.get("KB_CONTACT_EMAIL", "")
    agent = f"evidence-kb/0.1 ({purpose}" + (f"; mailto:{contact}" if contact else "") + ")"
    headers = {"User-Agent": agent, **({"Accept": accept} if accept else {})}
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read(MAX_RESPONSE)
    except urllib.error.HTTPError as exc:
        raise LookupFailed(f"HTTP {exc.code} from {urllib.parse.urlsplit(url).netloc}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Offline(f"the network is not reachable ({reason})") from None


def urllib_transport(url: str, timeout: float) -> bytes:
    """GET a JSON look-up; raise Offline when the network is unreachable."""
    return http_get(url, timeout, "reference look-up", "application/json")


@dataclass(frozen=True)
class Enrichment:
    """What the look-up found for one reference entry."""

    entry: str
    status: str
    doi: str | None = None
    pmid: str | None = None
    source: str = ""
    title: str | None = None
    score: float | None = None
    message: str = ""


def title_score(a: str | None, b: str | None) -> float:
    """Similarity of two titles, 0-100, ignoring case, accents and punctuation."""
    a, b = words(a), words(b)
    if not a or not b:
        return 0.0
    return float(fuzz.token_sort_ratio(a, b))


def first_family(authors: Iterable[str]) -> str:
    """The family name of the first author ('Staats PS' -> 'staats', 'Doe, Jane' -> 'doe')."""
    for name in authors:
        family = surname(name)
        if family:
            return words(family).replace(" ", "")
    return ""


class EnrichClient:
    """A small client for Crossref and PubMed look-ups with an on-disk JSON cache."""

    def __init__(
        self,
        transport: Transport | None = None,
        cache_dir: Path | str | None = None,
        timeout: float = 8.0,
    ):
        self.transport = transport or urllib_transport
        env = os.environ.get("KB_ENRICH_CACHE")
        self.cache_dir = Path(cache_dir or env or DEFAULT_CACHE)
        self.timeout = timeout
        self.calls = 0

    # -- plumbing ---------------------------------------------------------------------
    def _cache_path(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")

    def get_json(self, url: str) -> dict:
        """GET JSON through the cache; raise Offline or LookupFailed."""
        path = self._cache_path(url)
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))["response"]
            except (ValueError, KeyError):
                pass  # a damaged cache file is fetched again
        self.calls += 1
        raw = self.transport(url, self.timeout)
        try:
            data = json.loads(raw)
        except ValueError:
            raise LookupFailed(f"not JSON from {urllib.parse.urlsplit(url).netloc}") from None
        if not isinstance(data, dict):
            raise LookupFailed("unexpected response shape")
        write_cache(path, {"url": url, "response": data})
        return data

    # -- services ---------------------------------------------------------------------
    def crossref(self, entry: ReferenceEntry) -> list[dict]:
        """Crossref works matching an entry's title, first author and year (best first)."""
        query = " ".join(
            x
            for x in (entry.title or entry.raw, first_family(entry.authors), str(entry.year or ""))
            if x
        )
        params = {
            "query.bibliographic": query[:300],
            "rows": "3",
            "select": "DOI,title,author,issued,container-title,volume,issue,page",
        }
        data = self.get_json(f"{CROSSREF_WORKS}?{urllib.parse.urlencode(params)}")
        return list((data.get("message") or {}).get("items") or [])

    def pubmed_ids(self, term: str) -> list[str]:
        """PMIDs that an E-utilities search term finds."""
        params = {
            "db": "pubmed",
            "retmode": "json",
            "retmax": "3",
            "term": term,
            "tool": "evidence-kb",
        }
        data = self.get_json(f"{EUTILS}/esearch.fcgi?{urllib.parse.urlencode(params)}")
        return [str(i) for i in (data.get("esearchresult") or {}).get("idlist") or []]

    def pubmed_summary(self, pmids: list[str]) -> dict[str, dict]:
        """E-utilities summaries keyed by PMID."""
        if not pmids:
            return {}
        params = {"db": "pubmed", "retmode": "json", "id": ",".join(pmids), "tool": "evidence-kb"}
        data = self.get_json(f"{EUTILS}/esummary.fcgi?{urllib.parse.urlencode(params)}")
        result = data.get("result") or {}
        return {uid: result[uid] for uid in result.get("uids", []) if uid in result}

    # -- matching ---------------------------------------------------------------------
    @staticmethod
    def _year_ok(entry: ReferenceEntry, year: int | None) -> bool:
        return entry.year is None or year is None or abs(entry.year - year) <= 1

    def _from_crossref(self, entry: ReferenceEntry) -> tuple[dict, float] | None:
        family = first_family(entry.authors)
        for item in self.crossref(entry):
            title = (item.get("title") or [""])[0]
            score = title_score(entry.title or entry.raw, title)
            parts = ((item.get("issued") or {}).get("date-parts") or [[None]])[0]
            year = parts[0] if parts and isinstance(parts[0], int) else None
            authors = [a.get("family", "") for a in item.get("author") or []]
            author_ok = not family or not authors or words(authors[0]).replace(" ", "") == family
            if score >= TITLE_MIN and self._year_ok(entry, year) and author_ok:
                return item, score
        return None

    def _from_pubmed(self, entry: ReferenceEntry, term: str) -> tuple[dict, float] | None:
        summaries = self.pubmed_summary(self.pubmed_ids(term))
        for pmid, s in summaries.items():
            score = title_score(entry.title or entry.raw, s.get("title"))
            m = re.match(r"(\d{4})", s.get("pubdate") or "")
            year = int(m.group(1)) if m else None
            if score >= TITLE_MIN and self._year_ok(entry, year):
                return {"pmid": pmid, **s}, score
        return None

    @staticmethod
    def _doi_of(summary: dict) -> str | None:
        for aid in summary.get("articleids") or []:
            if aid.get("idtype") == "doi" and aid.get("value"):
                return str(aid["value"])
        return None

    def enrich_entry(self, entry: ReferenceEntry) -> Enrichment:
        """Look up a DOI and PMID for one entry; raise Offline when there is no network."""
        doi, pmid = entry.doi, entry.pmid
        title, score, sources = None, None, []
        try:
            if pmid and not doi:
                s = self.pubmed_summary([pmid]).get(pmid)
                if s:
                    doi, title = self._doi_of(s), s.get("title")
                    sources.append("pubmed")
            if not doi:
                found = self._from_crossref(entry)
                if found:
                    item, score = found
                    doi, title = item.get("DOI"), (item.get("title") or [None])[0]
                    sources.append("crossref")
            if doi and not pmid:
                ids = self.pubmed_ids(f"{doi}[doi]")
                if len(ids) == 1:
                    pmid = ids[0]
                    sources.append("pubmed")
            if not doi and not pmid and entry.title:
                query = " ".join(words(entry.title).split()[:12])
                found = self._from_pubmed(entry, f"{query}[Title]")
                if found:
                    s, score = found
                    pmid, doi, title = s["pmid"], self._doi_of(s), s.get("title")
                    sources.append("pubmed")
        except LookupFailed as exc:
            return Enrichment(entry.id, "error", message=f"look-up failed: {exc}")
        if (doi, pmid) == (entry.doi, entry.pmid):
            return Enrichment(
                entry.id,
                "not found",
                entry.doi,
                entry.pmid,
                message="no record with a matching title, author and year",
            )
        src = "+".join(dict.fromkeys(sources))
        return Enrichment(
            entry.id,
            "found",
            doi,
            pmid,
            src,
            title,
            score,
            f"found by {src}; not checked against the full record",
        )

    def enrich(self, entries: Iterable[ReferenceEntry]) -> tuple[Enrichment, ...]:
        """Look up every entry; after a network failure the rest are marked offline."""
        out: list[Enrichment] = []
        offline: str | None = None
        for entry in entries:
            if offline is None:
                try:
                    out.append(self.enrich_entry(entry))
                    continue
                except Offline as exc:
                    offline = f"Online look-up is unavailable: {exc}. Everything else still works."
            out.append(Enrichment(entry.id, "offline", message=offline))
        return tuple(out)
