"""Floats: boxes (专栏), flattened tables, figures and appendices, which interrupt the running text.

A box runs to the end of its page and may repeat its title on the next; a flattened table is a
run of short cells.
"""
from __future__ import annotations

import re

from ..model import Block
from .lines import Line, ends_para_text, ends_sentence
from .outline import heading_of

# A box (专栏) title line: 专栏1 …, 专栏2：…, 专栏13-1：…, 专栏一 …
BOX = re.compile(r"^专栏\s*(?:\d{1,2}(?:-\d{1,2})?|[一二三四五六七八九十]{1,3})(?:[：:\s]|$|(?=\d?[\u4e00-\u9fff“]))")
# An appendix starts: 附件： / 附件1 / 附件2：…
APPENDIX = re.compile(r"^附\s*件\s*\d{0,2}\s*(?:[：:]|$|\s)")
# A figure or table caption: 图1 晋城市…, 表1 晋城市“十四五”…主要目标
FIGURE = re.compile(r"^[图表]\s*\d{1,2}(?:-\d{1,2})?(?:[\s：:]|(?=\d{4}|[\u4e00-\u9fff“]))")
# An unnumbered caption of a map or chart printed inside running text: …空间布局结构规划图
CAPTION = re.compile(r"^[^，。；：、]{4,40}(?:规划图|示意图|结构图|分布图|布局图|体系图|路线图|导览图|一览表|统计表|情况表)$")


def box_title_ahead(lines: list[Line], i: int) -> int:
    """Index of a box title further down the page of line i (0 if none).

    Some layouts print a box's first lines (a table header, a few items) before its title,
    inside the paragraph the box interrupts.
    """
    for j in range(i + 1, len(lines)):
        if lines[j].page or heading_of(lines[j].text):
            return 0
        if BOX.match(lines[j].text):
            return j
    return 0


def table_run(lines: list[Line], i: int, W: float) -> int:
    """Number of lines of a flattened table starting at line i (0 if none).

    A table is a run of cells: short lines (at most 0.6 of a full line) with a few longer
    ones (up to 0.85) between short ones; at least 4 short cells, most of the run short.
    """
    short = lambda x: x.width <= min(12, 0.6 * W)  # noqa: E731

    def cell(x):
        h = heading_of(x.text)
        return x.width <= 0.85 * W and not (h and len(h[3]) >= 2 and h[1] <= 5) and not BOX.match(x.text) \
            and not FIGURE.match(x.text) and not APPENDIX.match(x.text)

    if not short(lines[i]) or not cell(lines[i]) or ends_sentence(lines[i].text):
        return 0
    k, n_short, last_short = i, 0, i
    while k < len(lines) and cell(lines[k]) and (k == i or not lines[k].page):
        x = lines[k]
        if short(x):
            n_short, last_short = n_short + 1, k
        elif k - last_short > 3:  # several long lines in a row: the table has ended
            break
        k += 1
    k = last_short + 1
    run = k - i
    return run if n_short >= 4 and n_short >= 0.6 * run else 0


def joined_paras(box_lines, W):
    """Box lines reflowed: lines of one paragraph joined, paragraphs separated by a line break."""
    out = []
    prev = None
    for x in box_lines:
        if prev is not None:
            ended = ends_para_text(prev.text, heading=False)
            if ended and (prev.width <= W - 1.5 or heading_of(x.text)) or prev.width <= 0.6 * W:
                out.append((-1, -1))
        out.append((x.start, x.end))
        prev = x
    return out


def merge_boxes(blocks: list[Block]):
    """A box printed over several pages repeats its title: one box per title."""
    first: dict[str, int] = {}
    keep = []
    for blk in blocks:
        if blk.kind == "box" and blk.title in first:
            tgt = keep[first[blk.title]]
            body = blk.text[len(blk.title):].lstrip("\n")
            off = len(blk.text) - len(body)
            if body:
                tgt.text += "\n" + body
                tgt.origin.append(max(0, blk.origin[off] - 1))
                tgt.origin.extend(blk.origin[off:])
            continue
        if blk.kind == "box":
            first[blk.title] = len(keep)
        keep.append(blk)
    blocks[:] = keep



# A task-division table (任务分工表) flattened one cell per line: a header 序号 / 重点任务 /
# 牵头单位 / 配合单位 / 完成时限…, then rows that each start with their number.
TASK_HEAD = re.compile(r"^(?:序号|编号|序)$")
UNIT_COLUMN = re.compile(r"^(?:牵头|主责|主办|责任|配合|参与|协办|协作|协同)(?:单位|部门|处室)$")
ROW_NUMBER = re.compile(r"^(\d{1,3})[.、．]?$")


def task_table_header(cells: list[str]) -> list[str] | None:
    """The column names of a task table whose header starts `cells` (at least three, one of units), or None."""
    if not cells or not TASK_HEAD.match(cells[0]):
        return None
    names = []
    for c in cells:
        if ROW_NUMBER.match(c) or len(c) > 12:
            break
        names.append(c)
    if len(names) < 3 or not any(UNIT_COLUMN.match(n) for n in names):
        return None
    return names


def row_number(cell: str) -> int:
    """The number a row-number cell holds (1, 2., 3、), else 0."""
    m = ROW_NUMBER.match(cell)
    return int(m.group(1)) if m else 0


def task_table_run(lines: list[Line], i: int) -> int:
    """Number of lines of a task table whose header starts at line i (0 if none).

    After the header come rows of at most one cell per column, each opened by the next number;
    the last row ends after as many cells as there are columns (or at a heading).
    """
    if not TASK_HEAD.match(lines[i].text):
        return 0
    names = task_table_header([x.text for x in lines[i:i + 16]])
    if names is None:
        return 0
    width = len(names)
    k, expected, last = i + width, 1, None
    while k < len(lines):
        n = row_number(lines[k].text)
        if n == expected:
            last, expected = k, expected + 1
        elif last is None or k - last >= width or lines[k].page and heading_of(lines[k].text):
            break
        elif heading_of(lines[k].text) and heading_of(lines[k].text)[1] <= 5:
            break
        k += 1
    return k - i if last is not None else 0
