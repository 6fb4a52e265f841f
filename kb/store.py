"""The one writer of the data directory: a lock, atomic replaces, and appends that all survive.

Every write into a data directory (the CLI's `kb ingest --save`, the app's Save button, and
later record import and review-log export) goes through `transaction`: it takes an exclusive
`fcntl.flock` lock on `DIR/.kb.lock`, hands out the files' bytes *as they are on disk under
the lock*, and writes the new bytes with a temporary file + fsync + rename each, undoing the
ones already written when a later one fails (a transaction of many files, such as a records
import, flushes all its temporary files before renaming any, then each folder once). Two
writers therefore never read the same old `documents.csv` and both rename over it: the second
waits, re-reads, and appends after the first.

    with transaction(data_dir) as tx:
        docs = tx.read("documents.csv")
        tx.write("documents.csv", docs + row)

The lock file is removed when the last writer leaves (a waiter that finds the file it locked
replaced or removed locks the new one), so a data directory at rest holds no stray file.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import io
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kb import schema
from kb.latex import to_latex
from kb.model import Document, Work

LOCK_NAME = ".kb.lock"
LOCK_TIMEOUT = 60.0  # seconds a writer waits for another one before giving up


class StoreError(Exception):
    """A write to the data directory failed or was refused; nothing was left half-written."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


class StoreConflict(StoreError):
    """The write would replace a document id, a citekey or a file: nothing was written."""

    def __init__(self, conflicts: list[str]):
        self.conflicts = tuple(conflicts)
        super().__init__("conflict", "Not saved, nothing was written: " + "; ".join(conflicts))


# ---------------------------------------------------------------------------------------
# the lock


@contextmanager
def lock(data_dir: Path | str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the data directory's exclusive write lock (waits up to `timeout` seconds)."""
    path = Path(data_dir) / LOCK_NAME
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError("lock-failed", f"cannot lock {data_dir}: {exc.strerror}") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() > deadline:
                        raise StoreError(
                            "busy",
                            f"{data_dir} is being written by another process; try again",
                        ) from None
                    time.sleep(0.01)
            # The holder before us may have removed the file after we opened it: then our lock
            # is on an orphaned inode and a newcomer could lock a fresh file. Start again.
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        try:
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)


# ---------------------------------------------------------------------------------------
# atomic writes and the transaction


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_beside(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temp_beside(path: Path, data: bytes) -> str:
    """A new temporary file beside `path` holding `data`, flushed to disk, with the mode `path`
    has (0644 for a new file); returns its name. Nothing is left behind when it fails."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (the renames into it) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


BATCH_FILES = 8  # a transaction writing at least this many files writes them as one batch
BATCH_THREADS = 8  # temporary files written and flushed at once (the disk waits overlap)


@dataclass
class Transaction:
    """Reads and planned writes inside one holding of the lock (see `transaction`)."""

    data_dir: Path
    planned: list[tuple[str, bytes]] = field(default_factory=list)
    _root: Path | None = field(default=None, init=False, repr=False)
    _folders: dict[str, Path] = field(default_factory=dict, init=False, repr=False)

    def path(self, rel: str) -> Path:
        """The absolute path of a data-directory file (refusing one outside it)."""
        if self._root is None:
            self._root = self.data_dir.resolve()  # once: an import plans a file per work
        folder, _, name = rel.rpartition("/")
        if name in ("", ".", "..") or os.path.islink(self._root / rel):
            path = (self._root / rel).resolve()
        else:
            # what resolve() gives for a name that is not a link: its folder resolved (once
            # per folder: an import plans a file per work in one folder) and the name
            if folder not in self._folders:
                self._folders[folder] = (self._root / folder).resolve()
            path = self._folders[folder] / name
        if not path.is_relative_to(self._root):
            raise StoreError("outside", f"{rel!r} is outside the data directory")
        return path

    def exists(self, rel: str) -> bool:
        """True when the file exists now (under the lock)."""
        return self.path(rel).exists()

    def read(self, rel: str) -> bytes:
        """The file's bytes now (b"" when it does not exist)."""
        path = self.path(rel)
        return path.read_bytes() if path.exists() else b""

    def write(self, rel: str, data: bytes) -> None:
        """Plan to replace (or create) a file; written when the transaction ends."""
        self.path(rel)
        self.planned.append((rel, data))

    def commit(self) -> None:
        """Write every planned file; on a failure restore the ones already written."""
        if len(self.planned) >= BATCH_FILES:
            self._commit_batch()
            return
        done: list[tuple[Path, bytes | None]] = []
        try:
            for rel, data in self.planned:
                path = self.path(rel)
                old = path.read_bytes() if path.exists() else None
                atomic_write(path, data)
                done.append((path, old))
        except OSError as exc:
            _undo(done)
            raise _failed(exc) from None
        self.planned.clear()

    def _commit_batch(self) -> None:
        """Many files (a records import): every new text first goes to a temporary file beside
        its file and is flushed to disk (several at once), then each is renamed over its file
        and each folder is flushed once. A failure before the renames leaves every file as it
        was; one during them restores the files already replaced. No temporary file is left."""
        items = [(self.path(rel), data) for rel, data in self.planned]
        folders = sorted({path.parent for path, _ in items})
        temps: list[str | None] = [None] * len(items)

        def write(i: int) -> None:
            temps[i] = _temp_beside(*items[i])

        done: list[tuple[Path, bytes | None]] = []
        try:
            try:
                for folder in folders:
                    folder.mkdir(parents=True, exist_ok=True)
                with ThreadPoolExecutor(min(BATCH_THREADS, len(items))) as pool:
                    for job in [pool.submit(write, i) for i in range(len(items))]:
                        job.result()
                for (path, _), tmp in zip(items, temps, strict=True):
                    old = path.read_bytes() if path.exists() else None
                    os.replace(tmp, path)  # type: ignore[arg-type]
                    done.append((path, old))
                for folder in folders:
                    _fsync_dir(folder)
            except BaseException:
                for tmp in temps[len(done) :]:
                    if tmp is not None:
                        Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            _undo(done)
            raise _failed(exc) from None
        self.planned.clear()


def _undo(done: list[tuple[Path, bytes | None]]) -> None:
    """Put back the files a failed commit already replaced (their bytes before it)."""
    for path, old in reversed(done):
        if old is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write(path, old)


def _failed(exc: OSError) -> StoreError:
    return StoreError("write-failed", f"Saving failed and was undone: {exc.strerror or str(exc)}")


@contextmanager
def transaction(data_dir: Path | str) -> Iterator[Transaction]:
    """Lock the data directory, yield a Transaction, and commit it when the block ends."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise StoreError("no-data-dir", f"data directory not found: {data_dir}")
    with lock(data_dir):
        tx = Transaction(data_dir)
        yield tx
        tx.commit()


# ---------------------------------------------------------------------------------------
# CSV and BibTeX text


def newline_of(data: bytes) -> str:
    """The newline a file uses ("\\r\\n" or "\\n")."""
    return "\r\n" if b"\r\n" in data[:4096] else "\n"


def csv_append(data: bytes, columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    """The file's bytes with rows appended, in the file's own column order and newline."""
    text = data.decode("utf-8-sig") if data else ""
    header = next(csv.reader(io.StringIO(text)), None) if text.strip() else None
    header = [h.strip() for h in header] if header else list(columns)
    nl = newline_of(data)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=nl)
    if not text.strip():
        writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    prefix = "" if not data or data.endswith(b"\n") else nl
    return data + (prefix + buf.getvalue()).encode("utf-8")


def csv_column(data: bytes, column: str) -> set[str]:
    """The stripped values of one column of CSV bytes."""
    text = data.decode("utf-8-sig", errors="replace")
    return {
        (row.get(column) or "").strip() for row in csv.DictReader(io.StringIO(text, newline=""))
    }


_BIB_KEY = re.compile(r"^\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)


def bib_keys(data: bytes) -> set[str]:
    """The citekeys of BibTeX bytes."""
    return set(_BIB_KEY.findall(data.decode("utf-8-sig", errors="replace")))


def bibtex_type(work: Work) -> str:
    """The BibTeX entry type for a work's kind (a guideline in a journal is an article)."""
    if work.kind == "journal-article" or (work.kind == "guideline" and work.journal):
        return "article"
    if work.kind == "book-chapter":
        return "incollection" if work.booktitle else "inbook"
    if work.kind == "guideline":
        return "techreport" if work.publisher else "misc"
    return "misc"


# Identifiers and project fields are written as they are (a DOI may hold '_').
_RAW_FIELDS = frozenset({"doi", "pmid", "pmcid", "url", "year", "kind", "verified", "unconfirmed"})


def bib_fields(work: Work) -> list[tuple[str, str]]:
    """BibTeX fields of a work in a fixed order, project fields (kind, verified...) last; text
    values LaTeX-escaped (kb.latex), so braces and backslashes come back as they went in."""
    fields = [
        ("author", " and ".join(work.authors)),
        ("title", work.title),
        ("journal", work.journal),
        ("booktitle", work.booktitle),
        ("publisher", work.publisher),
        ("year", str(work.year) if work.year else None),
        ("month", work.month),
        ("volume", work.volume),
        ("number", work.number),
        ("pages", work.pages),
        ("doi", work.doi),
        ("pmid", work.pmid),
        ("pmcid", work.pmcid),
        ("url", work.url),
        ("kind", work.kind),
        ("sponsor", work.sponsor),
        ("verified", "record" if work.verified else "cited-only"),
        ("unconfirmed", ", ".join(work.unconfirmed)),
        ("note", work.note),
    ]
    return [(k, " ".join(v.split()) if k in _RAW_FIELDS else to_latex(v)) for k, v in fields if v]


def bibtex_text(works: Iterable[Work]) -> str:
    """BibTeX entries of these works, written by bibtexparser 2: the one BibTeX writer (the
    exports and the data directory's references.bib both use it)."""
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field
    from bibtexparser.writer import BibtexFormat

    lib = Library()
    for w in works:
        lib.add(Entry(bibtex_type(w), w.citekey, [Field(k, v) for k, v in bib_fields(w)]))
    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.value_column = "auto"
    fmt.trailing_comma = True
    fmt.block_separator = "\n"
    text = bibtexparser.write_string(lib, bibtex_format=fmt)
    return text.strip() + "\n" if text.strip() else ""


def bib_entry(w: Work) -> str:
    """One BibTeX entry for a work."""
    return bibtex_text([w])


# ---------------------------------------------------------------------------------------
# saving a letter


def document_row(doc: Document) -> dict[str, str]:
    """A document's documents.csv row."""
    return {
        "id": doc.id,
        "title": doc.title,
        "organisation": doc.organisation,
        "date": doc.date,
        "kind": doc.kind,
        "file": doc.file,
        "officers": "; ".join(doc.officers),
    }


def letter_conflicts(
    data_dir: Path | str, document: Document, works: dict[str, Work] | tuple = ()
) -> list[str]:
    """What saving this letter would overwrite, as the files are now (empty when nothing)."""
    data_dir = Path(data_dir)

    def read(rel: str) -> bytes:
        path = data_dir / rel
        return path.read_bytes() if path.is_file() else b""

    return _conflicts(read, (data_dir / document.file).exists(), document, works)


def _conflicts(read, file_exists: bool, document: Document, works) -> list[str]:
    out = []
    if document.id in csv_column(read(schema.DOCUMENTS_FILE), "id"):
        out.append(f"document id {document.id!r} already exists in {schema.DOCUMENTS_FILE}")
    if file_exists:
        out.append(f"file {document.file} already exists")
    keys = bib_keys(read(schema.REFERENCES_FILE))
    for key in works:
        if key in keys:
            out.append(f"citekey {key!r} already exists in {schema.REFERENCES_FILE}")
    if document.id in csv_column(read(schema.REFERENCE_MAP_FILE), "document"):
        out.append(f"{schema.REFERENCE_MAP_FILE} already maps references of {document.id!r}")
    return out


def save_letter(
    data_dir: Path | str,
    document: Document,
    works: dict[str, Work],
    mappings: tuple[tuple[int, str, str], ...] = (),
) -> tuple[str, ...]:
    """Write a letter's text, its documents.csv row, new works and reference-map rows.

    All under the data directory's lock, against the files as they are under it; refuses
    (writing nothing) when an id, a citekey or the file already exists. Returns the files
    written, relative to the data directory.
    """
    with transaction(data_dir) as tx:
        conflicts = _conflicts(tx.read, tx.exists(document.file), document, works)
        if conflicts:
            raise StoreConflict(conflicts)
        tx.write(document.file, document.text.encode("utf-8"))
        if works:
            old = tx.read(schema.REFERENCES_FILE)
            nl = newline_of(old)
            sep = b"" if not old or old.endswith(b"\n") else nl.encode()
            header = f"{nl}% Added by `kb ingest` from {document.file} ({document.id}).{nl}"
            entries = bibtex_text(works.values()).replace("\n", nl)
            tx.write(schema.REFERENCES_FILE, old + sep + (header + entries).encode("utf-8"))
        if mappings:
            rows = [
                {"document": document.id, "ref": str(n), "work": key, "note": note}
                for n, key, note in mappings
            ]
            old = tx.read(schema.REFERENCE_MAP_FILE)
            tx.write(schema.REFERENCE_MAP_FILE, csv_append(old, schema.REFERENCE_MAP_COLUMNS, rows))
        old = tx.read(schema.DOCUMENTS_FILE)
        tx.write(
            schema.DOCUMENTS_FILE,
            csv_append(old, schema.DOCUMENT_COLUMNS, [document_row(document)]),
        )
        return tuple(rel for rel, _ in tx.planned)


# ---------------------------------------------------------------------------------------
# what a broken save leaves behind


def orphan_files(data_dir: Path | str, named: set[str]) -> list[str]:
    """Files under letters/ that no documents.csv row names (e.g. left by an old failed save)."""
    root = Path(data_dir) / schema.LETTERS_DIR
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(data_dir).as_posix()
            if rel not in named:
                out.append(rel)
    return out
