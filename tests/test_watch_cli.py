"""The watch, alerts, audit and delta commands on the hand-written SDN fixtures."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from typer.testing import CliRunner

from redlist.cli import app

from conftest import FIXTURES

runner = CliRunner()


def _cli(home: Path, *args: str, url: str | None = None):
    env = {"COLUMNS": "200", **({"REDLIST_DATABASE_URL": url} if url else {})}
    return runner.invoke(app, ["--home", str(home), *args], env=env)


def test_watch_alerts_decide_audit_and_delta(tmp_path: Path, store_url: str | None) -> None:
    """The whole flow on each backend (SQLite, PostgreSQL): the same alerts, decisions and chain."""
    home = tmp_path / "home"
    cli = partial(_cli, url=store_url)
    sdn_a, sdn_b = FIXTURES / "cli" / "sdn_a", FIXTURES / "cli" / "sdn_b"
    assert cli(home, "update", "us_ofac_sdn", "--from", str(sdn_a), "--as-of", "2024-01-02").exit_code == 0
    people = tmp_path / "people.jsonl"
    people.write_text(
        '{"id": "n1", "name": "Northwind Shipping Lines"}\n{"id": "s1", "name": "Second Example LLC"}\n',
        encoding="utf-8",
    )
    added = cli(home, "watch", "add", "vendors", "--input", str(people))
    assert added.exit_code == 0, added.output
    assert "2 rows (parties); 1 alerts raised" in added.stdout
    listed = json.loads(cli(home, "watch", "list", "--json").stdout)
    assert [(w["name"], w["row_count"], w["open_alerts"]) for w in listed] == [("vendors", 2, 1)]
    updated = cli(home, "update", "us_ofac_sdn", "--from", str(sdn_b), "--as-of", "2024-01-09")
    assert updated.exit_code == 0, updated.output
    assert "watchlists re-checked" in updated.stdout and "1 alerts raised" in updated.stdout
    alerts = json.loads(cli(home, "alerts", "--open", "--json").stdout)
    assert sorted(a["row_id"] for a in alerts) == ["n1", "s1"]
    [second] = [a for a in alerts if a["row_id"] == "s1"]
    decided = cli(home, "alerts", "decide", second["id"], "--false-positive", "--reason", "a bakery")
    assert decided.exit_code == 0 and "false_positive (closed)" in decided.stdout
    assert cli(home, "alerts", "decide", second["id"], "--reason", "x").exit_code == 2  # no decision
    unknown = cli(home, "alerts", "decide", "al-nope", "--escalate", "--reason", "x")
    assert unknown.exit_code == 2 and "no alert" in unknown.stderr
    assert [a["row_id"] for a in json.loads(cli(home, "alerts", "--open", "--json").stdout)] == ["n1"]
    assert "vendors" in cli(home, "watch", "show", "vendors").stdout
    run = cli(home, "watch", "run", "--full", "--json")
    assert json.loads(run.stdout)["suppressed"] == 1
    # the audit trail verifies, exports and verifies again from the export
    assert cli(home, "audit", "verify").exit_code == 0
    exported = tmp_path / "audit.csv"
    assert cli(home, "audit", "export", "--format", "csv", "-o", str(exported)).exit_code == 0
    assert cli(home, "audit", "verify", "--file", str(exported)).exit_code == 0
    # the delta feed: what 2024-01-09 changed
    delta = cli(home, "export", "--delta", "--since", "2024-01-09")
    lines = [json.loads(line) for line in delta.stdout.splitlines()]
    ops = sorted((d["op"], d["entity"]["id"]) for d in lines)
    assert [op for op, _ in ops] == ["ADD", "DEL", "MOD"]
    assert all(d["entity"].get("schema") for d in lines)
    assert cli(home, "export", "--since", "2024-01-09").exit_code == 2  # --since needs --delta
    assert cli(home, "watch", "remove", "vendors").exit_code == 0
    assert cli(home, "watch", "show", "vendors").exit_code == 2
