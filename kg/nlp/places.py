"""Counties (closed world: GB/T 2260) and other places (provinces, prefecture cities).

A county-level division is recognised from the official table, never from this gazette:

    泽州县, 高平市, 晋城市城区          official names: a County, kb_id_ = its 6-digit code
    泽州、阳城、高平                    bare forms: only the document's own city's counties, and
                                          only where the context says county (a list of
                                          counties, 阳城县委-like bodies, or the opening of a
                                          name: 高平经济技术开发区, 阳城古窑…研究院)
    沁水盆地, 沁水蜂蜜, 阳城蚕桑         a landform or product named after the place: no county
    城区 / 老城区, 中心城区              城区 is the district only after its city (晋城市城区),
                                          before 人民政府, or listed with sibling counties

Names shared by several counties (城区 exists in a dozen cities) resolve to the document's city
(`doc.user_data["kg_city"]`, a 4-digit code; inferred from the text when unset).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from . import lexicon
from .lexicon import CJK, Division
from .spans import SPAN_KEY, RuleComponent, doc_city, doc_text


# What may stand right before a name that opens there: start, punctuation, spaces, digits.
_OPEN_BEFORE = re.compile(rf"[^{CJK}A-Za-z]")
# What may follow a county in a list (泽州县、高平市和阳城县, 平遥、介休、灵石三县).
_LIST_SEP = re.compile(r"[、，,和及与或等\s]|[一二三四五六七八九十两几][县市区个]")
# Classifier phrases end a name run: 五个现代农业科技产业园 is no longer 泽州's name.
_NUMERAL_RUN = re.compile(r"[0-9０-９一二三四五六七八九十两几多数]+[个家所批项座条类大]")

# Towns and villages written after their county (城区北石店镇司徒村, 阳城县润城镇): Place spans.
_TOWN = re.compile(rf"[{CJK}]{{2,3}}?(?:镇|乡|街道办事处|街道|办事处)")
_VILLAGE = re.compile(rf"[{CJK}]{{2,3}}?(?:村|社区)")

NEARBY = 40  # characters: how close sibling counties must be for a list reading


@dataclass(frozen=True)
class PlaceHit:
    start: int
    end: int
    label: str  # County | Place
    code: str  # 6-digit division code


@lru_cache(maxsize=1)
def _context() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for kind, word in lexicon.rows("county_context.tsv"):
        out.setdefault(kind, []).append(word)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def infer_city(text: str) -> str:
    """4-digit code of the prefecture the text is mostly about ("" when it names none)."""
    votes: Counter = Counter()
    index = lexicon.division_index()
    for s, e in lexicon.official_places(text):
        ds = [d for d in index[text[s:e]] if d.level in ("city", "county")]  # 北京市: the city, not the province
        if len(ds) == 1:
            votes[ds[0].city] += 2 if ds[0].level == "city" else 1
    if not votes:
        return ""
    return min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def infer_province(text: str) -> str:
    """2-digit code of the first province written in full in `text` ("" when none)."""
    index = lexicon.division_index()
    for s, e in lexicon.official_places(text):
        ds = [d for d in index[text[s:e]] if d.level == "province"]
        if ds:
            return ds[0].code[:2]
    return ""


def _pick(ds: tuple[Division, ...], city: str) -> Division:
    """The division a name denotes: the document's city first, then its province, then the lowest code."""
    return min(ds, key=lambda d: (d.city != city, d.code[:2] != city[:2], d.code))


def _opens_here(text: str, i: int) -> bool:
    """A name may start at i: nothing word-like or only a place/organisation name before it."""
    if i == 0 or _OPEN_BEFORE.match(text, i - 1):
        return True
    return bool(lexicon.boundary_ends_at(text, i) or lexicon.suffix_ends_at(text, i))


def _run_reaches_head(text: str, end: int) -> bool:
    """The text after a bare name continues, without a break, into a name head (开发区, 研究院…)."""
    ctx = _context()
    if text.startswith(ctx["product"], end):
        return False
    stop = end + 25
    j = end
    while j < min(stop, len(text)):
        ch = text[j]
        if not ("\u3400" <= ch <= "\u9fff" or ch.isalnum() or ch in "“”\"·"):
            return False
        if text.startswith(ctx["head"], j):
            return True
        if _NUMERAL_RUN.match(text, j) or any(text.startswith(w, j) for w in ("的", "和", "与", "及", "等")):
            return False
        j += 1
    return False


def find_places(text: str, city: str = "", province: str = "") -> list[PlaceHit]:
    """Counties and places in text, in order. `city`: the document's 4-digit prefecture code;
    `province`: the 2-digit code of a provincial document (its counties' bare names may open names)."""
    index = lexicon.division_index()
    ctx = _context()
    raw = []
    for s, e in _place_spans(text, city, province):
        name = text[s:e]
        ds = index[name]
        after = [x for x in ds if any(text.endswith(p, 0, s) for p in _parents(x))]
        d = _pick(tuple(after) if after else ds, city)
        raw.append((s, e, name, d, any(x.name == name for x in ds)))

    county_at = [(s, e, d) for s, e, name, d, official in raw if d.level == "county"]
    out: list[PlaceHit] = []
    for s, e, name, d, official in raw:
        if name.endswith("市") and text.startswith("场", e):
            continue  # 东方市场, 晋城市场: 市场 (market), not the city
        if d.level != "county":
            if official:
                out.append(PlaceHit(s, e, "Place", d.code))
            continue
        after_parent = any(text.endswith(p, 0, s) for p in _parents(d))
        siblings = any(d2.city == d.city and d2.code != d.code and abs(s2 - s) <= NEARBY
                       for s2, e2, d2 in county_at)
        gov = text.startswith(ctx["gov"], e)
        if official and not d.generic:
            if len(name) == 2 and not after_parent:
                if not _opens_here(text, s) or text.startswith(("级", "域"), e):
                    continue  # 范县 in 示范县, 古县 in 千年古县, 和县 in 和县级医院
                if d.city != city and not (gov or _isolated(text, e) and siblings or _run_reaches_head(text, e)):
                    continue  # 古县城: another city's two-character county needs the context bare names need
            if name.endswith("区") and d.city != city and not after_parent:
                continue  # a district of another city, named without its city: 新城区 as a word
            out.append(PlaceHit(s, e, "County", d.code))
            continue
        if d.generic:  # 城区, 矿区: the district only when the context says so
            town = _TOWN.match(text, e)
            town = bool(town) and not _generic(town.group()[:-1])
            if after_parent or (_opens_here(text, s) and not _glued_before(text, s) and (gov or siblings or town)):
                out.append(PlaceHit(s, e, "County", d.code))
            continue
        # bare form (泽州): only the document's own counties; in a provincial document, the
        # province's counties where the name opens a longer name (临清运河文化生态保护试验区)
        if d.city != city and not after_parent:
            if province and d.code.startswith(province) and _opens_here(text, s) and \
                    not text.startswith(ctx["product"], e) and _run_reaches_head(text, e):
                out.append(PlaceHit(s, e, "County", d.code))
            continue
        if not (after_parent or _opens_here(text, s)):
            continue
        if text.startswith(ctx["product"], e):
            continue
        if gov or (_isolated(text, e) and siblings) or _run_reaches_head(text, e):
            out.append(PlaceHit(s, e, "County", d.code))
    return out + _towns(text, [h for h in out if h.label == "County"])


def _towns(text: str, counties: list[PlaceHit]) -> list[PlaceHit]:
    """Towns right after a county, villages right after such a town (no code: below GB/T 2260)."""
    out = []
    for c in counties:
        m = _TOWN.match(text, c.end)
        if not m or _generic(m.group()[:-1]):
            continue
        out.append(PlaceHit(m.start(), m.end(), "Place", ""))
        v = _VILLAGE.match(text, m.end())
        if v and not _generic(v.group()[:-1]):
            out.append(PlaceHit(v.start(), v.end(), "Place", ""))
    return out


# Words that make "…镇/村" a kind rather than a name (特色小镇, 旅游古镇, 中心村).
_TOWN_KINDS = ("特色", "旅游", "康养", "中心", "城乡", "小", "古", "重点", "所在", "示范", "美丽", "乡镇")


def _generic(stem: str) -> bool:
    return any(w in stem for w in _TOWN_KINDS) or any(w in stem for w in lexicon.boundary_words() if len(w) > 1)


def _isolated(text: str, e: int) -> bool:
    """Nothing name-like continues after e (a list item: 泽州、阳城)."""
    return e == len(text) or bool(_LIST_SEP.match(text, e)) or not ("\u3400" <= text[e] <= "\u9fff")


def _place_spans(text: str, city: str, province: str = "") -> list[tuple[int, int]]:
    """Official names anywhere, then short names (provinces, cities, this city's counties) between them."""
    spans = lexicon.official_places(text)
    taken = spans[:]
    for m in lexicon.short_place_regex(city, province).finditer(text):
        s, e = m.span()
        if not any(s < b and a < e for a, b in taken):
            spans.append((s, e))
    return sorted(spans)


def _glued_before(text: str, s: int) -> bool:
    """城区 right after a modifier (老城区, 中心城区, 主城区) is an urban area."""
    return s > 0 and "\u3400" <= text[s - 1] <= "\u9fff" and not lexicon.boundary_ends_at(text, s)


@lru_cache(maxsize=None)
def _parents_of(code: str) -> tuple[str, ...]:
    names = []
    for d in lexicon.divisions():
        if d.level == "city" and d.code[:4] == code[:4]:
            names += [d.name] + ([d.short] if d.short else [])
        if d.level == "province" and d.code[:2] == code[:2]:
            names += [d.name] + ([d.short] if d.short else [])
    return tuple(names)


def _parents(d: Division) -> tuple[str, ...]:
    return _parents_of(d.code)


class PlaceRecognizer(RuleComponent):
    """spaCy component: County / Place spans (kb_id_ = division code) in doc.spans["kg"]."""

    def hits(self, doc: Doc):
        places = find_places(doc_text(doc), doc_city(doc), doc.user_data.get("kg_province", ""))
        return ((h.start, h.end, h.label, h.code, "lexicon") for h in places)


@Language.factory("kg_places", default_config={"span_key": SPAN_KEY}, assigns=["doc.spans"])
def make_places(nlp: Language, name: str, span_key: str) -> PlaceRecognizer:
    return PlaceRecognizer(span_key)
