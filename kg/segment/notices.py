"""Covering notices: the 印发 notice a gazette prints with each document.

A notice sits around its 文号 line: issuer, 关于印发…的通知, 文号, addressees, 现将《…》印发给你们…,
issuer, date, （此件公开发布）. The layout may drop it in the middle of the document's first page,
or just before it. We find each notice's lines and read its fields (and the issued plan's title).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Line
from .outline import cn_number

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


def find_notices(lines: list[Line]) -> list[Notice]:
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
        others = [j for j in range(lo, hi) if j != i and is_number_line(lines[j])]
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
        if last + 1 == hi and hi < len(lines) and is_number_line(lines[hi]):
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


def is_number_line(ln: Line) -> bool:
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
            n.date = iso_date(t)
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


def iso_date(t: str) -> str:
    m = DATE.match(t.strip())
    if not m:
        return ""
    y, mo, d = (cn_number(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"

