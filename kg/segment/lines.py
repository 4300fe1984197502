"""The lines of a cleaned text, with what a line says about paragraph ends.

Printed gazettes give visual lines (widths tell paragraphs apart); website copies give one
paragraph per line; OCR output may give a whole document as one line, which is cut into one
line per numbered item (outline.item_starts).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Cleaned
from .outline import heading_of, item_starts

TERMINAL = "。！？；：…!?;:"
CLOSERS = "”’」』）)〕】》"
# A paragraph ending in a responsibility clause: …。〔责任单位：市商务局〕 / …。（市发展改革委牵头，…负责）
RESPONSIBILITY_TAIL = re.compile(r"[。；！？][〔（(][^〔〕（）()]*(?:[（(][^（）()]*[）)][^〔〕（）()]*)*[〕）)]$")


@dataclass
class Line:
    text: str
    start: int  # cleaned offset of text[0]
    page: bool  # first line of a page
    width: float
    bold: bool = False
    item: bool = False  # cut out of a run-on line where a numbered item begins: it starts a paragraph

    @property
    def end(self) -> int:
        return self.start + len(self.text)


# Characters printed half-width (Latin, digits, most general punctuation): the rest of what a
# gazette holds (Han, CJK punctuation, full-width forms, and — “” ‘’ … as Chinese fonts print them)
# takes a full cell.
_NARROW = re.compile("[\u0000-\u10ff\u2000-\u2013\u2017\u201a\u201b\u201e\u201f\u2020-\u2024\u2027-\u2e7f"
                     "\ufb00-\ufe0f\ufe70-\ufeff\uff61-\uffdc\uffe8-\uffee]")


def width(s: str) -> float:
    """Visual width in CJK cells (full-width 1, half-width 0.5)."""
    return len(s) - 0.5 * len(_NARROW.findall(s))


# A line this long is no printed line: a paragraph, or a whole document, with its items run together.
RUN_ON = 100


def lines_of(cleaned: Cleaned) -> list[Line]:
    """Non-blank lines, stripped; a form feed marks the first line of a page; run-on lines cut at their items."""
    bold_starts = {a for a, _ in cleaned.bold}
    out = []
    for m in re.finditer(r"[^\n]+", cleaned.text):
        s, a = m.group(), m.start()
        page = s.startswith("\f")
        if page:
            s, a = s[1:], a + 1
        if len(s) <= RUN_ON:
            s2 = s.strip()
            if s2:
                b = a + len(s) - len(s.lstrip())
                out.append(Line(s2, b, page, width(s2), cleaned.origin[b] in bold_starts))
            continue
        cuts = item_starts(s)
        for k, (i, j) in enumerate(zip([0] + cuts, cuts + [len(s)])):
            piece = s[i:j]
            s2 = piece.strip()
            if not s2:
                continue
            b = a + i + len(piece) - len(piece.lstrip())
            out.append(Line(s2, b, page and k == 0, width(s2), cleaned.origin[b] in bold_starts, item=k > 0))
    return out


def full_width(lines, default=21.0) -> float:
    """The width of a full line: the commonest width (a line with compressed punctuation holds one more)."""
    counts: dict[int, int] = {}
    for x in lines:
        if 15 <= x.width <= 40:
            counts[round(x.width)] = counts.get(round(x.width), 0) + 1
    if not counts:
        return default
    w = max(sorted(counts), key=lambda k: counts[k])
    if counts.get(w - 1, 0) >= 0.5 * counts[w]:
        w -= 1
    return float(w)


def ends_sentence(text: str) -> bool:
    t = text.rstrip(CLOSERS)
    return bool(t) and t[-1] in TERMINAL or text.endswith(("〕", "）")) and "责任" in text[-60:]


def ends_para_text(text: str, heading: bool = True) -> bool:
    """The line can be the last of a paragraph (final punctuation, a closing bracket, or a heading)."""
    if ends_sentence(text) or heading and heading_of(text) is not None:
        return True
    # a closing bracket ends a paragraph when it closes a responsibility clause (possibly opened on an
    # earlier line), not when it closes an aside such as （2021年版）
    return text.endswith(("〕", "）", ")")) and bool(RESPONSIBILITY_TAIL.search(text))
