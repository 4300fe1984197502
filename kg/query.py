"""Named SPARQL queries (one per file in queries/), parameters as bindings, result formatting.

A named query is a .rq file whose header comment says what it answers and names its
parameters (`# param: unit — label or alias of a department`). Parameter values never enter
the query as pasted text: they are serialised as RDF terms into a VALUES block that the
library injects at the start of the WHERE group, so the same text runs on rdflib and on
Oxigraph (whose substitutions only reach projected variables).

    from kg.query import KG
    kg = KG.load("out/graph.ttl")
    kg.query("measures_led_by", unit="市市场监管局").rows

A label parameter is matched by binding, not by a late FILTER, so both engines look the
label up in their index first (rdflib evaluates FILTERs last: 70 s instead of 0.3 s):

    BIND(STRLANG(STR(?unit), "zh") AS ?unitZh)
    { ?lead skos:prefLabel|skos:altLabel ?unitZh } UNION { ?lead skos:prefLabel|skos:altLabel ?unit }
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from .errors import QueryError

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
PLAIN_DIR = QUERY_DIR / "plain"  # the same questions written plainly, for rdflib's engine
FORMATS = ("table", "csv", "json", "tsv")

# header comment of a .rq file: `# param: NAME — description` (—, –, - or : as separator)
_PARAM_RE = re.compile(r"^#\s*param:\s*(?P<name>[A-Za-z_]\w*)\s*(?:[—–:-]+\s*(?P<desc>.*))?$")
# the lexical pieces the VALUES injector must step over: comments, strings, IRIs, braces, words
_TOKEN_RE = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                  |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<open>\{) | (?P<close>\})
      | (?P<word>[A-Za-z_][\w-]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass(frozen=True)
class Param:
    name: str
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: str = ""

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)


@dataclass
class Result:
    """Rows of a query. `rows` hold plain Python values (str, int, date, bool, None);
    `terms` the RDF terms as returned (for re-serialisation)."""

    columns: list[str]
    rows: list[tuple]
    terms: list[tuple] = field(default_factory=list, repr=False)
    kind: str = "SELECT"  # SELECT | ASK | CONSTRUCT | DESCRIBE

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def to_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def column(self, name: str) -> list:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def to_dataframe(self):
        """A pandas DataFrame of the rows (pandas is optional: imported here only)."""
        try:
            import pandas as pd
        except ImportError as err:  # pragma: no cover - pandas is installed in dev
            raise QueryError("to_dataframe needs pandas: pip install pandas") from err
        return pd.DataFrame(self.rows, columns=self.columns)


# --- named queries -------------------------------------------------------------------------

def parse_header(name: str, text: str, path: str = "") -> NamedQuery:
    """Read a .rq file's leading comment: description lines and `# param:` lines."""
    desc, params = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("#"):
            if line:
                break
            continue
        m = _PARAM_RE.match(line)
        if m:
            params.append(Param(m["name"], (m["desc"] or "").strip()))
        else:
            desc.append(line.lstrip("#").strip())
    return NamedQuery(name, " ".join(d for d in desc if d), tuple(params), text, path)


@lru_cache(maxsize=4)
def _load_dir(directory: str, stamp: tuple) -> dict[str, NamedQuery]:
    out = {}
    for path in sorted(Path(directory).glob("*.rq")):
        out[path.stem] = parse_header(path.stem, path.read_text(encoding="utf-8"), str(path))
    return out


def named_queries(directory=None) -> dict[str, NamedQuery]:
    """Every named query of queries/ (or `directory`), by name, sorted."""
    directory = Path(directory or QUERY_DIR)
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.rq")))
    return dict(_load_dir(str(directory), stamp))


def resolve(name_or_text: str, directory=None) -> NamedQuery:
    """A named query, a path to a .rq file, or query text (as an unnamed NamedQuery)."""
    queries = named_queries(directory)
    if name_or_text in queries:
        return queries[name_or_text]
    if name_or_text.endswith(".rq") and "\n" not in name_or_text:
        path = Path(name_or_text)
        if not path.is_file():
            raise QueryError(f"{name_or_text}: no such query file")
        return parse_header(path.stem, path.read_text(encoding="utf-8"), str(path))
    if re.fullmatch(r"[\w-]+", name_or_text.strip()):
        import difflib

        close = difflib.get_close_matches(name_or_text, list(queries), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; named queries: {', '.join(queries)}"
        raise QueryError(f"no named query {name_or_text!r}{hint}")
    return parse_header("<query>", name_or_text)


# --- parsing and parameters ----------------------------------------------------------------

def check_syntax(text: str, label: str = "query"):
    """Parse with rdflib's SPARQL grammar; a syntax error becomes a QueryError with line:column.

    Returns the parse tree (used by the server to refuse SERVICE, FROM and updates). Parsing
    takes rdflib ~50 ms, so trees of texts seen before (the named queries) are cached.
    """
    return _parse_cached(text, label)


@lru_cache(maxsize=256)
def _parse_cached(text: str, label: str):
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)
    except ParseBaseException as err:
        if _looks_like_update(text):
            try:
                parseUpdate(text)
            except ParseBaseException:
                pass
            else:
                raise QueryError(f"{label}: updates are not allowed (read-only); "
                                 "use SELECT, ASK, CONSTRUCT or DESCRIBE") from None
        msg = str(getattr(err, "msg", err))
        raise QueryError(f"{label}: syntax error at line {err.lineno}, column {err.col}: {msg}\n"
                         f"  {err.line.strip()}") from None
    except Exception as err:  # rdflib raises plain exceptions for some semantic errors
        raise QueryError(f"{label}: {err}") from None


def grammar_nodes(node):
    """Every CompValue (named grammar node) in an rdflib SPARQL parse tree."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, CompValue):
            yield n
            stack.extend(n.values())
        elif isinstance(n, (list, tuple)) or type(n).__name__ == "ParseResults":
            stack.extend(list(n))


def _iri_of(term, prologue) -> str:
    """An IRI of the parse tree as text, prefixed names and relative IRIs resolved."""
    from urllib.parse import urljoin

    base, prefixes = "", {}
    for decl in prologue:
        if getattr(decl, "name", "") == "Base":
            base = str(decl["iri"])
        elif getattr(decl, "name", "") == "PrefixDecl":
            prefixes[decl.get("prefix") or ""] = str(decl["iri"])
    if getattr(term, "name", "") == "pname":
        d = dict(term)
        return prefixes.get(d.get("prefix") or "", f"{d.get('prefix', '')}:") + (d.get("localname") or "")
    return urljoin(base, str(term)) if base else str(term)


def remote_access(tree, graph_names=()) -> str | None:
    """Why a parsed query would reach beyond the local graph, or None. `graph_names`: the
    dataset's named graphs, or a function giving them (called only if the query has a FROM).

    SERVICE always does; FROM / FROM NAMED do unless they name a graph of the dataset
    (rdflib fetches a FROM <url> it does not hold, over the network or from a file).
    """
    prologue = tree[0] if len(tree) > 1 else ()
    for comp in grammar_nodes(tree):
        if comp.name == "ServiceGraphPattern":
            target = dict(comp).get("term")
            where = "a variable" if target is None or type(target).__name__ == "Variable" else \
                f"<{_iri_of(target, prologue)}>"
            return f"SERVICE {where}: kg queries only its own graph, never other services"
        if comp.name == "DatasetClause":
            d = dict(comp)  # CompValue.get echoes the key for missing keys
            iri = _iri_of(d.get("default") or d.get("named"), prologue)
            names = graph_names() if callable(graph_names) else graph_names
            if iri not in {str(g) for g in names}:
                kind = "FROM NAMED" if "named" in d else "FROM"
                return f"{kind} <{iri}>: not a graph of this dataset; kg never loads remote data or files"
    return None


def _looks_like_update(text: str) -> bool:
    words = {m["word"].upper() for m in _TOKEN_RE.finditer(text) if m["word"]}
    return bool(words & _UPDATE_WORDS)


def to_term(value) -> Identifier:
    """A parameter value as an RDF term: strings become plain literals, RDF terms pass through."""
    if isinstance(value, Identifier):
        return value
    if isinstance(value, (str, int, float, bool, Decimal, datetime.date)):
        return Literal(value)
    raise QueryError(f"parameter value {value!r}: expected a string, number, date or RDF term")


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_BACKSLASH_U_RE = re.compile(r"(?<=\\\\)[uU]")  # a u / U right after an escaped backslash
_IRI_BAD_RE = re.compile(r'[\x00-\x20<>"{}|^`\\]')  # characters an IRIREF may not hold


def sparql_term(term: Identifier) -> str:
    """A term in SPARQL syntax, every special character escaped (ECHAR), so no value can
    close the string and no whitespace is rewritten by the parser (rdflib's n3() keeps tabs raw)."""
    if isinstance(term, Literal):
        body = '"' + "".join(_ECHAR.get(c, c) for c in str(term)) + '"'
        # SPARQL expands \uXXXX anywhere before parsing, even after an escaped backslash:
        # write that u / U itself as a codepoint escape so "\\u0041" stays six characters
        body = _BACKSLASH_U_RE.sub(lambda m: f"\\U{ord(m[0]):08X}", body)  # 8 digits: no hex after it is eaten
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype:
            return f"{body}^^{sparql_term(URIRef(term.datatype))}"
        return body
    if isinstance(term, URIRef):
        if _IRI_BAD_RE.search(term):
            raise QueryError(f"IRI {str(term)!r}: holds a character IRIs may not contain")
        return f"<{term}>"
    raise QueryError(f"parameter value {term!r}: blank nodes cannot be bound")


def inject_values(text: str, bindings: dict) -> str:
    """Query text with `VALUES (?a ?b) { (t1 t2) }` at the start of its WHERE group.

    Values are serialised by rdflib (`Term.n3()`), never pasted as raw text.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    for n in names:
        if not re.fullmatch(r"[A-Za-z_]\w*", n):
            raise QueryError(f"parameter name {n!r}: expected letters, digits and _")
    values = " ".join(sparql_term(to_term(bindings[n])) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "
    pos = _where_brace(text)
    return text[: pos + 1] + block + text[pos + 1:]


def _where_brace(text: str) -> int:
    """Offset of the `{` opening the query's WHERE group (outside comments, strings and IRIs).

    That is the first top-level `{` after the keyword WHERE, or, for SELECT, ASK and DESCRIBE
    written without WHERE, the first top-level `{` (CONSTRUCT's first group is its template).
    """
    depth, form, after_where = 0, None, False
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "word" and depth == 0:
            word = m["word"].upper()
            if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
            after_where = after_where or word == "WHERE"
        elif kind == "open":
            if depth == 0 and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return m.start()
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
    raise QueryError("query has no WHERE group to bind parameters in")


# --- running ---------------------------------------------------------------------------------

def _py(term):
    if term is None:
        return None
    if isinstance(term, Literal):
        v = term.toPython()
        # numbers, booleans, dates as Python values; everything else (durations, times, …) as written
        plain = (str, int, float, bool, Decimal, datetime.date)
        return v if isinstance(v, plain) and not isinstance(v, Literal) else str(term)
    return str(term)


def bind(name_or_text: str, params: dict | None = None, directory=None) -> tuple[NamedQuery, str]:
    """The query and its text with the parameters bound (checked: declared, all given, syntax)."""
    nq = resolve(name_or_text, directory)
    params = dict(params or {})
    if nq.params:
        declared = nq.param_names
        missing = [p for p in declared if p not in params]
        unknown = [p for p in params if p not in declared]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing parameter {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown parameter {', '.join(unknown)}")
            usage = "; ".join(f"{p.name}: {p.description}" for p in nq.params)
            raise QueryError(f"{nq.name}: {' and '.join(parts)} (parameters — {usage})")
    elif params and nq.path:
        raise QueryError(f"{nq.name} takes no parameters; got {', '.join(sorted(params))}")
    if not _bundled(nq):
        check_syntax(nq.text, nq.name)
    return nq, inject_values(nq.text, params)


def run(graph, name_or_text: str, params: dict | None = None, directory=None) -> Result:
    """Run a named query (or .rq path, or query text) on `graph` with parameter bindings."""
    if directory is None and _plain_variant(graph, name_or_text):
        directory = PLAIN_DIR
    nq, text = bind(name_or_text, params, directory)
    if not _bundled(nq):  # queries/ parse, stay local and use no GRAPH (tests): no rdflib parse at start-up
        tree = check_syntax(nq.text, nq.name)
        reason = remote_access(tree, lambda: graph_names(graph))
        if reason:
            raise QueryError(f"{nq.name}: {reason}")
        if not getattr(graph, "context_aware", False) and \
                any(c.name == "GraphGraphPattern" for c in grammar_nodes(tree)):
            raise QueryError(f"{nq.name}: GRAPH needs named graphs, and this graph is loaded as one default "
                             "graph (rdflib engine, a .ttl or .nt file); query graph.trig or graph.nq for the "
                             "per-document graphs, or use --engine oxigraph")
    try:  # rdflib evaluates lazily: the rows are computed in _result, inside the try
        return _result(graph.query(text))
    except QueryError:
        raise
    except Exception as err:  # engine errors (type errors, oxigraph evaluation errors)
        raise QueryError(f"{nq.name}: {type(err).__name__}: {err}") from err


def run_with_timeout(graph_path, name_or_text: str, params: dict | None, timeout: float,
                     engine: str = "auto", persist_dir=None) -> Result:
    """Run a query in a worker process that holds the graph and is killed at the deadline
    (kg serve's worker: a thread cannot be stopped, a process can). `timeout` counts from the
    moment the worker has loaded the graph."""
    from .serve import Refused, WorkerPool

    nq, text = bind(name_or_text, params)
    pool = WorkerPool(graph_path, engine=engine, persist_dir=persist_dir, size=1)
    try:
        kind, payload, _ = pool.run(text, timeout, sys.maxsize)
    except Refused as err:
        if err.status == 503 and "timed out" in str(err):
            raise QueryError(f"{nq.name}: stopped after {timeout:g} s (--timeout); narrow the query "
                             "(a LIMIT, a bound variable) or allow more time") from None
        raise QueryError(f"{nq.name}: {err}") from None
    finally:
        pool.close()
    if kind == "ASK":
        return Result(["ask"], [(payload,)], [(Literal(payload),)], "ASK")
    if kind in ("CONSTRUCT", "DESCRIBE"):
        terms = sorted(payload, key=lambda t: tuple(x.n3() for x in t))
        return Result(["subject", "predicate", "object"], [tuple(_py(x) for x in t) for t in terms], terms, kind)
    columns, rows = payload
    return Result(list(columns), [tuple(_py(x) for x in r) for r in rows], [tuple(r) for r in rows], "SELECT")


def _bundled(nq: NamedQuery) -> bool:
    return bool(nq.path) and Path(nq.path).parent in (QUERY_DIR, PLAIN_DIR)


def _plain_variant(graph, name: str) -> bool:
    """queries/ are written for Oxigraph's planner, which rdflib's engine runs for minutes on a
    gazette; queries/plain/ asks the same questions plainly (a test checks they agree)."""
    from .store import is_oxigraph

    return bool(re.fullmatch(r"[\w-]+", name)) and not is_oxigraph(graph) and (PLAIN_DIR / f"{name}.rq").is_file()


def graph_names(graph) -> list:
    """Names of the named graphs a query may pick with FROM (none for a plain Graph)."""
    listing = getattr(graph, "graphs", None) or getattr(graph, "contexts", None)  # Dataset | ConjunctiveGraph
    if listing is None:
        return []
    return [c.identifier for c in listing() if isinstance(c.identifier, URIRef)]


def _result(res) -> Result:
    if res.type == "ASK":
        return Result(["ask"], [(bool(res.askAnswer),)], [(Literal(bool(res.askAnswer)),)], "ASK")
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        terms = sorted(res.graph, key=lambda t: tuple(x.n3() for x in t))
        return Result(["subject", "predicate", "object"], [tuple(_py(x) for x in t) for t in terms],
                      terms, res.type)
    columns = [str(v) for v in res.vars]
    terms = [tuple(row.get(v) if hasattr(row, "get") else row[i] for i, v in enumerate(res.vars))
             for row in res.bindings]
    return Result(columns, [tuple(_py(x) for x in t) for t in terms], terms, "SELECT")


# --- formatting ------------------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide and full-width (CJK) characters count 2."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _fit(text: str, width: int) -> str:
    """Cut `text` to at most `width` display columns (with …), then pad to exactly `width`."""
    text = text.replace("\n", " ")
    if display_width(text) > width:
        out, w = [], 0
        for c in text:
            cw = display_width(c)
            if w + cw > width - 1:
                break
            out.append(c)
            w += cw
        text = "".join(out) + "…"
    return text + " " * (width - display_width(text))


def format_table(result: Result, max_width: int = 48) -> str:
    """An aligned text table; CJK characters count double; long cells are cut with …."""
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [min(max_width, max([display_width(c)] + [display_width(r[i]) for r in cells]))
              for i, c in enumerate(result.columns)]
    line = lambda vals: "  ".join(_fit(v, w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    out = [line(result.columns), "  ".join("─" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)


def format_csv(result: Result) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(result.columns)
    w.writerows([_cell(v) for v in row] for row in result.rows)
    return buf.getvalue()


def format_tsv(result: Result) -> str:
    esc = lambda s: s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")  # noqa: E731
    lines = ["\t".join(result.columns)]
    lines += ["\t".join(esc(_cell(v)) for v in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def format_json(result: Result) -> str:
    def plain(v):
        return v.isoformat() if isinstance(v, (datetime.date, datetime.datetime)) else \
            float(v) if isinstance(v, Decimal) else v
    rows = [{c: plain(v) for c, v in zip(result.columns, row)} for row in result.rows]
    return json.dumps(rows, ensure_ascii=False, indent=1, default=str)  # durations, times, …: as text


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json, "tsv": format_tsv}


def format_result(result: Result, fmt: str = "table") -> str:
    try:
        return FORMATTERS[fmt](result)
    except KeyError:
        raise QueryError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}") from None


# --- Python API ------------------------------------------------------------------------------

class KG:
    """One object for scripts: a loaded graph, its named queries, questions."""

    def __init__(self, graph):
        self.graph = graph

    @classmethod
    def load(cls, path="out/graph.ttl", engine: str = "auto", persist_dir=None) -> "KG":
        return cls(load_graph(path, engine=engine, persist_dir=persist_dir))

    def query(self, name_or_text: str, **params) -> Result:
        return run(self.graph, name_or_text, params)

    @staticmethod
    def queries() -> dict[str, NamedQuery]:
        return named_queries()

    def ask(self, question: str):
        from .ask import ask

        return ask(self.graph, question)

    def __len__(self) -> int:
        return len(self.graph)


def load_graph(path, engine: str = "auto", persist_dir=None):
    """The graph in `path`, in rdflib's memory store or Oxigraph (see kg.store.open_graph)."""
    from .store import open_graph

    return open_graph(path, engine=engine, persist_dir=persist_dir)


# --- command ---------------------------------------------------------------------------------

def parse_params(pairs) -> dict:
    """`K=V` strings → dict; a pair without = names the bad argument."""
    out = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE")
        out[key.strip()] = value
    return out


def describe_queries(queries: dict[str, NamedQuery]) -> str:
    lines = []
    for nq in queries.values():
        params = " ".join(f"--param {p.name}=…" for p in nq.params)
        lines.append(f"{nq.name} {params}".rstrip())
        lines.append(f"    {nq.description}")
        for p in nq.params:
            lines.append(f"    {p.name}: {p.description}")
    return "\n".join(lines)


def query_command(args) -> int:
    if getattr(args, "list", False):
        print(describe_queries(named_queries()))
        return 0
    if args.sparql is not None:
        target = args.sparql
    elif args.name:
        target = args.name
    else:
        raise QueryError("give a named query (see `kg query --list`), a .rq file or --sparql TEXT")
    params = parse_params(args.param)
    bind(target, params)  # fail on parameters and syntax before loading a large graph
    engine, store = getattr(args, "engine", "auto"), getattr(args, "store", None)
    timeout = getattr(args, "timeout", None)
    if timeout is not None and timeout <= 0:
        raise QueryError(f"--timeout {timeout:g}: expected a number of seconds above 0")
    if timeout:
        from .store import check_graph_path

        result = run_with_timeout(check_graph_path(args.graph), target, params, timeout, engine, store)
    else:
        result = run(load_graph(args.graph, engine=engine, persist_dir=store), target, params)
    write_text(format_result(result, args.format))
    return 0


def write_text(text: str) -> None:
    """Print `text` ending in exactly one newline (CSV and TSV already end in one)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
