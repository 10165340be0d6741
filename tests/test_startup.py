"""The short ways a one-shot command takes (issue 18): each answers as the long way does.

- the command line's short way in (``redlist screen NAME`` without building typer's whole
  command line) gives the output and exit code of typer's;
- the settings read without pydantic equal the full settings;
- a SQLite store read with sqlite3 gives the snapshots the full store gives, and the audit rows
  it writes chain with those the full store writes;
- the receipt's digests are those the curated lists' and the regimes' readers give.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redlist import service
from redlist.cli import _quick_call, app
from redlist.parties.judgements import USER_FILE
from redlist.settings import Settings, default_home

from conftest import FIXTURES

runner = CliRunner()
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def loaded(home: Path) -> Path:
    result = runner.invoke(
        app, ["update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / "sdn_a"), "--as-of", "2024-01-02"]
    )
    assert result.exit_code == 0, result.output
    return home


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m redlist ARGS`` in a child process (the short way in is taken there)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("REDLIST_") or k == "REDLIST_HOME"}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "redlist", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def test_the_short_way_recognises_only_plain_forms() -> None:
    assert _quick_call(["screen", "Huawei", "--json"]) == (
        "screen",
        {"name": "Huawei", "as_json": True},
        None,
    )
    assert _quick_call(["--home", "/h", "check", "--activity=invest", "Xiaomi"]) == (
        "check",
        {"activity": "invest", "name": "Xiaomi"},
        Path("/h"),
    )
    assert _quick_call(["screen", "A", "--list", "us_ofac_sdn", "--list=us_bis_el"])[1]["lists"] == [
        "us_ofac_sdn",
        "us_bis_el",
    ]
    for argv in (
        [],
        ["update"],
        ["screen", "--help"],
        ["screen", "A", "B"],  # two names: typer's error
        ["screen", "-i", "f.csv"],
        ["screen", "A", "--input", "f.csv"],
        ["screen", "A", "--limit", "3"],  # an option typer converts and checks
        ["screen", "A", "--type"],  # a value missing
        ["screen", "A", "--json", "--json"],
        ["screen", "--", "-A"],
        ["screen", ""],
        ["--version"],
        ["--home", "check", "A"],
        ["check", "A", "--input", "f.csv"],
        ["screen", "A", "--on", "2024-13-01"],  # said after the lists are loaded: typer's way
    ):
        assert _quick_call(argv) is None, argv


@pytest.mark.parametrize(
    "args",
    [
        ["screen", "Example Trading Company Limited", "--json"],
        ["screen", "Example Trading Company Limited"],
        ["screen", "Nobody At All", "--type", "person"],
        ["screen", "Example Trading", "--list", "us_ofac_sdn", "--json"],
        ["screen", "Example Trading", "--type", "spaceship"],  # the facade's error
        ["screen", "Example Trading", "--on", "2024-13-01"],  # typer's usage error, said by typer
        ["screen", "Example Trading", "--list", "no_such_list"],
        ["check", "Example Trading Company Limited", "--json"],
        ["check", "Example Trading Company Limited", "--activity", "invest", "--on", "2024-06-01"],
        ["check", "Example Trading Company Limited", "--activity", "dance"],
        ["check", "--id", "ofac-1"],
    ],
)
def test_the_short_way_answers_as_typer_does(loaded: Path, args: list[str]) -> None:
    quick = _cli(*args)
    full = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert quick.returncode == full.exit_code, (quick.stderr, full.output)
    if "--json" in args:
        assert json.loads(quick.stdout) == json.loads(full.stdout)
    else:
        assert quick.stdout == full.stdout
    assert quick.stderr.split() == full.stderr.split()  # the same words (the terminal width aside)


def test_quick_settings_equal_the_full_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.upper().startswith("REDLIST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("REDLIST_HOME", str(tmp_path / "home"))
    quick = service.load_settings()
    assert isinstance(quick, service.QuickSettings)
    full = Settings.load()
    for name in Settings.model_fields:
        assert getattr(quick, name) == getattr(full, name), name
    for name in ("database_path", "store_url", "raw_dir", "cache_dir", "keys_path"):
        assert getattr(quick, name) == getattr(full, name), name
    assert service.default_home() == default_home()
    # anything else set: the full settings (validated, with their errors)
    monkeypatch.setenv("REDLIST_AUDIT", "false")
    assert isinstance(service.load_settings(), Settings)
    monkeypatch.delenv("REDLIST_AUDIT")
    assert isinstance(service.load_settings(cache=False), Settings)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "redlist.toml").write_text("max_batch = 5\n")
    assert isinstance(service.load_settings(), Settings)


def test_lite_store_reads_what_the_full_store_reads(loaded: Path) -> None:
    from redlist.store import Store
    from redlist.store.lite import LiteStore, open_lite

    lite = open_lite(loaded, loaded / "redlist.sqlite")
    assert isinstance(lite, LiteStore)
    with Store.open(loaded) as full, lite:
        assert lite.snapshots() == full.snapshots()
        assert lite.snapshots("us_ofac_sdn") == full.snapshots("us_ofac_sdn")
        assert lite.latest("us_ofac_sdn") == full.latest("us_ofac_sdn")
        assert lite.latest("us_trade_csl") is None
        # anything else goes to a full store over the same database
        assert lite.describe() == full.describe()
    assert open_lite(loaded, loaded / "missing.sqlite") is None


def test_audit_rows_written_both_ways_chain(loaded: Path) -> None:
    """The CLI writes its audit row through sqlite3, the library through SQLAlchemy: one chain."""
    assert _cli("screen", "Example Trading", "--json").returncode == 0
    with service.open(loaded) as r:
        r.record("screen", {"name": "x"}, {"matches": 0}, wait=True)
    assert _cli("check", "Example Trading Company Limited").returncode in (0, 3, 4, 5, 6, 7, 8)
    with service.open(loaded) as r:
        rows = r.audit_rows()
        assert [row["action"] for row in rows] == ["screen", "screen", "check"]
        assert r.audit_verify()["ok"]


def test_receipt_digests_equal_the_readers() -> None:
    from redlist import versions
    from redlist.curated.loader import data_dir, folder_version
    from redlist.regimes.rules import default_path

    assert versions.curated_version() == folder_version(data_dir())
    assert versions.package_dir("redlist.regimes") / "data" / "regimes.yaml" == default_path()
    assert service.JUDGEMENTS_FILE == USER_FILE
