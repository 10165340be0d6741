"""The store's rows as model objects, importable without SQLAlchemy: a ``snapshots`` table row as a
:class:`~redlist.model.Snapshot`, and an entry's stored records as its versions. The full store
(:mod:`redlist.store.db`) and the sqlite3 reader (:mod:`redlist.store.lite`) share them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from redlist.model import Entity, RawFile, Snapshot

#: An entry's stored records, (snapshot id, record JSON), by entry id: the same statement for the
#: sqlite3 reader and the full store (``:entity_id``, a named parameter both accept).
VERSIONS_SQL = (
    "SELECT snapshot_records.snapshot_id, records.data FROM snapshot_records "
    "JOIN records ON records.hash = snapshot_records.record_hash "
    "WHERE snapshot_records.entity_id = :entity_id"
)


def snapshot_of(row: Mapping[Any, Any]) -> Snapshot:
    """A snapshot from its ``snapshots`` table row."""
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


def record_versions(
    rows: Iterable[tuple[int, str]], snapshots: Mapping[int, Snapshot]
) -> list[tuple[Snapshot, Entity]]:
    """An entry's stored versions, oldest first: its ``(snapshot id, record JSON)`` rows with the
    snapshots they belong to (by id)."""
    out = [(snapshots[sid], Entity.from_dict(json.loads(data))) for sid, data in rows]
    out.sort(key=lambda pair: (pair[0].as_of, pair[0].id or 0))
    return out
