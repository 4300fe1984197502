"""Where a responsibility clause's measure lies, and its title.

A clause governs the measure before it: the highest numbered section that began after the
previous clause and that the clause closes (no body text of that section follows it); failing
that, its own section. Where no section began since the previous clause (several clauses close
consecutive sentences of one item), the measure is the text since the previous clause. A table
row names its own task, and a duty paragraph (（一）市工信局：负责…) is the measure it opens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Document, Evidence
from .responsibility import Clause

_TITLE_END = re.compile(r"[。；;：:，,]+$")
_FIRST_SENTENCE = re.compile(r"^[^。；！？]{1,60}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class MeasureSpan:
    """Where a clause's measure begins (block and offset in it), its title and section."""

    first_block: int
    start: int
    title: str
    section: tuple[str, ...]


def _title(text: str) -> str:
    text = text.lstrip(" \u3000\n。；;，,")
    m = _FIRST_SENTENCE.match(text)
    return _TITLE_END.sub("", m.group() if m else text[:40]).strip()


def _section_end(blocks, start, path) -> int:
    n = len(path)
    j = start
    while j + 1 < len(blocks) and blocks[j + 1].section[:n] == path:
        j += 1
    return j


def _body_follows(blocks, clause: Clause, end: int) -> bool:
    """Does body text of the section follow the clause (so the clause does not close it)?"""
    if _HAN.search(blocks[clause.block].text[clause.end:]):
        return True
    return any(b.kind == "para" and b.text.strip() for b in blocks[clause.block + 1: end + 1])


def _heading_span(blocks, i, path) -> MeasureSpan:
    b = blocks[i]
    return MeasureSpan(i, 0, _TITLE_END.sub("", b.title or b.text), path)


def measure_of(blocks: list[Block], clause: Clause, prev: tuple[int, int]) -> MeasureSpan:
    """The measure a clause governs; `prev` is (block, end offset) of the previous clause, (-1, 0) if none."""
    block = blocks[clause.block]
    if clause.measure_at >= 0:  # a table row
        return MeasureSpan(clause.block, clause.measure_at, clause.title or _title(block.text[clause.measure_at:]),
                           block.section)
    if clause.opens:  # a duty paragraph or item: the clause heads its measure
        if block.kind == "heading":
            return _heading_span(blocks, clause.block, block.section)
        return MeasureSpan(clause.block, clause.start, _title(block.text[clause.end:]), block.section)
    headings = {}
    for i in range(clause.block, -1, -1):
        b = blocks[i]
        if b.kind == "heading" and b.section and b.section == block.section[: len(b.section)] and b.section not in headings:
            headings[b.section] = i
    ancestors = sorted(headings.items(), key=lambda kv: len(kv[0]))  # highest first
    fresh = [(p, i) for p, i in ancestors if i > prev[0]]
    for path, i in fresh:
        if not _body_follows(blocks, clause, _section_end(blocks, i, path)):
            return _heading_span(blocks, i, path)
    if fresh:
        return _heading_span(blocks, fresh[-1][1], fresh[-1][0])
    # No fresh heading: the measure is the text since the previous clause.
    if prev[0] == clause.block:
        first, start = clause.block, prev[1]
    else:
        first, start = min(prev[0] + 1, clause.block), 0
        while first < clause.block and blocks[first].kind != "para":
            first += 1
    text = blocks[first].text[start: clause.start if first == clause.block else None]
    if not _HAN.search(text):  # nothing before the clause in its block: its title is what it says
        text = blocks[first].text[start:]
    return MeasureSpan(first, start, _title(text), block.section)


def evidence_of(doc: Document, block: Block, start: int, end: int) -> Evidence:
    a, b = block.source_span(start, end)
    return Evidence(doc.id, doc.source.line_of(a), block.text[start:end], a, b)
