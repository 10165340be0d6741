"""Status checks end to end: curated data alone (offline), and real OFAC/CSL publications in a store."""

from __future__ import annotations

import json
from datetime import date

import pytest

from redlist.batch.run import check_file
from redlist.check import Checker, party_timeline
from redlist.errors import RedlistError
from redlist.store import Store
from redlist.store.update import update

from conftest import raw_path


@pytest.fixture(scope="module")
def offline() -> Checker:
    """Only the bundled curated data: what a fresh install answers with no network. No OFAC data
    is loaded, so no answer about investing can be a clearance: ``unknown``, naming the lists."""
    return Checker(None)


#: What a fresh install misses for an investment question.
INVEST_MISSING = ["us_ofac_sdn", "us_ofac_cons"]


def _finding(result, list_id: str) -> dict:
    [finding] = [f for f in result.findings if f["list"] == list_id]
    return finding


@pytest.mark.parametrize(
    ("on", "verdict", "state"),
    [
        ("2021-01-10", "unknown", None),  # not yet designated
        ("2021-02-15", "unknown", "pending"),  # designated; purchase ban from 2021-03-15
        ("2021-03-16", "unknown", "enjoined"),  # preliminary injunction of 2021-03-12
        ("2021-07-01", "unknown", "removed"),  # designation vacated 2021-05-25
    ],
)
def test_xiaomi_sequence(offline: Checker, on: str, verdict: str, state: str | None) -> None:
    result = offline.check("Xiaomi Corporation", activity="invest", on=on)
    # the DoD designation never restricts on these days; without OFAC data the answer is not a clearance
    assert result.verdict == verdict
    assert [m["list"] for m in result.missing] == INVEST_MISSING
    assert result.notices[0].startswith("Not loaded: OFAC Specially Designated Nationals")
    assert result.party["entity_ids"] == ["us_dod_ccmc:xiaomi"]
    if state is None:
        assert result.findings == []
        assert any("only from 2021-01-14" in n for n in result.notices)
        return
    finding = _finding(result, "us_dod_ccmc")
    assert finding["state"] == state
    if state == "pending":
        assert finding["effect_from"] == "2021-03-15"
    if state == "enjoined":
        assert finding["case"]["docket"] == "No. 1:21-cv-00280-RC"
        assert "2021-03-12" in finding["explanation"]


def test_luokung_enjoined_then_not_restricted(offline: Checker) -> None:
    before = offline.check("Luokung Technology Corporation", activity="invest", on="2021-05-01")
    during = offline.check("Luokung Technology Corporation", activity="invest", on="2021-05-10")
    assert _finding(before, "us_dod_ccmc")["state"] == "pending"
    assert _finding(during, "us_dod_ccmc")["state"] == "enjoined"
    assert during.verdict == "unknown"  # not restricted by the DoD list; OFAC not loaded


def test_zte_2018_denial_order_window(offline: Checker) -> None:
    before = offline.check("ZTE Corporation", activity="export", on="2018-04-01")
    during = offline.check("ZTE Corporation", activity="export", on="2018-05-01")
    after = offline.check("ZTE Corporation", activity="export", on="2018-08-01")
    assert _finding(during, "us_bis_dpl")["state"] == "in_force"
    assert during.verdict == "prohibited"
    assert not [f for f in before.findings if f["list"] == "us_bis_dpl"]
    assert _finding(after, "us_bis_dpl")["state"] == "removed"


def test_huawei_entity_list_date(offline: Checker) -> None:
    before = offline.check("Huawei Technologies Co., Ltd.", activity="export", on="2019-05-15")
    after = offline.check("Huawei Technologies Co., Ltd.", activity="export", on="2019-05-17")
    assert not [f for f in before.findings if f["list"] == "us_bis_el"]
    assert _finding(after, "us_bis_el")["state"] == "in_force"
    assert after.verdict == "restricted"


def test_name_matching_nothing_says_so(offline: Checker) -> None:
    result = offline.check("Zyxwvut Quorble Bakery", activity="invest", on="2021-03-16")
    assert result.party is None
    assert result.verdict == "unknown"  # a fresh install: never a silent "allowed"
    assert "Not loaded" in result.notices[0] and "redlist update" in result.notices[0]
    assert "No entry on the loaded lists matches" in result.notices[1]


def test_ambiguous_name_lists_candidates() -> None:
    from redlist.model import Entity, EntityType, Listing, Name
    from redlist.screen import Screener

    def entity(eid: str, name: str) -> Entity:
        return Entity(
            "us_ofac_sdn", eid, eid, EntityType.ORGANIZATION, [Name(name)], listings=[Listing("us_ofac_sdn")]
        )

    screener = Screener([entity("ofac-1", "NORTHWYND SHIPPING"), entity("ofac-2", "NORTHWINDE SHIPPING")])
    checker = Checker(None, screener=screener)
    result = checker.check("Northwynde Shipping", activity="transact", on="2024-01-01")
    assert result.party is None and result.verdict is None
    assert "choose one" in result.error
    assert {c["entity_id"] for c in result.candidates} == {"ofac-1", "ofac-2"}
    exact = checker.check("Northwynd Shipping", activity="transact", on="2024-01-01")
    assert exact.party["entity_ids"] == ["ofac-1"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activity": "smuggle"}, "activity"),
        ({"on": "2021-02-30"}, "2021-02-30"),
        ({"on": "16/03/2021"}, "16/03/2021"),
    ],
)
def test_bad_input(offline: Checker, kwargs: dict, message: str) -> None:
    with pytest.raises(RedlistError, match=message):
        offline.check("Xiaomi Corporation", **kwargs)


def test_unknown_entity_id(offline: Checker) -> None:
    with pytest.raises(RedlistError, match="no entity"):
        offline.check(entity_id="ofac-99999999")


def test_future_date_answers_with_a_notice(offline: Checker) -> None:
    result = offline.check("Xiaomi Corporation", activity="invest", on="2030-01-01", today=date(2026, 11, 25))
    assert result.verdict == "unknown"
    assert any("future" in n.lower() or "latest" in n.lower() for n in result.notices)


def test_timeline_has_the_court_events(offline: Checker) -> None:
    line = party_timeline(offline, "Xiaomi Corporation")
    kinds = [(e.date, e.kind) for e in line.entries]
    assert ("2021-01-14", "listed") in kinds
    assert ("2021-03-12", "injunction") in kinds
    assert ("2021-05-25", "vacatur") in kinds
    assert line.periods == [{"list": "us_dod_ccmc", "start": "2021-01-14", "end": "2021-05-25"}]


def test_batch_check_keeps_every_row(offline: Checker, tmp_path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,name,activity,date,entity_id\n"
        "a,Xiaomi Corporation,invest,2021-03-16,\n"
        "b,Xiaomi Corporation,smuggle,2021-03-16,\n"
        "c,,invest,2021-03-16,\n"
        "d,,invest,2021-02-15,us_dod_ccmc:xiaomi\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    counts = check_file(offline, str(src), str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert counts == {"rows": 4, "errors": 2}
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert rows[0]["verdict"] == "unknown"
    assert [m["list"] for m in rows[0]["missing"]] == INVEST_MISSING
    assert "activity" in rows[1]["error"]
    assert rows[2]["error"]
    assert rows[3]["findings"][0]["state"] == "pending"


# --- real publications ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Checker:
    cons = raw_path("ofac_consolidated", "2025-12-19")
    sdn_a, sdn_b = raw_path("ofac_sdn", "2024-02-28"), raw_path("ofac_sdn", "2024-03-04")
    store = Store.open(tmp_path_factory.mktemp("home"))
    for source, folder, as_of in (
        ("us_bis_dpl", raw_path("bis_dpl", "2022-09-07"), "2022-09-07"),  # transact questions need it
        ("us_ofac_cons", cons, "2025-12-19"),
        ("us_ofac_sdn", sdn_a, "2024-02-28"),
        ("us_ofac_sdn", sdn_b, "2024-03-04"),
    ):
        [result] = update(store, [source], origin=str(folder), as_of=as_of)
        assert result.ok, result.message
    yield Checker(store)
    store.close()


@pytest.mark.parametrize(
    ("entity_id", "listed", "effective", "divest"),
    [
        ("ofac-30882", "2021-06-03", "2021-08-02", "2022-06-03"),  # first EO 14032 cohort
        ("ofac-33114", "2021-12-10", "2022-02-08", "2022-12-10"),  # SenseTime
        ("ofac-33091", "2021-12-16", "2022-02-14", "2022-12-16"),  # the 2021-12-16 cohort
    ],
)
def test_cmic_dates_from_the_real_consolidated_list(
    real: Checker, entity_id, listed, effective, divest
) -> None:
    def verdict(activity: str, on: str) -> str:
        result = real.check(entity_id=entity_id, activity=activity, on=on)
        finding = _finding(result, "us_ofac_cons")
        assert (finding["listed_on"], finding["effective_on"], finding["divestment_on"]) == (
            listed,
            effective,
            divest,
        )
        return result.verdict

    day_before_effective = date.fromordinal(date.fromisoformat(effective).toordinal() - 1).isoformat()
    assert verdict("invest", day_before_effective) == "allowed"
    assert verdict("invest", effective) == "prohibited"
    assert verdict("divest", divest) == "allowed"
    after_divest = date.fromordinal(date.fromisoformat(divest).toordinal() + 1).isoformat()
    assert verdict("divest", after_divest) == "prohibited"


def test_sdn_removal_between_two_real_snapshots(real: Checker) -> None:
    removed = [e for e in real.store.events(source="us_ofac_sdn", change="removed") if e.date == "2024-03-04"]
    assert len(removed) == 86
    entity_id = removed[0].entity_id
    while_listed = real.check(entity_id=entity_id, activity="transact", on="2024-03-01")
    after = real.check(entity_id=entity_id, activity="transact", on="2024-03-05")
    assert while_listed.verdict == "prohibited"
    assert _finding(while_listed, "us_ofac_sdn")["state"] == "in_force"
    assert _finding(after, "us_ofac_sdn")["state"] == "removed"
    assert _finding(after, "us_ofac_sdn")["removed_on"] == "2024-03-04"
    assert after.verdict == "allowed"
    # a removed entry is still found by name, and answered as the entry itself
    by_name = real.check(removed[0].name, activity="transact", on="2024-03-01")
    assert by_name.party is not None and entity_id in by_name.party["entity_ids"]
    assert by_name.verdict == "prohibited"
    assert real.check(removed[0].name, activity="transact", on="2024-03-05").verdict == "allowed"


def test_date_before_the_first_snapshot_is_unknown(real: Checker) -> None:
    removed = real.store.events(source="us_ofac_sdn", change="removed")[0]
    result = real.check(entity_id=removed.entity_id, activity="transact", on="2010-01-01")
    # an SDN entry publishes no listing date: before the first snapshot its standing is not known
    assert result.verdict == "unknown"
    assert [f["state"] for f in result.findings] == ["unknown"]
    assert any("2024-02-28" in n for n in result.notices)
