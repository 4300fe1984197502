"""Upload the graph to any SPARQL 1.1 store with the Graph Store HTTP Protocol.

The build writes one named graph per document (graph name = document IRI) plus
`id:graph/entities` and `id:graph/build`. Each named graph is sent with its own
PUT `…?graph=<iri>`, which *replaces* that graph in the store: pushing the same
build twice leaves the store as after one push, and a rebuilt document replaces
its old triples instead of piling up beside them. Triples outside any named
graph (e.g. a plain Turtle file) go to the store's default graph (`?default`).

Only the standard library talks HTTP (urllib), so any GSP store works: Oxigraph
(`…/store`), Fuseki (`…/{dataset}/data`), Virtuoso (`…/sparql-graph-crud-auth`),
GraphDB, Stardog. See docs/push.md.
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, KGError

N_TRIPLES = "application/n-triples"
TIMEOUT = 120.0  # seconds per request; a large named graph on a slow store can take a while
_BODY_EXCERPT = 300  # characters of the store's error page quoted in PushError

# File suffix → pyoxigraph format name; datasets keep their named graphs.
_FORMATS = {
    ".trig": "TRIG",
    ".nq": "N_QUADS",
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".jsonld": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
}


_HINTS = {
    401: "authentication required or refused (give --user/--password)",
    403: "forbidden (read-only endpoint, or the user may not write?)",
    404: "not found (is this the Graph Store endpoint, e.g. …/store or …/dataset/data?)",
    405: "method not allowed (the endpoint does not accept PUT; is it the query endpoint?)",
    413: "request too large (raise the store's upload limit)",
    415: "unsupported media type (the store does not take application/n-triples)",
}


class PushError(KGError):
    """The store refused a request or could not be reached; names the URL and the HTTP status."""

    exit_code = 6

    def __init__(self, url: str, status: int | None, reason: str):
        self.url = url
        self.status = status
        self.reason = reason
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"{url}: {where}: {reason}")


@dataclass
class PushReport:
    """What was sent: triples per graph (None = the default graph), in the order sent."""

    endpoint: str
    graphs: dict[str | None, int] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def read_dataset(path: str | Path) -> dict[str | None, list]:
    """Quads of an RDF file grouped by graph name (None = default graph), graphs sorted by IRI."""
    import pyoxigraph as ox

    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, f"unknown RDF format {path.suffix!r}; use one of {', '.join(sorted(_FORMATS))}")
    if not path.is_file():
        raise InputError(path, "no such file (run `kg build` first?)")
    graphs: dict[str | None, list] = {}
    try:
        for quad in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt)):
            g = quad.graph_name
            key = None if isinstance(g, ox.DefaultGraph) else g.value
            graphs.setdefault(key, []).append(quad.triple)
    except SyntaxError as err:
        raise InputError(path, f"not valid {fmt}: {err}") from err
    named = sorted(k for k in graphs if k is not None)
    ordered = {k: graphs[k] for k in named}
    if None in graphs:
        ordered[None] = graphs[None]
    return ordered


def graph_url(endpoint: str, graph: str | None) -> str:
    """GSP address of one graph: `?graph=<iri>` (IRI percent-encoded) or `?default`."""
    sep = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{sep}default"
    return f"{endpoint}{sep}graph={urllib.parse.quote(graph, safe='')}"


def _opener(endpoint: str, auth):
    """urllib opener; with auth, HTTP Basic sent up front and Digest answered when challenged (Virtuoso)."""
    if not auth:
        return urllib.request.build_opener()
    user, password = auth
    mgr = urllib.request.HTTPPasswordMgrWithPriorAuth()
    mgr.add_password(None, endpoint, user, password, is_authenticated=True)
    return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(mgr), urllib.request.HTTPDigestAuthHandler(mgr))


def put_graph(url: str, body: bytes, opener=None, timeout: float = TIMEOUT) -> int:
    """PUT one N-Triples body; returns the HTTP status or raises PushError."""
    opener = opener or urllib.request.build_opener()
    req = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": N_TRIPLES})
    try:
        with opener.open(req, timeout=timeout) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip()[:_BODY_EXCERPT]
        hint = _HINTS.get(err.code, err.reason)
        raise PushError(url, err.code, f"{hint}{': ' + detail if detail else ''}") from err
    except urllib.error.URLError as err:
        raise PushError(url, None, f"cannot connect: {err.reason}") from err
    except (TimeoutError, ConnectionError) as err:
        raise PushError(url, None, f"connection failed: {err}") from err


def push(path: str | Path, endpoint: str, auth: tuple[str, str] | None = None, *, progress=None) -> PushReport:
    """Replace each graph of the RDF file `path` in the store at `endpoint` (one PUT per graph).

    `auth` is (user, password) for HTTP Basic or Digest. `progress(graph, n_triples)` is called after each PUT.
    """
    import pyoxigraph as ox

    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(endpoint, None, "not an http(s) URL; give the store's Graph Store endpoint, e.g. http://localhost:7878/store")
    report = PushReport(endpoint=endpoint)
    opener = _opener(endpoint, auth)
    for graph, triples in read_dataset(path).items():
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        put_graph(graph_url(endpoint, graph), body, opener)
        report.graphs[graph] = len(triples)
        if progress:
            progress(graph, len(triples))
    return report


def push_command(args) -> int:
    auth = None
    if args.user is not None or args.password is not None:
        auth = (args.user or "", args.password or "")
    report = push(args.graph, args.endpoint, auth)
    named = sum(1 for g in report.graphs if g is not None)
    print(f"pushed {report.triples:,} triples in {named} named graph(s)"
          f"{' + the default graph' if None in report.graphs else ''} to {args.endpoint}")
    return 0
