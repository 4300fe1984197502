"""Questions in Chinese (or plain English) → named queries.

A question is matched against `QUESTIONS`, a table of regexes with one named group for the
thing asked about (`e` an entity, `m` a measure title, `d` a document). The entity is linked
the way extraction links names (kg.link.Linker when available; else the graph's prefLabel /
altLabel, then abbreviation as an in-order subsequence: 市发改委 → 市发展改革委), and the
matching named query runs with the canonical label as its parameter.

    kg ask "市市场监管局牵头哪些项目？"
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field

from .errors import QueryError
from .query import Result, display_width, format_result, load_graph, run

# --- the question table (data) ---------------------------------------------------------------
# Each row: named query, its parameter, the slot kind (entity | measure | document | none), the
# entity types that make the row apply (empty = any), patterns, and an example for the help.
# Rows are tried in order; the first whose pattern matches AND whose entity links wins, so
# "泽州县有哪些项目" (a county) and "市科技局有哪些任务" (a department) reach different queries.
_ADV = r"(?:都|还|主要|具体|分别|一共|共)?"  # adverbs between the name and the verb
_LEAD = _ADV + r"(?:牵头|负责|主导|主抓|牵总|统筹)"
_WORK = r"(?:项目|任务|工作|措施|事项|事情|举措|事)"
_WHICH = r"(?:哪些|什么|那些|哪几项|几项|多少|啥)"
_ORG = r"(?:单位|部门|机构|机关)"
_UNITS = ("Department", "Collective", "Organization")
_ORGS = ("Enterprise", "Institution", "Organization", "Department")
_PLACES = ("County", "Place")

QUESTIONS = [
    # who leads what
    ("measures_led_by", "unit", "entity", _UNITS, "市市场监管局牵头哪些项目？", [
        rf"^(?P<e>.+?){_LEAD}(?:了|的)?{_WHICH}?{_WORK}",
        rf"^(?P<e>.+?){_LEAD}(?:了|的)?{_WHICH}$",
        rf"^{_WHICH}{_WORK}(?:是)?由(?P<e>.+?){_LEAD}",
        rf"^由(?P<e>.+?){_LEAD}的{_WORK}",
        r"^(?:which|what)\s+(?:measures|tasks|projects|work|items|jobs)\s+(?:does|do|is|are)\s+(?P<e>.+?)\s+"
        r"(?:lead|leading|head|heading|in\s+charge\s+of|responsible\s+for)\b",
        r"^what\s+(?:does|do|is)\s+(?P<e>.+?)\s+(?:lead|leading|head|in\s+charge\s+of)\b",
        r"^(?:list\s+)?(?:the\s+)?(?:measures|tasks|projects)\s+(?:led|headed)\s+by\s+(?P<e>.+)$",
    ]),
    # who takes part in what
    ("measures_of_unit", "unit", "entity", _UNITS, "市科技局参与哪些工作？", [
        rf"^(?P<e>.+?)(?:参与|参加|配合|协同|涉及|承担)(?:了|的)?{_WHICH}?{_WORK}",
        rf"^(?P<e>.+?)(?:有|的){_WHICH}?(?:责任|{_WORK})",
        r"^(?:which|what)\s+(?:measures|tasks|projects|work)\s+(?:does|do|is|are)\s+(?P<e>.+?)\s+"
        r"(?:take\s+part\s+in|part\s+of|participate\s+in|involved\s+in|work\s+on)\b",
        r"^what\s+is\s+(?P<e>.+?)\s+involved\s+in\b",
    ]),
    # who is responsible for a measure
    ("units_of_measure", "measure", "measure", (), "哪些部门负责加强知识产权文化建设？", [
        rf"^{_WHICH}{_ORG}{_LEAD}(?P<m>.+)$",
        rf"^(?P<m>.+?)(?:由|是由)?{_WHICH}{_ORG}{_LEAD}",
        rf"^(?P<m>.+?)的(?:责任|牵头|负责){_ORG}",
        r"^(?:who|which\s+(?:units?|departments?))\s+(?:is|are)?\s*(?:responsible\s+for|leads?|in\s+charge\s+of)\s+(?P<m>.+)$",
    ]),
    # co-responsibility partners
    ("partners_of_unit", "unit", "entity", _UNITS, "市发展改革委和哪些部门共同负责？", [
        rf"^(?P<e>.+?)(?:和|与|同|跟){_WHICH}{_ORG}(?:共同|一起|合作|协同|配合|联合)",
        rf"^{_WHICH}{_ORG}(?:和|与|同|跟)(?P<e>.+?)(?:共同|一起|合作|协同|配合|联合)",
        r"^(?:which|what)\s+(?:units|departments|bodies)\s+(?:work|share\s+measures|cooperate)\s+with\s+(?P<e>.+)$",
        r"^who\s+(?:works|shares\s+measures)\s+with\s+(?P<e>.+)$",
    ]),
    # cooperation between enterprises and institutions
    ("cooperates_with", "entity", "entity", _ORGS, "中北大学与哪些企业合作？", [
        rf"^(?P<e>.+?)(?:和|与|同|跟){_WHICH}(?:企业|机构|单位|高校|公司)?(?:合作|协作|共建)",
        r"^(?:who|which\s+\w+)\s+(?:does|do)\s+(?P<e>.+?)\s+(?:cooperate|collaborate|work)\s+with\b",
    ]),
    # projects an enterprise builds or supports
    ("projects_of_enterprise", "enterprise", "entity", _ORGS, "山西泫氏实业集团有限公司建设哪些项目？", [
        r"^(?P<e>.+?)(?:建设|承建|投资|实施|支持|推进)(?:了|的)?(?:哪些|什么)?(?:项目|工程)",
        r"^what\s+(?:projects\s+)?(?:does|do)\s+(?P<e>.+?)\s+(?:build|support|invest\s+in)\b",
    ]),
    # "X有哪些项目" asked of an enterprise or institution (of a county: located_in; of a department: its measures)
    ("projects_of_enterprise", "enterprise", "entity", ("Enterprise", "Institution"), "晋控装备集团有哪些项目？", [
        rf"^(?P<e>.+?)(?:有|的){_WHICH}(?:项目|工程)",
    ]),
    # what relies on an institution
    ("relies_on", "entity", "entity", (), "哪些平台依托中北大学？", [
        rf"^{_WHICH}(?:平台|项目|机构|中心|单位|实验室)?(?:依托|依靠|依赖|基于)(?P<e>.+)$",
        r"^(?:依托|依靠)(?P<e>.+?)的.*(?:有哪些|是什么|哪些)",
        r"^what\s+(?:relies|depends|is\s+based)\s+on\s+(?P<e>.+)$",
    ]),
    # places
    ("located_in", "place", "entity", _PLACES, "泽州县有哪些项目？", [
        r"^(?:位于|在)(?P<e>.+?)的.*(?:有哪些|是什么|哪些)",
        r"^(?P<e>.+?)(?:境内|辖区内|内)?(?:有|都有)(?:哪些|什么)",
        r"^(?:what|which\s+\w+)\s+(?:is|are)\s+(?:located\s+)?in\s+(?P<e>.+)$",
    ]),
    # documents
    ("documents_citing", "cited", "document", (), "哪些文件引用了晋市政发〔2022〕27号？", [
        r"^(?:哪些|什么)(?:文件|政策|文档)(?:引用|援引|提到|依据)(?:了)?(?P<d>.+)$",
        r"^(?P<d>.+?)被(?:哪些|什么)(?:文件|政策)?(?:引用|援引)",
        r"^which\s+documents?\s+(?:cite|cites|refer\s+to)\s+(?P<d>.+)$",
    ]),
    ("measures_in_document", "document", "document", (), "晋市政发〔2022〕32号有哪些措施？", [
        rf"^(?P<d>.+?)(?:中|里)?(?:有|包括|包含)(?:哪些|什么)?{_WORK}",
        r"^(?:which|what)\s+measures\s+(?:does|are\s+in)\s+(?P<d>.+?)(?:\s+(?:have|contain|list))?$",
    ]),
    ("documents_issued_by", "issuer", "entity", (), "晋城市人民政府发布了哪些文件？", [
        r"^(?P<e>.+?)(?:发布|印发|出台|发出|制定)(?:了|的)?(?:哪些|什么)?(?:文件|政策|通知)",
        r"^(?:which|what)\s+documents?\s+(?:did|does|has)\s+(?P<e>.+?)\s+(?:issue|issued|publish)\b",
    ]),
    ("mentions_of", "entity", "entity", (), "中北大学在哪里被提到？", [
        r"^(?P<e>.+?)在(?:哪里|哪儿|哪些地方|哪些文件|哪个文件|什么地方)(?:中|里)?(?:被)?(?:提到|提及|出现)",
        r"^(?:哪里|哪些文件|哪些地方)(?:提到|提及)(?:了)?(?P<e>.+)$",
        r"^where\s+(?:is|are|was)\s+(?P<e>.+?)\s+(?:mentioned|named|cited)\b",
    ]),
    ("busiest_departments", "", "none", (), "哪些部门最忙？", [
        r"^(?:哪些|哪个|什么)(?:部门|单位)(?:最忙|任务最多|出现最多|最活跃)",
        r"^(?:which|what)\s+(?:are\s+the\s+)?(?:departments?|units?)\s+(?:is|are)?\s*(?:the\s+)?busiest\b",
        r"^busiest\s+departments?$",
    ]),
]

# what a terminal answer shows for queries whose rows are wide (long titles and clause texts)
ANSWER_COLUMNS = {
    "measures_led_by": ("title", "documentNumber", "startLine", "clauseLine", "leadBasis"),
    "measures_of_unit": ("title", "role", "unitOrder", "documentNumber", "startLine", "leadLabel", "leadBasis"),
    "units_of_measure": ("unitLabel", "role", "unitOrder", "documentNumber", "startLine", "leadBasis"),
    "measures_in_document": ("sectionPath", "title", "leadLabel", "leadBasis", "startLine"),
}

# question clean-up: polite lead-ins and trailing punctuation that are not part of the content
_LEAD_IN_RE = re.compile(r"^(?:请问|请告诉我|我想知道|想问一下|问一下|请列出|列出|please\s+tell\s+me\s+|tell\s+me\s+)",
                         re.IGNORECASE)
_TRAIL_RE = re.compile(r"[\s？?！!。.，,：:；;]+$")
# spaces between Chinese characters carry no meaning (市市场监管局 牵头 哪些 项目)
_CJK_SPACE_RE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
# slot clean-up: quotes around a name, a trailing 的, English articles
_SLOT_STRIP_RE = re.compile(r"^[\s“”\"'「」『』]+|[\s“”\"'「」『』]+$|的$")
_EN_ARTICLE_RE = re.compile(r"^(?:the)\s+", re.IGNORECASE)
# a leading city name before 市: 晋城市发展改革委 → 市发展改革委 (labels are often city-relative)
_CITY_PREFIX_RE = re.compile(r"^[\u4e00-\u9fff]{2,3}(?=市[\u4e00-\u9fff]{2,})")

_COMPILED = [(q, p, slot, types, ex, [re.compile(r, re.IGNORECASE) for r in pats])
             for q, p, slot, types, ex, pats in QUESTIONS]


class UnsupportedQuestion(QueryError):
    """A question no row of the table matches; the message lists the supported forms."""


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str  # canonical label (skos:prefLabel)
    type: str
    how: str  # "label" | "alias" | "linker" | "abbreviation" | "title" | "fuzzy"


@dataclass
class Answer:
    question: str
    query: str
    params: dict
    result: Result
    target: Hit | None = None
    surface: str = ""
    notes: list[str] = field(default_factory=list)

    def header(self) -> list[str]:
        """What was understood: the linked name and the query that ran."""
        head = []
        if self.target is not None:
            linked = self.target.label if self.surface == self.target.label else \
                f"{self.surface} → {self.target.label} ({self.target.how})"
            head.append(f"{linked} [{self.target.type}]" if self.target.type else linked)
        head.append(f"query: {self.query} {' '.join(f'{k}={v}' for k, v in self.params.items())}".rstrip())
        return head

    def text(self, fmt: str = "table") -> str:
        """The answer as a table with its header and notes; csv/json/tsv: the rows only."""
        if fmt != "table":
            return format_result(self.result, fmt)
        return "\n".join(self.header() + [format_result(self.readable(), fmt)] + self.notes)

    def readable(self) -> Result:
        """The columns worth reading in a terminal (ANSWER_COLUMNS, else all but IRIs);
        `result` keeps every column for scripts."""
        cols = self.result.columns
        if self.query in ANSWER_COLUMNS:
            keep = [cols.index(c) for c in ANSWER_COLUMNS[self.query] if c in cols]
        else:
            keep = [i for i in range(len(cols))
                    if not any(isinstance(r[i], str) and r[i].startswith(("http://", "https://"))
                               for r in self.result.rows)]
        return Result([self.result.columns[i] for i in keep],
                      [tuple(r[i] for i in keep) for r in self.result.rows], kind=self.result.kind)


# --- entity linking --------------------------------------------------------------------------

_ENTITY_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
SELECT ?e ?class ?label ?pref ?code WHERE {
  ?e a ?class .
  FILTER(STRSTARTS(STR(?class), STR(kg:)) && ?class NOT IN (kg:Measure, kg:Mention, kg:Section, kg:Build))
  { ?e skos:prefLabel ?label . BIND(true AS ?pref) } UNION { ?e skos:altLabel ?label . BIND(false AS ?pref) }
  OPTIONAL { ?e kg:adminCode ?code }
}"""
_MEASURE_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
SELECT DISTINCT ?m ?title WHERE { ?m a kg:Measure ; dcterms:title|skos:prefLabel ?title }"""
_DOCUMENT_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://w3id.org/cn-policy-kg/ontology#>
SELECT DISTINCT ?d ?name ?pref WHERE {
  ?d a ?class . VALUES ?class { kg:Document kg:CitedDocument }
  { ?d kg:documentNumber|dcterms:identifier ?name BIND(true AS ?pref) }
  UNION { ?d dcterms:title|skos:prefLabel ?name BIND(true AS ?pref) }
  UNION { ?d skos:altLabel ?name BIND(false AS ?pref) } }"""


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("《", "").replace("》", "")


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


class EntityIndex:
    """Labels and aliases of the graph's entities, for linking the name in a question.

    Order of trust: exact label or alias → kg.link.Linker (the extraction's alias rules) →
    an abbreviation (same first and last character, an in-order subsequence of a label:
    市发改委 ⊂ 市发展改革委) → nothing, with difflib suggestions.
    """

    def __init__(self, rows, codes=None):
        # rows: (iri, type, label, is_pref); codes: iri → administrative division code
        self.pref: dict[str, tuple[str, str]] = {}  # iri → (label, type)
        self.by_label: dict[str, set[str]] = {}  # normalised label or alias → iris
        self.labels: dict[str, str] = {}  # normalised → as written
        self.codes = dict(codes or {})
        for iri, typ, label, is_pref in sorted(rows):
            if is_pref and iri not in self.pref:
                self.pref[iri] = (label, typ)
        for iri, typ, label, is_pref in sorted(rows):
            key = _norm(label)
            self.by_label.setdefault(key, set()).add(iri)
            self.labels.setdefault(key, label)
            self.pref.setdefault(iri, (label, typ))
        self._linker = None
        self._linker_tried = False

    @classmethod
    def from_graph(cls, graph) -> "EntityIndex":
        rows, codes = set(), {}
        for e, cls_, label, pref, code in graph.query(_ENTITY_QUERY):
            rows.add((str(e), str(cls_).rsplit("#", 1)[-1], str(label), bool(pref.toPython())))
            if code is not None:
                codes[str(e)] = str(code)
        return cls(rows, codes)

    def _hit(self, iri: str, how: str) -> Hit:
        label, typ = self.pref[iri]
        return Hit(iri, label, typ, how)

    def _pick(self, iris, types, how) -> Hit | None:
        iris = sorted(iris)
        if types:
            typed = [i for i in iris if self.pref[i][1] in types]
            iris = typed or iris
        return self._hit(iris[0], how) if len(iris) == 1 else None

    def resolve(self, surface: str, types=()) -> Hit | None:
        key = _norm(surface)
        if not key:
            return None
        for cand in dict.fromkeys([key, _CITY_PREFIX_RE.sub("", key)]):
            iris = self.by_label.get(cand)
            if iris:
                hit = self._pick(iris, types, "label")
                if hit:
                    how = "label" if _norm(hit.label) == key else "alias"
                    return Hit(hit.iri, hit.label, hit.type, how)
        hit = self._link(surface, types)
        if hit:
            return hit
        return self._abbreviation(key, types)

    def _link(self, surface: str, types) -> Hit | None:
        """kg.link.Linker, the extraction's own alias resolution, when that module provides it."""
        if not self._linker_tried:
            self._linker_tried = True
            try:
                from .link import Linker
                from .model import Entity

                aliases: dict[str, set[str]] = {}
                for k, iris in self.by_label.items():
                    for iri in iris:
                        aliases.setdefault(iri, set()).add(self.labels[k])
                entities = [Entity(key=iri, type=typ, label=label, aliases=aliases.get(iri, set()) - {label},
                                   code=self.codes.get(iri, ""))
                            for iri, (label, typ) in sorted(self.pref.items())]
                self._linker = Linker.from_entities(entities)
            except (ImportError, AttributeError, TypeError):
                self._linker = None
        if self._linker is None:
            return None
        try:
            ent = self._linker.resolve(surface)
        except (AttributeError, TypeError, ValueError):
            return None
        if ent is None:
            return None
        iri = getattr(ent, "key", None)
        if iri not in self.pref:
            iris = self.by_label.get(_norm(getattr(ent, "label", "")), ())
            iri = sorted(iris)[0] if iris else None
        if iri is None or (types and self.pref[iri][1] not in types):
            return None
        return self._hit(iri, "linker")

    def _abbreviation(self, key: str, types) -> Hit | None:
        if len(key) < 3:
            return None
        best: dict[str, float] = {}
        for label, iris in self.by_label.items():
            if len(label) > len(key) and label[0] == key[0] and label[-1] == key[-1] \
                    and _is_subsequence(key, label):
                for iri in iris:
                    if types and self.pref[iri][1] not in types:
                        continue
                    best[iri] = max(best.get(iri, 0.0), len(key) / len(label))
        if not best:
            return None
        if len(best) > 1:
            return None  # two entities abbreviate the same way: ask the user (see suggest)
        return self._hit(next(iter(best)), "abbreviation")

    def suggest(self, surface: str, n: int = 3, types=()) -> list[str]:
        """Canonical labels close to `surface` (for "did you mean …")."""
        key = _norm(surface)
        pool = {k: iris for k, iris in self.by_label.items()
                if not types or any(self.pref[i][1] in types for i in iris)}
        out = []
        for k in difflib.get_close_matches(key, list(pool), n=n * 3, cutoff=0.5):
            for iri in sorted(pool[k]):
                label = self.pref[iri][0]
                if label not in out:
                    out.append(label)
        if self._linker is not None and hasattr(self._linker, "suggest"):
            try:
                out += [s for s in self._linker.suggest(surface, n=n) if s not in out]
            except (TypeError, ValueError):
                pass
        return out[:n]


class TitleIndex:
    """Titles (measures) or names (documents: 文号, title) for the non-entity slots."""

    def __init__(self, names: dict[str, str]):
        self.names = names  # normalised → as written

    @classmethod
    def measures(cls, graph) -> "TitleIndex":
        return cls({_norm(str(t)): str(t) for _, t in graph.query(_MEASURE_QUERY)})

    @classmethod
    def documents(cls, graph) -> "TitleIndex":
        return cls({_norm(str(n)): str(n) for _, n, _ in graph.query(_DOCUMENT_QUERY)})

    def resolve(self, surface: str) -> Hit | None:
        key = _norm(surface)
        if key in self.names:
            return Hit("", self.names[key], "", "title")
        inside = sorted(k for k in self.names if key and (key in k or k in key) and len(key) >= 4)
        if len(inside) == 1:
            return Hit("", self.names[inside[0]], "", "fuzzy")
        return None

    def suggest(self, surface: str, n: int = 3) -> list[str]:
        keys = difflib.get_close_matches(_norm(surface), list(self.names), n=n, cutoff=0.4)
        return [self.names[k] for k in keys]


# --- asking ----------------------------------------------------------------------------------

def supported_forms() -> str:
    lines = ["kg can answer questions of these forms (Chinese or English):"]
    width = max(display_width(row[4]) for row in QUESTIONS)
    for q, _, _, _, example, _ in QUESTIONS:
        lines.append(f"  {example}{' ' * (width - display_width(example))}  → {q}")
    lines += ["  which measures does 市市场监管局 lead?", "  where is 中北大学 mentioned?"]
    return "\n".join(lines)


def _clean_question(question: str) -> str:
    q = question.strip()
    q = _TRAIL_RE.sub("", q)
    q = _LEAD_IN_RE.sub("", q).strip()
    return _CJK_SPACE_RE.sub("", q)


def _simplified(question: str) -> str:
    """The question in Simplified characters when it is written in Traditional ones
    (市市場監管局牽頭哪些項目 → 市市场监管局牵头哪些项目). Only then: t2s also rewrites characters
    both scripts share (高平乾通 → 高平干通), so a Simplified question is left alone."""
    from .clean.traditional import script_chars, to_simplified_text

    trad, simp = script_chars()
    n_trad = sum(c in trad for c in question)
    return to_simplified_text(question) if n_trad > sum(c in simp for c in question) else question


def _clean_slot(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _EN_ARTICLE_RE.sub("", _SLOT_STRIP_RE.sub("", text.strip()))
    return text


class Asker:
    """Answers questions over one graph; builds its label indexes once."""

    def __init__(self, graph):
        self.graph = graph
        self._entities = None
        self._measures = None
        self._documents = None

    @property
    def entities(self) -> EntityIndex:
        if self._entities is None:
            self._entities = EntityIndex.from_graph(self.graph)
        return self._entities

    @property
    def measures(self) -> TitleIndex:
        if self._measures is None:
            self._measures = TitleIndex.measures(self.graph)
        return self._measures

    @property
    def documents(self) -> TitleIndex:
        if self._documents is None:
            self._documents = TitleIndex.documents(self.graph)
        return self._documents

    def ask(self, question: str) -> Answer:
        q = _clean_question(_simplified(question))
        near: list[tuple[str, list[str]]] = []  # slot text that matched a pattern but did not link
        for name, param, slot, types, _, patterns in _COMPILED:
            for rx in patterns:
                m = rx.search(q)
                if not m:
                    continue
                if slot == "none":
                    return self._answer(question, name, {}, None, "")
                surface = _clean_slot(m.group(next(iter(rx.groupindex))))
                if not surface:
                    continue
                index = {"entity": self.entities, "measure": self.measures, "document": self.documents}[slot]
                hit = index.resolve(surface, types) if slot == "entity" else index.resolve(surface)
                if hit is None:
                    near.append((surface, index.suggest(surface, types=types) if slot == "entity"
                                 else index.suggest(surface)))
                    continue
                if slot == "entity" and types and hit.type not in types:
                    continue
                return self._answer(question, name, {param: hit.label}, hit, surface)
        if near:
            surface, suggestions = near[0]
            hint = f"; did you mean {'、'.join(suggestions)}?" if suggestions else ""
            raise QueryError(f"{surface!r} names nothing in the graph{hint}")
        raise UnsupportedQuestion(f"cannot answer {question!r}.\n{supported_forms()}")

    def _answer(self, question, name, params, hit, surface) -> Answer:
        result = run(self.graph, name, params)
        ans = Answer(question, name, params, result, hit, surface)
        if "leadBasis" in result.columns and result.rows:
            bases = sorted({b for b in result.column("leadBasis") if b})
            ans.notes.append("lead basis: " + "; ".join(
                {"explicit": "explicit = the clause marks the unit with 牵头",
                 "first-listed": "first-listed = no unit marked 牵头; the first unit listed is taken as lead"}
                .get(b, b) for b in bases))
        if not result.rows:
            ans.notes.append("no rows: the graph has nothing for this question")
        return ans


def ask(graph, question: str) -> Answer:
    """Answer one question (see `supported_forms()`); raises QueryError with suggestions."""
    return Asker(graph).ask(question)


def ask_command(args) -> int:
    graph = load_graph(args.graph, engine=getattr(args, "engine", "auto"),
                       persist_dir=getattr(args, "store", None))
    answer = ask(graph, args.question)
    if args.format != "table":  # keep stdout machine-readable; the explanation goes to stderr
        print("\n".join(answer.header() + answer.notes), file=sys.stderr)
    print(answer.text(args.format))
    return 0
