"""Graph loading: rdflib's memory store for small graphs, Oxigraph for large or persistent ones.

rdflib's SPARQL engine is pure Python and slow on joins and GROUP BY over big graphs, so above
`OXIGRAPH_THRESHOLD` triples `engine="auto"` loads the file into Oxigraph (Rust) and wraps it
as an rdflib `Dataset` through oxrdflib: callers keep using `graph.query(...)` either way.
A persistent store (`persist_dir`) is loaded once and reopened in well under a second.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import rdflib

from .errors import GraphNotBuiltError, InputError

ENGINES = ("auto", "rdflib", "oxigraph")
# triples; above this rdflib's engine takes seconds. Measured on the bundled gazette's graph
# (27k triples): measures_led_by 1.5 s in rdflib, 0.06 s in Oxigraph; load 1.9 s vs 0.2 s.
OXIGRAPH_THRESHOLD = 10_000
_BYTES_PER_TRIPLE = 80  # rough size of one triple in Turtle/N-Triples, to estimate before parsing

# file suffix → (rdflib format, pyoxigraph format name)
FORMATS = {
    ".ttl": ("turtle", "TURTLE"),
    ".nt": ("nt", "N_TRIPLES"),
    ".nq": ("nquads", "N_QUADS"),
    ".trig": ("trig", "TRIG"),
    ".jsonld": ("json-ld", "JSON_LD"),
    ".rdf": ("xml", "RDF_XML"),
    ".owl": ("xml", "RDF_XML"),
    ".n3": ("n3", "N3"),
}
QUAD_SUFFIXES = (".nq", ".trig")
_STAMP = "kg-source.json"  # in a persistent store: which file (and which bytes) it holds


def _format_of(path: Path) -> tuple[str, str]:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(path, f"unknown RDF file type {path.suffix!r}; "
                               f"expected one of {', '.join(sorted(FORMATS))}") from None


def check_graph_path(path) -> Path:
    """The graph file to read, or a clear error: missing (not built yet) or a folder."""
    path = Path(path)
    if not path.exists():
        raise GraphNotBuiltError(f"{path}: no graph there; build it first with `kg build --out {path.parent}`")
    if path.is_dir():
        raise InputError(path, "is a folder; give the graph file (e.g. out/graph.ttl)")
    return path


def choose_engine(path, engine: str = "auto") -> str:
    """'rdflib' or 'oxigraph' for this file: auto picks Oxigraph above ~10k triples (by file size)."""
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if engine != "auto":
        return engine
    size = Path(path).stat().st_size
    return "oxigraph" if size / _BYTES_PER_TRIPLE > OXIGRAPH_THRESHOLD else "rdflib"


def open_graph(path, engine: str = "auto", persist_dir=None, read_only: bool = False) -> rdflib.Graph:
    """Load an RDF file for querying.

    engine: "rdflib" (memory), "oxigraph", or "auto" (Oxigraph above OXIGRAPH_THRESHOLD triples). With `persist_dir`
    the graph lives in an on-disk Oxigraph store, reloaded only when the file changed.
    Named graphs (TriG, N-Quads) are queried as their union.
    """
    path = check_graph_path(path)
    _format_of(path)
    if persist_dir is not None:
        return _wrap(open_store(persist_dir, path, read_only=read_only))
    if choose_engine(path, engine) == "oxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        _load_into(store, path)
        return _wrap(store)
    return _parse_into_rdflib(path)


def _parse_into_rdflib(path: Path) -> rdflib.Graph:
    """rdflib memory graph, parsed by Oxigraph's parser: ten times faster than rdflib's, and it
    reads what rdflib's own Turtle serialiser writes (rdflib 7 cannot re-read `id:a\\/1\\.`)."""
    import pyoxigraph as ox
    from oxrdflib._converter import from_ox

    quads = path.suffix.lower() in QUAD_SUFFIXES
    graph = rdflib.Dataset(default_union=True) if quads else rdflib.Graph()
    fmt = getattr(ox.RdfFormat, _format_of(path)[1])
    try:
        if quads:
            for q in ox.parse(path=str(path), format=fmt):
                name = q.graph_name
                ctx = graph.default_graph if isinstance(name, ox.DefaultGraph) else \
                    graph.graph(from_ox(name))
                ctx.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        else:
            add = graph.add
            for t in ox.parse(path=str(path), format=fmt):
                add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    except (SyntaxError, ValueError, OSError) as err:
        raise InputError(path, f"not valid {fmt.name}: {err}") from err
    return graph


def _load_into(store, path: Path) -> None:
    import pyoxigraph as ox

    fmt = getattr(ox.RdfFormat, _format_of(path)[1])
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as err:
        raise InputError(path, f"not valid {fmt.name}: {err}") from err


def _fingerprint(path: Path) -> dict:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return {"file": str(path.resolve()), "sha256": h.hexdigest()}


def open_store(persist_dir, source=None, read_only: bool = False):
    """An on-disk pyoxigraph Store in `persist_dir`, (re)loaded from `source` when its bytes changed.

    Returns the pyoxigraph Store; `open_graph(..., persist_dir=…)` wraps it for rdflib.
    `read_only=True` lets several processes (the server's workers) share one store.
    """
    import pyoxigraph as ox

    persist_dir = Path(persist_dir)
    stamp_file = persist_dir / _STAMP
    if source is not None:
        source = check_graph_path(source)
        want = _fingerprint(source)
        have = json.loads(stamp_file.read_text()) if stamp_file.exists() else None
        if have != want:
            if persist_dir.exists():
                if have is None and any(persist_dir.iterdir()):
                    raise InputError(persist_dir, "is not empty and holds no kg store; "
                                                  "refusing to overwrite it (give a new folder)")
                shutil.rmtree(persist_dir)
            persist_dir.mkdir(parents=True)
            store = ox.Store(str(persist_dir))
            _load_into(store, source)
            store.flush()
            stamp_file.write_text(json.dumps(want))
            if not read_only:
                return store
            del store
    elif not persist_dir.exists():
        raise GraphNotBuiltError(f"{persist_dir}: no store there")
    return _open_disk_store(persist_dir, read_only)


def _open_disk_store(persist_dir: Path, read_only: bool):
    """Open the RocksDB-backed store; a graph of it dropped but not yet collected (rdflib's
    Dataset holds reference cycles) still holds the lock, so collect garbage once and retry."""
    import gc

    import pyoxigraph as ox

    def once():
        return ox.Store.read_only(str(persist_dir)) if read_only else ox.Store(str(persist_dir))

    try:
        return once()
    except OSError as err:
        if "lock" not in str(err).lower():
            raise
        gc.collect()
        try:
            return once()
        except OSError as err2:
            raise InputError(persist_dir, f"store is in use by another process ({err2}); "
                                          "close it or open it read-only") from err2


def _wrap(store) -> rdflib.Dataset:
    """An rdflib Dataset over a pyoxigraph Store: queries run in Oxigraph over the union graph."""
    from oxrdflib.store import OxigraphStore

    return rdflib.Dataset(store=OxigraphStore(store=store), default_union=True)


def is_oxigraph(graph) -> bool:
    return type(graph.store).__name__ == "OxigraphStore"
