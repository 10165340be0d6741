"""Monitoring end to end on the real SDN snapshots of 2024-02-28 and 2024-03-04 (issue 17): a
watchlist with parties added, removed and amended on 2024-03-04 and clean names gets exactly the
expected alerts after the update; a false positive stays closed through the next update; a
portfolio holding a CMIC company's ISIN gets its divestment-deadline alerts on the right days."""

from __future__ import annotations

from pathlib import Path

import pytest

import redlist

from conftest import raw_path

WATCH = (
    "id,name,type,country\n"
    "c1,Auxillia Mnangagwa,person,ZW\n"  # added on 2024-03-04
    "c2,Asher Walter Tapfumaneyi,person,\n"  # added on 2024-03-04
    "c3,Zidco Holdings,company,\n"  # removed on 2024-03-04
    "c4,Leo Mugabe,person,\n"  # removed on 2024-03-04
    "c5,Kudakwashe Regimond Tagwirei,person,\n"  # amended on 2024-03-04
    "c6,Quorble Bakery of Ohio,company,US\n"  # clean
    "c7,Jane Zyxwv Citizen,person,GB\n"  # clean
)


@pytest.fixture(scope="module")
def monitored(tmp_path_factory):
    folders = {d: raw_path("ofac_sdn", d) for d in ("2024-02-28", "2024-03-04", "2024-04-26")}
    base = tmp_path_factory.mktemp("watch")
    r = redlist.open(base / "home")
    [first] = r.update(["us_ofac_sdn"], origin=str(folders["2024-02-28"]), as_of="2024-02-28")
    assert first.ok, first.message
    (base / "watch.csv").write_text(WATCH, encoding="utf-8")
    added = r.watch_add("customers", base / "watch.csv", today="2024-02-28")
    before = {(a["row_id"], a["entity_id"]) for a in r.alerts()}
    [second] = r.update(
        ["us_ofac_sdn"], origin=str(folders["2024-03-04"]), as_of="2024-03-04", allow_shrink="real history"
    )
    assert second.ok, second.message
    return r, folders, added, before


def test_the_first_screening_raises_the_listed_parties(monitored) -> None:
    _, _, added, before = monitored
    assert added["rows"] == 7 and added["run"]["rows_screened"] == 7
    assert before == {("c3", "ofac-10611"), ("c4", "ofac-10662"), ("c5", "ofac-29360")}


def test_the_update_raises_exactly_the_changes(monitored) -> None:
    r, _, _, _ = monitored
    alerts = {(a["row_id"], a["entity_id"]): a for a in r.alerts()}
    assert set(alerts) == {
        ("c1", "ofac-48160"),
        ("c2", "ofac-48161"),
        ("c3", "ofac-10611"),
        ("c4", "ofac-10662"),
        ("c5", "ofac-29360"),
    }
    assert all(a["status"] == "open" for a in alerts.values())
    new = alerts[("c1", "ofac-48160")]
    assert new["changes"][-1]["kind"] == "added"
    assert "added to us_ofac_sdn on 2024-03-04" in new["changes"][-1]["text"]
    assert new["evidence"]["status"]["transact"] == "prohibited"
    assert new["evidence"]["explanation"]["summary"]
    gone = alerts[("c4", "ofac-10662")]
    assert gone["changes"][-1]["kind"] == "removed" and gone["evidence"]["listed_now"] is False
    # no longer prohibited; "unknown", not "allowed": only the SDN list is loaded in this home
    assert gone["evidence"]["status"]["transact"] == "unknown"
    amended = alerts[("c5", "ofac-29360")]
    assert amended["changes"][-1]["kind"] == "amended"
    assert len({a["id"] for a in alerts.values()}) == 5
    # the reverse search found what a full re-screen finds: nothing new, nothing changed
    full = r.watch_run(full=True)
    assert full.raised == [] and full.updated == 0 and full.rows_screened == 7


def test_a_false_positive_stays_closed_through_updates(monitored) -> None:
    r, folders, _, _ = monitored
    [alert] = [a for a in r.alerts() if a["row_id"] == "c2"]
    decided = r.decide(alert["id"], "false-positive", "different person: born 1990 in Harare", who="analyst")
    assert decided["status"] == "closed" and decided["decision"] == "false_positive"
    assert decided["decisions"][0]["reason"].startswith("different person")
    [third] = r.update(["us_ofac_sdn"], origin=str(folders["2024-04-26"]), as_of="2024-04-26")
    assert third.ok, third.message
    again = r.alert(alert["id"])
    assert again["status"] == "closed" and again["decision"] == "false_positive"
    full = r.watch_run(full=True, today="2024-04-26")
    assert alert["id"] not in [a["id"] for a in full.raised] and full.suppressed >= 1
    assert r.alert(alert["id"])["status"] == "closed"
    # the run, the decision and the raised alerts are in the audit trail, and it verifies
    actions = [row["action"] for row in r.audit_rows()]
    assert {"watch.add", "watch.run", "alert.raised", "alert.decision"} <= set(actions)
    assert r.audit_verify()["ok"]


def test_a_portfolio_gets_the_divestment_deadline_on_the_right_days(tmp_path: Path) -> None:
    r = redlist.open(tmp_path / "home")
    for source, folder, as_of in (  # the lists a buy/sell question needs (as in tests/test_check.py)
        ("us_bis_dpl", raw_path("bis_dpl", "2022-09-07"), "2022-09-07"),
        ("us_ofac_cons", raw_path("ofac_consolidated", "2025-12-19"), "2025-12-19"),
        ("us_ofac_sdn", raw_path("ofac_sdn", "2024-03-04"), "2024-03-04"),
    ):
        [loaded] = r.update([source], origin=str(folder), as_of=as_of)
        assert loaded.ok, loaded.message
    # ofac-30882: a CMIC of the first EO 14032 cohort (listed 2021-06-03, purchase ban from
    # 2021-08-02, sales for divestment until 2022-06-03; see tests/test_check.py)
    isin = next(
        i.value
        for i in r.listed("ofac-30882").identifiers
        if str(i.type) == "isin"  # type: ignore[union-attr]
    )
    (tmp_path / "book.csv").write_text(f"id,isin,quantity\np1,{isin},1000\n", encoding="utf-8")
    r.watch_add("book", tmp_path / "book.csv", kind="portfolio", today="2022-05-03")
    [alert] = r.alerts()
    assert alert["evidence"]["status"]["sell"] == "allowed"
    assert alert["evidence"]["status"]["buy"] == "prohibited"
    assert alert["evidence"]["status"]["divest_by"] == "2022-06-03"
    assert alert["evidence"]["ahead"] == []  # 31 days before the deadline: not yet
    r.decide(alert["id"], "true-match", "we hold it; sale planned", who="pm")

    def ahead_on(day: str) -> list[str]:
        report = r.watch_run(today=day)
        return [a["evidence"]["ahead"][0]["text"] for a in report.raised]

    assert ahead_on("2022-05-04") == [
        "divestment deadline in 30 days (2022-06-03): sales for divestment are allowed until 2022-06-03"
    ]
    assert r.alert(alert["id"])["status"] == "open"  # re-raised on the new evidence
    r.decide(alert["id"], "true-match", "sale scheduled", who="pm")
    assert ahead_on("2022-05-05") == []  # the same milestone: not raised again
    assert ahead_on("2022-05-27")[0].startswith("divestment deadline in 7 days")
    assert ahead_on("2022-06-02")[0].startswith("divestment deadline tomorrow")
    assert ahead_on("2022-06-03")[0].startswith("divestment deadline today")
    after = r.watch_run(today="2022-06-04")  # the deadline passed: the sell verdict changed
    [raised] = after.raised
    assert raised["evidence"]["status"]["sell"] == "prohibited"
    assert raised["changes"][-1]["kind"] == "status"
    # the day before the purchase ban (EO 14032) took effect: "purchase ban starts tomorrow"
    early = r.watch_run(today="2021-08-01")
    [before] = early.raised
    assert before["evidence"]["status"]["buy"] == "allowed"
    assert "purchase ban starts tomorrow" in [x["text"] for x in before["evidence"]["ahead"]]
