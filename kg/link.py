"""Mentions → canonical entities: one entity per real-world thing across all documents.

Identity rules, by type:

    Department   (level, body): 市 expands to the document's city, the body to its standard full
                 form (patterns/department_aliases.tsv), so 市发改委 = 市发展改革委 =
                 晋城市发展和改革委员会, while 国家发展改革委 ≠ 省发展改革委 ≠ 市发展改革委.
    County       the GB/T 2260 code (泽州 = 泽州县 = 140525).
    Enterprise,  the name with a leading 市/市级/省 expanded to the document's city/province
    Institution  (市人民医院 = 晋城市人民医院), the coordination hint when there is one; then
                 （以下简称X） aliases and abbreviations (晋控装备集团 = 晋能控股装备制造集团:
                 the short form's characters in order in the long one, same first character,
                 same suffix, and not simply a leading part of it: 晋能控股集团 is the parent).

An entity's label is the fullest form seen; every other surface form is an alias; its key is
`type/label` (`entity_key`), so the same input always gives the same keys.
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from .model import Document, Entity, Mention
from .nlp import lexicon

# （以下简称“市发改委”）, （简称兰花科创）: an alias the text defines for the name just before it.
_DEFINED_ALIAS = re.compile(r"[（(](?:以下)?简称[“\"「]?([^”\"」）)]{2,20})[”\"」]?[）)]")
# Spaces and line-break leftovers never distinguish names.
_SPACE = re.compile(r"\s+")
# 市 / 市级 / 省 opening an institution or enterprise name: the document's own city or province.
_LOCAL_PREFIX = re.compile(r"^(市级|市属|市|省级|省属|省)(?!场|区|民|政府)")
# Enterprise / institution suffix families used to compare abbreviations.
_FAMILIES = (("集团",), ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "分公司", "公司"),
             ("科学院", "科院"), ("大学", "学院"), ("研究院", "研究所", "所"), ("医院",), ("中心",), ("实验室",))


def entity_key(type_: str, label: str) -> str:
    """Readable deterministic key: lower-case type + "/" + label."""
    return f"{type_.lower()}/{label}"


def _norm(s: str) -> str:
    return _SPACE.sub("", s).replace("(", "（").replace(")", "）").replace("“", "").replace("”", "")


# ---------------------------------------------------------------- departments

@dataclass(frozen=True)
class Place:
    """The document's city, province and (for a county's own documents) county, for expanding 市 / 省 / 县."""

    city: str = ""  # e.g. 晋城市
    province: str = ""  # e.g. 山西省
    county: str = ""  # e.g. 平遥县, when a county issued the document

    @classmethod
    def of_document(cls, doc: Document) -> "Place":
        from .nlp import document_city

        where = cls.of_code(document_city(doc))
        head = "".join(doc.issuers) + doc.title
        if not where.province:  # a provincial document names no city: its 省 is the province it names
            from .nlp import document_province

            code = document_province(doc)
            where = cls("", next((d.name for d in lexicon.divisions() if d.level == "province" and d.code[:2] == code), ""))
        for s, e in lexicon.official_places(head):
            ds = [d for d in lexicon.division_index()[head[s:e]] if d.level == "county" and d.name == head[s:e]]
            if ds and head.startswith(("人民政府", "政府", "委", "办"), e):
                county = ds[0].name  # a county-level city's own 市 is itself (介休市的市财政局)
                return cls(county if county.endswith("市") else where.city, where.province, county)
        return where

    @classmethod
    def of_code(cls, code: str) -> "Place":
        city = prov = ""
        for d in lexicon.divisions():
            if code and d.level == "city" and d.code[:4] == code[:4]:
                city = d.name
            if code and d.level == "province" and d.code[:2] == code[:2]:
                prov = d.name
        return cls(city, prov)


def _full_place(name: str) -> str:
    """晋城 → 晋城市, 山西 → 山西省 (official name of a division written short)."""
    ds = lexicon.division_index().get(name, ())
    ds = [d for d in ds if d.level in ("province", "city")] or list(ds)
    return ds[0].name if len(ds) == 1 or ds else name


def department_identity(surface: str, where: Place = Place()) -> tuple[str, str]:
    """(level, body) of a department name: ("晋城市", "发展和改革委员会") for 市发改委 in 晋城."""
    from .nlp.orgs import _prefix_at, _standalone

    s = _norm(surface)
    if _standalone().fullmatch(s):
        level = {"市": where.city, "省": where.province}.get(lexicon.level_prefixes().get(s, ""), "")
        return (level, lexicon.department_aliases().get(s, s))  # 工信部 = 工业和信息化部; 团市委 of this city
    pre = _prefix_at(s, 0)
    if pre and pre != s and _standalone().fullmatch(pre):
        return (pre, _canonical_body(s[len(pre):]))
    body = s[len(pre):] if pre and len(pre) < len(s) else s
    level = (pre[2:] or "中共") if pre.startswith("中共") else pre
    while True:  # 山西省晋城市泽州县发改局: the innermost place is the level
        inner = lexicon.official_places(body[:10])
        if not inner or inner[0][0] != 0 or inner[0][1] >= len(body):
            break
        level, body = body[: inner[0][1]], body[inner[0][1]:]
    inner = lexicon.official_places(level)
    if len(level) > 3 and inner and inner[-1][1] == len(level) and inner[-1][0] > 0:
        level = level[inner[-1][0]:]  # 山西省晋城市 → 晋城市
    if level == "市":
        level = where.city or "市"
    elif level in ("县", "区"):
        level = where.county or level
    elif level == "省":
        level = where.province or "省"
    elif level and level not in lexicon.level_prefixes():
        level = _full_place(level)
    return (level, _canonical_body(body))


def _canonical_body(body: str) -> str:
    aliases = lexicon.department_aliases()
    if body.startswith("政府"):
        body = "人民" + body  # 市政府办公室 = 市人民政府办公室
    if body in aliases:
        return aliases[body]
    for short in sorted(aliases, key=len, reverse=True):  # 政府办公室 inside 人民政府办公室…
        if body.endswith(short) and len(short) >= 2 and not body.endswith(aliases[short]):
            return body[: -len(short)] + aliases[short]
    if body.endswith("委") and len(body) >= 3 and not body.endswith(("党委", "纪委", "团委")):
        return body + "员会"
    return body


def canonical_department(surface: str, city: str = "") -> str:
    """The standard full form of a department name, without needing a corpus.

    市发改委 → 市发展和改革委员会; with city="晋城市" the level is expanded too (晋城市发展和改革委员会).
    """
    level, body = department_identity(surface, Place(city, ""))
    s = _norm(surface)
    if not level:
        return s if not body or body == s else body
    if level == city or level in ("市", "省", "县", "区"):
        return level + body
    pre = s[: len(s) - len(body)] if s.endswith(body) else level
    return (pre if pre else level) + body


# ---------------------------------------------------------------- other organisations

def _org_identity(name: str, where: Place) -> str:
    s = _norm(name)
    m = _LOCAL_PREFIX.match(s)
    if m:
        home = where.province if m.group(1).startswith("省") else where.city
        if home:
            s = home + s[m.end():]
    return s


def _family(name: str) -> int:
    for i, fam in enumerate(_FAMILIES):
        if name.endswith(fam):
            return i
    return -1


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


def is_abbreviation(short: str, long_: str) -> bool:
    """晋控装备集团 abbreviates 晋能控股装备制造集团; 晋能控股集团 (a leading part) does not."""
    if len(short) >= len(long_) or len(short) < 3 or short[0] != long_[0]:
        return False
    fam = _family(short)
    if fam < 0 or fam != _family(long_):
        return False
    suffix = next(s for s in _FAMILIES[fam] if short.endswith(s))
    long_suffix = next(s for s in _FAMILIES[fam] if long_.endswith(s))
    head, long_head = short[: -len(suffix)], long_[: -len(long_suffix)]
    if not head or not _subsequence(head, long_head):
        return False
    if suffix != long_suffix and _subsequence(suffix, long_suffix):
        return True  # a standard contraction of the whole name: 中科院 = 中国科学院, 半导体所 = 半导体研究所
    if _FAMILIES[fam][0] in ("医院", "中心") and suffix == long_suffix:
        return len(long_head) - len(head) <= 2  # 市传染病医院 = 市传染病专科医院
    # elsewhere a leading part names another body: 晋能控股集团 (the parent), 山西大学 ≠ 山西科技大学
    return not long_head.startswith(head) and (fam <= 1 or suffix == long_suffix)


# Words a name may drop without naming another body: 光机电研究院 = 光机电产业研究院.
_FILLERS = re.compile(r"产业|技术")
_COMPANY = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|股份公司|公司)$")


def split_place(name: str) -> tuple[str, str]:
    """(official name of the leading place, rest): 晋城光机电研究院 → (晋城市, 光机电研究院);
    ("", name) when no division name opens it, or nothing would be left."""
    p = lexicon.place_at(name, 0)
    if not p or len(name) - len(p) < 2:
        return "", name
    return _full_place(p), name[len(p):]


def _variant_merges(idents: list[tuple]) -> dict[tuple, tuple]:
    """Short and long forms of one organisation, beyond declared aliases and abbreviations:

    - with and without its place, or with the place written short (光机电产业研究院,
      晋城市光机电产业研究院, 晋城光机电研究院: a filler such as 产业 may drop out too);
    - a firm's trade name and its registered name (阳泰龙焱 = 山西阳泰龙焱能源科技有限公司,
      X公司 = X有限公司: the rest of the long name is trade words and a company suffix).

    Only where the long form is unique; the short form joins it."""
    out: dict[tuple, tuple] = {}
    by_core: dict[tuple, list[tuple]] = defaultdict(list)
    for ident in sorted(idents):
        place, rest = split_place(ident[1])
        by_core[(ident[0], _FILLERS.sub("", rest))].append((place, ident))
    for key, members in sorted(by_core.items()):
        places = {p for p, _ in members if p}
        if len(places) != 1 or len(key[1]) < 3:
            continue  # the same name in two places is two bodies
        target = max((i for _, i in members), key=lambda i: (len(i[1]), i[1]))
        for _, ident in members:
            if ident != target:
                out[ident] = target
    firms = [i for i in idents if i[0] == "Enterprise"]
    long_forms = defaultdict(list)
    for ident in firms:
        m = _COMPANY.search(ident[1])
        if m and not ident[1].endswith("分公司"):
            long_forms[split_place(ident[1][: m.start()])[1]].append(ident)
    from .nlp.lists import is_kind

    for ident in firms:
        if ident in out or ident[1].endswith(("集团", "分公司")):
            continue
        base = split_place(_COMPANY.sub("", ident[1]) if not ident[1].endswith("有限公司") else "")[1]
        if len(base) < 2:
            continue
        cands = {lg for b, lgs in long_forms.items() if b.startswith(base) and (b == base or is_kind(b[len(base):]))
                 for lg in lgs if lg != ident}
        if len(cands) == 1:
            out[ident] = cands.pop()
    return out


# ---------------------------------------------------------------- link

@dataclass
class _Group:
    type: str
    ident: tuple
    surfaces: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    level: str = ""
    code: str = ""


def _identity(m: Mention, where: Place) -> tuple:
    if m.label == "County":
        return ("County", m.canonical_hint or _norm(m.text))
    if m.label == "Place":
        return ("Place", m.canonical_hint or _norm(m.text))
    if m.label == "Department":
        return ("Department",) + department_identity(m.canonical_hint or m.text, where)
    if m.label in ("Enterprise", "Institution"):
        return (m.label, _org_identity(m.canonical_hint or m.text, where))
    return (m.label, _norm(m.canonical_hint or m.text))


def _division_name(code: str) -> str:
    for d in lexicon.divisions():
        if d.code == code:
            return d.name
    return code


def link(mentions: list[Mention], documents: list[Document]) -> dict[str, Entity]:
    """Group mentions into entities (sets `mention.entity`); entities keyed by `entity_key`.

    First the corpus-level pass (kg.nlp.repeat) trims prose glued to names the document also
    writes alone, and adds to `mentions` the other occurrences of names recognised somewhere and
    the short forms documents declare."""
    from .nlp.repeat import repeats, trim_glued

    mentions[:] = trim_glued(mentions, documents)
    mentions.extend(repeats(mentions, documents))
    places = {d.id: Place.of_document(d) for d in documents}
    blocks = {d.id: d.blocks for d in documents}
    groups: dict[tuple, _Group] = {}
    defined: dict[tuple[str, str], tuple] = {}  # (doc, alias) → identity of the named thing
    # a cited title written once with its 文号 is the same document when written without it
    numbers = {_norm(m.text): m.canonical_hint for m in sorted(mentions, key=lambda m: (m.doc_id, m.start))
               if m.label == "Policy" and m.canonical_hint}

    for m in sorted(mentions, key=lambda m: (m.doc_id, m.start, m.end, m.label)):
        where = places.get(m.doc_id, Place())
        ident = _identity(m, where)
        if m.label == "Policy" and not m.canonical_hint and _norm(m.text) in numbers:
            ident = ("Policy", numbers[_norm(m.text)])
        g = groups.get(ident)
        if g is None:
            g = groups[ident] = _Group(m.label, ident)
        g.mentions.append(m)
        if m.canonical_hint and m.label not in ("County", "Place", "Policy"):
            g.hints.append(m.canonical_hint)
            if m.basis == "abbreviation":
                g.surfaces.append(_norm(m.text))  # a declared short form is an alias of its own
        else:
            g.surfaces.append(_norm(m.text))
        if m.label == "County":
            g.code = m.canonical_hint
        if m.label == "Department":
            g.level = _level_word(ident)
        bl = blocks.get(m.doc_id)
        if bl and 0 <= m.block < len(bl):
            a = _DEFINED_ALIAS.match(bl[m.block].text, m.block_end)
            if a:
                defined[(m.doc_id, _norm(a.group(1)))] = ident

    # （以下简称X）: a mention whose text is a defined alias joins the defined thing
    merged: dict[tuple, tuple] = {}
    for ident, g in sorted(groups.items()):
        for m in g.mentions:
            target = defined.get((m.doc_id, _norm(m.text)))
            if target and target != ident and target[0] == ident[0]:
                merged[ident] = target
                break
    # abbreviations of enterprises / institutions: unique long form of the same type
    names = defaultdict(list)
    for ident in groups:
        if ident[0] in ("Enterprise", "Institution"):
            names[ident[0]].append(ident)
    for typ, idents in names.items():
        by_first = defaultdict(list)  # an abbreviation keeps the first character: compare only those
        for ident in sorted(idents):
            by_first[ident[1][:1]].append(ident)
        for short in sorted(idents):
            if short in merged:
                continue
            longs = [lg for lg in by_first[short[1][:1]] if lg != short and is_abbreviation(short[1], lg[1])]
            if len(longs) == 1:
                merged[short] = longs[0]

    for short, long_ in sorted(_variant_merges([i for i in groups if i[0] in ("Enterprise", "Institution")]).items()):
        merged.setdefault(short, long_)

    def root(i):
        seen = set()
        while i in merged and i not in seen:
            seen.add(i)
            i = merged[i]
        return i

    final: dict[tuple, _Group] = {}
    for ident in sorted(groups):
        g = groups[ident]
        r = root(ident)
        tgt = final.setdefault(r, _Group(groups[r].type, r, level=groups[r].level, code=groups[r].code))
        tgt.surfaces += g.surfaces
        tgt.hints += g.hints
        tgt.mentions += g.mentions

    entities: dict[str, Entity] = {}
    owner: dict[str, tuple] = {}  # key → identity that took it first
    for ident in sorted(final):
        g = final[ident]
        label = _label_of(g)
        key = entity_key(g.type, label)
        if owner.setdefault(key, ident) != ident:
            label = _expanded_label(g, label)
            key = entity_key(g.type, label)
            if owner.setdefault(key, ident) != ident:  # still taken: spell the identity out
                label = label + "（" + "/".join(str(x) for x in ident[1:]) + "）"
                key = entity_key(g.type, label)
                owner[key] = ident
        ent = entities.get(key)
        if ent is None:
            ent = entities[key] = Entity(key=key, type=g.type, label=label, code=g.code, level=g.level)
        ent.aliases.update(s for s in g.surfaces + g.hints if s and s != label)
        for m in sorted(g.mentions, key=lambda m: (m.doc_id, m.start, m.end)):
            m.entity = key
            ent.mentions.append(m)
    return entities


def _level_word(ident: tuple) -> str:
    """国家 | 省 | 市 | 县 for a department identity (level, body), "" when unknown."""
    level, body = ident[1], ident[2]
    table = lexicon.level_prefixes()
    word = table.get(level) or (table.get(body, "") if not level else "")
    if word and word != "*":
        return word
    for d in lexicon.division_index().get(level, ()):
        if d.name == level:
            return {"province": "省", "city": "市", "county": "县"}[d.level]
    return ""


def _label_of(g: _Group) -> str:
    if g.type == "County":
        return _division_name(g.code) if g.code else max(g.surfaces, key=lambda s: (len(s), s))
    pool = g.hints or g.surfaces
    if g.type == "Department" and not pool:
        pool = [g.ident[1] + g.ident[2]]
    return max(pool, key=lambda s: (len(s), s)) if pool else g.ident[-1]


def _expanded_label(g: _Group, label: str) -> str:
    """A label shared by things in different places (市财政局 of two cities): spell the place out."""
    if g.type == "Department" and g.ident[1]:
        return g.ident[1] + g.ident[2]
    return "/".join(str(x) for x in g.ident[1:])


# ---------------------------------------------------------------- resolver for later stages

class Linker:
    """Resolve a name written anywhere (a clause, a question) to a linked entity."""

    def __init__(self, entities: list[Entity], where: Place = Place(), _names_of: "Linker | None" = None):
        self.entities = sorted(entities, key=lambda e: e.key)
        self.where = where
        self._elsewhere: dict[Place, Linker] = {}
        # names do not depend on the place: a linker for another place (_names_of) shares them
        self.by_name: dict[str, list[Entity]] = _names_of.by_name if _names_of else defaultdict(list)
        self.by_ident: dict[tuple, list[Entity]] = defaultdict(list)
        self._names_of = _names_of
        self._abbrev_index = None
        for e in self.entities:
            for name in sorted({e.label, *e.aliases}):
                n = _norm(name)
                if _names_of is None:
                    self.by_name[n].append(e)
                self.by_ident[self._ident(n, e.type)].append(e)

    @property
    def _abbrev(self) -> dict[tuple, list[tuple[Entity, tuple[str, ...]]]]:
        """Abbreviation candidates by (first character, name family), both of which is_abbreviation
        requires to match, so resolve() does not scan every entity. Built on first use."""
        if self._names_of is not None:
            return self._names_of._abbrev
        if self._abbrev_index is None:
            index: dict[tuple, list[tuple[Entity, tuple[str, ...]]]] = defaultdict(list)
            for e in self.entities:
                names = [_norm(x) for x in (e.label, *sorted(e.aliases))]
                keys = {(x[:1], _family(x)) for x in names if x}
                for key in sorted(k for k in keys if k[1] >= 0):
                    index[key].append((e, tuple(x for x in names if (x[:1], _family(x)) == key)))
            self._abbrev_index = index
        return self._abbrev_index

    @classmethod
    def from_entities(cls, entities) -> "Linker":
        ents = list(entities.values()) if isinstance(entities, dict) else list(entities)
        return cls(ents, _home_of(ents))

    def _ident(self, name: str, type_: str) -> tuple:
        if type_ == "Department":
            return ("Department",) + department_identity(name, self.where)
        if type_ in ("Enterprise", "Institution"):
            return (type_, _org_identity(name, self.where))
        return (type_, name)

    def resolve(self, surface: str, label: str | None = None, context: str = "") -> Entity | None:
        """The entity `surface` names (of type `label` if given), or None when unknown or ambiguous."""
        n = _norm(surface)
        if not n:
            return None
        if context:  # a question or clause that names its city: 长治市的市发改委
            from .nlp.places import infer_city

            where = Place.of_code(infer_city(context))
            if where.city and where != self.where:
                if where not in self._elsewhere:
                    self._elsewhere[where] = Linker(self.entities, where, _names_of=self)
                return self._elsewhere[where].resolve(surface, label)

        def one(cands):
            cands = [e for e in {c.key: c for c in cands}.values() if label is None or e.type == label]
            return cands[0] if len(cands) == 1 else None

        hit = one(self.by_name.get(n, ()))
        if hit:
            return hit
        types = [label] if label else ["Department", "Enterprise", "Institution", "County"]
        for t in types:
            hit = one(self.by_ident.get(self._ident(n, t), ()))
            if hit:
                return hit
        if label in (None, "Enterprise", "Institution"):
            fam = _family(n)  # is_abbreviation needs a family (集团, 公司, 学院, …) and a shared first character
            bucket = self._abbrev.get((n[:1], fam), ()) if fam >= 0 else ()
            longs = [e for e, names in bucket if (label is None or e.type == label)
                     and any(is_abbreviation(n, x) for x in names)]
            if len(longs) == 1:
                return longs[0]
        return None

    def suggest(self, surface: str, n: int = 3) -> list[str]:
        """Labels of the entities whose names are closest to `surface` ("did you mean …")."""
        names = sorted(self.by_name)
        out: list[str] = []
        for name in difflib.get_close_matches(_norm(surface), names, n=n * 3, cutoff=0.4):
            for e in self.by_name[name]:
                if e.label not in out:
                    out.append(e.label)
        return out[:n]


def _home_of(entities: list[Entity]) -> Place:
    """The city most entities belong to (counties' codes, else department labels)."""
    votes: dict[str, int] = defaultdict(int)
    for e in entities:
        if e.type == "County" and e.code:
            votes[e.code[:4]] += 1
    if not votes:
        from .nlp.places import infer_city

        code = infer_city("".join(e.label for e in entities if e.type == "Department"))
    else:
        code = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return Place.of_code(code) if code else Place()
