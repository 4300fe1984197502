"""Command line: thin wrappers over library functions. Printing and exit codes live here only.

Each command is one function `cmd_<name>(args) -> int` plus one `_add_<name>(sub)` that declares
its arguments; `main` wires them. Library code raises KGError subclasses; `main` prints
their message (no traceback) and exits with their code.
"""
from __future__ import annotations

import argparse
import sys

from .errors import KGError

DEFAULT_OUT = "out"
FORMAT_HELP = "output format: table (aligned, for reading), csv, json or tsv (default: %(default)s)"
GRAPH_HELP = "graph file to read (default: %(default)s)"
ENGINE_HELP = "query engine: rdflib, oxigraph, or auto = Oxigraph above ~10k triples (default: %(default)s)"
STORE_HELP = "persistent Oxigraph store folder, loaded once and reopened fast (default: none, in memory)"


# --- build / inspect -------------------------------------------------------------------------

def _add_build(sub):
    p = sub.add_parser("build", help="build the graph from gazette files (bundled gazette by default)")
    p.add_argument("inputs", nargs="*", help="text files or folders; default: the bundled gazette")
    p.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    p.add_argument("--workers", type=int, default=1,
                   help="parallel processes for the per-document stages (default: %(default)s)")
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address (tcp://host:port) to run on a cluster (default: local)")
    p.add_argument("--strict", action="store_true", help="stop at the first bad input file")
    p.add_argument("--no-cache", action="store_true", help="reprocess every document even if unchanged")
    p.add_argument("--formats", default="ttl,nt,csv",
                   help="exports written beside graph.ttl and graph.trig: any of ttl, nt, nq, trig, jsonld, csv, "
                        "graphml, gexf (default: %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar (it is shown only when stderr is a terminal)")
    p.set_defaults(func=cmd_build)


def cmd_build(args) -> int:
    from .build import build_command

    return build_command(args)


def _add_add(sub):
    p = sub.add_parser("add", help="add gazettes to a persistent store without rebuilding it")
    p.add_argument("inputs", nargs="+", help="text files to add")
    p.add_argument("--store", required=True, metavar="DIR", help="persistent Oxigraph store (made from --graph the first time)")
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.trig", help="built graph with named graphs (default: %(default)s)")
    p.set_defaults(func=cmd_add)


def cmd_add(args) -> int:
    from .update import add_command

    return add_command(args)


def _add_inspect(sub):
    p = sub.add_parser("inspect", help="print the documents and their outline, to check segmentation")
    p.add_argument("inputs", nargs="*", help="text files or folders; default: the bundled gazette")
    p.add_argument("--blocks", action="store_true", help="also print every block (paragraph, box, table)")
    p.set_defaults(func=cmd_inspect)


def cmd_inspect(args) -> int:
    from .read import bundled_gazette, read_corpus
    from .pipeline import documents_of
    from .segment import describe

    sources, errors = read_corpus(args.inputs or [bundled_gazette()])
    for err in errors:
        print(f"skipped {err}", file=sys.stderr)
    if not sources and not errors:
        print(f"kg inspect: no input files in {', '.join(args.inputs)}", file=sys.stderr)
        return 3
    for src in sources:
        for doc in documents_of(src):
            print(describe(doc, blocks=args.blocks))
    return 2 if errors else 0


def _add_eval(sub):
    p = sub.add_parser("eval", help="score extraction against a gold file (entities or responsibility)")
    p.add_argument("gold", help="gold JSON in the format of shared/gold/entities-dev.json")
    p.add_argument("--graph", default=None, help="graph to score (default: build the bundled gazette in memory)")
    p.add_argument("--texts", default=None, help="folder of the files a by-document gold names (each is built on its own)")
    p.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args) -> int:
    from .evaluate import eval_command

    return eval_command(args)


def _add_export(sub):
    p = sub.add_parser("export", help="write the graph in a standard format")
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.ttl",
                   help="graph to export; its graph.trig sibling is read when there is one (default: %(default)s)")
    p.add_argument("--format", required=True, help="ttl, nt, nq, trig, jsonld, csv, graphml or gexf")
    p.add_argument("--out", default=None, help="file, or folder for csv (default: beside the graph)")
    p.set_defaults(func=cmd_export)


def cmd_export(args) -> int:
    from .export import export_command

    return export_command(args)


# --- query layer ------------------------------------------------------------------------------

def _add_query(sub):
    p = sub.add_parser("query", help="run a named query, a .rq file or --sparql TEXT")
    p.add_argument("name", nargs="?", help="named query (see `kg query --list`) or a .rq file")
    p.add_argument("--sparql", default=None, help="SPARQL query text (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    p.add_argument("--param", action="append", default=[], metavar="K=V",
                   help="value of a query parameter, bound (never pasted into the text); repeat for several")
    p.add_argument("--format", default="table", choices=["table", "csv", "json", "tsv"], help=FORMAT_HELP)
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.ttl", help=GRAPH_HELP)
    p.add_argument("--list", action="store_true", help="list the named queries with their parameters")
    p.add_argument("--engine", default="auto", choices=["auto", "rdflib", "oxigraph"], help=ENGINE_HELP)
    p.add_argument("--store", default=None, metavar="DIR", help=STORE_HELP)
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="stop the query after this many seconds (it runs in a worker process that is "
                        "killed at the deadline; default: no limit)")
    p.set_defaults(func=cmd_query)


def cmd_query(args) -> int:
    from .query import query_command

    return query_command(args)


def _add_ask(sub):
    p = sub.add_parser("ask", help='answer a question, e.g. kg ask "晋城市有哪些研究院？"')
    p.add_argument("question", help="a name, a relation word and a type word, e.g. 市发改委负责哪些任务？ "
                                    "(kg ask '?' lists the forms)")
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.ttl", help=GRAPH_HELP)
    p.add_argument("--format", default="table", choices=["table", "csv", "json", "tsv"],
                   help=FORMAT_HELP + "; csv, json and tsv print the rows only, the explanation goes to stderr")
    p.add_argument("--engine", default="auto", choices=["auto", "rdflib", "oxigraph"], help=ENGINE_HELP)
    p.add_argument("--store", default=None, metavar="DIR", help=STORE_HELP)
    p.set_defaults(func=cmd_ask)


def cmd_ask(args) -> int:
    from .ask import ask_command

    return ask_command(args)


def _add_serve(sub):
    p = sub.add_parser("serve", help="SPARQL 1.1 Protocol endpoint over HTTP (read-only)")
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.ttl", help=GRAPH_HELP)
    p.add_argument("--host", default="127.0.0.1", help="bind address (default: %(default)s, loopback only)")
    p.add_argument("--port", type=int, default=3030, help="TCP port (default: %(default)s; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=10.0,
                   help="seconds a query may run before it is stopped with 503 (default: %(default)s)")
    p.add_argument("--max-rows", type=int, default=10000,
                   help="rows (or triples) returned at most per query (default: %(default)s)")
    p.add_argument("--engine", default="auto", choices=["auto", "rdflib", "oxigraph"], help=ENGINE_HELP)
    p.add_argument("--store", default=None, metavar="DIR", help=STORE_HELP)
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages of ORIGIN (e.g. https://example.org; repeatable; * = any) read the answers "
                        "(default: none)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from .serve import serve_command

    return serve_command(args)


def _add_stats(sub):
    p = sub.add_parser("stats", help="counts per class and property; departments ranked by centrality")
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.ttl", help=GRAPH_HELP)
    p.add_argument("--top", type=int, default=15, help="departments listed in the ranking (default: %(default)s)")
    p.add_argument("--engine", default="auto", choices=["auto", "rdflib", "oxigraph"], help=ENGINE_HELP)
    p.add_argument("--store", default=None, metavar="DIR", help=STORE_HELP)
    p.set_defaults(func=cmd_stats)


def cmd_stats(args) -> int:
    from .stats import stats_command

    return stats_command(args)


# --- viz / push -------------------------------------------------------------------------------

def _add_viz(sub):
    p = sub.add_parser("viz", help="write interactive HTML pages that work offline, linked to the source text")
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.ttl", help=GRAPH_HELP)
    p.add_argument("--out", default="viz", help="folder for the pages (default: %(default)s)")
    p.add_argument("--focus", action="append", default=[], metavar="NAME",
                   help="entity name or alias for a focus page (repeatable)")
    p.add_argument("--depth", type=int, default=1, help="steps around each --focus entity (default: %(default)s)")
    p.add_argument("--top", type=int, default=30,
                   help="also write focus pages for the N most connected entities (default: %(default)s)")
    p.add_argument("--source", action="append", default=[], metavar="PATH",
                   help="input file or folder the graph was built from, for the source pages "
                        "(default: looked up by name beside the graph, here and in the bundled data)")
    p.add_argument("--no-source", action="store_true", help="write the pages without the source text")
    p.set_defaults(func=cmd_viz)


def cmd_viz(args) -> int:
    from .viz import viz_command

    return viz_command(args)


def _add_push(sub):
    p = sub.add_parser("push", help="load the graph into a SPARQL store (Graph Store HTTP Protocol)")
    p.add_argument("--endpoint", required=True, help="Graph Store endpoint URL, e.g. http://localhost:7878/store")
    p.add_argument("--graph", default=f"{DEFAULT_OUT}/graph.trig",
                   help="graph to send, one named graph per document (default: %(default)s)")
    p.add_argument("--user", default=None, help="user name for HTTP Basic or Digest authentication (default: none)")
    p.add_argument("--password", default=None, help="password for --user (default: none)")
    p.add_argument("--deadline", type=float, default=900.0, metavar="SECONDS",
                   help="give up the whole push after this long; 0 = no limit (default: %(default)g)")
    p.set_defaults(func=cmd_push)


def cmd_push(args) -> int:
    from .push import push_command

    return push_command(args)


COMMANDS = [_add_build, _add_add, _add_inspect, _add_eval, _add_export, _add_query, _add_ask,
            _add_serve, _add_stats, _add_viz, _add_push]


def parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(prog="kg", description="Knowledge graph of Chinese government policy documents")
    p.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           help="build, inspect, eval, export, query, ask, serve, stats, viz or push; "
                                "kg COMMAND --help for its options")
    for add in COMMANDS:
        add(sub)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KGError as err:
        print(f"kg {args.command}: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kg query … | head`: the reader left; say nothing more
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
