"""Progress of a build: the callback the pipeline calls (stages, inputs done) and the terminal bar."""
import io

import pytest

from kg.build import build_corpus
from kg.progress import Bar, for_terminal
from samples import EXTRA, NOTICE


class Recorder:
    """A progress callback that remembers what it was told."""

    def __init__(self):
        self.stages, self.totals, self.chars, self.documents = [], {}, 0, 0

    def stage(self, name, total=None):
        self.stages.append(name)
        if total is not None:
            self.totals[name] = total

    def advance(self, chars, documents):
        self.chars += chars
        self.documents += documents


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture()
def two_files(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(NOTICE, encoding="utf-8")
    b.write_text(NOTICE.replace("15号", "16号") + EXTRA, encoding="utf-8")
    return [a, b]


def test_progress_build_reports_stages_and_every_input(two_files):
    rec = Recorder()
    corpus = build_corpus(two_files, progress=rec)
    assert rec.stages == ["read", "map", "link", "relate"]
    assert rec.chars == rec.totals["map"] == sum(len(s.text) for s in corpus.sources)
    assert rec.documents == len(corpus.documents) == 2


def test_progress_counts_cached_inputs_too(two_files, tmp_path):
    from kg.cache import Cache

    cache = Cache(tmp_path / "cache")
    build_corpus(two_files, cache=cache)
    rec = Recorder()
    corpus = build_corpus(two_files, cache=cache, progress=rec)  # every source from the cache
    assert rec.chars == sum(len(s.text) for s in corpus.sources) and rec.documents == 2


def test_progress_from_worker_processes_adds_up(two_files):
    from kg.parallel import map_sources
    from kg.read import read_file

    sources = [read_file(p) for p in two_files]
    rec = Recorder()
    results = map_sources(sources, workers=2, min_chars_per_worker=0, progress=rec)
    assert rec.chars == sum(len(s.text) for s in sources)
    assert rec.documents == sum(len(docs) for docs, _ in results)


def test_progress_bar_shows_stage_documents_and_rate():
    out = Terminal()
    bar = Bar(out)
    bar.stage("read")
    bar.stage("map", 2000)
    bar.advance(1000, 3)
    bar.advance(1000, 2)
    bar.stage("link")
    bar.close()
    text = out.getvalue()
    for piece in ("read", "map", "link", "2.00k/2.00k chars", "5 documents", "char/s", "100%"):
        assert piece in text, piece


@pytest.mark.parametrize("file,quiet,shown", [(Terminal(), False, True), (Terminal(), True, False),
                                              (io.StringIO(), False, False)])
def test_progress_only_on_a_terminal_and_not_when_quiet(file, quiet, shown):
    assert (for_terminal(quiet, file) is not None) == shown
