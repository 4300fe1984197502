"""kg stats: counts, the co-responsibility network and centrality."""
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from kg.cli import main
from kg.query import load_graph, run
from kg.stats import centrality, class_counts, co_responsibility_network, property_counts, short, stats_text

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
ID = "https://w3id.org/cn-policy-kg/id/"


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def mini(request):
    return load_graph(MINI, engine=request.param)


@pytest.fixture(scope="module")
def gazette(gazette_graph_path):
    return load_graph(gazette_graph_path, engine="oxigraph")


@pytest.mark.parametrize("name,count", [("kg:Measure", 4), ("kg:Department", 6), ("kg:County", 1),
                                        ("kg:Mention", 4), ("kg:Document", 2)])
def test_stats_class_counts(mini, name, count):
    assert dict(class_counts(mini))[name] == count


@pytest.mark.parametrize("name,count", [("kg:responsibleUnit", 11), ("kg:ledBy", 4), ("kg:unitOrder", 11),
                                        ("skos:prefLabel", 17)])
def test_stats_property_counts(mini, name, count):
    assert dict(property_counts(mini))[name] == count


def test_stats_counts_sorted_most_frequent_first(mini):
    counts = property_counts(mini)
    assert counts == sorted(counts, key=lambda r: (-r[1], r[0]))


def test_stats_lead_basis_counts(mini):
    from kg.stats import lead_basis_counts

    assert lead_basis_counts(mini) == [("explicit", 3), ("first-listed", 1)]


@pytest.mark.parametrize("iri,expected", [
    ("https://w3id.org/cn-policy-kg/ontology#ledBy", "kg:ledBy"),
    ("http://www.w3.org/2004/02/skos/core#altLabel", "skos:altLabel"),
    ("http://example.org/x", "<http://example.org/x>"),
])
def test_stats_short_names(iri, expected):
    assert short(iri) == expected


def test_stats_network_weights_are_shared_measures(mini):
    net = co_responsibility_network(mini)
    samr, kjj = ID + "department/市市场监管局", ID + "department/市科技局"
    assert net.number_of_nodes() == 6 and net.number_of_edges() == 9
    assert net[samr][kjj]["weight"] == 2
    assert net.nodes[samr] == {"label": "市市场监管局", "type": "Department", "measures": 3, "leads": 2}
    assert net.nodes[ID + "collective/各县（市、区）人民政府"]["type"] == "Collective"


def test_stats_network_is_deterministic():
    a = co_responsibility_network(load_graph(MINI, engine="rdflib"))
    b = co_responsibility_network(load_graph(MINI, engine="oxigraph"))
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))


def test_stats_centrality_ranks_departments_only(mini):
    ranked = centrality(co_responsibility_network(mini))
    assert [c.label for c in ranked][:2] == ["市市场监管局", "市科技局"]  # brokers between the two documents
    assert all(c.type == "Department" for c in ranked)
    assert ranked[0].degree == 4 and ranked[0].strength == 5
    everyone = centrality(co_responsibility_network(mini), types=())
    assert len(everyone) == 6


def test_stats_empty_graph():
    g = Graph()
    assert co_responsibility_network(g).number_of_nodes() == 0
    assert centrality(nx.Graph()) == []
    assert "triples: 0" in stats_text(g)


def test_stats_network_agrees_with_the_pairs_query(gazette):
    net = co_responsibility_network(gazette)
    rows = run(gazette, "co_responsibility_pairs").to_dicts()
    by_label = {(d["label"]): n for n, d in net.nodes(data=True)}
    assert len(rows) == net.number_of_edges()
    for r in rows[:30]:
        assert net[by_label[r["unitA"]]][by_label[r["unitB"]]]["weight"] == r["sharedMeasures"]


def test_stats_gazette_centrality(gazette):
    net = co_responsibility_network(gazette)
    assert net.number_of_nodes() > 30
    ranked = centrality(net)
    by_strength = sorted(ranked, key=lambda c: -c.strength)
    assert "市市场监管局" in [c.label for c in by_strength[:5]]
    samr = next(c for c in ranked if c.label == "市市场监管局")
    assert samr.measures >= 20 and samr.leads >= 12
    assert 0 < samr.betweenness <= 1 and 0 < samr.eigenvector <= 1


def test_stats_command_prints_tables(gazette_graph_path, capsys):
    assert main(["stats", "--graph", str(gazette_graph_path), "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "kg:Measure" in out and "kg:responsibleUnit" in out
    assert "departments by betweenness (top 5)" in out and "市市场监管局" in out
    assert "measures by lead basis" in out and "explicit" in out
