"""A built graph → one networkx graph of what the pages draw, with the evidence for each part.

Nodes are entities, measures and documents (keys: IRI strings); edges carry every relation
between two nodes, each with its evidence (document, lines, quote). A measure's responsible
units are two kinds of edge, `lead` and `partner` (read from `prov:qualifiedAssociation` /
`prov:hadRole`, or from `kg:ledBy` in graphs without it), drawn from the unit to the measure;
their evidence is the measure's responsibility clause.

Everything is read with one `subject_objects` call per property (one Oxigraph scan each, so
the ten-gazette graph loads in about a second) and joined here; nodes and edges are added in
sorted order so pages are byte-identical across runs.
"""
from __future__ import annotations

import bisect
import functools
import unicodedata
from collections import defaultdict

import networkx as nx
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from ..errors import KGError
from ..vocab import ID, ITSRDF, KG, NIF

# node types, in the order of the legends; the first type wins for a node typed twice
NODE_TYPES = ("Department", "County", "Enterprise", "Institution", "Project", "Collective", "Place",
              "CitedDocument", "Measure", "Document")
# relation properties between nodes → edge kind (lead/partner come from the measures)
RELATION_PROPS = {
    KG.reliesOn: "reliesOn", KG.cooperatesWith: "cooperatesWith", KG.supports: "supports",
    KG.builds: "builds", KG.locatedIn: "locatedIn", ORG.subOrganizationOf: "subOrganizationOf",
    KG.partOfProject: "partOfProject", KG.issuedBy: "issuedBy", KG.cites: "cites",
}
LEAD, PARTNER = "lead", "partner"
BUILD = str(ID["build"])


class EntityNotFoundError(KGError):
    """A focus name that matches no entity's name or alias."""

    exit_code = 6


def load_graph(path) -> Graph:
    """A built graph (ttl, nt, trig, nq) loaded by Oxigraph (about 4× faster than rdflib's parser
    on the gazette's graph; named graphs read as their union)."""
    from ..store import open_graph

    return open_graph(path, engine="oxigraph")


class Lit(NamedTuple):
    """A literal, read without building rdflib terms (the slow part of reading a big graph)."""

    value: str
    language: str | None


def _best(values) -> str | None:
    """One literal value, preferring @zh, then untagged, then any; deterministic."""
    values = [v for v in values if isinstance(v, Lit)]
    if not values:
        return None
    return min(values, key=lambda v: ({"zh": 0, None: 1}.get(v.language, 2), v.value)).value


def _int(value) -> int | None:
    try:
        return int(value.value if isinstance(value, Lit) else value)
    except (TypeError, ValueError):
        return None


def _local(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def evidence(doc=None, line=None, line_end=None, quote=None, start=None, end=None) -> dict:
    """Where a fact is written: document IRI, source lines, quote, and its offsets in the input file
    when known (as the graph publishes them: Source.file_offset)."""
    return {"doc": doc, "line": line, "line_end": line_end if line_end is not None else line,
            "quote": quote, "start": start, "end": end}


class _Props:
    """subject → values of one property, for every property asked (one scan each). IRIs are
    str, blank nodes "_:id", literals Lit. On an Oxigraph store the scan reads Oxigraph's
    terms directly: making rdflib terms took 20 s of the ten-gazette graph's 24."""

    def __init__(self, g: Graph, props):
        from ..store import is_oxigraph

        store = g.store._inner if is_oxigraph(g) else None
        self.values: dict = {}
        for p in map(str, props):
            table = defaultdict(list)
            if store is not None:
                for q in store.quads_for_pattern(None, ox.NamedNode(p), None, None):
                    table[_term(q.subject)].append(_term(q.object))
            else:
                for s, o in g.subject_objects(URIRef(p)):
                    table[_term(s)].append(_term(o))
            self.values[p] = {s: list(dict.fromkeys(os)) for s, os in table.items()}  # named graphs may repeat

    def all(self, s, p) -> list:
        return self.values[str(p)].get(s, [])

    def one(self, s, p):
        values = self.all(s, p)
        return min(values, key=str) if values else None

    def text(self, s, p) -> str | None:
        return _best(self.all(s, p))

    def int(self, s, p) -> int | None:
        return _int(self.one(s, p))


def _term(t):
    """An Oxigraph or rdflib term as str (IRI), "_:id" (blank node) or Lit."""
    if isinstance(t, ox.NamedNode):
        return t.value
    if isinstance(t, ox.Literal):
        return Lit(t.value, t.language)
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, Literal):
        return Lit(str(t), t.language)
    if isinstance(t, BNode):
        return "_:" + str(t)
    return str(t)


def graph_to_networkx(g: Graph) -> nx.Graph:
    """Entities, measures and documents as an undirected graph, with what the pages show.

    Node attributes: type, label, aliases, documents (IRIs, in reading order), evidence (one
    quote, see `evidence`); counties admin_code; measures doc, start_line, end_line, section,
    clause (evidence), lead_basis, units ([(unit, role)] in clause order), mentioned
    ({entity: evidence of its first mention inside the measure's lines}); documents number,
    title, date, source_file, start_line, end_line. Edge attributes: relations (list of
    {name, source, target, evidence}), weight (their number). G.graph["inputs"]: the build's
    input files [(name, sha256 or None)]; G.graph["first_mentions"]: {document: {entity: line}}.
    """
    P = _Props(g, [RDF.type, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, KG.adminCode, KG.documentNumber,
                   DCTERMS.issued, KG.sourceFile, KG.startLine, KG.endLine, KG.line, KG.inDocument,
                   KG.sectionPath, KG.clauseText, KG.leadBasis, KG.responsibleUnit, KG.ledBy,
                   PROV.qualifiedAssociation, PROV.agent, PROV.hadRole, KG.unitOrder, ITSRDF.taIdentRef,
                   NIF.anchorOf, NIF.beginIndex, NIF.endIndex, RDF.subject, RDF.predicate, RDF.object, KG.quote,
                   PROV.used, DCTERMS.identifier, KG.clause, *RELATION_PROPS])
    classes = {str(KG[kind]): i for i, kind in enumerate(NODE_TYPES)}
    kinds: dict[str, str] = {}
    for s, types in P.values[str(RDF.type)].items():
        known = [classes[t] for t in types if t in classes]
        if known and not s.startswith("_:"):
            kinds[s] = NODE_TYPES[min(known)]

    @functools.cache
    def doc_order(d):
        return (P.text(d, KG.sourceFile) or "", P.int(d, KG.startLine) or 0, str(d))

    documents: dict[str, set] = defaultdict(set)
    # node → [(rank, doc order, first line, evidence)]; the least is shown. Ranks: 0 a relation's
    # rdf:Statement or a measure's clause, 1 the clause of a measure the node is responsible for,
    # 2 a mention (its quote is only the name)
    quotes: dict[str, list] = defaultdict(list)

    def note(node, rank, ev):
        d = ev["doc"]
        quotes[node].append((rank, doc_order(d) if d else ("", 0, ""), ev["line"] or 0, str(ev["quote"]), ev))
        if d is not None:
            documents[node].add(d)

    mentions: dict[str, list] = defaultdict(list)  # doc → [(line, entity, evidence)]
    for m, targets in P.values[str(ITSRDF.taIdentRef)].items():
        e = min(targets, key=str)
        if e not in kinds:
            continue
        d = P.one(m, KG.inDocument)
        line = P.int(m, KG.line)
        ev = evidence(d, line, line, P.text(m, NIF.anchorOf), P.int(m, NIF.beginIndex), P.int(m, NIF.endIndex))
        if ev["quote"]:
            note(e, 2, ev)
        elif d is not None:
            documents[e].add(d)
        if d is not None and line is not None:
            mentions[d].append((line, e, ev))

    statements: dict[tuple, dict] = {}  # (s, p, o) → best evidence
    for st, subjects in P.values[str(RDF.subject)].items():
        s, p, o = min(subjects, key=str), P.one(st, RDF.predicate), P.one(st, RDF.object)
        quote = P.text(st, KG.quote)
        if s not in kinds or o not in kinds or not quote:
            continue
        line = P.int(st, KG.line)
        ev = evidence(P.one(st, KG.inDocument), line, line, quote)
        key = (s, p, o)
        old = statements.get(key)
        if old is None or (doc_order(ev["doc"]) if ev["doc"] else ("",), line or 0) < \
                (doc_order(old["doc"]) if old["doc"] else ("",), old["line"] or 0):
            statements[key] = ev
        for node in (s, o):
            note(node, 0, ev)

    G = nx.Graph(inputs=_inputs(P))
    for node in sorted(kinds, key=str):
        kind = kinds[node]
        label = P.text(node, SKOS.prefLabel) or P.text(node, DCTERMS.title) or _local(node)
        aliases = sorted({a.value for a in P.all(node, SKOS.altLabel) if isinstance(a, Lit)} - {label})
        attrs = {"type": kind, "label": label, "aliases": aliases}
        if kind == "County":
            attrs["admin_code"] = P.text(node, KG.adminCode)
        elif kind == "Document":
            number = P.text(node, KG.documentNumber)
            attrs.update(number=number, title=P.text(node, DCTERMS.title), date=P.text(node, DCTERMS.issued),
                         source_file=P.text(node, KG.sourceFile), start_line=P.int(node, KG.startLine),
                         end_line=P.int(node, KG.endLine))
            if number and number not in aliases and number != label:
                attrs["aliases"] = sorted([*aliases, number])
            documents[node].add(node)
        elif kind == "Measure":
            attrs.update(_measure(P, node, kinds))
            if attrs["doc"] is not None:
                documents[node].add(attrs["doc"])
            if attrs["clause"]["quote"]:
                note(node, 0, attrs["clause"])
        G.add_node(node, **attrs)

    links: dict[tuple, list] = defaultdict(list)
    for prop, name in RELATION_PROPS.items():
        for s, objects in sorted(P.values[str(prop)].items()):
            for o in sorted(objects, key=str):
                if s in kinds and o in kinds and s != o:
                    links[tuple(sorted((s, o)))].append(
                        {"name": name, "source": s, "target": o, "evidence": statements.get((s, str(prop), o))})
    for m, data in G.nodes(data=True):
        if data["type"] != "Measure":
            continue
        for unit, role in data["units"]:
            links[tuple(sorted((unit, m)))].append(
                {"name": role, "source": unit, "target": m, "evidence": data["clause"]})
            if data["clause"]["quote"]:  # a unit's quote is the first clause naming it
                note(unit, 1, data["clause"])
            elif data["doc"] is not None:
                documents[unit].add(data["doc"])
    for (u, v), rels in sorted(links.items()):
        rels = sorted({(r["name"], r["source"], r["target"]): r for r in rels}.values(),
                      key=lambda r: (r["name"], r["source"], r["target"]))
        G.add_edge(u, v, relations=rels, weight=len(rels))

    _mentioned_in_measures(G, mentions)
    first: dict = defaultdict(dict)  # document → entity → the line it is first named on
    for d, items in mentions.items():
        for line, e, _ in items:
            if e in G and G.nodes[e]["type"] not in ("Measure", "Document"):
                first[d][e] = min(line, first[d].get(e, line))
    G.graph["first_mentions"] = dict(first)
    for node, data in G.nodes(data=True):
        data["documents"] = [d for d in sorted(documents.get(node, ()), key=doc_order) if d in G]
        best = min(quotes.get(node, ()), key=lambda q: q[:4], default=None)
        data["evidence"] = best[4] if best else None
    return G


def recorded_inputs(g: Graph) -> list[tuple[str, str | None]]:
    """The input files a graph was built from, as its build record names them (no other reading)."""
    return _inputs(_Props(g, [PROV.used, KG.sourceFile, DCTERMS.identifier]))


def _inputs(P: _Props) -> list[tuple[str, str | None]]:
    """The build's input files: (name, sha256 or None), from id:graph/build."""
    out = []
    for src in sorted(P.all(BUILD, PROV.used), key=str):
        name = P.text(src, KG.sourceFile) or _local(src)
        digest = P.text(src, DCTERMS.identifier)
        out.append((name, digest[7:] if digest and digest.startswith("sha256:") else None))
    return out


def _measure(P: _Props, m, kinds) -> dict:
    doc = P.one(m, KG.inDocument)
    start = P.int(m, KG.startLine)
    end = P.int(m, KG.endLine) or start
    clause_line = P.int(m, KG.line) or start
    clause = P.text(m, KG.clauseText)
    phrase = P.one(m, KG.clause)  # the clause's exact place in the input, in newer graphs
    # units in clause order, with their role; graphs without qualified associations: ledBy
    units: dict[str, tuple[int, str]] = {}
    for a in P.all(m, PROV.qualifiedAssociation):
        agent = P.one(a, PROV.agent)
        if agent in kinds:
            role = LEAD if P.one(a, PROV.hadRole) == str(KG.LeadRole) else PARTNER
            units[agent] = (P.int(a, KG.unitOrder) or 999, role)
    leads = {u for u in P.all(m, KG.ledBy) if u in kinds}

    def place(u) -> int:  # where the clause names the unit, for graphs without kg:unitOrder
        names = [x.value for p in (SKOS.prefLabel, SKOS.altLabel) for x in P.all(u, p) if isinstance(x, Lit)]
        found = [clause.find(x) for x in names if clause and x in clause]
        return 1000 + min(found) if found else 10 ** 6

    for u in sorted((u for u in P.all(m, KG.responsibleUnit) if u in kinds), key=lambda u: (place(u), u)):
        units.setdefault(u, (place(u), LEAD if u in leads else PARTNER))
    for u in sorted(leads - set(units)):
        units[u] = (0, LEAD)
    return {"doc": doc, "start_line": start, "end_line": end,
            "section": P.text(m, KG.sectionPath), "lead_basis": P.text(m, KG.leadBasis),
            "clause": evidence(doc, clause_line if clause else start, clause_line if clause else end, clause,
                               P.int(phrase, NIF.beginIndex) if phrase else None,
                               P.int(phrase, NIF.endIndex) if phrase else None),
            "units": [(u, role) for u, (_, role) in sorted(units.items(), key=lambda x: (x[1][0], x[0]))],
            "mentioned": {}}


def _mentioned_in_measures(G: nx.Graph, mentions: dict) -> None:
    """Each measure's `mentioned`: entities named within its lines (first mention each)."""
    spans: dict[str, list] = defaultdict(list)  # doc → [(start, end, measure)], by start
    for m, data in G.nodes(data=True):
        if data["type"] == "Measure" and data["doc"] and data["start_line"]:
            spans[data["doc"]].append((data["start_line"], data["end_line"], m))
    for doc, items in spans.items():
        items.sort()
        starts = [s for s, _, _ in items]
        for line, entity, ev in sorted(mentions.get(doc, ()), key=lambda x: (x[0], x[1], x[2]["start"] or 0)):
            i = bisect.bisect_right(starts, line)
            for start, end, m in items[max(0, i - 3):i]:  # measures do not nest deeper than this
                if start <= line <= end and entity != m:
                    G.nodes[m]["mentioned"].setdefault(entity, ev)


# --- finding nodes and subgraphs ---------------------------------------------------------------

def norm(text: str) -> str:
    """Compare names across full/half width, case and spaces (（市、区） = (市、区))."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def find_nodes(G: nx.Graph, name: str) -> list[str]:
    """Nodes whose name, alias or IRI equals `name`; failing that, those containing it.

    Most connected first. Raises EntityNotFoundError naming close names when nothing matches.
    """
    want = norm(name)
    if not want:
        raise EntityNotFoundError(f"empty focus name {name!r}")

    def names(n):
        data = G.nodes[n]
        return [norm(data["label"]), *(norm(a) for a in data["aliases"])]

    def ranked(nodes):
        return sorted(nodes, key=lambda n: (G.nodes[n]["type"] in ("Measure", "Document"), -G.degree(n), n))

    exact = [n for n in G if want in names(n) or n == name]
    if exact:
        return ranked(exact)
    partial = [n for n in G if any(want in x for x in names(n))]
    if partial:
        return ranked(partial)
    near = sorted(G, key=lambda n: (-max(_overlap(want, x) for x in names(n)), n))[:5]
    hint = "、".join(G.nodes[n]["label"] for n in near)
    raise EntityNotFoundError(f"no entity named {name!r}; close names: {hint}")


def _overlap(a: str, b: str) -> float:
    return len(set(a) & set(b)) / (len(set(a) | set(b)) or 1)


def induced(G: nx.Graph, nodes) -> nx.Graph:
    """G's subgraph on `nodes`, as a new graph with nodes in sorted order. (`G.subgraph` views
    iterate a set when the subgraph is small, so their order changes with the hash seed.)"""
    keep = sorted(nodes)
    H = nx.Graph(**G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in keep)
    inside = set(keep)
    H.add_edges_from((u, v, d) for u in keep for v, d in G[u].items() if v in inside)
    return H


def neighbourhood(G: nx.Graph, node: str, depth: int = 1) -> nx.Graph:
    """The node and everything within `depth` edges of it."""
    return induced(G, nx.single_source_shortest_path_length(G, node, cutoff=max(depth, 0)))


def located_in(G: nx.Graph, county: str) -> nx.Graph:
    """The county and what kg:locatedIn places there, directly or through a located place."""
    inside, todo = {county}, [county]
    while todo:
        place = todo.pop()
        for nb, data in G[place].items():
            if nb not in inside and any(r["name"] == "locatedIn" and r["target"] == place
                                        for r in data["relations"]):
                inside.add(nb)
                todo.append(nb)
    return induced(G, inside)


def county_bodies(G: nx.Graph, county: str) -> tuple[set, set]:
    """Units that act for a county, by their names: its own bodies (departments named after it,
    泽州县人民政府, 高平市发改局) and collectives of every county (各县（市、区）人民政府,
    whose name holds 县). Both are read off names, so their links to the county are marked inferred."""
    data = G.nodes[county]
    names = [x for x in (data["label"], *data["aliases"]) if len(x) >= 2]
    own, every = set(), set()
    for n, d in G.nodes(data=True):
        if d["type"] == "Department" and any(d["label"].startswith(x) for x in names):
            own.add(n)
        elif d["type"] == "Collective" and "县" in d["label"]:
            every.add(n)
    return own, every


def _file(G: nx.Graph, doc) -> str | None:
    return G.nodes[doc].get("source_file") if doc in G else None


def county_reach(G: nx.Graph, county: str) -> nx.Graph:
    """What touches a county: what is located there (as `located_in`), its own bodies and the
    collectives of every county (`county_bodies`), the measures that name the county or
    something located there or that these units are responsible for (a collective's only in the
    input files that name the county: another gazette's 各县 are other counties), then those
    measures' units and the projects they name. Measure → named entity edges are `mentioned`, with the mention
    as evidence; unit → county edges are `countyBody` or `everyCounty`, inferred from names."""
    located = set(located_in(G, county))
    own, every = county_bodies(G, county)
    # "every county" means the counties of the gazette that says it: the input files naming this one
    files = {_file(G, d) for n in located for d in G.nodes[n].get("documents", ())}

    def touches(m) -> bool:
        units = {u for u, _ in G.nodes[m]["units"]}
        return bool(located & set(G.nodes[m]["mentioned"]) or own & units
                    or (every & units and _file(G, G.nodes[m]["doc"]) in files))

    measures = {m for m, t in G.nodes(data="type") if t == "Measure" and touches(m)}
    acting = own | (every & {u for m in measures for u, _ in G.nodes[m]["units"]})
    units = {u for m in measures for u, _ in G.nodes[m]["units"]}
    projects = {e for m in measures for e in G.nodes[m]["mentioned"] if G.nodes[e]["type"] == "Project"}
    H = induced(G, located | own | measures | units | projects)
    for unit in sorted(acting & set(H)):
        H.add_edge(unit, county, weight=1, relations=[{"name": "countyBody" if unit in own else "everyCounty",
                                                       "source": unit, "target": county, "evidence": None}])
    for m in sorted(measures):
        for e, ev in sorted(G.nodes[m]["mentioned"].items()):
            if e in H and (e in located or e in projects) and not H.has_edge(m, e):
                H.add_edge(m, e, relations=[{"name": "mentioned", "source": m, "target": e, "evidence": ev}],
                           weight=1)
    return H


def co_responsibility(G: nx.Graph, rdf_graph: Graph | None = None) -> nx.Graph:
    """Departments linked by the measures they share; weight = number of shared measures.

    With `rdf_graph`, the network is kg.stats' (so this page and `kg stats` agree), restricted
    to departments; otherwise it is counted from G's measures, by the same rule. Node
    attributes: G's plus `measures` (measures naming the department) and `leads`; edge
    attributes: weight and `measures` (the shared measures' keys, sorted).
    """
    if rdf_graph is not None:
        from ..stats import co_responsibility_network

        S = co_responsibility_network(rdf_graph)
        counts = {n: (d["measures"], d["leads"]) for n, d in S.nodes(data=True)}
        pairs = {(u, v): w for u, v, w in S.edges(data="weight")}
    else:
        counts, pairs = _count_co_responsibility(G)
    D = nx.Graph(**G.graph)
    for u in sorted(counts):
        if u in G and G.nodes[u]["type"] == "Department":
            D.add_node(u, **G.nodes[u], measures=counts[u][0], leads=counts[u][1])
    for (u, v), w in sorted(pairs.items()):
        if u in D and v in D:
            shared = sorted(m for m in set(G[u]) & set(G[v]) if G.nodes[m]["type"] == "Measure")
            D.add_edge(u, v, weight=w, measures=shared,
                       relations=[{"name": "coResponsible", "source": min(u, v), "target": max(u, v),
                                   "evidence": None}])
    return D


def _count_co_responsibility(G: nx.Graph):
    """(unit → (measures, leads), (unit, unit) → shared measures) from G's measures."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for m in (n for n, t in G.nodes(data="type") if t == "Measure"):
        units = sorted(u for u, _ in G.nodes[m]["units"])
        for u, role in G.nodes[m]["units"]:
            counts[u][1] += role == LEAD
        for i, u in enumerate(units):
            counts[u][0] += 1
            for v in units[i + 1:]:
                pairs[(u, v)] += 1
    return {u: tuple(c) for u, c in counts.items()}, dict(pairs)


def responsibilities(G: nx.Graph, unit: str) -> dict[str, list[str]]:
    """The measures a unit leads and those it is a partner in, in reading order."""
    out = {LEAD: [], PARTNER: []}
    for m in G[unit]:
        for r in G[unit][m]["relations"]:
            if r["name"] in out and r["source"] == unit:
                out[r["name"]].append(m)
    for ms in out.values():
        ms.sort(key=lambda m: measure_order(G, m))
    return out


def measure_order(G: nx.Graph, m: str):
    data = G.nodes[m]
    doc = data.get("doc")
    d = G.nodes[doc] if doc in G else {}
    return (d.get("source_file") or "", d.get("start_line") or 0, doc or "", data.get("start_line") or 0, m)


def partners(G: nx.Graph, unit: str) -> list[tuple[str, int]]:
    """Units sharing measures with `unit`, most shared first: [(unit, shared measures)]."""
    shared: dict[str, int] = defaultdict(int)
    for m in G[unit]:
        if G.nodes[m]["type"] == "Measure" and any(u == unit for u, _ in G.nodes[m]["units"]):
            for u, _ in G.nodes[m]["units"]:
                if u != unit:
                    shared[u] += 1
    return sorted(shared.items(), key=lambda x: (-x[1], G.nodes[x[0]]["label"], x[0]))
