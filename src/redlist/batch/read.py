"""Reading batch files: CSV/TSV, XLSX, Parquet and JSON lines, streamed row by row.

A file of millions of rows is never held in memory; each data row gives one :class:`InputRow`.
The row count is faithful: a row that cannot be read (invalid UTF-8, wrong number of fields, a
JSON line that is not an object, an empty line between data rows) still yields an ``InputRow``
with ``error`` set, so the caller can report it and output rows = input rows. The only rows not
yielded are fully empty rows *before the header* and *after the last data row* of CSV, XLSX and
JSON lines files (editors and spreadsheets leave those behind; they are not data a user typed).
Parquet rows are all yielded.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

from redlist.errors import RedlistError

IDENTIFIER_COLUMNS: tuple[str, ...] = (
    "isin",
    "lei",
    "uscc",
    "imo",
    "mmsi",
    "ticker",
    "swift",
    "passport",
    "national_id",
    "tax_id",
    "registration",
    "crypto",
)

INPUT_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

# Columns the reader gives a role; anything else lands in InputRow.extra.
_FIXED = ("type", "country")
_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE = 64 * 1024
# Big enough for any real cell (a 10,000-character name is valid input for the screener to judge),
# small enough that an unclosed quote fails instead of swallowing gigabytes.
_CSV_FIELD_LIMIT = 10 * 1024 * 1024
_PARQUET_BATCH = 16 * 1024
_PARQUET_BUFFER = 1 << 20


@dataclass(slots=True)
class InputRow:
    """One data row of a batch file, with the columns sorted by role."""

    line: int  # 1-based data row number (header not counted), used in error messages
    id: str | None
    name: str | None
    type: str | None
    country: str | None
    identifiers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def key(self) -> str:
        """The id to report for this row: the id column, else the row number."""
        return self.id if self.id is not None else str(self.line)


# --------------------------------------------------------------------------------------------
# Column handling shared by all readers


def column_key(header: object) -> str:
    """The comparable form of a column name: trimmed, lower-case, spaces and hyphens as ``_``."""
    text = _text(header) or ""
    return re.sub(r"[\s\-]+", "_", text.lstrip("\ufeff").strip().lower())


@dataclass(slots=True)
class _Layout:
    """Which position of a row feeds which InputRow field."""

    headers: list[str]  # normalised keys, one per position
    id: int | None
    name: int | None
    type: int | None
    country: int | None
    identifiers: list[tuple[int, str]]
    extra: list[tuple[int, str]]

    roles: list[int] = field(default_factory=list)  # name, id and code positions (not free text)

    def __post_init__(self) -> None:
        fixed = [i for i in (self.id, self.name, self.type, self.country) if i is not None]
        self.roles = fixed + [i for i, _ in self.identifiers]

    def build(self, line: int, values: list[str | None], error: str | None = None) -> InputRow:
        """An InputRow from cell texts already converted (None = empty)."""
        # pad short rows once so the lookups below need no bounds checks (hot path: every row)
        if len(values) < len(self.headers):
            values = values + [None] * (len(self.headers) - len(values))
        i_id, i_name, i_type, i_country = self.id, self.name, self.type, self.country
        return InputRow(
            line,
            None if i_id is None else values[i_id],
            None if i_name is None else values[i_name],
            None if i_type is None else values[i_type],
            None if i_country is None else values[i_country],
            {k: v for i, k in self.identifiers if (v := values[i]) is not None},
            {k: v for i, k in self.extra if (v := values[i]) is not None},
            error,
        )


def _layout(raw_headers: list[object], *, name_column: str, id_column: str, file: str) -> _Layout:
    """Assign roles to header positions; raise a clear error when the name column is missing."""
    keys: list[str] = []
    seen: dict[str, object] = {}
    for i, h in enumerate(raw_headers):
        key = column_key(h) or f"column_{i + 1}"
        if key in seen:
            raise RedlistError(f"{file}: column {_show(h)} appears twice (also {_show(seen[key])})")
        seen[key] = h
        keys.append(key)

    name_key, id_key = column_key(name_column), column_key(id_column)
    pos = {k: i for i, k in enumerate(keys)}
    identifiers = [(i, k) for i, k in enumerate(keys) if k in IDENTIFIER_COLUMNS]
    # a status check may name the entry instead (entity_id), or give an identifier column
    if name_key not in pos and (name_key != "name" or not (identifiers or "entity_id" in pos)):
        found = ", ".join(_show(h) for h in raw_headers[:30] if _text(h)) or "none"
        more = f" and {len(raw_headers) - 30} more" if len(raw_headers) > 30 else ""
        raise RedlistError(
            f"{file}: no {name_column!r} column (columns found: {found}{more}). "
            f"Map the name column with --name-column, or give an identifier column "
            f"({', '.join(IDENTIFIER_COLUMNS)})."
        )
    if id_key not in pos and id_key != "id":
        raise RedlistError(
            f"{file}: no {id_column!r} column (columns found: {', '.join(map(_show, raw_headers))})"
        )

    roles = {name_key, id_key, *_FIXED, *IDENTIFIER_COLUMNS}
    return _Layout(
        headers=keys,
        id=pos.get(id_key),
        name=pos.get(name_key),
        type=pos.get("type"),
        country=pos.get("country"),
        identifiers=identifiers,
        extra=[(i, k) for i, k in enumerate(keys) if k not in roles],
    )


def _show(value: object) -> str:
    text = _text(value) or ""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _text(value: object) -> str | None:
    """A cell as trimmed text; numbers without a spurious ``.0``; empty and NaN as None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        # spreadsheets and Parquet store ids and IMO numbers as floats: 9187629.0 -> "9187629"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.datetime):
        # spreadsheet dates are datetimes at midnight; a status check wants the plain date
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return _text(value.decode("utf-8"))  # UnicodeDecodeError handled by the caller
    if isinstance(value, dict | list | tuple):
        if not value:
            return None
        return json.dumps(value, ensure_ascii=False, default=str)
    return _text(str(value))


class _Empties:
    """Holds back fully empty rows so that trailing ones can be dropped at the end of the file."""

    def __init__(self) -> None:
        self.lines: list[int] = []

    def flush(self) -> Iterator[InputRow]:
        for line in self.lines:
            yield _empty_row(line)
        self.lines.clear()


def _empty_row(line: int) -> InputRow:
    return InputRow(line, None, None, None, None, error=f"row {line}: empty row")


# --------------------------------------------------------------------------------------------
# Reading


def detect_format(path: str | Path, format: str | None = None) -> str:
    """The input format for ``path`` (from ``format`` or the extension); clear error if unsupported."""
    if format:
        fmt = INPUT_FORMATS.get("." + format.lower().lstrip("."), format.lower())
        if fmt not in set(INPUT_FORMATS.values()):
            raise RedlistError(
                f"unsupported input format {format!r} (supported: {format_list(INPUT_FORMATS)})"
            )
        return fmt
    suffix = Path(str(path)).suffix.lower()
    if suffix in INPUT_FORMATS:
        return INPUT_FORMATS[suffix]
    hint = ""
    if suffix == ".xls":
        hint = " Save the sheet as .xlsx."
    elif suffix == ".json":
        hint = " Write one JSON object per line and name the file .jsonl."
    raise RedlistError(
        f"{path}: unsupported input file type {suffix or '(no extension)'!r} "
        f"(supported: {format_list(INPUT_FORMATS)}).{hint}"
    )


def format_list(table: dict[str, str]) -> str:
    """The file extensions of a format table, for messages."""
    return ", ".join(table)


def read_rows(
    path: str | Path,
    *,
    name_column: str = "name",
    id_column: str = "id",
    format: str | None = None,
    encoding: str | None = None,
) -> Iterator[InputRow]:
    """Stream the data rows of a batch file as :class:`InputRow`, in file order.

    ``path`` may be ``"-"`` for standard input (CSV or JSON lines; JSON lines when ``format`` is
    not given and the first byte is ``{``). Raises :class:`RedlistError` for problems with the
    whole file (missing, unreadable, unsupported type, corrupt, no name column); problems with one
    row are reported on that row's ``error`` and reading goes on. ``encoding`` is for text files
    (CSV/TSV/JSON lines) not in UTF-8: without it a byte-order mark says UTF-16 or UTF-8, else
    UTF-8, and a row that is not UTF-8 gets an error suggesting ``--encoding``.
    """
    if encoding is not None:
        _check_encoding(encoding)
    if str(path) == "-":
        return _read_stdin(name_column=name_column, id_column=id_column, format=format, encoding=encoding)
    fmt = detect_format(path, format)
    p = Path(path)
    if not p.exists():
        raise RedlistError(f"{path}: file not found")
    if p.is_dir():
        raise RedlistError(f"{path}: is a folder, not a file")
    readers: dict[str, Callable[..., Iterator[InputRow]]] = {
        "csv": _read_csv,
        "tsv": _read_csv,
        "xlsx": _read_xlsx,
        "parquet": _read_parquet,
        "jsonl": _read_jsonl,
    }
    if encoding is not None and fmt in ("csv", "tsv"):
        gen = _read_csv(p, fmt=fmt, name_column=name_column, id_column=id_column, encoding=encoding)
    else:
        gen = readers[fmt](p, fmt=fmt, name_column=name_column, id_column=id_column)
    # Start the generator now so header problems raise at the call, not at the first next().
    return _primed(gen)


def _primed(gen: Iterator[InputRow]) -> Iterator[InputRow]:
    try:
        first = next(gen)
    except StopIteration:
        return iter(())
    return _chain_first(first, gen)


def _chain_first(first: InputRow, rest: Iterator[InputRow]) -> Iterator[InputRow]:
    yield first
    yield from rest


def _open_binary(path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the generator that reads it
    except OSError as e:
        raise RedlistError(f"{path}: cannot read file ({e.strerror or e})") from e


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise RedlistError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1, utf-16)") from None


def _read_stdin(
    *, name_column: str, id_column: str, format: str | None, encoding: str | None = None
) -> Iterator[InputRow]:
    stream = io.BufferedReader(cast(io.RawIOBase, sys.stdin.buffer), buffer_size=_SAMPLE)
    if format:
        fmt = detect_format("-", format)
    else:
        fmt = "jsonl" if stream.peek(_SAMPLE)[:_SAMPLE].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "csv"
    if fmt in ("csv", "tsv"):
        gen = _csv_rows(
            stream, stream.peek(_SAMPLE)[:_SAMPLE], "<stdin>", fmt, name_column, id_column, encoding
        )
    elif fmt == "jsonl":
        gen = _jsonl_rows(stream, "<stdin>", name_column, id_column)
    else:
        raise RedlistError(f"standard input can be CSV or JSON lines, not {fmt}")
    return _primed(gen)


# CSV ------------------------------------------------------------------------------------------


def _read_csv(
    path: Path, *, fmt: str, name_column: str, id_column: str, encoding: str | None = None
) -> Iterator[InputRow]:
    with _open_binary(path) as f:
        try:
            sample = f.read(_SAMPLE)
            f.seek(0)
        except OSError as e:
            raise RedlistError(f"{path}: cannot read file ({e.strerror or e})") from e
        yield from _csv_rows(f, sample, str(path), fmt, name_column, id_column, encoding)


_MAGIC = {
    b"PK\x03\x04": "a zip/XLSX file; name it .xlsx",
    b"PAR1": "a Parquet file; name it .parquet",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls file; save it as .xlsx",
    b"%PDF": "a PDF file",
}
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sniff_encoding(sample: bytes, file: str) -> str:
    """UTF-16 (with BOM) or UTF-8; a clear error for files that are not text at all."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Excel's "Unicode text" export
    for magic, what in _MAGIC.items():
        if sample.startswith(magic):
            raise RedlistError(f"{file}: this is {what}, not CSV text")
    # A stray NUL or bell in a name is the screener's business; a sample full of them is not text.
    if sample and len(_CONTROL_BYTES.findall(sample)) > len(sample) * 0.05:
        raise RedlistError(f"{file}: binary data (control bytes), not a CSV text file")
    return "utf-8-sig"


def _sniff_delimiter(sample: str) -> str:
    """The delimiter of the header line: the most frequent of , ; tab | (comma on a tie)."""
    header = next((ln for ln in sample.splitlines() if ln.strip()), "")
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first (comma) on ties
    return best if counts[best] else ","


def _has_surrogates(joined: str) -> bool:
    """True when the text holds bytes that were not UTF-8 (kept as lone surrogates)."""
    if joined.isascii():  # the common case, and cheap
        return False
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _repair(text: str) -> str:
    """Undecodable bytes as U+FFFD so the row can still be shown and written."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _csv_rows(
    stream: IO[bytes],
    sample: bytes,
    file: str,
    fmt: str,
    name_column: str,
    id_column: str,
    forced: str | None = None,
) -> Iterator[InputRow]:
    encoding = forced or _sniff_encoding(sample, file)
    # a given encoding is strict: the first row that does not decode stops the run, named
    text = io.TextIOWrapper(
        stream, encoding=encoding, errors="strict" if forced else "surrogateescape", newline=""
    )
    if fmt == "tsv":
        delimiter = "\t"
    else:
        decoded = sample.decode(
            forced or ("utf-16" if encoding == "utf-16" else "utf-8"),
            errors="replace" if encoding != "utf-16" else "ignore",
        )
        delimiter = _sniff_delimiter(decoded)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    reader = csv.reader(text, delimiter=delimiter)
    line = 0

    def next_row() -> list[str] | None:
        try:
            return next(reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as e:  # UTF-16 or a given encoding: surrogateescape covers UTF-8
            raise RedlistError(
                f"{file}: data row {line + 1} (or the next) is not valid {encoding} text ({e.reason}); "
                "give the file's encoding with --encoding"
            ) from e
        except csv.Error as e:
            raise RedlistError(f"{file}: cannot parse CSV near data row {line + 1}: {e}") from e

    header = next_row()
    while header is not None and not any(h.strip() for h in header):
        header = next_row()
    if header is None:
        raise RedlistError(f"{file}: empty file (a header row with a {name_column!r} column is needed)")
    layout = _layout([_repair(h) for h in header], name_column=name_column, id_column=id_column, file=file)
    width = len(header)
    empties = _Empties()
    while (fields := next_row()) is not None:
        line += 1
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            empties.lines.append(line)
            continue
        yield from empties.flush()
        yield _csv_row(layout, line, fields, width)


def _csv_row(layout: _Layout, line: int, fields: list[str], width: int) -> InputRow:
    error = None
    joined = "".join(fields)
    if len(fields) == width and joined.isascii() and "\n" not in joined and "\r" not in joined:
        pass  # the common clean row: skip the checks below
    elif _has_surrogates(joined):
        fields = [_repair(f) for f in fields]
        error = (
            f"row {line}: not valid UTF-8; if the file is in another encoding give it with "
            "--encoding (e.g. --encoding cp1252 for a Windows/Excel export)"
        )
    elif len(fields) != width:
        error = f"row {line}: {len(fields)} fields, the header has {width}"
        if any("\n" in f for f in fields):
            error += " (an unclosed quote may have joined several lines into this row)"
    else:
        # A line break inside a name, id or code is never data: an unclosed quote has swallowed
        # the following lines (free-text extra columns may hold line breaks legitimately).
        for i in layout.roles:
            if "\n" in fields[i] or "\r" in fields[i]:
                error = (
                    f"row {line}: column {layout.headers[i]!r} spans several lines "
                    "(an unclosed quote may have joined the following rows into this one)"
                )
                break
    return layout.build(line, [f.strip() or None for f in fields], error)


# XLSX -----------------------------------------------------------------------------------------


def _read_xlsx(path: Path, *, fmt: str, name_column: str, id_column: str) -> Iterator[InputRow]:
    try:
        import openpyxl
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise RedlistError("reading .xlsx needs openpyxl (pip install openpyxl)") from e
    try:
        # data_only: the value Excel last computed, not the formula text
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as e:
        raise RedlistError(f"{path}: cannot read file ({e.strerror or e})") from e
    except Exception as e:  # zipfile, XML and openpyxl errors: all mean "not a usable workbook"
        raise RedlistError(f"{path}: not a readable XLSX workbook ({type(e).__name__}: {e})") from e
    try:
        if not wb.worksheets:
            raise RedlistError(f"{path}: the workbook has no sheets")
        rows = wb.worksheets[0].iter_rows(values_only=True)  # the first sheet, whatever is active
        yield from _sheet_rows(rows, str(path), name_column, id_column)
    finally:
        wb.close()


def _sheet_rows(
    rows: Iterator[tuple[Any, ...]], file: str, name_column: str, id_column: str
) -> Iterator[InputRow]:
    def next_row() -> tuple[Any, ...] | None:
        try:
            return next(rows)
        except StopIteration:
            return None
        except Exception as e:  # a damaged sheet XML part
            raise RedlistError(f"{file}: cannot read the sheet ({type(e).__name__}: {e})") from e

    header = next_row()
    while header is not None and all(_text(c) is None for c in header):
        header = next_row()
    if header is None:
        raise RedlistError(f"{file}: the first sheet is empty (a header row is needed)")
    # trailing empty header cells are formatting, not columns
    cells = list(header)
    while cells and _text(cells[-1]) is None:
        cells.pop()
    layout = _layout(cells, name_column=name_column, id_column=id_column, file=file)
    empties = _Empties()
    line = 0
    while (row := next_row()) is not None:
        line += 1
        values = [_text(c) for c in row]
        if all(v is None for v in values):
            empties.lines.append(line)
            continue
        yield from empties.flush()
        # a value to the right of the last header has nowhere to go: keep it, named by position
        width = len(layout.headers)
        if len(values) > width and any(v is not None for v in values[width:]):
            for i in range(width, len(values)):
                layout.headers.append(f"column_{i + 1}")
                layout.extra.append((i, f"column_{i + 1}"))
        yield layout.build(line, values)


# Parquet --------------------------------------------------------------------------------------


def _read_parquet(path: Path, *, fmt: str, name_column: str, id_column: str) -> Iterator[InputRow]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise RedlistError("reading .parquet needs pyarrow (pip install pyarrow)") from e
    try:
        # streamed: a row group's column chunks read page by page, not buffered whole (a
        # million-row row group is tens of MB decoded at once otherwise)
        pf = pq.ParquetFile(path, pre_buffer=False, buffer_size=_PARQUET_BUFFER)
    except OSError as e:
        if getattr(e, "errno", None):
            raise RedlistError(f"{path}: cannot read file ({e.strerror or e})") from e
        raise RedlistError(f"{path}: not a readable Parquet file ({e})") from e
    except (pa.ArrowException, ValueError) as e:
        raise RedlistError(f"{path}: not a readable Parquet file ({e})") from e
    with pf:
        names = list(pf.schema_arrow.names)
        layout = _layout(names, name_column=name_column, id_column=id_column, file=str(path))
        line = 0
        batches = pf.iter_batches(batch_size=_PARQUET_BATCH)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except (pa.ArrowException, OSError, ValueError) as e:
                raise RedlistError(f"{path}: cannot read rows after data row {line} ({e})") from e
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for cells in zip(*columns, strict=True):
                line += 1
                # every Parquet row is data a program wrote, so an all-empty one is reported
                # wherever it is (no editor leaves blank rows at the end of a Parquet file)
                yield _parquet_row(layout, line, cells) or _empty_row(line)


def _parquet_row(layout: _Layout, line: int, cells: tuple[Any, ...]) -> InputRow | None:
    """An InputRow, or None for a row whose cells are all empty."""
    values: list[str | None] = []
    error = None
    for cell in cells:
        if cell is None:
            values.append(None)
            continue
        if cell.__class__ is str:  # most cells: skip _text's type dispatch
            values.append(cell.strip() or None)
            continue
        try:
            values.append(_text(cell))
        except UnicodeDecodeError:
            values.append(_text(cell.decode("utf-8", "replace")))
            error = f"row {line}: not valid UTF-8"
    if error is None and all(v is None for v in values):
        return None
    return layout.build(line, values, error)


# JSON lines -----------------------------------------------------------------------------------


def _read_jsonl(path: Path, *, fmt: str, name_column: str, id_column: str) -> Iterator[InputRow]:
    with _open_binary(path) as f:
        yield from _jsonl_rows(f, str(path), name_column, id_column)


def _jsonl_rows(stream: IO[bytes], file: str, name_column: str, id_column: str) -> Iterator[InputRow]:
    name_key, id_key = column_key(name_column), column_key(id_column)
    empties = _Empties()
    line = 0
    try:
        for raw in stream:
            line += 1
            if line == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                empties.lines.append(line)
                continue
            yield from empties.flush()
            yield _jsonl_row(raw, line, name_key, id_key, name_column)
    except OSError as e:
        raise RedlistError(f"{file}: cannot read file after data row {line} ({e.strerror or e})") from e


def _jsonl_row(raw: bytes, line: int, name_key: str, id_key: str, name_column: str) -> InputRow:
    def bad(message: str) -> InputRow:
        return InputRow(line, None, None, None, None, error=f"row {line}: {message}")

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return bad("not valid UTF-8")
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        msg = e.msg if isinstance(e, json.JSONDecodeError) else "nested too deeply"
        return bad(f"not valid JSON ({msg})")
    if not isinstance(obj, dict):
        return bad(f"expected a JSON object, got {type(obj).__name__}")

    fields: dict[str, str | None] = {}
    identifiers: dict[str, str] = {}
    for k, v in obj.items():
        key = column_key(k)
        if key == "identifiers" and isinstance(v, dict):
            # {"identifiers": {"isin": "..."}} reads like the screener's own query shape
            identifiers.update({column_key(ik): t for ik, iv in v.items() if (t := _text(iv)) is not None})
            continue
        fields[key] = _text(v)
    identifiers.update({k: v for k, v in fields.items() if k in IDENTIFIER_COLUMNS and v is not None})
    error = None
    if name_key not in fields and not identifiers and "entity_id" not in fields:
        shown = ", ".join(_show(k) for k in list(obj)[:20]) or "none"
        error = f"row {line}: no {name_column!r} field (fields: {shown}; map it with --name-column)"
    roles = {name_key, id_key, *_FIXED, *IDENTIFIER_COLUMNS}
    return InputRow(
        line=line,
        id=fields.get(id_key),
        name=fields.get(name_key),
        type=fields.get("type"),
        country=fields.get("country"),
        identifiers=identifiers,
        extra={k: v for k, v in fields.items() if k not in roles and v is not None},
        error=error,
    )


# Counting -------------------------------------------------------------------------------------


def count_rows(path: str | Path, *, format: str | None = None) -> int | None:
    """A row count for a progress bar: exact for Parquet, approximate (physical lines) for text.

    Returns None for standard input or when the count is not known without reading the file
    (an XLSX without a stored dimension). Never raises for a bad file; reading will report it.
    """
    if str(path) == "-":
        return None
    try:
        fmt = detect_format(path, format)
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        if fmt == "xlsx":
            return _count_xlsx(Path(path))
        lines = _count_lines(Path(path))
        return max(lines - 1, 0) if fmt in ("csv", "tsv") else lines
    except Exception:
        return None


def _count_lines(path: Path) -> int:
    """Physical lines (a last line without a newline counts), read in 1 MiB chunks."""
    count = 0
    last = b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _count_xlsx(path: Path) -> int | None:
    """Rows of the first sheet from its stored ``<dimension>``, without loading the workbook.

    Opening with openpyxl would parse the whole shared-string table (seconds for a big file)
    just to read one attribute; the dimension sits in the first bytes of the sheet XML.
    """
    import posixpath
    import zipfile

    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8", "replace")
        first = re.search(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook)
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        if first is None:
            return None
        for rel in re.findall(r"<Relationship\b[^>]*>", rels):
            if f'Id="{first.group(1)}"' in rel and (target := re.search(r'Target="([^"]+)"', rel)):
                name = target.group(1)
                name = name.lstrip("/") if name.startswith("/") else posixpath.normpath("xl/" + name)
                with z.open(name) as f:
                    head = f.read(4096).decode("utf-8", "replace")
                dim = re.search(r'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', head)
                if dim is None or dim.group(1) is None:
                    return None  # no dimension, or "A1" (unknown or a single cell)
                return max(int(dim.group(1)) - 1, 0)
    return None
