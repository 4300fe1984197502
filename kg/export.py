"""Quads → files, one writer per format, chosen by name. Every write is atomic.

RDF formats go through Oxigraph's serialisers (fast, standard-conformant); N-Triples are
written sorted so two builds of the same input are byte-identical. CSV and GraphML/GEXF
are views for scripts and Gephi.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .errors import KGError
from .rdf import PREFIXES

WRITERS: dict[str, Callable] = {}
# Turtle/TriG prefixes: not `id:`, whose local names hold "/" that Oxigraph escapes as "\/"
# (valid Turtle that rdflib's parser rejects); entity IRIs are written in full instead.
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "id"}
SUFFIX = {"ttl": "graph.ttl", "nt": "graph.nt", "nq": "graph.nq", "trig": "graph.trig",
          "jsonld": "graph.jsonld", "csv": "", "graphml": "graph.graphml", "gexf": "graph.gexf"}
CSV_FILES = ("entities.csv", "relations.csv")  # the csv export: two files in a folder


class ExportError(KGError):
    exit_code = 6


def writer(name: str):
    def register(fn):
        WRITERS[name] = fn
        return fn
    return register


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(path: Path):
    """A binary file that appears at `path` only once it is complete (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; outputs are for sharing
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` so that a crash never leaves half a file at `path`."""
    with atomic_file(path) as fh:
        fh.write(data)


class QuadBlob:
    """Quads kept as N-Quads bytes and parsed again on each pass.

    A Python list of Oxigraph quads costs ~600 bytes a quad; the N-Quads text costs ~230, and
    Oxigraph parses it back faster than Python could build the list. (An Oxigraph Store would be
    smaller still, but it normalises xsd:nonNegativeInteger to xsd:integer.)
    """

    def __init__(self, quads):
        self.data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)

    def __iter__(self):
        return iter(ox.parse(self.data, format=ox.RdfFormat.N_QUADS))


def _triples(oxquads):
    """The union graph's triples (a triple in two named graphs comes twice: readers merge them)."""
    return (ox.Triple(q.subject, q.predicate, q.object) for q in oxquads)


def _sorted_unique_lines(blob: bytes):
    lines = blob.splitlines(keepends=True)
    del blob
    lines.sort()
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def _write_lines(out: Path, lines, chunk: int = 1 << 16) -> None:
    """Write lines in chunks: no second copy of a large file in memory."""
    with atomic_file(out) as fh:
        batch = []
        for line in lines:
            batch.append(line)
            if len(batch) >= chunk:
                fh.write(b"".join(batch))
                batch.clear()
        fh.write(b"".join(batch))


def sorted_ntriples(oxquads) -> bytes:
    """Canonical, sorted N-Triples of the union graph: the determinism check compares these bytes."""
    return b"".join(_sorted_unique_lines(ox.serialize(_triples(oxquads), format=ox.RdfFormat.N_TRIPLES)))


@writer("ttl")
def write_ttl(oxquads, out: Path):
    atomic_write(out, ox.serialize(_triples(oxquads), format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES))


@writer("nt")
def write_nt(oxquads, out: Path):
    _write_lines(out, _sorted_unique_lines(ox.serialize(_triples(oxquads), format=ox.RdfFormat.N_TRIPLES)))


@writer("nq")
def write_nq(oxquads, out: Path):
    _write_lines(out, _sorted_unique_lines(ox.serialize(oxquads, format=ox.RdfFormat.N_QUADS)))


@writer("trig")
def write_trig(oxquads, out: Path):
    atomic_write(out, ox.serialize(oxquads, format=ox.RdfFormat.TRIG, prefixes=TURTLE_PREFIXES))


@writer("jsonld")
def write_jsonld(oxquads, out: Path):
    atomic_write(out, ox.serialize(oxquads, format=ox.RdfFormat.JSON_LD))


@writer("csv")
def write_csv(oxquads, out: Path):
    """entities.csv (one row per entity) and relations.csv (one row per relation, with evidence)."""
    from .views import entity_rows, relation_rows

    out = Path(out)
    for name, (header, rows) in zip(CSV_FILES, (entity_rows(oxquads), relation_rows(oxquads))):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        atomic_write(out / name, buf.getvalue().encode("utf-8-sig"))


@writer("graphml")
def write_graphml(oxquads, out: Path):
    import networkx as nx

    from .views import entity_network

    buf = io.BytesIO()
    nx.write_graphml(entity_network(oxquads), buf, encoding="utf-8")
    atomic_write(out, buf.getvalue())


@writer("gexf")
def write_gexf(oxquads, out: Path):
    import networkx as nx

    from .views import entity_network

    buf = io.BytesIO()
    nx.write_gexf(entity_network(oxquads), buf, encoding="utf-8")
    atomic_write(out, buf.getvalue())


def export(oxquads, fmt: str, out_dir: Path, out: Path | None = None) -> Path:
    if fmt not in WRITERS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(sorted(WRITERS))}")
    target = Path(out) if out else Path(out_dir) / SUFFIX[fmt] if SUFFIX[fmt] else Path(out_dir)
    WRITERS[fmt](oxquads, target)
    return target


def load_quads(path: Path) -> list:
    """Quads of a graph file written by kg (ttl/nt give the default graph only)."""
    from .store import check_graph_path

    path = check_graph_path(path)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    with open(path, "rb") as fh:
        parsed = list(ox.parse(fh, format=fmt))
    default = ox.DefaultGraph()
    return [q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, default) for q in parsed]


def export_command(args) -> int:
    graph = Path(args.graph)
    trig = graph.with_suffix(".trig")
    src = trig if graph.suffix != ".trig" and trig.is_file() else graph
    quads = load_quads(src)
    target = export(quads, args.format, graph.parent, Path(args.out) if args.out else None)
    for path in written_files(target):
        print(path)
    return 0


def written_files(target: Path) -> list[Path]:
    """The files an export wrote: the file itself, or the CSV files in the folder."""
    return [target / name for name in CSV_FILES] if Path(target).is_dir() else [target]
