"""Parallel per-source stages give exactly the serial result: local processes and a Dask cluster.

The toy pipeline below (module-level, so worker processes can import it) makes documents
with blocks and origin arrays and mentions with source offsets, like the real stages; the
real stages run too once kg.clean / kg.segment / kg.nlp exist.
"""
from __future__ import annotations

import re
import socket
from array import array

import pytest

from kg.errors import InputError
from kg.model import Block, Document, Mention
from kg.parallel import ParallelError, _chunks, map_sources
from kg.read import bundled_gazette, read_bytes

_DOC_START = re.compile(r"^# (.+)$", re.M)  # toy: a document starts at a "# title" line
_UNIT = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:管理局|委员会|有限公司|局)")  # toy mention


def toy_documents(source):
    if "BROKEN" in source.text:
        raise InputError(source.path, "toy pipeline refuses BROKEN")
    heads = list(_DOC_START.finditer(source.text))
    docs = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(source.text)
        blocks, pos = [], h.end() + 1
        for para in source.text[pos:end].split("\n"):
            if para.strip():
                blocks.append(Block("para", para, array("q", range(pos, pos + len(para))), section=(str(len(blocks)),)))
            pos += len(para) + 1
        docs.append(Document(id=f"d{i}-{source.sha256[:6]}", source=source, title=h.group(1), blocks=blocks, start=h.start(), end=end))
    return docs


def toy_mentions(doc):
    out = []
    for bi, b in enumerate(doc.blocks):
        for m in _UNIT.finditer(b.text):
            s, e = b.source_span(m.start(), m.end())
            out.append(Mention(doc.id, "Department", m.group(), s, e, doc.source.line_of(s), bi, m.start(), m.end(), doc.source.path))
    return out


def _corpus(n: int, broken: bool = False):
    sources = []
    for k in range(n):
        docs = "".join(f"# 第{k}号文件之{j}\n晋城市市场监督管理局牵头，{k}县发展和改革委员会配合。\n\n某某有限公司负责第{j}项。\n"
                       for j in range(3 + k))
        text = docs + ("BROKEN\n" if broken and k == n - 1 else "")
        sources.append(read_bytes(f"toy/{k}.txt", text.encode("utf-8")))
    return sources


def _real_pipeline():
    try:
        from kg.pipeline import documents_of, mentions_of

        import kg.clean, kg.nlp, kg.segment  # noqa: F401
    except ImportError:
        pytest.skip("kg.clean / kg.segment / kg.nlp not there yet")
    return documents_of, mentions_of


def _gazette_slices(parts: int = 3, share: float = 0.25):
    """The first `share` of the bundled gazette cut at line boundaries into `parts` files."""
    text = bundled_gazette().read_text(encoding="utf-8")
    lines = text.split("\n")
    lines = lines[: int(len(lines) * share)]
    step = len(lines) // parts + 1
    return [read_bytes(f"slice{i}.txt", "\n".join(lines[i * step:(i + 1) * step]).encode("utf-8")) for i in range(parts)]


def _snapshot(results):
    """Everything a later stage can see, as comparable values."""
    return [([(d.id, d.title, d.number, d.issuers, d.date, d.start, d.end, d.source.path,
               [(b.kind, b.text, b.origin.tobytes(), b.section, b.title, b.number, b.level) for b in d.blocks],
               repr(d.outline)) for d in docs],
             [tuple(vars(m).values()) for m in mentions]) for docs, mentions in results]


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize("n_sources", [1, 3, 6])  # 1 and 3: chunks of documents; 6: one task per source
def test_parallel_processes_same_as_serial(n_sources):
    sources = _corpus(n_sources)
    serial = map_sources(sources, documents_fn=toy_documents, mentions_fn=toy_mentions)
    assert sum(len(ms) for _, ms in serial) >= 9 * n_sources
    parallel = map_sources(sources, workers=2, documents_fn=toy_documents, mentions_fn=toy_mentions, min_chars_per_worker=0)
    assert _snapshot(parallel) == _snapshot(serial)
    for src, (docs, _) in zip(sources, parallel):
        assert all(d.source is src for d in docs)  # reattached, not a copy per document


@pytest.mark.parametrize("n_sources", [1, 5])
def test_parallel_dask_same_as_serial(dask_client, n_sources):
    sources = _corpus(n_sources)
    serial = map_sources(sources, documents_fn=toy_documents, mentions_fn=toy_mentions)
    on_dask = map_sources(sources, scheduler=dask_client, documents_fn=toy_documents, mentions_fn=toy_mentions)
    assert _snapshot(on_dask) == _snapshot(serial)
    by_address = map_sources(sources, scheduler=dask_client.scheduler.address, documents_fn=toy_documents, mentions_fn=toy_mentions)
    assert _snapshot(by_address) == _snapshot(serial)


def test_parallel_real_pipeline_same_everywhere(dask_client):
    documents_of, mentions_of = _real_pipeline()
    sources = _gazette_slices(3)
    serial = map_sources(sources)
    assert sum(len(docs) for docs, _ in serial) >= 3 and sum(len(ms) for _, ms in serial) > 100
    assert _snapshot(map_sources(sources, workers=2, min_chars_per_worker=0)) == _snapshot(serial)
    assert _snapshot(map_sources(sources, scheduler=dask_client)) == _snapshot(serial)


@pytest.mark.parametrize("workers", [1, 2])
def test_parallel_worker_error_reaches_caller(workers):
    with pytest.raises(InputError, match="toy pipeline refuses BROKEN"):
        map_sources(_corpus(5, broken=True), workers=workers, documents_fn=toy_documents, mentions_fn=toy_mentions,
                    min_chars_per_worker=0)


def test_parallel_unreachable_scheduler(monkeypatch):
    monkeypatch.setattr("kg.parallel.CONNECT_TIMEOUT", "1s")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ParallelError, match=f"cannot reach the Dask scheduler tcp://127.0.0.1:{port}"):
        map_sources(_corpus(1), scheduler=f"tcp://127.0.0.1:{port}", documents_fn=toy_documents, mentions_fn=toy_mentions)


class _CountingPool:
    instances: list = []

    def __init__(self, workers, *args):
        self.n = workers
        _CountingPool.instances.append(workers)

    def submit(self, fn, *args):
        from concurrent.futures import Future

        f = Future()
        f.set_result(fn(*args))
        return f

    def close(self, abort=False):
        pass


@pytest.mark.parametrize("chars_per_source, n_sources, workers, expected", [
    (1000, 1, 2, []),  # small: serial, no pool at all
    (1000, 3, 4, [3]),  # one worker per 1,000 characters
    (5000, 2, 2, [2]),
])
def test_parallel_small_corpus_runs_fewer_workers(monkeypatch, chars_per_source, n_sources, workers, expected):
    monkeypatch.setattr("kg.parallel._LocalPool", _CountingPool)
    _CountingPool.instances = []
    sources = [read_bytes(f"{k}.txt", (f"# 文件{k}\n" + "晋城市财政局负责。\n" * (chars_per_source // 10)).encode()) for k in range(n_sources)]
    result = map_sources(sources, workers=workers, documents_fn=toy_documents, mentions_fn=toy_mentions, min_chars_per_worker=1000)
    assert _CountingPool.instances == expected
    assert _snapshot(result) == _snapshot(map_sources(sources, documents_fn=toy_documents, mentions_fn=toy_mentions))


@pytest.mark.parametrize("sizes, parts, expected", [
    ([10, 10, 10, 10], 2, [2, 2]),
    ([30, 1, 1, 1], 2, [1, 3]),
    ([5, 5, 5], 1, [3]),
    ([5], 4, [1]),
    ([1, 1, 1, 1, 1], 3, [2, 2, 1]),
])
def test_parallel_chunks_keep_order_and_balance(sizes, parts, expected):
    src = read_bytes("x.txt", b"x")
    docs, pos = [], 0
    for i, n in enumerate(sizes):
        docs.append(Document(id=str(i), source=src, title="", start=pos, end=pos + n))
        pos += n
    chunks = _chunks(docs, parts)
    assert [len(c) for c in chunks] == expected
    assert [d.id for c in chunks for d in c] == [d.id for d in docs]
