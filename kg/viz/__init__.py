"""Graph → offline pages that answer a staff member's questions, with the evidence one click away.

    graph.py     the built graph → networkx (entities, measures, documents; relations with evidence)
    layout.py    positions (force layout per component, rings around a centre)
    network.py   subgraphs → pyvis Networks with styles and the details panel's data
    source.py    the input texts: found by name and sha256, quotes placed in them, one page per document
    pages.py     the pages and `kg viz`
    assets.py    files written once beside the pages (vis-network, stylesheet, scripts; graph_js.py)

Pages written by `write_pages` (default folder viz/), all offline (no network, no server):
  index.html           the gazette and build date, the pages, every node grouped by type, searchable
  overview.html        every node with a relation; the unconnected ones listed beside
  departments.html     departments' co-responsibility: edge weight = measures they share
  county-<code>.html   one per county, two steps out: what is located there, the measures naming
                       it, their units and the projects they name
  focus-<key>.html     one node and its neighbourhood: every responsible department or collective,
                       the `top` most connected other entities, each name asked for
  source-<key>.html    one per document: its lines with numbers and anchors (#L6905), the cited
                       span highlighted; every quote and line number in the graph pages links here
  vis-network.min.js, kg.css, kg-graph.js, kg-source.js, kg-index.js   shared by the pages
Any graph page opened as `page.html#q=name` starts with that node selected.

Safety: names come from the documents. Labels are drawn on a canvas (plain text), tooltips,
panels and lists are DOM text (`textContent`) or escaped HTML, and JSON in a page escapes
`<`, `>`, `&`.
"""
from .assets import vis_js, write_assets
from .graph import (EntityNotFoundError, co_responsibility, county_bodies, county_reach, find_nodes,
                    graph_to_networkx, induced, load_graph, located_in, neighbourhood, partners, recorded_inputs,
                    responsibilities)
from .layout import layout, radial_layout, separate_labels
from .network import (HUB_LABEL_PX, HUBS, ID_BASE, NODE_STYLE, RELATION_STYLE, Links, county_network,
                      departments_network, focus_network, overview_network, page_name, search_link, to_network)
from .pages import index_page, render_page, script_json, source_pages, viz_command, write_page, write_pages
from .source import SourceNotFoundError, SourceText, default_places, find_sources

__all__ = [
    "EntityNotFoundError", "HUBS", "HUB_LABEL_PX", "ID_BASE", "Links", "NODE_STYLE", "RELATION_STYLE",
    "SourceNotFoundError", "SourceText", "co_responsibility", "county_bodies", "county_network",
    "county_reach", "default_places", "departments_network", "find_nodes", "find_sources", "focus_network",
    "graph_to_networkx", "index_page", "induced", "layout", "load_graph", "located_in", "neighbourhood",
    "overview_network", "page_name", "partners", "radial_layout", "recorded_inputs", "render_page",
    "responsibilities", "script_json", "search_link", "separate_labels", "source_pages", "to_network",
    "vis_js", "viz_command", "write_assets", "write_page", "write_pages",
]
