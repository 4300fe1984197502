"""Responsibility clauses: every form the gazette uses and the forms other governments use."""
import pytest

from kg.relate.responsibility import parse_clause

CLAUSES = [
    # (bracket body, units in order, explicit lead, labelled)
    ("责任单位：市商务局、市文旅局", ["市商务局", "市文旅局"], "", True),
    ("责任单位：市气象局、市农业农村局、市规划和自然资源局，各县（市、区）人民政府",
     ["市气象局", "市农业农村局", "市规划和自然资源局", "各县（市、区）人民政府"], "", True),
    ("市市场监管局牵头，市发展改革委、市科技局、市财政局等按职责分工负责",
     ["市市场监管局", "市发展改革委", "市科技局", "市财政局"], "市市场监管局", False),
    ("市中级人民法院、市检察院、市公安局等按职责分工负责", ["市中级人民法院", "市检察院", "市公安局"], "", False),
    ("市市场监管局负责", ["市市场监管局"], "", False),
    ("牵头单位：县发改局；配合单位：县财政局、县自然资源局", ["县发改局", "县财政局", "县自然资源局"], "县发改局", True),
    ("责任单位：区教体局、区卫健局", ["区教体局", "区卫健局"], "", True),
    ("省工业和信息化厅牵头，省科技厅、省财政厅配合", ["省工业和信息化厅", "省科技厅", "省财政厅"], "省工业和信息化厅", False),
    ("责任单位：市人工影响天气领导组各成员单位，各县（市、区）人民政府",
     ["市人工影响天气领导组各成员单位", "各县（市、区）人民政府"], "", True),
    ("市科技局、市工信局、市科技局等按职责分工负责", ["市科技局", "市工信局"], "", False),
]

NOT_CLAUSES = [
    "RAD",
    "含县级市",
    "以下简称市发改委",
    "试行",
    "各级政府负责同志要亲自抓",  # a sentence that merely ends in 负责 with no unit list
    "一般由企业自主负责",
]


@pytest.mark.parametrize("body,units,lead,labelled", CLAUSES)
def test_responsibility_parses_clause_forms(body, units, lead, labelled):
    assert parse_clause(body) == (units, lead, labelled)


@pytest.mark.parametrize("body", NOT_CLAUSES)
def test_responsibility_rejects_other_brackets(body):
    assert parse_clause(body) is None
