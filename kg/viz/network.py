"""Subgraphs → pyvis Networks: positions, styles by type and relation, and what the panel shows.

pyvis holds the node and edge lists (the builders return `pyvis.network.Network` objects, so
callers can adjust them); nodes go into `net.nodes` in bulk (pyvis's `add_node` checks a list
for duplicates, which is quadratic). `net.kg` carries the rest of a page's data: the documents
and measures the panel cites (as tables the nodes refer to by index), the page kind, and on the
overview the unconnected nodes, which are listed beside the graph instead of drawn.

Every quote and line number is given with its link into the source pages (`Links`), so the
page script only renders: a department's measures by role with document, 文号 and lines, a
measure's units in order with roles and its clause, an edge's two ends, relations and evidence.
"""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from urllib.parse import quote as url_quote

from typing import TYPE_CHECKING

import networkx as nx

from .graph import (LEAD, PARTNER, co_responsibility, county_reach, find_nodes, induced, measure_order,
                    neighbourhood, partners, responsibilities)
from ..vocab import ID
from .layout import layout, radial_layout, separate_labels, short

# node type → (colour, vis-network shape, legend glyph, Chinese name); the order is the legend's
NODE_STYLE = {
    "Department": ("#2f6fba", "dot", "●", "部门"),
    "County": ("#2ca02c", "square", "■", "县（市、区）"),
    "Enterprise": ("#e8780c", "diamond", "◆", "企业"),
    "Institution": ("#8e5cc2", "triangle", "▲", "机构"),
    "Project": ("#d62728", "star", "★", "项目"),
    "Collective": ("#8c564b", "triangleDown", "▼", "集体"),
    "Place": ("#17a2b8", "hexagon", "⬢", "地点"),
    "CitedDocument": ("#9a9a9a", "square", "■", "引用文件"),
    "Measure": ("#b5b82a", "dot", "●", "措施"),
    "Document": ("#34495e", "square", "■", "文件"),
}
# relation → (colour, width, dashes, arrow, Chinese name, sentence with {s} {o}); the order is the
# legend's, and an edge holding several relations is drawn in the style of the first
RELATION_STYLE = {
    LEAD: ("#d62728", 2.6, False, "to", "牵头", "{s} 牵头 {o}"),
    PARTNER: ("#f0a04b", 1.3, [6, 4], "to", "配合", "{s} 配合 {o}"),
    "coResponsible": ("#6b8fd6", 1, False, "", "共同负责", "{s} 与 {o} 共同负责"),
    "reliesOn": ("#1f77b4", 1.6, False, "to", "依托", "{s} 依托 {o}"),
    "cooperatesWith": ("#2ca02c", 1.6, False, "", "合作", "{s} 与 {o} 合作"),
    "supports": ("#9467bd", 1.6, False, "to", "支持", "{s} 支持 {o}"),
    "builds": ("#8c564b", 1.6, False, "to", "建设", "{s} 建设 {o}"),
    "partOfProject": ("#b8b000", 1.3, False, "to", "属于项目", "{s} 属于项目 {o}"),
    "locatedIn": ("#17a2b8", 1.6, False, "to", "位于", "{s} 位于 {o}"),
    "subOrganizationOf": ("#7f7f7f", 1.3, [2, 3], "to", "隶属", "{s} 隶属于 {o}"),
    "issuedBy": ("#e377c2", 1.3, False, "to", "印发", "{s} 由 {o} 印发"),
    "cites": ("#a8a8a8", 1, [1, 3], "to", "引用", "{s} 引用 {o}"),
    "mentioned": ("#bdbdbd", 1, [1, 4], "to", "涉及", "{s} 涉及 {o}"),
    # read off names on county pages (泽州县人民政府 → 泽州县; 各县（市、区）人民政府 → each county)
    "countyBody": ("#2ca02c", 1.2, [8, 3], "to", "本县机构", "{s} 是 {o} 的机构（据名称）"),
    "everyCounty": ("#7fbf7f", 1.2, [8, 3], "to", "各县共同", "{s} 包括 {o}（据名称）"),
}
FONT_FACE = "'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"
HUBS, HUB_LABEL_PX = 20, 13  # the most connected nodes, whose labels stay this size on screen at any zoom
UNIT_TYPES = ("Department", "Collective")  # who is responsible for measures
ID_BASE = str(ID)  # IRIs are written without it (the page script puts it back)

if TYPE_CHECKING:
    from pyvis.network import Network


def page_name(node: str, kind: str = "focus") -> str:
    """A stable, ASCII file name for a node's page (names may hold any character)."""
    return f"{kind}-{hashlib.sha1(node.encode()).hexdigest()[:10]}.html"


def search_link(label: str, page: str = "overview.html") -> str:
    """A page opened with a node selected (`page.html#q=name`)."""
    return f"{page}#q={url_quote(label, safe='')}"


class Links:
    """Where things open: nodes' own pages, documents' source pages, quotes placed in them.

    `pages`: node → its page (county or focus page); `sources`: document IRI → (source page
    file, SourceText, first line, last line) for the documents whose text is at hand.
    """

    def __init__(self, G: nx.Graph, pages: dict | None = None, sources: dict | None = None):
        self.G, self.pages, self.sources = G, pages or {}, sources or {}
        self._spans: dict = {}

    def node(self, n: str) -> str:
        return self.pages.get(n) or search_link(self.G.nodes[n]["label"])

    def lines(self, doc, a, b=None) -> str | None:
        if doc not in self.sources or not a:
            return None
        page, _, first, last = self.sources[doc]
        if not first <= a <= last:
            return None
        b = min(max(b or a, a), last)
        return f"{page}#L{a}" if b == a else f"{page}#L{a}-L{b}"

    def fragment(self, ev) -> str | None:
        """`L{line}.{col}-L{line}.{col}` of an evidence's quote in its document's source page."""
        doc = ev.get("doc")
        if doc not in self.sources or not ev.get("quote"):
            return None
        key = (doc, ev["quote"], ev.get("line"), ev.get("start"))
        if key not in self._spans:
            _, text, first, last = self.sources[doc]
            bom = text.source.bom  # published offsets count a UTF-8 byte-order mark; Source.text drops it
            span = (ev["start"] - bom, ev["end"] - bom) if ev.get("start") is not None and ev.get("end") is not None \
                else text.locate(ev["quote"], ev.get("line"))
            frag = text.fragment(*span) if span else None
            self._spans[key] = frag if frag and first <= int(frag[1:frag.index(".")]) <= last else None
        return self._spans[key]


class _Payload:
    """The panel's data for one page: evidence, documents and measures as tables the nodes and
    edges refer to by index (a clause is the evidence of each of its units' edges; written once)."""

    def __init__(self, G: nx.Graph, links: Links, ids: dict):
        self.G, self.links, self.ids = G, links, ids
        self.evs: list[list] = []
        self.docs: list[dict] = []
        self.measures: list[dict] = []
        self._index: dict = {}

    def _once(self, kind, key, table, make):
        if (kind, key) not in self._index:
            self._index[(kind, key)] = len(table)
            table.append(None)
            table[self._index[(kind, key)]] = make()
        return self._index[(kind, key)]

    def doc(self, d) -> int | None:
        if d is None or d not in self.G:
            return None

        def make():
            data = self.G.nodes[d]
            src = self.links.sources.get(d)
            return {"n": data.get("number"), "t": data.get("title") or data["label"], "d": data.get("date"),
                    "src": src[0] if src else None, "r": [src[2], src[3]] if src else None,
                    "id": self.ids.get(d), "p": self.links.pages.get(d)}
        return self._once("doc", d, self.docs, make)

    def ev(self, ev) -> int | None:
        """[quote, document, first line, last line, fragment of the quote in the source page]."""
        if not ev:
            return None
        key = (ev.get("doc"), ev.get("line"), ev.get("line_end"), ev.get("quote"), ev.get("start"))
        return self._once("ev", key, self.evs, lambda: [ev.get("quote"), self.doc(ev.get("doc")), ev.get("line"),
                                                        ev.get("line_end"), self.links.fragment(ev)])

    def measure(self, m) -> int:
        def make():
            data = self.G.nodes[m]
            return {"t": data["label"], "id": self.ids.get(m), "p": self.links.pages.get(m),
                    "doc": self.doc(data["doc"]), "a": data["start_line"], "b": data["end_line"],
                    "sec": data.get("section"), "basis": data.get("lead_basis"), "clause": self.ev(data["clause"]),
                    "units": [[*self.ref(u), role] for u, role in data["units"]]}
        return self._once("measure", m, self.measures, make)

    def ref(self, n) -> list:
        """[id] for a node on this page, else [label, null, own page or null]."""
        if n in self.ids:
            return [self.ids[n]]
        return [self.G.nodes[n]["label"], None, self.links.pages.get(n)]

    def node(self, n, degree: int) -> dict:
        data = self.G.nodes[n]
        info = {"kgKey": n[len(ID_BASE):] if n.startswith(ID_BASE) else n, "kgType": data["type"],
                "kgName": data["label"], "kgAliases": data["aliases"], "kgDegree": degree,
                "kgDocs": [i for i in map(self.doc, data.get("documents", [])) if i is not None]}
        if self.links.pages.get(n):
            info["kgPage"] = self.links.pages[n]
        if data.get("evidence"):
            info["kgEv"] = self.ev(data["evidence"])
        if data["type"] == "Measure":
            info["kgMeasure"] = self.measure(n)
        elif data["type"] == "Document":
            info["kgDocument"] = self.doc(n)
        if data["type"] in UNIT_TYPES and n in self.G:
            roles = responsibilities(self.G, n)
            if roles[LEAD] or roles[PARTNER]:
                info["kgLead"] = [self.measure(m) for m in roles[LEAD]]
                info["kgPartner"] = [self.measure(m) for m in roles[PARTNER]]
                info["kgPeers"] = [[*self.ref(u), count] for u, count in partners(self.G, n)]
        return info


def to_network(H: nx.Graph, heading: str, *, G: nx.Graph | None = None, links: Links | None = None,
               positions=None, sizes: dict | None = None, highlight=(), kind: str = "graph",
               loose=(), centre: str | None = None, summary: dict | None = None) -> "Network":
    """A pyvis Network of H with positions and physics off; the page script styles nodes by type
    and edges by relation (RELATION_STYLE's order decides an edge holding several).

    `G` is the whole graph (a department's measures are listed even when not drawn; default H);
    `links` says where nodes and documents open; `sizes` overrides the degree used for node
    size; `highlight` nodes get a thick border (the focus of a page); `loose` nodes of G are
    listed beside the graph, not drawn; `kind` tells the page script what the page is;
    `centre` is shown in the panel when the page opens; `summary` ({"measures", "units",
    "projects"}) is what a county page lists for its county.
    """
    from pyvis.network import Network  # noqa: F811

    G = H if G is None else G
    links = links or Links(G)
    ids = {n: i for i, n in enumerate(H)}
    ids.update({n: len(ids) + i for i, n in enumerate(loose)})
    payload = _Payload(G, links, ids)
    weights = {n: (sizes.get(n, 0) if sizes is not None else H.degree(n)) for n in H}
    # the most connected entities (a measure's title is no landmark) keep legible labels at any zoom
    hubs = set(sorted((n for n in H if weights[n] and H.nodes[n]["type"] != "Measure"),
                      key=lambda n: (-weights[n], n))[:HUBS]) | set(highlight)
    pos = positions  # given: rings around a centre, whose labels are drawn a little larger
    if pos is None:
        pos = separate_labels(layout(H), {n: short(H.nodes[n]["label"]) for n in hubs}, HUB_LABEL_PX)
    nodes = []
    for n, data in H.nodes(data=True):
        weight = weights[n]
        x, y = pos[n]
        node = {"id": ids[n], "label": short(data["label"]), "x": round(x), "y": round(y),
                "size": round(8 + 4 * math.sqrt(weight), 1),
                "font": {"size": round((12 if positions is None else 15) + 2.5 * math.sqrt(weight), 1)}}
        if n in hubs:
            node["kgHub"] = True
        if n in highlight:
            node["borderWidth"] = 4
        node.update(payload.node(n, G.degree(n) if n in G else H.degree(n)))
        if "measures" in data:
            node.update(kgMeasures=data["measures"], kgLed=data["leads"])
        if summary and n == centre:
            node["kgCounty"] = {"m": [payload.measure(m) for m in summary["measures"]],
                                "u": [[*payload.ref(u), c] for u, c in summary["units"]],
                                "p": [payload.ref(x) for x in summary["projects"]]}
        nodes.append(node)
    edges = []
    for u, v, data in H.edges(data=True):
        rels = data.get("relations", [])
        directed = [r for r in rels if RELATION_STYLE.get(r["name"], (0,) * 4)[3]]
        src, dst = (directed[0]["source"], directed[0]["target"]) if directed else (u, v)
        edge = {"from": ids[src], "to": ids[dst],
                "kgRels": [[r["name"], ids[r["source"]], ids[r["target"]], payload.ev(r["evidence"])] for r in rels]}
        if "measures" in data:  # co-responsibility: the shared measures are the evidence
            edge["kgShared"] = [payload.measure(m) for m in sorted(data["measures"], key=lambda m: measure_order(G, m))]
            edge["kgWeight"] = data["weight"]
        edges.append(edge)
    net = Network(height="100%", width="100%", directed=True, heading=heading, cdn_resources="local")
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
        "edges": {"smooth": False, "arrows": {"to": {"scaleFactor": 0.45}}, "selectionWidth": 2, "hoverWidth": 1},
    }
    loose_info = [{"id": ids[n], **payload.node(n, 0)} for n in loose]
    net.kg = {"kind": kind, "centre": ids.get(centre), "evs": payload.evs, "docs": payload.docs,
              "measures": payload.measures, "loose": loose_info}
    return net


# --- the pages' networks ---------------------------------------------------------------------------

def overview_network(G: nx.Graph, links: Links | None = None) -> "Network":
    """Every node with a relation, drawn; the unconnected ones listed beside."""
    H = induced(G, [n for n in G if G.degree(n)])
    loose = sorted((n for n in G if not G.degree(n)), key=lambda n: (list(NODE_STYLE).index(G.nodes[n]["type"]),
                                                                      G.nodes[n]["label"], n))
    heading = f"全部实体与措施（{H.number_of_nodes()} 个有关联，{len(loose)} 个未关联）"
    return to_network(H, heading, G=G, links=links, kind="overview", loose=loose)


def focus_network(G: nx.Graph, name: str, depth: int = 1, links: Links | None = None) -> "Network":
    """The best match for `name` (any alias) and its neighbourhood up to `depth` edges."""
    node = name if name in G else find_nodes(G, name)[0]
    sub = neighbourhood(G, node, depth)
    label = G.nodes[node]["label"]
    def role(n):  # the measures a unit leads together, then those it shares
        names = [r["name"] for r in sub[node][n]["relations"]] if sub.has_edge(node, n) else []
        return 0 if LEAD in names else 1 if PARTNER in names else 2

    heading = f"{label}：{depth} 步以内的关联（{sub.number_of_nodes()} 个节点）"
    return to_network(sub, heading, G=G, links=links, highlight={node}, positions=radial_layout(sub, node, group=role),
                      kind="focus", centre=node)


def departments_network(G: nx.Graph, rdf_graph=None, links: Links | None = None) -> "Network":
    """Departments' co-responsibility network; sizes follow the number of measures."""
    D = co_responsibility(G, rdf_graph)
    sizes = {n: d["measures"] for n, d in D.nodes(data=True)}
    heading = f"部门共同负责网络（{D.number_of_nodes()} 个部门，边权 = 共同负责的措施数）"
    return to_network(D, heading, G=G, links=links, sizes=sizes, kind="departments")


def county_network(G: nx.Graph, county: str, links: Links | None = None) -> "Network":
    """A county two steps out: what is located there, the measures naming it, their units and projects."""
    sub = county_reach(G, county)
    label = G.nodes[county]["label"]
    measures = sorted((n for n in sub if sub.nodes[n]["type"] == "Measure"), key=lambda m: measure_order(G, m))
    units = defaultdict(int)
    for m in measures:
        for u, _ in G.nodes[m]["units"]:
            units[u] += 1
    summary = {"measures": measures,
               "units": sorted(units.items(), key=lambda x: (-x[1], G.nodes[x[0]]["label"], x[0])),
               "projects": sorted((n for n in sub if sub.nodes[n]["type"] == "Project"),
                                  key=lambda n: (G.nodes[n]["label"], n))}
    counts = {t: sum(1 for n in sub if sub.nodes[n]["type"] == t) for t in ("Measure", "Department", "Project")}
    heading = (f"{label}：涉及此地的措施 {counts['Measure']} 项、部门 {counts['Department']} 个、"
               f"项目 {counts['Project']} 个（共 {sub.number_of_nodes() - 1} 个节点）")
    return to_network(sub, heading, G=G, links=links, highlight={county}, positions=radial_layout(sub, county),
                      kind="county", centre=county, summary=summary)
