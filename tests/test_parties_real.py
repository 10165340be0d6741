"""Parties on the real publications: the SDN snapshots, the consolidated list of 2025-12-19 and the CSL."""

from __future__ import annotations

from pathlib import Path

import pytest

import redlist
from redlist.service import Redlist

from conftest import raw_path


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Redlist:
    home = tmp_path_factory.mktemp("home")
    r = redlist.open(home, reload_interval=0)
    for day in ("2024-02-28", "2024-03-04", "2024-05-03"):
        [done] = r.update(["us_ofac_sdn"], origin=str(raw_path("ofac_sdn", day)), as_of=day)
        assert done.ok, done.message
    loads = (
        ("us_ofac_cons", raw_path("ofac_consolidated", "2025-12-19"), "2025-12-19"),
        ("us_trade_csl", raw_path("trade_csl", "2026-07-31_reconstructed"), "2026-07-31"),
    )
    for source, folder, as_of in loads:
        [done] = r.update([source], origin=str(folder), as_of=as_of)
        assert done.ok, done.message
    return r


def _finding(answer, list_id: str) -> dict:
    [found] = [f for f in answer.findings if f["list"] == list_id and not f.get("via")]
    return found


def test_every_csl_copy_of_an_ofac_entry_is_linked_to_it(real: Redlist) -> None:
    with real.generation() as gen:
        graph = gen.parties
        store = gen.store
        csl = store.latest("us_trade_csl")
        ofac = {
            entity_id
            for source in ("us_ofac_sdn", "us_ofac_cons")
            for snap in store.snapshots(source)
            for _, entity_id in store.record_index(snap.id or 0).values()
        }
        copies = {eid for _, eid in store.record_index(csl.id or 0).values() if eid.startswith("ofac-")}
    both = copies & ofac
    assert len(both) > 14_000  # OFAC entries of 2024-2025 still on the CSL of 2026-07-31
    for entity_id in both:
        party = graph.party_of(entity_id)
        assert party is not None
        [member] = [m for m in party.members if m.entry_id == entity_id]
        assert "us_trade_csl" in member.sources and {"us_ofac_sdn", "us_ofac_cons"} & set(member.sources)


def test_hikvision_divest_uses_ofacs_dates(real: Redlist) -> None:
    name = "Hangzhou Hikvision Digital Technology Co., Ltd."
    before = real.check(name, activity="divest", on="2022-01-15")
    assert before.verdict == "allowed" and before.party["id"] == "ofac-30946"
    cmic = _finding(before, "us_ofac_cons")
    assert cmic["sources"] == ["us_ofac_cons"] and cmic["divestment_on"] == "2022-06-03"
    assert cmic["state"] == "in_force" and cmic["effect"] == "allowed"
    assert real.check(name, activity="divest", on="2022-07-01").verdict == "prohibited"


def test_sensetime_resolves_to_ofacs_entry(real: Redlist) -> None:
    pending = real.check("SenseTime Group Limited", activity="invest", on="2022-02-01")
    assert pending.verdict == "allowed" and pending.party["id"] == "ofac-33114"
    assert _finding(pending, "us_ofac_cons")["state"] == "pending"
    assert "us_dod_1260h:sensetime-group" in pending.party["entity_ids"]  # the 1260H entry is this party
    assert real.check("SenseTime Group Limited", activity="invest", on="2022-02-09").verdict == "prohibited"


def test_dahua_export_on_the_entity_list(real: Redlist) -> None:
    answer = real.check("Zhejiang Dahua Technology Co., Ltd.", activity="export", on="2019-10-10")
    assert answer.verdict == "restricted"
    el = _finding(answer, "us_bis_el")
    assert el["state"] == "in_force" and el["effect"] == "restricted" and el["listed_on"] == "2019-10-09"
    assert {"us_dod_1260h:zhejiang-dahua-technology", "us_ndaa_889:dahua"} <= set(answer.party["entity_ids"])


def test_an_sdn_person_is_dated_by_the_sdn_snapshots(real: Redlist) -> None:
    with real.generation() as gen:
        store = gen.store
        first = store.snapshots("us_ofac_sdn")[0]
        csl = store.latest("us_trade_csl")
        in_csl = {eid for _, eid in store.record_index(csl.id or 0).values()}
        person = next(
            e for e in store.entities(first.id or 0) if str(e.type) == "person" and e.entity_id in in_csl
        )
    answer = real.check(entity_id=person.entity_id, activity="transact", on="2024-03-01")
    assert answer.verdict == "prohibited"
    sdn = _finding(answer, "us_ofac_sdn")
    assert sdn["sources"] == ["us_ofac_sdn"]  # the CSL's copy (first seen 2026-07-31) defers to OFAC's file
    # the first SDN snapshot loaded, not the CSL's date, and labelled as what it is: not a legal date
    assert (sdn["listed_on"], sdn["first_seen"]) == (None, "2024-02-28")


def test_party_stats_and_show(real: Redlist, tmp_path: Path) -> None:
    stats = real.party_stats()
    assert stats["entries"] > stats["parties"] > 20_000
    assert stats["links"]["source_key"] > 14_000 and stats["links"]["name"] > 100
    party, _ = real.party("Huawei")
    assert party is not None and party.id == "ofac-30947"
    # the Entity List's "Huawei Technologies Co., Ltd. (Huawei)" in Shenzhen, not its namesake row in Hong Kong
    assert "bis-el-a80023526d1d" in party.entry_ids and "bis-el-e1a5f44c7d72" not in party.entry_ids
    answer = real.check("Huawei Technologies Co., Ltd.", activity="export", on="2022-06-01")
    assert answer.party["id"] == "ofac-30947"
    assert any("bis-el-e1a5f44c7d72" in n for n in answer.notices), answer.notices
    assert any(r.relation == "has_affiliate" for r in party.related)  # its affiliates: related, not merged
