"""Task-division tables (任务分工表): one measure per row, its units from the unit columns.

The table comes flattened one cell per line (segment/floats.py keeps it as one table block,
cells separated by line breaks): a header 序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限, then
rows that each start with their number. A placeholder (/, —, 无) marks an empty cell; a cell
that spans several rows (a task shared by several measures, a lead shared by several rows) is
printed once, so a row with fewer cells takes the missing ones from the row above.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from ..model import Block
from ..segment.floats import TASK_HEAD, UNIT_COLUMN, row_number, task_table_header
from .units import org_list

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


@dataclass
class Row:
    """One row of a task table: its units, its leads (the lead column), its task and where it lies."""

    start: int  # block offsets of the row's own unit cells
    end: int
    units: list[str]
    leads: list[str]
    task: str
    number_at: int  # block offset of the row's number


def _rows(cells, start: int, width: int):
    """(number cell, the row's own cells) for each row after the header, while the numbers run on."""
    k, expected = start + width, 1
    while k < len(cells) and row_number(cells[k][0]) == expected:
        j = k + 1
        while j < len(cells) and j - k < width and row_number(cells[j][0]) != expected + 1:
            j += 1
        yield cells[k], cells[k + 1:j]
        k, expected = j, expected + 1


def _is_units(cell) -> bool:
    return cell is not None and (cell[0] in _EMPTY or org_list(cell[0]) is not None)


def _placed(own: list, above: list, width: int, unit_cols: set) -> tuple[list, set]:
    """A row's cells by column, and the columns spanned from the row above (a merged cell is printed once).

    Where a row has fewer cells than columns, the spanned columns are those that leave unit
    lists under the unit columns and no unit list under the others (the leftmost on a tie).
    """
    missing = width - 1 - len(own)
    best = None
    for spanned in combinations(range(1, width), missing):
        values, it = [None], iter(own)
        for i in range(1, width):
            values.append(above[i] if i in spanned else next(it))
        fit = sum(_is_units(values[i]) == (i in unit_cols) for i in range(1, width) if i not in spanned)
        if best is None or fit > best[0]:
            best = (fit, values, set(spanned))
    return best[1], best[2]


def table_rows(block: Block) -> list[Row]:
    """The rows of a task table that name units (none if the block is no task table)."""
    cells = _cells(block)
    start = next((k for k, c in enumerate(cells) if TASK_HEAD.match(c[0])), None)
    names = task_table_header([c[0] for c in cells[start:]]) if start is not None else None
    if names is None:
        return []
    width = len(names)
    lead_cols = {i for i, n in enumerate(names) if _LEAD_COLUMN.match(n)}
    unit_cols = [i for i, n in enumerate(names) if UNIT_COLUMN.match(n)]
    task_cols = [i for i, n in enumerate(names) if _TASK_COLUMN.search(n) and i not in unit_cols]
    out = []
    above: list = [None] * width
    for number, own in _rows(cells, start, width):
        values, inherited = _placed(own, above, width, set(unit_cols))
        values[0] = number
        above = values
        units, leads, spans = [], [], []
        for i in unit_cols:
            cell = values[i]
            if cell is None or cell[0] in _EMPTY:
                continue
            found = org_list(cell[0]) or []
            units.extend(u for u in found if u not in units)
            if i in lead_cols:
                leads.extend(u for u in found if u not in leads)
            if found and i not in inherited:
                spans.append(cell)
        if units and spans:
            tasks = [values[i][0] for i in task_cols if values[i] is not None and values[i][0] not in _EMPTY]
            out.append(Row(min(c[1] for c in spans), max(c[2] for c in spans), units, leads,
                           tasks[-1] if tasks else "", number[1]))
    return out
