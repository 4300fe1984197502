"""Document bounds: where each document of a file begins and ends, and the metadata at its head and foot.

With notices: each document starts at the page (or 第一章) where it begins before its notice, or
at the page right after the notice when the notice follows the end of the previous document;
running titles (a document title repeated at a page foot) are dropped. Without notices (website
copies one after another): a document ends with its signature date, and a header of 文号, issuer,
title or addressees after it starts the next one.
"""
from __future__ import annotations

import re

from .lines import Line, ends_para_text
from .notices import ADDRESSEES, DATE, DOC_NUMBER, ISSUER, PUBLICATION, Notice, iso_date
from .outline import heading_of

# A document title ends with the kind of document it is: …的通知 / …规划 / …办法（试行）
DOC_TITLE = re.compile(
    r"(?:通知|意见|办法|方案|规划|计划|细则|规定|决定|通告|公告|批复|报告|纲要|措施|条例|规则|要点|制度|标准|指南|清单|目录|章程|决议|函|分工)"
    r"(?:[（(][^（）()]{1,16}[）)])?$"  # （试行） （2023—2025年） （摘要）
)
# A document's own opening that restarts the numbering: 第一章 / 第一部分 / 第一条
RESTART = re.compile(r"^第[一1](?:章|部分|编|条)")
# An opening sentence of a document body: 为深入贯彻落实… / 根据《…》 / 按照《…》
INTRO = re.compile(r"^(?:为了?(?:深入|认真|全面|进一步|贯彻|落实|加快|推动|促进|持续|切实|规范|加强|做好)|根据《|按照《|依据《)")


def _is_restart(text: str) -> bool:
    if RESTART.match(text) or INTRO.match(text):
        return True
    h = heading_of(text)
    return bool(h) and h[0] == "一、" and h[2] == "一"


def document_starts(lines: list[Line], notices: list[Notice], dropped: list[bool]) -> list[int]:
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
    return heading_of(lines[j].text) is not None or ends_para_text(_tail(lines, j, dropped), heading=False)


def _tail(lines, j, dropped, k=3) -> str:
    """The text of the last k kept lines up to line j (a clause at a paragraph end may span lines)."""
    out = []
    while j >= 0 and len(out) < k:
        if not dropped[j]:
            out.append(lines[j].text)
        j -= 1
    return "".join(reversed(out))


def drop_running_titles(lines, dropped, titles, issuers):
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



def header_meta(lines: list[Line]) -> tuple[dict, int]:
    """文号 / issuer / title / date lines at the top of a document without notice; (meta, lines used)."""
    meta = {"number": "", "issuers": [], "title": "", "date": "", "publication": "", "addressees": ""}
    used = 0
    for k, ln in enumerate(lines[:8]):
        t = ln.text
        if DOC_NUMBER.match(t):
            meta["number"] = t
        elif DATE.match(t):
            meta["date"] = iso_date(t)
        elif PUBLICATION.match(t):
            meta["publication"] = PUBLICATION.match(t).group(1)
        elif ISSUER.match(t) and not meta["title"]:
            meta["issuers"].append(t)
        elif ADDRESSEES.match(t) and t.endswith("：") and not meta["addressees"]:
            meta["addressees"] = t.rstrip("：")
        elif not meta["title"] and len(t) <= 80 and not re.search(r"[。；]", t) and not heading_of(t) and DOC_TITLE.search(t):
            meta["title"] = t
        else:
            break
        used = k + 1
    return meta, used


def tail_meta(lines: list[Line]) -> tuple[list[str], str, int]:
    """Signature at the end (issuer lines, date line): (issuers, date, lines used)."""
    issuers, date, used = [], "", 0
    k = len(lines) - 1
    if k >= 0 and PUBLICATION.match(lines[k].text):
        k -= 1
        used += 1
    if k >= 0 and DATE.match(lines[k].text):
        date = iso_date(lines[k].text)
        k -= 1
        used += 1
        while k >= 0 and ISSUER.match(lines[k].text):
            issuers.insert(0, lines[k].text)
            k -= 1
            used += 1
    return issuers, date, used


def signed_bounds(lines: list[Line]) -> list[tuple[int, int]]:
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
        meta, used = header_meta(lines[j:j + 8])
        if used >= 2 and (meta["number"] or meta["title"]):
            starts.append(j)
    return list(zip(starts, starts[1:] + [len(lines)]))


# A whole document on one line (OCR, a web copy): its header runs into its text.
_RUN_HEAD = re.compile(r"^[^。；:：]{4,300}[:：]")  # up to the addressees' colon
_RUN_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,14})\s*[〔\[［（(]\s*(\d{4})\s*[〕\]］）)]\s*(\d{1,4})\s*号")
# what a letterhead prints before a 文号: the issuer, 文件, urgency and handling marks
_NUMBER_AFTER = re.compile(r".*(?:文件|公司|政府|办公室|办公厅|委员会|局|厅|内部事项|明电|特急|特提|加急|急件|平急)")
_RUN_TITLES = (re.compile(r"(?:关于|印发|征求|商请)[^。；:：]{2,120}?的(?:通知|函|意见|报告|请示|决定|通报|批复|通告|公告)"),
               re.compile(r"[^。；:：\s]{4,60}?(?:方案|办法|意见|措施|规划|计划|细则|要点|通知)(?=\s)"))
_RUN_ISSUER = re.compile(r"((?:(?!号)[\u4e00-\u9fff]){2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅|公司))$")
# where a letterhead runs into the issuer (…委员会公文稿纸山东省…委员会): the name after the last whole name
_ISSUER_SPLIT = re.compile(r".*(?:委员会|局|厅|公司|办公室|办公厅)(?=[\u4e00-\u9fff]{5,})")
_RUN_SIGNED = re.compile(r"([\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅))\s*"
                         r"(\d{4}年\d{1,2}月\d{1,2}日)(?=\s|$|[（(]此件)")
_ISSUED = re.compile(r"^(?:关于)?印发(.+?)的(?:通知|决定)$")


def run_on_meta(text: str) -> dict:
    """文号, issuer, title and signature date of a document whose header runs into its text on one line:
    象山县人民政府办公室关于印发…方案的通知 象政办发〔2022〕58号 各乡镇人民政府…: … 象山县人民政府办公室 2022年9月20日 …"""
    meta = {"number": "", "issuers": [], "title": "", "date": ""}
    head = _RUN_HEAD.match(text)
    if not head:
        return meta
    head = head.group()
    t = _RUN_TITLES[0].search(head) or _RUN_TITLES[1].search(head)
    m = _RUN_NUMBER.search(head)
    if m and t and t.start() <= m.start() < t.end():
        m = None  # a 文号 the title cites (关于商请会签鲁政发〔2017〕36号文件…)
    if m:
        prefix = m.group(1)
        cut = _NUMBER_AFTER.match(prefix[:-1])  # never the whole prefix
        meta["number"] = f"{prefix[cut.end() if cut else 0:]}〔{m.group(2)}〕{m.group(3)}号"
    if t:
        title = t.group().strip()
        issuer = _RUN_ISSUER.search(head[:t.start()].rstrip())
        if issuer and title.startswith(("关于", "印发", "征求", "商请")):
            name = issuer.group(1)
            split = _ISSUER_SPLIT.match(name)
            meta["issuers"] = [name[split.end():] if split else name]
        issued = _ISSUED.match(title)
        meta["title"] = re.sub("[《》]", "", issued.group(1)) if issued else title
    s = _RUN_SIGNED.search(text, 0, 3000)
    if s:
        meta["date"] = iso_date(s.group(2))
        meta["issuers"] = meta["issuers"] or [s.group(1)]
    return meta
