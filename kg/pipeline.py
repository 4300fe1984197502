"""The build, stage by stage: map per document, reduce to link, then relate and write RDF.

    read → clean → segment → nlp        (per source / per document: parallel-safe)
    link                                (one reduce step over all mentions)
    relate → rdf                        (per corpus)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Document, Entity, Measure, Mention, Relation, Source


@dataclass
class Corpus:
    """Everything the build knows, handed to rdf / query / viz / export."""

    sources: list[Source] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    measures: list[Measure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    errors: list = field(default_factory=list)  # InputError per rejected file
    timings: dict[str, float] = field(default_factory=dict)


def documents_of(source: Source) -> list[Document]:
    """read output → cleaned text → documents with blocks and outline."""
    from .clean import clean
    from .segment import segment

    return segment(clean(source))


def mentions_of(doc: Document) -> list[Mention]:
    from .nlp import extract

    return extract(doc)
