"""Graph → interactive pages that staff open from disk, with no network and no server.

pyvis holds the node and edge lists (the builders return `pyvis.network.Network` objects, so callers
can adjust them), but pages are rendered with our own template: pyvis's template links bootstrap
from a CDN in every mode, vis-network's CSS in "local" mode, and tom-select for its menus
(pyvis #228/#229). We inline vis-network's JavaScript from pyvis's bundled copy, write the few CSS
rules the tooltip needs, and add our own search box and type filter in a few lines of inline JS.

Speed: vis-network's physics needed ~30 s to settle 500 nodes; with positions computed here and
physics off, pages draw at once (the bundled gazette's overview, ~700 nodes, in ~0.4 s; 2,000
nodes in ~0.5 s). Nodes go into `net.nodes` in bulk (pyvis's `add_node` checks a list for
duplicates, which is quadratic). Positions: `layout` runs one force layout per connected
component (networkx's `spring_layout` needs scipy from 500 nodes on, and its dense version took
7 s for 2,000 nodes; ours is vectorised numpy) and packs components in rows; focus and county
pages use `radial_layout` (rings by distance from the centre).

Safety: names come from the documents. Labels are drawn on a canvas (plain text), tooltips and
panels are built as DOM elements with `textContent`, and JSON in the page escapes `<`, `>`, `&`.

Pages written by `write_pages` (default folder viz/):
  index.html           links to every page
  overview.html        every entity and measure
  departments.html     departments' co-responsibility: edge weight = measures they share
  county-<code>.html   one per county: what is located there (kg:locatedIn, transitively)
  focus-<key>.html     one node and its neighbourhood, for the `top` most connected entities and
                       each name asked for; double-clicking a node in any page opens its focus page
"""
from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import unicodedata
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, SKOS

from .errors import KGError
from .vocab import ITSRDF, KG, NIF

# node type → (colour, vis-network shape, legend glyph, Chinese name); the order is the legend's
NODE_STYLE = {
    "Department": ("#2f6fba", "dot", "●", "部门"),
    "County": ("#2ca02c", "square", "■", "县（市、区）"),
    "Enterprise": ("#e8780c", "diamond", "◆", "企业"),
    "Institution": ("#8e5cc2", "triangle", "▲", "机构"),
    "Project": ("#d62728", "star", "★", "项目"),
    "Collective": ("#8c564b", "triangleDown", "▼", "集体"),
    "Place": ("#17a2b8", "hexagon", "⬢", "地点"),
    "CitedDocument": ("#7f7f7f", "square", "■", "引用文件"),
    "Measure": ("#b5b82a", "dot", "●", "措施"),
}

# relation property → (short name, Chinese label); cooperatesWith is drawn without an arrow
RELATIONS = {
    KG.reliesOn: ("reliesOn", "依托"),
    KG.cooperatesWith: ("cooperatesWith", "合作"),
    KG.supports: ("supports", "支持"),
    KG.builds: ("builds", "建设"),
    KG.locatedIn: ("locatedIn", "位于"),
    ORG.subOrganizationOf: ("subOrganizationOf", "隶属"),
    KG.partOfProject: ("partOfProject", "属于项目"),
}
MEASURE_LINKS = {KG.responsibleUnit: ("responsibleUnit", "责任单位"), KG.ledBy: ("ledBy", "牵头单位")}
SYMMETRIC = {"cooperatesWith"}
RELATION_ZH = {name: zh for name, zh in [*RELATIONS.values(), *MEASURE_LINKS.values()]}

FONT_FACE = "'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"
MAX_LABEL = 16  # characters of a name drawn on the canvas; the tooltip has the full name
MAX_DOCS = 6  # documents listed in a tooltip
HUBS, HUB_LABEL_PX = 25, 13  # hub labels: how many nodes, smallest size on screen (px)
BIG, BLOCK = 1500, 1024  # layout: component size where iterations start to shrink; rows per block


class EntityNotFoundError(KGError):
    """A focus name that matches no entity's name or alias."""

    exit_code = 6


# --- graph → networkx --------------------------------------------------------------------------

def load_graph(path) -> Graph:
    """A built graph (ttl, nt, trig, nq) loaded by Oxigraph (about 4× faster than rdflib's parser
    on the gazette's graph; named graphs read as their union)."""
    from .store import open_graph

    return open_graph(path, engine="oxigraph")


def _text(g: Graph, node, prop) -> str | None:
    """One literal value, preferring @zh, then untagged, then any; deterministic."""
    values = [v for v in g.objects(node, prop) if isinstance(v, Literal)]
    if not values:
        return None
    return str(min(values, key=lambda v: ({"zh": 0, None: 1}.get(v.language, 2), str(v))))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _local(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def graph_to_networkx(g: Graph) -> nx.Graph:
    """Entities and measures as an undirected graph, with what the pages show on hover.

    Node keys are IRIs (str). Node attributes: type, label, aliases, documents (display names),
    quote, line and line_end (its source lines: a measure's clause spans the measure), document
    (where the quote is), admin_code (counties). Edge attributes: relations
    (list of {name, source, target}), weight (their number), quote/line/document of one piece of
    evidence. Nodes and edges are added in sorted order so layouts and pages are reproducible.
    """
    kinds: dict[URIRef, str] = {}
    for kind in NODE_STYLE:  # the first type in NODE_STYLE wins for a node typed twice
        for s in g.subjects(RDF.type, KG[kind]):
            if isinstance(s, URIRef):
                kinds.setdefault(s, kind)

    doc_names: dict = {}

    def doc_name(d) -> str:
        if d not in doc_names:
            number = _text(g, d, KG.documentNumber)
            title = _text(g, d, DCTERMS.title)
            doc_names[d] = " ".join(x for x in (number, title) if x) or _local(d)
        return doc_names[d]

    def doc_order(d):
        return (_int(g.value(d, KG.startLine)) or 0, str(d))

    documents: dict[URIRef, set] = defaultdict(set)
    # node → [(rank, doc order, (first line, last line), quote, doc)]; the least is shown. Ranks:
    # 0 a relation's rdf:Statement or a measure's clause, 1 the clause of a measure the node is
    # responsible for, 2 a mention (its quote is only the name)
    evidence: dict[URIRef, list] = defaultdict(list)
    for m, e in g.subject_objects(ITSRDF.taIdentRef):
        if e in kinds:
            d = g.value(m, KG.inDocument)
            if d is not None:
                documents[e].add(d)
            anchor = _text(g, m, NIF.anchorOf)
            if anchor:
                line = _int(g.value(m, KG.line)) or 0
                evidence[e].append((2, doc_order(d) if d else (0, ""), (line, line), anchor, d))

    # relation evidence: (s, name, o) → best (doc order, line, quote, doc)
    statements: dict[tuple, tuple] = {}
    for st in g.subjects(RDF.type, RDF.Statement):
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        quote = _text(g, st, KG.quote)
        if s not in kinds or o not in kinds or not quote:
            continue
        d = g.value(st, KG.inDocument)
        line = _int(g.value(st, KG.line)) or 0
        item = (doc_order(d) if d else (0, ""), (line, line), quote, d)
        key = (s, p, o)
        statements[key] = min(statements.get(key, item), item, key=lambda x: x[:3])
        for node in (s, o):
            evidence[node].append((0, *item))
            if d is not None:
                documents[node].add(d)

    G = nx.Graph()
    for node in sorted(kinds, key=str):
        kind = kinds[node]
        label = _text(g, node, SKOS.prefLabel) or _text(g, node, DCTERMS.title) or _local(node)
        aliases = sorted({str(a) for a in g.objects(node, SKOS.altLabel)} - {label})
        attrs = {"type": kind, "label": label, "aliases": aliases}
        if kind == "Measure":
            d = g.value(node, KG.inDocument)
            if d is not None:
                documents[node].add(d)
            clause = _text(g, node, KG.clauseText)
            if clause:
                start = _int(g.value(node, KG.startLine)) or 0
                lines = (start, _int(g.value(node, KG.endLine)) or start)
                evidence[node].append((0, doc_order(d) if d else (0, ""), lines, clause, d))
        if kind == "County":
            attrs["admin_code"] = _text(g, node, KG.adminCode)
        G.add_node(str(node), **attrs)

    links: dict[tuple, list] = defaultdict(list)
    for prop, (name, _) in {**RELATIONS, **MEASURE_LINKS}.items():
        for s, o in g.subject_objects(prop):
            if s in kinds and o in kinds and s != o:
                links[tuple(sorted((str(s), str(o))))].append((name, str(s), str(o), statements.get((s, prop, o))))
                if prop in MEASURE_LINKS:  # a unit's tooltip quotes the clause naming it
                    evidence[o].extend((1, *e[1:]) for e in evidence[s] if e[0] == 0)
                    documents[o].update(documents[s])
    for (u, v), rels in sorted(links.items()):
        rels = sorted(set(rels), key=lambda r: (r[0], r[1], r[2]))
        found = [r[3] for r in rels if r[3]]
        attrs = {"relations": [{"name": n, "source": s, "target": o} for n, s, o, _ in rels],
                 "weight": len(rels)}
        if found:
            _, (line, _), quote, d = min(found, key=lambda x: x[:3])
            attrs.update(quote=quote, line=line, document=doc_name(d) if d else None)
        G.add_edge(u, v, **attrs)

    for node, data in G.nodes(data=True):
        key = URIRef(node)
        docs = sorted(documents.get(key, ()), key=doc_order)
        data["documents"] = [doc_name(d) for d in docs]
        best = min(evidence.get(key, ()), key=lambda e: e[:4], default=None)
        if best:
            data.update(quote=best[3], line=best[2][0], line_end=best[2][1],
                        document=doc_name(best[4]) if best[4] else None)
        else:
            data.update(quote=None, line=None, line_end=None, document=None)
    return G


# --- finding nodes and subgraphs ---------------------------------------------------------------

def _norm(text: str) -> str:
    """Compare names across full/half width, case and spaces (（市、区） = (市、区))."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def find_nodes(G: nx.Graph, name: str) -> list[str]:
    """Nodes whose name, alias or IRI equals `name`; failing that, those containing it.

    Most connected first. Raises EntityNotFoundError naming close names when nothing matches.
    """
    want = _norm(name)
    if not want:
        raise EntityNotFoundError(f"empty focus name {name!r}")

    def names(n):
        data = G.nodes[n]
        return [_norm(data["label"]), *(_norm(a) for a in data["aliases"])]

    def ranked(nodes):
        return sorted(nodes, key=lambda n: (G.nodes[n]["type"] == "Measure", -G.degree(n), n))

    exact = [n for n in G if want in names(n) or n == name]
    if exact:
        return ranked(exact)
    partial = [n for n in G if any(want in x for x in names(n))]
    if partial:
        return ranked(partial)
    near = sorted(G, key=lambda n: -max(_overlap(want, x) for x in names(n)))[:5]
    hint = "、".join(G.nodes[n]["label"] for n in near)
    raise EntityNotFoundError(f"no entity named {name!r}; close names: {hint}")


def _overlap(a: str, b: str) -> float:
    return len(set(a) & set(b)) / (len(set(a) | set(b)) or 1)


def induced(G: nx.Graph, nodes) -> nx.Graph:
    """G's subgraph on `nodes`, as a new graph with nodes in sorted order. (`G.subgraph` views
    iterate a set when the subgraph is small, so their order changes with the hash seed.)"""
    keep = sorted(nodes)
    H = nx.Graph()
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


def co_responsibility(G: nx.Graph, rdf_graph: Graph | None = None) -> nx.Graph:
    """Departments linked by the measures they share; weight = number of shared measures.

    With `rdf_graph`, the network is kg.stats' (so this page and `kg stats` agree), restricted
    to departments; otherwise it is counted from G's measure links, by the same rule. Node
    attributes: G's plus `measures` (measures naming the department) and `leads`; edge
    attributes: weight and `measures` (titles of the shared measures, sorted).
    """
    if rdf_graph is not None:
        from .stats import co_responsibility_network

        S = co_responsibility_network(rdf_graph)
        counts = {n: (d["measures"], d["leads"]) for n, d in S.nodes(data=True)}
        pairs = {(u, v): w for u, v, w in S.edges(data="weight")}
    else:
        counts, pairs = _count_co_responsibility(G)
    D = nx.Graph()
    for u in sorted(counts):
        if u in G and G.nodes[u]["type"] == "Department":
            D.add_node(u, **G.nodes[u], measures=counts[u][0], leads=counts[u][1])
    for (u, v), w in sorted(pairs.items()):
        if u in D and v in D:
            shared = sorted(G.nodes[m]["label"] for m in set(G[u]) & set(G[v]) if G.nodes[m]["type"] == "Measure")
            D.add_edge(u, v, weight=w, measures=shared)
    return D


def _count_co_responsibility(G: nx.Graph):
    """(unit → (measures, leads), (unit, unit) → shared measures) from G's measure links."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for m in (n for n, t in G.nodes(data="type") if t == "Measure"):
        units = sorted(u for u in G[m] if any(r["name"] == "responsibleUnit" for r in G[m][u]["relations"]))
        for u in G[m]:
            if any(r["name"] == "ledBy" for r in G[m][u]["relations"]):
                counts[u][1] += 1
        for i, u in enumerate(units):
            counts[u][0] += 1
            for v in units[i + 1:]:
                pairs[(u, v)] += 1
    return {u: tuple(c) for u, c in counts.items()}, dict(pairs)


# --- layout --------------------------------------------------------------------------------------

def _force_layout(n: int, edges: np.ndarray, seed: int, iterations: int = 100) -> np.ndarray:
    """Fruchterman–Reingold on an n-node component: exact repulsion (in row blocks, to bound
    memory), attraction along edges. Repulsion grows with both nodes' degrees (as in
    ForceAtlas2), so hubs push apart instead of knotting. Past BIG nodes the iterations shrink
    so the work stays near BIG²·100 pair steps: a huge component is drawn roughly, not slowly."""
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)).astype(np.float32)
    iterations = max(2, min(iterations, int(iterations * (BIG / n) ** 2)))
    mass = np.ones(n, dtype=np.float32)
    if len(edges):
        np.add.at(mass, edges.ravel(), 1)
    mass /= mass.mean()
    k2 = np.float32(1.0 / n)  # k = sqrt(area / n) with area 1
    k = math.sqrt(k2)
    temp, cool = 0.1, 0.1 / (iterations + 1)
    disp = np.empty_like(pos)
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        for a in range(0, n, BLOCK):
            dx = x[a:a + BLOCK, None] - x[None, :]
            dy = y[a:a + BLOCK, None] - y[None, :]
            w = dx * dx
            w += dy * dy
            np.maximum(w, np.float32(1e-6), out=w)
            np.divide(k2, w, out=w)
            w *= mass[a:a + BLOCK, None]
            w *= mass[None, :]
            disp[a:a + BLOCK, 0] = (dx * w).sum(1)
            disp[a:a + BLOCK, 1] = (dy * w).sum(1)
        if len(edges):
            e = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = e * (np.sqrt((e * e).sum(1)) / k)[:, None]
            np.add.at(disp, edges[:, 0], -pull)
            np.add.at(disp, edges[:, 1], pull)
        length = np.maximum(np.sqrt((disp * disp).sum(1)), np.float32(1e-9))
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp -= cool
    return pos


def _spread(pos: np.ndarray, power: float = 0.6) -> np.ndarray:
    """Pull outliers in and open up the dense core: radius r → r^power about the centroid
    (force layouts of hub-and-spoke graphs leave most nodes in a knot in the middle)."""
    centred = pos - pos.mean(0)
    r = np.sqrt((centred * centred).sum(1))
    scale = np.where(r > 0, (r / max(float(r.max()), 1e-9)) ** power / np.maximum(r, 1e-9), 0)
    return centred * scale[:, None]


def radial_layout(G: nx.Graph, centre: str, spacing: float = 100.0, gap: float = 48.0) -> dict[str, tuple[float, float]]:
    """The centre in the middle, then one ring per step away from it; nodes on a ring in the
    order of their neighbours on the ring inside (fewer crossings), then by type and name.
    Nodes not connected to the centre go on an outer ring."""
    dist = nx.single_source_shortest_path_length(G, centre)
    far = max(dist.values()) + 1
    rings: dict[int, list[str]] = defaultdict(list)
    for n in G:
        rings[dist.get(n, far)].append(n)
    angle = {centre: 0.0}
    out = {centre: (0.0, 0.0)}
    radius = 0.0
    for level in sorted(k for k in rings if k):
        def key(n):
            inner = [angle[m] for m in G[n] if m in angle and dist.get(m, far) < level]
            return (sum(inner) / len(inner) if inner else 7.0, list(NODE_STYLE).index(G.nodes[n]["type"]),
                    G.nodes[n]["label"], n)
        ring = sorted(rings[level], key=key)
        # room on the ring for each label: about 9 px a character (13 px glyphs, neighbours staggered)
        room = max(gap, 9 * sorted(len(_short(G.nodes[n]["label"])) for n in ring)[len(ring) // 2])
        radius = max(radius + spacing * 1.8, len(ring) * room / (2 * math.pi))
        for i, n in enumerate(ring):
            a = 2 * math.pi * i / len(ring) + (0.3 * level)  # turn rings a little so spokes don't align
            angle[n] = (2 * math.pi * i / len(ring)) % (2 * math.pi)
            out[n] = (round(radius * math.cos(a), 1), round(radius * math.sin(a), 1))
    return out


def layout(G: nx.Graph, seed: int = 7, spacing: float = 100.0, aspect: float = 1.8) -> dict[str, tuple[float, float]]:
    """Pixel positions: each component laid out alone (seeded), biggest first, packed in rows
    about `aspect` times wider than tall; unlinked nodes last, in a tighter grid by type.

    A component of n nodes gets a square of side spacing·1.6·√n, so density is alike across
    components and a page's width grows with √(nodes).
    """
    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    boxes = []  # (width, height, {node: (x, y) inside the box})
    for comp in (c for c in comps if len(c) > 1):
        n = len(comp)
        if n == 2:
            boxes.append((spacing * 2, spacing * 0.5, {comp[0]: (spacing * 0.5, 0.0), comp[1]: (spacing * 1.5, 0.0)}))
            continue
        index = {node: i for i, node in enumerate(comp)}
        edges = np.array([(index[u], index[v]) for u, v in G.edges(comp)], dtype=np.int64)  # comp's order
        pos = _spread(_force_layout(n, edges.reshape(-1, 2), seed))
        pos -= pos.min(0)
        pos /= max(float(pos.max()), 1e-9)
        side = spacing * 1.6 * math.sqrt(n)
        boxes.append((side, side, {node: (float(pos[i, 0]) * side, float(pos[i, 1]) * side) for node, i in index.items()}))
    alone = sorted((c[0] for c in comps if len(c) == 1),
                   key=lambda n: (list(NODE_STYLE).index(G.nodes[n].get("type", "Measure")), n))
    cell = spacing * 0.5
    total = sum(w * h for w, h, _ in boxes) + len(alone) * cell * cell
    row_width = max([math.sqrt(total * aspect), *(w for w, _, _ in boxes)])
    if alone:
        cols = max(1, int(row_width // cell))
        grid = {node: ((i % cols) * cell, (i // cols) * cell) for i, node in enumerate(alone)}
        boxes.append((min(len(alone), cols) * cell, (len(alone) - 1) // cols * cell, grid))
    out, x, y, row_h = {}, 0.0, 0.0, 0.0
    for i, (w, h, local) in enumerate(boxes):
        if x and (x + w > row_width or (alone and i == len(boxes) - 1)):  # the grid starts a row
            x, y, row_h = 0.0, y + row_h + spacing, 0.0
        for node, (px, py) in local.items():
            out[node] = (round(x + px, 1), round(y + py, 1))
        x += w + spacing * 0.5
        row_h = max(row_h, h)
    return out


# --- pyvis networks -----------------------------------------------------------------------------

def page_name(node: str, kind: str = "focus") -> str:
    """A stable, ASCII file name for a node's page (names may hold any character)."""
    return f"{kind}-{hashlib.sha1(node.encode()).hexdigest()[:10]}.html"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _hubs(G: nx.Graph, pos: dict, weights: dict, view=(1000, 650)) -> set[str]:
    """Up to HUBS most connected nodes whose labels, in the first whole-graph view (the layout
    fitted to a `view`-sized canvas), would not overlap each other's: greedy by weight."""
    if not pos:
        return set()
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    fit = min(1.0, view[0] / (max(xs) - min(xs) + 100), view[1] / (max(ys) - min(ys) + 100))
    h = (HUB_LABEL_PX + 4) / fit
    boxes, chosen = [], set()
    for n in sorted((n for n in G if weights[n]), key=lambda n: (-weights[n], n)):
        w = len(_short(G.nodes[n]["label"])) * HUB_LABEL_PX / fit / 2 + 10 / fit
        x, y = pos[n]
        box = (x - w, y - h / 2, x + w, y + h * 1.5)  # the label sits under the node
        if all(box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1] for b in boxes):
            boxes.append(box)
            chosen.add(n)
            if len(chosen) == HUBS:
                break
    return chosen


def to_network(G: nx.Graph, heading: str, *, pages: dict | None = None, positions=None,
               sizes: dict | None = None, highlight=()) -> "Network":
    """A pyvis Network of G with positions, physics off, per-type colour and shape.

    `pages` maps nodes to their focus page (opened on double-click); `sizes` overrides the
    degree used for node size; `highlight` nodes get a thick border (the focus of a page).
    """
    from pyvis.network import Network

    pages = pages or {}
    pos = positions if positions is not None else layout(G)
    index = {n: i for i, n in enumerate(G)}
    weights = {n: (sizes.get(n, 0) if sizes is not None else G.degree(n)) for n in G}
    # the HUBS most connected nodes keep legible labels when zoomed out (the page script
    # enlarges their font as the view shrinks)
    hubs = _hubs(G, pos, weights) | set(highlight)
    nodes = []
    for n, data in G.nodes(data=True):
        colour, shape, _, _ = NODE_STYLE[data["type"]]
        weight = weights[n]
        x, y = pos[n]
        nodes.append({
            "id": index[n], "label": _short(data["label"]), "x": x, "y": y,
            "shape": shape, "color": colour, "size": round(8 + 4 * math.sqrt(weight), 1),
            "font": {"size": round(12 + 2.5 * math.sqrt(weight), 1)}, "kgHub": n in hubs,
            "borderWidth": 4 if n in highlight else 1,
            "kgIri": n, "kgType": data["type"], "kgName": data["label"], "kgAliases": data["aliases"],
            "kgDocs": data.get("documents", [])[:MAX_DOCS], "kgDocCount": len(data.get("documents", [])),
            "kgQuote": data.get("quote"), "kgLine": data.get("line"), "kgLineEnd": data.get("line_end"),
            "kgDoc": data.get("document"), "kgDegree": G.degree(n), "kgPage": pages.get(n),
            **({"kgMeasures": data["measures"], "kgLed": data["leads"]} if "measures" in data else {}),
        })
    edges = []
    for u, v, data in G.edges(data=True):
        rels = data.get("relations", [])
        if rels:
            src, dst = rels[0]["source"], rels[0]["target"]
            directions = {(r["source"], r["target"]) for r in rels if r["name"] not in SYMMETRIC}
            arrows = "" if not directions else "to" if len(directions) == 1 else "to, from"
            if directions:
                src, dst = min(directions)
            names = sorted({RELATION_ZH.get(r["name"], r["name"]) for r in rels})
        else:  # co-responsibility
            src, dst, arrows = u, v, ""
            names = [f"共同负责 {data.get('weight', 1)} 项措施"]
        edges.append({
            "from": index[src], "to": index[dst], "arrows": arrows,
            "width": round(1 + 2 * math.log2(data.get("weight", 1)), 2) if not rels else 1,
            "kgRel": names, "kgQuote": data.get("quote"), "kgLine": data.get("line"),
            "kgDoc": data.get("document"), "kgMeasureTitles": data.get("measures", [])[:MAX_DOCS],
        })
    net = Network(height="100%", width="100%", directed=True, heading=heading, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges  # bulk: add_node is quadratic
    net.node_ids = [node["id"] for node in nodes]
    net.node_map = {node["id"]: node for node in nodes}
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": len(edges) > 1500,
                        "multiselect": True},
        "nodes": {"font": {"face": FONT_FACE, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"smooth": False, "color": {"color": "#b8b8b8", "highlight": "#333333", "hover": "#555555"},
                  "arrows": {"to": {"scaleFactor": 0.5}}},
    }
    return net


def overview_network(G: nx.Graph, pages: dict | None = None) -> "Network":
    return to_network(G, f"全部实体与措施（{G.number_of_nodes()} 个节点，{G.number_of_edges()} 条边）", pages=pages)


def focus_network(G: nx.Graph, name: str, depth: int = 1, pages: dict | None = None) -> "Network":
    """The best match for `name` (any alias) and its neighbourhood up to `depth` edges."""
    node = find_nodes(G, name)[0]
    sub = neighbourhood(G, node, depth)
    label = G.nodes[node]["label"]
    return to_network(sub, f"{label}：{depth} 步以内的关联（{sub.number_of_nodes()} 个节点）",
                      pages=pages, highlight={node}, positions=radial_layout(sub, node))


def departments_network(G: nx.Graph, rdf_graph: Graph | None = None, pages: dict | None = None) -> "Network":
    """Departments' co-responsibility network; sizes follow the number of measures."""
    D = co_responsibility(G, rdf_graph)
    sizes = {n: d["measures"] for n, d in D.nodes(data=True)}
    return to_network(D, f"部门共同负责网络（{D.number_of_nodes()} 个部门，边权 = 共同负责的措施数）",
                      pages=pages, sizes=sizes)


def county_network(G: nx.Graph, county: str, pages: dict | None = None) -> "Network":
    sub = located_in(G, county)
    label = G.nodes[county]["label"]
    return to_network(sub, f"{label}：位于此地的实体（{sub.number_of_nodes() - 1} 个）",
                      pages=pages, highlight={county}, positions=radial_layout(sub, county))


# --- HTML -----------------------------------------------------------------------------------------

@functools.cache
def _vis_js() -> str:
    """vis-network as shipped inside pyvis (read once, inlined in every page)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: [int(x) for x in p.parent.name[4:].split(".")])
    if not candidates:
        raise KGError(f"vis-network.min.js not found under {lib}; reinstall pyvis")
    js = candidates[-1].read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script")


def script_json(value) -> str:
    """JSON safe inside <script>: no `</script>`, no `<!--`, no HTML entities, no JS line breaks."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for bad, good in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(bad, good)
    return text


PAGE_CSS = """
html,body{margin:0;height:100%;font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-size:14px}
body{display:flex;flex-direction:column}
header{padding:6px 10px;border-bottom:1px solid #ddd;background:#fafafa}
header h1{font-size:17px;margin:0 0 4px 0;display:inline-block;margin-right:16px}
header nav{display:inline-block}
header nav a{margin-right:10px}
#kg-tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:4px}
#kg-search{width:18em;padding:3px 6px;font-size:14px}
#kg-legend label{margin-right:8px;white-space:nowrap;cursor:pointer}
#kg-legend .glyph{font-size:16px;margin-right:2px}
#kg-count{color:#555}
main{flex:1;display:flex;min-height:0}
#mynetwork{flex:1;position:relative;min-width:0}
aside{width:320px;overflow:auto;border-left:1px solid #ddd;padding:8px;background:#fff}
aside ol{padding-left:1.4em}
aside li{cursor:pointer;color:#1a55a0}
.kg-tip{max-width:420px;white-space:normal;line-height:1.45}
.kg-tip .name{font-weight:bold;font-size:15px}
.kg-tip .type{color:#666}
.kg-tip .quote{margin-top:4px;padding-left:6px;border-left:3px solid #ccc;color:#333}
.vis-tooltip{position:absolute;visibility:hidden;padding:6px 8px;background:#fffbe6;border:1px solid #999;
 border-radius:4px;box-shadow:2px 2px 8px rgba(0,0,0,.2);font-size:13px;pointer-events:none;z-index:10}
"""

# The page's own script: tooltips as DOM elements, search, type filter, details panel, focus links.
PAGE_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var typeZh = data.typeNames;
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function nodeInfo(n) {
    var box = el("div", null, "kg-tip");
    box.appendChild(el("div", n.kgName, "name"));
    box.appendChild(el("div", typeZh[n.kgType] + "（" + n.kgType + "）· 关联 " + n.kgDegree, "type"));
    if (n.kgMeasures !== undefined) box.appendChild(el("div", "负责措施 " + n.kgMeasures + " 项，牵头 " + n.kgLed + " 项"));
    if (n.kgAliases.length) box.appendChild(el("div", "别名：" + n.kgAliases.join("、")));
    if (n.kgDocCount) {
      var more = n.kgDocCount > n.kgDocs.length ? " 等 " + n.kgDocCount + " 个文件" : "";
      box.appendChild(el("div", "文件：" + n.kgDocs.join("；") + more));
    }
    if (n.kgQuote) {
      var lines = n.kgLineEnd && n.kgLineEnd !== n.kgLine ? n.kgLine + "–" + n.kgLineEnd : n.kgLine;
      var where = (n.kgDoc ? n.kgDoc + " " : "") + (n.kgLine ? "第 " + lines + " 行" : "");
      box.appendChild(el("div", "“" + n.kgQuote + "”" + (where ? "（" + where + "）" : ""), "quote"));
    }
    if (n.kgPage) box.appendChild(el("div", "双击打开焦点页", "type"));
    return box;
  }
  function edgeInfo(e) {
    var box = el("div", null, "kg-tip");
    box.appendChild(el("div", e.kgRel.join("、"), "name"));
    e.kgMeasureTitles.forEach(function (t) { box.appendChild(el("div", "· " + t)); });
    if (e.kgQuote) {
      var where = (e.kgDoc ? e.kgDoc + " " : "") + (e.kgLine ? "第 " + e.kgLine + " 行" : "");
      box.appendChild(el("div", "“" + e.kgQuote + "”" + (where ? "（" + where + "）" : ""), "quote"));
    }
    return box;
  }
  data.nodes.forEach(function (n) { n.title = nodeInfo(n); });
  data.edges.forEach(function (e) { e.title = edgeInfo(e); });
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  window.network = network;
  window.kgNodeCount = data.nodes.length;
  network.once("afterDrawing", function () { window.kgDrawnMs = performance.now(); });

  // hubs' labels stay at least data.hubPx on screen however far out the view is zoomed
  var hubs = data.nodes.filter(function (n) { return n.kgHub; });
  var baseFont = {};
  hubs.forEach(function (n) { baseFont[n.id] = n.font.size; });
  var lastScale = null;
  function sizeHubLabels() {
    var scale = network.getScale();
    if (!hubs.length || scale === lastScale) return;
    lastScale = scale;
    nodes.update(hubs.map(function (n) {
      return {id: n.id, font: {size: Math.max(baseFont[n.id], data.hubPx / scale)}};
    }));
  }
  network.on("afterDrawing", sizeHubLabels);  // after any zoom, search focus or fit; no-op otherwise

  var panel = document.getElementById("kg-panel");
  function show(n) {
    panel.textContent = "";
    panel.appendChild(nodeInfo(n));
    if (n.kgPage) {
      var a = el("a", "打开焦点页 →");
      a.href = n.kgPage;
      panel.appendChild(a);
    }
  }
  network.on("click", function (p) { if (p.nodes.length) show(byId[p.nodes[0]]); });
  network.on("doubleClick", function (p) {
    if (p.nodes.length && byId[p.nodes[0]].kgPage) window.location.href = byId[p.nodes[0]].kgPage;
  });

  var hiddenTypes = {};
  function norm(s) { return String(s).normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }
  function search(q) {
    q = norm(q);
    if (!q) { network.unselectAll(); return []; }
    var hits = data.nodes.filter(function (n) {
      if (hiddenTypes[n.kgType]) return false;
      return norm(n.kgName).indexOf(q) >= 0 || n.kgAliases.some(function (a) { return norm(a).indexOf(q) >= 0; });
    });
    function exact(n) { return norm(n.kgName) === q || n.kgAliases.some(function (a) { return norm(a) === q; }); }
    hits.sort(function (a, b) { return (exact(b) - exact(a)) || (b.kgDegree - a.kgDegree) || (a.id - b.id); });
    var ids = hits.map(function (n) { return n.id; });
    network.selectNodes(ids);
    panel.textContent = "";
    panel.appendChild(el("div", "“" + q + "”：" + ids.length + " 个结果", "type"));
    var list = el("ol");
    hits.slice(0, 50).forEach(function (n) {
      var li = el("li", n.kgName + "（" + typeZh[n.kgType] + "）");
      li.addEventListener("click", function () { network.selectNodes([n.id]); network.focus(n.id, {scale: 1.3}); show(n); });
      list.appendChild(li);
    });
    panel.appendChild(list);
    if (ids.length) network.focus(ids[0], {scale: 1.3, animation: false});
    return ids;
  }
  window.kgSearch = search;
  var box = document.getElementById("kg-search");
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") search(box.value); });
  box.addEventListener("search", function () { search(box.value); });

  function filter(type, visible) {
    hiddenTypes[type] = !visible;
    nodes.update(data.nodes.filter(function (n) { return n.kgType === type; })
      .map(function (n) { return {id: n.id, hidden: !visible}; }));
  }
  window.kgFilter = filter;
  Array.prototype.forEach.call(document.querySelectorAll("#kg-legend input"), function (cb) {
    cb.addEventListener("change", function () { filter(cb.getAttribute("data-type"), cb.checked); });
  });
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{css}</style>
<script>{vis}</script>
</head>
<body>
<header>
<h1>{title}</h1>
<nav>{nav}</nav>
<div id="kg-tools">
<input id="kg-search" type="search" placeholder="搜索名称或别名，回车" aria-label="搜索">
<span id="kg-legend">{legend}</span>
<span id="kg-count">{count}</span>
</div>
</header>
<main>
<div id="mynetwork"></div>
<aside id="kg-panel">悬停查看详情；单击选中；双击打开焦点页（若有）。</aside>
</main>
<script type="application/json" id="kg-data">{data}</script>
<script>{js}</script>
</body>
</html>
"""


def render_page(net, title: str | None = None, nav: list[tuple[str, str]] = ()) -> str:
    """One self-contained HTML page for a network built by `to_network` (no external resources)."""
    e = html.escape
    title = title or net.heading
    counts = defaultdict(int)
    for n in net.nodes:
        counts[n["kgType"]] += 1
    legend = "".join(
        f'<label><input type="checkbox" checked data-type="{e(t)}">'
        f'<span class="glyph" style="color:{colour}">{glyph}</span>{e(zh)} {counts[t]}</label>'
        for t, (colour, _, glyph, zh) in NODE_STYLE.items() if counts[t])
    payload = {"nodes": net.nodes, "edges": net.edges, "options": net.options, "hubPx": HUB_LABEL_PX,
               "typeNames": {t: s[3] for t, s in NODE_STYLE.items()}}
    return PAGE.format(
        title=e(title), css=PAGE_CSS, vis=_vis_js(), js=PAGE_JS, data=script_json(payload), legend=legend,
        nav="".join(f'<a href="{e(href)}">{e(text)}</a>' for href, text in nav),
        count=e(f"{len(net.nodes)} 个节点 · {len(net.edges)} 条边"))


def write_page(net, path, title: str | None = None, nav: list[tuple[str, str]] = ()) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(net, title, nav), encoding="utf-8")
    return path


def _index_page(entries: list[tuple[str, str, str]]) -> str:
    e = html.escape
    rows = "\n".join(f'<li><a href="{e(href)}">{e(text)}</a> <small>{e(note)}</small></li>'
                     for href, text, note in entries)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>知识图谱页面</title>'
            f'<style>{PAGE_CSS}body{{display:block;padding:12px}}</style></head>'
            f'<body><h1>知识图谱页面</h1><ul>\n{rows}\n</ul></body></html>\n')


def write_pages(g: Graph, out="viz", focus: list[str] = (), depth: int = 1, top: int = 30,
                focus_pages: dict | None = None) -> list[Path]:
    """Write every page (see the module docstring) and return their paths, index first;
    `focus_pages`, when given, receives each focus name's page path.

    Focus pages: the `top` entities with most links, plus the best match of each `focus` name
    (at `depth`; the others at depth 1). Unknown focus names raise EntityNotFoundError before
    anything is written.
    """
    out = Path(out)
    G = graph_to_networkx(g)
    asked = {find_nodes(G, name)[0]: name for name in focus}
    entities = [n for n, t in G.nodes(data="type") if t != "Measure" and G.degree(n)]
    hubs = sorted(entities, key=lambda n: (-G.degree(n), n))[:max(top, 0)]
    focus_nodes = sorted(set(hubs) | set(asked))
    pages = {n: page_name(n) for n in focus_nodes}
    nav = [("index.html", "目录"), ("overview.html", "全图"), ("departments.html", "部门网络")]

    written = [write_page(overview_network(G, pages), out / "overview.html", nav=nav)]
    entries = [("overview.html", "全图", f"{G.number_of_nodes()} 个节点")]
    dep = departments_network(G, g, pages)
    written.append(write_page(dep, out / "departments.html", nav=nav))
    entries.append(("departments.html", "部门共同负责网络", f"{len(dep.nodes)} 个部门"))
    counties = sorted((n for n, t in G.nodes(data="type") if t == "County"),
                      key=lambda n: (G.nodes[n].get("admin_code") or "~", n))
    for c in counties:
        code = G.nodes[c].get("admin_code")
        name = f"county-{code}.html" if code and code.isalnum() else page_name(c, "county")
        net = county_network(G, c, pages)
        written.append(write_page(net, out / name, nav=nav))
        entries.append((name, f"县（市、区）：{G.nodes[c]['label']}", f"位于此地 {len(net.nodes) - 1} 个"))
    for n in focus_nodes:
        d = depth if n in asked else 1
        net = focus_network(G, n, d, pages)
        written.append(write_page(net, out / pages[n], nav=nav))
        entries.append((pages[n], f"焦点：{G.nodes[n]['label']}", f"{d} 步，{len(net.nodes)} 个节点"))
    if focus_pages is not None:
        focus_pages.update({name: out / pages[n] for n, name in asked.items()})
    index = out / "index.html"
    index.write_text(_index_page(entries), encoding="utf-8")
    return [index, *written]


def viz_command(args) -> int:
    g = load_graph(args.graph)
    focus_pages: dict = {}
    paths = write_pages(g, args.out, [args.focus] if args.focus else [], args.depth, getattr(args, "top", 30),
                        focus_pages=focus_pages)
    print(f"wrote {len(paths)} pages to {args.out}/ (open {paths[0]})")
    for name, page in focus_pages.items():
        print(f"focus page for {name}: {page}")
    return 0
