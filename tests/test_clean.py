"""Cleaning steps on real excerpts of the bundled gazette (input → expected), plus the offset map."""
import pytest

from kg.clean import clean, clean_text, glyph_rules, parse_doubled
from kg.clean import steps as S


def cleaned(text: str) -> str:
    return clean_text(text).text


def assert_origin(text: str):
    """Every kept character maps to the same character in the input (glyph repairs aside)."""
    d = clean_text(text)
    repaired = {r.offset + k for r in d.repairs for k in range(len(r.before))}
    assert len(d.origin) == len(d.text)
    for i, ch in enumerate(d.text):
        o = d.origin[i]
        if ch in "\f\n" or o in repaired:
            continue
        assert text[o] == ch, (i, ch, text[o])
    return d


# (case, input: real excerpt, expected cleaned text)
FURNITURE = [
    (
        "footer and running header between pages",
        "博览会等国家级、国际性、专业化境内大型展会。\n\n·· 42\n\n\n\n晋城市人民政府公报（2022. 6） 市政府文件\n\n统筹用好太行文化旅游节、康养产业发展大会、东\n",
        "博览会等国家级、国际性、专业化境内大型展会。\n\f统筹用好太行文化旅游节、康养产业发展大会、东\n",
    ),
    (
        "header of the office's documents, page start by indentation",
        "民政府〕\n\n·· 116\n\n\n\n市政府办公室文件晋城市人民政府公报（2022. 6）\n\n三、加强人工影响天气能力建设\n",
        "民政府〕\n\f三、加强人工影响天气能力建设\n",
    ),
    (
        "indented first line of a page",
        "全方位推动高质量发展的全局出发，科学布局、系\n\n·· 2\n\n 统谋划一流创新生态，大力推进科技创新事业健\n",
        "全方位推动高质量发展的全局出发，科学布局、系\n\f统谋划一流创新生态，大力推进科技创新事业健\n",
    ),
    ("blank lines between visual lines", "动力。科技创新的竞争实质上是创新生态的竞\n\n争，创新生态\n", "动力。科技创新的竞争实质上是创新生态的竞\n争，创新生态\n"),
]


@pytest.mark.parametrize("case,raw,expected", FURNITURE, ids=[c[0] for c in FURNITURE])
def test_clean_removes_page_furniture(case, raw, expected):
    assert cleaned(raw) == expected
    assert_origin(raw)


DOUBLED = [
    ("char- and segment-doubled", "（（一一）“）“十三五十三五””发展回顾发展回顾\n\n“十三五”以来", "（一）“十三五”发展回顾\n“十三五”以来"),
    ("section number doubled with a single space", "第一节第一节 ““十三五十三五””发展成就发展成就\n", "第一节 “十三五”发展成就\n"),
    ("whole line doubled", "第四节 加强文物保护利用第四节 加强文物保护利用\n", "第四节 加强文物保护利用\n"),
    ("single letter doubled inside", "第三节 实施第三节 实施AA级景区倍增计划级景区倍增计划\n", "第三节 实施A级景区倍增计划\n"),
    (
        "run-in heading: body moves to the next line",
        "（（六六））加强科学研判加强科学研判，，提升监测能力提升监测能力。。聚焦全\n\n市人工影响天气重点作业区域",
        "（六）加强科学研判，提升监测能力。\n聚焦全\n市人工影响天气重点作业区域",
    ),
    (
        "heading wrapped over two lines is joined",
        "第一节 建设第一节 建设““东方古堡东方古堡、、人间晋城人间晋城，，\n\n云锦太行云锦太行、、诗画晋城诗画晋城””\n\n大力强化",
        "第一节 建设“东方古堡、人间晋城，云锦太行、诗画晋城”\n大力强化",
    ),
    (
        "wrapped run-in heading",
        "（（五五））做好突发重大应急和重要活动保障服做好突发重大应急和重要活动保障服\n\n务务。。完善应对森林草原火灾火险、干旱、冰雹、环\n",
        "（五）做好突发重大应急和重要活动保障服务。\n完善应对森林草原火灾火险、干旱、冰雹、环\n",
    ),
    ("unmapped glyph between number and title", "第一节第一节\ufffd指导思想指导思想\n", "第一节 指导思想\n"),
    ("page start before a doubled heading", "支撑。\n\n （（一一））发展思路发展思路\n", "支撑。\n\f（一）发展思路\n"),
    ("a bold line printed twice stays two lines", "发展发展回顾回顾\n发展发展回顾回顾\n", "发展回顾\n发展回顾\n"),
]


UNMAPPED = [
    ("alone on a line: dropped with its line", "支撑。\n\ufffd\n正文\n", "支撑。\n正文\n"),
    ("at a line's edges: dropped with the padding", "\ufffd 正文 \ufffd\n", "正文\n"),
    ("between Han and digits: no gap left", "到\ufffd2025年\n", "到2025年\n"),
    ("between Han characters: a space", "第一节\ufffd指导思想\n", "第一节 指导思想\n"),
]


@pytest.mark.parametrize("case,raw,expected", UNMAPPED, ids=[c[0] for c in UNMAPPED])
def test_clean_unmapped_glyph_leaves_nothing_a_second_cleaning_would_change(case, raw, expected):
    assert cleaned(raw) == expected
    assert cleaned(expected) == expected
    assert_origin(raw)


@pytest.mark.parametrize("case,raw,expected", DOUBLED, ids=[c[0] for c in DOUBLED])
def test_clean_undoubles_bold_headings(case, raw, expected):
    assert cleaned(raw) == expected
    d = assert_origin(raw)
    assert d.bold, "the bold run is recorded"


NOT_DOUBLED = [
    "煤炭高硫、高灰、高灰熔点“三高”煤逐渐增多问\n",  # a repeated phrase inside a line
    "人人持证，技能社会\n",  # a reduplicated word at a line start
    "……小吃系列：阳城烧肝\n",
    "——坚持把科技惠民作为重要方向。\n",
    "0/0/0\n",
    "2.大力发展体育赛事。大力发展体育赛事。\n",  # the source itself repeats (number not doubled)
    "提高医疗机构现代化水平，提高医疗机构现代化水平，提\n",  # a typo in the source, not bold
    "00一\n00一\n00一\n",  # equal lines: the copies of a bold chunk never sit on two lines
]


@pytest.mark.parametrize("raw", NOT_DOUBLED)
def test_clean_leaves_ordinary_repetitions(raw):
    d = clean_text(raw)
    assert d.text == raw and not d.bold


# Inputs that once broke undoubling (found by property tests): nothing may be lost or left doubled,
# and cleaning the cleaned text changes nothing.
REGRESSIONS = [
    ("（（一一））发展回顾发展回顾 正文", "（一）发展回顾\n正文"),
    ("第三节 发展定位第三节 发展定位\n第三节 发展定位第三节 发展定位", "第三节 发展定位\n第三节 发展定位"),
    ("发展回顾发展回顾 2020年以来", "发展回顾\n2020年以来"),
    ("大力实施\n8888元奖励", "大力实施\n8888元奖励"),
    ("2020\n2020\n科技", "2020\n2020\n科技"),
    ("第 第 3 3 页页\n\n正文。", "\f正文。"),  # a footer printed in bold
    ("（（一一））指导思想指导思想\n（（一一））指导思想指导思想\n", "（一）指导思想\n（一）指导思想\n"),
]


@pytest.mark.parametrize("raw,expected", REGRESSIONS)
def test_clean_undouble_regressions_are_idempotent(raw, expected):
    once = cleaned(raw)
    assert once == expected
    assert cleaned(once) == once


def test_clean_gazette_is_idempotent(gazette_cleaned):
    assert cleaned(gazette_cleaned.text) == gazette_cleaned.text


FONT_GAPS = [
    ("由“十二五”末的 10.1亿元、1.136件增", "由“十二五”末的10.1亿元、1.136件增"),
    ("依托山西省 IVD核心原料重点实验室", "依托山西省IVD核心原料重点实验室"),
    ("本办法自 2022年 11月 21日起", "本办法自2022年11月21日起"),
    ("第一节 指导思想", "第一节 指导思想"),  # between Han characters the space is the author's
    ("图2 2020年晋城装备制造各行业总产值", "图2 2020年晋城装备制造各行业总产值"),
    ("Made in China 2025", "Made in China 2025"),
]


@pytest.mark.parametrize("raw,expected", FONT_GAPS)
def test_clean_closes_font_switch_gaps(raw, expected):
    assert cleaned(raw + "\n") == expected + "\n"
    assert_origin(raw + "\n")


@pytest.mark.parametrize("text", ["一" * 3000 + "\n正文\n", "发展" * 5000 + "\n", "1" * 10000 + "\n", " " * 100000 + "正文\n"])
def test_clean_survives_long_repetitions_in_linear_time(text):
    import time

    t = time.perf_counter()
    d = clean_text(text)
    assert len(d.origin) == len(d.text) > 0
    assert time.perf_counter() - t < 1.0


def test_clean_drops_control_characters():
    raw = "市公\x01安局、泽\x00州县、高平\x1b[31m市\x0b\n\f下一页\n"
    assert cleaned(raw) == "市公安局、泽州县、高平市\n\f下一页\n"
    assert_origin(raw)


GLYPHS = [
    ("为我市力口快融入国家创", "为我市加快融入国家创", "decomposed"),
    ("立体移动车库、王业电梯等低能耗", "立体移动车库、工业电梯等低能耗", "look-alike"),
    ("王艺制程，实现智能化升级", "工艺制程，实现智能化升级", "look-alike"),
    ("展体外诊断试剂（1VD）核心原料抗", "展体外诊断试剂（IVD）核心原料抗", "latin-digit"),
    ("新冠（C0VID-19）疫情", "新冠（COVID-19）疫情", "latin-digit"),
    ("速打造山西智创城N0.6。到2020年底", "速打造山西智创城No.6。到2020年底", "numero"),
    ("研究与试验发展（RAD）经费投入、", "研究与试验发展（R&D）经费投入、", "ampersand"),
]


@pytest.mark.parametrize("raw,expected,rule", GLYPHS)
def test_clean_repairs_glyphs_with_named_rule(raw, expected, rule):
    d = clean_text(raw + "\n")
    assert d.text == expected + "\n"
    assert [r.rule for r in d.repairs] == [rule]
    r = d.repairs[0]
    assert raw[r.offset:r.offset + len(r.before)] == r.before


@pytest.mark.parametrize(
    "raw",
    ["装机容量1MW以上", "建成5G基站", "ISO9000质量体系", "2020年10月", "BIPV光伏瓦", "提高能力口径", "KTV与IP形象"],
)
def test_clean_glyph_rules_leave_valid_text(raw):
    assert clean_text(raw).text == raw


def test_clean_glyph_table_is_documented():
    rules = glyph_rules()
    assert len(rules) >= 6
    assert all(r.name and r.why for r in rules)


def test_clean_joins_vertical_page():
    # lines 15319–15340 of the gazette: a rotated appendix page, one character per line
    raw = "附件：\n\n2.晋城市装备制造业招商名录\n 附\n件\n 商\n 镜\n头\n加\n工\n的\n生\n产\n中\n\n。\n\n将\n光\n\n学\n镜\n\n头\n"
    out = cleaned(raw)
    assert out == "附件：\n2.晋城市装备制造业招商名录\n\f附件商镜头加工的生产中。将光学镜头\n"
    assert_origin(raw)


def test_clean_undoubles_bold_column_headers_in_vertical_text():
    chars = "三星电机重点重点行业行业重点重点技术技术产业分析产业分析拟招商企业拟招商企业"
    raw = "\n".join(chars) + "\n"
    assert cleaned(raw) == "三星电机重点行业重点技术产业分析拟招商企业\n"


def test_clean_parse_doubled_reports_first_copies():
    end, chunks = parse_doubled("（（一一））发展现状发展现状后文")
    assert end == 14
    assert chunks == [(0, 1), (2, 1), (4, 1), (6, 4)]


def test_clean_steps_compose_in_order():
    # glyph repairs come before the last gap and blank-line passes, which a repair can make work for
    assert S.STEPS[0] is S.normalize_spaces
    assert S.STEPS[-3:] == (S.repair_glyphs, S.close_font_gaps, S.drop_blank_lines)


def test_clean_gazette_offsets_and_furniture(gazette, gazette_cleaned):
    c = gazette_cleaned
    assert c.source is gazette
    assert len(c.origin) == len(c.text)
    repaired = {r.offset + k for r in c.repairs for k in range(len(r.before))}
    mismatched = [i for i, ch in enumerate(c.text) if ch not in "\n\f" and gazette.text[c.origin[i]] != ch and c.origin[i] not in repaired]
    assert mismatched == []
    assert all(c.origin[i] <= c.origin[i + 1] for i in range(len(c.origin) - 1))  # inserted marks share an origin
    for furniture in ("公报（2022", "·· 42", "（（一一））", "第一节第一节", "力口"):
        assert furniture not in c.text
    assert {r.rule for r in c.repairs} >= {"decomposed", "look-alike", "latin-digit", "numero", "ampersand"}
    assert c.text.count("\f") >= 100  # one mark per page


def test_clean_is_fast(gazette):
    import time

    t = time.perf_counter()
    clean(gazette)
    assert time.perf_counter() - t < 0.5
