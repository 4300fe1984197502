"""Organisations: departments, enterprises, institutions and collective references.

Names are recognised by grammar, anchored on the word that ends them (patterns/org_suffixes.tsv):

    Department   level or place prefix + body + suffix       市发展改革委, 山西省住房和城乡建设厅,
                 (国家/省/市/县, 山西省, 晋城, 人行, 中共…)     晋城海关, 人行晋城中心支行,
                 or a sub-unit of the department before it    市委宣传部, 国务院办公厅
    Enterprise   name run + 有限公司/公司/集团/煤业…           山西兰花科技创业股份有限公司唐安煤矿分公司
    Institution  name run + 大学/研究院/重点实验室/医院…       中国矿业大学（北京）, 市疾病预防控制中心
    Collective   各县（市、区）人民政府, 各相关部门, 市直有关部门, X各成员单位

A name run extends leftwards from the suffix until punctuation or a boundary word (支持, 依托,
与, 的 … patterns/boundaries.tsv); a run made only of generic words (综合医院, 骨干企业) is not a
name. Nested names are separate spans: 山西泫氏实业集团有限公司铸铁排水管工程技术研究中心 gives
the Institution and, from its own suffix, the Enterprise. A coordinated list sharing a head and
a suffix (晋控装备集团天源、晋丰、金象公司) gives one span per member with the expanded name in
`kb_id_`.

All matching is compiled regexes and string tests over `doc.text`; `find_orgs(text, city)` is the
same logic on a plain string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from . import lexicon
from .lexicon import CJK
from .spans import SPAN_KEY, RuleComponent, doc_city, doc_text


def is_kind(body: str) -> bool:
    from .lists import is_kind as kind  # lists imports this module's neighbours; import late

    return kind(body)

MAX_RUN = 24  # characters a name may extend left of its suffix
MAX_DEPT_BODY = 14

# A character that may sit inside a name run (CJK, Latin letters as in IVD, the middle dot).
_NAME_CHAR = re.compile(rf"[{CJK}A-Za-z·]")
# A character of a department run: any CJK or Latin letter except 的.
_DEPT_CHAR = re.compile(rf"[{CJK}A-Za-z](?<!的)")
_LATIN = re.compile(r"[A-Za-z]")
# A count opening a run is not part of the name: 一个乡村特色图书馆.
_NUMBER_LEAD = re.compile(r"^[0-9一二三四五六七八九十两几多]+[个家所座批项类]")
# Kinds of institution a city or province has exactly one of, and the words that may sit between
# the level and the kind (市人民医院, 市中医医院): level + kind is then a name.
_ONE_PER_LEVEL = {
    "疾病预防控制中心": ("",), "急救中心": ("",), "血站": ("中心",), "博物馆": ("",), "图书馆": ("",),
    "保健院": ("妇幼",), "医院": ("人民", "中医", "中心", "儿童", "传染病"), "纪念馆": ("",),
}
# Institution suffixes of facilities inside a parent; a run does not reach back over another
# facility (市中心血站实验室 is not one name) but does over a parent (北京科技大学高平…研究院).
_FACILITIES = frozenset({"实验室", "重点实验室", "研究中心", "工程技术研究中心", "技术研究中心",
                         "研发中心", "创新中心", "技术创新中心", "检验中心", "检测中心", "血站",
                         "急救中心", "疾病预防控制中心", "工作站", "专家工作站", "医院", "卫生院",
                         "博物馆", "图书馆", "纪念馆", "学校", "中学", "小学"})
_ONE_CHAR_SUFFIXES = frozenset("局委办厅部院所厂")
_COMPANY_SUFFIXES = frozenset({"有限公司", "股份有限公司", "有限责任公司", "股份公司"})
# Classifiers after a number (1所综合医院) and the Chinese numerals before them.
_CLASSIFIERS = frozenset("所家个座批项")
_NUMERALS = frozenset("一二三四五六七八九十两几多")
# Characters that may stand right before a one-character level prefix (会同市…, 由省…).
_FUNC_BEFORE = frozenset("同由经请将从向对与和及或在并交报、，,：:；（(“\" \n")
# University campus qualifiers: 中国矿业大学（北京）, 中国石油大学（华东）.
_CAMPUS = re.compile(rf"[（(]([{CJK}]{{2,3}})[）)]")
_REGIONS = frozenset({"华东", "华北", "华南", "华中", "西南", "西北", "东北"})
# Parts of a coordinated list: 晋控装备集团天源、晋丰、金象公司.
_LIST_ITEM = re.compile(rf"[{CJK}]{{2,4}}")

# Collective references (several units at once), as written in responsibility clauses.
# County sets as written in clauses: 县（市、区） stands alone; bare 县区 / 乡镇 need 各 before them.
_COUNTY_SET = r"(?:县（市、区）|县\(市、区\)|县（市、区、开发区）|县（区）|县（市）|乡（镇）|乡镇（街道）)"
_COUNTY_WORDS = r"(?:县市区|县区|乡镇|乡镇街道|县)"
# What a collective's head may be made of: no conjunctions (各县（市、区）和市直有关部门 is two).
_HEAD_CHAR = rf"(?:(?![和与及为以等的在、])[{CJK}])"
_COLLECTIVE = re.compile(
    r"(?=[各县乡市省区相有开])(?:"  # every branch opens with one of these: lets `re` skip other positions
    rf"(?:各?{_COUNTY_SET}|各{_COUNTY_WORDS})"
    rf"(?:{_HEAD_CHAR}{{0,10}}?(?:人民政府|政府|党委|疾病预防控制中心|卫生健康委员会|卫健委|委员会|局|委|办|中心|医院|部门|单位))?"
    # 各市人民政府, 各设区市人民政府, 各级人民政府 (provincial and general addressees)
    r"|各(?:设区)?市(?:、县（市、区）)?(?:人民政府|政府)|各级(?:人民政府|政府|党委)"
    r"|(?:各|市直|省直|县直|区直|市级|省级)各?(?:相关|有关)?(?:部门|单位)"
    r"|(?:相关|有关)(?:部门|单位)"
    # 市人民政府各委、办、局 / 省人民政府各委、厅, 各直属机构, X各成员单位
    r"|各(?:[委办局厅](?:、[委办局厅])+|委办局|委办厅局|成员单位|直属机构)"
    r"|(?<![" + CJK + r"])(?:各)?开发区管委会"
    r")"
)


# Responsibility lists: 〔责任单位：A、B〕 and （A牵头，B、C负责）; their items, and what may trail one.
_UNIT_LIST = re.compile(r"〔(?:牵头|责任|配合)?单位[:：]([^〕]{2,300})〕|（([^（）]{2,200}?(?:牵头|负责|配合)[^（）]{0,80})）")
_LIST_SPLIT = re.compile(rf"[^、，,；;：:（）]+")
_ITEM_TAIL = re.compile(r"(?:等)?(?:按职责分工)?(?:牵头|负责|配合)+$|等$")
# How a public body's name ends when no organisation suffix covers it (中心, 站, 所, 队…).
_UNIT_END = re.compile(rf"[{CJK}]{{3,20}}(?:中心|站|所|队|处|室|社|会|院|馆)")


@dataclass(frozen=True)
class OrgHit:
    start: int
    end: int
    label: str  # Department | Enterprise | Institution | Collective
    hint: str = ""  # expanded name for coordinated members (kb_id_)
    basis: str = field(default="suffix", compare=False)  # suffix | lexicon | coordination | unit-list


@lru_cache(maxsize=1)
def _suffix_regex() -> re.Pattern:
    """Every suffix occurrence, overlapping ones too (晋中学院: 中学 and 学院).

    The leading first-character class lets `re` skip most positions quickly (3x faster)."""
    firsts = "".join(sorted({w[0] for w in lexicon.org_suffixes()}))
    return re.compile(f"(?=[{firsts}])(?=(" + lexicon.trie_regex(lexicon.org_suffixes()) + "))")


def _suffix_spans(text: str) -> list[tuple[int, int]]:
    """Suffix occurrences that end names: a suffix inside a longer one is dropped (政府 in
    人民政府), and of two that overlap the later one wins (晋中|学院, not 晋|中学|院)."""
    out: list[tuple[int, int]] = []
    for m in _suffix_regex().finditer(text):
        a, b = m.span(1)
        if _is_blocked(text, a, b):
            continue
        if out and b <= out[-1][1]:
            continue
        if out and a < out[-1][1]:
            out[-1] = (a, b)
        else:
            out.append((a, b))
    return out


@lru_cache(maxsize=1)
def _prefixes() -> tuple[tuple[str, str, str], ...]:
    rs = lexicon.rows("department_prefixes.tsv")
    return tuple(sorted(((r[0], r[1], r[2]) for r in rs), key=lambda r: -len(r[0])))


@lru_cache(maxsize=1)
def _standalone() -> re.Pattern:
    return re.compile(lexicon.trie_regex(w for w, _, role in _prefixes() if role == "standalone"))


@lru_cache(maxsize=1)
def _generic_regex() -> re.Pattern:
    """A body made only of generic words, level words and place names (综合, 市级传染病 is not)."""
    return re.compile("(?:" + lexicon.trie_regex(lexicon.generic_words() | {"市", "省", "县", "区", "国家", "地方", "联合", "共建", "省部"}) + ")*")


_boundary_ends_at = lexicon.boundary_ends_at
_boundary_starts_at = lexicon.boundary_starts_at


def _run_start(text: str, a: int, floor: int = 0, hard_only: bool = False) -> int:
    """Leftmost start of the name run that ends at offset a; -1 when no break is found in reach
    (the start of an over-long run is unknown: 份有限公司常州好迪机械有限公司 from a bare list)."""
    j = a
    low = max(floor, a - MAX_RUN)
    while j > low and _in_name(text, j - 1):
        if _boundary_ends_at(text, j, hard_only):
            if text[j - 1] in "与和" and j - 2 >= low and _in_name(text, j - 2) and (
                    j - 3 < 0 or not _in_name(text, j - 3) or _boundary_ends_at(text, j - 2)) and (
                    not _boundary_ends_at(text, j - 1)) and text[j - 2] not in _ONE_CHAR_SUFFIXES:
                # 将其与X公司, 建设部和X公司: a pronoun or a body's own suffix is no noun of the name
                j -= 2  # 煤与煤层气共采国家重点实验室: a one-character noun joined by 与 is part of the name
            break
        if text[j - 1] in lexicon.before_name_words() and (
                lexicon.suffix_ends_at(text, j - 1) or text[j - 2:j - 1] in _ONE_CHAR_SUFFIXES):
            break  # X公司向|公司来函: a one-character verb right after another name
        if hard_only and _boundary_ends_at(text, j) and (lexicon.place_at(text, j) or text.startswith("中国", j)):
            break  # 建设|晋城三赢精密电子有限公司: a soft verb before a name that opens with its place
        j -= 1
    else:
        if j == low and j > floor and _in_name(text, j - 1):
            return -1
    if j < a and j > 0 and text[j] in _CLASSIFIERS and (text[j - 1].isdigit() or text[j - 1] in _NUMERALS):
        j += 1  # 1所综合医院, 两家公司: the classifier belongs to the number
    return j


def _quoted_start(text: str, end: int) -> int:
    """Start of a quoted name ending at `end` (“晋城市中北先进材料与智能装备研究院”): the quotes
    delimit it, whatever words it holds; -1 when no opening quote is near."""
    i = text.rfind("“", max(0, end - MAX_RUN - 8), end)
    j = text.rfind("「", max(0, end - MAX_RUN - 8), end)
    k = max(i, j)
    if k < 0 or any(c in text[k + 1:end] for c in "”」，。；、"):
        return -1
    return k + 1


def _in_name(text: str, i: int) -> bool:
    """text[i] may be part of a name: a name character, or a space next to Latin (山西省 IVD核心)."""
    if _NAME_CHAR.match(text, i):
        return True
    return text[i] == " " and (_LATIN.match(text, i - 1) is not None or _LATIN.match(text, i + 1) is not None)


def _strip_boundaries(body: str) -> str:
    """发展互联网 → 互联网, 对非国有 → 非国有: leading boundary words a run took in."""
    while True:
        k = _boundary_starts_at(body, 0) or (1 if body[:1] in lexicon.before_name_words() else 0)
        if not k or k >= len(body):
            return body
        body = body[k:]


def _generic(body: str) -> bool:
    """True when a body names a kind, not an organisation: 综合, 县级, 骨干, or nothing at all.

    A place with a kind is specific (晋城市文化旅游学校): only a bare place is not a body."""
    rest = body
    while rest:
        p = lexicon.place_at(rest, 0)
        if p and any(d.name == p for d in lexicon.division_index()[p]):
            rest = rest[len(p):]
            if rest:
                return False
            continue
        m = _generic_regex().match(rest)
        if not m or not m.group():
            break
        rest = rest[m.end():]
    return not rest


def _level_only(body: str, suffix: str) -> bool:
    """市疾病预防控制中心, 市级急救中心, 晋城市博物馆, 市人民医院: one per level, so level + kind
    is a name. Not for kinds every level has many of (市医院, 省级重点实验室) nor 县级 (every
    county has one)."""
    if suffix not in _ONE_PER_LEVEL:
        return False
    words = _ONE_PER_LEVEL[suffix]
    for word in words:
        if word and body.endswith(word):
            body = body[: -len(word)]
            break
    else:
        if "" not in words:
            return False  # 市级医院: which one?
    if body in ("市", "省", "市级", "省级"):
        return True
    return any(d.level != "province" for d in lexicon.division_index().get(body, ()))


@lru_cache(maxsize=1)
def _prefix_words() -> frozenset[str]:
    return frozenset(w for w, _level, _role in _prefixes())


@lru_cache(maxsize=1)
def _prefix_regex() -> re.Pattern:
    return re.compile(lexicon.trie_regex(_prefix_words()))


@lru_cache(maxsize=1)
def _prefix_first_chars() -> frozenset[str]:
    """Characters a level word or a place name can start with (most characters cannot)."""
    return frozenset(w[0] for w in _prefix_words()) | frozenset(n[0] for n in lexicon.division_index())


def _prefixes_at(text: str, p: int, city: str = "") -> list[str]:
    """Level or place prefixes that may open a department name at p, longest first.

    Place names count in their official form (泽州县, 晋城市) or as a short province / city name
    (山西, 晋城); a county's short form only for the document's own city (会同 is a county in
    Hunan but here the verb in 会同市财政局).
    """
    if p >= len(text) or text[p] not in _prefix_first_chars():
        return []
    found = []
    m = lexicon.place_regex().match(text, p)
    if m:
        name = m.group()
        for k in range(len(name), 1, -1):
            ds = lexicon.division_index().get(name[:k], ())
            if any(d.name == name[:k] or d.level != "county" or d.city == city for d in ds):
                found.append(name[:k])
                # 长治市上党区人民政府, 山西省晋城市…: a place inside the place before it
                inner = lexicon.official_places(text[p + k:p + k + 10])
                if inner and inner[0][0] == 0:
                    found.append(name[:k] + text[p + k:p + k + inner[0][1]])
                break
    m = _prefix_regex().match(text, p)
    if m:
        word = m.group()
        found += [word[:k] for k in range(len(word), 0, -1) if word[:k] in _prefix_words()]
    if text.startswith("中共", p):
        rest = lexicon.place_at(text, p + 2)
        if rest:
            found.append("中共" + rest)
    return sorted(set(found), key=lambda w: (-len(w), w))


def _prefix_at(text: str, p: int, city: str = "") -> str:
    """The longest prefix opening a department name at p, or ""."""
    found = _prefixes_at(text, p, city)
    return found[0] if found else ""


def _prefix_ok(text: str, p: int, run_start: int, prev_end: int) -> bool:
    """A prefix at p opens a name only after a break (会同市… but not 全市…, 城市…)."""
    return p == run_start or p == prev_end or text[p - 1] in _FUNC_BEFORE or bool(_boundary_ends_at(text, p))


# A department body never holds these: 各/有关 (collectives), 两级/以上 (levels in general), 的.
_BAD_BODY = ("的", "各", "有关", "相关", "直属", "所属", "成员", "等", "全市", "全省", "我市", "本市",
             "两级", "以上", "以下", "地方", "级")


def _departments(text: str, anchors, city: str = "") -> list[OrgHit]:
    """Department names, left to right, so a name can attach to the one just before it."""
    suffixes = lexicon.org_suffixes()
    found: list[OrgHit] = []
    prev: OrgHit | None = None
    events = [(m.start(), m.end(), "standalone") for m in _standalone().finditer(text)
              if not text.startswith("门", m.end())]  # 财政部门 is a kind of unit, not 财政部
    events += [(a, b, suffixes[text[a:b]][1]) for a, b in anchors]
    for a, b, role in sorted(events):
        if role == "standalone":
            hit = OrgHit(a, b, "Department", basis="lexicon")
            found.append(hit)
            prev = hit
            continue
        if prev is not None and a < prev.end:
            continue  # inside the name just found (团市委)
        # department bodies contain verbs (创新生态建设领导小组): scan the CJK run, not boundary words
        run = a
        while run > max(0, a - MAX_DEPT_BODY - 6) and _DEPT_CHAR.match(text, run - 1):
            run -= 1
        prev_end = prev.end if prev and run <= prev.end <= a else -1
        lo = max(run, prev_end)
        start = -1
        for p in range(a - 1, lo - 1, -1):  # the prefix nearest the suffix: 市长担任|市疫情防控领导小组
            pres = [w for w in _prefixes_at(text, p, city) if p + len(w) <= a]
            if not pres or not _prefix_ok(text, p, lo, prev_end):
                continue
            if _boundary_starts_at(text, p) > len(pres[0]):
                continue  # 会同潞州区…: the verb, not the county 会同
            pre = pres[0]
            body = text[p + len(pre):a]
            if len(body) > MAX_DEPT_BODY or any(w in body.replace("地方金融", "金融") for w in _BAD_BODY):
                continue  # (地方金融监管局 is the standard body of every province and city)
            if body and (role == "core" or body[0] in "和与及或、，"):
                continue  # 市域范围内进行政府, 国务院和文旅部
            if not body and role not in ("core", "either", "bare") and not _standalone().fullmatch(pre):
                continue
            start = p
            if p == prev_end and text.startswith(("国家", "中国"), prev.start) and lexicon.place_at(pre, 0) == pre:
                start = prev.start  # 国家税务总局株洲市税务局, 中国人民银行晋城市中心支行: a local branch
            break
        if start < 0 and prev_end == lo and prev_end >= 0 and a - prev_end <= 8:
            body = text[prev_end:a]
            if not any(w in body for w in _BAD_BODY) and not (body and body[0] in "和与及或、，"):
                start = prev.start  # a sub-unit: 市委 + 宣传部, 国务院 + 办公厅
        if start < 0 or (start > 0 and text[start - 1] == "各"):
            continue  # 各市人民政府: every city's government, a collective
        hit = OrgHit(start, b, "Department")
        found.append(hit)
        prev = hit
    return found


@lru_cache(maxsize=1)
def _blockers() -> dict[str, tuple[str, ...]]:
    """suffix → the ordinary words that end with it (格局 for 局)."""
    before, _after = lexicon.not_names()
    return {suf: tuple(w for w in before if w.endswith(suf)) for suf in lexicon.org_suffixes()}


def _is_blocked(text: str, a: int, b: int) -> bool:
    """A suffix that is part of an ordinary word: 格局, 全部, 举办, 部门, 集团化."""
    _before, after = lexicon.not_names()
    suffix = text[a:b]
    if any(text.startswith(w, b - len(w)) for w in _blockers()[suffix] if b >= len(w)):
        return True
    if b < len(text) and text[b] in after and (len(suffix) == 1 or text[b] == "化"):
        return True
    return False


def find_orgs(text: str, city: str = "") -> list[OrgHit]:
    """Organisation and collective spans in text (unsorted duplicates removed, sorted)."""
    suffixes = lexicon.org_suffixes()
    anchors = []
    ent_inst = []
    for a, b in _suffix_spans(text):
        typ, role = suffixes[text[a:b]]
        if typ == "Department":
            anchors.append((a, b))
        else:
            ent_inst.append((a, b, typ, role))
    hits = _departments(text, anchors, city)

    ent_starts = {a: (b, typ) for a, b, typ, _ in ent_inst}
    for a, b, typ, role in ent_inst:
        nxt = ent_starts.get(b)
        if role == "inner" and nxt is not None:
            continue  # 集团有限公司, 煤业有限公司: the longer suffix ends the name
        if role == "inner" and text[a:b] != "集团" and _continues_to_company(text, b, ent_inst):
            continue  # 山西德马格重工机械有限公司: 重工 is a word of the name (a 集团 is a parent, kept)
        if typ == "Institution" and nxt is not None and nxt[1] == "Enterprise":
            continue  # 鸿智纳米光机电研究院有限公司 is a company
        end = b
        if text[a:b] in ("大学", "学院"):
            c = _CAMPUS.match(text, b)
            if c and (c.group(1) in _REGIONS or lexicon.place_at(c.group(1), 0) == c.group(1)):
                end = c.end()
        if typ == "Enterprise":
            floor = _company_end(text, ent_inst, a) if text[a:b] != "分公司" else 0
        else:
            floor = max((y for x, y, t, _r in ent_inst if y <= a and text[x:y] in _FACILITIES), default=0)
        start = _quoted_start(text, end) if end < len(text) and text[end] in "”\"」" else -1
        if start < 0:
            start = _run_start(text, a, floor, hard_only=typ == "Enterprise")
        if start < 0:
            continue
        if typ == "Institution":
            start = _joined_start(text, start, a, text[a:b], hits)
            start = _over_verb_start(text, start, a, floor)
            if start == floor and floor and lexicon.place_at(text, start) == text[start:a]:
                # 国家重点实验室山西实验室: a branch is named by its parent facility and a place
                start = next((h.start for h in hits if h.end == floor and h.label == "Institution"), start)
        body = text[start:a]
        if typ == "Enterprise":  # ，联合潞安化工集团有限公司: a soft verb opening the run is not the name
            k = _boundary_starts_at(text, start)
            if k and start + k < a and (start == 0 or not _in_name(text, start - 1) or _boundary_ends_at(text, start)):
                start += k
                body = text[start:a]
        if start > 0 and text[start - 1].isdigit() and text[start] in "年月日号" and start + 1 < a:
            start += 1  # 3月|区县公司, 27号|国网…: the date or number before the name
            body = text[start:a]
        body = _NUMBER_LEAD.sub("", body)
        if len(body) < 2 and not _level_only(body, text[a:b]):
            continue  # 进学校, 平医院: a fragment
        if _generic(_strip_boundaries(body)) and not _level_only(body, text[a:b]):
            continue
        if role == "place" and not lexicon.place_at(text, start):
            continue
        if typ == "Enterprise" and not lexicon.place_regex().search(body) and is_kind(_strip_boundaries(body)) \
                and not _parent_group(text, a, b, ent_inst):
            continue  # 证券公司, 县相关上市公司, 发电公司: kinds of firms (a place makes a name: 山西能源集团)
        if text[a:b] == "联盟" and not lexicon.place_regex().search(body) and is_kind(_strip_boundaries(body)):
            continue  # 省级产业技术创新联盟: a kind of alliance
        hits.append(OrgHit(start, end, typ))
    hits += _academy_institutes(text, hits)
    members = _coordinated(text, hits) + _county_facilities(text, hits)
    shadowed = {(h.start, h.end, h.label) for h in members}
    hits = [h for h in hits if (h.start, h.end, h.label) not in shadowed] + members
    hits += _collectives(text, hits)
    hits += _listed_units(text, hits, city)
    return sorted(set(hits), key=lambda h: (h.start, h.end, h.label, h.hint))


# Words that may sit inside an institution name, between its parent and its kind
# (中北大学晋城先进材料与智能装备研究院, …煤炭绿色开采及煤层气综合利用阳城研究院), where the
# leftward run stopped; the coordinating ones (与, 和, 及) also inside a lab or centre named by
# its field (…光电器件与系统集成山西省重点实验室).
_INNER_WORDS = ("及其", "与", "和", "及", "利用", "开发", "应用")
_COORDINATORS = frozenset("与和及")
# Institutions named by their field first: the field may hold a coordination.
_FIELD_FIRST = frozenset({"重点实验室", "实验室", "工程技术研究中心", "工程研究中心", "技术研究中心",
                          "研究中心", "研发中心", "技术创新中心", "创新中心"})
MAX_INNER_GAP = 16


def _inner_word_before(text: str, j: int) -> str:
    return next((w for w in _INNER_WORDS if j >= len(w) and text.startswith(w, j - len(w))), "")


def _joined_start(text: str, start: int, a: int, suffix: str, found: list[OrgHit]) -> int:
    """Start of an institution name whose leftward run stopped at an inner word (与, 利用 …):
    the start of the parent institution or company written just before it, or of the field
    before a coordination in a lab or centre name; else `start` unchanged.

    A run that opens with a place (与北京交通大学) or 中国/国家 after a coordination is a name
    of its own, and so is one after a verb of building (晋能控股集团|建设|…研究所)."""
    word = _inner_word_before(text, start)
    if not word:
        return start
    coord = word in _COORDINATORS
    if coord and (lexicon.place_at(text, start) or text.startswith(("中国", "国家"), start)):
        return start
    cut = start - len(word)
    for h in sorted(found, key=lambda h: -h.end):
        if h.end > cut or h.label not in ("Institution", "Enterprise"):
            continue
        if cut - h.end > MAX_INNER_GAP or (coord and (h.label != "Institution" or cut - h.end < 2)):
            break  # 晋城市文化旅游学校和县级中医院: two names side by side
        if _plain_gap(text, h.end, cut):
            return h.start
        break
    if suffix in _FIELD_FIRST or suffix == "联盟":
        j = cut
        while j > 0 and cut - j < MAX_INNER_GAP and _in_name(text, j - 1) and not _boundary_ends_at(text, j):
            j -= 1
        if cut - j >= 2 and _plain_gap(text, j, cut) and not _generic(text[j:cut]):
            return j
    return start


def _over_verb_start(text: str, start: int, a: int, floor: int) -> int:
    """中国航天推进技术研究院: a run that stopped at a verb (推进) leaving a generic body (技术)
    holds the verb when the longer run opens with a place, 中国 or 国家; else `start`."""
    k = _boundary_ends_at(text, start)
    if not k or not _generic(text[start:a]) or start - k <= floor:
        return start
    longer = _run_start(text, start - k, floor)
    if longer < 0 or longer >= start - k:
        return start
    if lexicon.place_at(text, longer) or text.startswith(("中国", "国家"), longer):
        return longer
    return start


def _plain_gap(text: str, i: int, j: int) -> bool:
    """text[i:j] is name characters whose only boundary words are inner words."""
    k = j
    while k > i:
        if not _in_name(text, k - 1):
            return False
        w = _inner_word_before(text, k)
        if w:
            k -= len(w)
            continue
        if _boundary_ends_at(text, k, True):
            return False
        k -= 1
    return True


# Institutes of the academies in their short form: 中科院半导体所, 中国科学院山西煤化所.
_ACADEMY = re.compile(rf"(中国科学院|中科院|中国工程院)[{CJK}]{{2,8}}?所")


def _academy_institutes(text: str, found: list[OrgHit]) -> list[OrgHit]:
    """An academy's institute written short (…所 after 中科院), with the academy nested in it."""
    have = {(h.start, h.end) for h in found}
    out = []
    for m in _ACADEMY.finditer(text):
        e = m.end()
        if e < len(text) and _in_name(text, e) and not _boundary_starts_at(text, e):
            continue  # 中科院…所属: the 所 opens a word
        if (m.start(), e) not in have:
            out.append(OrgHit(m.start(), e, "Institution"))
        if (m.start(), m.end(1)) not in have:
            out.append(OrgHit(m.start(), m.end(1), "Institution"))
    return out


def _parent_group(text: str, a: int, b: int, anchors) -> bool:
    """A 集团 written as the parent of a company named by a place (中国电力建设集团|湖南省…有限公司):
    the one group that company belongs to, whatever kind words its own name is made of."""
    return text[a:b] == "集团" and bool(lexicon.place_at(text, b)) and _continues_to_company(text, b, anchors)


def _continues_to_company(text: str, b: int, anchors) -> bool:
    """The name run goes on after b, without a break, to a company suffix."""
    for x, _y, typ, _role in anchors:
        if x > b and typ == "Enterprise":
            return x - b <= 12 and all(_in_name(text, i) for i in range(b, x)) and not any(
                _boundary_ends_at(text, i, True) for i in range(b + 1, x + 1))
    return False


def _company_end(text: str, anchors, a: int) -> int:
    """End of the last complete company name before a: a new company starts there (but a
    分公司 or an institution keeps its parent: …股份有限公司唐安煤矿分公司)."""
    end = 0
    for x, y, _typ, _role in anchors:
        if y <= a and text[x:y] in _COMPANY_SUFFIXES:
            end = y
    return end


def _member_start(text: str, j: int, heads) -> int:
    """Start of the list member that ends at the 、 at j: 2-4 characters opened by a group name
    (晋控装备集团|天源) or by another 、; -1 when there is none."""
    for k in range(j - 2, max(j - 5, -1), -1):
        if not _LIST_ITEM.fullmatch(text, k, j):
            return -1
        if k in heads or (k > 0 and text[k - 1] == "、"):
            return k
    return -1


def _coordinated(text: str, hits: list[OrgHit]) -> list[OrgHit]:
    """Expand 晋控装备集团天源、晋丰、金象公司 into one member span each (hint = full name)."""
    heads = {h.end: h for h in hits if h.label == "Enterprise" and text.endswith("集团", h.start, h.end)}
    out = []
    for h in hits:
        if h.label != "Enterprise" or h.start == 0 or text[h.start - 1] != "、":
            continue
        suffix = next((s for s in ("分公司", "公司", "煤业", "煤矿") if text.endswith(s, h.start, h.end)), "")
        if not suffix or not 2 <= h.end - h.start - len(suffix) <= 4:
            continue
        items = [(h.start, h.end - len(suffix))]
        head = None
        j = h.start - 1  # a 、 ending the previous member
        while head is None and j > 0 and text[j] == "、":
            member = _member_start(text, j, heads)
            if member < 0:
                break
            items.append((member, j))
            head = heads.get(member)
            j = member - 1
        if head is None:
            continue
        group = text[head.start:head.end]
        for s, e in items:
            full = group + text[s:e] + suffix
            if s == h.start:
                out.append(OrgHit(s, h.end, "Enterprise", full, "coordination"))
            elif s == head.end:
                out.append(OrgHit(head.start, e, "Enterprise", full, "coordination"))
            else:
                out.append(OrgHit(s, e, "Enterprise", full, "coordination"))
    return out


def _county_facilities(text: str, hits: list[OrgHit]) -> list[OrgHit]:
    """Expand 城区、泽州、陵川博物馆 into one institution per place: a kind each place has one of
    (博物馆, 疾病预防控制中心) after a list of places names each place's own."""
    index = lexicon.division_index()
    out = []
    for h in hits:
        suffix = next((k for k, words in _ONE_PER_LEVEL.items() if "" in words and text.endswith(k, h.start, h.end)), "")
        if h.label != "Institution" or not suffix or not h.start or text[h.start - 1] != "、":
            continue
        if text[h.start:h.end - len(suffix)] not in index:
            continue
        j, members = h.start - 1, []
        while j > 0 and text[j] == "、":
            n = next((n for n in range(min(6, j), 1, -1) if text[j - n:j] in index), 0)
            if not n:
                break
            members.append(OrgHit(j - n, j, "Institution", text[j - n:j] + suffix, "coordination"))
            j -= n + 1
        out += members
    return out


def _collectives(text: str, hits: list[OrgHit]) -> list[OrgHit]:
    """Collective references; 市人民政府各委、办、局 takes the department written before 各."""
    dept_end = {h.end: h for h in hits if h.label == "Department"}
    out = []
    suffixes = lexicon.org_suffixes()
    for m in _COLLECTIVE.finditer(text):
        s = m.start()
        if text.startswith("各", s) and s in dept_end:
            s = dept_end[s].start
        out.append(OrgHit(s, m.end(), "Collective", basis="lexicon"))
        # 市、县（市、区）疾病预防控制中心: the city's own centre is named by 市 alone
        tail = text[m.start():m.end()]
        if s >= 2 and text[s - 1] == "、" and text[s - 2] in "市省" and tail.startswith("县"):
            kind = tail[tail.index("）") + 1:] if "）" in tail else ""
            typ = next((suffixes[k][0] for k in sorted(suffixes, key=len, reverse=True) if kind.endswith(k)), "")
            if kind and typ in ("Department", "Institution"):
                out.append(OrgHit(s - 2, s - 1, typ, text[s - 2] + kind, "coordination"))
    return out


def _listed_units(text: str, hits: list[OrgHit], city: str) -> list[OrgHit]:
    """Units named in a responsibility list that no suffix rule knows: 市乡村振兴中心,
    市中小企业发展促进中心 in 〔责任单位：…〕 or （…牵头，…负责）. A list item that opens with a level
    or place and ends like a public body (中心, 站, 所, 队…) is a Department."""
    covered = {(h.start, h.end) for h in hits}
    out = []
    for m in _UNIT_LIST.finditer(text):
        g = 1 if m.group(1) is not None else 2
        for item in _LIST_SPLIT.finditer(text, m.start(g), m.end(g)):
            s, e = item.span()
            tail = _ITEM_TAIL.search(text, s, e)
            e = tail.start() if tail else e
            if (s, e) in covered or not _UNIT_END.fullmatch(text, s, e):
                continue
            pres = _prefixes_at(text, s, city)
            if pres and e - s - len(pres[0]) >= 2:
                out.append(OrgHit(s, e, "Department", basis="unit-list"))
    return out


class OrgRecognizer(RuleComponent):
    """spaCy component: Department / Enterprise / Institution / Collective spans in doc.spans["kg"]."""

    def hits(self, doc: Doc):
        return ((h.start, h.end, h.label, h.hint, h.basis) for h in find_orgs(doc_text(doc), doc_city(doc)))


@Language.factory("kg_orgs", default_config={"span_key": SPAN_KEY}, assigns=["doc.spans"])
def make_orgs(nlp: Language, name: str, span_key: str) -> OrgRecognizer:
    return OrgRecognizer(span_key)
