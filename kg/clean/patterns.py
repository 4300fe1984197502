"""Compiled regexes of the cleaning stage, each with the layout problem it fixes.

All patterns work on the whole text in MULTILINE mode; a line that starts a page carries a
leading "\\f" (see steps.mark_pages), so line-anchored patterns allow an optional "\\f".

Speed: a pattern that starts with a character class is scanned for that class at C speed;
one that starts with a lookbehind is tried at every position (5–10 times slower). So the
patterns below match their first character first and look behind it afterwards.
"""
import re

# Characters that separate words in extracted text but carry no meaning: tabs, NBSP, thin spaces.
ODD_SPACE = re.compile(r"[\t\u00a0\u2002-\u200a\u202f\u205f]")

# Control characters that carry nothing (NUL, ESC and terminal colour codes, vertical tab…); "\f" is
# kept where it starts a line (pdftotext's page break), "\t" and "\n" are handled elsewhere.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f](?<!^\f)(?<!\n\f)(?:(?<=\x1b)\[[0-9;]*[A-Za-z])?")
# Unicode line and paragraph separators: line breaks.
ODD_BREAK = re.compile("[\x85\u2028\u2029]")

# Trailing white space at line ends (PDF extraction pads lines). The lookbehind makes the engine
# try only the first space of a run (linear even on a line of 100,000 spaces).
TRAILING_SPACE = re.compile(r"[ \u3000](?<![ \u3000][ \u3000])[ \u3000]*$", re.M)

# A line that starts with a space is the first line of a new page in pdftotext-style output
# (the page's first line keeps the indentation of the text frame). Becomes "\f".
PAGE_START = re.compile(r"^[ \u3000]+(?=\S)", re.M)

# Page footers: "·· 12", "12 ··", "- 12 -", "第 12 页".
FOOTER = re.compile(
    r"^\f?[ \u3000]*(?:·{1,3}[ \u3000]*\d{1,4}|\d{1,4}[ \u3000]*·{1,3}|[-—–][ \u3000]*\d{1,4}[ \u3000]*[-—–]"
    r"|第[ \u3000]*\d{1,4}[ \u3000]*页(?:[ \u3000]*共[ \u3000]*\d{1,4}[ \u3000]*页)?)[ \u3000]*$",
    re.M,
)

# Running headers of a gazette: "晋城市人民政府公报（2022. 6） 市政府文件",
# "市政府办公室文件晋城市人民政府公报（2022. 6）", "…公报 2022年第6期".
RUNNING_HEADER = re.compile(
    r"^\f?[^\n。，；]{0,24}公报[ \u3000]*(?:[（(][ \u3000]*\d{4}[ \u3000]*[.．][ \u3000]*\d{1,2}[ \u3000]*[）)]"
    r"|\d{4}年第\d{1,2}期)[^\n。，；]{0,16}$",
    re.M,
)

# Spaces the extraction puts where the font switches between Han text and Latin letters or digits:
# "到 2025年", "山西省 IVD核心原料", "总投资 5.5亿元". Spaces between Han characters (第一节 指导思想)
# or between Latin words stay.
_HAN_OR_PUNCT = "\u3400-\u9fff\u3001-\u303f\uff01-\uff60“”‘’"
FONT_SWITCH_SPACE = re.compile(
    rf"[ \u3000](?:(?<=[{_HAN_OR_PUNCT}][ \u3000])[ \u3000]*(?=[A-Za-z0-9])"
    rf"|(?<=[A-Za-z0-9%‰][ \u3000])[ \u3000]*(?=[{_HAN_OR_PUNCT}]))"
)

# Blank lines (the extraction puts one between visual lines) and runs of them.
BLANK_LINES = re.compile(r"\n(?:[ \u3000]*\n)+")

# Candidate start of a doubled bold run at a line start: some chunk immediately repeated.
# (Faux-bold text is drawn twice; extraction emits every chunk twice: "（（一一））…".)
DOUBLED_START = re.compile(r"^\f?(.{1,40}?)\1", re.M)

# A heading number at a line start (第一节, （一）, 一、, 1.): only a bold run that starts with one
# may be a single repeated chunk followed by more text (a one-chunk repeat elsewhere is the author's).
HEADING_NUMBER = re.compile(r"第[一二三四五六七八九十百\d]+[章节条部]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、]")
# A line that starts with one (whole-text pass: finds the lines worth checking one by one).
HEADING_START = re.compile(rf"^\f?(?:{HEADING_NUMBER.pattern})", re.M)

# Inside joined vertical text: a run of doubled chunks (table column headers in bold).
DOUBLED_CHUNK = re.compile(r"(\S{2,8}?)\1")

# One character per line: a rotated (vertical) table or appendix page.
SHORT_LINE = re.compile(r"^\f?[ \u3000]*(\S{1,3})[ \u3000]*$", re.M)
HAN = re.compile(r"[\u3400-\u9fff]")
