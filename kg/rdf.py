"""The only place that makes triples: Corpus → quads under the kg ontology, with provenance.

Quads are plain tuples of rdflib terms (s, p, o, graph); one named graph per document, entity
definitions in id:graph/entities, build provenance in id:graph/build. Serialisation lives in
export.py. Output is deterministic: IRIs come from labels and offsets, never from counters
over unordered collections or from the clock.
"""
from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from . import __version__
from .model import Entity
from .vocab import ID, ITSRDF, KG, NIF

ENTITY_GRAPH = ID["graph/entities"]
BUILD_GRAPH = ID["graph/build"]
CLASS = {
    "Department": KG.Department, "County": KG.County, "Enterprise": KG.Enterprise,
    "Institution": KG.Institution, "Project": KG.Project, "Collective": KG.Collective,
    "Place": KG.Place, "Policy": KG.CitedDocument,
}
PREDICATE = {
    "reliesOn": KG.reliesOn, "cooperatesWith": KG.cooperatesWith, "supports": KG.supports,
    "builds": KG.builds, "locatedIn": KG.locatedIn, "subOrganizationOf": ORG.subOrganizationOf,
    "partOfProject": KG.partOfProject, "issuedBy": KG.issuedBy, "cites": KG.cites, "mentions": KG.mentions,
}
PREFIXES = {
    "kg": str(KG._NS), "id": str(ID), "nif": str(NIF), "itsrdf": str(ITSRDF), "skos": str(SKOS),
    "dcterms": str(DCTERMS), "prov": str(PROV), "org": str(ORG), "rdfs": str(RDFS), "xsd": str(XSD),
}
_IRI_UNSAFE = set(' <>"{}|\\^`%#?')


def iri_escape(text: str) -> str:
    """Readable IRIs: keep CJK and most punctuation, percent-encode what IRIs forbid."""
    out = []
    for ch in text:
        if ch in _IRI_UNSAFE or ord(ch) < 33 or ch.isspace() or 0x7F <= ord(ch) < 0xA0:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def node(key: str) -> URIRef:
    """IRI of an entity, measure or document key (documents are keyed "doc:<id>")."""
    if key.startswith("doc:"):
        return doc_iri(key[4:])
    return ID[iri_escape(key)]


def doc_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{iri_escape(doc_id)}"]


def section_iri(doc_id: str, path: tuple[str, ...]) -> URIRef:
    return ID[f"section/{iri_escape(doc_id)}/{iri_escape('/'.join(path))}"]


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def entity_quads(e: Entity) -> Iterator[tuple]:
    s, g = node(e.key), ENTITY_GRAPH
    yield s, RDF.type, CLASS.get(e.type, KG.Organization), g
    yield s, SKOS.prefLabel, _zh(e.label), g
    for alias in sorted(e.aliases - {e.label}):
        yield s, SKOS.altLabel, _zh(alias), g
    if e.type == "Policy":  # a cited document is a document: it has a title and maybe a 文号
        yield s, DCTERMS.title, _zh(e.label), g
    if e.code:
        yield s, KG.adminCode, Literal(e.code), g
    if e.level:
        yield s, KG.adminLevel, Literal(e.level), g


def document_quads(doc) -> Iterator[tuple]:
    d = doc_iri(doc.id)
    g = d
    yield d, RDF.type, KG.Document, g
    yield d, DCTERMS.title, _zh(doc.title), g
    yield d, SKOS.prefLabel, _zh(doc.title), g
    if doc.number:
        yield d, DCTERMS.identifier, Literal(doc.number), g
        yield d, KG.documentNumber, Literal(doc.number), g
    if doc.date:
        yield d, DCTERMS.issued, Literal(doc.date, datatype=XSD.date), g
    if doc.publication:
        yield d, KG.publicationMark, _zh(doc.publication), g
    if doc.addressees:
        yield d, KG.addressee, _zh(doc.addressees), g
    yield d, KG.sourceFile, Literal(doc.source.name), g
    yield d, NIF.sourceUrl, source_iri(doc.source), g
    yield d, KG.startLine, _int(doc.start_line), g
    yield d, KG.endLine, _int(doc.end_line), g
    yield from _outline_quads(doc, doc.outline, d, g)


def _outline_quads(doc, sections, parent, g) -> Iterator[tuple]:
    for sec in sections:
        s = section_iri(doc.id, sec.path)
        yield s, RDF.type, KG.Section, g
        yield s, DCTERMS.isPartOf, parent, g
        yield s, DCTERMS.title, _zh(sec.title), g
        yield s, KG.sectionPath, Literal("/".join(sec.path)), g
        yield s, KG.startLine, _int(doc.source.line_of(sec.start)), g
        yield s, KG.inDocument, doc_iri(doc.id), g
        yield from _outline_quads(doc, sec.children, s, g)


def source_iri(source) -> URIRef:
    return ID[f"source/{iri_escape(source.name)}"]


def mention_quads(m, doc, sections: set) -> Iterator[tuple]:
    s = ID[f"mention/{iri_escape(m.doc_id)}/{m.start}-{m.end}/{m.label.lower()}"]
    g = doc_iri(m.doc_id)
    yield s, RDF.type, KG.Mention, g
    yield s, RDF.type, NIF.Phrase, g
    yield s, NIF.anchorOf, Literal(m.text), g
    yield s, NIF.beginIndex, Literal(m.start, datatype=XSD.nonNegativeInteger), g
    yield s, NIF.endIndex, Literal(m.end, datatype=XSD.nonNegativeInteger), g
    yield s, KG.line, _int(m.line), g
    yield s, NIF.referenceContext, source_iri(doc.source), g
    yield s, ITSRDF.taIdentRef, node(m.entity), g
    yield s, KG.inDocument, g, g
    if 0 <= m.block < len(doc.blocks):
        path = doc.blocks[m.block].section
        if path in sections:
            yield s, KG.inSection, section_iri(doc.id, path), g


def measure_quads(ms) -> Iterator[tuple]:
    s = node(ms.key)
    g = doc_iri(ms.doc_id)
    yield s, RDF.type, KG.Measure, g
    yield s, SKOS.prefLabel, _zh(ms.title), g
    yield s, DCTERMS.title, _zh(ms.title), g
    yield s, KG.inDocument, g, g
    if ms.section:
        yield s, KG.sectionPath, Literal("/".join(ms.section)), g
        yield s, KG.inSection, section_iri(ms.doc_id, ms.section), g
    yield s, KG.startLine, _int(ms.start_line), g
    yield s, KG.endLine, _int(max(ms.start_line, ms.end_line)), g
    for order, unit in enumerate(ms.units, 1):
        u = node(unit)
        yield s, KG.responsibleUnit, u, g
        a = ID[f"{iri_escape(ms.key)}/unit/{order}"]
        yield s, PROV.qualifiedAssociation, a, g
        yield a, RDF.type, PROV.Association, g
        yield a, PROV.agent, u, g
        yield a, PROV.hadRole, KG.LeadRole if unit == ms.lead else KG.PartnerRole, g
        yield a, KG.unitOrder, _int(order), g
    if ms.lead:
        yield s, KG.ledBy, node(ms.lead), g
        yield s, KG.leadBasis, Literal(ms.lead_basis), g
    if ms.clause:
        yield s, KG.clauseText, _zh(ms.clause.quote), g
        yield s, KG.line, _int(ms.clause.line), g


def relation_quads(r) -> Iterator[tuple]:
    s, p, o = node(r.subject), PREDICATE[r.predicate], node(r.object)
    ev = r.evidence
    g = doc_iri(ev.doc_id) if ev else ENTITY_GRAPH
    yield s, p, o, g
    if ev and r.predicate != "mentions":
        st = ID[f"statement/{iri_escape(ev.doc_id)}/{r.predicate}/{iri_escape(r.subject)}/{iri_escape(r.object)}"]
        yield st, RDF.type, RDF.Statement, g
        yield st, RDF.subject, s, g
        yield st, RDF.predicate, p, g
        yield st, RDF.object, o, g
        yield st, KG.inDocument, g, g
        yield st, KG.line, _int(ev.line), g
        yield st, KG.quote, _zh(ev.quote), g


def build_quads(corpus, options: dict | None = None) -> Iterator[tuple]:
    """PROV record of the build: inputs (name + sha256), options and versions; no clock time."""
    import spacy
    import rdflib

    g = BUILD_GRAPH
    b = ID["build"]
    yield b, RDF.type, KG.Build, g
    yield b, RDF.type, PROV.Activity, g
    yield b, PROV.wasAssociatedWith, ID["agent/kg"], g
    yield ID["agent/kg"], RDF.type, PROV.SoftwareAgent, g
    yield ID["agent/kg"], RDFS.label, Literal(f"kg {__version__} (spaCy {spacy.__version__}, rdflib {rdflib.__version__})"), g
    for src in corpus.sources:
        s = source_iri(src)
        yield b, PROV.used, s, g
        yield s, RDF.type, PROV.Entity, g
        yield s, KG.sourceFile, Literal(src.name), g
        yield s, DCTERMS.identifier, Literal(f"sha256:{src.sha256}"), g
        yield s, DCTERMS.format, Literal(f"text/plain; charset={src.encoding}"), g
    for key, value in sorted((options or {}).items()):
        yield b, RDFS.comment, Literal(f"{key}={value}"), g
    for doc in corpus.documents:
        yield doc_iri(doc.id), PROV.wasGeneratedBy, b, g


def corpus_quads(corpus, options: dict | None = None) -> Iterator[tuple]:
    docs = {d.id: d for d in corpus.documents}
    for key in sorted(corpus.entities):
        yield from entity_quads(corpus.entities[key])
    for doc in corpus.documents:
        yield from document_quads(doc)
    sections = {d.id: _section_paths(d.outline) for d in corpus.documents}
    for m in corpus.mentions:
        if m.entity and m.doc_id in docs:
            yield from mention_quads(m, docs[m.doc_id], sections[m.doc_id])
    for ms in corpus.measures:
        yield from measure_quads(ms)
    for r in corpus.relations:
        yield from relation_quads(r)
    yield from build_quads(corpus, options)


def _section_paths(outline) -> set:
    out, stack = set(), list(outline)
    while stack:
        s = stack.pop()
        out.add(s.path)
        stack.extend(s.children)
    return out


def corpus_dataset(corpus, options=None) -> Dataset:
    ds = Dataset()
    for s, p, o, g in corpus_quads(corpus, options):
        ds.add((s, p, o, g))
    return ds


def corpus_graph(corpus, options=None) -> Graph:
    """The union graph (what graph.ttl holds)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for s, p, o, _ in corpus_quads(corpus, options):
        g.add((s, p, o))
    return g


__all__ = ["corpus_quads", "corpus_graph", "corpus_dataset", "node", "doc_iri", "iri_escape", "PREFIXES"]
