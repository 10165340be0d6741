"""The current state across sources on real data: CSL copies of OFAC entries link, never count twice."""

from __future__ import annotations

import pytest

from redlist.store import Store
from redlist.store.current import current_entities
from redlist.store.update import update

from conftest import raw_path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    cons = raw_path("ofac_consolidated", "2025-12-19")
    csl = raw_path("trade_csl", "2026-07-31_reconstructed")
    with Store.open(tmp_path_factory.mktemp("home")) as s:
        for source, folder in (("us_ofac_cons", cons), ("us_trade_csl", csl)):
            [result] = update(s, [source], origin=str(folder))
            assert result.ok, result.message
        yield s


def test_csl_copies_of_ofac_entries_merge_into_one_entity(store):
    entities = current_entities(store)
    ids = [e.entity_id for e in entities]
    assert len(ids) == len(set(ids))
    cons = {e.entity_id for e in store.entities(store.latest("us_ofac_cons").id)}
    csl = {e.entity_id for e in store.entities(store.latest("us_trade_csl").id)}
    assert len(entities) == len(cons | csl)
    # 437 of the 442 consolidated-list entries are also in the CSL (one CSL row per sub-list)
    assert len(cons & csl) == 437
    china_mobile = next(e for e in entities if e.entity_id == "ofac-30923")
    assert china_mobile.source == "us_ofac_cons"  # OFAC's own record leads
    assert [lst.list_id for lst in china_mobile.listings] == ["us_ofac_cons"]
    assert any(i.type == "isin" for i in china_mobile.identifiers)


def test_entity_list_entries_keep_their_own_ids(store):
    huawei = [
        e
        for e in current_entities(store, ["us_trade_csl"])
        if e.name.startswith("Huawei Technologies Co., Ltd.")
    ]
    assert huawei and all(e.entity_id.startswith("bis-el-") for e in huawei)
    assert huawei[0].listings[0].license_requirement
