"""The party graph kept in the store, tagged with the data key it was resolved from.

Three tables beside the store's own: ``parties`` (one JSON document per party: members, links
with their evidence, related parties), ``party_entries`` (entry id -> party id) and
``party_meta`` (the data key, when it was built, counts, notes). :func:`save` replaces the whole
graph in one transaction; :func:`load` returns it only when it was built from the same data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from datetime import UTC, datetime

from redlist.parties.model import Party
from redlist.parties.resolve import PartyGraph
from redlist.store import Store

#: Bumped when resolution changes, so a graph resolved by an older redlist is resolved again.
RESOLVER_VERSION = "4"  # 4: published subsidiary_of relations, primary/copy name links

_SCHEMA = """
CREATE TABLE IF NOT EXISTS parties (id TEXT PRIMARY KEY, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS party_entries (entry_id TEXT PRIMARY KEY, party_id TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS party_entries_party ON party_entries (party_id);
CREATE TABLE IF NOT EXISTS party_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _ensure(store: Store) -> None:
    store.conn.executescript(_SCHEMA)


def built_key(store: Store) -> str | None:
    """The data key the stored graph was built from (None: never built)."""
    _ensure(store)
    row = store.conn.execute("SELECT value FROM party_meta WHERE key = 'data_key'").fetchone()
    return str(row[0]) if row else None


def save(store: Store, graph: PartyGraph, key: str) -> None:
    """Replace the stored graph with ``graph``, built from the data named ``key``."""
    _ensure(store)
    unlisted = {entry_id: entity.to_dict() for entry_id, entity in graph.entities.items()}
    meta = {
        "data_key": f"{key}:{RESOLVER_VERSION}",
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "stats": json.dumps(graph.stats()),
        "notes": json.dumps(graph.notes),
        "unlisted": json.dumps(unlisted),
    }
    with store.transaction() as conn:
        conn.execute("DELETE FROM parties")
        conn.execute("DELETE FROM party_entries")
        conn.execute("DELETE FROM party_meta")
        conn.executemany(
            "INSERT INTO parties (id, name, data) VALUES (?, ?, ?)",
            [(p.id, p.name, json.dumps(p.to_dict(), ensure_ascii=False)) for p in graph.parties.values()],
        )
        conn.executemany(
            "INSERT INTO party_entries (entry_id, party_id) VALUES (?, ?)", graph.of_entry.items()
        )
        conn.executemany("INSERT INTO party_meta (key, value) VALUES (?, ?)", meta.items())


def load(store: Store, key: str) -> PartyGraph | None:
    """The stored graph if it was built from the data named ``key``, else None."""
    if built_key(store) != f"{key}:{RESOLVER_VERSION}":
        return None
    from redlist.model import Entity

    parties = LazyParties(dict(store.conn.execute("SELECT id, data FROM parties").fetchall()))
    of_entry = dict(store.conn.execute("SELECT entry_id, party_id FROM party_entries").fetchall())
    meta = dict(store.conn.execute("SELECT key, value FROM party_meta").fetchall())
    unlisted = {k: Entity.from_dict(v) for k, v in json.loads(meta.get("unlisted", "{}")).items()}
    return PartyGraph(parties, of_entry, json.loads(meta.get("notes", "[]")), unlisted)  # type: ignore[arg-type]


class LazyParties(MutableMapping[str, Party]):
    """The parties of a stored graph, each decoded from its JSON when first asked for: a status
    question reads a handful of the tens of thousands (decoding them all took a second)."""

    def __init__(self, raw: dict[str, str]) -> None:
        self._raw = raw
        self._done: dict[str, Party] = {}

    def __getitem__(self, party_id: str) -> Party:
        found = self._done.get(party_id)
        if found is None:
            found = self._done[party_id] = Party.from_dict(json.loads(self._raw[party_id]))
        return found

    def __setitem__(self, party_id: str, party: Party) -> None:
        self._raw.setdefault(party_id, "")
        self._done[party_id] = party

    def __delitem__(self, party_id: str) -> None:
        del self._raw[party_id]
        self._done.pop(party_id, None)

    def __contains__(self, party_id: object) -> bool:
        return party_id in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def info(store: Store) -> dict[str, object]:
    """When the stored graph was built, from which data, and its counts."""
    _ensure(store)
    meta = dict(store.conn.execute("SELECT key, value FROM party_meta").fetchall())
    return {
        "data_key": meta.get("data_key"),
        "built_at": meta.get("built_at"),
        "stats": json.loads(meta["stats"]) if "stats" in meta else None,
    }
