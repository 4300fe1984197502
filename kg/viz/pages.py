"""The pages `kg viz` writes, and the command.

Pages are rendered with our own template, not pyvis's: pyvis's links bootstrap from a CDN in
every mode and tom-select for its menus (pyvis #228/#229). Each page holds its data as JSON
(escaped so no name can close the script) and refers to the shared files beside it (assets.py).
"""
from __future__ import annotations

import html
import json
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import networkx as nx

from .assets import VIS_JS, write_assets
from .graph import (LEAD, NODE_TYPES, PARTNER, find_nodes, graph_to_networkx, load_graph, recorded_inputs,
                    responsibilities)
from .network import (HUB_LABEL_PX, ID_BASE, NODE_STYLE, RELATION_STYLE, UNIT_TYPES, Links, county_network,
                      departments_network, focus_network, overview_network, page_name, search_link)
from .source import SourceText, default_places, find_sources, render_source_page

NAV = [("index.html", "目录"), ("overview.html", "全图"), ("departments.html", "部门网络")]
e = html.escape


def script_json(value) -> str:
    """JSON safe inside <script>: no `</script>`, no `<!--`, no HTML entities, no JS line breaks."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for bad, good in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(bad, good)
    return text


PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="kg.css">
<script src="{vis}"></script>
</head>
<body class="kg-graph">
<header>
<h1>{title}</h1>
<nav>{nav}</nav>
<div id="kg-tools">
<input id="kg-search" type="search" placeholder="搜索名称或别名，回车" aria-label="搜索">
<button id="kg-png" type="button" title="当前视图存为图片">导出 PNG</button>
<button id="kg-csv" type="button" title="右侧列表（或可见节点）存为 CSV">导出 CSV</button>
<span id="kg-count">{count}</span>
</div>
<div id="kg-legend">{legend}</div>
</header>
<main>
<div id="mynetwork"></div>
<aside id="kg-panel"></aside>
</main>
<script type="application/json" id="kg-data">{data}</script>
<script src="kg-graph.js"></script>
</body>
</html>
"""


def _legend(net) -> str:
    types, rels = defaultdict(int), defaultdict(int)
    for n in [*net.nodes, *net.kg["loose"]]:
        types[n["kgType"]] += 1
    for edge in net.edges:
        for r in {r[0] for r in edge["kgRels"]}:
            rels[r] += 1
    parts = ['<span class="group">节点</span>']
    parts += [f'<label><input type="checkbox" checked data-type="{e(t)}">'
              f'<span class="glyph" style="color:{colour}">{glyph}</span>{e(zh)} {types[t]}</label>'
              for t, (colour, _, glyph, zh) in NODE_STYLE.items() if types[t]]
    if rels:
        parts.append('<span class="group">关系</span>')
    for name, (colour, width, dashes, arrow, zh, _) in RELATION_STYLE.items():
        if rels[name]:
            dash = f' stroke-dasharray="{" ".join(map(str, dashes))}"' if dashes else ""
            head = f'<path d="M17 1 L23 5 L17 9" fill="none" stroke="{colour}" stroke-width="1.5"/>' if arrow else ""
            parts.append(f'<label><input type="checkbox" checked data-rel="{e(name)}">'
                         f'<svg width="24" height="10" aria-hidden="true"><line x1="0" y1="5" x2="23" y2="5" '
                         f'stroke="{colour}" stroke-width="{max(width, 1.5)}"{dash}/>{head}</svg>'
                         f'{e(zh)} {rels[name]}</label>')
    return "".join(parts)


def render_page(net, title: str | None = None, nav: list[tuple[str, str]] = NAV) -> str:
    """One graph page for a network built by `to_network`; it loads the shared files beside it."""
    title = title or net.heading
    payload = {"nodes": net.nodes, "edges": net.edges, "options": net.options, "hubPx": HUB_LABEL_PX,
               "typeNames": {t: s[3] for t, s in NODE_STYLE.items()},
               "types": {t: [s[0], s[1]] for t, s in NODE_STYLE.items()}, "base": ID_BASE,
               "relations": {n: {"zh": zh, "s": sentence, "c": colour, "w": width, "d": dashes, "a": bool(arrow)}
                             for n, (colour, width, dashes, arrow, zh, sentence) in RELATION_STYLE.items()},
               **net.kg}
    loose = len(net.kg["loose"])
    count = f"{len(net.nodes)} 个节点 · {len(net.edges)} 条边"
    if loose:
        count += f" · {loose} 个未关联（列在右侧）"
    return PAGE.format(title=e(title), vis=VIS_JS, data=script_json(payload), legend=_legend(net), count=e(count),
                       nav="".join(f'<a href="{e(href)}">{e(text)}</a>' for href, text in nav))


def write_page(net, path, title: str | None = None, nav: list[tuple[str, str]] = NAV) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(net, title, nav), encoding="utf-8")
    if not (path.parent / VIS_JS).is_file():
        write_assets(path.parent)
    return path


# --- the index ------------------------------------------------------------------------------------

INDEX_GROUPS = [("Document", "文件"), ("Department", "部门"), ("County", "县（市、区）"),
                ("Enterprise", "企业"), ("Institution", "机构"), ("Project", "项目"), ("Collective", "集体"),
                ("Place", "地点"), ("CitedDocument", "引用文件")]


def _index_items(G: nx.Graph, kind: str, links: Links) -> list[tuple[str, str, str, list[str]]]:
    """(href, text, note, names to search) for one group, most relevant first."""
    items = []
    for n, data in G.nodes(data=True):
        if data["type"] != kind:
            continue
        names = [data["label"], *data["aliases"]]
        if kind == "Document":
            src = links.lines(n, data.get("start_line"))
            note = data.get("date") or ""
            text = f"{data.get('number') or ''} {data.get('title') or data['label']}".strip()
            items.append(((data.get("source_file") or "", data.get("start_line") or 0, n),
                          src or links.node(n), text, note, names))
            continue
        degree = G.degree(n)
        if kind in UNIT_TYPES:
            roles = responsibilities(G, n)
            note = f"牵头 {len(roles[LEAD])} · 配合 {len(roles[PARTNER])}" if roles[LEAD] or roles[PARTNER] else \
                f"关联 {degree}" if degree else "未关联"
            rank = (-len(roles[LEAD]) - len(roles[PARTNER]), -len(roles[LEAD]), -degree)
        else:
            note = f"关联 {degree}" if degree else "未关联"
            rank = (-degree,)
        if kind == "County" and data.get("admin_code"):
            note = f"{data['admin_code']} · {note}"
        items.append(((rank, data["label"], n), links.node(n), data["label"], note, names))
    return [item[1:] for item in sorted(items, key=lambda x: x[0])]


def index_page(G: nx.Graph, links: Links, inputs: list[str], built: str | None,
               pages: list[tuple[str, str, str]]) -> str:
    """Gazette and build date, the graph pages, and every node grouped by type, searchable."""
    dates = sorted(d for _, d in G.nodes(data="date") if d)
    kinds = defaultdict(int)
    for _, t in G.nodes(data="type"):
        kinds[t] += 1
    about = [f"来源：{'、'.join(inputs)}" if inputs else None,
             f"文件日期 {dates[0]} 至 {dates[-1]}" if dates else None,
             f"图谱生成于 {built}" if built else None,
             f"{kinds['Document']} 个文件 · {kinds['Measure']} 项措施 · "
             f"{sum(v for k, v in kinds.items() if k not in ('Document', 'Measure'))} 个实体 · "
             f"{G.number_of_edges()} 条关联"]
    sections = []
    page_list = "".join(f'<li data-names="{e(text)}"><a href="{e(href)}">{e(text)}</a> <small>{e(note)}</small></li>'
                        for href, text, note in pages)
    sections.append(f'<section data-group="pages"><h2>图谱页面 <small class="shown"></small>{len(pages)}</h2>'
                    f'<ul>{page_list}</ul></section>')
    for kind, zh in INDEX_GROUPS:
        items = _index_items(G, kind, links)
        if not items:
            continue
        lis = "".join(f'<li data-names="{e(" ".join(names))}"><a href="{e(href)}">{e(text)}</a> '
                      f'<small>{e(note)}</small></li>' for href, text, note, names in items)
        sections.append(f'<section data-group="{e(kind)}"><h2>{e(zh)} <small class="shown"></small>{len(items)}</h2>'
                        f'<ul>{lis}</ul></section>')
    title = "知识图谱" + (f"：{inputs[0]}" if len(inputs) == 1 else "")
    nav = "".join(f'<a href="{e(h)}">{e(t)}</a>' for h, t in NAV[1:])
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
            f'<link rel="stylesheet" href="kg.css">\n</head>\n<body class="kg-index">\n<header>\n<h1>{e(title)}</h1>\n'
            f'<nav>{nav}</nav>\n<div class="meta">{" · ".join(e(a) for a in about if a)}</div>\n'
            '<div id="kg-tools"><input id="kg-filter" type="search" placeholder="筛选名称或别名" aria-label="筛选">'
            '</div>\n'
            f'</header>\n{"".join(sections)}\n<script src="kg-index.js"></script>\n</body>\n</html>\n')


# --- writing everything ----------------------------------------------------------------------------

def source_pages(G: nx.Graph, sources: dict) -> dict:
    """Document IRI → (page, SourceText, first line, last line), for documents whose file is at hand."""
    texts = {name: SourceText(src) for name, src in sorted(sources.items())}
    only = next(iter(texts.values())) if len(texts) == 1 else None
    out = {}
    for d, data in G.nodes(data=True):
        if data["type"] != "Document":
            continue
        text = texts.get(data.get("source_file")) or (only if not data.get("source_file") else None)
        if text is None:
            continue
        first, last = data.get("start_line") or 1, data.get("end_line") or text.lines
        out[d] = (page_name(d, "source"), text, first, max(first, last))
    return out


def write_pages(g, out="viz", focus: list[str] = (), depth: int = 1, top: int = 30, sources: dict | None = None,
                built: str | None = None, G: nx.Graph | None = None, focus_pages: dict | None = None) -> list[Path]:
    """Write every page (see the package docstring) and return their paths, index first.

    Focus pages: every department or collective that is responsible for something, the `top`
    other entities with most links, and the best match of each `focus` name (at `depth`; the
    others at depth 1). `sources`: {file name: Source} of the graph's inputs, for the source
    pages (none without); `built`, when the graph was made, for the index. `focus_pages`, when
    given, receives each focus name's page path. Unknown focus names raise EntityNotFoundError
    before anything is written.
    """
    out = Path(out)
    G = graph_to_networkx(g) if G is None else G
    asked = {find_nodes(G, name)[0]: name for name in focus}
    linked = [n for n, t in G.nodes(data="type") if t not in ("Measure", "Document") and G.degree(n)]
    others = (n for n in linked if G.nodes[n]["type"] not in UNIT_TYPES)
    hubs = sorted(others, key=lambda n: (-G.degree(n), n))[:max(top, 0)]
    units = [n for n in linked if G.nodes[n]["type"] in UNIT_TYPES]
    counties = sorted((n for n, t in G.nodes(data="type") if t == "County"),
                      key=lambda n: (G.nodes[n].get("admin_code") or "~", n))
    pages = {}  # node → its own page: counties their county page, the others a focus page
    for c in counties:
        code = G.nodes[c].get("admin_code")
        pages[c] = f"county-{code}.html" if code and code.isalnum() else page_name(c, "county")
    focus_nodes = sorted(n for n in set(hubs) | set(units) | set(asked) if n not in pages or n in asked)
    for n in focus_nodes:
        pages.setdefault(n, page_name(n))
    by_doc = source_pages(G, sources or {})
    links = Links(G, pages, by_doc)

    out.mkdir(parents=True, exist_ok=True)
    written = write_assets(out)
    entries = []
    net = overview_network(G, links)
    written.append(write_page(net, out / "overview.html"))
    entries.append(("overview.html", "全图", f"{len(net.nodes)} 个节点，{len(net.kg['loose'])} 个未关联"))
    dep = departments_network(G, g, links)
    written.append(write_page(dep, out / "departments.html"))
    entries.append(("departments.html", "部门共同负责网络", f"{len(dep.nodes)} 个部门"))
    for c in counties:
        net = county_network(G, c, links)
        written.append(write_page(net, out / pages[c]))
        entries.append((pages[c], f"县（市、区）：{G.nodes[c]['label']}", f"{len(net.nodes) - 1} 个相关节点"))
    for n in focus_nodes:
        d = depth if n in asked else 1
        net = focus_network(G, n, d, links)
        name = page_name(n)  # an asked county gets a focus page besides its county page
        written.append(write_page(net, out / name))
        if n in asked:
            entries.append((name, f"焦点：{G.nodes[n]['label']}", f"{d} 步，{len(net.nodes)} 个节点"))
    for d, (name, text, first, last) in sorted(by_doc.items()):
        data = G.nodes[d]
        measures = sorted((m for m in G if G.nodes[m]["type"] == "Measure" and G.nodes[m]["doc"] == d
                           and G.nodes[m]["start_line"]), key=lambda m: G.nodes[m]["start_line"])
        named = sorted(G.graph.get("first_mentions", {}).get(d, {}).items(),
                       key=lambda x: (NODE_TYPES.index(G.nodes[x[0]]["type"]), x[1], x[0]))
        aside = [("本文件的措施", [(links.node(m), G.nodes[m]["label"],
                                    f"#L{G.nodes[m]['start_line']}-L{G.nodes[m]['end_line']}",
                                    f"{G.nodes[m]['start_line']}–{G.nodes[m]['end_line']}") for m in measures]),
                 ("本文件提及", [(links.node(n), G.nodes[n]["label"], f"#L{line}", str(line))
                                 for n, line in named])]
        meta = [data.get("number"), data.get("date"), f"{text.source.name} 第 {first}–{last} 行",
                f"{len(measures)} 项措施" if measures else None]
        page = render_source_page(text, first, last, data.get("title") or data["label"], meta,
                                  [*NAV, (search_link(data["label"]), "在全图中")], [x for x in aside if x[1]])
        (out / name).write_text(page, encoding="utf-8")
        written.append(out / name)
    if focus_pages is not None:
        focus_pages.update({name: out / page_name(n) for n, name in asked.items()})
    index = out / "index.html"
    index.write_text(index_page(G, links, [name for name, _ in G.graph.get("inputs", [])] or sorted(sources or {}),
                                built, entries), encoding="utf-8")
    return [index, *written]


def viz_command(args) -> int:
    g = load_graph(args.graph)
    sources = None
    if not getattr(args, "no_source", False):  # found (or not) before the long part
        given = getattr(args, "source", None) or []
        inputs = recorded_inputs(g)
        sources = find_sources(inputs, given, [] if given else default_places(args.graph))
        if not inputs and not given:
            print("kg viz: the graph records no input files, so quotes are not linked to the text "
                  "(give the files with --source PATH)", file=sys.stderr)
    G = graph_to_networkx(g)
    built = datetime.fromtimestamp(Path(args.graph).stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    focus = args.focus if isinstance(args.focus, list) else [args.focus] if args.focus else []
    focus_pages: dict = {}
    paths = write_pages(g, args.out, focus, args.depth, getattr(args, "top", 30), sources=sources,
                        built=built, G=G, focus_pages=focus_pages)
    print(f"wrote {len(paths)} files to {args.out}/ (open {paths[0]})")
    for name, page in focus_pages.items():
        print(f"focus page for {name}: {page}")
    return 0
