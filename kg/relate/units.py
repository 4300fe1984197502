"""The unit list of a responsibility clause: split, trimmed, and told apart (unit or collective).

  市发展改革委、市财政局等部门          → 市发展改革委, 市财政局 (a trailing 等部门 is neither)
  各市党委、政府 / 各区、县级市          → one collective each (bare level words join the 各… before them)
  有关部门 / 省直有关部门 / 相关镇街      → collectives
  国网某某供电公司                       → a unit: it looks like an organisation

A clause stands or falls by its form (labels, 牵头/负责 verbs, brackets); within it, one name kg
does not know never drops the clause: an organisation-looking name is a unit, any other short
name a collective, and only a list holding prose (的, 要, 对…) is no unit list at all.
"""
from __future__ import annotations

import re

_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"
SEPARATORS = "、，,；;"
# A name ends in an organisational head noun: 局, 委, 厅, 办, 中心, 公司, 银行, 证监会…
ORG_TAIL = re.compile(
    r"(?:局|委|办|厅|部|署|院|处|科|室|组|专班|中心|支行|分行|银行|海关|政府|管委会|单位|部门|公司|集团|学校|大学|学院|"
    r"委员会|常委会|监会|联合会|协会|商会|学会|基金会|工会|工商联|残联|妇联|侨联|文联|社科联|科协|政协|"
    r"军分区|总队|支队|大队|站|所|台|社)$"
)
# Collectives: 各… / 有关… / 相关… / …有关部门 / 省直有关部门 / 各成员单位
COLLECTIVE = re.compile(
    r"^(?:各|有关|相关)|(?:有关|相关|各|成员|其他)(?:部门|单位|机构)+$|^[省市县区]直(?:有关|相关|各)"
)
# A bare level or organ word, naming no body of its own: it extends the 各… before it (各区、县级市).
_GENERIC = re.compile(r"(?:人民政府|党委|政府|管委会|县级市|街道办事处|街道|办事处|地区|开发区|园区|乡镇|镇街|县区|[省市县区镇乡村]|部门|单位|机构)+")
# What ends a name in a list: 等, 等部门, 等有关部门, 等相关部门和单位, 等单位
_ETC = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构|成员单位)?(?:和|及|、)?(?:部门|单位|机构)?$")
# Words that make a list item prose rather than a name (not 都/从/将/向, which place names hold: 成都, 从化, 将乐, 向阳).
_PROSE = re.compile(r"[的了要把对在是使让被给也还就并且而但]|都要|都是|将会|自主|同志|进行|情况")


def split_list(body: str, seps: str = SEPARATORS) -> list[str]:
    """Split at separators outside nested brackets (各县（市、区）人民政府 stays one item)."""
    out, depth, cur = [], 0, []
    for ch in body:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [u.strip() for u in out if u.strip()]


def trim(unit: str) -> str:
    """A list item without the 由 before it, nor 等/等部门… after it."""
    unit = unit.strip().strip("\u3000 \n")
    if unit.startswith("由") and len(unit) > 3:
        unit = unit[1:]
    return _ETC.sub("", unit).strip()


def is_collective(unit: str) -> bool:
    return bool(COLLECTIVE.search(unit))


def is_org(unit: str) -> bool:
    """Looks like an organisation's name: short, ends in an organisational head noun."""
    return 2 <= len(unit) <= 40 and bool(ORG_TAIL.search(unit))


def is_name(unit: str) -> bool:
    """Can stand in a unit list: an organisation, a collective, or a short name without prose words."""
    if is_org(unit) or is_collective(unit):
        return 2 <= len(unit) <= 40 and not _PROSE.search(unit)
    return 2 <= len(unit) <= 16 and not _PROSE.search(unit) and not re.search(r"[\d，。；：:！？“”]", unit)


def units_of(items: list[str]) -> list[str]:
    """Trimmed names in written order, 各… joined with the bare level words after it, duplicates dropped."""
    out: list[str] = []
    for raw in items:
        name = trim(raw)
        if not name:
            continue
        if out and out[-1].startswith("各") and _GENERIC.fullmatch(name):
            out[-1] = f"{out[-1]}、{name}"
            continue
        out.append(name)
    return list(dict.fromkeys(out))


def unit_list(items: list[str]) -> list[str] | None:
    """The units of a list, or None when an item is no name (the text is prose, not a list)."""
    units = units_of(items)
    if not units or not all(is_name(u) for u in units):
        return None
    return units


def org_list(text: str) -> list[str] | None:
    """The units of a list standing alone (a table cell, a bracket of names): it must name an organisation."""
    units = unit_list(split_list(text))
    if units and all(is_org(u) or is_collective(u) for u in units) and any(is_org(u) for u in units):
        return units
    return None
