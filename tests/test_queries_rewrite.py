"""The named queries of queries/ are written for Oxigraph's planner (index lookups instead of
scans, see docs/scale.md); queries/plain/ asks the same questions plainly (rdflib's engine
runs those). Both must give the same rows, in the same order, on the bundled gazette's graph
and on invented graphs, on both engines.
"""
from pathlib import Path

import pytest

from kg.query import PLAIN_DIR, QUERY_DIR, load_graph, named_queries, run

REFERENCE = PLAIN_DIR
MINI = Path(__file__).parent / "fixtures" / "mini.ttl"

# (query, params, rows expected on the gazette: True = at least one)
GAZETTE_CASES = [
    ("busiest_departments", {}, True),
    ("co_responsibility_pairs", {}, True),
    ("cooperating_organizations", {}, True),
    ("documents", {}, True),
    ("unit_workload", {}, True),
    ("entities_of_type", {"type": "Department"}, True),
    ("entities_of_type", {"type": "CitedDocument"}, True),
    ("entities_of_type", {"type": "NoSuchClass"}, False),
    ("measures_led_by", {"unit": "市市场监管局"}, True),
    ("measures_led_by", {"unit": "各县（市、区）人民政府"}, True),
    ("measures_of_unit", {"unit": "市科技局"}, True),
    ("partners_of_unit", {"unit": "市发展改革委"}, True),
    ("units_of_measure", {"measure": "加强知识产权文化建设"}, True),
    ("mentions_of", {"entity": "市发展改革委"}, True),
    ("relations_of", {"entity": "晋能控股集团"}, True),
    ("relations_of", {"entity": "高平市"}, True),
    ("cooperates_with", {"entity": "北京科技大学"}, True),
    ("relies_on", {"entity": "晋能控股集团"}, True),
    ("located_in", {"place": "高平市"}, True),
    ("projects_of_enterprise", {"enterprise": "中船重工"}, True),
    ("documents_issued_by", {"issuer": "晋城市人民政府"}, True),
    # by 文号, by title with and without 《》, and a title only the slow comparison finds
    ("measures_in_document", {"document": "晋市政发〔2022〕32号"}, True),
    ("measures_in_document", {"document": "《晋城市“十四五”知识产权保护和运用规划》"}, True),
    ("documents_citing", {"cited": "《山西省知识产权保护工作条例》"}, True),
    ("documents_citing", {"cited": "山西省知识 产权保护工作条例"}, True),
    ("documents_citing", {"cited": "健康中国2030规划纲要"}, True),
    ("documents_citing", {"cited": "没有这份文件"}, False),
]

# Invented documents whose titles hold 《》 and “”: the slow comparison is then the only way to
# find them from a title typed without those marks.
INVENTED = """
@prefix kg: <https://w3id.org/cn-policy-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@base <https://w3id.org/cn-policy-kg/id/> .
<doc/a> a kg:Document ; dcterms:title "关于印发《示范区“三年”建设方案》的通知"@zh ;
    skos:prefLabel "关于印发《示范区“三年”建设方案》的通知"@zh ;
    dcterms:identifier "示政发〔2030〕1号" ; kg:documentNumber "示政发〔2030〕1号" ; kg:startLine 1 .
<measure/a/1> a kg:Measure ; kg:inDocument <doc/a> ; dcterms:title "建设示范区"@zh ;
    skos:prefLabel "建设示范区"@zh ; kg:startLine 5 ; kg:responsibleUnit <department/示范局> ;
    kg:ledBy <department/示范局> ; kg:leadBasis "explicit" .
<department/示范局> a kg:Department ; skos:prefLabel "示范局"@zh .
<doc/b> a kg:Document ; dcterms:title "关于落实示范区建设的通知"@zh ; kg:documentNumber "示政发〔2030〕2号" ;
    kg:cites <doc/a> , <policy/新区条例> ; kg:mentions <policy/新区条例> .
<policy/新区条例> a kg:CitedDocument ; skos:prefLabel "新区条例"@zh ; dcterms:title "新区条例"@zh .
<mention/b/9-15/policy> itsrdf:taIdentRef <policy/新区条例> ; kg:inDocument <doc/b> ; kg:line 3 ;
    nif:anchorOf "《新区条例》" .
"""
INVENTED_CASES = [
    ("measures_in_document", {"document": "示政发〔2030〕1号"}),
    ("measures_in_document", {"document": "关于印发《示范区“三年”建设方案》的通知"}),
    ("measures_in_document", {"document": "关于印发示范区“三年”建设方案的通知"}),  # 《》 inside: slow path
    ("documents_citing", {"cited": "示政发〔2030〕1号"}),
    ("documents_citing", {"cited": "关于印发示范区三年建设方案的通知"}),  # marks inside: slow path
    ("documents_citing", {"cited": "《新区条例》"}),
    ("measures_led_by", {"unit": "示范局"}),
]


def _same(graph, name, params):
    fast, plain = run(graph, name, params, directory=QUERY_DIR), run(graph, name, params, directory=REFERENCE)
    assert fast.columns == plain.columns, name
    assert fast.rows == plain.rows, (name, params)
    return fast


def test_queries_rewrite_every_reference_has_its_query():
    queries = named_queries()
    for name, nq in named_queries(REFERENCE).items():
        assert queries[name].param_names == nq.param_names, name


def test_queries_rewrite_cases_cover_every_reference():
    assert {c[0] for c in GAZETTE_CASES} == set(named_queries(REFERENCE))


@pytest.fixture(scope="module")
def gazette_oxigraph(gazette_graph_path):
    return load_graph(gazette_graph_path, engine="oxigraph")


@pytest.mark.parametrize("name,params,nonempty", GAZETTE_CASES)
def test_queries_rewrite_same_rows_on_the_gazette(gazette_oxigraph, name, params, nonempty):
    result = _same(gazette_oxigraph, name, params)
    assert bool(result.rows) == nonempty, (name, params)


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("name,params", INVENTED_CASES)
def test_queries_rewrite_same_rows_on_invented_titles(tmp_path_factory, engine, name, params):
    path = tmp_path_factory.getbasetemp() / "invented.ttl"
    if not path.exists():
        path.write_text(INVENTED, encoding="utf-8")
    result = _same(load_graph(path, engine=engine), name, params)
    assert result.rows, (name, params)


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_queries_rewrite_same_rows_on_the_fixture(engine):
    from test_query import FIXTURE_CASES

    graph = load_graph(MINI, engine=engine)
    for name, params, _, _ in FIXTURE_CASES:
        if name in named_queries(REFERENCE):
            _same(graph, name, params)


@pytest.mark.parametrize("engine, name, plain", [
    ("rdflib", "measures_led_by", True),
    ("oxigraph", "measures_led_by", False),
    ("rdflib", "no_such_query", False),
    ("rdflib", "SELECT * WHERE { ?s ?p ?o }", False),
])
def test_queries_rewrite_rdflib_runs_the_plain_formulation(engine, name, plain):
    from kg.query import _plain_variant

    assert _plain_variant(load_graph(MINI, engine=engine), name) is plain
