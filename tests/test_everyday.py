"""Everyday use (issue 15), on fresh homes: never a silent clearance, stale data said, an ISIN in,
every format out, exit codes, 80-column output, escaped markup, and receipts replayed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import redlist
from redlist.cli import app

from conftest import FIXTURES, cover_every_list, raw_path

runner = CliRunner()


def _cli(home: Path, *args: str, columns: int = 200):
    return runner.invoke(app, ["--home", str(home), *args], env={"COLUMNS": str(columns)})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The SDN and consolidated fixtures loaded, and every other list covered by the CSL fixture."""
    home = tmp_path / "home"
    r = redlist.open(home)
    [sdn] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
    [cons] = r.update(["us_ofac_cons"], origin=str(FIXTURES / "ofac_csv" / "cons"), as_of="2024-01-02")
    assert sdn.ok and cons.ok
    cover_every_list(r, "2024-01-02")
    return home


# --- 1. no silent clearance; stale data is said --------------------------------------------------


def test_a_fresh_install_answers_unknown_naming_what_is_missing(tmp_path: Path) -> None:
    result = _cli(tmp_path / "fresh", "check", "Vladimir Putin", "--activity", "transact", "--json")
    assert result.exit_code == 5  # unknown
    answer = json.loads(result.stdout)
    assert answer["verdict"] == "unknown" and answer["party"] is None
    assert [m["list"] for m in answer["missing"]] == ["us_ofac_sdn", "us_ofac_cons", "us_bis_dpl"]
    assert answer["notices"][0].startswith("Not loaded: OFAC Specially Designated Nationals")
    assert "redlist update us_bis_dpl us_ofac_cons us_ofac_sdn" in answer["notices"][0]


def test_a_stale_snapshot_is_said_with_its_date(home: Path) -> None:
    r = redlist.open(home)
    fresh = r.check("Northwind Shipping Lines", activity="transact", on="2024-01-05")
    assert fresh.stale == [] and not any("out of date" in n for n in fresh.notices)
    late = r.check("Northwind Shipping Lines", activity="transact", on="2024-03-01")
    assert late.verdict == "prohibited"  # still the answer the data gives, with a warning
    stale = {s["source"]: s for s in late.stale}
    assert stale["us_ofac_sdn"] == {
        "source": "us_ofac_sdn",
        "as_of": "2024-01-02",
        "age_days": 59,
        "limit_days": 7,
    }
    [line] = [n for n in late.notices if "out of date" in n]
    assert "us_ofac_sdn as of 2024-01-02 (59 days old; limit 7)" in line
    # the limit is a setting
    relaxed = redlist.open(home, stale_after={"us_ofac_sdn": 90, "us_ofac_cons": 90, "us_trade_csl": 90})
    assert relaxed.check("Northwind Shipping Lines", activity="transact", on="2024-03-01").stale == []


def test_the_history_start_is_one_line(home: Path) -> None:
    answer = redlist.open(home).check("Zyxwvut Quorble Bakery", activity="transact", on="2023-06-01")
    assert answer.verdict == "allowed" and answer.party is None  # every list loaded, nothing matches
    [line] = [n for n in answer.notices if "History here starts" in n]
    assert "us_ofac_sdn from 2024-01-02" in line and "us_trade_csl from 2024-01-02" in line


# --- 2. identifiers in -------------------------------------------------------------------------------


def test_check_by_isin_reaches_the_cmic_verdict(home: Path) -> None:
    args = ["--activity", "invest", "--on", "2022-01-01", "--json"]
    for how in (["--isin", "CNE1000002V2"], ["--id", "isin:CNE1000002V2"]):
        result = _cli(home, "check", *how, *args)
        assert result.exit_code == 8, result.output  # prohibited
        answer = json.loads(result.stdout)
        assert answer["party"]["id"] == "ofac-201" and answer["party"]["found_by"] == "identifier"
        [cmic] = [f for f in answer["findings"] if f["list"] == "us_ofac_cons"]
        assert (cmic["listed_on"], cmic["effective_on"], cmic["state"]) == (
            "2021-06-03",
            "2021-08-02",
            "in_force",
        )
    before = json.loads(
        _cli(
            home, "check", "--isin", "CNE1000002V2", "--activity", "invest", "--on", "2021-07-01", "--json"
        ).stdout
    )
    assert before["verdict"] == "allowed"  # listed, but the purchase ban starts on 2021-08-02


def test_check_by_isin_on_the_real_consolidated_list(tmp_path: Path) -> None:
    cons = raw_path("ofac_consolidated", "2025-12-19")
    r = redlist.open(tmp_path / "home")
    [loaded] = r.update(["us_ofac_cons"], origin=str(cons), as_of="2025-12-19")
    assert loaded.ok, loaded.message
    answer = r.check(identifiers={"isin": "CNE100000PM8"}, activity="invest", on="2026-01-05")
    assert answer.party is not None and "Hikvision" in answer.party["name"]
    assert [f["state"] for f in answer.findings if f["list"] == "us_ofac_cons"] == ["in_force"]
    assert answer.verdict == "prohibited"


def test_screen_on_a_date_sees_the_lists_as_they_stood(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = redlist.open(home)
    r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
    r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")
    assert r.screen("Example Trading Co Ltd").matches == []  # removed on 2024-01-09
    then = r.screen("Example Trading Co Ltd", on="2024-01-05")
    assert [m.entity_id for m in then.matches] == ["ofac-7001"]
    assert r.screen("Second Example LLC", on="2024-01-05").matches == []  # added on 2024-01-09
    assert _cli(home, "screen", "Example Trading Co Ltd", "--on", "2024-01-05").exit_code == 0


# --- 4. and 5. exit codes and every format out -------------------------------------------------------


QUESTIONS = (
    "id,name,isin,activity,date\n"
    "a,Northwind Shipping Lines,,transact,2024-01-03\n"
    "b,,CNE1000002V2,invest,2022-01-01\n"
    "c,Zyxwvut Quorble Bakery,,transact,2024-01-03\n"
    "d,,,transact,2024-01-03\n"
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".jsonl", ".json"])
def test_check_output_in_every_format(home: Path, tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "questions.csv"
    src.write_text(QUESTIONS, encoding="utf-8")
    out = tmp_path / f"answers{suffix}"
    result = _cli(home, "check", "--input", str(src), "--output", str(out))
    assert result.exit_code == 9, result.output  # row d failed
    assert _cli(home, "check", "--input", str(src), "--output", str(out), "--allow-errors").exit_code == 0
    rows = _read(out)
    assert [r["input_id"] if "input_id" in r else r["id"] for r in rows] == ["a", "b", "c", "d"]
    verdicts = [r.get("verdict") for r in rows]
    assert verdicts[:3] == ["prohibited", "prohibited", "allowed"] and not verdicts[3]


def _read(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        return list(csv.DictReader(path.open(encoding="utf-8")))
    if path.suffix == ".xlsx":
        import openpyxl

        header, *values = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        return [dict(zip(header, v, strict=True)) for v in values]
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_latin1_input_needs_its_encoding(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "latin1.csv"
    src.write_bytes("id,name\n1,Société Générale Example\n2,Northwind Shipping Lines\n".encode("cp1252"))
    out = tmp_path / "out.jsonl"
    guessed = _cli(home, "screen", "--input", str(src), "--output", str(out))
    assert guessed.exit_code == 9
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert "not valid UTF-8" in first["error"] and "--encoding cp1252" in first["error"]
    given = _cli(home, "screen", "--input", str(src), "--output", str(out), "--encoding", "cp1252")
    assert given.exit_code == 0, given.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["query"]["name"] == "Société Générale Example" and "error" not in rows[0]
    wrong = _cli(home, "screen", "--input", str(src), "--encoding", "klingon")
    assert wrong.exit_code == 1 and "unknown encoding 'klingon'" in wrong.output


def test_timeline_json(home: Path) -> None:
    result = _cli(home, "timeline", "Xiaomi Corporation", "--json")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert ("2021-03-12", "injunction") in {(e["date"], e["kind"]) for e in line["entries"]}


# --- 6. terminal output ------------------------------------------------------------------------------


def test_80_columns_nothing_cut_off(home: Path) -> None:
    check = _cli(
        home, "check", "Xiaomi Corporation", "--activity", "invest", "--on", "2021-03-16", columns=80
    )
    assert check.exit_code == 0, check.output
    lines = check.stdout.splitlines()
    assert max(map(len, lines)) <= 80 and "…" not in check.stdout
    text = " ".join(line.strip() for line in lines)
    assert "Mem. Op. granting preliminary injunction, Doc. 21, No. 1:21-cv-00280-RC" in text  # whole
    screen = _cli(home, "screen", "Example Telecom", columns=80)
    assert screen.exit_code == 0, screen.output
    assert max(map(len, screen.stdout.splitlines())) <= 80 and "…" not in screen.stdout
    assert "ofac-201; us_ofac_cons 201" in screen.stdout  # the list and the entry number, stacked
    assert "us_trade_csl:" not in screen.stdout  # never a list id with an empty entry number


def test_published_text_is_never_read_as_markup(home: Path) -> None:
    result = _cli(home, "check", "[bold red]Acme[/] Holdings", "--on", "2024-01-03")
    assert result.exit_code == 3  # no match
    assert "'[bold red]Acme[/] Holdings'" in result.stdout


# --- 9. receipts ---------------------------------------------------------------------------------------


def test_a_receipt_replayed_after_a_later_update_gives_the_original_answer(
    home: Path, tmp_path: Path
) -> None:
    ask = ["check", "Example Trading Co Ltd", "--activity", "transact", "--json"]
    first = _cli(home, *ask)
    assert first.exit_code == 8, first.output
    original = json.loads(first.stdout)
    receipt = tmp_path / "receipt.json"
    receipt.write_text(first.stdout, encoding="utf-8")
    assert {s["source"] for s in original["data"]["sources"]} == {
        "us_ofac_sdn",
        "us_ofac_cons",
        "us_trade_csl",
    }
    # OFAC delists the entry in its next publication
    updated = _cli(
        home, "update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / "sdn_b"), "--as-of", "2024-01-09"
    )
    assert updated.exit_code == 0, updated.output
    now = json.loads(_cli(home, *ask).stdout)
    assert now["verdict"] != "prohibited"
    replayed = _cli(home, *ask, "--replay", str(receipt))
    assert replayed.exit_code == 8, replayed.output
    again = json.loads(replayed.stdout)
    assert again["verdict"] == original["verdict"] and again["findings"] == original["findings"]
    assert again["data"]["sources"] == original["data"]["sources"]
    assert again["notices"][0].startswith(f"Replayed from the receipt of {original['data']['answered_on']}")
    # a receipt from another store is refused, not answered from the wrong data
    forged = dict(original["data"], sources=[dict(original["data"]["sources"][0], sha256="0" * 64)])
    receipt.write_text(json.dumps(forged), encoding="utf-8")
    refused = _cli(home, *ask, "--replay", str(receipt))
    assert refused.exit_code == 1 and "another store" in refused.output
