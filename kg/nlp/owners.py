"""Firms named by their position only: a brand with no company suffix, where prose puts a firm.

    |三甲炼焦|数据运营中心智能化改造项目      brand + industry word opening a project name
    |汉通鑫宇|年产300万件精密零部件项目        a short name before 年产/新建/… opening a project name
    |康硕（山西）|轻合金快速制造中心项目        a brand with its home region in brackets
    依托|金鼎高宝钻探|培育建设…               brand + industry word between a verb of support and a verb

A brand (两到四字) is what remains once places, trade words and generic words are taken off; an
item that is only a kind (煤炭企业, 山西新能源) is no brand. The industry words are data
(patterns/firm_words.tsv); a park named after a firm (晋钢智造科技产业园) does not name it. Spans carry the basis
"owner-position" and are checked against the names the other components found: nothing inside a
place, department or organisation already known.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from . import lexicon
from .lexicon import CJK
from .lists import is_kind
from .spans import SPAN_KEY, RuleComponent, doc_text

BASIS = "owner-position"
LABEL = "Enterprise"
# Numbering, a year or an amount opening a list item: （3）, 2., 2022年, 投资10亿元的.
_LEAD = re.compile(r"(?:[（(]\d{1,2}[）)]|\d{1,2}[.．、]|(?:19|20)\d\d年度?|投资[0-9.．]+[万亿]元的?|\s)*")
# What follows a short owner name in a project name: the undertaking itself.
_PROJECT_VERB = re.compile(r"年产|新建|扩建|技改|改扩建|迁建")
# Heads of parks and zones: a park named after a firm (晋钢智造科技产业园) does not name the firm.
_PARK = re.compile(r"(?:园|园区|基地|开发区|示范区|新区|小镇)(?:项目)?$")
# Verbs of support that put a firm right after them, and the verbs or joins a firm is followed by.
_SUPPORT = re.compile(r"依托|支持|鼓励|引进|培育|推动|推进|联合|扶持|引导")
_PREDICATE = re.compile(r"(?:培育|建设|打造|开展|与|和|依托|牵头|实施|加快|联合|合作|组建|申报|创建|研发|等|建成|[、，,。；;])")
# A verb after the firm takes an object (依托X培育建设…); 鼓励生态环保建设。 has a noun there.
_JOINS = frozenset("与和等、，,。；;")
_NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9]")
_REGION = re.compile(rf"[（(]([{CJK}]{{2,3}})[）)]")
# What stands before a list item: a line break, a list separator, 的 after an amount (投资2亿元的).
_ITEM_BEFORE = frozenset("\n、的：:")
_NUMBERED = re.compile(r"(?:[（(]\d{1,2}[）)]|\d{1,2}[.．、])\s*$")
# Parties of a contract (甲方, 乙方, 双方) are no brands.
_PARTY = re.compile(r"[甲乙丙丁双各对我本]方")
_BRAND_CHARS = re.compile(rf"[{CJK}]{{2,4}}")
_NOT_BRAND = frozenset("的之和与及等或并在对为将把被是了各其省市县区年月日")


@lru_cache(maxsize=1)
def _industry() -> re.Pattern:
    return re.compile(lexicon.trie_regex(lexicon.words("firm_words.tsv")))


def _brand_ok(brand: str) -> bool:
    """A brand of its own: two to four characters, no function word, not a place or a kind."""
    if not _BRAND_CHARS.fullmatch(brand) or any(c in _NOT_BRAND for c in brand) or _PARTY.match(brand):
        return False
    if lexicon.place_at(brand, 0) == brand or is_kind(brand) or _industry().match(brand):
        return False
    if lexicon.boundary_starts_at(brand, 0) or any(w in brand for w in lexicon.generic_words() if len(w) >= 2):
        return False
    return True


def brand_at(text: str, i: int, min_rest: int = 0) -> int:
    """End of a firm written as [place] brand + industry word, or brand（region）, at text[i]; 0 if none.

    `min_rest` characters of name must follow it (a project name goes on after its owner)."""
    p = lexicon.place_at(text, i)
    s = i + len(p) if p and len(p) < 6 else i
    for n in (2, 3, 4):
        brand = text[s:s + n]
        if not _brand_ok(brand):
            continue
        m = _industry().match(text, s + n)
        if m and text[m.end():m.end() + 1] != "化" and _goes_on(text, m.end(), min_rest):
            return m.end()
        b = _REGION.match(text, s + n)
        if b and lexicon.place_at(b.group(1), 0) == b.group(1) and _goes_on(text, b.end(), min_rest):
            return b.end()
    return 0


def _goes_on(text: str, i: int, n: int) -> bool:
    """At least n name characters follow offset i."""
    return n == 0 or len(re.match(rf"[{CJK}A-Za-z0-9]*", text[i:i + 40]).group()) >= n


def find_owners(text: str, known=()) -> list[tuple[int, int]]:
    """(start, end) of firms named by position in `text`; `known` holds (start, end, label) spans."""
    spans = list(known)
    out = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b and (lab != "Project") for a, b, lab in spans) and (s, e) not in out

    for a, b, lab in spans:  # owners opening a project name
        if lab != "Project":
            continue
        s = _LEAD.match(text, a, b).end()
        item = s > a or (a > 0 and text[a - 1] in _ITEM_BEFORE) or _NUMBERED.search(text, max(0, a - 5), a)
        e = brand_at(text, s, min_rest=4) if item and not _PARK.search(text, a, b) else 0
        if not e:
            m = _PROJECT_VERB.search(text, s, min(b, s + 9))
            if m and 2 <= m.start() - s <= 8 and _brand_ok_long(text[s:m.start()]):
                e = m.start()
        if e and e < b and free(s, e):  # a list item that opens with a firm
            out.append((s, e))
    for m in _SUPPORT.finditer(text):  # 依托|X钻探|培育
        s = m.end()
        e = brand_at(text, s)
        p = _PREDICATE.match(text, e) if e and e - s <= 10 else None
        if p and (p.group() in _JOINS or _NAME_CHAR.match(text, p.end())) and free(s, e):
            out.append((s, e))
    return sorted(out)


def _brand_ok_long(owner: str) -> bool:
    """An owner before 年产/新建: [place] + a brand of two to four characters (+ an industry word)."""
    p = lexicon.place_at(owner, 0)
    rest = owner[len(p):] if p and len(p) < len(owner) else owner
    return any(_brand_ok(rest[:n]) and (n == len(rest) or _industry().fullmatch(rest, n))
               for n in (4, 3, 2))


class OwnerRecognizer(RuleComponent):
    """spaCy component: firms named by position (project owners, firms after verbs of support)."""

    def hits(self, doc: Doc):
        known = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(self.span_key, [])]
        return ((s, e, LABEL, "", BASIS) for s, e in find_owners(doc_text(doc), known))


@Language.factory("kg_owners", default_config={"span_key": SPAN_KEY}, assigns=["doc.spans"])
def make_owners(nlp: Language, name: str, span_key: str) -> OwnerRecognizer:
    return OwnerRecognizer(span_key)
