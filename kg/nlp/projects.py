"""Projects: named undertakings to be built or carried out (…项目, …工程, parks, sidings, mines).

A project name has no fixed vocabulary, but it has a fixed shape: a head noun at the right
(项目, 工程, 专用线, 产业园, 平台 …, or a capacity such as 400万吨/年矿井及其配套选煤厂) and a left
edge that is punctuation, a list separator or a verb of building:

    重点建设|晋城三赢精密电子有限公司年产2亿个搭载高阶镜头相机模组制程工程项目|、|晋城…项目
    依托|晋钢智造科技产业园|和|晋钢机电装备产业园
    专栏 item: |东大郑庄铁路专用线|，总投资24亿元。

`find_projects` finds heads with one regex, walks left to the clause boundary, cuts after the
last verb of building, and then asks for evidence that the name is specific rather than a kind
of thing (一批智慧矿山示范项目, 等项目): a place or organisation inside it, a quantity, a quoted
name, a verb of building right before it, a list position, or sheer length. Two list shapes get
their own rules: quoted titles after a programme word (科技重大专项“…”“…”) and counted
coordinations (沁水蜂蜜、陵川中药材…五个现代农业科技产业园 → five parks, each name in kb_id_).

The words live in patterns/projects.tsv; the regexes below say what each rule fixes. The spaCy
component `kg_projects` runs after the organisation and place components and uses their spans
in doc.spans["kg"] as evidence; nested entities stay separate spans.
"""
from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .spans import SPAN_KEY, RuleComponent, doc_text

from . import lexicon
from .lists import is_kind

LABEL = "Project"
PATTERNS = Path(__file__).parent / "patterns" / "projects.tsv"

# Characters that end a name on its left: clause punctuation, brackets, quotes, line breaks.
BOUNDARY = frozenset("，,。；;：:、！？!?\n\r\t（）()《》<>【】[]“”\"‘’…—·+＋")
# What a quoted modifier may not contain (“互联网+”…平台 keeps its quote).
INNER_STOP = frozenset("，,。；;：:！？!?\n")
# After a strong head: punctuation (or the end) means the head closes the name.
FOLLOW_PUNCT = frozenset("，,。；;：:、！？!?\n（()）”》 ")
# A capacity is itself a head for mines and coal preparation plants; 万吨/年以上 (a category
# line in a 专栏) does not match because the plant word must follow the capacity directly.
CAPACITY = r"\d+(?:\.\d+)?\s*万?吨\s*/\s*年\s*(?:(?:矿井|煤矿)(?:及其?配套选煤厂|配套选煤厂|建设)?|选煤厂)"
# Document titles: no project inside 《…“三晋英才”支持计划》.
BOOK_TITLE = re.compile(r"《[^《》\n]{1,160}》")
# A heading or box title naming a programme (its first line): the numbering, the name, its head.
TITLE = re.compile(
    r"(?:专栏\s*[\d一二三四五六七八九十]+(?:-\d+)?[：:\s]*|第[一二三四五六七八九十]+[章节]\s*"
    r"|[（(][一二三四五六七八九十\d]{1,3}[）)]\s*|[一二三四五六七八九十]{1,3}、\s*|\d{1,2}[.．、]\s*)"
    r"(?P<name>[^\n，。；：:、]{2,30}?(?P<head>工程|计划|行动))\s*(?:\n|$)")
# A date, a document number, an article or an enumerating 一是 inside the text before a head: the
# name starts after it (2月24日慈溪市…工程, 〔2021〕33号山东省…项目, 第十九条项目).
NOT_NAME = re.compile(r"\d{1,2}月\d{1,2}日|[〔\[(（]\d{4}[〕\])）]\d+号|第[一二三四五六七八九十百\d]+[章节条款]|[一二三四五六七八九十]是")
# A generic subject opening the text before a head: the text is a clause (企业进入…园区).
SUBJECT = re.compile(r"(?:企业|公司|单位|部门|政府)(?![集园家])[\u4e00-\u9fff]{2}")
# A 专栏 (box) title such as 专栏1 煤炭产能提升重点项目 names a category of projects.
BOX_TITLE = re.compile(r"专栏\s*[\d一二三四五六七八九十]+")
# List numbering or a year at the start of a name: （1）, 2., 三、, 2020省级… (a year is no evidence).
NUMBERING = re.compile(r"\s*(?:[（(]\d{1,2}[）)]|\d{1,2}[.．、]|[一二三四五六七八九十]{1,3}、|(?:19|20)\d\d年?度?)\s*")
# Short names opened by an evaluative word are kinds: 重大人才工程, 关键核心攻关项目 (not 重大传染病…工程).
EVALUATIVE = re.compile(r"^(?:重大|关键|核心|龙头)")
SHORT_EVALUATIVE = 6
# A level and an evaluative word open a category (省重大产业项目, 市级重点工程).
LEVEL_KIND = re.compile(r"^(?:国家|省|市|县|区)级?(?:重大|重点)")
# A counted kind: 10个市级非遗项目, 3个国家级康养基地, 一组户外休闲运动项目.
COUNTED_KIND = re.compile(r"^(?:\d+|[一二两三四五六七八九十百]+)(?:个|组|批|类|项|座|家|大)")
# Counted coordination: …和泽州生猪小杂粮|五个|现代农业科技产业园.
COUNT = re.compile(r"(?P<num>[两二三四五六七八九十]|\d{1,2})(?:个|大)")
COUNT_VALUE = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"两": 2}
# Separators inside a counted coordination.
LIST_SEP = re.compile(r"、|以及|和|及|与")
# A quoted title; names of programmes are quoted after 专项/项目 (…重大专项“煤层气…技术”).
QUOTE = re.compile(r"“(?P<q>[^“”\n。；，]{4,40})”")
QUOTE_CATEGORY_BEFORE = re.compile(r"(?:专项|项目|工程|课题|计划)\s*$")
QUOTE_CATEGORY_AFTER = re.compile(r"\s*等(?:主要|重点|重大)?(?:项目|工程|专项|课题)")
# Evidence that a name is specific: digits (年产2亿个, 3#), Latin letters (5G), quotes.
SPECIFIC_CHARS = re.compile(r"[0-9０-９A-Za-z“”#＃]")
# 3#、15#煤: a list of numbers inside one name, not two names.
NUMBERED_LIST = re.compile(r"(?<=[0-9#＃号])、(?=[0-9])")
# Organisation words: a name holding one is an owner's project (华昱公司转型发展项目), and may
# begin with a coordination of owners (晋控装备集团天源、晋丰、金象公司气化升级改造项目).
OWNER_WORD = re.compile(r"公司|集团|厂|矿")
OWNER_NAME = re.compile(r"公司|集团")  # 矿/厂 also occur in kinds of things (矿井平台, 选煤厂项目)

# 机器人等核心项目: 等 inside a "name" lists kinds of things (but 等级 is a word).
LISTED_KINDS = re.compile(r"等(?!级)")

# Known spans that make a name specific: a place or a company in it (晋城市煤层气大数据平台). An
# institution's platform or base (市级急救中心指挥调度信息化平台) is part of the institution.
OWNERS = frozenset({"Place", "County", "Enterprise"})

# Unquoted plans name a programme only by their aim (…五年倍增计划, …保护计划); 行动 stays quoted
# (消费帮扶行动 is a kind of campaign).
PLAN_HEADS = frozenset({"计划"})
AIMED_NAME = 4  # a modifier ending in an aim (供水提质) names a programme from this length

PART = 4  # characters between a project and the head of a part of it (送出, 配套, 一期)
MAX_NAME = 60  # characters: longer "names" are clauses
SHORT_NAME = 4  # a shorter modifier needs a place, organisation or number to name one thing
LONG_NAME = 10  # a modifier this long names one thing even without other evidence


@dataclass(frozen=True)
class Found:
    """A project name in a text: the span [start, end) and the full name it stands for."""

    start: int
    end: int
    text: str
    name: str  # equals text except for expanded coordinations (沁水蜂蜜 → 沁水蜂蜜现代农业科技产业园)
    basis: str = "suffix"  # suffix (a head noun) | quoted | coordination | heading


@dataclass(frozen=True)
class Lexicon:
    """Compiled rules from patterns/projects.tsv."""

    heads: re.Pattern  # all heads and capacities; groups cap / strong / zone / named / quoted
    triggers: re.Pattern  # triggers and cut words: a name starts after the last one
    verb_triggers: frozenset  # triggers that are verbs of building (evidence of an undertaking)
    internal: frozenset  # verbs that may end a name right before its head
    goal: re.Pattern  # a programme's aim ending its modifier (…能力提升工程, …倍增计划)
    cut_end: re.Pattern  # a cut word (not internal) right before the head: a verb phrase (擅自停止项目)
    verbs: re.Pattern  # triggers proper (no cut words): before a head they make a verb phrase
    kind_words: re.Pattern  # 文化, 特色文化: a zone named only by these words is a kind of zone
    lead: re.Pattern  # function words dropped from the start of a name
    generic: re.Pattern  # a name starting with these is a kind of thing
    generic_inside: re.Pattern  # … or holding these anywhere
    before_head: re.Pattern  # … or ending with these right before the head
    follow: re.Pattern  # what may follow a strong head
    not_follow: re.Pattern  # what may not follow a zone or named head
    tail: re.Pattern  # head words for counted coordinations


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def load_lexicon(path: str = str(PATTERNS)) -> Lexicon:
    """Read patterns/projects.tsv (kind<TAB>term<TAB>why) and compile the rules."""
    words: dict[str, list[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, term = line.split("\t")[:2]
        words.setdefault(kind, []).append(term)
    strong = words["head"] + ["工程项目"]  # 制程工程项目: one head, not 工程 + a stray 项目
    heads = re.compile(
        f"(?P<cap>{CAPACITY})|(?P<strong>{_alt(strong)})|(?P<zone>{_alt(words['zone'])})"
        f"|(?P<named>{_alt(words['named'])})|(?P<quoted>{_alt(words['quoted'])})"
    )
    triggers = words["trigger"]
    return Lexicon(
        heads=heads,
        triggers=re.compile(_alt(triggers + words["cut"])),
        verb_triggers=frozenset(t for t in triggers if len(t) > 1),
        internal=frozenset(words["internal"]),
        goal=re.compile(f"(?:{_alt(words['goal'])})$"),
        cut_end=re.compile(f"(?:{_alt(set(words['cut']) - set(words['internal'] + words['goal'] + words['nominal']))})$"),
        verbs=re.compile(f"(?:{_alt(triggers)})$"),
        kind_words=re.compile(f"(?:{_alt(words['kind_word'])})+"),
        lead=re.compile(f"(?:{_alt(words['lead'])})+"),  # used with .match(text, pos)
        generic=re.compile(f"^(?:{_alt(words['generic'])})"),
        generic_inside=re.compile(_alt(words["generic_inside"])),
        before_head=re.compile(f"(?:{_alt(words['before_head'])})$"),
        follow=re.compile(f"(?:{_alt(words['follow'])})"),
        not_follow=re.compile(f"(?:{_alt(words['not_follow'])})"),
        tail=re.compile(f"[\u4e00-\u9fff]{{0,16}}?(?:{_alt(words['head'] + words['zone'] + words['named'])})"),
    )


class _Known:
    """Spans other components found (organisations, places), for evidence and protection."""

    def __init__(self, spans):
        self.spans = sorted((s, e, label) for s, e, label in spans)
        self.starts = [s for s, _, _ in self.spans]

    def inside(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """Known spans that overlap [start, end) (names are shorter than MAX_NAME + 20)."""
        out = []
        for k in self.spans[bisect_left(self.starts, start - MAX_NAME - 20):]:
            if k[0] >= end:
                break
            if k[1] > start:
                out.append(k)
        return out

    def covers(self, pos: int, labels=("Department", "Enterprise")) -> bool:
        """pos lies inside a known name of these types (建设 in 市住房和城乡建设局, 中铁建设集团)."""
        return any(s < pos < e and label in labels for s, e, label in self.inside(pos - 1, pos + 1))


class _Taken:
    """Character ranges already given to a project, kept sorted (they do not nest)."""

    def __init__(self):
        self.ranges: list[tuple[int, int]] = []

    def append(self, r: tuple[int, int]) -> None:
        insort(self.ranges, r)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.ranges, (end, -1))
        return any(s < end and start < e for s, e in self.ranges[max(0, i - 3):i])


def find_projects(text: str, known=(), lexicon: Lexicon | None = None) -> list[Found]:
    """Project names in `text`, in text order.

    `known` holds (start, end, label) spans already recognised (Enterprise, Place, …); they
    count as evidence that a name is specific and triggers inside them are ignored.
    """
    lex = lexicon or load_lexicon()
    kn = _Known(known)
    found: list[Found] = []
    taken = _Taken()
    for m in BOOK_TITLE.finditer(text):
        taken.append(m.span())  # a title in 《》 is a document (kg_policies), whatever its words
    found += _titled(text, lex, taken)
    found += _quoted(text, taken)
    found += _counted(text, lex, taken)
    found += _headed(text, lex, kn, taken)
    found.sort(key=lambda f: (f.start, f.end))
    return found


def _titled(text: str, lex: Lexicon, taken: _Taken) -> list[Found]:
    """A heading or a 专栏 title that names a programme: （一）特色集群打造工程, 第三节 实施A级
    景区倍增计划, 专栏3“城市合伙人”计划. The numbering says it is a title, so the name needs no
    other evidence than not being a kind of thing (四、重点工程, 专栏1 煤炭产能提升重点项目)."""
    m = TITLE.match(text)
    if m is None:
        return []
    s, e = m.span("name")
    cut = lex.lead.match(text, s, e)
    s = cut.end() if cut else s
    t = lex.triggers.match(text, s, e)
    if t and t.group(0) in lex.verb_triggers:
        s = t.end()  # 实施|文艺作品质量提升工程
    modifier = text[s:e - len(m.group("head"))].strip("“”")
    if len(modifier) < 2 or is_kind(modifier) or lex.generic.match(modifier) or lex.before_head.search(modifier):
        return []
    taken.append((s, e))
    return [Found(s, e, text[s:e], text[s:e], "heading")]


def _quoted(text: str, taken: _Taken) -> list[Found]:
    """Quoted titles in a run after a programme word: 山西省科技重大专项“A”“B”，…“C”等主要项目."""
    out = []
    quotes = list(QUOTE.finditer(text))
    i = 0
    while i < len(quotes):
        j = i
        while j + 1 < len(quotes) and quotes[j + 1].start() - quotes[j].end() <= 1 and \
                text[quotes[j].end():quotes[j + 1].start()] in ("", "、"):
            j += 1
        run = quotes[i:j + 1]
        before = text[max(0, run[0].start() - 8):run[0].start()]
        if QUOTE_CATEGORY_BEFORE.search(before) or QUOTE_CATEGORY_AFTER.match(text, run[-1].end()):
            for q in run:
                if taken.overlaps(*q.span()):
                    continue
                s, e = q.span("q")
                out.append(Found(s, e, text[s:e], text[s:e], "quoted"))
                taken.append(q.span())
        i = j + 1
    return out


def _counted(text: str, lex: Lexicon, taken: _Taken) -> list[Found]:
    """A counted coordination expands to one project per item: A、B和C三个X产业园."""
    out = []
    for m in COUNT.finditer(text):
        tail = lex.tail.match(text, m.end())
        if tail is None:
            continue
        num = m.group("num")
        n = int(num) if num.isdigit() else COUNT_VALUE[num]
        start = m.start()
        while start > 0 and text[start - 1] not in BOUNDARY - {"、"} and m.start() - start < 120:
            start -= 1
        items_text = text[start:m.start()]
        cut = _last_trigger_end(items_text, lex)
        items = []
        pos = start + cut
        for part in LIST_SEP.split(text[pos:m.start()]):
            s = text.index(part, pos) if part else pos
            items.append((s, s + len(part)))
            pos = s + len(part)
        if len(items) != n or any(not 2 <= e - s <= 12 for s, e in items):
            continue
        if taken.overlaps(items[0][0], tail.end()):
            continue
        for s, e in items:
            out.append(Found(s, e, text[s:e], text[s:e] + tail.group(0), "coordination"))
        taken.append((items[0][0], tail.end()))
    return out


def _last_trigger_end(region: str, lex: Lexicon, known: _Known | None = None, offset: int = 0) -> int:
    """Offset in `region` after the last verb of building that leaves ≥2 characters of name."""
    best = 0
    for t in (*lex.triggers.finditer(region), *NOT_NAME.finditer(region)):
        if t.end() > len(region) - 2:
            continue
        if known is not None and known.covers(offset + t.start()):
            continue  # 建设 inside a known organisation or place name
        best = max(best, t.end())
    return best


def _region_start(text: str, head_start: int, floor: int) -> int:
    """Walk left from a head to the clause boundary, stepping over name-internal punctuation."""
    i = head_start
    limit = max(floor, head_start - MAX_NAME)
    while i > limit:
        c = text[i - 1]
        if c in "）)":  # 下组煤水平延伸（配采）项目: a short aside inside the name
            j = max(text.rfind("（", limit, i - 1), text.rfind("(", limit, i - 1))
            inner = text[j + 1:i - 1] if j >= 0 else ""
            if j > limit and 0 < len(inner) <= 6 and not BOUNDARY.intersection(inner) and \
                    text[j - 1] not in BOUNDARY and not inner.isdigit():  # …院（4）晋城…基地: a list number
                i = j
                continue
            break
        if c == "”":  # 构建“非常规天然气”质量认定…平台: a quoted modifier inside the name
            j = text.rfind("“", limit, i - 1)
            inner = text[j + 1:i - 1] if j >= 0 else ""
            if j >= 0 and 0 < len(inner) <= 14 and not INNER_STOP.intersection(inner):
                i = j
                continue
            break
        if c == "、" and NUMBERED_LIST.match(text, i - 1):
            i -= 1
            continue
        if c in BOUNDARY:
            break
        i -= 1
    return i


def _headed(text: str, lex: Lexicon, kn: _Known, taken: _Taken) -> list[Found]:
    out = []
    floor = 0  # every head closes the region of the next one
    for m in lex.heads.finditer(text):
        kind = m.lastgroup
        hs, he = m.span()
        if taken.overlaps(hs, he):
            floor = max(floor, he)
            continue
        after = text[he:he + 6]
        if kind == "strong" and not _follows(after, lex):
            if m.group(0).endswith("项目") and len(m.group(0)) > 2 and _follows("项目", lex):
                he -= 2  # 优质粮食工程项目新技术试验示范: the 工程 is the name
            elif _part_of_next(text, he, lex):
                continue  # 新能源项目送出工程: the project names a part of itself; the next head ends it
            else:
                floor = max(floor, he)
                continue
        if kind in ("zone", "named") and lex.not_follow.match(after):
            floor = max(floor, he)
            continue
        if kind == "quoted" and "”" not in text[max(floor, hs - MAX_NAME):hs] and \
                not (m.group(0) in PLAN_HEADS and lex.goal.search(text, max(floor, hs - 6), hs)):
            continue  # 计划/行动 name a programme only with a quoted name or an aim (…倍增计划)
        start = _region_start(text, hs, floor)
        floor = he
        f = _accept(text, start, hs, he, kind, lex, kn)
        if f is None:
            continue
        # 晋控装备集团天源、晋丰、金象公司…项目: owners listed before one project
        if text[f.start - 1:f.start] == "、" and OWNER_WORD.search(text, f.start, hs):
            f = _with_owners(text, f, lex, kn) or f
        out.append(f)
        taken.append((f.start, f.end))
        inner = _inner_project(text, f, lex)
        if inner:
            out.append(inner)  # nested in f, so not taken
    return out


def _part_of_next(text: str, he: int, lex: Lexicon) -> bool:
    """A strong head followed by a short part (送出, 配套, 二期) and another strong head."""
    nxt = lex.heads.search(text, he, he + PART + 2)
    return bool(nxt and nxt.lastgroup == "strong" and nxt.start() > he
                and re.fullmatch(r"[\u4e00-\u9fff]+", text[he:nxt.start()]))


def _inner_project(text: str, f: Found, lex: Lexicon) -> Found | None:
    """The whole project a part is named after: 榆阳新能源项目 in 榆阳新能源项目送出工程."""
    for m in lex.heads.finditer(text, f.start, f.end):
        if m.lastgroup == "strong" and m.end() < f.end and f.end - m.end() <= PART + 2 and \
                m.start() - f.start >= SHORT_NAME:
            return Found(f.start, m.end(), text[f.start:m.end()], text[f.start:m.end()])
    return None


def _follows(after: str, lex: Lexicon) -> bool:
    return not after or after[0] in FOLLOW_PUNCT or bool(lex.follow.match(after))


def _place_at(text: str, i: int) -> bool:
    """An official division name (晋城市, 山西省) opens the name at i.

    Bare forms (高平, 南阳) are too ambiguous here (中西医, 卧龙湾); the place component marks
    the ones that do name a place, and those arrive as known spans.
    """
    name = lexicon.place_at(text, i)
    return any(d.name == name and not d.generic for d in lexicon.division_index().get(name, ()))


def _accept(text, start, hs, he, kind, lex: Lexicon, kn: _Known) -> Found | None:
    """Cut the region after its last trigger and keep the name if it is specific."""
    region = text[start:hs]
    if BOX_TITLE.match(region):
        return None
    cut = _last_trigger_end(region, lex, kn, start)
    trigger = ""
    if cut:
        t = [t for t in lex.triggers.finditer(region) if t.end() == cut]
        trigger = t[-1].group(0) if t else ""
    ns = start + cut
    quote = text.rfind("“", ns, hs)
    if quote >= 0 and (kind == "quoted" or text[hs - 1] == "”") and "”" in text[quote:hs]:
        ns = quote  # 建优建强“双创”平台, 实施“三晋英才”支持计划: the quoted name opens the name
    elif kind == "quoted" and not lex.goal.search(region):
        return None
    else:
        tail = lex.verbs.search(region)
        if tail and tail.group(0) not in lex.internal:
            return None  # 以实验室为平台, 积极推进项目: a verb or preposition + head is no name
        if lex.cut_end.search(region):
            return None  # 擅自停止项目, 方案进行项目: a verb + head is no name
    for strip in (NUMBERING, lex.lead):
        m = strip.match(text, ns, hs)
        if m:
            ns = m.end()
    while ns < hs and text[ns].isspace():
        ns += 1
    modifier = text[ns:hs]
    if len(modifier.strip()) < 2 or he - ns > MAX_NAME:
        return None
    if lex.generic.match(modifier) or lex.before_head.search(modifier) or LISTED_KINDS.search(modifier) \
            or lex.generic_inside.search(modifier) or COUNTED_KIND.match(modifier) \
            or (EVALUATIVE.match(modifier) and len(modifier) < SHORT_EVALUATIVE) or LEVEL_KIND.match(modifier):
        return None
    if SUBJECT.match(modifier) and trigger not in lex.verb_triggers:
        return None  # 企业进入当地产业园区, 公司征求终止工程: a clause with its subject (实施企业…工程 is a name)
    name = text[ns:he]
    known = {label for _, _, label in kn.inside(ns, hs)}
    specific = (
        SPECIFIC_CHARS.search(name) is not None
        or bool(known & OWNERS)
        or OWNER_NAME.search(modifier) is not None
        or _place_at(text, ns)
        or (kind != "named" and bool(known & {"Institution", "Department"}))
    )
    if not specific and not lexicon.place_at(modifier, 0) and is_kind(modifier):
        return None  # 关键核心攻关项目, 重点示范项目: kinds of projects
    if not specific:
        # 园区/平台/基地, 创新项目 and 文化产业园 are kinds unless a place, firm or number names them;
        # a short proper name makes a zone (丹河新区) but not a project (基金项目)
        if kind == "named" or (kind == "zone" and lex.kind_words.fullmatch(modifier)) or \
                (kind != "zone" and len(modifier) < SHORT_NAME):
            return None
    aim = len(modifier) >= AIMED_NAME and lex.goal.search(modifier) is not None
    if kind in ("strong", "quoted") and not specific and not aim:
        before = text[ns - 1:ns] if ns else "\n"
        listed = before in "\n。；;：:" or ns == 0  # an item of a 专栏 or a numbered list
        if not (trigger in lex.verb_triggers or listed or len(modifier) >= LONG_NAME):
            return None
    return Found(ns, he, name, name)


def _with_owners(text: str, f: Found, lex: Lexicon, kn: _Known) -> Found | None:
    """Extend a project back over short 、-separated owner names that have no head of their own."""
    i = f.start
    while i > 0 and text[i - 1] == "、":
        j = i - 1
        while j > 0 and text[j - 1] not in BOUNDARY:
            j -= 1
        item = text[j:i - 1]
        if not 1 <= len(item) <= 10 or lex.heads.search(item):
            break
        i = j
    if i == f.start:
        return None
    cut = _last_trigger_end(text[i:f.start], lex, kn, i)
    ns = i + cut
    return Found(ns, f.end, text[ns:f.end], text[ns:f.end])


class ProjectRecognizer(RuleComponent):
    """spaCy component: project names as "Project" spans in doc.spans[span_key]."""

    def __init__(self, span_key: str = SPAN_KEY, patterns: str | Path = PATTERNS):
        super().__init__(span_key)
        self.lexicon = load_lexicon(str(patterns))

    def hits(self, doc: Doc):
        known = []
        if self.span_key in doc.spans:  # organisations and places found before: owners, nesting
            known = [(s.start_char, s.end_char, s.label_) for s in doc.spans[self.span_key]]
        return ((f.start, f.end, LABEL, f.name if f.name != f.text else "", f.basis)
                for f in find_projects(doc_text(doc), known, self.lexicon))


@Language.factory(
    "kg_projects",
    default_config={"span_key": SPAN_KEY, "patterns": str(PATTERNS)},
    assigns=["doc.spans"],
)
def make_project_recognizer(nlp: Language, name: str, span_key: str, patterns: str) -> ProjectRecognizer:
    return ProjectRecognizer(span_key, patterns)
