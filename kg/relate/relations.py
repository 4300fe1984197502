"""Relations between linked entities, read off one sentence at a time, each with its evidence.

Rules are about structure, not names: the cue word between two mentions (依托, 与…合作,
支持…建设), and nesting (a county or an enterprise named inside a longer name).
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..model import Document, Entity, Evidence, Mention, Relation

ORGS = {"Enterprise", "Institution", "Department"}
ACTORS = {"Enterprise", "Institution"}
BUILT = {"Project", "Institution"}
HOSTS = {"Project", "Enterprise", "Institution", "Place"}  # things located in a county

_SENTENCE_END = re.compile(r"[。！？；]")
# Cue between 依托 and its object: nothing but a few characters (依托晋城职业技术学院…).
_RELY = re.compile(r"依托\s*$")
_BUILD_VERB = re.compile(r"(?:建设|建成|组建|筹建|打造|创建|实施|推进|共建|新建|扩建|申报|运营)")
_SUPPORT = re.compile(r"(?:支持|鼓励|推动|引导|帮助|推进)\s*$")
_COOP = re.compile(r"合作|共建|联合|携手|协同|对接")
_COOP_LINK = re.compile(r"^\s*(?:与|和|同|、|及|以及|联合)\s*$")


def _sentences(text: str):
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _evidence(doc: Document, block, a: int, b: int) -> Evidence:
    sa, sb = block.source_span(a, b)
    return Evidence(doc.id, doc.source.line_of(sa), block.text[a:b].strip(), sa, sb)


def sentence_relations(doc: Document, mentions: list[Mention], entities: dict[str, Entity]) -> list[Relation]:
    """Relations stated inside the sentences of one document."""
    by_block: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.entity and m.block >= 0:
            by_block[m.block].append(m)
    out: list[Relation] = []
    for bi, ms in sorted(by_block.items()):
        block = doc.blocks[bi]
        text = block.text
        ms.sort(key=lambda m: (m.block_start, -m.block_end))
        for sa, sb in _sentences(text):
            sent = [m for m in ms if sa <= m.block_start and m.block_end <= sb]
            if not sent:
                continue
            ev = _evidence(doc, block, sa, sb)
            out.extend(_nested(sent, entities, ev))
            out.extend(_cued(text[sa:sb], sa, sent, entities, ev))
            out.extend(membership(sent, text, entities, ev))
    return out


def _type(entities, m):
    e = entities.get(m.entity)
    return e.type if e else m.label


def _nested(sent, entities, ev):
    """A county, enterprise or institution named inside a longer name."""
    out = []
    for outer in sent:
        ot = _type(entities, outer)
        for inner in sent:
            if inner is outer or inner.entity == outer.entity:
                continue
            if not (outer.block_start <= inner.block_start and inner.block_end <= outer.block_end):
                continue
            if (inner.block_end - inner.block_start) >= (outer.block_end - outer.block_start):
                continue
            it = _type(entities, inner)
            at_head = inner.block_start == outer.block_start
            if it == "County" and ot in HOSTS:
                out.append(Relation(outer.entity, "locatedIn", inner.entity, ev))
            elif it in ACTORS and ot == "Project":
                out.append(Relation(inner.entity, "partOfProject", outer.entity, ev))
                if at_head:
                    out.append(Relation(inner.entity, "builds", outer.entity, ev))
            elif at_head and it in ACTORS and ot in ACTORS:
                out.append(Relation(outer.entity, "subOrganizationOf", inner.entity, ev))
    return out


def _top_level(sent):
    """Mentions not nested inside another mention of the sentence."""
    return [m for m in sent if not any(o is not m and o.block_start <= m.block_start and m.block_end <= o.block_end
                                        and (o.block_end - o.block_start) > (m.block_end - m.block_start) for o in sent)]


def _cued(sentence, offset, sent, entities, ev):
    """Relations cued by words between the mentions of one sentence (`offset`: its start in the block)."""
    out = []
    text = " " * offset + sentence  # block coordinates, nothing outside the sentence
    top = _top_level(sent)
    for i, m in enumerate(top):
        t = _type(entities, m)
        before = text[max(0, m.block_start - 6): m.block_start]
        later = top[i + 1:]
        # 依托X、Z（，）建设/打造Y → Y reliesOn X, Y reliesOn Z
        if _RELY.search(before) and t in ORGS | {"Project"}:
            bases, rest = [m], later
            while rest and _COOP_LINK.match(text[bases[-1].block_end: rest[0].block_start]):
                bases.append(rest[0])
                rest = rest[1:]
            for y in rest:
                gap = text[bases[-1].block_end: y.block_start]
                if len(gap) > 40:
                    break
                if _type(entities, y) in BUILT and _BUILD_VERB.search(gap[-8:]) and not _COOP.search(gap):
                    out.extend(Relation(y.entity, "reliesOn", x.entity, ev) for x in bases
                               if _type(entities, x) in ORGS | {"Project"})
                    break
        # 支持X建设Y → X builds Y
        if _SUPPORT.search(before) and t in ACTORS:
            for y in later:
                gap = text[m.block_end: y.block_start]
                if _type(entities, y) in BUILT and len(gap) <= 12 and _BUILD_VERB.search(gap):
                    out.append(Relation(m.entity, "builds", y.entity, ev))
                    out.append(Relation(m.entity, "supports", y.entity, ev))
                    break
    # 泽州县|金村镇东六庄村, 陵川县|丈河法式康养小镇: a county written right before a name locates it.
    for a, b in zip(top, top[1:]):
        if _type(entities, a) == "County" and _type(entities, b) in HOSTS and a.block_end == b.block_start:
            out.append(Relation(b.entity, "locatedIn", a.entity, ev))
    # X与Y合作 / 联合Y / 共建: actors joined by a conjunction in a sentence about cooperation.
    if _COOP.search(sentence):
        actors = [m for m in top if _type(entities, m) in ACTORS]
        for a, b in zip(actors, actors[1:]):
            if a.entity != b.entity and _COOP_LINK.match(text[a.block_end: b.block_start]):
                x, y = sorted((a.entity, b.entity))
                out.append(Relation(x, "cooperatesWith", y, ev))
    return out


# A company declared a member of a group: A（B子公司…）, B所属/下属/旗下(的)A.
_MEMBER_OF = re.compile(r"^[（(](?:系|为|是)?$")
_MEMBER_WORD = re.compile(r"^(?:的)?(?:全资|控股|参股)?(?:子公司|分公司|下属企业|所属企业|成员企业|成员单位)")
_OWNER_WORD = re.compile(r"^(?:所属|下属|旗下)(?:的)?$")
GROUP = re.compile(r"集团(?:有限公司|有限责任公司|股份有限公司)?$")


def membership(sent, text, entities, ev) -> list[Relation]:
    """A subOrganizationOf B where the sentence says so: A（B子公司）, B下属A, B旗下的A."""
    out = []
    firms = [m for m in _top_level(sent) if _type(entities, m) in ACTORS]
    for a, b in zip(firms, firms[1:]):
        if a.entity == b.entity:
            continue
        gap = text[a.block_end:b.block_start]
        if _MEMBER_OF.match(gap) and _MEMBER_WORD.match(text[b.block_end:b.block_end + 8]):
            out.append(Relation(a.entity, "subOrganizationOf", b.entity, ev))
        elif _OWNER_WORD.match(gap):
            out.append(Relation(b.entity, "subOrganizationOf", a.entity, ev))
    return out


def group_relations(entities: dict[str, Entity]) -> list[Relation]:
    """Companies named after a group's trade name belong to the group (兰花集团 → 山西兰花科技创业
    股份有限公司, 山西兰花同宝煤业有限公司): a Chinese firm's 字号 is its group's. The company's
    name must open with the group's name less 集团 (its place, if the group has one, included),
    and that trade name must be a word of its own, not a kind (投资集团, 能源集团)."""
    from ..link import split_place
    from ..nlp.lists import is_kind

    firms = sorted((e for e in entities.values() if e.type == "Enterprise" and e.mentions), key=lambda e: e.key)
    companies = defaultdict(list)  # first two characters after the place → (company, place, rest)
    for c in firms:
        if not GROUP.search(c.label):  # groups of their own are not members by name
            c_place, c_rest = split_place(c.label)
            if c_place:
                companies[c_rest[:2]].append((c, c_place, c_rest))
    out = []
    for g in firms:
        m = GROUP.search(g.label)
        if not m:
            continue
        place, brand = split_place(g.label[: m.start()])
        if len(brand) < 2 or is_kind(brand):
            continue
        for c, c_place, c_rest in companies.get(brand[:2], ()):
            if c.label.startswith(g.label):
                continue  # 兰花集团芦河煤业: read from the nesting
            if c_rest.startswith(brand) and len(c_rest) > len(brand) and (not place or c_place == place):
                first = min(c.mentions, key=lambda x: (x.doc_id, x.start))
                out.append(Relation(c.key, "subOrganizationOf", g.key,
                                    Evidence(first.doc_id, first.line, first.text, first.start, first.end)))
    return out


def _title_key(text: str) -> str:
    return re.sub(r"[\s《》〈〉<>“”\"「」]", "", text)


def document_relations(doc: Document, mentions: list[Mention], entities: dict[str, Entity],
                       corpus_docs: dict[str, str]) -> list[Relation]:
    """The document mentions each entity it names, and cites each document it names.

    A cited title or 文号 that names a document of the corpus cites that document itself,
    so the same document cited in different forms is one node.
    """
    first: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.entity and m.entity not in first:
            first[m.entity] = m
    out = []
    for key, m in sorted(first.items()):
        ev = Evidence(doc.id, m.line, m.text, m.start, m.end)
        out.append(Relation(f"doc:{doc.id}", "mentions", key, ev))
        ent = entities.get(key)
        if ent is not None and ent.type == "Policy":
            names = {_title_key(n) for n in ent.aliases | {ent.label}}
            target = next((f"doc:{corpus_docs[n]}" for n in sorted(names) if n in corpus_docs), key)
            if target != f"doc:{doc.id}":
                out.append(Relation(f"doc:{doc.id}", "cites", target, ev))
    return out


def corpus_document_names(documents: list[Document]) -> dict[str, str]:
    """Title and 文号 of every corpus document → its id (for resolving citations)."""
    names = {}
    for d in documents:
        for n in (d.title, d.number):
            if n:
                names.setdefault(_title_key(n), d.id)
    return names


def dedupe(relations: list[Relation]) -> list[Relation]:
    """One relation per (subject, predicate, object); keep the earliest evidence."""
    best: dict[tuple, Relation] = {}
    for r in relations:
        k = (r.subject, r.predicate, r.object)
        if r.subject == r.object:
            continue
        cur = best.get(k)
        if cur is None or (r.evidence and cur.evidence and (r.evidence.doc_id, r.evidence.start) < (cur.evidence.doc_id, cur.evidence.start)):
            best[k] = r
    return [best[k] for k in sorted(best)]

