"""Cleaned → [Document]: covering notices, document bounds, blocks and outline.

A gazette holds several documents, each with a covering notice (notices.py) that the layout
drops in the middle of its first page or just before it. segment():

1. finds the notice blocks and takes them out of the running text, so the sentence they
   interrupt joins up again (notices.py);
2. places each document's start and drops running titles (bounds.py);
3. builds each document's blocks and outline from its lines (blocks.py: headings.py cuts run-in
   titles, floats.py finds boxes and tables, outline.py reads the numbering).

A file without notices (a document copied from a website) is one document; a 文号, issuer,
title and date stated in its first lines are read as its metadata.
"""
from __future__ import annotations

import re

from ..model import Cleaned, Document
from .blocks import Builder, joined
from .bounds import document_starts, drop_running_titles, header_meta, run_on_meta, signed_bounds, tail_meta
from .lines import lines_of
from .notices import DATE, DOC_NUMBER, ISSUED_TITLE, NOTICE_NAMED, find_notices
from .outline import heading_of

__all__ = ["segment", "describe"]


def _slug(number: str, title: str, fallback: str = "document") -> str:
    """Readable, deterministic id: 晋市政发〔2022〕27号 → 晋市政发-2022-27; else the title (or file name)."""
    m = DOC_NUMBER.match(number or "")
    if m:
        return f"{m.group(1)}-{m.group(2)}-{int(m.group(3))}"
    s = re.sub(r"[^\w\u4e00-\u9fff]+", "", title or "")[:24]
    return s or re.sub(r"[^\w\u4e00-\u9fff-]+", "-", fallback).strip("-") or "document"


def segment(cleaned: Cleaned) -> list[Document]:
    """The documents of one cleaned source, in order."""
    lines = lines_of(cleaned)
    if not lines:
        return []
    src = cleaned.source
    notices = find_notices(lines)
    dropped = [False] * len(lines)
    for n in notices:
        for j in range(n.first, n.last + 1):
            dropped[j] = True
    in_notice = list(dropped)
    titles = [t for n in notices for t in (n.title, n.notice_title)]
    issuers = {i for n in notices for i in n.issuers}
    drop_running_titles(lines, dropped, titles, issuers)
    docs: list[Document] = []
    if notices:
        starts = document_starts(lines, notices, dropped)
        bounds = list(zip(starts, starts[1:] + [len(lines)]))
    else:
        bounds = signed_bounds(lines)
    seen: dict[str, int] = {}
    for k, (a, b) in enumerate(bounds):
        body = [lines[j] for j in range(a, b) if not dropped[j]]
        if notices:
            n = notices[k]
            meta = dict(number=n.number, issuers=n.issuers, title=n.title, date=n.date, publication=n.publication,
                        addressees=n.addressees, notice=n.text)
            notice_lines = lines[n.first:n.last + 1]
            if not meta["title"]:
                # a 文号 and addressees without a title: the title (and signature) are in the document's own lines
                head, used = header_meta(body)
                if head["title"]:
                    meta.update(title=head["title"], issuers=meta["issuers"] or tuple(head["issuers"]))
                    body = body[used:]
                tail_issuers, tail_date, tail_used = tail_meta(body)
                if tail_date and not meta["date"]:
                    meta.update(date=tail_date, issuers=meta["issuers"] or tuple(tail_issuers))
                    body = body[:len(body) - tail_used]
            if not body and n.text_lines and not ISSUED_TITLE.search(n.text) and not NOTICE_NAMED.search(n.notice_title):
                # a notice that issues no plan is itself the document (关于做好…工作的通知): its text
                # is the body, the rest (issuer, title, 文号, addressees, signature) its notice block
                body = [lines[j] for j in n.text_lines]
                own = set(n.text_lines)
                notice_lines = [x for j, x in enumerate(notice_lines, n.first) if j not in own]
                meta["notice"] = ""
        else:
            head, used = header_meta(body)
            body = body[used:]
            tail_issuers, tail_date, tail_used = tail_meta(body)
            if tail_used and (tail_issuers or not head["date"]):
                body = body[:len(body) - tail_used]
            elif not head["date"]:
                # signed before an appendix: issuer line(s) and a date followed by 附件 or its title
                for k in range(len(body) - 2, 0, -1):
                    if not DATE.match(body[k].text):
                        continue
                    sig_issuers, sig_date, used = tail_meta(body[k - 8 if k > 8 else 0:k + 1])
                    if sig_issuers:
                        tail_issuers, tail_date = sig_issuers, sig_date
                        body = body[:k + 1 - used] + body[k + 1:]
                        break
            if not used and body and len(body) > 1 and body[1].item:  # a whole document on one line
                run = run_on_meta(" ".join(x.text for x in body[:60]))
                head = {**head, **{k: v for k, v in run.items() if v}}
            meta = dict(number=head["number"], issuers=tuple(head["issuers"] or tail_issuers), title=head["title"],
                        date=head["date"] or tail_date, publication=head["publication"], addressees=head["addressees"], notice="")
            notice_lines = []
        if not body:
            continue
        bld = Builder(cleaned, body)
        bld.build()
        blocks = bld.blocks
        if notice_lines:
            nb = bld._make("notice", joined([(x.start, x.end) for x in notice_lines]))
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
        h = heading_of(s.title)
        title = "" if h and not h[3] else s.title  # an untitled article or item is named by its number
        out.append(f"   {'  ' * depth}{sid}{sep if title else ''}{title}  (line {doc.source.line_of(s.start)})")
    if blocks:
        for k, b in enumerate(doc.blocks):
            text = b.text.replace("\n", " / ")
            label = b.kind if b.kind != "heading" else f"h{b.level}"
            out.append(f"   [{k}] {label:8} {'/'.join(b.section) or '-'}: {text[:100]}{'…' if len(text) > 100 else ''}")
    return "\n".join(out)
