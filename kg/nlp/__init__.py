"""The spaCy layer: `spacy.blank("zh")` with character tokens plus kg's registered components.

    kg_places → kg_orgs → kg_policies → kg_lists → kg_projects → kg_owners

Each component appends spans to the span group `doc.spans["kg"]` (overlaps allowed: nested names
are separate entities) labelled Department, County, Enterprise, Institution, Project, Policy,
Place or Collective; `span.kb_id_` carries a canonical hint (a county's code, the expanded name of
a coordinated member). Later components see earlier spans.

`extract(document)` runs the pipeline over a document's blocks and returns `Mention` records with
source offsets and lines. Components learn the document's city (a 4-digit GB/T 2260 prefix, for
bare county names such as 泽州 and for 市 = 晋城市) from `doc.user_data["kg_city"]`.

Tokens are single characters, as with spaCy's Chinese "char" segmenter; `CharTokenizer` and
`TextDoc` only make building a Doc and reading its text cheap (see their docstrings).
"""
from __future__ import annotations

import copyreg
import importlib
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens.doc import pickle_doc

from ..model import Document, Mention
from . import orgs, places  # noqa: F401  (registers kg_places, kg_orgs)
from .places import infer_city, infer_province
from .spans import SPAN_KEY, doc_text  # noqa: F401  (doc_text: for components)

# Components in order; optional ones are added when their module imports (it registers them).
COMPONENTS = (
    ("kg_places", None),
    ("kg_orgs", None),
    ("kg_policies", "kg.nlp.policies"),
    ("kg_lists", "kg.nlp.lists"),
    ("kg_projects", "kg.nlp.projects"),
    ("kg_owners", "kg.nlp.owners"),
)


class TextDoc(Doc):
    """A Doc whose `.text` is the string it was made from.

    `Doc.text` joins every token on each access; with one token per character that costs more
    than all kg components together, and each component reads it. The tokens are the same.
    """

    @property
    def text(self) -> str:
        text = self.user_data.get("kg_text")
        return text if text is not None else "".join(t.text_with_ws for t in self)


copyreg.pickle(TextDoc, pickle_doc)  # pickles (and unpickles) as a plain Doc


class CharTokenizer:
    """One token per character, `doc.text == text` (whitespace characters are tokens too).

    Same tokens as spaCy's Chinese "char" segmenter for CJK text, without its per-character
    whitespace bookkeeping (util.get_words_and_spaces), which costs more than all kg components.
    """

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        doc = TextDoc(self.vocab, words=list(text), spaces=[False] * len(text))
        doc.user_data["kg_text"] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The pipeline (cached): char-segmented blank Chinese and every available kg component."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    for name, module in COMPONENTS:
        if module is not None:
            try:
                importlib.import_module(module)
            except ImportError:
                continue
        nlp.add_pipe(name)
    return nlp


def document_city(doc: Document) -> str:
    """The prefecture (4-digit code) a document is about: from its issuers and title, else its text."""
    head = "".join(doc.issuers) + doc.title
    return infer_city(head) or infer_city("".join(b.text for b in doc.blocks))


def document_province(doc: Document) -> str:
    """2-digit code of the province a provincial document names (its issuer or opening), "" when
    the document's head names a city (the city's own document)."""
    head = "".join(doc.issuers) + doc.title or "".join(b.text for b in doc.blocks[:3])
    return "" if infer_city(head) else infer_province(head)


def extract(doc: Document) -> list[Mention]:
    """Mentions of a document, in source order (start, end, label)."""
    nlp = make_nlp()
    city = document_city(doc)
    province = document_province(doc)
    texts = [b.text for b in doc.blocks]
    docs = []
    for text in texts:
        d = nlp.make_doc(text)
        d.user_data["kg_city"] = city
        d.user_data["kg_province"] = province
        docs.append(d)
    for _name, proc in nlp.pipeline:
        docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
    out: list[Mention] = []
    src = doc.source
    for bi, (block, sdoc) in enumerate(zip(doc.blocks, docs)):
        for sp in sdoc.spans.get(SPAN_KEY, []):
            a, b = sp.start_char, sp.end_char
            start, end = block.source_span(a, b)
            out.append(Mention(
                doc_id=doc.id, label=sp.label_, text=block.text[a:b], start=start, end=end,
                line=src.line_of(start), block=bi, block_start=a, block_end=b,
                source=src.path, canonical_hint=sp.kb_id_, basis=sp.id_,
            ))
    uniq = {(m.start, m.end, m.label, m.block_start, m.canonical_hint): m for m in out}
    return sorted(uniq.values(), key=lambda m: (m.start, m.end, m.label, m.canonical_hint))
