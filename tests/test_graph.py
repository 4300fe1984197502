"""The built graph of the bundled gazette: shapes, determinism, exports that round-trip, provenance."""
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from kg.export import WRITERS, export, load_quads, sorted_ntriples
from kg.rdf import corpus_quads, iri_escape
from kg.vocab import KG

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def quads(built_corpus):
    return list(corpus_quads(built_corpus))


@pytest.fixture(scope="module")
def union(quads):
    g = rdflib.Graph()
    g.parse(data=sorted_ntriples(quads).decode("utf-8"), format="nt")
    return g


def test_graph_conforms_to_shapes(union):
    from pyshacl import validate

    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    conforms, _, text = validate(union, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True)
    assert conforms, text[:3000]


def test_graph_vocabulary_matches_ontology():
    """Every term kg.vocab.KG names is defined in ontology/kg.ttl, and vice versa."""
    onto = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    defined = {str(s) for s in onto.subjects() if str(s).startswith(str(KG._NS))}
    named = {str(KG._NS) + n for n in KG.__annotations__}
    assert named == defined


def test_graph_two_builds_give_identical_sorted_ntriples(quads):
    from kg.build import build_corpus

    again = list(corpus_quads(build_corpus()))
    assert sorted_ntriples(again) == sorted_ntriples(quads)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_graph_exports_round_trip(quads, union, fmt, tmp_path):
    path = export(quads, fmt, tmp_path)
    if fmt in ("nq", "trig", "jsonld"):
        ds = rdflib.Dataset()
        ds.parse(path, format={"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt])
        graphs = {str(g) for _, _, _, g in ds.quads((None, None, None, None))}
        docs = {str(q.graph_name.value) for q in quads if "/doc/" in str(q.graph_name.value)}
        assert docs and docs <= graphs  # one named graph per document
        back = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            back.add((s, p, o))
    else:
        back = rdflib.Graph().parse(path, format={"ttl": "turtle", "nt": "nt"}[fmt])
    assert len(back) == len(union)
    assert isomorphic(back, union)


def test_graph_csv_has_entities_and_relations_with_evidence(quads, tmp_path):
    import csv

    export(quads, "csv", tmp_path)
    ents = list(csv.DictReader(open(tmp_path / "entities.csv", encoding="utf-8-sig")))
    rels = list(csv.DictReader(open(tmp_path / "relations.csv", encoding="utf-8-sig")))
    types = {r["type"] for r in ents}
    assert {"Department", "County", "Enterprise", "Institution", "Project"} <= types
    assert all(r["quote"] and int(r["line"]) >= 1 and r["document"] for r in rels)
    assert any(r["predicate"].endswith("responsibleUnit") for r in rels)


def test_graph_graphml_and_gexf_load_in_networkx(quads, tmp_path):
    import networkx as nx

    g = nx.read_graphml(export(quads, "graphml", tmp_path))
    assert g.number_of_nodes() > 100 and g.number_of_edges() > 100
    assert nx.read_gexf(export(quads, "gexf", tmp_path)).number_of_nodes() == g.number_of_nodes()


def test_graph_ttl_reloads_through_load_quads(quads, tmp_path):
    path = export(quads, "ttl", tmp_path)
    assert len({(q.subject, q.predicate, q.object) for q in load_quads(path)}) == len(
        {(q.subject, q.predicate, q.object) for q in quads})


def test_graph_unknown_export_format_names_the_choices(quads, tmp_path):
    from kg.export import ExportError

    with pytest.raises(ExportError, match="choose one of"):
        export(quads, "xlsx", tmp_path)
    assert "ttl" in WRITERS


def test_graph_mentions_point_into_the_source(union, built_corpus):
    """nif:beginIndex/endIndex are offsets into the input file, kg:line is the line there, and the
    anchor is the input text between them with line breaks removed (or a recorded glyph repair)."""
    from kg.clean import clean

    src = built_corpus.sources[0]
    cleaned = clean(src)
    repaired = {r.offset for r in cleaned.repairs}
    q = """SELECT ?a ?b ?line ?anchor WHERE { ?m a kg:Mention ; nif:beginIndex ?a ; nif:endIndex ?b ;
           kg:line ?line ; nif:anchorOf ?anchor }"""
    rows = list(union.query(q, initNs={"kg": str(KG._NS), "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"}))
    assert len(rows) > 1000
    for a, b, line, anchor in rows:
        a, b = int(a), int(b)
        assert src.line_of(a) == int(line)
        if "".join(src.text[a:b].split()) != str(anchor):
            doubled = any(s <= a and b <= e for s, e in cleaned.bold)  # a heading printed twice, interleaved
            assert doubled or any(a <= r < b for r in repaired), (a, b, str(anchor), src.text[a:b])


def test_graph_measures_led_by_market_regulator(union):
    q = """SELECT ?title WHERE { ?u skos:prefLabel|skos:altLabel "市市场监管局"@zh . ?m kg:ledBy ?u ;
           kg:leadBasis "explicit" ; skos:prefLabel ?title }"""
    titles = {str(r[0]) for r in union.query(q, initNs={"kg": KG._NS, "skos": SKOS})}
    assert {"形成鼓励创新创造的政策导向", "提高企业知识产权创造能力", "提升企业知识产权管理效应",
            "健全知识产权金融服务体系", "加强知识产权文化建设"} <= titles


def test_graph_build_records_its_inputs(union):
    from rdflib.namespace import PROV

    used = list(union.objects(None, PROV.used))
    assert used and all(iri_escape("jincheng") in str(u) or "source/" in str(u) for u in used)


@pytest.mark.slow
def test_graph_identical_across_processes_and_hash_seeds(tmp_path):
    """Byte-identical sorted N-Triples from two processes whose str hashes differ (no set order leaks)."""
    import os
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(ROOT / "build_graph.py"), "--out", str(out), "--formats", "nt"],
                       check=True, env=env, capture_output=True, cwd=ROOT)
        outs.append((out / "graph.nt").read_bytes())
    assert outs[0] == outs[1]
