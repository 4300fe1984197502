"""The benchmark's helpers: synthetic corpora (bench/synth.py) and the README table (bench/run.py)."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str):
    """A script of bench/ as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"kg_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = _load("run")
synth = _load("synth")

TEXT = """晋城市人民政府关于印发晋城市促进企业发展若干措施的通知
晋市政发〔2022〕27号
泽州县、高平市人民政府，市直各有关单位：
支持山西博耀能源科技有限公司、晋能控股集团发展，由泽州县政府牵头，高平市配合。
依据国发〔2016〕33号文件，鼓励文化旅游产业发展。
"""


def test_bench_synth_copy_zero_is_the_source():
    assert synth.perturb(TEXT, 0) == TEXT


def test_bench_synth_is_deterministic_and_copies_differ():
    copies = [synth.perturb(TEXT, k, seed=7) for k in range(1, 4)]
    assert copies == [synth.perturb(TEXT, k, seed=7) for k in range(1, 4)]
    assert len(set(copies)) == 3 and TEXT not in copies
    assert synth.perturb(TEXT, 1, seed=8) != copies[0]


@pytest.mark.parametrize("copy, numbers", [  # serials up to 33: stride 100, 99 copies a year
    (1, ["〔2022〕127号", "〔2016〕133号"]),
    (12, ["〔2022〕1227号", "〔2016〕1233号"]),
    (99, ["〔2021〕27号", "〔2015〕33号"]),
    (100, ["〔2021〕127号", "〔2015〕133号"]),
])
def test_bench_synth_document_numbers_are_unique_per_copy(copy, numbers):
    assert re.findall(r"〔\d{4}〕\d+号", synth.perturb(TEXT, copy)) == numbers


def test_bench_synth_document_numbers_keep_four_digits():
    text = "晋市政发〔2022〕527号 晋市政发〔2022〕9号"
    numbers = [n for k in range(1, 60) for n in re.findall(r"〔\d{4}〕(\d+)号", synth.perturb(text, k))]
    assert max(map(len, numbers)) <= 4
    per_copy = [tuple(re.findall(r"〔\d{4}〕\d+号", synth.perturb(text, k))) for k in range(60)]
    assert len({n for c in per_copy for n in c}) == 120  # no 文号 repeats across 60 copies


def test_bench_synth_swaps_real_divisions_and_brands_consistently():
    out = synth.perturb(TEXT, 2)
    assert "泽州" not in out and "高平" not in out and "博耀" not in out and "晋城" not in out
    new_county = re.search(r"\n(\w+?县)、", out).group(1)  # where 泽州县 was
    assert new_county in {n for names in synth.divisions().values() for n in names}
    assert out.count(new_county) == TEXT.count("泽州县")
    assert out.count(synth._stem(new_county) + "县政府") == 1  # the short form followed the full name
    assert "文化旅游" in out  # generic words are not brands
    assert re.search(r"..能源科技有限公司", out)


def _city_of(text):
    """The prefecture city (code, name) a copy is the gazette of: the one named in its first line."""
    codes = {name: code for code, name in synth.gb2260().items() if code[4:] == "00" and code[2:4] != "00"}
    name = re.match(r"(\w+?市)人民政府", text).group(1)
    return codes[name], name


def test_bench_synth_copies_are_distinct_cities_with_their_own_counties():
    perturber = synth.Perturber(TEXT)
    cities = [_city_of(perturber.copy(k)) for k in range(1, 41)]
    assert len({name for _, name in cities}) == 40 and ("140500", "晋城市") not in cities
    own = 0
    for k, (code, _) in enumerate(cities, 1):
        text = perturber.copy(k)
        divisions = {n for c, n in synth.gb2260().items() if c[:4] == code[:4] and c != code}
        own += any(n in text for n in divisions)
        province = synth._province_stem(synth.gb2260()[code[:2] + "0000"])
        assert f"支持{province}" in text or code[:2] == "14", k  # 山西 became the city's province
    assert own >= 35  # the counties are the city's own (unless it has too few)


def test_bench_synth_make_corpus_writes_files(tmp_path):
    src = tmp_path / "g.txt"
    src.write_text(TEXT, encoding="utf-8")
    paths = synth.make_corpus(src, tmp_path / "c", 3)
    assert [p.name for p in paths] == ["g-0.txt", "g-1.txt", "g-2.txt"]
    assert paths[0].read_text(encoding="utf-8") == TEXT


@pytest.mark.parametrize("readme, expected", [
    ("a\n<!-- bench:start -->\nold table\n<!-- bench:end -->\nb\n", "a\n<!-- bench:start -->\n| new |\n<!-- bench:end -->\nb\n"),
    ("<!-- bench:start --><!-- bench:end -->", "<!-- bench:start -->\n| new |\n<!-- bench:end -->"),
])
def test_bench_readme_markers_replaced(readme, expected):
    assert run.replace_between_markers(readme, "| new |\n") == expected


@pytest.mark.parametrize("readme", ["no markers", "<!-- bench:end --> <!-- bench:start -->"])
def test_bench_readme_without_markers_is_an_error(readme):
    with pytest.raises(ValueError, match="bench:start"):
        run.replace_between_markers(readme, "x")


@pytest.mark.parametrize("values, q, expected", [
    ([1, 2, 3, 4, 5], 50, 3), ([1, 2, 3, 4], 50, 2.5), ([10], 95, 10), ([0, 100], 95, 95),
])
def test_bench_percentile(values, q, expected):
    assert run.pct(values, q) == pytest.approx(expected)
