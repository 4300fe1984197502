"""One name, one entity, everywhere: the corpus-level pass that runs before linking.

A name the rules recognised anywhere in the corpus (清慧机械 in a list of firms, 光机电产业研究院
by its suffix) names the same thing where no rule fires again (依托清慧机械建设…). `repeats`
finds its other occurrences in every document, as mentions with the basis "corpus-repeat", and
the short forms a document declares (（以下简称“华能榆阳公司”）) in that document, with the basis
"abbreviation" and the declared name as canonical hint.

An occurrence counts only at name boundaries: not inside a longer name already found, not
crossing one, and not glued to more name (the run of name characters must break, or a boundary
word, a suffix-less mention or punctuation must stand on both sides).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache

from ..model import Document, Mention
from . import lexicon
from .lexicon import CJK
from .lists import is_kind

REPEATED = ("Enterprise", "Institution", "Project")
# Mentions whose names are worth looking for elsewhere: found by a rule with its own evidence.
SOURCES = frozenset({"suffix", "list-context", "coordination", "heading", "quoted", "owner-position"})
MIN_CHARS = 3
MIN_PROJECT_CHARS = 8  # a short project name (百村百院) is often a slogan's short form elsewhere
# （以下简称“X”）, （简称X）: a short form the text defines for the name just before it.
DEFINED_ALIAS = re.compile(r"[（(](?:以下)?简称[“\"「]?([^”\"」）)，,]{2,20})[”\"」]?[）)]")
_NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9·]")
_SPACE = re.compile(r"\s+")
GLUED = ("Enterprise", "Institution")
MAX_GLUE = 2  # characters of prose glued to a name in one-line text: 至, 商, 结合, 中共 (…委员会), 原
NOT_GLUE = ("中国",)  # 中国华能集团 and 华能集团 are two forms of one name, not a glued word


def _names(mentions: list[Mention]) -> dict[str, tuple[str, str]]:
    """Recognised surface → (label, canonical hint); names seen with two labels are left out."""
    seen: dict[str, set] = defaultdict(set)
    for m in mentions:
        if m.label in REPEATED and m.basis in SOURCES and not m.canonical_hint:
            name = _SPACE.sub("", m.text)
            least = MIN_PROJECT_CHARS if m.label == "Project" else MIN_CHARS
            if len(name) >= least and name == m.text and not is_kind(name):
                seen[name].add((m.label, ""))
    return {n: next(iter(v)) for n, v in seen.items() if len(v) == 1}


class _Block:
    """The mentions of one block, for boundary checks."""

    def __init__(self, ms: list[Mention]):
        self.spans = sorted((m.block_start, m.block_end) for m in ms)
        self.starts = [s for s, _ in self.spans]
        self.ends = {e for _, e in self.spans}
        self.begins = set(self.starts)

    def clashes(self, s: int, e: int) -> bool:
        """[s, e) is inside, equal to or crossing a mention already found."""
        i = bisect_left(self.starts, e)
        return any(a < e and s < b for a, b in self.spans[max(0, i - 40):i])


def _free_left(text: str, s: int, block: _Block) -> bool:
    return (s == 0 or not _NAME_CHAR.match(text, s - 1) or s in block.ends
            or bool(lexicon.boundary_ends_at(text, s)))


def _free_right(text: str, e: int, block: _Block) -> bool:
    if e == len(text) or not _NAME_CHAR.match(text, e) or e in block.begins:
        return True
    if any(text.startswith(suffix, e) for suffix in _suffixes()):
        return False  # 清慧机械|有限公司: a longer name
    return bool(lexicon.boundary_starts_at(text, e))


@lru_cache(maxsize=1)
def _suffixes() -> tuple[str, ...]:
    return tuple(w for w in lexicon.org_suffixes() if len(w) >= 2)


def repeats(mentions: list[Mention], documents: list[Document]) -> list[Mention]:
    """Mentions of recognised names where the rules did not fire, and of declared short forms."""
    by_block: dict[tuple[str, int], list[Mention]] = defaultdict(list)
    for m in mentions:
        by_block[(m.doc_id, m.block)].append(m)
    names = _names(mentions)
    by_bigram: dict[str, list[str]] = defaultdict(list)  # a trie regex of every name compiles slowly
    for n in sorted(names, key=lambda n: (-len(n), n)):
        by_bigram[n[:2]].append(n)
    firsts = re.compile("|".join(re.escape(b) for b in sorted(by_bigram))) if names else None
    out: list[Mention] = []
    for doc in documents:
        declared = _declared(doc, by_block)
        for bi, block in enumerate(doc.blocks):
            text = block.text
            found = []
            if firsts is not None:
                found += [(i, i + len(n), *names[n], "corpus-repeat") for i, n in _occurrences(text, firsts, by_bigram)]
            for alias, (label, hint, after) in declared.items():
                if after <= bi:
                    i = text.find(alias)
                    while i >= 0:
                        found.append((i, i + len(alias), label, hint, "abbreviation"))
                        i = text.find(alias, i + len(alias))
            if not found:
                continue
            have = _Block(by_block.get((doc.id, bi), []))
            for s, e, label, hint, basis in sorted(found):
                if have.clashes(s, e) or not _free_left(text, s, have) or not _free_right(text, e, have):
                    continue
                start, end = block.source_span(s, e)
                out.append(Mention(doc_id=doc.id, label=label, text=text[s:e], start=start, end=end,
                                   line=doc.source.line_of(start), block=bi, block_start=s, block_end=e,
                                   source=doc.source.path, canonical_hint=hint, basis=basis))
                have.spans.append((s, e))
                have.spans.sort()
                have.starts = [a for a, _ in have.spans]
    return out


def trim_glued(mentions: list[Mention], documents: list[Document]) -> list[Mention]:
    """Mentions without the prose glued to their left: 商|华能陕西公司, 至|国网榆林供电公司.

    One-line OCR text gives the suffix rules no boundary, so a one- or two-character verb or
    prefix before a firm stays on its name. Where the same document names the rest alone (as a
    mention of the same type or a declared short form), the rest is the name, unless the prefix
    opens another name of the document that is no name without it (国网 in 国网陕西省电力公司
    when 陕西省电力公司 is never written alone: 国网榆林供电公司 stays whole). Two characters are
    glue only where the longer form never follows a boundary (。国网渭南供电公司 is a name)."""
    docs = {d.id: d for d in documents}
    by_block: dict[tuple[str, int], list[Mention]] = defaultdict(list)
    known: dict[tuple[str, str], set] = defaultdict(set)
    free: set[str] = set()  # (doc, text) of mentions written at least once after a boundary
    for m in mentions:
        by_block[(m.doc_id, m.block)].append(m)
        if m.label in GLUED:
            known[(m.doc_id, m.label)].add(m.text)
            if m.doc_id in docs and _after_boundary(docs[m.doc_id], m):
                free.add((m.doc_id, m.text))
    for doc in documents:
        for alias, (label, _hint, _bi) in _declared(doc, by_block).items():
            known[(doc.id, label)].add(alias)
    parts = {key: {n[:j] for n in names for j in range(1, MAX_GLUE + 1) if n[j:] not in names}
             for key, names in known.items()}
    out = []
    for m in mentions:
        key = (m.doc_id, m.label)
        k = _glue(m.text, known.get(key, ()), parts.get(key, ()), (m.doc_id, m.text) in free) if m.label in GLUED and m.doc_id in docs else 0
        if k and 0 <= m.block < len(docs[m.doc_id].blocks):
            block = docs[m.doc_id].blocks[m.block]
            start, end = block.source_span(m.block_start + k, m.block_end)
            m = replace(m, text=m.text[k:], start=start, end=end, block_start=m.block_start + k,
                        line=docs[m.doc_id].source.line_of(start))
        out.append(m)
    return out


def _after_boundary(doc: Document, m: Mention) -> bool:
    if not 0 <= m.block < len(doc.blocks):
        return False
    return m.block_start == 0 or not _NAME_CHAR.match(doc.blocks[m.block].text, m.block_start - 1)


def _glue(text: str, names, parts, free: bool) -> int:
    """Characters of prose glued before a known name in text (表中共|…: glue on glue), or 0."""
    k = 0
    while k < 2 * MAX_GLUE:
        step = next((j for j in range(1, (1 if free else MAX_GLUE) + 1) if text[k + j:] in names and text[k:k + j] not in parts
                     and len(text) - k - j > MIN_CHARS and not text.startswith(NOT_GLUE, k)
                     and not lexicon.place_at(text, k)), 0)
        if not step:
            break
        k += step
    return k


def _occurrences(text: str, firsts: re.Pattern, by_bigram: dict[str, list[str]]):
    """(offset, name) of the names in text, leftmost and longest, not overlapping."""
    i = 0
    while True:
        m = firsts.search(text, i)
        if m is None:
            return
        i = m.start()
        n = next((n for n in by_bigram.get(text[i:i + 2], ()) if text.startswith(n, i)), None)
        if n is None:
            i += 1
            continue
        yield i, n
        i += len(n)


def _declared(doc: Document, by_block) -> dict[str, tuple[str, str, int]]:
    """Short forms a document defines: alias → (label, full name, block index of the definition)."""
    out = {}
    for bi, block in enumerate(doc.blocks):
        for d in DEFINED_ALIAS.finditer(block.text):
            named = [m for m in by_block.get((doc.id, bi), []) if m.block_end == d.start()
                     and m.label in ("Department", *REPEATED)]
            if not named:
                continue
            m = max(named, key=lambda m: m.block_end - m.block_start)
            alias = _SPACE.sub("", d.group(1))
            if alias not in out and alias != m.text:
                out[alias] = (m.label, m.canonical_hint or m.text, bi)
    return out
