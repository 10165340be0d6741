"""Batch input/output: every format reads and writes, bad rows are reported, no row is dropped."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from redlist.batch.read import IDENTIFIER_COLUMNS, INPUT_FORMATS, InputRow, count_rows, read_rows
from redlist.batch.write import OUTPUT_FORMATS, SPREADSHEET_COLUMNS, open_writer, result_for
from redlist.errors import RedlistError

openpyxl = pytest.importorskip("openpyxl")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

# Hand-written rows (made-up names; the IMO and ISIN have valid check digits but are not asserted real).
ROWS = [
    {"id": "A1", "name": "Acme Trading Co", "type": "organization", "country": "CN", "isin": "", "imo": ""},
    {"id": "A2", "name": "Jöhn Smïth 张三", "type": "person", "country": "", "isin": "", "imo": ""},
    {"id": "A3", "name": "Blue Sea Vessel", "type": "vessel", "country": "", "isin": "", "imo": "9187629"},
]


def write_csv(path, rows, *, delimiter=",", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)
    return path


def write_xlsx(path, header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def check_rows(rows: list[InputRow]) -> None:
    assert [r.line for r in rows] == [1, 2, 3]
    assert [r.id for r in rows] == ["A1", "A2", "A3"]
    assert rows[0].name == "Acme Trading Co"
    assert rows[0].type == "organization" and rows[0].country == "CN"
    assert rows[1].name == "Jöhn Smïth 张三"
    assert rows[1].country is None  # empty cell -> absent
    assert rows[2].identifiers == {"imo": "9187629"}
    assert rows[0].identifiers == {}
    assert all(r.error is None for r in rows)


# --- reading each format -------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_sniffed(tmp_path, delimiter):
    path = write_csv(tmp_path / "in.csv", ROWS, delimiter=delimiter)
    check_rows(list(read_rows(path)))


def test_csv_with_bom_and_messy_headers(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("\ufeff ID ,NAME, Country \nX1,Acme,RU\n".encode())
    (row,) = read_rows(path)
    assert (row.id, row.name, row.country) == ("X1", "Acme", "RU")


def test_tsv_forced_tab(tmp_path):
    # a comma inside the name would fool a sniffer; .tsv is always tab
    path = tmp_path / "in.tsv"
    path.write_text("id\tname\n1\tAcme, Inc\n2\tBeta\n", encoding="utf-8")
    assert [r.name for r in read_rows(path)] == ["Acme, Inc", "Beta"]


def test_utf16_excel_unicode_text(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes("id\tname\n1\tЗАО Ромашка\n".encode("utf-16"))
    (row,) = read_rows(path)
    assert row.name == "ЗАО Ромашка"


def test_jsonl(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [
        {"id": "A1", "name": "Acme Trading Co", "type": "organization", "country": "CN"},
        {"id": "A2", "name": "Jöhn Smïth 张三", "type": "person", "country": ""},
        {"id": "A3", "name": "Blue Sea Vessel", "type": "vessel", "identifiers": {"IMO": 9187629}},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    check_rows(list(read_rows(path)))


def test_xlsx_with_number_cells(tmp_path):
    path = write_xlsx(
        tmp_path / "in.xlsx",
        ["id", "Name", "type", "country", "IMO", "weight"],
        [
            ["A1", "Acme Trading Co", "organization", "CN", None, None],
            ["A2", "Jöhn Smïth 张三", "person", None, None, 1.5],
            ["A3", "Blue Sea Vessel", "vessel", None, 9187629.0, None],
        ],
    )
    rows = list(read_rows(path))
    check_rows(rows)
    assert rows[1].extra == {"weight": "1.5"}


def test_xlsx_int_id_and_dates(tmp_path):
    import datetime as dt

    path = write_xlsx(
        tmp_path / "in.xlsx",
        ["id", "name", "activity", "date"],
        [[123, "Acme", "export", dt.date(2024, 3, 1)]],
    )
    (row,) = read_rows(path)
    assert row.id == "123"
    assert row.extra == {"activity": "export", "date": "2024-03-01"}


def test_xlsx_values_right_of_header_kept_and_trailing_rows_dropped(tmp_path):
    path = write_xlsx(
        tmp_path / "in.xlsx",
        ["name", "id", None],
        [["Acme", 1], [None, None], ["Beta", 2, None, "note"], ["Gamma", 3, "x"], [None], [None]],
    )
    rows = list(read_rows(path))
    assert [(r.line, r.name, r.error) for r in rows] == [
        (1, "Acme", None),
        (2, None, "row 2: empty row"),
        (3, "Beta", None),
        (4, "Gamma", None),
    ]
    assert rows[2].extra == {"column_4": "note"}
    assert rows[3].extra == {"column_3": "x"}


def test_parquet_with_number_cells(tmp_path):
    path = tmp_path / "in.parquet"
    table = pa.table(
        {
            "id": ["A1", "A2", "A3"],
            "name": [r["name"] for r in ROWS],
            "type": [r["type"] for r in ROWS],
            "country": ["CN", None, ""],
            "imo": [None, None, 9187629],
            "isin": pa.array([None, None, None], pa.string()),
        }
    )
    pq.write_table(table, path, row_group_size=2)  # two row groups: rows cross a batch boundary
    check_rows(list(read_rows(path)))
    assert count_rows(path) == 3


def test_parquet_streamed_in_small_reads_keeps_every_row_in_order(tmp_path, monkeypatch):
    """The reader reads column chunks page by page through a small buffer (not a whole row group
    at once): every row still comes, in order, across pages, batches and row groups."""
    from redlist.batch import read as batch_read

    monkeypatch.setattr(batch_read, "_PARQUET_BATCH", 7)
    monkeypatch.setattr(batch_read, "_PARQUET_BUFFER", 256)
    path = tmp_path / "in.parquet"
    names = [f"Company {i} 公司" for i in range(500)]
    table = pa.table({"id": [str(i) for i in range(500)], "name": names})
    pq.write_table(table, path, row_group_size=120, data_page_size=512)
    rows = list(read_rows(path))
    assert [(r.line, r.id, r.name) for r in rows] == [(i + 1, str(i), n) for i, n in enumerate(names)]


def test_the_command_line_has_arrow_use_the_c_allocator_unless_the_user_chose():
    """mimalloc, Arrow's default, kept every decoded batch of a big Parquet input in the process."""
    import os
    import subprocess

    probe = (
        "from redlist.cli import _arrow_system_allocator; _arrow_system_allocator(); "
        "import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "system", done.stderr
    chosen = {**env, "ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=chosen)
    assert done.stdout.strip() == "mimalloc", done.stderr


def test_parquet_empty_rows_all_reported(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [None, "2", None], "name": [None, "B", " "]}), path)
    rows = list(read_rows(path))
    assert [(r.line, r.error) for r in rows] == [(1, "row 1: empty row"), (2, None), (3, "row 3: empty row")]
    assert count_rows(path) == len(rows)


def test_parquet_binary_and_nested_columns(tmp_path):
    path = tmp_path / "in.parquet"
    table = pa.table(
        {
            "name": pa.array([b"Acme", b"Caf\xe9", b"Beta"], pa.binary()),
            "aliases": pa.array([["A", "B"], None, []], pa.list_(pa.string())),
        }
    )
    pq.write_table(table, path)
    rows = list(read_rows(path))
    assert [r.name for r in rows] == ["Acme", "Caf\ufffd", "Beta"]
    assert [r.error for r in rows] == [None, "row 2: not valid UTF-8", None]
    assert rows[0].extra == {"aliases": '["A", "B"]'}


def test_parquet_float_id(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1.0, 2.5], "name": ["A", "B"]}), path)
    assert [r.id for r in read_rows(path)] == ["1", "2.5"]


def test_missing_id_uses_line(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("name\nAcme\nBeta\n", encoding="utf-8")
    rows = list(read_rows(path))
    assert [r.id for r in rows] == [None, None]
    assert [r.key for r in rows] == ["1", "2"]


# --- column mapping -----------------------------------------------------------------------


def test_name_column_flag(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("ref,Company Name,name\n7,Acme Ltd,ignored\n", encoding="utf-8")
    (row,) = read_rows(path, name_column="company name", id_column="REF")
    assert (row.id, row.name) == ("7", "Acme Ltd")
    assert row.extra == {"name": "ignored"}


def test_missing_name_column_error(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,company,city\n1,Acme,Paris\n", encoding="utf-8")
    with pytest.raises(RedlistError) as e:
        read_rows(path)
    msg = str(e.value)
    assert "'name'" in msg and "'company'" in msg and "'city'" in msg and "--name-column" in msg


def test_mapped_name_column_missing_even_with_identifiers(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,isin\n1,US0378331005\n", encoding="utf-8")
    with pytest.raises(RedlistError, match="'company'"):
        read_rows(path, name_column="company")


def test_isin_only_file(tmp_path):
    path = tmp_path / "portfolio.csv"
    path.write_text("isin,weight\nUS0378331005,0.5\n,0.1\n", encoding="utf-8")
    rows = list(read_rows(path))
    assert rows[0].name is None
    assert rows[0].identifiers == {"isin": "US0378331005"}
    assert rows[0].extra == {"weight": "0.5"}
    assert rows[1].identifiers == {} and rows[1].error is None  # the screener reports "nothing to screen"


def test_identifier_columns_case_and_spacing(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Name,LEI,National ID,Tax-ID\nAcme,529900T8BM49AURSDO55,X1,T2\n", encoding="utf-8")
    (row,) = read_rows(path)
    assert row.identifiers == {"lei": "529900T8BM49AURSDO55", "national_id": "X1", "tax_id": "T2"}
    assert set(row.identifiers) <= set(IDENTIFIER_COLUMNS)


def test_duplicate_columns_rejected(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("name,Name\na,b\n", encoding="utf-8")
    with pytest.raises(RedlistError, match="twice"):
        read_rows(path)


# --- bad rows are reported, never dropped -----------------------------------------------------


def test_invalid_utf8_row_reported_and_reading_goes_on(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,name\n1,Acme\n2,Caf\xe9 Latin1\n3,Beta\n")
    rows = list(read_rows(path))
    assert [r.id for r in rows] == ["1", "2", "3"]
    assert rows[1].error.startswith("row 2: not valid UTF-8") and "--encoding cp1252" in rows[1].error
    assert rows[1].name == "Caf\ufffd Latin1"  # shown, not crashed on
    assert rows[0].error is None and rows[2].error is None and rows[2].name == "Beta"


def test_wrong_field_count_reported(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,name\n1,Acme,extra\n2\n3,Beta\n", encoding="utf-8")
    rows = list(read_rows(path))
    assert rows[0].error == "row 1: 3 fields, the header has 2"
    assert rows[1].error == "row 2: 1 fields, the header has 2"
    assert rows[2].error is None


def test_empty_rows_kept_inside_dropped_at_end(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,name\n\n1,Acme\n\n2,Beta\n\n\n", encoding="utf-8")
    rows = list(read_rows(path))
    assert [(r.line, r.id, r.error) for r in rows] == [
        (1, None, "row 1: empty row"),
        (2, "1", None),
        (3, None, "row 3: empty row"),
        (4, "2", None),
    ]


def test_whitespace_and_control_characters_pass_through(tmp_path):
    path = tmp_path / "in.csv"
    long = "A" * 10_000
    path.write_text(f'id,name\n1,"   "\n2,Ac\x00me\x07\n3,{long}\n', encoding="utf-8")
    rows = list(read_rows(path))
    assert rows[0].name is None  # whitespace-only = empty; the screener reports it
    assert rows[1].name == "Ac\x00me\x07"  # the screener judges control characters
    assert rows[2].name == long
    assert all(r.error is None for r in rows)


def test_unclosed_quote_reported(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,name\n1,"Acme\n2,Beta\n', encoding="utf-8")
    rows = list(read_rows(path))
    assert len(rows) == 1
    assert "'name' spans several lines" in rows[0].error and "unclosed quote" in rows[0].error


def test_line_break_in_free_text_column_is_fine(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,name,address\n1,Acme,"1 Road\nTown"\n2,Beta,x\n', encoding="utf-8")
    rows = list(read_rows(path))
    assert [r.error for r in rows] == [None, None]
    assert rows[0].extra == {"address": "1 Road\nTown"} and rows[1].line == 2


def test_jsonl_bad_lines_reported(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "1", "name": "Acme"}\n'
        b"not json\n"
        b"[1, 2]\n"
        b'{"id": "4", "name": "Caf\xe9"}\n'
        b"\n"
        b'{"id": "6", "company": "Beta"}\n'
        b'{"id": "7", "name": "Gamma"}\n'
    )
    rows = list(read_rows(path))
    assert [r.line for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[0].name == "Acme" and rows[0].error is None
    assert rows[1].error.startswith("row 2: not valid JSON")
    assert rows[2].error == "row 3: expected a JSON object, got list"
    assert rows[3].error == "row 4: not valid UTF-8"
    assert rows[4].error == "row 5: empty row"
    assert "no 'name' field" in rows[5].error and "'company'" in rows[5].error
    assert rows[6].name == "Gamma" and rows[6].error is None


def test_binary_junk_as_csv(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(RedlistError, match="binary"):
        read_rows(path)


def test_xlsx_renamed_csv_hint(tmp_path):
    real = write_xlsx(tmp_path / "a.xlsx", ["name"], [["Acme"]])
    path = tmp_path / "a.csv"
    path.write_bytes(real.read_bytes())
    with pytest.raises(RedlistError, match="XLSX file; name it .xlsx"):
        read_rows(path)


# --- whole-file errors -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["in.xls", "in.json", "in.pdf", "noext"])
def test_unsupported_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text("id,name\n1,A\n")
    with pytest.raises(RedlistError, match="unsupported input file type"):
        read_rows(path)


def test_format_override(tmp_path):
    path = tmp_path / "data.dat"
    path.write_text("name\nAcme\n")
    assert [r.name for r in read_rows(path, format="csv")] == ["Acme"]


def test_missing_file(tmp_path):
    with pytest.raises(RedlistError, match="file not found"):
        read_rows(tmp_path / "nope.csv")


def test_folder(tmp_path):
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(RedlistError, match="folder"):
        read_rows(tmp_path / "d.csv")


def test_empty_csv(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("")
    with pytest.raises(RedlistError, match="empty file"):
        read_rows(path)


def test_header_only_csv(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("id,name\n")
    assert list(read_rows(path)) == []


@pytest.mark.parametrize("ext", ["xlsx", "parquet"])
def test_corrupt_binary_formats(tmp_path, ext):
    path = tmp_path / f"bad.{ext}"
    path.write_bytes(b"this is not a real file at all" * 10)
    with pytest.raises(RedlistError, match=f"not a readable {'XLSX' if ext == 'xlsx' else 'Parquet'}"):
        read_rows(path)


def test_truncated_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "g.xlsx", ["name"], [["Acme"]]).read_bytes()
    path = tmp_path / "t.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(RedlistError, match="XLSX"):
        read_rows(path)


def test_xlsx_missing_name_column(tmp_path):
    path = write_xlsx(tmp_path / "in.xlsx", ["id", "firm"], [[1, "Acme"]])
    with pytest.raises(RedlistError, match="'firm'.*--name-column"):
        read_rows(path)


def test_parquet_missing_name_column(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1], "firm": ["Acme"]}), path)
    with pytest.raises(RedlistError, match="'firm'.*--name-column"):
        read_rows(path)


# --- writing ----------------------------------------------------------------------------------


def match(entity_id="ofac-36216", name="ACME TRADING", score=0.93, **kw):
    return {
        "entity_id": entity_id,
        "name": name,
        "matched_name": kw.get("matched_name", name),
        "score": score,
        "lists": kw.get(
            "lists",
            [
                {"list": "us_ofac_sdn", "source_id": "36216", "programs": ["SDGT", "IRAN"]},
                {"list": "us_trade_csl", "source_id": "abc", "programs": ["SDGT"]},
            ],
        ),
        "explanation": {"summary": "name 0.93 (token match)", "features": {"name": 0.93}},
    }


RESULTS = [
    {
        "id": "A1",
        "line": 1,
        "query": {"name": "Acme Trading Co"},
        "matches": [match(), match("bis-1", score=0.8)],
    },
    {"id": None, "line": 2, "query": {"name": "Nobody"}, "matches": []},
    {"id": "A3", "line": 3, "query": {}, "matches": [], "error": "row 3: not valid UTF-8"},
]


@pytest.mark.parametrize("ext", [".jsonl", ".ndjson"])
def test_jsonl_writer_one_object_per_row_in_order(tmp_path, ext):
    path = tmp_path / f"out{ext}"
    with open_writer(path) as w:
        for r in RESULTS:
            w.write(r)
    lines = path.read_text(encoding="utf-8").splitlines()
    objs = [json.loads(x) for x in lines]
    assert [o["id"] for o in objs] == ["A1", "2", "A3"]  # missing id -> the line number
    assert list(objs[0])[:4] == ["id", "line", "query", "matches"]
    assert objs[0]["matches"][1]["entity_id"] == "bis-1"
    assert objs[1]["matches"] == [] and "error" not in objs[1]
    assert objs[2]["error"] == "row 3: not valid UTF-8"


def test_json_writer_is_an_array(tmp_path):
    path = tmp_path / "out.json"
    with open_writer(path) as w:
        for r in RESULTS:
            w.write(r)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [o["id"] for o in data] == ["A1", "2", "A3"]


def test_json_writer_empty_array(tmp_path):
    path = tmp_path / "out.json"
    with open_writer(path):
        pass
    assert json.loads(path.read_text()) == []


def test_stdout_writer(capsys):
    with open_writer("-") as w:
        w.write(RESULTS[0])
    assert json.loads(capsys.readouterr().out)["id"] == "A1"
    assert not sys.stdout.closed


def read_csv_out(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_xlsx_out(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = rows[0]
    # read-only sheets drop trailing empty cells: pad to the header width
    return [
        {h: ("" if v is None else v) for h, v in zip(header, [*r, *[None] * len(header)], strict=False)}
        for r in rows[1:]
    ]


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_spreadsheet_writer_one_row_per_match(tmp_path, ext):
    path = tmp_path / f"out{ext}"
    with open_writer(path) as w:
        for r in RESULTS:
            w.write(r)
    rows = read_csv_out(path) if ext == ".csv" else read_xlsx_out(path)
    assert list(rows[0]) == list(SPREADSHEET_COLUMNS)
    # two matches for row 1, one empty-match row each for rows 2 and 3: every input row appears
    assert [str(r["input_line"]) for r in rows] == ["1", "1", "2", "3"]
    first = rows[0]
    assert str(first["rank"]) == "1" and float(first["score"]) == 0.93
    assert first["lists"] == "us_ofac_sdn;us_trade_csl"
    assert first["source_ids"] == "us_ofac_sdn:36216;us_trade_csl:abc"
    assert first["programs"] == "SDGT;IRAN"
    assert first["explanation"] == "name 0.93 (token match)"
    assert str(rows[1]["rank"]) == "2" and rows[1]["entity_id"] == "bis-1"
    assert rows[2]["input_id"] == "2" and rows[2]["entity_id"] == "" and rows[2]["rank"] == ""
    assert rows[3]["error"] == "row 3: not valid UTF-8"


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_formula_injection_neutralised(tmp_path, ext):
    path = tmp_path / f"out{ext}"
    evil = [
        {
            "id": "=1+1",
            "line": 1,
            "query": {"name": '=HYPERLINK("http://x","y")'},
            "matches": [
                match(name="+SUM(A1)", matched_name="@cmd", lists=[{"list": "-x", "source_id": "1"}])
            ],
        },
        {"id": "\tTAB", "line": 2, "query": {"name": "\rCR"}, "matches": []},
    ]
    with open_writer(path) as w:
        for r in evil:
            w.write(r)
    rows = read_csv_out(path) if ext == ".csv" else read_xlsx_out(path)
    assert rows[0]["input_id"] == "'=1+1"
    assert rows[0]["input_name"] == '\'=HYPERLINK("http://x","y")'
    assert rows[0]["name"] == "'+SUM(A1)"
    assert rows[0]["matched_name"] == "'@cmd"
    assert rows[0]["lists"] == "'-x"
    assert rows[1]["input_id"] == "'\tTAB"
    if ext == ".xlsx":
        wb = openpyxl.load_workbook(path)  # not read_only: check the cell type is text, not formula
        assert all(c.data_type != "f" for row in wb.active.iter_rows() for c in row)


def test_xlsx_writer_control_characters(tmp_path):
    path = tmp_path / "out.xlsx"
    with open_writer(path) as w:
        w.write({"id": "1", "line": 1, "query": {"name": "Ac\x00me\x07"}, "matches": []})
    (row,) = read_xlsx_out(path)
    assert row["input_name"] == "Ac\ufffdme\ufffd"


@pytest.mark.parametrize("name", ["out.txt", "out.xls", "out"])
def test_unsupported_output(tmp_path, name):
    with pytest.raises(RedlistError, match="unsupported output file type"):
        open_writer(tmp_path / name)


def test_output_folder_missing(tmp_path):
    for ext in (".csv", ".xlsx", ".jsonl"):
        with pytest.raises(RedlistError, match="cannot write"):
            open_writer(tmp_path / "no" / f"out{ext}")


def test_format_tables():
    assert INPUT_FORMATS[".tsv"] == "tsv" and INPUT_FORMATS[".txt"] == "csv"
    assert OUTPUT_FORMATS[".json"] == "json" and OUTPUT_FORMATS[".ndjson"] == "jsonl"


# --- end to end: rows in = rows out ------------------------------------------------------------


def test_result_for_row_with_error_and_without():
    bad = InputRow(4, None, "x", None, None, {"isin": "BAD"}, {}, error="row 4: not valid UTF-8")
    rec = result_for(bad)
    assert rec == {
        "id": "4",
        "line": 4,
        "query": {"name": "x", "identifiers": {"isin": "BAD"}},
        "matches": [],
        "error": "row 4: not valid UTF-8",
    }
    ok = InputRow(1, "A", "Acme", None, "CN")
    screened = {"query": {"name": "Acme", "country": "CN"}, "matches": [match()], "warnings": ["w"]}
    rec = result_for(ok, screened)
    assert rec["id"] == "A" and rec["matches"][0]["entity_id"] == "ofac-36216" and rec["warnings"] == ["w"]
    assert "error" not in rec


def test_bad_rows_round_trip_to_csv_output(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"id,name\n1,Acme\n\n3,Caf\xe9\n4,\n5,Beta,x\n6,Gamma\n")
    out = tmp_path / "out.csv"
    with open_writer(out) as w:
        for row in read_rows(src):
            w.write(result_for(row, error=row.error or (None if row.name else "empty name")))
    rows = read_csv_out(out)
    assert [r["input_line"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [bool(r["error"]) for r in rows] == [False, True, True, True, True, False]


def test_100k_rows_stream(tmp_path):
    path = tmp_path / "big.csv"
    n = 100_000
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "isin"])
        for i in range(n):
            w.writerow([i, f"Company {i}", "US0378331005" if i % 7 == 0 else ""])
    rows = read_rows(path)
    assert not isinstance(rows, list)  # an iterator, not a loaded list
    count = with_isin = 0
    last = None
    for r in rows:
        count += 1
        with_isin += "isin" in r.identifiers
        last = r
    assert count == n
    assert with_isin == len(range(0, n, 7))
    assert last.id == str(n - 1) and last.line == n
    assert count_rows(path) == n


def test_count_rows(tmp_path):
    path = write_xlsx(tmp_path / "in.xlsx", ["name"], [["a"], ["b"]])
    assert count_rows(path) == 2
    j = tmp_path / "in.jsonl"
    j.write_text('{"name": "a"}\n{"name": "b"}')
    assert count_rows(j) == 2
    assert count_rows(tmp_path / "missing.csv") is None
    assert count_rows("-") is None


def test_stdin_jsonl(monkeypatch):
    data = b'{"id": "1", "name": "Acme"}\n{"id": "2", "name": "Beta"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert [r.name for r in read_rows("-")] == ["Acme", "Beta"]


def test_stdin_csv(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"id;name\n1;Acme\n")))
    assert [r.name for r in read_rows("-")] == ["Acme"]
