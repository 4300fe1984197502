"""Counts per class and property, and the co-responsibility network of units with centrality.

Two units share an edge when they are responsible for the same measure; the edge weight is
the number of measures they share. Degree says how many partners a unit has, strength how
many shared responsibilities, betweenness which units broker between otherwise separate
groups (distance = 1 / weight, so frequent partners are close), eigenvector which units sit
among other central units.
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from .query import Result, format_table, load_graph

PREFIXES = {
    "https://w3id.org/cn-policy-kg/ontology#": "kg:",
    "https://w3id.org/cn-policy-kg/id/": "id:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/ns/org#": "org:",
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#": "nif:",
    "http://www.w3.org/2005/11/its/rdf#": "itsrdf:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://data.europa.eu/eli/ontology#": "eli:",
}

_CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"""
_PROPERTY_COUNTS = """
SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"""
_RESPONSIBILITY = """
PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?m ?u ?label ?class ?lead WHERE {
  ?m a kg:Measure ; kg:responsibleUnit ?u .
  OPTIONAL { ?u skos:prefLabel ?label }
  OPTIONAL { ?u a ?class . FILTER(STRSTARTS(STR(?class), STR(kg:))) }
  OPTIONAL { ?m kg:ledBy ?lead }
}"""


_LEAD_BASIS = """
PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
SELECT ?basis (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?m a kg:Measure . OPTIONAL { ?m kg:leadBasis ?b } BIND(COALESCE(STR(?b), "none") AS ?basis)
} GROUP BY ?basis"""


def short(iri: str) -> str:
    """An IRI with a known prefix shortened (kg:Measure, skos:prefLabel)."""
    for ns, prefix in PREFIXES.items():
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return f"<{iri}>"


def _counts(graph, query: str) -> list[tuple[str, int]]:
    rows = [(short(str(k)), int(n)) for k, n in graph.query(query)]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def class_counts(graph) -> list[tuple[str, int]]:
    """(class, number of distinct instances), most frequent first."""
    return _counts(graph, _CLASS_COUNTS)


def property_counts(graph) -> list[tuple[str, int]]:
    """(property, number of triples), most frequent first."""
    return _counts(graph, _PROPERTY_COUNTS)


def lead_basis_counts(graph) -> list[tuple[str, int]]:
    """Measures by how their lead was determined: explicit (牵头), first-listed, none."""
    return sorted(((str(b), int(n)) for b, n in graph.query(_LEAD_BASIS)), key=lambda r: (-r[1], r[0]))


def co_responsibility_network(graph) -> nx.Graph:
    """Units as nodes (IRI strings; attributes label, type, measures, leads), an edge per pair
    of units responsible for the same measure, weight = number of measures they share."""
    members: dict[str, set[str]] = {}
    attrs: dict[str, dict] = {}
    leads: dict[str, set[str]] = {}
    for m, u, label, cls, lead in graph.query(_RESPONSIBILITY):
        m, u = str(m), str(u)
        members.setdefault(m, set()).add(u)
        a = attrs.setdefault(u, {"label": str(label) if label is not None else u.rsplit("/", 1)[-1], "type": ""})
        if cls is not None and not a["type"]:
            a["type"] = str(cls).rsplit("#", 1)[-1]
        if lead is not None:
            leads.setdefault(str(lead), set()).add(m)
    g = nx.Graph()
    counts: dict[str, int] = {}
    for units in members.values():
        for u in units:
            counts[u] = counts.get(u, 0) + 1
    for u in sorted(attrs):
        g.add_node(u, label=attrs[u]["label"], type=attrs[u]["type"],
                   measures=counts.get(u, 0), leads=len(leads.get(u, ())))
    weights: dict[tuple[str, str], int] = {}
    for units in members.values():
        ordered = sorted(units)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                weights[(a, b)] = weights.get((a, b), 0) + 1
    for (a, b), w in sorted(weights.items()):
        g.add_edge(a, b, weight=w, distance=1.0 / w)
    return g


@dataclass
class Centrality:
    iri: str
    label: str
    type: str
    measures: int
    leads: int
    degree: int  # number of partner units
    strength: int  # sum of shared-measure weights
    betweenness: float
    eigenvector: float


def centrality(network: nx.Graph, types=("Department",)) -> list[Centrality]:
    """Units of `types` (all when empty) ranked by betweenness, then strength, then label."""
    if network.number_of_nodes() == 0:
        return []
    between = nx.betweenness_centrality(network, weight="distance", normalized=True)
    try:
        eigen = nx.eigenvector_centrality(network, weight="weight", max_iter=2000, tol=1e-8)
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException):
        eigen = {}
    out = []
    for n, d in network.nodes(data=True):
        if types and d.get("type") not in types:
            continue
        out.append(Centrality(n, d["label"], d.get("type", ""), d.get("measures", 0), d.get("leads", 0),
                              network.degree(n), int(network.degree(n, weight="weight")),
                              round(between.get(n, 0.0), 6), round(eigen.get(n, 0.0), 6)))
    return sorted(out, key=lambda c: (-c.betweenness, -c.strength, c.label))


def _table(columns, rows) -> str:
    return format_table(Result(list(columns), [tuple(r) for r in rows]))


def stats_text(graph, top: int = 15) -> str:
    """Everything `kg stats` prints."""
    parts = [f"triples: {len(graph)}", "", "classes", _table(("class", "instances"), class_counts(graph)),
             "", "properties", _table(("property", "triples"), property_counts(graph))]
    basis = lead_basis_counts(graph)
    if basis:
        parts += ["", "measures by lead basis", _table(("leadBasis", "measures"), basis)]
    net = co_responsibility_network(graph)
    ranked = centrality(net)
    parts += ["", f"co-responsibility network: {net.number_of_nodes()} units, {net.number_of_edges()} pairs, "
                  f"{nx.number_connected_components(net) if net.number_of_nodes() else 0} components",
              f"departments by betweenness (top {top})",
              _table(("department", "measures", "leads", "partners", "shared", "betweenness", "eigenvector"),
                     [(c.label, c.measures, c.leads, c.degree, c.strength, f"{c.betweenness:.4f}",
                       f"{c.eigenvector:.4f}") for c in ranked[:top]])]
    return "\n".join(parts)


def stats_command(args) -> int:
    graph = load_graph(args.graph, engine=getattr(args, "engine", "auto"),
                       persist_dir=getattr(args, "store", None))
    print(stats_text(graph, top=args.top))
    return 0
