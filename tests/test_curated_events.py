"""Checks on the curated events file and the FCC, UFLPA and NDAA s.889 list files shipped with redlist.

These read the packaged YAML (no network, no real-data folder) and assert the facts a screening
result depends on: the Xiaomi and ZTE sequences, that every record carries its provenance, and that
event references resolve.
"""

from __future__ import annotations

import pytest

from redlist.curated.loader import check, load_events, load_lists

MY_LISTS = ("us_fcc_covered", "us_dhs_uflpa", "us_ndaa_889")


@pytest.fixture(scope="module")
def events():
    return load_events()


@pytest.fixture(scope="module")
def lists():
    return {lst.list_id: lst for lst in load_lists()}


def _by_id(events):
    return {e.id: e for e in events}


def test_packaged_data_has_no_problems():
    assert check() == []


def test_xiaomi_sequence(events):
    seq = [e for e in events if {"entry": "us_dod_ccmc:xiaomi"} in e.parties]
    steps = [(e.date, e.kind, e.effect) for e in seq]
    assert ("2021-01-14", "designation", "start") in steps
    assert ("2021-03-12", "injunction", "suspend") in steps
    assert ("2021-03-15", "effective", "none") in steps
    assert ("2021-05-25", "vacatur", "end") in steps
    pi = _by_id(events)["xiaomi-preliminary-injunction"]
    assert pi.until == "2021-05-25"
    assert pi.case is not None and pi.case.docket == "No. 1:21-cv-00280-RC" and pi.case.court == "D.D.C."
    assert pi.verification == "confirmed"
    # events come back sorted, so the injunction precedes the vacatur that ends the listing
    dates = [e.date for e in seq]
    assert dates == sorted(dates)


def test_luokung_injunction(events):
    pi = _by_id(events)["luokung-preliminary-injunction"]
    assert (pi.date, pi.kind, pi.effect) == ("2021-05-05", "injunction", "suspend")
    assert pi.case.docket == "No. 1:21-cv-00583-RC"


def test_zte_denial_order_and_lifting(events):
    by = _by_id(events)
    order, lifted = by["zte-denial-order-activated-2018"], by["zte-denial-order-terminated-2018"]
    assert (order.date, order.kind, order.effect, order.list_id) == (
        "2018-04-15",
        "denial_order",
        "start",
        "us_bis_dpl",
    )
    assert order.until == "2025-03-13"
    assert (lifted.date, lifted.kind, lifted.effect) == ("2018-07-13", "denial_lifted", "end")
    assert any(e.kind == "settlement" and e.date.startswith("2017-03") for e in events)


def test_huawei_entity_list_and_fdp_rules(events):
    by = _by_id(events)
    listing = by["huawei-entity-list-2019"]
    assert (listing.date, listing.list_id, listing.effect) == ("2019-05-16", "us_bis_el", "start")
    assert "84 FR 22961" in listing.citation
    fdp = [e for e in events if e.id.startswith("huawei-fdp-rule")]
    assert sorted(e.date for e in fdp) == ["2020-05-15", "2020-08-17"]
    assert all(e.effect == "none" for e in fdp)


def test_same_day_relisting_does_not_end_hesai(events):
    hesai = [e for e in events if {"entry": "us_dod_1260h:hesai"} in e.parties]
    # the 2024-10-16 delist/relist must not leave an "end" on that day
    assert not [e for e in hesai if e.date == "2024-10-16" and e.effect == "end"]


def test_every_event_has_provenance(events):
    assert len(events) >= 50
    for e in events:
        assert e.citation and e.source_url.startswith(("http://", "https://")), e.id
        assert e.verification in {"confirmed", "secondary", "unconfirmed"}, e.id
        assert e.parties, e.id
        if e.effect == "suspend":
            assert e.kind == "injunction" or e.kind == "denial_suspended", e.id


def test_my_list_files_entries_have_citations(lists):
    for list_id in MY_LISTS:
        lst = lists[list_id]
        assert lst.entries, list_id
        for entry in lst.entries:
            assert entry.citation and entry.source_url.startswith("http"), entry.entity_id
            assert entry.verification in {"confirmed", "secondary", "unconfirmed"}, entry.entity_id


def test_fcc_initial_list_and_ndaa_names(lists):
    fcc = {e.id: e for e in lists["us_fcc_covered"].entries}
    initial = {i for i, e in fcc.items() if e.listed_on == "2021-03-12"}
    assert initial == {"huawei", "zte", "hytera", "hikvision", "dahua"}
    ndaa = {e.name for e in lists["us_ndaa_889"].entries}
    assert ndaa == {
        "Huawei Technologies Company",
        "ZTE Corporation",
        "Hytera Communications Corporation",
        "Hangzhou Hikvision Digital Technology Company",
        "Dahua Technology Company",
    }
    assert {e.listed_on for e in lists["us_ndaa_889"].entries} == {"2018-08-13"}


def test_check_reports_a_dangling_entry_reference(tmp_path):
    (tmp_path / "us_ndaa_889.yaml").write_text(
        "list: us_ndaa_889\ntitle: t\nauthority: a\nsource_url: https://x.test\n"
        "entries:\n  - {id: zte, name: ZTE Corporation, listed_on: 2018-08-13, citation: c,"
        " source_url: https://x.test, verification: secondary}\n"
    )
    (tmp_path / "events.yaml").write_text(
        "events:\n  - {id: e1, date: 2018-08-13, kind: statute, list: us_ndaa_889,"
        " parties: [{entry: 'us_ndaa_889:huawei'}], effect: start, citation: c,"
        " source_url: https://x.test, verification: confirmed, summary: s}\n"
    )
    problems = check(tmp_path)
    assert any("us_ndaa_889:huawei" in p for p in problems)
