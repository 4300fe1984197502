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
from functools import lru_cache
from pathlib import Path

import rdflib
import rdflib.store

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
        if have is None or {k: have.get(k) for k in want} != want:  # (gazettes `kg add`ed since are kept)
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
    return rdflib.Dataset(store=OxigraphStore(store), default_union=True)


class OxigraphStore(rdflib.store.Store):
    """rdflib's view of a pyoxigraph Store: SPARQL goes straight to Oxigraph.

    The rest (triples, contexts, len, updates) is oxrdflib's OxigraphStore, built on first use:
    importing oxrdflib loads rdflib's own SPARQL engine (0.15–0.3 s), which a `kg query` or
    `kg ask` never needs. SELECT results are converted to rdflib terms through a per-query
    cache (oxrdflib builds a new term for every cell, and URIRef/Literal validate and parse
    their value: 5–10 µs each, while results repeat units, documents and numbers a lot).
    """

    context_aware = True
    formula_aware = False
    transaction_aware = False
    graph_aware = True

    def __init__(self, store):
        super().__init__()
        self._inner = store
        self._prefixes: dict = {}  # prefix → namespace
        self._full = None

    def _oxrdflib(self):
        if self._full is None:
            from oxrdflib.store import OxigraphStore as Full

            self._full = Full(store=self._inner)
            for prefix, ns in self._prefixes.items():
                self._full.bind(prefix, ns)
        return self._full

    # namespaces: kept here, so that rdflib's Graph.query (which binds its defaults) needs no oxrdflib
    def bind(self, prefix, namespace, override=True):
        if override or prefix not in self._prefixes:
            for p in [p for p, ns in self._prefixes.items() if ns == namespace]:
                del self._prefixes[p]
            self._prefixes[prefix] = namespace
            if self._full is not None:
                self._full.bind(prefix, namespace, override)

    def namespace(self, prefix):
        return self._prefixes.get(prefix)

    def prefix(self, namespace):
        return next((p for p, ns in self._prefixes.items() if ns == namespace), None)

    def namespaces(self):
        yield from self._prefixes.items()

    def query(self, query, initNs, initBindings, queryGraph, **kwargs):  # noqa: N803 (rdflib's names)
        import pyoxigraph as ox
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
        from rdflib.query import Result
        from rdflib.term import Variable

        if (not isinstance(query, str) or kwargs or initBindings
                or queryGraph not in ("__UNION__", DATASET_DEFAULT_GRAPH_ID)):
            return self._oxrdflib().query(query, initNs, initBindings, queryGraph, **kwargs)
        result = self._inner.query(query, use_default_graph_as_union=queryGraph == "__UNION__",
                                   prefixes={**self._prefixes, **initNs})
        term = _TermCache()
        if isinstance(result, ox.QueryBoolean):
            out = Result("ASK")
            out.askAnswer = bool(result)
        elif isinstance(result, ox.QuerySolutions):
            out = Result("SELECT")
            out.vars = [Variable(v.value) for v in result.variables]
            out.bindings = [{v: term(t) for v, t in zip(out.vars, row)} for row in result]
        else:
            out = Result("CONSTRUCT")
            out.graph = rdflib.Graph()
            out.graph += ((term(t.subject), term(t.predicate), term(t.object)) for t in result)
        return out


def _delegate(name):
    def method(self, *args, **kwargs):
        return getattr(self._oxrdflib(), name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in ("add", "addN", "remove", "triples", "__len__", "contexts", "update", "add_graph",
              "remove_graph", "commit", "rollback"):
    setattr(OxigraphStore, _name, _delegate(_name))


class _TermCache(dict):
    """pyoxigraph term → rdflib term, each distinct term converted once."""

    def __call__(self, t):
        if t is None:
            return None
        try:
            return self[t]
        except KeyError:
            self[t] = out = _from_ox(t)
            return out


def _from_ox(t):
    import pyoxigraph as ox
    from rdflib.term import Literal, URIRef

    if isinstance(t, ox.NamedNode):
        return str.__new__(URIRef, t.value)  # URIRef() would re-validate an IRI Oxigraph validated
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=_datatype(t.datatype.value))
    from oxrdflib._converter import from_ox

    return from_ox(t)


@lru_cache(maxsize=64)
def _datatype(iri: str):
    from rdflib.term import URIRef

    return URIRef(iri)


def is_oxigraph(graph) -> bool:
    return any(c.__name__ == "OxigraphStore" for c in type(graph.store).__mro__)
