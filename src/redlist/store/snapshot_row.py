"""A ``snapshots`` table row as a :class:`~redlist.model.Snapshot`, importable without SQLAlchemy:
the full store (:mod:`redlist.store.db`) and the sqlite3 reader (:mod:`redlist.store.lite`) share it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from redlist.model import RawFile, Snapshot


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
