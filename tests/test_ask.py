"""kg ask: question forms → named queries, entity linking in questions, answers with evidence.

Most tests ask the graph of the bundled gazette (built once per session by conftest.py);
the linking tests also run on tests/fixtures/mini.ttl, where 市发改委 is no alias.
"""
import json
from pathlib import Path

import pytest

from kg.ask import QUESTIONS, Asker, EntityIndex, UnsupportedQuestion, ask, supported_forms
from kg.cli import main
from kg.errors import QueryError
from kg.query import load_graph

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
SAMR_LEADS = {"形成鼓励创新创造的政策导向", "提高企业知识产权创造能力", "提升企业知识产权管理效应",
              "健全知识产权金融服务体系", "加强知识产权文化建设"}


@pytest.fixture(scope="module")
def asker(gazette_graph_path):
    return Asker(load_graph(gazette_graph_path, engine="oxigraph"))


@pytest.fixture(scope="module")
def mini_asker():
    return Asker(load_graph(MINI))


# twenty ways to ask which measures 市市场监管局 leads
LEAD_PHRASINGS = [
    "市市场监管局牵头哪些项目？",
    "市市场监管局牵头什么任务？",
    "市市场监管局负责哪些工作？",
    "市市场监管局主导哪些措施",
    "市市场监管局牵头的项目有哪些？",
    "市市场监管局牵头了哪些工作？",
    "请问市市场监管局牵头哪些任务？",
    "哪些项目由市市场监管局牵头？",
    "哪些措施是由市市场监管局负责的？",
    "由市市场监管局牵头的工作有哪些？",
    "市市场监管局牵头什么？",
    "市市场监管局负责的任务有什么",
    "市市场监管局 牵头 哪些 项目",
    "市市场监管局都牵头哪些工作？",
    "市市场监管局主抓哪些事项？",
    "晋城市市场监督管理局牵头哪些项目？",
    "Which measures does 市市场监管局 lead?",
    "which tasks is 市市场监管局 responsible for?",
    "What does 市市场监管局 lead?",
    "List the measures led by 市市场监管局",
]


def test_ask_twenty_phrasings_are_tested():
    assert len(LEAD_PHRASINGS) == 20 == len(set(LEAD_PHRASINGS))


@pytest.mark.parametrize("question", LEAD_PHRASINGS)
def test_ask_lead_phrasings_find_the_measures_samr_leads(asker, question):
    ans = asker.ask(question)
    assert ans.query == "measures_led_by"
    assert ans.target.label == "市市场监管局"
    assert SAMR_LEADS <= set(ans.result.column("title"))


def test_ask_lead_answer_gives_document_line_and_basis(asker):
    ans = asker.ask("市市场监管局牵头哪些项目？")
    rows = {r["title"]: r for r in ans.result.to_dicts()}
    row = rows["加强知识产权文化建设"]
    assert row["documentNumber"] == "晋市政发〔2022〕32号"
    assert row["leadBasis"] == "explicit"
    assert row["startLine"] == 7629  # the heading line of （十九）in the gazette
    text = ans.text()
    assert "加强知识产权文化建设" in text and "晋市政发〔2022〕32号" in text and "7629" in text
    assert "explicit = the clause marks the unit with 牵头" in text
    assert "first-listed = no unit marked 牵头" in text  # 市市场监管局 also leads some lists by position


@pytest.mark.parametrize("short,full", [("市发改委", "市发展改革委"), ("市监局", "市市场监管局"),
                                        ("市场监管局", "市市场监管局")])
def test_ask_abbreviation_gives_same_answer_as_full_name(asker, short, full):
    a = asker.ask(f"{short}牵头哪些项目？")
    b = asker.ask(f"{full}牵头哪些项目？")
    assert a.result.rows == b.result.rows and a.result.rows


@pytest.mark.parametrize("question,title", [
    ("市市場監管局牽頭哪些項目？", "提高企业知识产权创造能力"),  # Traditional characters
    ("Which measures does 市市場監管局 lead?", "提高企业知识产权创造能力"),
])
def test_ask_traditional_questions_are_understood(mini_asker, question, title):
    ans = mini_asker.ask(question)
    assert ans.target.label == "市市场监管局" and title in ans.result.column("title")


def test_ask_simplified_questions_are_not_converted():
    from kg.ask import _simplified

    assert _simplified("高平乾通园区运营有限公司建设哪些项目？") == "高平乾通园区运营有限公司建设哪些项目？"


def test_ask_fgw_abbreviation_on_a_graph_without_that_alias(mini_asker):
    ans = mini_asker.ask("市发改委牵头哪些项目？")
    assert ans.target.label == "市发展改革委" and ans.target.how in ("abbreviation", "linker")
    assert ans.result.column("title") == ["完善创新平台体系"]
    assert "市发改委 → 市发展改革委" in ans.text()


@pytest.mark.parametrize("question,suggestion", [
    ("市市场监管理局牵头哪些项目？", "市市场监管局"),
    ("发改委牵头哪些项目？", "晋城市发展和改革委员会"),  # ambiguous: 国家 / 市 — ask back
])
def test_ask_near_miss_says_did_you_mean(asker, question, suggestion):
    with pytest.raises(QueryError, match="did you mean") as err:
        asker.ask(question)
    assert suggestion in str(err.value)


@pytest.mark.parametrize("question", ["今天天气怎么样？", "tell me a joke", "市市场监管局"])
def test_ask_unanswerable_lists_supported_forms(asker, question):
    with pytest.raises(UnsupportedQuestion) as err:
        asker.ask(question)
    msg = str(err.value)
    assert "市市场监管局牵头哪些项目" in msg and "measures_led_by" in msg and "located_in" in msg


# every other question form, on the gazette: (question, query, column, expected value)
FORMS = [
    ("市科技局参与哪些工作？", "measures_of_unit", "title", "推动社区基础服务设施达标"),
    ("哪些部门负责加强知识产权文化建设？", "units_of_measure", "unitLabel", "市市场监管局"),
    ("加强知识产权文化建设由哪些部门负责？", "units_of_measure", "unitLabel", "市市场监管局"),
    ("who is responsible for 加强知识产权文化建设?", "units_of_measure", "unitLabel", "市市场监管局"),
    ("市卫健委和哪些部门共同负责？", "partners_of_unit", "partner", "市民政局"),
    ("中北大学与哪些机构合作？", "cooperates_with", "partner", "太原理工大学"),
    ("兰花科创公司建设哪些项目？", "projects_of_enterprise", "project", "兰花科创公司气化升级改造项目"),
    ("哪些项目依托晋能控股集团？", "relies_on", "label", "煤矿智能化技术创新研发中心"),
    ("阳城县有哪些项目？", "located_in", "label", "阳城台头化工园区"),
    ("what is located in 阳城?", "located_in", "label", "阳城台头化工园区"),
    ("哪些文件引用了《健康中国2030规划纲要》？", "documents_citing", "documentNumber", "晋市政发〔2022〕31号"),
    ("晋市政发〔2022〕32号有哪些措施？", "measures_in_document", "title", "加强知识产权文化建设"),
    ("晋城市人民政府发布了哪些文件？", "documents_issued_by", "documentNumber", "晋市政发〔2022〕27号"),
    ("中北大学在哪里被提到？", "mentions_of", "quote", "中北大学"),
    ("where is 中北大学 mentioned?", "mentions_of", "documentNumber", "晋市政发〔2022〕27号"),
    ("哪些部门最忙？", "busiest_departments", "department", "晋城市人民政府"),
]


def test_ask_every_question_row_is_exercised():
    assert {f[1] for f in FORMS} | {"measures_led_by"} == {row[0] for row in QUESTIONS}


@pytest.mark.parametrize("question,query,column,value", FORMS)
def test_ask_question_forms_reach_their_query(asker, question, query, column, value):
    ans = asker.ask(question)
    assert ans.query == query
    assert value in ans.result.column(column)


@pytest.mark.parametrize("question,query", [
    ("泽州县有哪些项目？", "located_in"),  # a county: where things are
    ("市科技局有哪些任务？", "measures_of_unit"),  # a department: what it is responsible for
])
def test_ask_entity_type_picks_the_reading(asker, question, query):
    assert asker.ask(question).query == query


def test_ask_examples_in_the_table_are_answerable(asker):
    for row in QUESTIONS:
        assert asker.ask(row[4]).query == row[0], row[4]


def test_ask_index_resolves_labels_aliases_and_city_prefix(mini_asker):
    idx = mini_asker.entities
    assert idx.resolve("泫氏集团").label == "山西泫氏实业集团有限公司"
    assert idx.resolve("晋城市市场监督管理局").how == "alias"
    assert idx.resolve("晋城市发展改革委").label == "市发展改革委"
    assert idx.resolve("泽州", types=("County",)).label == "泽州县"
    assert idx.resolve("市局") is None  # too short to be anyone's abbreviation


def test_ask_abbreviation_refuses_ties():
    idx = EntityIndex([("a", "Department", "市科学技术局", True), ("b", "Department", "市科学和技术局", True),
                       ("c", "Department", "市财政局", True)])
    assert idx.resolve("市科局") is None  # 市科学技术局 or 市科学和技术局?
    assert idx.resolve("市财局").label == "市财政局"
    assert set(idx.suggest("市科局", n=2)) == {"市科学技术局", "市科学和技术局"}


def test_ask_function_and_cli(gazette_graph_path, capsys):
    ans = ask(load_graph(gazette_graph_path), "市发改委牵头哪些项目？")
    assert ans.target.label == "晋城市发展和改革委员会"
    code = main(["ask", "市市场监管局牵头哪些项目？", "--graph", str(gazette_graph_path), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0
    rows = json.loads(captured.out)
    assert "query: measures_led_by unit=市市场监管局" in captured.err
    assert SAMR_LEADS <= {r["title"] for r in rows}


def test_ask_cli_unanswerable_exits_nonzero_with_forms(capsys):
    code = main(["ask", "今天天气怎么样？", "--graph", str(MINI)])
    err = capsys.readouterr().err
    assert code == QueryError.exit_code and "市市场监管局牵头哪些项目" in err


def test_ask_supported_forms_lists_every_query():
    text = supported_forms()
    for row in QUESTIONS:
        assert row[0] in text
