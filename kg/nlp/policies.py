"""Cited policy documents: 《titles》 and document numbers (文号).

Gazette documents cite others in two ways, often together:

    《国务院关于…的指导意见》（国发〔2016〕33号）    title and number, tied
    根据晋政发〔2021〕10号文件精神                    number alone
    落实《山西省知识产权保护工作条例》                 title alone

The component `kg_policies` writes one span labelled "Policy" per cited document to
`doc.spans["kg"]`: the title (without the 《》) when there is one, its 文号 in `kb_id_` when the
number follows the title; a 文号 that follows no title gets a span of its own (kb_id_ = the
number). 《…》 also wraps works of art (《太行娘亲》) and abbreviations (以下简称《办法》), so a
title counts only when it ends like a document (规划, 意见, 通知, 条例, …) or carries a 文号.

The rules work on `doc.text` with compiled regexes, so the component is fast and needs no
model; `find_policies(text)` is the same logic on a plain string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .spans import SPAN_KEY, RuleComponent, doc_text

LABEL = "Policy"
PATTERNS = Path(__file__).parent / "patterns" / "policies.tsv"

# A 文号: issuer abbreviation + year in 〔〕 (or look-alike brackets OCR/typists use) + serial + 号.
# Whitespace is allowed inside because reflowed text can keep a space where a line broke. The
# issuer excludes characters that end a title (…的通知晋市政发〔…〕 in a run-on header line).
DOC_NUMBER = re.compile(
    r"(?P<num>[^\W\d_的知案见法则要]{1,10}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号)"
)
# A title in book-title marks; titles never span a paragraph and rarely exceed ~120 characters.
TITLE = re.compile(r"《(?P<title>[^《》\n]{2,160})》")
# Words a greedy issuer match swallows from the sentence: 根据晋政发〔2021〕10号 → 晋政发〔2021〕10号.
LEAD_WORDS = re.compile(r"^(?:根据|按照|依据|依照|落实|贯彻|参照|执行|印发|转发|详见|见|和|及|与|或)*")
# An organisation's name run into its abbreviation: 省政府办公厅晋政办发〔…〕 → 晋政办发〔…〕. At least
# two characters must follow the suffix, so 国土资厅发 (an abbreviation holding 厅) stays whole.
ISSUER_BODY = re.compile(r"^[^\W\d_]*[厅局委府部院会](?=[^\W\d_]{2,}\s*[〔\[［【(（])")
# What may sit between a title and its 文号: an opening bracket (》（国发〔2016〕33号）) or nothing.
GAP = re.compile(r"\s*[（(]?\s*")
# 以下简称《办法》 names the document itself, not a cited one.
ABBREVIATION_BEFORE = re.compile(r"(?:简称|下称|以下称)\s*$")


@dataclass(frozen=True)
class Citation:
    """One cited document found in a text: character offsets of the span and its 文号."""

    start: int
    end: int
    text: str
    number: str = ""  # 文号, "" when the citation gives none


@lru_cache(maxsize=None)
def _title_suffix(path: str = str(PATTERNS)) -> re.Pattern:
    """Regex for the endings that mark a document title (patterns/policies.tsv, kind=suffix)."""
    suffixes = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, term = line.split("\t")[:2]
        if kind == "suffix":
            suffixes.append(re.escape(term))
    suffixes.sort(key=len, reverse=True)
    # A dated or trial edition may follow the type word: …规划（2020-2035年）, …方案（试行）.
    return re.compile(r"(?:%s)(?:[（(][^（）()]{1,16}[）)])?$" % "|".join(suffixes))


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def find_policies(text: str, patterns: str | Path = PATTERNS) -> list[Citation]:
    """Cited documents in `text`, in text order."""
    suffix = _title_suffix(str(patterns))
    found: list[Citation] = []
    tied: set[int] = set()  # start offsets of 文号 already attached to a title
    for m in TITLE.finditer(text):
        title = m.group("title")
        if ABBREVIATION_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue
        number = ""
        n = _number_after(text, m.end())
        if n is not None:
            number = _squeeze(n[2])
            tied.add(n[0])
        if not number and not suffix.search(_squeeze(title)):
            continue
        start, end = m.start("title"), m.end("title")
        # keep spans off leading/trailing whitespace so they align with tokens
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        found.append(Citation(start, end, text[start:end], number))
    for start, end, num in _numbers(text):
        if start not in tied and not _alone_on_line(text, start, end):
            found.append(Citation(start, end, num, _squeeze(num)))
    found.sort(key=lambda c: (c.start, c.end))
    return found


def _numbers(text: str) -> list[tuple[int, int, str]]:
    """Every 文号 in text as (start, end, surface), lead words trimmed."""
    out = []
    for m in DOC_NUMBER.finditer(text):
        start = m.start() + LEAD_WORDS.match(m.group(0)).end()
        body = ISSUER_BODY.match(text[start:m.end()])
        start += body.end() if body else 0
        if start < m.end():
            out.append((start, m.end(), text[start:m.end()]))
    return out


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """A 文号 on a line of its own heads a document (its own number); a citation sits in a sentence."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return not text[a:start].strip() and not text[end:b if b >= 0 else len(text)].strip()


def _number_after(text: str, pos: int) -> tuple[int, int, str] | None:
    """The 文号 right after a closing 》, bracketed or not: 》（国发〔2016〕33号） or 》国卫规划发〔2017〕30号."""
    gap = GAP.match(text, pos)
    m = DOC_NUMBER.match(text, gap.end())
    if m is None or LEAD_WORDS.match(m.group(0)).end():
        return None  # 》和晋政发〔…〕 is a second citation, not this title's number
    return m.start(), m.end(), m.group(0)


class PolicyRecognizer(RuleComponent):
    """spaCy component: cited documents as "Policy" spans in doc.spans[span_key]."""

    def __init__(self, span_key: str = SPAN_KEY, patterns: str | Path = PATTERNS):
        super().__init__(span_key)
        self.patterns = str(patterns)

    def hits(self, doc: Doc):
        return ((c.start, c.end, LABEL, c.number, "title") for c in find_policies(doc_text(doc), self.patterns))


@Language.factory(
    "kg_policies",
    default_config={"span_key": SPAN_KEY, "patterns": str(PATTERNS)},
    assigns=["doc.spans"],
)
def make_policy_recognizer(nlp: Language, name: str, span_key: str, patterns: str) -> PolicyRecognizer:
    return PolicyRecognizer(span_key, patterns)
