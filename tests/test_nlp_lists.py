"""kg.nlp.lists: enumerations closed by a category noun type their items (invented text)."""
import pytest

from kg.nlp import make_nlp
from kg.nlp.lists import find_items, is_kind
from kg.nlp.spans import SPAN_KEY


def items(text, known=()):
    return [(text[s:e], t) for s, e, t in find_items(text, known)]


@pytest.mark.parametrize("text, expected", [
    ("高端装备领域拥有金石机械、白云鑫达、紫荆铸业等龙头企业，形成配套。",
     [("金石机械", "Enterprise"), ("白云鑫达", "Enterprise"), ("紫荆铸业", "Enterprise")]),
    # an enumeration before the verb is not part of the list
    ("储能装备、先进铸造装备领域也涌现出青岚动力、易达通、湖南星宇等一批特色企业，为",
     [("青岚动力", "Enterprise"), ("易达通", "Enterprise"), ("湖南星宇", "Enterprise")]),
    ("以青峰电子和白鹭精工等企业为龙头", [("青峰电子", "Enterprise"), ("白鹭精工", "Enterprise")]),
    ("与湘大、中南矿院等国内知名高校开展合作", [("湘大", "Institution"), ("中南矿院", "Institution")]),
])
def test_nlp_lists_items_take_the_list_type(text, expected):
    assert items(text) == expected


@pytest.mark.parametrize("text", [
    "鼓励煤炭、电力、物流等相关企业参与",
    "与区内外的上市公司、国企、央企等优势企业合作",
    "除供水、燃气、污水处理等公益性企业外",
    "举办老年医院、康复护理院等医疗机构",
    "加强与国内外高等院校、科研院所合作",  # 高等院校: 等 inside a word
    "对新引进的世界500强、中国制造业500强等企业给予奖励",
    "鼓励江苏、浙江等地的企业来晋投资",
    "支持企业家、科研人员等创新创业",
])
def test_nlp_lists_kinds_are_not_names(text):
    assert items(text) == []


def test_nlp_lists_items_with_their_own_type_are_left_alone():
    text = "拥有金石机械有限公司、白云鑫达等重点企业"
    known = [(2, 10, "Enterprise")]
    assert items(text, known) == [("白云鑫达", "Enterprise")]


def test_nlp_lists_project_items_need_evidence_of_their_own():
    nlp = make_nlp()
    doc = nlp.make_doc("推动阳城县温泉小镇等项目招商，加强基础设施等项目建设。")
    doc.user_data["kg_city"] = "1405"
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    found = [(s.text, s.label_, s.id_) for s in doc.spans[SPAN_KEY] if s.id_ == "list-context"]
    assert found == [("阳城县温泉小镇", "Project", "list-context")]


@pytest.mark.parametrize("item, kind", [
    ("煤炭", True), ("山西新能源", True), ("上市公司", True), ("区县", True),
    ("清慧机械", False), ("氢驰动力", False), ("湖南星宇", False),
])
def test_nlp_lists_is_kind(item, kind):
    assert is_kind(item) is kind
