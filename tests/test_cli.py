"""The command line as a new user meets it: --version, help for every option, what each command
says it did, output that pipes cleanly, and queries that cannot run for ever."""
import argparse
import time
from pathlib import Path

import pytest

import kg
from kg.cli import main, parser
from kg.errors import QueryError
from samples import NOTICE

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"


def _subcommands():
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices.items())


def _options():
    for name, p in _subcommands():
        for action in p._actions:
            if not isinstance(action, argparse._HelpAction):
                yield name, action


@pytest.mark.parametrize("command,action", list(_options()),
                         ids=[f"{c}:{a.dest}" for c, a in _options()])
def test_cli_every_option_of_every_command_has_help(command, action):
    assert action.help and action.help != argparse.SUPPRESS and len(action.help) > 10
    valued = action.default not in (None, False, [], argparse.SUPPRESS) and action.nargs != 0
    if valued and action.option_strings:  # a default the user should know: the help shows it
        assert "%(default)s" in action.help or "default" in action.help


@pytest.mark.parametrize("command,expected", [
    ("query", "(default: out/graph.ttl)"), ("ask", "(default: out/graph.ttl)"), ("serve", "(default: 3030"),
    ("serve", "(default: 10000)"), ("stats", "(default: 15)"), ("push", "(default: out/graph.trig)"),
    ("build", "(default: ttl,nt,csv)"),
])
def test_cli_help_shows_defaults(capsys, command, expected):
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"kg {kg.__version__}"


def test_cli_build_names_every_file_it_wrote(tmp_path, capsys):
    src = tmp_path / "notice.txt"
    src.write_text(NOTICE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out), "--formats", "ttl,csv", "--quiet"]) == 0
    wrote = [line[len("wrote "):] for line in capsys.readouterr().out.splitlines() if line.startswith("wrote ")]
    assert {Path(p).name for p in wrote} == {"graph.ttl", "graph.trig", "entities.csv", "relations.csv"}
    assert all(Path(p).is_file() for p in wrote)


def test_cli_build_off_a_terminal_prints_no_progress(tmp_path, capsys):
    src = tmp_path / "notice.txt"
    src.write_text(NOTICE, encoding="utf-8")
    assert main(["build", str(src), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err and "chars" not in err


def test_cli_inspect_an_empty_folder_says_so(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["inspect", str(tmp_path / "empty")]) == 3
    assert f"no input files in {tmp_path / 'empty'}" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
@pytest.mark.parametrize("command", [
    ["query", "measures_led_by", "--param", "unit=市市场监管局"],
    ["ask", "市市场监管局牵头哪些项目？"],
])
def test_cli_output_ends_in_exactly_one_newline(capsys, command, fmt):
    assert main(command + ["--graph", str(MINI), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n") and not out.endswith("\n\n") and "\n\n" not in out


def test_cli_query_csv_rows_parse_back(capsys):
    import csv
    import io

    assert main(["query", "measures_led_by", "--param", "unit=市市场监管局", "--graph", str(MINI),
                 "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][0] == "title" and all(rows)  # no empty record at the end


GRAPH_QUERY = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_cli_query_graph_pattern_on_turtle_with_rdflib_is_an_error_not_a_traceback(capsys):
    code = main(["query", "--sparql", GRAPH_QUERY, "--graph", str(MINI), "--engine", "rdflib"])
    err = capsys.readouterr().err
    assert code == QueryError.exit_code and "Traceback" not in err
    assert "GRAPH needs named graphs" in err and "graph.trig" in err


def test_cli_query_graph_pattern_on_oxigraph_finds_no_named_graph_in_turtle(capsys):
    assert main(["query", "--sparql", GRAPH_QUERY, "--graph", str(MINI), "--engine", "oxigraph"]) == 0
    assert "(0 rows)" in capsys.readouterr().out


def test_cli_query_graph_pattern_on_trig_answers(tmp_path, capsys):
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(MINI, format="turtle", publicID="https://example.org/g")
    trig = tmp_path / "g.trig"
    ds.graph("https://example.org/doc").parse(MINI, format="turtle")
    ds.serialize(trig, format="trig")
    assert main(["query", "--sparql", GRAPH_QUERY + " LIMIT 3", "--graph", str(trig), "--engine", "rdflib"]) == 0
    assert "(3 rows)" in capsys.readouterr().out


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_cli_query_timeout_stops_a_runaway_query(capsys):
    start = time.monotonic()
    code = main(["query", "--sparql", CARTESIAN, "--graph", str(MINI), "--timeout", "1"])
    err = capsys.readouterr().err
    assert code == QueryError.exit_code and "stopped after 1 s (--timeout)" in err
    assert time.monotonic() - start < 30  # 1 s of query plus a worker's start-up, not for ever


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_cli_query_with_timeout_gives_the_same_rows(capsys, engine):
    args = ["query", "measures_of_unit", "--param", "unit=市科技局", "--graph", str(MINI), "--format", "json",
            "--engine", engine]
    assert main(args) == 0
    plain = capsys.readouterr().out
    assert main(args + ["--timeout", "60"]) == 0
    assert capsys.readouterr().out == plain


def test_cli_query_timeout_must_be_positive(capsys):
    assert main(["query", "documents", "--graph", str(MINI), "--timeout", "0"]) == QueryError.exit_code
    assert "--timeout 0" in capsys.readouterr().err


def test_cli_viz_names_the_focus_page(tmp_path, capsys):
    assert main(["viz", "--graph", str(MINI), "--out", str(tmp_path / "viz"), "--focus", "中北大学",
                 "--top", "0"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("focus page for 中北大学: "))
    page = Path(line.split(": ", 1)[1])
    assert page.is_file() and page.parent == tmp_path / "viz" and "中北大学" in page.read_text(encoding="utf-8")
