"""Qualifiers end to end: `redlist screen --dob/--birth-year/--nationality`, batch columns, POST
/screen and yente /match, on a hand-written OFAC file with one listed person (DOB 03 May 1962,
nationality Mexico)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from redlist.api.app import create_app
from redlist.cli import app

from conftest import FIXTURES

runner = CliRunner()
NAME = "Jose Luis Lopez Garcia"


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def loaded(home):
    result = run(
        "update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / "sdn_person"), "--as-of", "2024-01-02"
    )
    assert result.exit_code == 0, result.output
    return home


def test_cli_namesake_cleared_and_own_qualifiers_raise(loaded) -> None:
    plain = json.loads(run("screen", NAME, "--json").stdout)
    [hit] = plain["matches"]
    assert hit["entity_id"] == "ofac-9001"
    namesake = run("screen", NAME, "--birth-year", "1992", "--nationality", "ES")
    assert namesake.exit_code == 0, namesake.output
    assert "no match" in namesake.stdout and "a namesake, cleared" in namesake.stdout
    data = json.loads(run("screen", NAME, "--birth-year", "1992", "--nationality", "ES", "--json").stdout)
    assert data["matches"] == [] and data["cleared"][0]["entity_id"] == "ofac-9001"
    assert data["query"]["birth_date"] == "1992" and data["query"]["nationality"] == "ES"
    own = json.loads(run("screen", NAME, "--dob", "1962-05-03", "--nationality", "MX", "--json").stdout)
    [m] = own["matches"]
    assert m["score"] >= hit["score"] and "date of birth 1962-05-03 matches" in m["explanation"]["summary"]


def test_cli_bad_qualifiers(loaded) -> None:
    bad = run("screen", NAME, "--dob", "03/05/1962")
    assert bad.exit_code != 0 and "YYYY" in bad.output
    clash = run("screen", NAME, "--dob", "1962-05-03", "--birth-year", "1970")
    assert clash.exit_code == 2 and "disagree" in clash.output


def test_batch_columns(loaded, tmp_path) -> None:
    src = tmp_path / "people.csv"
    src.write_text(
        "id,name,date of birth,nationality\n"
        f"a,{NAME},1992,ES\n"
        f"b,{NAME},1962-05-03,MX\n"
        f"c,{NAME},,\n"
        f"d,{NAME},someday,MX\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.jsonl"
    result = run("screen", "--input", str(src), "--output", str(out), "--allow-errors")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["a"]["matches"] == [] and rows["a"]["cleared"]
    assert rows["b"]["matches"][0]["score"] >= rows["c"]["matches"][0]["score"]
    assert "YYYY" in rows["d"]["error"]


def test_post_screen_and_yente_match(loaded) -> None:
    client = TestClient(create_app(home=loaded))
    r = client.post("/screen", json={"name": NAME, "birth_date": "1992", "nationality": "ES"})
    assert r.status_code == 200, r.text
    assert r.json()["matches"] == [] and r.json()["cleared"]
    own = client.post("/screen", json={"name": NAME, "birth_date": "1962-05-03", "nationality": "MX"}).json()
    assert own["matches"][0]["entity_id"] == "ofac-9001"
    assert client.post("/screen", json={"name": NAME, "nationality": "Spain"}).status_code == 422
    person = {
        "schema": "Person",
        "properties": {"name": [NAME], "birthDate": ["1992-01-01"], "nationality": ["es"]},
    }
    answer = client.post("/match/default", json={"queries": {"q": person}}).json()["responses"]["q"]
    assert not [x for x in answer["results"] if x["match"]]
    person["properties"].update(birthDate=["1962-05-03"], nationality=["mx"])
    answer = client.post("/match/default", json={"queries": {"q": person}}).json()["responses"]["q"]
    [top] = [x for x in answer["results"] if x["match"]]
    assert top["features"]["dob_match"] == 1.0 and top["features"]["nationality_match"] == 1.0
