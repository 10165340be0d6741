"""``redlist serve --workers N``: load once, then fork N workers that share what was loaded.

The parent process loads the data generation (the memory-mapped index file, the status checker,
the Chinese tables and every lazily imported module a request uses), builds the app, binds the
listening socket, moves every object it made out of the cyclic GC (:func:`gc.freeze`, so that no
collection in a worker writes to those pages) and forks the workers. Each worker serves the socket
it is given with its own uvicorn loop (``serve``: :mod:`redlist.api.server` gives each worker a
socket of its own on the same port, so that the kernel spreads new connections over them); its
memory is the parent's pages, shared copy-on-write, plus what it writes itself.

The parent never answers a request: it restarts a worker that dies (after a pause when workers
keep dying at start-up), and on SIGTERM or SIGINT stops them all (SIGTERM, then SIGKILL after
``GRACE`` seconds). New data: each worker reloads it on its own, as a single server does
(:class:`redlist.service.Redlist` with ``background=True``), so answers move to the new data
within seconds; the parent loads it too and then replaces the workers one by one with workers
forked from it, so that the new data is shared again instead of held by every worker.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

from redlist.util import limit_thread_pools as limit_thread_pools  # the server's name for it

log = logging.getLogger("redlist.serve")

#: Seconds a stopping worker gets to finish its requests before it is killed.
GRACE = 30.0
#: A worker that dies sooner than this after its start counts as a failed start.
FAILED_START = 2.0
#: After this many failed starts in a row, the parent waits before forking again.
BACKOFF_AFTER = 3
BACKOFF = 5.0


class Prefork:
    """Fork ``workers`` processes that each run ``serve(sock)``, and keep that many running."""

    def __init__(
        self,
        serve: Callable[[socket.socket], None],
        sock: socket.socket,
        workers: int,
        *,
        after_fork: Callable[[], None] | None = None,
        reload: Callable[[], bool] | None = None,
        reload_interval: float = 5.0,
    ) -> None:
        self.serve = serve
        self.sock = sock
        self.workers = workers
        self.after_fork = after_fork
        # called every reload_interval seconds: True when it loaded new data here, in the parent;
        # the workers are then replaced one by one by workers forked from the new data
        self.reload = reload
        self.reload_interval = reload_interval
        self.children: dict[int, float] = {}  # pid -> when it was forked
        self.retiring: set[int] = set()  # replaced workers finishing their requests
        self.stopping = False
        self.failed_starts = 0

    def run(self) -> None:
        """Fork the workers and watch them until a stop signal; returns when all have exited."""
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for _ in range(self.workers):
                self._spawn()
            gc.enable()  # the parent's own garbage from now on (what it loaded is frozen)
            checked = time.monotonic()
            while not self.stopping:
                self._reap()
                if not self.stopping:
                    self._refill()
                if self.reload is not None and time.monotonic() - checked >= self.reload_interval:
                    checked = time.monotonic()
                    self._reload()
                time.sleep(0.2)
            self._shutdown()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _reload(self) -> None:
        try:
            assert self.reload is not None
            fresh = self.reload()
        except Exception:  # noqa: BLE001 - the workers keep serving (and reload on their own)
            log.exception("loading new data in the parent failed; the workers keep theirs")
            return
        if fresh and not self.stopping:
            self.recycle()

    def recycle(self) -> None:
        """Replace every worker by a new one forked from the parent as it is now: a new worker
        first, then the old one is asked to stop (it finishes the requests it holds)."""
        gc.freeze()
        for pid in list(self.children):
            if self.stopping:
                return
            self._spawn()
            self.children.pop(pid, None)
            self.retiring.add(pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        log.info("workers replaced: they share the new data")

    def _stop(self, _sig: int, _frame: Any) -> None:
        self.stopping = True

    def _spawn(self) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                # the parent's handlers must not run here; uvicorn installs its own while serving,
                # and a signal it re-raises after a graceful stop is then ignored (exit code 0)
                for s in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(s, signal.SIG_IGN)
                _die_with_parent()
                if os.getppid() != parent:  # the parent died before that took effect
                    os._exit(0)
                gc.enable()
                if self.after_fork is not None:
                    self.after_fork()
                self.serve(self.sock)
                code = 0
            except BaseException:  # noqa: BLE001 - a worker reports and exits, never returns to the parent's loop
                log.exception("worker %d failed", os.getpid())
            finally:
                logging.shutdown()
                os._exit(code)
        self.children[pid] = time.monotonic()
        log.info("worker %d started", pid)

    def _reap(self) -> None:
        while self.children or self.retiring:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # none left (they were all reaped already)
                self.children.clear()
                self.retiring.clear()
                return
            if pid == 0:
                return
            started = self.children.pop(pid, None)
            if started is None:  # a replaced worker, done
                self.retiring.discard(pid)
                continue
            if not self.stopping:
                log.warning("worker %d exited (%s); starting another", pid, _describe(status))
                quick = time.monotonic() - started < FAILED_START
                self.failed_starts = self.failed_starts + 1 if quick else 0

    def _refill(self) -> None:
        if len(self.children) >= self.workers:
            return
        if self.failed_starts >= BACKOFF_AFTER:
            log.error("workers keep failing at start-up; next try in %g s", BACKOFF)
            deadline = time.monotonic() + BACKOFF
            while time.monotonic() < deadline and not self.stopping:
                time.sleep(0.1)
            self.failed_starts = 0
            if self.stopping:
                return
        while len(self.children) < self.workers:
            self._spawn()

    def _shutdown(self) -> None:
        self.children.update(dict.fromkeys(self.retiring, 0.0))
        self.retiring.clear()
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        for pid in list(self.children):
            log.warning("worker %d did not stop in %g s; killing it", pid, GRACE)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children.clear()


def _die_with_parent() -> None:
    """Linux: this worker gets SIGTERM when the parent dies, even by SIGKILL (no orphan keeps the
    port). Elsewhere a no-op."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


#: The factor of the matcher's cache sizes in a server's processes (``REDLIST_MATCH_CACHES``,
#: :mod:`redlist.match.caches`) unless the user sets one: a worker answers one name at a time,
#: meets few repeated words, and copies every page its caches fill. 0.1 of the batch sizes of
#: then held 50 MB of its own after 10,000 varied names instead of 110, for 7-14 % more
#: screening CPU (docs/benchmarks.md, "Memory per process and per server worker"); the batch
#: sizes have since been cut to a quarter, so 0.4 keeps a server's caches as they were measured
#: (but word pairs, fuzzy words and name anchors, cut further for batches: smaller still).
WORKER_CACHES = "0.4"


def worker_caches() -> None:
    """Smaller matcher caches in a server (:data:`WORKER_CACHES`). Must run before
    :mod:`redlist.match` is imported; a value set by the user is kept."""
    os.environ.setdefault("REDLIST_MATCH_CACHES", WORKER_CACHES)
