"""Small cleaning steps, each `Draft -> Draft`, each keeping the per-character map to the source.

A step never rebuilds text by hand: it computes edits `(start, end, replacement)` on the current
text and `Draft.rewrite` applies them, carrying `origin` along (kept characters keep their
origin; a replacement of the same length maps character by character; otherwise every new
character maps to the first replaced one; an insertion maps to the character after it).

The text keeps its visual lines (one per line, blank lines removed) so that segmentation can
still see line widths; a line that starts a page begins with "\\f".
"""
from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..model import Repair
from . import patterns as P

GLYPH_TABLE = Path(__file__).with_name("glyphs.tsv")


@dataclass
class Draft:
    text: str
    origin: array
    repairs: list = field(default_factory=list)
    bold: list = field(default_factory=list)  # source [start, end) of undoubled bold runs

    def rewrite(self, edits) -> "Draft":
        """Apply sorted, non-overlapping edits (start, end, new) and return the new draft."""
        edits = list(edits)
        if not edits:
            return self
        text, origin = self.text, self.origin
        parts: list[str] = []
        out = array("q")
        pos = 0
        n = len(text)
        end_origin = origin[-1] + 1 if n else 0
        for start, end, new in edits:
            if start < pos:  # overlapping edit: skip it rather than corrupt the map
                continue
            parts.append(text[pos:start])
            out.extend(origin[pos:start])
            if new:
                parts.append(new)
                if len(new) == end - start:
                    out.extend(origin[start:end])
                else:
                    base = origin[start] if start < n else end_origin
                    out.extend(array("q", [base]) * len(new))
            pos = end
        parts.append(text[pos:])
        out.extend(origin[pos:])
        return Draft("".join(parts), out, self.repairs, self.bold)


def start(text: str) -> Draft:
    """The draft of a bare string: origin[i] = i (built by numpy: array("q", range(n)) takes
    ~0.1 µs a character, a sixth of the whole cleaning)."""
    import numpy as np

    return Draft(text, array("q", np.arange(len(text), dtype=np.int64).tobytes()))


def _sub(d: Draft, pattern: re.Pattern, repl: str) -> Draft:
    return d.rewrite((m.start(), m.end(), repl) for m in pattern.finditer(d.text))


# --- steps -----------------------------------------------------------------------------------

def normalize_spaces(d: Draft) -> Draft:
    """Control characters go, odd spaces become plain spaces, odd breaks "\n"; trailing spaces go."""
    d = _sub(d, P.CONTROL, "")
    d = _sub(d, P.ODD_SPACE, " ")
    d = _sub(d, P.ODD_BREAK, "\n")
    return _sub(d, P.TRAILING_SPACE, "")


def mark_pages(d: Draft) -> Draft:
    """A line indented by the extraction starts a page: its indentation becomes one "\\f"."""
    return d.rewrite((m.start(), m.end(), "\f") for m in P.PAGE_START.finditer(d.text))


def drop_furniture(d: Draft) -> Draft:
    """Remove page footers and running headers; the line after them starts a page."""
    text = d.text
    spans = sorted([m.span() for m in P.FOOTER.finditer(text)] + [m.span() for m in P.RUNNING_HEADER.finditer(text)])
    edits = []
    for a, b in spans:
        if b < len(text) and text[b] == "\n":
            b += 1
        edits.append((a, b, ""))
        # the next non-blank line begins a new page
        j = b
        while j < len(text) and text[j] in "\n ":
            j += 1
        if j < len(text) and text[j] != "\f" and not _is_furniture_at(spans, j):
            edits.append((j, j, "\f"))
    edits.sort(key=lambda e: (e[0], e[1]))
    return d.rewrite(_dedupe(edits))


def _is_furniture_at(spans, j) -> bool:
    return any(a == j for a, _ in spans)


def _dedupe(edits):
    out, last = [], -1
    for e in edits:
        if e[0] >= last:
            out.append(e)
            last = e[1] if e[1] > e[0] else e[0]
    return out


def drop_blank_lines(d: Draft) -> Draft:
    """The extraction puts a blank line between visual lines: keep one line break."""
    d = _sub(d, P.BLANK_LINES, "\n")
    lead = len(d.text) - len(d.text.lstrip("\n"))
    if lead:
        d = d.rewrite([(0, lead, "")])
    return d


def close_font_gaps(d: Draft) -> Draft:
    """Drop the space the extraction puts between Han text and Latin letters or digits."""
    return _sub(d, P.FONT_SWITCH_SPACE, "")


def join_vertical(d: Draft) -> Draft:
    """Rotated pages come out one character per line: join such runs into one line.

    A run is at least 10 consecutive lines of at most 3 characters, most of them a single
    Han character (a column of numbers in a flattened table is not a run). Bold column headers
    inside the joined text ("重点重点行业行业…") are undoubled.
    """
    text = d.text
    matches = list(P.SHORT_LINE.finditer(text))
    edits = []
    i = 0
    while i < len(matches):
        j = i
        while j + 1 < len(matches) and matches[j + 1].start() == matches[j].end() + 1:
            j += 1
        run = matches[i:j + 1]
        if len(run) >= 10 and sum(len(m.group(1)) == 1 and P.HAN.match(m.group(1)) is not None for m in run) >= 0.6 * len(run):
            # delete every line break and page mark / padding between the characters
            for a, b in zip(run, run[1:]):
                edits.append((a.start(1) + len(a.group(1)), b.start(1), ""))
            joined = "".join(m.group(1) for m in run)
            pos = [p for m in run for p in range(m.start(1), m.end(1))]  # joined index → text index
            for a, b in _doubled_runs(joined, min_chunks=3):
                # delete each second copy (a span of `joined`, hence possibly across deleted breaks)
                edits.extend((pos[x], pos[y - 1] + 1, "") for x, y in _second_copies(joined, a, b))
        i = j + 1
    edits.sort(key=lambda e: (e[0], e[1]))
    return d.rewrite(_dedupe(edits))


# --- undoubling of faux-bold text ------------------------------------------------------------

_PASS = " \u3000\ufffd"  # characters a bold run may keep single (spaces between number and title)


def parse_doubled(s: str, i: int = 0, limit: int = 40, window: int = 300) -> tuple[int, list[tuple[int, int]]]:
    """Longest parse of s[i:] as doubled chunks c1 c1 c2 c2 …; single spaces may sit between.

    Returns (end, chunks) where chunks are (start, length) of each FIRST copy; the second copy
    of chunk (a, n) is s[a + n : a + 2n]. end == i when s[i:] does not start with a double.
    After a space only a chunk with a non-digit may follow ("发展回顾发展回顾 2020年" keeps 2020).
    Dynamic programming from the end of a window of `window` characters (a bold run is short):
    linear in the window, no recursion.
    """
    n = min(len(s), i + window)
    end = list(range(n + 1))  # end[k]: furthest end of a parse starting at k
    step = [0] * (n + 1)  # 0: none, -1: keep a single space, L > 0: a chunk of length L
    for k in range(n - 1, i - 1, -1):
        c = s[k]
        if c in _PASS and k > i:
            L = step[k + 1]
            if L > 0 and not s[k + 1:k + 1 + L].isdigit():
                end[k], step[k] = end[k + 1], -1
            continue
        top = min(limit, (n - k) // 2)
        newline = s.find("\n", k, k + top)
        if newline >= 0:
            top = newline - k  # a chunk holds no line break
        # a chunk of length L repeats at k + L, which then holds c: only those L are compared
        j = s.find(c, k + 1, k + top + 1)
        while j >= 0:
            if s[k:j] == s[j:2 * j - k] and end[2 * j - k] > end[k]:
                end[k], step[k] = end[2 * j - k], j - k
            j = s.find(c, j + 1, k + top + 1)
    chunks, k = [], i
    while k < n and step[k]:
        if step[k] < 0:
            k += 1
        else:
            chunks.append((k, step[k]))
            k += 2 * step[k]
    return end[i], chunks


def _doubled_runs(s: str, min_chunks: int):
    """(start, end) of runs of at least `min_chunks` doubled chunks (of 2+ chars) anywhere in s."""
    k = 0
    out = []
    for m in P.DOUBLED_CHUNK.finditer(s):
        if m.start() < k:
            continue
        end, chunks = parse_doubled(s, m.start(), limit=8)
        if len(chunks) >= min_chunks:
            out.append((m.start(), end))
            k = end
    return out


def _second_copies(s: str, a: int, b: int):
    _, chunks = parse_doubled(s, a, limit=8)
    return [(x + n, x + 2 * n) for x, n in chunks if x + 2 * n <= b]


def undouble(d: Draft) -> Draft:
    """Faux-bold headings are extracted twice, chunk by chunk: keep one copy.

    `（（一一））发展回顾发展回顾` → `（一）发展回顾`; `第一节 指导思想第一节 指导思想` → `第一节 指导思想`.
    A bold run must start a line and give at least 3 characters (or 2 chunks), so a line that
    merely starts with a reduplicated word is left alone. A run may continue on the next line
    (a wrapped heading); the two lines are then joined. When ordinary text follows the run on
    the same line (a run-in heading), a line break is inserted after the run, so the heading
    proper is exactly its own line.
    """
    text = d.text
    edits = []
    lines = _line_spans(text)
    skip_until = -1
    for idx in _candidate_lines(text, lines):
        a, b = lines[idx]
        if a < skip_until:
            continue
        k = a + 1 if text.startswith("\f", a) else a
        line = text[k:b]
        if not line or not _maybe_doubled(line):
            continue
        # parse this line, or this line + the next when the run continues there
        nxt = lines[idx + 1] if idx + 1 < len(lines) else None
        joined, pos = line, list(range(k, b))
        if nxt is not None:
            na = nxt[0] + 1 if text.startswith("\f", nxt[0]) else nxt[0]
            joined = line + text[na:nxt[1]]
            pos = pos + list(range(na, nxt[1]))
        end, chunks = parse_doubled(joined, 0)
        if any(x < len(line) < x + 2 * n for x, n in chunks):
            # a chunk whose two copies sit on different lines: faux bold draws both copies at
            # the same place, so they never straddle a line break; these are equal lines
            # ("00一" / "00一", a bold line printed twice). Parse this line alone.
            end, chunks = parse_doubled(line, 0)
        if end > len(line):
            if (end - len(line) < 4 or _starts_heading(joined[len(line):])
                    or _reads_doubled("".join(joined[x:x + n] for x, n in chunks))):
                # a stray double at the next line's start, or the next heading, or a bold line
                # printed twice (joined, it would read as bold again): not this run's
                chunks = [(x, n) for x, n in chunks if x + 2 * n <= len(line)]
                end = max((x + 2 * n for x, n in chunks), default=0)
        out_len = sum(n for _, n in chunks)
        if not chunks or (out_len < 3 and len(chunks) < 2):
            continue
        if not P.HAN.search("".join(joined[x:x + n] for x, n in chunks)):
            continue  # 2020 / 2020, 8888元: numbers, not bold headings
        if len(chunks) == 1 and end < len(line) and not P.HEADING_NUMBER.match(line) and line[end] not in _PASS:
            continue  # one repeated phrase running on into the text is the author's, not bold print
        for x, n in chunks:
            edits.append((pos[x + n], pos[x + 2 * n - 1] + 1, ""))
        last = pos[end - 1] + 1  # text position after the run
        d.bold.append((d.origin[pos[0]], d.origin[pos[end - 1]] + 1))
        line_end = b
        if end > len(line):
            # the run continues on the next line: join the lines (drop the break and page mark)
            edits.append((b, pos[len(line)], ""))
            skip_until = nxt[1]
            line_end = nxt[1]
        if last < line_end:
            # run-in heading: the body starts a new line (spaces after the run would read as a page start)
            gap = last
            while gap < line_end and text[gap] in " \u3000":
                gap += 1
            edits.append((last, gap, "\n"))
    if not edits:
        return d
    edits.sort(key=lambda e: (e[0], e[1]))
    # a footer or header printed in bold is recognisable only now
    return drop_furniture(d.rewrite(_dedupe(edits)))


def _reads_doubled(s: str) -> bool:
    """s starts with a run undouble would take for bold print (used to keep clean idempotent)."""
    _, chunks = parse_doubled(s, 0)
    return (bool(chunks) and (sum(n for _, n in chunks) >= 3 or len(chunks) >= 2)
            and P.HAN.search("".join(s[x:x + n] for x, n in chunks)) is not None)


def _starts_heading(line: str) -> bool:
    """The line starts with a heading number, printed plain or bold (（（一一）） → （一）)."""
    if P.HEADING_NUMBER.match(line):
        return True
    _, chunks = parse_doubled(line[:24])
    return bool(chunks) and P.HEADING_NUMBER.match("".join(line[x:x + n] for x, n in chunks)) is not None


def _candidate_lines(text: str, lines: list) -> list[int]:
    """Indices of the lines _maybe_doubled may accept (a superset), found by two passes over the
    whole text instead of two regex calls on each of its lines."""
    starts = [a for a, _ in lines]
    found = {m.start() for m in P.DOUBLED_START.finditer(text)}
    found.update(m.start() for m in P.HEADING_START.finditer(text))
    return sorted({bisect.bisect_right(starts, i) - 1 for i in found})


def _maybe_doubled(line: str) -> bool:
    return P.DOUBLED_START.match(line) is not None or _crosses(line)


def _crosses(line: str) -> bool:
    # a heading whose second copy begins at the end of the line: "第三节 …体系第三节"
    m = P.HEADING_NUMBER.match(line)
    return bool(m) and line.find(m.group(), m.end()) > 0


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, a = [], 0
    for line in text.split("\n"):
        spans.append((a, a + len(line)))
        a += len(line) + 1
    return spans


# --- glyph repairs ---------------------------------------------------------------------------

@dataclass(frozen=True)
class GlyphRule:
    name: str
    pattern: re.Pattern
    replacement: str
    why: str
    needs: str = ""  # a character every match holds (matches never cross a line): only its lines are read

    def finditer(self, text: str):
        if not self.needs:
            return self.pattern.finditer(text)
        return (m for a, b in _lines_holding(text, self.needs) for m in self.pattern.finditer(text, a, b))

    def fix(self, found: str) -> str:
        if self.replacement.startswith("tr:"):
            src, dst = self.replacement[3:].split(">")
            return found.translate(str.maketrans(src, dst))
        return self.replacement


@lru_cache(maxsize=None)
def glyph_rules(path: str = str(GLYPH_TABLE)) -> tuple[GlyphRule, ...]:
    rules = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        name, pattern, replacement, why, *needs = raw.split("\t")
        needs = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), needs[0] if needs else "")
        rules.append(GlyphRule(name, re.compile(pattern), replacement, why, needs))
    return tuple(rules)


def _lines_holding(text: str, char: str):
    """(start, end) of each line of `text` that holds `char`, in order (end excludes the "\\n")."""
    i = text.find(char)
    while i >= 0:
        a = text.rfind("\n", 0, i) + 1
        b = text.find("\n", i)
        b = len(text) if b < 0 else b
        yield a, b
        i = text.find(char, b)


def repair_glyphs(d: Draft) -> Draft:
    """Apply the rule table glyphs.tsv; record each repair with its rule and source offset."""
    for rule in glyph_rules():
        edits = []
        for m in rule.finditer(d.text):
            new = rule.fix(m.group())
            if new != m.group():
                edits.append((m.start(), m.end(), new))
                d.repairs.append(Repair(rule.name, m.group(), new, d.origin[m.start()]))
        if edits:
            d = d.rewrite(edits)
    return d


# repair_glyphs runs before close_font_gaps and drop_blank_lines run once more after it: a repair
# can leave a Han–Latin gap ("到�2025" → "到 2025") or an empty line (a line that was only U+FFFD),
# which a second cleaning would otherwise remove (clean must be idempotent).
STEPS = (normalize_spaces, mark_pages, drop_furniture, drop_blank_lines, join_vertical, undouble, repair_glyphs,
         close_font_gaps, drop_blank_lines)
