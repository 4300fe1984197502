"""Cleaned → [Document]: covering notices, document bounds, blocks and outline.

A gazette holds several documents. Each has a covering notice (issuer, 关于印发…的通知, 文号,
addressees, 现将《…》印发给你们…, issuer, date, （此件公开发布）) that the layout drops in the
middle of the document's first page, or just before it. We:

1. find notice blocks around their 文号 line and take them out of the running text, so the
   sentence they interrupt joins up again;
2. place each document's start: the page (or 第一章) where it begins before its notice, or the
   page right after the notice when the notice follows the end of the previous document;
3. drop running titles (a document title repeated at a page foot);
4. build blocks line by line: headings (run-in titles split off), paragraphs (by line width
   and final punctuation), boxes (专栏, one per title), tables, appendices; every block keeps its
   own map to source offsets.

A file without notices (a document copied from a website) is one document; a 文号, issuer,
title and date stated in its first lines are read as its metadata.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from functools import lru_cache

from .model import Block, Cleaned, Document, Section

# --- patterns (each with what it recognises) --------------------------------------------------

NUM = r"[一二三四五六七八九十百零〇两\d]+"
# 文号: 晋市政发〔2022〕27号, 国办发[2020]47号, 晋政办发（2021）41号
DOC_NUMBER = re.compile(r"^([\u4e00-\u9fff]{1,12})[〔\[［（(]\s*(\d{4})\s*[〕\]］）)]\s*(\d{1,4})\s*号$")
# A date line: 2022年9月30日, 2022年 12月 1日, 二〇二二年九月三十日
DATE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$")
# Publication mark: （此件公开发布） （此件主动公开）
PUBLICATION = re.compile(r"^[（(](此件[^）)]{1,12})[）)]$")
# An issuing body alone on a line: 晋城市人民政府, 晋城市人民政府办公室, 晋城市住房和城乡建设局
ISSUER = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}?(?:人民政府|人民政府办公室|人民政府办公厅|政府|办公室|办公厅|委员会|管理局|局|厅|委|部|署|办|中心|院|会)$"
)
# Start of a notice title (关于印发…的通知 / 印发关于…的通知) and a line that ends one.
NOTICE_TITLE_START = re.compile(r"^(?:[\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅))?(?:关于|印发)")
TITLE_ISSUER = re.compile(r"^([\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅))(?=关于|印发)")
NOTICE_TITLE_END = re.compile(r"(?:通知|决定|意见|批复|通报|函)(?=各|$)")
# Addressees: 各县（市、区）人民政府、开发区管委会，市人民政府各委、办、局：
ADDRESSEES = re.compile(r"(?:^|(?<=通知))各[\u4e00-\u9fff（）、，()]{2,}")
# The plan a notice issues: 现将《X》印发给你们 / 《X》已经市人民政府同意
ISSUED_TITLE = re.compile(r"《([^《》]{4,80})》(?:[^。]{0,20}?)(?:印发|已经)")
NOTICE_NAMED = re.compile(r"(?:关于)?印发(.+?)的(?:通知|决定)$")
# A document title ends with the kind of document it is: …的通知 / …规划 / …办法（试行）
DOC_TITLE = re.compile(
    r"(?:通知|意见|办法|方案|规划|计划|细则|规定|决定|通告|公告|批复|报告|纲要|措施|条例|规则|要点|制度|标准|指南|清单|目录|章程|决议|函)"
    r"(?:[（(](?:试行|暂行|修订|征求意见稿|\d{4}年(?:修订|版)?)[）)])?$"
)
# A document's own opening that restarts the numbering: 第一章 / 第一部分 / 第一条
RESTART = re.compile(r"^第[一1](?:章|部分|编|条)")
# An opening sentence of a document body: 为深入贯彻落实… / 根据《…》 / 按照《…》
INTRO = re.compile(r"^(?:为了?(?:深入|认真|全面|进一步|贯彻|落实|加快|推动|促进|持续|切实|规范|加强|做好)|根据《|按照《|依据《)")
# A box (专栏) title line: 专栏1 …, 专栏2：…, 专栏13-1：…, 专栏一 …
BOX = re.compile(r"^专栏\s*(?:\d{1,2}(?:-\d{1,2})?|[一二三四五六七八九十]{1,3})(?:[：:\s]|$|(?=\d?[\u4e00-\u9fff“]))")
# An appendix starts: 附件： / 附件1 / 附件2：…
APPENDIX = re.compile(r"^附\s*件\s*\d{0,2}\s*(?:[：:]|$|\s)")
# A figure or table caption: 图1 晋城市…, 表1 晋城市“十四五”…主要目标
FIGURE = re.compile(r"^[图表]\s*\d{1,2}(?:-\d{1,2})?(?:[\s：:]|(?=\d{4}|[\u4e00-\u9fff“]))")
# An unnumbered caption of a map or chart printed inside running text: …空间布局结构规划图
CAPTION = re.compile(r"^[^，。；：、]{4,40}(?:规划图|示意图|结构图|分布图|布局图|体系图|路线图|导览图|一览表|统计表|情况表)$")

# Heading schemes, from the top of the outline down. (scheme, rank, regex with groups num, rest)
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
TERMINAL = "。！？；：…"
CLOSERS = "”’」』）)〕】》"
# Run-in title cut when there is no bold run: first 。, else first ，/； after a few characters.
SENTENCE_END = re.compile(r"[。！？]")
CLAUSE_END = re.compile(r"[，；]")
# A clause or lead-in end: names an item whose first sentence is too long to be its title.
LEAD_END = re.compile(r"[，；：]")
# A paragraph ending in a responsibility clause: …。〔责任单位：市商务局〕 / …。（市发展改革委牵头，…负责）
RESPONSIBILITY_TAIL = re.compile(r"[。；！？][〔（(][^〔〕（）()]*(?:[（(][^（）()]*[）)][^〔〕（）()]*)*[〕）)]$")
# Responsibility clauses continue a paragraph even when they start a line.
CLAUSE_START = re.compile(r"^[〔（(](?:责任单位|牵头单位|[^）)〕]{0,30}(?:牵头|负责|配合))")


# --- lines ------------------------------------------------------------------------------------

@dataclass
class Line:
    text: str
    start: int  # cleaned offset of text[0]
    page: bool  # first line of a page
    width: float
    bold: bool = False

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


def _lines(cleaned: Cleaned) -> list[Line]:
    bold_starts = {a for a, _ in cleaned.bold}
    out = []
    for m in re.finditer(r"[^\n]+", cleaned.text):
        s, a = m.group(), m.start()
        page = s.startswith("\f")
        if page:
            s, a = s[1:], a + 1
        s2 = s.strip()
        if not s2:
            continue
        a += len(s) - len(s.lstrip())
        out.append(Line(s2, a, page, width(s2), cleaned.origin[a] in bold_starts))
    return out


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(CLOSERS)
    return bool(t) and t[-1] in TERMINAL or text.endswith(("〕", "）")) and "责任" in text[-60:]


# --- notices ----------------------------------------------------------------------------------

@dataclass
class Notice:
    first: int  # line index range [first, last]
    last: int
    number: str = ""
    issuers: tuple = ()
    date: str = ""
    publication: str = ""
    addressees: str = ""
    text: str = ""
    title: str = ""  # of the issued plan
    notice_title: str = ""
    text_lines: tuple = ()  # line indexes of the notice's own text (between addressees and signature)


def _title_down(lines, i, limit=4):
    """If a notice title (关于…通知) starts at line i, the index of its last line."""
    if not NOTICE_TITLE_START.match(lines[i].text):
        return None
    for j in range(i, min(len(lines), i + limit)):
        if NOTICE_TITLE_END.search(lines[j].text):
            return j
    return None


def _title_up(lines, i, limit=4):
    """If a notice title ends at line i, the index of its first line."""
    if not NOTICE_TITLE_END.search(lines[i].text):
        return None
    for j in range(i, max(-1, i - limit), -1):
        if NOTICE_TITLE_START.match(lines[j].text):
            return j
    return None


def _find_notices(lines: list[Line]) -> list[Notice]:
    notices = []
    for i, ln in enumerate(lines):
        if not DOC_NUMBER.match(ln.text) or ln.width > 20:
            continue
        if notices and notices[-1].first <= i <= notices[-1].last:
            continue
        floor = notices[-1].last + 1 if notices else 0  # a line belongs to one notice
        lo, hi = max(floor, i - 40), min(len(lines), i + 40)
        # a notice has one 文号: another 文号 line starts (or ends) another notice, so this one's
        # lines stay on its side (two short notices in one file are two documents)
        others = [j for j in range(lo, hi) if j != i and _is_number_line(lines[j])]
        lo = max([lo] + [j + 1 for j in others if j < i])
        hi = min([hi] + [j for j in others if j > i])
        anchors, opening = [i], []
        for j in range(lo, hi):
            t = lines[j].text
            if DATE.match(t) or PUBLICATION.match(t):
                anchors.append(j)
            elif ADDRESSEES.search(t) and (t.endswith("：") or j + 1 < len(lines) and lines[j + 1].text.endswith("：")):
                anchors.append(j)
                opening.append(j)
        if len(anchors) < 3:  # a 文号 cited on its own line, not a notice
            continue
        # keep anchors that chain with gaps of at most 8 lines around the 文号
        anchors.sort()
        k = anchors.index(i)
        a, b = k, k
        while a > 0 and anchors[a] - anchors[a - 1] <= 8:
            a -= 1
        while b + 1 < len(anchors) and anchors[b + 1] - anchors[b] <= 8:
            b += 1
        if a < k and not any(anchors[a] <= j < i for j in opening):
            # a signature above the 文号 with no addressees above it closes the document before
            # (a notice printed after its signature opens with its addressees)
            a = k
            if b - a + 1 < 3:
                continue
        first, last = anchors[a], anchors[b]
        # grow upwards over issuer and title lines
        while first > lo:
            t = lines[first - 1].text
            if ISSUER.match(t) or DOC_NUMBER.match(t):
                first -= 1
                continue
            up = _title_up(lines, first - 1)
            if up is not None:
                first = up
                continue
            break
        # grow downwards over issuer, title, date and the issued plan's title; an issuer and title
        # that lead to another 文号 head the next notice, not this one
        signed = last  # the last line surely this notice's
        while last + 1 < hi:
            t = lines[last + 1].text
            if DATE.match(t) or PUBLICATION.match(t):
                last = signed = last + 1
                continue
            if ISSUER.match(t):
                last += 1
                continue
            down = _title_down(lines, last + 1)
            if down is not None:
                last = down
                continue
            break
        if last + 1 == hi and hi < len(lines) and _is_number_line(lines[hi]):
            last = signed
        n = _read_notice(lines, first, last)
        # the issued plan's title printed after the notice, possibly wrapped
        if n.title:
            j, acc = last + 1, ""
            while j < len(lines) and len(acc) < len(n.title):
                acc += lines[j].text
                if not n.title.startswith(acc) and acc != n.title:
                    break
                if acc == n.title:
                    n.last = j
                    break
                j += 1
        notices.append(n)
    return notices


def _is_number_line(ln: Line) -> bool:
    """A 文号 alone on a short line: the anchor of a notice."""
    return ln.width <= 20 and DOC_NUMBER.match(ln.text) is not None


def _read_notice(lines, first, last) -> Notice:
    n = Notice(first, last)
    body = [ln.text for ln in lines[first:last + 1]]
    titles, issuers_top, issuers_sig, text, text_lines = [], [], [], [], []
    state = "head"
    i = 0
    while i < len(body):
        t = body[i]
        m = DOC_NUMBER.match(t)
        if m:
            n.number = t
        elif DATE.match(t):
            n.date = _iso_date(t)
            state = "tail"
        elif PUBLICATION.match(t):
            n.publication = PUBLICATION.match(t).group(1)
        elif ISSUER.match(t):
            (issuers_sig if state in ("text", "sig") else issuers_top).append(t)
            if state == "text":
                state = "sig"
        elif NOTICE_TITLE_START.match(t) and state != "text":
            acc = t
            while not NOTICE_TITLE_END.search(acc) and i + 1 < len(body):
                i += 1
                acc += body[i]
            titles.append(acc)
        else:
            am = ADDRESSEES.search(t)
            if am and state in ("head", "tail") and not n.addressees:
                if am.start() > 0:  # a title tail glued in front: 发展规划的通知各县…
                    titles.append(t[:am.start()])
                acc = t[am.start():]
                while not acc.endswith("：") and i + 1 < len(body):
                    i += 1
                    acc += body[i]
                n.addressees = acc.rstrip("：")
                state = "text"
            elif state in ("text", "sig"):
                text.append(t)
                text_lines.append(first + i)
                state = "text"
        i += 1
    n.text = "".join(text)
    n.text_lines = tuple(text_lines)
    n.issuers = tuple(dict.fromkeys(issuers_sig or issuers_top))
    full_titles = [t for t in titles if NOTICE_TITLE_START.match(t)]
    n.notice_title = full_titles[0] if full_titles else ""
    m0 = TITLE_ISSUER.match(n.notice_title)
    if m0:  # 太原市人民政府办公室关于印发…的通知: issuer and title on one line
        n.notice_title = n.notice_title[m0.end():]
        if not n.issuers:
            n.issuers = (m0.group(1),)
    m = ISSUED_TITLE.search(n.text)
    if m:
        n.title = m.group(1)
    elif n.notice_title:
        m2 = NOTICE_NAMED.search(n.notice_title)
        n.title = m2.group(1).strip("《》") if m2 else n.notice_title
    return n


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGITS["零"] = 0


def _cn_number(s: str) -> int:
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


def _iso_date(t: str) -> str:
    m = DATE.match(t.strip())
    if not m:
        return ""
    y, mo, d = (_cn_number(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


# --- document bounds --------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _heading_of(text: str):
    for scheme, rank, rx in SCHEMES:
        m = rx.match(text)
        if m:
            return scheme, rank, m.group(1), m.group(2)
    return None


def _is_restart(text: str) -> bool:
    if RESTART.match(text) or INTRO.match(text):
        return True
    h = _heading_of(text)
    return bool(h) and h[0] == "一、" and h[2] == "一"


def _starts(lines: list[Line], notices: list[Notice], dropped: list[bool]) -> list[int]:
    """Index of the first body line of the document of each notice."""
    starts = []
    for k, n in enumerate(notices):
        lower = starts[-1] + 1 if starts else 0
        if k:
            lower = max(lower, notices[k - 1].last + 1)
        before = next((j for j in range(n.first - 1, lower - 1, -1) if not dropped[j]), None)
        after = next((j for j in range(n.last + 1, len(lines)) if not dropped[j]), None)
        if after is not None and (before is None or _closed(lines, before, dropped)) and lines[after].page and _is_restart(lines[after].text):
            starts.append(after)
            continue
        start = None
        for j in range(n.first - 1, lower - 1, -1):
            if dropped[j]:
                continue
            if RESTART.match(lines[j].text):
                start = j
                break
            if lines[j].page:
                prev = next((p for p in range(j - 1, -1, -1) if not dropped[p]), None)
                if prev is None or prev < lower or _closed(lines, prev, dropped) or INTRO.match(lines[j].text) \
                        or lines[prev].width > 60:  # after a joined vertical page
                    start = j
                    break
        # a restart under its own chapter heading: 第一章 总 则 / 第一条
        while start is not None and start - 1 >= lower and not dropped[start - 1] and RESTART.match(lines[start - 1].text):
            start -= 1
        if start is None:
            # no page or numbering evidence before the notice. Text before the first notice is that
            # document's (its notice was dropped into its first page); text before a later notice
            # is the previous document's: the notice heads its own document, as most layouts print it
            if before is not None and (k == 0 or not _closed(lines, before, dropped)):
                start = lower
            else:
                start = after if after is not None else n.last + 1
        starts.append(start)
    return starts


def _closed(lines, j, dropped) -> bool:
    """Line j closes a paragraph (or is a heading)."""
    return _heading_of(lines[j].text) is not None or _ends_para_text(_tail(lines, j, dropped), heading=False)


def _tail(lines, j, dropped, k=3) -> str:
    """The text of the last k kept lines up to line j (a clause at a paragraph end may span lines)."""
    out = []
    while j >= 0 and len(out) < k:
        if not dropped[j]:
            out.append(lines[j].text)
        j -= 1
    return "".join(reversed(out))


def _ends_para_text(text: str, heading: bool = True) -> bool:
    """The line can be the last of a paragraph (final punctuation, a closing bracket, or a heading)."""
    if _ends_sentence(text) or heading and _heading_of(text) is not None:
        return True
    # a closing bracket ends a paragraph when it closes a responsibility clause (possibly opened on an
    # earlier line), not when it closes an aside such as （2021年版）
    return text.endswith(("〕", "）", ")")) and bool(RESPONSIBILITY_TAIL.search(text))


# --- running titles ---------------------------------------------------------------------------

def _drop_running_titles(lines, dropped, titles, issuers):
    """Lines that together spell a known document title (with its issuer above) are page furniture."""
    titles = sorted({t for t in titles if len(t) >= 8}, key=len, reverse=True)
    if not titles:
        return
    firsts = {}
    for t in titles:
        firsts.setdefault(t[:4], []).append(t)
    i = 0
    while i < len(lines):
        if dropped[i]:
            i += 1
            continue
        cands = firsts.get(lines[i].text[:4])
        hit = None
        if cands:
            for t in cands:
                acc, j = "", i
                while j < len(lines) and len(acc) < len(t):
                    acc += lines[j].text
                    if not t.startswith(acc):
                        break
                    j += 1
                if acc == t:
                    hit = j
                    break
        if hit is not None:
            for j in range(i, hit):
                dropped[j] = True
            if i > 0 and not dropped[i - 1] and lines[i - 1].text in issuers:
                dropped[i - 1] = True
            i = hit
        else:
            i += 1


# --- blocks -----------------------------------------------------------------------------------

class _Builder:
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
        self.W = _full_width(lines)
        # one paragraph per line (text copied from a web page) rather than visual lines of a page
        ends = sum(1 for x in lines if _ends_para_text(x.text, heading=False))
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
        sid = _section_id(scheme, num)
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        number = line.text[:_num_len(line.text)].rstrip()
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
            if BOX.match(t) and mode == "body":
                box, box_title, self.box_head = pre_box, t, [ln]
                pre_box = []
                # a wrapped box title: the next line is short and ends no sentence
                nx = lines[i + 1] if i + 1 < n else None
                if nx is not None and not nx.page and nx.width <= 0.75 * W and len(nx.text) >= 4 and not _ends_sentence(nx.text) \
                        and ln.width >= 12 and not _heading_of(nx.text) and not BOX.match(nx.text):
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
                while j < n and not lines[j].page and lines[j].width <= 0.75 * W and not _heading_of(lines[j].text):
                    j += 1
                blk = self._make("table", _joined([(x.start, x.end) for x in lines[i:j]]), title=t)
                self._float(blk)
                i = j
                continue
            if mode == "body" and not self.flow:
                cap = next((k for k in (1, 2) if i + k <= n and not any(x.page for x in lines[i + 1:i + k])
                            and CAPTION.match("".join(x.text for x in lines[i:i + k]))), 0)
                if cap:
                    self._float(self._make("table", _joined([(x.start, x.end) for x in lines[i:i + cap]]),
                                           title="".join(x.text for x in lines[i:i + cap])))
                    i += cap
                    continue
            # flattened table: a run of short cells
            run = self._table_run(i)
            if run and mode == "body" and self.para and not self.prev_ended:
                j = self._box_title_ahead(i)
                if j:  # the table opens a box whose title comes later on this page
                    pre_box, i = lines[i:j], j
                    continue
            if run and mode == "body":
                self._float(self._make("table", _joined([(x.start, x.end) for x in lines[i:i + run]])))
                i += run
                continue
            new_para = self._starts_para(i)
            h = _heading_of(t) if mode == "body" else None
            if h and not (new_para or ln.bold or h[1] <= 4 and ln.width <= 0.8 * W and not _ends_sentence(t)):
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
            self.prev_ended = _ends_para_text(tail, heading=False)
            i += 1
        if box is not None:
            self._close_box(box, box_title)
        self.flush()
        _merge_boxes(self.blocks)

    def _box_title_ahead(self, i) -> int:
        """Index of a box title further down the page of line i (0 if none).

        Some layouts print a box's first lines (a table header, a few items) before its title,
        inside the paragraph the box interrupts.
        """
        for j in range(i + 1, len(self.lines)):
            if self.lines[j].page or _heading_of(self.lines[j].text):
                return 0
            if BOX.match(self.lines[j].text):
                return j
        return 0

    def _close_box(self, box_lines, title):
        spans = _joined_paras(box_lines, self._box_width(box_lines))
        tspans = [(x.start, x.end) for x in self.box_head]
        self._float(self._make("box", tspans + ([(-1, -1)] if spans else []) + spans, title=title))

    def _float(self, blk):
        """A box, table or figure: it waits while the paragraph it interrupts goes on."""
        if self.para and not self.prev_ended:
            self.deferred.append(blk)
        else:
            self.flush()
            self.blocks.append(blk)

    def _box_width(self, box_lines):
        return _full_width(box_lines, self.W)

    def _table_run(self, i):
        """Number of lines of a flattened table starting at line i (0 if none).

        A table is a run of cells: short lines (at most 0.6 of a full line) with a few longer
        ones (up to 0.85) between short ones; at least 4 short cells, most of the run short.
        """
        lines, W = self.lines, self.W
        short = lambda x: x.width <= min(12, 0.6 * W)  # noqa: E731

        def cell(x):
            h = _heading_of(x.text)
            return x.width <= 0.85 * W and not (h and len(h[3]) >= 2 and h[1] <= 5) and not BOX.match(x.text) \
                and not FIGURE.match(x.text) and not APPENDIX.match(x.text)

        if not short(lines[i]) or not cell(lines[i]) or _ends_sentence(lines[i].text):
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

    def _starts_para(self, i) -> bool:
        ln = self.lines[i]
        prev = self.last_body
        if prev is None or not self.para:
            return True
        if CLAUSE_START.match(ln.text):
            return False
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
        return bool(_heading_of(ln.text)) or (
            ln.width <= self.W - 1.5 and not _ends_sentence(ln.text) and nxt is not None and nxt.width >= self.W - 1
        )

    def _heading_line(self, i, h) -> int:
        """Emit a heading (and the start of its run-in paragraph); return the next line index."""
        scheme, rank, num, rest = h
        lines, W = self.lines, self.W
        ln = lines[i]
        numlen = _num_len(ln.text)
        rest_start = ln.start + numlen
        while rest_start < ln.end and self.c.text[rest_start] in " \u3000":
            rest_start += 1
        title_spans = [(rest_start, ln.end)] if rest_start < ln.end else []
        body_spans: list[tuple[int, int]] = []
        j = i + 1
        if scheme == "条":
            title_spans, body_spans = [], title_spans
        elif ln.bold:
            pass  # the bold run is exactly the title (clean put any run-in text on the next line)
        else:
            text = self.c.text[rest_start:ln.end]
            m = SENTENCE_END.search(text)
            if m and m.end() < len(text):
                cut = rest_start + m.end()
                title_spans, body_spans = [(rest_start, cut)], [(cut, ln.end)]
            elif m:
                pass  # the line is the title, ending in 。
            elif rank <= 4 and (ln.width >= 0.75 * W or text.endswith(("，", "、", "和", "与", "及"))):
                # a long major heading wraps onto a short line
                while j < len(lines) and not lines[j].page and lines[j].width <= 0.75 * W and not _ends_sentence(lines[j].text) \
                        and not _heading_of(lines[j].text) and not BOX.match(lines[j].text) and len(text) < 40:
                    title_spans.append((lines[j].start, lines[j].end))
                    text += lines[j].text
                    j += 1
            elif ln.width >= W - 2.5:
                # a run-in title without bold: up to the first sentence end, or a clause end
                acc_spans, acc = [(rest_start, ln.end)], text
                k = j
                while not SENTENCE_END.search(acc) and k < len(lines) and len(acc) < 80 and not _heading_of(lines[k].text) \
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
                    title_spans, rest_spans = _split_spans(acc_spans, cut)
                    if drop:
                        _, rest_spans = _split_spans(rest_spans, 1)
                    body_spans = rest_spans
                    j = k
        self.heading(scheme, rank, num, title_spans, ln)
        title = self.blocks[-1].title
        # a title immediately repeated as the body's first words (bold rendered twice)
        if body_spans and title:
            btxt = "".join(self.c.text[a:b] for a, b in body_spans)
            if btxt.startswith(title):
                _, body_spans = _split_spans(body_spans, len(title))
        body_spans = [(a, b) for a, b in body_spans if b > a]
        self.last_body = lines[j - 1]
        if body_spans:
            self.para = body_spans
            self.para_kind = "para"
            self.prev_ended = _ends_para_text("".join(self.c.text[a:b] for a, b in body_spans), heading=False)
        else:
            self.prev_ended = True
        return j


def _full_width(lines, default=21.0) -> float:
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


def _split_spans(spans, cut):
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


def _joined(spans):
    """Spans of lines joined by their line breaks (kept: the cleaned "\\n" maps to the source)."""
    out = []
    for k, (a, b) in enumerate(spans):
        out.append((a, b))
        if k + 1 < len(spans):
            out.append((-1, -1))
    return out


def _joined_paras(box_lines, W):
    """Box lines reflowed: lines of one paragraph joined, paragraphs separated by a line break."""
    out = []
    prev = None
    for x in box_lines:
        if prev is not None:
            ended = _ends_para_text(prev.text, heading=False)
            if ended and (prev.width <= W - 1.5 or _heading_of(x.text)) or prev.width <= 0.6 * W:
                out.append((-1, -1))
        out.append((x.start, x.end))
        prev = x
    return out


def _merge_boxes(blocks: list[Block]):
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


def _num_len(text: str) -> int:
    """Length of the heading number at the start of text (with its separator)."""
    for _, _, rx in SCHEMES:
        m = rx.match(text)
        if m:
            return m.start(2)
    return 0


def _section_id(scheme: str, num: str) -> str:
    if scheme in ("章", "节", "条", "部分"):
        return f"第{num}{scheme}"
    if scheme == "一、":
        return num
    if scheme == "（一）":
        return f"（{num}）"
    if scheme == "1.":
        return f"{int(num)}."
    return f"（{int(num)}）"


# --- documents --------------------------------------------------------------------------------

def _slug(number: str, title: str, fallback: str = "document") -> str:
    """Readable, deterministic id: 晋市政发〔2022〕27号 → 晋市政发-2022-27; else the title (or file name)."""
    m = DOC_NUMBER.match(number or "")
    if m:
        return f"{m.group(1)}-{m.group(2)}-{int(m.group(3))}"
    s = re.sub(r"[^\w\u4e00-\u9fff]+", "", title or "")[:24]
    return s or re.sub(r"[^\w\u4e00-\u9fff-]+", "-", fallback).strip("-") or "document"


def _header_meta(lines: list[Line]) -> tuple[dict, int]:
    """文号 / issuer / title / date lines at the top of a document without notice; (meta, lines used)."""
    meta = {"number": "", "issuers": [], "title": "", "date": "", "publication": "", "addressees": ""}
    used = 0
    for k, ln in enumerate(lines[:8]):
        t = ln.text
        if DOC_NUMBER.match(t):
            meta["number"] = t
        elif DATE.match(t):
            meta["date"] = _iso_date(t)
        elif PUBLICATION.match(t):
            meta["publication"] = PUBLICATION.match(t).group(1)
        elif ISSUER.match(t) and not meta["title"]:
            meta["issuers"].append(t)
        elif ADDRESSEES.match(t) and t.endswith("：") and not meta["addressees"]:
            meta["addressees"] = t.rstrip("：")
        elif not meta["title"] and len(t) <= 80 and not re.search(r"[。；]", t) and not _heading_of(t) and DOC_TITLE.search(t):
            meta["title"] = t
        else:
            break
        used = k + 1
    return meta, used


def _tail_meta(lines: list[Line]) -> tuple[list[str], str, int]:
    """Signature at the end (issuer lines, date line): (issuers, date, lines used)."""
    issuers, date, used = [], "", 0
    k = len(lines) - 1
    if k >= 0 and PUBLICATION.match(lines[k].text):
        k -= 1
        used += 1
    if k >= 0 and DATE.match(lines[k].text):
        date = _iso_date(lines[k].text)
        k -= 1
        used += 1
        while k >= 0 and ISSUER.match(lines[k].text):
            issuers.insert(0, lines[k].text)
            k -= 1
            used += 1
    return issuers, date, used


def _signed_bounds(lines: list[Line]) -> list[tuple[int, int]]:
    """Line ranges of the documents of a file without notices (website copies one after another).

    A document ends with its signature date (and publication mark); a header of at least two
    lines (文号, issuer, title, addressees, with a 文号 or a title among them) right after one
    starts the next document. A lone title after the date (an appendix) does not.
    """
    starts = [0]
    for j in range(1, len(lines)):
        k = j - 1
        if k > 0 and PUBLICATION.match(lines[k].text):
            k -= 1
        if not DATE.match(lines[k].text):
            continue
        meta, used = _header_meta(lines[j:j + 8])
        if used >= 2 and (meta["number"] or meta["title"]):
            starts.append(j)
    return list(zip(starts, starts[1:] + [len(lines)]))


def segment(cleaned: Cleaned) -> list[Document]:
    """The documents of one cleaned source, in order."""
    lines = _lines(cleaned)
    if not lines:
        return []
    src = cleaned.source
    notices = _find_notices(lines)
    dropped = [False] * len(lines)
    for n in notices:
        for j in range(n.first, n.last + 1):
            dropped[j] = True
    in_notice = list(dropped)
    titles = [t for n in notices for t in (n.title, n.notice_title)]
    issuers = {i for n in notices for i in n.issuers}
    _drop_running_titles(lines, dropped, titles, issuers)
    docs: list[Document] = []
    if notices:
        starts = _starts(lines, notices, dropped)
        bounds = list(zip(starts, starts[1:] + [len(lines)]))
    else:
        bounds = _signed_bounds(lines)
    seen: dict[str, int] = {}
    for k, (a, b) in enumerate(bounds):
        body = [lines[j] for j in range(a, b) if not dropped[j]]
        if notices:
            n = notices[k]
            meta = dict(number=n.number, issuers=n.issuers, title=n.title, date=n.date, publication=n.publication,
                        addressees=n.addressees, notice=n.text)
            notice_lines = lines[n.first:n.last + 1]
            if not body and n.text_lines and not ISSUED_TITLE.search(n.text) and not NOTICE_NAMED.search(n.notice_title):
                # a notice that issues no plan is itself the document (关于做好…工作的通知): its text
                # is the body, the rest (issuer, title, 文号, addressees, signature) its notice block
                body = [lines[j] for j in n.text_lines]
                own = set(n.text_lines)
                notice_lines = [x for j, x in enumerate(notice_lines, n.first) if j not in own]
                meta["notice"] = ""
        else:
            head, used = _header_meta(body)
            body = body[used:]
            tail_issuers, tail_date, tail_used = _tail_meta(body)
            if tail_used and (tail_issuers or not head["date"]):
                body = body[:len(body) - tail_used]
            elif not head["date"]:
                # signed before an appendix: issuer line(s) and a date followed by 附件 or its title
                for k in range(len(body) - 2, 0, -1):
                    if not DATE.match(body[k].text):
                        continue
                    sig_issuers, sig_date, used = _tail_meta(body[k - 8 if k > 8 else 0:k + 1])
                    if sig_issuers:
                        tail_issuers, tail_date = sig_issuers, sig_date
                        body = body[:k + 1 - used] + body[k + 1:]
                        break
            meta = dict(number=head["number"], issuers=tuple(head["issuers"] or tail_issuers), title=head["title"],
                        date=head["date"] or tail_date, publication=head["publication"], addressees=head["addressees"], notice="")
            notice_lines = []
        if not body:
            continue
        bld = _Builder(cleaned, body)
        bld.build()
        blocks = bld.blocks
        if notice_lines:
            nb = bld._make("notice", _joined([(x.start, x.end) for x in notice_lines]))
            nb.section = ()
            blocks.insert(0, nb)
        doc_id = _slug(meta["number"], meta["title"], src.name.rsplit(".", 1)[0])
        if doc_id in seen:
            seen[doc_id] += 1
            doc_id = f"{doc_id}-{seen[doc_id]}"
        else:
            seen[doc_id] = 1
        # the document's extent: its own lines (furniture and running titles included), its notice,
        # but not the notice of the next document printed before that document's body
        spanned = [lines[j] for j in range(a, b) if not in_notice[j]] + notice_lines
        offs = [cleaned.origin[x.start] for x in spanned]
        ends = [cleaned.origin[x.end - 1] + 1 for x in spanned]
        docs.append(Document(
            id=doc_id, source=src, title=meta["title"], number=meta["number"], issuers=tuple(meta["issuers"]),
            date=meta["date"], publication=meta["publication"], addressees=meta["addressees"], notice=meta["notice"],
            blocks=blocks, outline=bld.outline, start=min(offs), end=max(ends),
        ))
    return docs


# --- inspection -------------------------------------------------------------------------------

def _walk(sections, depth=0):
    for s in sections:
        yield depth, s
        yield from _walk(s.children, depth + 1)


def describe(doc: Document, blocks: bool = False) -> str:
    """A readable listing of a document: metadata, outline, and optionally every block."""
    nsec = sum(1 for _ in _walk(doc.outline))
    out = [
        f"== {doc.id}  {doc.number or '(no 文号)'}",
        f"   title:    {doc.title}",
        f"   issuers:  {'、'.join(doc.issuers) or '-'}   date: {doc.date or '-'}   {doc.publication}",
        f"   lines:    {doc.start_line}-{doc.end_line}   sections: {nsec}   blocks: {len(doc.blocks)}",
    ]
    for depth, s in _walk(doc.outline):
        sid = f"{s.id}、" if re.fullmatch(r"[一二三四五六七八九十百]+", s.id) else s.id
        sep = "" if sid.endswith(("、", "）", ".")) else " "
        h = _heading_of(s.title)
        title = "" if h and not h[3] else s.title  # an untitled article or item is named by its number
        out.append(f"   {'  ' * depth}{sid}{sep if title else ''}{title}  (line {doc.source.line_of(s.start)})")
    if blocks:
        for k, b in enumerate(doc.blocks):
            text = b.text.replace("\n", " / ")
            label = b.kind if b.kind != "heading" else f"h{b.level}"
            out.append(f"   [{k}] {label:8} {'/'.join(b.section) or '-'}: {text[:100]}{'…' if len(text) > 100 else ''}")
    return "\n".join(out)
