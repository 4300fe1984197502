"""The build: inputs → Corpus → graph files, written atomically beside each other.

A failed file is reported and skipped (unless strict); the previous outputs stay intact until
the new ones are complete, because every file is written to a temporary name and renamed.

Exit codes of `kg build`: 0 every input read; 2 some inputs skipped (one line each on stderr:
"skipped <path>: <reason>"); 3 nothing usable, or --strict and an input was bad; 6 the outputs
could not be written. Inputs that decoded only with repairs (truncated UTF-8 / GB18030) are
built and reported as "warning <path>: …". A decodable file without a single Han character
(an English README, a log) is skipped as "no documents found". Temp files of a killed build
are removed by the next build into the same folder (under .kg-build.lock).
"""
from __future__ import annotations

import os
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError, KGError, NoDocumentsError
from .pipeline import Corpus

EXIT_OK, EXIT_SKIPPED, EXIT_FAILED = 0, 2, 3
EXIT_WRITE_FAILED = 6  # as ExportError: the outputs could not be written
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # a text without any is no Chinese gazette


@contextmanager
def _timed(timings: dict, stage: str):
    t = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t


def _serial_map(sources, corpus: Corpus):
    from .clean import clean
    from .nlp import extract
    from .segment import segment

    out = []
    for src in sources:
        with _timed(corpus.timings, "clean"):
            cleaned = clean(src)
        with _timed(corpus.timings, "segment"):
            docs = segment(cleaned)
        with _timed(corpus.timings, "nlp"):
            mentions = [m for d in docs for m in extract(d)]
        out.append((docs, mentions))
    return out


def build_corpus(paths=None, *, workers: int = 1, scheduler: str | None = None, cache=None,
                 strict: bool = False) -> Corpus:
    """Read, clean, segment, extract, link and relate a corpus (bundled gazette by default)."""
    from .link import Linker, link
    from .read import bundled_gazette, read_corpus
    from .relate import relate

    corpus = Corpus()
    with _timed(corpus.timings, "read"):
        sources, errors = read_corpus(paths or [bundled_gazette()])
    if strict and errors:
        raise errors[0]
    for src in [s for s in sources if not _HAN.search(s.text)]:
        # English notes, CSV exports, logs: decodable, but no Chinese document can be in them
        err = NoDocumentsError(src.path, "no documents found: no Chinese characters in the text")
        if strict:
            raise err
        errors.append(err)
        sources.remove(src)
    try:
        mapped = _map(sources, corpus, workers, scheduler, cache)
    except KGError:
        raise
    except Exception:  # noqa: BLE001 — a defect hit by one file: find it, report it, build the rest
        sources, mapped, failed = _isolate(sources, corpus, cache)
        if strict and failed:
            raise failed[0] from None
        errors.extend(failed)
    for src, (docs, mentions) in zip(sources, mapped):
        if not docs:
            err = NoDocumentsError(src.path, "no documents found")
            if strict:
                raise err
            errors.append(err)
            continue
        corpus.sources.append(src)
        corpus.documents.extend(docs)
        corpus.mentions.extend(mentions)
    _unique_document_ids(corpus.documents)
    corpus.errors = sorted(errors, key=lambda e: e.path)
    with _timed(corpus.timings, "link"):
        corpus.entities = link(corpus.mentions, corpus.documents)
    with _timed(corpus.timings, "relate"):
        linker = Linker.from_entities(corpus.entities)
        corpus.measures, corpus.relations = relate(corpus.documents, corpus.mentions, corpus.entities, linker)
    return corpus


def _map(sources, corpus: Corpus, workers, scheduler, cache):
    if workers > 1 or scheduler or cache is not None:
        from .parallel import map_sources

        with _timed(corpus.timings, "map"):
            return map_sources(sources, workers=workers, scheduler=scheduler, cache=cache)
    return _serial_map(sources, corpus)


def _isolate(sources, corpus: Corpus, cache):
    """Run each source alone (serially): the ones that fail become InputErrors naming the file
    and the exception, so one file that trips a defect never stops the others."""
    kept, mapped, failed = [], [], []
    for src in sources:
        try:
            (result,) = _map([src], corpus, 1, None, cache)
        except KGError:
            raise
        except Exception as err:  # noqa: BLE001 — reported per file, like an unreadable one
            first = str(err).splitlines()[0][:200] if str(err) else ""
            failed.append(InputError(src.path, f"could not be processed ({type(err).__name__}: {first}); "
                                               "skipped — please report this file"))
            continue
        kept.append(src)
        mapped.append(result)
    return kept, mapped, failed


def _unique_document_ids(documents) -> None:
    """Two files may hold the same 文号 (e.g. a re-issued gazette): keep ids distinct, deterministically."""
    seen: dict[str, int] = {}
    for doc in documents:
        n = seen.get(doc.id, 0)
        seen[doc.id] = n + 1
        if n:
            doc.id = f"{doc.id}~{n + 1}"


def write_outputs(corpus: Corpus, out_dir: Path, formats=("ttl", "trig", "nt", "csv"), options=None) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _out_lock(out_dir):
        _sweep_temp_files(out_dir)
        return _write_outputs(corpus, out_dir, formats, options)


@contextmanager
def _out_lock(out_dir: Path):
    """Hold an exclusive lock on out_dir/.kg-build.lock while writing: two builds into one folder
    take turns, and the holder may delete temp files (their writer is gone). The OS drops the
    lock when the process dies, even by SIGKILL."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; two builds into one folder are then not kept apart
        yield
        return
    with open(out_dir / ".kg-build.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


_TEMP_FILE = re.compile(r"^\.(?:graph\.\w+|entities\.csv|relations\.csv)\..+\.tmp$")  # atomic_write's temp names


def _sweep_temp_files(out_dir: Path) -> None:
    """Remove temp files a killed build left (atomic_write names them .<target>.<random>.tmp)."""
    for p in out_dir.iterdir():
        if _TEMP_FILE.match(p.name):
            try:
                os.unlink(p)
            except OSError:
                pass


def _write_outputs(corpus: Corpus, out_dir: Path, formats, options) -> list[Path]:
    from .export import QuadBlob, export
    from .rdf import corpus_quads

    with _timed(corpus.timings, "rdf"):
        quads = QuadBlob(corpus_quads(corpus, options))
    written = []
    with _timed(corpus.timings, "write"):
        for fmt in dict.fromkeys(("ttl", *formats)):
            written.append(export(quads, fmt, out_dir))
    return written


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # in file names: a newline would split a one-line report


def _one_line(text: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def build_command(args) -> int:
    from .cache import Cache

    # Incremental by default: an unchanged input is not cleaned, segmented or tagged again.
    cache = None if args.no_cache else Cache(Path(args.out) / ".kg-cache")
    options = {"workers": args.workers, "strict": args.strict, "formats": args.formats}
    try:
        corpus = build_corpus(args.inputs, workers=args.workers, scheduler=args.scheduler, cache=cache,
                              strict=args.strict)
    except InputError as err:
        print(f"kg build: {_one_line(str(err))}", file=sys.stderr)
        return EXIT_FAILED
    for err in corpus.errors:
        print(f"skipped {_one_line(str(err))}", file=sys.stderr)
    for src in corpus.sources:
        for warning in src.warnings:
            print(f"warning {_one_line(src.path)}: {warning}", file=sys.stderr)
    for e in sorted((e for e in corpus.entities.values() if e.basis == "assumed"), key=lambda e: e.key):
        print(f"warning: clause unit {_one_line(e.label)} is unknown; typed {e.type} by assumption", file=sys.stderr)
    if not corpus.documents:
        print("kg build: no input could be read; nothing written", file=sys.stderr)
        return EXIT_FAILED
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    try:
        written = write_outputs(corpus, Path(args.out), ["trig", *formats], options)
    except KGError as err:
        print(f"kg build: {err}", file=sys.stderr)
        return err.exit_code
    except OSError as err:  # --out is a file, read-only folder, disk full: the old outputs stay
        where = err.filename or args.out
        print(f"kg build: cannot write {where}: {err.strerror or err}; previous outputs left as they were",
              file=sys.stderr)
        return EXIT_WRITE_FAILED
    print(f"{len(corpus.documents)} documents, {len(corpus.entities)} entities, {len(corpus.mentions)} mentions, "
          f"{len(corpus.measures)} measures, {len(corpus.relations)} relations")
    for path in written:
        print(f"wrote {path}")
    return EXIT_SKIPPED if corpus.errors else EXIT_OK
