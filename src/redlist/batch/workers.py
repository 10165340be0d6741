"""Answering batch rows in worker processes forked after the index was loaded.

The workers share the parent's index read-only (the mapped index file through the OS page cache,
anything built in memory copy-on-write). Each row goes to the worker its *route key* picks (the
query an answer function caches by, see :func:`redlist.batch.run.screen_answer`), so that every
repeat of a query meets the worker that answered it first and is answered from that worker's
cache: two workers do the screening work of one process, not more. Rows without a route key are
dealt out in turn. Records come back in input order.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import queue
import signal
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from redlist.batch.read import InputRow
from redlist.errors import RedlistError

#: Rows read at a time and dealt out to the workers (about ``CHUNK_ROWS`` per worker): large enough
#: that passing them costs little, small enough that progress moves.
CHUNK_ROWS = 256
#: Windows of rows sent ahead of the one being written, so that no worker waits for the parent.
AHEAD = 4
#: How often (seconds) the parent, waiting for answers, checks that its workers are alive.
_POLL_S = 1.0

Answer = Callable[[InputRow], dict[str, Any]]

# The answering function of the run in progress: set before the workers are forked, so that they
# inherit it (and the index it closes over) instead of receiving it.
_ANSWER: Answer | None = None


def record(answer: Answer, row: InputRow) -> dict[str, Any]:
    """The output record of one row: the answer, with the row's ``id`` and ``line`` first."""
    return {"id": row.key, "line": row.line, **answer(row)}


def chunks(rows: Iterable[InputRow], size: int) -> Iterator[list[InputRow]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    it = iter(rows)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def route_key(answer: Answer) -> Callable[[InputRow], Hashable] | None:
    """The function giving the key an answer function caches rows by, if it has one."""
    key = getattr(answer, "route_key", None)
    return key if callable(key) else None


def _serve(inbox: Any, outbox: Any) -> None:
    assert _ANSWER is not None
    # Ctrl-C is the parent's to handle: it stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answer = _ANSWER
    while (task := inbox.get()) is not None:
        tag, rows = task
        try:
            outbox.put((tag, [record(answer, row) for row in rows], None))
        except BaseException as exc:  # noqa: BLE001  (handed to the parent, which raises it)
            outbox.put((tag, None, exc))
            return


class _Pool:
    """``n`` forked workers, each with its own inbox, sharing one outbox."""

    def __init__(self, n: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self.outbox = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(n)]
        self.procs = [
            ctx.Process(target=_serve, args=(box, self.outbox), daemon=True) for box in self.inboxes
        ]
        for proc in self.procs:
            proc.start()

    def send(self, worker: int, tag: tuple[int, int], rows: list[InputRow]) -> None:
        self.inboxes[worker].put((tag, rows))

    def receive(self) -> tuple[tuple[int, int], list[dict[str, Any]]]:
        while True:
            try:
                tag, records, exc = self.outbox.get(timeout=_POLL_S)
            except queue.Empty:
                for proc in self.procs:
                    if not proc.is_alive():
                        raise RedlistError(f"a worker process stopped (exit code {proc.exitcode})") from None
                continue
            if exc is not None:
                raise exc
            return tag, records

    def close(self, finished: bool) -> None:
        """Stop the workers: after the work sent (``finished``), else at once."""
        for box in self.inboxes:
            box.put(None)
        for proc in self.procs:
            if finished:
                proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for box in (*self.inboxes, self.outbox):
            box.close()
            box.cancel_join_thread()


def _deal(
    rows: list[InputRow], workers: int, key: Callable[[InputRow], Hashable] | None, turn: int
) -> list[list[int]]:
    """The positions in ``rows`` each worker answers."""
    shares: list[list[int]] = [[] for _ in range(workers)]
    for pos, row in enumerate(rows):
        worker = (
            hash(key(row)) % workers if key is not None else (turn + pos * workers // len(rows)) % workers
        )
        shares[worker].append(pos)
    return shares


def answer_in_workers(rows: Iterable[InputRow], answer: Answer, workers: int) -> Iterator[dict[str, Any]]:
    """One record per row, in input order, answered by ``workers`` processes forked from this one."""
    global _ANSWER
    key = route_key(answer)
    _ANSWER = answer
    # the collector would otherwise touch (and so copy) every inherited object; a caller that
    # froze its own objects (the server) keeps them frozen
    frozen_here = gc.get_freeze_count() == 0
    if frozen_here:
        gc.freeze()
    pool = _Pool(workers)
    finished = False
    try:
        yield from _pipeline(pool, iter(rows), answer_count=workers, key=key)
        finished = True
    finally:
        pool.close(finished)
        _ANSWER = None
        if frozen_here:
            gc.unfreeze()


def _pipeline(
    pool: _Pool, rows: Iterator[InputRow], answer_count: int, key: Callable[[InputRow], Hashable] | None
) -> Iterator[dict[str, Any]]:
    windows = chunks(rows, CHUNK_ROWS * answer_count)
    in_flight: dict[int, tuple[int, list[list[int]]]] = {}  # window -> (rows in it, positions per worker)
    done: dict[tuple[int, int], list[dict[str, Any]]] = {}
    sent = written = 0
    while True:
        while len(in_flight) <= AHEAD and (window := next(windows, None)):
            shares = _deal(window, answer_count, key, sent)
            for worker, positions in enumerate(shares):
                if positions:
                    pool.send(worker, (sent, worker), [window[pos] for pos in positions])
            in_flight[sent] = (len(window), shares)
            sent += 1
        if written == sent:
            return
        size, shares = in_flight.pop(written)
        awaited = [(written, worker) for worker, positions in enumerate(shares) if positions]
        while any(tag not in done for tag in awaited):
            tag, records = pool.receive()
            done[tag] = records
        out: list[dict[str, Any] | None] = [None] * size
        for worker, positions in enumerate(shares):
            if positions:
                for pos, rec in zip(positions, done.pop((written, worker)), strict=True):
                    out[pos] = rec
        written += 1
        yield from (rec for rec in out if rec is not None)
