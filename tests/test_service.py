"""The front door (redlist.service.Redlist) and the settings: what the CLI and the API stand on."""

from __future__ import annotations

import gc
import json
import os
import socket
import subprocess
import sys
import time
import weakref
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import redlist
from redlist.cli import app as cli
from redlist.errors import RedlistError, StoreError
from redlist.service import Generation, Redlist
from redlist.settings import Settings, SettingsError

from conftest import FIXTURES, cover_every_list

runner = CliRunner()


def _load(home: Path, folder: str = "sdn_a", as_of: str = "2024-01-02") -> None:
    args = ["--home", str(home), "update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / folder)]
    result = runner.invoke(cli, [*args, "--as-of", as_of])
    assert result.exit_code == 0, result.output


def test_the_readme_call(tmp_path) -> None:
    r = redlist.open(tmp_path / "home")
    assert r.check("ZTE Corporation", activity="export", on="2018-05-01").verdict == "prohibited"
    xiaomi = r.check("Xiaomi Corporation", activity="invest", on="2021-03-16")
    assert xiaomi.verdict == "unknown"  # no OFAC list loaded yet: never a silent "allowed"
    cover_every_list(r, "2021-03-16")
    assert r.check("Xiaomi Corporation", activity="invest", on="2021-03-16").verdict == "allowed"


def test_operations_by_name(tmp_path) -> None:
    home = tmp_path / "home"
    _load(home)
    with redlist.open(home) as r:
        assert r.screen("Northwind Shipping Lines").matches[0].entity_id == "ofac-101"
        [one, two] = r.screen_many(
            [redlist.Query("Northwind Shipping Lines"), redlist.Query("Banco Ejemplo")]
        )
        assert (one.matches[0].entity_id, two.matches[0].entity_id) == ("ofac-101", "ofac-102")
        record = r.entity("ofac-101")
        assert record is not None and record.listed and record.current is not None
        assert r.entity("us_dod_ccmc:xiaomi").listed is False  # a curated entry no longer listed
        assert r.entity("ofac-999") is None
        assert [e.entity_id for e in r.suggest("northw")] == ["ofac-101"]
        assert r.timeline("Xiaomi Corporation").entries
        assert r.stored_sources() == ["us_ofac_sdn"]
        assert {row["source"] for row in r.sources()} >= {"us_ofac_sdn", "us_trade_csl"}
        with pytest.raises(RedlistError, match="unknown scope"):
            r.screen("x", scope="yesterday")


def test_one_generation_until_the_data_changes(tmp_path) -> None:
    home = tmp_path / "home"
    _load(home)
    r = Redlist(Settings.load(home=home, reload_interval=0))
    with r.generation() as first:
        key = first.key
        screener = first.screener
    with r.generation() as again:
        assert again is first and again.screener is screener  # built once, shared
    _load(home, "sdn_b", "2024-01-09")  # another process changes the data
    with r.generation() as fresh:
        assert fresh is not first and fresh.key != key
    # the old generation's store is closed once replaced and unused
    with pytest.raises(Exception, match="closed"):
        first.store.snapshots()


def test_a_replaced_generation_is_freed_without_the_cyclic_gc(tmp_path) -> None:
    """The server freezes its indexes out of the cyclic GC (gc.freeze): anything of a replaced
    generation held in a reference cycle would stay in memory for good (issue 16: +315 MB RSS a
    reload). So a generation and all it built must be freed by reference counting alone."""
    home = tmp_path / "home"
    _load(home)
    r = Redlist(Settings.load(home=home, reload_interval=0))
    r.screen("Northwind Shipping Lines")  # a screen fills the index's caches too
    r.check("Northwind Shipping Lines", activity="export", on="2024-02-01")
    gc.collect()
    gc.disable()
    try:
        with r.generation() as gen:
            built = [weakref.ref(gen), weakref.ref(gen.screener), weakref.ref(gen.checker)]
            built += [weakref.ref(gen.screener.index), weakref.ref(gen.parties)]
        del gen
        _load(home, "sdn_b", "2024-01-09")
        r.screen("Northwind Shipping Lines")  # picks up the new data and retires the old generation
        alive = [ref() for ref in built if ref() is not None]
        assert not alive, f"kept alive by a reference cycle: {[type(o).__name__ for o in alive]}"
    finally:
        gc.enable()


def test_a_failed_reload_keeps_the_last_good_data(tmp_path, monkeypatch) -> None:
    home = tmp_path / "home"
    _load(home)
    r = Redlist(Settings.load(home=home, reload_interval=0), background=True)
    r.warm()
    with r.generation() as gen:
        good = gen.key

    def broken(self: Generation) -> None:
        raise RuntimeError("index build failed")

    monkeypatch.setattr(Generation, "warm", broken)
    _load(home, "sdn_b", "2024-01-09")
    deadline = time.monotonic() + 30
    while r.error is None and time.monotonic() < deadline:
        r.screen("Northwind Shipping Lines")  # triggers the check; the rebuild runs in a thread
        time.sleep(0.05)
    assert r.error is not None and "index build failed" in r.error
    with r.generation() as gen:
        assert gen.key == good  # still serving the last good generation
    assert r.screen("Northwind Shipping Lines").matches[0].entity_id == "ofac-101"


def test_update_through_the_facade_refreshes(tmp_path) -> None:
    home = tmp_path / "home"
    with redlist.open(home) as r:
        assert not r.has_official_data()
        [result] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
        assert result.ok
        assert r.has_official_data()  # no stale generation after an update
        assert r.screen("Northwind Shipping Lines").matches


def test_settings_sources_and_errors(tmp_path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "redlist.toml").write_text('max_batch = 7\napi_cors = ["https://refine.example"]\nport = 8100\n')
    monkeypatch.setenv("REDLIST_PORT", "8200")
    settings = Settings.load(home=home)
    assert (settings.max_batch, settings.api_cors, settings.port) == (7, ["https://refine.example"], 8200)
    assert Settings.load(home=home, port=8300).port == 8300  # options beat the environment
    monkeypatch.setenv("REDLIST_API_CORS", "https://a.example, https://b.example")
    assert Settings.load(home=home).api_cors == ["https://a.example", "https://b.example"]
    (home / "redlist.toml").write_text("bogus = 1\n")
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.load(home=home)
    (home / "redlist.toml").unlink()
    monkeypatch.setenv("REDLIST_PORT", "not a port")
    with pytest.raises(SettingsError, match="port"):
        Settings.load(home=home)
    monkeypatch.delenv("REDLIST_PORT")
    assert Settings.load(home=home, host="0.0.0.0").auth_required()
    assert not Settings.load(home=home).auth_required()
    with pytest.raises(SettingsError, match="sqlite"):
        _ = Settings.load(home=home, database_url="mysql://db/redlist").database_path
    postgres = Settings.load(home=home, database_url="postgresql://u:secret@db/redlist")
    assert postgres.database_path is None and postgres.store_url == "postgresql://u:secret@db/redlist"


def test_settings_are_never_written_to_the_environment(tmp_path) -> None:
    before = dict(os.environ)
    Settings.load(home=tmp_path, api_auth=True, api_cors=["https://x.example"])
    assert dict(os.environ) == before


def test_corrupt_archived_publication_is_reported(tmp_path) -> None:
    home = tmp_path / "home"
    _load(home)
    for raw in (home / "raw").rglob("*.gz"):
        raw.write_bytes(b"not gzip at all")
    result = runner.invoke(cli, ["--home", str(home), "reparse", "--all"])
    assert result.exit_code == 1
    assert "corrupt" in result.output and "Traceback" not in result.output
    assert redlist.open(home).screen("Northwind Shipping Lines").matches  # the stored records are untouched
    with pytest.raises(StoreError, match="corrupt"):
        redlist.open(home).reparse(every=True)


def test_check_input_and_exit_codes(tmp_path) -> None:
    home = tmp_path / "home"
    _load(home)
    questions = tmp_path / "q.csv"
    questions.write_text(
        "id,name,activity,date\nq1,Xiaomi Corporation,invest,2021-03-16\nq2,,invest,2021-03-16\n"
        "q3,Northwind Shipping Lines,transact,2024-01-03\n"
    )
    out = tmp_path / "answers.jsonl"
    args = ["--home", str(home), "check", "--input", str(questions), "--output", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 9, result.output  # a row failed: the run says so
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3"]
    # only the SDN list is loaded: no clearance for an investment (CMIC unknown), a settled prohibition
    assert rows[0]["verdict"] == "unknown" and rows[2]["verdict"] == "prohibited"
    assert "error" in rows[1] and "verdict" not in rows[1]
    assert "3 row(s), 1 with errors" in result.output
    assert runner.invoke(cli, [*args, "--allow-errors"]).exit_code == 0


def test_exit_codes_of_single_checks(tmp_path) -> None:
    home = tmp_path / "home"
    _load(home)
    cover_every_list(redlist.open(home), "2024-01-02")  # every list loaded: answers can be settled

    def code(*args: str) -> int:
        return runner.invoke(cli, ["--home", str(home), "check", *args]).exit_code

    assert code("Xiaomi Corporation", "--activity", "invest", "--on", "2021-03-16") == 0  # allowed
    assert code("Zyxwvut Quorble Bakery", "--on", "2024-01-03") == 3  # no match on the loaded lists
    assert code("Northwind Shipping Lines", "--on", "2024-01-03") == 8  # prohibited
    assert code("Northwind Shipping Lines", "--activity", "smuggle") == 2  # usage error
    assert code("--on", "2024-01-03") == 2  # usage error: no party
    assert code("--replay", str(tmp_path / "missing.json"), "Northwind") == 2  # usage error


def test_ambiguous_name_exits_4(tmp_path) -> None:
    home = tmp_path / "home"
    folder = tmp_path / "sdn"
    folder.mkdir()
    rows = [
        '1,"NORTHWYND SHIPPING",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
        '2,"NORTHWINDE SHIPPING",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
    ]
    (folder / "sdn.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode() + b"\x1a")  # OFAC's end mark
    result = runner.invoke(cli, ["--home", str(home), "update", "us_ofac_sdn", "--from", str(folder)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--home", str(home), "check", "Northwynde Shipping", "--on", "2024-01-01"])
    assert result.exit_code == 4
    assert "ofac-1" in result.output and "ofac-2" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_settings_reach_the_server(tmp_path) -> None:
    home = tmp_path / "home"
    _load(home)
    created = runner.invoke(cli, ["--home", str(home), "keys", "create", "ops"])
    secret = created.stdout.strip().splitlines()[-1]
    port = _free_port()
    args = ["--home", str(home), "serve", "--port", str(port), "--auth", "--cors", "https://refine.example"]
    server = subprocess.Popen(
        [sys.executable, "-c", "from redlist.cli import app; app()", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # wait for start-up, not a timing assertion
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        body = {"name": "Northwind Shipping Lines"}
        assert httpx.post(base + "/screen", json=body).status_code == 401  # --auth reached the server
        ok = httpx.post(base + "/screen", json=body, headers={"Authorization": f"Bearer {secret}"})
        assert ok.status_code == 200 and ok.json()["matches"][0]["entity_id"] == "ofac-101"
        preflight = httpx.options(
            base + "/screen",
            headers={"Origin": "https://refine.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.headers.get("access-control-allow-origin") == "https://refine.example"
    finally:
        server.terminate()
        server.wait(timeout=30)
