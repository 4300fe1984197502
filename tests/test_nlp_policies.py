"""kg.nlp.policies: cited documents (《titles》 and 文号) as Policy spans."""
import pytest
import spacy

from kg.nlp import policies
from kg.nlp.policies import find_policies


@pytest.mark.parametrize("text,expected", [
    # gazette: title and 文号 cited together (line 18584)
    ("为认真落实《国务院办公厅关于推进人工影响天气工作高质量发展的意见》（国办发〔2020〕47号）和《山西省人民政府办公厅"
     "关于推进人工影响天气工作高质量发展的实施意见》（晋政办发〔2022〕2号），推动我市…",
     [("国务院办公厅关于推进人工影响天气工作高质量发展的意见", "国办发〔2020〕47号"),
      ("山西省人民政府办公厅关于推进人工影响天气工作高质量发展的实施意见", "晋政办发〔2022〕2号")]),
    # gazette: a number right after the title, without brackets (line 2627)
    ("《关于促进健康旅游发展的指导意见》国卫规划发〔2017〕30号：推动…",
     [("关于促进健康旅游发展的指导意见", "国卫规划发〔2017〕30号")]),
    # a number broken by a reflowed line keeps a space: the kb_id is squeezed
    ("（晋政办发 〔2021〕 41 号）", [("晋政办发 〔2021〕 41 号", "晋政办发〔2021〕41号")]),
    # invented: a number cited alone after a verb (the verb is not part of the issuer)
    ("根据晋政发〔2021〕10号文件精神，制定本办法。", [("晋政发〔2021〕10号", "晋政发〔2021〕10号")]),
    # invented: an issuing body run into the number; an abbreviation that holds 厅 stays whole
    ("按照省政府办公厅晋政办发〔2020〕1号要求", [("晋政办发〔2020〕1号", "晋政办发〔2020〕1号")]),
    ("执行国土资厅发〔2019〕8号。", [("国土资厅发〔2019〕8号", "国土资厅发〔2019〕8号")]),
    ("见经信发〔2021〕5号", [("经信发〔2021〕5号", "经信发〔2021〕5号")]),
    # invented: a law and a dated plan, no numbers
    ("依照《中华人民共和国安全生产法》和《太原市综合交通规划（2021-2035年）》，", [
        ("中华人民共和国安全生产法", ""), ("太原市综合交通规划（2021-2035年）", "")]),
])
def test_nlp_policies_titles_and_numbers(text, expected):
    assert [(c.text, c.number) for c in find_policies(text)] == expected


@pytest.mark.parametrize("text", [
    "舞剧《路》、上党二簧《王宝钏》等文艺精品",  # works of art are no documents
    "特制定本办法（以下简称《办法》）。",  # an abbreviation of the document itself
    "晋市政发〔2022〕27号\n各县（市、区）人民政府：",  # the document's own number heading it
])
def test_nlp_policies_not_citations(text):
    assert find_policies(text) == []


def test_nlp_policies_second_citation_is_not_the_first_ones_number():
    found = find_policies("《A市工作方案》和晋政发〔2020〕3号")
    assert [(c.text, c.number) for c in found] == [("A市工作方案", ""), ("晋政发〔2020〕3号", "晋政发〔2020〕3号")]


def test_nlp_policies_component_writes_span_group():
    nlp = spacy.blank("zh")
    nlp.add_pipe("kg_policies")
    doc = nlp("贯彻《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）")
    (span,) = doc.spans["kg"]
    assert span.label_ == "Policy"
    assert span.text.startswith("国务院关于") and span.text.endswith("指导意见")
    assert span.kb_id_ == "国发〔2016〕33号"
    assert policies.LABEL == "Policy"
