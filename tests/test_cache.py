"""Incremental builds: unchanged sources come from .kg-cache, edits to text or patterns rebuild."""
from __future__ import annotations

import os
import shutil
from array import array
from pathlib import Path

import pytest

import kg
from kg.cache import Cache, pipeline_version
from kg.model import Block, Document, Mention
from kg.parallel import map_sources
from kg.read import read_bytes

FURNITURE = "—— 页眉：晋城市人民政府公报 ——"  # in the source, dropped by the toy segmenter


class Spy:
    """A toy documents_of/mentions_of pair that counts its calls."""

    def __init__(self):
        self.documents_calls = 0
        self.mentions_calls = 0

    def documents(self, source):
        self.documents_calls += 1
        body = source.text.split("\n", 1)[1]
        start = len(source.text) - len(body)
        block = Block("para", body, array("q", range(start, len(source.text))))
        return [Document(id=source.name, source=source, title="t", blocks=[block], start=start, end=len(source.text))]

    def mentions(self, doc):
        self.mentions_calls += 1
        b = doc.blocks[0]
        i = b.text.find("局")
        return [Mention(doc.id, "Department", b.text[:i + 1], b.origin[0], b.origin[i] + 1, 2, 0, 0, i + 1, doc.source.path)]


def _source(name: str, body: str):
    return read_bytes(name, f"{FURNITURE}\n{body}\n".encode("utf-8"))


def _build(sources, cache, spy):
    return map_sources(sources, cache=cache, documents_fn=spy.documents, mentions_fn=spy.mentions)


@pytest.fixture
def sources():
    return [_source("a.txt", "晋城市市场监督管理局负责。"), _source("b.txt", "泽州县教育局配合。")]


def test_cache_second_build_skips_unchanged_sources(tmp_path, sources):
    cache = Cache(tmp_path / ".kg-cache")
    spy = Spy()
    first = _build(sources, cache, spy)
    assert (spy.documents_calls, spy.mentions_calls) == (2, 2)
    again = Cache(tmp_path / ".kg-cache")
    second = _build(sources, again, spy)
    assert (spy.documents_calls, spy.mentions_calls) == (2, 2)  # nothing recomputed
    assert (again.hits, again.misses) == (2, 0)
    for (d1, m1), (d2, m2), src in zip(first, second, sources):
        assert [vars(m) for m in m1] == [vars(m) for m in m2]
        assert [(d.id, d.blocks[0].text, d.blocks[0].origin) for d in d1] == [(d.id, d.blocks[0].text, d.blocks[0].origin) for d in d2]
        assert all(d.source is src for d in d2)  # reattached to the Source being built


def test_cache_changed_text_is_rebuilt(tmp_path, sources):
    spy = Spy()
    _build(sources, Cache(tmp_path), spy)
    edited = [sources[0], _source("b.txt", "泽州县卫生健康局配合。")]
    cache = Cache(tmp_path)
    (_, _), (_, mentions) = _build(edited, cache, spy)
    assert spy.documents_calls == 3 and (cache.hits, cache.misses) == (1, 1)
    assert mentions[0].text == "泽州县卫生健康局"


def test_cache_does_not_store_the_source_text(tmp_path, sources):
    cache = Cache(tmp_path)
    _build(sources, cache, Spy())
    data = cache.path(sources[0]).read_bytes()
    assert "晋城市市场监督管理局".encode() in data  # block text is there
    assert FURNITURE.encode() not in data  # the Source itself is not


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05\x95\xff\xff", None])
def test_cache_corrupt_entry_is_rebuilt(tmp_path, sources, garbage):
    spy = Spy()
    _build(sources, Cache(tmp_path), spy)
    entry = Cache(tmp_path).path(sources[0])
    if garbage is None:  # a valid pickle of something else
        import pickle

        entry.write_bytes(pickle.dumps({"version": "x"}))
    else:
        entry.write_bytes(garbage)
    cache = Cache(tmp_path)
    result = _build(sources, cache, spy)
    assert spy.documents_calls == 3 and (cache.hits, cache.misses) == (1, 1)
    assert result[0][1][0].text == "晋城市市场监督管理局"
    assert Cache(tmp_path).get(sources[0]) is not None  # rewritten


def _fake_package(root: Path) -> Path:
    (root / "clean").mkdir(parents=True)
    (root / "clean" / "rules.py").write_text("X = 1\n", encoding="utf-8")
    (root / "nlp" / "patterns").mkdir(parents=True)
    (root / "nlp" / "patterns" / "units.jsonl").write_text('{"label": "Department", "pattern": "局"}\n', encoding="utf-8")
    (root / "segment").mkdir()
    (root / "segment" / "blocks.py").write_text("", encoding="utf-8")
    (root / "viz.py").write_text("", encoding="utf-8")  # not part of the per-source stages
    return root


@pytest.mark.parametrize("edit, invalidates", [
    (lambda p: (p / "nlp" / "patterns" / "units.jsonl").write_text('{"label": "Department", "pattern": "委员会"}\n', encoding="utf-8"), True),
    (lambda p: (p / "nlp" / "patterns" / "new.tsv").write_text("a\tb\n", encoding="utf-8"), True),
    (lambda p: (p / "clean" / "rules.py").write_text("X = 2\n", encoding="utf-8"), True),
    (lambda p: (p / "segment" / "blocks.py").write_text("# changed\n", encoding="utf-8"), True),
    (lambda p: (p / "nlp" / "patterns" / "units.jsonl").rename(p / "nlp" / "patterns" / "renamed.jsonl"), True),
    (lambda p: (p / "viz.py").write_text("# changed\n", encoding="utf-8"), False),
    (lambda p: shutil.rmtree(p / "clean" / "__pycache__", ignore_errors=True) or (p / "clean" / "__pycache__").mkdir() or (p / "clean" / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"x"), False),
])
def test_cache_pattern_edit_invalidates(tmp_path, sources, edit, invalidates):
    pkg = _fake_package(tmp_path / "kg")
    before = pipeline_version(pkg)
    assert pipeline_version(pkg) == before  # deterministic
    spy = Spy()
    _build(sources, Cache(tmp_path / "cache", before), spy)
    edit(pkg)
    after = pipeline_version(pkg)
    assert (after != before) == invalidates
    cache = Cache(tmp_path / "cache", after)
    _build(sources, cache, spy)
    assert cache.hits == (0 if invalidates else 2)
    if invalidates:  # the stale version's folder is pruned on the first write
        assert sorted(p.name for p in (tmp_path / "cache").iterdir() if p.is_dir()) == [after[:16]]


def test_cache_version_follows_kg_version(monkeypatch, tmp_path):
    pkg = _fake_package(tmp_path / "kg")
    before = pipeline_version(pkg)
    monkeypatch.setattr(kg, "__version__", "999.0")
    assert pipeline_version(pkg) != before


def test_cache_default_version_covers_real_patterns():
    pkg = Path(kg.__file__).parent
    assert pipeline_version() == pipeline_version(pkg)
    assert len(pipeline_version()) == 64


def test_cache_writes_atomically_and_ignores_git(tmp_path, sources):
    cache = Cache(tmp_path / "c")
    _build(sources, cache, Spy())
    files = sorted(p.relative_to(tmp_path / "c").as_posix() for p in (tmp_path / "c").rglob("*") if p.is_file())
    assert ".gitignore" in files and not any(f.endswith(".tmp") for f in files)
    assert sum(f.endswith(".json") for f in files) == 2


def test_cache_unwritable_folder_only_loses_the_cache(tmp_path, sources):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = Cache(blocker / ".kg-cache")
    spy = Spy()
    result = _build(sources, cache, spy)
    assert result[1][1][0].text == "泽州县教育局"
    assert cache.get(sources[0]) is None


def test_cache_version_follows_dependency_versions(monkeypatch, tmp_path):
    import importlib.metadata

    pkg = _fake_package(tmp_path / "kg")
    before = pipeline_version(pkg)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "99.0" if d == "spacy" else real(d))
    assert pipeline_version(pkg) != before


class _Payload:
    """Unpickling this runs code: what a planted cache entry would do if the cache used pickle."""

    def __reduce__(self):
        import os

        return (os.makedirs, (str(_Payload.marker),))


@pytest.mark.parametrize("planted", ["pickle", "unknown-tag", "foreign-class", "extra-field", "other-path"])
def test_cache_planted_entry_is_a_miss_and_runs_nothing(tmp_path, sources, planted):
    import json
    import pickle

    spy = Spy()
    _build(sources, Cache(tmp_path), spy)
    entry = Cache(tmp_path).path(sources[0])
    good = json.loads(entry.read_bytes())
    _Payload.marker = tmp_path / "PWNED"
    if planted == "pickle":
        entry.write_bytes(pickle.dumps(_Payload()))
    else:
        doc = good["documents"][0]
        if planted == "unknown-tag":
            doc["$"] = "os.system"
        elif planted == "foreign-class":
            doc["$"] = "Source"
        elif planted == "extra-field":
            doc["v"].append("one field too many")
        else:
            good["path"] = "elsewhere.txt"
        entry.write_text(json.dumps(good), encoding="utf-8")
    cache = Cache(tmp_path)
    result = _build(sources, cache, spy)
    assert not _Payload.marker.exists()
    assert (cache.hits, cache.misses) == (1, 1) and spy.documents_calls == 3
    assert result[0][1][0].text == "晋城市市场监督管理局"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_cache_entry_owned_by_another_user_is_a_miss(tmp_path, sources):
    spy = Spy()
    _build(sources, Cache(tmp_path), spy)
    os.chown(Cache(tmp_path).path(sources[0]), 65534, 65534)
    cache = Cache(tmp_path)
    _build(sources, cache, spy)
    assert (cache.hits, cache.misses) == (1, 1)


def test_cache_real_records_round_trip(gazette, gazette_docs):
    from kg.cache import decode, encode
    from kg.nlp import extract

    docs = gazette_docs[:3]
    mentions = [m for d in docs for m in extract(d)]
    import json

    data = json.loads(json.dumps(encode((docs, mentions), gazette)))
    docs2, mentions2 = decode(data, gazette)
    assert [vars(m) for m in mentions2] == [vars(m) for m in mentions]
    for a, b in zip(docs, docs2):
        assert b.source is gazette
        assert {k: v for k, v in vars(a).items() if k != "source"} == {k: v for k, v in vars(b).items() if k != "source"}
