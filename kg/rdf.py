"""The only place that makes triples: Corpus → quads under the kg ontology, with provenance.

Quads are Oxigraph quads (fast to make, serialise and query); one named graph per document,
entity definitions in id:graph/entities, build provenance in id:graph/build. Serialisation
lives in export.py; `corpus_graph` gives the same triples as an rdflib Graph. Output is deterministic: IRIs come from labels and offsets, never from counters
over unordered collections or from the clock.
"""
from __future__ import annotations

from collections.abc import Iterator

import re
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDF as _RDF, RDFS as _RDFS, XSD as _XSD, Graph
from rdflib.namespace import DCTERMS as _DCTERMS, ORG as _ORG, PROV as _PROV, SKOS as _SKOS

from . import __version__
from .model import Entity
from .vocab import ID as _ID, ITSRDF as _ITSRDF, KG as _KG, NIF as _NIF


class _Terms:
    """An rdflib namespace seen through Oxigraph: `_Terms(SKOS).prefLabel` is an ox.NamedNode."""

    def __init__(self, ns):
        self._base = str(ns)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _iri(self._base + name)

    def __getitem__(self, name):
        return _iri(self._base + name)


@lru_cache(maxsize=None)
def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


RDF, RDFS, XSD, DCTERMS, ORG, PROV, SKOS = map(_Terms, (_RDF, _RDFS, _XSD, _DCTERMS, _ORG, _PROV, _SKOS))
ID, ITSRDF, KG, NIF = map(_Terms, (_ID, _ITSRDF, _KG._NS, _NIF))
XSD_INTEGER, XSD_NNI, XSD_DATE = XSD.integer, XSD.nonNegativeInteger, XSD.date

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
    "kg": str(_KG._NS), "id": str(_ID), "nif": str(_NIF), "itsrdf": str(_ITSRDF), "skos": str(_SKOS),
    "dcterms": str(_DCTERMS), "prov": str(_PROV), "org": str(_ORG), "rdfs": str(_RDFS), "xsd": str(_XSD),
}
# Everything but an RFC 3987 ipath character (iunreserved, sub-delims, ":", "@", "/") is
# percent-encoded: "[", "]", "%", "#" and "?" included, and so are private-use characters,
# surrogates and noncharacters, which ucschar leaves out. A whitelist, so no text can make
# an invalid IRI.
_IRI_UNSAFE = re.compile(
    "[^A-Za-z0-9\\-._~!$&'()*+,;=:@/"
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    "\U00030000-\U0003fffd]+"
)


@lru_cache(maxsize=65536)
def iri_escape(text: str) -> str:
    """Readable IRIs: keep CJK and most punctuation, percent-encode what IRIs forbid."""
    return _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")), text)


def node(key: str) -> ox.NamedNode:
    """IRI of an entity, measure or document key (documents are keyed "doc:<id>")."""
    if key.startswith("doc:"):
        return doc_iri(key[4:])
    return ID[iri_escape(key)]


def doc_iri(doc_id: str) -> ox.NamedNode:
    return ID[f"doc/{iri_escape(doc_id)}"]


def section_iri(doc_id: str, path: tuple[str, ...]) -> ox.NamedNode:
    return ID[f"section/{iri_escape(doc_id)}/{iri_escape('/'.join(path))}"]


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(int(n)), datatype=XSD_INTEGER)


def _str(text: str) -> ox.Literal:
    return ox.Literal(str(text))


def entity_quads(e: Entity) -> Iterator[tuple]:
    s, g = node(e.key), ENTITY_GRAPH
    yield ox.Quad(s, RDF.type, CLASS.get(e.type, KG.Organization), g)
    yield ox.Quad(s, SKOS.prefLabel, _zh(e.label), g)
    for alias in sorted(e.aliases - {e.label}):
        yield ox.Quad(s, SKOS.altLabel, _zh(alias), g)
    if e.type == "Policy":  # a cited document is a document: it has a title and maybe a 文号
        yield ox.Quad(s, DCTERMS.title, _zh(e.label), g)
    if e.code:
        yield ox.Quad(s, KG.adminCode, _str(e.code), g)
    if e.level:
        yield ox.Quad(s, KG.adminLevel, _str(e.level), g)
    for basis in entity_bases(e):
        yield ox.Quad(s, KG.basis, _str(basis), g)
    if e.basis:
        yield ox.Quad(s, KG.typeBasis, _str(e.basis), g)


def entity_bases(e: Entity) -> list[str]:
    """Why kg took the entity for a name, one value per kind of evidence among its mentions;
    "unit-name" for a unit known only from a responsibility clause or an issuer line."""
    return sorted({m.basis for m in e.mentions if m.basis}) or ["unit-name"]


def document_quads(doc) -> Iterator[tuple]:
    d = doc_iri(doc.id)
    g = d
    yield ox.Quad(d, RDF.type, KG.Document, g)
    yield ox.Quad(d, DCTERMS.title, _zh(doc.title), g)
    yield ox.Quad(d, SKOS.prefLabel, _zh(doc.title), g)
    if doc.number:
        yield ox.Quad(d, DCTERMS.identifier, _str(doc.number), g)
        yield ox.Quad(d, KG.documentNumber, _str(doc.number), g)
    if doc.date:
        yield ox.Quad(d, DCTERMS.issued, ox.Literal(doc.date, datatype=XSD_DATE), g)
    if doc.publication:
        yield ox.Quad(d, KG.publicationMark, _zh(doc.publication), g)
    if doc.addressees:
        yield ox.Quad(d, KG.addressee, _zh(doc.addressees), g)
    yield ox.Quad(d, KG.sourceFile, _str(doc.source.name), g)
    yield ox.Quad(d, NIF.sourceUrl, source_iri(doc.source), g)
    yield ox.Quad(d, KG.startLine, _int(doc.start_line), g)
    yield ox.Quad(d, KG.endLine, _int(doc.end_line), g)
    yield from _outline_quads(doc, doc.outline, d, g)


def _outline_quads(doc, sections, parent, g) -> Iterator[tuple]:
    for sec in sections:
        s = section_iri(doc.id, sec.path)
        yield ox.Quad(s, RDF.type, KG.Section, g)
        yield ox.Quad(s, DCTERMS.isPartOf, parent, g)
        yield ox.Quad(s, DCTERMS.title, _zh(sec.title), g)
        yield ox.Quad(s, KG.sectionPath, _str("/".join(sec.path)), g)
        yield ox.Quad(s, KG.startLine, _int(doc.source.line_of(sec.start)), g)
        yield ox.Quad(s, KG.inDocument, doc_iri(doc.id), g)
        yield from _outline_quads(doc, sec.children, s, g)


def source_iri(source) -> ox.NamedNode:
    return ID[f"source/{iri_escape(source.name)}"]


def mention_quads(m, doc, sections: set) -> Iterator[tuple]:
    s = ID[f"mention/{iri_escape(m.doc_id)}/{m.start}-{m.end}/{m.label.lower()}"]
    g = doc_iri(m.doc_id)
    yield ox.Quad(s, RDF.type, KG.Mention, g)
    yield ox.Quad(s, RDF.type, NIF.Phrase, g)
    yield ox.Quad(s, NIF.anchorOf, _str(m.text), g)
    yield ox.Quad(s, NIF.beginIndex, ox.Literal(str(doc.source.file_offset(m.start)), datatype=XSD_NNI), g)
    yield ox.Quad(s, NIF.endIndex, ox.Literal(str(doc.source.file_offset(m.end)), datatype=XSD_NNI), g)
    yield ox.Quad(s, KG.line, _int(m.line), g)
    yield ox.Quad(s, NIF.referenceContext, source_iri(doc.source), g)
    yield ox.Quad(s, ITSRDF.taIdentRef, node(m.entity), g)
    yield ox.Quad(s, KG.inDocument, g, g)
    if 0 <= m.block < len(doc.blocks):
        path = doc.blocks[m.block].section
        if path in sections:
            yield ox.Quad(s, KG.inSection, section_iri(doc.id, path), g)


def measure_quads(ms, source=None) -> Iterator[tuple]:
    """A measure, its units in order (qualified associations), its lead(s) and its clause.

    The clause is a nif:Phrase whose offsets index the input file as decoded (Source.file_offset);
    its anchorOf is the source text between them.
    """
    s = node(ms.key)
    g = doc_iri(ms.doc_id)
    yield ox.Quad(s, RDF.type, KG.Measure, g)
    yield ox.Quad(s, SKOS.prefLabel, _zh(ms.title), g)
    yield ox.Quad(s, DCTERMS.title, _zh(ms.title), g)
    yield ox.Quad(s, KG.inDocument, g, g)
    if ms.section:
        yield ox.Quad(s, KG.sectionPath, _str("/".join(ms.section)), g)
        yield ox.Quad(s, KG.inSection, section_iri(ms.doc_id, ms.section), g)
    yield ox.Quad(s, KG.startLine, _int(ms.start_line), g)
    yield ox.Quad(s, KG.endLine, _int(max(ms.start_line, ms.end_line)), g)
    leads = set(ms.leads)
    for order, unit in enumerate(ms.units, 1):
        u = node(unit)
        yield ox.Quad(s, KG.responsibleUnit, u, g)
        a = ID[f"{iri_escape(ms.key)}/unit/{order}"]
        yield ox.Quad(s, PROV.qualifiedAssociation, a, g)
        yield ox.Quad(a, RDF.type, PROV.Association, g)
        yield ox.Quad(a, PROV.agent, u, g)
        yield ox.Quad(a, PROV.hadRole, KG.LeadRole if unit in leads else KG.PartnerRole, g)
        yield ox.Quad(a, KG.unitOrder, _int(order), g)
    for lead in ms.leads:
        yield ox.Quad(s, KG.ledBy, node(lead), g)
    if ms.leads:
        yield ox.Quad(s, KG.leadBasis, _str(ms.lead_basis), g)
    ev = ms.clause
    if ev:
        yield ox.Quad(s, KG.clauseText, _zh(ev.quote), g)
        yield ox.Quad(s, KG.line, _int(ev.line), g)
    if ev and source is not None and 0 <= ev.start < ev.end:
        c = ID[f"{iri_escape(ms.key)}/clause"]
        yield ox.Quad(s, KG.clause, c, g)
        yield ox.Quad(c, RDF.type, NIF.Phrase, g)
        yield ox.Quad(c, NIF.anchorOf, _str(source.text[ev.start:ev.end]), g)
        yield ox.Quad(c, NIF.beginIndex, ox.Literal(str(source.file_offset(ev.start)), datatype=XSD_NNI), g)
        yield ox.Quad(c, NIF.endIndex, ox.Literal(str(source.file_offset(ev.end)), datatype=XSD_NNI), g)
        yield ox.Quad(c, NIF.referenceContext, source_iri(source), g)
        yield ox.Quad(c, KG.line, _int(ev.line), g)


def relation_quads(r) -> Iterator[tuple]:
    s, p, o = node(r.subject), PREDICATE[r.predicate], node(r.object)
    ev = r.evidence
    g = doc_iri(ev.doc_id) if ev else ENTITY_GRAPH
    yield ox.Quad(s, p, o, g)
    if ev and r.predicate != "mentions":
        st = ID[f"statement/{iri_escape(ev.doc_id)}/{r.predicate}/{iri_escape(r.subject)}/{iri_escape(r.object)}"]
        yield ox.Quad(st, RDF.type, RDF.Statement, g)
        yield ox.Quad(st, RDF.subject, s, g)
        yield ox.Quad(st, RDF.predicate, p, g)
        yield ox.Quad(st, RDF.object, o, g)
        yield ox.Quad(st, KG.inDocument, g, g)
        yield ox.Quad(st, KG.line, _int(ev.line), g)
        yield ox.Quad(st, KG.quote, _zh(ev.quote), g)


def build_quads(corpus, options: dict | None = None) -> Iterator[tuple]:
    """PROV record of the build: inputs (name + sha256), options and versions; no clock time."""
    import spacy
    import rdflib

    g = BUILD_GRAPH
    b = ID["build"]
    yield ox.Quad(b, RDF.type, KG.Build, g)
    yield ox.Quad(b, RDF.type, PROV.Activity, g)
    yield ox.Quad(b, PROV.wasAssociatedWith, ID["agent/kg"], g)
    yield ox.Quad(ID["agent/kg"], RDF.type, PROV.SoftwareAgent, g)
    yield ox.Quad(ID["agent/kg"], RDFS.label, _str(f"kg {__version__} (spaCy {spacy.__version__}, rdflib {rdflib.__version__})"), g)
    for src in corpus.sources:
        s = source_iri(src)
        yield ox.Quad(b, PROV.used, s, g)
        yield ox.Quad(s, RDF.type, PROV.Entity, g)
        yield ox.Quad(s, KG.sourceFile, _str(src.name), g)
        yield ox.Quad(s, DCTERMS.identifier, _str(f"sha256:{src.sha256}"), g)
        yield ox.Quad(s, DCTERMS.format, _str(f"text/plain; charset={src.encoding}"), g)
    for key, value in sorted((options or {}).items()):
        yield ox.Quad(b, RDFS.comment, _str(f"{key}={value}"), g)
    for doc in corpus.documents:
        yield ox.Quad(doc_iri(doc.id), PROV.wasGeneratedBy, b, g)


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
        doc = docs.get(ms.doc_id)
        yield from measure_quads(ms, doc.source if doc else None)
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


def to_rdflib(term):
    """An Oxigraph term as the rdflib term of the same value."""
    from rdflib import Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def corpus_graph(corpus, options=None) -> Graph:
    """The union graph (what graph.ttl holds) as an rdflib Graph, for scripts and pyshacl."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for q in corpus_quads(corpus, options):
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


__all__ = ["corpus_quads", "corpus_graph", "node", "doc_iri", "iri_escape", "to_rdflib", "PREFIXES"]
