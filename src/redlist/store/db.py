"""The embedded SQLite store: snapshots, their records (deduplicated by content) and change events.

One file, ``redlist.sqlite`` in the home directory (or the path the settings give). Record bodies are stored once per distinct
content (``records``, keyed by the sha256 of their canonical JSON); each snapshot maps its record
keys to those hashes (``snapshot_records``). A snapshot and its events are written in a single
transaction, so a failed update leaves the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redlist.errors import StoreError
from redlist.model import Change, ChangeEvent, Entity, RawFile, Snapshot
from redlist.store.archive import RawArchive

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    as_of TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    parser_version TEXT NOT NULL,
    format TEXT,
    record_count INTEGER NOT NULL,
    origin TEXT,
    files TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'ok',
    note TEXT
);
CREATE INDEX IF NOT EXISTS snapshots_source ON snapshots (source, as_of, id);
CREATE TABLE IF NOT EXISTS records (hash TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshot_records (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    record_hash TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS snapshot_records_entity ON snapshot_records (entity_id);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    previous_snapshot_id INTEGER REFERENCES snapshots (id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    previous_date TEXT,
    source TEXT NOT NULL,
    list TEXT NOT NULL,
    source_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    change TEXT NOT NULL,
    name TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS events_date ON events (date, source);
CREATE INDEX IF NOT EXISTS events_entity ON events (entity_id);
CREATE INDEX IF NOT EXISTS events_snapshot ON events (snapshot_id);
CREATE TABLE IF NOT EXISTS update_log (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL
);
"""


_TABLES = {"meta", "snapshots", "records", "snapshot_records", "events", "update_log"}


def _schema_ready(conn: sqlite3.Connection) -> bool:
    """True when the store already has its current schema, checked by reading only.

    Opening an existing store must not write to it: a write waits for the lock an update holds
    for its whole transaction, so every reader (``screen``, ``show``, the API) would be blocked
    by an updater. WAL lets them read the last committed snapshot meanwhile."""
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if mode != "wal" or not tables >= _TABLES:
        return False
    columns = {row[1] for row in conn.execute("PRAGMA table_info(snapshots)")}
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return "note" in columns and version is not None


def _create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables of a new store, or bring an older one up to date (a write)."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(_SCHEMA)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(snapshots)")}
    if "note" not in columns:  # a store made before snapshots kept a note
        conn.execute("ALTER TABLE snapshots ADD COLUMN note TEXT")
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
    )


def record_json(entity: Entity) -> tuple[str, str]:
    """Canonical JSON of a record and its sha256 (equal content, equal hash)."""
    text = json.dumps(entity.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), text


class Store:
    """Persistence for snapshots, records and events. Use :meth:`open`."""

    def __init__(self, conn: sqlite3.Connection, home: Path) -> None:
        self.conn = conn
        self.home = home
        self.archive = RawArchive(home / "raw")

    # --- lifecycle -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls, home: Path, *, path: Path | None = None, create: bool = True, shared: bool = False
    ) -> Store:
        """Open (and create if needed) the store of the home directory ``home``.

        ``path`` is the SQLite file (default ``home/redlist.sqlite``); raw publications are
        archived under ``home/raw``. ``shared``: the connection may be used from several threads
        (the API's read-only use; SQLite serialises the calls).
        """
        home = Path(home)
        path = path or home / "redlist.sqlite"
        if not create and not path.exists():
            raise StoreError(f"no data yet in {home}: run `redlist update` first")
        try:
            home.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=not shared)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            if not _schema_ready(conn):
                _create_schema(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc
        return cls(conn, home)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(
        self, *, waiting: Callable[[], None] | None = None, wait: float = 600.0
    ) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: commit on success, roll back on any exception.

        The write lock is taken first (``BEGIN IMMEDIATE``), so what the block reads is not changed
        by another writer before it writes. When another process holds the lock, ``waiting()`` is
        called once and the lock is awaited up to ``wait`` seconds, then a clear error is raised.
        """
        self.conn.execute("PRAGMA busy_timeout = 200")
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if waiting is not None:
                    waiting()
                self.conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as again:
                    raise StoreError(
                        f"the store is locked by another update for over {wait:.0f} s ({again}); try again"
                    ) from again
        finally:
            self.conn.execute("PRAGMA busy_timeout = 30000")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def last_loaded(self, source: str) -> Snapshot | None:
        """The snapshot of a source loaded most recently (whatever its as-of date)."""
        row = self.conn.execute(
            "SELECT * FROM snapshots WHERE source = ? ORDER BY id DESC LIMIT 1", (source,)
        ).fetchone()
        return _snapshot(row) if row else None

    # --- snapshots -----------------------------------------------------------------------------

    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        """Snapshots in publication order (as-of date, then load order)."""
        sql = "SELECT * FROM snapshots"
        args: tuple[Any, ...] = ()
        if source:
            sql += " WHERE source = ?"
            args = (source,)
        rows = self.conn.execute(sql + " ORDER BY source, as_of, id", args).fetchall()
        return [_snapshot(r) for r in rows]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        row = self.conn.execute("SELECT * FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()
        if row is None:
            raise StoreError(f"no snapshot with id {snapshot_id}")
        return _snapshot(row)

    def latest(self, source: str) -> Snapshot | None:
        """The newest publication of a source (by as-of date)."""
        row = self.conn.execute(
            "SELECT * FROM snapshots WHERE source = ? ORDER BY as_of DESC, id DESC LIMIT 1", (source,)
        ).fetchone()
        return _snapshot(row) if row else None

    def neighbours(self, source: str, as_of: str) -> tuple[Snapshot | None, Snapshot | None]:
        """The snapshots just before and just after a new one dated ``as_of`` would sit.

        A new snapshot goes after existing snapshots of the same date (it is the newer load).
        """
        before = self.conn.execute(
            "SELECT * FROM snapshots WHERE source = ? AND as_of <= ? ORDER BY as_of DESC, id DESC LIMIT 1",
            (source, as_of),
        ).fetchone()
        after = self.conn.execute(
            "SELECT * FROM snapshots WHERE source = ? AND as_of > ? ORDER BY as_of, id LIMIT 1",
            (source, as_of),
        ).fetchone()
        return (_snapshot(before) if before else None, _snapshot(after) if after else None)

    def neighbours_of(self, snapshot: Snapshot) -> tuple[Snapshot | None, Snapshot | None]:
        """The snapshots of the same source just before and just after a stored one."""
        order = self.snapshots(snapshot.source)
        ids = [s.id for s in order]
        i = ids.index(snapshot.id)
        return (order[i - 1] if i > 0 else None, order[i + 1] if i + 1 < len(order) else None)

    def find_same(self, source: str, sha256: str, as_of: str) -> Snapshot | None:
        """An existing snapshot of the same bytes and date (loading it again changes nothing)."""
        row = self.conn.execute(
            "SELECT * FROM snapshots WHERE source = ? AND sha256 = ? AND as_of = ? LIMIT 1",
            (source, sha256, as_of),
        ).fetchone()
        return _snapshot(row) if row else None

    # --- records -------------------------------------------------------------------------------

    def record_index(self, snapshot_id: int) -> dict[str, tuple[str, str]]:
        """``{key: (record_hash, entity_id)}`` of a snapshot."""
        rows = self.conn.execute(
            "SELECT key, record_hash, entity_id FROM snapshot_records WHERE snapshot_id = ?", (snapshot_id,)
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def record_bodies(self, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Record dicts by hash."""
        out: dict[str, dict[str, Any]] = {}
        batch = list(hashes)
        for i in range(0, len(batch), 500):
            chunk = batch[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for h, data in self.conn.execute(
                f"SELECT hash, data FROM records WHERE hash IN ({marks})", chunk
            ):
                out[h] = json.loads(data)
        return out

    def entities(self, snapshot_id: int) -> Iterator[Entity]:
        """The records of one snapshot, in key order."""
        rows = self.conn.execute(
            "SELECT r.data FROM snapshot_records s JOIN records r ON r.hash = s.record_hash "
            "WHERE s.snapshot_id = ? ORDER BY s.key",
            (snapshot_id,),
        )
        for (data,) in rows:
            yield Entity.from_dict(json.loads(data))

    def records_of(self, entity_id: str) -> list[tuple[Snapshot, Entity]]:
        """Every stored version of an entity across sources and snapshots, oldest first."""
        rows = self.conn.execute(
            "SELECT s.snapshot_id, r.data FROM snapshot_records s JOIN records r ON r.hash = s.record_hash "
            "WHERE s.entity_id = ?",
            (entity_id,),
        ).fetchall()
        snaps = {s.id: s for s in self.snapshots()} if rows else {}
        out = [(snaps[sid], Entity.from_dict(json.loads(data))) for sid, data in rows]
        out.sort(key=lambda pair: (pair[0].as_of, pair[0].id or 0))
        return out

    def raw_files(self, snapshot: Snapshot) -> dict[str, bytes]:
        """The archived raw bytes of a snapshot, for re-parsing."""
        return {f.name: self.archive.get(f.sha256) for f in snapshot.files}

    # --- writing -------------------------------------------------------------------------------

    def insert_snapshot(self, conn: sqlite3.Connection, snapshot: Snapshot, records: list[Entity]) -> int:
        """Insert a snapshot and its records inside an open transaction; returns its id."""
        cur = conn.execute(
            "INSERT INTO snapshots (source, as_of, fetched_at, sha256, parser_version, format, record_count,"
            " origin, files, warnings, status, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                snapshot.source,
                snapshot.as_of,
                snapshot.fetched_at,
                snapshot.sha256,
                snapshot.parser_version,
                snapshot.format,
                snapshot.record_count,
                snapshot.origin,
                json.dumps([_rawfile_dict(f) for f in snapshot.files]),
                json.dumps(snapshot.warnings),
                snapshot.status,
                snapshot.note,
            ),
        )
        snapshot_id = int(cur.lastrowid or 0)
        self._insert_records(conn, snapshot_id, records)
        snapshot.id = snapshot_id
        return snapshot_id

    def _insert_records(self, conn: sqlite3.Connection, snapshot_id: int, records: list[Entity]) -> None:
        bodies: list[tuple[str, str]] = []
        links: list[tuple[int, str, str, str]] = []
        for entity in records:
            digest, text = record_json(entity)
            bodies.append((digest, text))
            links.append((snapshot_id, entity.key, entity.entity_id, digest))
        conn.executemany("INSERT OR IGNORE INTO records (hash, data) VALUES (?, ?)", bodies)
        conn.executemany(
            "INSERT INTO snapshot_records (snapshot_id, key, entity_id, record_hash) VALUES (?,?,?,?)", links
        )

    def replace_records(self, conn: sqlite3.Connection, snapshot: Snapshot, records: list[Entity]) -> None:
        """Swap a snapshot's records (re-parse) inside an open transaction; drops its events."""
        sid = snapshot.id or 0
        conn.execute("DELETE FROM events WHERE snapshot_id = ? OR previous_snapshot_id = ?", (sid, sid))
        conn.execute("DELETE FROM snapshot_records WHERE snapshot_id = ?", (sid,))
        conn.execute(
            "UPDATE snapshots SET parser_version = ?, record_count = ?, format = ?, warnings = ? WHERE id = ?",
            (
                snapshot.parser_version,
                snapshot.record_count,
                snapshot.format,
                json.dumps(snapshot.warnings),
                sid,
            ),
        )
        self._insert_records(conn, sid, records)

    def delete_events_between(self, conn: sqlite3.Connection, previous_id: int, snapshot_id: int) -> None:
        conn.execute(
            "DELETE FROM events WHERE previous_snapshot_id = ? AND snapshot_id = ?",
            (previous_id, snapshot_id),
        )

    def insert_events(
        self, conn: sqlite3.Connection, snapshot_id: int, previous_id: int | None, events: list[ChangeEvent]
    ) -> None:
        conn.executemany(
            "INSERT INTO events (snapshot_id, previous_snapshot_id, date, previous_date, source, list, source_id,"
            " entity_id, change, name, fields) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    snapshot_id,
                    previous_id,
                    e.date,
                    e.previous_date,
                    e.source,
                    e.list,
                    e.source_id,
                    e.entity_id,
                    e.change.value,
                    e.name,
                    json.dumps(e.fields),
                )
                for e in events
            ],
        )

    def log_update(self, source: str, status: str, message: str) -> None:
        """Remember the outcome of an update attempt (failures included) for `redlist sources`."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        self.conn.execute(
            "INSERT INTO update_log (source, at, status, message) VALUES (?,?,?,?)",
            (source, at, status, message),
        )

    def last_attempt(self, source: str) -> dict[str, str] | None:
        row = self.conn.execute(
            "SELECT at, status, message FROM update_log WHERE source = ? ORDER BY id DESC LIMIT 1", (source,)
        ).fetchone()
        return dict(row) if row else None

    def snapshot_count(self, source: str) -> int:
        return self.conn.execute("SELECT count(*) FROM snapshots WHERE source = ?", (source,)).fetchone()[0]

    # --- events --------------------------------------------------------------------------------

    def events(
        self,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity_id: str | None = None,
        list_id: str | None = None,
        change: str | None = None,
    ) -> list[ChangeEvent]:
        """Change events, oldest first, filtered by source, date range (inclusive), entity, list."""
        where, args = [], []
        for column, value, op in (
            ("source", source, "="),
            ("date", since, ">="),
            ("date", until, "<="),
            ("entity_id", entity_id, "="),
            ("list", list_id, "="),
            ("change", change, "="),
        ):
            if value:
                where.append(f"{column} {op} ?")
                args.append(value)
        sql = "SELECT * FROM events" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.conn.execute(sql + " ORDER BY date, source, change, source_id", args)
        return [
            ChangeEvent(
                date=r["date"],
                source=r["source"],
                list=r["list"],
                source_id=r["source_id"],
                entity_id=r["entity_id"],
                change=Change(r["change"]),
                name=r["name"],
                fields=json.loads(r["fields"]),
                previous_date=r["previous_date"],
            )
            for r in rows
        ]


def _rawfile_dict(f: RawFile) -> dict[str, Any]:
    return {"name": f.name, "sha256": f.sha256, "size": f.size, "url": f.url}


def _snapshot(row: sqlite3.Row) -> Snapshot:
    return Snapshot(
        id=row["id"],
        source=row["source"],
        as_of=row["as_of"],
        fetched_at=row["fetched_at"],
        sha256=row["sha256"],
        parser_version=row["parser_version"],
        format=row["format"] or "",
        record_count=row["record_count"],
        origin=row["origin"],
        files=[RawFile(**f) for f in json.loads(row["files"])],
        warnings=json.loads(row["warnings"]),
        status=row["status"],
        note=row["note"],
    )
