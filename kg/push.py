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

A push has an overall deadline (DEADLINE, `--deadline`): a store that answers one byte at a
time never trips a per-read timeout, so a timer closes the open connection when the deadline
passes. When a push stops part-way, the error says which graphs were already replaced.
"""
from __future__ import annotations

import http.client
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, KGError

N_TRIPLES = "application/n-triples"
TIMEOUT = 120.0  # seconds per request; a large named graph on a slow store can take a while
# seconds for a whole push: the 100x benchmark graph (2.4M triples, 1000 named graphs) takes well
# under a minute into a local Oxigraph; a store that needs longer can be given --deadline.
DEADLINE = 900.0
_SHOWN_GRAPHS = 3  # graph names quoted when a push stops part-way
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
        self.replaced: list[str | None] = []  # graphs already replaced when the push stopped
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"{url}: {where}: {reason}")

    def stopped_after(self, replaced: list, total: int) -> "PushError":
        """Add to the message what the store holds now: which graphs this push had replaced."""
        self.replaced = list(replaced)
        if not replaced:
            note = "nothing in the store was changed"
        else:
            names = ", ".join("the default graph" if g is None else f"<{g}>" for g in replaced[:_SHOWN_GRAPHS])
            more = f" and {len(replaced) - _SHOWN_GRAPHS} more" if len(replaced) > _SHOWN_GRAPHS else ""
            note = (f"{len(replaced)} of {total} graph(s) were already replaced ({names}{more}); the store now mixes "
                    "this build with what it held before: push again to finish")
        self.args = (f"{self.args[0]}; {note}",)
        return self


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


class Deadline:
    """The time left for a whole push. Each request's socket timeout is at most what is left, and
    a timer shuts the open connection when it runs out (also a store that drips bytes)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.expired = False
        self._end = None if not seconds else time.monotonic() + seconds
        self._conn = None
        self._timer = None
        if seconds:
            self._timer = threading.Timer(seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()

    def left(self) -> float:
        return float("inf") if self._end is None else self._end - time.monotonic()

    def _expire(self):
        self.expired = True
        conn = self._conn
        sock = getattr(conn, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def track(self, http_class):
        """A connection factory for urllib's do_open that remembers the connection it made."""
        def make(*args, **kwargs):
            self._conn = http_class(*args, **kwargs)
            return self._conn
        return make

    def cancel(self):
        if self._timer is not None:
            self._timer.cancel()


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self._deadline = deadline

    def do_open(self, http_class, req, **kwargs):
        return super().do_open(self._deadline.track(http_class), req, **kwargs)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self._deadline = deadline

    def do_open(self, http_class, req, **kwargs):
        return super().do_open(self._deadline.track(http_class), req, **kwargs)


def _opener(endpoint: str, auth, deadline: Deadline | None = None):
    """urllib opener; with auth, HTTP Basic sent up front and Digest answered when challenged
    (Virtuoso); with a deadline, connections it can close."""
    handlers = [_HTTPHandler(deadline), _HTTPSHandler(deadline)] if deadline is not None else []
    if auth:
        user, password = auth
        mgr = urllib.request.HTTPPasswordMgrWithPriorAuth()
        mgr.add_password(None, endpoint, user, password, is_authenticated=True)
        handlers += [urllib.request.HTTPBasicAuthHandler(mgr), urllib.request.HTTPDigestAuthHandler(mgr)]
    return urllib.request.build_opener(*handlers)


def _error_body(err: urllib.error.HTTPError) -> str:
    """The start of the store's error page. HTTPError.read() gives bytes, or '' (a str) when the
    error has no body on some Pythons (Debian's 3.11.2), or fails on a closed connection."""
    try:
        raw = err.read()
    except Exception:  # noqa: BLE001 — the body is only a detail of the message
        return ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else str(raw or "")
    return text.strip()[:_BODY_EXCERPT]


def put_graph(url: str, body: bytes, opener=None, timeout: float = TIMEOUT, deadline: Deadline | None = None) -> int:
    """PUT one N-Triples body; returns the HTTP status or raises PushError."""
    opener = opener or urllib.request.build_opener()
    if deadline is not None:
        if deadline.expired or deadline.left() <= 0:
            raise PushError(url, None, f"not sent: the push deadline of {deadline.seconds:g} s had passed (--deadline)")
        timeout = min(timeout, deadline.left())
    req = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": N_TRIPLES})
    try:
        with opener.open(req, timeout=timeout) as resp:
            resp.read()
            if deadline is not None and deadline.expired:  # an answer cut short by the timer is no answer
                raise TimeoutError("deadline")
            return resp.status
    except urllib.error.HTTPError as err:
        detail = _error_body(err)
        hint = _HINTS.get(err.code, err.reason)
        raise PushError(url, err.code, f"{hint}{': ' + detail if detail else ''}") from err
    except (OSError, http.client.HTTPException) as err:  # URLError, timeouts, resets, a closed socket
        if deadline is not None and deadline.expired:
            raise PushError(url, None, f"no complete answer within the push deadline of {deadline.seconds:g} s "
                                       "(--deadline)") from err
        if isinstance(err, urllib.error.URLError):
            raise PushError(url, None, f"cannot connect: {err.reason}") from err
        raise PushError(url, None, f"connection failed: {type(err).__name__}: {err}") from err


def push(path: str | Path, endpoint: str, auth: tuple[str, str] | None = None, *, progress=None,
         deadline: float | None = DEADLINE) -> PushReport:
    """Replace each graph of the RDF file `path` in the store at `endpoint` (one PUT per graph).

    `auth` is (user, password) for HTTP Basic or Digest. `progress(graph, n_triples)` is called after
    each PUT. `deadline`: seconds for the whole push (None or 0: no limit). A PushError raised
    part-way lists the graphs already replaced (`err.replaced`, and in its message).
    """
    import pyoxigraph as ox

    from .build import check_published

    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(endpoint, None, "not an http(s) URL; give the store's Graph Store endpoint, e.g. http://localhost:7878/store")
    check_published(path)  # never push half of an interrupted build
    graphs = read_dataset(path)
    report = PushReport(endpoint=endpoint)
    watch = Deadline(deadline)
    opener = _opener(endpoint, auth, watch)
    try:
        for graph, triples in graphs.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            try:
                put_graph(graph_url(endpoint, graph), body, opener, deadline=watch)
            except PushError as err:
                raise err.stopped_after(list(report.graphs), len(graphs)) from err.__cause__
            report.graphs[graph] = len(triples)
            if progress:
                progress(graph, len(triples))
    finally:
        watch.cancel()
    return report


def plain_http_warning(endpoint: str, auth) -> str | None:
    """A warning when credentials would cross the network unencrypted (HTTP Basic is sent as is)."""
    if auth and urllib.parse.urlsplit(endpoint).scheme == "http":
        return ("warning: sending --user/--password over plain http: anyone on the network path can read them; "
                "use an https endpoint")
    return None


def push_command(args) -> int:
    auth = None
    if args.user is not None or args.password is not None:
        auth = (args.user or "", args.password or "")
    warning = plain_http_warning(args.endpoint, auth)
    if warning:
        print(warning, file=sys.stderr)
    report = push(args.graph, args.endpoint, auth, deadline=getattr(args, "deadline", DEADLINE))
    named = sum(1 for g in report.graphs if g is not None)
    print(f"pushed {report.triples:,} triples in {named} named graph(s)"
          f"{' + the default graph' if None in report.graphs else ''} to {args.endpoint}")
    return 0
