"""Traditional → Simplified characters, so that recognition rules (written in Simplified) match.

Some governments (and many reposted notices) publish in Traditional characters:
晉城市市場監督管理局牽頭 must be matched as 晋城市市场监督管理局牵头. The step converts with
OpenCC's t2s tables (opencc-python-reimplemented) and keeps the per-character map, so every
cleaned character still points at the Traditional character it came from.

Where the original surface is kept: the cleaned text (hence nif:anchorOf, labels) is Simplified;
a mention's nif:beginIndex/endIndex are source offsets, so `Source.text[start:end]` is the
Traditional quote as printed. Every conversion is also listed in `Cleaned.repairs` with rule
"t2s" (before = Traditional run, after = Simplified run, offset = source offset).

Blind conversion damages Simplified text: t2s turns the company name 高平乾通 into 高平干通 and
菊巘山 into 菊𪩘山. So a line is converted only when its neighbourhood reads as Traditional:
more characters that exist only in Traditional (晉 場 監 …) than characters that exist only in
Simplified (晋 场 监 …) within WINDOW lines either side. A Simplified gazette is left untouched.

Mapping: t2s is character-for-character except for a few phrase entries; when a line's
conversion changes its length, the line is converted character by character instead, and a
character that becomes several maps all of them to itself (Draft.rewrite's rule).
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path

from ..model import Repair
from . import patterns as P

RULE = "t2s"
WINDOW = 5  # text lines either side whose characters vote on a line's script
_LINE_END = re.compile("\n")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # candidates for the astral Traditional characters
# Lines that do not vote: blank, or page furniture (footers, running headers), which cleaning removes.
_SILENT = re.compile(rf"\s*|(?:{P.FOOTER.pattern})|(?:{P.RUNNING_HEADER.pattern})", re.M)


def _table(name: str) -> dict[str, list[str]]:
    import opencc

    path = Path(opencc.__file__).with_name("dictionary") / name
    table = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        key, _, values = raw.partition("\t")
        if key and values:
            table[key] = values.split()
    return table


@lru_cache(maxsize=1)
def script_chars() -> tuple[frozenset, frozenset]:
    """(Traditional-only, Simplified-only) characters from OpenCC's character tables.

    A character is Traditional-only when t2s never keeps it and it is no Simplified character
    itself; Simplified-only likewise the other way. Characters both scripts share (乾, 于, 里)
    are in neither class and never decide anything.
    """
    ts, st = _table("TSCharacters.txt"), _table("STCharacters.txt")
    simplified = set(st) | {v for vs in ts.values() for v in vs}
    traditional = set(ts) | {v for vs in st.values() for v in vs}
    trad_only = {c for c, vs in ts.items() if len(c) == 1 and c not in vs and c not in simplified}
    simp_only = {c for c, vs in st.items() if len(c) == 1 and c not in vs and c not in traditional}
    return frozenset(trad_only), frozenset(simp_only)


@lru_cache(maxsize=1)
def _trad_bmp() -> re.Pattern:
    """Traditional-only characters of the Basic Multilingual Plane as one class: re scans such a
    class with a bitmap (the whole gazette in under a millisecond); astral characters would
    turn it into a list scan 400 times slower, so those are checked one by one (_ASTRAL)."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(script_chars()[0]) if ord(c) < 0x10000) + "]")


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified_text(text: str) -> str:
    """Plain t2s conversion of a string known to be Traditional (no script vote)."""
    return _converter().convert(text)


def traditional_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of `text` to convert.

    A line is converted when it holds more Traditional-only than Simplified-only characters
    and either its neighbourhood (WINDOW text lines either side) agrees or the line is strongly
    Traditional on its own (at least 3 such characters, over twice the Simplified ones).
    Blank lines and page furniture (页, 公报 are Simplified-only) do not vote, so the decision is
    the same on the cleaned text as on the raw one (cleaning twice converts nothing more).
    """
    trad, simp = script_chars()
    hits = [m.start() for m in _trad_bmp().finditer(text)]
    hits += [m.start() for m in _ASTRAL.finditer(text) if m.group() in trad]
    if not hits:
        return []
    starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
    ends = [e - 1 for e in starts[1:]] + [len(text)]
    candidates = {bisect.bisect_right(starts, i) - 1 for i in hits}  # only these lines can change
    silent: dict[int, bool] = {}
    counts: dict[int, tuple[int, int]] = {}

    def is_silent(i: int) -> bool:
        if i not in silent:
            silent[i] = _SILENT.fullmatch(text, starts[i], ends[i]) is not None
        return silent[i]

    def count(i: int) -> tuple[int, int]:
        if i not in counts:
            line = text[starts[i]:ends[i]]
            counts[i] = (sum(map(trad.__contains__, line)), sum(map(simp.__contains__, line)))
        return counts[i]

    def neighbours(i: int, step: int):
        j, found = i + step, []
        while 0 <= j < len(starts) and len(found) < WINDOW:
            if not is_silent(j):
                found.append(j)
            j += step
        return found

    out = []
    for i in sorted(candidates):
        if is_silent(i):
            continue
        t, si = count(i)
        if t <= si:
            continue
        window = [count(j) for j in (*neighbours(i, -1), i, *neighbours(i, 1))]
        if sum(c[0] for c in window) > sum(c[1] for c in window) or (t >= 3 and t > 2 * si):
            out.append((starts[i], ends[i]))
    return out


def _runs(before: str, after: str, offset: int):
    """Edits (start, end, new) for the maximal runs where two equal-length strings differ."""
    i, n = 0, len(before)
    while i < n:
        if before[i] == after[i]:
            i += 1
            continue
        j = i
        while j < n and before[j] != after[j]:
            j += 1
        yield offset + i, offset + j, after[i:j]
        i = j


def to_simplified(d):
    """Cleaning step (Draft → Draft): convert Traditional lines to Simplified, one edit per
    changed run, each recorded as a Repair with rule "t2s"."""
    lines = traditional_lines(d.text)
    if not lines:
        return d
    convert = _converter().convert
    edits = []
    for a, b in lines:
        line = d.text[a:b]
        new = convert(line)
        if len(new) == len(line):
            edits.extend(_runs(line, new, a))
        else:  # a phrase entry changed the length: go character by character
            for k, ch in enumerate(line):
                c2 = convert(ch)
                if c2 != ch:
                    edits.append((a + k, a + k + 1, c2))
    for start, end, new in edits:
        d.repairs.append(Repair(RULE, d.text[start:end], new, d.origin[start]))
    return d.rewrite(edits)


__all__ = ["to_simplified", "to_simplified_text", "traditional_lines", "script_chars", "RULE"]
