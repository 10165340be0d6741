"""Writing batch results: JSON lines (one object per input row), a JSON array (``.json``), or a
table (CSV, XLSX, Parquet) in a :class:`Shape`: for screening one row per match (a result without
any still gets one row), for status checks one row per answer, so every input row appears.
Spreadsheet cells starting with ``= + - @`` (or tab/CR) are prefixed with ``'`` so a name on a
list cannot run as a formula when the file is opened.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from redlist.batch.read import InputRow, format_list
from redlist.errors import RedlistError

# ".json" is a real JSON array (streamed, one element per line) because that is what a tool
# opening a .json file expects; use .jsonl/.ndjson for one object per line.
OUTPUT_FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
}

_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_CELL = 32_767


def result_for(
    row: InputRow, result: dict[str, Any] | None = None, *, error: str | None = None
) -> dict[str, Any]:
    """The writer's record for one input row: the screener's ``to_dict()`` plus the row's id and line.

    With no ``result`` (a row that could not be read, or was not screened) the query is rebuilt
    from the row and ``matches`` is empty; ``error`` defaults to the row's reading error.
    """
    out: dict[str, Any] = {"id": row.key, "line": row.line}
    result = result or {}
    out["query"] = result.get("query") or {
        k: v
        for k, v in (
            ("name", row.name),
            ("type", row.type),
            ("country", row.country),
            ("identifiers", row.identifiers or None),
        )
        if v is not None
    }
    out["matches"] = list(result.get("matches") or [])
    err = error or result.get("error") or row.error
    if err:
        out["error"] = err
    if result.get("warnings"):
        out["warnings"] = list(result["warnings"])
    return out


SPREADSHEET_COLUMNS: tuple[str, ...] = (
    "input_line",
    "input_id",
    "input_name",
    "error",
    "rank",
    "score",
    "entity_id",
    "name",
    "matched_name",
    "lists",
    "source_ids",
    "programs",
    "explanation",
    "warnings",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Spreadsheet-safe cell: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def spreadsheet_rows(result: dict[str, Any]) -> Iterator[list[object]]:
    """One row per match (in :data:`SPREADSHEET_COLUMNS` order); one row with empty match cells if none."""
    query = result.get("query") or {}
    head: list[object] = [
        result.get("line"),
        result.get("id"),
        query.get("name"),
        result.get("error"),
    ]
    warnings = "; ".join(str(w) for w in result.get("warnings") or []) or None
    matches = result.get("matches") or []
    if not matches:
        yield [*head, *([None] * 9), warnings]
        return
    for rank, m in enumerate(matches, start=1):
        yield [*head, rank, *_match_cells(m), warnings]


def _match_cells(m: Any) -> list[object]:
    if not isinstance(m, dict):
        m = m.to_dict() if hasattr(m, "to_dict") else vars(m)
    lists = [x for x in m.get("lists") or [] if isinstance(x, dict)]
    list_ids = list(dict.fromkeys(str(x.get("list")) for x in lists if x.get("list")))
    source_ids = list(
        dict.fromkeys(
            f"{x.get('list')}:{x.get('source_id')}" for x in lists if x.get("source_id") is not None
        )
    )
    programs = list(dict.fromkeys(str(p) for x in lists for p in x.get("programs") or []))
    explanation = m.get("explanation")
    if isinstance(explanation, dict):
        explanation = explanation.get("summary")
    score = m.get("score")
    return [
        round(score, 4) if isinstance(score, float) else score,
        m.get("entity_id"),
        m.get("name"),
        m.get("matched_name"),
        ";".join(list_ids) or None,
        ";".join(source_ids) or None,
        ";".join(programs) or None,
        None if explanation is None else str(explanation),
    ]


@dataclass(frozen=True)
class Shape:
    """How a result becomes table rows: the columns, their Parquet types and the row maker."""

    columns: tuple[str, ...]
    rows: Callable[[dict[str, Any]], Iterator[list[object]]]
    types: dict[str, str] = field(default_factory=dict)  # column -> int | float (else text)


SCREEN_SHAPE = Shape(
    SPREADSHEET_COLUMNS, spreadsheet_rows, {"input_line": "int", "rank": "int", "score": "float"}
)

#: The table columns of status answers (batch checks): one row per input row.
CHECK_COLUMNS: tuple[str, ...] = (
    "input_line",
    "input_id",
    "input_name",
    "input_entity_id",
    "input_identifiers",
    "activity",
    "on",
    "verdict",
    "party_id",
    "party_name",
    "found_by",
    "findings",
    "notices",
    "missing_lists",
    "data",
    "error",
)


def check_rows(result: dict[str, Any]) -> Iterator[list[object]]:
    """One row (in :data:`CHECK_COLUMNS` order) for one status answer: the verdict, the party,
    each finding as ``list: state (effect)``, the lists no loaded source covers and the data it
    came from; candidates of an ambiguous name go to ``notices``."""
    query = result.get("query") or {}
    party = result.get("party") or {}
    identifiers = query.get("identifiers") or {}
    data = result.get("data") or {}
    findings = [
        f"{f.get('list')}: {str(f.get('state', '')).replace('_', ' ')} ({f.get('effect')})"
        for f in result.get("findings") or []
        if isinstance(f, dict)
    ]
    notices = [str(n) for n in result.get("notices") or []]
    candidates = [c for c in result.get("candidates") or [] if isinstance(c, dict)]
    if candidates:
        notices.append(
            "candidates: " + "; ".join(f"{c.get('name')} ({c.get('entity_id')})" for c in candidates)
        )
    yield [
        result.get("line"),
        result.get("id"),
        query.get("name"),
        query.get("entity_id"),
        "; ".join(f"{k}:{v}" for k, v in identifiers.items()) or None,
        result.get("activity") or query.get("activity"),
        result.get("on") or query.get("on"),
        result.get("verdict"),
        party.get("id"),
        party.get("name"),
        party.get("found_by"),
        "; ".join(findings) or None,
        " | ".join(notices) or None,
        ";".join(str(m.get("list")) for m in result.get("missing") or []) or None,
        "; ".join(f"{x['source']}@{x['as_of']}#{x['snapshot']}" for x in data.get("sources") or []) or None,
        result.get("error"),
    ]


CHECK_SHAPE = Shape(CHECK_COLUMNS, check_rows, {"input_line": "int"})

#: The table layouts by name: screening results (one row per match) and status answers.
LAYOUTS: dict[str, Shape] = {"screen": SCREEN_SHAPE, "check": CHECK_SHAPE}


class ResultWriter:
    """Writes screening results in input order; use as a context manager (see :func:`open_writer`)."""

    format: str

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, result: dict[str, Any]) -> None:
        """Write the record for one input row (see :func:`result_for`)."""
        raise NotImplementedError

    def write_all(self, results: Iterable[dict[str, Any]]) -> int:
        """Write every result; returns how many were written."""
        n = 0
        for r in results:
            self.write(r)
            n += 1
        return n

    def close(self) -> None:
        """Flush and close (standard output is flushed, not closed)."""


def _json_record(result: dict[str, Any]) -> dict[str, Any]:
    out = dict(result)
    if out.get("id") is None:
        out["id"] = str(out.get("line")) if out.get("line") is not None else None
    # fixed key order so files diff well: id, line, query, matches, error, warnings, anything else
    order = ["id", "line", "query", "matches", "error", "warnings"]
    return {k: out[k] for k in order if k in out} | {k: v for k, v in out.items() if k not in order}


class _JsonWriter(ResultWriter):
    _FLUSH_EVERY = 1000

    def __init__(self, stream: IO[str], *, owned: bool, array: bool) -> None:
        self.format = "json" if array else "jsonl"
        self._f, self._owned, self._array = stream, owned, array
        self._n = 0
        if array:
            self._f.write("[")

    def write(self, result: dict[str, Any]) -> None:
        text = json.dumps(_json_record(result), ensure_ascii=False, default=str)
        if self._array:
            text = ("\n" if self._n == 0 else ",\n") + text
        else:
            text += "\n"
        self._f.write(text)
        self._n += 1
        if self._n % self._FLUSH_EVERY == 0:
            self._f.flush()  # a reader tailing the output (or a crash) sees progress

    def close(self) -> None:
        if self._f.closed:
            return
        if self._array:
            self._f.write("\n]\n")
            self._array = False
        if self._owned:
            self._f.close()
        else:
            self._f.flush()


class _CsvWriter(ResultWriter):
    format = "csv"

    def __init__(self, stream: IO[str], shape: Shape) -> None:
        self._f = stream
        self._shape = shape
        self._w = csv.writer(stream)
        self._w.writerow(shape.columns)

    def write(self, result: dict[str, Any]) -> None:
        result = _json_record(result)
        for row in self._shape.rows(result):
            self._w.writerow(["" if v is None else neutralise(v) for v in row])

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()


class _XlsxWriter(ResultWriter):
    format = "xlsx"

    def __init__(self, path: Path, shape: Shape) -> None:
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._illegal = ILLEGAL_CHARACTERS_RE
        self._shape = shape
        self._path = path
        self._wb = openpyxl.Workbook(write_only=True)
        self._sheets = 0
        self._new_sheet()
        self._closed = False

    def _new_sheet(self) -> None:
        # one sheet holds 1,048,576 rows; a bigger batch continues on results_2, results_3, ...
        self._sheets += 1
        title = "results" if self._sheets == 1 else f"results_{self._sheets}"
        self._ws = self._wb.create_sheet(title)
        self._ws.append(list(self._shape.columns))
        self._rows = 1

    def _cell(self, value: object) -> object:
        if isinstance(value, str):
            # XLSX cannot hold control characters; show them instead of failing the whole file
            text: str = self._illegal.sub("\ufffd", value)
            if len(text) > _XLSX_MAX_CELL:
                text = text[: _XLSX_MAX_CELL - 14] + " [...truncated]"
            value = text
        return neutralise(value)

    def write(self, result: dict[str, Any]) -> None:
        result = _json_record(result)
        for row in self._shape.rows(result):
            if self._rows >= _XLSX_MAX_ROWS:
                self._new_sheet()
            self._ws.append([self._cell(v) for v in row])
            self._rows += 1

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._wb.save(self._path)
        except OSError as e:
            raise RedlistError(f"{self._path}: cannot write file ({e.strerror or e})") from e


class _ParquetWriter(ResultWriter):
    """Parquet in row groups of ``_BATCH`` rows; text columns as strings, counts and scores typed."""

    format = "parquet"
    _BATCH = 10_000

    def __init__(self, path: Path, shape: Shape) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        kinds = {"int": pa.int64(), "float": pa.float64()}
        self._schema = pa.schema([(c, kinds.get(shape.types.get(c, ""), pa.string())) for c in shape.columns])
        self._shape, self._path = shape, path
        self._rows: list[list[object]] = []
        try:
            self._writer = pq.ParquetWriter(str(path), self._schema)
        except OSError as e:
            raise RedlistError(f"{path}: cannot write file ({e.strerror or e})") from e

    def _value(self, column: str, value: object) -> object:
        if value is None or self._shape.types.get(column):
            return value
        return str(value)

    def write(self, result: dict[str, Any]) -> None:
        result = _json_record(result)
        for row in self._shape.rows(result):
            self._rows.append([self._value(c, v) for c, v in zip(self._shape.columns, row, strict=True)])
        if len(self._rows) >= self._BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            columns = list(zip(*self._rows, strict=True))
            self._writer.write_table(self._pa.Table.from_arrays(list(columns), schema=self._schema))
            self._rows = []

    def close(self) -> None:
        if self._writer is None:
            return
        self._flush()
        self._writer.close()
        self._writer = None


def open_writer(
    path: str | Path, *, format: str | None = None, shape: Shape | None = None, layout: str | None = None
) -> ResultWriter:
    """A :class:`ResultWriter` for ``path``, format from ``format`` or the extension.

    ``"-"`` writes JSON lines to standard output. ``.jsonl``/``.ndjson``: one object per input
    row. ``.json``: the same objects as one JSON array. ``.csv``/``.xlsx``/``.parquet``: a table
    in ``shape`` (screening: one row per match, :data:`SPREADSHEET_COLUMNS`; status checks: one
    row per answer, :data:`CHECK_COLUMNS`); ``layout`` names one of :data:`LAYOUTS` instead.
    """
    if layout is not None:
        if layout not in LAYOUTS:
            raise RedlistError(f"unknown result layout {layout!r}: use {', '.join(LAYOUTS)}")
        shape = LAYOUTS[layout]
    shape = shape or SCREEN_SHAPE
    if str(path) == "-":
        return _JsonWriter(sys.stdout, owned=False, array=(format or "").lower().lstrip(".") == "json")
    p = Path(path)
    if format:
        fmt = OUTPUT_FORMATS.get("." + format.lower().lstrip("."))
        if fmt is None:
            raise RedlistError(
                f"unsupported output format {format!r} (supported: {format_list(OUTPUT_FORMATS)})"
            )
    else:
        fmt = OUTPUT_FORMATS.get(p.suffix.lower())
        if fmt is None:
            raise RedlistError(
                f"{path}: unsupported output file type {p.suffix or '(no extension)'!r} "
                f"(supported: {format_list(OUTPUT_FORMATS)})"
            )
    if fmt == "xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError as e:  # pragma: no cover - depends on the installation
            raise RedlistError("writing .xlsx needs openpyxl (pip install openpyxl)") from e
        if not p.parent.is_dir():
            raise RedlistError(f"{path}: cannot write file (folder {p.parent} does not exist)")
        return _XlsxWriter(p, shape)
    if fmt == "parquet":
        if not p.parent.is_dir():
            raise RedlistError(f"{path}: cannot write file (folder {p.parent} does not exist)")
        return _ParquetWriter(p, shape)
    try:
        # errors="replace": a stray lone surrogate in a result must not abort a long run
        stream = open(p, "w", encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
    except OSError as e:
        raise RedlistError(f"{path}: cannot write file ({e.strerror or e})") from e
    if fmt == "csv":
        return _CsvWriter(stream, shape)
    return _JsonWriter(stream, owned=True, array=fmt == "json")
