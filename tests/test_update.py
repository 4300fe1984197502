"""`kg add`: gazettes added to a built on-disk store (kg/update.py)."""
import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.read import bundled_gazette

KG = "https://w3id.org/cn-policy-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _synth():
    spec = importlib.util.spec_from_file_location("kg_bench_synth", Path(__file__).parent.parent / "bench" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _count(store, where: str) -> int:
    q = f"PREFIX kg: <{KG}> PREFIX skos: <{SKOS}> SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"
    return int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)


@pytest.fixture(scope="module")
def added(built_corpus, tmp_path_factory):
    """The gazette's store, then another city's gazette (a synthetic copy) added twice."""
    from kg.build import write_outputs

    tmp = tmp_path_factory.mktemp("update")
    write_outputs(built_corpus, tmp / "out", formats=("trig",))
    new = tmp / "other-city.txt"
    perturber = _synth().Perturber(bundled_gazette().read_text(encoding="utf-8"))
    new.write_text(perturber.copy(3), encoding="utf-8")
    city = perturber.order[2][0]  # copy k is the gazette of the k-th city of the synthetic order
    store_dir = tmp / "store"
    codes = [main(["add", str(new), "--store", str(store_dir), "--graph", str(tmp / "out" / "graph.trig")])]
    store = ox.Store.read_only(str(store_dir))
    first = {"documents": _count(store, "?x a kg:Document"), "quads": len(store),
             "entities": _count(store, "GRAPH <https://w3id.org/cn-policy-kg/id/graph/entities> { ?x skos:prefLabel ?l }")}
    del store
    codes.append(main(["add", str(new), "--store", str(store_dir)]))
    return codes, first, ox.Store.read_only(str(store_dir)), city


def test_update_adds_the_documents_of_the_new_gazette(added, built_corpus):
    codes, first, store, _ = added
    assert codes == [0, 0]
    assert first["documents"] == 2 * len(built_corpus.documents)


def test_update_adding_a_file_again_replaces_its_documents(added):
    _, first, store, _ = added
    assert _count(store, "?x a kg:Document") == first["documents"]
    assert len(store) == first["quads"]


def test_update_links_to_the_store_entities_or_makes_new_ones(added, built_corpus):
    _, first, store, city = added
    # bodies above the city are the store's: one 国务院, one 国家发展改革委, … not one per gazette
    for label in ("国务院", "国家发展改革委"):
        assert _count(store, f'?x skos:prefLabel "{label}"@zh') <= 1
    # the new city's market regulator is its own entity, named with its city
    assert _count(store, f'?x a kg:Department ; skos:prefLabel ?l FILTER(STRSTARTS(?l, "{city}市场"))') == 1
    assert first["entities"] > len(built_corpus.entities)


def test_update_new_measures_are_queryable(added):
    _, _, store, city = added
    led = _count(store, f'?x kg:ledBy ?u . ?u skos:prefLabel ?l FILTER(STRSTARTS(?l, "{city}"))')
    assert led > 0


@pytest.mark.parametrize("setup, message", [
    ("nothing", "no store there"),
    ("ttl", "named graph"),
])
def test_update_without_a_store_to_add_to_is_a_clear_error(tmp_path, capsys, setup, message):
    graph = tmp_path / ("graph.ttl" if setup == "ttl" else "missing.trig")
    if setup == "ttl":
        graph.write_text("", encoding="utf-8")
    code = main(["add", str(bundled_gazette()), "--store", str(tmp_path / "store"), "--graph", str(graph)])
    assert code != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
