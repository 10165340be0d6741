"""The database under the store: SQLite (one file, the default) or PostgreSQL, through SQLAlchemy.

What differs between the two backends lives here and nowhere else:

- the URL (``postgresql://`` is driven by psycopg 3, the optional ``redlist[postgres]`` extra);
- the write lock: one writer at a time, a second one waits (saying so) and gives up after a
  while. SQLite takes its database lock (``BEGIN IMMEDIATE``); PostgreSQL takes a transaction-level
  advisory lock, so several processes (updaters, API workers saving the party graph) sharing one
  database write one after another, while readers never wait;
- schema migrations (Alembic), run when a store is opened, under that same lock.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from redlist.errors import StoreError
from redlist.home import DATABASE_FILE
from redlist.store.schema import HEAD

#: The advisory lock all writers of one PostgreSQL database take ("redlist" in ASCII).
PG_LOCK_KEY = 0x7265646C697374

#: How long a reader or a plain write waits for SQLite's lock (milliseconds).
SQLITE_BUSY_MS = 30_000

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(home: Path, *, path: Path | None = None, url: str | None = None) -> URL:
    """The SQLAlchemy URL of a store: ``url`` when given (sqlite:///PATH or postgresql://...), else
    the SQLite file ``path`` (default ``home/redlist.sqlite``)."""
    if not url:
        return URL.create("sqlite", database=str(path or Path(home) / DATABASE_FILE))
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"database URL {_safe(url)!r} is not a URL ({exc})") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed.set(drivername="sqlite")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    raise StoreError(
        f"database URL {_safe(url)!r}: redlist stores its data in sqlite:///PATH or postgresql://..."
    )


def make_engine(url: URL) -> Engine:
    """An engine for ``url`` with the store's connection settings."""
    if url.drivername == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_connect)
        return engine
    try:
        import psycopg  # noqa: F401  (the optional driver: say how to get it)
    except ImportError:
        raise StoreError("PostgreSQL needs the psycopg driver: pip install 'redlist[postgres]'") from None
    return create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi: sqlite3.Connection, _record: Any) -> None:
    # The driver's own transaction handling is off (autocommit, as the store always ran SQLite):
    # a read is one statement, and writers open their transaction with BEGIN IMMEDIATE (lock()).
    dbapi.isolation_level = None
    _use_wal(dbapi)
    dbapi.execute("PRAGMA foreign_keys=ON")
    dbapi.execute("PRAGMA synchronous=NORMAL")
    dbapi.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")


def _use_wal(dbapi: sqlite3.Connection) -> None:
    """Put the database in WAL mode (once per file; a no-op when it already is).

    SQLite answers a journal-mode change that races another connection's change with "database is
    locked" at once, without calling the busy handler (two processes opening a new store at the same
    moment), so the change is retried here for as long as a lock is awaited elsewhere.
    """
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    pause = 0.005
    while True:
        try:
            dbapi.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            contended = "locked" in str(exc) or "busy" in str(exc)
            if not contended or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _raw_sqlite(conn: Connection) -> sqlite3.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def lock(conn: Connection, *, waiting: Callable[[], None] | None, wait: float) -> None:
    """Take the store's write lock on ``conn`` (not yet in a transaction); it is held until the
    transaction ends. When another writer holds it, ``waiting()`` is called once and the lock is
    awaited up to ``wait`` seconds, then a clear error is raised."""
    if conn.dialect.name == "sqlite":
        _lock_sqlite(_raw_sqlite(conn), waiting, wait)
        conn.begin()
        return
    conn.begin()
    got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY}).scalar()
    if got:
        return
    if waiting is not None:
        waiting()
    conn.execute(text(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'"))
    try:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    except OperationalError as exc:
        raise StoreError(
            f"the store is locked by another update for over {wait:.0f} s ({_first_line(exc)}); try again"
        ) from None
    conn.execute(text("SET LOCAL lock_timeout = 0"))


def _lock_sqlite(raw: sqlite3.Connection, waiting: Callable[[], None] | None, wait: float) -> None:
    raw.execute("PRAGMA busy_timeout = 200")
    try:
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if waiting is not None:
                waiting()
            raw.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as again:
                raise StoreError(
                    f"the store is locked by another update for over {wait:.0f} s ({again}); try again"
                ) from again
    finally:
        raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")


# --- migrations ----------------------------------------------------------------------------------


def revision(conn: Connection) -> str | None:
    """The schema revision a database is at (None: an empty database, or one made before
    migrations existed)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(conn: Connection) -> None:
    """Bring the database on ``conn`` (inside the write lock) to :data:`HEAD`."""
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    try:
        command.upgrade(config, HEAD)
    except CommandError as exc:  # e.g. a revision a newer redlist wrote
        raise StoreError(f"cannot migrate the store's database: {exc}") from None


def connect_error(url: URL, exc: Exception) -> StoreError:
    """A one-line error for a database that cannot be reached (no password shown)."""
    where = url.render_as_string(hide_password=True)
    detail = _first_line(exc) if isinstance(exc, DBAPIError) else str(exc)
    return StoreError(f"cannot open the store at {where}: {detail}")


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]
