"""A build killed while writing (SIGKILL, SIGTERM, Ctrl-C, disk full) leaves the previous set of
graph files intact, or one the next build finishes; never files of two builds, never a process.

The victim build runs in a subprocess whose writer is slowed down by a patch (no hook in kg):
the first write to the chosen output stops halfway (or, in "publish" mode, the rename of the
chosen output into the folder waits), drops a marker file and sleeps; the test then kills the
process and inspects the folder.
"""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from samples import EXTRA, NOTICE

# The victim: `kg build` whose write of `target` stops halfway (half the bytes in the temp file).
VICTIM = r"""
import os, signal, sys, time
# A background job starts with SIGINT ignored, and Python keeps it so: restore Ctrl-C as a terminal gives it.
signal.signal(signal.SIGINT, signal.default_int_handler)
import kg.export as ex
from kg.cli import main
mode, target, marker = sys.argv[1], sys.argv[2], sys.argv[3]
real_fdopen, real_replace = ex.os.fdopen, os.replace

class Slow:
    def __init__(self, fh, name): self.fh, self.name = fh, name
    def __enter__(self): return self
    def __exit__(self, *exc): return self.fh.__exit__(*exc)
    def __getattr__(self, k): return getattr(self.fh, k)
    def write(self, data):
        half = len(data) // 2
        self.fh.write(data[:half]); self.fh.flush()
        open(marker, "w").write(self.name)
        time.sleep(120)
        return self.fh.write(data[half:])

def fdopen(fd, *a, **k):
    fh = real_fdopen(fd, *a, **k)
    name = os.readlink(f"/proc/self/fd/{fd}")
    return Slow(fh, name) if os.path.basename(name).startswith("." + target + ".") else fh

def replace(src, dst):
    if os.path.basename(dst) == target and os.path.basename(os.path.dirname(src)).startswith(".kg-new.") \
            and os.path.dirname(src) != os.path.dirname(dst):  # the staged file moving into the folder
        open(marker, "w").write(str(dst))
        time.sleep(120)
    return real_replace(src, dst)

if mode == "write":
    ex.os.fdopen = fdopen
else:
    os.replace = replace
sys.exit(main(["build", *sys.argv[4:]]))
"""

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists() or os.name != "posix",
                                reason="needs POSIX signals and /proc")


def _graph_ok(path: Path) -> int:
    """Number of triples; raises if the file does not parse."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    return len(list(ox.parse(path.read_bytes(), format=fmt)))


def _temps(out: Path) -> list[str]:
    """What a build leaves only while it runs: temp files and staging folders."""
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".kg-new."))


def _start_victim(tmp_path, out: Path, target: str, inputs, mode="write") -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / f"marker-{target}"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", VICTIM, mode, target, str(marker), *map(str, inputs),
                             "--out", str(out), "--formats", "ttl,nt"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"victim exited early ({proc.returncode}): {proc.stderr.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("victim never reached the write")
        time.sleep(0.05)
    return proc, marker


@pytest.fixture
def built(tmp_path):
    """A first, complete build of the notice into tmp_path/out; returns (inputs, out, bytes per file)."""
    src = tmp_path / "notice.txt"
    src.write_text(NOTICE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out), "--formats", "ttl,nt"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("graph.")}
    assert set(before) == {"graph.ttl", "graph.trig", "graph.nt"}
    src.write_text(NOTICE + EXTRA, encoding="utf-8")  # the second build has more to say
    return [src], out, before


@pytest.mark.parametrize("target", ["graph.ttl", "graph.trig", "graph.nt"])
def test_fault_injection_sigkill_mid_write_keeps_previous_set(tmp_path, built, target):
    inputs, out, before = built
    proc, marker = _start_victim(tmp_path, out, target, inputs)
    assert Path(marker.read_text()).name.startswith(f".{target}.")  # killed inside this file's write
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    # nothing of the second build reached the folder, whichever file it was writing
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before
    leftover = _temps(out)
    assert len(leftover) == 1 and leftover[0].startswith(".kg-new.")  # the unpublished staging folder
    # readers ignore it (they open graph.ttl by name); the next build removes it and succeeds
    assert main(["query", "--graph", str(out / "graph.ttl"), "--sparql", "ASK { ?s ?p ?o }"]) == 0
    assert main(["build", *map(str, inputs), "--out", str(out), "--formats", "ttl,nt"]) == 0
    assert _temps(out) == []
    assert (out / "graph.ttl").read_bytes() != before["graph.ttl"] and _graph_ok(out / "graph.ttl") > 50
    assert "泽州县" in (out / "graph.ttl").read_text(encoding="utf-8")


def _union(path: Path) -> set:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    return {str(ox.Triple(q.subject, q.predicate, q.object)) if isinstance(q, ox.Quad) else str(q)
            for q in ox.parse(path.read_bytes(), format=fmt)}


def test_fault_injection_sigkill_while_publishing_is_refused_then_finished(tmp_path, built, capsys):
    """Killed between the renames (graph.ttl new, graph.trig still old): `kg push` refuses the mixed
    set with a clear message, and the next build finishes it."""
    inputs, out, before = built
    proc, _ = _start_victim(tmp_path, out, "graph.trig", inputs, mode="publish")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert (out / "graph.ttl").read_bytes() != before["graph.ttl"]  # already renamed
    assert (out / "graph.trig").read_bytes() == before["graph.trig"]  # not yet
    capsys.readouterr()
    rc = main(["push", "--graph", str(out / "graph.trig"), "--endpoint", "http://127.0.0.1:9/store"])
    err = capsys.readouterr().err
    assert rc == 3 and "interrupted while publishing" in err and "kg build" in err and "Traceback" not in err
    # a build of *other* input still finishes the interrupted set first, then publishes its own
    assert main(["build", *map(str, inputs), "--out", str(out), "--formats", "ttl,nt"]) == 0
    assert _temps(out) == []
    assert _union(out / "graph.ttl") == _union(out / "graph.trig") == _union(out / "graph.nt")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _running(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.append(pid)
        except OSError:
            pass
    return alive


def _wait_gone(pids, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while _running(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _running(pids)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """Five copies of the gazette (~1M characters): enough for `--workers 2` to start two workers."""
    from kg.read import bundled_gazette

    folder = tmp_path_factory.mktemp("big")
    text = bundled_gazette().read_text(encoding="utf-8")
    for i in range(5):
        (folder / f"g{i}.txt").write_text(text.replace("2022", str(2000 + i)), encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_fault_injection_killed_parallel_build_leaves_no_process(tmp_path, big_corpus, sig):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(big_corpus), "--workers", "2",
                             "--no-cache", "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(_running(_descendants(proc.pid))) < 3:  # forkserver (or resource tracker) and two workers
        assert proc.poll() is None and time.monotonic() < deadline, "the build never started its workers"
        time.sleep(0.1)
    time.sleep(2)  # the workers are now busy with the documents
    family = _descendants(proc.pid)
    try:
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=60)
        left = _wait_gone(family, 15)
        assert left == [], f"still running after the build was killed: {left}"
        if sig == signal.SIGTERM:  # cleaned up as after Ctrl-C
            assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
            assert not out.exists() or _temps(out) == []
    finally:
        for pid in _running(family):
            os.kill(pid, signal.SIGKILL)


def test_fault_injection_ctrl_c_mid_write_cleans_up(tmp_path, built):
    inputs, out, before = built
    proc, _ = _start_victim(tmp_path, out, "graph.ttl", inputs)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert _temps(out) == []  # atomic_write removed its temp file on the way out
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before


def test_fault_injection_second_build_waits_for_the_first(tmp_path, built):
    """Two builds into one folder take turns (.kg-build.lock): the second starts writing only
    when the first is gone, then sweeps the first one's temp file."""
    inputs, out, before = built
    proc, _ = _start_victim(tmp_path, out, "graph.ttl", inputs)
    result = {}
    second = threading.Thread(target=lambda: result.setdefault(
        "rc", main(["build", *map(str, inputs), "--out", str(out), "--formats", "ttl,nt"])))
    second.start()
    second.join(8)
    assert second.is_alive()  # blocked on the lock while the victim holds it
    assert (out / "graph.ttl").read_bytes() == before["graph.ttl"]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    second.join(120)
    assert result["rc"] == 0 and _temps(out) == []
    assert "泽州县" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_fault_injection_disk_full_keeps_previous_graph(tmp_path, built, monkeypatch, capsys):
    inputs, out, before = built
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.fh.__exit__(*exc)

        def __getattr__(self, k):
            return getattr(self.fh, k)

        def write(self, data):
            self.fh.write(data[: len(data) // 3])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("kg.export.os.fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    assert main(["build", *map(str, inputs), "--out", str(out), "--formats", "ttl,nt"]) == 6
    assert "No space left on device" in capsys.readouterr().err
    assert _temps(out) == []
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before


def test_fault_injection_damaged_cache_entries_are_rebuilt(tmp_path, built):
    """A build killed while writing its cache, or a disk error, leaves damaged entries under
    out/.kg-cache: they are misses, rebuilt, and the graph comes out the same."""
    inputs, out, _ = built
    assert main(["build", *map(str, inputs), "--out", str(out), "--formats", "ttl,nt"]) == 0
    expected = (out / "graph.nt").read_bytes()
    entries = sorted((out / ".kg-cache").rglob("*.json"))
    assert entries
    for i, p in enumerate(entries):
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2] if i % 2 == 0 else b"\x80\x04garbage")
    assert main(["build", *map(str, inputs), "--out", str(out), "--formats", "ttl,nt"]) == 0
    assert (out / "graph.nt").read_bytes() == expected


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?x ?y ?z }"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_fault_injection_stopped_server_leaves_no_worker(sig):
    """`kg serve` stopped while a worker runs a long query: that worker ends with it."""
    import re
    import urllib.parse
    import urllib.request

    mini = Path(__file__).parent / "fixtures" / "mini.ttl"
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--graph", str(mini), "--port", "0",
                             "--engine", "oxigraph", "--timeout", "120"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    family = []
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/sparql", proc.stdout.readline())[0]
        family = _descendants(proc.pid)
        assert len(family) == 3  # the query workers
        query = url + "?" + urllib.parse.urlencode({"query": RUNAWAY})
        def ask():
            try:
                urllib.request.urlopen(query, timeout=150).read()
            except OSError:
                pass  # the server is gone: expected

        def cpu(pid):
            return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11])  # utime

        threading.Thread(target=ask, daemon=True).start()
        time.sleep(1)
        before = {pid: cpu(pid) for pid in family}
        time.sleep(1)
        assert any(cpu(pid) - before[pid] > 10 for pid in family), "no worker is running the query"
        os.kill(proc.pid, sig)
        proc.wait(30)
        left = _wait_gone(family, 10)
        assert left == [], f"workers still running after the server stopped: {left}"
        if sig == signal.SIGTERM:
            assert proc.returncode == 0 and "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in _running(family):
            os.kill(pid, signal.SIGKILL)
