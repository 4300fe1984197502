"""Add gazettes to a built on-disk store without rebuilding it (`kg add FILE… --store DIR`).

A national corpus grows an issue at a time; relinking every document for each new one does not
scale. The new files are read, cleaned, segmented and tagged as in a build; their mentions are
linked among themselves (kg.link), then to the store's entities:

- a county by its GB/T 2260 code;
- a department by its identity (level, body) when the level is a named place
  (晋城市市场监督管理局 and 市市场监管局 of a 晋城 document are one), else by name;
- anything else by a name (label or alias) of the same type that only one entity has; an
  enterprise's or institution's 市/省 first read as the document's city/province (市人民医院).

What matches takes the store's key; the rest is new (a label another entity already holds is
spelled out with its place, as kg.link does). Each document's named graph is replaced (a file
added twice is not counted twice) and the entities the files touch are rewritten in
`id:graph/entities` with their aliases merged; nothing else in the store changes. An entity
that only a replaced document mentioned stays (a rebuild drops it).
"""
from __future__ import annotations

import json
import pickle
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

from .errors import GraphNotBuiltError, InputError, NoDocumentsError

_SOURCE_OF = """PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
SELECT ?doc ?file WHERE { ?doc a kg:Document ; kg:sourceFile ?file }"""
_DESCRIBING = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2004/02/skos/core#prefLabel",
               "http://www.w3.org/2004/02/skos/core#altLabel", "http://purl.org/dc/terms/title",
               "https://w3id.org/cn-policy-kg/ontology#adminCode", "https://w3id.org/cn-policy-kg/ontology#adminLevel")


_PLACED = ("Enterprise", "Institution")  # names may start with 市/省: the document's own city/province


def store_entities(store) -> dict:
    """The store's entities as kg.model.Entity records (no mentions), by key: one pass over
    id:graph/entities (a SPARQL query with OPTIONALs costs seconds on a 100× store)."""
    import pyoxigraph as ox

    from .model import Entity
    from .rdf import CLASS, ENTITY_GRAPH, ID

    types = {c.value: t for t, c in CLASS.items()}
    prefix = ID[""].value
    fields: dict[str, dict] = {}
    for q in store.quads_for_pattern(None, None, None, ENTITY_GRAPH):
        if isinstance(q.subject, ox.NamedNode) and q.predicate.value in _DESCRIBING:
            fields.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object.value)
    out: dict[str, Entity] = {}
    rdf_type, label, alias, code, level = _DESCRIBING[0], _DESCRIBING[1], _DESCRIBING[2], _DESCRIBING[4], _DESCRIBING[5]
    for iri, f in sorted(fields.items()):
        if not iri.startswith(prefix) or label not in f or rdf_type not in f:
            continue
        key = unquote(iri[len(prefix):])
        out[key] = Entity(key=key, type=next((types[t] for t in f[rdf_type] if t in types), "Organization"),
                          label=min(f[label]), aliases=set(f.get(alias, ())), code=min(f.get(code, [""])),
                          level=min(f.get(level, [""])))
    return out


def _value(term) -> str:
    return term.value if term is not None else ""


def _place_starts(name: str) -> set[str]:
    """Where the level of a department's name may start: its first two characters after 中共,
    and after a leading province too (中共山西省晋城市委 → 山西, 晋城)."""
    name = name.removeprefix("中共")
    out = {name[:2]}
    p = next((p for p in _provinces() if name.startswith(p)), "")
    if p:
        out.add(name[len(p):].removeprefix("省")[:2])
    return out


def _provinces() -> tuple:
    from .nlp import lexicon

    names = {d.name for d in lexicon.divisions() if d.level == "province"}
    stems = {n.removesuffix("省") for n in names}
    return tuple(sorted(names | stems, key=len, reverse=True))


class _Matcher:
    """The store entity a newly linked entity is, if any (rules in the module docstring)."""

    def __init__(self, entities: dict):
        from .link import _LOCAL_PREFIX, _norm

        self.entities = entities
        self.by_code, self.by_name = {}, {}
        self.departments: dict[str, list] = {}  # first two characters of a name → (name, key)
        for e in entities.values():
            if e.type == "County" and e.code:
                self.by_code[e.code] = e.key
            for name in {e.label, *e.aliases}:
                n = _norm(name)
                if e.type == "Department":
                    for start in _place_starts(n):
                        self.departments.setdefault(start, []).append((n, e.key))
                if e.type in _PLACED and _LOCAL_PREFIX.match(n):
                    continue  # 市人民医院: whose city's? (its other names say)
                self.by_name.setdefault((e.type, n), set()).add(e.key)

    @staticmethod
    def _absolute(ident) -> bool:
        """A level that names a place (晋城市), not one relative to the document (市, 县)."""
        from .nlp import lexicon

        return bool(ident[0]) and ident[0] in lexicon.division_index()

    def _same_department(self, ident) -> set:
        """Keys of the departments one of whose names has identity `ident`: names whose first place
        starts like its level (department_identity is too slow to run on every name)."""
        from .link import department_identity

        start = ident[0].removeprefix("中共")[:2]
        return {key for n, key in self.departments.get(start, ()) if department_identity(n) == ident}

    def match(self, ent, where) -> str | None:
        from .link import _norm, _org_identity, department_identity

        if ent.type == "County" and ent.code:
            return self.by_code.get(ent.code)
        names = [ent.label, *sorted(ent.aliases)]
        if ent.type == "Department":
            idents = {department_identity(n, where) for n in names}
            absolute = [i for i in idents if self._absolute(i)]
            if absolute:
                hits = set().union(*map(self._same_department, absolute))
                return next(iter(hits)) if len(hits) == 1 else None
        if ent.type in _PLACED:  # 市人民医院 of a 铜仁 document is 铜仁市人民医院
            names = [_org_identity(n, where) for n in names]
        hits = set().union(*(self.by_name.get((ent.type, _norm(n)), set()) for n in names))
        return next(iter(hits)) if len(hits) == 1 else None


def add_files(store, paths, existing: dict | None = None) -> dict:
    """Add the gazettes in `paths` to an open pyoxigraph Store; returns counts, timings and the
    store's entities afterwards (`existing`: the store's entities before, if known)."""
    from .build import _HAN
    from .link import Linker, Place, department_identity, entity_key, link
    from .pipeline import Corpus, documents_of, mentions_of
    from .read import read_corpus
    from .relate import relate

    t0 = time.perf_counter()
    sources, errors = read_corpus(paths)
    corpus = Corpus(errors=errors)
    per_doc = []
    for src in sources:
        docs = documents_of(src) if _HAN.search(src.text) else []
        if not docs:
            corpus.errors.append(NoDocumentsError(src.path, "no documents found"))
            continue
        corpus.sources.append(src)
        per_doc.extend((d, mentions_of(d)) for d in docs)
    if not per_doc:
        raise corpus.errors[0] if corpus.errors else InputError(", ".join(map(str, paths)), "nothing to add")
    replaced = _document_ids(store, [d for d, _ in per_doc])
    for doc, mentions in per_doc:
        for m in mentions:
            m.doc_id = doc.id
        corpus.documents.append(doc)
        corpus.mentions.extend(mentions)
    timings = {"map": time.perf_counter() - t0}

    t = time.perf_counter()
    existing = store_entities(store) if existing is None else existing
    matcher = _Matcher(existing)
    places = {d.id: Place.of_document(d) for d in corpus.documents}
    entities = {}
    for key, ent in sorted(link(corpus.mentions, corpus.documents).items()):
        where = places.get(ent.mentions[0].doc_id, Place()) if ent.mentions else Place()
        target = matcher.match(ent, where)
        if target is None and key in existing:  # the label is another thing's (市财政局 of another city)
            level, body = department_identity(ent.label, where) if ent.type == "Department" else ("", "")
            ent.aliases.add(ent.label)
            ent.label = level + body if level and level != "市" else f"{ent.label}（{where.city or where.province}）"
            target = entity_key(ent.type, ent.label)
        base = existing.get(target)
        if base is not None:  # the store's entity, with the names this gazette adds
            ent.aliases |= base.aliases | {base.label}
            ent.label, ent.code, ent.level = base.label, base.code or ent.code, base.level or ent.level
        ent.aliases.discard(ent.label)
        for m in ent.mentions:
            m.entity = target or key
        ent.key = target or key
        entities[ent.key] = ent
    known = {**existing, **entities}
    linker = Linker.from_entities(_relevant(known, entities, places.values()))
    corpus.measures, corpus.relations = relate(corpus.documents, corpus.mentions, known, linker)
    units = {u for ms in corpus.measures for u in ms.units}  # clause units: their aliases may have grown
    corpus.entities = {**entities, **{k: e for k, e in known.items() if k not in entities
                                      and (k not in existing or k in units)}}
    timings["link+relate"] = time.perf_counter() - t

    t = time.perf_counter()
    _write(store, corpus)
    timings["store"] = time.perf_counter() - t
    return {"documents": len(corpus.documents), "replaced": len(replaced), "entities": len(corpus.entities),
            "new_entities": sum(k not in existing for k in corpus.entities), "mentions": len(corpus.mentions),
            "measures": len(corpus.measures), "relations": len(corpus.relations), "errors": corpus.errors,
            "timings": timings, "seconds": time.perf_counter() - t0,
            "after": {**existing, **{k: replace(e, mentions=[]) for k, e in corpus.entities.items()}}}


def _relevant(known: dict, touched: dict, places) -> list:
    """The entities a clause of the new documents may name: all but the city and county
    departments of other places (naming the 45 departments of each of 300 cities, they make
    the linker's index, which computes each department's identity, take seconds)."""
    names = {p for w in places for p in (w.city, w.county, w.province) if p}
    stems = {n[:2] for n in names}
    return [e for k, e in known.items()
            if k in touched or e.type != "Department" or e.level not in ("市", "县")
            or any(n[:2] in stems for n in (e.label, *e.aliases))]


def _document_ids(store, documents) -> list[str]:
    """Make the new documents' ids distinct from each other and from the store's documents of
    other files (the same 文号 in two gazettes); returns the ids that replace a document of the
    same file (the file added again)."""
    from .build import _unique_document_ids
    from .rdf import doc_iri

    _unique_document_ids(documents)
    files: dict[str, set] = {}
    for row in store.query(_SOURCE_OF, use_default_graph_as_union=True):
        files.setdefault(row["doc"].value, set()).add(row["file"].value)
    replaced = []
    for doc in documents:
        base, n = doc.id, 1
        while files.get(doc_iri(doc.id).value, {doc.source.name}) != {doc.source.name}:
            n += 1
            doc.id = f"{base}~{n}"
        if doc_iri(doc.id).value in files:
            replaced.append(doc.id)
    return replaced


def _write(store, corpus) -> None:
    """Replace the documents' named graphs and the touched entities' descriptions."""
    import pyoxigraph as ox

    from .rdf import ENTITY_GRAPH, corpus_quads, doc_iri, node

    describing = {ox.NamedNode(p) for p in _DESCRIBING}
    old = [q for d in corpus.documents for q in store.quads_for_pattern(None, None, None, doc_iri(d.id))]
    for key in corpus.entities:
        old.extend(q for q in store.quads_for_pattern(node(key), None, None, ENTITY_GRAPH) if q.predicate in describing)
    for q in old:
        store.remove(q)
    store.extend(corpus_quads(corpus))  # with the build record: the new sources and their documents
    store.flush()


_ENTITY_CACHE = "kg-entities.pickle"  # the store's entities as of its last `kg add` (reading them takes seconds)


def _cached_entities(store_dir: Path, stamp: dict) -> dict | None:
    path = store_dir / _ENTITY_CACHE
    if stamp.get("generation") and path.exists():
        generation, entities = pickle.loads(path.read_bytes())
        if generation == stamp["generation"]:
            return entities
    return None


def add_command(args) -> int:
    """`kg add FILE… --store DIR [--graph out/graph.trig]`."""
    import pyoxigraph as ox

    from .store import _STAMP, open_store

    store_dir = Path(args.store)
    if not (store_dir / _STAMP).exists():
        graph = Path(args.graph)
        if not graph.exists():
            raise GraphNotBuiltError(f"{store_dir}: no store there, and no {graph} to make one from; "
                                     f"build first (kg build --out {graph.parent}) or give --graph")
        if graph.suffix.lower() not in (".trig", ".nq"):
            raise InputError(graph, "a store to add to keeps one named graph per document: give graph.trig or .nq")
        print(f"loading {graph} into {store_dir} (once) …", file=sys.stderr)
        open_store(store_dir, graph)  # not kept: closed (its lock released) at once
    store = ox.Store(str(store_dir))
    stamp = store_dir / _STAMP
    have = json.loads(stamp.read_text())
    result = add_files(store, args.inputs, _cached_entities(store_dir, have))
    have["added"] = sorted(set(have.get("added", [])) | {str(Path(p).resolve()) for p in args.inputs})
    have["generation"] = uuid.uuid4().hex
    (store_dir / _ENTITY_CACHE).write_bytes(pickle.dumps((have["generation"], result["after"])))
    stamp.write_text(json.dumps(have))
    for err in result["errors"]:
        print(f"skipped {err}", file=sys.stderr)
    print(f"added {result['documents']} documents ({result['replaced']} replaced), {result['mentions']} mentions, "
          f"{result['entities']} entities touched ({result['new_entities']} new), {result['measures']} measures, "
          f"{result['relations']} relations in {result['seconds']:.1f} s")
    return 2 if result["errors"] else 0
