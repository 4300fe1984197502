"""Shared fixtures. The bundled gazette is read, cleaned and segmented once per session."""
import pytest

from kg.read import bundled_gazette, read_file


@pytest.fixture(scope="session")
def gazette():
    """The bundled gazette as a Source (晋城市人民政府公报 2022 年第 6 期)."""
    return read_file(bundled_gazette())


@pytest.fixture(scope="session")
def gazette_cleaned(gazette):
    from kg.clean import clean

    return clean(gazette)


@pytest.fixture(scope="session")
def gazette_docs(gazette_cleaned):
    from kg.segment import segment

    return segment(gazette_cleaned)


# --- query layer: the bundled gazette's graph, built once (tests/test_query.py, test_ask.py,
# test_serve.py, test_stats.py) ---------------------------------------------------------------

@pytest.fixture(scope="session")
def gazette_graph_path(built_corpus, tmp_path_factory):
    """graph.ttl of the bundled gazette, written by the build's own writer into a temp folder."""
    from kg.build import write_outputs

    out = tmp_path_factory.mktemp("gazette-graph")
    write_outputs(built_corpus, out, formats=("ttl",))
    return out / "graph.ttl"


# --- graph tests (tests/test_graph.py): the corpus of the bundled gazette, built once ----------

@pytest.fixture(scope="session")
def built_corpus():
    from kg.build import build_corpus

    return build_corpus()
