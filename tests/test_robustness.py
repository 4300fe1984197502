"""Hostile and broken input: every file is built or skipped with a one-line reason, exit codes say
which, Traditional text is matched in Simplified, outputs escape the text, the endpoint stays
read-only and local. Builds run in-process through kg.cli.main (one spaCy start for the module).

Decisions documented here (and in kg/read.py, kg/build.py):
- truncated UTF-8/GB18030 (file cut inside a character) and a few stray bytes: decoded, the bad
  bytes become U+FFFD, and the build prints "warning <path>: … byte N"; the file is not lost.
- a decodable file without any Han character (English README): skipped, "no documents found".
- a document without 文号 or covering notice: still one document, with its text and entities.
"""
import codecs
import os
import hashlib
import io
import random
import re
import socket
import subprocess
import sys
import threading
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from opencc import OpenCC

import kg.errors
import kg.read
from kg.build import build_corpus
from kg.cli import main
from kg.clean import clean
from kg.errors import InputError
from kg.read import bundled_gazette, read_bytes, read_corpus, read_file
import samples

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
NOTICE = samples.NOTICE + samples.EXTRA  # a notice with two measures



def _notice(n: int) -> str:
    """The notice with its own 文号, so that several copies are distinct documents."""
    return NOTICE.replace("〔2022〕15号", f"〔2022〕{n}号")


def _excerpt(lines=slice(0, 400)) -> str:
    """Real gazette text (the first 400 lines: body text, a notice, bold headings)."""
    text = bundled_gazette().read_text(encoding="utf-8")
    return "\n".join(text.split("\n")[lines]) + "\n"


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<sheetData><row><c t='s'><v>0</v></c></row></sheetData>")
    return buf.getvalue()


def _noise(n=4096, seed=7) -> bytes:
    raw = bytearray(random.Random(seed).randbytes(n))
    raw[::37] = bytes(len(raw[::37]))  # NULs throughout, as in any binary format
    return bytes(raw)


def _build(tmp_path, capsys, *inputs, out=None, extra=()):
    out = Path(out or tmp_path / "out")
    rc = main(["build", *map(str, inputs), "--out", str(out), "--formats", "ttl", *extra])
    err = capsys.readouterr().err
    return rc, [line for line in err.splitlines() if line.strip()], out


# --- reading: one decision per kind of bytes ------------------------------------------------------

@pytest.mark.parametrize("name,encode,encoding", [
    ("gbk", lambda t: t.encode("gbk"), "gb18030"),
    ("gb18030", lambda t: t.encode("gb18030"), "gb18030"),
    ("utf16le-bom", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16"),
    ("utf16be-bom", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
    ("utf16le", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf16be", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("utf8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8"),
    ("crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ("cr", lambda t: t.replace("\n", "\r").encode("utf-8"), "utf-8"),
])
def test_robustness_gazette_excerpt_decodes_in_every_encoding(tmp_path, name, encode, encoding):
    text = _excerpt()
    path = tmp_path / f"{name}.txt"
    path.write_bytes(encode(text))
    src = read_file(path)
    assert src.encoding == encoding and src.warnings == ()
    assert src.text == text  # every character, line ends normalised
    assert len(src.line_starts) == text.count("\n") + 1


def test_robustness_big5_traditional_decodes(tmp_path):
    trad = OpenCC("s2t").convert(NOTICE)
    path = tmp_path / "big5.txt"
    path.write_bytes(trad.encode("big5"))
    assert read_file(path).text == trad


@pytest.mark.parametrize("name,raw,reason", [
    ("empty", b"", "empty file"),
    ("whitespace", " \r\n\u3000\n\t".encode("utf-8"), "only whitespace"),
    ("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + _noise(512), "PDF"),
    ("xlsx", _xlsx(), "ZIP container"),
    ("doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _noise(512), "OLE"),
    ("png", b"\x89PNG\r\n\x1a\n" + _noise(512), "PNG"),
    ("elf", b"\x7fELF\x02\x01\x01" + _noise(512), "executable"),
    ("noise", _noise(), "binary"),
    ("latin1-noise", bytes(range(0x80, 0x100)) * 40, "cannot decode"),
])
def test_robustness_non_text_is_one_input_error_naming_file(tmp_path, name, raw, reason):
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(InputError) as info:
        read_file(path)
    msg = str(info.value)
    assert msg.startswith(str(path) + ": ") and reason in msg and "\n" not in msg


@pytest.mark.parametrize("case,raw,where", [
    ("utf8-cut", NOTICE.encode("utf-8")[:-2], "cut inside a character"),
    ("utf8-cut-mid-file", NOTICE.encode("utf-8")[:100] + NOTICE.encode("utf-8")[101:], "byte 98"),
    ("utf8-stray-byte", NOTICE.encode("utf-8")[:31] + b"\xff" + NOTICE.encode("utf-8")[31:], "byte 31"),
    ("gb18030-cut", NOTICE.rstrip().encode("gb18030")[:-1], "GB18030"),
])
def test_robustness_truncated_text_decodes_with_replacement_and_warning(case, raw, where):
    src = read_bytes(f"{case}.txt", raw)
    assert len(src.warnings) == 1 and where in src.warnings[0]
    assert src.text.count("\ufffd") == 1
    assert "由市市场监督管理局牵头" in src.text  # the rest is intact
    assert "�" not in src.text.replace("\ufffd", "")


def test_robustness_gbk_text_is_not_taken_for_damaged_utf8():
    src = read_bytes("gbk.txt", _excerpt(slice(0, 60)).encode("gbk"))
    assert src.encoding == "gb18030" and src.warnings == ()


def test_robustness_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.read, "MAX_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text(NOTICE, encoding="utf-8")
    with pytest.raises(InputError, match=r"too large: \d[\d,]* bytes \(limit 100\)"):
        read_file(path)
    with pytest.raises(InputError, match="too large"):
        read_bytes(path, path.read_bytes())


def test_robustness_folder_of_good_bad_and_hidden_files(tmp_path):
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / ".hidden.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_bytes(NOTICE.encode("utf-16"))
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)  # must not recurse forever
    sources, errors = read_corpus([tmp_path])
    assert sorted(Path(s.path).name for s in sources) == ["a.txt", "c.txt"]
    assert [Path(e.path).name for e in errors] == ["b.pdf"]


def test_robustness_missing_path_and_folder_as_file(tmp_path):
    with pytest.raises(InputError, match="cannot open: No such file"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)


# --- the build through the CLI: skipped files, exit codes, nothing lost -----------------------------

@pytest.fixture(scope="module")
def messy_corpus(tmp_path_factory):
    """Four good files (UTF-8, GBK, UTF-16 in a subfolder, truncated UTF-8) among bad ones."""
    d = tmp_path_factory.mktemp("messy")
    good = {"good.txt": _notice(1).encode("utf-8"), "good-gbk.txt": _notice(2).encode("gbk"),
            "sub/nested.txt": _notice(3).encode("utf-16"), "cut.txt": _notice(4).encode("utf-8")[:-5]}
    bad = {"empty.txt": (b"", "empty file"), "blank.txt": (b"  \r\n\r\n", "only whitespace"),
           "report.pdf": (b"%PDF-1.5\n" + _noise(300), "PDF"), "table.xlsx": (_xlsx(), "ZIP"),
           "noise.bin": (_noise(), "binary"), "README.txt": (b"Notes on the corpus.\nNothing Chinese.\n",
                                                            "no documents found")}
    hidden = {".hidden.txt": _notice(5).encode("utf-8"), ".git/HEAD": b"ref: refs/heads/main\n"}
    for name, raw in [*good.items(), *((k, v[0]) for k, v in bad.items()), *hidden.items()]:
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(raw)
    return d, good, {k: v[1] for k, v in bad.items()}


def test_robustness_build_skips_each_bad_file_with_one_line_and_builds_the_rest(tmp_path, capsys, messy_corpus):
    d, good, bad = messy_corpus
    rc, err, out = _build(tmp_path, capsys, d)
    assert rc == 2
    skipped = [line for line in err if line.startswith("skipped ")]
    assert len(skipped) == len(bad) == len(err) - 1  # plus one warning; nothing else on stderr
    for name, reason in bad.items():
        (line,) = [s for s in skipped if s.startswith(f"skipped {d / name}: ")]
        assert reason in line
    (warning,) = [line for line in err if line.startswith("warning ")]
    assert str(d / "cut.txt") in warning and "cut inside a character" in warning
    assert "hidden" not in "\n".join(err) and ".git" not in "\n".join(err)
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    for n in (1, 2, 3, 4):  # every good file's document is in the graph, with its provenance
        assert f"晋市政办〔2022〕{n}号" in ttl
    for name, raw in good.items():
        assert f"sha256:{hashlib.sha256(raw).hexdigest()}" in ttl
    assert "晋市政办〔2022〕5号" not in ttl  # hidden files are not inputs


def test_robustness_build_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(NOTICE, encoding="utf-8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n")
    english = tmp_path / "readme.txt"
    english.write_text("Only English here.\n", encoding="utf-8")
    assert _build(tmp_path, capsys, good)[0] == 0
    rc, err, _ = _build(tmp_path, capsys, good, tmp_path / "missing.txt")
    assert rc == 2 and err == [f"skipped {tmp_path / 'missing.txt'}: cannot open: No such file or directory"]
    rc, err, out = _build(tmp_path, capsys, bad, english, out=tmp_path / "none")
    assert rc == 3 and not (out / "graph.ttl").exists()
    assert err[-1] == "kg build: no input could be read; nothing written"
    rc, err, _ = _build(tmp_path, capsys, good, bad, extra=["--strict"])
    assert rc == 3 and err == [f"kg build: {bad}: binary file: a PDF file (extract its text first, e.g. with pdftotext)"]
    rc, err, _ = _build(tmp_path, capsys, good, english, extra=["--strict"])
    assert rc == 3 and "no documents found" in err[0]


def test_robustness_failed_builds_leave_the_previous_graph(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(NOTICE, encoding="utf-8")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(_noise())
    rc, _, out = _build(tmp_path, capsys, good)
    before = (out / "graph.ttl").read_bytes()
    assert rc == 0
    assert _build(tmp_path, capsys, bad)[0] == 3  # nothing usable
    assert _build(tmp_path, capsys, good, bad, extra=["--strict"])[0] == 3
    assert (out / "graph.ttl").read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".kg-")) == ["graph.trig", "graph.ttl"]


def test_robustness_unwritable_output_is_exit_6_without_traceback(tmp_path, capsys, monkeypatch):
    good = tmp_path / "good.txt"
    good.write_text(NOTICE, encoding="utf-8")
    rc, err, _ = _build(tmp_path, capsys, good, out=good)  # --out names a file
    assert rc == 6 and err == [f"kg build: cannot write {good}: File exists; previous outputs left as they were"]
    rc, _, out = _build(tmp_path, capsys, good)
    before = (out / "graph.ttl").read_bytes()

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("kg.export.os.fsync", full)
    rc, err, _ = _build(tmp_path, capsys, good)
    assert rc == 6 and "No space left on device" in err[0]
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_robustness_document_without_number_or_notice_keeps_text_and_entities():
    body = "关于加强食品安全监管的意见\n由市市场监督管理局牵头，市公安局、市农业农村局配合，推进泽州县食品产业园建设。\n"
    one_line = "市市场监督管理局牵头，市公安局配合。\n"
    for text in (body, one_line):
        src = read_bytes("x.txt", text.encode("utf-8"))
        from kg.build import _serial_map  # noqa: PLC0415 — the per-source map the build runs
        from kg.pipeline import Corpus
        (docs, mentions), = _serial_map([src], Corpus())
        assert len(docs) == 1 and docs[0].number == ""
        assert "".join(b.text for b in docs[0].blocks).replace("\n", "").endswith(text.strip()[-10:])
        assert {"市市场监督管理局", "市公安局"} <= {m.text for m in mentions}


# --- Traditional characters ---------------------------------------------------------------------

TRAD = OpenCC("s2t").convert(_notice(9))


def test_robustness_traditional_text_is_matched_in_simplified_and_quoted_in_traditional(tmp_path):
    assert "晉城市" in TRAD and "牽頭" in TRAD
    (tmp_path / "trad.txt").write_text(TRAD, encoding="utf-8")
    (tmp_path / "simp.txt").write_text(_notice(9), encoding="utf-8")
    trad, simp = build_corpus([tmp_path / "trad.txt"]), build_corpus([tmp_path / "simp.txt"])
    # the same documents, entities and mentions as the Simplified original, at the same offsets
    assert [(d.number, d.title, d.issuers, d.date) for d in trad.documents] == \
        [(d.number, d.title, d.issuers, d.date) for d in simp.documents]
    assert trad.documents[0].number == "晋市政办〔2022〕9号"
    assert sorted(trad.entities) == sorted(simp.entities)
    assert {"市市场监督管理局", "市公安局", "泽州县", "高平市"} <= {e.label for e in trad.entities.values()}
    assert [(m.text, m.start, m.end, m.label) for m in trad.mentions] == \
        [(m.text, m.start, m.end, m.label) for m in simp.mentions]
    src = trad.sources[0]
    m = next(m for m in trad.mentions if m.text == "市市场监督管理局")
    assert src.text[m.start:m.end] == "市市場監督管理局"  # source offsets quote the original


def test_robustness_traditional_conversion_keeps_the_origin_map():
    from kg.read import read_bytes as rb

    src = rb("t.txt", TRAD.encode("utf-8"))
    c = clean(src)
    assert len(c.origin) == len(c.text)
    t2s = [r for r in c.repairs if r.rule == "t2s"]
    assert t2s and all(src.text[r.offset:r.offset + len(r.before)] == r.before for r in t2s)
    converted = {r.offset + k for r in t2s for k in range(len(r.before))}
    for i, ch in enumerate(c.text):
        if ch in "\n\f":
            continue
        o = c.origin[i]
        assert 0 <= o < len(src.text)
        assert src.text[o] == ch or o in converted


@pytest.mark.parametrize("text", [
    "鼓励支持高平乾通园区运营有限公司建设\n",  # 乾 is also Simplified: t2s would make it 干
    "菊巘山康养基地等\n",  # a rare Traditional-looking character inside Simplified text
    "各县（市、区）人民政府，市人民政府各委、办、局：\n",
])
def test_robustness_simplified_text_is_never_converted(text):
    assert clean(read_bytes("s.txt", text.encode("utf-8"))).text == text.rstrip("\n") or \
        clean(read_bytes("s.txt", text.encode("utf-8"))).text.rstrip("\n") == text.rstrip("\n")


def test_robustness_simplified_gazette_has_no_t2s_repairs(gazette_cleaned):
    assert [r for r in gazette_cleaned.repairs if r.rule == "t2s"] == []


def test_robustness_mixed_file_converts_only_the_traditional_document():
    from kg.clean.traditional import traditional_lines

    text = NOTICE + TRAD
    lines = traditional_lines(text)
    first_trad = len(NOTICE)
    assert lines and all(a >= first_trad for a, _ in lines)
    assert clean(read_bytes("m.txt", text.encode("utf-8"))).text.count("晋城市食品安全工作方案") == 6


# --- provenance ---------------------------------------------------------------------------------

def test_robustness_build_records_inputs_options_and_versions(tmp_path, capsys):
    import pyoxigraph as ox
    import rdflib
    import spacy

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(_notice(1), encoding="utf-8")
    b.write_bytes(_notice(2).encode("gb18030"))
    rc, _, out = _build(tmp_path, capsys, a, b, extra=["--formats", "trig"])
    assert rc == 0
    store = ox.Store()
    store.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    q = """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
    SELECT ?name ?sha ?fmt WHERE { GRAPH <https://w3id.org/cn-policy-kg/id/graph/build> {
      ?build a prov:Activity ; prov:used ?s . ?s kg:sourceFile ?name ; dcterms:identifier ?sha ; dcterms:format ?fmt } }
    ORDER BY ?name"""
    rows = [(r["name"].value, r["sha"].value, r["fmt"].value) for r in store.query(q)]
    assert rows == [("a.txt", f"sha256:{hashlib.sha256(a.read_bytes()).hexdigest()}", "text/plain; charset=utf-8"),
                    ("b.txt", f"sha256:{hashlib.sha256(b.read_bytes()).hexdigest()}", "text/plain; charset=gb18030")]
    comments = {r["c"].value for r in store.query(
        "SELECT ?c WHERE { GRAPH ?g { <https://w3id.org/cn-policy-kg/id/build> "
        "<http://www.w3.org/2000/01/rdf-schema#comment> ?c } }")}
    assert {"strict=False", "workers=1"} <= comments and any(c.startswith("formats=") for c in comments)
    (agent,) = [r["l"].value for r in store.query(
        "SELECT ?l WHERE { GRAPH ?g { <https://w3id.org/cn-policy-kg/id/build> <http://www.w3.org/ns/prov#wasAssociatedWith> ?a . "
        "?a <http://www.w3.org/2000/01/rdf-schema#label> ?l } }")]
    assert kg.__version__ in agent and spacy.__version__ in agent and rdflib.__version__ in agent
    generated = {r["d"].value for r in store.query(
        "SELECT ?d WHERE { GRAPH ?g { ?d <http://www.w3.org/ns/prov#wasGeneratedBy> <https://w3id.org/cn-policy-kg/id/build> } }")}
    assert len(generated) == 2


# --- escaping: names from the text never become markup ------------------------------------------

XSS_NOTICE = """晋城市人民政府办公室
关于印发<script>alert(1)</script>工作方案的通知
晋市政办〔2022〕16号
各县（市、区）人民政府，市人民政府各委、办、局：
现将《<script>alert(1)</script>工作方案》印发给你们，请认真贯彻执行。
晋城市人民政府办公室
2022年6月30日
（此件公开发布）
<script>alert(1)</script>工作方案
一、主要任务
（一）建设“<script>alert(1)</script>”工程。由市"><img src=x onerror=alert(1)>局牵头，市公安局配合。
（二）支持<b onmouseover=alert(1)>煤业有限公司建设示范基地。市科技局牵头。
（三）由市财政局牵头，市"><img src=x onerror=alert(1)>中心配合，建设智慧城市平台。
"""
MARKUP = re.compile(r"<script>alert|<img src=x|<b onmouseover|onerror=alert\(1\)>")


@pytest.fixture(scope="module")
def xss_graph(tmp_path_factory):
    d = tmp_path_factory.mktemp("xss")
    (d / "xss.txt").write_text(XSS_NOTICE, encoding="utf-8")
    assert main(["build", str(d / "xss.txt"), "--out", str(d / "out"), "--formats", "ttl"]) == 0
    graph = d / "out" / "graph.ttl"
    ttl = graph.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>工作方案" in ttl and 'src=x onerror=alert(1)>中心' in ttl  # the payload is data
    return graph


def test_robustness_viz_pages_escape_names_from_the_text(xss_graph, tmp_path, capsys):
    assert main(["viz", "--graph", str(xss_graph), "--out", str(tmp_path / "viz")]) == 0
    pages = sorted((tmp_path / "viz").glob("*.html"))
    assert len(pages) >= 3
    payload_seen = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not MARKUP.search(text), (page.name, MARKUP.search(text))
        payload_seen |= "alert(1)" in text
    assert payload_seen  # the names are on the pages, only escaped


def test_robustness_endpoint_html_escapes_names_from_the_text(xss_graph):
    from kg.serve import make_server

    srv = make_server(xss_graph, "127.0.0.1", 0, timeout=5, engine="rdflib", workers=1)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        q = "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), 'alert')) }"
        status, body = _get(srv, {"query": q, "format": "html"})
        assert status == 200 and body.count("<tr>") > 3 and "&lt;script&gt;alert(1)" in body
        assert not MARKUP.search(body)
        status, body = _get(srv, {}, path="/")
        assert status == 200 and not MARKUP.search(body)
    finally:
        srv.shutdown()
        srv.server_close()


# --- the endpoint: what tests/test_serve.py does not try --------------------------------------------

def _get(srv, params, path="/sparql"):
    import urllib.error
    import urllib.request

    url = srv.url.replace("/sparql", path) + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def _raw(srv, data: bytes, wait=5.0) -> bytes:
    host, port = srv.server_address[:2]
    with socket.create_connection((host, port), timeout=wait) as s:
        s.sendall(data)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except socket.timeout:
            out += b"<timeout>"
    return out


@pytest.fixture(scope="module")
def endpoint():
    from kg.serve import make_server

    srv = make_server(MINI, "127.0.0.1", 0, timeout=3, engine="rdflib", workers=1)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("query", [
    "select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }",  # keywords are case-insensitive
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",  # in a subquery
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",  # inside EXISTS
    "SELECT * WHERE { VALUES ?svc { <http://127.0.0.1:9/> } SERVICE ?svc { ?s ?p ?o } }",  # variable service
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE SILENT <file:///etc/passwd> { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",  # relative IRI
    "DESCRIBE ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_robustness_endpoint_refuses_service_in_any_position(endpoint, query):
    status, body = _get(endpoint, {"query": query})
    assert status == 403 and "SERVICE" in body


def test_robustness_endpoint_refuses_service_by_prefixed_name(endpoint):
    status, body = _get(endpoint, {"query": "PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE x: { ?s ?p ?o } }"})
    assert status == 403 and "SERVICE" in body


@pytest.mark.parametrize("query", [
    "LOAD <file:///etc/passwd>",
    "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://x/g>",
    "SELECT * FROM NAMED <http://127.0.0.1:9/> WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_robustness_endpoint_refuses_load_and_foreign_graphs_by_post(endpoint, query):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(endpoint.url, data=urllib.parse.urlencode({"query": query}).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 403


@pytest.mark.parametrize("query", [
    "DESCRIBE <file:///etc/passwd>",
    "SELECT * WHERE { BIND(IRI('file:///etc/passwd') AS ?g) GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?x WHERE { BIND(STR(<file:///etc/passwd>) AS ?x) }",
])
def test_robustness_endpoint_never_reads_files_named_in_a_query(endpoint, query):
    status, body = _get(endpoint, {"query": query})
    assert status in (200, 400) and "root:" not in body


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", b"431"),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120))
     + b"\r\n", b"431"),
    (b"GET /sparql?query=" + b"a" * 70000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", b"414"),
    (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n5\r\nASK{}\r\n0\r\n\r\n", b"411"),
    (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\nContent-Length: 99999999\r\n"
     b"\r\nASK {}", b"413"),
    (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\nContent-Length: x\r\n"
     b"\r\nASK {}", b"400"),
])
def test_robustness_endpoint_request_size_limits(endpoint, request_bytes, status):
    reply = _raw(endpoint, request_bytes)
    assert reply.split(b"\r\n", 1)[0].split(b" ")[1] == status


def test_robustness_endpoint_negative_content_length_is_400(endpoint):
    reply = _raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                           b"Content-Length: -1\r\n\r\nASK {}", wait=3.0)
    assert reply.startswith(b"HTTP/1.1 400")


def test_robustness_endpoint_binds_loopback_by_default(endpoint):
    import inspect

    from kg.cli import parser
    from kg.serve import make_server

    assert endpoint.server_address[0] == "127.0.0.1"
    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"
    assert parser().parse_args(["serve"]).host == "127.0.0.1"


# --- malformed SPARQL on the command line ----------------------------------------------------------

@pytest.mark.parametrize("query,where", [
    ("SELECT ?x WHERE {\n  ?x ?p }", "line 2, column 3"),
    ("SELECT ?x WHERE { ?x ?p ?o", "line 1"),
    ("PREFIX : <x> SELEC * WHERE {}", "line 1"),
])
def test_robustness_malformed_sparql_is_exit_4_with_position(tmp_path, query, where):
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "query", "--graph", str(MINI), "--sparql", query],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("kg query: <query>: syntax error at ")
    assert where in proc.stderr


def test_robustness_cli_query_refuses_service(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "query", "--graph", str(MINI), "--engine", "rdflib",
                           "--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 4 and "SERVICE" in proc.stderr and "Traceback" not in proc.stderr


def test_robustness_export_of_a_folder_is_a_clean_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "export", "--graph", str(tmp_path), "--format", "nt"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3 and "is a folder" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["query", "stats", "viz"])
def test_robustness_graph_commands_refuse_folder_and_missing_graph(tmp_path, capsys, command):
    extra = {"query": ["--sparql", "ASK {}"], "viz": ["--out", str(tmp_path / "v")]}.get(command, [])
    assert main([command, "--graph", str(tmp_path), *extra]) == 3
    assert "is a folder" in capsys.readouterr().err
    assert main([command, "--graph", str(tmp_path / "none.ttl"), *extra]) == 5
    assert "no graph there" in capsys.readouterr().err


# --- defects inside a stage: one file never stops the others -------------------------------------

@pytest.mark.parametrize("extra", [[], ["--no-cache"]])
def test_robustness_file_that_trips_a_defect_is_skipped_with_its_exception(tmp_path, capsys, monkeypatch, extra):
    import kg.clean

    real_clean = kg.clean.clean

    def fragile(source):
        if "引爆" in source.text:
            raise RecursionError("maximum recursion depth exceeded")
        return real_clean(source)

    monkeypatch.setattr(kg.clean, "clean", fragile)
    (tmp_path / "a.txt").write_text(_notice(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(_notice(2) + "引爆\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(_notice(3), encoding="utf-8")
    rc, err, out = _build(tmp_path, capsys, tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt", extra=extra)
    assert rc == 2
    assert err == [f"skipped {tmp_path / 'b.txt'}: could not be processed (RecursionError: maximum recursion "
                   "depth exceeded); skipped — please report this file"]
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "晋市政办〔2022〕1号" in ttl and "晋市政办〔2022〕3号" in ttl and "晋市政办〔2022〕2号" not in ttl
    rc, err, _ = _build(tmp_path, capsys, tmp_path / "a.txt", tmp_path / "b.txt", extra=[*extra, "--strict"])
    assert rc == 3 and "b.txt: could not be processed" in err[0]


@pytest.mark.parametrize("text", ["一" * 3000 + "\n正文\n", "发展" * 5000 + "\n", "一\n" * 20000, "1" * 10000 + "\n"])
def test_robustness_clean_survives_long_repetitions(text):
    """parse_doubled recursed once per chunk: ~2,000 repeated characters raised RecursionError (fixed by H1)."""
    c = clean(read_bytes("rep.txt", text.encode("utf-8")))
    assert len(c.origin) == len(c.text) > 0


def test_robustness_clean_is_linear_in_long_space_runs():
    """TRAILING_SPACE was tried at every position of a space run: quadratic (fixed by H1)."""
    import time

    src = read_bytes("spaces.txt", (" " * 20000 + "正文\n").encode("utf-8"))
    t = time.perf_counter()
    clean(src)
    assert time.perf_counter() - t < 0.3


CONTROL = _notice(7).replace("市公安局", "市公\x01安局").replace("市农业农村局", "市农业\x0b农村局") \
    .replace("泽州县", "泽\x00州县").replace("高平市", "高平\x1b[31m市")


def test_robustness_control_characters_never_reach_xml_outputs(tmp_path, capsys):
    """NUL, \\x01, \\x0b, ESC reached labels and made GraphML/GEXF ill-formed XML (fixed in cleaning by H1)."""
    from xml.dom import minidom

    (tmp_path / "ctrl.txt").write_text(CONTROL, encoding="utf-8")
    rc, _, out = _build(tmp_path, capsys, tmp_path / "ctrl.txt", extra=["--formats", "ttl,graphml,gexf"])
    assert rc == 0
    for name in ("graph.graphml", "graph.gexf"):
        minidom.parse(str(out / name))
    assert not re.search(r"[\x00-\x08\x0b\x0e-\x1f]", (out / "graph.ttl").read_text(encoding="utf-8"))


@pytest.mark.parametrize("query", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "DESCRIBE ?s WHERE { ?s ?p ?o }"])
def test_robustness_endpoint_caps_graph_results(query):
    """The row cap also holds for CONSTRUCT/DESCRIBE (tests/test_serve.py checks SELECT)."""
    import urllib.request

    from kg.serve import make_server

    srv = make_server(MINI, "127.0.0.1", 0, timeout=5, engine="rdflib", workers=1, max_rows=5)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = srv.url + "?" + urllib.parse.urlencode({"query": query, "format": "nt"})
        with urllib.request.urlopen(url, timeout=30) as r:
            lines = r.read().decode("utf-8").strip().splitlines()
            assert r.status == 200 and r.headers["X-KG-Truncated"] == "max-rows=5"
        assert len(lines) == 5
    finally:
        srv.shutdown()
        srv.server_close()


def test_robustness_build_skips_a_file_over_the_size_limit(tmp_path, capsys, monkeypatch):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text(_notice(1), encoding="utf-8")
    big.write_text(_notice(2) * 3, encoding="utf-8")
    monkeypatch.setattr(kg.read, "MAX_BYTES", len(small.read_bytes()) + 10)
    rc, err, out = _build(tmp_path, capsys, small, big)
    assert rc == 2 and len(err) == 1
    assert re.fullmatch(rf"skipped {re.escape(str(big))}: too large: [\d,]+ bytes \(limit [\d,]+\); building it "
                        r"would take about [\d.]+ GB of memory — split it into issues or documents", err[0])
    assert "晋市政办〔2022〕1号" in (out / "graph.ttl").read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_robustness_devices_fifos_and_broken_links_are_reported_not_read(tmp_path):
    """/dev/zero never ends and a FIFO blocks until written: both are refused before reading;
    in a folder they (and broken links) are reported, not silently passed over."""
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "good.txt").write_text(NOTICE, encoding="utf-8")
    for name, reason in [("pipe", "not a regular file"), ("zero", "not a regular file"),
                         ("dangling.txt", "cannot open: No such file")]:
        with pytest.raises(InputError, match=reason):
            read_file(tmp_path / name)
    sources, errors = read_corpus([tmp_path])
    assert [Path(s.path).name for s in sources] == ["good.txt"]
    assert sorted(Path(e.path).name for e in errors) == ["dangling.txt", "pipe", "zero"]
    with pytest.raises(InputError, match="not a regular file"):
        read_file("/dev/zero")


def test_robustness_a_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    sources, errors = read_corpus([tmp_path / "a.txt", tmp_path, tmp_path / "." / "a.txt"])
    assert len(sources) == 1 and errors == []


def test_robustness_odd_file_names_stay_one_line_and_escaped(tmp_path, capsys):
    d = tmp_path / "in"
    d.mkdir()
    (d / 'a "q" <b>x<:b> #1%20?.txt').write_text(NOTICE, encoding="utf-8")
    (d / "bad\nname.txt").write_bytes(b"")
    rc, err, out = _build(tmp_path, capsys, d)
    assert rc == 2 and err == [f"skipped {d}/bad\\nname.txt: empty file"]
    import pyoxigraph as ox

    triples = list(ox.parse((out / "graph.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))
    names = {t.object.value for t in triples if t.predicate.value.endswith("#sourceFile")}
    assert names == {'a "q" <b>x<:b> #1%20?.txt'}


@pytest.mark.parametrize("value", ['x" } } SELECT * WHERE { ?s ?p ?o } #', '市"""\n} UNION { ?s ?p ?o }',
                                   "Department> . ?s ?p ?o } #", "\\\" UNION { ?s ?p ?o }"])
def test_robustness_query_parameters_cannot_inject_sparql(value):
    """Parameters are bound as terms (VALUES), never pasted: a hostile value matches nothing."""
    from kg.query import load_graph, run

    g = load_graph(MINI, engine="rdflib")
    assert run(g, "measures_led_by", {"unit": "市市场监管局"}).to_dicts()  # the control: a real unit matches
    for name, param in [("documents_issued_by", "issuer"), ("measures_led_by", "unit")]:
        assert run(g, name, {param: value}).to_dicts() == []


def test_robustness_ask_understands_traditional_questions(capsys):
    assert main(["ask", "市市場監管局牽頭哪些項目？", "--graph", str(MINI)]) == 0
    assert "提高企业知识产权创造能力" in capsys.readouterr().out


@pytest.mark.parametrize("sep", ["", "\f"])
def test_robustness_two_short_notices_in_one_file_are_two_documents(sep):
    from kg.pipeline import documents_of

    docs = documents_of(read_bytes("two.txt", (_notice(1) + sep + _notice(2)).encode("utf-8")))
    assert [d.number for d in docs] == ["晋市政办〔2022〕1号", "晋市政办〔2022〕2号"]


# --- a defect hit by one document, in any stage: that document is skipped as file:line -----------

TWO = _notice(1) + _notice(2).replace("食品安全", "引爆安全")  # one file, two documents; the second trips it


def _fragile(real, doc_of):
    def patched(*args, **kwargs):
        if any("引爆" in doc.title for doc in doc_of(args)):
            raise ZeroDivisionError("division by zero")
        return real(*args, **kwargs)
    return patched


@pytest.mark.parametrize("stage", ["nlp", "relate", "rdf"])
@pytest.mark.parametrize("extra", [[], ["--no-cache"]])
def test_robustness_document_that_trips_a_defect_is_skipped_with_file_and_line(tmp_path, capsys, monkeypatch,
                                                                                  stage, extra):
    import kg.nlp
    import kg.rdf
    import kg.relate

    if stage == "nlp":
        monkeypatch.setattr(kg.nlp, "extract", _fragile(kg.nlp.extract, lambda a: [a[0]]))
    elif stage == "relate":
        monkeypatch.setattr(kg.relate, "relate", _fragile(kg.relate.relate, lambda a: a[0]))
    else:
        monkeypatch.setattr(kg.rdf, "document_quads", _fragile(kg.rdf.document_quads, lambda a: [a[0]]))
    (tmp_path / "a.txt").write_text(TWO, encoding="utf-8")
    (tmp_path / "c.txt").write_text(_notice(3), encoding="utf-8")
    line = TWO.split("\n").index("关于印发晋城市引爆安全工作方案的通知")  # 1-based: the issuer line above
    rc, err, out = _build(tmp_path, capsys, tmp_path / "a.txt", tmp_path / "c.txt", extra=extra)
    assert rc == 2, err
    assert len(err) == 1 and err[0].startswith(f"skipped {tmp_path / 'a.txt'}:{line}: document «") \
        and "(ZeroDivisionError: division by zero); skipped — please report this file" in err[0], err
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "晋市政办〔2022〕1号" in ttl and "晋市政办〔2022〕3号" in ttl and "晋市政办〔2022〕2号" not in ttl
    rc, err, _ = _build(tmp_path, capsys, tmp_path / "a.txt", tmp_path / "c.txt", extra=[*extra, "--strict"])
    assert rc == 3 and f"a.txt:{line}: document" in err[-1] and not any("Traceback" in e for e in err)


# --- reading: the share of bad bytes decides; folders; tiny and huge files ---------------------------

def _stray(text: str, encoding: str, n: int, byte: bytes = b"\xff") -> bytes:
    """`text` encoded, with `n` copies of `byte` spread evenly between characters."""
    step = len(text) // (n + 1)
    pieces = [text[i * step:(i + 1) * step] for i in range(n)] + [text[n * step:]]
    return byte.join(p.encode(encoding) for p in pieces)


@pytest.mark.parametrize("n, encoding, kept", [
    (17, "utf-8", True),  # issue 16: seventeen dropped the whole gazette, sixteen passed
    (300, "utf-8", True),  # 0.1 % of the non-ASCII bytes
    (4000, "utf-8", False),  # about 1.5 %: another encoding, or no text
    (17, "gb18030", True),
    (300, "gb18030", True),
])
def test_robustness_share_of_bad_bytes_decides_the_encoding(n, encoding, kept):
    text = _excerpt(slice(0, 4000))
    raw = _stray(text, encoding, n)
    if kept:
        src = read_bytes("damaged.txt", raw)
        assert src.encoding == encoding and src.text.count("\ufffd") == n
        assert len(src.warnings) == 1 and f"{n} invalid" in src.warnings[0] and "byte" in src.warnings[0]
        assert src.text.replace("\ufffd", "") == text.replace("\r\n", "\n")
    else:
        with pytest.raises(InputError) as info:
            read_bytes("damaged.txt", raw)
        msg = str(info.value)
        assert "cannot decode: closest is as UTF-8" in msg and "of its non-ASCII bytes are invalid" in msg, msg


def test_robustness_unreadable_folders_are_reported_like_files(tmp_path):
    """A sub-folder or a top-level folder that cannot be listed is one 'skipped' line, also with
    --strict (which stops). Root reads every folder, so as root the build runs as nobody."""
    import shutil
    import tempfile

    drop = []
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root without setpriv cannot test permissions")
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    base = Path(tempfile.mkdtemp(prefix="kg-perm-"))
    try:
        os.chmod(base, 0o777)
        corpus = base / "corpus"
        (corpus / "sub").mkdir(parents=True)
        (corpus / "a.txt").write_text(_notice(1), encoding="utf-8")
        (corpus / "sub" / "b.txt").write_text(_notice(2), encoding="utf-8")
        (base / "top").mkdir()
        (base / "top" / "c.txt").write_text(_notice(3), encoding="utf-8")
        for p in (base / "out", base / "out2", base / "out3"):
            p.mkdir()
            os.chmod(p, 0o777)
        os.chmod(corpus / "sub", 0)
        os.chmod(base / "top", 0)

        def build(*args):
            r = subprocess.run([*drop, sys.executable, "-m", "kg.cli", "build", *map(str, args)],
                               capture_output=True, text=True, timeout=300)
            return r.returncode, r.stderr.strip().splitlines()

        rc, err = build(corpus, "--out", base / "out", "--formats", "ttl")
        assert rc == 2 and err == [f"skipped {corpus / 'sub'}: cannot open folder: Permission denied"], err
        rc, err = build(corpus, "--strict", "--out", base / "out2", "--formats", "ttl")
        assert rc == 3 and err == [f"kg build: {corpus / 'sub'}: cannot open folder: Permission denied"], err
        rc, err = build(base / "top", "--out", base / "out3", "--formats", "ttl")
        assert rc == 3 and err[0] == f"skipped {base / 'top'}: cannot open folder: Permission denied", err
    finally:
        for p in (base / "corpus" / "sub", base / "top"):
            if p.exists():
                os.chmod(p, 0o755)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("text, kept", [
    ("一", False), ("一\n", False), ("通知\n", False), ("关于印发晋城市食品安全工作方案的通知\n", False),
    ("晋城市人民政府关于印发晋城市食品安全工作方案的通知。\n", True),
])
def test_robustness_a_fragment_is_no_document(tmp_path, capsys, text, kept):
    (tmp_path / "x.txt").write_text(text, encoding="utf-8")
    rc, err, out = _build(tmp_path, capsys, tmp_path / "x.txt")
    if kept:
        assert rc == 0 and "kg:Document" in (out / "graph.ttl").read_text(encoding="utf-8")
    else:
        assert rc == 3 and not out.exists() or not (out / "graph.ttl").exists()
        assert f"skipped {tmp_path / 'x.txt'}: no documents found: only" in err[0]
        assert "a document needs at least 20" in err[0]


def test_robustness_oversized_file_is_refused_with_the_memory_it_would_take(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: no disk space, no reading
        fh.truncate(kg.read.MAX_BYTES + 1)
    with pytest.raises(InputError, match=r"too large: [\d,]+ bytes \(limit 67,108,864\); building it would take "
                                         r"about 3\.1 GB of memory — split it"):
        read_file(path)
