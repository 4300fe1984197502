"""kg.nlp.owners: firms written by their brand alone, found by where prose puts a firm (invented text)."""
import pytest

from kg.nlp import make_nlp
from kg.nlp.spans import SPAN_KEY


def firms(text):
    doc = make_nlp()(text)
    return [s.text for s in doc.spans[SPAN_KEY] if s.id_ == "owner-position"]


@pytest.mark.parametrize("text, expected", [
    ("依托青岚宏远钻探培育建设省级制造业创新中心。", ["青岚宏远钻探"]),  # verb of support + brand + industry word + verb
    ("支持紫荆动力与湖南大学开展合作。", ["紫荆动力"]),
    ("（3）白鹭炼焦余热发电综合利用改造项目", ["白鹭炼焦"]),  # a numbered project item opens with its owner
    ("（2）金石（湖南）精密轴承制造中心项目", ["金石（湖南）"]),  # brand with its home region
    ("（7）投资3亿元的长沙星达科技智能传感器生产线项目", ["长沙星达科技"]),  # a place before the brand
    ("重点推进鑫宇通达年产500万件精密零部件项目建设。", ["鑫宇通达"]),  # owner before 年产
])
def test_nlp_owners_brands_in_firm_positions(text, expected):
    assert firms(text) == expected


@pytest.mark.parametrize("text", [
    "鼓励生态环保建设。",  # 建设 as a noun: nothing follows the verb
    "甲方支持乙方新能源及多能互补项目的发展。",  # a party of a contract
    "（1）湘江智造科技产业园项目",  # a park named after a firm does not name the firm
    "依托煤炭企业建设配套设施。",  # a kind of firm
    "支持山西新能源发展。",
    "推进煤矿智能化建设。",  # 智能化: the industry word is part of a longer word
])
def test_nlp_owners_ordinary_phrases_are_not_firms(text):
    assert firms(text) == []
