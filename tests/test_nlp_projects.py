"""kg.nlp.projects: project names from their shape (head noun, left boundary, evidence)."""
import time

import pytest
import spacy

from kg.nlp import projects
from kg.nlp.projects import find_projects


def names(text, known=()):
    return [f.name for f in find_projects(text, known)]


@pytest.mark.parametrize("text,expected", [
    # gazette (line 1042): a list after 重点建设, each led by its company, with a quantity
    ("链，重点建设晋城三赢精密电子有限公司年产 2亿个搭载高阶镜头相机模组制程工程项目、晋城市光机电产业研究院"
     "先进半导体激光器芯片项目、晋城鸿智纳米光机电研究院有限公司超高速机器视觉与新一代智能制造机器人项目。",
     ["晋城三赢精密电子有限公司年产 2亿个搭载高阶镜头相机模组制程工程项目",
      "晋城市光机电产业研究院先进半导体激光器芯片项目",
      "晋城鸿智纳米光机电研究院有限公司超高速机器视觉与新一代智能制造机器人项目"]),
    # gazette (line 835): parks after 依托, coordinated with 和
    ("依托晋钢智造科技产业园和晋钢机电装备产业园，做强建筑用钢", ["晋钢智造科技产业园", "晋钢机电装备产业园"]),
    # gazette (line 12557): owners coordinated before one project; a project inside a bracket
    ("晋控装备集团天源、晋丰、金象公司气化升级改造项目、华昱公司转型发展项目（包括天溪煤制油分公司迁建项目）、"
     "天泽集团气化升级改造项目等。",
     ["晋控装备集团天源、晋丰、金象公司气化升级改造项目", "华昱公司转型发展项目", "天溪煤制油分公司迁建项目",
      "天泽集团气化升级改造项目"]),
    # gazette (line 12226): capacities are heads; a short aside stays inside the name
    ("150万吨/年以上重点矿井。晋控装备集团车寨矿井150万吨/年矿井及其配套选煤厂，山西兰花科技创业股份有限公司"
     "大阳煤矿分公司下组煤水平延伸（配采）项目等。",
     ["晋控装备集团车寨矿井150万吨/年矿井及其配套选煤厂",
      "山西兰花科技创业股份有限公司大阳煤矿分公司下组煤水平延伸（配采）项目"]),
    # gazette (line 12252): numbered seams are one name
    ("，天泰岳南煤业3#、15#煤配采项目等。", ["天泰岳南煤业3#、15#煤配采项目"]),
    # gazette (专栏三): 工程 items at the start of their lines
    ("公共卫生救治网络体系重点项目\n传染病检验检测能力提升工程。市、县（市、区）疾病预防控制中心\n"
     "城乡急救体系建设工程。按照要求和标准配置", ["传染病检验检测能力提升工程", "城乡急救体系建设工程"]),
    # gazette (line 1086): quoted programme titles after 专项 / before 等主要项目
    ("依托山西省科技重大专项“煤层气低产井成因机制及增产改造关键技术”“煤矿区煤与煤层气共采理论与关键技术体系及"
     "示范工程”，以及产业化应用中“煤矿排空低浓度瓦斯收集利用”等主要项目开展技术攻关",
     ["煤层气低产井成因机制及增产改造关键技术", "煤矿区煤与煤层气共采理论与关键技术体系及示范工程",
      "煤矿排空低浓度瓦斯收集利用"]),
    # gazette (line 1106): platforms named by their place; a quoted modifier stays in the name
    ("以实验室为平台建设晋城市煤层气大数据平台，继而为山西省煤层气大数据平台奠定基础。",
     ["晋城市煤层气大数据平台", "山西省煤层气大数据平台"]),
    ("构建“非常规天然气”质量认定基础设施技术创新平台。", ["“非常规天然气”质量认定基础设施技术创新平台"]),
    # gazette (line 1157): a counted coordination expands
    ("推进沁水蜂蜜、陵川中药材、阳城蚕桑、高平生猪和泽州生猪小杂粮五个现代农业科技产业园建设，",
     ["沁水蜂蜜现代农业科技产业园", "陵川中药材现代农业科技产业园", "阳城蚕桑现代农业科技产业园",
      "高平生猪现代农业科技产业园", "泽州生猪小杂粮现代农业科技产业园"]),
    # gazette (line 1141): 工程项目 followed by more words: the 工程 is the name
    ("实施优质粮食工程项目新技术试验示范、开展农作物新品种试验示范项目。", ["优质粮食工程"]),
    # invented, same style, projects not in the gazette
    ("重点建设太原重工股份有限公司年产5000台智能掘进装备项目、忻州市光伏新材料产业研究院高效异质结电池项目。",
     ["太原重工股份有限公司年产5000台智能掘进装备项目", "忻州市光伏新材料产业研究院高效异质结电池项目"]),
    ("加快推进大同市第三人民医院迁建项目建设，", ["大同市第三人民医院迁建项目"]),
    ("专栏3 铁路专用线重点项目\n阳泉北铁路专用线，总投资 3亿元。\n寺河铁路专用线，总投资 7亿元。",
     ["阳泉北铁路专用线", "寺河铁路专用线"]),
    ("推进平遥古陶、介休绵山和灵石红崖三个文化旅游产业园建设。",
     ["平遥古陶文化旅游产业园", "介休绵山文化旅游产业园", "灵石红崖文化旅游产业园"]),
    ("依托山西省重点研发计划“高硫煤清洁利用关键技术”“矿井水资源化利用示范”，",
     ["高硫煤清洁利用关键技术", "矿井水资源化利用示范"]),
    ("县（市、区）人民政府立项建设森林防火能力提升工程，强化能力建设。", ["森林防火能力提升工程"]),
    ("依托长治高新技术产业开发区、潞城经济技术开发区，打造产业集群。", ["长治高新技术产业开发区", "潞城经济技术开发区"]),
    ("长治市城区污水处理厂提标改造项目位于主城区东部，晋城东站综合交通枢纽工程进展顺利。",
     ["长治市城区污水处理厂提标改造项目", "晋城东站综合交通枢纽工程"]),
    ("（3）投资30亿元的中船重工晋城新能源装备产业园\n", ["中船重工晋城新能源装备产业园"]),
    ("实施“三晋英才”支持计划和“千村示范、万村整治”工程。", ["“三晋英才”支持计划", "“千村示范、万村整治”工程"]),
])
def test_nlp_projects_names(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "面，打造一批智慧矿山示范项目，促进智能化技术",  # a kind of project
    "开展管道接口耐压及抗震性能试验与研究等项目研发。",  # 等项目
    "孵化项目公司、培育高新技术企业，孵化项目产值达到30亿元。",  # 项目 inside other nouns
    "建设轨道交通新型材料结构件成型工程技术研究中心",  # 工程技术研究中心 is an institution
    "建设有机旱作农业示范区。",  # a demonstration zone with no name of its own
    "以实验室为平台，",  # 为 + head is a predicate
    "专栏1 煤炭产能提升重点项目",  # a box title names a category
    "积极推进项目前期工作，",  # a verb before the head
    "培育发展特色文化产业园区，",  # a kind of park
    "将人工影响天气作业项目纳入生态环境部门的项目库",  # a category of projects
    "加强市级急救中心指挥调度信息化平台建设",  # an institution's own system
    "实施重大人才工程，",  # a short name opened by an evaluative word
    "入选2020省级现代服务业集聚区。",  # a year is no evidence; 省级 opens a kind
    "鼓励企业进入当地产业园区，",  # a generic subject opens a clause
    "2019年，公司征求终止工程意见",
])
def test_nlp_projects_not_projects(text):
    assert names(text) == []


def test_nlp_projects_known_places_and_firms_are_evidence():
    text = "支持建设泰和科技数字园区"
    assert names(text) == []  # 园区 needs a place or an owner
    assert names(text, [(4, 8, "Enterprise")]) == ["泰和科技数字园区"]


def test_nlp_projects_component_keeps_nested_enterprise():
    nlp = spacy.blank("zh")
    nlp.add_pipe("kg_projects")
    text = "重点建设晋城三赢精密电子有限公司年产2亿个搭载高阶镜头相机模组制程工程项目。"
    doc = nlp.make_doc(text)
    company = "晋城三赢精密电子有限公司"
    doc.spans["kg"] = [doc.char_span(4, 4 + len(company), label="Enterprise")]
    doc = nlp.get_pipe("kg_projects")(doc)
    got = sorted((s.label_, s.text) for s in doc.spans["kg"])
    assert got == [("Enterprise", company), ("Project", text[4:-1])]


def test_nlp_projects_component_puts_expanded_name_in_kb_id():
    nlp = spacy.blank("zh")
    nlp.add_pipe("kg_projects")
    doc = nlp("推进沁水蜂蜜、陵川中药材两个现代农业科技产业园建设")
    assert [(s.text, s.kb_id_) for s in doc.spans["kg"]] == [
        ("沁水蜂蜜", "沁水蜂蜜现代农业科技产业园"), ("陵川中药材", "陵川中药材现代农业科技产业园")]
    assert {s.label_ for s in doc.spans["kg"]} == {projects.LABEL}


def test_nlp_projects_fast_enough_on_the_gazette():
    from kg.read import bundled_gazette

    text = "".join(line.strip() for line in open(bundled_gazette(), encoding="utf-8"))
    find_projects("预热")
    t = time.perf_counter()
    found = find_projects(text)
    rate = len(text) / (time.perf_counter() - t)
    assert len(found) > 150
    assert rate > 500_000, f"{rate:.0f} chars/s"


@pytest.mark.parametrize("text, expected", [
    ("（三）特色集群打造工程", ["特色集群打造工程"]),
    ("第二节 实施A级景区倍增计划", ["A级景区倍增计划"]),
    ("专栏3“城市合伙人”计划\n授予对本市有突出贡献的人才称号。", ["“城市合伙人”计划"]),
    ("专栏5：非遗保护传承工程\n加强非遗保护。", ["非遗保护传承工程"]),
    ("四、重点工程", []),
    ("专栏1 煤炭产能提升重点项目\n300万吨/年以上重点矿井。", []),
    ("（二）完善科技项目形成机制", []),
])
def test_nlp_projects_headings_name_programmes(text, expected):
    found = find_projects(text)
    assert [f.name for f in found] == expected
    assert all(f.basis == "heading" for f in found)


@pytest.mark.parametrize("text, expected", [
    ("实施关键核心攻关项目，提升企业竞争力。", []),
    ("实施一批重点示范项目。", []),
    ("深入开展基层医疗卫生服务能力提升三年行动，优化服务。", ["基层医疗卫生服务能力提升三年行动"]),
    ("开展“村村畅”五年提质增效专项行动，适当提高补助。", ["“村村畅”五年提质增效专项行动"]),
    ("组织民营企业实施“千企帮千村”行动，企业帮扶资金向重点县倾斜。", ["“千企帮千村”行动"]),
    ("支持湘潭市普惠金融改革试验区建设。", ["湘潭市普惠金融改革试验区"]),
])
def test_nlp_projects_campaigns_zones_and_kinds(text, expected):
    assert names(text) == expected


def test_nlp_projects_generic_subject_only_ends_a_clause():
    assert names("鼓励企业进入当地产业园区，") == []
    assert names("实施企业达标晋级工程：") == ["企业达标晋级工程"]  # the object of 实施 is a programme


@pytest.mark.parametrize("text, expected", [
    ("鼓励外地企业落户湘潭经济开发区。", ["湘潭经济开发区"]),  # a verb of policy prose ends the run
    ("5月20日长沙市新一轮“531”人才培养工程，年内完成。", ["长沙市新一轮“531”人才培养工程"]),  # after a date
    ("通过湖南省科技云服务平台申报。", ["湖南省科技云服务平台"]),
])
def test_nlp_projects_names_start_after_prose_verbs_and_dates(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text", ["优先进入科技产业园。", "土地租赁期内项目不得转让。", "第五章入园程序第十九条项目"])
def test_nlp_projects_prose_runs_are_not_names(text):
    assert names(text) == []


@pytest.mark.parametrize("text, expected", [
    ("实施中小企业三年倍增计划。", ["中小企业三年倍增计划"]),  # an unquoted plan named by its aim
    ("在城乡饮水提质工程、运行经费等方面给予支持。", ["城乡饮水提质工程"]),  # a strong head with an aim
    ("组织了基层应急能力提升三年行动。", ["基层应急能力提升三年行动"]),
    ("按计划推进。", []),  # a plan without an aim stays unnamed
    ("制定年度工作计划。", []),
    ("开展农产品消费帮扶行动。", []),  # 行动 still needs quotes: a campaign is no undertaking
    ("学校负责，实验条件建设项目，年内完成。", []),  # 建设 is no aim: a kind of project
])
def test_nlp_projects_aims_name_programmes(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text", ["企业擅自停止项目的，收回补助。", "对按方案进行项目的单位，最高30%给予园区。",
                                  "积极争列省重大产业项目。", "鼓励申报市级重点工程。"])
def test_nlp_projects_verb_before_head_is_no_name(text):
    assert names(text) == []


def test_nlp_projects_part_of_a_project_names_both():
    found = names("通过新建湘江东岸风电项目送出工程，实现并网。")
    assert found == ["湘江东岸风电项目", "湘江东岸风电项目送出工程"]
    assert names("附件：关于湘江东岸风电项目送出工程的汇报") == ["湘江东岸风电项目", "湘江东岸风电项目送出工程"]
