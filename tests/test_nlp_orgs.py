"""Recognition of organisations and counties on gazette sentences and invented look-alikes."""
import pytest

from kg.nlp import make_nlp
from kg.nlp.orgs import find_orgs
from kg.nlp.places import find_places, infer_city

JINCHENG = "1405"


def labelled(text, label, city=JINCHENG):
    if label in ("County", "Place"):
        return [text[h.start:h.end] for h in find_places(text, city) if h.label == label]
    return [text[h.start:h.end] for h in find_orgs(text, city) if h.label == label]


@pytest.mark.parametrize("text, expected", [
    # gazette sentences
    ("〔责任单位：市发展改革委、市工信局、市委宣传部〕", ["市发展改革委", "市工信局", "市委", "市委宣传部"]),
    ("认真落实党中央、国务院、省委省政府及市委市政府决策部署", ["党中央", "国务院", "省委", "省政府", "市委", "市政府"]),
    ("为认真落实《国务院办公厅关于推进人工影响天气工作高质量发展的意见》", ["国务院", "国务院办公厅"]),
    ("市公安局、晋城军分区，各县（市、区）人民政府", ["市公安局", "晋城军分区"]),
    ("完善晋城市人工影响天气领导组工作规则", ["晋城市人工影响天气领导组"]),
    ("〔责任单位：市中级人民法院、市检察院、人行晋城中心支行、晋城海关〕",
     ["市中级人民法院", "市检察院", "人行晋城中心支行", "晋城海关"]),
    # invented, other places
    ("由长治市生态环境局会同潞州区应急管理局负责", ["长治市生态环境局", "潞州区应急管理局"]),
    ("报请湖南省人民政府办公厅审定", ["湖南省人民政府", "湖南省人民政府办公厅"]),
    ("市创新生态建设领导小组办公室设在市科技局", ["市创新生态建设领导小组", "市创新生态建设领导小组办公室", "市科技局"]),
])
def test_nlp_orgs_departments(text, expected):
    assert sorted(labelled(text, "Department")) == sorted(expected)


@pytest.mark.parametrize("text", [
    "相关部门要加强协调，市直有关部门按职责分工负责",
    "形成全市一盘棋的工作格局，全部纳入考核",
    "文旅部门和自然资源主管部门共同举办",
])
def test_nlp_orgs_generic_references_are_not_departments(text):
    assert labelled(text, "Department") == []


@pytest.mark.parametrize("text, expected", [
    ("统筹发挥山西泫氏实业集团有限公司铸铁排水管工程技术研究中心的引领作用",
     ["山西泫氏实业集团有限公司"]),
    ("山西兰花科技创业股份有限公司唐安煤矿分公司180万吨/年矿井配套选煤厂",
     ["山西兰花科技创业股份有限公司", "山西兰花科技创业股份有限公司唐安煤矿分公司"]),
    ("山西兰花集团芦河煤业有限公司90万吨/年兼并重组整合项目", ["山西兰花集团", "山西兰花集团芦河煤业有限公司"]),
    ("支持晋城鸿智纳米光机电研究院有限公司建设", ["晋城鸿智纳米光机电研究院有限公司"]),
    # invented
    ("鼓励运城飞翔精工机械有限公司与太行重工集团合作", ["运城飞翔精工机械有限公司", "太行重工集团"]),
    ("构建集群集团、矿业公司、实体企业等多级体系", []),
])
def test_nlp_orgs_enterprises(text, expected):
    assert sorted(labelled(text, "Enterprise")) == sorted(expected)


def test_nlp_orgs_coordination_expands_members():
    text = "。晋控装备集团天源、晋丰、金象公司气化升级改造项目"
    hints = sorted(h.hint for h in find_orgs(text, JINCHENG) if h.hint)
    assert hints == ["晋控装备集团天源公司", "晋控装备集团晋丰公司", "晋控装备集团金象公司"]


@pytest.mark.parametrize("text, expected", [
    ("推动与北京交通大学、太原理工大学、中北大学的科研合作", ["北京交通大学", "太原理工大学", "中北大学"]),
    ("强化与中国矿业大学、中国矿业大学（北京）、中国地质大学合作",
     ["中国矿业大学", "中国矿业大学（北京）", "中国地质大学"]),
    ("统筹发挥山西泫氏实业集团有限公司铸铁排水管工程技术研究中心的引领作用",
     ["山西泫氏实业集团有限公司铸铁排水管工程技术研究中心"]),
    ("推进市疾病预防控制中心仪器设备升级", ["市疾病预防控制中心"]),
    ("加强综合医院传染科建设，二级以上医院设置发热门诊", []),
    # invented
    ("依托湘潭钢铁产业研究院和湘潭市中心医院开展攻关", ["湘潭钢铁产业研究院", "湘潭市中心医院"]),
])
def test_nlp_orgs_institutions(text, expected):
    assert sorted(labelled(text, "Institution")) == sorted(expected)


@pytest.mark.parametrize("text, expected", [
    ("城区要求不低于80张床位，泽州县、高平市、阳城县要求不低于50张床位", ["城区", "泽州县", "高平市", "阳城县"]),
    ("推进沁水蜂蜜、陵川中药材、阳城蚕桑等产业园", []),
    ("加强沁水盆地煤层气勘探，改造老城区和中心城区", []),
    ("规划建设高平绿色铸造产业园", ["高平"]),
    ("晋城市城区人民政府", ["城区"]),
])
def test_nlp_places_counties(text, expected):
    assert labelled(text, "County") == expected


@pytest.mark.parametrize("text, city, code", [
    ("晋城市城区", "", "140502"),
    ("泽州县", JINCHENG, "140525"),
    ("城区、泽州、高平", JINCHENG, "140502"),
])
def test_nlp_places_county_codes(text, city, code):
    hits = find_places(text, city)
    assert hits and [h.code for h in hits if h.label == "County"][0] == code


def test_nlp_places_infer_city():
    assert infer_city("晋城市人民政府关于印发泽州县…") == "1405"


def test_nlp_pipeline_writes_span_group():
    nlp = make_nlp()
    names = [p for p, _ in nlp.pipeline]
    assert names[:2] == ["kg_places", "kg_orgs"]
    doc = nlp("由晋城市应急管理局会同泽州县人民政府负责")
    got = {(s.text, s.label_) for s in doc.spans["kg"]}
    assert ("晋城市应急管理局", "Department") in got
    assert ("泽州县", "County") in got


# Another government's document (株洲, Hunan): nothing here occurs in the Jincheng gazette.
ZHUZHOU = "4302"


@pytest.mark.parametrize("text, label, expected", [
    ("支持中车株洲电力机车有限公司建设轨道交通装备国家技术创新中心，推动与中南大学、湖南工业大学合作",
     "Enterprise", ["中车株洲电力机车有限公司"]),
    ("支持中车株洲电力机车有限公司建设轨道交通装备国家技术创新中心，推动与中南大学、湖南工业大学合作",
     "Institution", ["轨道交通装备国家技术创新中心", "中南大学", "湖南工业大学"]),
    ("〔责任单位：市发改委、市自然资源和规划局、市住建局，各县市区人民政府〕",
     "Department", ["市发改委", "市自然资源和规划局", "市住建局"]),
    ("〔责任单位：市发改委、市自然资源和规划局、市住建局，各县市区人民政府〕", "Collective", ["各县市区人民政府"]),
    ("由株洲高新区管委会牵头，会同人行株洲市中心支行、株洲海关",
     "Department", ["株洲高新区管委会", "人行株洲市中心支行", "株洲海关"]),
    ("中共株洲市委宣传部、市委网信办负责宣传", "Department",
     ["中共株洲市委", "中共株洲市委宣传部", "市委", "市委网信办"]),
    ("醴陵、攸县、茶陵县要发挥产业优势，荷塘区、天元区加快老城区改造", "County",
     ["醴陵", "攸县", "茶陵县", "荷塘区", "天元区"]),
])
def test_nlp_orgs_other_government(text, label, expected):
    assert labelled(text, label, ZHUZHOU) == expected


def test_nlp_places_bare_names_only_for_the_documents_city():
    text = "醴陵、攸县人民政府要发挥产业优势"
    assert [h.code for h in find_places(text, ZHUZHOU)] == ["430281", "430223"]
    assert [h.code for h in find_places(text, JINCHENG)] == ["430223"]  # 攸县 is official; 醴陵 is bare


@pytest.mark.parametrize("text", ["①古县城—中庄布政李府", "千年古县·如画沁水", "创建国家级示范县"])
def test_nlp_places_two_character_counties_need_context(text):
    assert labelled(text, "County") == []


@pytest.mark.parametrize("text, expected", [
    ("〔责任单位：市人工影响天气领导组各成员单位，各县（市、区）人民政府〕",
     ["市人工影响天气领导组各成员单位", "各县（市、区）人民政府"]),
    ("各县（市、区）人民政府、开发区管委会，市人民政府各委、办、局：",
     ["各县（市、区）人民政府", "开发区管委会", "市人民政府各委、办、局"]),
    ("〔责任单位：各相关部门、市总工会〕", ["各相关部门"]),
    ("加快市、县（市、区）疾病预防控制中心建设", ["县（市、区）疾病预防控制中心"]),
])
def test_nlp_orgs_collectives(text, expected):
    assert labelled(text, "Collective") == expected


def test_nlp_orgs_elliptical_level_gets_its_own_unit():
    text = "加快市、县（市、区）疾病预防控制中心建设"
    got = [(text[h.start:h.end], h.label, h.hint) for h in find_orgs(text, JINCHENG)]
    assert ("市", "Institution", "市疾病预防控制中心") in got


def test_nlp_extract_maps_spans_to_source_lines():
    from array import array

    from kg.model import Block, Document, Source
    from kg.nlp import extract

    raw = "晋城市人民政府\n\n〔责任单位：市发展\n改革委、泽州县〕\n"
    src = Source(path="g.txt", text=raw, encoding="utf-8", sha256="0")
    body = "〔责任单位：市发展改革委、泽州县〕"
    origin = array("q", [raw.index("〔") + i for i in range(9)] + [raw.index("改") + i for i in range(8)])
    doc = Document(id="d", source=src, title="晋城市人民政府",
                   blocks=[Block("para", "晋城市人民政府", array("q", range(7))), Block("para", body, origin)])
    ms = extract(doc)
    got = [(m.label, m.text, m.line, m.block, raw[m.start:m.end].replace("\n", "")) for m in ms]
    assert ("Department", "市发展改革委", 3, 1, "市发展改革委") in got
    assert ("County", "泽州县", 4, 1, "泽州县") in got
    assert ("Department", "晋城市人民政府", 1, 0, "晋城市人民政府") in got
    county = next(m for m in ms if m.label == "County")
    assert county.canonical_hint == "140525" and county.source == "g.txt"
    assert [(m.start, m.end) for m in ms] == sorted((m.start, m.end) for m in ms)


@pytest.mark.parametrize("text, label, expected", [
    # a provincial document's addressees and central ministries written without 国家
    ("各市人民政府，省人民政府各委、厅，各直属机构：", "Collective", ["各市人民政府", "省人民政府各委、厅", "各直属机构"]),
    ("各市人民政府，省人民政府各委、厅，各直属机构：", "Department", ["省人民政府"]),
    ("会同财政部、工业和信息化部办公厅，市财政部门和教育部门", "Department",
     ["财政部", "工业和信息化部", "工业和信息化部办公厅"]),
    ("中国人民银行晋城市中心支行、国家税务总局株洲市税务局", "Department",
     ["中国人民银行", "中国人民银行晋城市中心支行", "国家税务总局", "国家税务总局株洲市税务局"]),
])
def test_nlp_orgs_provincial_and_central(text, label, expected):
    assert labelled(text, label, "1400") == expected


@pytest.mark.parametrize("text, expected", [
    ("打造一批标杆乡村：城区北石店镇司徒村、阳城县润城镇", ["北石店镇", "司徒村", "润城镇"]),
    ("建设城区特色小镇，推进泽州县城镇老旧小区改造", []),
])
def test_nlp_places_towns_and_villages_after_their_county(text, expected):
    assert [p for p in labelled(text, "Place") if not p.endswith(("省", "市"))] == expected


@pytest.mark.parametrize("text, label, expected", [
    # verbs that also occur inside company names end other runs, not a company's
    ("组建晋城市城市建设投资有限公司和高平乾通园区运营有限公司", "Enterprise",
     ["晋城市城市建设投资有限公司", "高平乾通园区运营有限公司"]),
    ("，建设晋城三赢精密电子有限公司年产2亿个相机模组项目", "Enterprise", ["晋城三赢精密电子有限公司"]),
    ("支持山西清慧胜凯建设轨道交通新型材料结构件成型工程技术研究中心", "Institution",
     ["轨道交通新型材料结构件成型工程技术研究中心"]),
    ("重点以煤与煤层气共采国家重点实验室为技术支撑，推动与北京交通大学合作", "Institution",
     ["煤与煤层气共采国家重点实验室", "北京交通大学"]),
    ("建设国家煤层气产品质量监督检验中心、中西医结合临床研究中心", "Institution",
     ["国家煤层气产品质量监督检验中心", "中西医结合临床研究中心"]),
])
def test_nlp_orgs_run_boundaries(text, label, expected):
    assert labelled(text, label) == expected


@pytest.mark.parametrize("text, expected", [
    ("依托太原理工大学，联合潞安化工集团有限公司、晋中学院开展合作",
     [("太原理工大学", "Institution"), ("潞安化工集团有限公司", "Enterprise"), ("晋中学院", "Institution")]),
    ("支持华阳新材料科技集团有限公司（以下简称华阳集团）", [("华阳新材料科技集团有限公司", "Enterprise"),
                                             ("华阳集团", "Enterprise")]),
    ("由长治市上党区人民政府、山西省晋城市泽州县发展和改革局负责",
     [("长治市上党区人民政府", "Department"), ("山西省晋城市泽州县发展和改革局", "Department")]),
])
def test_nlp_orgs_invented_names(text, expected):
    got = [(text[h.start:h.end], h.label) for h in find_orgs(text, "1404")]
    assert got == expected


from hypothesis import given, settings, strategies as st  # noqa: E402

# Characters that drive the grammars (suffixes, levels, separators, places) plus noise.
_ALPHABET = st.sampled_from(list("市县区省局委办厅部院公司集团有限大学学院中心医院各（）、，。 和与的城泽州高平晋政府人民发改A1２\n“”《》"))


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_nlp_orgs_any_text_gives_spans_inside_it(text):
    for h in find_orgs(text, JINCHENG) + find_places(text, JINCHENG):
        assert 0 <= h.start < h.end <= len(text)


@pytest.mark.parametrize("text, expected", [
    ("县委办、县政府办，团市委、市纪委监委、市人大常委会、市政协、县人民法院",
     ["县委", "县委办", "县政府", "县政府办", "团市委", "市纪委", "市纪委监委", "市人大常委会", "市政协", "县人民法院"]),
    ("晋城经济技术开发区管委会负责", ["晋城经济技术开发区管委会"]),
])
def test_nlp_orgs_party_and_people_s_bodies(text, expected):
    assert labelled(text, "Department") == expected


@pytest.mark.parametrize("text, label, expected", [
    # bodies made of common words (教育, 文化, 旅游) are still departments
    ("（市教育局、市科技局、市文化和旅游局、市医保局等按职责分工负责）", "Department",
     ["市教育局", "市科技局", "市文化和旅游局", "市医保局"]),
    # public bodies no suffix rule knows, named as responsible units
    ("〔责任单位：市乡村振兴中心、市中小企业发展促进中心、市教育局〕", "Department",
     ["市乡村振兴中心", "市中小企业发展促进中心", "市教育局"]),
    ("（市农业农村局牵头，市乡村振兴中心、市财政局按职责分工负责）", "Department",
     ["市农业农村局", "市乡村振兴中心", "市财政局"]),
    ("加强市乡村振兴中心建设", "Department", []),
    ("（市疾病预防控制中心、市急救中心负责）", "Institution", ["市疾病预防控制中心", "市急救中心"]),
])
def test_nlp_orgs_responsibility_lists(text, label, expected):
    assert labelled(text, label) == expected


@pytest.mark.parametrize("text, expected", [
    ("建设晋城市文化旅游学校和县级中医院", ["晋城市文化旅游学校"]),  # a place makes a kind specific
    ("推动县级医院、综合医院和专科医院建设", []),
])
def test_nlp_orgs_place_plus_kind_is_a_name(text, expected):
    assert labelled(text, "Institution") == expected


@pytest.mark.parametrize("text, expected", [
    ("建设东方市场和安宁市场", []),
    ("高平市市场监督管理局", ["高平市"]),
])
def test_nlp_places_market_is_not_a_city(text, expected):
    assert labelled(text, "County") == expected


@pytest.mark.parametrize("text, expected", [
    # one-character function words end a run only before a place or level word
    ("共建山西省数字经济研究院，由山西大学牵头，对外经济贸易大学参与",
     ["山西省数字经济研究院", "山西大学", "对外经济贸易大学"]),
])
def test_nlp_orgs_function_characters_inside_names(text, expected):
    assert labelled(text, "Institution") == expected


def test_nlp_orgs_county_level_document():
    text = ("各乡（镇）人民政府，县直各有关单位：由县文旅局牵头，县发改局、县市场监管局配合。"
            "支持平遥县人民医院、山西平遥牛肉集团有限公司。平遥、介休、灵石三县（市）联动。")
    city = infer_city("平遥县人民政府")
    assert city == "1407"
    got = {(text[h.start:h.end], h.label) for h in find_orgs(text, city)}
    assert {("各乡（镇）人民政府", "Collective"), ("县直各有关单位", "Collective"), ("县文旅局", "Department"),
            ("县发改局", "Department"), ("县市场监管局", "Department"), ("平遥县人民医院", "Institution"),
            ("山西平遥牛肉集团有限公司", "Enterprise")} <= got
    assert [text[h.start:h.end] for h in find_places(text, city) if h.label == "County"][-3:] == ["平遥", "介休", "灵石"]


def test_nlp_orgs_quotes_delimit_a_name():
    text = "先后合作共建“晋城市中北先进材料与智能装备研究院”，以“富士康科技工业园”为依托"
    assert labelled(text, "Institution") == ["晋城市中北先进材料与智能装备研究院"]


@pytest.mark.parametrize("text, expected", [
    ("投资1.2亿元的山西德马格重工机械有限公司", ["山西德马格重工机械有限公司"]),  # 重工 is a word of the name
    ("鼓励皇城药业与北京首都医科大学合作", ["皇城药业"]),
    ("晋能控股集团晋圣上孔煤业有限公司", ["晋能控股集团", "晋能控股集团晋圣上孔煤业有限公司"]),  # a group is a parent
])
def test_nlp_orgs_industry_words_inside_company_names(text, expected):
    assert labelled(text, "Enterprise") == expected


@pytest.mark.parametrize("text, city, code", [
    ("北京市朝阳区人民政府", "", "110105"),
    ("长春市朝阳区", "", "220104"),
    ("朝阳区人民政府", "2201", "220104"),
    ("朝阳区人民政府", "1101", "110105"),
])
def test_nlp_places_shared_names_resolve_by_city(text, city, code):
    assert [h.code for h in find_places(text, city or infer_city(text)) if h.label == "County"] == [code]


@pytest.mark.parametrize("text, expected", [
    # a parent, a place and a field joined by 与 / 及 / 利用: one name, never its tail alone
    ("依托湘江大学长沙先进材料与智能装备研究院，重点攻关", ["湘江大学", "湘江大学长沙先进材料与智能装备研究院"]),
    ("加快湘江大学矿产绿色开采及尾矿综合利用衡阳研究院建设", ["湘江大学", "湘江大学矿产绿色开采及尾矿综合利用衡阳研究院"]),
    # a lab named by its field, the field a coordination; a branch of a national lab
    ("建成先进光电器件与系统集成湖南省重点实验室", ["先进光电器件与系统集成湖南省重点实验室"]),
    ("推进轻质合金铸造技术国家重点实验室湖南实验室建设", ["轻质合金铸造技术国家重点实验室", "轻质合金铸造技术国家重点实验室湖南实验室"]),
    # a verb inside a name that opens with 中国
    ("联合中国航空推进技术研究院开展攻关", ["中国航空推进技术研究院"]),
    # academies' institutes written short, research rooms of other countries' universities
    ("与清华大学、中科院物理所等科研院所合作", ["清华大学", "中科院", "中科院物理所"]),
    ("推进京都大学山田研究室长沙纳米研究中心落地", ["京都大学", "京都大学山田研究室", "京都大学山田研究室长沙纳米研究中心"]),
    # alliances: named ones, not kinds
    ("牵头成立湘南褐煤清洁化利用联盟、湖南省光伏产业联盟", ["湘南褐煤清洁化利用联盟", "湖南省光伏产业联盟"]),
    ("加入国家级或省级产业技术创新联盟", []),
    # two names side by side stay two; a coordination with a named university is no join
    ("推动星辉科技与北京交通大学合作", ["北京交通大学"]),
])
def test_nlp_orgs_institution_names_across_inner_words(text, expected):
    assert sorted(labelled(text, "Institution")) == sorted(expected)


@pytest.mark.parametrize("text, expected", [
    ("鼓励证券公司、期货公司开展结对帮扶", []),
    ("支持湖南能源集团与县相关上市公司合作", ["湖南能源集团"]),
    ("印发国网湖南省电力有限公司关于…的通知", ["国网湖南省电力有限公司"]),
    ("2021年3月区县公司完成验收", []),
    ("鼓励星辉实业、紫荆铸业扩大产能", ["星辉实业", "紫荆铸业"]),
])
def test_nlp_orgs_enterprise_kinds_and_paperwork(text, expected):
    assert sorted(labelled(text, "Enterprise")) == sorted(expected)


@pytest.mark.parametrize("text, expected", [
    # run-together correspondence: the verbs of a letter end a company name run
    ("经研究，同意湘江能源公司先行出资建设。", ["湘江能源公司"]),
    ("二、需要决策事项提请公司党委会审议", []),
    ("湘江能源公司向公司来函，设计院分别向公司来函", ["湘江能源公司"]),
    ("设计院向公司来函征询意见", []),
    ("并将其与湖南丽达电力有限公司签订的合同变更", ["湖南丽达电力有限公司"]),
    ("项目基本情况湘江丽达公司、长沙能源集团", ["湘江丽达公司", "长沙能源集团"]),
    ("组织建设部和长沙公司研究", ["长沙公司"]),
])
def test_nlp_orgs_company_runs_stop_at_verbs_of_correspondence(text, expected):
    assert labelled(text, "Enterprise") == expected


def test_nlp_orgs_local_financial_regulator_is_a_department():
    assert labelled("由省地方金融监管局、省能源局负责", "Department") == ["省地方金融监管局", "省能源局"]
    assert labelled("各级地方政府要落实", "Department") == []


@pytest.mark.parametrize("text, expected", [
    ("推进雨湖、岳塘、湘潭县博物馆建设", ["雨湖博物馆", "岳塘博物馆", "湘潭县博物馆"]),
    ("完善芙蓉、天心疾病预防控制中心设施", ["芙蓉疾病预防控制中心", "天心疾病预防控制中心"]),
    ("加强景区、社区、湘潭县博物馆建设", ["湘潭县博物馆"]),  # 景区, 社区 are no places
])
def test_nlp_orgs_places_listed_before_a_facility_each_have_one(text, expected):
    hits = [h for h in find_orgs(text, "4303") if h.label == "Institution"]
    assert sorted(h.hint or text[h.start:h.end] for h in hits) == sorted(expected)


@pytest.mark.parametrize("text, province, expected", [
    ("支持醴陵陶瓷文化生态保护试验区建设。", "43", ["醴陵"]),  # a provincial document: any county of the province
    ("支持醴陵陶瓷文化生态保护试验区建设。", "", []),  # a city's document: only its own counties
    ("支持醴陵陶瓷文化生态保护试验区建设。", "37", []),  # another province's county
    ("醴陵的陶瓷产业发展较快。", "43", []),  # a bare name that opens no longer name
])
def test_nlp_places_provincial_documents_name_their_counties_inside_names(text, province, expected):
    assert [text[h.start:h.end] for h in find_places(text, "4301", province) if h.label == "County"] == expected


@pytest.mark.parametrize("text, expected", [
    ("对新认定的国家地方联合工程研究中心给予奖励", []),  # levels only: a kind of centre
    ("组建省部共建湘江矿冶清洁利用国家重点实验室", ["湘江矿冶清洁利用国家重点实验室"]),
])
def test_nlp_orgs_level_only_bodies_are_kinds(text, expected):
    assert labelled(text, "Institution") == expected


@pytest.mark.parametrize("text, expected", [
    # a group named by kind words is a name where it is the parent of a company named by a place
    ("近日，中国电力建设集团湖南省电力设计院有限公司来函。", ["中国电力建设集团", "中国电力建设集团湖南省电力设计院有限公司"]),
    ("鼓励电力建设集团做大做强。", []),  # alone, the same words are a kind of group
])
def test_nlp_orgs_group_parent_of_a_placed_company(text, expected):
    assert sorted(labelled(text, "Enterprise", "")) == sorted(expected)
