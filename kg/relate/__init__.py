"""Documents + linked mentions → measures (responsibility) and relations, each with evidence."""
from __future__ import annotations

import re

from ..model import Document, Entity, Measure, Mention, Relation
from .measures import evidence_of, measure_of
from .relations import corpus_document_names, dedupe, document_relations, group_relations, sentence_relations
from .responsibility import find_clauses, find_conventions
from .units import is_collective, is_org

__all__ = ["relate", "measures_of"]


# What a clause unit may be, as the recogniser typed it at that place.
_UNIT_TYPES = ("Department", "Collective", "Enterprise", "Institution")
# Names the linker does not know, typed by their head noun (any other is taken for a department).
_ENTERPRISE = re.compile(r"(?:公司|集团|银行|支行|分行)$")
_INSTITUTION = re.compile(r"(?:大学|学院|学校|医院|研究院|研究所|研究中心)$")
# Head nouns that make a name a government department; any other (中心, 站, 社, 协会…) leaves its type assumed.
_DEPARTMENT = re.compile(r"(?:局|委|厅|办|办公室|政府|党委|部|署|委员会|管委会|海关|法院|检察院|监管局|分局)$")


class UnitResolver:
    """Names in a document's clauses → entity keys.

    First the entity the recogniser linked at that very place of the clause (so a clause agrees
    with the mentions, whatever city the document is from); a collective, or any name that does
    not look like an organisation's, is a kg:Collective; else the linker, told the document's
    city; else a new enterprise or institution when its head noun says so (公司, 大学…), or a new
    department with the standard full name in that city.
    """

    def __init__(self, entities: dict[str, Entity], linker):
        self.entities = entities
        self.linker = linker
        self.doc: Document | None = None
        self.here: dict[str, str] = {}  # surface → entity key, for mentions inside the current clause

    def enter(self, doc: Document, block: int, start: int, end: int, mentions: list[Mention]) -> None:
        self.doc = doc
        self.here = {m.text: m.entity for m in mentions
                     if m.block == block and start <= m.block_start and m.block_end <= end and m.entity
                     and m.label in _UNIT_TYPES}

    def __call__(self, surface: str) -> str:
        from ..link import Place, canonical_department, entity_key

        key = self.here.get(surface)
        if key in self.entities:
            ent = self.entities[key]
        elif is_collective(surface) or not is_org(surface):  # 各区、县级市, 有关部门; any name but an organisation's
            key = entity_key("Collective", surface)
            ent = self.entities.setdefault(key, Entity(key, "Collective", surface))
        else:
            context = " ".join((self.doc.title, *self.doc.issuers)) if self.doc else ""
            kind = "Enterprise" if _ENTERPRISE.search(surface) else "Institution" if _INSTITUTION.search(surface) \
                else "Department"
            ent = self.linker.resolve(surface, kind, context=context) if self.linker else None
            if ent is None:
                city = Place.of_document(self.doc).city if self.doc else ""
                label = canonical_department(surface, city) if kind == "Department" else surface
                key = entity_key(kind, label)
                assumed = kind == "Department" and not _DEPARTMENT.search(surface)
                ent = self.entities.setdefault(key, Entity(key, kind, label, basis="assumed" if assumed else ""))
            ent = self.entities.setdefault(ent.key, ent)
        if surface != ent.label:
            ent.aliases.add(surface)
        return ent.key


def _keys(resolve: UnitResolver, names: list[str]) -> list[str]:
    return list(dict.fromkeys(resolve(u) for u in names))


def measures_of(doc: Document, resolve: UnitResolver, mentions: list[Mention] = ()) -> list[Measure]:
    """One measure per responsibility clause of the document.

    A clause that marks no lead is led by its first unit: by the document's stated convention
    (列第一位者为牵头单位) where one was stated before it or in it, else by assumption.
    """
    out: list[Measure] = []
    prev = (-1, 0)
    conventions = find_conventions(doc.blocks)
    for n, clause in enumerate(find_clauses(doc.blocks), 1):
        span = measure_of(doc.blocks, clause, prev)
        prev = (clause.block, clause.end)
        first = doc.blocks[span.first_block]
        block = doc.blocks[clause.block]
        resolve.enter(doc, clause.block, clause.start, clause.end, mentions)
        units = _keys(resolve, clause.units)
        leads = _keys(resolve, clause.leads)
        basis = clause.basis
        if not leads:
            stated = clause.convention or any(c <= (clause.block, clause.start) for c in conventions)
            leads, basis = units[:1], "stated-convention" if stated else "first-listed"
        ev = evidence_of(doc, block, clause.start, clause.end)
        end_line = doc.source.line_of(block.source_span(clause.start, clause.end)[1] - 1)
        start = first.origin[min(span.start, len(first.origin) - 1)] if len(first.origin) else ev.start
        out.append(Measure(
            key=f"measure/{doc.id}/{n:03d}", doc_id=doc.id, title=span.title, section=span.section,
            start_line=doc.source.line_of(start) if start >= 0 else ev.line,
            end_line=end_line, units=units, leads=leads, lead_basis=basis, clause=ev))
    return out


def issuers_of(doc: Document, resolve: UnitResolver) -> list[Relation]:
    from ..model import Evidence

    resolve.enter(doc, -1, 0, 0, [])
    ev = Evidence(doc.id, doc.start_line, doc.notice or doc.title)
    return [Relation(f"doc:{doc.id}", "issuedBy", resolve(name), ev) for name in doc.issuers]


def relate(documents: list[Document], mentions: list[Mention], entities: dict[str, Entity], linker=None):
    """Measures and relations of a corpus. Adds unit entities named only in clauses to `entities`."""
    resolve = UnitResolver(entities, linker)
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc_id, []).append(m)
    measures: list[Measure] = []
    relations: list[Relation] = []
    names = corpus_document_names(documents)
    for doc in documents:
        ms = by_doc.get(doc.id, [])
        measures.extend(measures_of(doc, resolve, ms))
        relations.extend(issuers_of(doc, resolve))
        relations.extend(sentence_relations(doc, ms, entities))
        relations.extend(document_relations(doc, ms, entities, names))
    relations.extend(group_relations(entities))
    return measures, dedupe(relations)
