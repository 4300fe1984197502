"""The SPARQL endpoint, driven by SPARQLWrapper (a real SPARQL 1.1 Protocol client) and urllib."""
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.errors import InputError
from kg.serve import check_origin, make_server, negotiate

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
PREFIXES = """PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
LED = PREFIXES + """SELECT ?title WHERE {
  ?m kg:ledBy/skos:prefLabel "市市场监管局"@zh ; skos:prefLabel ?title } ORDER BY ?title"""
ASK_TRUE = PREFIXES + 'ASK { ?m kg:ledBy/skos:prefLabel "市市场监管局"@zh }'
CONSTRUCT = PREFIXES + """CONSTRUCT { ?m kg:ledBy ?u } WHERE { ?m kg:ledBy ?u }"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?x ?y ?z }"
TITLES = ["形成鼓励创新创造的政策导向", "提高企业知识产权创造能力"]


def _start(path, **kw):
    srv = make_server(path, "127.0.0.1", 0, **kw)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture(scope="module")
def server():
    srv = _start(MINI, timeout=1.5, max_rows=50, engine="oxigraph")
    yield srv
    srv.shutdown()
    srv.server_close()


def _client(srv, query, fmt, method="GET", direct=False):
    sw = SPARQLWrapper(srv.url)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method == "POST":
        sw.setMethod(POST)
        if direct:
            sw.setRequestMethod(POSTDIRECTLY)
    return sw


def _http(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode("utf-8")


# --- SELECT / ASK / CONSTRUCT in every format, GET and POST ------------------------------------

METHODS = [("GET", False), ("POST", False), ("POST", True)]


@pytest.mark.parametrize("method,direct", METHODS)
def test_serve_select_json(server, method, direct):
    res = _client(server, LED, JSON, method, direct).queryAndConvert()
    assert [b["title"]["value"] for b in res["results"]["bindings"]] == TITLES
    assert res["results"]["bindings"][0]["title"]["xml:lang"] == "zh"


@pytest.mark.parametrize("method,direct", METHODS)
def test_serve_select_xml(server, method, direct):
    doc = _client(server, LED, XML, method, direct).queryAndConvert()
    assert [n.firstChild.data for n in doc.getElementsByTagName("literal")] == TITLES


@pytest.mark.parametrize("fmt,header,sep", [(CSV, "title", ","), (TSV, "?title", "\t")])
def test_serve_select_csv_tsv(server, fmt, header, sep):
    raw = _client(server, LED, fmt).queryAndConvert()
    lines = (raw.decode() if isinstance(raw, bytes) else raw).splitlines()
    assert lines[0] == header
    cells = [line.split(sep)[0] for line in lines[1:]]
    if fmt == TSV:  # TSV writes terms in Turtle syntax
        assert cells == [f'"{t}"@zh' for t in TITLES]
    else:
        assert cells == TITLES


@pytest.mark.parametrize("fmt,expect", [
    (JSON, lambda r: r["boolean"] is True),
    (XML, lambda r: r.getElementsByTagName("boolean")[0].firstChild.data == "true"),
    (CSV, lambda r: r.decode().split() == ["_askResult", "true"]),
    (TSV, lambda r: r.decode().split() == ["?_askResult", "true"]),
])
def test_serve_ask_in_each_format(server, fmt, expect):
    assert expect(_client(server, ASK_TRUE, fmt).queryAndConvert())


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, XML, N3])
def test_serve_construct_graph_formats(server, fmt):
    out = _client(server, CONSTRUCT, fmt).queryAndConvert()
    if isinstance(out, (bytes, str)):
        g = Graph().parse(data=out, format="turtle")
    else:
        g = out
    led = {str(o).rsplit("/", 1)[-1] for _, _, o in g}
    assert led == {"市市场监管局", "市中级人民法院", "市发展改革委"}
    assert len(g) == 4


@pytest.mark.parametrize("accept,ctype", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("text/html", "text/html"),
    ("*/*", "application/sparql-results+json"),
    ("image/png", "application/sparql-results+json"),
])
def test_serve_content_negotiation_by_accept(server, accept, ctype):
    url = server.url + "?" + urllib.parse.urlencode({"query": LED})
    status, headers, _ = _http(url, headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(ctype)


@pytest.mark.parametrize("kind,requested,accept,token", [
    ("SELECT", "csv", "application/json", "csv"),
    ("CONSTRUCT", None, "application/ld+json", "json-ld"),
    ("CONSTRUCT", "json", None, "json-ld"),
    ("DESCRIBE", None, None, "turtle"),
    ("ASK", None, "application/xml;q=0.9,text/csv;q=0.1", "xml"),
])
def test_serve_negotiate_table(kind, requested, accept, token):
    assert negotiate(kind, requested, accept) == token


def test_serve_unknown_format_is_406(server):
    url = server.url + "?" + urllib.parse.urlencode({"query": LED, "format": "yaml"})
    status, _, body = _http(url)
    assert status == 406 and "json" in body


# --- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "DROP DEFAULT",
])
def test_serve_updates_refused(server, query):
    sw = _client(server, query, JSON, "POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        sw.query()
    assert err.value.code == 403
    # and nothing changed
    res = _client(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON).queryAndConvert()
    assert int(res["results"]["bindings"][0]["n"]["value"]) == server.pool.triples


@pytest.mark.parametrize("how", ["get-update", "post-update-form", "post-sparql-update", "get-query-update"])
def test_serve_update_by_any_route_refused(server, how):
    upd = "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"
    if how == "get-update":
        status, _, _ = _http(server.url + "?" + urllib.parse.urlencode({"update": upd}))
    elif how == "post-update-form":
        status, _, _ = _http(server.url, urllib.parse.urlencode({"update": upd}).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "post-sparql-update":
        status, _, _ = _http(server.url, upd.encode(), {"Content-Type": "application/sparql-update"})
    else:
        status, _, _ = _http(server.url + "?" + urllib.parse.urlencode({"query": upd}))
    assert status == 403


@pytest.mark.parametrize("query,needle", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("CONSTRUCT { ?s ?p ?o } FROM <file:///etc/hosts> WHERE { ?s ?p ?o }", "FROM"),
])
def test_serve_remote_access_refused(server, query, needle):
    sw = _client(server, query, TURTLE if query.startswith("CONSTRUCT") else JSON)
    with pytest.raises(urllib.error.HTTPError) as err:
        sw.query()
    assert err.value.code == 403 and needle in err.value.read().decode()


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_serve_protocol_dataset_params_refused(server, param):
    url = server.url + "?" + urllib.parse.urlencode({"query": ASK_TRUE, param: "http://example.org/g.ttl"})
    status, _, body = _http(url)
    assert status == 400 and param in body


def test_serve_malformed_query_is_400_with_position(server):
    sw = _client(server, "SELECT ?x WHERE {\n  ?x ?p }", JSON)
    with pytest.raises(QueryBadFormed) as err:
        sw.query()
    assert re.search(r"line \d+, column \d+", str(err.value))


def test_serve_oversized_post_is_413(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (70 * 1024)
    status, _, body = _http(server.url, big.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 413 and "limit" in body


def test_serve_oversized_get_is_refused(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (65 * 1024)
    status, _, _ = _http(server.url + "?" + urllib.parse.urlencode({"query": big}))
    assert status in (413, 414)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_serve_write_methods_are_405(server, method):
    status, _, _ = _http(server.url, b"<a> <b> <c> .", {"Content-Type": "text/turtle"}, method=method)
    assert status == 405


def test_serve_runaway_query_stops_at_timeout_and_server_recovers(server):
    t0 = time.monotonic()
    status, _, body = _http(server.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
    elapsed = time.monotonic() - t0
    assert status == 503 and "timed out" in body
    assert elapsed < server.query_timeout + 1.0
    # the other worker still answers at once, and the killed one is replaced
    res = _client(server, ASK_TRUE, JSON).queryAndConvert()
    assert res["boolean"] is True
    deadline = time.monotonic() + 30
    while server.pool._idle.qsize() < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.pool._idle.qsize() == 3


def test_serve_answers_while_a_runaway_query_runs(server):
    deadline = time.monotonic() + 30  # all workers idle again (a previous test may have killed one)
    while server.pool._idle.qsize() < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    slow = threading.Thread(target=_http, args=(server.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}),))
    slow.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    assert _client(server, ASK_TRUE, JSON).queryAndConvert()["boolean"] is True
    assert time.monotonic() - t0 < 1.0 and slow.is_alive()
    slow.join(server.query_timeout + 2)


def test_serve_result_rows_capped(server):
    url = server.url + "?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    status, headers, body = _http(url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 50
    assert headers["X-KG-Truncated"] == "max-rows=50"


# --- the page ---------------------------------------------------------------------------------

def test_serve_form_page_at_root(server):
    status, headers, body = _http(server.url.replace("/sparql", "/"))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<form" in body and 'name="query"' in body and "&lt;" in body  # the example query is escaped


def test_serve_form_page_offers_the_named_queries(server):
    root = server.url.replace("/sparql", "/")
    status, _, body = _http(root)
    assert status == 200 and 'href="/?example=measures_led_by"' in body
    status, _, body = _http(root + "?example=measures_led_by")
    assert "kg:ledBy ?lead" in body and "param: unit" in body  # the .rq text, in the textarea
    status, _, body = _http(root + "?example=%3Cscript%3E")
    assert status == 200 and "<script>" not in body


def test_serve_html_results_escape_values(server):
    q = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    status, _, body = _http(server.url + "?" + urllib.parse.urlencode({"query": q, "format": "html"}))
    assert status == 200
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_serve_command_prints_url_and_answers(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--graph", str(MINI), "--port", "0",
                             "--engine", "rdflib"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/sparql", line)
        assert url, line
        res = SPARQLWrapper(url[0])
        res.setQuery(ASK_TRUE)
        res.setReturnFormat(JSON)
        assert res.queryAndConvert()["boolean"] is True
    finally:
        proc.terminate()
        proc.wait(10)


# --- the bundled gazette, from a persistent Oxigraph store ---------------------------------------

def test_serve_gazette_from_persistent_store(gazette_graph_path, tmp_path):
    store = tmp_path / "store"
    srv = _start(gazette_graph_path, timeout=10, persist_dir=store, workers=1)
    try:
        q = PREFIXES + """SELECT ?title ?basis WHERE {
          ?m kg:ledBy ?u ; skos:prefLabel ?title ; kg:leadBasis ?basis .
          ?u skos:prefLabel|skos:altLabel "市市场监管局"@zh }"""
        res = _client(srv, q, JSON, "POST", direct=True).queryAndConvert()
        rows = {b["title"]["value"]: b["basis"]["value"] for b in res["results"]["bindings"]}
        assert rows["加强知识产权文化建设"] == "explicit"
        assert (store / "kg-source.json").exists()
    finally:
        srv.shutdown()
        srv.server_close()
    t0 = time.monotonic()  # the second start reopens the store instead of reloading the file
    srv = _start(gazette_graph_path, timeout=10, persist_dir=store, workers=1)
    try:
        assert time.monotonic() - t0 < 10
        assert _client(srv, ASK_TRUE, JSON).queryAndConvert()["boolean"] is True
    finally:
        srv.shutdown()
        srv.server_close()


def test_serve_bad_graph_is_a_clean_error(tmp_path):
    from kg.errors import InputError

    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    with pytest.raises(InputError, match="not valid"):
        make_server(bad, "127.0.0.1", 0, engine="oxigraph")


def test_serve_refuses_foreign_host_names_on_loopback(gazette_graph_path):
    """DNS rebinding: a page under another domain that resolves to 127.0.0.1 is refused."""
    import http.client
    import threading

    from kg.serve import make_server

    server = make_server(gazette_graph_path, workers=1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        for host, status in (("evil.example:%d" % port, 403), ("localhost:%d" % port, 200), ("127.0.0.1:%d" % port, 200)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/sparql?query=ASK%7B%7D", headers={"Host": host, "Accept": "application/sparql-results+json"})
            assert conn.getresponse().status == status, host
            conn.close()
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()


# --- abuse: runaway queries, cross-origin reads ----------------------------------------------------

def _idle(srv, n, seconds=30):
    deadline = time.monotonic() + seconds
    while srv.pool._idle.qsize() < n and time.monotonic() < deadline:
        time.sleep(0.1)
    assert srv.pool._idle.qsize() == n


def test_serve_short_query_answers_while_two_runaways_run():
    srv = _start(MINI, timeout=8, engine="oxigraph")  # three workers by default
    try:
        _idle(srv, 3)
        url = srv.url + "?" + urllib.parse.urlencode({"query": RUNAWAY})
        runaways = [threading.Thread(target=_http, args=(url,)) for _ in range(2)]
        for t in runaways:
            t.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        status, _, body = _http(srv.url + "?" + urllib.parse.urlencode({"query": "ASK {}"}))
        assert status == 200 and time.monotonic() - t0 < 1.5, body
        # a third runaway gets only the short budget on the last free worker, and a clear 503
        t0 = time.monotonic()
        status, _, body = _http(url)
        assert status == 503 and "runs only short ones" in body
        assert time.monotonic() - t0 < srv.pool.short_timeout + 1.5
        assert all(t.is_alive() for t in runaways)  # the first two keep their full budget
        for t in runaways:
            t.join(20)
        _idle(srv, 3)
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def cors_server():
    srv = _start(MINI, engine="oxigraph", workers=1, cors=["https://Ok.Example/"])
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("which, origin, allowed", [
    ("default", "https://evil.example", None),
    ("default", "http://localhost:8000", None),
    ("default", None, None),
    ("cors", "https://ok.example", "https://ok.example"),
    ("cors", "https://evil.example", None),
    ("cors", "http://ok.example", None),
    ("cors", None, None),
])
def test_serve_cors_header_only_for_allowed_origins(server, cors_server, which, origin, allowed):
    srv = server if which == "default" else cors_server
    headers = {"Origin": origin} if origin else {}
    status, got, _ = _http(srv.url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), headers=headers)
    assert status == 200 and got.get("Access-Control-Allow-Origin") == allowed
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type", **headers}
    status, got, body = _http(srv.url, headers=pre, method="OPTIONS")
    if allowed:
        assert status == 204 and got["Access-Control-Allow-Origin"] == allowed and "POST" in got["Access-Control-Allow-Methods"]
    else:
        assert status == 403 and "--cors" in body and "Access-Control-Allow-Origin" not in got


@pytest.mark.parametrize("value, expected", [
    ("https://example.org", "https://example.org"), ("http://localhost:8000/", "http://localhost:8000"),
    ("*", "*"), ("example.org", None), ("https://example.org/page", None), ("file://", None),
])
def test_serve_check_origin(value, expected):
    if expected is None:
        with pytest.raises(InputError, match="not a web origin"):
            check_origin(value)
    else:
        assert check_origin(value) == expected
