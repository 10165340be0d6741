"""Watchlists, watched rows, alerts, decisions, exclusions, webhook deliveries and the audit trail,
kept in the store's database next to the lists.

The tables are declared below on the store's shared metadata and created by the store's Alembic
migrations, on SQLite and PostgreSQL alike. Reads go through ``store.connect()`` and writes through
``store.transaction()`` (one writer at a time across processes; a write inside
:meth:`WatchStore.transaction` joins it), with portable SQL: SQLAlchemy's ``text()`` with named
``:parameters``, no backend-only statements, no autoincrement (ids are made here). JSON is kept
as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Index, Integer, Table, Text, text

from redlist.store import Store
from redlist.store.schema import Key, metadata
from redlist.watch.canonical import dumps as dumps
from redlist.watch.canonical import now as now

# The watch tables, declared on the store's shared metadata and created by the store's migration
# 0002 (redlist/store/migrations/versions). ``Key``: text compared or sorted, byte by byte on both
# backends. No autoincrement: ids and sequence numbers are made here.
watchlists_table = Table(
    "watchlists",
    metadata,
    Column("name", Key, primary_key=True),
    Column("kind", Key, nullable=False),
    Column("activity", Text, nullable=False),
    Column("created_at", Key, nullable=False),
    Column("version", Integer, nullable=False),
    Column("webhook_url", Text),
    Column("webhook_secret", Text),
)
watch_rows = Table(
    "watch_rows",
    metadata,
    Column("watchlist", Key, primary_key=True),
    Column("row_id", Key, primary_key=True),
    Column("name", Text),
    Column("type", Text),
    Column("country", Text),
    Column("birth_date", Text),
    Column("identifiers", Text, nullable=False),
    Column("quantity", Text),
    Column("extra", Text, nullable=False),
)
watch_state = Table(
    "watch_state",
    metadata,
    Column("key", Key, primary_key=True),
    Column("value", Text, nullable=False),
)
alerts_table = Table(
    "alerts",
    metadata,
    Column("id", Key, primary_key=True),
    Column("watchlist", Key, nullable=False),
    Column("row_id", Key, nullable=False),
    Column("party_id", Key, nullable=False),
    Column("entity_id", Key, nullable=False),
    Column("status", Key, nullable=False),
    Column("decision", Key),
    Column("evidence_hash", Key, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("changes", Text, nullable=False),
    Column("created_at", Key, nullable=False),
    Column("updated_at", Key, nullable=False),
    Column("raised", Integer, nullable=False),
    Index("alerts_watchlist", "watchlist", "row_id"),
    Index("alerts_entity", "entity_id"),
)
alert_decisions = Table(
    "alert_decisions",
    metadata,
    Column("alert_id", Key, primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", Key, nullable=False),
    Column("who", Text, nullable=False),
    Column("decision", Key, nullable=False),
    Column("reason", Text, nullable=False),
    Column("evidence_hash", Key, nullable=False),
)
watch_exclusions = Table(
    "watch_exclusions",
    metadata,
    Column("watchlist", Key, primary_key=True),
    Column("row_id", Key, primary_key=True),
    Column("party_id", Key, primary_key=True),
    Column("alert_id", Key, nullable=False),
    Column("reason", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("at", Key, nullable=False),
)
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Key, primary_key=True),
    Column("watchlist", Key, nullable=False),
    Column("alert_id", Key, nullable=False),
    Column("url", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", Key, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("body_sha256", Key, nullable=False),
)
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", Key, nullable=False),
    Column("who", Text, nullable=False),
    Column("action", Key, nullable=False),
    Column("generation", Text, nullable=False),
    Column("input", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("prev_hash", Key, nullable=False),
    Column("hash", Key, nullable=False),
)


class WatchStore:
    """The watch tables of a :class:`~redlist.store.Store` (created by the store's migrations)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """All-or-nothing under the store's write lock; the writes made inside join it."""
        with self.store.transaction() as conn:
            yield conn

    def _all(self, sql: str, args: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), args or {})]

    def _one(self, sql: str, args: dict[str, Any] | None = None) -> dict[str, Any] | None:
        with self.store.connect() as conn:
            row = conn.execute(text(sql), args or {}).first()
        return dict(row._mapping) if row is not None else None

    def _write(self, sql: str, args: dict[str, Any] | list[dict[str, Any]] | None = None) -> int:
        """Run one statement (many rows when ``args`` is a list) in a transaction, or the open one;
        returns the rows it touched."""
        if isinstance(args, list) and not args:
            return 0
        with self.store.transaction() as conn:
            return int(conn.execute(text(sql), args if args is not None else {}).rowcount)

    # --- state --------------------------------------------------------------------------------

    def state(self, key: str) -> str | None:
        row = self._one("SELECT value FROM watch_state WHERE key = :key", {"key": key})
        return row["value"] if row else None

    def set_state(self, key: str, value: str) -> None:
        args = {"key": key, "value": value}
        with self.transaction():  # read and write under the lock: no other writer inserts between
            if self._write("UPDATE watch_state SET value = :value WHERE key = :key", args) == 0:
                self._write("INSERT INTO watch_state (key, value) VALUES (:key, :value)", args)

    # --- watchlists -----------------------------------------------------------------------------

    def watchlists(self) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT w.*, (SELECT count(*) FROM watch_rows r WHERE r.watchlist = w.name) AS row_count, "
            "(SELECT count(*) FROM alerts a WHERE a.watchlist = w.name AND a.status = 'open') AS open_alerts "
            "FROM watchlists w ORDER BY w.name"
        )
        return rows

    def watchlist(self, name: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM watchlists WHERE name = :name", {"name": name})

    def put_watchlist(self, name: str, kind: str, activity: str, rows: list[dict[str, Any]]) -> int:
        """Create or replace a watchlist's rows (its alerts and exclusions stay); returns its version."""
        self._bump_rows()
        old = self.watchlist(name)
        version = (old["version"] + 1) if old else 1
        if old:
            self._write(
                "UPDATE watchlists SET kind = :kind, activity = :activity, version = :version WHERE name = :name",
                {"name": name, "kind": kind, "activity": activity, "version": version},
            )
            self._write("DELETE FROM watch_rows WHERE watchlist = :name", {"name": name})
        else:
            self._write(
                "INSERT INTO watchlists (name, kind, activity, created_at, version) "
                "VALUES (:name, :kind, :activity, :at, :version)",
                {"name": name, "kind": kind, "activity": activity, "at": now(), "version": version},
            )
        self._write(
            "INSERT INTO watch_rows (watchlist, row_id, name, type, country, birth_date, identifiers, "
            "quantity, extra) VALUES (:watchlist, :row_id, :name, :type, :country, :birth_date, "
            ":identifiers, :quantity, :extra)",
            [
                {
                    "watchlist": name,
                    **{k: r.get(k) for k in ("row_id", "name", "type", "country", "birth_date", "quantity")},
                    "identifiers": dumps(r.get("identifiers") or {}),
                    "extra": dumps(r.get("extra") or {}),
                }
                for r in rows
            ],
        )
        return version

    def remove_watchlist(self, name: str) -> None:
        self._bump_rows()
        for table in ("watch_rows", "watch_exclusions", "alerts"):
            self._write(f"DELETE FROM {table} WHERE watchlist = :name", {"name": name})  # noqa: S608
        self._write("DELETE FROM watchlists WHERE name = :name", {"name": name})

    def set_webhook(self, name: str, url: str | None, secret: str | None) -> None:
        self._write(
            "UPDATE watchlists SET webhook_url = :url, webhook_secret = :secret WHERE name = :name",
            {"name": name, "url": url, "secret": secret},
        )

    def rows(self, watchlist: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM watch_rows"
        args: dict[str, Any] = {}
        if watchlist is not None:
            sql += " WHERE watchlist = :watchlist"
            args["watchlist"] = watchlist
        out = self._all(sql + " ORDER BY watchlist, row_id", args)
        for row in out:
            row["identifiers"] = json.loads(row["identifiers"])
            row["extra"] = json.loads(row["extra"])
        return out

    def row(self, watchlist: str, row_id: str) -> dict[str, Any] | None:
        found = self._one(
            "SELECT * FROM watch_rows WHERE watchlist = :watchlist AND row_id = :row_id",
            {"watchlist": watchlist, "row_id": row_id},
        )
        if found is not None:
            found["identifiers"] = json.loads(found["identifiers"])
            found["extra"] = json.loads(found["extra"])
        return found

    def rows_key(self) -> str:
        """What the watched rows are now: the key of the reverse index built from them (a counter
        bumped by every change of any watchlist's rows, so a key never comes back)."""
        return self.state("rows_generation") or "0"

    def _bump_rows(self) -> None:
        self.set_state("rows_generation", str(int(self.state("rows_generation") or 0) + 1))

    # --- alerts ---------------------------------------------------------------------------------

    def alert(self, alert_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM alerts WHERE id = :id", {"id": alert_id})
        return _alert(row) if row else None

    def alerts(
        self,
        *,
        watchlist: str | None = None,
        status: str | None = None,
        entity_ids: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        where, args = [], {}
        if watchlist is not None:
            where.append("watchlist = :watchlist")
            args["watchlist"] = watchlist
        if status is not None:
            where.append("status = :status")
            args["status"] = status
        sql = "SELECT * FROM alerts" + (" WHERE " + " AND ".join(where) if where else "")
        rows = [_alert(r) for r in self._all(sql + " ORDER BY updated_at, id", args)]
        if entity_ids is not None:
            wanted = set(entity_ids)
            rows = [r for r in rows if r["entity_id"] in wanted]
        return rows

    def save_alert(self, alert: dict[str, Any], *, new: bool) -> None:
        args = {
            **{k: alert[k] for k in ("id", "watchlist", "row_id", "party_id", "entity_id", "status")},
            "decision": alert.get("decision"),
            "evidence_hash": alert["evidence_hash"],
            "evidence": dumps(alert["evidence"]),
            "changes": dumps(alert["changes"]),
            "created_at": alert["created_at"],
            "updated_at": alert["updated_at"],
            "raised": alert["raised"],
        }
        if new:
            self._write(
                "INSERT INTO alerts (id, watchlist, row_id, party_id, entity_id, status, decision, evidence_hash, "
                "evidence, changes, created_at, updated_at, raised) VALUES (:id, :watchlist, :row_id, :party_id, "
                ":entity_id, :status, :decision, :evidence_hash, :evidence, :changes, :created_at, :updated_at, "
                ":raised)",
                args,
            )
        else:
            self._write(
                "UPDATE alerts SET entity_id = :entity_id, status = :status, decision = :decision, "
                "evidence_hash = :evidence_hash, evidence = :evidence, changes = :changes, "
                "updated_at = :updated_at, raised = :raised WHERE id = :id",
                args,
            )

    def add_decision(
        self, alert_id: str, who: str, decision: str, reason: str, evidence_hash: str
    ) -> dict[str, Any]:
        seq_row = self._one(
            "SELECT count(*) AS n FROM alert_decisions WHERE alert_id = :id", {"id": alert_id}
        )
        row = {
            "alert_id": alert_id,
            "seq": int(seq_row["n"] if seq_row else 0) + 1,
            "at": now(),
            "who": who,
            "decision": decision,
            "reason": reason,
            "evidence_hash": evidence_hash,
        }
        self._write(
            "INSERT INTO alert_decisions (alert_id, seq, at, who, decision, reason, evidence_hash) "
            "VALUES (:alert_id, :seq, :at, :who, :decision, :reason, :evidence_hash)",
            row,
        )
        return row

    def decisions(self, alert_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM alert_decisions WHERE alert_id = :id ORDER BY seq", {"id": alert_id})

    def exclude(self, alert: dict[str, Any], reason: str, who: str) -> None:
        key = {"watchlist": alert["watchlist"], "row_id": alert["row_id"], "party_id": alert["party_id"]}
        self._write(
            "DELETE FROM watch_exclusions WHERE watchlist = :watchlist AND row_id = :row_id "
            "AND party_id = :party_id",
            key,
        )
        self._write(
            "INSERT INTO watch_exclusions (watchlist, row_id, party_id, alert_id, reason, who, at) "
            "VALUES (:watchlist, :row_id, :party_id, :alert_id, :reason, :who, :at)",
            {**key, "alert_id": alert["id"], "reason": reason, "who": who, "at": now()},
        )

    def unexclude(self, alert: dict[str, Any]) -> None:
        self._write(
            "DELETE FROM watch_exclusions WHERE watchlist = :watchlist AND row_id = :row_id "
            "AND party_id = :party_id",
            {"watchlist": alert["watchlist"], "row_id": alert["row_id"], "party_id": alert["party_id"]},
        )

    def exclusions(self, watchlist: str | None = None) -> set[tuple[str, str, str]]:
        sql = "SELECT watchlist, row_id, party_id FROM watch_exclusions"
        args: dict[str, Any] = {}
        if watchlist is not None:
            sql += " WHERE watchlist = :watchlist"
            args["watchlist"] = watchlist
        return {(r["watchlist"], r["row_id"], r["party_id"]) for r in self._all(sql, args)}

    # --- webhook deliveries ---------------------------------------------------------------------

    def log_delivery(self, row: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO webhook_deliveries (id, watchlist, alert_id, url, attempt, at, status_code, error, "
            "body_sha256) VALUES (:id, :watchlist, :alert_id, :url, :attempt, :at, :status_code, :error, "
            ":body_sha256)",
            row,
        )

    def deliveries(self, watchlist: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM webhook_deliveries"
        args: dict[str, Any] = {}
        if watchlist is not None:
            sql += " WHERE watchlist = :watchlist"
            args["watchlist"] = watchlist
        return self._all(sql + " ORDER BY at, id", args)

    # --- audit ------------------------------------------------------------------------------------

    def audit_tail(self) -> dict[str, Any] | None:
        return self._one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")

    def audit_insert(self, row: dict[str, Any]) -> None:
        self._write(
            "INSERT INTO audit_log (seq, at, who, action, generation, input, answer, prev_hash, hash) "
            "VALUES (:seq, :at, :who, :action, :generation, :input, :answer, :prev_hash, :hash)",
            row,
        )

    def audit_rows_from(self, seq: int) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM audit_log WHERE seq >= :seq ORDER BY seq", {"seq": seq})

    def audit_rows(self, since: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM audit_log"
        args: dict[str, Any] = {}
        if since:
            sql += " WHERE at >= :since"
            args["since"] = since
        return self._all(sql + " ORDER BY seq", args)


def _alert(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["evidence"] = json.loads(row["evidence"])
    row["changes"] = json.loads(row["changes"])
    return row
