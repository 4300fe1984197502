"""Enumerations closed by a category noun: every item that is a name takes the list's type.

    拥有|金鼎煤机、天巨重工|等重点企业          → two Enterprises
    涌现出|阳泰龙焱、氢驰动力、易普特|等一批特色企业
    与|清华、中科院半导体所|等科研院所          → Institutions
    推动|沁水温泉水镇|等项目招商                → a Project

Short trade names (two characters and an industry word: 清慧机械) and bare brands (易普特) have no
suffix the other components could anchor on; the list is the evidence. Lists of kinds are far more
common (煤炭、电力、运输等企业, 上市公司、国企、央企等优势企业), so an item is a name only when a
word of its own remains after removing trade, generic, level and place words
(patterns/trade_words.tsv, generic_words.tsv). Places, departments and documents keep their own
type; items already found as an organisation are left alone. A project item needs evidence of
its own (a place or firm in it, a quote, a number): 基础设施等项目 names none.

The categories, modifiers and opening verbs are data (patterns/list_categories.tsv). Spans carry
the basis "list-context".
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from . import lexicon
from .lexicon import CJK
from .spans import SPAN_KEY, RuleComponent, doc_text

BASIS = "list-context"
MAX_ITEM = 20
# Characters that end the clause an enumeration sits in (its first item starts after them).
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?\n“”\"《》【】]")
# A count between 等 and the noun: 等8家, 等12座, 等一批.
_COUNT = r"(?:[0-9０-９]+|[一二两三四五六七八九十百几多数]+)(?:家|个|所|座|批|项|类|大)"
# The last item may be joined by a conjunction: A、B和C.
_LAST_JOIN = re.compile(r"(?:以及|和|及|与)")
# What an item may be made of: CJK, Latin, digits, the middle dot, a short bracketed qualifier.
_ITEM = re.compile(rf"(?:[{CJK}A-Za-z0-9·]|[（(][{CJK}A-Za-z]{{1,6}}[）)])+")
# Types other components give that an item keeps (a county in a list of firms is still a county).
_OWN_TYPES = frozenset({"County", "Place", "Department", "Collective", "Policy", "Enterprise", "Institution"})
# Characters before 等 that make it part of a word (高等院校, 同等, 平等, 一等奖).
_NOT_BEFORE = frozenset("高同平均对相中初上次特一二三头")
# Evidence that a project item names one thing.
_SPECIFIC = re.compile(r"[0-9A-Za-z“”]")


@lru_cache(maxsize=1)
def _rules():
    """(closer regex with group `cat`, category → type, not-after chars, opener regex)."""
    cats, not_after, mods, openers = {}, set(), [], []
    for row in lexicon.rows("list_categories.tsv"):
        kind, term = row[0], row[1]
        if kind == "category":
            cats[term] = row[2]
        elif kind == "not_after":
            not_after.add(term)
        elif kind == "modifier":
            mods.append(term)
        elif kind == "opener":
            openers.append(term)
    closer = re.compile(
        f"等(?:{_COUNT})?(?:{lexicon.trie_regex(mods)})*(?P<cat>{lexicon.trie_regex(cats)})")
    opener = re.compile(lexicon.trie_regex(w[::-1] for w in openers))
    return closer, cats, frozenset(not_after), opener


@lru_cache(maxsize=1)
def _kind_regex() -> re.Pattern:
    """An item made only of trade, generic, level and number words is a kind, not a name."""
    _closer, cats, _not_after, _opener = _rules()
    words = lexicon.words("trade_words.tsv") | lexicon.generic_words() | set(cats) | set(lexicon.org_suffixes()) | {
        "市", "省", "县", "区", "国家", "全国", "中国", "世界", "全球", "国内", "国外", "海外", "境外"}
    return re.compile("(?:" + lexicon.trie_regex(words) + ")+")


def is_kind(item: str) -> bool:
    """True when an item names a kind of thing (煤炭, 上市公司, 山西新能源) rather than one thing."""
    rest = item
    while rest:
        p = lexicon.place_at(rest, 0)
        if p and any(d.name == p or d.short == p for d in lexicon.division_index()[p]):
            rest = rest[len(p):]
            continue
        m = _kind_regex().match(rest)
        if not m or not m.group():
            return False
        rest = rest[m.end():]
    return True


def _first_start(text: str, lo: int, end: int, opener: re.Pattern) -> int:
    """Start of the first item, which ends at `end`: after the last opening verb or boundary word
    of the clause [lo, end), leaving at least two characters; -1 when the clause is too long to
    tell where the name starts."""
    for j in range(end - 2, lo - 1, -1):
        if j == lo:
            return j
        if lexicon.boundary_ends_at(text, j):
            return j
        if opener.match(text[max(lo, j - 4):j][::-1]):
            return j
    return lo


def _pieces(text: str, lo: int, end: int, opener: re.Pattern) -> list[tuple[int, int]]:
    """The items of the enumeration that ends at `end`, in a clause starting at `lo`: pieces
    between 、 from the right, back to the first one that an opening verb or boundary word cuts
    (新能源装备、…领域也涌现出|阳泰龙焱、…: what stands before the verb is not in the list)."""
    bounds, pos = [], lo
    for part in text[lo:end].split("、"):
        bounds.append((pos, pos + len(part)))
        pos += len(part) + 1
    s, e = bounds[-1]
    j = _LAST_JOIN.search(text, s, e)
    if j and j.start() - s >= 2 and e - j.end() >= 2:
        bounds[-1:] = [(s, j.start()), (j.end(), e)]
    out = []
    for s, e in reversed(bounds):
        start = _first_start(text, s, e, opener)
        out.append((start, e))
        if start > s or e - s > MAX_ITEM:
            break
    return out[::-1]


def find_items(text: str, known=()):
    """(start, end, type) of the untyped names in enumerations of `text`.

    `known` holds (start, end, label) spans already found; items covered by one are not repeated.
    """
    closer, cats, not_after, opener = _rules()
    spans = sorted(known)
    out = []
    for m in closer.finditer(text):
        if m.end() < len(text) and text[m.end()] in not_after:
            continue
        if m.start() and text[m.start() - 1] in _NOT_BEFORE:
            continue  # 高等院校, 同等条件: 等 is part of a word
        typ = cats[m.group("cat")]
        lo = 0
        for c in _CLAUSE_END.finditer(text, max(0, m.start() - 200), m.start()):
            lo = c.end()
        region = text[lo:m.start()]
        if not region or region.endswith("、"):
            continue
        for s, e in _pieces(text, lo, m.start(), opener):
            if not 2 <= e - s <= MAX_ITEM or not _ITEM.fullmatch(text, s, e):
                continue
            item = text[s:e]
            if is_kind(item) or lexicon.boundary_starts_at(item, 0):
                continue
            inside = [(a, b, lab) for a, b, lab in spans if a < e and s < b]
            if any(a <= s and e <= b and lab in _OWN_TYPES for a, b, lab in inside):
                continue  # a place, a department, or an organisation already found
            if any(lab in ("Enterprise", "Institution") and b == e for a, b, lab in inside):
                continue  # 天巨重工: its suffix rule found it (or its tail)
            if typ == "Project" and not (_SPECIFIC.search(item) or any(
                    lab in ("County", "Place", "Enterprise") for _a, _b, lab in inside)):
                continue
            out.append((s, e, typ))
    return out


class ListRecognizer(RuleComponent):
    """spaCy component: names in enumerations, typed by the noun that closes the list."""

    def hits(self, doc: Doc):
        known = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(self.span_key, [])]
        return ((s, e, typ, "", BASIS) for s, e, typ in find_items(doc_text(doc), known))


@Language.factory("kg_lists", default_config={"span_key": SPAN_KEY}, assigns=["doc.spans"])
def make_lists(nlp: Language, name: str, span_key: str) -> ListRecognizer:
    return ListRecognizer(span_key)
