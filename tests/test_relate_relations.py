"""Relations read off sentences, on invented documents in the gazette's style (names not in the gazette)."""
import pytest

from kg.build import build_corpus

TEXT = """临沂市人民政府关于印发临沂市数字经济发展三年行动方案的通知
临政发〔2023〕15号
各县区人民政府，市政府各部门：
现将《临沂市数字经济发展三年行动方案》印发给你们，请认真贯彻执行。
临沂市人民政府
2023年5月8日
临沂市数字经济发展三年行动方案
为深入贯彻《山东省数字经济发展规划》（鲁政发〔2022〕3号），制定本方案。
一、主要任务
（一）加快数字基础设施建设。依托山东大学临沂研究院建设工业互联网创新中心。依托临沂大学、山东大学，联合浪潮集团有限公司开展技术攻关，打造鲁南智能制造基地。依托临沂职业学院、临沂技师学院建设临沂市技能人才实训基地。支持浪潮集团有限公司建设临沂鲁南大数据产业园项目。（牵头单位：市工业和信息化局；配合单位：市发展改革委、市大数据局）
（二）培育数字产业集群。鼓励临沂大学与山东大学合作共建人工智能实验室，推动沂水县智能装备产业园项目建设。（责任单位：市科技局、市商务局，各县区人民政府）
（三）提升公共服务水平。由市卫生健康委牵头负责，推进临沂市人民医院智慧医院建设。
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("other") / "linyi.txt"
    path.write_text(TEXT, encoding="utf-8")
    return build_corpus([path])


def _labels(corpus, rel):
    e = corpus.entities
    name = lambda k: e[k].label if k in e else k  # noqa: E731
    return name(rel.subject), rel.predicate, name(rel.object)


@pytest.mark.parametrize("triple", [
    ("工业互联网创新中心", "reliesOn", "山东大学临沂研究院"),
    ("临沂市技能人才实训基地", "reliesOn", "临沂职业学院"),
    ("临沂市技能人才实训基地", "reliesOn", "临沂技师学院"),
    ("浪潮集团有限公司", "builds", "临沂鲁南大数据产业园"),
    ("临沂大学", "cooperatesWith", "山东大学"),
    ("沂水县智能装备产业园", "locatedIn", "沂水县"),
])
def test_relate_relations_read_off_sentences(corpus, triple):
    found = {_labels(corpus, r) for r in corpus.relations}
    assert triple in found, sorted(t for t in found if t[1] != "mentions")


def test_relate_reliance_needs_a_building_verb_next_to_what_is_built(corpus):
    """依托A、B，联合C开展…，打造D: nothing says D is built on A or B next to D, so no reliesOn is guessed."""
    found = {_labels(corpus, r) for r in corpus.relations if r.predicate == "reliesOn"}
    assert not any(o in ("临沂大学", "山东大学") for _, _, o in found), found


def test_relate_relations_carry_evidence_from_the_input(corpus):
    src = corpus.sources[0]
    for r in corpus.relations:
        ev = r.evidence
        assert ev and ev.quote and 1 <= ev.line <= len(src.line_starts)
        if ev.start >= 0:
            assert "".join(src.text[ev.start:ev.end].split())[:4] == "".join(ev.quote.split())[:4]


def test_relate_measures_of_other_clause_forms(corpus):
    by_title = {m.title: m for m in corpus.measures}
    e = corpus.entities
    first = by_title["加快数字基础设施建设"]
    assert [e[u].label for u in first.units][:1] == ["市工业和信息化局"] and first.lead_basis == "explicit"
    second = by_title["培育数字产业集群"]
    assert "各县区人民政府" in [e[u].label for u in second.units] and second.lead_basis == "first-listed"
    third = by_title["提升公共服务水平"]
    assert e[third.lead].label.endswith("卫生健康委") or "卫生健康委" in e[third.lead].label


def test_relate_document_cites_and_is_issued(corpus):
    found = {_labels(corpus, r) for r in corpus.relations}
    assert ("doc:临政发-2023-15", "issuedBy", "临沂市人民政府") in found
    assert any(p == "cites" and "山东省数字经济发展规划" in o for _, p, o in found)
