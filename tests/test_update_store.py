"""The update machinery and the store: snapshots, all-or-nothing, shrinkage guard, history.

Every test runs on both backends: SQLite and a real PostgreSQL server (tests/pg.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from redlist import sources
from redlist.errors import ShrinkageError, SourceError
from redlist.store import Store
from redlist.store.schema import snapshot_records
from redlist.store.update import load, reparse

from toy_source import TOY, toy_file


@pytest.fixture
def store(tmp_path, monkeypatch, store_url):
    monkeypatch.setitem(sources.SOURCES, "toy", TOY)
    with Store.open(tmp_path / "home", url=store_url) as s:
        yield s


def _rows(n: int, start: int = 1) -> list[str]:
    return [f"{i}|COMPANY {i}|SDGT" for i in range(start, start + n)]


def test_first_snapshot_stores_records_and_archives_raw_bytes(store):
    files = toy_file(*_rows(3))
    result = load(store, "toy", files, as_of="2024-01-01")
    assert result.status == "stored"
    snap = store.latest("toy")
    assert (snap.as_of, snap.record_count, snap.format) == ("2024-01-01", 3, "toy")
    assert [e.name for e in store.entities(snap.id)] == ["COMPANY 1", "COMPANY 2", "COMPANY 3"]
    # the raw bytes come back byte for byte, so the snapshot can be re-parsed
    assert store.raw_files(snap) == files


def test_reloading_the_same_publication_changes_nothing(store):
    load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")
    again = load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")
    assert again.status == "unchanged"
    assert store.snapshot_count("toy") == 1


def test_publication_date_used_when_no_as_of_given(store):
    load(store, "toy", toy_file(*_rows(2), as_of="2023-05-06"))
    assert store.latest("toy").as_of == "2023-05-06"


def test_consecutive_snapshots_give_dated_events(store):
    load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")
    rows = _rows(3)
    rows[1] = "2|COMPANY TWO|SDGT"  # amended name
    rows.remove("3|COMPANY 3|SDGT")  # removed
    rows.append("4|COMPANY 4|IRAN")  # added
    result = load(store, "toy", toy_file(*rows), as_of="2024-02-01")
    assert result.changes == {"added": 1, "removed": 1, "amended": 1}
    events = {(e.change.value, e.source_id): e for e in store.events(source="toy")}
    assert set(events) == {("added", "4"), ("removed", "3"), ("amended", "2")}
    assert events[("amended", "2")].fields == ["names"]
    assert events[("removed", "3")].name == "COMPANY 3"
    assert all(e.date == "2024-02-01" and e.previous_date == "2024-01-01" for e in events.values())


def test_snapshot_loaded_out_of_order_rewires_history(store):
    load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")
    load(store, "toy", toy_file(*_rows(5)), as_of="2024-05-01")
    assert [(e.date, e.source_id) for e in store.events()] == [("2024-05-01", "4"), ("2024-05-01", "5")]
    # a publication between the two (over a month before the one loaded last, so it may be smaller):
    # the 01-01 -> 05-01 events are replaced by two steps
    load(store, "toy", toy_file(*_rows(4)), as_of="2024-03-01")
    assert [(e.date, e.source_id) for e in store.events()] == [("2024-03-01", "4"), ("2024-05-01", "5")]


def test_shrinkage_beyond_the_source_limit_refused_unless_a_reason_is_given(store):
    load(store, "toy", toy_file(*_rows(20)), as_of="2024-01-01")
    with pytest.raises(ShrinkageError, match=r"10.0% fewer .* --allow-shrink"):
        load(store, "toy", toy_file(*_rows(18)), as_of="2024-01-02")
    assert store.latest("toy").as_of == "2024-01-01"
    assert load(store, "toy", toy_file(*_rows(19)), as_of="2024-01-03").status == "stored"  # 5% is the limit
    kept = load(
        store, "toy", toy_file(*_rows(5)), as_of="2024-01-04", allow_shrink="OFAC delisted 14 entries"
    )
    assert kept.status == "stored"
    assert store.latest("toy").note == "stored despite shrinking: OFAC delisted 14 entries"


def test_shrinkage_is_measured_against_the_last_loaded_snapshot_too(store):
    load(store, "toy", toy_file(*_rows(20)), as_of="2024-01-01")
    load(store, "toy", toy_file(*_rows(40)), as_of="2024-01-20")
    # by date its neighbour before is the 20-record snapshot, but the one loaded last held 40
    with pytest.raises(ShrinkageError, match="of the snapshot of 2024-01-20"):
        load(store, "toy", toy_file(*_rows(20), *_rows(2, start=100)), as_of="2024-01-10")


def test_a_backfill_long_before_the_last_loaded_snapshot_may_be_smaller(store):
    load(store, "toy", toy_file(*_rows(40)), as_of="2024-06-01")
    assert load(store, "toy", toy_file(*_rows(20)), as_of="2024-01-01").status == "stored"


def test_bad_row_refused_without_a_record_count(store):
    load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")
    with pytest.raises(SourceError) as info:
        load(store, "toy", toy_file(*_rows(3), "!bad"), as_of="2024-01-02")
    assert (info.value.source, info.value.file, info.value.line) == ("toy", "toy.txt", 4)
    assert store.latest("toy").as_of == "2024-01-01"


def test_bad_row_skipped_when_the_record_count_agrees(store):
    result = load(store, "toy", toy_file(*_rows(3), "!bad", count=4), as_of="2024-01-01")
    assert result.status == "stored" and result.snapshot.record_count == 3
    assert any("line 5" in w for w in result.warnings)
    with pytest.raises(SourceError, match="does not agree"):
        load(store, "toy", toy_file(*_rows(3), "!bad", count=9), as_of="2024-01-02")


def test_html_and_empty_publications_leave_the_store_untouched(store):
    load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")
    with pytest.raises(SourceError, match="HTML"):
        load(store, "toy", {"toy.txt": b"<!DOCTYPE html><html><body>Service unavailable</body></html>"})
    with pytest.raises(SourceError, match="empty"):
        load(store, "toy", {"toy.txt": b""})
    assert store.snapshot_count("toy") == 1


def test_failure_inside_the_transaction_rolls_back(store, monkeypatch):
    load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "insert_events", boom)
    with pytest.raises(RuntimeError):
        load(store, "toy", toy_file(*_rows(4)), as_of="2024-01-02")
    assert store.snapshot_count("toy") == 1
    with store.connect() as conn:  # no record of the failed load is left behind
        assert conn.execute(select(func.count()).select_from(snapshot_records)).scalar() == 3


def test_unknown_file_set_is_a_clear_error(store):
    with pytest.raises(SourceError, match="no known file set"):
        load(store, "toy", {"other.csv": b"x"})


def test_reparse_uses_the_archived_bytes(store):
    load(store, "toy", toy_file(*_rows(3)), as_of="2024-01-01")
    load(store, "toy", toy_file(*_rows(4)), as_of="2024-02-01")
    first = store.snapshots("toy")[0]

    # a "newer parser" that reads names in lower case: the snapshot is re-read in place
    def lower(files):
        result = TOY.formats[0].parse(files)
        for e in result.records:
            e.names = [type(n)(n.value.lower(), n.type) for n in e.names]
        return result

    monkeypatch_fmt = type(TOY.formats[0])("toy", ("toy.txt",), (), lower)
    sources.SOURCES["toy"] = type(TOY)("toy", "Toy", (monkeypatch_fmt,), TOY.urls, "2")
    result = reparse(store, first)
    assert result.status == "stored"
    assert store.snapshot_count("toy") == 2
    snap = store.snapshot(first.id)
    assert snap.parser_version == "2"
    assert [e.name for e in store.entities(snap.id)][0] == "company 1"
    # history now shows the parser's reading: names of 1-3 "amended" on 02-01, 4 added
    changes = sorted((e.change.value, e.source_id) for e in store.events(source="toy"))
    assert changes == [("added", "4"), ("amended", "1"), ("amended", "2"), ("amended", "3")]
