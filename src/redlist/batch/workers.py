"""Answering batch rows in worker processes forked after the index was loaded.

The workers share the parent's index read-only (the mapped index file through the OS page cache,
anything built in memory copy-on-write). Each row goes to the worker its *route key* picks (the
query an answer function caches by, see :func:`redlist.batch.run.screen_answer`), so that every
repeat of a query meets the worker that answered it first and is answered from that worker's
cache: two workers do the screening work of one process, not more. Rows without a route key are
dealt out in turn. Records come back in input order.
"""

from __future__ import annotations

import collections
import gc
import itertools
import multiprocessing
import queue
import signal
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Protocol

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
RouteKey = Callable[[InputRow], Hashable]
Tag = tuple[int, int]  # (window, worker)


class Dealer(Protocol):
    """Where :func:`in_order` sends rows: ``send`` a worker its rows of a window, then ``result``
    gives their records (in the order sent), waiting as needed."""

    def send(self, worker: int, tag: Tag, rows: list[InputRow]) -> None: ...

    def result(self, tag: Tag) -> list[dict[str, Any]]: ...


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


def route_key(answer: Answer) -> RouteKey | None:
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
        self.arrived: dict[Tag, list[dict[str, Any]]] = {}
        for proc in self.procs:
            proc.start()

    def send(self, worker: int, tag: Tag, rows: list[InputRow]) -> None:
        self.inboxes[worker].put((tag, rows))

    def result(self, tag: Tag) -> list[dict[str, Any]]:
        while tag not in self.arrived:
            try:
                got, records, exc = self.outbox.get(timeout=_POLL_S)
            except queue.Empty:
                for proc in self.procs:
                    if not proc.is_alive():
                        raise RedlistError(f"a worker process stopped (exit code {proc.exitcode})") from None
                continue
            if exc is not None:
                raise exc
            self.arrived[got] = records
        return self.arrived.pop(tag)

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


def deal(rows: list[InputRow], workers: int, key: RouteKey | None, turn: int) -> list[list[int]]:
    """The positions in ``rows`` each worker answers: by a hash of the row's ``key`` (every repeat
    of a query to the same worker), else in equal runs starting with worker ``turn``."""
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
        yield from in_order(rows, pool, workers, key)
        finished = True
    finally:
        pool.close(finished)
        _ANSWER = None
        if frozen_here:
            gc.unfreeze()


def in_order(
    rows: Iterable[InputRow],
    dealer: Dealer,
    workers: int,
    key: RouteKey | None,
    chunk_rows: int = CHUNK_ROWS,
    ahead: int = AHEAD,
) -> Iterator[dict[str, Any]]:
    """The records of ``rows`` in input order, answered by ``workers`` workers through ``dealer``.

    Rows are read in windows of ``chunk_rows`` × ``workers``; each window's rows are dealt out by
    ``key`` (see :func:`deal`) and ``ahead`` windows are kept in flight beyond the one being
    written, so the input is never held whole and no worker waits for the writing.
    """
    windows = chunks(rows, chunk_rows * workers)
    in_flight: collections.deque[tuple[int, list[InputRow], list[list[int]]]] = collections.deque()
    for number, window in enumerate(windows):
        in_flight.append((number, window, _send(dealer, number, window, deal(window, workers, key, number))))
        if len(in_flight) > ahead:
            yield from _collect(dealer, *in_flight.popleft())
    while in_flight:
        yield from _collect(dealer, *in_flight.popleft())


def _send(dealer: Dealer, number: int, window: list[InputRow], shares: list[list[int]]) -> list[list[int]]:
    for worker, positions in enumerate(shares):
        if positions:
            dealer.send(worker, (number, worker), [window[pos] for pos in positions])
    return shares


def _collect(
    dealer: Dealer, number: int, window: list[InputRow], shares: list[list[int]]
) -> Iterator[dict[str, Any]]:
    out: list[dict[str, Any]] = [{}] * len(window)
    for worker, positions in enumerate(shares):
        if positions:
            for pos, rec in zip(positions, dealer.result((number, worker)), strict=True):
                out[pos] = rec
    return iter(out)
