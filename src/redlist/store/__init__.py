"""Persistence (SQLite or PostgreSQL): snapshots, the raw archive, records and change events.

The names below are imported on first use: the store's module imports SQLAlchemy, which a
one-shot answer from a SQLite store does without (:mod:`redlist.store.lite`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redlist.store.archive import RawArchive
    from redlist.store.db import Store, record_json

__all__ = ["RawArchive", "Store", "record_json"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from redlist.store.db import Store

        return Store
    if name == "record_json":
        from redlist.store.db import record_json

        return record_json
    if name == "RawArchive":
        from redlist.store.archive import RawArchive

        return RawArchive
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
