"""The party graph kept in the store, tagged with the data key it was resolved from.

Three tables beside the store's own (declared on the store's shared metadata, created by its
migrations): ``parties`` (one JSON document per party: members, links
with their evidence, related parties), ``party_entries`` (entry id -> party id) and
``party_meta`` (the data key, when it was built, counts, notes). :func:`save` replaces the whole
graph in one transaction; :func:`load` returns it only when it was built from the same data
(read with plain SQL, without SQLAlchemy on a one-shot caller's SQLite store:
:mod:`redlist.parties.stored`, re-exported here).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Column, Index, Table, Text, delete, insert

from redlist.parties.graph import PartyGraph
from redlist.parties.stored import RESOLVER_VERSION, LazyParties, built_key, load
from redlist.parties.stored import meta as stored_meta
from redlist.store import Store
from redlist.store.schema import Key, metadata

__all__ = ["RESOLVER_VERSION", "LazyParties", "built_key", "info", "load", "party_entries", "parties", "save"]

parties = Table(
    "parties",
    metadata,
    Column("id", Key, primary_key=True),
    Column("name", Text, nullable=False),
    Column("data", Text, nullable=False),
)
party_entries = Table(
    "party_entries",
    metadata,
    Column("entry_id", Key, primary_key=True),
    Column("party_id", Key, nullable=False),
    Index("party_entries_party", "party_id"),
    sqlite_with_rowid=False,
)
party_meta = Table(
    "party_meta", metadata, Column("key", Key, primary_key=True), Column("value", Text, nullable=False)
)


def save(store: Store, graph: PartyGraph, key: str) -> None:
    """Replace the stored graph with ``graph``, built from the data named ``key``."""
    unlisted = {entry_id: entity.to_dict() for entry_id, entity in graph.entities.items()}
    meta = {
        "data_key": f"{key}:{RESOLVER_VERSION}",
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "stats": json.dumps(graph.stats()),
        "notes": json.dumps(graph.notes),
        "unlisted": json.dumps(unlisted),
    }
    with store.transaction() as conn:
        for table in (parties, party_entries, party_meta):
            conn.execute(delete(table))
        rows = [
            {"id": p.id, "name": p.name, "data": json.dumps(p.to_dict(), ensure_ascii=False)}
            for p in graph.parties.values()
        ]
        if rows:
            conn.execute(insert(parties), rows)
        if graph.of_entry:
            conn.execute(
                insert(party_entries), [{"entry_id": e, "party_id": p} for e, p in graph.of_entry.items()]
            )
        conn.execute(insert(party_meta), [{"key": k, "value": v} for k, v in meta.items()])


def info(store: Store) -> dict[str, object]:
    """When the stored graph was built, from which data, and its counts."""
    meta = stored_meta(store)
    return {
        "data_key": meta.get("data_key"),
        "built_at": meta.get("built_at"),
        "stats": json.loads(meta["stats"]) if "stats" in meta else None,
    }
