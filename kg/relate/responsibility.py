"""Responsibility clauses: the units a document makes responsible for a measure, and its lead(s).

Forms (any bracket pair, full- or half-width brackets, colons and semicolons; nested brackets
such as 各县（市、区） allowed):

  labelled   （牵头单位：A；配合单位：B、C）  〔责任单位：A、B，各县（市、区）人民政府〕
             （责任单位：A牵头，B、C等部门分工负责）   责任单位：A、B 配合单位：C 完成时限：…
  verbal     （A牵头） （A、B、C分别牵头负责） （A、B牵头，C、D等按照职责分工负责） （由A牵头负责）
             （A负责） （A、B按职责分工负责） （各市党委、政府负责，A、B等部门按职责分工负责）
  bare list  …。（A、B） closing its paragraph
  convention （A、B负责。列第一位者为牵头单位，下同）: the first listed leads from here on
  prose      A为牵头单位 / 由A牵头，会同B… (the sentence that ends its item) / （一）市工信局：负责…
  tables     a task-division table's 牵头单位 / 配合单位 columns (tables.py)

Every unit marked 牵头 is a lead (joint leads); `basis` says how the lead is known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block
from .tables import table_rows
from .units import is_collective, is_org, org_list, split_list, unit_list

__all__ = ["Clause", "parse_clause", "find_clauses", "find_conventions"]

_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"
_BRACKET = re.compile(r"[（()）〔〕\[\]【】]")
# A label and its colon: 牵头单位： / 责任单位: / 完成时限：
_LABEL = re.compile(r"(?:^|(?<=[，,；;。：:\s]))(?P<name>[\u4e00-\u9fff]{2,6})\s*[:：]")
UNIT_LABEL = re.compile(r"(?:责任|牵头|主责|主办|配合|参与|协办|协作|协同|承办|实施)(?:单位|部门|处室|科室|主体)")
_TIME_LABEL = r"(?:完成|办结|截止)?(?:时限|时间|期限)|时间节点|进度安排"
# A known label needs nothing before it: lines joined into one paragraph run 责任单位：A配合单位：B together.
_KNOWN_LABEL = re.compile(rf"(?P<name>{UNIT_LABEL.pattern}|{_TIME_LABEL})\s*[:：]")
_LEAD_LABEL = re.compile(r"(?:牵头|主责|主办)(?:单位|部门|处室|科室)")
# The verb that ends a unit group: 牵头 marks a lead; 负责 / 配合 / 按职责分工负责… a unit.
_LEAD_VERB = re.compile(r"(?:分别|共同|联合)?牵头(?:负责|落实|推进|实施|抓总|组织实施)?$")
_DUTY_VERB = re.compile(
    r"(?:按照?|根据|依据)?(?:各自)?(?:职责|职能)?(?:分工)?(?:分别|共同|协同|具体|配合|积极)?"
    r"(?:负责|配合|参与|落实|协助|协办|实施|推进)(?:落实|实施)?$"
)
# A stated convention: 列第一位者为牵头单位 / 排在首位的为牵头部门 / 第一个单位为牵头单位
CONVENTION = re.compile(
    r"(?:第一位?|首位|第一个|最前面?)(?:者|的)?(?:单位|部门)?(?:为|是)(?:牵头|主责)(?:单位|部门)"
)
_SAME_BELOW = re.compile(r"^(?:以)?下同$")
_SENTENCE_END = re.compile(r"[。；;！？!?]")
# Prose: 由A牵头(负责)(，会同B…)  /  A为牵头单位(，B为配合单位)
_PROSE_LEAD = re.compile(r"由(?P<leads>[^，,。；;：:（）()]{2,80}?)牵头(?:负责|落实|实施|组织实施)?")
_PROSE_ROLE = re.compile(r"(?P<leads>[^，,。；;：:（）()]{2,80}?)为牵头(?:单位|部门)")
_PARTNERS = re.compile(  # used with match(text, pos): anchored there
    r"[，,]?(?:会同|联合|协调|组织|并会同)?(?P<units>[^，,。；;]{2,120}?)"
    r"(?:等(?:有关|相关)?(?:部门|单位)?)?(?=配合|参与|协助|按职责|按照职责|分工|共同|制定|研究|做好|开展|推进|推动|实施|落实|负责|"
    r"组织|抓好|建立|完善|加强|统筹|协调|等?(?:为|作为)(?:配合|成员|参与|协办|责任)|[，,。；;]|$)"
)  # the partners end where a verb or a role (为配合单位) follows
_PROSE_SUBJECT = 12  # at most this much of a sentence before its 由A牵头 (该项工作)
_PROSE_TAIL = 30  # at most this much of a sentence after its assignment (，推进…建设)
_PARTNER_ROLE = re.compile(r"等?(?:为|作为)(?:配合|成员|参与|协办|责任)(?:单位|部门)")
_LEADIN = re.compile(r"^(?:明确|确定|指定|确认|安排|其中|并|由|以|请)+")
# A duty paragraph: （一）市工信局：负责… / 市财政局：牵头…
_DUTY = re.compile(  # used with match(text, pos)
    r"(?P<units>(?:[^：:，,。；;（）()]|[（(][^（）()：:，,。\d一二三四五六七八九十]{1,8}[）)]){2,60}?)[：:]\s*"
    r"(?=(?:主要)?(?:负责|牵头|承担|做好|会同|配合|协助|协调|指导|统筹|组织|落实|督促|抓好|参与|监督))"
)


@dataclass
class Clause:
    """A responsibility clause found in a block."""

    block: int
    start: int  # offsets in the block text, brackets included
    end: int
    text: str
    units: list[str]  # surface forms, in written order, duplicates removed
    leads: list[str]  # surface forms of the units marked as leading (牵头, 牵头单位, a lead column)
    basis: str = ""  # "explicit" | "table-column" | "prose"; "" until conventions are applied
    convention: bool = False  # the clause itself states that the first listed leads
    title: str = ""  # the measure's title where the clause names it (a table row's task)
    measure_at: int = -1  # block offset where its measure starts, where the clause knows it (a table row's number)
    opens: bool = False  # the clause heads its measure (a duty paragraph) instead of closing it


# ------------------------------------------------------------------ bodies

def _group(text: str, need_verb: bool) -> tuple[list[str], bool] | None:
    """(units, marked 牵头) of one comma-separated group, or None if it is no unit group."""
    text = text.strip()
    lead = _LEAD_VERB.search(text)
    verb = lead or _DUTY_VERB.search(text)
    if verb and verb.start() > 0:
        text = text[: verb.start()]
    elif need_verb:
        return None
    units = unit_list(split_list(text, "、"))
    return (units, bool(lead)) if units else None


def _verbal(body: str, need_verb: bool = True) -> tuple[list[str], list[str]] | None:
    """Units and leads of groups such as A、B牵头，C等按职责分工负责; parts after them that are
    no unit group (完成时限：…, 下同) are left out."""
    units: list[str] = []
    leads: list[str] = []
    for part in split_list(body, "，,；;。"):
        if CONVENTION.search(part) or _SAME_BELOW.match(part):
            continue
        got = _group(part, need_verb)
        if got is None:
            if units:
                break
            return None
        names, lead = got
        units.extend(u for u in names if u not in units)
        if lead:
            leads.extend(u for u in names if u not in leads)
    return (units, leads) if units else None


def _labels(text: str, start: int = 0, end: int | None = None) -> list[re.Match]:
    """The labels of text[start:end] in order: any short name after a separator, a known label anywhere."""
    end = len(text) if end is None else end
    found = sorted([*_LABEL.finditer(text, start, end), *_KNOWN_LABEL.finditer(text, start, end)],
                   key=lambda m: (m.start(), -m.end()))
    out: list[re.Match] = []
    for m in found:
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


def _labelled(body: str) -> tuple[list[str], list[str]] | None:
    """Units and leads of 牵头单位：A；配合单位：B、C (other labels such as 完成时限 are left out)."""
    labels = _labels(body)
    units: list[str] = []
    leads: list[str] = []
    for i, m in enumerate(labels):
        name = m.group("name")
        if not UNIT_LABEL.search(name):
            continue
        value = body[m.end(): labels[i + 1].start() if i + 1 < len(labels) else len(body)]
        value = value.strip().strip("，,；;。")
        if not value:
            continue  # 牵头单位：(empty) — the next label carries the units
        got = _verbal(value, need_verb=False)
        if got is None:
            return None
        names, marked = got
        units.extend(u for u in names if u not in units)
        chosen = names if _LEAD_LABEL.search(name) else marked
        leads.extend(u for u in chosen if u not in leads)
    return (units, leads) if units else None


def parse_clause(body: str) -> tuple[list[str], list[str], bool] | None:
    """(units, leads, labelled) of a bracket body; None if it is no responsibility clause.

    A clause needs at least one organisation or collective among its units.
    """
    body = body.strip()
    first = _LABEL.match(body)
    if first and UNIT_LABEL.search(first.group("name")):
        got, labelled = _labelled(body), True
    else:
        got, labelled = _verbal(body), False
    if got is None:
        return None
    units, leads = got
    if not any(is_org(u) or is_collective(u) for u in units):
        return None
    return units, leads, labelled


# ------------------------------------------------------------------ finding clauses in blocks

def _bracket_spans(text: str) -> list[tuple[int, int]]:
    stack: list[int] = []
    spans = []
    for m in _BRACKET.finditer(text):
        if m.group() in _OPEN:
            stack.append(m.start())
        elif stack:
            a = stack.pop()
            if not stack:  # outermost group only
                spans.append((a, m.end()))
    return spans


def _bare_list(body: str) -> tuple[list[str], list[str], bool] | None:
    """A bracket holding nothing but organisations' names: （发改局、财政局）."""
    units = org_list(body)
    return (units, [], False) if units else None


def _bracketed(bi: int, text: str, spans) -> list[Clause]:
    """Bracketed clauses; a bare list of names counts where it closes its paragraph after a sentence."""
    out = []
    for a, b in spans:
        body = text[a + 1: b - 1]
        parsed = parse_clause(body)
        if parsed is None and _SENTENCE_END.match(text[a - 1: a]) and not text[b:].strip():
            parsed = _bare_list(body)
        if parsed:
            units, leads, _ = parsed
            out.append(Clause(bi, a, b, text[a:b], units, leads, "explicit" if leads else "",
                              convention=bool(CONVENTION.search(body))))
    return out


_BARE_LABEL = re.compile(rf"(?:^|(?<=[\n。；;！？!?\s）)〕】]))(?:{UNIT_LABEL.pattern})\s*[:：]")


def _unbracketed(bi: int, text: str, spans) -> list[Clause]:
    """责任单位：A、B 配合单位：C written as a line or sentence of its own, up to its end."""
    out = []
    k = 0
    for m in _BARE_LABEL.finditer(text):
        if m.start() < k or any(a <= m.start() < b for a, b in spans):
            continue
        end = m.end()
        while end < len(text) and text[end] not in "\n。":
            end += 1
        for other in _labels(text, m.end(), end):
            if not UNIT_LABEL.search(other.group("name")):
                end = other.start()  # 完成时限：… is no part of it
                break
        parsed = parse_clause(text[m.start():end])
        if parsed:
            units, leads, _ = parsed
            stop = end
            while stop > m.start() and text[stop - 1] in " \u3000，,；;":
                stop -= 1
            out.append(Clause(bi, m.start(), stop, text[m.start():stop], units, leads, "explicit" if leads else ""))
        k = end
    return out


def _last_sentence(text: str) -> int:
    """Offset where the last sentence of a block begins (its final punctuation not counted)."""
    body = text.rstrip(" \u3000\n。；;！？!?")
    ends = [m.end() for m in _SENTENCE_END.finditer(body)]
    return ends[-1] if ends else 0


def _names(text: str) -> list[str] | None:
    """Organisation names of a prose list (its first item stripped of 明确/由/以…)."""
    items = split_list(text, "、")
    if items:
        items[0] = _LEADIN.sub("", items[0])
    units = unit_list(items)
    if units and all(is_org(u) or is_collective(u) for u in units):
        return units
    return None


def _prose(bi: int, text: str) -> list[Clause]:
    """由A牵头… / A为牵头单位 in the last sentence of a block: it assigns the item the block ends.

    由A牵头 must open its sentence (after at most a short subject: 该项工作由A牵头…), and little
    may follow the assignment: a sentence that goes on about something else merely mentions who leads.
    """
    a = _last_sentence(text)
    sentence = text[a:]
    for rx in (_PROSE_ROLE, _PROSE_LEAD):
        m = rx.search(sentence)
        if not m:
            continue
        if rx is _PROSE_LEAD and (m.start() > _PROSE_SUBJECT or re.search(r"[，,]", sentence[:m.start()])):
            continue
        lead_text = m.group("leads")
        cut = max((lead_text.rfind(c) for c in "，,：:"), default=-1)
        lead_text = lead_text[cut + 1:]
        leads = _names(lead_text)
        if not leads:
            continue
        units = list(leads)
        end = m.end()
        p = _PARTNERS.match(sentence, m.end())
        partners = _names(p.group("units")) if p else None
        if partners:
            units.extend(u for u in partners if u not in units)
            end = p.end("units")
            role = _PARTNER_ROLE.match(sentence, end)
            end = role.end() if role else end
        if len(sentence[end:].rstrip(" \u3000\n。；;！？!?")) > _PROSE_TAIL:
            continue  # the sentence goes on about something else: a mention, not an assignment
        start = a + m.start("leads") + (len(m.group("leads")) - len(lead_text))
        return [Clause(bi, start, a + end, text[start:a + end], units, leads, "prose")]
    return []


def _duty(bi: int, block: Block) -> list[Clause]:
    """（一）市工信局：负责… — a paragraph or item naming the unit whose duties it lists."""
    text = block.text
    off = len(block.number) if block.kind == "heading" else 0
    while off < len(text) and text[off] in " \u3000":
        off += 1
    m = _DUTY.match(text, off)
    if not m:
        return []
    units = _names(m.group("units"))
    if not units or m.group("units").startswith(("由", "明确")) \
            or all(is_collective(u) and not u.startswith("各") for u in units):
        return []  # 其他部门：做好… names no one; 各县（市、区）人民政府：负责… names every one
    leads = units[:1] if len(units) == 1 and not is_collective(units[0]) else []
    return [Clause(bi, m.start("units"), m.end("units") + 1, text[m.start("units"):m.end("units") + 1], units, leads,
                   "prose" if leads else "", opens=True)]


def _table(bi: int, block: Block) -> list[Clause]:
    """One clause per row of a task table: its unit cells."""
    return [Clause(bi, r.start, r.end, block.text[r.start:r.end], r.units, r.leads, "table-column" if r.leads else "",
                   title=r.task, measure_at=r.number_at) for r in table_rows(block)]


def find_clauses(blocks: list[Block]) -> list[Clause]:
    """Every responsibility clause of a document's blocks, in order (tables included)."""
    found: list[Clause] = []
    for bi, block in enumerate(blocks):
        if block.kind == "notice":
            continue
        if block.kind == "table":
            found.extend(_table(bi, block))
            continue
        text = block.text
        duty = _duty(bi, block) if block.kind in ("heading", "para") else []
        found.extend(duty)
        if block.kind == "heading":
            continue
        spans = _bracket_spans(text)
        formal = _bracketed(bi, text, spans) + _unbracketed(bi, text, spans)
        found.extend(formal)
        if not formal and not duty:
            found.extend(_prose(bi, text))
    found.sort(key=lambda c: (c.block, c.start))
    return found


def find_conventions(blocks: list[Block]) -> list[tuple[int, int]]:
    """(block, offset) of each place a document states that the first unit listed leads."""
    return [(bi, m.start()) for bi, b in enumerate(blocks) for m in CONVENTION.finditer(b.text)]
