"""The store on both backends: migrations, the write lock, several processes sharing one database.

PostgreSQL runs for real (tests/pg.py starts a server); nothing is mocked.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from typer.testing import CliRunner

from redlist import sources
from redlist.cli import app as cli
from redlist.curated import load as load_curated
from redlist.errors import StoreError
from redlist.parties import storage as party_storage  # declares the party tables on the metadata
from redlist.parties.resolve import resolve
from redlist.service import Redlist
from redlist.settings import Settings
from redlist.store import Store
from redlist.store.engine import MIGRATIONS
from redlist.store.schema import HEAD, metadata
from redlist.store.update import load, update
from redlist.watch import storage as watch_storage  # noqa: F401 - declares the watch tables on the metadata

from conftest import FIXTURES
from toy_source import TOY, toy_file

runner = CliRunner()


@pytest.fixture(autouse=True)
def _toy(monkeypatch):
    monkeypatch.setitem(sources.SOURCES, "toy", TOY)


def _rows(n: int) -> list[str]:
    return [f"{i}|COMPANY {i}|SDGT" for i in range(1, n + 1)]


def test_head_is_the_newest_migration() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    assert script.get_current_head() == HEAD


def test_the_migrated_schema_is_the_declared_one(tmp_path, store_url) -> None:
    with Store.open(tmp_path / "home", url=store_url) as store, store.connect() as conn:
        assert store.revision() == HEAD
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        assert compare_metadata(context, metadata) == []


def test_a_store_made_before_migrations_is_adopted(tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    old = sqlite3.connect(home / "redlist.sqlite")
    old.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE snapshots (id INTEGER PRIMARY KEY, source TEXT NOT NULL, as_of TEXT NOT NULL,
            fetched_at TEXT NOT NULL, sha256 TEXT NOT NULL, parser_version TEXT NOT NULL, format TEXT,
            record_count INTEGER NOT NULL, origin TEXT, files TEXT NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'ok');
        INSERT INTO snapshots (source, as_of, fetched_at, sha256, parser_version, record_count, files)
            VALUES ('toy', '2024-01-01', '2024-01-01T00:00:00+00:00', 'abc', '1', 0, '[]');
        """
    )
    old.close()
    with Store.open(home) as store:
        assert store.revision() == HEAD
        [snap] = store.snapshots("toy")  # kept, and the column added since (note) is there
        assert (snap.as_of, snap.note) == ("2024-01-01", None)
        assert load(store, "toy", toy_file(*_rows(2)), as_of="2024-02-01").status == "stored"


def test_the_party_graph_round_trips(tmp_path, store_url) -> None:
    home = tmp_path / "home"
    with Store.open(home, url=store_url) as store:
        [result] = update(store, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
        assert result.ok, result.message
        graph = resolve(store, load_curated(), home)
        assert graph.parties
        party_storage.save(store, graph, "first")
        party_storage.save(store, graph, "second")  # replaces the whole graph
        assert party_storage.load(store, "first") is None  # built from other data: not used
        back = party_storage.load(store, "second")
        assert back is not None
        assert {k: p.to_dict() for k, p in back.parties.items()} == {
            k: p.to_dict() for k, p in graph.parties.items()
        }
        assert back.of_entry == graph.of_entry
        assert party_storage.info(store)["stats"] == graph.stats()


def test_a_database_from_a_newer_redlist_is_refused(tmp_path, store_url) -> None:
    home = tmp_path / "home"
    with Store.open(home, url=store_url) as store, store.transaction() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="cannot migrate the store's database.*9999"):
        Store.open(home, url=store_url)


def test_a_second_writer_waits_saying_so_then_writes(tmp_path, store_url) -> None:
    home = tmp_path / "home"
    with Store.open(home, url=store_url) as first, Store.open(home, url=store_url) as second:
        said: list[str] = []
        asked = threading.Event()
        results = []

        def progress(stage: str, done: int, total: int | None) -> None:
            if "waiting" in stage:
                said.append(stage)
                asked.set()

        def other_update() -> None:
            results.append(load(second, "toy", toy_file(*_rows(3)), as_of="2024-01-02", progress=progress))

        with first.transaction():  # an update of another process holds the lock
            worker = threading.Thread(target=other_update)
            worker.start()
            assert asked.wait(60), "the second update never said it was waiting"
            assert not results  # still waiting while the lock is held
        worker.join(60)
        assert said == ["toy: waiting for another update of this store to finish"]
        assert [r.status for r in results] == ["stored"]
        assert first.latest("toy").record_count == 3  # the other process sees the write


def test_a_writer_gives_up_after_the_wait_with_a_clear_error(tmp_path, store_url) -> None:
    home = tmp_path / "home"
    with Store.open(home, url=store_url) as first, Store.open(home, url=store_url) as second:
        errors: list[Exception] = []

        def other() -> None:
            try:
                with second.transaction(wait=0.2):
                    pass
            except StoreError as exc:
                errors.append(exc)

        with first.transaction():
            worker = threading.Thread(target=other)
            worker.start()
            worker.join(60)
        assert len(errors) == 1 and "locked by another update" in str(errors[0])
        with second.transaction():  # free again once the first one is done
            pass


def test_readers_do_not_wait_for_a_writer(tmp_path, store_url) -> None:
    home = tmp_path / "home"
    with Store.open(home, url=store_url) as writer, Store.open(home, url=store_url) as reader:
        load(writer, "toy", toy_file(*_rows(2)), as_of="2024-01-01")
        with writer.transaction() as conn:
            writer.log_update("toy", "stored", "inside the writer's transaction")
            assert writer.last_attempt("toy")["message"] == "inside the writer's transaction"
            # another process reads the committed data meanwhile, and not the uncommitted row
            assert reader.latest("toy").record_count == 2
            assert reader.last_attempt("toy") is None
            assert conn is not None
        assert reader.last_attempt("toy")["message"] == "inside the writer's transaction"


def test_api_workers_share_one_postgresql_database(tmp_path, pg_url) -> None:
    """Two workers (two facades, as two server processes would have) over one database: what
    one stores, the other answers from, and no SQLite file is made."""
    home = tmp_path / "home"
    one = Redlist(Settings.load(home=home, database_url=pg_url, reload_interval=0))
    two = Redlist(Settings.load(home=home, database_url=pg_url, reload_interval=0))
    try:
        [result] = one.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_a"), as_of="2024-01-02")
        assert result.status == "stored", result.message
        with two.generation() as gen:
            before = gen.key
        assert two.screen("Northwind Shipping Lines").matches[0].entity_id == "ofac-101"
        [again] = two.update(["us_ofac_sdn"], origin=str(FIXTURES / "cli" / "sdn_b"), as_of="2024-01-09")
        assert again.status == "stored", again.message
        with one.generation() as gen:  # the first worker sees the second one's update
            assert gen.key != before
        assert one.changes(since="2024-01-09")
        assert not (home / "redlist.sqlite").exists()
    finally:
        one.close()
        two.close()


def test_cli_runs_on_postgresql_from_the_environment(tmp_path, pg_url, monkeypatch) -> None:
    monkeypatch.setenv("REDLIST_DATABASE_URL", pg_url)
    home = str(tmp_path / "home")
    upgraded = runner.invoke(cli, ["--home", home, "db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "postgresql" in upgraded.output and f"upgraded from none to revision {HEAD}" in upgraded.output
    args = ["--home", home, "update", "us_ofac_sdn", "--from", str(FIXTURES / "cli" / "sdn_a")]
    assert runner.invoke(cli, [*args, "--as-of", "2024-01-02"]).exit_code == 0
    again = runner.invoke(cli, ["--home", home, "db", "upgrade"])
    assert f"already at revision {HEAD}" in again.output
    assert not (Path(home) / "redlist.sqlite").exists()


def test_an_unreachable_or_unknown_database_is_a_clear_error(tmp_path, postgres_server) -> None:
    closed = postgres_server.url("nosuchdb")
    with pytest.raises(StoreError, match="cannot open the store at postgresql.*nosuchdb"):
        Store.open(tmp_path / "home", url=closed)
    with pytest.raises(StoreError, match="sqlite:///PATH or postgresql://"):
        Store.open(tmp_path / "home", url="mysql://db/redlist")
    result = runner.invoke(
        cli, ["--home", str(tmp_path / "home"), "sources"], env={"REDLIST_DATABASE_URL": closed}
    )
    assert result.exit_code != 0 and "cannot open the store" in result.output
    assert "Traceback" not in result.output


def _events(store: Store) -> list[tuple[str, str, str]]:
    return [(e.date, e.change.value, e.source_id) for e in store.events()]


def test_switching_a_new_database_to_wal_waits_for_another_connection(tmp_path) -> None:
    """Two processes opening a new store at once both switch its file to WAL; SQLite refuses the
    loser at once ("database is locked", no busy handler called), so the switch waits and retries
    (the cause of a failed two-updaters run): here a connection without any busy timeout meets
    a file another connection holds locked, and gets WAL once the lock is released."""
    from redlist.store.engine import _use_wal

    path = tmp_path / "new.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE t (x)")
    opener = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        opener.execute("PRAGMA journal_mode=WAL")  # what SQLite does: no wait
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        _use_wal(opener)
    finally:
        release.join()
    assert opener.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    holder.close()
    opener.close()


def test_two_updater_processes_at_once_write_one_consistent_history(tmp_path, store_url) -> None:
    """Two `redlist update` processes on one store at the same time, whichever wins the lock:
    both publications are stored and the history is the one a sequential load gives."""
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if store_url:
        env["REDLIST_DATABASE_URL"] = store_url
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "redlist", "--home", str(home), "update", "us_ofac_sdn"]
            + ["--from", str(FIXTURES / "cli" / folder), "--as-of", as_of],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for folder, as_of in (("sdn_b", "2024-01-09"), ("sdn_a", "2024-01-02"))
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with Store.open(tmp_path / "sequential") as expected:
        for folder, as_of in (("sdn_a", "2024-01-02"), ("sdn_b", "2024-01-09")):
            [result] = update(expected, ["us_ofac_sdn"], origin=str(FIXTURES / "cli" / folder), as_of=as_of)
            assert result.ok
        want = _events(expected)
    with Store.open(home, url=store_url) as store:
        assert [s.as_of for s in store.snapshots("us_ofac_sdn")] == ["2024-01-02", "2024-01-09"]
        assert _events(store) == want and want
