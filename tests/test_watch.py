"""Monitoring on the hand-written SDN fixtures (tests/fixtures/cli/sdn_a -> sdn_b: 7001 removed,
7002 added, 102 given a new alias): alerts, deduplication and re-raising, decisions, the audit
trail's tamper detection and export round trip, and webhooks to a loopback receiver."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

import redlist
from redlist.errors import InvalidInput

from conftest import FIXTURES

CUSTOMERS = (
    "id,name,country\n"
    "n1,Northwind Shipping Lines,CU\n"
    "b1,Banco Ejemplo del Caribe,\n"
    "s1,Second Example LLC,\n"
    "q1,Quorble Zyxwv Bakery,US\n"
)


@pytest.fixture
def r(tmp_path: Path, store_url: str | None) -> redlist.Redlist:
    """A home with the first SDN fixture and a screened watchlist, on each backend (SQLite, PostgreSQL)."""
    r = redlist.open(tmp_path / "home", database_url=store_url)
    [loaded] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
    assert loaded.ok
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    r.watch_add("customers", tmp_path / "customers.csv", today="2024-01-02", who="tester")
    return r


def _by_row(r: redlist.Redlist) -> dict[str, dict]:
    return {a["row_id"]: a for a in r.alerts()}


def _sql(r: redlist.Redlist, statement: str, **params: object) -> list[tuple]:
    """Run SQL on the store's database behind redlist's back (a tamperer with database access)."""
    from sqlalchemy import text

    from redlist.store import Store

    settings = r.settings
    opened = Store.open(settings.home, path=settings.database_path, url=settings.store_url)
    with opened as store, store.transaction() as conn:
        result = conn.execute(text(statement), params)
        return [tuple(row) for row in result] if result.returns_rows else []


def test_a_watchlist_is_screened_when_added(r: redlist.Redlist) -> None:
    alerts = _by_row(r)
    assert {k: a["entity_id"] for k, a in alerts.items()} == {"n1": "ofac-101", "b1": "ofac-102"}
    [summary] = r.watchlists()
    assert summary["row_count"] == 4 and summary["open_alerts"] == 2 and summary["kind"] == "parties"
    shown = r.watchlist("customers")
    assert [row["row_id"] for row in shown["rows"]] == ["b1", "n1", "q1", "s1"]
    assert [row["action"] for row in r.audit_rows()] == ["watch.add", "alert.raised", "alert.raised"]


def test_an_update_raises_what_changed_and_dedups(r: redlist.Redlist) -> None:
    alerts = _by_row(r)
    r.decide(alerts["n1"]["id"], "true_match", "our vessel operator, known", who="ana")
    r.decide(alerts["b1"]["id"], "true-match", "known bank", who="ana")
    assert r.watch_run(today="2024-01-03").raised == []  # nothing changed: nothing raised again
    [result] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")
    assert result.ok
    after = _by_row(r)
    assert after["s1"]["entity_id"] == "ofac-7002" and after["s1"]["status"] == "open"
    assert "added to us_ofac_sdn on 2024-01-09" in after["s1"]["changes"][-1]["text"]
    # a new alias is new evidence: the closed alert is raised again
    assert after["b1"]["status"] == "open" and after["b1"]["raised"] == 2
    assert "CARIBBEAN EXAMPLE BANK" in after["b1"]["evidence"]["names"]
    assert after["b1"]["changes"][-1]["kind"] == "amended"
    assert after["n1"]["status"] == "closed"  # unchanged evidence stays closed
    assert set(after) == {"n1", "b1", "s1"}


def test_a_false_positive_is_an_exclusion_that_survives(r: redlist.Redlist) -> None:
    alert = _by_row(r)["b1"]
    with pytest.raises(InvalidInput, match="reason"):
        r.decide(alert["id"], "false_positive", "  ")
    with pytest.raises(InvalidInput, match="unknown decision"):
        r.decide(alert["id"], "maybe", "x")
    r.decide(alert["id"], "false_positive", "a different bank", who="ana")
    r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")
    assert r.alert(alert["id"])["status"] == "closed"  # the new alias does not re-raise it
    assert r.watch_run(full=True, today="2024-01-10").suppressed == 1
    escalated = r.decide(_by_row(r)["n1"]["id"], "escalate", "needs the MLRO", who="ana")
    assert escalated["status"] == "escalated"
    assert [a["row_id"] for a in r.alerts(open_only=True)] == ["s1"]


def test_bad_watch_files_name_the_line(tmp_path: Path, r: redlist.Redlist) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,isin,quantity\np1,,10\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bad.csv: line 2: a portfolio row needs an isin"):
        r.watch_add("book", bad, kind="portfolio")
    bad.write_text("id,name\nx,A\nx,B\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"line 3: id 'x' repeats line 2"):
        r.watch_add("dup", bad)
    with pytest.raises(InvalidInput, match="no watchlist"):
        r.watchlist("nope")


# --- audit -------------------------------------------------------------------------------------------


def test_audit_detects_a_changed_row(r: redlist.Redlist) -> None:
    r.decide(_by_row(r)["n1"]["id"], "true_match", "known", who="ana")
    assert r.audit_verify() == {"ok": True, "rows": len(r.audit_rows()), "first_bad": None, "problem": None}
    rows = r.audit_rows()
    assert rows[0]["who"] == "tester" and rows[-1]["who"] == "ana"
    assert json.loads(rows[-1]["generation"])["data_key"]
    [(who,)] = _sql(r, "SELECT who FROM audit_log WHERE seq = 2")
    _sql(r, "UPDATE audit_log SET who = 'mallory' WHERE seq = 2")
    verdict = r.audit_verify()
    assert verdict["ok"] is False and verdict["first_bad"] == 2 and "changed" in verdict["problem"]
    _sql(r, "UPDATE audit_log SET who = :who WHERE seq = 2", who=who)
    assert r.audit_verify()["ok"]
    _sql(r, "DELETE FROM audit_log WHERE seq = 1")
    assert r.audit_verify()["problem"] == "row 2 is the first: rows are missing from the start"


def test_the_audit_chain_is_the_same_on_sqlite_and_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    """The same rows written at the same instant chain to the same hashes on both backends (the
    text read back is the text hashed: no collation, type or encoding drift), and verify."""
    from redlist.store import Store
    from redlist.watch import audit
    from redlist.watch.storage import WatchStore

    monkeypatch.setattr(audit, "now", lambda: "2024-01-02T03:04:05.000006+00:00")
    chains = []
    for backend, url in (("sqlite", None), ("postgresql", pg_url)):
        with Store.open(tmp_path / backend, url=url) as store:
            ws = WatchStore(store)
            for n, who in enumerate(("ana", "Zoë", "bo")):
                given = {"name": f"Société Générale {n}", "type": "Company", "ids": {"isin": "FR0000130809"}}
                audit.append(ws, "screen", who, {"data_key": "k1", "snapshots": [1, 2]}, given, {"hits": [n]})
            rows = ws.audit_rows()
        assert audit.verify(rows) == {"ok": True, "rows": 3, "first_bad": None, "problem": None}
        chains.append([(row["seq"], row["who"], row["input"], row["hash"]) for row in rows])
    assert chains[0] == chains[1]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_audit_export_round_trips(r: redlist.Redlist, fmt: str) -> None:
    handle = io.StringIO()
    count = r.audit_export(handle, format=fmt)
    rows = r.audit_rows()
    assert count == len(rows) > 0
    text = handle.getvalue()
    assert r.audit_verify(text)["ok"]
    from redlist.watch.audit import read_export

    assert read_export(text) == [{**row, "seq": int(row["seq"])} for row in rows]
    tampered = text.replace("tester", "mallory", 1)
    assert r.audit_verify(tampered)["ok"] is False


# --- webhooks ----------------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    answers: list[int] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        code = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    _Receiver.received, _Receiver.answers = [], [500]
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver
    server.shutdown()
    server.server_close()


def test_webhook_signed_and_retried_after_a_500(r: redlist.Redlist, receiver) -> None:
    url, handler = receiver
    with pytest.raises(InvalidInput, match="https"):
        r.watch_webhook("customers", "http://example.com/hook", "s3cret")
    r.watch_webhook("customers", url, "s3cret")
    assert r.webhook_preview("customers")[0]["url"] == url  # dry run: nothing sent
    assert handler.received == []
    r._webhook_timing = {"backoff": 0.01}
    r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")
    # the first POST got a 500, the retry was delivered; then the other raised alerts
    assert len(handler.received) >= 2
    first_headers, first_body = handler.received[0]
    assert handler.received[1][1] == first_body  # the same alert again
    expected = "sha256=" + hmac.new(b"s3cret", first_body, hashlib.sha256).hexdigest()
    assert first_headers["X-Redlist-Signature"] == expected
    assert json.loads(first_body)["alert"]["watchlist"] == "customers"
    log = r.webhook_deliveries("customers")
    assert [d["status_code"] for d in log[:2]] == [500, 200]
    assert [d["attempt"] for d in log[:2]] == [1, 2]


# --- a rule changing state ------------------------------------------------------------------------


def test_a_rule_changing_state_alerts_a_party_with_a_listed_owner(tmp_path: Path) -> None:
    """The BIS Affiliates Rule (regime data: suspended until 2026-11-10) reaches a watched
    subsidiary 60% owned by an Entity List party (a user's ownership judgement, as in
    tests/test_parties.py): announced 30, 7 and 1 days ahead, then raised on the day it changes."""
    from conftest import cover_every_list

    r = redlist.Redlist(redlist.Settings.load(home=tmp_path / "home", reload_interval=0))
    [el] = r.update(["us_bis_el"], origin=str(FIXTURES / "bis_el" / "part-744.xml"), as_of="2025-06-01")
    assert el.ok
    cover_every_list(r, "2025-06-01")
    sub = {"name": "Example Precision Subsidiary Ltd", "country": "HK"}
    r.link(sub, "bis-el-a99a00854017", "related", "annual report", relation="owned_by", share=0.6)
    (tmp_path / "suppliers.csv").write_text(
        "id,name,country\nsup-1,Example Precision Subsidiary Ltd,HK\nsup-2,Quorble Zyxwv Widgets,DE\n",
        encoding="utf-8",
    )
    r.watch_add("suppliers", tmp_path / "suppliers.csv", activity="export", today="2026-10-01")
    [alert] = r.alerts()
    assert alert["row_id"] == "sup-1" and alert["party_id"].startswith("unlisted:")
    assert alert["evidence"]["status"] == {"export": "allowed"} and alert["evidence"]["ahead"] == []
    r.decide(alert["id"], "true_match", "our supplier; owner on the Entity List", who="ana")

    def raised(day: str) -> list[dict]:
        return r.watch_run(today=day).raised

    [ahead] = raised("2026-10-11")
    assert (
        ahead["evidence"]["ahead"][0]["text"] == "export: allowed becomes restricted in 30 days (2026-11-10)"
    )
    r.decide(alert["id"], "true_match", "licence application prepared", who="ana")
    assert raised("2026-10-12") == []
    assert raised("2026-11-03")[0]["evidence"]["ahead"][0]["days"] == 7
    assert raised("2026-11-09")[0]["evidence"]["ahead"][0]["text"].endswith("tomorrow")
    [changed] = raised("2026-11-10")
    assert changed["evidence"]["status"] == {"export": "restricted"}
    assert changed["changes"][-1]["text"] == "status changed: export: allowed -> restricted"


def test_a_watchlist_replaced_after_removal_gets_a_fresh_watch_index(
    tmp_path: Path, store_url: str | None
) -> None:
    r = redlist.open(tmp_path / "home", database_url=store_url)
    r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
    (tmp_path / "a.csv").write_text("id,name\nq1,Quorble Zyxwv Bakery\n", encoding="utf-8")
    r.watch_add("v", tmp_path / "a.csv", today="2024-01-02")
    r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")  # index built
    assert r.alerts() == []
    r.watch_remove("v")
    (tmp_path / "b.csv").write_text("id,name\nx1,Example Trading Co Ltd\n", encoding="utf-8")
    r.watch_add("v", tmp_path / "b.csv", today="2024-01-09")
    assert r.alerts() == []  # 7001 was removed on 2024-01-09
    [back] = r.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-16")
    assert back.ok
    [alert] = r.alerts()  # listed again: found by the reverse search over the new rows
    assert (alert["row_id"], alert["entity_id"]) == ("x1", "ofac-7001")
    assert "added to us_ofac_sdn on 2024-01-16" in alert["changes"][-1]["text"]
