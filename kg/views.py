"""Tabular and network views of a graph (for CSV, GraphML/GEXF), computed with SPARQL on Oxigraph."""
from __future__ import annotations

import pyoxigraph as ox

from .rdf import PREFIXES

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + \
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"

ENTITIES = _PROLOGUE + """
SELECT ?e ?type ?label (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?aliases) ?code
       (COUNT(DISTINCT ?m) AS ?mentions) (GROUP_CONCAT(DISTINCT ?docid; separator="|") AS ?documents)
WHERE {
  ?e a ?cls ; skos:prefLabel ?label .
  VALUES (?cls ?type) { (kg:Department "Department") (kg:County "County") (kg:Enterprise "Enterprise")
                        (kg:Institution "Institution") (kg:Project "Project") (kg:Collective "Collective")
                        (kg:Place "Place") (kg:CitedDocument "CitedDocument") }
  OPTIONAL { ?e skos:altLabel ?alt }
  OPTIONAL { ?e kg:adminCode ?code }
  OPTIONAL { ?m itsrdf:taIdentRef ?e ; kg:inDocument ?d . OPTIONAL { ?d kg:documentNumber ?num } BIND(COALESCE(?num, STR(?d)) AS ?docid) }
}
GROUP BY ?e ?type ?label ?code ORDER BY ?type ?label ?e
"""

RELATIONS = _PROLOGUE + """
SELECT ?s ?slabel ?p ?o ?olabel ?doc ?line ?quote WHERE {
  {
    ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        kg:inDocument ?d ; kg:line ?line ; kg:quote ?quote .
  } UNION {
    ?s kg:responsibleUnit ?o ; kg:inDocument ?d ; kg:line ?line ; kg:clauseText ?quote .
    BIND(kg:responsibleUnit AS ?p)
  }
  OPTIONAL { ?s skos:prefLabel ?sl } OPTIONAL { ?o skos:prefLabel ?ol }
  OPTIONAL { ?d kg:documentNumber ?num }
  BIND(COALESCE(?sl, "") AS ?slabel) BIND(COALESCE(?ol, "") AS ?olabel) BIND(COALESCE(?num, STR(?d)) AS ?doc)
} ORDER BY ?s ?p ?o ?line
"""


def store_of(quads) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(quads)
    return store


def _value(term) -> str:
    return "" if term is None else term.value


def _rows(quads, query):
    store = quads if isinstance(quads, ox.Store) else store_of(quads)
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return names, [[_value(sol[n]) for n in names] for sol in result]


def entity_rows(quads):
    header, rows = _rows(quads, ENTITIES)
    return ["iri", "type", "label", "aliases", "admin_code", "mentions", "documents"], rows


def relation_rows(quads):
    header, rows = _rows(quads, RELATIONS)
    return ["subject", "subject_label", "predicate", "object", "object_label", "document", "line", "quote"], rows


def entity_network(quads):
    """networkx MultiDiGraph of entities and measures, edges = relations (for Gephi)."""
    import networkx as nx

    store = store_of(quads)
    _, ents = entity_rows(store)
    _, rels = relation_rows(store)
    g = nx.MultiDiGraph()
    for iri, typ, label, aliases, code, mentions, docs in ents:
        g.add_node(iri, type=typ, label=label, aliases=aliases, admin_code=code, mentions=int(mentions or 0))
    for s, sl, p, o, ol, doc, line, quote in rels:
        for n, label in ((s, sl), (o, ol)):
            if n not in g:
                g.add_node(n, type="Measure" if "/measure/" in n else "Other", label=label, aliases="", admin_code="", mentions=0)
        g.add_edge(s, o, key=f"{p}@{line}", predicate=p.rsplit("#", 1)[-1].rsplit("/", 1)[-1], document=doc,
                   line=int(line), quote=quote)
    return g
