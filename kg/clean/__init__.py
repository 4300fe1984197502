"""Source → Cleaned: small composed steps, each keeping the map back to source offsets.

    normalize_spaces → to_simplified → mark_pages → drop_furniture → drop_blank_lines
    → join_vertical → undouble → repair_glyphs → close_font_gaps → drop_blank_lines

The cleaned text keeps one visual line per line (segmentation reads line widths and page
starts); a page's first line begins with "\\f". `Cleaned.origin[i]` is the source offset of
`Cleaned.text[i]`; glyph repairs and Traditional→Simplified conversions (rule "t2s", see
traditional.py) are listed in `Cleaned.repairs`.
"""
from __future__ import annotations

from ..model import Cleaned, Source
from . import steps as _steps
from .steps import Draft, glyph_rules, parse_doubled, start
from .traditional import to_simplified

# Traditional text is converted right after space normalisation, so that the furniture and
# glyph patterns (written in Simplified: 公报, 号) see Simplified characters.
STEPS = (_steps.STEPS[0], to_simplified, *_steps.STEPS[1:])

__all__ = ["clean", "clean_text", "STEPS", "glyph_rules", "parse_doubled"]


def clean_text(text: str, steps=STEPS) -> Draft:
    """Run the steps over a bare string (origin = offsets in `text`)."""
    d = start(text)
    for step in steps:
        d = step(d)
    return d


def clean(source: Source) -> Cleaned:
    d = clean_text(source.text)
    return Cleaned(source=source, text=d.text, origin=d.origin, repairs=d.repairs, bold=sorted(d.bold))
