"""Task-division tables (任务分工表): one measure per row, its units from the unit columns.

The table comes flattened one cell per line (segment/floats.py keeps it as one table block,
cells separated by line breaks): a header 序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限, then
rows that each start with their number. A placeholder (/, —, 无) marks an empty cell; a task
cell that spans several rows is printed once, so a row with fewer cells takes the missing
leading cells from the row above.
"""
from __future__ import annotations

import re

from ..model import Block
from ..segment.floats import TASK_HEAD, UNIT_COLUMN, row_number, task_table_header
from .units import split_list, unit_list

_LEAD_COLUMN = re.compile(r"^(?:牵头|主责|主办)(?:单位|部门|处室)$")
_TASK_COLUMN = re.compile(r"(?:任务|措施|内容|事项|工作|项目|举措|目标|要求)")
_EMPTY = {"/", "／", "—", "——", "-", "－", "无", "\\"}


def _cells(block: Block) -> list[tuple[str, int, int]]:
    """(text, start, end) of each line of the block, stripped."""
    out, pos = [], 0
    for line in block.text.split("\n"):
        a = pos + len(line) - len(line.lstrip())
        s = line.strip()
        if s:
            out.append((s, a, a + len(s)))
        pos += len(line) + 1
    return out


def table_clauses(bi: int, block: Block):
    """One clause per row of a task table (none if the block is no task table)."""
    from .responsibility import Clause

    cells = _cells(block)
    start = next((k for k, c in enumerate(cells) if TASK_HEAD.match(c[0])), None)
    if start is None:
        return []
    names = task_table_header([c[0] for c in cells[start:]])
    if names is None:
        return []
    width = len(names)
    rows, k, expected = [], start + width, 1
    while k < len(cells):
        if row_number(cells[k][0]) != expected:
            break
        j = k + 1
        while j < len(cells) and j - k < width and row_number(cells[j][0]) != expected + 1:
            j += 1
        rows.append((cells[k], cells[k + 1:j]))
        k, expected = j, expected + 1
    out = []
    above: list = [None] * width
    lead_cols = [i for i, n in enumerate(names) if _LEAD_COLUMN.match(n)]
    unit_cols = [i for i, n in enumerate(names) if UNIT_COLUMN.match(n)]
    task_cols = [i for i, n in enumerate(names) if _TASK_COLUMN.search(n) and i not in unit_cols]
    for number, row in rows:
        row = [None] * (width - 1 - len(row)) + list(row)  # spanned cells missing at the left
        values = [number] + [r if r is not None else above[i + 1] for i, r in enumerate(row)]
        above = values
        units, leads, spans = [], [], []
        for i in unit_cols:
            cell = values[i]
            if cell is None or cell[0] in _EMPTY:
                continue
            names_ = unit_list(split_list(cell[0])) or []
            units.extend(u for u in names_ if u not in units)
            if i in lead_cols:
                leads.extend(u for u in names_ if u not in leads)
            if names_:
                spans.append(cell)
        if not units or not spans:
            continue
        tasks = [values[i] for i in task_cols if values[i] is not None and values[i][0] not in _EMPTY]
        title = tasks[-1][0] if tasks else ""
        a, b = min(c[1] for c in spans), max(c[2] for c in spans)
        out.append(Clause(bi, a, b, block.text[a:b], units, leads, "table-column" if leads else "",
                          title=title, line_start=number[1]))
    return out
