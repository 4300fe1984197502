"""The graph pages' script (written once as kg-graph.js beside the pages).

It only renders what the page's JSON holds (see network.py): tooltips and the details panel are
DOM elements filled with `textContent` and links whose `href` comes from our own data, so a name
holding HTML shows as text. Everything a test or a user may call is on `window`: kgSearch,
kgSelect, kgFilter, kgFilterRelation, kgExportPng, kgExportCsv.
"""

GRAPH_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var T = data.typeNames, R = data.relations, ORDER = Object.keys(data.relations);
  var LEAD = "lead", PARTNER = "partner";
  // how a lead was read when the clause does not say 牵头 (kg:leadBasis)
  var BASIS = {"first-listed": "首位列出", "stated-convention": "按文件约定首位牵头", "table-column": "表格牵头栏",
               "prose": "据正文"};

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function link(text, href, cls) {
    if (!href) return el("span", text, cls);
    var a = el("a", text, cls);
    a.href = href;
    return a;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function lines(a, b) { return a ? "第 " + (b && b !== a ? a + "–" + b : a) + " 行" : ""; }
  function docLabel(i) { var d = data.docs[i]; return d ? (d.n || d.t) : ""; }

  // --- links: a node's own page or the overview opened on it; a document's source page lines ---
  function nodeHref(label, page) { return page || "overview.html#q=" + encodeURIComponent(label); }
  function linesHref(doc, a, b) {
    var d = doc === null || doc === undefined ? null : data.docs[doc];
    if (!d || !d.src || !a || a < d.r[0] || a > d.r[1]) return null;
    b = Math.min(Math.max(b || a, a), d.r[1]);
    return d.src + "#L" + a + (b !== a ? "-L" + b : "");
  }
  // evidence rows [quote, document, first line, last line, fragment of the quote] → objects
  var E = data.evs.map(function (x) {
    var lh = linesHref(x[1], x[2], x[3]);
    return {q: x[0], doc: x[1], a: x[2], b: x[3], lh: lh,
            h: x[4] && data.docs[x[1]] && data.docs[x[1]].src ? data.docs[x[1]].src + "#" + x[4] : lh};
  });
  function evOf(i) { return i === null || i === undefined ? null : E[i]; }
  data.docs.forEach(function (d) { d.h = d.src ? d.src + "#L" + d.r[0] : null; });
  data.measures.forEach(function (m) {
    m.clause = evOf(m.clause);
    m.lh = linesHref(m.doc, m.a, m.b);
    m.href = nodeHref(m.t, m.p);
  });

  var all = data.nodes.concat(data.loose);
  var byId = {};
  all.forEach(function (n) {
    byId[n.id] = n;
    n.kgIri = n.kgKey.indexOf(":") >= 0 ? n.kgKey : data.base + n.kgKey;
    n.kgEv = evOf(n.kgEv);
    n.kgAliases = n.kgAliases || [];
  });
  data.nodes.forEach(function (n) {
    n.shape = data.types[n.kgType][1];
    n.color = data.types[n.kgType][0];
  });
  data.edges.forEach(function (e, i) {
    e.id = i;
    e.kgRels = e.kgRels.map(function (r) { return {n: r[0], s: r[1], o: r[2], ev: evOf(r[3])}; });
    var names = e.kgRels.map(function (r) { return r.n; });
    var st = R[ORDER.filter(function (k) { return names.indexOf(k) >= 0; })[0] || "mentioned"];
    var pairs = {};
    e.kgRels.forEach(function (r) { if (R[r.n].a) pairs[r.s + ">" + r.o] = true; });
    e.arrows = Object.keys(pairs).length > 1 ? "to, from" : Object.keys(pairs).length ? "to" : "";
    e.color = {color: st.c, highlight: st.c, hover: st.c, opacity: 0.85};  // selecting keeps the relation's colour
    e.width = st.w + (e.kgWeight ? 2 * Math.log2(e.kgWeight) : 0);
    e.dashes = st.d;
  });
  var edgesOf = {};
  data.edges.forEach(function (e) {
    (edgesOf[e.from] = edgesOf[e.from] || []).push(e);
    if (e.to !== e.from) (edgesOf[e.to] = edgesOf[e.to] || []).push(e);
  });
  function sentence(r, withEv) {
    var parts = R[r.n].s.split(/(\{s\}|\{o\})/);
    var box = el("span");
    parts.forEach(function (p) {
      if (p === "{s}" || p === "{o}") {
        var n = byId[p === "{s}" ? r.s : r.o];
        var a = el("a", n.kgName, "node");
        a.href = "#";
        a.addEventListener("click", function (ev) { ev.preventDefault(); select(n); });
        box.appendChild(withEv === false ? el("b", n.kgName) : a);
      } else if (p) box.appendChild(document.createTextNode(p));
    });
    return box;
  }

  // --- evidence: the quote links to its highlighted span, the line numbers to the lines ------
  function evidence(ev, plain) {
    var box = el("div", null, "quote");
    if (ev.q) box.appendChild(plain ? el("span", "“" + ev.q + "”") : link("“" + ev.q + "”", ev.h, "q"));
    var where = el("span", null, "where");
    if (ev.doc !== null && ev.doc !== undefined) where.appendChild(el("span", docLabel(ev.doc) + " "));
    if (ev.a) where.appendChild(plain ? el("span", lines(ev.a, ev.b)) : link(lines(ev.a, ev.b), ev.lh || ev.h, "lines"));
    if (where.childNodes.length) box.appendChild(where);
    return box;
  }

  // --- tooltips (plain text) ------------------------------------------------------------------
  function nodeTip(n) {
    var box = el("div", null, "kg-tip");
    add(box, el("div", n.kgName, "name"), el("div", T[n.kgType] + " · 关联 " + n.kgDegree, "type"));
    if (n.kgLead) box.appendChild(el("div", "牵头 " + n.kgLead.length + " 项 · 配合 " + n.kgPartner.length + " 项措施"));
    if (n.kgMeasures !== undefined) box.appendChild(el("div", "负责措施 " + n.kgMeasures + " 项，牵头 " + n.kgLed + " 项"));
    if (n.kgAliases.length) box.appendChild(el("div", "别名：" + n.kgAliases.join("、")));
    if (n.kgEv) box.appendChild(evidence(n.kgEv, true));
    box.appendChild(el("div", "单击查看详情与原文" + (n.kgPage ? "；双击打开焦点页" : ""), "hint"));
    return box;
  }
  function edgeTip(e) {
    var box = el("div", null, "kg-tip");
    e.kgRels.forEach(function (r) {
      add(box, add(el("div", null, "name"), sentence(r, false)));
      if (r.ev) box.appendChild(evidence(r.ev, true));
    });
    if (e.kgShared) box.appendChild(el("div", "共同负责 " + e.kgWeight + " 项措施（单击查看）"));
    return box;
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  window.network = network;
  window.kgNodeCount = data.nodes.length;
  network.once("afterDrawing", function () { window.kgDrawnMs = performance.now(); });
  // tooltips are made when first hovered (vis-network shows an element title as is; making
  // thousands up front cost a tenth of a large page's drawing time)
  network.on("hoverNode", function (p) {
    var b = network.body.nodes[p.node];
    if (b && b.options.title === undefined) b.options.title = nodeTip(byId[p.node]);
  });
  network.on("hoverEdge", function (p) {
    var b = network.body.edges[p.edge];
    if (b && b.options.title === undefined) b.options.title = edgeTip(edges.get(p.edge));
  });
  window.kgTip = function (id) { return nodeTip(byId[id]); };
  window.kgEdgeTip = function (id) { return edgeTip(edges.get(id)); };
  network.on("beforeDrawing", function (ctx) {  // a white ground, so an exported PNG is not transparent
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });

  // hubs' labels stay at least data.hubPx on screen however far out the view is zoomed
  var hubs = data.nodes.filter(function (n) { return n.kgHub; });
  var baseFont = {};
  hubs.forEach(function (n) { baseFont[n.id] = n.font.size; });
  var lastScale = null, quiet = {};  // quiet: hubs whose enlarged label would cover a bigger hub's
  network.on("afterDrawing", function () {
    var scale = network.getScale();
    if (!hubs.length || scale === lastScale) return;
    lastScale = scale;
    nodes.update(hubs.map(function (n) {
      return {id: n.id, font: {size: quiet[n.id] ? baseFont[n.id] : Math.max(baseFont[n.id], data.hubPx / scale)}};
    }));
  });
  function quietHubs(scale) {  // after a new layout: greedy by degree, as the page was written
    var boxes = [];
    quiet = {};
    var pos = network.getPositions(hubs.map(function (n) { return n.id; }));
    hubs.slice().sort(function (a, b) { return b.kgDegree - a.kgDegree || a.id - b.id; }).forEach(function (n) {
      var node = nodes.get(n.id);
      if (node.hidden) return;
      var w = (n.label.length * data.hubPx / 2 + 8) / scale, h = 1.6 * data.hubPx / scale, p = pos[n.id];
      var box = [p.x - w, p.y - h / 2, p.x + w, p.y + h * 1.5];
      if (boxes.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) quiet[n.id] = true;
      else boxes.push(box);
    });
    lastScale = null;
  }

  // --- the details panel; what it lists is what "导出 CSV" writes ------------------------------
  var panel = document.getElementById("kg-panel");
  var rows = null, rowsName = "";
  var HEAD = ["分组", "名称", "文号", "文件", "行", "说明"];
  function section(title, count) {
    var h = el("h3", title + (count !== undefined ? "（" + count + "）" : ""));
    panel.appendChild(h);
    return h;
  }
  function measureItem(i, role, group) {
    var m = data.measures[i];
    var li = el("li", null, "measure");
    var t = link(m.t, m.id !== null && m.id !== undefined ? "#" : m.href, "title");
    if (m.id !== null && m.id !== undefined && byId[m.id]) {
      t.addEventListener("click", function (ev) { ev.preventDefault(); select(byId[m.id]); });
    }
    li.appendChild(t);
    var info = el("div", null, "where");
    if (m.doc !== null) {
      var d = data.docs[m.doc];
      info.appendChild(link(d.n || d.t, d.h, "doc"));
      info.appendChild(document.createTextNode(" · "));
    }
    info.appendChild(link(lines(m.a, m.b), m.lh, "lines"));
    if (role === LEAD && BASIS[m.basis]) info.appendChild(el("span", " · " + BASIS[m.basis], "basis"));
    li.appendChild(info);
    var d2 = m.doc !== null ? data.docs[m.doc] : {};
    rows.push([group, m.t, d2.n || "", d2.t || "", lines(m.a, m.b), m.clause && m.clause.q || ""]);
    return li;
  }
  function refName(ref) { return ref.length === 1 || typeof ref[0] === "number" ? byId[ref[0]].kgName : ref[0]; }
  function nodeLink(ref) {  // [id on this page] or [label, null, own page or null]
    var n = typeof ref[0] === "number" ? byId[ref[0]] : null;
    var a = link(refName(ref), n ? "#" : nodeHref(ref[0], ref[2]), "node");
    if (n) a.addEventListener("click", function (ev) { ev.preventDefault(); select(n); });
    return a;
  }
  function reset(name) { panel.textContent = ""; rows = []; rowsName = name; }

  function show(n) {
    reset(n.kgName);
    add(panel, el("h2", n.kgName), el("div", T[n.kgType] + " · 关联 " + n.kgDegree, "type"));
    if (n.kgAliases.length) panel.appendChild(el("div", "别名：" + n.kgAliases.join("、")));
    if (n.kgPage && location.pathname.split("/").pop() !== n.kgPage) panel.appendChild(link("打开焦点页 →", n.kgPage, "page"));
    if (n.kgLead) {
      section("牵头", n.kgLead.length);
      var ol = el("ol", null, "measures");
      n.kgLead.forEach(function (i) { ol.appendChild(measureItem(i, LEAD, "牵头")); });
      panel.appendChild(ol);
      section("配合", n.kgPartner.length);
      ol = el("ol", null, "measures partner");
      n.kgPartner.forEach(function (i) { ol.appendChild(measureItem(i, PARTNER, "配合")); });
      panel.appendChild(ol);
      section("共同负责的单位（按共同措施数）", n.kgPeers.length);
      var peers = el("ol", null, "peers");
      n.kgPeers.forEach(function (p) {
        var count = p[p.length - 1];
        peers.appendChild(add(el("li"), nodeLink(p), el("span", " " + count + " 项", "count")));
        rows.push(["共同负责的单位", refName(p), "", "", "", "共同负责 " + count + " 项"]);
      });
      panel.appendChild(peers);
    }
    if (n.kgCounty) {
      section("涉及此地的措施", n.kgCounty.m.length);
      var cm = el("ol", null, "measures");
      n.kgCounty.m.forEach(function (i) { cm.appendChild(measureItem(i, null, "涉及此地的措施")); });
      panel.appendChild(cm);
      section("负责这些措施的单位", n.kgCounty.u.length);
      var cu = el("ol", null, "peers");
      n.kgCounty.u.forEach(function (u) {
        var count = u[u.length - 1];
        cu.appendChild(add(el("li"), nodeLink(u), el("span", " " + count + " 项", "count")));
        rows.push(["负责单位", refName(u), "", "", "", count + " 项"]);
      });
      panel.appendChild(cu);
      section("项目", n.kgCounty.p.length);
      var cp = el("ul", null, "projects");
      n.kgCounty.p.forEach(function (p) {
        cp.appendChild(add(el("li"), nodeLink(p)));
        rows.push(["项目", refName(p), "", "", "", ""]);
      });
      panel.appendChild(cp);
    }
    if (n.kgMeasure !== undefined) showMeasure(data.measures[n.kgMeasure]);
    if (n.kgDocument !== undefined) {
      var d = data.docs[n.kgDocument];
      add(panel, el("div", [d.n, d.d].filter(Boolean).join(" · ")), d.h ? link("打开原文 →", d.h, "page") : null);
    }
    var rels = (edgesOf[n.id] || []).reduce(function (acc, e) {
      return acc.concat(e.kgRels.filter(function (r) { return r.n !== LEAD && r.n !== PARTNER; }));
    }, []);
    if (rels.length) {
      section("关系", rels.length);
      var ul = el("ul", null, "relations");
      rels.forEach(function (r) {
        add(ul, add(el("li"), sentence(r), r.ev ? evidence(r.ev) : null));
        var other = byId[r.s === n.id ? r.o : r.s];
        var d = r.ev && r.ev.doc !== null ? data.docs[r.ev.doc] : {};
        rows.push([R[r.n].zh, other.kgName, d.n || "", d.t || "", r.ev ? lines(r.ev.a, r.ev.b) : "", r.ev && r.ev.q || ""]);
      });
      panel.appendChild(ul);
    }
    if (n.kgEv && n.kgMeasure === undefined) { section("原文"); panel.appendChild(evidence(n.kgEv)); }
    if (n.kgDocs.length && n.kgDocument === undefined) {
      section("出现于文件", n.kgDocs.length);
      var docs = el("ul", null, "docs");
      n.kgDocs.forEach(function (i) {
        var d = data.docs[i];
        docs.appendChild(add(el("li"), link([d.n, d.t].filter(Boolean).join(" "), d.h)));
      });
      panel.appendChild(docs);
    }
  }
  function showMeasure(m) {
    var d = m.doc !== null ? data.docs[m.doc] : null;
    var where = el("div", null, "where");
    if (d) add(where, link([d.n, d.t].filter(Boolean).join(" "), d.h, "doc"), document.createTextNode(" · "));
    add(where, link(lines(m.a, m.b), m.lh, "lines"), m.sec ? el("span", " · 条目 " + m.sec) : null);
    panel.appendChild(where);
    section("责任单位（按条款顺序）", m.units.length);
    var ol = el("ol", null, "units");
    m.units.forEach(function (u) {
      var kind = u[u.length - 1];
      var role = kind === LEAD ? "牵头" + (BASIS[m.basis] ? "（" + BASIS[m.basis] + "）" : "") : "配合";
      add(ol, add(el("li", null, kind), nodeLink(u), el("span", " " + role, "role")));
      rows.push(["责任单位", refName(u), d ? d.n || "" : "", d ? d.t : "", lines(m.a, m.b), role]);
    });
    panel.appendChild(ol);
    if (m.clause && m.clause.q) { section("责任条款"); panel.appendChild(evidence(m.clause)); }
  }
  function showEdge(e) {
    var a = byId[e.from], b = byId[e.to];
    reset(a.kgName + " — " + b.kgName);
    add(panel, el("h2", a.kgName + " — " + b.kgName), el("div", e.kgRels.map(function (r) { return R[r.n].zh; }).join("、"), "type"));
    e.kgRels.forEach(function (r) {
      add(panel, add(el("div", null, "relation"), sentence(r)), r.ev ? evidence(r.ev) : null);
      var d = r.ev && r.ev.doc !== null ? data.docs[r.ev.doc] : {};
      rows.push([R[r.n].zh, byId[r.s].kgName + " → " + byId[r.o].kgName, d.n || "", d.t || "",
                 r.ev ? lines(r.ev.a, r.ev.b) : "", r.ev && r.ev.q || ""]);
    });
    if (e.kgShared) {
      section("共同负责的措施", e.kgShared.length);
      var ol = el("ol", null, "measures");
      e.kgShared.forEach(function (i) { ol.appendChild(measureItem(i, null, "共同负责")); });
      panel.appendChild(ol);
    }
  }
  function showHome() {
    reset(document.title);
    panel.appendChild(el("div", "悬停查看摘要；单击节点或连线查看详情与原文出处；双击打开焦点页。", "hint"));
    if (!data.loose.length) return;
    section("未关联的节点", data.loose.length);
    var groups = {};
    data.loose.forEach(function (n) { (groups[n.kgType] = groups[n.kgType] || []).push(n); });
    Object.keys(T).forEach(function (t) {
      if (!groups[t]) return;
      var det = add(el("details", null, "loose"), el("summary", T[t] + " " + groups[t].length));
      var ul = el("ul");
      groups[t].forEach(function (n) {
        var a = link(n.kgName, "#", "node");
        a.addEventListener("click", function (ev) { ev.preventDefault(); select(n); });
        ul.appendChild(add(el("li"), a));
        rows.push(["未关联：" + T[t], n.kgName, "", "", "", n.kgAliases.join("、")]);
      });
      panel.appendChild(add(det, ul));
    });
  }

  function select(n, keepHash, stay) {
    if (nodes.get(n.id)) {
      network.selectNodes([n.id]);
      if (!stay) network.focus(n.id, {scale: Math.max(network.getScale(), 1.0), animation: false});
    } else network.unselectAll();
    show(n);
    if (!keepHash) {
      try { history.replaceState(null, "", "#q=" + encodeURIComponent(n.kgName)); } catch (err) { /* file: */ }
    }
  }
  window.kgSelect = function (id) { select(byId[id]); };
  network.on("click", function (p) {
    if (p.nodes.length) select(byId[p.nodes[0]]);
    else if (p.edges.length) showEdge(edges.get(p.edges[0]));
    else if (data.centre !== null && data.centre !== undefined) select(byId[data.centre], true, true);
    else showHome();
  });
  network.on("doubleClick", function (p) {
    if (p.nodes.length && byId[p.nodes[0]].kgPage) window.location.href = byId[p.nodes[0]].kgPage;
  });

  // --- search ---------------------------------------------------------------------------------
  var hiddenTypes = {}, hiddenRels = {};
  function norm(s) { return String(s).normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }
  function matches(q) {
    function exact(n) { return norm(n.kgName) === q || n.kgAliases.some(function (a) { return norm(a) === q; }); }
    var hits = all.filter(function (n) {
      if (hiddenTypes[n.kgType]) return false;
      return norm(n.kgName).indexOf(q) >= 0 || n.kgAliases.some(function (a) { return norm(a).indexOf(q) >= 0; });
    });
    hits.sort(function (a, b) { return (exact(b) - exact(a)) || (b.kgDegree - a.kgDegree) || (a.id - b.id); });
    return hits;
  }
  function search(q) {
    q = norm(q);
    if (!q) { network.unselectAll(); showHome(); return []; }
    var hits = matches(q);
    var ids = hits.map(function (n) { return n.id; });
    network.selectNodes(ids.filter(function (id) { return nodes.get(id); }));
    reset("搜索 " + q);
    panel.appendChild(el("div", "“" + q + "”：" + ids.length + " 个结果", "type"));
    var list = el("ol");
    hits.slice(0, 100).forEach(function (n) {
      var a = link(n.kgName + "（" + T[n.kgType] + "）", "#", "node");
      a.addEventListener("click", function (ev) { ev.preventDefault(); select(n); });
      list.appendChild(add(el("li"), a));
      rows.push(["搜索结果", n.kgName, "", "", "", T[n.kgType]]);
    });
    panel.appendChild(list);
    if (ids.length && nodes.get(ids[0])) network.focus(ids[0], {scale: 1.3, animation: false});
    return ids;
  }
  window.kgSearch = search;
  var box = document.getElementById("kg-search");
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") search(box.value); });
  box.addEventListener("search", function () { search(box.value); });

  // page.html#q=name opens with that node selected
  function openHash() {
    var m = /^#q=(.*)$/.exec(location.hash);
    if (!m) return false;
    var q;
    try { q = decodeURIComponent(m[1]); } catch (err) { return false; }
    var hits = matches(norm(q));
    if (hits.length) select(hits[0], true); else search(q);
    return true;
  }
  window.addEventListener("hashchange", openHash);

  // --- filters: node types and relations; the rest is laid out again --------------------------
  var home = {};
  data.nodes.forEach(function (n) { home[n.id] = {x: n.x, y: n.y}; });
  var relayoutRuns = 0;
  function anyHidden(h) { return Object.keys(h).some(function (k) { return h[k]; }); }
  function applyFilters() {
    var seen = {};
    var edgeUpdates = data.edges.map(function (e) {
      var ok = !hiddenTypes[byId[e.from].kgType] && !hiddenTypes[byId[e.to].kgType] &&
        e.kgRels.some(function (r) { return !hiddenRels[r.n]; });
      if (ok) { seen[e.from] = true; seen[e.to] = true; }
      return {id: e.id, hidden: !ok};
    });
    var collapse = data.kind === "overview";  // the overview draws only what is linked
    var nodeUpdates = data.nodes.map(function (n) {
      var ok = !hiddenTypes[n.kgType] && (!collapse || seen[n.id] === true);
      return {id: n.id, hidden: !ok};
    });
    edges.update(edgeUpdates);
    nodes.update(nodeUpdates);
    var shown = nodeUpdates.filter(function (u) { return !u.hidden; }).map(function (u) { return u.id; });
    var shownEdges = data.edges.filter(function (e, i) { return !edgeUpdates[i].hidden; });
    document.getElementById("kg-count").textContent = shown.length + " 个节点 · " + shownEdges.length + " 条边";
    relayout(shown, shownEdges);
  }
  // Laid out again in the page, at once and the same every time: each part left connected
  // keeps its shape, a part of up to REFINE nodes is relaxed to close the gaps (a few rounds
  // of Fruchterman–Reingold from where it is), and the parts are packed in rows, biggest first.
  var REFINE = 400;
  function relayout(shown, shownEdges) {
    if (!anyHidden(hiddenTypes) && !anyHidden(hiddenRels)) {  // back to the computed layout
      nodes.update(data.nodes.map(function (n) { return {id: n.id, x: home[n.id].x, y: home[n.id].y}; }));
    } else if (data.kind !== "focus" && data.kind !== "county") {  // rings around a centre stay as they are
      var at = {}, adj = {};
      shown.forEach(function (id) { at[id] = {x: home[id].x, y: home[id].y}; adj[id] = []; });
      shownEdges.forEach(function (e) { if (e.from !== e.to) { adj[e.from].push(e.to); adj[e.to].push(e.from); } });
      var parts = [], seen = {};
      shown.forEach(function (id) {
        if (seen[id]) return;
        var part = [id], i = 0;
        seen[id] = true;
        while (i < part.length) adj[part[i++]].forEach(function (m) { if (!seen[m]) { seen[m] = true; part.push(m); } });
        parts.push(part);
      });
      parts.forEach(function (part) { if (part.length > 2 && part.length <= REFINE) relax(part, adj, at); });
      pack(parts, at);
      nodes.update(shown.map(function (id) { return {id: id, x: at[id].x, y: at[id].y}; }));
    }
    network.fit({animation: false});
    if (anyHidden(hiddenTypes) || anyHidden(hiddenRels)) quietHubs(network.getScale());
    else { quiet = {}; lastScale = null; }
    network.redraw();
    window.kgLayoutRuns = ++relayoutRuns;
  }
  function relax(part, adj, at) {
    var n = part.length, k = 70, X = [], Y = [], index = {};
    part.forEach(function (id, i) { index[id] = i; X.push(at[id].x); Y.push(at[id].y); });
    for (var round = 0, temp = 40; round < 40; round++, temp *= 0.93) {
      var dx = new Float64Array(n), dy = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var ex = X[i] - X[j], ey = Y[i] - Y[j], d2 = Math.max(ex * ex + ey * ey, 1), f = k * k / d2;
          dx[i] += ex * f; dy[i] += ey * f; dx[j] -= ex * f; dy[j] -= ey * f;
        }
        adj[part[i]].forEach(function (m) {
          var j2 = index[m], ex = X[i] - X[j2], ey = Y[i] - Y[j2], f = Math.sqrt(ex * ex + ey * ey) / k;
          dx[i] -= ex * f; dy[i] -= ey * f;
        });
      }
      for (var q = 0; q < n; q++) {
        var len = Math.sqrt(dx[q] * dx[q] + dy[q] * dy[q]) || 1, step = Math.min(len, temp) / len;
        X[q] += dx[q] * step; Y[q] += dy[q] * step;
      }
    }
    part.forEach(function (id, i) { at[id] = {x: X[i], y: Y[i]}; });
  }
  function pack(parts, at) {
    var gap = 60, boxes = parts.map(function (part) {
      var xs = part.map(function (id) { return at[id].x; }), ys = part.map(function (id) { return at[id].y; });
      var x0 = Math.min.apply(null, xs), y0 = Math.min.apply(null, ys);
      return {part: part, x0: x0, y0: y0, w: Math.max.apply(null, xs) - x0 + gap, h: Math.max.apply(null, ys) - y0 + gap};
    });
    boxes.sort(function (a, b) { return (b.part.length - a.part.length) || (a.part[0] - b.part[0]); });
    function rows(width, place) {  // boxes in rows of `width`: the size of the whole
      var x = 0, y = 0, rowH = 0, used = 0;
      boxes.forEach(function (b) {
        if (x && x + b.w > width) { x = 0; y += rowH; rowH = 0; }
        if (place) b.part.forEach(function (id) { at[id] = {x: at[id].x - b.x0 + x, y: at[id].y - b.y0 + y}; });
        x += b.w;
        used = Math.max(used, x);
        rowH = Math.max(rowH, b.h);
      });
      return {w: used, h: y + rowH};
    }
    var view = container.clientWidth / Math.max(container.clientHeight, 1), best = null;
    var widest = Math.max.apply(null, boxes.map(function (b) { return b.w; }).concat([1]));
    for (var width = widest; best === null || width < widest * 1.1 * boxes.length + 1; width *= 1.15) {
      var size = rows(width, false), fits = Math.min(view / size.w, 1 / size.h);  // scale when fitted
      if (best === null || fits > best.fits) best = {width: width, fits: fits};
      if (size.h <= boxes[0].h) break;  // one row: wider changes nothing
    }
    rows(best.width, true);
  }
  window.kgFilter = function (type, visible) { hiddenTypes[type] = !visible; applyFilters(); };
  window.kgFilterRelation = function (name, visible) { hiddenRels[name] = !visible; applyFilters(); };
  Array.prototype.forEach.call(document.querySelectorAll("#kg-legend input"), function (cb) {
    cb.addEventListener("change", function () {
      if (cb.hasAttribute("data-type")) hiddenTypes[cb.getAttribute("data-type")] = !cb.checked;
      else hiddenRels[cb.getAttribute("data-rel")] = !cb.checked;
      applyFilters();
    });
  });

  // --- export ---------------------------------------------------------------------------------
  var base = (location.pathname.split("/").pop() || "kg").replace(/\.html$/, "");
  function download(href, name) {
    var a = el("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  window.kgExportPng = function () {
    var url = container.querySelector("canvas").toDataURL("image/png");
    download(url, base + ".png");
    return url;
  };
  function cell(v) {
    v = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(v)) v = "'" + v;  // a spreadsheet must not run a name as a formula
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  window.kgExportCsv = function () {
    var list = rows && rows.length ? rows : nodes.get({filter: function (n) { return !n.hidden; }}).map(function (n) {
      return [T[n.kgType], n.kgName, "", "", "", "关联 " + n.kgDegree];
    });
    var text = [HEAD].concat(list).map(function (r) { return r.map(cell).join(","); }).join("\r\n") + "\r\n";
    download(URL.createObjectURL(new Blob(["\ufeff" + text], {type: "text/csv;charset=utf-8"})),
             base + (rows && rows.length ? "-" + rowsName : "") + ".csv");
    return text;
  };
  document.getElementById("kg-png").addEventListener("click", window.kgExportPng);
  document.getElementById("kg-csv").addEventListener("click", window.kgExportCsv);

  // a focus or county page opens on its centre's details, the others on the list of loose nodes
  if (!openHash()) {
    if (data.centre !== null && data.centre !== undefined) select(byId[data.centre], true, true);
    else showHome();
  }
})();
"""
