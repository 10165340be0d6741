"""Watchlists, watched rows, alerts, decisions, exclusions, webhook deliveries and the audit trail,
kept in the store's database next to the lists.

The SQL is deliberately plain (``CREATE TABLE IF NOT EXISTS``, named ``:parameters``, no
``INSERT OR ...``, no autoincrement: ids are made here), so that it runs unchanged through
SQLAlchemy's ``text()`` on PostgreSQL as on SQLite. JSON is kept as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from redlist.store import Store

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS watchlists (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        activity TEXT NOT NULL,
        created_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        webhook_url TEXT,
        webhook_secret TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS watch_rows (
        watchlist TEXT NOT NULL,
        row_id TEXT NOT NULL,
        name TEXT,
        type TEXT,
        country TEXT,
        birth_date TEXT,
        identifiers TEXT NOT NULL,
        quantity TEXT,
        extra TEXT NOT NULL,
        PRIMARY KEY (watchlist, row_id)
    )""",
    """CREATE TABLE IF NOT EXISTS watch_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS alerts (
        id TEXT PRIMARY KEY,
        watchlist TEXT NOT NULL,
        row_id TEXT NOT NULL,
        party_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        status TEXT NOT NULL,
        decision TEXT,
        evidence_hash TEXT NOT NULL,
        evidence TEXT NOT NULL,
        changes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        raised INTEGER NOT NULL
    )""",
    """CREATE INDEX IF NOT EXISTS alerts_watchlist ON alerts (watchlist, row_id)""",
    """CREATE INDEX IF NOT EXISTS alerts_entity ON alerts (entity_id)""",
    """CREATE TABLE IF NOT EXISTS alert_decisions (
        alert_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        decision TEXT NOT NULL,
        reason TEXT NOT NULL,
        evidence_hash TEXT NOT NULL,
        PRIMARY KEY (alert_id, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS watch_exclusions (
        watchlist TEXT NOT NULL,
        row_id TEXT NOT NULL,
        party_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        who TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (watchlist, row_id, party_id)
    )""",
    """CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id TEXT PRIMARY KEY,
        watchlist TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        url TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at TEXT NOT NULL,
        status_code INTEGER,
        error TEXT,
        body_sha256 TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        generation TEXT NOT NULL,
        input TEXT NOT NULL,
        answer TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
)


def now() -> str:
    """The current UTC time, ISO 8601 to the microsecond (audit rows sort by it)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces): equal content, equal text, equal hash."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


class WatchStore:
    """The watch tables on a :class:`~redlist.store.Store`'s connection (created on first use)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        for statement in SCHEMA:
            self.conn.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self.store.transaction() as conn:
            yield conn

    def _all(self, sql: str, args: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(sql, args or {}).fetchall()]

    def _one(self, sql: str, args: dict[str, Any] | None = None) -> dict[str, Any] | None:
        row = self.conn.execute(sql, args or {}).fetchone()
        return dict(row) if row is not None else None

    # --- state --------------------------------------------------------------------------------

    def state(self, key: str) -> str | None:
        row = self._one("SELECT value FROM watch_state WHERE key = :key", {"key": key})
        return row["value"] if row else None

    def set_state(self, key: str, value: str) -> None:
        args = {"key": key, "value": value}
        if self.conn.execute("UPDATE watch_state SET value = :value WHERE key = :key", args).rowcount == 0:
            self.conn.execute("INSERT INTO watch_state (key, value) VALUES (:key, :value)", args)

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
            self.conn.execute(
                "UPDATE watchlists SET kind = :kind, activity = :activity, version = :version WHERE name = :name",
                {"name": name, "kind": kind, "activity": activity, "version": version},
            )
            self.conn.execute("DELETE FROM watch_rows WHERE watchlist = :name", {"name": name})
        else:
            self.conn.execute(
                "INSERT INTO watchlists (name, kind, activity, created_at, version) "
                "VALUES (:name, :kind, :activity, :at, :version)",
                {"name": name, "kind": kind, "activity": activity, "at": now(), "version": version},
            )
        self.conn.executemany(
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
            self.conn.execute(f"DELETE FROM {table} WHERE watchlist = :name", {"name": name})  # noqa: S608
        self.conn.execute("DELETE FROM watchlists WHERE name = :name", {"name": name})

    def set_webhook(self, name: str, url: str | None, secret: str | None) -> None:
        self.conn.execute(
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
            self.conn.execute(
                "INSERT INTO alerts (id, watchlist, row_id, party_id, entity_id, status, decision, evidence_hash, "
                "evidence, changes, created_at, updated_at, raised) VALUES (:id, :watchlist, :row_id, :party_id, "
                ":entity_id, :status, :decision, :evidence_hash, :evidence, :changes, :created_at, :updated_at, "
                ":raised)",
                args,
            )
        else:
            self.conn.execute(
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
        self.conn.execute(
            "INSERT INTO alert_decisions (alert_id, seq, at, who, decision, reason, evidence_hash) "
            "VALUES (:alert_id, :seq, :at, :who, :decision, :reason, :evidence_hash)",
            row,
        )
        return row

    def decisions(self, alert_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM alert_decisions WHERE alert_id = :id ORDER BY seq", {"id": alert_id})

    def exclude(self, alert: dict[str, Any], reason: str, who: str) -> None:
        key = {"watchlist": alert["watchlist"], "row_id": alert["row_id"], "party_id": alert["party_id"]}
        self.conn.execute(
            "DELETE FROM watch_exclusions WHERE watchlist = :watchlist AND row_id = :row_id "
            "AND party_id = :party_id",
            key,
        )
        self.conn.execute(
            "INSERT INTO watch_exclusions (watchlist, row_id, party_id, alert_id, reason, who, at) "
            "VALUES (:watchlist, :row_id, :party_id, :alert_id, :reason, :who, :at)",
            {**key, "alert_id": alert["id"], "reason": reason, "who": who, "at": now()},
        )

    def unexclude(self, alert: dict[str, Any]) -> None:
        self.conn.execute(
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
        self.conn.execute(
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
        self.conn.execute(
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
