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
from functools import lru_cache

from ..model import Document, Mention
from . import lexicon
from .lexicon import CJK
from .lists import is_kind

REPEATED = ("Enterprise", "Institution", "Project")
# Mentions whose names are worth looking for elsewhere: found by a rule with its own evidence.
SOURCES = frozenset({"suffix", "list-context", "coordination", "heading", "quoted"})
MIN_CHARS = 3
MIN_PROJECT_CHARS = 8  # a short project name (百村百院) is often a slogan's short form elsewhere
# （以下简称“X”）, （简称X）: a short form the text defines for the name just before it.
DEFINED_ALIAS = re.compile(r"[（(](?:以下)?简称[“\"「]?([^”\"」）)，,]{2,20})[”\"」]?[）)]")
_NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9·]")
_SPACE = re.compile(r"\s+")


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
