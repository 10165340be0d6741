"""Batch screening on a Dask cluster (``redlist screen --input ... --engine dask``).

The client reads the input as in single-process mode (:func:`redlist.batch.read.read_rows`: the
same row numbers, the same errors for rows that cannot be read), sends it in partitions of
``partition_rows`` rows to the workers, and writes the answers back in input order as they
arrive. Each worker process opens the index file once (:mod:`redlist.indexfile`, memory-mapped)
and keeps it for every later partition, so a worker's start-up costs milliseconds and its memory
is the index's pages it touches. Without a scheduler address a local cluster is started with
``workers`` single-threaded worker processes; with one, the workers must see the index file at
the same path (a shared filesystem; see docs/scale-out.md).

Dask is an optional dependency: ``pip install 'redlist[dask]'``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from redlist.batch.read import InputRow
from redlist.batch.run import BatchSummary, query_key, screen_answer, write_answers
from redlist.batch.workers import in_order, record
from redlist.errors import RedlistError
from redlist.screen import Screener

#: Rows per task: a partition takes a worker about a second at 3,000 rows/s, long enough that the
#: scheduler's overhead (a few ms per task) does not count, short enough that progress moves.
PARTITION_ROWS = 2_000

# Per worker process: the screeners opened so far, by index file (and its modification time).
_OPENED: dict[tuple[str, int], Screener] = {}
# ... and the answering function of the run in progress (see screen_answer)
_ANSWERS: dict[tuple[Any, ...], Callable[[InputRow], dict[str, Any]]] = {}


def _screener(path: str) -> Screener:
    from redlist import indexfile

    key = (path, os.stat(path).st_mtime_ns)
    found = _OPENED.get(key)
    if found is None:
        _OPENED.clear()  # another generation's index: the old one is not needed any more
        _ANSWERS.clear()  # nor the answers it gave
        found = _OPENED[key] = indexfile.load(Path(path))
    return found


def screen_partition(
    index_path: str, rows: list[InputRow], threshold: float | None, limit: int, lists: list[str] | None
) -> list[dict[str, Any]]:
    """The records of one partition, as :func:`redlist.batch.run.screen_file` writes them (runs on a worker)."""
    screener = _screener(index_path)
    # one answering function per worker and run, so that its answers to repeated queries are
    # kept from one partition to the next
    key = (id(screener), threshold, limit, tuple(lists) if lists else None)
    answer = _ANSWERS.get(key)
    if answer is None:
        _ANSWERS.clear()
        answer = _ANSWERS[key] = screen_answer(screener, threshold, limit, lists)
    return [record(answer, row) for row in rows]


def _client(scheduler: str | None, workers: int) -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise RedlistError(
            "--engine dask needs Dask: pip install 'redlist[dask]' (dask and distributed)"
        ) from None
    if scheduler:
        try:
            return Client(scheduler, timeout="20s")
        except OSError as exc:
            raise RedlistError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    return Client(cluster)


def screen_file(
    index_path: Path,
    input_path: str,
    output_path: str,
    *,
    name_column: str = "name",
    id_column: str = "id",
    threshold: float | None = None,
    limit: int = 10,
    lists: list[str] | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
    encoding: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    partition_rows: int = PARTITION_ROWS,
) -> BatchSummary:
    """Screen every row of a batch file on Dask workers; the output as :func:`redlist.batch.run.screen_file`'s."""
    client = _client(scheduler, workers)
    try:
        counts = write_answers(
            input_path,
            output_path,
            lambda rows: _run(client, str(index_path), rows, threshold, limit, lists, partition_rows),
            name_column=name_column,
            id_column=id_column,
            progress=progress,
            stage="screening",
            every=partition_rows,
            encoding=encoding,
        )
    finally:
        cluster = client.cluster if not scheduler else None
        client.close()
        if cluster is not None:
            cluster.close()
    return BatchSummary(counts["rows"], counts["errors"], counts["matched"], str(output_path))


def _run(
    client: Any,
    index_path: str,
    rows: Iterator[InputRow],
    threshold: float | None,
    limit: int,
    lists: list[str] | None,
    partition_rows: int,
) -> Iterator[dict[str, Any]]:
    """The records of every partition in input order, with a bounded number of partitions in
    flight (the input is never held in memory whole). Rows are dealt to the workers by their query
    (:func:`redlist.batch.workers.deal`), so that every repeat meets the worker that answered it."""
    addresses = sorted(client.scheduler_info().get("workers", {}))
    dealer = _Dealer(client, addresses, (index_path, threshold, limit, lists))
    key = functools.partial(query_key, lists=lists)
    workers = max(1, len(addresses))
    return in_order(rows, dealer, workers, key, chunk_rows=partition_rows, ahead=2)


class _Dealer:
    """Partitions sent to given Dask workers (a preference: the scheduler may move a partition
    when its worker is gone, at the cost of that worker's cached answers)."""

    def __init__(self, client: Any, addresses: list[str], args: tuple[Any, ...]) -> None:
        self.client, self.addresses, self.args = client, addresses, args
        self.futures: dict[tuple[int, int], Any] = {}

    def send(self, worker: int, tag: tuple[int, int], rows: list[InputRow]) -> None:
        index_path, threshold, limit, lists = self.args
        where = [self.addresses[worker]] if self.addresses else None
        self.futures[tag] = self.client.submit(
            screen_partition,
            index_path,
            rows,
            threshold,
            limit,
            lists,
            pure=False,
            workers=where,
            allow_other_workers=True,
        )

    def result(self, tag: tuple[int, int]) -> list[dict[str, Any]]:
        return list(self.futures.pop(tag).result())
