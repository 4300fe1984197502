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


# --- headings inside text without line breaks ------------------------------------------------
#
# OCR output and web copies may hold a whole document on one line. Its items still start with
# their numbers, so the line is cut where a number continues the outline: the next number of a
# scheme already open (二、 after 一、, 11。 after 10.), or the first number of a deeper one.

_MARKER = re.compile(
    rf"第(?P<cn>{NUM})(?P<ck>部分|章|节|条)"
    r"|(?P<h>[一二三四五六七八九十]{1,3})、"
    r"|[（(](?P<p>[一二三四五六七八九十]{1,3})[）)]"
    r"|[（(](?P<pd>\d{1,2})[）)]"
    r"|(?<![\d.．%０-９])(?P<d>\d{1,2})(?P<dsep>[.．、。])(?![\d.．%０-９])"
)
_RANK = {scheme: rank for scheme, rank, _ in SCHEMES}
# What may stand before a heading number: the end of a sentence, a clause or a bracket.
_STRONG = set("。；;！？!?：:…）)〕】”」』")
_SENTENCE_END = re.compile(r"[。！？；;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
NEAR = 40  # a heading's title run together with its first subheading: at most this many characters


def _scheme(m: re.Match) -> tuple[str, str]:
    if m.group("ck"):
        return m.group("ck"), m.group("cn")
    for group, scheme in (("h", "一、"), ("p", "（一）"), ("pd", "（1）"), ("d", "1.")):
        if m.group(group):
            return scheme, m.group(group)
    raise AssertionError(m.group())


def item_starts(text: str) -> list[int]:
    """Offsets (> 0) in a line where a numbered item begins: the places to cut a run-on line.

    A number counts where it continues the outline read so far, after the end of a sentence or
    a bracket (or, for 一、 and bracketed numbers, right after a word); the first number of a
    deeper scheme may also follow its parent's title directly (一、总体要求（一）指导思想), and
    so may a number that resumes the count of the parent's previous sibling ((二)课题11.…). A
    first number run on after a word (…方案一、持续…) counts when its second follows later.
    """
    marks = []  # (scheme, rank, number, offset, strong, spaced, word, sep)
    for m in _MARKER.finditer(text):
        scheme, num = _scheme(m)
        pos = m.start()
        before = text[:pos].rstrip(" \u3000\t")
        prev = before[-1:]
        marks.append((scheme, _RANK[scheme], cn_number(num), pos, not before or prev in _STRONG, len(before) < pos,
                      bool(_HAN.match(prev)) and prev != "第", m.group("dsep")))
    open_: dict[int, int] = {}  # rank → last number read at that rank
    closed: dict[int, int] = {}  # rank → last number read before a higher item closed it
    last = -NEAR - 1  # offset of the last number read
    cuts = []
    for scheme, rank, n, pos, strong, spaced, word, sep in marks:
        follows = rank in open_ and n == open_[rank] + 1
        deeper = rank not in open_ and (n == 1 or n == closed.get(rank, -1) + 1)
        restart = rank in open_ and n == 1 and rank <= _RANK["一、"] and rank == min(open_) and strong
        if sep == "。" and not (follows and strong):
            continue  # 11。 only where item 11 is due
        if rank <= _RANK["条"] and not strong:
            continue  # 第三条 inside a sentence cites an article
        near = pos - last <= NEAR and not _SENTENCE_END.search(text, last, pos)
        if follows:
            ok = strong or spaced or word and scheme != "1."
        elif deeper:
            second = any(s == scheme and k == n + 1 and st and p > pos for s, _, k, p, st, *_ in marks)
            ok = strong or word and (near or second)
        else:
            ok = restart
        if not ok:
            continue
        for r in [r for r in open_ if r > rank]:
            closed[r] = open_.pop(r)
        open_[rank] = n
        last = pos
        if pos:
            cuts.append(pos)
    return cuts
