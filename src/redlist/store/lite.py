"""A SQLite store read (and written, for the audit trail) with the ``sqlite3`` module alone.

A one-shot command (``redlist screen NAME``, ``redlist check NAME``) reads little from the store:
the snapshots (for the data key and the answer's receipt), a status question's entries' stored
versions (:meth:`~LiteStore.records_of`) and the party graph (plain SQL, :meth:`~LiteStore.rows`),
and appends a row to the audit trail.
Importing SQLAlchemy for that costs more than the rest of such an answer, so the facade opens a
SQLite store through :func:`open_lite`: :class:`LiteStore` answers :meth:`~LiteStore.snapshots`,
:meth:`~LiteStore.latest` and :meth:`~LiteStore.records_of` itself (the row builders are the full
store's, :mod:`redlist.store.snapshot_row`), runs plain SQL with named ``:parameters``
(:meth:`~LiteStore.one`, :meth:`~LiteStore.run`, inside :meth:`~LiteStore.write`, which takes
the same write lock as :class:`~redlist.store.Store`), and hands every other call to a full
:class:`~redlist.store.Store` opened on first use (after which the snapshots are read through it
too, so that a caller writing through it reads its own writes). A database that is missing or not at the
schema revision this code expects is opened the full way (created or migrated).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redlist.errors import StoreError
from redlist.model import Entity, Snapshot
from redlist.store.head import HEAD
from redlist.store.snapshot_row import VERSIONS_SQL, record_versions, snapshot_of

if TYPE_CHECKING:
    from redlist.store.db import Store


#: How long a reader or a plain write waits for SQLite's lock (milliseconds), as the full store.
SQLITE_BUSY_MS = 30_000

_SNAPSHOTS = "SELECT * FROM snapshots"
_ORDER = " ORDER BY source, as_of, id"
_LATEST = "SELECT * FROM snapshots WHERE source = :source ORDER BY as_of DESC, id DESC LIMIT 1"


def open_lite(home: Path, path: Path) -> LiteStore | None:
    """The SQLite store ``path`` opened with sqlite3, or None when it must be opened the full way
    (no file yet, an older or newer schema, or a file that is not a readable database)."""
    if not path.is_file():
        return None
    try:
        conn = _connect(path)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    if row is None or row[0] != HEAD:
        conn.close()
        return None
    return LiteStore(Path(home), path, conn)


def _connect(path: Path) -> sqlite3.Connection:
    """A connection with the full store's settings (autocommit; writers BEGIN IMMEDIATE)."""
    conn = sqlite3.connect(path, timeout=SQLITE_BUSY_MS / 1000, check_same_thread=False)
    conn.isolation_level = None
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    conn.row_factory = sqlite3.Row
    return conn


def _cursor(conn: sqlite3.Connection, factory: Any) -> sqlite3.Cursor:
    cursor = conn.cursor()
    cursor.row_factory = factory
    return cursor


class LiteStore:
    """A SQLite store's snapshots and plain SQL through sqlite3; anything else through a full
    :class:`~redlist.store.Store` opened when first needed (see the module docstring)."""

    def __init__(self, home: Path, path: Path, conn: sqlite3.Connection) -> None:
        self.home = home
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()  # one statement at a time on the shared connection
        self._local = threading.local()  # the transaction this thread has open, if any
        self._full: Store | None = None
        self._closed = False

    # --- what a one-shot answer reads ---------------------------------------------------------------

    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        """Snapshots in publication order (source, as-of date, then load order)."""
        if self._full is not None:  # it may be writing (a transaction sees its own writes)
            return self._full.snapshots(source)
        if source:
            rows = self._all(_SNAPSHOTS + " WHERE source = :source" + _ORDER, {"source": source})
        else:
            rows = self._all(_SNAPSHOTS + _ORDER)
        return [snapshot_of(r) for r in rows]

    def latest(self, source: str) -> Snapshot | None:
        """The newest publication of a source (by as-of date)."""
        if self._full is not None:
            return self._full.latest(source)
        row = self.one(_LATEST, {"source": source})
        return snapshot_of(row) if row is not None else None

    def records_of(self, entity_id: str) -> list[tuple[Snapshot, Entity]]:
        """Every stored version of an entry across sources and snapshots, oldest first."""
        if self._full is not None:
            return self._full.records_of(entity_id)
        rows = self.rows(VERSIONS_SQL, {"entity_id": entity_id})
        snaps = {s.id: s for s in self.snapshots()} if rows else {}
        return record_versions(rows, snaps)  # type: ignore[arg-type]

    # --- plain SQL ---------------------------------------------------------------------------------

    def one(self, sql: str, args: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The first row of a query (as a dict), or None."""
        rows = self._all(sql, args)
        return rows[0] if rows else None

    def rows(self, sql: str, args: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows of one plain SQL query with named ``:parameters``, as the full store's
        :meth:`~redlist.store.Store.rows` gives them (read through it once it is open)."""
        if self._full is not None:
            return self._full.rows(sql, args)
        return self._fetch(sql, args, None)  # plain tuples (the party graph's tens of thousands)

    def _all(self, sql: str, args: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return [dict(r) for r in self._fetch(sql, args, sqlite3.Row)]

    def _fetch(self, sql: str, args: dict[str, Any] | None, factory: Any) -> list[Any]:
        current = getattr(self._local, "conn", None)
        if current is not None:
            return _cursor(current, factory).execute(sql, args or {}).fetchall()
        with self._lock:
            self._check_open()
            return _cursor(self._conn, factory).execute(sql, args or {}).fetchall()

    def run(self, sql: str, args: dict[str, Any] | None = None) -> int:
        """Run one statement inside the open :meth:`write`; returns the rows it touched."""
        current = getattr(self._local, "conn", None)
        if current is None:
            raise StoreError("a write to the store runs inside a transaction")
        return int(current.execute(sql, args or {}).rowcount)

    @contextmanager
    def write(self, *, wait: float = 600.0) -> Iterator[sqlite3.Connection]:
        """All-or-nothing under the store's write lock (SQLite's, as the full store takes it) for
        :meth:`one` and :meth:`run`; commits on success, rolls back on any exception. Nested: joins
        the open one. (``transaction`` and ``connect`` are the full store's, with SQLAlchemy.)"""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        self._check_open()
        conn = _connect(self.path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(
                    f"the store is locked by another update for over {wait:.0f} s ({exc}); try again"
                ) from exc
            conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
            self._local.conn = conn
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._local.conn = None
        finally:
            conn.close()

    # --- everything else ---------------------------------------------------------------------------

    @property
    def full(self) -> Store:
        """The full store over the same database, opened on first use."""
        if self._full is None:
            self._check_open()
            from redlist.store.db import Store

            self._full = Store.open(self.home, path=self.path)
        return self._full

    def __getattr__(self, name: str) -> Any:
        # only called for what this class does not define: the full store's other operations
        if name.startswith("__") or name in ("_full", "_conn", "_closed"):
            raise AttributeError(name)
        return getattr(self.full, name)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    def close(self) -> None:
        """Close the connection (and the full store, when it was opened)."""
        self._closed = True
        with self._lock:
            self._conn.close()
        if self._full is not None:
            self._full.close()

    def __enter__(self) -> LiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
