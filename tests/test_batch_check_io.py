"""Batch status checks in every output format: CSV and XLSX get one row per answer with the
verdict, the party and each finding's state; rows may name the entry (entity_id) or give an
identifier column instead of a name."""

from __future__ import annotations

import csv
import json

import pytest

from redlist.batch.run import check_file
from redlist.check import Checker
from redlist.service import Redlist


@pytest.fixture(scope="module")
def offline() -> Checker:
    return Checker(None)


QUESTIONS = (
    "id,entity_id,isin,activity,date\n"
    "a,us_dod_ccmc:xiaomi,,invest,2021-03-16\n"
    "b,us_dod_ccmc:xiaomi,,invest,2021-02-15\n"
    "c,,CNE100000PM8,invest,2021-03-16\n"
    "d,nobody:here,,invest,2021-03-16\n"
)


def test_check_csv_has_one_row_per_answer_with_the_verdict(offline, tmp_path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(QUESTIONS, encoding="utf-8")  # no name column: entity_id and isin stand in
    out = tmp_path / "out.csv"
    counts = check_file(offline, str(src), str(out))
    assert counts == {"rows": 4, "errors": 1}
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["input_id"] for r in rows] == ["a", "b", "c", "d"]
    # offline (no OFAC data): the DoD designation is enjoined, but no clearance without OFAC's lists
    assert rows[0]["verdict"] == "unknown" and rows[0]["findings"] == "us_dod_ccmc: enjoined (none)"
    assert rows[0]["missing_lists"] == "us_ofac_sdn;us_ofac_cons"
    assert rows[0]["party_name"] == "Xiaomi Corporation" and rows[0]["on"] == "2021-03-16"
    assert rows[1]["findings"] == "us_dod_ccmc: pending (none)"
    assert rows[2]["input_identifiers"] == "isin:CNE100000PM8" and not rows[2]["error"]  # asked by ISIN
    assert (
        "no entity or party 'nobody:here'" in rows[3]["error"] and rows[3]["input_entity_id"] == "nobody:here"
    )


def test_check_xlsx_and_rewriting_jsonl_records(offline, tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    src = tmp_path / "in.csv"
    src.write_text(QUESTIONS, encoding="utf-8")
    jsonl = tmp_path / "out.jsonl"
    check_file(offline, str(src), str(jsonl))
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    xlsx = tmp_path / "out.xlsx"
    assert Redlist.write_results(records, xlsx, layout="check") == 4
    sheet = openpyxl.load_workbook(xlsx).active
    header, *values = list(sheet.iter_rows(values_only=True))
    assert header[:8] == (
        "input_line",
        "input_id",
        "input_name",
        "input_entity_id",
        "input_identifiers",
        "activity",
        "on",
        "verdict",
    )
    assert [v[7] for v in values][:2] == ["unknown", "unknown"]
