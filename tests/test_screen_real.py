"""Screening on the real OFAC consolidated list: a portfolio of ISINs finds its CMIC issuers exactly."""

from __future__ import annotations

import json

import pytest

from redlist.batch.run import screen_file
from redlist.model import IdType
from redlist.screen import Query, Screener
from redlist.store import Store
from redlist.store.current import current_entities
from redlist.store.update import update

from conftest import raw_path


@pytest.fixture(scope="module")
def cons(tmp_path_factory) -> list:
    folder = raw_path("ofac_consolidated", "2025-12-19")
    with Store.open(tmp_path_factory.mktemp("home")) as store:
        [result] = update(store, ["us_ofac_cons"], origin=str(folder), as_of="2025-12-19")
        assert result.ok, result.message
        return current_entities(store)


def test_every_valid_isin_finds_its_issuer(cons) -> None:
    screener = Screener(cons)
    isins = [(e.entity_id, i) for e in cons for i in e.identifiers if i.type == IdType.ISIN]
    assert len(isins) == 165
    valid = [(eid, i.value) for eid, i in isins if i.valid is not False]
    invalid = [(eid, i.value) for eid, i in isins if i.valid is False]
    assert len(invalid) == 3
    for entity_id, isin in valid:
        result = screener.screen(Query(identifiers={"isin": isin}))
        assert entity_id in [m.entity_id for m in result.matches], isin
        assert all(m.score == 1.0 for m in result.matches)
    for entity_id, isin in invalid:  # asked exactly as OFAC prints it: found, and said to be invalid
        result = screener.screen(Query(identifiers={"isin": isin}))
        assert [m.entity_id for m in result.matches] == [entity_id], isin
        assert "fails its check digit" in result.matches[0].explanation["summary"]
        # one character more or less is not the listed value: refused as invalid, as any other
        near = isin[:-1] + ("0" if isin[-1] != "0" else "1")
        refused = screener.screen(Query(identifiers={"isin": near}))
        assert refused.matches == [] and "invalid" in refused.warnings[0]


def test_portfolio_file(cons, tmp_path) -> None:
    screener = Screener(cons)
    isins = [i.value for e in cons for i in e.identifiers if i.type == IdType.ISIN and i.valid][:20]
    src = tmp_path / "portfolio.csv"
    src.write_text(
        "id,isin\n" + "".join(f"p{n},{isin}\n" for n, isin in enumerate(isins)) + "px,US0378331005\n"
    )
    out = tmp_path / "hits.jsonl"
    summary = screen_file(screener, str(src), str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary.rows == len(rows) == 21
    assert all(r["matches"] for r in rows[:20])
    assert rows[20]["matches"] == []  # a valid ISIN of an unlisted issuer
