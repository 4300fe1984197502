"""Responsibility clauses → measures with their units, lead and the basis of the lead.

Clause forms (any bracket pair, nested brackets such as 各县（市、区） allowed):
  〔责任单位：A、B，各县（市、区）人民政府〕     labelled
  （牵头单位：A；配合单位：B、C）                labelled, explicit lead
  （A牵头，B、C等按职责分工负责）                 inline, explicit lead
  （A、B等按职责分工负责） / （A负责）             inline, lead by convention: the first listed
  由A牵头负责 / 由A牵头，B、C配合                 unbracketed sentence form

A clause governs the measure before it: the highest numbered section that began after the
previous clause and that the clause closes (no body text of that section follows it);
failing that, its own section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Document, Evidence

# Openers and closers of bracket groups that may hold a clause.
_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"
_BRACKET = re.compile(r"[（()）〔〕\[\]【】]")
# Labelled clause: 责任单位：…, 牵头单位：…；配合单位：…
_LABEL = re.compile(r"(责任单位|责任部门|主责单位|牵头单位|牵头部门|配合单位|配合部门|参与单位|协办单位)\s*[:：]")
_LEAD_LABELS = {"牵头单位", "牵头部门", "主责单位"}
# Inline clause: ends in 负责 / 配合 / 牵头 (optionally 按职责分工负责, 共同负责, 具体负责).
_INLINE_END = re.compile(r"(?:等)?(?:按职责分工负责|按职责负责|分工负责|共同负责|具体负责|负责|配合|参与)\s*$")
_LEAD_MARK = re.compile(r"牵头(?:负责|落实)?$")
# Unbracketed: 由A牵头负责 / 由A牵头，B、C配合
_SENTENCE = re.compile(r"由(?P<lead>[^，。；、（）()]{2,30}?)牵头(?:负责|(?:，|,)(?P<rest>[^。；]{2,120}?)(?:等)?(?:配合|参与|按职责分工负责|负责))")
_UNIT_SEP = "、，,；;"
_TRAILERS = re.compile(r"(?:等)?(?:按职责分工负责|按职责负责|分工负责|共同负责|具体负责|牵头负责|牵头落实|牵头|负责|配合|参与)$")
# A unit looks like an organisation: ends in an organisational head noun (or is a collective).
_ORG_TAIL = re.compile(
    r"(?:局|委|委员会|办|办公室|厅|部|署|院|法院|检察院|中心|支行|分行|海关|分局|政府|管委会|领导小组|领导组|成员单位|"
    r"单位|部门|公司|集团|学校|大学|学院|协会|联合会|工会|团委|妇联|科协|军分区|武装部|总队|支队|大队|站|所|台)$"
)
_COLLECTIVE = re.compile(r"^各|各成员单位$|有关部门$|相关部门$|有关单位$|相关单位$")


@dataclass
class Clause:
    """A responsibility clause found in a block."""

    block: int
    start: int  # offsets in block text, brackets included
    end: int
    text: str
    units: list[str]  # surface forms, in written order, duplicates removed
    lead: str  # surface form of the explicit lead, "" if none
    labelled: bool


def _split_units(body: str) -> list[str]:
    """Split at 、，；, outside nested brackets."""
    out, depth, cur = [], 0, []
    for ch in body:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in _UNIT_SEP and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [u.strip() for u in out if u.strip()]


def _clean_unit(unit: str) -> str:
    unit = unit.strip().lstrip("由")
    prev = None
    while prev != unit:
        prev = unit
        unit = _TRAILERS.sub("", unit).strip()
    return unit.rstrip("等").strip()


def _looks_like_unit(unit: str) -> bool:
    return 2 <= len(unit) <= 40 and bool(_ORG_TAIL.search(unit) or _COLLECTIVE.search(unit))


def is_collective(unit: str) -> bool:
    return bool(_COLLECTIVE.search(unit))


def _dedupe(units):
    seen, out = set(), []
    for u in units:
        if u and u not in seen:
            seen.add(u)
            out.append(u)
    return out


def parse_clause(body: str) -> tuple[list[str], str, bool] | None:
    """Units, explicit lead and whether labelled, for a bracket body; None if not a clause."""
    body = body.strip()
    labels = list(_LABEL.finditer(body))
    if labels and labels[0].start() == 0:
        units, lead = [], ""
        for i, m in enumerate(labels):
            part = body[m.end(): labels[i + 1].start() if i + 1 < len(labels) else len(body)]
            names = [_clean_unit(u) for u in _split_units(part)]
            names = [u for u in names if u]
            if m.group(1) in _LEAD_LABELS and names and not lead:
                lead = names[0]
            units.extend(names)
        units = _dedupe(units)
        if units and all(_looks_like_unit(u) for u in units):
            return units, lead, True
        return None
    if not _INLINE_END.search(body):
        return None
    raw = _split_units(body)
    units, lead = [], ""
    for part in raw:
        name = _clean_unit(part)
        if not name:
            continue
        if _LEAD_MARK.search(part.rstrip("等")) and not lead:
            lead = name
        units.append(name)
    units = _dedupe(units)
    if units and all(_looks_like_unit(u) for u in units):
        return units, lead, False
    return None


def find_clauses(blocks: list[Block]) -> list[Clause]:
    """Every responsibility clause of a document's blocks, in order."""
    found: list[Clause] = []
    for bi, block in enumerate(blocks):
        if block.kind == "heading":
            continue
        text = block.text
        stack: list[int] = []
        spans = []
        for m in _BRACKET.finditer(text):
            ch = m.group()
            if ch in _OPEN:
                stack.append(m.start())
            elif stack:
                a = stack.pop()
                if not stack:  # outermost group only
                    spans.append((a, m.end()))
        for a, b in spans:
            parsed = parse_clause(text[a + 1: b - 1])
            if parsed:
                units, lead, labelled = parsed
                found.append(Clause(bi, a, b, text[a:b], units, lead, labelled))
        for m in _SENTENCE.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            lead = _clean_unit(m.group("lead"))
            rest = [_clean_unit(u) for u in _split_units(m.group("rest") or "")]
            units = _dedupe([lead] + [u for u in rest if u])
            if all(_looks_like_unit(u) for u in units):
                found.append(Clause(bi, m.start(), m.end(), m.group(), units, lead, False))
    found.sort(key=lambda c: (c.block, c.start))
    return found


@dataclass
class MeasureSpan:
    """Where a clause's measure lies: its heading (or first block) and its title."""

    first_block: int
    heading: int  # index of the heading block, -1 if none
    title: str
    section: tuple[str, ...]


_TITLE_END = re.compile(r"[。；;：:，,]+$")
_FIRST_SENTENCE = re.compile(r"^[^。；！？]{1,60}")


def _section_end(blocks, start, path) -> int:
    n = len(path)
    j = start
    while j + 1 < len(blocks) and blocks[j + 1].section[:n] == path:
        j += 1
    return j


def _body_follows(blocks, clause: Clause, end: int) -> bool:
    """Does body text of the section follow the clause (so the clause does not close it)?"""
    tail = blocks[clause.block].text[clause.end:]
    if re.search(r"[\u4e00-\u9fff]", tail):
        return True
    return any(b.kind == "para" and b.text.strip() for b in blocks[clause.block + 1: end + 1])


def measure_of(blocks: list[Block], clause: Clause, prev_end: int) -> MeasureSpan:
    """The measure a clause governs; `prev_end` is the block index of the previous clause (-1)."""
    block = blocks[clause.block]
    headings = {}
    for i in range(clause.block, -1, -1):
        b = blocks[i]
        if b.kind == "heading" and b.section and b.section == block.section[: len(b.section)] and b.section not in headings:
            headings[b.section] = i
    ancestors = sorted(headings.items(), key=lambda kv: len(kv[0]))  # highest first
    fresh = [(p, i) for p, i in ancestors if i > prev_end]
    for path, i in fresh:
        if not _body_follows(blocks, clause, _section_end(blocks, i, path)):
            return MeasureSpan(i, i, _TITLE_END.sub("", blocks[i].title or blocks[i].text), path)
    if fresh:
        path, i = fresh[-1]
        return MeasureSpan(i, i, _TITLE_END.sub("", blocks[i].title or blocks[i].text), path)
    # No fresh heading: the measure is the text since the previous clause.
    first = prev_end + 1 if prev_end + 1 <= clause.block else clause.block
    while first < clause.block and blocks[first].kind != "para":
        first += 1
    m = _FIRST_SENTENCE.match(blocks[first].text)
    title = _TITLE_END.sub("", m.group() if m else blocks[first].text[:40])
    return MeasureSpan(first, -1, title, block.section)


def evidence_of(doc: Document, block: Block, start: int, end: int) -> Evidence:
    a, b = block.source_span(start, end)
    return Evidence(doc.id, doc.source.line_of(a), block.text[start:end], a, b)
