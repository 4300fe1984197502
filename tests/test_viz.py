"""Interactive pages: graph → networkx, finding entities by alias, self-contained HTML, and the
pages themselves in headless Chromium (offline, no console errors, names shown as text)."""
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest

from kg import viz

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "viz_mini.ttl"
ARTIFACTS = Path(__file__).parent / "artifacts"
ID = "https://w3id.org/cn-policy-kg/id/"
MARKET = ID + "department/晋城市市场监督管理局"
NDRC = ID + "department/晋城市发展和改革委员会"
SCIENCE = ID + "department/晋城市科学技术局"
EVIL = [ID + "enterprise/evil1", ID + "institution/evil2"]

# rdflib's own Dataset.triples (over the Oxigraph store) calls its deprecated default_context
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning")


@pytest.fixture(scope="module")
def mini():
    return viz.load_graph(FIXTURE)


@pytest.fixture(scope="module")
def G(mini):
    return viz.graph_to_networkx(mini)


@pytest.fixture(scope="module")
def mini_pages(mini, tmp_path_factory):
    out = tmp_path_factory.mktemp("viz")
    return viz.write_pages(mini, out, focus=["市市场监管局", "script>研究院"], depth=2, top=3)


# --- graph → networkx ----------------------------------------------------------------------------

@pytest.mark.parametrize("node, kind, label, aliases", [
    (MARKET, "Department", "晋城市市场监督管理局", ["市场监管局", "市市场监管局"]),
    (ID + "county/泽州县", "County", "泽州县", ["泽州"]),
    (ID + "enterprise/山西泫氏实业集团有限公司", "Enterprise", "山西泫氏实业集团有限公司", ["泫氏集团"]),
    (ID + "collective/各县（市、区）人民政府", "Collective", "各县（市、区）人民政府", []),
    (ID + "citeddocument/x", "CitedDocument", "《山西省优化营商环境条例》", []),
    (ID + "measure/d1/1", "Measure", "压缩企业开办时间", []),
])
def test_viz_nodes_carry_type_label_aliases(G, node, kind, label, aliases):
    data = G.nodes[node]
    assert (data["type"], data["label"], data["aliases"]) == (kind, label, aliases)


def test_viz_graph_leaves_out_documents_mentions_and_statements(G):
    assert G.number_of_nodes() == 19
    assert not [n for n in G if "/mention/" in n or "/doc/" in n]


@pytest.mark.parametrize("node, quote, lines", [
    # a relation's rdf:Statement is the best evidence
    (ID + "institution/中北大学", "泫氏集团与中北大学共建铸铁排水管工程技术研究中心", (455, 455)),
    # a unit with no relation is quoted by the first clause naming it, with the measure's lines
    (MARKET, "〔责任单位：市市场监管局牵头，市发展改革委、各县（市、区）人民政府〕", (40, 43)),
    (ID + "measure/d2/1", "（市科技局牵头，市发展改革委配合）", (450, 456)),
    # only a mention: its surface form and line
    (ID + "institution/晋城市人民医院", "市人民医院", (700, 700)),
    (ID + "county/高平市", None, (None, None)),
])
def test_viz_nodes_carry_one_evidence_quote_with_its_line(G, node, quote, lines):
    assert (G.nodes[node]["quote"], (G.nodes[node]["line"], G.nodes[node]["line_end"])) == (quote, lines)


def test_viz_documents_come_from_mentions_measures_and_evidence(G):
    assert G.nodes[MARKET]["documents"] == ["晋市政办〔2022〕10号 关于印发晋城市优化营商环境实施方案的通知",
                                            "晋城市科技创新工作要点"]


@pytest.mark.parametrize("u, v, names", [
    (MARKET, ID + "measure/d1/1", ["ledBy", "responsibleUnit"]),
    (ID + "project/晋钢智造科技产业园", ID + "county/泽州县", ["locatedIn"]),
    (ID + "department/泽州县人民政府", ID + "department/晋城市人民政府", ["subOrganizationOf"]),
])
def test_viz_edges_keep_every_relation_between_two_nodes(G, u, v, names):
    assert [r["name"] for r in G[u][v]["relations"]] == names


# --- finding nodes, neighbourhoods, derived networks ---------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("市市场监管局", MARKET),  # alias
    ("晋城市市场监督管理局", MARKET),  # canonical name
    (" 泫氏集团 ", ID + "enterprise/山西泫氏实业集团有限公司"),  # spaces around
    ("各县(市、区)人民政府", ID + "collective/各县（市、区）人民政府"),  # half-width brackets
    ("中北", ID + "institution/中北大学"),  # part of a name when nothing matches whole
    (MARKET, MARKET),  # IRI
])
def test_viz_find_nodes_by_any_alias(G, name, expected):
    assert viz.find_nodes(G, name)[0] == expected


@pytest.mark.parametrize("name", ["国家航天局", "", "   "])
def test_viz_find_nodes_unknown_name_raises(G, name):
    with pytest.raises(viz.EntityNotFoundError, match="no entity named|empty focus"):
        viz.find_nodes(G, name)


@pytest.mark.parametrize("depth, size", [(0, 1), (1, 3), (2, 6)])
def test_viz_neighbourhood_grows_with_depth(G, depth, size):
    assert len(viz.neighbourhood(G, MARKET, depth)) == size


@pytest.mark.parametrize("source", ["networkx", "kg.stats"])
@pytest.mark.parametrize("u, v, weight", [(MARKET, NDRC, 2), (NDRC, SCIENCE, 2), (MARKET, SCIENCE, 1)])
def test_viz_co_responsibility_weight_is_shared_measures(G, mini, source, u, v, weight):
    D = viz.co_responsibility(G, mini if source == "kg.stats" else None)
    assert D[u][v]["weight"] == weight
    assert set(D) == {MARKET, NDRC, SCIENCE}  # the collective is not a department


@pytest.mark.parametrize("source", ["networkx", "kg.stats"])
def test_viz_co_responsibility_counts_measures_and_leads(G, mini, source):
    D = viz.co_responsibility(G, mini if source == "kg.stats" else None)
    assert (D.nodes[MARKET]["measures"], D.nodes[MARKET]["leads"]) == (2, 2)
    assert (D.nodes[NDRC]["measures"], D.nodes[NDRC]["leads"]) == (3, 0)
    assert D[MARKET][NDRC]["measures"] == ["压缩企业开办时间", "推进证照分离改革"]


@pytest.mark.parametrize("county, inside", [
    (ID + "county/泽州县", {ID + "county/泽州县", ID + "project/晋钢智造科技产业园", EVIL[0]}),
    (ID + "county/高平市", {ID + "county/高平市", ID + "enterprise/山西泫氏实业集团有限公司"}),
])
def test_viz_located_in_follows_the_arrow_inwards(G, county, inside):
    assert set(viz.located_in(G, county)) == inside  # not 山西省, which the county is located in


# --- layout and bulk insertion -------------------------------------------------------------------

def test_viz_layout_is_deterministic_and_separates_nodes(G):
    a, b = viz.layout(G), viz.layout(G)
    assert a == b and set(a) == set(G)
    assert len(set(a.values())) == len(G)


def test_viz_pages_are_identical_under_different_hash_seeds(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; none of it may reach a page."""
    import os
    import subprocess
    import sys

    script = ("import sys, warnings; warnings.simplefilter('ignore'); from kg import viz; "
              "viz.write_pages(viz.load_graph(sys.argv[1]), sys.argv[2], focus=['市市场监管局'], depth=2, top=5)")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(FIXTURE), str(tmp_path / seed)], check=True, env=env)
    pages = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert len(pages) > 5 and pages == sorted(p.name for p in (tmp_path / "2").iterdir())
    for name in pages:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_viz_layout_keeps_a_big_component_fast():
    big = nx.relabel_nodes(nx.barabasi_albert_graph(2000, 1, seed=3), str)
    start = time.perf_counter()
    pos = viz.layout(big)
    assert time.perf_counter() - start < 10
    xs = sorted(x for x, _ in pos.values())
    assert xs[-1] - xs[0] > 1000  # spread out, not collapsed


def test_viz_network_inserts_twenty_thousand_nodes_in_bulk():
    big = nx.Graph()
    for i in range(20000):
        big.add_node(str(i), type="Measure", label=f"措施{i}", aliases=[])
    big.add_edges_from((str(i), str(i + 1)) for i in range(0, 20000, 2))
    start = time.perf_counter()
    net = viz.to_network(big, "big", positions={n: (0.0, 0.0) for n in big})
    assert time.perf_counter() - start < 5  # pyvis's add_node loop took 15.5 s
    assert len(net.nodes) == 20000 and len(net.edges) == 10000


# --- HTML ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "</script><script>alert(1)</script>", "<!-- x", "a & b", "\u2028\u2029", '<img src=x onerror="a()">'])
def test_viz_script_json_cannot_close_the_script(value):
    text = viz.script_json({"name": value})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"name": value}


def test_viz_pages_written_for_overview_departments_counties_focus(mini_pages, G):
    names = {p.name for p in mini_pages}
    assert {"index.html", "overview.html", "departments.html", "county-140525.html", "county-140581.html",
            viz.page_name(MARKET)} <= names
    # the 3 most connected (degree 3) plus the two asked for, one named with a script tag
    assert len([n for n in names if n.startswith("focus-")]) == 5
    assert viz.page_name(EVIL[1]) in names


EXTERNAL = re.compile(r"""<(?:script|img|iframe)[^>]*\ssrc\s*=|<link\b|(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
                      r"""|url\(\s*["']?(?:https?:)?//|@import""", re.I)


def test_viz_pages_reference_nothing_outside_the_file(mini_pages):
    vis = viz._vis_js()  # inlined whole; its licence comments hold URLs that are never fetched
    for page in mini_pages:
        text = page.read_text(encoding="utf-8")
        assert (vis in text) == (page.name != "index.html"), page.name
        assert not EXTERNAL.search(text.replace(vis, "")), page.name


def test_viz_injected_names_never_appear_as_markup(mini_pages):
    for page in mini_pages:
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "kgPwned=2</script>" not in text, page.name
    focus = (mini_pages[0].parent / viz.page_name(EVIL[1])).read_text(encoding="utf-8")
    assert "<title>&lt;/script&gt;&lt;script&gt;window.kgPwned=2" in focus  # heading escaped
    index = mini_pages[0].read_text(encoding="utf-8")
    assert "焦点：&lt;/script&gt;&lt;script&gt;window.kgPwned=2&lt;/script&gt;研究院" in index


def test_viz_empty_graph_still_writes_index_overview_departments(tmp_path):
    import rdflib

    names = [p.name for p in viz.write_pages(rdflib.Graph(), tmp_path)]
    assert names == ["index.html", "overview.html", "departments.html"]


def test_viz_focus_on_unknown_name_writes_nothing(mini, tmp_path):
    with pytest.raises(viz.EntityNotFoundError):
        viz.write_pages(mini, tmp_path / "v", focus=["不存在的单位"])
    assert not (tmp_path / "v").exists()


def test_viz_command_reports_missing_graph(tmp_path):
    from kg.cli import main

    assert main(["viz", "--graph", str(tmp_path / "none.ttl"), "--out", str(tmp_path)]) == 5


def test_viz_command_writes_focus_page(tmp_path, capsys):
    from kg.cli import main

    code = main(["viz", "--graph", str(FIXTURE), "--out", str(tmp_path), "--focus", "市科技局", "--depth", "2",
                 "--top", "0"])
    assert code == 0 and (tmp_path / viz.page_name(SCIENCE)).is_file()
    assert "wrote" in capsys.readouterr().out


# --- in headless Chromium --------------------------------------------------------------------------

CHROMIUM, CHROMEDRIVER = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver")
needs_chromium = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and CHROMEDRIVER),
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,900"):
        options.add_argument(arg)
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, page: Path, shot: str | None = None) -> dict:
    """Load a page from disk, wait for its first drawing; return what the page reports."""
    driver.get_log("browser"), driver.get_log("performance")  # drop earlier pages' entries
    driver.get(page.resolve().as_uri())
    deadline = time.monotonic() + 20
    while driver.execute_script("return window.kgDrawnMs === undefined") and time.monotonic() < deadline:
        time.sleep(0.05)
    state = driver.execute_script(
        "return {drawn: window.kgDrawnMs, count: window.kgNodeCount, drawnNodes: network.body.data.nodes.length,"
        " pwned: window.kgPwned === undefined ? null : window.kgPwned,"
        " resources: performance.getEntriesByType('resource').map(function (e) { return e.name; })}")
    requests = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    state["requests"] = [m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"]
    state["console"] = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    if shot:
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / f"{shot}.png"))
    return state


NETWORK_URL = re.compile(r"(?:https?|wss?|ftp):", re.I)


def assert_offline_and_clean(state, page):
    assert state["drawn"] is not None, f"{page.name} never drew"
    assert state["console"] == [], state["console"]
    assert all(u.startswith(("file:", "data:")) for u in state["resources"]), state["resources"]
    # chrome:// requests come from the browser's own start page, not ours
    assert not [u for u in state["requests"] if NETWORK_URL.match(u)], state["requests"]
    assert state["pwned"] is None  # no injected script ran


def expected_nodes(page: Path) -> int:
    """How many nodes the page's embedded data holds (read from the file, not the browser)."""
    text = page.read_text(encoding="utf-8")
    start = text.index('id="kg-data">') + len('id="kg-data">')
    return len(json.loads(text[start: text.index("</script>", start)])["nodes"])


@pytest.mark.browser
@needs_chromium
def test_viz_browser_every_page_draws_offline_without_errors(browser, mini_pages):
    for page in mini_pages[1:]:
        shot = ("mini-focus-injected-name" if page.name == viz.page_name(EVIL[1])
                else None if page.stem.startswith("focus") else f"mini-{page.stem}")
        state = open_page(browser, page, shot=shot)
        assert_offline_and_clean(state, page)
        assert state["drawnNodes"] == state["count"] == expected_nodes(page)
        assert state["drawn"] < 3000


@pytest.mark.browser
@needs_chromium
def test_viz_browser_overview_draws_every_node(browser, mini_pages, G):
    state = open_page(browser, mini_pages[0].parent / "overview.html")
    assert state["drawnNodes"] == G.number_of_nodes()


@pytest.mark.browser
@needs_chromium
def test_viz_browser_search_box_finds_an_alias(browser, mini_pages):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(browser, mini_pages[0].parent / "overview.html")
    box = browser.find_element(By.ID, "kg-search")
    box.send_keys("市市场监管局", Keys.ENTER)
    selected = browser.execute_script(
        "return network.getSelectedNodes().map(function (id) { return network.body.data.nodes.get(id).kgName; })")
    assert selected == ["晋城市市场监督管理局"]
    assert "晋城市市场监督管理局" in browser.find_element(By.ID, "kg-panel").text


@pytest.mark.browser
@needs_chromium
def test_viz_browser_type_filter_hides_that_type(browser, mini_pages, G):
    open_page(browser, mini_pages[0].parent / "overview.html")
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, '#kg-legend input[data-type="Measure"]').click()
    hidden = browser.execute_script(
        "return network.body.data.nodes.get({filter: function (n) { return n.hidden; }}).map(function (n) { return n.kgType; })")
    assert hidden == ["Measure"] * sum(1 for _, t in G.nodes(data="type") if t == "Measure")


@pytest.mark.browser
@needs_chromium
def test_viz_browser_injected_names_show_as_text(browser, mini_pages):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    state = open_page(browser, mini_pages[0].parent / "overview.html")
    assert_offline_and_clean(state, mini_pages[0])
    found = browser.execute_script("return kgSearch('onerror').length")
    time.sleep(0.2)
    panel = browser.find_element(By.ID, "kg-panel").text
    tips = browser.execute_script(
        "return network.body.data.nodes.get().filter(function (n) { return n.kgIri.indexOf('evil') >= 0; })"
        ".map(function (n) { return n.title.textContent; })")
    assert found == 1 and '<img src=x onerror="window.kgPwned=1;alert(1)">公司' in panel
    assert any("</script><script>window.kgPwned=2</script>研究院" in t for t in tips)
    assert any("<script>window.kgPwned=3</script>" in t for t in tips)  # the quote, as text
    assert browser.execute_script("return window.kgPwned") is None
    assert browser.execute_script("return document.querySelectorAll('img, aside b, aside script').length") == 0
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text


@pytest.mark.browser
@needs_chromium
def test_viz_browser_double_click_opens_focus_page(browser, mini_pages):
    page = mini_pages[0].parent / "overview.html"
    open_page(browser, page)
    target = browser.execute_script(
        "var n = network.body.data.nodes.get().filter(function (n) { return n.kgPage; })[0];"
        "network.body.emitter.emit('doubleClick', {nodes: [n.id], edges: []}); return n.kgPage;")
    time.sleep(0.5)
    assert browser.current_url.endswith(target)


@pytest.mark.browser
@needs_chromium
def test_viz_browser_hover_shows_name_aliases_and_quote_as_text(browser, mini_pages):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    open_page(browser, mini_pages[0].parent / "overview.html")
    canvas = browser.find_element(By.CSS_SELECTOR, "#mynetwork canvas")
    for iri, expected in [(EVIL[1], ["</script><script>window.kgPwned=2</script>研究院", "<b onmouseover=alert(3)>x</b>",
                                      "第 500 行"]),
                          (MARKET, ["晋城市市场监督管理局", "别名：市场监管局、市市场监管局", "第 40–43 行"])]:
        x, y = browser.execute_script(
            "var iri = arguments[0];"
            "var n = network.body.data.nodes.get().filter(function (n) { return n.kgIri === iri; })[0];"
            "var p = network.canvasToDOM(network.getPositions([n.id])[n.id]); return [p.x, p.y];", iri)
        rect = canvas.rect
        ActionChains(browser).move_to_element_with_offset(canvas, x - rect["width"] / 2, y - rect["height"] / 2) \
            .pause(0.6).perform()
        tip = browser.find_element(By.CSS_SELECTOR, ".vis-tooltip")
        assert all(part in tip.text for part in expected), tip.text
        if iri == EVIL[1]:
            ARTIFACTS.mkdir(exist_ok=True)
            browser.save_screenshot(str(ARTIFACTS / "mini-hover-injected-name.png"))
    assert browser.execute_script("return window.kgPwned") is None


def synthetic(n: int, seed: int = 5) -> nx.Graph:
    """A graph shaped like a gazette's: measures each naming a few of n/5 departments, plus loose entities."""
    import random

    rnd = random.Random(seed)
    kinds = list(viz.NODE_STYLE)
    big = nx.Graph()
    units = [f"u{i}" for i in range(n // 5)]
    for i, u in enumerate(units):
        big.add_node(u, type="Department", label=f"晋城市第{i}局", aliases=[f"市{i}局"])
    for i in range(n - len(units)):
        kind = "Measure" if i % 2 else kinds[i % len(kinds)]
        node = f"n{i}"
        big.add_node(node, type=kind, label=f"{kind}{i}号名称较长的一个实体", aliases=[], quote="引文", line=i)
        for u in rnd.sample(units, rnd.randint(0, 3)):
            big.add_edge(node, u, relations=[{"name": "responsibleUnit", "source": node, "target": u}], weight=1)
    return big


@pytest.mark.browser
@needs_chromium
def test_viz_browser_two_thousand_nodes_draw_within_three_seconds(browser, tmp_path):
    big = synthetic(2000)
    page = viz.write_page(viz.overview_network(big), tmp_path / "big.html")
    state = open_page(browser, page, shot="synthetic-2000")
    assert_offline_and_clean(state, page)
    assert state["drawnNodes"] == 2000
    assert state["drawn"] < 3000, state["drawn"]


# --- the bundled gazette's graph (built once per session by tests/conftest.py) ---------------------

@pytest.fixture(scope="module")
def gazette_rdf(gazette_graph_path):
    return viz.load_graph(gazette_graph_path)


@pytest.fixture(scope="module")
def gazette_pages(gazette_rdf, tmp_path_factory):
    out = tmp_path_factory.mktemp("gazette-viz")
    start = time.perf_counter()
    pages = viz.write_pages(gazette_rdf, out, focus=["市市场监管局"], depth=2)
    TIMINGS["write_pages_s"] = round(time.perf_counter() - start, 2)
    return pages


TIMINGS: dict = {}

ENTITY_COUNT = """
PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
  VALUES ?class { kg:Department kg:County kg:Enterprise kg:Institution kg:Project kg:Collective kg:Place
                  kg:CitedDocument kg:Measure }
  ?e a ?class }"""


def test_viz_gazette_every_entity_and_measure_is_a_node(gazette_rdf):
    G = viz.graph_to_networkx(gazette_rdf)
    expected = int(next(iter(gazette_rdf.query(ENTITY_COUNT)))[0])
    assert G.number_of_nodes() == expected > 100
    assert sum(1 for _, t in G.nodes(data="type") if t == "Measure") > 20
    assert sum(1 for _, t in G.nodes(data="type") if t == "County") >= 3


def test_viz_gazette_market_regulator_focus_and_departments(gazette_rdf, gazette_pages):
    G = viz.graph_to_networkx(gazette_rdf)
    market = viz.find_nodes(G, "市市场监管局")[0]
    assert G.nodes[market]["type"] == "Department" and G.degree(market) > 5
    assert (gazette_pages[0].parent / viz.page_name(market)).is_file()
    D = viz.co_responsibility(G, gazette_rdf)
    assert market in D and D.number_of_edges() > 10


@pytest.mark.browser
@needs_chromium
def test_viz_browser_gazette_pages_draw_offline_within_three_seconds(browser, gazette_pages, gazette_rdf):
    G = viz.graph_to_networkx(gazette_rdf)
    folder = gazette_pages[0].parent
    market = viz.page_name(viz.find_nodes(G, "市市场监管局")[0])
    counties = sorted(p for p in gazette_pages if p.name.startswith("county-"))
    for name, shot in [("overview.html", "gazette-overview"), ("departments.html", "gazette-departments"),
                       (market, "gazette-focus-market-regulator"), (counties[0].name, None)]:
        state = open_page(browser, folder / name, shot=shot)
        assert_offline_and_clean(state, folder / name)
        assert state["drawnNodes"] == state["count"] == expected_nodes(folder / name)
        assert state["drawn"] < 3000, (name, state["drawn"])
        TIMINGS[f"{name.split('-')[0]}_draw_ms"] = round(state["drawn"])
    state = open_page(browser, folder / "overview.html")
    assert state["drawnNodes"] == G.number_of_nodes()
    hits = browser.execute_script("return kgSearch('市市场监管局').map(function (id) {"
                                  " return network.body.data.nodes.get(id).kgIri; })")
    assert hits and hits[0] == viz.find_nodes(G, "市市场监管局")[0]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "gazette-overview-search.png"))
    TIMINGS["overview_nodes"] = G.number_of_nodes()
    (ARTIFACTS / "viz-timings.json").write_text(json.dumps(TIMINGS, indent=1))


@pytest.mark.browser
@needs_chromium
def test_viz_browser_hub_labels_grow_only_when_zoomed_out(browser, mini_pages):
    open_page(browser, mini_pages[0].parent / "overview.html")
    sizes = ("var n = network.body.data.nodes.get().filter(function (n) { return n.kgHub; })[0];"
             "return [network.getScale(), n.font.size, n.id];")
    browser.execute_script("network.moveTo({scale: 0.2, animation: false});")
    time.sleep(0.2)
    scale, far, node = browser.execute_script(sizes)
    assert far == pytest.approx(viz.HUB_LABEL_PX / scale, rel=0.01)
    browser.execute_script("network.moveTo({scale: 2, animation: false});")
    time.sleep(0.2)
    _, near, _ = browser.execute_script(sizes)
    base = next(n for n in json.loads(re.search(r'id="kg-data">(.*?)</script>', (mini_pages[0].parent / "overview.html")
                                                .read_text(encoding="utf-8"), re.S).group(1))["nodes"] if n["id"] == node)
    assert near == base["font"]["size"] < far
