"""The build: inputs → Corpus → graph files, published together.

A failed file is reported and skipped (unless strict), and so is a document that trips a defect
in any stage (reported as file:line). Outputs are published as one set: every file is written
into a fresh folder OUT/.kg-new.*, then `OUT/.kg-build.json` records the set (the commit point)
and the files are renamed into OUT. A build killed before the commit leaves the previous set
untouched; one killed after it is finished by the next build, and `kg push` refuses the
half-renamed set meanwhile (`check_published`), so the files never mix two builds.

Exit codes of `kg build`: 0 every input read; 2 some inputs skipped (one line each on stderr:
"skipped <path>: <reason>"); 3 nothing usable, or --strict and an input was bad; 6 the outputs
could not be written. Inputs that decoded only with repairs (truncated UTF-8 / GB18030) are
built and reported as "warning <path>: …". A decodable file without a single Han character
(an English README, a log) is skipped as "no documents found", and so is one with fewer than
MIN_HAN_CHARS Han characters (a stray character is no document). Temp files of a killed build are
removed by the next build into the same folder (under .kg-build.lock). SIGTERM stops a build as
Ctrl-C does: worker processes are killed and temp files removed.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError, KGError, NoDocumentsError
from .pipeline import Corpus

EXIT_OK, EXIT_SKIPPED, EXIT_FAILED = 0, 2, 3
EXIT_WRITE_FAILED = 6  # as ExportError: the outputs could not be written
EXIT_INTERNAL = 1  # a defect no single document explains (reported, never a traceback)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # a text without any is no Chinese gazette
# The shortest real document in ../shared/corpus has 154 Han characters; a title and one
# sentence have about 20. Fewer is a fragment, not a document.
MIN_HAN_CHARS = 20
MANIFEST = ".kg-build.json"  # the published set: its file names, and "staging" while they are renamed
_STAGING_PREFIX = ".kg-new."


@contextmanager
def _timed(timings: dict, stage: str):
    t = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t


def _serial_map(sources, corpus: Corpus, progress=None):
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
        if progress is not None:
            progress.advance(len(src.text), len(docs))
    return out


def build_corpus(paths=None, *, workers: int = 1, scheduler: str | None = None, cache=None,
                 strict: bool = False, progress=None) -> Corpus:
    """Read, clean, segment, extract, link and relate a corpus (bundled gazette by default).
    `progress`: see kg.progress (stage changes and inputs done), or None."""
    from .read import bundled_gazette, read_corpus

    corpus = Corpus()
    _stage(progress, "read")
    with _timed(corpus.timings, "read"):
        sources, errors = read_corpus(paths or [bundled_gazette()])
    if strict and errors:
        raise errors[0]
    for src in list(sources):
        # English notes, CSV exports, logs: decodable, but no Chinese document can be in them
        han = sum(1 for _ in zip(range(MIN_HAN_CHARS), _HAN.finditer(src.text)))
        if han >= MIN_HAN_CHARS:
            continue
        err = NoDocumentsError(src.path, "no documents found: no Chinese characters in the text" if not han else
                               f"no documents found: only {han} Chinese character(s); a document needs at least "
                               f"{MIN_HAN_CHARS} (a title and a sentence)")
        if strict:
            raise err
        errors.append(err)
        sources.remove(src)
    _stage(progress, "map", sum(len(s.text) for s in sources))
    try:
        mapped = _map(sources, corpus, workers, scheduler, cache, progress)
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
    corpus.errors = errors
    try:
        _corpus_stages(corpus, progress)
    except KGError:
        raise
    except Exception as err:  # noqa: BLE001 — find the documents that trip it, report them, relate the rest
        _drop_failing_documents(corpus, err, strict=strict)
        _corpus_stages(corpus, progress)
    corpus.errors.sort(key=lambda e: e.path)
    return corpus


def _corpus_stages(corpus: Corpus, progress=None) -> None:
    """link and relate over the whole corpus (they need every document at once)."""
    from .link import Linker, link
    from .relate import relate

    _stage(progress, "link")
    with _timed(corpus.timings, "link"):
        corpus.entities = link(corpus.mentions, corpus.documents)
    _stage(progress, "relate")
    with _timed(corpus.timings, "relate"):
        linker = Linker.from_entities(corpus.entities)
        corpus.measures, corpus.relations = relate(corpus.documents, corpus.mentions, corpus.entities, linker)


def _drop_failing_documents(corpus: Corpus, error: Exception, *, rdf_options=None, strict: bool = False) -> None:
    """Run link → relate (→ rdf when `rdf_options` is given) on each document alone; drop the
    documents that fail, each reported as `file:line` with the exception. If none fails alone
    (a defect only the combination trips), re-raise the corpus-level error."""
    from .link import Linker, link
    from .rdf import corpus_quads
    from .relate import relate

    failed = []
    for doc in corpus.documents:
        mentions = [m for m in corpus.mentions if m.doc_id == doc.id]
        try:
            alone = Corpus(sources=[doc.source], documents=[doc], mentions=mentions)
            alone.entities = link(mentions, [doc])
            alone.measures, alone.relations = relate([doc], mentions, alone.entities,
                                                     Linker.from_entities(alone.entities))
            if rdf_options is not None:
                for _ in corpus_quads(alone, rdf_options):
                    pass
        except KGError:
            raise
        except Exception as err:  # noqa: BLE001 — reported per document, like an unreadable file
            failed.append((doc, err))
    if not failed:
        raise error
    for doc, err in failed:
        bad = _document_error(doc, err)
        if strict:
            raise bad from None
        corpus.errors.append(bad)
    gone = {id(doc) for doc, _ in failed}
    ids = {doc.id for doc, _ in failed}
    corpus.documents = [d for d in corpus.documents if id(d) not in gone]
    corpus.mentions = [m for m in corpus.mentions if m.doc_id not in ids]
    kept = {id(d.source) for d in corpus.documents}
    corpus.sources = [s for s in corpus.sources if id(s) in kept]


def _describe(err: BaseException) -> str:
    first = str(err).splitlines()[0][:200] if str(err) else ""
    return f"{type(err).__name__}: {first}" if first else type(err).__name__


def _document_error(doc, err: BaseException) -> InputError:
    """A document skipped for a defect, named by file and first line (and title)."""
    title = f" «{doc.title[:40]}»" if doc.title else ""
    return InputError(f"{doc.source.path}:{doc.start_line}",
                      f"document{title} could not be processed ({_describe(err)}); skipped — please report this file")


def _stage(progress, name: str, total: int | None = None) -> None:
    if progress is not None:
        progress.stage(name, total)


def _close(progress) -> None:
    if progress is not None:
        progress.close()


def _map(sources, corpus: Corpus, workers, scheduler, cache, progress=None):
    if workers > 1 or scheduler or cache is not None:
        from .parallel import map_sources

        with _timed(corpus.timings, "map"):
            return map_sources(sources, workers=workers, scheduler=scheduler, cache=cache, progress=progress)
    return _serial_map(sources, corpus, progress)


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
            result, bad = _isolate_documents(src, err)
            failed.extend(bad)
            if result is None:
                continue
        kept.append(src)
        mapped.append(result)
    return kept, mapped, failed


def _isolate_documents(src, err):
    """A source whose map stage failed: if segmentation works, keep its documents whose tagging
    works and report the others as `file:line`; else report the whole file."""
    from .pipeline import documents_of, mentions_of

    try:
        docs = documents_of(src)
    except Exception:  # noqa: BLE001 — the file as a whole cannot be segmented
        docs = None
    if not docs:
        return None, [InputError(src.path, f"could not be processed ({_describe(err)}); skipped — please report this file")]
    kept, mentions, bad = [], [], []
    for doc in docs:
        try:
            found = mentions_of(doc)
        except KGError:
            raise
        except Exception as doc_err:  # noqa: BLE001
            bad.append(_document_error(doc, doc_err))
            continue
        kept.append(doc)
        mentions.extend(found)
    if not bad:  # the failure did not come back document by document: report the file
        return None, [InputError(src.path, f"could not be processed ({_describe(err)}); skipped — please report this file")]
    return ((kept, mentions) if kept else None), bad


def _unique_document_ids(documents) -> None:
    """Two files may hold the same 文号 (e.g. a re-issued gazette): keep ids distinct, deterministically."""
    seen: dict[str, int] = {}
    for doc in documents:
        n = seen.get(doc.id, 0)
        seen[doc.id] = n + 1
        if n:
            doc.id = f"{doc.id}~{n + 1}"


def write_outputs(corpus: Corpus, out_dir: Path, formats=("ttl", "trig", "nt", "csv"), options=None) -> list[Path]:
    """Write the graph files into out_dir as one set (see the module docstring); returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _out_lock(out_dir):
        _recover(out_dir)
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


def _read_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("files"), list) else {}


def _recover(out_dir: Path) -> None:
    """Before writing (under the lock): finish a set a killed build had committed, then remove
    what killed builds left uncommitted (staging folders, temp files)."""
    manifest = _read_manifest(out_dir)
    staging = manifest.get("staging")
    if isinstance(staging, str) and staging.startswith(_STAGING_PREFIX) and "/" not in staging \
            and (out_dir / staging).is_dir():
        _publish(out_dir, manifest)
    for p in out_dir.iterdir():
        if p.name.startswith(_STAGING_PREFIX) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif _TEMP_FILE.match(p.name):
            try:
                os.unlink(p)
            except OSError:
                pass


def _publish(out_dir: Path, manifest: dict) -> None:
    """Rename every staged file into out_dir, then record the set as complete."""
    stage = out_dir / manifest["staging"]
    for name in manifest["files"]:
        if (stage / name).is_file():
            os.replace(stage / name, out_dir / name)
    shutil.rmtree(stage, ignore_errors=True)
    from .export import atomic_write

    done = {k: v for k, v in manifest.items() if k != "staging"}
    atomic_write(out_dir / MANIFEST, json.dumps(done, indent=1, sort_keys=True).encode("utf-8"))


def check_published(path) -> None:
    """Raise InputError when `path` sits in an output folder whose last build was killed while
    publishing its files (some renamed, some not): its files then mix two builds."""
    path = Path(path)
    manifest = _read_manifest(path.parent)
    if path.name in manifest.get("files", {}) and manifest.get("staging") \
            and (path.parent / str(manifest["staging"])).is_dir():
        raise InputError(path, f"the build that wrote {path.parent} was interrupted while publishing its files, "
                               f"so they mix two builds; run `kg build --out {path.parent}` again (it finishes "
                               "or redoes the set)")


def _write_outputs(corpus: Corpus, out_dir: Path, formats, options) -> list[Path]:
    from .export import QuadBlob, atomic_write, export
    from .rdf import corpus_quads

    with _timed(corpus.timings, "rdf"):
        try:
            quads = QuadBlob(corpus_quads(corpus, options))
        except KGError:
            raise
        except Exception as err:  # noqa: BLE001 — drop the documents that cannot be written, write the rest
            _drop_failing_documents(corpus, err, rdf_options=options or {}, strict=bool((options or {}).get("strict")))
            _corpus_stages(corpus)
            quads = QuadBlob(corpus_quads(corpus, options))
    stage = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=out_dir))
    committed = False
    try:
        with _timed(corpus.timings, "write"):
            for fmt in dict.fromkeys(("ttl", *formats)):
                export(quads, fmt, stage)
        names = sorted((p.name for p in stage.iterdir() if not p.name.startswith(".")),
                       key=lambda n: (n != "graph.ttl", n))  # graph.ttl first, as it was before
        manifest = {"files": names, "staging": stage.name}
        atomic_write(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
        committed = True  # from here on, the set is published even if we are stopped
        _publish(out_dir, manifest)
    except BaseException:
        if committed:
            try:
                _publish(out_dir, manifest)
            except OSError:
                pass  # the next build finishes it
        else:
            shutil.rmtree(stage, ignore_errors=True)
        raise
    return [out_dir / n for n in names]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # in file names: a newline would split a one-line report


def _one_line(text: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def build_command(args) -> int:
    from .parallel import sigterm_as_interrupt

    with sigterm_as_interrupt():
        try:
            return _build_command(args)
        except (KGError, KeyboardInterrupt):
            raise
        except Exception as err:  # noqa: BLE001 — a defect no document explains: say so, no traceback
            print(f"kg build: internal error ({_describe(err)}); nothing written — please report it with "
                  "the input files", file=sys.stderr)
            return EXIT_INTERNAL


def _build_command(args) -> int:
    from .cache import Cache
    from .progress import for_terminal

    # Incremental by default: an unchanged input is not cleaned, segmented or tagged again.
    cache = None if args.no_cache else Cache(Path(args.out) / ".kg-cache")
    options = {"workers": args.workers, "strict": args.strict, "formats": args.formats}
    progress = for_terminal(getattr(args, "quiet", False))  # a bar on a terminal; None otherwise
    try:
        corpus = build_corpus(args.inputs, workers=args.workers, scheduler=args.scheduler, cache=cache,
                              strict=args.strict, progress=progress)
    except InputError as err:
        print(f"kg build: {_one_line(str(err))}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        _close(progress)
    for err in corpus.errors:
        print(f"skipped {_one_line(str(err))}", file=sys.stderr)
    reported = len(corpus.errors)
    for src in corpus.sources:
        for warning in src.warnings:
            print(f"warning {_one_line(src.path)}: {warning}", file=sys.stderr)
    for e in sorted((e for e in corpus.entities.values() if e.basis == "assumed"), key=lambda e: e.key):
        print(f"warning: clause unit {_one_line(e.label)} is unknown; typed {e.type} by assumption", file=sys.stderr)
    if not corpus.documents:
        print("kg build: no input could be read; nothing written", file=sys.stderr)
        return EXIT_FAILED
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    _stage(progress, "write")
    try:
        written = write_outputs(corpus, Path(args.out), ["trig", *formats], options)
    except KGError as err:
        _close(progress)
        print(f"kg build: {_one_line(str(err))}", file=sys.stderr)
        return EXIT_FAILED if isinstance(err, InputError) else err.exit_code
    except OSError as err:  # --out is a file, read-only folder, disk full: the old outputs stay
        _close(progress)
        where = err.filename or args.out
        print(f"kg build: cannot write {where}: {err.strerror or err}; previous outputs left as they were",
              file=sys.stderr)
        return EXIT_WRITE_FAILED
    _close(progress)
    for err in corpus.errors[reported:]:  # documents dropped while writing the graph
        print(f"skipped {_one_line(str(err))}", file=sys.stderr)
    print(f"{len(corpus.documents)} documents, {len(corpus.entities)} entities, {len(corpus.mentions)} mentions, "
          f"{len(corpus.measures)} measures, {len(corpus.relations)} relations")
    for path in written:
        print(f"wrote {path}")
    return EXIT_SKIPPED if corpus.errors else EXIT_OK
