"""Where a heading's title ends and its run-in text begins.

A heading line holds its number and title, and often the first sentence of its item as well:
the title is the bold run where there is one, else the text up to the first sentence end (or a
clause end when the sentence is long), possibly wrapped over a few lines.
"""
from __future__ import annotations

import re

from .floats import BOX
from .lines import Line, ends_sentence
from .outline import heading_of, num_len

# Run-in title cut when there is no bold run: first 。, else first ，/； after a few characters.
SENTENCE_END = re.compile(r"[。！？]")
CLAUSE_END = re.compile(r"[，；]")
# A clause or lead-in end: names an item whose first sentence is too long to be its title.
LEAD_END = re.compile(r"[，；：]")

Spans = list[tuple[int, int]]


def title_spans(cleaned_text: str, lines: list[Line], i: int, scheme: str, rank: int, W: float) -> tuple[Spans, Spans, int]:
    """(title spans, run-in body spans, index of the next line) of the heading on line i.

    Spans are offsets in `cleaned_text`, which the lines index.
    """
    ln = lines[i]
    numlen = num_len(ln.text)
    rest_start = ln.start + numlen
    while rest_start < ln.end and cleaned_text[rest_start] in " \u3000":
        rest_start += 1
    title_spans = [(rest_start, ln.end)] if rest_start < ln.end else []
    body_spans: list[tuple[int, int]] = []
    j = i + 1
    if scheme == "条":
        title_spans, body_spans = [], title_spans
    elif ln.bold:
        pass  # the bold run is exactly the title (clean put any run-in text on the next line)
    else:
        text = cleaned_text[rest_start:ln.end]
        m = SENTENCE_END.search(text)
        if m and m.end() < len(text):
            cut = rest_start + m.end()
            title_spans, body_spans = [(rest_start, cut)], [(cut, ln.end)]
        elif m:
            pass  # the line is the title, ending in 。
        elif rank <= 4 and (ln.width >= 0.75 * W or text.endswith(("，", "、", "和", "与", "及"))):
            # a long major heading wraps onto a short line
            while j < len(lines) and not lines[j].page and lines[j].width <= 0.75 * W and not ends_sentence(lines[j].text) \
                    and not heading_of(lines[j].text) and not BOX.match(lines[j].text) and len(text) < 40:
                title_spans.append((lines[j].start, lines[j].end))
                text += lines[j].text
                j += 1
        elif ln.width >= W - 2.5:
            # a run-in title without bold: up to the first sentence end, or a clause end
            acc_spans, acc = [(rest_start, ln.end)], text
            k = j
            while not SENTENCE_END.search(acc) and k < len(lines) and len(acc) < 80 and not heading_of(lines[k].text) \
                    and not lines[k].bold and not lines[k].page:
                acc_spans.append((lines[k].start, lines[k].end))
                acc += lines[k].text
                k += 1
                if lines[k - 1].width <= W - 1.5:  # a short line: the heading wrapped and ends here
                    break
            m = SENTENCE_END.search(acc)
            if m is None and k > j and lines[k - 1].width <= W - 1.5:
                m = re.search(r"$", acc)  # the whole wrapped heading is the title
            cut = m.end() if m and m.end() <= 40 else None
            drop = 0
            if cut is None:
                mc = [x for x in CLAUSE_END.finditer(acc) if x.start() >= 6]
                cut = mc[0].start() if mc and mc[0].start() <= 40 else None
                drop = 1
            if cut is None and m:  # keep the whole first sentence
                cut, drop = m.end(), 0
            lead = [x for x in LEAD_END.finditer(acc) if x.start() >= 6]
            if cut is None and lead:
                # a first sentence longer than the lines read: its first clause or lead-in, not
                # the bare number, names the item (1．…的行政处罚信息是指…，/ 3．…主要包括：)
                cut, drop = lead[0].start(), 1
            if cut is None:
                title_spans, body_spans = [], [(rest_start, ln.end)]
            else:
                title_spans, rest_spans = split_spans(acc_spans, cut)
                if drop:
                    _, rest_spans = split_spans(rest_spans, 1)
                body_spans = rest_spans
                j = k
    return title_spans, body_spans, j


def split_spans(spans, cut):
    """Split a list of spans at character `cut` (counted over the concatenation)."""
    left, right, acc = [], [], 0
    for a, b in spans:
        n = b - a
        if acc + n <= cut:
            left.append((a, b))
        elif acc >= cut:
            right.append((a, b))
        else:
            left.append((a, a + cut - acc))
            right.append((a + cut - acc, b))
        acc += n
    return left, right
