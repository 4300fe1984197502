"""Questions in Chinese (or plain English) → named queries, through a small grammar.

A question is a name, a relation word and a type word, in one of the common orders:

    市发改委 负责 哪些 任务            name · relation · which · type
    哪些 企业 参与了 兰花科创公司气化升级改造项目   which · type · relation · name
    晋城市 有 哪些 研究院              name · 有 · which · type
    晋市发改规发〔2022〕1号 是谁 发布 的   name · who · relation
    《…》的 发文机关 是什么            name · relation noun · what

`ORDERS` are those orders (one anchored regular expression each, over a question of at most
`MAX_QUESTION` characters: every pattern is linear, with no unbounded pattern after a lazy one).
A match gives a `Parse` (name, relation, type word); `RULES` map the relation, the kind of
thing the name links to (a department, a county, a document, a measure…) and the role of the
type word to a named query in queries/*.rq, whose parameters are bound, never pasted. The
name is linked the way extraction links names (labels and aliases, kg.link.Linker,
abbreviations as in-order subsequences: 市发改委 → 市发展改革委).

Type words filter by class and by name: 研究院 = kg:Institution whose label contains 研究院,
企业 = kg:Enterprise, 项目 = kg:Project. 负责/参与/承担 mean every measure a unit is
responsible for (its role, lead or partner, in a column); 牵头 only the measures it leads.

    kg ask "晋城市有哪些研究院？"
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field

from .errors import QueryError
from .query import Result, display_width, format_result, load_graph, run, write_text

MAX_QUESTION = 300  # characters, after runs of white space are folded: a name, a relation, a type

# --- the words of the grammar (data) ---------------------------------------------------------

# relation words → relation; several words per line, longest matched first
RELATION_WORDS = {
    "lead": "牵头负责 牵头 主导 主抓 牵总 领衔 统筹 负总责",
    "resp": "负责 参与 参加 承担 配合 协同 涉及 落实 分管",
    "coop": "合作 协作 共建 联合",
    "build": "建设 承建 投资 实施 推进 打造 支持 建",
    "rely": "依托 依靠 依赖 基于",
    "issue": "发布 印发 出台 发出 制定 颁布 下发 制发 发",
    "mention": "引用 援引 提到 提及 出现",
}
# nouns naming the other end of a relation: 《…》的发文机关是什么, …的牵头单位是谁
RELATION_NOUNS = {
    "issue": "发文机关 发文单位 发文部门 发布单位 发布机关 发布部门 印发单位 印发机关 制定单位 制发机关 发布者",
    "lead": "牵头单位 牵头部门",
    "resp": "责任单位 责任部门 负责单位 负责部门 配合单位 参与单位",
}
RELATION_WORDS_EN = {  # phrases separated by commas
    "lead": "lead, leads, led, head, heads, headed, in charge of",
    "resp": "responsible for, take part in, takes part in, part of, participate in, participates in, "
            "involved in, work on, works on",
    "coop": "cooperate with, cooperates with, collaborate with, collaborates with, work with, works with",
    "build": "build, builds, built, support, supports, supported, invest in, invests in",
    "rely": "rely on, relies on, depend on, depends on, based on",
    "issue": "issue, issues, issued, publish, publishes, published",
    "mention": "cite, cites, cited, citing, refer to, refers to, mention, mentions, mentioned",
}


@dataclass(frozen=True)
class TypeWord:
    """What a type word asks for. roles: which slots of a rule it can fill (work = measures a
    unit is responsible for; unit = who is responsible; entity = things of `classes` whose label
    matches `name`; project; document; who); classes and name filter entity answers."""

    word: str
    roles: frozenset
    classes: tuple = ()
    name: str = ""  # regular expression the label must match ("" = any)

    def accepts(self, type_: str, label: str) -> bool:
        return (not self.classes or type_ in self.classes) and (not self.name or re.search(self.name, label))

    def describe(self) -> str:
        what = "|".join(self.classes) or "anything"
        return f"{what} named …{self.name}…" if self.name else what


_ORG = ("Department", "Collective", "Enterprise", "Institution")
# (words, roles, classes, name pattern); the Chinese and English words of one meaning share a row
TYPE_ROWS = [
    ("任务 工作 措施 事项 举措 事情 职责 重点任务 事 measures measure tasks task items work jobs",
     "work", (), ""),
    ("项目 工程 projects project", "work project entity", ("Project",), ""),
    ("文件 政策 通知 公文 documents document policies notices", "document", (), ""),
    ("部门 机关 departments department", "unit entity", ("Department",), ""),
    ("单位 units unit bodies organisations organizations", "unit entity", _ORG, ""),
    ("机构 institutions institution", "unit entity", ("Institution",), ""),
    ("企业 enterprises enterprise firms", "entity", ("Enterprise",), ""),
    ("公司 companies company", "entity", ("Enterprise",), "公司"),
    ("集团 groups", "entity", ("Enterprise",), "集团"),
    ("研究院 institutes", "entity", ("Institution",), "研究院"),
    ("研究所", "entity", ("Institution",), "研究所"),
    ("研究中心 中心 centres centers", "entity", ("Institution",), "中心"),
    ("科研机构 研发机构 创新平台", "entity", ("Institution",), "研究|实验室|中心|平台"),
    ("大学 universities university", "entity", ("Institution",), "大学"),
    ("高校 院校", "entity", ("Institution",), "大学|学院"),
    ("学院 colleges", "entity", ("Institution",), "学院"),
    ("学校 schools", "entity", ("Institution",), "学校|学院|大学"),
    ("实验室 laboratories labs", "entity", ("Institution",), "实验室"),
    ("医院 hospitals", "entity", ("Institution",), "医院|保健院|卫生院"),
    ("博物馆 纪念馆 场馆 museums", "entity", ("Institution",), "博物馆|纪念馆|馆$"),
    ("平台 platforms", "entity", ("Institution", "Project"), ""),
    ("基地 bases", "entity", ("Project", "Institution", "Place"), "基地"),
    ("园区 产业园 开发区 parks", "entity", ("Project", "Place"), "园|开发区"),
    ("县 县区 区县 县（市、区） counties", "entity", ("County",), ""),
    ("乡镇 镇 towns", "entity", ("Place",), "镇|乡|办事处"),
    ("村 villages", "entity", ("Place",), "村$"),
    ("地方 地区 places", "entity", ("County", "Place"), ""),
]
TYPE_WORDS = {w: TypeWord(w, frozenset(roles.split()), classes, name)
              for words, roles, classes, name in TYPE_ROWS for w in words.split()}
WHO = TypeWord("谁", frozenset({"who", "unit"}), _ORG)
ANYTHING = TypeWord("things", frozenset({"entity"}),
                    ("Department", "Collective", "Enterprise", "Institution", "Project", "County", "Place"))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _words(table: dict) -> dict[str, str]:
    return {w: key for key, words in table.items() for w in words.split()}


_REL = _words(RELATION_WORDS)
_REL_EN = {w.strip(): k for k, ws in RELATION_WORDS_EN.items() for w in ws.split(",")}
_NOUN = _words(RELATION_NOUNS)
_ZH_TYPES = [w for w in TYPE_WORDS if not w.isascii()]
_EN_TYPES = [w for w in TYPE_WORDS if w.isascii()]

# --- the orders (grammar) --------------------------------------------------------------------
# {E} the name, {R} a relation word, {N} a relation noun, {W} which/what/who, {T} a type word,
# {A} an adverb. An order without {R} carries its relation ("have": X有哪些T; "in": 哪些T在X).
_PIECES_ZH = {
    "E": r"(?P<e>.+?)",
    "R": f"(?P<r>{_alternation(_REL)})",
    "N": f"(?P<n>{_alternation(_NOUN)})",
    "W": r"(?P<w>哪些|哪几个|哪几项|哪几家|哪个|哪家|哪项|哪一个|什么|啥|多少|几个|几项|几家|那些|谁)",
    "T": f"(?P<t>{_alternation(_ZH_TYPES)})",
    "A": r"(?:都|还|主要|具体|分别|一共|共同|一起)?",
    "HAVE": r"(?:都|还|共|一共|主要)?(?:有|包括|包含)",
    "IS": r"(?:都)?(?:有|是|包括|为)",
    "AT": r"(?:中|里|内|境内|辖区内|范围内)?",
}
_PIECES_EN = {
    "E": r"(?P<e>.+?)",
    "R": f"(?P<r>{_alternation(_REL_EN)})",
    "T": f"(?P<t>{_alternation(_EN_TYPES)})",
    "W": r"(?P<w>which|what|who)",
}
# (template, relation when the template has no {R}, the name comes last)
ORDERS_ZH = [
    ("{E}{A}{R}(?:了|过)?的?{W}{T}?", None, False),                # 市发改委负责哪些任务 / 中北大学建设什么项目
    ("(?:由)?{E}{A}{R}(?:了|过)?的{T}{IS}{W}", None, False),       # 市发改委牵头的项目有哪些
    ("{E}(?P<with>和|与|同|跟){W}{T}?{A}{R}(?:过|了)?", None, False),  # 中北大学与哪些企业合作
    ("{E}{AT}{HAVE}{W}{T}{A}{R}(?:了|过)?", None, False),           # X项目有哪些企业参与
    ("{E}{AT}{HAVE}{W}{T}", "have", False),                        # 晋城市有哪些研究院
    ("{E}的{T}{IS}{W}", "have", False),                            # 阳城县的项目有哪些
    ("{E}(?:是)?(?:由)?{W}{T}?{A}{R}(?:了)?(?:的)?", None, False),  # X是谁发布的 / M由哪些部门负责
    ("{E}的{N}(?:是|有|为)?{W}?", None, False),                    # X的发文机关是什么
    ("{E}被{W}{T}?{R}(?:了|过)?", None, False),                     # X被哪些文件引用
    ("{E}在(?:哪里|哪儿|哪些地方|哪些文件|哪个文件|什么地方|什么文件)(?:中|里)?(?:被)?{R}(?:过|了)?",
     None, False),                                                 # 中北大学在哪里被提到
    ("{W}{T}?(?:是)?由{E}{A}{R}(?:的)?", None, False),              # 哪些项目由市市场监管局牵头 (agent)
    ("{W}{T}?{A}{R}(?:了|过)?{E}", None, True),                    # 哪些企业参与了X / 谁发布了X
    ("{W}{T}?(?P<with>和|与|同|跟){E}{A}{R}(?:过|了)?", None, True),  # 哪些企业与中北大学合作
    ("{W}{T}(?:在|位于|落户|坐落在|坐落于){E}", "in", True),          # 哪些企业在泽州县
    ("(?:在|位于){E}的{T}{IS}{W}", "in", True),                     # 位于泽州县的项目有哪些
    ("{R}(?:了)?{E}的{T}{IS}{W}", None, True),                      # 参与X的企业有哪些 / 依托X的平台有哪些
]
ORDERS_EN = [
    ("{W} {T} (?:does|do|did|is|are|has|have) {E} {R}", None, False),  # which measures does X lead
    ("what (?:does|do|did|is|are) {E} {R}", None, False),              # what does X lead
    ("(?:list )?(?:the |all )?{T} {R}(?: by)? {E}", None, True),       # measures led by X
    ("(?:who|(?:which|what) {T}|what)(?: is| are| was| were)? {R} {E}", None, True),  # who issued X
    ("(?:who|(?:which|what) {T}) (?:does|do) {E} (?:cooperate|collaborate|work) with", "coop", False),
    ("(?:what|(?:which|what) {T})(?: is| are)?(?: located)? in {E}", "in", True),  # what is located in X
    ("where (?:is|are|was) {E} (?:mentioned|named|cited)", "mention", False),
]
# questions without a name
FIXED_ZH = [
    ("{W}{T}(?:最忙|任务最多|工作最多|出现最多|最活跃|负责的任务最多)", "busiest"),
    ("(?:有)?{W}{T}", "kind"),
]
FIXED_EN = [
    ("(?:which|what)(?: are| is)?(?: the)? (?:departments?|units?)(?: is| are)?(?: the)? busiest", "busiest"),
    ("busiest departments?", "busiest"),
    ("(?:which|what|list)(?: the| all)? {T}(?: are there)?", "kind"),
]


def _compile(template: str, pieces: dict) -> re.Pattern:
    text = template
    for key in sorted(pieces, key=len, reverse=True):
        text = text.replace("{" + key + "}", pieces[key])
    return re.compile(f"^{text}$", re.IGNORECASE)


_ORDERS = [(_compile(t, _PIECES_ZH), rel, last) for t, rel, last in ORDERS_ZH] + \
          [(_compile(t, _PIECES_EN), rel, last) for t, rel, last in ORDERS_EN]
_FIXED = [(_compile(t, _PIECES_ZH), rel) for t, rel in FIXED_ZH] + \
         [(_compile(t, _PIECES_EN), rel) for t, rel in FIXED_EN]


@dataclass(frozen=True)
class Parse:
    """One reading of a question: the name as written, the relation, the type word."""

    name: str
    relation: str
    type: TypeWord | None
    name_last: bool = False  # the name is the object (哪些平台依托X) rather than the subject

    @classmethod
    def of(cls, m: re.Match, relation, name_last) -> "Parse":
        g = m.groupdict()
        rel = relation
        if g.get("r"):
            rel = _REL.get(g["r"]) or _REL_EN.get(g["r"].lower(), rel)
        if g.get("n"):
            rel = _NOUN[g["n"]]
        if g.get("with") and rel in ("resp", "lead"):
            rel = "partner"  # X和哪些部门共同负责
        t = g.get("t")
        tw = TYPE_WORDS.get(t) or TYPE_WORDS.get((t or "").lower())
        if tw is None and (g.get("w") or "").lower() in ("谁", "who"):
            tw = WHO
        if tw is None and g.get("n"):
            tw = WHO  # 发文机关, 责任单位: who
        return cls(_clean_slot(g.get("e") or ""), rel, tw, name_last)


def parses(question: str) -> list[Parse]:
    """Every reading of a (cleaned) question by the orders, in order; fixed questions have no name."""
    out = []
    for rx, rel, last in _ORDERS:
        m = rx.match(question)
        if m:
            p = Parse.of(m, rel, last)
            if p.name and p not in out:
                out.append(p)
    for rx, rel in _FIXED:
        m = rx.match(question)
        if m:
            out.append(Parse.of(m, rel, False))
    return out


# --- the rules (semantics) -------------------------------------------------------------------
UNITS = ("Department", "Collective")
ORGS = ("Enterprise", "Institution")
PLACES = ("County", "Place")
DOCS = ("Document", "CitedDocument")
ENTITIES = UNITS + ORGS + PLACES + ("Project", "CitedDocument")


@dataclass(frozen=True)
class Rule:
    """relation + kind of the linked name + role of the type word → named query.
    `kinds`: entity classes, "Measure" or "Document" (empty: no name); `roles`: type-word roles
    accepted (None: no type word); `param`: the query parameter the name binds; `last`: True
    when the name must be the object (哪些T依托X); `example`: for help and suggestions."""

    relation: str
    kinds: tuple
    roles: tuple
    query: str
    param: str
    example: str
    last: bool | None = None


RULES = [
    Rule("lead", UNITS + ORGS, (None, "work"), "measures_led_by", "unit", "市市场监管局牵头哪些任务？"),
    Rule("lead", ("Measure",), (None, "unit", "who"), "units_of_measure", "measure",
         "加强知识产权文化建设由哪个部门牵头？"),
    Rule("resp", UNITS, (None, "work"), "measures_of_unit", "unit", "市发改委负责哪些任务？"),
    Rule("resp", ("Measure",), (None, "unit", "who"), "units_of_measure", "measure",
         "哪些部门负责加强知识产权文化建设？"),
    Rule("resp", ("Project",), (None, "unit", "entity", "who"), "organizations_of_project", "project",
         "哪些企业参与了兰花科创公司气化升级改造项目？"),
    Rule("resp", ORGS, (None, "project"), "projects_of_organization", "organization",
         "晋能控股装备制造集团参与了哪些项目？"),
    Rule("resp", ORGS, ("work",), "measures_of_unit", "unit", "中北大学负责哪些任务？"),
    Rule("build", ORGS, (None, "project", "entity"), "projects_of_organization", "organization",
         "兰花科创公司建设哪些项目？", last=False),
    Rule("build", ("Project",), (None, "unit", "entity", "who"), "organizations_of_project", "project",
         "哪些单位建设兰花科创公司气化升级改造项目？"),
    Rule("partner", UNITS, (None, "unit"), "partners_of_unit", "unit", "市卫健委和哪些部门共同负责？"),
    Rule("coop", UNITS, (None, "unit"), "partners_of_unit", "unit", "市科技局和哪些部门合作？"),
    Rule("coop", ORGS, (None, "unit", "entity", "who"), "cooperates_with", "entity", "中北大学与哪些机构合作？"),
    Rule("rely", ENTITIES, (None, "unit", "entity"), "relies_on", "entity", "哪些平台依托中北大学？", last=True),
    Rule("issue", DOCS, (None, "unit", "who"), "issuer_of_document", "document",
         "晋市发改规发〔2022〕1号是谁发布的？"),
    Rule("issue", UNITS, (None, "document"), "documents_issued_by", "issuer", "晋城市人民政府发布了哪些文件？"),
    Rule("mention", DOCS, (None, "document"), "documents_citing", "cited", "哪些文件引用了《健康中国2030规划纲要》？"),
    Rule("mention", ENTITIES, (None, "document"), "mentions_of", "entity", "中北大学在哪里被提到？"),
    Rule("have", PLACES, ("entity",), "entities_in_place", "place", "晋城市有哪些研究院？"),
    Rule("in", PLACES, (None, "entity"), "entities_in_place", "place", "哪些企业在泽州县？"),
    Rule("have", UNITS, ("work",), "measures_of_unit", "unit", "市科技局有哪些任务？"),
    Rule("have", ORGS, ("project",), "projects_of_organization", "organization", "晋控装备集团有哪些项目？"),
    Rule("have", ("Document",), ("work",), "measures_in_document", "document", "晋市政发〔2022〕32号有哪些措施？"),
    Rule("kind", (), ("entity",), "entities_of_kind", "", "有哪些实验室？"),
    Rule("busiest", (), ("unit",), "busiest_departments", "", "哪些部门最忙？"),
]
# queries that take the type word as parameters (types, name); the others are filtered on their
# `type` column and label, and the answer says so
_TYPED = {"entities_in_place", "entities_of_kind", "organizations_of_project"}
_LABEL_COLUMN = {"cooperates_with": "partner", "relies_on": "label"}

# kg:leadBasis values (ontology/kg.ttl), as an answer explains them
LEAD_BASES = {
    "explicit": "explicit = the clause marks the unit with 牵头 (or labels it 牵头单位)",
    "stated-convention": "stated-convention = the document says the first unit listed leads",
    "table-column": "table-column = the 牵头单位 column of a task table",
    "prose": "prose = a sentence assigns the lead (A为牵头单位, 由A牵头…)",
    "first-listed": "first-listed = no unit marked 牵头; the first unit listed is taken as lead",
}

# what a terminal answer shows for queries whose rows are wide (long titles and clause texts)
ANSWER_COLUMNS = {
    "measures_led_by": ("title", "documentNumber", "startLine", "clauseLine", "leadBasis"),
    "measures_of_unit": ("title", "role", "documentNumber", "startLine", "leadLabel", "leadBasis"),
    "units_of_measure": ("unitLabel", "role", "unitOrder", "documentNumber", "startLine", "leadBasis"),
    "measures_in_document": ("sectionPath", "title", "leadLabel", "leadBasis", "startLine"),
    "entities_in_place": ("label", "type", "how", "inside", "documentNumber", "line"),
    "organizations_of_project": ("label", "type", "relation", "documentNumber", "line", "quote"),
    "projects_of_organization": ("project", "type", "relation", "documentNumber", "line", "quote"),
    "issuer_of_document": ("issuer", "documentNumber", "title", "issued"),
    "entities_of_kind": ("label", "type", "aliases", "mentions"),
}

# question clean-up: polite lead-ins and trailing punctuation or particles
_LEAD_IN_RE = re.compile(r"^(?:请问|请告诉我|告诉我|我想知道|想问一下|问一下|帮我查一下|查一下|请列出|列出|"
                         r"please tell me |tell me |please )", re.IGNORECASE)
_TRAIL_RE = re.compile(r"(?:[\s？?！!。.，,：:；;～~]|呢|吗|呀|啊)+$")
_SPACE_RE = re.compile(r"\s+")
# spaces between Chinese characters carry no meaning (市市场监管局 牵头 哪些 项目)
_CJK_SPACE_RE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])")
# slot clean-up: quotes around a name, a trailing 的, English articles
_SLOT_STRIP_RE = re.compile(r"^[\s“”\"'「」『』]+|[\s“”\"'「」『』]+$|的$")
_EN_ARTICLE_RE = re.compile(r"^(?:the)\s+", re.IGNORECASE)
# a leading city name before 市: 晋城市发展改革委 → 市发展改革委 (labels are often city-relative)
_CITY_PREFIX_RE = re.compile(r"^[\u4e00-\u9fff]{2,3}(?=市[\u4e00-\u9fff]{2,})")
# brackets as typed on a keyboard → as printed in a 文号: 晋市政发[2022]1号 = 晋市政发〔2022〕1号
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕",
                           "(": "（", ")": "）"})


class UnsupportedQuestion(QueryError):
    """A question no order and rule reads; the message lists the forms that work."""


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str  # canonical label (skos:prefLabel), or the 文号 / title of a document or measure
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


# --- linking the name ------------------------------------------------------------------------

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
SELECT DISTINCT ?d ?name ?class WHERE {
  ?d a ?class . VALUES ?class { kg:Document kg:CitedDocument }
  ?d kg:documentNumber|dcterms:identifier|dcterms:title|skos:prefLabel|skos:altLabel ?name }"""


def _norm(text: str) -> str:
    return _SPACE_RE.sub("", text).replace("《", "").replace("》", "").translate(_BRACKETS)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _division_names(name: str) -> list[str]:
    """Official names of the divisions `name` stands for (晋城 → 晋城市), from the GB/T 2260 table."""
    from .nlp import lexicon

    return sorted({d.name for d in lexicon.division_index().get(name, ())})


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
        hit = self._exact([key, _CITY_PREFIX_RE.sub("", key)], key, types)
        if hit:
            return hit
        if set(types or PLACES) & set(PLACES):  # 晋城 → 晋城市 (imports the division table: only now)
            hit = self._exact(_division_names(key), key, types)
            if hit:
                return hit
        hit = self._link(surface, types)
        if hit:
            return hit
        return self._abbreviation(key, types)

    def _exact(self, candidates, key: str, types) -> Hit | None:
        for cand in dict.fromkeys(candidates):
            iris = self.by_label.get(cand)
            if iris:
                hit = self._pick(iris, types, "label")
                if hit:
                    how = "label" if _norm(hit.label) == key else "alias"
                    return Hit(hit.iri, hit.label, hit.type, how)
        return None

    def _link(self, surface: str, types) -> Hit | None:
        """kg.link.Linker, the extraction's own alias resolution."""
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

    def find_in(self, text: str) -> Hit | None:
        """The entity whose label or alias is the longest piece of `text` (for suggestions)."""
        key = _norm(text)
        found = [k for k in self.by_label if len(k) >= 2 and k in key]
        if not found:
            return None
        best = max(found, key=lambda k: (len(k), k))
        return self._hit(sorted(self.by_label[best])[0], "label")

    def area_of(self, hit: Hit) -> str:
        """GB/T 2260 code prefix of a county or place (1405 for a city, the 6 digits for a county):
        its kg:adminCode, else the division table by name when that is unambiguous."""
        code = self.codes.get(hit.iri, "")
        if not code:
            from .nlp import lexicon

            ds = {d.code for d in lexicon.division_index().get(hit.label, ()) if d.name == hit.label}
            code = ds.pop() if len(ds) == 1 else ""
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
        return code


class TitleIndex:
    """Titles (measures) or names (documents: 文号, title) for the non-entity slots."""

    def __init__(self, names: dict[str, str], kinds: dict[str, str] | None = None, kind: str = ""):
        self.names = names  # normalised → as written
        self.kinds = kinds or {}  # normalised → Document | CitedDocument
        self.kind = kind

    @classmethod
    def measures(cls, graph) -> "TitleIndex":
        return cls({_norm(str(t)): str(t) for _, t in graph.query(_MEASURE_QUERY)}, kind="Measure")

    @classmethod
    def documents(cls, graph) -> "TitleIndex":
        names, kinds = {}, {}
        for _, name, class_ in sorted(graph.query(_DOCUMENT_QUERY), key=lambda r: (str(r[2]), str(r[1]))):
            key, kind = _norm(str(name)), str(class_).rsplit("#", 1)[-1]
            if kinds.get(key) != "Document":  # a document of the corpus wins over a citation of it
                names[key], kinds[key] = str(name), kind
        return cls(names, kinds)

    def resolve(self, surface: str) -> Hit | None:
        key = _norm(surface)
        if key in self.names:
            return Hit("", self.names[key], self.kinds.get(key, self.kind), "title")
        inside = sorted(k for k in self.names if key and (key in k or k in key) and len(key) >= 4
                        and len(k) >= 4)
        if len(inside) == 1:
            return Hit("", self.names[inside[0]], self.kinds.get(inside[0], self.kind), "fuzzy")
        return None

    def suggest(self, surface: str, n: int = 3) -> list[str]:
        keys = difflib.get_close_matches(_norm(surface), list(self.names), n=n, cutoff=0.4)
        return [self.names[k] for k in keys]


# --- asking ----------------------------------------------------------------------------------

def supported_forms() -> str:
    """The question forms, one example each, with the named query it runs."""
    lines = ["kg answers questions made of a name, a relation word and a type word, e.g.:"]
    width = max(display_width(r.example) for r in RULES)
    for r in RULES:
        lines.append(f"  {r.example}{' ' * (width - display_width(r.example))}  → {r.query}")
    lines += ["  relation words: 牵头 (led only); 负责/参与/承担 (all, lead marked); 合作; 建设; 依托; 发布; 引用/提到; 有; 在",
              "  type words: 任务 项目 企业 公司 研究院 大学 实验室 医院 部门 单位 文件 乡镇 …",
              "  in English: which measures does 市市场监管局 lead? · who issued 晋市政发〔2022〕32号? · "
              "where is 中北大学 mentioned?"]
    return "\n".join(lines)


def _fold(question: str) -> str:
    """White space folded and trimmed: linear, and done before any other pattern runs."""
    return _SPACE_RE.sub(" ", question).strip()


def _clean_question(question: str) -> str:
    q = _TRAIL_RE.sub("", question)
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


def _accepts(rule: Rule, parse: Parse) -> bool:
    if rule.relation != parse.relation:
        return False
    if rule.last is not None and parse.name and rule.last != parse.name_last:
        return False
    if parse.type is None:
        return None in rule.roles
    return bool(parse.type.roles & set(r for r in rule.roles if r))


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

    def link(self, name: str, kinds) -> Hit | None:
        """The name as a thing of one of `kinds` (entity classes, Measure, Document), or None."""
        if "Measure" in kinds:
            hit = self.measures.resolve(name)
            if hit:
                return hit
        if "Document" in kinds or "CitedDocument" in kinds:
            hit = self.documents.resolve(name)
            if hit and hit.type in kinds:
                return hit
        classes = tuple(k for k in kinds if k not in ("Measure", "Document"))
        if classes:
            hit = self.entities.resolve(name, classes)
            if hit and hit.type in classes:
                return hit
        return None

    def ask(self, question: str) -> Answer:
        folded = _fold(question)
        if len(folded) > MAX_QUESTION:
            raise UnsupportedQuestion(
                f"the question is {len(folded):,} characters long; kg answers questions of up to "
                f"{MAX_QUESTION} characters (a name, a relation word and a type word, "
                f"e.g. 市发改委负责哪些任务？)")
        q = _clean_question(_simplified(folded))
        readings = parses(q)
        unlinked: list[tuple[str, tuple]] = []  # names a rule wanted but the graph does not hold
        for parse in readings:
            for rule in RULES:
                if not _accepts(rule, parse):
                    continue
                if not rule.kinds:
                    return self._answer(question, rule, parse, None)
                hit = self.link(parse.name, rule.kinds)
                if hit is not None:
                    return self._answer(question, rule, parse, hit)
                unlinked.append((parse.name, rule.kinds))
        if unlinked:
            other = self.link(unlinked[0][0], ENTITIES + DOCS + ("Measure",))
            if other is not None:  # it names something, of a kind the relation does not apply to
                raise UnsupportedQuestion(self._wrong_kind(question, other, q, readings))
            raise QueryError(self._unlinked_message(unlinked))
        raise UnsupportedQuestion(self._refusal(question, q, readings))

    # --- answers ---

    def _answer(self, question: str, rule: Rule, parse: Parse, hit: Hit | None) -> Answer:
        params = {rule.param: hit.label} if hit is not None else {}
        tw = parse.type if parse.type is not None and parse.type.classes else ANYTHING
        if rule.query in _TYPED:
            params.update(types="|".join(tw.classes), name=tw.name)
        if rule.query == "entities_in_place":
            params["area"] = self.entities.area_of(hit)
        result = run(self.graph, rule.query, params)
        ans = Answer(question, rule.query, params, result, hit, parse.name if hit else "")
        if rule.query in _LABEL_COLUMN and parse.type is not None and parse.type.classes:
            self._filter(ans, parse.type)
        ans.notes += self._notes(ans, rule, parse, hit)
        return ans

    def _filter(self, ans: Answer, tw: TypeWord) -> None:
        """Keep the rows whose type and label fit the type word (queries without types/name)."""
        res = ans.result
        ti, li = res.columns.index("type"), res.columns.index(_LABEL_COLUMN[ans.query])
        keep = [i for i, r in enumerate(res.rows) if tw.accepts(r[ti] or "", r[li] or "")]
        dropped = sorted({res.rows[i][ti] or "?" for i in range(len(res.rows)) if i not in keep})
        ans.result = Result(res.columns, [res.rows[i] for i in keep],
                            [res.terms[i] for i in keep] if res.terms else [], res.kind)
        ans.notes.append(f"type word {tw.word}: kept {tw.describe()} ({len(keep)} of {len(res.rows)} rows"
                         + (f"; left out {', '.join(dropped)})" if dropped else ")"))

    def _notes(self, ans: Answer, rule: Rule, parse: Parse, hit: Hit | None) -> list[str]:
        res, notes = ans.result, []
        name = hit.label if hit else ""
        if rule.query == "measures_of_unit" and res.rows:
            roles = res.column("role")
            titles = {r[0] for r in res.rows}
            led = {r[0] for r, role in zip(res.rows, roles) if role == "lead"}
            notes.append(f"{name} is responsible for {len(titles)} measures and leads {len(led)} of them "
                         "(role = lead; 牵头 asks for those only)")
        if "leadBasis" in res.columns and res.rows:
            bases = sorted({b for b in res.column("leadBasis") if b})
            notes.append("lead basis: " + "; ".join(LEAD_BASES.get(b, b) for b in bases))
        if rule.query == "entities_in_place":
            notes += self._place_notes(ans, parse.type or ANYTHING, hit)
        elif rule.query == "issuer_of_document" and hit is not None and hit.type == "CitedDocument":
            notes.append(f"{name} is only cited by the documents of the corpus; who issued it is not recorded")
        elif not res.rows:
            what = f"{parse.type.word} " if parse.type else ""
            notes.append(f"no rows: the graph records no {what}answer to this question"
                         + (f" for {name}" if name else ""))
        return notes

    def _place_notes(self, ans: Answer, tw: TypeWord, hit: Hit) -> list[str]:
        res = ans.result
        things = {r[0] for r in res.rows}
        if things:
            hows = res.column("how")
            located = {r[0] for r, h in zip(res.rows, hows) if h == "located in"}
            return [f"{len(things)} {tw.word} in {hit.label}: {len(located)} located there in the text, "
                    f"{len(things) - len(located)} named after it (how)"]
        others = run(self.graph, "entities_in_place", dict(ans.params, types="|".join(ANYTHING.classes), name=""))
        counts: dict[str, int] = {}
        for label, typ in sorted({(r[0], r[1]) for r in others.rows}):
            counts[typ] = counts.get(typ, 0) + 1
        seen = "; it records " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) + \
            f" there" if counts else "; it records nothing else there either"
        return [f"none recorded: the graph has no {tw.word} ({tw.describe()}) located in {hit.label} "
                f"or named after it{seen}"]

    # --- refusals ---

    def _unlinked_message(self, unlinked) -> str:
        name, kinds = unlinked[0]
        classes = tuple(k for k in kinds if k not in ("Measure", "Document"))
        suggestions = []
        if "Measure" in kinds:
            suggestions += self.measures.suggest(name)
        if "Document" in kinds:
            suggestions += self.documents.suggest(name)
        if classes:
            suggestions += self.entities.suggest(name, types=classes)
        suggestions = list(dict.fromkeys(suggestions))[:3]
        hint = f"; did you mean {'、'.join(suggestions)}?" if suggestions else ""
        return f"{name!r} names nothing in the graph{hint}"

    def _wrong_kind(self, question: str, hit: Hit, cleaned: str, readings) -> str:
        near = self.nearest(cleaned, readings, hit=hit, n=3)
        return (f"cannot answer {question.strip()[:80]!r}: {hit.label} is a {hit.type or 'name'}, which the "
                f"question's relation word does not apply to. Questions about it that work: {' / '.join(near)}"
                f"\n{supported_forms()}")

    def _refusal(self, question: str, cleaned: str, readings) -> str:
        near = self.nearest(cleaned, readings)
        lead = f"cannot answer {question.strip()[:80]!r}."
        if near:
            lead += " Nearest forms that work: " + " / ".join(near)
        return f"{lead}\n{supported_forms()}"

    def nearest(self, cleaned: str, readings=(), n: int = 2, hit: Hit | None = None) -> list[str]:
        """Answerable questions close to `cleaned`: the forms that apply to the name it contains
        (asked about that name), then those whose relation and type words it uses."""
        hit = hit or self.entities.find_in(cleaned)
        rest = cleaned.replace(hit.label, " ") if hit else cleaned  # words of the name are no hints
        rels = {p.relation for p in readings} | {k for w, k in _REL.items() if len(w) > 1 and w in rest}
        types = {w for w in TYPE_WORDS if not w.isascii() and w in rest}
        if hit is None and not rels and not types:
            return []  # nothing in the question to go by: the list of forms says it all

        def score(item):
            i, rule = item
            fits = hit is not None and hit.type in rule.kinds
            close = 0.0 if hit else difflib.SequenceMatcher(None, cleaned, rule.example).ratio()
            return (-fits, -(rule.relation in rels), -any(w in _with_name(rule, "") for w in types),
                    len(rule.kinds) if fits else 0, -close, i)

        out = []
        for _, rule in sorted(enumerate(RULES), key=score):
            fits = hit is not None and hit.type in rule.kinds
            example = _with_name(rule, hit.label) if fits else rule.example
            if example not in out:
                out.append(example)
            if len(out) == n:
                break
        return out


def _with_name(rule: Rule, name: str) -> str:
    """The rule's example asked about `name` instead."""
    for p in parses(_clean_question(rule.example)):
        if p.name and p.name in rule.example:
            return rule.example.replace(p.name, name, 1)
    return rule.example


def ask(graph, question: str) -> Answer:
    """Answer one question (see `supported_forms()`); raises QueryError with suggestions."""
    return Asker(graph).ask(question)


def ask_command(args) -> int:
    graph = load_graph(args.graph, engine=getattr(args, "engine", "auto"),
                       persist_dir=getattr(args, "store", None))
    answer = ask(graph, args.question)
    if args.format != "table":  # keep stdout machine-readable; the explanation goes to stderr
        print("\n".join(answer.header() + answer.notes), file=sys.stderr)
    write_text(answer.text(args.format))
    return 0
