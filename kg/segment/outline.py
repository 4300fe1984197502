"""Outline numbering: which heading scheme a line starts with, and what its number is.

Schemes from the top of the outline down: 第一部分, 第一章, 第一节, 第一条, 一、, （一）, 1., （1）.
"""
from __future__ import annotations

import re
from functools import lru_cache

NUM = r"[一二三四五六七八九十百零〇两\d]+"

# (scheme, rank, regex with groups num, rest)
SCHEMES = (
    ("部分", 0, re.compile(rf"^第({NUM})部分\s*(.*)$")),
    ("章", 1, re.compile(rf"^第({NUM})章\s*(.*)$")),
    ("节", 2, re.compile(rf"^第({NUM})节\s*(.*)$")),
    ("条", 3, re.compile(rf"^第({NUM})条\s*(.*)$")),
    ("一、", 4, re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(.*)$")),
    ("（一）", 5, re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*(.*)$")),
    ("1.", 6, re.compile(r"^(\d{1,2})\s*[.．、](?![\d.．])\s*(.*)$")),
    ("（1）", 7, re.compile(r"^[（(](\d{1,2})[）)]\s*(.*)$")),
)


@lru_cache(maxsize=8192)
def heading_of(text: str):
    """(scheme, rank, number, rest) if the text starts with a heading number, else None."""
    for scheme, rank, rx in SCHEMES:
        m = rx.match(text)
        if m:
            return scheme, rank, m.group(1), m.group(2)
    return None


def num_len(text: str) -> int:
    """Length of the heading number at the start of text (with its separator)."""
    for _, _, rx in SCHEMES:
        m = rx.match(text)
        if m:
            return m.start(2)
    return 0


def section_id(scheme: str, num: str) -> str:
    if scheme in ("章", "节", "条", "部分"):
        return f"第{num}{scheme}"
    if scheme == "一、":
        return num
    if scheme == "（一）":
        return f"（{num}）"
    if scheme == "1.":
        return f"{int(num)}."
    return f"（{int(num)}）"


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGITS["零"] = 0


def cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二〇二二 → 2022, 12 → 12."""
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGITS for c in s) and len(s) > 2:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, tens = 0, 0
    for c in s:
        if c == "十":
            tens = (total or 1) * 10
            total = 0
        elif c == "百":
            tens, total = (total or 1) * 100, 0
        elif c in _CN_DIGITS:
            total = _CN_DIGITS[c]
        elif c == "两":
            total = 2
    return tens + total
