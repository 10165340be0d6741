"""Monitoring over HTTP: /watchlists, /alerts and decisions, /audit, /delta, /match's
changed_since and exclude_entity_ids, and the web UI's alerts queue (fixture store sdn_a)."""

from __future__ import annotations

from conftest import FIXTURES


def test_watchlists_alerts_and_decisions(client) -> None:
    bad = client.post("/watchlists", json={"name": "x", "kind": "portfolio", "rows": [{"id": "p1"}]})
    assert (
        bad.status_code == 422
        and "rows: line 2: a portfolio row needs an isin" in bad.json()["error"]["message"]
    )
    made = client.post(
        "/watchlists",
        json={
            "name": "customers",
            "rows": [{"id": "c1", "name": "Northwind Shipping Lines"}, {"id": "c2", "name": "Quorble Zyxwv"}],
        },
    )
    assert made.status_code == 201, made.text
    assert [w["name"] for w in client.get("/watchlists").json()] == ["customers"]
    assert client.get("/watchlists/nope").status_code == 404
    [alert] = client.get("/alerts", params={"open": "true"}).json()
    assert alert["row_id"] == "c1" and alert["entity_id"] == "ofac-101"
    assert client.get(f"/alerts/{alert['id']}").json()["decisions"] == []
    refused = client.post(f"/alerts/{alert['id']}/decision", json={"decision": "maybe", "reason": "x"})
    assert refused.status_code == 422
    assert (
        client.post("/alerts/al-none/decision", json={"decision": "escalate", "reason": "x"}).status_code
        == 404
    )
    decided = client.post(f"/alerts/{alert['id']}/decision", json={"decision": "escalate", "reason": "MLRO"})
    assert decided.status_code == 200 and decided.json()["status"] == "escalated"
    assert decided.json()["decisions"][0]["who"] == "api"
    assert client.get("/audit/verify").json()["ok"] is True
    exported = client.get("/audit/export", params={"format": "csv"})
    assert exported.status_code == 200 and exported.text.startswith("seq,at,who,action")
    assert client.post("/watchlists/run", params={"full": "true"}).json()["mode"] == "full"
    assert client.delete("/watchlists/customers").status_code == 204
    assert client.get("/alerts").json() == []


def test_alerts_page_and_decision_form(client) -> None:
    client.post("/watchlists", json={"name": "c", "rows": [{"id": "c1", "name": "Northwind Shipping Lines"}]})
    page = client.get("/ui/alerts")
    assert page.status_code == 200 and "Northwind" in page.text and '<form method="post"' in page.text
    [alert] = client.get("/alerts").json()
    sent = client.post(
        f"/ui/alerts/{alert['id']}/decision",
        data={"decision": "true_match", "reason": "known"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert client.get("/alerts", params={"open": "true"}).json() == []
    again = client.post(f"/ui/alerts/{alert['id']}/decision", data={"decision": "true_match", "reason": " "})
    assert again.status_code == 422 and "reason" in again.text


def test_delta_feed_and_match_filters(client) -> None:
    r = client.app.state.redlist
    [result] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")
    assert result.ok
    index = client.get("/delta").json()
    assert list(index["versions"]) == ["2024-01-09"] and index["versions"]["2024-01-09"].endswith(
        "/delta/2024-01-09"
    )
    lines = client.get("/delta/2024-01-09").text.splitlines()
    assert sorted(line.split('"op": "')[1][:3] for line in lines) == ["ADD", "DEL", "MOD"]
    assert client.get("/delta", params={"since": "2024-01-09"}).text.splitlines() == lines
    assert client.get("/delta", params={"since": "not a date"}).status_code in (400, 422)
    query = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Banco Ejemplo del Caribe"]}}}}
    found = client.post("/match/default", json=query).json()["responses"]["q"]["results"]
    assert [x["id"] for x in found][:1] == ["ofac-102"] or found[0]["id"].endswith("ofac-102")
    changed = client.post("/match/default", params={"changed_since": "2024-01-09"}, json=query).json()
    assert changed["responses"]["q"]["results"]  # 102 was amended on 2024-01-09
    old = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Northwind Shipping Lines"]}}}}
    assert (
        client.post("/match/default", params={"changed_since": "2024-01-09"}, json=old).json()["responses"][
            "q"
        ]["results"]
        == []
    )
    excluded = client.post(
        "/match/default", params={"exclude_entity_ids": "redlist-ofac-102"}, json=query
    ).json()
    assert all("ofac-102" not in x["id"] for x in excluded["responses"]["q"]["results"])


def test_screenings_and_checks_are_in_the_audit_trail(client) -> None:
    assert client.post("/screen", json={"name": "Northwind Shipping Lines"}).status_code == 200
    assert client.get("/check", params={"name": "Northwind Shipping Lines"}).status_code == 200
    rows = [r for r in client.get("/audit/export").text.splitlines()]
    import json

    parsed = [json.loads(r) for r in rows]
    assert [(r["action"], r["who"]) for r in parsed] == [("screen", "api"), ("check", "api")]
    screened = json.loads(parsed[0]["answer"])
    assert screened["matches"][0]["entity_id"] == "ofac-101"
    assert json.loads(parsed[0]["generation"])["sources"][0]["source"] == "us_ofac_sdn"
    assert json.loads(parsed[1]["answer"])["verdict"]
    assert client.get("/audit/verify").json()["ok"] is True


def test_the_cli_records_its_answers_unless_told_not_to(store_home, monkeypatch) -> None:
    from typer.testing import CliRunner

    import redlist
    from redlist.cli import app

    runner = CliRunner()
    assert (
        runner.invoke(app, ["--home", str(store_home), "screen", "Northwind Shipping Lines"]).exit_code == 0
    )
    assert [r["action"] for r in redlist.open(store_home).audit_rows()] == ["screen"]
    monkeypatch.setenv("REDLIST_AUDIT", "false")
    runner.invoke(app, ["--home", str(store_home), "screen", "Northwind Shipping Lines"])
    assert len(redlist.open(store_home).audit_rows()) == 1
