"""Running a batch: one answer per input row, in input order, for screening and status checks.

:func:`process_file` is the one loop behind both: it reads a file (:mod:`redlist.batch.read`),
asks for one answer per row and writes it (:mod:`redlist.batch.write`); a bad row gets its error
and the run goes on, so output rows = input rows.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redlist.batch.read import InputRow, count_rows, read_rows
from redlist.batch.workers import answer_in_workers, record
from redlist.batch.write import CHECK_SHAPE, SCREEN_SHAPE, Shape, open_writer
from redlist.check import Checker
from redlist.errors import RedlistError
from redlist.screen import Query, Screener, ScreenResult


def process_file(
    input_path: str | Path,
    output_path: str | Path,
    answer: Callable[[InputRow], dict[str, Any]],
    *,
    name_column: str = "name",
    id_column: str = "id",
    progress: Callable[[str, int, int | None], None] | None = None,
    stage: str = "rows",
    every: int = 100,
    shape: Shape = SCREEN_SHAPE,
    encoding: str | None = None,
    workers: int = 1,
) -> dict[str, int]:
    """Write ``answer(row)`` for every input row, in order; counts of rows, errors and rows with matches.

    The one loop behind batch screening and batch status checks: the output has one record per
    input row (``id`` and ``line`` added), a row whose answer has an ``error`` is counted and the
    run goes on, and ``progress(stage, done, total)`` is called as it goes. ``workers`` > 1 answers
    the rows in that many processes forked from this one (see :func:`answer_rows`).
    """
    return write_answers(
        input_path,
        output_path,
        lambda rows: answer_rows(rows, answer, workers),
        name_column=name_column,
        id_column=id_column,
        progress=progress,
        stage=stage,
        every=every,
        shape=shape,
        encoding=encoding,
    )


def write_answers(
    input_path: str | Path,
    output_path: str | Path,
    answers_of: Callable[[Iterator[InputRow]], Iterable[dict[str, Any]]],
    *,
    name_column: str = "name",
    id_column: str = "id",
    progress: Callable[[str, int, int | None], None] | None = None,
    stage: str = "rows",
    every: int = 100,
    shape: Shape = SCREEN_SHAPE,
    encoding: str | None = None,
) -> dict[str, int]:
    """Write the records ``answers_of(rows)`` yields, one per input row in input order, counting
    rows, errors and rows with matches: the loop of :func:`process_file`, for engines that answer
    the rows elsewhere (Dask workers)."""
    if str(output_path) != "-" and Path(output_path).resolve() == Path(input_path).resolve():
        raise RedlistError(f"--output {output_path} is the input file; writing would overwrite it")
    total = count_rows(input_path) if progress else None
    counts = {"rows": 0, "errors": 0, "matched": 0}
    with open_writer(output_path, shape=shape) as writer:
        rows = read_rows(input_path, name_column=name_column, id_column=id_column, encoding=encoding)
        for record in answers_of(rows):
            writer.write(record)
            counts["rows"] += 1
            counts["errors"] += bool(record.get("error"))
            counts["matched"] += bool(record.get("matches"))
            if progress and counts["rows"] % every == 0:
                progress(stage, counts["rows"], total)
    if progress:
        progress(stage, counts["rows"], total)
    return counts


def worker_count(workers: int) -> int:
    """``workers``, with 0 meaning one per available core."""
    if workers < 0:
        raise RedlistError(f"--workers {workers}: give a number of processes (0: one per core)")
    if workers == 0:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return workers


def answer_rows(
    rows: Iterable[InputRow], answer: Callable[[InputRow], dict[str, Any]], workers: int = 1
) -> Iterator[dict[str, Any]]:
    """One record per row, in input order: in this process, or in ``workers`` processes forked
    from it after the index was loaded (:mod:`redlist.batch.workers`: they share the index
    read-only, and every repeat of a query goes to the worker that answered it first). Where
    ``fork`` is not available (Windows, macOS's default), the rows are answered here."""
    workers = worker_count(workers)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for row in rows:
            yield record(answer, row)
        return
    yield from answer_in_workers(rows, answer, workers)


@dataclass(slots=True)
class BatchSummary:
    """What a batch run did: rows read, rows with errors, rows with at least one match."""

    rows: int = 0
    errors: int = 0
    matched: int = 0
    output: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "errors": self.errors, "matched": self.matched, "output": self.output}


def row_query(row: InputRow, lists: list[str] | None = None) -> Query:
    """The query of one input row."""
    return Query(
        name=row.name,
        type=row.type,
        country=row.country,
        identifiers=dict(row.identifiers),
        lists=lists,
        id=row.id if row.id is not None else str(row.line),
        birth_date=_first(row.extra, BIRTH_DATE_COLUMNS),
        nationality=_first(row.extra, NATIONALITY_COLUMNS),
    )


#: Optional qualifier columns of a batch file (the first one present is used).
BIRTH_DATE_COLUMNS = ("birth_date", "date_of_birth", "dob", "birth_year", "year_of_birth")
NATIONALITY_COLUMNS = ("nationality", "citizenship")


def _first(extra: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = extra.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


#: Distinct queries a batch keeps the answers of (the most recent ones): a file that names the same
#: party on many rows screens it once. A few KB each at most; most answers hold no match. Keeping
#: 20,000 cost 30 MB more than 2,000 on a 100,000-row batch (32 % repeats) for no CPU saved that
#: the machine's noise did not hide (docs/benchmarks.md, "A batch process under 300 MB").
ANSWER_CACHE = 2_000


def screen_answer(
    screener: Screener, threshold: float | None, limit: int, lists: list[str] | None
) -> Callable[[InputRow], dict[str, Any]]:
    """The answer to one input row of a screening batch (its error when it could not be read).

    A row asking what an earlier row asked (the same name, type, country, identifiers and
    qualifiers) gets that row's answer again, without screening it again: the same matches,
    under its own id.
    """
    return _ScreenAnswer(screener, threshold, limit, lists)


class _ScreenAnswer:
    """:func:`screen_answer`'s function: it remembers the answers of the last ``ANSWER_CACHE``
    distinct queries, and tells the worker pool which query a row asks (:meth:`route_key`)."""

    def __init__(
        self, screener: Screener, threshold: float | None, limit: int, lists: list[str] | None
    ) -> None:
        self.screener, self.threshold, self.limit, self.lists = screener, threshold, limit, lists
        self.seen: collections.OrderedDict[tuple[Any, ...], tuple[ScreenResult, str | None, str | None]]
        self.seen = collections.OrderedDict()

    def route_key(self, row: InputRow) -> tuple[Any, ...]:
        """What makes two rows the same question (the answer cache's key)."""
        return query_key(row, self.lists)

    def __call__(self, row: InputRow) -> dict[str, Any]:
        query = row_query(row, self.lists)
        if row.error:
            return ScreenResult(query, error=row.error).to_dict()
        key = _query_key(query)
        found = self.seen.get(key)
        if found is None:
            result = self.screener.screen(query, threshold=self.threshold, limit=self.limit)
            # the query as screened: its date of birth and nationality in their parsed forms
            self.seen[key] = (result, query.birth_date, query.nationality)
            if len(self.seen) > ANSWER_CACHE:
                self.seen.popitem(last=False)
            return result.to_dict()
        self.seen.move_to_end(key)
        earlier, query.birth_date, query.nationality = found
        again = ScreenResult(query, earlier.matches, earlier.error, earlier.warnings, cleared=earlier.cleared)
        return again.to_dict()


def query_key(row: InputRow, lists: list[str] | None = None) -> tuple[Any, ...]:
    """What makes two rows of a screening batch the same question: name, type, country,
    identifiers and qualifiers (a repeat gets the earlier answer, and the same worker)."""
    return _query_key(row_query(row, lists))


def _query_key(query: Query) -> tuple[Any, ...]:
    return (
        query.name,
        query.type,
        query.country,
        tuple(query.identifiers.items()),
        query.birth_date,
        query.nationality,
    )


def screen_file(
    screener: Screener,
    input_path: str,
    output_path: str,
    *,
    name_column: str = "name",
    id_column: str = "id",
    threshold: float | None = None,
    limit: int = 10,
    lists: list[str] | None = None,
    progress: Any = None,
    encoding: str | None = None,
    workers: int = 1,
) -> BatchSummary:
    """Screen every row of a CSV/XLSX/Parquet/JSONL file into a JSONL/CSV/XLSX file, in input order.

    A bad row (no name, binary junk, a malformed identifier) is written with its ``error`` and the
    run goes on: the output has one result per input row. ``progress(stage, done, total)`` is called
    as rows are screened. ``workers`` > 1 screens in that many processes sharing the index.
    """
    if worker_count(workers) > 1:
        screener.count_tables()  # once here, not once per worker
    counts = process_file(
        input_path,
        output_path,
        screen_answer(screener, threshold, limit, lists),
        name_column=name_column,
        id_column=id_column,
        progress=progress,
        stage="screening",
        every=200,
        encoding=encoding,
        workers=workers,
    )
    return BatchSummary(counts["rows"], counts["errors"], counts["matched"], str(output_path))


def check_file(
    checker: Checker,
    input_path: str,
    output_path: str,
    *,
    name_column: str = "name",
    id_column: str = "id",
    default_activity: str = "transact",
    default_date: str | None = None,
    default_purpose: str | None = None,
    progress: Any = None,
    encoding: str | None = None,
) -> dict[str, int]:
    """Answer one status question per input row into JSON lines, JSON, CSV, XLSX or Parquet.

    Columns: ``id``, ``name``, ``activity``, ``date``, ``purpose``; an ``entity_id`` column (``ofac-30947``,
    ``us_dod_ccmc:xiaomi`` or ``isin:CNE100000PM8``) or identifier columns (``isin``, ``lei``...)
    may stand in for the name. A bad row gets its ``error`` and the run goes on; output rows =
    input rows, in order (tables: one row per answer).
    """

    def answer(row: InputRow) -> dict[str, Any]:
        activity = row.extra.get("activity") or default_activity
        on = row.extra.get("date") or default_date
        entity_id = row.extra.get("entity_id") or None
        purpose = row.extra.get("purpose") or default_purpose
        try:
            if row.error:
                raise RedlistError(row.error)
            return checker.check(
                row.name,
                entity_id=entity_id,
                identifiers=dict(row.identifiers) or None,
                activity=activity,
                on=on,
                purpose=purpose,
            ).to_dict()
        except RedlistError as exc:
            query: dict[str, Any] = {"name": row.name, "entity_id": entity_id, "activity": activity, "on": on}
            if row.identifiers:
                query["identifiers"] = dict(row.identifiers)
            if purpose:
                query["purpose"] = purpose
            return {"query": query, "error": str(exc)}

    counts = process_file(
        input_path,
        output_path,
        answer,
        name_column=name_column,
        id_column=id_column,
        progress=progress,
        stage="checking",
        every=50,
        shape=CHECK_SHAPE,
        encoding=encoding,
    )
    return {"rows": counts["rows"], "errors": counts["errors"]}
