"""Graph Store HTTP Protocol upload, against a real Oxigraph server on loopback."""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.errors import InputError, KGError
from kg.cli import main
from kg.push import PushError, graph_url, plain_http_warning, push, push_command, read_dataset

ID = "https://w3id.org/cn-policy-kg/id/"
KG = "https://w3id.org/cn-policy-kg/ontology#"

# Two document graphs (one with a blank node, as prov:qualifiedAssociation makes), the
# entities graph and the build graph: the shape `kg build` writes to out/graph.trig.
TRIG = f"""
@prefix kg: <{KG}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

<{ID}doc/jsz-2022-27> {{
  <{ID}doc/jsz-2022-27> a kg:Document ; kg:mentions <{ID}department/晋城市市场监督管理局> .
  <{ID}measure/jsz-2022-27/1> a kg:Measure ; kg:inDocument <{ID}doc/jsz-2022-27> ;
      prov:qualifiedAssociation [ prov:agent <{ID}department/晋城市市场监督管理局> ; kg:unitOrder 1 ] .
}}
<{ID}doc/jsz-2022-31> {{
  <{ID}doc/jsz-2022-31> a kg:Document ; kg:cites <{ID}doc/jsz-2022-27> .
}}
<{ID}graph/entities> {{
  <{ID}department/晋城市市场监督管理局> a kg:Department ; skos:prefLabel "晋城市市场监督管理局"@zh ;
      skos:altLabel "市市场监管局"@zh .
}}
<{ID}graph/build> {{ <{ID}graph/build> kg:version "0.1.0" . }}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph_bin() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """An Oxigraph server on a free loopback port; yields its base URL."""
    exe = _oxigraph_bin()
    if exe is None:
        pytest.skip("oxigraph server not installed (pip install oxigraph)")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxi")), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode(errors='replace')[:500]}")
            time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _select(base: str, query: str) -> list[dict]:
    url = f"{base}/query?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["results"]["bindings"]


def _counts(base: str) -> dict[str, int]:
    rows = _select(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def _default_count(base: str) -> int:
    return int(_select(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])


def _clear(base: str):
    req = urllib.request.Request(f"{base}/update", data=b"CLEAR ALL", method="POST",
                                 headers={"Content-Type": "application/sparql-update"})
    urllib.request.urlopen(req, timeout=10).read()


@pytest.fixture
def trig(tmp_path) -> Path:
    path = tmp_path / "graph.trig"
    path.write_text(TRIG, encoding="utf-8")
    return path


def test_push_twice_replaces_each_named_graph(oxigraph, trig):
    _clear(oxigraph)
    expected = {g: len(ts) for g, ts in read_dataset(trig).items()}
    assert expected == {f"{ID}doc/jsz-2022-27": 7, f"{ID}doc/jsz-2022-31": 2,
                        f"{ID}graph/build": 1, f"{ID}graph/entities": 3}
    first = push(trig, f"{oxigraph}/store")
    assert first.graphs == expected
    assert _counts(oxigraph) == expected
    push(trig, f"{oxigraph}/store")  # idempotent: PUT replaces, it does not append
    assert _counts(oxigraph) == expected


def test_push_rebuilt_document_replaces_old_triples(oxigraph, trig, tmp_path):
    _clear(oxigraph)
    push(trig, f"{oxigraph}/store")
    smaller = tmp_path / "v2.trig"
    smaller.write_text(TRIG.replace(f"; kg:cites <{ID}doc/jsz-2022-27> ", ""), encoding="utf-8")
    push(smaller, f"{oxigraph}/store")
    assert _counts(oxigraph)[f"{ID}doc/jsz-2022-31"] == 1
    rows = _select(oxigraph, f"SELECT ?o WHERE {{ GRAPH <{ID}doc/jsz-2022-31> {{ ?s <{KG}cites> ?o }} }}")
    assert rows == []


def test_push_plain_graph_goes_to_default_graph(oxigraph, tmp_path):
    _clear(oxigraph)
    ttl = tmp_path / "graph.ttl"
    ttl.write_text(f'<{ID}county/泽州县> <{KG}adminCode> "140525" .\n', encoding="utf-8")
    for _ in range(2):
        report = push(ttl, f"{oxigraph}/store")
    assert report.graphs == {None: 1}
    assert _counts(oxigraph) == {}
    assert _default_count(oxigraph) == 1


@pytest.mark.parametrize("path, status, detail", [
    ("/query", 404, "PUT /query is not supported"),  # the query endpoint, not the graph store
    ("/no-such-endpoint", 404, "is this the Graph Store endpoint"),
])
def test_push_refused_names_url_and_status(oxigraph, trig, path, status, detail):
    with pytest.raises(PushError) as info:
        push(trig, f"{oxigraph}{path}")
    err = info.value
    assert isinstance(err, KGError)
    assert err.status == status
    assert f"HTTP {status}" in str(err) and f"{oxigraph}{path}?graph=" in str(err) and detail in str(err)


@pytest.mark.parametrize("endpoint, fragment", [
    ("ftp://example.org/store", "not an http(s) URL"),
    ("localhost:7878/store", "not an http(s) URL"),
])
def test_push_rejects_non_http_endpoint(trig, endpoint, fragment):
    with pytest.raises(PushError, match=re.escape(fragment)):
        push(trig, endpoint)


def test_push_unreachable_store_has_no_status(trig):
    endpoint = f"http://127.0.0.1:{_free_port()}/store"  # nothing listens there
    with pytest.raises(PushError, match="cannot connect") as info:
        push(trig, endpoint)
    assert info.value.status is None and endpoint in str(info.value)


@pytest.mark.parametrize("name, content, fragment", [
    ("graph.xyz", "", "unknown RDF format"),
    ("missing.trig", None, "no such file"),
    ("broken.trig", "<a> <b> .", "not valid TRIG"),
])
def test_push_bad_input_file(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=fragment):
        push(path, "http://127.0.0.1:9/store")


@pytest.mark.parametrize("endpoint, graph, url", [
    ("http://h/store", None, "http://h/store?default"),
    ("http://h/store", "http://x/g", "http://h/store?graph=http%3A%2F%2Fx%2Fg"),
    ("http://h/ds/data?x=1", "http://x/g", "http://h/ds/data?x=1&graph=http%3A%2F%2Fx%2Fg"),
    ("http://h/store", f"{ID}department/市局", "http://h/store?graph=https%3A%2F%2Fw3id.org%2Fcn-policy-kg%2Fid%2Fdepartment%2F%E5%B8%82%E5%B1%80"),
])
def test_push_graph_url(endpoint, graph, url):
    assert graph_url(endpoint, graph) == url


class _AuthStore(http.server.BaseHTTPRequestHandler):
    """A GSP store that wants user/secret by HTTP Basic or (like Virtuoso) Digest, and records what it got."""

    scheme = "Basic"
    received: list = []

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if self.scheme == "Basic":
            return header == "Basic " + base64.b64encode(b"user:secret").decode()
        if not header.startswith("Digest "):
            return False
        f = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[len("Digest "):]))
        md5 = lambda x: hashlib.md5(x.encode()).hexdigest()  # noqa: E731
        ha1, ha2 = md5(f"user:kg:secret"), md5(f"PUT:{f['uri']}")
        return f.get("response") == md5(f"{ha1}:{f['nonce']}:{f['nc']}:{f['cnonce']}:{f['qop']}:{ha2}")

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if not self._authorised():
            self.send_response(401)
            challenge = 'Basic realm="kg"' if self.scheme == "Basic" else 'Digest realm="kg", nonce="n0nce", qop="auth", algorithm=MD5'
            self.send_header("WWW-Authenticate", challenge)
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b"login please")
            return
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(params=["Basic", "Digest"])
def auth_store(request):
    _AuthStore.scheme = request.param
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AuthStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _AuthStore.received = []
    yield f"http://127.0.0.1:{server.server_address[1]}/data"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("auth, status", [(None, 401), (("user", "wrong"), 401), (("user", "secret"), None)])
def test_push_http_auth(auth_store, trig, auth, status):
    if status is None:
        report = push(trig, auth_store, auth)
        assert len(_AuthStore.received) == 4 == len(report.graphs)
        assert {ct for _, ct, _ in _AuthStore.received} == {"application/n-triples"}
        assert sum(body.count(b"\n") for _, _, body in _AuthStore.received) == report.triples
    else:
        with pytest.raises(PushError, match="HTTP 401: authentication required or refused") as info:
            push(trig, auth_store, auth)
        assert info.value.status == status


def test_push_command_reports_counts(oxigraph, trig, capsys):
    _clear(oxigraph)
    args = type("Args", (), {"graph": str(trig), "endpoint": f"{oxigraph}/store", "user": None, "password": None})()
    assert push_command(args) == 0
    assert "pushed 13 triples in 4 named graph(s)" in capsys.readouterr().out


class _FlakyStore(http.server.BaseHTTPRequestHandler):
    """A GSP store that accepts the first `ok` PUTs, then misbehaves as `mode` says: "drip" sends its
    status line and then one header byte every 0.2 s for ever; "403" refuses."""

    mode, ok, seen = "drip", 1, 0

    def do_PUT(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen += 1
        if self.seen <= self.ok:
            self.send_response(204)
            self.end_headers()
            return
        if self.mode == "403":
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.wfile.write(b"HTTP/1.1 204 No Content\r\n")
        try:
            for _ in range(3000):
                self.wfile.write(b"X")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_store():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FlakyStore)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _FlakyStore.seen = 0
    yield f"http://127.0.0.1:{server.server_address[1]}/store"
    server.shutdown()
    server.server_close()


FIRST_GRAPH = f"{ID}doc/jsz-2022-27"


def test_push_deadline_stops_a_store_that_drips_bytes(flaky_store, trig):
    _FlakyStore.mode, _FlakyStore.ok = "drip", 1
    t0 = time.monotonic()
    with pytest.raises(PushError) as info:
        push(trig, flaky_store, deadline=3)
    elapsed = time.monotonic() - t0
    assert 2.5 < elapsed < 6  # the per-read timeout (120 s) never fires on a dripping store
    message = str(info.value)
    assert "push deadline of 3 s" in message
    assert f"1 of 4 graph(s) were already replaced (<{FIRST_GRAPH}>)" in message and "push again" in message
    assert info.value.replaced == [FIRST_GRAPH]


def test_push_failure_part_way_names_the_graphs_already_replaced(flaky_store, trig, capsys):
    _FlakyStore.mode, _FlakyStore.ok = "403", 2
    rc = main(["push", "--graph", str(trig), "--endpoint", flaky_store])
    err = capsys.readouterr().err
    assert rc == 6 and "HTTP 403" in err and "Traceback" not in err
    assert f"2 of 4 graph(s) were already replaced (<{FIRST_GRAPH}>, <{ID}doc/jsz-2022-31>)" in err
    _FlakyStore.seen, _FlakyStore.ok = 0, 0
    assert main(["push", "--graph", str(trig), "--endpoint", flaky_store]) == 6
    assert "nothing in the store was changed" in capsys.readouterr().err


@pytest.mark.parametrize("endpoint, user, warned", [
    ("http://store.example:7878/store", "admin", True),
    ("http://127.0.0.1:7878/store", "admin", True),
    ("https://store.example/store", "admin", False),
    ("http://store.example:7878/store", None, False),
])
def test_push_warns_when_credentials_go_over_plain_http(flaky_store, trig, capsys, endpoint, user, warned):
    _FlakyStore.mode, _FlakyStore.ok = "403", 100
    auth = (user, "secret") if user else None
    assert (plain_http_warning(endpoint, auth) is not None) == warned
    args = ["push", "--graph", str(trig), "--endpoint", flaky_store] + (["--user", user, "--password", "secret"] if user else [])
    assert main(args) == 0
    assert ("warning: sending --user/--password over plain http" in capsys.readouterr().err) == bool(user)
