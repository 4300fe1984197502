"""Scoring a graph against gold annotations: the same rules as shared/tools/score_kg.py.

The scorer sees a graph only through the public contract (ARCHITECTURE.md), matched by local
names so any namespace works:

  classes   Department County Enterprise Institution Project; rdfs:subClassOf* is followed
  labels    skos:prefLabel, skos:altLabel, rdfs:label, normalised (no whitespace, （）→(), no quotes)
  mentions  a node with `taIdentRef` → entity and a `line` (or `sourceLine` / `startLine`)
  measures  `responsibleUnit` → unit, `ledBy` → lead, `startLine` / `endLine`; `clause` → a node
            with `beginIndex` / `endIndex` (character offsets of the clause in the input file)

Gold format (researchers can annotate their own gazette the same way and run `kg eval`):

  entities (a JSON object with "spans"):
    {"source": "gazette.txt",
     "spans": [{"id": "d1-a", "doc": "晋市政发〔2022〕27号", "lines": [821, 1290],
                "entities": [{"type": "Project", "name": "高平绿色铸造产业园",
                              "aliases": ["绿色铸造产业园"], "lines": [855], "note": "…"}]}]}
    `lines` of a span are 1-based, inclusive lines of the source file as it is; every entity of
    the listed types named in those lines is annotated once, with its fullest name and every
    other surface form as aliases. Within a span, a predicted entity counts if any of its
    mentions has a line inside the span. Strict matching wants a normalised label equal to the
    name or an alias; lenient also accepts one containing the other when the shorter has ≥2
    characters and ≥60% of the longer's length.

  responsibility (a JSON object with "clauses"):
    {"clauses": [{"line": 7146, "line_end": 7150, "measure_start_line": 7118,
                  "measure_title": "形成鼓励创新创造的政策导向",
                  "units": ["市市场监管局", "市发展改革委"], "collective": ["各县（市、区）人民政府"],
                  "lead": "市市场监管局"}]}
    A clause is found when a measure's [startLine, endLine] holds `line` and the measure
    starts no later than measure_start_line + 2 (the narrowest such measure is used). A gold
    clause with character offsets ("offset", "end": 0-based, end exclusive, into the file as
    open(path, encoding="utf-8").read() gives it) is found instead by the measure, not yet
    matched, whose clause node overlaps it most. Units are matched in order against the
    measure's responsibleUnit labels; the lead counts when the text marks one (牵头) and a
    `ledBy` label equals it; the title counts when it is contained in one of the measure's labels.

  responsibility by document (a JSON object with "documents", as shared/tools/score_documents.py
  reads it): {"documents": [{"file": "a.txt", "clauses": [… with offsets …]}]}. Each file, found
  in the folder given with --texts, is built on its own and scored as above; the totals are
  summed from each document's precision and recall as score_documents.py sums them.

Matching is greedy in gold order against predictions in the graph's storage order (the order
rdflib parsed or received the triples), exactly as the script does: when one prediction could
match several gold entities (lenient matching), that order decides, so the same file always
gives the same numbers in both. Measures, which the script visits in set order, are visited by
IRI here.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS
from rdflib.namespace import SKOS

from .errors import InputError, KGError

TYPES = ("Department", "County", "Enterprise", "Institution", "Project")
LINE_PROPERTIES = ("line", "sourceLine", "startLine")
# Local name of an IRI: the part after the last # or /.
_LOCAL = re.compile(r"[#/]")
_SPACE = re.compile(r"\s+")
LENIENT_MIN_CHARS = 2
LENIENT_MIN_RATIO = 0.6


# ------------------------------------------------------------------ records

@dataclass
class TypeScore:
    """Counts for one entity type, with the names behind the errors."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)  # gold names not found
    extras: list[str] = field(default_factory=list)  # predicted labels not in gold

    @property
    def prf(self) -> tuple[float, float, float]:
        return prf(self.tp, self.fp, self.fn)


@dataclass
class EntityScore:
    lenient: bool
    types: dict[str, TypeScore]

    @property
    def micro(self) -> TypeScore:
        t = TypeScore()
        for s in self.types.values():
            t.tp += s.tp
            t.fp += s.fp
            t.fn += s.fn
        return t


@dataclass
class ResponsibilityScore:
    clauses: int
    found: int
    unit_tp: int
    unit_fp: int
    unit_fn: int
    leads_ok: int
    leads: int
    titles: int
    missed_clauses: list[int] = field(default_factory=list)  # gold clause offsets (or lines) not found

    @property
    def units(self) -> tuple[float, float, float]:
        return prf(self.unit_tp, self.unit_fp, self.unit_fn)


# ------------------------------------------------------------------ shared rules

def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def local(iri) -> str:
    return _LOCAL.split(str(iri))[-1]


def norm(s) -> str:
    """Label normal form: no whitespace, ASCII brackets, no double quotes."""
    s = _SPACE.sub("", str(s))
    return s.replace("（", "(").replace("）", ")").replace("“", "").replace("”", "").replace('"', "")


def matches(gold_names: set[str], labels: set[str], lenient: bool) -> bool:
    if gold_names & labels:
        return True
    if lenient:
        for a in gold_names:
            for b in labels:
                short, long_ = sorted((a, b), key=len)
                if len(short) >= LENIENT_MIN_CHARS and short in long_ and \
                        len(short) / len(long_) >= LENIENT_MIN_RATIO:
                    return True
    return False


def load_graph(path: str | Path) -> rdflib.Graph:
    """Any RDF file rdflib parses; quads (TriG, N-Quads) are merged into one graph.

    (score_kg.py reads only the default graph of a TriG file, where kg keeps nothing; score
    graph.ttl to compare the two.)
    """
    path = str(path)
    if not Path(path).is_file():
        raise InputError(path, "no such graph file")
    try:
        if path.endswith((".trig", ".nq")):
            ds = rdflib.Dataset()
            ds.parse(path)
            g = rdflib.Graph()
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
            return g
        g = rdflib.Graph()
        g.parse(path)
        return g
    except Exception as err:  # rdflib raises many parser-specific errors
        raise InputError(path, f"not a readable RDF graph ({err})") from err


def load_gold(path: str | Path) -> tuple[str, dict]:
    """Gold JSON and its kind: "entities" (has "spans") or "responsibility" (has "clauses")."""
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(path, f"not a readable gold JSON file ({err})") from err
    if isinstance(gold, dict) and "spans" in gold:
        return "entities", gold
    if isinstance(gold, dict) and "clauses" in gold:
        return "responsibility", gold
    if isinstance(gold, dict) and isinstance(gold.get("documents"), list):
        return "documents", gold
    raise InputError(path, 'gold JSON needs a "spans" (entities), "clauses" (responsibility) or "documents" list')


def _predicates(g: rdflib.Graph, name: str) -> list:
    return sorted({p for p in g.predicates() if local(p) == name})


def labels(g: rdflib.Graph, node) -> set[str]:
    return {norm(o) for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for o in g.objects(node, p)}


def entity_types(g: rdflib.Graph) -> dict:
    """Entity → the scored types it has, through rdfs:subClassOf chains."""
    parents = defaultdict(set)
    for s, o in g.subject_objects(RDFS.subClassOf):
        parents[s].add(o)
    memo: dict = {}

    def up(c, seen=()):
        if c in memo:
            return memo[c]
        out = {local(c)}
        for p in parents.get(c, ()):
            if p not in seen:
                out |= up(p, seen + (c,))
        memo[c] = out
        return out

    types = defaultdict(set)
    for s, c in g.subject_objects(RDF.type):
        types[s].update(t for t in up(c) if t in TYPES)
    return types


def mention_lines(g: rdflib.Graph) -> dict:
    """Entity → the source lines of its mentions."""
    line_props = [p for name in LINE_PROPERTIES for p in _predicates(g, name)]
    lines = defaultdict(set)
    for ref in _predicates(g, "taIdentRef"):
        for m, e in g.subject_objects(ref):
            for lp in line_props:
                for ln in g.objects(m, lp):
                    try:
                        lines[e].add(int(ln))
                    except ValueError:
                        pass
    return lines


# ------------------------------------------------------------------ entities

def score_entities(g: rdflib.Graph, gold: dict, lenient: bool = False) -> EntityScore:
    """Per-type true/false positives and misses over the gold spans."""
    types = entity_types(g)
    lines = mention_lines(g)
    entities = list(lines)  # storage order, as score_kg.py
    label_cache = {e: labels(g, e) for e in entities}
    scores = {t: TypeScore() for t in TYPES}
    for span in gold["spans"]:
        a, b = span["lines"]
        present = [e for e in entities if any(a <= x <= b for x in lines[e])]
        for t in TYPES:
            score = scores[t]
            predicted = [(e, label_cache[e]) for e in present if t in types.get(e, ())]
            used: set[int] = set()
            for ge in span["entities"]:
                if ge["type"] != t:
                    continue
                names = {norm(ge["name"])} | {norm(x) for x in ge.get("aliases", [])}
                hit = next((i for i, (_, ls) in enumerate(predicted)
                            if i not in used and matches(names, ls, lenient)), None)
                if hit is None:
                    score.fn += 1
                    score.misses.append(ge["name"])
                else:
                    score.tp += 1
                    used.add(hit)
            for i, (e, ls) in enumerate(predicted):
                if i not in used:
                    score.fp += 1
                    score.extras.append(sorted(ls)[0] if ls else str(e))
    return EntityScore(lenient, scores)


# ------------------------------------------------------------------ responsibility

def _clause_spans(g: rdflib.Graph) -> dict:
    """Measure → (begin, end) of its clause node, where the graph records one."""
    begins, ends = _predicates(g, "beginIndex"), _predicates(g, "endIndex")
    out = {}
    for p in _predicates(g, "clause"):
        for m, c in g.subject_objects(p):
            try:
                b = min(int(x) for q in begins for x in g.objects(c, q))
                e = max(int(x) for q in ends for x in g.objects(c, q))
            except ValueError:
                continue
            out[m] = (b, e)
    return out


def _measures(g: rdflib.Graph) -> list[tuple]:
    """(startLine, endLine, measure, unit labels, lead labels), visited by IRI; lines None if unknown."""
    resp = _predicates(g, "responsibleUnit")
    led = _predicates(g, "ledBy")
    starts, ends = _predicates(g, "startLine"), _predicates(g, "endLine")
    out = []
    for m in sorted({s for p in resp for s in g.subjects(p)}, key=str):
        try:
            a = min(int(x) for p in starts for x in g.objects(m, p))
            b = max(int(x) for p in ends for x in g.objects(m, p))
        except ValueError:
            a = b = None  # placed by its clause offsets only
        units = [labels(g, u) for p in resp for u in g.objects(m, p)]
        leads = [labels(g, u) for p in led for u in g.objects(m, p)]
        out.append((a, b, m, units, leads))
    return out


def score_responsibility(g: rdflib.Graph, gold: dict) -> ResponsibilityScore:
    measures = _measures(g)
    spans = _clause_spans(g)
    r = ResponsibilityScore(len(gold["clauses"]), 0, 0, 0, 0, 0, 0, 0)
    taken: set = set()
    for c in gold["clauses"]:
        if "offset" in c:  # the measure whose recorded clause overlaps the gold clause most
            def overlap(x, c=c):
                b, e = spans[x[2]]
                return min(e, c["end"]) - max(b, c["offset"])
            cands = [x for x in measures if x[2] in spans and x[2] not in taken
                     and spans[x[2]][0] < c["end"] and c["offset"] < spans[x[2]][1]]
            pick = max(cands, key=overlap) if cands else None
        else:
            cands = [x for x in measures if x[0] is not None and x[0] <= c["line"] <= x[1]
                     and x[0] <= c["measure_start_line"] + 2]
            pick = min(cands, key=lambda x: x[1] - x[0]) if cands else None
        if pick is None:
            r.unit_fn += len(c["units"]) + len(c["collective"])
            r.leads += c["lead"] is not None
            r.missed_clauses.append(c.get("offset", c["line"]))
            continue
        _, _, m, units, leads = pick
        taken.add(m)
        r.found += 1
        left = list(units)
        for u in (norm(u) for u in c["units"] + c["collective"]):
            hit = next((i for i, ls in enumerate(left) if u in ls), None)
            if hit is None:
                r.unit_fn += 1
            else:
                r.unit_tp += 1
                left.pop(hit)
        r.unit_fp += len(left)
        if c["lead"]:
            r.leads += 1
            r.leads_ok += any(norm(c["lead"]) in ls for ls in leads)
        title = norm(c.get("measure_title", ""))
        if any(title in x for x in labels(g, m)):
            r.titles += 1
    return r


def document_clauses(doc: dict) -> list[dict]:
    """The scored clauses of one document of a by-document gold (annotations and table rows)."""
    out = []
    for c in doc.get("clauses", []):
        if c.get("clause_type", "annotation") in ("annotation", "table_row"):
            c = dict(c)
            c.setdefault("measure_title", "")
            c.setdefault("measure_start_line", c["line"])
            out.append(c)
    return out


@dataclass
class DocumentsScore:
    """Per-document scores of a by-document gold, and totals summed as score_documents.py sums them."""

    rows: list[tuple[str, ResponsibilityScore | None, str]]  # (file, score or None, error)
    found: int = 0
    clauses: int = 0
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0
    leads_ok: int = 0
    leads: int = 0

    @property
    def units(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_documents(gold: dict, texts: str | Path) -> DocumentsScore:
    """Build each gold document's file on its own (from the folder `texts`) and score it."""
    if not texts or not Path(texts).is_dir():
        raise InputError(str(texts or "--texts"), "a gold file with \"documents\" needs --texts DIR, the folder of its files")
    out = DocumentsScore([])
    for doc in gold["documents"]:
        clauses = document_clauses(doc)
        if not clauses:
            continue
        n = sum(len(c["units"]) + len(c["collective"]) for c in clauses)
        try:
            g = built_graph([Path(texts) / doc["file"]])
        except KGError as err:
            out.rows.append((doc["file"], None, str(err)))
            out.clauses += len(clauses)
            out.fn += n
            out.leads += sum(1 for c in clauses if c["lead"])
            continue
        s = score_responsibility(g, {"clauses": clauses})
        out.rows.append((doc["file"], s, ""))
        p, rec, _ = s.units
        tp = rec * n
        out.tp += tp
        out.fn += n - tp
        out.fp += (tp / p - tp) if p else 0
        out.found += s.found
        out.clauses += s.clauses
        out.leads_ok += s.leads_ok
        out.leads += s.leads
    return out


# ------------------------------------------------------------------ reports and command

def entity_report(strict: EntityScore, lenient: EntityScore, verbose: bool = False, limit: int = 30) -> str:
    lines = []
    for score in (strict, lenient):
        micro = score.micro
        lines.append("%-8s micro P/R/F1 = %.3f %.3f %.3f  (tp %d fp %d fn %d)" % (
            "lenient" if score.lenient else "strict", *micro.prf, micro.tp, micro.fp, micro.fn))
        for t in TYPES:
            s = score.types[t]
            lines.append("  %-12s P %.3f R %.3f F1 %.3f  (tp %d fp %d fn %d)" % (t, *s.prf, s.tp, s.fp, s.fn))
    if verbose:
        for t in TYPES:
            s = lenient.types[t]
            if s.misses:
                lines.append(f"missed {t} ({len(s.misses)}): " + "、".join(s.misses[:limit]))
            if s.extras:
                lines.append(f"extra  {t} ({len(s.extras)}): " + "、".join(s.extras[:limit]))
    return "\n".join(lines)


def responsibility_report(r: ResponsibilityScore, verbose: bool = False) -> str:
    out = "clauses found %d/%d, unit P/R/F1 %.3f %.3f %.3f, explicit leads %d/%d, titles %d/%d" % (
        r.found, r.clauses, *r.units, r.leads_ok, r.leads, r.titles, r.clauses)
    if verbose and r.missed_clauses:
        out += "\nclauses not found (gold offset or line): " + ", ".join(map(str, r.missed_clauses))
    return out


def documents_report(d: DocumentsScore, verbose: bool = False) -> str:
    lines = []
    for name, s, error in d.rows:
        if s is None:
            lines.append("%-36s build failed: %s" % (name, error))
            continue
        lines.append("%-36s clauses %d/%d  units P %.2f R %.2f F1 %.2f  leads %d/%d" % (
            name, s.found, s.clauses, *s.units, s.leads_ok, s.leads))
        if verbose and s.missed_clauses:
            lines.append("   clauses not found (gold offset or line): " + ", ".join(map(str, s.missed_clauses)))
    lines.append("all: clauses found %d/%d, unit P/R/F1 %.3f %.3f %.3f, leads %d/%d" % (
        d.found, d.clauses, *d.units, d.leads_ok, d.leads))
    return "\n".join(lines)


def built_graph(paths=None) -> rdflib.Graph:
    """Build the given files (the bundled gazette by default) in memory, triples in a fixed order."""
    try:
        from .build import build_corpus
        from .rdf import corpus_graph
    except ImportError as err:
        raise KGError(f"cannot build in memory ({err}); pass --graph out/graph.ttl") from err
    corpus = build_corpus([str(p) for p in paths] if paths else None)
    if paths and not corpus.documents:
        raise corpus.errors[0] if corpus.errors else InputError(str(paths[0]), "no documents found")
    built = corpus_graph(corpus)
    # lenient ties follow triple order (see above): a fixed order gives the same numbers every run
    g = rdflib.Graph()
    for prefix, ns in built.namespaces():
        g.bind(prefix, ns, override=True)
    for t in sorted(built, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        g.add(t)
    return g


def bundled_graph() -> rdflib.Graph:
    """The bundled gazette built in memory (no files written)."""
    return built_graph()


def eval_command(args) -> int:
    """`kg eval GOLD.json [--graph PATH] [--texts DIR] [-v]`: print P/R/F1 tables."""
    kind, gold = load_gold(args.gold)
    if kind == "documents":
        print(documents_report(score_documents(gold, getattr(args, "texts", None)), args.verbose))
        return 0
    g = load_graph(args.graph) if args.graph else bundled_graph()
    if kind == "entities":
        report = entity_report(score_entities(g, gold, False), score_entities(g, gold, True), args.verbose)
    else:
        report = responsibility_report(score_responsibility(g, gold), args.verbose)
    print(report)
    return 0
