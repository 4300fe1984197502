"""Typed records handed from one stage to the next.

The flow is: Source (read) → Cleaned (clean) → Document / Block (segment)
→ Mention (nlp) → Entity (link) → Measure / Relation (relate) → RDF (rdf).

Every piece of text carries `origin`: for each character, its offset in the
decoded input file, so any span can be traced back to (file, offset, line).
"""
from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)
class Source:
    """One decoded input file."""

    path: str  # as given by the user; used in provenance
    text: str  # decoded, line ends normalised to "\n" (offsets refer to this)
    encoding: str
    sha256: str  # of the raw bytes
    line_starts: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()  # decoded, but not cleanly (e.g. truncated UTF-8 replaced by U+FFFD)
    bom: int = 0  # 1 when the file starts with a UTF-8 byte-order mark, which `text` drops

    def __post_init__(self):
        if not self.line_starts:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            object.__setattr__(self, "line_starts", tuple(starts))

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.line_starts, offset)

    def file_offset(self, offset: int) -> int:
        """The offset in the file as Python reads it (open(path, encoding="utf-8").read(): line ends
        normalised as here, but a UTF-8 byte-order mark kept as a character): what the graph publishes."""
        return offset + self.bom

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Repair:
    """A glyph repair applied during cleaning (e.g. 力口 → 加)."""

    rule: str
    before: str
    after: str
    offset: int  # offset in the source text


@dataclass
class Cleaned:
    """Cleaned text of one source with a per-character map back to it."""

    source: Source
    text: str
    origin: array  # array('q'): origin[i] = source offset of text[i]
    repairs: list[Repair] = field(default_factory=list)
    bold: list[tuple[int, int]] = field(default_factory=list)  # source [start, end) of bold (doubled) runs, e.g. headings

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets [a, b) covering cleaned text[start:end]."""
        if end <= start:
            o = self.origin[start] if start < len(self.origin) else len(self.source.text)
            return o, o
        return self.origin[start], self.origin[end - 1] + 1


@dataclass
class Block:
    """A unit of cleaned text inside a document: a paragraph, heading, box, table…

    `text` is reflowed; `origin[i]` is the source offset of `text[i]`.
    """

    kind: str  # "heading" | "para" | "box" | "table" | "appendix" | "notice"
    text: str
    origin: array
    section: tuple[str, ...] = ()  # path of section ids, e.g. ("三", "（二）", "1.")
    title: str = ""  # for headings and boxes: the title proper
    number: str = ""  # for headings: the numbering as written, e.g. "（二）"
    level: int = 0  # for headings: depth in the outline (1 = top)

    def source_span(self, start: int = 0, end: int | None = None) -> tuple[int, int]:
        end = len(self.text) if end is None else end
        if end <= start:
            o = self.origin[min(start, len(self.origin) - 1)] if len(self.origin) else 0
            return o, o
        return self.origin[start], self.origin[end - 1] + 1


@dataclass
class Section:
    """A node of a document's outline."""

    id: str  # numbering as written, normalised: "第一章", "三", "（二）", "1.", "（1）", "第三条"
    title: str
    level: int
    path: tuple[str, ...]
    start: int  # source offset of the heading
    children: list["Section"] = field(default_factory=list)


@dataclass
class Document:
    """One policy document of a corpus (a gazette holds several)."""

    id: str  # stable slug, e.g. "jsz-2022-27" from 文号, else from title
    source: Source
    title: str
    number: str = ""  # 文号, e.g. 晋市政发〔2022〕27号
    issuers: tuple[str, ...] = ()
    date: str = ""  # ISO yyyy-mm-dd
    publication: str = ""  # e.g. 此件公开发布
    addressees: str = ""
    notice: str = ""  # the covering notice (印发通知) text
    blocks: list[Block] = field(default_factory=list)
    outline: list[Section] = field(default_factory=list)
    start: int = 0  # source offset range covered by this document
    end: int = 0

    @property
    def start_line(self) -> int:
        return self.source.line_of(self.start)

    @property
    def end_line(self) -> int:
        return self.source.line_of(max(self.start, self.end - 1))


@dataclass
class Mention:
    """A recognised span of text naming something."""

    doc_id: str
    label: str  # Department | County | Enterprise | Institution | Project | Policy | Place | Collective
    text: str  # surface form as read (cleaned)
    start: int  # source offsets [start, end)
    end: int
    line: int  # 1-based source line of start
    block: int = -1  # index of the block in the document
    block_start: int = -1  # offsets within the block text
    block_end: int = -1
    source: str = ""  # source path
    canonical_hint: str = ""  # a fuller form implied by the text (e.g. coordination expansion)
    entity: str = ""  # key of the linked entity, set by link
    basis: str = ""  # why this is a name: suffix | lexicon | list-context | heading | corpus-repeat | …


@dataclass
class Entity:
    """One real-world thing, whatever names the text uses."""

    key: str  # readable, deterministic local id, e.g. "Department/市市场监督管理局"
    type: str
    label: str  # canonical name
    aliases: set[str] = field(default_factory=set)  # every surface form seen (excluding label)
    code: str = ""  # administrative division code for counties
    level: str = ""  # 国家 | 省 | 市 | 县 where known
    mentions: list[Mention] = field(default_factory=list)
    basis: str = ""  # "assumed": a clause unit nothing typed (unknown name, no telling head noun)


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    line: int
    quote: str
    start: int = -1
    end: int = -1


@dataclass
class Measure:
    """A measure (task, project item) with the units responsible for it."""

    key: str
    doc_id: str
    title: str
    section: tuple[str, ...]
    start_line: int
    end_line: int
    units: list[str] = field(default_factory=list)  # entity keys, in written order
    leads: list[str] = field(default_factory=list)  # entity keys: every unit marked 牵头 (joint leads), else one
    # how the lead is known: "explicit" (marked 牵头 or labelled 牵头单位), "stated-convention" (the
    # document says the first listed leads), "table-column" (a 牵头单位 column), "prose" (a sentence
    # assigns it: A为牵头单位, 由A牵头…, 市工信局：负责…), "first-listed" (assumed: the first unit)
    lead_basis: str = ""
    clause: Evidence | None = None  # the clause as written, with source offsets

    @property
    def lead(self) -> str:
        return self.leads[0] if self.leads else ""


@dataclass
class Relation:
    subject: str  # entity / measure key
    predicate: str  # local name in the kg ontology, e.g. "reliesOn"
    object: str
    evidence: Evidence | None = None
