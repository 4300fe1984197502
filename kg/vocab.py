"""The kg ontology as closed rdflib namespaces (a test checks every term against ontology/kg.ttl).

Base IRIs:
  KG   https://w3id.org/cn-policy-kg/ontology#   classes and properties
  ID   https://w3id.org/cn-policy-kg/id/         entities, documents, measures, mentions
"""
from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

ID = Namespace("https://w3id.org/cn-policy-kg/id/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")


class KG(DefinedNamespace):
    _NS = Namespace("https://w3id.org/cn-policy-kg/ontology#")
    _fail = True

    # classes
    Document: URIRef  # a policy document (in the corpus or cited by one)
    CitedDocument: URIRef  # a document known only by citation
    Section: URIRef
    Measure: URIRef
    Project: URIRef
    Enterprise: URIRef
    Institution: URIRef
    Department: URIRef
    County: URIRef
    Place: URIRef  # towns, cities, provinces: places that are not county-level divisions
    Organization: URIRef
    Collective: URIRef  # 各县（市、区）人民政府, 各相关部门
    Mention: URIRef
    Build: URIRef  # a run of kg that produced the graph (a prov:Activity)
    LeadRole: URIRef
    PartnerRole: URIRef

    # measures and responsibility
    responsibleUnit: URIRef
    ledBy: URIRef
    leadBasis: URIRef  # "explicit" | "stated-convention" | "table-column" | "prose" | "first-listed"
    unitOrder: URIRef  # 1-based position of a unit in its clause (on a prov:Association)
    typeBasis: URIRef  # "assumed": a clause unit whose type nothing told (an unknown 中心, 站…)
    startLine: URIRef
    endLine: URIRef
    line: URIRef
    sectionPath: URIRef
    inDocument: URIRef
    inSection: URIRef
    clauseText: URIRef
    clause: URIRef  # measure → its clause (a nif:Phrase with source offsets)

    # entity attributes
    adminCode: URIRef
    adminLevel: URIRef
    basis: URIRef  # why an entity is taken for a name (suffix, list-context, …)
    documentNumber: URIRef  # 文号

    # relations between entities
    reliesOn: URIRef
    cooperatesWith: URIRef
    supports: URIRef
    builds: URIRef
    locatedIn: URIRef
    partOfProject: URIRef
    issuedBy: URIRef
    cites: URIRef
    mentions: URIRef

    # evidence of a relation (on an rdf:Statement)
    quote: URIRef
    sourceFile: URIRef
    publicationMark: URIRef
    addressee: URIRef
