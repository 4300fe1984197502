"""Properties of reading, cleaning and segmentation on generated and mutated gazette text.

Inputs are random slices of the bundled gazette, mutated line by line (insert, delete, duplicate,
page furniture, doubled headings, Traditional characters, random CJK/ASCII/control characters),
and random byte damage for reading. For every input: no crash; every offset maps into the
source; each character equals its source character unless it is a recorded repair (glyph or
t2s), a page/line mark, or a normalised space; cleaning a cleaned text changes nothing.
"""
import re
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.clean import clean
from kg.clean.patterns import DOUBLED_START, ODD_SPACE
from kg.errors import InputError
from kg.model import Source
from kg.read import bundled_gazette, read_bytes
from kg.segment import segment

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@lru_cache(maxsize=1)
def gazette_lines() -> list[str]:
    return bundled_gazette().read_text(encoding="utf-8").split("\n")


FURNITURE = ["·· 12", "13 ··", "- 7 -", "第 3 页", "晋城市人民政府公报（2022. 6） 市政府文件",
             "市政府办公室文件晋城市人民政府公报（2022. 6）", "   ", "\u3000\u3000", ""]
TRADITIONAL = "晉城市場監督管理局牽頭負責發展與國際數據總體"
ODD = "\t\u00a0\u2003\u200b\ufeff\x00\x01\x07\x0b\x1b\u3000\x7f\ufffd𠀀𪚥🙂"
chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from(ODD + TRADITIONAL + "（）〔〕《》“”、，。：；·—一二三四五六七八九十"),
)
random_line = st.text(chars, max_size=40)


def _double(line: str) -> str:
    """Faux-bold print: every chunk twice ("（（一一））发展发展")."""
    out, i = [], 0
    while i < len(line):
        chunk = line[i:i + 2]
        out.append(chunk * 2)
        i += 2
    return "".join(out)


MUTATIONS = ["insert", "delete", "duplicate", "furniture", "double", "indent", "traditional", "splice"]


@st.composite
def mutated_gazette(draw, doubling: bool = True) -> str:
    """A slice of the gazette with up to 12 line mutations. A line is doubled (faux bold) at most
    once: text printed bold four times over is no layout the extraction produces."""
    lines = gazette_lines()
    start = draw(st.integers(0, len(lines) - 1))
    n = draw(st.integers(1, 160))
    doc = [(line, DOUBLED_START.match(line) is not None) for line in lines[start:start + n]]  # (text, doubled?)
    for _ in range(draw(st.integers(0, 12))):
        op = draw(st.sampled_from(MUTATIONS if doubling else [m for m in MUTATIONS if m != "double"]))
        i = draw(st.integers(0, len(doc)))
        if op == "insert":
            doc.insert(i, (draw(random_line), False))
        elif op == "furniture":
            doc.insert(i, (draw(st.sampled_from(FURNITURE)), False))
        elif doc and i < len(doc):
            line, doubled = doc[i]
            if op == "delete":
                del doc[i]
            elif op == "duplicate":
                doc.insert(i, doc[i])
            elif op == "double" and not doubled:
                doc[i] = (_double(line), True)
            elif op == "indent":
                doc[i] = (" " * draw(st.integers(1, 8)) + line, doubled)
            elif op == "traditional":
                doc[i] = ("".join(draw(st.sampled_from(TRADITIONAL)) if draw(st.booleans()) else c for c in line),
                          doubled)
            elif op == "splice":
                k = draw(st.integers(0, len(line)))
                doc[i] = (line[:k] + draw(random_line) + line[k:], doubled)
    return "\n".join(line for line, _ in doc) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _source(text: str) -> Source:
    """A Source as read would build it (line ends normalised)."""
    return Source(path="gen.txt", text=text.replace("\r\n", "\n").replace("\r", "\n"), encoding="utf-8",
                  sha256="0" * 64)


def _changed_offsets(c) -> set[int]:
    return {r.offset + k for r in c.repairs for k in range(max(1, len(r.before)))}


def _check_map(text: str, origin, src: Source, changed: set[int], what: str):
    assert len(origin) == len(text), what
    n = len(src.text)
    for i, ch in enumerate(text):
        o = origin[i]
        assert 0 <= o < n, (what, i, o, n)
        if ch in "\n\f" or o in changed:
            continue
        if ch == " " and (ODD_SPACE.match(src.text[o]) or src.text[o] in " \u3000\n"):
            continue
        assert src.text[o] == ch, (what, i, ch, o, src.text[max(0, o - 5):o + 5])


# --- reading -------------------------------------------------------------------------------------

@SETTINGS
@given(text=mutated_gazette(), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"]),
       damage=st.lists(st.tuples(st.sampled_from(["flip", "drop", "insert", "cut"]), st.integers(0, 10**6),
                                 st.integers(0, 255)), max_size=3))
def test_properties_read_never_crashes_on_damaged_bytes(text, encoding, damage):
    try:
        raw = bytearray(text.encode(encoding, errors="replace"))
    except UnicodeEncodeError:
        return
    for op, pos, byte in damage:
        if not raw:
            break
        pos %= len(raw)
        if op == "flip":
            raw[pos] = byte
        elif op == "drop":
            del raw[pos]
        elif op == "insert":
            raw.insert(pos, byte)
        else:
            del raw[pos:]
    try:
        src = read_bytes("gen.txt", bytes(raw))
    except InputError as err:
        assert str(err).startswith("gen.txt: ") and "\n" not in str(err)
        return
    assert "\r" not in src.text and src.text.strip()
    assert len(src.sha256) == 64
    if not damage and encoding.startswith("utf-8") and text.strip():
        assert src.text == text.replace("\r\n", "\n").replace("\r", "\n") and src.warnings == ()


# --- cleaning ------------------------------------------------------------------------------------

@SETTINGS
@given(text=mutated_gazette())
def test_properties_clean_maps_every_character_to_its_source(text):
    src = _source(text)
    c = clean(src)
    _check_map(c.text, c.origin, src, _changed_offsets(c), "cleaned")
    for r in c.repairs:
        assert src.text[r.offset:r.offset + len(r.before)] == r.before or r.rule != "t2s"
    for a, b in c.bold:
        assert 0 <= a <= b <= len(src.text)


@SETTINGS
@given(text=mutated_gazette(doubling=False))
def test_properties_clean_is_idempotent(text):
    once = clean(_source(text)).text
    twice = clean(_source(once)).text
    assert twice == once


@SETTINGS
@given(text=mutated_gazette())
def test_properties_clean_is_idempotent_with_bold_headings(text):
    once = clean(_source(text)).text
    assert clean(_source(once)).text == once


# --- segmentation --------------------------------------------------------------------------------

@SETTINGS
@given(text=mutated_gazette())
def test_properties_segment_blocks_map_into_the_source(text):
    src = _source(text)
    c = clean(src)
    docs = segment(c)
    changed = _changed_offsets(c)
    n = len(src.text)
    for d in docs:
        assert 0 <= d.start <= d.end <= n, (d.id, d.start, d.end, n)
        assert d.id and re.fullmatch(r"\S+", d.id)
        for k, b in enumerate(d.blocks):
            _check_map(b.text, b.origin, src, changed, f"{d.id} block {k} ({b.kind})")
        for sec in _walk(d.outline):
            assert 0 <= sec.start < n


def _walk(outline):
    stack = list(outline)
    while stack:
        s = stack.pop()
        yield s
        stack.extend(s.children)


@pytest.mark.parametrize("text", [
    "（（一一））发展回顾发展回顾\n正文。\n",
    " 晋城市人民政府公报（2022. 6） 市政府文件\n\n 正文第一行\n\n正文第二行\n",
    "\t\u00a0晉城市市場監督管理局牽頭\n",
    "·· 12\n 科技是第一生产力\n",
])
def test_properties_clean_idempotent_on_known_furniture(text):
    once = clean(_source(text)).text
    assert clean(_source(once)).text == once


# Defects of kg/clean/steps.py undouble found by the properties above (reported to H1), pinned
# as the smallest inputs.
UNDOUBLE_DEFECTS = [
    # a run-in bold heading followed by a space: the inserted line break leaves a line starting
    # with a space, which the next cleaning reads as a page start ("\f")
    ("（（一一））发展回顾发展回顾 正文", "（一）发展回顾\n正文"),
    # the same doubled heading on two consecutive lines, with a space: kept as two headings
    ("第三节 发展定位第三节 发展定位\n第三节 发展定位第三节 发展定位", "第三节 发展定位\n第三节 发展定位"),
    # digits after a bold run that happen to look doubled are deleted: 2020 → 20
    ("发展回顾发展回顾 2020年以来", "发展回顾\n2020年以来"),
    # a wrapped line that starts with repeated digits is taken for bold print: 8888元 → 88
    ("大力实施\n8888元奖励", "大力实施\n8888元奖励"),
    # two equal short lines are joined as one bold run: 2020 / 2020 → 2020
    ("2020\n2020\n科技", "2020\n2020\n科技"),
]


@pytest.mark.parametrize("text,expected", UNDOUBLE_DEFECTS)
def test_properties_undouble_known_defects(text, expected):
    once = clean(_source(text)).text
    assert "".join(once.split()) == "".join(expected.split())  # nothing lost, nothing left doubled
    assert clean(_source(once)).text == once


def test_properties_undouble_consecutive_equal_bold_headings():
    """Two consecutive equal bold lines were joined as one run still doubled (fixed by H1)."""
    text = "（（一一））指导思想指导思想\n（（一一））指导思想指导思想\n"
    once = clean(_source(text)).text
    assert once == "（一）指导思想\n（一）指导思想\n"
    assert clean(_source(once)).text == once


@pytest.mark.parametrize("text,expected", [
    # a lone U+FFFD becomes a space after the trailing-space pass has run: the next pass drops it
    ("\ufffd\n正文\n", None),
    # three equal short lines that start with a repeated digit: one line is lost ("00一" ×3 → ×2)
    ("\n00一\n00一\n00一\n\n 科技是第一生产力", "00一\n00一\n00一\n\f科技是第一生产力"),
    # a bold line wrapped mid-chunk, printed twice: the copies are merged, then halved next pass
    ("动力动力。科。科技创技创新的新的竞争\n动力动力。科。科技创技创新的新的竞争", None),
])
def test_properties_clean_open_idempotence_cases(text, expected):
    once = clean(_source(text)).text
    if expected is not None:
        assert once == expected
    assert clean(_source(once)).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_properties_rdf_any_text_makes_a_valid_iri(text):
    """A 文号 such as 国乡振发[2021]5号, or any name at all, never breaks IRI minting."""
    import pyoxigraph as ox

    from kg.rdf import ID, iri_escape

    escaped = iri_escape(text)
    ox.NamedNode(ID[escaped].value)  # raises ValueError on an invalid IRI
    assert not set("[]<>\"{}|\\^` #?") & set(escaped)


@pytest.mark.parametrize("number", ["国乡振发[2021]5号", "鲁政办字[2021]12号", "晋政发〔2022〕1号"])
def test_properties_rdf_document_numbers_with_brackets_are_valid_iris(number):
    import pyoxigraph as ox

    from kg.rdf import doc_iri

    assert isinstance(doc_iri(number), ox.NamedNode)
