"""A read-only SPARQL 1.1 Protocol endpoint over one graph file.

    kg serve --graph out/graph.ttl            # http://127.0.0.1:3030/sparql

The HTTP side (stdlib ThreadingHTTPServer) only reads requests and formats answers; every
query is parsed, vetted and evaluated in a worker process that holds the graph. A query
that outlives its deadline gets 503 and its worker is killed (a thread cannot be stopped;
a process can) and replaced in the background. The last free worker runs a query for at most
SHORT_TIMEOUT seconds, so runaway queries can hold all workers but one, and a short query still
gets an answer at once. Workers end with the server (SIGTERM, Ctrl-C, even SIGKILL). No CORS
header unless origins are allowed with `--cors ORIGIN`: otherwise any web page the user visits
could read the local endpoint. Refused with 4xx: updates (403), SERVICE and FROM/FROM NAMED of graphs the dataset does
not hold (403: the endpoint never fetches remote data or files), queries over
MAX_QUERY_BYTES (413), malformed queries (400, with line and column).
"""
from __future__ import annotations

import html
import ipaddress
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from rdflib import BNode, Graph, Literal, Variable
from rdflib.query import Result as RDFResult

from .errors import InputError

MAX_QUERY_BYTES = 64 * 1024
DEFAULT_TIMEOUT = 10.0
SHORT_TIMEOUT = 2.0  # seconds a query may run on the last free worker
DEFAULT_WORKERS = 3  # two for any query, the third kept for short ones while those run
DEFAULT_MAX_ROWS = 10_000
ENDPOINT_PATHS = ("/", "/sparql", "/query")

# format token → media type; SELECT/ASK results and CONSTRUCT/DESCRIBE graphs
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
    "nt": "application/n-triples",
}
# what clients send (format=, output=, results= or Accept) → our token, per result kind
_RESULT_ALIASES = {
    "json": "json", "srj": "json", "application/sparql-results+json": "json", "application/json": "json",
    "xml": "xml", "srx": "xml", "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/xml": "xml", "csv": "csv", "text/csv": "csv", "tsv": "tsv", "text/tab-separated-values": "tsv",
    "html": "html", "text/html": "html",
}
_GRAPH_ALIASES = {
    "turtle": "turtle", "ttl": "turtle", "n3": "turtle", "text/turtle": "turtle", "application/turtle": "turtle",
    "application/x-turtle": "turtle", "text/n3": "turtle", "text/rdf+n3": "turtle",
    "json-ld": "json-ld", "jsonld": "json-ld", "json": "json-ld", "application/ld+json": "json-ld",
    "application/x-json+ld": "json-ld", "application/json": "json-ld",
    "xml": "xml", "rdf": "xml", "rdfxml": "xml", "rdf+xml": "xml", "application/rdf+xml": "xml",
    "application/xml": "xml", "text/xml": "xml",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt", "application/n-triples": "nt", "text/plain": "nt",
}


class Refused(Exception):
    """A request the endpoint will not run; carries the HTTP status."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


# --- the worker process ----------------------------------------------------------------------

def vet(text: str, graph_names=frozenset()) -> str:
    """The query form (SELECT | ASK | CONSTRUCT | DESCRIBE) of a query the endpoint may run;
    raises Refused for updates, SERVICE, FROM of foreign graphs, and syntax errors."""
    from .errors import QueryError
    from .query import check_syntax, grammar_nodes, remote_access

    try:
        tree = check_syntax(text, "query")
    except QueryError as err:
        status = 403 if "updates are not allowed" in str(err) else 400
        raise Refused(status, str(err)) from None
    reason = remote_access(tree, graph_names)
    if reason:
        raise Refused(403, reason)
    form = "SELECT"
    for comp in grammar_nodes(tree):
        if comp.name in ("SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery"):
            form = comp.name[:-5].upper()
    return form


def _load_for_worker(graph_path, engine, persist_dir):
    import rdflib.plugins.sparql as rdflib_sparql

    from .store import open_graph

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # rdflib would fetch FROM <url>; never do that
    return open_graph(graph_path, engine=engine, persist_dir=persist_dir,
                      read_only=persist_dir is not None)


def _execute(graph, graph_names, text: str, max_rows: int):
    form = vet(text, graph_names)
    res = graph.query(text)
    if form == "ASK":
        return ("ok", "ASK", bool(res.askAnswer), False)
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = []
        for t in res.graph if res.graph is not None else ():
            if len(triples) == max_rows:
                return ("ok", form, triples, True)
            triples.append(t)
        return ("ok", form, triples, False)
    variables = [str(v) for v in res.vars]
    rows = []
    for row in res:
        if len(rows) == max_rows:
            return ("ok", "SELECT", (variables, rows), True)
        rows.append(tuple(row))
    return ("ok", "SELECT", (variables, rows), False)


def _worker_main(conn, graph_path, engine, persist_dir):
    """Load the graph once, then answer (query, max_rows) requests until the pipe closes."""
    from .query import graph_names

    try:
        graph = _load_for_worker(graph_path, engine, persist_dir)
        names = frozenset(graph_names(graph))
    except Exception as err:  # report any load failure to the parent, which raises it
        conn.send(("error", 500, f"cannot load {graph_path}: {err}"))
        return
    try:  # the first query parses with a grammar built on first use (~1 s): not on a user's time
        _execute(graph, names, "ASK {}", 1)
    except Exception:  # noqa: BLE001 — warming up only
        pass
    conn.send(("ready", len(graph)))
    while True:
        try:
            text, max_rows = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = _execute(graph, names, text, max_rows)
        except Refused as err:
            reply = ("error", err.status, str(err))
        except Exception as err:  # evaluation errors become a 400 with the engine's message
            reply = ("error", 400, f"query failed: {type(err).__name__}: {err}")
        try:
            conn.send(reply)
        except Exception as err:  # e.g. an unpicklable term
            conn.send(("error", 500, f"cannot return the result: {err}"))


class _Worker:
    """One worker: a fresh interpreter (`python -c`) on one end of a socket pair.

    A plain subprocess rather than multiprocessing's spawn, which re-imports the caller's
    __main__ (fails in scripts without a main guard and in notebooks)."""

    def __init__(self, graph_path, engine, persist_dir, startup_timeout):
        parent, child = socket.socketpair()
        code = ("import sys; from kg.serve import _worker_entry; "
                "_worker_entry(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(child.fileno()), str(graph_path), engine, str(persist_dir or ""),
             str(os.getpid())],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        child.close()
        self.conn = Connection(parent.detach())
        if not self.conn.poll(startup_timeout):
            self.kill()
            raise RuntimeError(f"worker did not load {graph_path} within {startup_timeout:.0f} s")
        try:
            msg = self.conn.recv()
        except EOFError:
            self.kill()
            raise RuntimeError(f"worker exited while loading {graph_path}") from None
        if msg[0] != "ready":
            self.kill()
            raise RuntimeError(msg[2])
        self.triples = msg[1]

    def kill(self):
        try:
            self.proc.kill()
            self.proc.wait(5)
        finally:
            self.conn.close()


def _worker_entry(fd: int, graph_path: str, engine: str, persist_dir: str, parent_pid: int | None = None):
    if parent_pid is not None:  # a query running when the server is killed must not live on
        from .parallel import exit_with

        exit_with(parent_pid)
    _worker_main(Connection(fd), graph_path, engine, persist_dir or None)


class WorkerPool:
    """Worker processes that each hold the graph; a request borrows one for one query."""

    def __init__(self, graph_path, engine="auto", persist_dir=None, size=DEFAULT_WORKERS, startup_timeout=300.0,
                 short_timeout=SHORT_TIMEOUT):
        self._args = (graph_path, engine, persist_dir, startup_timeout)
        self.short_timeout = short_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        for _ in range(size):
            try:
                self._add(_Worker(*self._args))
            except RuntimeError as err:
                self.close()
                raise InputError(graph_path, str(err)) from None
        self.triples = next(iter(self._all)).triples if self._all else 0

    def _add(self, w: _Worker):
        with self._lock:
            if self._closed:
                w.kill()
                return
            self._all.add(w)
        self._idle.put(w)

    def _replace(self, dead: _Worker):
        with self._lock:
            self._all.discard(dead)
        dead.kill()

        def start():
            try:
                self._add(_Worker(*self._args))
            except RuntimeError:
                pass  # the next request will find the pool smaller; close() ends it anyway
        threading.Thread(target=start, daemon=True, name="kg-serve-respawn").start()

    def run(self, text: str, timeout: float, max_rows: int):
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Refused(503, f"all query workers busy for {timeout:g} s; try again") from None
        # the last free worker is kept for short queries: long ones may hold all the others
        last = self._idle.qsize() == 0 and len(self._all) > 1
        budget = min(timeout, self.short_timeout) if last else timeout
        deadline = time.monotonic() + budget
        try:
            w.conn.send((text, max_rows))
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(w)
                if budget < timeout:
                    raise Refused(503, f"query stopped after {budget:g} s: the other workers are busy with long "
                                       "queries, so the last free one runs only short ones; try again later")
                raise Refused(503, f"query timed out after {timeout:g} s and was stopped")
            reply = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(w)
            raise Refused(500, "query worker died; it has been restarted") from None
        self._idle.put(w)
        if reply[0] == "error":
            raise Refused(reply[1], reply[2])
        return reply[1:]

    def close(self):
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


# --- formatting ------------------------------------------------------------------------------

def _nt(term) -> str:
    """A term as SPARQL TSV writes it (Turtle/N-Triples syntax)."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        from .query import sparql_term

        return sparql_term(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


def _rdflib_result(kind, payload) -> RDFResult:
    if kind == "ASK":
        r = RDFResult("ASK")
        r.askAnswer = payload
        return r
    variables, rows = payload
    r = RDFResult("SELECT")
    r.vars = [Variable(v) for v in variables]
    r.bindings = [{Variable(v): t for v, t in zip(variables, row) if t is not None} for row in rows]
    return r


def _csv_cell(term) -> str:
    s = "" if term is None else f"_:{term}" if isinstance(term, BNode) else str(term)
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\r\n') else s


def render_results(kind, payload, fmt: str) -> bytes:
    """SELECT / ASK results in a SPARQL results format (json, xml, csv, tsv, html)."""
    if fmt in ("json", "xml"):
        out = _rdflib_result(kind, payload).serialize(format=fmt)
        return out if isinstance(out, bytes) else out.encode("utf-8")
    if kind == "ASK":  # CSV/TSV define no boolean form; this is what Jena writes
        word = "true" if payload else "false"
        return {"csv": f"_askResult\r\n{word}\r\n", "tsv": f"?_askResult\n{word}\n",
                "html": _html_page(f"<p>ASK: <b>{word}</b></p>")}[fmt].encode("utf-8")
    variables, rows = payload
    if fmt == "csv":
        lines = [",".join(variables)] + [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)] + ["\t".join(_nt(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    head = "".join(f"<th>{html.escape(v)}</th>" for v in variables)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if t is None else str(t))}</td>" for t in row)
                   + "</tr>" for row in rows)
    return _html_page(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                      f"<p>{len(rows)} rows</p>").encode("utf-8")


def render_graph(triples, fmt: str) -> bytes:
    from .stats import PREFIXES

    g = Graph()
    for ns, prefix in PREFIXES.items():
        g.bind(prefix.rstrip(":"), ns)
    for t in triples:
        g.add(t)
    out = g.serialize(format={"turtle": "turtle", "json-ld": "json-ld", "xml": "xml", "nt": "nt"}[fmt])
    return out if isinstance(out, bytes) else out.encode("utf-8")


def negotiate(kind: str, requested: str | None, accept: str | None) -> str:
    """Our format token for a result kind from format=/output= or the Accept header."""
    graph = kind in ("CONSTRUCT", "DESCRIBE")
    aliases, default = (_GRAPH_ALIASES, "turtle") if graph else (_RESULT_ALIASES, "json")
    if requested:
        token = aliases.get(requested.strip().lower())
        if token is None:
            choices = ", ".join(sorted(GRAPH_TYPES if graph else RESULT_TYPES))
            raise Refused(406, f"format {requested!r} not available for {kind}; choose one of {choices}")
        return token
    if not accept:
        return default
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *opts = [p.strip() for p in part.split(";")]
        q = 1.0
        for o in opts:
            if o.startswith("q="):
                try:
                    q = float(o[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, media.lower()))
    for _, _, media in sorted(ranked):
        if media in aliases:
            return aliases[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


# --- HTTP ------------------------------------------------------------------------------------

_PAGE_STYLE = ("body{font-family:sans-serif;margin:2em}textarea{width:100%;font-family:monospace}"
               "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}")
_EXAMPLE = """PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?measure ?unit WHERE {
  ?m a kg:Measure ; skos:prefLabel ?measure ; kg:ledBy/skos:prefLabel ?unit .
} LIMIT 20"""


def _html_page(body: str) -> str:
    return (f"<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>kg SPARQL</title>"
            f"<style>{_PAGE_STYLE}</style></head><body>{body}</body></html>")


def form_page(query: str = _EXAMPLE, triples: int = 0) -> bytes:
    """The page at /: a form that sends a query to /sparql, and the named queries of queries/
    (`/?example=NAME` puts one in the form). Every value is escaped."""
    from urllib.parse import quote

    from .query import named_queries

    options = "".join(f'<option value="{html.escape(f)}">{html.escape(f)}</option>'
                      for f in ("html", "json", "xml", "csv", "tsv", "turtle", "json-ld"))
    examples = "".join(
        f'<li><a href="/?example={quote(nq.name)}">{html.escape(nq.name)}</a> — {html.escape(nq.description)}'
        + (f" <i>(bind {html.escape(', '.join('?' + p for p in nq.param_names))} with VALUES)</i>"
           if nq.params else "") + "</li>"
        for nq in named_queries().values())
    body = (f"<h1>kg SPARQL endpoint</h1><p>{triples} triples, read-only.</p>"
            f"<form method=\"get\" action=\"/sparql\"><textarea name=\"query\" rows=\"16\">"
            f"{html.escape(query)}</textarea><p>format <select name=\"format\">{options}</select> "
            f"<button type=\"submit\">Run</button></p></form><h2>Named queries</h2><ul>{examples}</ul>")
    return _html_page(body).encode("utf-8")


LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]", ""}


class SparqlHandler(BaseHTTPRequestHandler):
    server_version = "kg-sparql/0.1"
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a client may take to send its request (slow senders hold a thread)

    # set by make_server on the server object
    def log_message(self, fmt, *args):  # quiet unless the server says otherwise
        if getattr(self.server, "verbose", False):
            super().log_message(fmt, *args)

    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept, Origin")
        allowed = self._allowed_origin()
        if allowed:
            self.send_header("Access-Control-Allow-Origin", allowed)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str):
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _allowed_origin(self) -> str | None:
        """The Access-Control-Allow-Origin value for this request: only for origins given with
        --cors (or "*" when that was given); none by default, so web pages cannot read answers."""
        origin = self.headers.get("Origin")
        allowed = getattr(self.server, "cors", ())
        if not origin or not allowed:
            return None
        if "*" in allowed:
            return "*"
        return origin if origin.rstrip("/").lower() in allowed else None

    def do_OPTIONS(self):
        """CORS preflight (a page POSTing application/sparql-query): answered for --cors origins only."""
        if self._foreign_host():
            return
        if not self._allowed_origin():
            return self._error(403, f"cross-origin requests from {self.headers.get('Origin') or '(no origin)'} are "
                                    "not allowed; start kg serve with --cors ORIGIN to allow a web page")
        self._send(204, b"", "text/plain; charset=utf-8", {
            "Access-Control-Allow-Methods": "GET, POST, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "600"})

    def _foreign_host(self) -> bool:
        """On a loopback socket, answer only requests addressed to a loopback name.

        A web page can make the browser send requests to 127.0.0.1 under its own domain name
        (DNS rebinding); its Host header then names that domain, and we refuse it.
        """
        if not self.server.loopback_only:
            return False
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        if name in LOOPBACK_NAMES:
            return False
        self._error(403, f"Host {host!r} refused: this endpoint answers loopback names only (start it with --host to serve others)")
        return True

    def do_GET(self):
        if self._foreign_host():
            return
        url = urlsplit(self.path)
        if url.path not in ENDPOINT_PATHS:
            return self._error(404, f"{url.path}: not found; the endpoint is /sparql")
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            return self._error(403, "updates are not allowed: this endpoint is read-only")
        if "query" not in params:
            if url.path == "/":
                from .query import named_queries

                example = named_queries().get((params.get("example") or [""])[0])
                text = example.text if example else _EXAMPLE
                return self._send(200, form_page(text, self.server.pool.triples), "text/html; charset=utf-8")
            return self._error(400, "missing query parameter: GET /sparql?query=…")
        self._answer(params)

    do_HEAD = do_GET

    def do_POST(self):
        if self._foreign_host():
            return
        url = urlsplit(self.path)
        if url.path not in ENDPOINT_PATHS:
            return self._error(404, f"{url.path}: not found; the endpoint is /sparql")
        length = self.headers.get("Content-Length")
        if length is None:
            return self._error(411, "POST needs a Content-Length")
        try:
            length = int(length)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return self._error(400, f"Content-Length {self.headers.get('Content-Length')!r}: "
                                    "not a byte count")
        if length > self.server.max_request:
            self.close_connection = True
            return self._error(413, f"request of {length} bytes refused; the limit is {self.server.max_request}")
        body = self.rfile.read(length)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/sparql-update":
            return self._error(403, "updates are not allowed: this endpoint is read-only")
        if ctype == "application/sparql-query":
            params["query"] = [body.decode("utf-8", errors="replace")]
        elif ctype == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                return self._error(403, "updates are not allowed: this endpoint is read-only")
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
        else:
            return self._error(415, f"Content-Type {ctype or '(none)'} not supported; send "
                                    "application/sparql-query or application/x-www-form-urlencoded")
        if "query" not in params:
            return self._error(400, "missing query")
        self._answer(params)

    def do_PUT(self):
        self._error(405, "read-only endpoint: use GET or POST with a query")

    do_DELETE = do_PATCH = do_PUT

    def _answer(self, params: dict):
        srv = self.server
        text = params["query"][0]
        if len(text.encode("utf-8")) > srv.max_request:
            return self._error(413, f"query of {len(text.encode('utf-8'))} bytes refused; "
                                    f"the limit is {srv.max_request}")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self._error(400, "default-graph-uri / named-graph-uri not supported: the dataset is "
                                    "fixed, and the endpoint never loads other graphs")
        requested = next((params[k][0] for k in ("format", "output", "results") if params.get(k)), None)
        try:
            kind, payload, truncated = srv.pool.run(text, srv.query_timeout, srv.max_rows)
            fmt = negotiate(kind, requested, self.headers.get("Accept"))
            if kind in ("CONSTRUCT", "DESCRIBE"):
                body, ctype = render_graph(payload, fmt), GRAPH_TYPES[fmt]
            else:
                body, ctype = render_results(kind, payload, fmt), RESULT_TYPES[fmt]
        except Refused as err:
            return self._error(err.status, str(err))
        extra = {"X-KG-Truncated": f"max-rows={srv.max_rows}"} if truncated else {}
        self._send(200, body, f"{ctype}; charset=utf-8", extra)


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def server_close(self):
        super().server_close()
        self.pool.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"


def make_server(graph_path, host: str = "127.0.0.1", port: int = 0, timeout: float = DEFAULT_TIMEOUT,
                max_rows: int = DEFAULT_MAX_ROWS, *, engine: str = "auto", persist_dir=None,
                workers: int = DEFAULT_WORKERS, max_request: int = MAX_QUERY_BYTES, verbose: bool = False,
                cors=()) -> SparqlServer:
    """A ready server (workers loaded, socket bound; port 0 picks a free one); call serve_forever().

    `cors`: origins (scheme://host[:port], or "*") whose web pages may read the answers."""
    from .store import check_graph_path, open_store

    cors = tuple(check_origin(o) for o in cors or ())
    graph_path = check_graph_path(graph_path)
    if persist_dir is not None:  # load or refresh the store once, then workers open it read-only
        open_store(persist_dir, graph_path)  # closed when the returned store is collected
    pool = WorkerPool(Path(graph_path), engine=engine, persist_dir=persist_dir, size=workers)
    try:
        server = SparqlServer((host, port), SparqlHandler)
    except OSError:
        pool.close()
        raise
    server.pool = pool
    server.loopback_only = ipaddress.ip_address(server.server_address[0]).is_loopback
    server.query_timeout = timeout
    server.max_rows = max_rows
    server.max_request = max_request
    server.verbose = verbose
    server.cors = cors
    return server


def check_origin(origin: str) -> str:
    """A --cors value as browsers send it in Origin (scheme://host[:port], lower case), or "*"."""
    value = origin.strip().rstrip("/").lower()
    if value == "*":
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
        raise InputError(origin, "not a web origin for --cors; give scheme://host[:port], e.g. "
                                 "https://example.org or http://localhost:8000 (or * for any page)")
    return value


def serve_command(args) -> int:
    from .parallel import sigterm_as_interrupt

    with sigterm_as_interrupt():  # SIGTERM stops the server as Ctrl-C does: workers killed with it
        server = make_server(args.graph, args.host, args.port, args.timeout, args.max_rows,
                             engine=getattr(args, "engine", "auto"), persist_dir=getattr(args, "store", None),
                             verbose=True, cors=getattr(args, "cors", None) or ())
        try:
            print(f"kg SPARQL endpoint on {server.url} ({server.pool.triples} triples; read-only; "
                  f"timeout {args.timeout:g} s, max {args.max_rows} rows). Ctrl-C stops it.", flush=True)
            if args.host not in ("127.0.0.1", "localhost", "::1"):
                print(f"warning: listening on {args.host}, reachable from other machines", flush=True)
            if server.cors:
                print(f"web pages of {', '.join(server.cors)} may read the answers (--cors)", flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


__all__ = ["make_server", "serve_command", "vet", "negotiate", "render_results", "render_graph", "Refused",
           "WorkerPool"]
