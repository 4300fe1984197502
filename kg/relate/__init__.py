"""Documents + linked mentions → measures (responsibility) and relations, each with evidence."""
from __future__ import annotations

from ..model import Document, Entity, Measure, Mention, Relation
from .relations import corpus_document_names, dedupe, document_relations, sentence_relations
from .responsibility import evidence_of, find_clauses, is_collective, measure_of

__all__ = ["relate", "measures_of"]


class UnitResolver:
    """Names in clauses → entities, through the linker; unknown names become new entities."""

    def __init__(self, entities: dict[str, Entity], linker):
        self.entities = entities
        self.linker = linker

    def __call__(self, surface: str) -> str:
        from ..link import entity_key, canonical_department

        if is_collective(surface):
            key = entity_key("Collective", surface)
            self.entities.setdefault(key, Entity(key, "Collective", surface))
            return key
        ent = self.linker.resolve(surface, "Department") if self.linker else None
        if ent is None and self.linker:
            ent = self.linker.resolve(surface)
        if ent is None:
            label = canonical_department(surface)
            key = entity_key("Department", label)
            ent = self.entities.get(key)
            if ent is None:
                ent = self.entities[key] = Entity(key, "Department", label)
        ent = self.entities.setdefault(ent.key, ent)
        if surface != ent.label:
            ent.aliases.add(surface)
        return ent.key


def measures_of(doc: Document, resolve) -> list[Measure]:
    """One measure per responsibility clause of the document."""
    out: list[Measure] = []
    prev = -1
    for n, clause in enumerate(find_clauses(doc.blocks), 1):
        span = measure_of(doc.blocks, clause, prev)
        prev = clause.block
        first = doc.blocks[span.first_block]
        block = doc.blocks[clause.block]
        units = []
        for u in clause.units:
            key = resolve(u)
            if key not in units:
                units.append(key)
        lead = resolve(clause.lead) if clause.lead else units[0]
        ev = evidence_of(doc, block, clause.start, clause.end)
        end_line = doc.source.line_of(block.source_span(clause.start, clause.end)[1] - 1)
        out.append(Measure(
            key=f"measure/{doc.id}/{n:03d}", doc_id=doc.id, title=span.title, section=span.section,
            start_line=doc.source.line_of(first.origin[0]) if len(first.origin) else ev.line,
            end_line=end_line, units=units, lead=lead,
            lead_basis="explicit" if clause.lead else "first-listed", clause=ev))
    return out


def issuers_of(doc: Document, resolve) -> list[Relation]:
    from ..model import Evidence

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
        measures.extend(measures_of(doc, resolve))
        relations.extend(issuers_of(doc, resolve))
        relations.extend(sentence_relations(doc, ms, entities))
        relations.extend(document_relations(doc, ms, entities, names))
    return measures, dedupe(relations)
