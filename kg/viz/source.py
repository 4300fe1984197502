"""The input texts behind the graph: finding them, placing quotes in them, and one page per document.

The graph records its input files by name and sha256 (`id:graph/build`), not by path, so the
files are looked for where a user keeps them: the paths given (`kg viz --source`), else the
graph's folder and the one above, the working folder and the bundled data (a few levels down);
a file is taken only when its bytes still hash to the recorded sha256, so a highlighted span is
never drawn on a text that changed.

Mentions carry exact source offsets (`nif:beginIndex`/`endIndex`). Relation quotes and
responsibility clauses are cleaned text (Simplified, lines joined, glyphs repaired), so they are
found in the text as kg's own cleaning step sees it and mapped back through its per-character
origin: the span highlighted is the one printed, even when it runs over several lines.

Links into a source page name lines and columns in its fragment: `#L6905`, `#L40-L43` (a line
range), `#L455.3-L457.12` (characters: line.column, column counted in characters from 0, end
exclusive). The page's script highlights them; `#L6905` alone works without script (:target).
"""
from __future__ import annotations

import bisect
import hashlib
import html
from pathlib import Path

from ..errors import KGError
from ..model import Source
from ..read import bundled_gazette, read_file

# a quote found further than this from its recorded line is not trusted (a long quote is unique
# enough to be trusted further: an issuer's evidence is recorded at its document's first line)
NEAR_LINES, FAR_LINES, LONG_QUOTE = 12, 200, 10


class SourceNotFoundError(KGError):
    """An input file the graph was built from cannot be found (or has changed since)."""

    exit_code = 3


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


SEARCH_DEPTH, SEARCH_FOLDERS = 3, 2000  # how far below a default place a file is looked for
SKIP = {"node_modules", "__pycache__", "venv", "site-packages"}


def _below(folder: Path, name: str, depth: int) -> list[Path]:
    """Files called `name` in `folder` and up to `depth` levels below it (hidden and tool folders
    skipped, at most SEARCH_FOLDERS folders visited), nearest first."""
    found, level, seen = [], [folder], 0
    for _ in range(depth + 1):
        below = []
        for d in level:
            seen += 1
            if seen > SEARCH_FOLDERS:
                return found
            if (d / name).is_file():
                found.append(d / name)
            try:
                below.extend(sorted(c for c in d.iterdir()
                                    if c.is_dir() and not c.name.startswith(".") and c.name not in SKIP))
            except OSError:
                continue
        level = below
    return found


def _candidates(name: str, given, near) -> list[Path]:
    out = []
    for p in map(Path, given):
        if p.is_file() and p.name == name:
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(q for q in p.rglob(name) if q.is_file()))
    for d in map(Path, near):
        out.extend(_below(d, name, SEARCH_DEPTH))
    return list(dict.fromkeys(out))


def find_sources(inputs, given=(), near=()) -> dict[str, Source]:
    """The input files of a build, read: {name: Source}.

    `inputs`: [(name, sha256 or None)] as recorded in the graph; `given`: files or folders named
    by the user (searched first, folders recursively); `near`: folders searched for the name.
    With no recorded inputs, the given files themselves are the sources. Raises
    SourceNotFoundError naming every file not found, and files found whose content changed.
    """
    given = [Path(p) for p in given]
    for p in given:
        if not p.exists():
            raise SourceNotFoundError(f"--source {p}: no such file or folder")
    if not inputs:
        files = [q for p in given for q in ([p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file()))]
        return {s.name: s for s in map(read_file, files)}
    found, missing = {}, []
    for name, digest in inputs:
        changed = []
        for path in _candidates(name, given, near):
            if digest is None or _sha256(path) == digest:
                found[name] = read_file(path)
                break
            changed.append(str(path))
        else:
            why = f" (found {', '.join(changed)}, but its content changed since the build)" if changed else ""
            missing.append(f"{name}{why}")
    if missing:
        where = ", ".join(str(p) for p in [*given, *near]) or "nowhere"
        raise SourceNotFoundError(
            f"cannot find the file(s) the graph was built from: {'; '.join(missing)}. Looked in {where}. "
            "Give the files or their folder with --source PATH (or --no-source to write pages without them)")
    return found


def default_places(graph_path) -> list[Path]:
    """Folders searched (SEARCH_DEPTH deep) for input files when no --source is given: the
    graph's folder and the one above it (`kg build texts/ --out texts/out`), the working folder
    (`kg build data/ --out out`), and kg's bundled data."""
    folder = Path(graph_path).resolve().parent
    return list(dict.fromkeys([folder, folder.parent, Path.cwd(), bundled_gazette().parent]))


class SourceText:
    """One input file: line/column arithmetic and quotes placed back in it."""

    def __init__(self, source: Source):
        self.source = source
        self._cleaned = None

    @property
    def lines(self) -> int:
        return len(self.source.line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """(1-based line, 0-based column) of a character offset."""
        line = self.source.line_of(offset)
        return line, offset - self.source.line_starts[line - 1]

    def fragment(self, start: int, end: int) -> str | None:
        """`L{line}.{col}-L{line}.{col}` for source characters [start, end)."""
        if not 0 <= start < end <= len(self.source.text):
            return None
        (a, ca), (b, _) = self.position(start), self.position(end - 1)
        return f"L{a}.{ca}-L{b}.{end - self.source.line_starts[b - 1]}"

    def _compact(self):
        """The cleaned text without whitespace, and each of its characters' source offset (quotes
        are block text: cleaned lines joined)."""
        if self._cleaned is None:
            from ..clean import clean

            cleaned = clean(self.source)
            keep = [i for i, ch in enumerate(cleaned.text) if not ch.isspace()]
            self._cleaned = ("".join(cleaned.text[i] for i in keep), [cleaned.origin[i] for i in keep])
        return self._cleaned

    def _nearest(self, text, origin, needle, line, lo=0, hi=None) -> tuple[int, int] | None:
        """(line distance, position) of the occurrence of `needle` in text[lo:hi] nearest `line`."""
        best = None
        hi = len(text) if hi is None else hi
        pos = text.find(needle, lo, hi)
        while pos >= 0:
            distance = abs(self.source.line_of(origin[pos]) - line)
            if best is None or distance < best[0]:
                best = (distance, pos)
            pos = text.find(needle, pos + 1, hi)
        return best

    def locate(self, quote: str, line: int | None) -> tuple[int, int] | None:
        """Source offsets [start, end) of `quote` (cleaned block text) nearest to `line`, or None
        when it is not within NEAR_LINES lines of it (FAR_LINES for a quote of LONG_QUOTE characters).
        A quote that is not one run of the text (a heading joined to its paragraph) is spanned from
        its first to its last few characters."""
        needle = "".join(quote.split()) if quote else ""
        if not needle:
            return None
        text, origin = self._compact()
        line = min(max(line or 1, 1), len(self.source.line_starts))
        here = bisect.bisect_left(origin, self.source.line_starts[line - 1])  # origin is (nearly) increasing
        window = 4000 + 2 * len(needle)
        lo, hi = max(0, here - window), here + window
        best = self._nearest(text, origin, needle, line, lo, hi) or self._nearest(text, origin, needle, line)
        if best is not None and best[0] <= (FAR_LINES if len(needle) >= LONG_QUOTE else NEAR_LINES):
            pos = best[1]
            return origin[pos], origin[pos + len(needle) - 1] + 1
        k = min(12, len(needle) // 2)
        if k < 4:
            return None
        head = self._nearest(text, origin, needle[:k], line, lo, hi)
        if head is None or head[0] > NEAR_LINES:
            return None
        tail = text.find(needle[-k:], head[1] + k, head[1] + 2 * len(needle) + 40)
        if tail < 0:
            return None
        return origin[head[1]], origin[tail + k - 1] + 1


SOURCE_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="kg.css">
</head>
<body class="kg-source">
<header>
<h1>{title}</h1>
<nav>{nav}</nav>
<div class="meta">{meta}</div>
</header>
<main>
<div id="kg-text" class="src">
{lines}
</div>
<aside id="kg-outline">{outline}</aside>
</main>
<script src="kg-source.js"></script>
</body>
</html>
"""


def render_source_page(text: SourceText, first: int, last: int, title: str, meta: list[str],
                       nav: list[tuple[str, str]], aside: list[tuple[str, list[tuple]]]) -> str:
    """Lines first..last of a source with numbers and anchors (id="L6905"). `aside` is listed
    beside the text: [(heading, [(href, text, line href, line text)])]."""
    e = html.escape
    src = text.source.text
    starts = text.source.line_starts
    rows = []
    for n in range(max(first, 1), min(last, len(starts)) + 1):
        end = starts[n] - 1 if n < len(starts) else len(src)
        rows.append(f'<div class="l" id="L{n}"><a class="n" href="#L{n}">{n}</a>'
                    f'<span class="t">{e(src[starts[n - 1]:end])}</span></div>')
    parts = []
    for heading, items in aside:
        lis = "".join(f'<li><a href="{e(href)}">{e(label)}</a>'
                      + (f' <a class="ln" href="{e(line_href)}">{e(line_text)}</a>' if line_href else "") + "</li>"
                      for href, label, line_href, line_text in items)
        parts.append(f"<h2>{e(heading)}（{len(items)}）</h2><ol>{lis}</ol>")
    return SOURCE_PAGE.format(
        title=e(title), nav="".join(f'<a href="{e(h)}">{e(t)}</a>' for h, t in nav),
        meta=" · ".join(e(m) for m in meta if m), lines="\n".join(rows), outline="".join(parts))
