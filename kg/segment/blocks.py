"""Blocks and outline of one document: its body lines → headings, paragraphs, boxes, tables, appendices.

Paragraphs are told apart by line width and final punctuation (or one per line for website
copies); a heading's run-in text starts its item's first paragraph; a float met inside an open
paragraph waits until the paragraph ends. Every block keeps its own map to source offsets.
"""
from __future__ import annotations

import re
from array import array

from ..model import Block, Cleaned, Section
from .floats import APPENDIX, BOX, CAPTION, FIGURE, box_title_ahead, joined_paras, merge_boxes, table_run, task_table_run
from .headings import split_spans, title_spans as heading_title_spans
from .lines import Line, ends_para_text, ends_sentence, full_width
from .outline import heading_of, num_len, section_id

# Responsibility clauses continue a paragraph even when they start a line.
CLAUSE_START = re.compile(r"^[〔（(](?:责任单位|牵头单位|[^）)〕]{0,30}(?:牵头|负责|配合))")
# …nor do they end it where a line breaks after their label: （责任部门：⏎市科技局）
CLAUSE_OPEN = re.compile(r"[〔（(](?:责任|牵头|主责|配合|参与|协办)(?:单位|部门)[:：]?\s*$")
# A line of labels without brackets (责任单位：A、B 配合单位：C / 完成时限：2023年底前) continues its
# item's paragraph and may end it, though it ends in no punctuation.
LABEL_LINE = re.compile(r"^(?:(?:责任|牵头|主责|主办|配合|参与|协办|协同|承办)(?:单位|部门|处室|科室)|"
                        r"(?:完成|办结)(?:时限|时间))\s*[:：]")


class Builder:
    """Turns the body lines of one document into blocks and an outline."""

    def __init__(self, cleaned: Cleaned, lines: list[Line]):
        self.c = cleaned
        self.lines = lines
        self.blocks: list[Block] = []
        self.outline: list[Section] = []
        self.stack: list[tuple[int, str, Section]] = []  # (rank, id, section)
        self.para: list[tuple[int, int]] = []  # cleaned spans of the open paragraph
        self.para_kind = "para"
        self.deferred: list[Block] = []  # floats met inside an open paragraph
        self.last_body: Line | None = None
        self.prev_ended = True  # the last body line closed its paragraph
        self.box_head: list[Line] = []  # title line(s) of the open box
        self.W = full_width(lines)
        # one paragraph per line (text copied from a web page) rather than visual lines of a page
        ends = sum(1 for x in lines if ends_para_text(x.text, heading=False) or LABEL_LINE.match(x.text))
        self.flow = len(lines) >= 2 and ends >= 0.6 * len(lines)

    # spans → text/origin
    def _make(self, kind, spans, **kw) -> Block:
        text, origin = [], array("q")
        pending = False
        for a, b in spans:
            if a < 0:  # a line break between joined lines: maps to the source char before the next line
                pending = bool(text)
                continue
            if b <= a:
                continue
            if pending:
                text.append("\n")
                origin.append(max(0, self.c.origin[a] - 1))
                pending = False
            text.append(self.c.text[a:b])
            origin.extend(self.c.origin[a:b])
        return Block(kind, "".join(text), origin, section=self.path(), **kw)

    def path(self) -> tuple[str, ...]:
        return tuple(sid for _, sid, _ in self.stack)

    def flush(self):
        if self.para:
            self.blocks.append(self._make(self.para_kind, self.para))
            self.para = []
        if self.deferred:
            self.blocks.extend(self.deferred)
            self.deferred = []

    def heading(self, scheme, rank, num, title_spans, line: Line):
        self.flush()
        sid = section_id(scheme, num)
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        number = line.text[:num_len(line.text)].rstrip()
        # an article (第一条) or an item whose first sentence runs on has no title: it is named by its number
        title = "".join(self.c.text[a:b] for a, b in title_spans) or number
        sec = Section(sid, title, len(self.stack) + 1, (), self.c.origin[line.start])
        self.stack.append((rank, sid, sec))
        sec.path = self.path()
        (self.stack[-2][2].children if len(self.stack) > 1 else self.outline).append(sec)
        if title_spans and line.start <= title_spans[0][0] <= line.end:
            spans = [(line.start, title_spans[0][1])] + list(title_spans[1:])  # the line as written
        else:
            spans = [(line.start, line.start + len(number))] + list(title_spans)
        blk = self._make("heading", spans, title=title, number=number, level=sec.level)
        self.blocks.append(blk)

    def build(self):
        lines, W = self.lines, self.W
        n = len(lines)
        i = 0
        mode = "body"
        box: list | None = None
        box_title = ""
        pre_box: list[Line] = []  # box lines printed before the box title
        while i < n:
            ln = lines[i]
            t = ln.text
            # a box runs to the end of its page
            if box is not None and (ln.page or BOX.match(t) or APPENDIX.match(t)):
                self._close_box(box, box_title)
                box = None
            if box is not None:
                box.append(ln)
                i += 1
                continue
            caption = int(bool(FIGURE.match(t) or CAPTION.match(t)) and i + 1 < n)
            run = task_table_run(lines, i + caption)
            if run:  # a task-division table, in the body or an appendix: one block, one cell per line
                self._float(self._make("table", joined([(x.start, x.end) for x in lines[i:i + caption + run]]),
                                       title=t if caption else ""))
                i += caption + run
                continue
            if BOX.match(t) and mode == "body":
                box, box_title, self.box_head = pre_box, t, [ln]
                pre_box = []
                # a wrapped box title: the next line is short and ends no sentence
                nx = lines[i + 1] if i + 1 < n else None
                if nx is not None and not nx.page and nx.width <= 0.75 * W and len(nx.text) >= 4 and not ends_sentence(nx.text) \
                        and ln.width >= 12 and not heading_of(nx.text) and not BOX.match(nx.text):
                    box_title += nx.text
                    self.box_head.append(nx)
                    i += 1
                i += 1
                continue
            if APPENDIX.match(t) and mode == "body" and self.prev_ended:
                self.flush()
                mode = "appendix"
                self.stack = []
                sec = Section("附件", t, 1, ("附件",), self.c.origin[ln.start])
                self.outline.append(sec)
                self.stack.append((-1, "附件", sec))
                self.para_kind = "appendix"
                self.para = [(ln.start, ln.end)]
                self.last_body = ln
                self.prev_ended = True
                i += 1
                continue
            if FIGURE.match(t) and mode == "body":
                j = i + 1
                while j < n and not lines[j].page and lines[j].width <= 0.75 * W and not heading_of(lines[j].text):
                    j += 1
                blk = self._make("table", joined([(x.start, x.end) for x in lines[i:j]]), title=t)
                self._float(blk)
                i = j
                continue
            if mode == "body" and not self.flow:
                cap = next((k for k in (1, 2) if i + k <= n and not any(x.page for x in lines[i + 1:i + k])
                            and CAPTION.match("".join(x.text for x in lines[i:i + k]))), 0)
                if cap:
                    self._float(self._make("table", joined([(x.start, x.end) for x in lines[i:i + cap]]),
                                           title="".join(x.text for x in lines[i:i + cap])))
                    i += cap
                    continue
            # flattened table: a run of short cells
            run = table_run(self.lines, i, self.W)
            if run and mode == "body" and self.para and not self.prev_ended:
                j = box_title_ahead(self.lines, i)
                if j:  # the table opens a box whose title comes later on this page
                    pre_box, i = lines[i:j], j
                    continue
            if run and mode == "body":
                self._float(self._make("table", joined([(x.start, x.end) for x in lines[i:i + run]])))
                i += run
                continue
            new_para = self._starts_para(i)
            h = heading_of(t) if mode == "body" else None
            if h and not (new_para or ln.bold or h[1] <= 4 and ln.width <= 0.8 * W and not ends_sentence(t)):
                h = None
            if h and h[3] == "" and h[0] not in ("章", "节", "部分", "条", "一、"):
                h = None if not ln.bold else h
            if h:
                i = self._heading_line(i, h)
                continue
            if mode == "appendix" and self.para and (self.last_body.width <= W - 1.5 or ln.width > 3 * W or self.last_body.width > 3 * W):
                new_para = True  # forms and lists: every short line ends an item
            if new_para:
                self.flush()
            self.para.append((ln.start, ln.end))
            self.last_body = ln
            tail = "".join(self.c.text[a:b] for a, b in self.para[-3:])[-80:]  # a clause may span lines
            self.prev_ended = ends_para_text(tail, heading=False) or bool(LABEL_LINE.match(t))
            i += 1
        if box is not None:
            self._close_box(box, box_title)
        self.flush()
        merge_boxes(self.blocks)

    def _close_box(self, box_lines, title):
        spans = joined_paras(box_lines, full_width(box_lines, self.W))
        tspans = [(x.start, x.end) for x in self.box_head]
        self._float(self._make("box", tspans + ([(-1, -1)] if spans else []) + spans, title=title))

    def _float(self, blk):
        """A box, table or figure: it waits while the paragraph it interrupts goes on."""
        if self.para and not self.prev_ended:
            self.deferred.append(blk)
        else:
            self.flush()
            self.blocks.append(blk)

    def _starts_para(self, i) -> bool:
        ln = self.lines[i]
        prev = self.last_body
        if prev is None or not self.para:
            return True
        if CLAUSE_START.match(ln.text) or CLAUSE_OPEN.search(prev.text) or LABEL_LINE.match(ln.text):
            return False
        if ln.item:
            return True
        if self.flow:
            return True
        if self.blocks and self.blocks[-1].kind == "heading" and not self.para:
            return True
        ended = self.prev_ended
        if not ended:
            return False
        if prev.width <= self.W - 0.75:
            return True
        # a full last line ending a sentence: trust the indentation of this line (a first line is
        # two cells short; half-width digits and Latin are measured well enough for that: a full
        # line with them measures W - 1.5 or less in 2% of the gazette's lines, and it must also
        # follow a sentence ending exactly at a line end)
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        return bool(heading_of(ln.text)) or (
            ln.width <= self.W - 1.5 and not ends_sentence(ln.text) and nxt is not None and nxt.width >= self.W - 1
        )

    def _heading_line(self, i, h) -> int:
        """Emit a heading (and the start of its run-in paragraph); return the next line index."""
        scheme, rank, num, _ = h
        lines = self.lines
        ln = lines[i]
        title_spans, body_spans, j = heading_title_spans(self.c.text, lines, i, scheme, rank, self.W)
        self.heading(scheme, rank, num, title_spans, ln)
        title = self.blocks[-1].title
        # a title immediately repeated as the body's first words (bold rendered twice)
        if body_spans and title:
            btxt = "".join(self.c.text[a:b] for a, b in body_spans)
            if btxt.startswith(title):
                _, body_spans = split_spans(body_spans, len(title))
        body_spans = [(a, b) for a, b in body_spans if b > a]
        self.last_body = lines[j - 1]
        if body_spans:
            self.para = body_spans
            self.para_kind = "para"
            self.prev_ended = ends_para_text("".join(self.c.text[a:b] for a, b in body_spans), heading=False)
        else:
            self.prev_ended = True
        return j


def joined(spans):
    """Spans of lines joined by their line breaks (kept: the cleaned "\\n" maps to the source)."""
    out = []
    for k, (a, b) in enumerate(spans):
        out.append((a, b))
        if k + 1 < len(spans):
            out.append((-1, -1))
    return out
