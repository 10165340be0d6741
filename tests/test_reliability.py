"""Issue 16: one regression test per failure fault injection found, on hand-written fixtures that
are cut, swapped and corrupted here. Items already covered elsewhere are named in
docs/reliability.md (API limits and headers in test_api_guard.py, download deadline in
test_fetch.py, reload memory in test_service.py)."""

from __future__ import annotations

import csv
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redlist.cli import app
from redlist.errors import ShrinkageError, SourceError
from redlist.store import Store
from redlist.store.update import load, update

from conftest import FIXTURES

runner = CliRunner()
N = "-0- "


def csv_bytes(*rows: str) -> bytes:
    """Rows in OFAC's legacy CSV layout: CRLF after each row and the closing 0x1A."""
    return "".join(r + "\r\n" for r in rows).encode() + b"\x1a"


def sdn_row(ent: int, name: str, program: str = "SDGT", sdn_type: str = N) -> str:
    return f'{ent},"{name}",{sdn_type},"{program}",' + ",".join([N] * 8)


def sdn_file(n: int, start: int = 1) -> dict[str, bytes]:
    return {"sdn.csv": csv_bytes(*(sdn_row(i, f"COMPANY NUMBER {i} LTD") for i in range(start, start + n)))}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "home") as s:
        yield s


def _untouched(store: Store, as_of: str, records: int) -> None:
    snap = store.latest("us_ofac_sdn") or store.latest("us_ofac_cons") or store.latest("us_trade_csl")
    assert snap is not None and (snap.as_of, snap.record_count) == (as_of, records)


# --- 1. truncated publications -------------------------------------------------------------------


def test_1_sdn_csv_cut_at_a_row_boundary_is_refused_for_its_missing_end_mark(store):
    load(store, "us_ofac_sdn", sdn_file(40), as_of="2024-01-01")
    cut = csv_bytes(*(sdn_row(i, f"COMPANY NUMBER {i} LTD") for i in range(1, 35)))[:-1]  # no 0x1A
    with pytest.raises(SourceError, match="end-of-file mark") as info:
        load(store, "us_ofac_sdn", {"sdn.csv": cut}, as_of="2024-01-02")
    assert info.value.file == "sdn.csv"
    _untouched(store, "2024-01-01", 40)


def test_1_sdn_csv_cut_and_resealed_is_a_refused_shrink_unless_a_reason_is_given(store):
    load(store, "us_ofac_sdn", sdn_file(40), as_of="2024-01-01")
    resealed = sdn_file(38)  # 5% fewer, closed with 0x1A like a whole file: only the count tells
    with pytest.raises(ShrinkageError, match=r"5\.0% fewer .*limit 3%"):
        load(store, "us_ofac_sdn", resealed, as_of="2024-01-02")
    _untouched(store, "2024-01-01", 40)
    kept = load(store, "us_ofac_sdn", resealed, as_of="2024-01-02", allow_shrink="two delistings checked")
    assert (
        kept.status == "stored" and kept.snapshot.note == "stored despite shrinking: two delistings checked"
    )


def test_1_ofac_xml_resealed_after_a_record_is_refused_by_its_record_count(store):
    xml = (FIXTURES / "ofac_xml" / "sdn.xml").read_bytes()
    assert b"<Record_Count>4</Record_Count>" in xml
    last = xml.rindex(b"<sdnEntry>")
    resealed = xml[:last] + xml[xml.index(b"</sdnEntry>", last) + len(b"</sdnEntry>") :]
    with pytest.raises(SourceError, match="declares 4 records but holds 3"):
        load(store, "us_ofac_sdn", {"sdn.xml": resealed}, as_of="2025-03-14")
    assert store.latest("us_ofac_sdn") is None


def test_1_csl_json_short_of_its_declared_total_is_refused(store):
    text = (FIXTURES / "trade_csl" / "consolidated.json").read_text()
    assert '"total": 3' in text
    short = re.sub(r'"total": 3', '"total": 4', text).encode()
    with pytest.raises(SourceError, match="4"):
        load(store, "us_trade_csl", {"consolidated.json": short}, as_of="2024-01-01")
    assert store.latest("us_trade_csl") is None


def test_1_sdn_csv_cut_by_under_3_percent_and_resealed_is_refused_for_its_missing_newest_records(store):
    """100 records cut to 98 and resealed: a 2% shrink, under OFAC's limit, but the file (sorted
    by ent_num) ends just before the previous snapshot's newest records with nothing newer."""
    load(store, "us_ofac_sdn", sdn_file(100), as_of="2024-01-01")
    with pytest.raises(ShrinkageError, match=r"the 2 newest|the 3 newest") as info:
        load(store, "us_ofac_sdn", sdn_file(97), as_of="2024-01-02")
    assert "98 to 100" in str(info.value)
    _untouched(store, "2024-01-01", 100)
    assert (
        load(store, "us_ofac_sdn", sdn_file(97), as_of="2024-01-02", allow_shrink="checked").status
        == "stored"
    )


def test_1_an_older_publication_loaded_after_a_newer_one_is_not_taken_for_a_cut(store):
    load(store, "us_ofac_sdn", sdn_file(100), as_of="2024-01-10")  # ent_num 1-100
    older = load(store, "us_ofac_sdn", sdn_file(97), as_of="2024-01-05")  # before 98-100 were listed
    assert older.status == "stored"
    assert not any("fewer records" in w for w in older.warnings)


def test_1_delistings_spread_over_the_list_and_new_records_are_a_normal_day(store):
    load(store, "us_ofac_sdn", sdn_file(100), as_of="2024-01-01")
    rows = [sdn_row(i, f"COMPANY NUMBER {i} LTD") for i in range(1, 101) if i not in (50, 99, 100)]
    result = load(store, "us_ofac_sdn", {"sdn.csv": csv_bytes(*rows)}, as_of="2024-01-02")
    # stored, since delistings happen, but never silently: a cut this small looks the same
    assert result.status == "stored"
    warning = "3 fewer records (3.0%) than the snapshot of 2024-01-01 (limit 3%): check that the publication"
    assert any(w.startswith(warning) for w in result.warnings)
    assert any(w.startswith(warning) for w in store.latest("us_ofac_sdn").warnings)
    rows.append(sdn_row(101, "COMPANY NUMBER 101 LTD"))  # the newest gone, but a newer one added
    rows = [r for r in rows if not r.startswith(("97,", "98,"))]
    assert load(store, "us_ofac_sdn", {"sdn.csv": csv_bytes(*rows)}, as_of="2024-01-03").status == "stored"


@pytest.mark.parametrize(
    ("as_of", "needle"),
    [("2025-03-01", "after the --as-of"), ("2025-06-30", "more than 31 days before")],
)
def test_1_the_date_a_file_states_must_fit_its_as_of(store, as_of, needle):
    xml = {"sdn.xml": (FIXTURES / "ofac_xml" / "sdn.xml").read_bytes()}  # Publish_Date 03/14/2025
    with pytest.raises(SourceError, match=needle):
        load(store, "us_ofac_sdn", xml, as_of=as_of)
    assert load(store, "us_ofac_sdn", xml, as_of="2025-03-20").status == "stored"


# --- 2. nameless and column-swapped records ------------------------------------------------------


def test_2_a_nameless_sdn_row_is_a_bad_row_with_file_and_line(store):
    rows = [sdn_row(i, f"COMPANY NUMBER {i} LTD") for i in range(1, 6)]
    rows[2] = f'3,{N},{N},"SDGT",' + ",".join([N] * 8)
    with pytest.raises(SourceError, match="ent_num 3 has no name") as info:
        load(store, "us_ofac_sdn", {"sdn.csv": csv_bytes(*rows)}, as_of="2024-01-01")
    assert (info.value.file, info.value.line) == ("sdn.csv", 3)
    assert store.latest("us_ofac_sdn") is None


def test_2_name_and_program_columns_swapped_in_whole_are_refused(store):
    """The program column then holds the names, so no name is one of "the file's own programs";
    the one program code on every row gives it away."""
    rows = [sdn_row(i, "SDGT", program=f"COMPANY NUMBER {i} LTD") for i in range(1, 31)]
    with pytest.raises(SourceError, match="30 of 30 rows have the same name 'SDGT'") as info:
        load(store, "us_ofac_sdn", {"sdn.csv": csv_bytes(*rows)}, as_of="2024-01-01")
    assert info.value.line == 1


def test_2_a_name_repeated_on_a_few_rows_is_still_a_list(store):
    rows = [sdn_row(i, f"COMPANY NUMBER {i} LTD") for i in range(1, 31)]
    rows[:4] = [sdn_row(i, "AL-AQSA FOUNDATION") for i in range(1, 5)]  # as on the real list
    assert load(store, "us_ofac_sdn", {"sdn.csv": csv_bytes(*rows)}, as_of="2024-01-01").status == "stored"


def test_2_text_where_the_entity_number_belongs_is_an_unknown_layout(store):
    rows = [f'"COMPANY NUMBER {i} LTD",{i},{N},"SDGT",' + ",".join([N] * 8) for i in range(1, 6)]
    with pytest.raises(SourceError, match="unknown column layout"):
        load(store, "us_ofac_sdn", {"sdn.csv": csv_bytes(*rows)}, as_of="2024-01-01")


def test_2_after_a_refused_swap_history_screen_and_show_still_answer(home):
    folder = home.parent / "in"
    folder.mkdir(parents=True)
    (folder / "sdn.csv").write_bytes(sdn_file(20)["sdn.csv"])
    assert (
        runner.invoke(
            app, ["update", "us_ofac_sdn", "--from", str(folder), "--as-of", "2024-01-01"]
        ).exit_code
        == 0
    )
    rows = [sdn_row(i, "SDGT", program=f"COMPANY NUMBER {i} LTD") for i in range(1, 21)]
    (folder / "sdn.csv").write_bytes(csv_bytes(*rows))
    refused = runner.invoke(app, ["update", "us_ofac_sdn", "--from", str(folder), "--as-of", "2024-01-02"])
    assert refused.exit_code == 1 and "same name" in refused.output
    for args in (["screen", "COMPANY NUMBER 7 LTD"], ["show", "ofac-7"], ["changes"]):
        result = runner.invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "Traceback" not in result.output


# --- 3. two updaters at once ---------------------------------------------------------------------


def _history(home: Path) -> tuple[list, list]:
    conn = sqlite3.connect(home / "redlist.sqlite")
    snaps = sorted(conn.execute("SELECT as_of, record_count, sha256 FROM snapshots"))
    events = sorted(conn.execute("SELECT date, previous_date, source_id, change, fields FROM events"))
    conn.close()
    return snaps, events


def _cli_update(home: Path, folder: Path, as_of: str) -> subprocess.Popen:
    env = dict(os.environ, REDLIST_HOME=str(home))
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "redlist", "update", "us_ofac_sdn", "--from", str(folder), "--as-of", as_of]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_3_concurrent_updaters_write_the_history_of_a_serial_run(tmp_path):
    """Three publications of one source loaded by three processes at once, in reverse date order:
    every neighbour is read under the write lock, so the history is the serial one."""
    days = ["2024-01-01", "2024-01-02", "2024-01-03"]
    folders = []
    for n, day in enumerate(days):
        folder = tmp_path / day
        folder.mkdir()
        # each day adds two records and drops one
        (folder / "sdn.csv").write_bytes(sdn_file(100 + n, start=1 + n)["sdn.csv"])
        folders.append(folder)
    serial = tmp_path / "serial"
    for folder, day in zip(folders, days, strict=True):
        assert _cli_update(serial, folder, day).wait() == 0
    together = tmp_path / "together"
    Store.open(together).close()
    procs = [_cli_update(together, f, d) for f, d in reversed(list(zip(folders, days, strict=True)))]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert _history(together) == _history(serial)
    # each day after the first: one record removed, two added
    assert Counter(e[3] for e in _history(serial)[1]) == {"added": 4, "removed": 2}


def test_3_a_second_updater_waits_for_the_lock_saying_so(store, tmp_path):
    load(store, "us_ofac_sdn", sdn_file(40), as_of="2024-01-01")
    holder = sqlite3.connect(tmp_path / "home" / "redlist.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    said: list[str] = []
    waiting = threading.Event()

    def progress(stage: str, done: int, total: int | None) -> None:
        said.append(stage)
        if "waiting for another update" in stage:
            waiting.set()

    result = {}

    def second_updater() -> None:
        with Store.open(tmp_path / "home") as other:  # its own connection, as another process has
            result["r"] = load(other, "us_ofac_sdn", sdn_file(41), as_of="2024-01-02", progress=progress)

    thread = threading.Thread(target=second_updater)
    thread.start()
    assert waiting.wait(timeout=60)
    holder.execute("COMMIT")
    thread.join(timeout=120)
    assert result["r"].status == "stored"
    assert "us_ofac_sdn: waiting for another update of this store to finish" in said


def test_3_readers_open_the_store_while_an_updater_holds_the_lock(store, tmp_path):
    """Opening an existing store only reads: screen, show and the API are not held up (or failed
    with "database is locked") by an update's transaction."""
    load(store, "us_ofac_sdn", sdn_file(40), as_of="2024-01-01")
    holder = sqlite3.connect(tmp_path / "home" / "redlist.sqlite", isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM update_log")  # a pending write, as an updater's would be
    try:
        with Store.open(tmp_path / "home", create=False) as reader:
            assert reader.latest("us_ofac_sdn").record_count == 40
    finally:
        holder.execute("ROLLBACK")


# --- 5. huge lines and deep nesting on the CLI ---------------------------------------------------


@pytest.fixture
def default_csv_limit():
    """The csv module's field limit is process-wide and batch reading raises it to 10 MB: pin the
    default a fresh `redlist update` process has, whatever ran before in this one."""
    old = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(old)


def test_5_a_csv_field_over_the_csv_limit_is_a_clear_error_naming_file_and_line(
    home, tmp_path, default_csv_limit
):
    rows = [sdn_row(i, f"COMPANY NUMBER {i} LTD") for i in range(1, 6)]
    rows[3] = sdn_row(4, "X" * 300_000)  # over the csv module's 131,072-character field limit
    path = tmp_path / "sdn.csv"
    path.write_bytes(csv_bytes(*rows))
    result = runner.invoke(app, ["update", "us_ofac_sdn", "--from", str(path), "--as-of", "2024-01-01"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "sdn.csv, line 4" in said and "field larger than field limit" in said
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_5_csl_json_nested_100000_deep_is_a_clear_error(home, tmp_path):
    path = tmp_path / "consolidated.json"
    path.write_bytes(b'{"results": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    result = runner.invoke(app, ["update", "us_trade_csl", "--from", str(path), "--as-of", "2024-01-01"])
    assert result.exit_code == 1 and "nested too deeply" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- 7. encodings --------------------------------------------------------------------------------


def test_7_a_byte_that_is_not_utf8_refuses_the_file_naming_the_offset(store):
    data = csv_bytes(sdn_row(1, "COMPANY ONE LTD"), sdn_row(2, "CAFE NUMBER TWO"))
    bad = data.replace(b"CAFE", b"CAF\xe9")
    offset = bad.index(b"\xe9")
    with pytest.raises(SourceError, match=rf"not UTF-8 at byte {offset}\b") as info:
        load(store, "us_ofac_sdn", {"sdn.csv": bad}, as_of="2024-01-01")
    assert (info.value.file, info.value.line) == ("sdn.csv", 2)


def test_7_the_dpl_read_in_latin1_only_where_needed_and_with_a_warning_naming_the_rows(store):
    data = (FIXTURES / "bis_dpl" / "dpl.txt").read_bytes()
    lines = data.split(b"\n")
    target = next(i for i, line in enumerate(lines) if i > 0 and b"\t" in line)
    lines[target] = lines[target].replace(b"\t", b" \xe9\t", 1)
    result = load(store, "us_bis_dpl", {"dpl.txt": b"\n".join(lines)}, as_of="2024-01-01")
    assert result.status == "stored"
    assert any(f"line(s) {target + 1}" in w and "cp1252" in w for w in result.warnings)


# --- 8. dates ------------------------------------------------------------------------------------


def test_8_an_as_of_more_than_a_day_ahead_is_a_usage_error(home, tmp_path):
    path = tmp_path / "sdn.csv"
    path.write_bytes(sdn_file(3)["sdn.csv"])
    far = runner.invoke(app, ["update", "us_ofac_sdn", "--from", str(path), "--as-of", "9999-12-31"])
    assert far.exit_code == 2 and "in the future" in far.output
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert (
        runner.invoke(app, ["update", "us_ofac_sdn", "--from", str(path), "--as-of", tomorrow]).exit_code == 0
    )


def test_8_update_from_the_library_refuses_a_future_as_of_too(store, tmp_path):
    (tmp_path / "sdn.csv").write_bytes(sdn_file(3)["sdn.csv"])
    with pytest.raises(Exception, match="in the future"):
        update(store, ["us_ofac_sdn"], origin=str(tmp_path / "sdn.csv"), as_of="2100-01-01")
    assert store.latest("us_ofac_sdn") is None


# --- byte flips the suite found: a corrupted DPL name ---------------------------------------------


def _dpl(names: list[str]) -> bytes:
    from redlist.sources.bis_dpl import HEADER

    head = "\t".join(f'"{h}"' for h in HEADER)
    rows = [
        "\t".join(
            f'"{v}"'
            for v in (name, "1 MAIN ST", "TOWN", "", "US", "", "01/02/2020", "01/02/2030", "Y", "2020-01-03")
        )
        + '\t"F.R. NOTICE ADDED"\t"85 F.R. 100 1/3/2020"'
        for name in names
    ]
    return ("\r\n".join([head, *rows]) + "\r\n").encode()


def test_flip_a_dpl_name_corrupted_out_of_the_files_order_is_named_in_a_warning(store):
    """A flipped byte in a name splits a denial of several rows into a new record: no count can
    reveal it, but BIS sorts the file by Name and the corrupt row lands out of order."""
    names = sorted(f"PERSON {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(40))
    names.insert(21, names[20])  # a denial published on two rows
    load(store, "us_bis_dpl", {"dpl.txt": _dpl(names)}, as_of="2024-01-01")
    flipped = [*names]
    flipped[21] = ":" + flipped[21][1:]  # "PERSON AU" -> ":ERSON AU": one record more
    result = load(store, "us_bis_dpl", {"dpl.txt": _dpl(flipped)}, as_of="2024-01-02")
    assert result.snapshot.record_count == 41
    assert any("1 row(s) out of the file's order by Name" in w and "line(s) 23" in w for w in result.warnings)
