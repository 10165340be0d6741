"""Persistence (SQLite or PostgreSQL): snapshots, the raw archive, records and change events."""

from redlist.store.archive import RawArchive
from redlist.store.db import Store, record_json

__all__ = ["RawArchive", "Store", "record_json"]
