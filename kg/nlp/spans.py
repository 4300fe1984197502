"""What every kg component shares: the span group, the document's text and city.

`Doc.text` joins every token on each access (one token per character here), so components read
the text through `doc_text`, which the tokenizer fills once.
"""
from __future__ import annotations

from spacy.tokens import Doc

SPAN_KEY = "kg"


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def doc_city(doc: Doc) -> str:
    """4-digit code of the document's prefecture (set by `extract`, else inferred from the text)."""
    city = doc.user_data.get("kg_city")
    if city is None:
        from .places import infer_city

        city = doc.user_data["kg_city"] = infer_city(doc_text(doc))
    return city


def add_spans(doc: Doc, spans, key: str = SPAN_KEY) -> None:
    """Append spans to the group `key` (creating it); groups allow overlap, so nesting survives."""
    if key in doc.spans:
        doc.spans[key].extend(spans)
    else:
        doc.spans[key] = spans


class RuleComponent:
    """A spaCy component whose rules return character hits; subclasses implement `hits`.

    `hits(doc)` yields (start, end, label, kb_id, basis) over `doc_text(doc)`; the component turns
    them into spans of the group `span_key`. The basis (why the rule took the span for a name:
    "suffix", "lexicon", "list-context" …) rides on the span's `id_` and becomes `Mention.basis`.
    """

    def __init__(self, span_key: str = SPAN_KEY):
        self.span_key = span_key

    def hits(self, doc: Doc):
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for start, end, label, kb_id, basis in self.hits(doc):
            span = doc.char_span(start, end, label=label, kb_id=kb_id or "", span_id=basis or "",
                                 alignment_mode="expand")
            if span is not None:
                spans.append(span)
        add_spans(doc, spans, self.span_key)
        return doc
