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
    """Append spans to the group `key` (creating it)."""
    if key in doc.spans:
        doc.spans[key].extend(spans)
    else:
        doc.spans[key] = spans
