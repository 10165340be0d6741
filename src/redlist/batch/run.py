"""Running a batch: one answer per input row, in input order, for screening and status checks.

:func:`process_file` is the one loop behind both: it reads a file (:mod:`redlist.batch.read`),
asks for one answer per row and writes it (:mod:`redlist.batch.write`); a bad row gets its error
and the run goes on, so output rows = input rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redlist.batch.read import InputRow, count_rows, read_rows
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
) -> dict[str, int]:
    """Write ``answer(row)`` for every input row, in order; counts of rows, errors and rows with matches.

    The one loop behind batch screening and batch status checks: the output has one record per
    input row (``id`` and ``line`` added), a row whose answer has an ``error`` is counted and the
    run goes on, and ``progress(stage, done, total)`` is called as it goes.
    """
    if str(output_path) != "-" and Path(output_path).resolve() == Path(input_path).resolve():
        raise RedlistError(f"--output {output_path} is the input file; writing would overwrite it")
    total = count_rows(input_path) if progress else None
    counts = {"rows": 0, "errors": 0, "matched": 0}
    with open_writer(output_path, shape=shape) as writer:
        for row in read_rows(input_path, name_column=name_column, id_column=id_column, encoding=encoding):
            record = {"id": row.key, "line": row.line, **answer(row)}
            writer.write(record)
            counts["rows"] += 1
            counts["errors"] += bool(record.get("error"))
            counts["matched"] += bool(record.get("matches"))
            if progress and counts["rows"] % every == 0:
                progress(stage, counts["rows"], total)
    if progress:
        progress(stage, counts["rows"], total)
    return counts


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
) -> BatchSummary:
    """Screen every row of a CSV/XLSX/Parquet/JSONL file into a JSONL/CSV/XLSX file, in input order.

    A bad row (no name, binary junk, a malformed identifier) is written with its ``error`` and the
    run goes on: the output has one result per input row. ``progress(stage, done, total)`` is called
    as rows are screened.
    """

    def answer(row: Any) -> dict[str, Any]:
        query = row_query(row, lists)
        if row.error:
            return ScreenResult(query, error=row.error).to_dict()
        return screener.screen(query, threshold=threshold, limit=limit).to_dict()

    counts = process_file(
        input_path,
        output_path,
        answer,
        name_column=name_column,
        id_column=id_column,
        progress=progress,
        stage="screening",
        every=200,
        encoding=encoding,
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
