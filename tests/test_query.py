"""Named queries, parameter bindings, formatting and stores.

Most tests run on tests/fixtures/mini.ttl (hand-written, follows the graph contract) on both
engines; the `gazette_graph` tests run every named query on the graph of the bundled gazette.
"""
import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from kg.cli import main
from kg.errors import QueryError
from kg.query import (KG, check_syntax, display_width, format_csv, format_json, format_table, format_tsv,
                      inject_values, load_graph, named_queries, parse_params, run)
from kg.store import is_oxigraph, open_graph

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
QUERIES = named_queries()


def _w(text):
    """Terminal width, computed here independently of kg.query.display_width."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def mini(request):
    return load_graph(MINI, engine=request.param)


# --- every .rq file --------------------------------------------------------------------------

def test_query_there_are_at_least_a_dozen():
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_rq_parses_and_documents_its_params(name):
    nq = QUERIES[name]
    check_syntax(nq.text, name)
    assert nq.description, f"{name}: header comment must say what it answers"
    for p in nq.params:
        assert p.description, f"{name}: param {p.name} has no description"
        assert re.search(rf"\?{p.name}\b", nq.text), f"{name}: param {p.name} not used"


# (query, params, column, value expected in that column) on the fixture
FIXTURE_CASES = [
    ("measures_led_by", {"unit": "市市场监管局"}, "title", "形成鼓励创新创造的政策导向"),
    ("measures_led_by", {"unit": "晋城市市场监督管理局"}, "title", "提高企业知识产权创造能力"),  # alias
    ("measures_led_by", {"unit": "市发展和改革委员会"}, "title", "完善创新平台体系"),
    ("measures_of_unit", {"unit": "市市场监管局"}, "title", "加大知识产权侵权打击力度"),
    ("units_of_measure", {"measure": "形成鼓励创新创造的政策导向"}, "unitLabel", "市财政局"),
    ("co_responsibility_pairs", {}, "unitB", "市科技局"),
    ("partners_of_unit", {"unit": "市科技局"}, "partner", "市市场监管局"),
    ("located_in", {"place": "泽州"}, "label", "铸铁排水管智能制造项目"),
    ("cooperating_organizations", {}, "b", "中北大学"),
    ("cooperates_with", {"entity": "中北大学"}, "partner", "山西泫氏实业集团有限公司"),
    ("projects_of_enterprise", {"enterprise": "泫氏集团"}, "project", "铸铁排水管智能制造项目"),
    ("relies_on", {"entity": "中北大学"}, "label", "铸铁排水管智能制造项目"),
    ("documents_citing", {"cited": "《山西省知识产权保护工作条例》"}, "documentNumber", "晋市政发〔2022〕32号"),
    ("documents_citing", {"cited": "晋市政发〔2022〕27号"}, "documentNumber", "晋市政发〔2022〕32号"),
    ("mentions_of", {"entity": "市发展改革委"}, "quote", "市发改委"),
    ("busiest_departments", {}, "department", "市科技局"),
    ("documents", {}, "documentNumber", "晋市政发〔2022〕27号"),
    ("documents_issued_by", {"issuer": "市人民政府"}, "documentNumber", "晋市政发〔2022〕32号"),
    ("measures_in_document", {"document": "晋市政发〔2022〕32号"}, "title", "加大知识产权侵权打击力度"),
    ("relations_of", {"entity": "中北大学"}, "relation", "reliesOn"),
    ("unit_workload", {}, "unit", "各县（市、区）人民政府"),
    ("entities_of_type", {"type": "County"}, "label", "泽州县"),
    ("entities_in_place", {"place": "泽州县", "area": "140525", "types": "Project|Enterprise", "name": ""},
     "label", "山西泫氏实业集团有限公司"),
    ("entities_of_kind", {"types": "Institution", "name": "中心"}, "label", "山西省铸铁排水管工程技术研究中心"),
    ("organizations_of_project", {"project": "铸铁排水管智能制造项目", "types": "Institution", "name": "大学"},
     "label", "中北大学"),
    ("projects_of_organization", {"organization": "泫氏集团"}, "project", "铸铁排水管智能制造项目"),
    ("issuer_of_document", {"document": "《晋城市人民政府关于印发晋城市知识产权强市建设实施方案的通知》"},
     "issuer", "晋城市人民政府"),
]


def test_query_fixture_cases_cover_every_query():
    assert {c[0] for c in FIXTURE_CASES} == set(QUERIES)


@pytest.mark.parametrize("name,params,column,value", FIXTURE_CASES)
def test_query_named_query_finds_fixture_rows(mini, name, params, column, value):
    result = run(mini, name, params)
    assert value in result.column(column), (name, result.rows)


def test_query_lead_basis_and_lines_come_back(mini):
    rows = run(mini, "measures_led_by", {"unit": "市中级人民法院"}).to_dicts()
    assert [(r["title"], r["leadBasis"], r["startLine"]) for r in rows] == \
        [("加大知识产权侵权打击力度", "first-listed", 6935)]


def test_query_engines_agree_row_for_row():
    a, b = load_graph(MINI, engine="rdflib"), load_graph(MINI, engine="oxigraph")
    assert not is_oxigraph(a) and is_oxigraph(b)
    for name, params, _, _ in FIXTURE_CASES:
        assert run(a, name, params).rows == run(b, name, params).rows, name


def test_query_co_responsibility_counts_shared_measures(mini):
    rows = {(r["unitA"], r["unitB"]): r["sharedMeasures"] for r in run(mini, "co_responsibility_pairs").to_dicts()}
    assert rows[("市市场监管局", "市科技局")] == 2
    assert rows[("市中级人民法院", "市市场监管局")] == 1


# --- parameters are bindings -----------------------------------------------------------------

@pytest.mark.parametrize("hostile", [
    '市市场监管局" } ?s ?p ?o {',
    "市市场监管局' . ?x ?y ?z",
    '""" } DELETE WHERE { ?s ?p ?o } #',
    "市市场监管局\n} LIMIT 1 #",
])
def test_query_param_text_never_becomes_query_text(mini, hostile):
    assert run(mini, "measures_led_by", {"unit": hostile}).rows == []


_EMPTY = {"rdflib": Graph(), "oxigraph": None}


def _empty(engine):
    if _EMPTY[engine] is None:
        from kg.store import _wrap
        import pyoxigraph

        _EMPTY[engine] = _wrap(pyoxigraph.Store())
    return _EMPTY[engine]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=0, max_size=30) | st.text(st.sampled_from('\\uU0041"\'\n\t{}#<>'), max_size=12))
@example(text="\\U0000").via("SPARQL expands \\u escapes before parsing")
@example(text='""" } ?s ?p ?o {')
def test_query_any_text_round_trips_through_a_binding(engine, text):
    result = run(_empty(engine), "SELECT ?v WHERE { BIND(?x AS ?v) }", {"x": text})
    assert result.rows == [(text,)]


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { ?x ?p ?o }",
    "# comment with { brace\nSELECT ?x WHERE { ?x ?p \"}{\" }",
    "PREFIX a: <http://x/#> SELECT * { ?x a:p ?o }",
    "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
    "ASK { ?x ?p ?o }",
])
def test_query_values_go_into_the_where_group(query):
    text = inject_values(query, {"o": Literal("v")})
    check_syntax(text)
    head = text[: text.index("VALUES")]
    assert head.rstrip().endswith("{")
    code = re.sub(r"<[^>\s]*>|#[^\n]*|\"[^\"]*\"", "", head)  # without the comment and string braces
    assert code.count("{") == (2 if query.startswith("CONSTRUCT") else 1)


def test_query_iri_parameter_binds_as_iri(mini):
    iri = URIRef("https://w3id.org/cn-policy-kg/id/county/泽州县")
    res = run(mini, "SELECT ?code WHERE { ?c <https://w3id.org/cn-policy-kg/ontology#adminCode> ?code }", {"c": iri})
    assert res.rows == [("140525",)]


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,line,col", [
    ("SELECT ?x WHERE { ?x ?p }", 1, None),
    ("PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>\nSELECT ?x\nWHERE { ?x kg:ledBy ?y .\n  FILTER(?y = ) }", 4, None),
    ("SELEC ?x WHERE { ?x ?p ?o }", 1, 1),
])
def test_query_syntax_error_names_line_and_column(text, line, col):
    with pytest.raises(QueryError) as err:
        check_syntax(text)
    msg = str(err.value)
    m = re.search(r"line (\d+), column (\d+)", msg)
    assert m, msg
    assert int(m[1]) == line
    if col is not None:
        assert int(m[2]) == col


@pytest.mark.parametrize("call,needle", [
    (lambda g: run(g, "measures_led_by", {}), "missing parameter unit"),
    (lambda g: run(g, "measures_led_by", {"unit": "x", "dept": "y"}), "unknown parameter dept"),
    (lambda g: run(g, "measures_led_b", {}), "did you mean measures_led_by"),
    (lambda g: run(g, "documents", {"x": "1"}), "takes no parameters"),
    (lambda g: run(g, "INSERT DATA { <http://x> <http://y> <http://z> }"), "updates are not allowed"),
    (lambda g: run(g, "nothing/here.rq"), "no such query file"),
])
def test_query_errors_name_the_bad_value(mini, call, needle):
    with pytest.raises(QueryError, match=re.escape(needle)):
        call(mini)


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("query,needle", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE <http://127.0.0.1:9/>"),
    ("PREFIX x: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE x: { ?s ?p ?o } }", "SERVICE <http://127.0.0.1:9/>"),
    ("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }", "SERVICE a variable"),
    ("SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }", "FROM <http://127.0.0.1:9/g.ttl>"),
    ("BASE <file:///etc/> SELECT * FROM NAMED <passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED <file:///etc/passwd>"),
])
def test_query_never_reaches_beyond_the_graph(engine, query, needle):
    with pytest.raises(QueryError, match=re.escape(needle)):
        run(load_graph(MINI, engine=engine), query)


def test_query_from_a_graph_of_the_dataset_is_allowed(tmp_path):
    trig = tmp_path / "g.trig"
    trig.write_text("<http://x/g1> { <http://x/a> <http://x/p> 1 } <http://x/g2> { <http://x/b> <http://x/p> 2 }")
    for engine in ("rdflib", "oxigraph"):
        g = load_graph(trig, engine=engine)
        res = run(g, "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g = <http://x/g2>) }")
        assert res.rows == [("http://x/b",)]
        assert run(g, "SELECT ?s FROM NAMED <http://x/g1> WHERE { GRAPH ?g { ?s ?p ?o } }").rows == [("http://x/a",)]


def test_query_cli_malformed_query_exits_without_traceback(capsys):
    code = main(["query", "--graph", str(MINI), "--sparql", "SELECT ?x WHERE { ?x ?p"])
    err = capsys.readouterr().err
    assert code == QueryError.exit_code
    assert "line 1" in err and "Traceback" not in err


@pytest.mark.parametrize("pair", ["unit", "=x"])
def test_query_param_pairs_need_a_name_and_equals(pair):
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_params([pair])


# --- formatting ------------------------------------------------------------------------------

def test_query_table_aligns_cjk_by_display_width(mini):
    res = run(mini, "measures_led_by", {"unit": "市市场监管局"})
    lines = format_table(res).splitlines()
    # the second column starts at the same display column on every line
    starts = {_w(line.split("  晋市政发")[0]) for line in lines[2:-1]}
    assert len(starts) == 1
    header = lines[0]
    assert _w(header[: header.index("documentNumber")]) == starts.pop() + 2


_CELL = st.text(st.sampled_from("ab1市场监管局（）〔〕號ﾊ"), min_size=1, max_size=60)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL), min_size=1, max_size=5))
def test_query_table_columns_line_up_for_any_cjk_mix(rows):
    from kg.query import Result

    lines = format_table(Result(["first", "second"], rows), max_width=20).splitlines()
    starts = set()
    for line in [lines[0]] + lines[2:-1]:  # header and rows; cells hold no spaces
        first = line.split(" ", 1)[0]
        second_at = len(first) + (len(line) - len(first) - len(line[len(first):].lstrip(" ")))
        starts.add(_w(line[:second_at]))
    assert len(starts) == 1
    assert all(_w(line.split(" ", 1)[0]) <= 20 for line in lines[2:-1])


@pytest.mark.parametrize("text,width", [("abc", 3), ("市场", 4), ("（二）", 6), ("a市b", 4), ("", 0)])
def test_query_display_width_counts_wide_as_two(text, width):
    assert display_width(text) == width


def test_query_csv_tsv_json_round_trip(mini):
    res = run(mini, "units_of_measure", {"measure": "形成鼓励创新创造的政策导向"})
    rows = list(csv.reader(io.StringIO(format_csv(res))))
    assert rows[0] == res.columns and len(rows) == len(res) + 1
    tsv = [line.split("\t") for line in format_tsv(res).splitlines()]
    assert tsv[0] == res.columns and tsv[1][0] == "市市场监管局"
    data = json.loads(format_json(res))
    assert [d["unitLabel"] for d in data] == ["市市场监管局", "市发展改革委", "市科技局", "市财政局"]


def test_query_cli_runs_named_query_with_params(capsys):
    code = main(["query", "measures_led_by", "--graph", str(MINI), "--param", "unit=市市场监管局", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    assert {r["title"] for r in json.loads(out)} == {"形成鼓励创新创造的政策导向", "提高企业知识产权创造能力"}


def test_query_cli_lists_queries_with_params(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "measures_led_by --param unit=…" in out and "label or alias" in out


# --- Python API and stores -------------------------------------------------------------------

def test_query_values_become_python_or_stay_as_written():
    res = run(Graph(), """SELECT ?n ?d ?day ?dur ?s WHERE {
        BIND(3 AS ?n) BIND(1.5 AS ?d) BIND("2022-06-01"^^<http://www.w3.org/2001/XMLSchema#date> AS ?day)
        BIND("P1D"^^<http://www.w3.org/2001/XMLSchema#duration> AS ?dur) BIND("市"@zh AS ?s) }""")
    n, d, day, dur, text = res.rows[0]
    assert (n, float(d), day.isoformat(), dur, text) == (3, 1.5, "2022-06-01", "P1D", "市")
    assert json.loads(format_json(res)) == [{"n": 3, "d": 1.5, "day": "2022-06-01", "dur": "P1D", "s": "市"}]


def test_query_kg_facade_rows_and_dataframe():
    kg = KG.load(MINI)
    res = kg.query("measures_led_by", unit="市市场监管局")
    assert len(res.rows) == 2
    df = res.to_dataframe()
    assert list(df["title"]) == [r[0] for r in res.rows]


def test_store_persistent_oxigraph_reopens_and_reloads_on_change(tmp_path):
    src = tmp_path / "g.ttl"
    src.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    store_dir = tmp_path / "store"
    g1 = open_graph(src, persist_dir=store_dir)
    n = len(g1)
    assert n == len(load_graph(MINI, engine="rdflib"))
    del g1
    stamp = (store_dir / "kg-source.json").read_text()
    g2 = open_graph(src, persist_dir=store_dir)
    assert len(g2) == n and (store_dir / "kg-source.json").read_text() == stamp
    del g2
    with open(src, "a", encoding="utf-8") as fh:
        fh.write('\n<http://x/a> <http://x/b> "c" .\n')
    g3 = open_graph(src, persist_dir=store_dir)
    assert len(g3) == n + 1


def test_store_auto_engine_chooses_by_size(tmp_path, monkeypatch):
    import kg.store as store

    assert not is_oxigraph(open_graph(MINI))
    monkeypatch.setattr(store, "OXIGRAPH_THRESHOLD", 10)
    assert is_oxigraph(open_graph(MINI))


@pytest.mark.parametrize("name,content,needle", [
    ("missing.ttl", None, "build it first"),
    ("bad.ttl", "<a> <b> .", "not valid"),
    ("graph.xyz", "x", "unknown RDF file type"),
])
def test_store_bad_inputs_raise_kg_errors(tmp_path, name, content, needle):
    from kg.errors import KGError

    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(KGError, match=needle):
        open_graph(path)


# --- every query on the graph of the bundled gazette ------------------------------------------

GAZETTE_CASES = [
    ("measures_led_by", {"unit": "市市场监管局"}, "title", "加强知识产权文化建设"),
    ("measures_led_by", {"unit": "市发改委"}, "title", "完善知识产权转移转化体制机制"),  # an alias
    ("measures_of_unit", {"unit": "市科技局"}, "title", "推动社区基础服务设施达标"),
    ("units_of_measure", {"measure": "加强知识产权文化建设"}, "unitLabel", "市市场监管局"),
    ("co_responsibility_pairs", {}, "unitB", "市民政局"),
    ("partners_of_unit", {"unit": "市卫健委"}, "partner", "市民政局"),
    ("located_in", {"place": "阳城"}, "label", "阳城台头化工园区"),
    ("cooperating_organizations", {}, "b", "太原理工大学"),
    ("cooperates_with", {"entity": "中北大学"}, "partner", "太原理工大学"),
    ("projects_of_enterprise", {"enterprise": "兰花科创公司"}, "project", "兰花科创公司气化升级改造项目"),
    ("relies_on", {"entity": "晋能控股集团"}, "label", "煤矿智能化技术创新研发中心"),
    ("documents_citing", {"cited": "《健康中国2030规划纲要》"}, "documentNumber", "晋市政发〔2022〕31号"),
    ("mentions_of", {"entity": "中北大学"}, "documentNumber", "晋市政发〔2022〕27号"),
    ("busiest_departments", {}, "department", "晋城市人民政府"),
    ("documents", {}, "documentNumber", "晋市发改规发〔2022〕1号"),
    ("documents_issued_by", {"issuer": "晋城市人民政府"}, "documentNumber", "晋市政发〔2022〕27号"),
    ("measures_in_document", {"document": "晋市政发〔2022〕32号"}, "title", "加强知识产权文化建设"),
    ("relations_of", {"entity": "中北大学"}, "relation", "cooperatesWith"),
    ("unit_workload", {}, "unit", "市市场监管局"),
    ("entities_of_type", {"type": "County"}, "label", "泽州县"),
    ("entities_in_place", {"place": "阳城县", "area": "140522", "types": "Project", "name": ""},
     "label", "阳城台头化工园区"),
    ("entities_of_kind", {"types": "Institution", "name": "研究院"}, "label", "晋城市光机电产业研究院"),
    ("organizations_of_project", {"project": "兰花科创公司气化升级改造项目", "types": "Enterprise", "name": ""},
     "label", "兰花科创公司"),
    ("projects_of_organization", {"organization": "晋控装备集团"}, "project",
     "晋控装备集团车寨矿井150万吨/年矿井及其配套选煤厂"),
    ("issuer_of_document", {"document": "晋市发改规发〔2022〕1号"}, "issuer", "晋城市发展和改革委员会"),
]


@pytest.fixture(scope="module")
def gazette_kg(gazette_graph_path):
    return KG.load(gazette_graph_path, engine="oxigraph")


def test_query_gazette_cases_cover_every_query():
    assert {c[0] for c in GAZETTE_CASES} == set(QUERIES)


@pytest.mark.parametrize("name,params,column,value", GAZETTE_CASES)
def test_query_named_query_finds_gazette_rows(gazette_kg, name, params, column, value):
    result = gazette_kg.query(name, **params)
    assert value in result.column(column), (name, result.rows[:5])


def test_query_gazette_samr_leads_with_lines_and_basis(gazette_kg):
    rows = {r["title"]: r for r in gazette_kg.query("measures_led_by", unit="市市场监管局").to_dicts()}
    for title in ("形成鼓励创新创造的政策导向", "提高企业知识产权创造能力", "提升企业知识产权管理效应",
                  "健全知识产权金融服务体系", "加强知识产权文化建设"):
        assert rows[title]["leadBasis"] == "explicit"
        assert rows[title]["documentNumber"] == "晋市政发〔2022〕32号"
    assert rows["加强知识产权文化建设"]["startLine"] == 7629


def test_query_gazette_unit_order_follows_the_clause(gazette_kg):
    rows = gazette_kg.query("units_of_measure", measure="形成鼓励创新创造的政策导向").to_dicts()
    ordered = [r["unitLabel"] for r in sorted(rows, key=lambda r: r["unitOrder"])]
    assert ordered[0] == "市市场监管局" and rows[0]["role"] == "lead"
    assert [r["unitOrder"] for r in rows] == sorted(r["unitOrder"] for r in rows)


def test_query_gazette_engines_agree(gazette_graph_path, gazette_kg):
    mem = load_graph(gazette_graph_path, engine="rdflib")
    for name, params, _, _ in GAZETTE_CASES:
        assert run(mem, name, params).rows == gazette_kg.query(name, **params).rows, name


def test_store_never_overwrites_a_folder_it_did_not_make(tmp_path):
    from kg.errors import InputError

    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="refusing to overwrite"):
        open_graph(MINI, persist_dir=precious)
    assert (precious / "notes.txt").read_text() == "keep me"
