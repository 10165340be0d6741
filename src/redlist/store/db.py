"""The store: snapshots, their records (deduplicated by content) and change events.

By default one SQLite file, ``redlist.sqlite`` in the home directory (or the path the settings
give); with ``database_url = "postgresql://..."`` a PostgreSQL database (see docs/postgresql.md).
The tables are declared in :mod:`redlist.store.schema` and migrated by Alembic when the store is
opened. Record bodies are stored once per distinct content (``records``, keyed by the sha256 of
their canonical JSON); each snapshot maps its record keys to those hashes (``snapshot_records``).
A snapshot and its events are written in a single transaction, under the store's write lock, so a
failed update leaves the store exactly as it was and two updates never interleave.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

import redlist.store.engine as backend
from redlist.errors import StoreError
from redlist.home import RAW_DIR
from redlist.model import Change, ChangeEvent, Entity, RawFile, Snapshot
from redlist.store.archive import RawArchive
from redlist.store.schema import HEAD, events, records, snapshot_records, snapshots, update_log
from redlist.store.snapshot_row import VERSIONS_SQL, record_versions, snapshot_of

# Statements built once: building a select costs more than running it on SQLite.
_S = snapshots.c
_BY_ID = select(snapshots).where(_S.id == bindparam("id"))
_LAST_LOADED = select(snapshots).where(_S.source == bindparam("source")).order_by(_S.id.desc()).limit(1)
_LATEST = (
    select(snapshots).where(_S.source == bindparam("source")).order_by(_S.as_of.desc(), _S.id.desc()).limit(1)
)
_BEFORE = (
    select(snapshots)
    .where(_S.source == bindparam("source"), _S.as_of <= bindparam("as_of"))
    .order_by(_S.as_of.desc(), _S.id.desc())
    .limit(1)
)
_AFTER = (
    select(snapshots)
    .where(_S.source == bindparam("source"), _S.as_of > bindparam("as_of"))
    .order_by(_S.as_of, _S.id)
    .limit(1)
)
_SAME = (
    select(snapshots)
    .where(_S.source == bindparam("source"), _S.sha256 == bindparam("sha256"), _S.as_of == bindparam("as_of"))
    .limit(1)
)
_VERSIONS = text(VERSIONS_SQL)  # the sqlite3 reader runs the same statement
_SNAPSHOTS_IN = select(snapshots).where(_S.id.in_(bindparam("ids", expanding=True)))
_COUNT = select(func.count()).select_from(snapshots).where(_S.source == bindparam("source"))


def record_json(entity: Entity) -> tuple[str, str]:
    """Canonical JSON of a record and its sha256 (equal content, equal hash)."""
    text = json.dumps(entity.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), text


class Store:
    """Persistence for snapshots, records and events. Use :meth:`open`.

    Other modules keep their own tables in the same database: they declare them on
    :data:`redlist.store.schema.metadata`, read through :meth:`connect` and write through
    :meth:`transaction` with SQLAlchemy Core statements (see docs/architecture.md).
    """

    def __init__(self, engine: Engine, home: Path) -> None:
        self.engine = engine
        self.home = home
        self.archive = RawArchive(home / RAW_DIR)
        self._local = threading.local()  # the transaction this thread has open, if any
        self._closed = False

    # --- lifecycle -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        home: Path,
        *,
        path: Path | None = None,
        url: str | None = None,
        create: bool = True,
        shared: bool = False,
        migrate: bool = True,
    ) -> Store:
        """Open (and create or migrate if needed) the store of the home directory ``home``.

        ``url`` is the database (``sqlite:///PATH`` or ``postgresql://user@host/db``); without
        it, the SQLite file ``path`` (default ``home/redlist.sqlite``). Raw publications are
        archived under ``home/raw`` whatever the database. ``create=False``: a missing SQLite file
        is an error. ``shared`` is accepted for callers that share the store between threads:
        every thread reads through its own pooled connection anyway. ``migrate=False`` leaves the
        schema as it is (for `redlist db upgrade`, which reports what it did).
        """
        del shared
        home = Path(home)
        where = backend.database_url(home, path=path, url=url)
        if where.drivername == "sqlite":
            file = Path(where.database or "")
            if not create and not file.exists():
                raise StoreError(f"no data yet in {home}: run `redlist update` first")
            try:
                home.mkdir(parents=True, exist_ok=True)
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot open the store at {file}: {exc}") from exc
        store = cls(backend.make_engine(where), home)
        try:
            if migrate:
                store.migrate()
            else:
                store.revision()  # reach the database now: a wrong URL fails here, clearly
        except SQLAlchemyError as exc:
            store.close()
            raise backend.connect_error(where, exc) from None
        except BaseException:
            store.close()
            raise
        return store

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def describe(self) -> str:
        """Where the data is, password hidden (for messages and `redlist db`)."""
        return self.engine.url.render_as_string(hide_password=True)

    def revision(self) -> str | None:
        """The schema revision of the database (None: empty, or made before migrations)."""
        with self.connect() as conn:
            return backend.revision(conn)

    def migrate(self, *, waiting: Callable[[], None] | None = None) -> tuple[str | None, str]:
        """Bring the database's schema to the revision this redlist expects; returns (before, after).

        Done under the write lock, so processes opening one database at once migrate it once.
        """
        with self.connect() as conn:
            before = backend.revision(conn)
        if before == HEAD:
            return before, HEAD
        with self.transaction(waiting=waiting) as conn:
            before = backend.revision(conn)
            if before != HEAD:
                backend.upgrade(conn)
        return before, HEAD

    def close(self) -> None:
        """Close the store's connections; using it afterwards is an error."""
        self._closed = True
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection to read with: the open transaction's when this thread is writing (so it
        sees its own writes), else a pooled one."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._connection() as conn:
            yield conn

    def _connection(self) -> Connection:
        if self._closed:
            raise StoreError("the store is closed")
        return self.engine.connect()

    @contextmanager
    def transaction(
        self, *, waiting: Callable[[], None] | None = None, wait: float = 600.0
    ) -> Iterator[Connection]:
        """All-or-nothing: commit on success, roll back on any exception.

        The write lock is taken first, so what the block reads is not changed by another writer
        before it writes. When another process holds the lock, ``waiting()`` is called once and the
        lock is awaited up to ``wait`` seconds, then a clear error is raised. A transaction opened
        inside another one (same thread) joins it.
        """
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._connection() as conn:
            backend.lock(conn, waiting=waiting, wait=wait)
            self._local.conn = conn
            try:
                yield conn
            except BaseException:
                self._local.conn = None
                conn.rollback()
                raise
            self._local.conn = None
            conn.commit()

    def _write(self) -> Any:
        """A short write outside the update lock (SQLite and PostgreSQL serialise it themselves)."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            return _Joined(current)
        if self._closed:
            raise StoreError("the store is closed")
        return self.engine.begin()

    def last_loaded(self, source: str) -> Snapshot | None:
        """The snapshot of a source loaded most recently (whatever its as-of date)."""
        return self._one(_LAST_LOADED, source=source)

    def _one(self, stmt: Any, **params: Any) -> Snapshot | None:
        with self.connect() as conn:
            row = conn.execute(stmt, params).first()
        return _snapshot(row) if row else None

    # --- snapshots -----------------------------------------------------------------------------

    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        """Snapshots in publication order (source, as-of date, then load order)."""
        stmt = select(snapshots)
        if source:
            stmt = stmt.where(snapshots.c.source == source)
        with self.connect() as conn:
            rows = conn.execute(stmt.order_by(snapshots.c.source, snapshots.c.as_of, snapshots.c.id)).all()
        return [_snapshot(r) for r in rows]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        found = self._one(_BY_ID, id=snapshot_id)
        if found is None:
            raise StoreError(f"no snapshot with id {snapshot_id}")
        return found

    def latest(self, source: str) -> Snapshot | None:
        """The newest publication of a source (by as-of date)."""
        return self._one(_LATEST, source=source)

    def neighbours(self, source: str, as_of: str) -> tuple[Snapshot | None, Snapshot | None]:
        """The snapshots just before and just after a new one dated ``as_of`` would sit.

        A new snapshot goes after existing snapshots of the same date (it is the newer load).
        """
        before = self._one(_BEFORE, source=source, as_of=as_of)
        after = self._one(_AFTER, source=source, as_of=as_of)
        return before, after

    def neighbours_of(self, snapshot: Snapshot) -> tuple[Snapshot | None, Snapshot | None]:
        """The snapshots of the same source just before and just after a stored one."""
        order = self.snapshots(snapshot.source)
        ids = [s.id for s in order]
        i = ids.index(snapshot.id)
        return (order[i - 1] if i > 0 else None, order[i + 1] if i + 1 < len(order) else None)

    def find_same(self, source: str, sha256: str, as_of: str) -> Snapshot | None:
        """An existing snapshot of the same bytes and date (loading it again changes nothing)."""
        return self._one(_SAME, source=source, sha256=sha256, as_of=as_of)

    # --- records -------------------------------------------------------------------------------

    def record_index(self, snapshot_id: int) -> dict[str, tuple[str, str]]:
        """``{key: (record_hash, entity_id)}`` of a snapshot."""
        sr = snapshot_records.c
        with self.connect() as conn:
            rows = conn.execute(
                select(sr.key, sr.record_hash, sr.entity_id).where(sr.snapshot_id == snapshot_id)
            )
            return {r[0]: (r[1], r[2]) for r in rows}

    def record_bodies(self, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Record dicts by hash."""
        out: dict[str, dict[str, Any]] = {}
        batch = list(hashes)
        with self.connect() as conn:
            for i in range(0, len(batch), 500):
                chunk = batch[i : i + 500]
                for h, data in conn.execute(
                    select(records.c.hash, records.c.data).where(records.c.hash.in_(chunk))
                ):
                    out[h] = json.loads(data)
        return out

    def entities(self, snapshot_id: int) -> Iterator[Entity]:
        """The records of one snapshot, in key order."""
        sr = snapshot_records.c
        stmt = (
            select(records.c.data)
            .join(snapshot_records, records.c.hash == sr.record_hash)
            .where(sr.snapshot_id == snapshot_id)
            .order_by(sr.key)
        )
        with self.connect() as conn:
            for (data,) in conn.execution_options(yield_per=2000).execute(stmt):
                yield Entity.from_dict(json.loads(data))

    def records_of(self, entity_id: str) -> list[tuple[Snapshot, Entity]]:
        """Every stored version of an entity across sources and snapshots, oldest first."""
        with self.connect() as conn:
            rows = [(sid, data) for sid, data in conn.execute(_VERSIONS, {"entity_id": entity_id})]
            ids = sorted({sid for sid, _ in rows})
            found = conn.execute(_SNAPSHOTS_IN, {"ids": ids}).all() if ids else []
        return record_versions(rows, {r.id: _snapshot(r) for r in found})

    def rows(self, sql: str, args: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows of one plain SQL query with named ``:parameters`` (the modules above the store
        read their own tables so, through this store or :class:`~redlist.store.lite.LiteStore`)."""
        with self.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), args or {})]

    def raw_files(self, snapshot: Snapshot) -> dict[str, bytes]:
        """The archived raw bytes of a snapshot, for re-parsing."""
        return {f.name: self.archive.get(f.sha256) for f in snapshot.files}

    # --- writing -------------------------------------------------------------------------------

    def insert_snapshot(self, conn: Connection, snapshot: Snapshot, records: list[Entity]) -> int:
        """Insert a snapshot and its records inside an open transaction; returns its id."""
        result = conn.execute(
            insert(snapshots).returning(snapshots.c.id),
            {
                "source": snapshot.source,
                "as_of": snapshot.as_of,
                "fetched_at": snapshot.fetched_at,
                "sha256": snapshot.sha256,
                "parser_version": snapshot.parser_version,
                "format": snapshot.format,
                "record_count": snapshot.record_count,
                "origin": snapshot.origin,
                "files": json.dumps([_rawfile_dict(f) for f in snapshot.files]),
                "warnings": json.dumps(snapshot.warnings),
                "status": snapshot.status,
                "note": snapshot.note,
            },
        )
        snapshot_id = int(result.scalar_one())
        self._insert_records(conn, snapshot_id, records)
        snapshot.id = snapshot_id
        return snapshot_id

    def _insert_records(self, conn: Connection, snapshot_id: int, entities: list[Entity]) -> None:
        bodies: dict[str, str] = {}
        links: list[dict[str, Any]] = []
        for entity in entities:
            digest, text = record_json(entity)
            bodies[digest] = text
            links.append(
                {
                    "snapshot_id": snapshot_id,
                    "key": entity.key,
                    "entity_id": entity.entity_id,
                    "record_hash": digest,
                }
            )
        if bodies:
            insert_ignore(conn, records, [{"hash": h, "data": d} for h, d in bodies.items()])
        if links:
            conn.execute(insert(snapshot_records), links)

    def replace_records(self, conn: Connection, snapshot: Snapshot, records: list[Entity]) -> None:
        """Swap a snapshot's records (re-parse) inside an open transaction; drops its events."""
        sid = snapshot.id or 0
        conn.execute(
            delete(events).where(or_(events.c.snapshot_id == sid, events.c.previous_snapshot_id == sid))
        )
        conn.execute(delete(snapshot_records).where(snapshot_records.c.snapshot_id == sid))
        conn.execute(
            update(snapshots)
            .where(snapshots.c.id == sid)
            .values(
                parser_version=snapshot.parser_version,
                record_count=snapshot.record_count,
                format=snapshot.format,
                warnings=json.dumps(snapshot.warnings),
            )
        )
        self._insert_records(conn, sid, records)

    def delete_events_between(self, conn: Connection, previous_id: int, snapshot_id: int) -> None:
        conn.execute(
            delete(events).where(
                events.c.previous_snapshot_id == previous_id, events.c.snapshot_id == snapshot_id
            )
        )

    def insert_events(
        self, conn: Connection, snapshot_id: int, previous_id: int | None, changes: list[ChangeEvent]
    ) -> None:
        if not changes:
            return
        conn.execute(
            insert(events),
            [
                {
                    "snapshot_id": snapshot_id,
                    "previous_snapshot_id": previous_id,
                    "date": e.date,
                    "previous_date": e.previous_date,
                    "source": e.source,
                    "list": e.list,
                    "source_id": e.source_id,
                    "entity_id": e.entity_id,
                    "change": e.change.value,
                    "name": e.name,
                    "fields": json.dumps(e.fields),
                }
                for e in changes
            ],
        )

    def log_update(self, source: str, status: str, message: str) -> None:
        """Remember the outcome of an update attempt (failures included) for `redlist sources`."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as conn:
            conn.execute(insert(update_log).values(source=source, at=at, status=status, message=message))

    def last_attempt(self, source: str) -> dict[str, str] | None:
        log = update_log.c
        with self.connect() as conn:
            row = conn.execute(
                select(log.at, log.status, log.message)
                .where(log.source == source)
                .order_by(log.id.desc())
                .limit(1)
            ).first()
        return dict(row._mapping) if row else None

    def snapshot_count(self, source: str) -> int:
        with self.connect() as conn:
            return int(conn.execute(_COUNT, {"source": source}).scalar_one())

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
        c = events.c
        stmt = select(events)
        for column, value, op in (
            (c.source, source, "="),
            (c.date, since, ">="),
            (c.date, until, "<="),
            (c.entity_id, entity_id, "="),
            (c.list, list_id, "="),
            (c.change, change, "="),
        ):
            if value:
                stmt = stmt.where(
                    column >= value if op == ">=" else column <= value if op == "<=" else column == value
                )
        stmt = stmt.order_by(c.date, c.source, c.change, c.source_id)
        with self.connect() as conn:
            rows = conn.execute(stmt).all()
        return [
            ChangeEvent(
                date=r.date,
                source=r.source,
                list=r.list,
                source_id=r.source_id,
                entity_id=r.entity_id,
                change=Change(r.change),
                name=r.name,
                fields=json.loads(r.fields),
                previous_date=r.previous_date,
            )
            for r in rows
        ]

    def events_after(self, last: int) -> list[dict[str, Any]]:
        """The change events stored after event ``last`` (by id, the order they were stored in):
        what a watchlist re-check has not seen yet. ``fields`` is the stored JSON text."""
        c = events.c
        stmt = (
            select(c.id, c.date, c.list, c.entity_id, c.change, c.name, c.fields)
            .where(c.id > last)
            .order_by(c.id)
        )
        with self.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def max_event_id(self) -> int:
        """The id of the newest change event (0: none yet)."""
        with self.connect() as conn:
            return int(conn.execute(select(func.max(events.c.id))).scalar() or 0)


class _Joined:
    """The open transaction, used as ``with ... as conn`` without ending it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None


def insert_ignore(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose primary key is already there (both backends)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).on_conflict_do_nothing(), rows)


def _rawfile_dict(f: RawFile) -> dict[str, Any]:
    return {"name": f.name, "sha256": f.sha256, "size": f.size, "url": f.url}


def _snapshot(r: Row[Any]) -> Snapshot:
    return snapshot_of(r._mapping)
