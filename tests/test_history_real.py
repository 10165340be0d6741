"""History on the real daily SDN snapshots in shared/: the change counts OFAC's lists really had."""

from __future__ import annotations

import pytest

from redlist.store import Store
from redlist.store.history import summarize
from redlist.store.update import update

from conftest import raw_path
from pg import BACKENDS

DATES = ["2024-02-28", "2024-03-04", "2024-04-26", "2024-05-01", "2024-05-02", "2024-05-03"]


@pytest.fixture(scope="module", params=BACKENDS)
def sdn_store(tmp_path_factory, request):
    """The six publications in one store, on SQLite and on PostgreSQL (tests/pg.py)."""
    folders = {d: raw_path("ofac_sdn", d) for d in DATES}
    url = request.getfixturevalue("postgres_server").database() if request.param == "postgresql" else None
    with Store.open(tmp_path_factory.mktemp("home"), url=url) as store:
        # loaded newest first on purpose: history follows publication dates, not loading order
        for day in reversed(DATES):
            [result] = update(
                store, ["us_ofac_sdn"], origin=str(folders[day]), as_of=day, allow_shrink="history test"
            )
            assert result.status == "stored", result.message
        yield store


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("2024-02-28", "2024-03-04", {"added": 2, "removed": 86, "amended": 12}),
        ("2024-03-04", "2024-04-26", {"added": 251, "removed": 9, "amended": 18}),
        ("2024-04-26", "2024-05-01", {"added": 298, "removed": 0, "amended": 0}),
        ("2024-05-01", "2024-05-02", {"added": 7, "removed": 0, "amended": 0}),
        ("2024-05-02", "2024-05-03", {"added": 0, "removed": 8, "amended": 0}),
    ],
)
def test_sdn_change_counts(sdn_store, before, after, expected):
    events = [e for e in sdn_store.events(source="us_ofac_sdn") if e.date == after]
    assert all(e.previous_date == before for e in events)
    assert summarize(events) == expected


def test_removed_and_added_events_name_the_entry(sdn_store):
    removed = sdn_store.events(source="us_ofac_sdn", since="2024-05-03", change="removed")
    assert len(removed) == 8 and all(e.name and e.list == "us_ofac_sdn" for e in removed)
    assert all(e.entity_id == f"ofac-{e.source_id}" for e in removed)
    counts = {s.as_of: s.record_count for s in sdn_store.snapshots("us_ofac_sdn")}
    assert counts == {
        "2024-02-28": 14510,
        "2024-03-04": 14426,
        "2024-04-26": 14668,
        "2024-05-01": 14966,
        "2024-05-02": 14973,
        "2024-05-03": 14965,
    }


def test_amended_events_name_the_changed_fields(sdn_store):
    amended = sdn_store.events(source="us_ofac_sdn", since="2024-03-04", until="2024-03-04", change="amended")
    assert amended and all(e.fields for e in amended)
    # only sdn.csv was published in these folders: aliases and addresses are not reported as changes
    assert not any(f in ("addresses", "countries") for e in amended for f in e.fields)
