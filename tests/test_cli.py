"""The command line end to end: update, sources, changes, show, export, and every kind of bad input."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from redlist.cli import app

from conftest import FIXTURES

runner = CliRunner()
SDN_A = FIXTURES / "cli" / "sdn_a"
SDN_B = FIXTURES / "cli" / "sdn_b"


def run(*args: str):
    return runner.invoke(app, list(args))


def run_json(*args: str):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def loaded(home):
    result = run("update", "us_ofac_sdn", "--from", str(SDN_A), "--as-of", "2024-01-02")
    assert result.exit_code == 0, result.output
    return home


def _sdn_status():
    return next(r for r in run_json("sources") if r["source"] == "us_ofac_sdn")


def test_sources_on_an_empty_store(home):
    rows = run_json("sources")
    official = [r for r in rows if r["kind"] == "official"]
    assert [r["source"] for r in official] == [
        "us_ofac_sdn",
        "us_ofac_cons",
        "us_trade_csl",
        "us_bis_dpl",
        "us_bis_el",
        "us_dhs_uflpa",
        "us_fcc_covered",
        "us_dod_1260h",
    ]
    assert all(r["records"] is None and r["status"] == "not loaded" for r in official)
    # the bundled curated lists are listed beside them, with their newest edition and counts
    curated = {r["source"]: r for r in rows if r["kind"] == "curated"}
    assert set(curated) == {"us_dhs_uflpa", "us_dod_1260h", "us_dod_ccmc", "us_fcc_covered", "us_ndaa_889"}
    ccmc = curated["us_dod_ccmc"]
    assert ccmc["as_of"] == "2021-01-14" and ccmc["entries"] == ccmc["confirmed"] + ccmc["secondary"]
    assert ccmc["age_days"] > 1000
    table = run("sources")
    assert table.exit_code == 0 and "us_trade_csl" in table.stdout and "not loaded" in table.stdout
    assert "no official list is loaded" in table.stdout and "newest edition tranche-5" in table.stdout


def test_update_then_sources_and_changes(loaded):
    row = _sdn_status()
    assert (row["as_of"], row["records"], row["snapshots"], row["status"]) == ("2024-01-02", 3, 1, "ok")
    assert len(row["sha256"]) == 64 and row["fetched_at"]

    result = run_json(
        "update", "--from", str(SDN_B), "--as-of", "2024-01-05"
    )  # source recognised by file name
    assert result[0]["source"] == "us_ofac_sdn" and result[0]["changes"] == {
        "added": 1,
        "removed": 1,
        "amended": 1,
    }

    events = run_json("changes", "--source", "us_ofac_sdn", "--since", "2024-01-03")
    by_change = {e["change"]: e for e in events}
    assert by_change["added"] | {"fields": []} == by_change["added"]
    assert (by_change["added"]["source_id"], by_change["added"]["name"]) == ("7002", "SECOND EXAMPLE LLC")
    assert (by_change["removed"]["source_id"], by_change["removed"]["list"]) == ("7001", "us_ofac_sdn")
    assert by_change["amended"]["source_id"] == "102" and "names" in by_change["amended"]["fields"]
    assert all(e["date"] == "2024-01-05" and e["source"] == "us_ofac_sdn" for e in events)
    assert run_json("changes", "--until", "2024-01-04") == []

    shown = run_json("show", "ofac-102")
    assert shown["current"]["names"][0]["value"] == "BANCO EJEMPLO DEL CARIBE"
    assert [e["change"] for e in shown["history"]] == ["amended"]


def test_export_ftm(loaded, tmp_path):
    target = tmp_path / "out.ftm.json"
    result = run("export", "--format", "ftm", "--output", str(target))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    names = {n for e in lines for n in e["properties"].get("name", [])}
    assert {"NORTHWIND SHIPPING LINES", "BANCO EJEMPLO DEL CARIBE", "EXAMPLE TRADING CO., LTD."} <= names


def _assert_refused(result, *needles: str) -> None:
    assert result.exit_code != 0
    text = result.stderr if hasattr(result, "stderr") else result.output
    for needle in needles:
        assert needle in text, text
    row = _sdn_status()
    assert (row["as_of"], row["records"]) == ("2024-01-02", 3)  # the last good snapshot, untouched


def _write(tmp_path, name: str, data: bytes):
    folder = tmp_path / "bad"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return str(folder)


def test_truncated_file_refused(loaded, tmp_path):
    good = (SDN_A / "sdn.csv").read_bytes()
    cut = good[: good.index(b"7001") + 30]  # the download stopped mid-row
    _assert_refused(
        run("update", "us_ofac_sdn", "--from", _write(tmp_path, "sdn.csv", cut)),
        "us_ofac_sdn",
        "sdn.csv",
        "line 3",
    )


def test_html_error_page_refused(loaded, tmp_path):
    page = b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body>503</body></html>"
    _assert_refused(
        run("update", "us_ofac_sdn", "--from", _write(tmp_path, "sdn.csv", page)),
        "us_ofac_sdn",
        "sdn.csv",
        "HTML",
    )


def test_malformed_row_refused(loaded, tmp_path):
    good = (SDN_A / "sdn.csv").read_bytes()
    bad = good.replace(b'102,"BANCO', b'10x2,"BANCO')
    _assert_refused(
        run("update", "us_ofac_sdn", "--from", _write(tmp_path, "sdn.csv", bad)), "sdn.csv", "line 2"
    )


def test_unknown_column_layout_refused(loaded, tmp_path):
    layout = b"ent_num,SDN_Name,SDN_Type\r\n101,NORTHWIND SHIPPING LINES,-0-\r\n102,BANCO EJEMPLO,-0-\r\n"
    _assert_refused(
        run("update", "us_ofac_sdn", "--from", _write(tmp_path, "sdn.csv", layout)), "us_ofac_sdn", "sdn.csv"
    )


def test_xml_bomb_and_external_entity_refused(home, tmp_path):
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        b'<sdnList xmlns="http://tempuri.org/sdnList.xsd"><publshInformation><Publish_Date>04/06/2018'
        b"</Publish_Date><Record_Count>1</Record_Count></publshInformation>"
        b"<sdnEntry><uid>1</uid><lastName>&lol2;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>"
    )
    result = run("update", "us_ofac_cons", "--from", _write(tmp_path, "consolidated.xml", bomb))
    assert result.exit_code != 0 and "us_ofac_cons" in result.output and "consolidated.xml" in result.output
    assert "unsafe XML refused" in " ".join(result.output.split())
    external = bomb.replace(b'<!ENTITY lol "lol">', b'<!ENTITY lol SYSTEM "file:///etc/passwd">')
    result = run("update", "us_ofac_cons", "--from", _write(tmp_path, "consolidated.xml", external))
    assert result.exit_code != 0 and "consolidated.xml" in result.output
    assert "unsafe XML refused" in " ".join(result.output.split())


def test_unreadable_path_refused(loaded, tmp_path):
    # a path that cannot be read as a file, whoever runs the test (root reads any file's bytes)
    folder = tmp_path / "odd"
    folder.mkdir()
    fifo = folder / "sdn.csv"
    os.mkfifo(fifo)  # opening it would wait for a writer: it must be refused, not read
    _assert_refused(run("update", "us_ofac_sdn", "--from", str(fifo)), "sdn.csv")


def test_missing_path_refused(loaded, tmp_path):
    _assert_refused(
        run("update", "us_ofac_sdn", "--from", str(tmp_path / "nope" / "sdn.csv")), "us_ofac_sdn", "nope"
    )


def test_unknown_source_is_a_clear_error(home):
    result = run("update", "us_nowhere", "--from", str(SDN_A))
    assert result.exit_code != 0 and "unknown source 'us_nowhere'" in result.output


def test_bad_date_option_is_a_usage_error(home):
    result = run("changes", "--since", "2024-13-45")
    assert result.exit_code == 2 and "not a date" in result.output


def test_reparse_all_snapshots(loaded):
    rows = run_json("reparse", "--all")
    assert [(r["source"], r["as_of"], r["records"]) for r in rows] == [("us_ofac_sdn", "2024-01-02", 3)]
    assert run_json("reparse") == []  # nothing read by an older parser


def test_path_that_cannot_be_read_refused(loaded, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder is expected")
    result = run("update", "us_ofac_sdn", "--from", str(blocker / "sdn.csv"))
    _assert_refused(result, "us_ofac_sdn", "not-a-folder", "cannot read")
