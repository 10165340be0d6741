"""``redlist serve --workers 2``: workers forked from a loaded parent listen on one port, a
worker that dies is replaced, new data is loaded by the parent and the workers replaced by workers
forked from it, and a stop signal stops them all. (A worker's own reload of new data, before it is
replaced, is the single server's: tests/test_api.py.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from redlist.screen import Screener
from redlist.service import Redlist, Settings
from redlist.store import Store
from redlist.store.update import update

from conftest import FIXTURES

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or not Path("/proc").is_dir(), reason="needs fork and /proc"
)

# Waits below are bounds for start-up and reload (not timing assertions): they only fail a test
# that would otherwise hang.
START_WAIT = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> set[int]:
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def _pid(base: str) -> int:
    # a new connection for each call: the kernel hands connections to the workers in turn
    return int(httpx.get(base + "/healthz", timeout=5).json()["pid"])


def _until(what: str, check, wait: float = START_WAIT):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            found = check()
        except httpx.TransportError:
            found = None
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"not seen in {wait:g} s: {what}")


@pytest.fixture
def server(store_home):
    port = _free_port()
    env = {**os.environ, "REDLIST_HOME": str(store_home), "REDLIST_RELOAD_INTERVAL": "0.2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "redlist", "serve", "--port", str(port), "--no-auth", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _until("the server answering", lambda: _pid(base))
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)


def _both_workers(base: str, proc: subprocess.Popen) -> set[int]:
    workers = _children(proc.pid)
    assert len(workers) == 2
    seen: set[int] = set()

    def all_seen() -> bool:
        seen.add(_pid(base))
        return seen == workers

    _until("both workers answering", all_seen)
    return workers


def test_two_forked_workers_answer_and_a_dead_one_is_replaced(server) -> None:
    base, proc = server
    workers = _both_workers(base, proc)
    for _ in range(6):  # forked after the load: every worker has the lists from its first answer
        assert httpx.get(base + "/readyz", timeout=5).status_code == 200
        hit = httpx.post(base + "/screen", json={"name": "Northwind Shipping Lines"}, timeout=30)
        assert hit.status_code == 200 and hit.json()["matches"][0]["entity_id"] == "ofac-101"

    dead = min(workers)
    os.kill(dead, signal.SIGKILL)

    def new_worker() -> set[int] | None:
        now = _children(proc.pid)
        return now if len(now) == 2 and dead not in now else None

    replaced = _until("a new worker", new_worker)
    assert replaced - workers  # a new process, the other worker untouched
    assert workers - {dead} <= replaced
    assert _both_workers(base, proc) == replaced

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0
    for pid in replaced:  # the workers stopped with the parent
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_new_data_is_loaded_by_the_parent_and_the_workers_replaced(server, store_home) -> None:
    base, proc = server
    workers = _both_workers(base, proc)
    old_key = httpx.get(base + "/readyz", timeout=5).json()["data_key"]
    with Store.open(store_home) as store:
        [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")
        assert result.ok, result.message

    def replaced() -> set[int] | None:
        now = _children(proc.pid)
        return now if len(now) == 2 and not now & workers else None

    fresh = _until("both workers replaced by workers forked from the new data", replaced)

    def on_new_data() -> bool:
        keys = {}
        for _ in range(20):
            with httpx.Client(timeout=30) as c:  # one connection: one worker for both calls
                keys[c.get(base + "/healthz").json()["pid"]] = c.get(base + "/readyz").json()["data_key"]
        return set(keys) == fresh and old_key not in keys.values()

    _until("every worker answering from the new data", on_new_data)
    hit = httpx.post(base + "/screen", json={"name": "Second Example LLC"}, timeout=30).json()
    assert hit["matches"] and hit["matches"][0]["entity_id"] == "ofac-7002"
    assert proc.poll() is None


def _preload_answers_from_index_files(redlist: Redlist) -> None:
    """After ``preload()`` both indexes are opened from their files (mapped, shared with the
    workers), none is left to write, and they answer."""
    redlist.preload()
    with redlist.generation() as gen:
        assert hasattr(gen.screener, "pack") and hasattr(gen.checker.screener, "pack")
        assert not gen.indexes_to_write()
        assert gen.screener.screen("Northwind Shipping Lines").matches[0].entity_id == "ofac-101"
        assert gen.by_id["ofac-101"].entity_id == "ofac-101"


def test_the_parent_has_a_child_process_build_the_indexes_it_lacks(store_home, monkeypatch) -> None:
    """No index file yet: a child process builds the indexes and writes their files, and the
    parent opens them (its workers share mapped pages, and the parent's heap never holds a
    build). The parent builds none itself: building a screener here fails the test."""
    cache = store_home / "cache"
    assert not (cache.exists() and list(cache.glob("screener-*")))  # nothing to open yet

    def built_here(*_: object, **__: object) -> None:
        raise AssertionError("an index was built in the server's parent")

    monkeypatch.setattr(Screener, "__init__", built_here)
    redlist = Redlist(Settings.load(home=store_home), background=True)
    try:
        _preload_answers_from_index_files(redlist)
    finally:
        redlist.close()


def test_the_parent_builds_the_indexes_itself_when_the_child_fails(store_home, monkeypatch) -> None:
    """The child process fails (here: it exits at once); the parent builds the indexes, saves
    them, and opens them again from the files, so that its workers share mapped pages rather
    than the built objects. A damaged index file is built again the same way."""
    import redlist.service

    monkeypatch.setattr(redlist.service, "_WRITE_INDEXES", "raise SystemExit(3)")
    for damage in (False, True):
        if damage:
            [path] = (store_home / "cache").glob("screener-check-*.rlx")
            path.write_bytes(path.read_bytes()[:1000])
        redlist = Redlist(Settings.load(home=store_home), background=True)
        try:
            with redlist.generation() as gen:
                assert gen.indexes_to_write()  # none yet, then a damaged one
            _preload_answers_from_index_files(redlist)
        finally:
            redlist.close()


def test_thread_pools_are_limited_to_one_thread_unless_the_user_set_them(monkeypatch) -> None:
    from redlist.api.prefork import limit_thread_pools

    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)  # restored after the test, as is what it sets
    monkeypatch.delenv("VECLIB_MAXIMUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    limit_thread_pools()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "3"  # the user's choice is kept


def _listening(port: int) -> int:
    """How many sockets listen on ``port`` (IPv4, /proc/net/tcp: state 0A is LISTEN)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
            count += 1
    return count


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT") or sys.platform != "linux", reason="SO_REUSEPORT")
def test_each_worker_listens_on_its_own_socket(server) -> None:
    """One listening socket per worker on the same port (SO_REUSEPORT: the kernel spreads new
    connections over them); the parent only holds the port. A replaced worker listens again."""
    base, proc = server
    port = int(base.rsplit(":", 1)[1])
    workers = _both_workers(base, proc)
    assert _listening(port) == 2
    dead = min(workers)
    os.kill(dead, signal.SIGKILL)
    _until("a new worker", lambda: len(_children(proc.pid) - {dead}) == 2)
    _until("two listening sockets again", lambda: _listening(port) == 2)
    assert len(_both_workers(base, proc)) == 2


def test_a_servers_audit_rows_are_written_together_and_flush_does_not_wait(store_home) -> None:
    """A server's audit writer lets rows gather before it writes them in one transaction; flush()
    writes at once (a linger of ten minutes would otherwise hold this test)."""
    from redlist.watch.audit import AuditWriter, verify
    from redlist.watch.storage import WatchStore

    with Store.open(store_home) as store:
        writer = AuditWriter(lambda: store, linger=600.0)
        for n in range(3):
            writer.submit("screen", "api", {"data_key": "k"}, {"name": f"n{n}"}, {"hits": n})
        writer.flush()
        rows = WatchStore(store).audit_rows()
    assert [r["input"] for r in rows] == ['{"name":"n0"}', '{"name":"n1"}', '{"name":"n2"}']
    assert verify(rows)["ok"] and not writer.errors
    with Redlist(Settings.load(home=store_home, audit=True), background=True) as r:  # a server's facade
        assert r._auditor.linger > 0
        r.record("screen", {"name": "x"}, {"hits": 0}, who="api")
        assert len(r.audit_rows()) == 4


def test_a_server_runs_with_smaller_matcher_caches_unless_the_user_set_them(monkeypatch) -> None:
    from redlist.api.prefork import WORKER_CACHES, worker_caches

    monkeypatch.delenv("REDLIST_MATCH_CACHES", raising=False)  # restored after the test
    worker_caches()
    assert os.environ["REDLIST_MATCH_CACHES"] == WORKER_CACHES
    monkeypatch.setenv("REDLIST_MATCH_CACHES", "0.5")
    worker_caches()
    assert os.environ["REDLIST_MATCH_CACHES"] == "0.5"  # the user's choice is kept
