"""Files written once beside the pages: vis-network (pyvis's bundled copy), the stylesheet and the
scripts. Pages refer to them by relative name, so the folder works offline from any disk, and
vis-network is there once instead of 469 KB in every page."""
from __future__ import annotations

import functools
from pathlib import Path

from ..errors import KGError
from .graph_js import GRAPH_JS

VIS_JS = "vis-network.min.js"

CSS = """
html,body{margin:0;height:100%;font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-size:14px;color:#222}
a{color:#1a55a0}
body.kg-graph,body.kg-source{display:flex;flex-direction:column}
header{padding:6px 10px;border-bottom:1px solid #ddd;background:#fafafa}
header h1{font-size:17px;margin:0 16px 4px 0;display:inline-block}
header nav{display:inline-block}
header nav a{margin-right:10px}
#kg-tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:2px}
#kg-search,#kg-filter{width:18em;padding:3px 6px;font-size:14px}
#kg-tools button{font-size:13px;padding:2px 8px}
#kg-count{color:#555}
#kg-legend{margin-top:4px;line-height:1.9}
#kg-legend .group{color:#666;margin-right:4px}
#kg-legend label{margin-right:9px;white-space:nowrap;cursor:pointer}
#kg-legend .glyph{font-size:16px;margin-right:2px}
#kg-legend svg{vertical-align:middle;margin-right:2px}
main{flex:1;display:flex;min-height:0}
#mynetwork{flex:1;position:relative;min-width:0}
aside{width:360px;overflow:auto;border-left:1px solid #ddd;padding:8px 10px;background:#fff;line-height:1.5}
aside h2{font-size:16px;margin:2px 0}
aside h3{font-size:14px;margin:10px 0 2px;border-bottom:1px solid #eee}
aside ol,aside ul{padding-left:1.5em;margin:2px 0}
aside li{margin:3px 0}
aside .type,aside .hint{color:#666}
aside .where{color:#555;font-size:12.5px}
aside .role,aside .count,aside .basis{color:#666;font-size:12.5px}
aside li.lead .role{color:#b8241c;font-weight:bold}
aside .page{display:inline-block;margin:4px 0}
aside details summary{cursor:pointer}
.quote{margin:3px 0 6px;padding-left:6px;border-left:3px solid #ccc;color:#333}
.quote .where{margin-left:4px}
.kg-tip{max-width:440px;white-space:normal;line-height:1.45}
.kg-tip .name{font-weight:bold;font-size:14px}
.kg-tip .type,.kg-tip .hint{color:#666}
.vis-tooltip{position:absolute;visibility:hidden;padding:6px 8px;background:#fffbe6;border:1px solid #999;
 border-radius:4px;box-shadow:2px 2px 8px rgba(0,0,0,.2);font-size:13px;pointer-events:none;z-index:10}
body.kg-index{padding:0 16px 24px}
.kg-index header{margin:0 -16px 10px}
.kg-index section{margin:10px 0 18px}
.kg-index h2{font-size:16px;margin:6px 0;border-bottom:1px solid #ddd}
.kg-index ul{columns:3 22em;padding-left:1.3em;margin:4px 0}
.kg-index li{break-inside:avoid;margin:2px 0}
.kg-index li small,.kg-index .meta{color:#666}
.kg-index li.hide,.kg-index section.hide{display:none}
.kg-source .meta{color:#555;margin-top:2px}
.src{flex:1;overflow:auto;font-size:15px;line-height:1.6;padding:6px 0}
.src .l{padding:0 10px 0 5.4em;text-indent:-5.4em;white-space:pre-wrap;word-break:break-all;min-height:1.6em;
 content-visibility:auto;contain-intrinsic-size:auto 1.6em}
.src .n{display:inline-block;width:4.2em;margin-right:1.2em;text-indent:0;text-align:right;color:#999;
 text-decoration:none;user-select:none;font-size:12.5px}
.src .l:target,.src .l.hl{background:#fff3b0}
.src mark{background:#ffb703;color:#000;border-radius:2px;padding:1px 0}
#kg-outline{width:300px}
#kg-outline:empty{display:none}
#kg-outline h2{font-size:14px}
#kg-outline .ln{color:#888;font-size:12px;text-decoration:none}
"""

SOURCE_JS = r"""
(function () {
  "use strict";
  // #L6905 · #L40-L43 (lines) · #L455.3-L457.12 (characters: line.column, end exclusive)
  var FRAG = /^#L(\d+)(?:\.(\d+))?(?:-L(\d+)(?:\.(\d+))?)?$/;
  function clear() {
    Array.prototype.forEach.call(document.querySelectorAll(".l.hl"), function (l) { l.classList.remove("hl"); });
    Array.prototype.forEach.call(document.querySelectorAll(".t[data-text]"), function (t) {
      t.textContent = t.getAttribute("data-text");
      t.removeAttribute("data-text");
    });
  }
  function mark(line, from, to) {
    var t = line.querySelector(".t");
    var chars = Array.from(t.textContent);  // columns count characters, not UTF-16 units
    from = Math.min(from, chars.length);
    to = Math.min(to === null ? chars.length : to, chars.length);
    if (to <= from) return;
    t.setAttribute("data-text", t.textContent);
    t.textContent = "";
    t.appendChild(document.createTextNode(chars.slice(0, from).join("")));
    var m = document.createElement("mark");
    m.textContent = chars.slice(from, to).join("");
    t.appendChild(m);
    t.appendChild(document.createTextNode(chars.slice(to).join("")));
  }
  function apply() {
    clear();
    var m = FRAG.exec(location.hash);
    if (!m) return;
    var a = +m[1], b = m[3] ? +m[3] : a;
    var chars = m[2] !== undefined;
    for (var n = a; n <= b; n++) {
      var line = document.getElementById("L" + n);
      if (!line) continue;
      line.classList.add("hl");
      if (chars) mark(line, n === a ? +m[2] : 0, n === b ? (m[4] !== undefined ? +m[4] : null) : null);
    }
    var first = document.getElementById("L" + a);
    if (first) first.scrollIntoView({block: "center"});
    window.kgHighlight = Array.prototype.map.call(document.querySelectorAll("mark"), function (x) {
      return x.textContent;
    }).join("");
  }
  window.addEventListener("hashchange", apply);
  apply();
  window.kgReady = true;
  window.kgDrawnMs = performance.now();  // when the text is shown and the span marked
})();
"""

INDEX_JS = r"""
(function () {
  "use strict";
  var box = document.getElementById("kg-filter");
  function norm(s) { return String(s).normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }
  function filter() {
    var q = norm(box.value);
    Array.prototype.forEach.call(document.querySelectorAll("section[data-group]"), function (sec) {
      var shown = 0;
      Array.prototype.forEach.call(sec.querySelectorAll("li"), function (li) {
        var ok = !q || norm(li.getAttribute("data-names")).indexOf(q) >= 0;
        li.classList.toggle("hide", !ok);
        shown += ok;
      });
      sec.classList.toggle("hide", !shown);
      sec.querySelector(".shown").textContent = q ? shown + " / " : "";
    });
  }
  box.addEventListener("input", filter);
  filter();
  window.kgIndexReady = true;
})();
"""


@functools.cache
def vis_js() -> str:
    """vis-network as shipped inside pyvis (newest bundled version)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"),
                        key=lambda p: [int(x) for x in p.parent.name[4:].split(".")])
    if not candidates:
        raise KGError(f"vis-network.min.js not found under {lib}; reinstall pyvis")
    return candidates[-1].read_text(encoding="utf-8")


def write_assets(out: Path) -> list[Path]:
    files = {VIS_JS: vis_js(), "kg.css": CSS, "kg-graph.js": GRAPH_JS, "kg-source.js": SOURCE_JS,
             "kg-index.js": INDEX_JS}
    paths = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
