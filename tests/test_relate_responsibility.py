"""Responsibility clauses in every government's style, on invented text (names made up for the tests)."""
import pytest
import rdflib

from kg.build import build_corpus
from kg.export import sorted_ntriples
from kg.rdf import corpus_graph, corpus_quads
from kg.relate.responsibility import parse_clause
from kg.relate.units import unit_list
from kg.vocab import KG, NIF

CLAUSES = [
    # (bracket body, units in order, leads, labelled)
    ("牵头单位：市口岸办；配合单位：市交通局、市海事处", ["市口岸办", "市交通局", "市海事处"], ["市口岸办"], True),
    ("牵头单位:市口岸办,配合单位:市交通局,各区、县级市", ["市口岸办", "市交通局", "各区、县级市"], ["市口岸办"], True),
    ("责任单位：市林业局牵头，市水务局、市气象台等部门分工负责", ["市林业局", "市水务局", "市气象台"], ["市林业局"], True),
    ("牵头单位：\n\n责任单位：市林业局、市水务局", ["市林业局", "市水务局"], [], True),
    ("责任单位：市林业局、市水务局，各镇（街道）", ["市林业局", "市水务局", "各镇（街道）"], [], True),
    ("牵头部门：县农机中心；完成时限：2025年6月", ["县农机中心"], ["县农机中心"], True),
    ("市林业局牵头", ["市林业局"], ["市林业局"], False),
    ("市林业局牵头负责", ["市林业局"], ["市林业局"], False),
    ("市林业局、市水务局、市气象台分别牵头负责", ["市林业局", "市水务局", "市气象台"],
     ["市林业局", "市水务局", "市气象台"], False),
    ("市林业局、市水务局牵头，市财政局、市审计局等按照职责分工负责",
     ["市林业局", "市水务局", "市财政局", "市审计局"], ["市林业局", "市水务局"], False),
    ("由市林业局牵头负责", ["市林业局"], ["市林业局"], False),
    ("由市林业局、市水务局牵头负责", ["市林业局", "市水务局"], ["市林业局", "市水务局"], False),
    ("市林业局牵头，市水务局等部门配合", ["市林业局", "市水务局"], ["市林业局"], False),
    ("市林业局负责", ["市林业局"], [], False),
    ("市林业局、市水务局按职责分工负责", ["市林业局", "市水务局"], [], False),
    ("市林业局牵头，有关部门按职责分工负责", ["市林业局", "有关部门"], ["市林业局"], False),
    ("各县市党委、政府负责，市林业局、市水务局等部门按职责分工负责",
     ["各县市党委、政府", "市林业局", "市水务局"], [], False),
    ("市林业局、市水务局负责。列第一位者为牵头单位，下同", ["市林业局", "市水务局"], [], False),
    ("市口岸办牵头，各港务公司负责；完成时限：2025年底前", ["市口岸办", "各港务公司"], ["市口岸办"], False),
    ("市林业局牵头，市园林中心等相关部门和单位配合", ["市林业局", "市园林中心"], ["市林业局"], False),
    ("市林业局牵头，沿海乡镇、相关镇街、省直有关部门参与", ["市林业局", "沿海乡镇", "相关镇街", "省直有关部门"],
     ["市林业局"], False),
    ("市林业局牵头，江海数据科技公司参与", ["市林业局", "江海数据科技公司"], ["市林业局"], False),
    ("市林业局、市水务局等部门协同负责,相关基层单位配合", ["市林业局", "市水务局", "相关基层单位"], [], False),
    # labels run together where lines were joined into one paragraph
    ("责任单位：市林业局配合单位：市水务局、市气象台完成时限：2024年底前", ["市林业局", "市水务局", "市气象台"], [], True),
    # a place name holding 都/从/将/向 is no prose
    ("人行丰都支行、从江县林业局、向阳区水务局负责", ["人行丰都支行", "从江县林业局", "向阳区水务局"], [], False),
    # 各 governs the generic organ words after it
    ("市林业局牵头，各街道办事处、地区办事处配合", ["市林业局", "各街道办事处、地区办事处"], ["市林业局"], False),
]

NOT_CLAUSES = [
    "RAD",
    "含县级市",
    "以下简称市林业局",
    "试行",
    "2021-2025年",
    "各级政府负责同志要亲自抓",  # a sentence that merely ends in 负责 with no unit list
    "一般由企业自主负责",
    "企业负责",  # no organisation among the units
    "周二",
]


@pytest.mark.parametrize("body,units,leads,labelled", CLAUSES)
def test_responsibility_parses_clause_forms(body, units, leads, labelled):
    assert parse_clause(body) == (units, leads, labelled)


@pytest.mark.parametrize("body", NOT_CLAUSES)
def test_responsibility_rejects_other_brackets(body):
    assert parse_clause(body) is None


@pytest.mark.parametrize("items,units", [
    (["市林业局", "市水务局等部门"], ["市林业局", "市水务局"]),
    (["市林业局等有关部门"], ["市林业局"]),
    (["各区", "县级市"], ["各区、县级市"]),
    (["由市林业局", "市林业局"], ["市林业局"]),
    (["市林业局", "要加强领导的"], None),
])
def test_responsibility_unit_lists(items, units):
    assert unit_list(items) == units


# ---------------------------------------------------------------- whole documents

ONE_LINE = (
    "某某市推进数字乡村建设工作方案为加快数字乡村建设，制定本方案。一、主要任务(一)完善基础设施"
    "1.推进光纤网络覆盖。实现行政村光纤通达。(市通信管理办牵头，市工信局、市财政局等部门按职责分工负责)"
    "2.建设数字平台。整合涉农数据资源。(市农业农村局、市大数据中心按职责分工负责)"
    "(二)发展数字产业。培育电商主体，发展直播带货。(市商务局负责。列第一位者为牵头单位，下同)"
    "(三)提升治理水平。推进网格化管理。(市委政法委、市民政局负责)"
    "二、保障措施1.加强组织领导。(由市委网信办、市农业农村局牵头负责)"
    "2.强化资金保障。(市财政局牵头，有关部门按职责分工负责)"
    "3.强化督查考核。(各区县党委、政府负责，市督查室等部门按职责分工负责)"
    "4.抓好宣传引导。营造良好氛围。(市委宣传部牵头负责)11。这不是第十一项。\n"
)

TABLE = """附件
重点任务分工表
序号
重点任务
具体措施
牵头单位
配合单位
完成时限
1
提升产业能级
培育龙头企业
市经信局
市财政局、市商务局
2025年
2
建设创新平台
市科技局
/
持续推进
3
优化营商环境
深化审批改革
市行政审批局
市司法局、各区县政府等
2024年底
"""

LABELS = """某某区产业发展实施意见
一、重点工作
（一）推进园区建设。加快标准厂房建设。（牵头单位：区发改局；配合单位：区财政局、区资规分局）
（二）优化公共服务。完善社区服务网点。（牵头单位：区民政局，配合单位：区卫健局，各街道、镇）
（三）强化要素保障。落实用地指标。
责任单位：区资规分局、区住建局 配合单位：区财政局 完成时限：2024年12月
（四）加强宣传。开展专题宣传。（牵头单位：

责任单位：区委宣传部、区融媒体中心）
二、职责分工
（一）区工信局：负责统筹推进全区工业发展，制定年度计划。
（二）区商务局：负责招商引资工作。
三、组织实施
（一）建立会商制度。建立联席会议制度，区发改局为牵头单位，区财政局、区统计局为成员单位。
（二）落实专项资金。专项资金由区财政局牵头，会同区审计局组织实施。
（三）开展评估。评估工作由区发改局牵头，在区政府统一领导下，统筹推进园区评估和各项配套政策的修订完善工作。
"""

SUBSIDY = """某某县促进工业经济高质量发展若干政策
一、支持企业技术改造
对年度设备投资500万元以上的技术改造项目，按设备投资额的10%给予补助，最高不超过200万元。
二、支持企业上市
对在境内主板上市的企业，分阶段给予最高500万元奖励（不含已享受市级奖励部分）。
三、附则
本政策由县经信局负责解释，自发布之日起施行。
"""


def _written(entity, quote):
    """The entity as the clause writes it: the longest of its label and aliases found in the quote."""
    names = [n for n in entity.aliases | {entity.label} if n in quote]
    return max(names, key=len) if names else entity.label


def _measures(tmp_path, name, text, encoding="utf-8", newline="\n"):
    """The corpus of one invented file, and its measures as (title, section, units, leads, basis),
    units named as the clause writes them (whatever full name the linker gives the entity)."""
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    corpus = build_corpus([path])
    e = corpus.entities

    def names(keys, m):
        return [_written(e[k], m.clause.quote) for k in keys]

    return corpus, [(m.title, m.section, names(m.units, m), names(m.leads, m), m.lead_basis) for m in corpus.measures]


def test_responsibility_one_line_document(tmp_path):
    """A whole document on one line: the outline is found and each clause governs the item it closes."""
    _, got = _measures(tmp_path, "oneline.txt", ONE_LINE)
    assert got == [
        ("推进光纤网络覆盖", ("一", "（一）", "1."), ["市通信管理办", "市工信局", "市财政局"], ["市通信管理办"], "explicit"),
        ("建设数字平台", ("一", "（一）", "2."), ["市农业农村局", "市大数据中心"], ["市农业农村局"], "first-listed"),
        ("发展数字产业", ("一", "（二）"), ["市商务局"], ["市商务局"], "stated-convention"),
        ("提升治理水平", ("一", "（三）"), ["市委政法委", "市民政局"], ["市委政法委"], "stated-convention"),
        ("加强组织领导", ("二", "1."), ["市委网信办", "市农业农村局"], ["市委网信办", "市农业农村局"], "explicit"),
        ("强化资金保障", ("二", "2."), ["市财政局", "有关部门"], ["市财政局"], "explicit"),
        ("强化督查考核", ("二", "3."), ["各区县党委、政府", "市督查室"], ["各区县党委、政府"], "stated-convention"),
        ("抓好宣传引导", ("二", "4."), ["市委宣传部"], ["市委宣传部"], "explicit"),
    ]


def test_responsibility_flattened_table(tmp_path):
    """One measure per row; a task cell spanning rows is taken from the row above; / is an empty cell."""
    _, got = _measures(tmp_path, "table.txt", TABLE)
    assert [(t, u, lead, b) for t, _, u, lead, b in got] == [
        ("培育龙头企业", ["市经信局", "市财政局", "市商务局"], ["市经信局"], "table-column"),
        ("建设创新平台", ["市科技局"], ["市科技局"], "table-column"),
        ("深化审批改革", ["市行政审批局", "市司法局", "各区县政府"], ["市行政审批局"], "table-column"),
    ]


def test_responsibility_labels_duties_and_prose(tmp_path):
    _, got = _measures(tmp_path, "labels.txt", LABELS)
    assert [(t, u, lead, b) for t, _, u, lead, b in got] == [
        ("推进园区建设", ["区发改局", "区财政局", "区资规分局"], ["区发改局"], "explicit"),
        ("优化公共服务", ["区民政局", "区卫健局", "各街道、镇"], ["区民政局"], "explicit"),
        ("强化要素保障", ["区资规分局", "区住建局", "区财政局"], ["区资规分局"], "first-listed"),
        ("加强宣传", ["区委宣传部", "区融媒体中心"], ["区委宣传部"], "first-listed"),
        ("区工信局：负责统筹推进全区工业发展，制定年度计划", ["区工信局"], ["区工信局"], "prose"),
        ("区商务局：负责招商引资工作", ["区商务局"], ["区商务局"], "prose"),
        ("建立会商制度", ["区发改局", "区财政局", "区统计局"], ["区发改局"], "prose"),
        ("落实专项资金", ["区财政局", "区审计局"], ["区财政局"], "prose"),
        # （三）: 由…牵头 opens a sentence that goes on about other things: a mention, no measure
    ]


def test_responsibility_document_without_clauses_has_no_measures(tmp_path):
    corpus, got = _measures(tmp_path, "subsidy.txt", SUBSIDY)
    assert corpus.documents and got == []


def test_responsibility_convention_applies_only_after_it_is_stated(tmp_path):
    text = ("一、任务\n（一）甲项工作。推进甲。（市林业局、市水务局负责）\n"
            "（二）乙项工作。推进乙。（市财政局、市审计局负责。排在第一位的为牵头单位）\n"
            "（三）丙项工作。推进丙。（市商务局、市税务局负责）\n")
    _, got = _measures(tmp_path, "conv.txt", text)
    assert [b for *_, b in got] == ["first-listed", "stated-convention", "stated-convention"]


@pytest.mark.parametrize("encoding,newline,bom", [
    ("utf-8", "\n", False),
    ("utf-8", "\r\n", False),
    ("utf-8-sig", "\r\n", True),
    ("gb18030", "\n", False),
])
def test_responsibility_clause_offsets_index_the_file_as_decoded(tmp_path, encoding, newline, bom):
    """nif:beginIndex/endIndex of each clause: offsets into open(path, encoding=…).read(), BOM included."""
    corpus, _ = _measures(tmp_path, "labels.txt", LABELS, encoding, newline)
    read_as = "utf-8" if encoding.startswith("utf-8") else encoding
    with open(tmp_path / "labels.txt", encoding=read_as) as f:
        decoded = f.read()
    assert decoded.startswith("\ufeff") == bom
    g = corpus_graph(corpus)
    clauses = list(g.subject_objects(rdflib.URIRef(str(KG.clause))))
    assert len(clauses) == len(corpus.measures) == 8
    for m, c in clauses:
        b = int(g.value(c, NIF.beginIndex))
        e = int(g.value(c, NIF.endIndex))
        assert decoded[b:e] == str(g.value(c, NIF.anchorOf))
        assert "".join(decoded[b:e].split()) == "".join(str(g.value(m, KG.clauseText)).split())


def test_responsibility_joint_leads_and_collectives_in_the_graph(tmp_path):
    corpus, _ = _measures(tmp_path, "oneline.txt", ONE_LINE)
    g = corpus_graph(corpus)
    led = {str(o) for m in corpus.measures if m.title == "加强组织领导"
           for o in g.objects(rdflib.URIRef(f"https://w3id.org/cn-policy-kg/id/{m.key}"), rdflib.URIRef(str(KG.ledBy)))}
    assert len(led) == 2
    types = {corpus.entities[k].label: corpus.entities[k].type for m in corpus.measures for k in m.units}
    assert types["有关部门"] == types["各区县党委、政府"] == "Collective"
    assert types["市督查室"] == "Department"


def test_responsibility_graph_conforms_to_shapes(tmp_path):
    """Joint leads, every lead basis and the clause node satisfy ontology/shapes.ttl."""
    from pathlib import Path

    from pyshacl import validate

    root = Path(__file__).resolve().parent.parent
    paths = []
    for name, text in (("oneline.txt", ONE_LINE), ("table.txt", TABLE), ("labels.txt", LABELS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    corpus = build_corpus(paths)
    assert {m.lead_basis for m in corpus.measures} == {"explicit", "stated-convention", "table-column", "prose",
                                                       "first-listed"}
    g = rdflib.Graph().parse(data=sorted_ntriples(corpus_quads(corpus)).decode("utf-8"), format="nt")
    conforms, _, text = validate(g, shacl_graph=rdflib.Graph().parse(root / "ontology" / "shapes.ttl"),
                                 ont_graph=rdflib.Graph().parse(root / "ontology" / "kg.ttl"), inference="none",
                                 advanced=True)
    assert conforms, text[:2000]


def test_responsibility_bare_list_closing_a_paragraph(tmp_path):
    """…。（A、B） at the end of an item names its units; names in brackets inside a sentence do not."""
    text = ("一、扶持政策\n（一）支持技术改造。对技改项目给予补助。（经信局、财政局）\n"
            "（二）支持品牌建设。由区市场监管局（区知识产权局）组织申报，给予奖励。\n"
            "（三）支持人才引进。给予安家补贴。（征求意见稿）\n")
    _, got = _measures(tmp_path, "bare.txt", text)
    assert [(t, u, b) for t, _, u, _, b in got] == [("支持技术改造", ["经信局", "财政局"], "first-listed")]


def test_responsibility_clauses_closing_sentences_of_one_item(tmp_path):
    """Two clauses in one item: the first closes the item's opening, the second the sentences since the first."""
    text = ("一、重点任务(一)完善农村路网。推进通村公路提档升级。(市交通局负责)加快建设乡村物流站点，"
            "打通末端配送。(市邮政管理局、市商务局按职责分工负责)(二)改善人居环境。整治村容村貌。(市住建局负责)")
    _, got = _measures(tmp_path, "sentences.txt", text * 2 + "\n")
    assert [(t, s) for t, s, *_ in got[:3]] == [("完善农村路网", ("一", "（一）")), ("加快建设乡村物流站点，打通末端配送", ("一", "（一）")),
                                                ("改善人居环境", ("一", "（二）"))]


SHARED_LEAD = """二、任务分工
序号
工作任务
牵头部门
配合部门
1
建立企业服务专员制度
区发改局
区工信局、区商务局
2
开展政策直达行动
区财政局、区税务局
3
组建人才服务联盟
区人社局
/
"""


def test_responsibility_table_cell_spanning_rows(tmp_path):
    """Row 2 shares row 1's lead (a merged cell printed once): its cells are placed so that units stay
    under the unit columns, and its clause covers only its own cells."""
    corpus, got = _measures(tmp_path, "shared.txt", SHARED_LEAD)
    assert [(t, u, lead) for t, _, u, lead, _ in got] == [
        ("建立企业服务专员制度", ["区发改局", "区工信局", "区商务局"], ["区发改局"]),
        ("开展政策直达行动", ["区发改局", "区财政局", "区税务局"], ["区发改局"]),
        ("组建人才服务联盟", ["区人社局"], ["区人社局"]),
    ]
    assert [m.clause.quote for m in corpus.measures][1] == "区财政局、区税务局"


LABEL_LINES = """某某市优化营商环境工作要点
一、提升服务效能
1.推行免证办理。依托电子证照库减少材料。
责任单位：市数据局
配合单位：市公安局、市市场监管局
完成时限：2024年9月底前
2.压缩审批时限。推行并联审批。
责任单位：市审批局 完成时限：2024年底前
3.强化督查落实。定期通报工作进展。
责任单位：市督查室牵头，各区政府负责
"""


def test_responsibility_label_lines_without_brackets_end_their_item(tmp_path):
    """责任单位：/配合单位：/完成时限： on lines of their own, with no final punctuation: they close
    their item (the next numbered line starts a new one) and are read as one clause."""
    _, got = _measures(tmp_path, "labels.txt", LABEL_LINES)
    assert [(t, s, u, lead) for t, s, u, lead, _ in got] == [
        ("推行免证办理", ("一", "1."), ["市数据局", "市公安局", "市市场监管局"], ["市数据局"]),
        ("压缩审批时限", ("一", "2."), ["市审批局"], ["市审批局"]),
        ("强化督查落实", ("一", "3."), ["市督查室", "各区政府"], ["市督查室"]),
    ]


DUTIES = """某某市河湖管理部门职责分工
（一）市水务局：负责河湖管理日常工作。
（二）市湖区治理中心：负责湖区治理项目的协调调度。
（三）各县（市）区人民政府：负责本辖区河湖管理工作的组织实施。
（四）其他部门：做好职责范围内的相关工作。
"""


def test_responsibility_duty_paragraph_of_a_collective(tmp_path):
    """A duty paragraph for every county (各县（市）区人民政府：负责…) assigns its item to the collective
    (led by it only as the first listed); 其他部门：… names no one."""
    _, got = _measures(tmp_path, "duties.txt", DUTIES)
    assert [(u, lead) for _, _, u, lead, _ in got] == [
        (["市水务局"], ["市水务局"]),
        (["市湖区治理中心"], ["市湖区治理中心"]),
        (["各县（市）区人民政府"], ["各县（市）区人民政府"]),
    ]



def test_responsibility_unknown_unit_type_assumed_and_reported(tmp_path, capsys):
    """A clause unit nothing types (an unknown 中心) is kept as a department, flagged kg:typeBasis
    "assumed" in the graph and reported by kg build; a known head noun (局) is not flagged."""
    from kg.cli import main

    path = tmp_path / "unknown.txt"
    path.write_text("重点任务分工表\n序号\n重点任务\n牵头单位\n配合单位\n完成时限\n1\n建设数治平台\n市湖区数治中心\n"
                    "市林业局\n2025年\n", encoding="utf-8")
    corpus = build_corpus([path])
    flagged = {e.label: e.basis for e in corpus.entities.values() if e.type == "Department"}
    assert flagged.get("市湖区数治中心") == "assumed" and not any(
        basis for label, basis in flagged.items() if label.endswith("林业局"))
    g = rdflib.Graph().parse(data=sorted_ntriples(corpus_quads(corpus)), format="nt")
    assert [str(o) for o in g.objects(None, KG.typeBasis)] == ["assumed"]
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "clause unit 市湖区数治中心 is unknown" in capsys.readouterr().err
