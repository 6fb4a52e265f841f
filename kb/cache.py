"""The reading cache: a loaded knowledge base and its fact checks, kept on disk between processes.

Reading a data directory (BibTeX, CSVs, letters, linking) costs far more than a command's own
work, and it gives the same result until a data file or the code changes. `ReadCache` keeps
what one data directory gave -- the KnowledgeBase and the fact checks computed on it (the
whole KB's, or one document's) -- in one pickle file, so a warm `kb check DOC` unpickles
instead of parsing. It is only ever a shortcut to the same objects:

- the key is a hash of the bytes of every file loading can read (everything under the data
  directory except hidden files, the online look-up cache `cache/` and the review log, which
  loading never reads), the resolved path of the directory, the size and modification time of
  every module of this package, the Python version and the installed versions of the libraries
  whose results are kept; any change gives another key, and a file under another key is
  recomputed and replaced;
- the file lives outside the data directory (which readers never write): in $KB_CACHE_DIR, else
  $XDG_CACHE_HOME/evidence-kb, else ~/.cache/evidence-kb; the directory is private to the user
  (0700), and a file not owned by the user, writable by others, unreadable or not unpickling is
  ignored (and replaced) -- never trusted;
- it is written beside and renamed over (`kb.store.atomic_write`), so a reader never sees half
  a file; two writers at once leave one whole file; a cache that cannot be written (read-only
  home, full disk) is skipped silently: the command works as without it;
- `KB_CACHE=0` turns it off; at most MAX_FILES data directories are kept (the least recently
  used go first).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on a miss only: a hit never imports the readers
    from kb.checks.factcheck import FactCheck
    from kb.model import KnowledgeBase

MAGIC = b"evidence-kb read cache 1\n"
MAX_FILES = 32
# libraries whose behaviour shapes what is kept (reading, linking, the graph the checks see)
LIBRARIES = ("bibtexparser", "rapidfuzz", "networkx", "anyascii", "pylatexenc")
# never part of the key: the review log (loading never reads it) and the online look-up cache
SKIPPED_TOP = ("cache",)
SKIPPED_PREFIX = ("review.sqlite",)


def enabled() -> bool:
    """False when $KB_CACHE is 0, off or no."""
    return os.environ.get("KB_CACHE", "1").strip().lower() not in ("0", "off", "no", "false")


def cache_dir() -> Path:
    """The cache directory: $KB_CACHE_DIR, $XDG_CACHE_HOME/evidence-kb or ~/.cache/evidence-kb."""
    env = os.environ.get("KB_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "evidence-kb"


def data_files(data_dir: Path) -> list[Path]:
    """Every file loading can read, sorted: all under the data directory but hidden names,
    the look-up cache and the review log."""
    out: list[Path] = []
    for root, dirs, files in os.walk(data_dir):
        top = Path(root) == data_dir
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (top and d in SKIPPED_TOP)
        )
        for name in files:
            if name.startswith(".") or (top and name.startswith(SKIPPED_PREFIX)):
                continue
            out.append(Path(root) / name)
    return sorted(out)


def _code_version(h: Any) -> None:
    """Feed the package's modules (path, size, mtime), Python's and the libraries' versions."""
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(package)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    h.update(sys.version.encode())
    from importlib.util import find_spec

    for name in LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin:
            st = os.stat(origin)
            h.update(f"{name}\0{origin}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        else:
            h.update(f"{name}\0absent\n".encode())


def key_of(data_dir: Path) -> bytes:
    """The cache key of a data directory as it is now (see the module docstring)."""
    h = hashlib.blake2b(digest_size=20)
    root = data_dir.resolve()
    h.update(str(root).encode("utf-8", "surrogateescape") + b"\0")
    for path in data_files(root):
        rel = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
        data = path.read_bytes()
        h.update(rel + b"\0" + str(len(data)).encode() + b"\0")
        h.update(data)
    _code_version(h)
    return h.hexdigest().encode()


def _trusted(path: Path) -> bool:
    """A file (or directory) of ours: owned by this user, writable by no one else."""
    st = path.stat()
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class ReadCache:
    """The cached knowledge base and fact checks of one data directory.

    >>> import tempfile, shutil
    >>> tmp = Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(kb.data_dir, tmp / "data")
    >>> cold = ReadCache(tmp / "data", tmp / "cache", on=True)
    >>> cold.knowledge_base().documents.keys() == kb.documents.keys(), cold.hit
    (True, False)
    >>> warm = ReadCache(tmp / "data", tmp / "cache", on=True)
    >>> len(list(warm.knowledge_base().claims())) == len(list(kb.claims())), warm.hit
    (True, True)
    >>> shutil.rmtree(tmp)
    """

    def __init__(
        self,
        data_dir: Path | str,
        directory: Path | None = None,
        on: bool | None = None,
        loader: Callable[[Path], KnowledgeBase] | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.loader = loader  # what a miss loads with (kb.load.load_kb when None)
        self.directory = directory if directory is not None else cache_dir()
        self.on = enabled() if on is None else on
        self.hit = False
        self._key: bytes | None = None
        self._kb: KnowledgeBase | None = None
        self._checks: dict[tuple[str, ...] | None, FactCheck] = {}
        self._derived: dict[str, Any] = {}

    @property
    def path(self) -> Path:
        name = hashlib.blake2b(
            str(self.data_dir.resolve()).encode("utf-8", "surrogateescape"), digest_size=12
        ).hexdigest()
        return self.directory / f"kb-{name}.pickle"

    def _read(self) -> bool:
        """Take the file's contents when its key is this directory's key now."""
        try:
            path = self.path
            if not (_trusted(self.directory) and _trusted(path)):
                return False
            with path.open("rb") as fh:
                if fh.readline() != MAGIC or fh.readline().rstrip(b"\n") != self._key:
                    return False
                got = pickle.load(fh)
            kb, checks, derived = got["kb"], got["checks"], got["derived"]
            os.utime(path)  # most recently used
        except Exception:  # unreadable, truncated, from other code: recompute  # noqa: BLE001
            return False
        kb.data_dir = self.data_dir
        self._kb, self._checks, self._derived = kb, checks, derived
        return True

    def _write(self) -> None:
        """Replace the file with what is held now; a cache that cannot be written is skipped."""
        if not self.on or self._key is None:
            return
        try:
            from kb.store import atomic_write

            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not _trusted(self.directory):
                return
            payload = {"kb": self._kb, "checks": self._checks, "derived": self._derived}
            data = MAGIC + self._key + b"\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL)
            atomic_write(self.path, data)
            os.chmod(self.path, 0o600)
            self._prune()
        except Exception:  # a read-only or full cache directory: go on without it  # noqa: BLE001
            return

    def _prune(self) -> None:
        files = sorted(self.directory.glob("kb-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in files[:-MAX_FILES]:
            old.unlink(missing_ok=True)

    def holds(self, kb: KnowledgeBase) -> bool:
        """Whether `kb` is the knowledge base this cache gave."""
        return self._kb is not None and self._kb is kb

    def knowledge_base(self) -> KnowledgeBase:
        """The loaded KB: from the cache when its key matches, else `load_kb` (LoadError as it)."""
        if self._kb is not None:
            return self._kb
        if self.on:
            try:
                self._key = key_of(self.data_dir)
            except OSError:  # a missing directory or unreadable file: load_kb names it
                self._key = None
            if self._key is not None and self._read():
                self.hit = True
                assert self._kb is not None
                return self._kb
        if self.loader is None:
            from kb.load import load_kb

            self.loader = load_kb
        self._kb = self.loader(self.data_dir)
        self._write()
        return self._kb

    def fact_check(self, documents: list[str] | None = None, check: Any = None) -> FactCheck:
        """`check(kb, build_graph(kb), documents=...)` (`check`: kb.checks.factcheck.fact_check
        when None), from the cache when held."""
        kb = self.knowledge_base()
        docs = None if documents is None else tuple(sorted(documents))
        got = self._checks.get(docs)
        if got is None:
            from kb.graph import build_graph

            if check is None:
                from kb.checks.factcheck import fact_check as check
            g = build_graph(kb)
            got = check(kb, g) if docs is None else check(kb, g, documents=list(docs))
            self._checks[docs] = got
            self._write()
        return got

    def derived(self, name: str, compute: Any) -> Any:
        """Any picklable value computed from the KB alone (`compute(kb)`), kept under `name`."""
        kb = self.knowledge_base()
        if name not in self._derived:
            self._derived[name] = compute(kb)
            self._write()
        return self._derived[name]
