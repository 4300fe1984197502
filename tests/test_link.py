"""Linking: alias families become one entity, levels stay apart, counties carry codes."""
from array import array

import pytest

from kg.link import Linker, canonical_department, department_identity, entity_key, is_abbreviation, link, Place
from kg.model import Block, Document, Mention, Source

JINCHENG = Place("晋城市", "山西省")


def _doc(text, doc_id="d1"):
    src = Source(path="t.txt", text=text, encoding="utf-8", sha256="0")
    block = Block("para", text, array("q", range(len(text))))
    return Document(id=doc_id, source=src, title="晋城市人民政府关于…", blocks=[block], start=0, end=len(text))


def _mentions(doc, items):
    out = []
    for surface, label, hint in items:
        i = doc.blocks[0].text.index(surface)
        out.append(Mention(doc.id, label, surface, i, i + len(surface), 1, 0, i, i + len(surface),
                           canonical_hint=hint))
    return out


@pytest.mark.parametrize("a, b", [
    ("市发改委", "市发展改革委"),
    ("市发展改革委", "晋城市发展和改革委员会"),
    ("市应急局", "市应急管理局"),
    ("市政府", "晋城市人民政府"),
    ("中共晋城市委", "市委"),
    ("市卫健委", "市卫生健康委员会"),
])
def test_link_department_alias_families_share_identity(a, b):
    assert department_identity(a, JINCHENG) == department_identity(b, JINCHENG)


@pytest.mark.parametrize("a, b", [
    ("市发展改革委", "国家发展改革委"),
    ("市发展改革委", "省发展改革委"),
    ("山西省人民政府", "晋城市人民政府"),
    ("市委", "市委宣传部"),
])
def test_link_levels_stay_apart(a, b):
    assert department_identity(a, JINCHENG) != department_identity(b, JINCHENG)


@pytest.mark.parametrize("surface, expected", [
    ("市发改委", "市发展和改革委员会"),
    ("市应急局", "市应急管理局"),
    ("市市场监管局", "市市场监督管理局"),
    ("市财政局", "市财政局"),
])
def test_link_canonical_department_without_corpus(surface, expected):
    assert canonical_department(surface) == expected


@pytest.mark.parametrize("short, long_, expected", [
    ("晋控装备集团", "晋能控股装备制造集团", True),
    ("晋能控股集团", "晋能控股装备制造集团", False),  # a leading part: the parent group
    ("兰花科创公司", "山西兰花科技创业股份有限公司", False),  # different first character
    ("华昱公司", "华新燃气集团", False),
])
def test_link_abbreviation_rule(short, long_, expected):
    assert is_abbreviation(short, long_) is expected


def test_link_one_entity_per_family_across_forms():
    text = "晋城市发展和改革委员会（以下简称市发改委）会同市发展改革委、国家发展改革委和泽州县、泽州，市人民医院与晋城市人民医院"
    doc = _doc(text)
    ms = _mentions(doc, [("晋城市发展和改革委员会", "Department", ""), ("市发展改革委", "Department", ""),
                         ("国家发展改革委", "Department", ""), ("泽州县", "County", "140525"),
                         ("泽州，", "County", "140525"), ("市人民医院", "Institution", ""),
                         ("晋城市人民医院", "Institution", "")])
    ms[4].text = "泽州"
    ents = link(ms, [doc])
    city = ents[entity_key("Department", "晋城市发展和改革委员会")]
    assert city.aliases == {"市发展改革委", "市发改委"}  # the declared short form is a mention too
    assert entity_key("Department", "国家发展改革委") in ents
    county = ents["county/泽州县"]
    assert county.code == "140525" and county.aliases == {"泽州"}
    assert ents["institution/晋城市人民医院"].aliases == {"市人民医院"}
    assert all(m.entity for m in ms)


def test_link_defined_alias_joins_entity():
    text = "晋能控股装备制造集团有限公司（以下简称装备公司）。装备公司负责"
    doc = _doc(text)
    first = _mentions(doc, [("晋能控股装备制造集团有限公司", "Enterprise", "")])
    j = text.rindex("装备公司")
    second = Mention("d1", "Enterprise", "装备公司", j, j + 4, 1, 0, j, j + 4)
    ents = link(first + [second], [doc])
    assert len(ents) == 1 and first[0].entity == second.entity


def test_link_keys_are_deterministic():
    text = "市财政局、市应急局、市应急管理局、泽州县"
    ms1 = _mentions(_doc(text), [("市财政局", "Department", ""), ("市应急局", "Department", ""),
                                 ("市应急管理局", "Department", ""), ("泽州县", "County", "140525")])
    ms2 = list(reversed(_mentions(_doc(text), [("市财政局", "Department", ""), ("市应急局", "Department", ""),
                                               ("市应急管理局", "Department", ""), ("泽州县", "County", "140525")])))
    assert sorted(link(ms1, [_doc(text)])) == sorted(link(ms2, [_doc(text)]))


@pytest.fixture(scope="module")
def linker():
    text = "晋城市发展和改革委员会、市应急管理局、山西兰花科技创业股份有限公司、晋能控股装备制造集团、泽州县"
    doc = _doc(text)
    ms = _mentions(doc, [("晋城市发展和改革委员会", "Department", ""), ("市应急管理局", "Department", ""),
                         ("山西兰花科技创业股份有限公司", "Enterprise", ""), ("晋能控股装备制造集团", "Enterprise", ""),
                         ("泽州县", "County", "140525")])
    return Linker.from_entities(link(ms, [doc]))


@pytest.mark.parametrize("surface, label, expected", [
    ("市发改委", "Department", "晋城市发展和改革委员会"),
    ("市发展改革委", None, "晋城市发展和改革委员会"),
    ("市应急局", "Department", "市应急管理局"),
    ("晋控装备集团", None, "晋能控股装备制造集团"),
    ("泽州县", None, "泽州县"),
    ("省发展改革委", "Department", None),
    ("市教育局", "Department", None),
])
def test_link_linker_resolves(linker, surface, label, expected):
    ent = linker.resolve(surface, label)
    assert (ent.label if ent else None) == expected


def test_link_linker_suggests_near_misses(linker):
    assert "市应急管理局" in linker.suggest("市应急管里局")


def test_link_same_short_name_in_two_cities_stays_two_entities():
    a, b = _doc("市财政局负责", "a"), _doc("市财政局负责", "b")
    b = Document(id="b", source=b.source, title="株洲市人民政府关于…", blocks=b.blocks, start=0, end=b.end)
    ms = _mentions(a, [("市财政局", "Department", "")]) + _mentions(b, [("市财政局", "Department", "")])
    ents = link(ms, [a, b])
    assert len(ents) == 2 and ms[0].entity != ms[1].entity
    assert sorted(e.label for e in ents.values()) == ["市财政局", "株洲市财政局"]


def test_link_policy_title_joins_its_number():
    text = "《关于推进人工影响天气工作高质量发展的意见》（国办发〔2020〕47号），《关于推进人工影响天气工作高质量发展的意见》"
    doc = _doc(text)
    t = "关于推进人工影响天气工作高质量发展的意见"
    first = Mention("d1", "Policy", t, 1, 1 + len(t), 1, 0, 1, 1 + len(t), canonical_hint="国办发〔2020〕47号")
    j = text.rindex(t)
    second = Mention("d1", "Policy", t, j, j + len(t), 1, 0, j, j + len(t))
    ents = link([first, second], [doc])
    assert len(ents) == 1


def test_link_linker_context_names_another_city(linker):
    assert linker.resolve("市发改委", "Department", context="长治市的市发改委") is None


@pytest.mark.parametrize("a, b", [
    ("山西省晋城市泽州县发改局", "泽州县发展和改革局"),
    ("晋城市城区人民政府", "城区人民政府"),
    ("工信部", "工业和信息化部"),
    ("市政府办公室", "晋城市人民政府办公室"),
])
def test_link_department_identity_normalises_places_and_bodies(a, b):
    assert department_identity(a, JINCHENG) == department_identity(b, JINCHENG)


@pytest.mark.parametrize("short, long_, expected", [
    ("市传染病医院", "市传染病专科医院", True),
    ("山西大学", "山西科技学院", False),
    ("山西大学", "山西科技大学", False),
    ("省重点实验室", "山西省IVD核心原料重点实验室", False),
])
def test_link_institution_abbreviations_are_narrow(short, long_, expected):
    assert is_abbreviation(short, long_) is expected


@pytest.mark.parametrize("surface, level", [
    ("国务院办公厅", "国家"), ("财政部", "国家"), ("山西省人民政府", "省"), ("市发改委", "市"), ("泽州县人民政府", "县"),
])
def test_link_department_level(surface, level):
    doc = _doc(surface)
    ents = link(_mentions(doc, [(surface, "Department", "")]), [doc])
    assert [e.level for e in ents.values()] == [level]


def test_link_county_departments_of_two_counties_stay_apart():
    a, b = _doc("县财政局负责", "a"), _doc("县财政局负责", "b")
    a = Document(id="a", source=a.source, title="关于…的通知", issuers=("平遥县人民政府",), blocks=a.blocks, end=a.end)
    b = Document(id="b", source=b.source, title="关于…的通知", issuers=("介休市人民政府",), blocks=b.blocks, end=b.end)
    ms = _mentions(a, [("县财政局", "Department", "")]) + _mentions(b, [("县财政局", "Department", "")])
    ents = link(ms, [a, b])
    assert len(ents) == 2


# --- corpus-level evidence on an invented document (names not in the gazette) --------------

STORY = """长沙市人民政府关于印发长沙市先进制造业发展规划的通知
长政发〔2023〕9号
各区县（市）人民政府，市政府各部门：
现将《长沙市先进制造业发展规划》印发给你们，请认真贯彻执行。
长沙市人民政府
2023年5月8日
长沙市先进制造业发展规划
一、发展基础
高端装备领域拥有金石机械、白云鑫达等龙头企业，新能源领域涌现出湖南星宇等一批特色企业。成立长沙市光电产业研究院。
二、主要任务
（一）壮大市场主体。金石机械要建设智能工厂。依托光电产业研究院建设孵化器。推动长沙光电研究院开展攻关。湖南星宇能源科技有限公司（以下简称“星宇能源”）扩大产能，星宇能源负责建设储能电池项目。
（二）做强企业集团。推动湘江集团做大做强，支持湖南湘江同盛煤业有限公司、湖南湘江精工机械有限公司技术改造。湖南丽达电力有限公司（湘江集团子公司）建设光伏电站。
"""


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    from kg.build import build_corpus

    path = tmp_path_factory.mktemp("story") / "changsha.txt"
    path.write_text(STORY, encoding="utf-8")
    return build_corpus([path])


def _entity(corpus, label):
    hits = [e for e in corpus.entities.values() if e.label == label or label in e.aliases]
    assert len(hits) == 1, (label, [e.label for e in hits])
    return hits[0]


def test_link_list_name_recognised_again_elsewhere(story):
    e = _entity(story, "金石机械")
    assert e.type == "Enterprise"
    assert sorted(m.basis for m in e.mentions) == ["corpus-repeat", "list-context"]


@pytest.mark.parametrize("names", [
    ("长沙市光电产业研究院", "光电产业研究院", "长沙光电研究院"),  # with / without its city, a filler dropped
    ("湖南星宇能源科技有限公司", "湖南星宇", "星宇能源"),  # trade name, registered name, declared short form
])
def test_link_short_and_long_forms_are_one_entity(story, names):
    assert len({_entity(story, n).key for n in names}) == 1


def test_link_declared_short_form_is_a_mention_with_its_basis(story):
    e = _entity(story, "湖南星宇能源科技有限公司")
    assert "abbreviation" in {m.basis for m in e.mentions}
    assert sum(m.text == "星宇能源" for m in e.mentions) >= 2


@pytest.mark.parametrize("company", ["湖南湘江同盛煤业有限公司", "湖南湘江精工机械有限公司", "湖南丽达电力有限公司"])
def test_link_companies_belong_to_their_group(story, company):
    group = _entity(story, "湘江集团").key
    sub = _entity(story, company).key
    assert any(r.subject == sub and r.predicate == "subOrganizationOf" and r.object == group for r in story.relations)


def test_link_every_entity_says_why_it_is_a_name(story):
    from kg.rdf import entity_bases

    assert all(entity_bases(e) for e in story.entities.values())
    assert entity_bases(_entity(story, "白云鑫达")) == ["list-context"]


@pytest.mark.parametrize("short, long_", [
    ("中科院", "中国科学院"),  # X科学院 → X科院
    ("社科院", "社会科学院"),
    ("中科院光电所", "中国科学院光电研究所"),  # and 研究所 → 所, the head contracted too
])
def test_link_standard_contractions_are_abbreviations(short, long_):
    assert is_abbreviation(short, long_)


@pytest.mark.parametrize("short, long_", [("中科院", "中国工程院"), ("山西所", "山西大学")])
def test_link_contractions_keep_their_family(short, long_):
    assert not is_abbreviation(short, long_)


def test_link_provincial_document_resolves_bare_province_level():
    """A provincial document names no city: 省发展改革委 is the issuer's own province's body."""
    text = "省财政厅、省发展改革委按职责分工负责。"
    doc = _doc(text)
    doc = Document(id="p", source=doc.source, title="湖南省发展和改革委员会关于加强煤炭储备的通知",
                   issuers=("湖南省发展和改革委员会",), blocks=doc.blocks, end=doc.end)
    assert Place.of_document(doc) == Place("", "湖南省")
    ms = _mentions(doc, [("省发展改革委", "Department", "")])
    full = department_identity("湖南省发展和改革委员会", Place("", "湖南省"))
    assert department_identity("省发展改革委", Place.of_document(doc)) == full
    assert len(link(ms, [doc])) == 1


def test_link_sea_area_codes_are_no_place():
    doc = _doc("加强海域综合管理和海岛保护。")
    assert Place.of_document(doc).city == "晋城市"  # the title's city; 海域 is no division
    doc = Document(id="x", source=doc.source, title="关于海域综合管理的通知", blocks=doc.blocks, end=doc.end)
    assert Place.of_document(doc) == Place()


# One-line OCR text: prose glued to a firm's name where the document also writes the name alone.
OCR_LINE = ("关于湘阳风电项目送出工程的汇报近日，湖南湘能发电有限公司（以下简称“湘能湖南公司”）来函。"
            "研究后商湘能湖南公司提出建议，有关建议结合湘能湖南公司意见，项目至国网长沙供电公司实施，"
            "国网长沙供电公司负责建设。意见见附件中共国网长沙供电公司委员会纪要。")


@pytest.fixture(scope="module")
def ocr_line(tmp_path_factory):
    from kg.build import build_corpus

    path = tmp_path_factory.mktemp("ocr") / "line.txt"
    path.write_text(OCR_LINE, encoding="utf-8")
    return build_corpus([path])


def test_link_glued_prose_is_trimmed_from_names(ocr_line):
    firms = {m.text for m in ocr_line.mentions if m.label == "Enterprise"}
    assert not any(t.startswith(("商", "结合", "至", "中共", "件")) for t in firms), firms
    assert {"湘能湖南公司", "国网长沙供电公司"} <= firms


def test_link_trimmed_mentions_keep_their_offsets(ocr_line):
    for m in ocr_line.mentions:
        if m.label == "Enterprise":
            assert OCR_LINE[m.start:m.end] == m.text


def test_link_name_element_is_no_glue(tmp_path):
    from kg.build import build_corpus

    path = tmp_path / "grid.txt"
    path.write_text("国网湖南省电力有限公司湘潭供电公司委员会：经研究。国网湘潭供电公司团委拟设立。", encoding="utf-8")
    firms = {m.text for m in build_corpus([path]).mentions if m.label == "Enterprise"}
    assert "国网湘潭供电公司" in firms  # written after a boundary: 国网 is part of the name
