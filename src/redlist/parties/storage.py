"""The party graph kept in the store, tagged with the data key it was resolved from.

Three tables beside the store's own (declared on the store's shared metadata, created by its
migrations): ``parties`` (one JSON document per party: members, links
with their evidence, related parties), ``party_entries`` (entry id -> party id) and
``party_meta`` (the data key, when it was built, counts, notes). :func:`save` replaces the whole
graph in one transaction; :func:`load` returns it only when it was built from the same data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from datetime import UTC, datetime

from sqlalchemy import Column, Index, Table, Text, delete, insert, select

from redlist.parties.model import Party
from redlist.parties.resolve import PartyGraph
from redlist.store import Store
from redlist.store.schema import Key, metadata

#: Bumped when resolution changes, so a graph resolved by an older redlist is resolved again.
RESOLVER_VERSION = "4"  # 4: published subsidiary_of relations, primary/copy name links

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


def _meta(store: Store) -> dict[str, str]:
    with store.connect() as conn:
        return {k: v for k, v in conn.execute(select(party_meta.c.key, party_meta.c.value))}


def built_key(store: Store) -> str | None:
    """The data key the stored graph was built from (None: never built)."""
    return _meta(store).get("data_key")


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


def load(store: Store, key: str) -> PartyGraph | None:
    """The stored graph if it was built from the data named ``key``, else None."""
    if built_key(store) != f"{key}:{RESOLVER_VERSION}":
        return None
    from redlist.model import Entity

    with store.connect() as conn:
        raw = {row[0]: row[1] for row in conn.execute(select(parties.c.id, parties.c.data))}
        of_entry = {e: p for e, p in conn.execute(select(party_entries.c.entry_id, party_entries.c.party_id))}
    meta = _meta(store)
    unlisted = {k: Entity.from_dict(v) for k, v in json.loads(meta.get("unlisted", "{}")).items()}
    return PartyGraph(LazyParties(raw), of_entry, json.loads(meta.get("notes", "[]")), unlisted)  # type: ignore[arg-type]


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
    meta = _meta(store)
    return {
        "data_key": meta.get("data_key"),
        "built_at": meta.get("built_at"),
        "stats": json.loads(meta["stats"]) if "stats" in meta else None,
    }
