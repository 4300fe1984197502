"""The per-source stages (clean → segment → nlp) on several processes or a Dask cluster.

`map_sources` returns, for each source in order, its documents and their mentions,
exactly as the serial loop would. Two plans:

- many sources (at least two per worker): one task per source runs documents_of and
  mentions_of there and sends both back;
- few sources (one big gazette): the caller segments while the workers start (each
  builds the spaCy pipeline once), then the documents go out in chunks of similar size
  for mentions_of, and come back with their mentions.

Records cross process boundaries as pickles in which the Source is left out (its text
would otherwise travel with every chunk); the receiving side reattaches its own copy,
so `doc.source is source` holds in the result as in a serial run.
"""
from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import select
import signal
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from .errors import KGError
from .model import Document, Mention, Source

Result = tuple[list[Document], list[Mention]]
CONNECT_TIMEOUT = "10s"  # to reach a Dask scheduler
CHUNKS_PER_WORKER = 2  # chunks per worker in the few-sources plan: evens out uneven documents
# Below this much text per worker, processes cost more than they save: a worker's start-up
# (spaCy import, pipeline and recogniser tables) is ~1.5 s, the serial loop's rate ~200k chars/s.
MIN_CHARS_PER_WORKER = 400_000


class ParallelError(KGError):
    """A worker process died, or the Dask scheduler could not be reached."""


# --- records between processes (pickles: only between this build's own processes, never from disk)

_SOURCE_ID = "kg-source"  # persistent id standing for the Source in a pickle


class _DetachingPickler(pickle.Pickler):
    def __init__(self, file, source: Source):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._source = source

    def persistent_id(self, obj):
        return _SOURCE_ID if obj is self._source else None


class _AttachingUnpickler(pickle.Unpickler):
    def __init__(self, file, source: Source):
        super().__init__(file)
        self._source = source

    def persistent_load(self, pid):
        if pid != _SOURCE_ID:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self._source


def dumps_detached(obj, source: Source) -> bytes:
    """Pickle `obj` with every reference to `source` left out (its text is not copied)."""
    buf = io.BytesIO()
    _DetachingPickler(buf, source).dump(obj)
    return buf.getvalue()


def loads_attached(data: bytes, source: Source):
    """Inverse of dumps_detached: references come back as `source` itself."""
    return _AttachingUnpickler(io.BytesIO(data), source).load()


# --- what runs in a worker -------------------------------------------------------------------

# An invented notice with one of each kind of thing the recognisers look for: running it
# once compiles every lazily built matcher and regex in the worker, off the critical path.
_WARM_TEXT = """某市人民政府
关于印发某市促进企业发展若干措施的通知
某市政发〔2022〕1号

各县（市、区）人民政府，市人民政府各委、局、办：
现将《某市促进企业发展若干措施》印发给你们，请认真贯彻执行。

某市人民政府
2022年5月6日
（此件公开发布）

某市促进企业发展若干措施
一、加强组织领导
（一）建立工作机制。由市发展和改革委员会牵头，市工业和信息化局、泽州县人民政府配合，支持山西某某科技有限公司\
建设年产10万吨项目，依托某市职业技术学院开展培训。（责任单位：市发展改革委、市财政局）
"""


def exit_with(pid: int) -> None:
    """End this process as soon as process `pid` ends, however it ends (SIGKILL included).

    A worker's parent is not always the process that started the work (a forkserver worker's
    parent is the forkserver, which itself lives on while workers hold its pipe), and
    PR_SET_PDEATHSIG fires on the death of the forking *thread*; so a daemon thread waits for
    the process by pid instead: on a pidfd (Linux), else by polling twice a second.
    """
    def wait():
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            os._exit(1)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])
        else:
            while _alive(pid):
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=wait, daemon=True, name="kg-exit-with-parent").start()


@contextmanager
def sigterm_as_interrupt():
    """SIGTERM (kill, a service manager, a CI timeout) stops the command as Ctrl-C does, so the
    same clean-up runs: workers killed, temp files removed. Only in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _warm_worker(documents_fn=None, mentions_fn=None, parent_pid=None):
    """Die with the build; build the spaCy pipeline and the recognisers' lazy tables once per
    worker, before real work."""
    if parent_pid is not None:
        exit_with(parent_pid)
    try:
        from .nlp import make_nlp

        make_nlp()
        if documents_fn is not None and mentions_fn is not None:
            from .read import read_bytes

            for doc in documents_fn(read_bytes("warm-up.txt", _WARM_TEXT.encode("utf-8"))):
                mentions_fn(doc)
    except Exception:  # noqa: BLE001 — warming up is an optimisation; real errors surface in the tasks
        pass


def _noop():
    return None


class _Failure:
    """An exception raised in a worker, carried back by class, args and attributes.

    Exceptions whose __init__ takes other arguments than their message (InputError(path,
    reason)) do not survive plain pickling; this rebuilds them without calling __init__.
    """

    def __init__(self, err: BaseException):
        self.cls, self.args, self.attrs = type(err), err.args, dict(vars(err))
        self.trace = "".join(traceback.format_exception(err))

    def rebuild(self) -> BaseException:
        err = self.cls.__new__(self.cls)
        err.args = self.args
        vars(err).update(self.attrs)
        err.__notes__ = [f"raised in a worker process:\n{self.trace}"]
        return err


def _source_task(source: Source, documents_fn, mentions_fn):
    try:
        docs = documents_fn(source)
        mentions = [m for d in docs for m in mentions_fn(d)]
        return dumps_detached((docs, mentions), source)
    except Exception as err:  # noqa: BLE001 — re-raised in the caller
        return _Failure(err)


def _mentions_task(source: Source, docs_data: bytes, mentions_fn):
    try:
        docs = loads_attached(docs_data, source)
        per_doc = [mentions_fn(d) for d in docs]
        return dumps_detached((docs, per_doc), source)
    except Exception as err:  # noqa: BLE001 — re-raised in the caller
        return _Failure(err)


def _result(future, source: Source):
    data = future.result()
    if isinstance(data, _Failure):
        raise data.rebuild()
    return loads_attached(data, source)


# --- serial ----------------------------------------------------------------------------------

def _serial(source: Source, documents_fn, mentions_fn) -> Result:
    docs = documents_fn(source)
    return docs, [m for d in docs for m in mentions_fn(d)]


# --- executors -------------------------------------------------------------------------------

class _LocalPool:
    """ProcessPoolExecutor on forkserver (spawn where there is none): no fork of a threaded parent."""

    def __init__(self, workers: int, documents_fn=None, mentions_fn=None):
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(["kg.pipeline", "kg.nlp", "spacy"])  # imported once, inherited by each worker
        self.n = workers
        self._ex = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm_worker,
                                       initargs=(documents_fn, mentions_fn, os.getpid()))
        for _ in range(workers):  # start every worker now so they warm up while the caller segments
            self._ex.submit(_noop)

    def submit(self, fn, *args):
        return self._ex.submit(fn, *args)

    def close(self, abort: bool = False):
        """Wait for the workers to end; with `abort` (an error or Ctrl-C/SIGTERM), kill them first
        rather than wait for the tasks they are running."""
        if abort:
            # a task still waiting in the pipe to the workers would block the executor's join
            # for ever once they are gone (Python 3.11.2 hangs there): drop it instead
            call_queue = getattr(self._ex, "_call_queue", None)
            if call_queue is not None:
                call_queue.cancel_join_thread()
            for proc in list((getattr(self._ex, "_processes", None) or {}).values()):
                proc.kill()
        self._ex.shutdown(wait=True, cancel_futures=True)


class _DaskPool:
    """Tasks on a Dask cluster given by address (tcp://host:port) or as a distributed.Client."""

    def __init__(self, scheduler):
        try:
            from distributed import Client
        except ImportError as err:
            raise ParallelError("--scheduler needs Dask: pip install 'kg[dask]'") from err
        if isinstance(scheduler, Client):
            self.client, self._own = scheduler, False
        else:
            try:
                self.client, self._own = Client(scheduler, timeout=CONNECT_TIMEOUT), True
            except (OSError, TimeoutError, ValueError) as err:
                raise ParallelError(f"cannot reach the Dask scheduler {scheduler}: {err}") from err
        workers = self.client.scheduler_info().get("workers", {})
        self.n = max(1, sum(w.get("nthreads", 1) for w in workers.values()))

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def close(self, abort: bool = False):
        if self._own:
            self.client.close()


def _chunks(docs: list[Document], parts: int) -> list[list[Document]]:
    """Consecutive runs of documents with about equal text length (order kept)."""
    sizes = [max(1, d.end - d.start) for d in docs]
    target = sum(sizes) / max(1, parts)
    out, cur, acc = [], [], 0
    for d, n in zip(docs, sizes):
        cur.append(d)
        acc += n
        if acc >= target and len(out) < parts - 1:
            out.append(cur)
            cur, acc = [], 0
    if cur:
        out.append(cur)
    return out


def _done(progress, source: Source, result: Result) -> Result:
    if progress is not None:
        progress.advance(len(source.text), len(result[0]))
    return result


def _run(pool, sources: list[Source], documents_fn, mentions_fn, progress=None) -> list[Result]:
    if len(sources) >= CHUNKS_PER_WORKER * pool.n:
        futures = [pool.submit(_source_task, s, documents_fn, mentions_fn) for s in sources]
        return [_done(progress, s, _result(f, s)) for f, s in zip(futures, sources)]
    per_source = [documents_fn(s) for s in sources]  # meanwhile the workers start up
    total = sum(max(1, d.end - d.start) for docs in per_source for d in docs) or 1
    jobs = []  # (source index, future)
    for i, (s, docs) in enumerate(zip(sources, per_source)):
        share = sum(max(1, d.end - d.start) for d in docs) / total
        parts = max(1, round(share * CHUNKS_PER_WORKER * pool.n))
        for chunk in _chunks(docs, parts):
            jobs.append((i, pool.submit(_mentions_task, s, dumps_detached(chunk, s), mentions_fn)))
    results: list[Result] = [([], []) for _ in sources]
    left = [len(s.text) for s in sources]  # characters not yet reported, per source
    last = {i: k for k, (i, _) in enumerate(jobs)}
    for k, (i, fut) in enumerate(jobs):
        docs, per_doc = _result(fut, sources[i])
        results[i][0].extend(docs)
        for ms in per_doc:
            results[i][1].extend(ms)
        if progress is not None:  # a chunk of one source's documents; its last one reports the rest
            chars = left[i] if last[i] == k else min(left[i], sum(max(1, d.end - d.start) for d in docs))
            left[i] -= chars
            progress.advance(chars, len(docs))
    return results


def map_sources(sources: list[Source], workers: int = 1, scheduler=None, cache=None, *,
                documents_fn=None, mentions_fn=None, min_chars_per_worker: int | None = None,
                progress=None) -> list[Result]:
    """(documents, mentions) per source, in order; the same whatever the workers or the cache.

    `workers` > 1 runs local processes, but no more than one per `min_chars_per_worker`
    characters still to build (default MIN_CHARS_PER_WORKER): starting a warm worker costs
    about what the serial loop spends on that much text. `scheduler` (address or
    distributed.Client) runs on Dask instead, whatever the size. `cache` (kg.cache.Cache) skips sources already built by this pipeline
    version. `documents_fn`/`mentions_fn` default to kg.pipeline.documents_of/mentions_of;
    for processes they must be importable module-level functions. `progress` (kg.progress) is
    told of each source (or chunk) done.
    """
    from . import pipeline

    documents_fn = documents_fn or pipeline.documents_of
    mentions_fn = mentions_fn or pipeline.mentions_of
    results: list[Result | None] = [cache.get(s) if cache is not None else None for s in sources]
    todo = [i for i, r in enumerate(results) if r is None]
    for s, r in zip(sources, results):
        if r is not None:
            _done(progress, s, r)  # from the cache
    if todo:
        todo_sources = [sources[i] for i in todo]
        min_chars = MIN_CHARS_PER_WORKER if min_chars_per_worker is None else min_chars_per_worker
        if min_chars > 0:
            workers = min(workers, sum(len(s.text) for s in todo_sources) // min_chars)
        if scheduler is None and workers <= 1:
            fresh = [_done(progress, s, _serial(s, documents_fn, mentions_fn)) for s in todo_sources]
        else:
            pool = _DaskPool(scheduler) if scheduler is not None else _LocalPool(workers, documents_fn, mentions_fn)
            done = False
            try:
                fresh = _run(pool, todo_sources, documents_fn, mentions_fn, progress)
                done = True
            except BrokenProcessPool as err:
                raise ParallelError(f"a worker process died (out of memory?) while building {len(todo)} source(s): {err}") from err
            finally:
                pool.close(abort=not done)
        for i, r in zip(todo, fresh):
            results[i] = r
            if cache is not None:
                cache.put(sources[i], *r)
    return results  # type: ignore[return-value]
