"""Segmentation: real gazette excerpts (input → expected), the whole bundled gazette, website-style documents."""
import re
import time

import pytest

from kg.clean import clean
from kg.read import read_bytes
from kg.segment import describe, segment

# --- real excerpts of data/jincheng-gazette-2022-06.txt (copied verbatim, line numbers in comments) ---

# lines 39–92: the covering notice of 晋市政发〔2022〕27号 dropped in the middle of a sentence
NOTICE_IN_SENTENCE = """\
“十三五”以来，晋城深入贯彻落实习近平总

书记系列重要讲话精神和中央、省委关于创新驱

动战略的决策部署，大力实施创新驱动、科教兴

市、人才强市战略，在强化科技与经济对接、创新

成果与产业对接、创新项目与现实生产力对接上

狠下功夫，全市科技创新综合实力稳步提升，创新

创业能力不断增强，科技创新平台建设加快推进，

晋城市人民政府

关于印发晋城市“十四五”打造一流创新生态

实施创新驱动战略规划的通知

晋市政发〔2022〕27号

各县（市、区）人民政府、开发区管委会，市人民政

府各委、办、局：

现将《晋城市“十四五”打造一流创新生态实

施创新驱动战略规划》印发给你们，请认真组织

实施。

晋城市人民政府

2022年9月30日

（此件公开发布）

晋城市人民政府

关于印发晋城市“十四五”打造一流创新生态

实施创新驱动战略规划的通知
 科技创新政策环境不断优化，科技创新动能日益

显现，完成了“十三五”科技创新规划确定的主要

目标和任务，为全市经济社会发展提供了重要的

科技支撑。

科技创新综合实力稳步提升。科技创新投入

稳定增长，科技成果转化成效显著，各项科技创新
"""

RUN_IN = """\

新成果更好惠及人民。
 三、全面强化知识产权高标准保护，营造转型

发展良好环境

（（四四））加强知识产权政策体系建设加强知识产权政策体系建设

大力推动《山西省知识产权保护工作条例》实

施，提高知识产权保护工作法治化水平。加强新

技术、新产业、新业态、新模式知识产权保护规则

跟踪研究，制定产业知识产权保护政策措施。探

索综合运用著作权、商标权、专利权、地理标志等

多种手段，加强非物质文化遗产知识产权保护。

聚焦晋城特色农业，实施地理标志保护工程，开展

地理标志产品保护示范区建设。聚焦中医药传统

知识保护与创新发展，完善中医药知识产权保护

制度。探索制定支持知识产权服务业发展的专项

政策。（市中级人民法院、市检察院、市公安局、市

委宣传部、市司法局、市农业农村局、市商务局、市

卫健委、市文旅局、市市场监管局、市规划和自然

资源局等按职责分工负责）

（（五五））加大知识产权侵权打击力度加大知识产权侵权打击力度

"""

BOX_ACROSS_PAGE = """\
第三节 深化第三节 深化““太行山水太行山水””旅游品牌旅游品牌

全面落实《太行山旅游业发展规划（2020-
2035年）》和《山西省太行山旅游发展总体规划》任

务要求，实现与周边省市的差异化发展。提升皇

城相府、王莽岭龙头景区品质，以景区升级带动，

将山地资源、自然野趣、民俗风情等资源与自驾、

专栏2：“一核、两环、两带、十片”重点牵引项目

长平之战历史文化公园：以长平之战历史事件的时

空过程与文化遗产为载体，以历史文化、军事智慧、传说

故事等为特色，通过创造性转化与创新性发展，通过长平

之战文化博览园、战国七雄文化主题乐园、长平邑特色文

化小镇、“风云长平”文化演艺历史剧场等引擎项目，建设

集历史教育、文化体验、研学旅行、文化游乐等功能于一

体的历史文化公园。

“问祖炎帝寻根高平”海峡两岸神农炎帝经贸文化旅

游招商系列活动：继续举办“问祖炎帝寻根高平”海峡两

岸神农炎帝经贸文化旅游招商系列活动，持续打造推介

高平、展示晋城、宣传山西的全新平台，深化两岸经贸文

化交流合作，扩大晋城文化影响力，推动地方经济发展。

王莽岭景区建设项目：创建 5A级景区，争取创建国

家、省级旅游度假区。项目包括王莽岭旅游区基础设施

改造提升（一期）工程、王莽岭旅游区基础设施改造提升

（二期）工程和其它旅游开发建设项目。

太行洪谷大景区建设项目：位于沁水西部，以历山、

柳氏民居、太行洪谷国家森林公园、特色康养村为依托，

打造连片优质生态康养区，营造历山高端旅游度假康养

目的地、太行洪谷暗夜星空休闲目的地。

皇城相府集团旅游区提升项目：以创建国家级旅游

度假区为建设标准，全面提升皇城相府、相府庄园、蟒河

基础设施与品质品位；落地系列 IP文创产品利用现代智

能技术将明清科举文化打造成让游客可参与、可体验的

旅游项目。
 游学、探奇等相结合，开发山地自驾游、研学旅游

等特色产品，打造品类多样、体验丰富的太行山水

文化旅游目的地和康养胜地。依托太行一号国家

风景道，整合山水旅游景区、森林康养基地、森林

公园等，形成全面展示晋城最精华、最特色的南太

行山水集聚群。

第四节 塑造第四节 塑造““太行人家太行人家””康养品牌康养品牌

"""

JOINT_NOTICE = """\
三、以联合审查推动简化项目审批

晋城市行政审批服务管理局

晋城市住房和城乡建设局

关于印发《进一步优化城镇老旧小区改造项目

审批流程的实施细则（试行）》的通知

晋市审管发〔2022〕11号

各县（市、区）行政审批服务管理局、住房和城乡建

设局：

现将《进一步优化城镇老旧小区改造项目审

批流程的实施细则（试行）》印发给你们，请结合实

际，认真贯彻落实。

晋城市行政审批服务管理局

晋城市住房和城乡建设局

2022年3月29日

（此件主动公开）

进一步优化城镇老旧小区改造项目

审批流程的实施细则（试行）
 1.各县（市、区）实施主体编制的改造方案，应根

据改造项目具体情况，明确项目改造内容、规划设计

方案、施工图文件、工程量清单、投资估算、资金来源

等内容，深度应满足可行性研究报告、初步设计等后
"""


def docs_of(text: str, name: str = "excerpt.txt"):
    return segment(clean(read_bytes(name, text.encode("utf-8"))))


def test_segment_notice_removed_and_sentence_rejoined():
    [doc] = docs_of(NOTICE_IN_SENTENCE)
    assert (doc.number, doc.issuers, doc.date, doc.publication) == ("晋市政发〔2022〕27号", ("晋城市人民政府",), "2022-09-30", "此件公开发布")
    assert doc.title == "晋城市“十四五”打造一流创新生态实施创新驱动战略规划"
    assert doc.addressees == "各县（市、区）人民政府、开发区管委会，市人民政府各委、办、局"
    assert doc.notice == "现将《晋城市“十四五”打造一流创新生态实施创新驱动战略规划》印发给你们，请认真组织实施。"
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["notice", "para", "para"]
    para = doc.blocks[1].text
    assert "科技创新平台建设加快推进，科技创新政策环境不断优化，科技创新动能日益显现" in para
    assert para.endswith("为全市经济社会发展提供了重要的科技支撑。")
    assert "晋城市人民政府" not in para and "印发" not in para


def test_segment_joint_notice_has_two_issuers():
    [doc] = docs_of(JOINT_NOTICE)
    assert doc.issuers == ("晋城市行政审批服务管理局", "晋城市住房和城乡建设局")
    assert (doc.number, doc.date, doc.publication) == ("晋市审管发〔2022〕11号", "2022-03-29", "此件主动公开")
    assert doc.title == "进一步优化城镇老旧小区改造项目审批流程的实施细则（试行）"
    assert doc.addressees == "各县（市、区）行政审批服务管理局、住房和城乡建设局"
    heads = [(b.number, b.title, b.section) for b in doc.blocks if b.kind == "heading"]
    assert heads == [("三、", "以联合审查推动简化项目审批", ("三",)),
                     ("1.", "各县（市、区）实施主体编制的改造方案", ("三", "1."))]
    assert doc.blocks[-1].text.startswith("应根据改造项目具体情况")


def test_segment_run_in_heading_split_at_bold_end():
    [doc] = docs_of(RUN_IN)
    blocks = [(b.kind, b.title or b.text[:12], b.section) for b in doc.blocks]
    assert blocks[:5] == [
        ("para", "新成果更好惠及人民。", ()),
        ("heading", "全面强化知识产权高标准保护，营造转型发展良好环境", ("三",)),
        ("heading", "加强知识产权政策体系建设", ("三", "（四）")),
        ("para", "大力推动《山西省知识产权", ("三", "（四）")),
        ("heading", "加大知识产权侵权打击力度", ("三", "（五）")),
    ]
    para = doc.blocks[3].text
    assert para.endswith("。（市中级人民法院、市检察院、市公安局、市委宣传部、市司法局、市农业农村局、市商务局、市卫健委、市文旅局、"
                         "市市场监管局、市规划和自然资源局等按职责分工负责）")
    heading = doc.blocks[2]
    assert (heading.number, heading.level, heading.text) == ("（四）", 2, "（四）加强知识产权政策体系建设")


def test_segment_box_across_page_leaves_sentence_whole():
    [doc] = docs_of(BOX_ACROSS_PAGE)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "para", "box", "heading"]
    para, box = doc.blocks[1], doc.blocks[2]
    assert "将山地资源、自然野趣、民俗风情等资源与自驾、游学、探奇等相结合" in para.text
    assert box.title == "专栏2：“一核、两环、两带、十片”重点牵引项目"
    assert box.section == para.section == ("第三节",)
    assert "长平之战历史文化公园" in box.text and "游学、探奇" not in box.text


@pytest.mark.parametrize("name", ["NOTICE_IN_SENTENCE", "RUN_IN", "BOX_ACROSS_PAGE", "JOINT_NOTICE"])
def test_segment_block_offsets_point_at_source(name):
    text = globals()[name]
    for doc in docs_of(text):
        for b in doc.blocks:
            assert len(b.origin) == len(b.text)
            assert all(ch == "\n" or text[o] == ch for ch, o in zip(b.text, b.origin))


# --- website-style documents (invented): one paragraph per line, metadata in the first lines ---

WEB_NOTICE = """\
太原市人民政府办公室关于印发太原市促进数字经济发展若干措施的通知
并政办发〔2023〕12号
各县（市、区）人民政府，市人民政府各委、办、局：
《太原市促进数字经济发展若干措施》已经市人民政府同意，现印发给你们，请认真贯彻落实。
太原市人民政府办公室
2023年3月15日
（此件公开发布）
太原市促进数字经济发展若干措施
为加快数字经济发展，推动数字产业化和产业数字化，制定以下措施。
一、夯实数字基础设施
（一）加快5G网络建设。到2025年，全市建成5G基站1.5万个，实现重点区域全覆盖。（市工信局牵头，市通信发展管理办公室配合）
（二）布局算力设施。支持建设绿色数据中心。〔责任单位：市发改委、市工信局〕
二、培育数字产业
1.支持软件企业做大做强。对年营业收入首次突破1亿元的软件企业给予奖励。
"""

WEB_PLAIN = """\
关于进一步加强城市供水安全保障工作的意见
各区人民政府，市政府各部门：
为保障城市供水安全，提出如下意见。
一、总体要求
坚持人民至上，确保供水安全。
二、主要任务
（一）加强水源保护。划定水源保护区，加强巡查。（市水务局负责）
（二）提升应急能力。
某某市人民政府
2021年6月1日
"""

WEB_BARE = """\
第一条 为规范管理，制定本办法。
第二条 本办法适用于全市。
"""

# the whole document on one line (OCR, a web copy), half-width punctuation, spaces between header parts
WEB_ONE_LINE = ("某某县人民政府办公室关于印发某某县加快茶产业发展实施方案的通知 某政办发〔2023〕7号 各乡镇人民政府,"
                "县政府各部门: 《某某县加快茶产业发展实施方案》已经县政府同意,现印发给你们。 某某县人民政府办公室 "
                "2023年4月6日 (此件公开发布) 某某县加快茶产业发展实施方案 一、主要任务 (一)建设茶园基地。新建标准茶园"
                "五千亩。(县农业农村局牵头,县财政局配合) (二)培育茶叶品牌。支持企业创建品牌。(县市场监管局负责) "
                "二、保障措施 (一)加强组织领导。建立工作专班。(县农业农村局负责)\n")

# a title line before the 文号 and addressees, the signature at the end
WEB_TITLE_FIRST = """某某省人民政府办公厅关于进一步稳定就业的若干措施
某办发〔2023〕9号
各市（州）人民政府，省政府各部门：
一、支持企业稳岗
（一）落实稳岗政策。发放稳岗返还。（某某厅负责）
某某省人民政府办公厅
2023年5月8日
"""

WEB = [
    # text, id, 文号, issuers, date, title, headings (section paths)
    (WEB_ONE_LINE, "某政办发-2023-7", "某政办发〔2023〕7号", ("某某县人民政府办公室",), "2023-04-06", "某某县加快茶产业发展实施方案",
     [("一",), ("一", "（一）"), ("一", "（二）"), ("二",), ("二", "（一）")]),
    (WEB_TITLE_FIRST, "某办发-2023-9", "某办发〔2023〕9号", ("某某省人民政府办公厅",), "2023-05-08",
     "某某省人民政府办公厅关于进一步稳定就业的若干措施", [("一",), ("一", "（一）")]),
    (WEB_NOTICE, "并政办发-2023-12", "并政办发〔2023〕12号", ("太原市人民政府办公室",), "2023-03-15", "太原市促进数字经济发展若干措施",
     [("一",), ("一", "（一）"), ("一", "（二）"), ("二",), ("二", "1.")]),
    (WEB_PLAIN, "关于进一步加强城市供水安全保障工作的意见", "", ("某某市人民政府",), "2021-06-01", "关于进一步加强城市供水安全保障工作的意见",
     [("一",), ("二",), ("二", "（一）"), ("二", "（二）")]),
    (WEB_BARE, "web-bare", "", (), "", "", [("第一条",), ("第二条",)]),
]


@pytest.mark.parametrize("text,id_,number,issuers,date,title,paths", WEB, ids=["one-line", "title-first", "notice", "plain", "bare"])
def test_segment_website_document(text, id_, number, issuers, date, title, paths):
    [doc] = docs_of(text, "web-bare.txt")
    assert (doc.id, doc.number, doc.issuers, doc.date, doc.title) == (id_, number, issuers, date, title)
    assert [b.section for b in doc.blocks if b.kind == "heading"] == paths
    assert not any(b.kind == "para" and (b.text == title or b.text.startswith("各区")) for b in doc.blocks)


def test_segment_website_run_in_and_clauses():
    [doc] = docs_of(WEB_NOTICE)
    by_title = {b.title: i for i, b in enumerate(doc.blocks) if b.kind == "heading"}
    body = doc.blocks[by_title["加快5G网络建设。"] + 1]
    assert body.kind == "para" and body.text.endswith("（市工信局牵头，市通信发展管理办公室配合）")
    assert doc.blocks[by_title["布局算力设施。"] + 1].text == "支持建设绿色数据中心。〔责任单位：市发改委、市工信局〕"
    assert doc.addressees == "各县（市、区）人民政府，市人民政府各委、办、局"
    assert [b.kind for b in doc.blocks][:2] == ["notice", "para"]


# another city's gazette (invented): each notice printed first, then its document; lines wrapped
OTHER_GAZETTE = """\
长治市人民政府

关于印发长治市促进民营经济发展若干措施的通知

长政发〔2023〕5号

各县（区）人民政府，市直各有关单位：

现将《长治市促进民营经济发展若干措施》印发给你们，

请认真贯彻执行。

长治市人民政府

2023年2月10日

（此件公开发布）

长治市促进民营经济发展若干措施

为进一步优化民营经济发展环境，激发市场主体活

力，结合我市实际，制定以下措施。

一、优化营商环境

（一）深化“放管服”改革。全面推行证明事项告知承

诺制。（市行政审批局牵头，市直各部门按职责分工

负责）

二、加大金融支持

（二）拓宽融资渠道。支持民营企业发行债券。〔责

任单位：市金融办、人行长治中心支行〕

长治市人民政府办公室

关于印发长治市农业产业化发展行动方案的通知

长政办发〔2023〕8号

各县（区）人民政府，市人民政府各委、办、局：

《长治市农业产业化发展行动方案》已经市人民政府同

意，现印发给你们，请认真贯彻落实。

长治市人民政府办公室

2023年3月1日

（此件公开发布）

长治市农业产业化发展行动方案

为加快农业产业化发展，制定本方案。

一、发展目标

到2025年，全市农业产业化龙头企业达到200家。
"""


def test_segment_notices_heading_their_documents():
    docs = docs_of(OTHER_GAZETTE)
    assert [(d.id, d.issuers, d.date, d.title) for d in docs] == [
        ("长政发-2023-5", ("长治市人民政府",), "2023-02-10", "长治市促进民营经济发展若干措施"),
        ("长政办发-2023-8", ("长治市人民政府办公室",), "2023-03-01", "长治市农业产业化发展行动方案"),
    ]
    first, second = docs
    assert [b.kind for b in first.blocks] == ["notice", "para", "heading", "heading", "para", "heading", "heading", "para"]
    assert first.blocks[4].text == "全面推行证明事项告知承诺制。（市行政审批局牵头，市直各部门按职责分工负责）"
    assert first.blocks[7].text == "支持民营企业发行债券。〔责任单位：市金融办、人行长治中心支行〕"
    assert (first.start_line, first.end_line, second.start_line, second.end_line) == (1, 37, 39, 63)
    assert second.blocks[1].text == "为加快农业产业化发展，制定本方案。"


# --- several short documents in one file (website dumps, invented) ---

STANDALONE = """\
晋城市人民政府办公室
关于做好夏季防汛工作的通知
晋市政办〔2022〕1号
各县（市、区）人民政府，市人民政府各委、办、局：
现就做好夏季防汛工作通知如下。
一、压实责任
各县（市、区）要落实防汛责任制。
晋城市人民政府办公室
2022年6月1日
（此件公开发布）
"""
STANDALONE_2 = (STANDALONE.replace("夏季防汛", "森林防火").replace("〕1号", "〕2号").replace("6月1日", "6月2日"))


def _unaddressed(text: str) -> str:
    """The same notice as a website prints it: no addressees, no publication mark."""
    return text.replace("各县（市、区）人民政府，市人民政府各委、办、局：\n", "").replace("（此件公开发布）\n", "")


SEVERAL = [
    # text, (文号, title, date, first heading path) of each document
    ("one standalone notice", STANDALONE, [("晋市政办〔2022〕1号", "关于做好夏季防汛工作的通知", "2022-06-01")]),
    ("two standalone notices", STANDALONE + STANDALONE_2,
     [("晋市政办〔2022〕1号", "关于做好夏季防汛工作的通知", "2022-06-01"),
      ("晋市政办〔2022〕2号", "关于做好森林防火工作的通知", "2022-06-02")]),
    ("two standalone notices, page break", STANDALONE + "\f" + STANDALONE_2,
     [("晋市政办〔2022〕1号", "关于做好夏季防汛工作的通知", "2022-06-01"),
      ("晋市政办〔2022〕2号", "关于做好森林防火工作的通知", "2022-06-02")]),
    ("two notices without addressees", _unaddressed(STANDALONE) + _unaddressed(STANDALONE_2),
     [("晋市政办〔2022〕1号", "关于做好夏季防汛工作的通知", "2022-06-01"),
      ("晋市政办〔2022〕2号", "关于做好森林防火工作的通知", "2022-06-02")]),
    ("two plain documents, signed", WEB_PLAIN + WEB_PLAIN.replace("城市供水安全保障", "农村饮水").replace("6月1日", "7月1日"),
     [("", "关于进一步加强城市供水安全保障工作的意见", "2021-06-01"), ("", "关于进一步加强农村饮水工作的意见", "2021-07-01")]),
    # an appendix title after the signature is no new document (a lone title is no header)
    ("appendix after the signature", _unaddressed(STANDALONE) + "晋城市防汛工作方案\n一、目标\n确保安全。\n",
     [("晋市政办〔2022〕1号", "关于做好夏季防汛工作的通知", "2022-06-01")]),
]


@pytest.mark.parametrize("case,text,expected", SEVERAL, ids=[c[0] for c in SEVERAL])
def test_segment_several_documents_in_one_file(case, text, expected):
    docs = docs_of(text)
    assert [(d.number, d.title, d.date) for d in docs] == expected
    for d in docs:
        assert d.issuers in ((), ("晋城市人民政府办公室",), ("某某市人民政府",))
        heads = [b.text for b in d.blocks if b.kind == "heading"]
        assert heads[0] in ("一、压实责任", "一、总体要求")
        assert not any(b.kind == "para" and DOC_NUMBER_LINE.search(b.text) for b in d.blocks)
    assert [d.start for d in docs] == sorted(d.start for d in docs)
    assert all(a.end <= b.start for a, b in zip(docs, docs[1:]))  # no document overlaps the next


DOC_NUMBER_LINE = re.compile(r"〔\d{4}〕\d+号")


def test_segment_corpus_is_one_call_per_file():
    docs = docs_of(WEB_NOTICE, "a.txt") + docs_of(WEB_PLAIN, "b.txt")
    assert [d.source.name for d in docs] == ["a.txt", "b.txt"]
    assert len({d.id for d in docs}) == 2


# --- the bundled gazette ---

EXPECTED = [
    # id, 文号, issuers, date, title, top-level outline
    ("晋市政发-2022-27", "晋市政发〔2022〕27号", ("晋城市人民政府",), "2022-09-30", "晋城市“十四五”打造一流创新生态实施创新驱动战略规划",
     "一 二 三 四 五 六 七"),
    ("晋市政发-2022-31", "晋市政发〔2022〕31号", ("晋城市人民政府",), "2022-09-30", "晋城市“十四五”文化旅游康养产业发展规划",
     "第一章 第二章 第三章 第四章 第五章 第六章 第七章 第八章 第九章"),
    ("晋市政发-2022-32", "晋市政发〔2022〕32号", ("晋城市人民政府",), "2022-10-12", "晋城市“十四五”知识产权保护和运用规划",
     "一 二 三 四 五 六 七 八"),
    ("晋市政发-2022-33", "晋市政发〔2022〕33号", ("晋城市人民政府",), "2022-10-14", "晋城市“十四五”公共卫生体系规划",
     "第一章 第二章 第三章 第四章"),
    ("晋市政发-2022-35", "晋市政发〔2022〕35号", ("晋城市人民政府",), "2022-12-01", "晋城市“十四五”煤炭煤化工千亿级产业集群发展规划",
     "第一章 第二章 第三章 第四章 第五章"),
    ("晋市政发-2022-36", "晋市政发〔2022〕36号", ("晋城市人民政府",), "2022-12-01", "晋城市“十四五”新装备、先进制造业、光机电千亿级产业集群发展规划",
     "一 二 三 四 五 附件"),
    ("晋市政办-2022-31", "晋市政办〔2022〕31号", ("晋城市人民政府办公室",), "2022-10-28", "晋城市生活性服务业发展行动计划",
     "一 二 三 四 五"),
    ("晋市政办-2022-32", "晋市政办〔2022〕32号", ("晋城市人民政府办公室",), "2022-10-31", "关于推进人工影响天气工作高质量发展的实施方案",
     "一 二 三 四 五"),
    ("晋市审管发-2022-11", "晋市审管发〔2022〕11号", ("晋城市行政审批服务管理局", "晋城市住房和城乡建设局"), "2022-03-29",
     "进一步优化城镇老旧小区改造项目审批流程的实施细则（试行）", "一 二 三 四 五"),
    ("晋市发改规发-2022-1", "晋市发改规发〔2022〕1号", ("晋城市发展和改革委员会",), "2022-10-21", "晋城市信用修复管理办法（试行）",
     "第一章 第二章 第三章 第四章 第五章 第六章 第七章 附件"),
]


def test_segment_gazette_has_ten_documents(gazette_docs):
    assert len(gazette_docs) == 10


@pytest.mark.parametrize("k,expected", list(enumerate(EXPECTED)), ids=[e[0] for e in EXPECTED])
def test_segment_document_metadata_and_outline(gazette_docs, k, expected):
    doc = gazette_docs[k]
    *meta, top = expected
    assert (doc.id, doc.number, doc.issuers, doc.date, doc.title) == tuple(meta)
    assert " ".join(s.id for s in doc.outline) == top
    assert doc.publication.startswith("此件") and doc.addressees.startswith("各") and "印发" in doc.notice


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.children)


# furniture, doubled bold, notice lines: none may survive in a body block
LEFTOVER = re.compile(
    r"公报（20|·· ?\d|（（|第.节第.节|([\u4e00-\u9fff]{4,})\1|印发给你们|此件公开发布|此件主动公开|市政府各委、办、局：|[〔]2022[〕]\d+号$"
)


def test_segment_gazette_bodies_are_clean(gazette_docs):
    left = [(d.id, b.text[:40]) for d in gazette_docs for b in d.blocks if b.kind != "notice" and LEFTOVER.search(b.text)]
    allowed = {"提高医疗机构现代化水平", "大力发展体育赛事。"}  # the source itself repeats these
    assert [x for x in left if not any(a in x[1] or a in _full(gazette_docs, x) for a in allowed)] == []


def _full(docs, x):
    return next(b.text for d in docs if d.id == x[0] for b in d.blocks if b.text.startswith(x[1]))


def test_segment_gazette_outline_matches_headings(gazette_docs):
    for doc in gazette_docs:
        heads = [b for b in doc.blocks if b.kind == "heading"]
        sections = list(_walk(doc.outline))
        assert [(s.path, s.title) for s in sections if s.id != "附件"] == [(h.section, h.title) for h in heads]
        for s in sections:
            assert s.level == len(s.path)
            assert all(c.path[:-1] == s.path for c in s.children)
        first_heading = next(i for i, b in enumerate(doc.blocks) if b.kind == "heading")
        for i, b in enumerate(doc.blocks):
            assert b.kind in {"heading", "para", "box", "table", "appendix", "notice"}
            # an introduction before the first heading belongs to no section; everything else does
            assert bool(b.section) == (i >= first_heading), (doc.id, b.kind, b.text[:30])


SECTION_COUNTS = {"晋市政发-2022-27": 40, "晋市政发-2022-32": 30, "晋市政办-2022-32": 21, "晋市发改规发-2022-1": 37}


@pytest.mark.parametrize("doc_id,count", sorted(SECTION_COUNTS.items()))
def test_segment_gazette_section_counts(gazette_docs, doc_id, count):
    doc = next(d for d in gazette_docs if d.id == doc_id)
    assert sum(1 for _ in _walk(doc.outline)) == count


def test_segment_gazette_offsets_map_to_source(gazette, gazette_cleaned, gazette_docs):
    src = gazette.text
    repaired = {r.offset + k for r in gazette_cleaned.repairs for k in range(len(r.before))}
    for doc in gazette_docs:
        for b in doc.blocks[:: max(1, len(doc.blocks) // 25)]:
            assert len(b.origin) == len(b.text)
            for ch, o in zip(b.text, b.origin):
                assert ch == "\n" or src[o] == ch or o in repaired, (doc.id, b.text[:20], ch, o)
            # the source between the block's first and last character holds the block text, plus
            # line breaks, page furniture and whatever the block left out (notices, floats)
            a, z = b.origin[0], b.origin[-1] + 1
            squeezed = re.sub(r"\s+", "", src[a:z])
            assert len(squeezed) >= len(re.sub(r"\s+", "", b.text)) - 3


# a paragraph after a full line ending a sentence starts at an indented line, digits or not
PARAGRAPH_STARTS = [
    ("晋市政发-2022-27", "大力培育高新技术企业。聚焦“1+5”现代产业体系"),
    ("晋市政发-2022-27", "山西智创城No.6全面高效运营。"),
    ("晋市政发-2022-35", "煤炭洗选。到2025年"),
]


@pytest.mark.parametrize("doc_id,start", PARAGRAPH_STARTS)
def test_segment_gazette_paragraph_after_full_line_with_digits(gazette_docs, doc_id, start):
    doc = next(d for d in gazette_docs if d.id == doc_id)
    assert any(b.kind == "para" and b.text.startswith(start) for b in doc.blocks)
    assert not any(b.kind == "para" and start in b.text[1:] for b in doc.blocks)


# a numbered item's title: its first sentence when short, else its first clause or lead-in (never
# the bare number)
ITEM_TITLES = [
    ("第五条/1.", "涉及一般失信行为的行政处罚信息是指性质较轻、情节轻微、社会危害程度较小的违法失信行为的行政处罚信息"),
    ("第五条/2.", "涉及严重失信行为的行政处罚信息主要是指对性质恶劣、情节严重、社会危害程度较大的违法失信行为的行政处罚信息。"),
    ("第五条/3.", "涉及特定严重失信行为的行政处罚信息主要包括"),
]


@pytest.mark.parametrize("path,title", ITEM_TITLES)
def test_segment_gazette_long_item_titled_by_its_first_clause(gazette_docs, path, title):
    doc = next(d for d in gazette_docs if d.id == "晋市发改规发-2022-1")
    titles = {"/".join(b.section[-2:]): b.title for b in doc.blocks if b.kind == "heading"}
    assert titles[path] == title


def test_segment_gazette_responsibility_clauses_intact(gazette_docs):
    clause = re.compile(r"〔责任单位[^〔〕]*〕|（[^（）]{2,80}(?:按职责分工负责|牵头负责|牵头)[^（）]{0,60}）")
    found = 0
    for doc in gazette_docs:
        for b in doc.blocks:
            assert not re.search(r"〔责任单位[^〕]*$", b.text), b.text[-60:]
            found += len(clause.findall(b.text))
    assert found >= 75


def test_segment_gazette_box_over_three_pages_is_one(gazette_docs):
    doc = gazette_docs[1]
    boxes = [b for b in doc.blocks if b.kind == "box" and b.title.startswith("专栏2：")]
    assert len(boxes) == 1
    for part in ("白马寺山高端康养示范区", "晋城古堡群世界文化遗产申遗项目", "长平之战历史文化公园"):
        assert part in boxes[0].text


def test_segment_gazette_running_title_dropped(gazette_docs):
    doc = next(d for d in gazette_docs if d.id == "晋市政办-2022-32")
    para = next(b for b in doc.blocks if "保障重大活动顺利开展" in b.text)
    assert para.text.endswith("各县（市、区）人民政府〕")
    assert not any(b.text.startswith("关于推进人工影响天气") for b in doc.blocks if b.kind != "notice")


def test_segment_gazette_vertical_appendix_readable(gazette_docs):
    doc = next(d for d in gazette_docs if d.id == "晋市政发-2022-36")
    text = "".join(b.text for b in doc.blocks if b.kind == "appendix")
    assert "将光学镜头、图像传感器、VCM音圈马达" in text
    assert "重点行业重点技术产业分析拟招商企业" in text
    assert max(len(b.text) for b in doc.blocks if b.kind == "appendix") > 300


def test_segment_gazette_document_bounds(gazette_docs):
    starts = [(d.id, d.start_line) for d in gazette_docs]
    assert [s for _, s in starts] == sorted(s for _, s in starts)
    first_body = {d.id: d.source.line_of(next(b for b in d.blocks if b.kind != "notice").origin[0]) for d in gazette_docs}
    assert first_body == {
        "晋市政发-2022-27": 1, "晋市政发-2022-31": 2290, "晋市政发-2022-32": 6663, "晋市政发-2022-33": 7806,
        "晋市政发-2022-35": 11192, "晋市政发-2022-36": 12957, "晋市政办-2022-31": 17327, "晋市政办-2022-32": 18584,
        "晋市审管发-2022-11": 18929, "晋市发改规发-2022-1": 19161,
    }


def test_segment_gazette_glyph_repairs_reach_blocks(gazette_docs):
    text = "\n".join(b.text for b in gazette_docs[0].blocks)
    assert "研究与试验发展（R&D）" in text and "山西智创城No.6" in text and "力口" not in text


def test_segment_is_deterministic_and_fast(gazette):
    t = time.perf_counter()
    a = segment(clean(gazette))
    elapsed = time.perf_counter() - t
    b = segment(clean(gazette))
    assert [(d.id, [x.text for x in d.blocks]) for d in a] == [(d.id, [x.text for x in d.blocks]) for d in b]
    assert elapsed < 1.0  # typically 0.15 s; the margin absorbs a loaded CI machine


def test_segment_describe_lists_outline(gazette_docs):
    out = describe(gazette_docs[3])
    assert out.startswith("== 晋市政发-2022-33  晋市政发〔2022〕33号")
    assert "第三章 重点任务" in out and "  第一节 改革完善疾病预防控制体系" in out
    with_blocks = describe(gazette_docs[3], blocks=True)
    assert "[0] notice" in with_blocks and " box " in with_blocks


# --- text without line breaks (OCR, web copies): the outline is cut out of one line -------------

from kg.segment.outline import item_starts  # noqa: E402


@pytest.mark.parametrize("text,starts", [
    # sentence ends, closing brackets and a heading title run on before its first subitem
    ("前言。一、总体要求（一）指导思想。坚持。（二）基本原则。1.统筹推进。内容。2.突出重点。二、任务",
     ["一、总体要求", "（一）指导思想", "（二）基本原则", "1.统筹推进", "2.突出重点", "二、任务"]),
    # 11。 where item 11 is due; half-width brackets; a clause closing the item before the next number
    ("如下：" + "".join(f"{k}.第{k}项。" for k in range(1, 10)) + "10.甲项。(市林业局负责)11。乙项。(市水务局负责)12.丙项。",
     [f"{k}.第{k}项" for k in range(1, 10)] + ["10.甲项", "11。乙项", "12.丙项"]),
    ("如下：1.甲项。2.乙项。", ["1.甲项", "2.乙项"]),
    # numbers that are no headings: decimals, enumerations, articles cited, a count ending a sentence
    ("提高1.5倍。推进一、二、三产业融合。依照本办法第三条规定。共11。", []),
    # a first item run on after a word counts when its second follows
    ("工作方案一、持续加强建设1.加大投入。（市林业局负责）二、健全机制。", ["一、持续加强建设", "1.加大投入", "二、健全机制"]),
    # numbering carried on under the next parent: （二）课题3.…
    ("（一）甲类任务1.甲。2.乙。（二）乙类任务3.丙。4.丁。", ["1.甲", "2.乙", "（二）乙类任务", "3.丙", "4.丁"]),
])
def test_segment_item_starts_in_run_on_text(text, starts):
    got = item_starts(text)
    cut = [text[a:b] for a, b in zip(got, got[1:] + [len(text)])]
    assert [c[:len(s)] for c, s in zip(cut, starts)] == starts and len(cut) == len(starts)


ONE_LINE_PLAN = (
    "某某县关于加快发展文旅产业的实施方案为推动文旅产业发展，制定本方案。一、主要任务(一)打造精品线路。"
    "串联景区景点。(县文旅局牵头，县交通局配合)(二)培育市场主体。引进龙头企业。(县商务局负责)"
    "二、保障措施1.加强组织领导。成立专班。(县委办负责)2.强化要素保障。落实用地。(县资规局负责)\n"
)


def test_segment_one_line_document_has_its_outline():
    [doc] = docs_of(ONE_LINE_PLAN, "oneline.txt")
    paths = [s.path for s in _walk_sections(doc.outline)]
    assert paths == [("一",), ("一", "（一）"), ("一", "（二）"), ("二",), ("二", "1."), ("二", "2.")]
    titles = {b.section: b.title for b in doc.blocks if b.kind == "heading"}
    assert titles[("一", "（一）")] == "打造精品线路。" and titles[("二", "2.")] == "强化要素保障。"
    paras = [b.text for b in doc.blocks if b.kind == "para"]
    assert "串联景区景点。(县文旅局牵头，县交通局配合)" in paras


def _walk_sections(sections):
    for s in sections:
        yield s
        yield from _walk_sections(s.children)


TASK_TABLE = """一、工作任务
按照分工抓好落实，具体任务见下表。
表1 重点任务分工
序号
任务
牵头单位
配合单位
1
建设智慧园区
县工信局
县大数据中心
2
完善配套设施
县住建局
/
二、保障措施
加强督导。
"""


def test_segment_flattened_task_table_is_one_block():
    [doc] = docs_of(TASK_TABLE)
    [table] = [b for b in doc.blocks if b.kind == "table"]
    assert table.title == "表1重点任务分工"
    assert table.text.split("\n") == ["表1重点任务分工", "序号", "任务", "牵头单位", "配合单位",
                                      "1", "建设智慧园区", "县工信局", "县大数据中心", "2", "完善配套设施", "县住建局", "/"]
    assert table.section == ("一",)
    assert [b.text for b in doc.blocks if b.section == ("二",) and b.kind == "para"] == ["加强督导。"]


def test_segment_clause_label_broken_at_line_end_stays_in_its_paragraph():
    text = "一、扶持政策\n对新认定的企业给予奖励。（责任部门：\n县科技局）\n对新设立的机构给予补助。\n"
    [doc] = docs_of(text)
    paras = [b.text for b in doc.blocks if b.kind == "para"]
    assert paras == ["对新认定的企业给予奖励。（责任部门：县科技局）", "对新设立的机构给予补助。"]
