"""`redlist screen`, `check` and `timeline` end to end, on hand-written lists and the curated data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from redlist.cli import app

from conftest import FIXTURES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def loaded(home):
    result = run("update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / "sdn_a"), "--as-of", "2024-01-02")
    assert result.exit_code == 0, result.output
    return home


def test_screen_one_name(loaded) -> None:
    result = run("screen", "Example Trading Company Limited")
    assert result.exit_code == 0, result.output
    assert "ofac-7001" in result.stdout
    assert "EXAMPLE TRADING CO., LTD." in result.stdout


def test_screen_json(loaded) -> None:
    result = run("screen", "Exampel Trading Co", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [match] = [m for m in data["matches"] if m["entity_id"] == "ofac-7001"]
    assert match["lists"][0] == {"list": "us_ofac_sdn", "source_id": "7001", "programs": ["SDGT", "IRAN"]}
    assert 0 < match["score"] <= 1
    assert match["explanation"]["summary"]


def test_screen_filters_and_threshold(loaded) -> None:
    everywhere = json.loads(run("screen", "Hytera Communications", "--json").stdout)["matches"]
    data = json.loads(run("screen", "Hytera Communications", "--list", "us_fcc_covered", "--json").stdout)
    assert data["matches"] and all(
        "us_fcc_covered" in [x["list"] for x in m["lists"]] for m in data["matches"]
    )
    assert len(data["matches"]) < len(everywhere)  # the filter left the other lists out
    [loose] = json.loads(run("screen", "Northwind Shipping", "--threshold", "0.5", "--json").stdout)[
        "matches"
    ]
    assert loose["entity_id"] == "ofac-101" and 0.5 <= loose["score"] < 0.9
    strict = json.loads(run("screen", "Northwind Shipping", "--threshold", "0.9", "--json").stdout)
    assert strict["matches"] == []  # the same match, cut by the threshold
    [exact] = json.loads(run("screen", "Northwind Shipping Lines", "--threshold", "0.99", "--json").stdout)[
        "matches"
    ]
    assert exact["entity_id"] == "ofac-101" and exact["score"] >= 0.99


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["screen"], "give a NAME"),
        (["screen", "x", "--type", "planet"], "unknown type"),
        (["screen", "x", "--list", "us_nowhere"], "unknown list"),
        (["screen", "x", "--id", "isin"], "TYPE:VALUE"),
        (["screen", "x", "--threshold", "1.5"], "less than or equal to 1"),
    ],
)
def test_screen_bad_arguments(loaded, args, message) -> None:
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output


def test_screen_empty_name_is_an_error(loaded) -> None:
    result = run("screen", "   ")
    assert result.exit_code == 1
    assert "empty name" in result.output


def test_screen_file_to_jsonl_and_csv(loaded, tmp_path) -> None:
    src = tmp_path / "parties.csv"
    src.write_text(
        "id,name,isin\nc1,Northwind Shipping Lines,\nc2,,\nc3,Jane Doe,\nc4,,US0378331006\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = run("screen", "--input", str(src), "--output", str(out))
    assert result.exit_code == 9, result.output  # a row failed (c2 has no name): the run says so
    assert run("screen", "--input", str(src), "--output", str(out), "--allow-errors").exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["c1", "c2", "c3", "c4"]
    assert rows[0]["matches"][0]["entity_id"] == "ofac-101"
    assert rows[1]["error"] == "empty name"
    assert rows[2]["matches"] == []
    assert "invalid" in rows[3]["warnings"][0]
    csv_out = tmp_path / "out.csv"
    assert run("screen", "-i", str(src), "-o", str(csv_out), "--allow-errors").exit_code == 0
    lines = csv_out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("input_line,input_id,input_name,error")
    assert len(lines) == 1 + 4  # one row per input row here: c1 has one match, the rest none


def test_screen_file_errors(loaded, tmp_path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4")
    assert "unsupported" in run("screen", "--input", str(bad)).output.lower()
    missing = tmp_path / "none.csv"
    assert run("screen", "--input", str(missing)).exit_code == 1
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("id,company\n1,Acme\n", encoding="utf-8")
    result = run("screen", "--input", str(nocol))
    assert result.exit_code == 1 and "--name-column" in result.output
    same = tmp_path / "same.csv"
    same.write_text("id,name\n1,Acme\n", encoding="utf-8")
    assert "overwrite" in run("screen", "-i", str(same), "-o", str(same)).output


def test_check_quick_start_offline(home) -> None:
    """The README's quick start, on a fresh install with no network."""
    zte = run("check", "ZTE Corporation", "--activity", "export", "--on", "2018-05-01")
    assert zte.exit_code == 8, zte.output  # prohibited: the 2018 denial order, from the bundled data
    assert "PROHIBITED" in zte.stdout
    result = run("check", "Xiaomi Corporation", "--activity", "invest", "--on", "2021-03-16")
    # no OFAC list loaded: never a silent "allowed"; the DoD designation's injunction is still shown
    assert result.exit_code == 5, result.output
    assert "UNKNOWN" in result.stdout and "Not loaded" in result.stdout
    assert "enjoin" in result.stdout
    assert "1:21-cv-00280-RC" in result.stdout


def test_check_json_and_bad_input(home) -> None:
    data = json.loads(
        run("check", "Xiaomi Corporation", "--activity", "invest", "--on", "2021-02-15", "--json").stdout
    )
    assert data["verdict"] == "unknown" and [m["list"] for m in data["missing"]] == [
        "us_ofac_sdn",
        "us_ofac_cons",
    ]
    assert data["findings"][0]["state"] == "pending"
    assert run("check", "Xiaomi Corporation", "--activity", "smuggle").exit_code == 2  # usage error
    assert run("check", "Xiaomi Corporation", "--on", "2021-02-30").exit_code == 2
    assert run("check").exit_code != 0


def test_timeline_formats(home, tmp_path) -> None:
    text = run("timeline", "Xiaomi Corporation")
    assert text.exit_code == 0, text.output
    assert "2021-03-12" in text.stdout and "injunction" in text.stdout
    data = json.loads(run("timeline", "--id", "us_dod_ccmc:xiaomi", "--format", "json").stdout)
    assert data["entity_ids"] == ["us_dod_ccmc:xiaomi"]
    for fmt, magic in (("svg", b"<svg"), ("png", b"\x89PNG")):
        path = tmp_path / f"t.{fmt}"
        result = run("timeline", "Xiaomi Corporation", "--format", fmt, "--output", str(path))
        assert result.exit_code == 0, result.output
        assert magic in path.read_bytes()[:400]
    assert run("timeline", "Xiaomi", "--format", "gif").exit_code != 0


def test_screener_cache_is_reused_and_renewed_on_update(loaded) -> None:
    from redlist import indexfile

    first = run("screen", "Northwind Shipping Lines", "--json")
    caches = sorted((loaded / "cache").glob("screener-current-*.rlx"))
    assert len(caches) == 1
    cached_screener = indexfile.load(caches[0])
    assert [m.entity_id for m in cached_screener.screen("Northwind Shipping Lines").matches] == ["ofac-101"]
    assert run("screen", "Northwind Shipping Lines", "--json").stdout == first.stdout
    caches[0].write_bytes(b"not an index")  # a damaged cache is rebuilt, not trusted
    assert run("screen", "Northwind Shipping Lines", "--json").stdout == first.stdout
    update = run("update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / "sdn_b"), "--as-of", "2024-01-09")
    assert update.exit_code == 0, update.output
    run("screen", "Northwind Shipping Lines", "--json")
    renewed = sorted((loaded / "cache").glob("screener-current-*.rlx"))
    assert len(renewed) == 1 and renewed != caches
