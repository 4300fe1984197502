"""kg.evaluate: the scoring rules, and agreement with the independent script shared/tools/score_kg.py."""
import json
import re
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, Namespace as NS
from rdflib.namespace import SKOS, XSD

from kg import evaluate
from kg.errors import InputError

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCRIPT = SHARED / "tools" / "score_kg.py"
GOLD_ENTITIES = SHARED / "gold" / "entities-dev.json"
GOLD_RESPONSIBILITY = SHARED / "gold" / "responsibility-dev.json"

EX = NS("http://example.org/onto#")  # any namespace: the scorer matches local names
ITS = NS("http://www.w3.org/2005/11/its/rdf#")
ID = NS("http://example.org/id/")

SMALL_GOLD = {
    "source": "toy.txt",
    "spans": [
        {"id": "a", "lines": [10, 20], "entities": [
            {"type": "Project", "name": "高平绿色铸造产业园", "aliases": [], "lines": [12]},
            {"type": "Enterprise", "name": "山西泫氏实业集团有限公司", "aliases": ["泫氏实业"], "lines": [11]},
            {"type": "County", "name": "阳城县", "aliases": ["阳城"], "lines": [15]},
        ]},
        {"id": "b", "lines": [30, 40], "entities": [
            {"type": "Department", "name": "市市场监管局", "aliases": [], "lines": [31]},
        ]},
    ],
}


def _entity(g, key, cls, label, lines, alt=()):
    e = ID[key]
    g.add((e, RDF.type, cls))
    g.add((e, SKOS.prefLabel, Literal(label, lang="zh")))
    for a in alt:
        g.add((e, SKOS.altLabel, Literal(a, lang="zh")))
    for n, line in enumerate(lines):
        m = ID[f"mention/{key}/{n}"]
        g.add((m, ITS.taIdentRef, e))
        g.add((m, EX.line, Literal(line, datatype=XSD.nonNegativeInteger)))
    return e


def _small_graph():
    g = rdflib.Graph()
    g.add((EX.Firm, RDFS.subClassOf, EX.Enterprise))  # class closure: a Firm is an Enterprise
    _entity(g, "p1", EX.Project, "高平绿色铸造产业园", [12])
    _entity(g, "f1", EX.Firm, "泫氏实业", [11])
    _entity(g, "c1", EX.County, "阳城", [15, 99])
    _entity(g, "p2", EX.Project, "绿色铸造产业", [13])  # an extra: the gold park is already matched
    _entity(g, "d1", EX.Department, "市场监管局", [31])  # lenient only: 5/6 of the gold name
    _entity(g, "d2", EX.Department, "市市场监管局", [55])  # outside every span: ignored
    return g


@pytest.mark.parametrize("gold,pred,lenient,expected", [
    ({"市市场监管局"}, {"市市场监管局"}, False, True),
    ({"市市场监管局"}, {"市场监管局"}, False, False),
    ({"市市场监管局"}, {"市场监管局"}, True, True),  # 5/6 ≥ 0.6
    ({"晋城市人民医院"}, {"医院"}, True, False),  # 2/7 < 0.6
    ({"a"}, {"ab"}, True, False),  # shorter than 2 characters
])
def test_evaluate_matches_strict_and_lenient(gold, pred, lenient, expected):
    assert evaluate.matches(gold, pred, lenient) is expected


@pytest.mark.parametrize("raw,normal", [
    ("中国矿业大学（北京）", "中国矿业大学(北京)"),
    ("“非常规天然气”质量认定平台", "非常规天然气质量认定平台"),
    ("年产 2\n亿个", "年产2亿个"),
])
def test_evaluate_norm_labels(raw, normal):
    assert evaluate.norm(raw) == normal


def test_evaluate_entities_counts_per_type():
    g = _small_graph()
    strict = evaluate.score_entities(g, SMALL_GOLD, lenient=False)
    lenient = evaluate.score_entities(g, SMALL_GOLD, lenient=True)
    t = {k: (v.tp, v.fp, v.fn) for k, v in strict.types.items()}
    assert t == {"Project": (1, 1, 0), "Enterprise": (1, 0, 0), "County": (1, 0, 0),
                 "Department": (0, 1, 1), "Institution": (0, 0, 0)}
    assert (lenient.types["Department"].tp, lenient.types["Department"].fp) == (1, 0)
    assert strict.types["Project"].extras == ["绿色铸造产业"]
    assert strict.types["Department"].misses == ["市市场监管局"]
    assert (strict.micro.tp, strict.micro.fp, strict.micro.fn) == (3, 2, 1)


def test_evaluate_responsibility_counts():
    g = rdflib.Graph()
    m = ID["measure/1"]
    g.add((m, EX.startLine, Literal(100)))
    g.add((m, EX.endLine, Literal(120)))
    g.add((m, SKOS.prefLabel, Literal("加强知识产权政策体系建设")))
    for key, name in (("u1", "市市场监管局"), ("u2", "市科技局"), ("u3", "市财政局")):
        g.add((ID[key], SKOS.prefLabel, Literal(name)))
        g.add((m, EX.responsibleUnit, ID[key]))
    g.add((m, EX.ledBy, ID["u1"]))
    gold = {"clauses": [
        {"line": 118, "measure_start_line": 100, "measure_title": "加强知识产权政策体系建设",
         "units": ["市市场监管局", "市科技局", "市统计局"], "collective": [], "lead": "市市场监管局"},
        {"line": 300, "measure_start_line": 290, "measure_title": "x", "units": ["市财政局"],
         "collective": ["各县（市、区）人民政府"], "lead": None},
    ]}
    r = evaluate.score_responsibility(g, gold)
    assert (r.found, r.unit_tp, r.unit_fp, r.unit_fn) == (1, 2, 1, 3)
    assert (r.leads_ok, r.leads, r.titles) == (1, 1, 1)
    assert r.missed_clauses == [300]


@pytest.mark.parametrize("content,kind", [
    ({"spans": []}, "entities"),
    ({"clauses": []}, "responsibility"),
])
def test_evaluate_gold_kind_detected(tmp_path, content, kind):
    p = tmp_path / "gold.json"
    p.write_text(json.dumps(content), encoding="utf-8")
    assert evaluate.load_gold(p)[0] == kind


def test_evaluate_gold_of_unknown_shape_is_an_input_error(tmp_path):
    p = tmp_path / "gold.json"
    p.write_text('{"things": []}', encoding="utf-8")
    with pytest.raises(InputError, match="spans"):
        evaluate.load_gold(p)


def test_evaluate_trig_named_graphs_are_merged(tmp_path):
    ds = rdflib.Dataset()
    named = ds.graph(ID["graph/doc"])
    for t in _small_graph():
        named.add(t)
    path = tmp_path / "g.trig"
    ds.serialize(path, format="trig")
    g = evaluate.load_graph(path)
    assert evaluate.score_entities(g, SMALL_GOLD).types["Project"].tp == 1


def test_evaluate_command_prints_tables(tmp_path, capsys):
    graph = tmp_path / "g.ttl"
    _small_graph().serialize(graph, format="turtle")
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(SMALL_GOLD, ensure_ascii=False), encoding="utf-8")
    assert evaluate.eval_command(Namespace(gold=str(gold), graph=str(graph), verbose=True)) == 0
    out = capsys.readouterr().out
    assert "strict   micro P/R/F1 = 0.600 0.750 0.667" in out
    assert "extra  Project (1): 绿色铸造产业" in out


# ---------------------------------------------------------------- agreement with the script

def _graph_from_gold(entities_gold, resp_gold) -> rdflib.Graph:
    """A graph that gets some gold right, some nearly, some wrong, deterministically."""
    g = rdflib.Graph()
    g.add((EX.Firm, RDFS.subClassOf, EX.Organisation))
    g.add((EX.Organisation, RDFS.subClassOf, EX.Enterprise))
    classes = {"Enterprise": EX.Firm}
    n = 0
    for span in entities_gold["spans"]:
        for ge in span["entities"]:
            n += 1
            line = (ge.get("lines") or span["lines"])[0]
            name = ge["name"]
            cls = classes.get(ge["type"], EX[ge["type"]])
            variant = n % 6
            if variant == 0:
                continue  # missed
            label = {1: name, 2: name[:-1], 3: name + "有限公司", 4: name[: max(1, len(name) // 2)],
                     5: (ge.get("aliases") or [name])[0]}[variant]
            _entity(g, f"e{n}", cls, label, [line])
            if n % 7 == 0:  # an extra of the same type in the same span
                _entity(g, f"x{n}", cls, f"多余{n}", [span["lines"][0]])
    for j, c in enumerate(resp_gold["clauses"]):
        if j % 5 == 0:
            continue
        m = ID[f"measure/{j}"]
        g.add((m, EX.startLine, Literal(c["measure_start_line"] + j % 4)))
        g.add((m, EX.endLine, Literal(c.get("line_end", c["line"]))))
        if j % 3:
            g.add((m, SKOS.prefLabel, Literal(c["measure_title"])))
        for k, u in enumerate(c["units"] + c["collective"]):
            if (j + k) % 4 == 3:
                continue
            unit = ID[f"unit/{u}"]
            g.add((unit, SKOS.prefLabel, Literal(u)))
            g.add((m, EX.responsibleUnit, unit))
        if c["lead"] and j % 3 != 2:
            g.add((ID[f"unit/{c['lead']}"], SKOS.prefLabel, Literal(c["lead"])))
            g.add((m, EX.ledBy, ID[f"unit/{c['lead']}"]))
    return g


def _script(graph: Path, mode: str, gold: Path) -> str:
    return subprocess.run([sys.executable, str(SCRIPT), str(graph), mode, str(gold)],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not (SCRIPT.exists() and GOLD_ENTITIES.exists()), reason="shared scorer not present")
def test_evaluate_agrees_with_score_kg_script(tmp_path):
    ents = json.loads(GOLD_ENTITIES.read_text(encoding="utf-8"))
    resp = json.loads(GOLD_RESPONSIBILITY.read_text(encoding="utf-8"))
    graph = tmp_path / "graph.ttl"
    g = _graph_from_gold(ents, resp)
    g.serialize(graph, format="turtle")
    g = evaluate.load_graph(graph)

    ours = evaluate.entity_report(evaluate.score_entities(g, ents, False), evaluate.score_entities(g, ents, True))
    theirs = _script(graph, "entities", GOLD_ENTITIES)
    row = re.compile(r"^\s+\w+\s+P [\d.]+ R [\d.]+ F1 [\d.]+\s+\(tp \d+ fp \d+ fn \d+\)$", re.M)
    assert row.findall(ours) == row.findall(theirs)
    assert len(row.findall(ours)) == 10
    micro = re.compile(r"micro P/R/F1 = ([\d.]+ [\d.]+ [\d.]+)")
    assert micro.findall(ours) == micro.findall(theirs)

    r = evaluate.score_responsibility(g, resp)
    assert evaluate.responsibility_report(r) == _script(graph, "responsibility", GOLD_RESPONSIBILITY).splitlines()[0]
    assert 0 < r.found < r.clauses and 0 < r.leads_ok < r.leads


@pytest.mark.skipif(not (SCRIPT.exists() and GOLD_ENTITIES.exists()), reason="shared scorer not present")
def test_evaluate_agrees_with_score_kg_script_on_the_built_gazette(tmp_path):
    g = evaluate.bundled_graph()
    graph = tmp_path / "graph.nt"
    g.serialize(graph, format="nt", encoding="utf-8")
    g = evaluate.load_graph(graph)
    ents = json.loads(GOLD_ENTITIES.read_text(encoding="utf-8"))
    ours = evaluate.entity_report(evaluate.score_entities(g, ents, False), evaluate.score_entities(g, ents, True))
    theirs = _script(graph, "entities", GOLD_ENTITIES)
    row = re.compile(r"^\s+\w+\s+P [\d.]+ R [\d.]+ F1 [\d.]+\s+\(tp \d+ fp \d+ fn \d+\)$", re.M)
    assert row.findall(ours) == row.findall(theirs)
    resp = json.loads(GOLD_RESPONSIBILITY.read_text(encoding="utf-8"))
    r = evaluate.score_responsibility(g, resp)
    assert evaluate.responsibility_report(r) == _script(graph, "responsibility", GOLD_RESPONSIBILITY).splitlines()[0]


# ---------------------------------------------------------------- clause offsets and documents

SCORE_DOCUMENTS = SHARED / "tools" / "score_documents.py"
GOLD_EXTERNAL = SHARED / "gold" / "responsibility-external-dev.json"
EXTERNAL_TEXTS = SHARED / "corpus" / "external-dev"
NIF_NS = NS("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")


def _offset_measure(g, key, begin, end, units, leads=()):
    m = ID[f"measure/{key}"]
    c = ID[f"measure/{key}/clause"]
    g.add((m, EX.clause, c))
    g.add((c, NIF_NS.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
    g.add((c, NIF_NS.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
    for u in units:
        g.add((ID[f"unit/{u}"], SKOS.prefLabel, Literal(u)))
        g.add((m, EX.responsibleUnit, ID[f"unit/{u}"]))
    for u in leads:
        g.add((m, EX.ledBy, ID[f"unit/{u}"]))
    return m


def test_evaluate_responsibility_by_clause_offsets():
    """An offset gold clause is found by the unmatched measure whose clause overlaps it most (lines unused)."""
    g = rdflib.Graph()
    _offset_measure(g, "a", 100, 130, ["市林业局", "市水务局"], ["市林业局"])
    _offset_measure(g, "b", 125, 160, ["市财政局"])  # overlaps the first gold clause less than a does
    _offset_measure(g, "c", 500, 520, ["市商务局"])
    gold = {"clauses": [
        {"offset": 101, "end": 131, "line": 1, "units": ["市林业局", "市水务局"], "collective": [], "lead": "市林业局"},
        {"offset": 101, "end": 131, "line": 1, "units": ["市林业局"], "collective": [], "lead": None},  # a taken: b
        {"offset": 300, "end": 320, "line": 1, "units": ["市审计局"], "collective": ["有关部门"], "lead": "市审计局"},
    ]}
    r = evaluate.score_responsibility(g, gold)
    assert (r.found, r.unit_tp, r.unit_fp, r.unit_fn) == (2, 2, 1, 3)
    assert (r.leads_ok, r.leads) == (1, 2)
    assert r.missed_clauses == [300]


def test_evaluate_documents_gold_needs_its_texts(tmp_path):
    p = tmp_path / "gold.json"
    p.write_text(json.dumps({"documents": [{"file": "a.txt", "clauses": []}]}), encoding="utf-8")
    assert evaluate.load_gold(p)[0] == "documents"
    with pytest.raises(InputError, match="--texts"):
        evaluate.eval_command(Namespace(gold=str(p), graph=None, texts=None, verbose=False))


@pytest.mark.skipif(not (SCRIPT.exists() and GOLD_EXTERNAL.exists()), reason="shared scorer not present")
def test_evaluate_agrees_with_score_kg_script_on_clause_offsets(tmp_path):
    """A graph that places some clauses right, some shifted, some not at all: same figures as the script."""
    gold = json.loads(GOLD_EXTERNAL.read_text(encoding="utf-8"))
    clauses = [c for d in gold["documents"] for c in d["clauses"] if d["file"] == "sd_xiangcun_bangfu_2021.txt"]
    g = rdflib.Graph()
    for j, c in enumerate(clauses):
        if j % 5 == 0:
            continue
        shift = (j % 3) * 7
        units = [u for k, u in enumerate(c["units"] + c["collective"]) if (j + k) % 4 != 3] + (["多余单位"] if j % 6 == 1 else [])
        _offset_measure(g, f"m{j}", c["offset"] + shift, c["end"] + shift, units, c["leads"][: j % 2 + 1])
    graph = tmp_path / "graph.ttl"
    g.serialize(graph, format="turtle")
    sub = tmp_path / "gold.json"
    sub.write_text(json.dumps({"clauses": clauses}, ensure_ascii=False), encoding="utf-8")
    r = evaluate.score_responsibility(evaluate.load_graph(graph), {"clauses": clauses})
    assert evaluate.responsibility_report(r) == _script(graph, "responsibility", sub).splitlines()[0]
    assert 0 < r.found < r.clauses and 0 < r.unit_fp


@pytest.mark.skipif(not (SCORE_DOCUMENTS.exists() and GOLD_EXTERNAL.exists() and EXTERNAL_TEXTS.is_dir()),
                    reason="shared corpus not present")
def test_evaluate_documents_agree_with_score_documents_script():
    """kg eval on a by-document gold prints what score_documents.py prints (each file built on its own)."""
    ours = evaluate.documents_report(evaluate.score_documents(json.loads(GOLD_EXTERNAL.read_text(encoding="utf-8")),
                                                              EXTERNAL_TEXTS))
    theirs = subprocess.run([sys.executable, str(SCORE_DOCUMENTS), str(GOLD_EXTERNAL), str(EXTERNAL_TEXTS)],
                            capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert ours.splitlines() == theirs.splitlines()[:len(ours.splitlines())]
    assert ours.splitlines()[-1].startswith("all: clauses found")
