"""The store's tables, declared once with SQLAlchemy Core for SQLite and PostgreSQL alike.

Every table of the database hangs on :data:`metadata`: the store's own below, and those of the
modules above the store (the party graph in ``redlist.parties.storage``; watchlists, alerts and the
audit trail likewise). A module adds a table in two steps (see docs/architecture.md):

1. declare it on this ``metadata`` with the column types below (``Key`` for text that is sorted or
   compared, so that both backends order it byte by byte);
2. add an Alembic revision under ``redlist/store/migrations/versions`` that creates it, and set
   :data:`HEAD` (in :mod:`redlist.store.head`: :mod:`redlist.store.lite` reads the schema revision
   without SQLAlchemy) to that revision. ``Store.open`` upgrades every database to ``HEAD``; a test
   checks that the migrated schema equals this metadata on both backends.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, Table, Text
from sqlalchemy.dialects import postgresql

from redlist.store.head import HEAD as HEAD  # the Alembic revision the code expects (re-exported)

#: Text compared and sorted byte by byte on both backends: SQLite's default collation is binary,
#: PostgreSQL's follows the server's locale unless told (it would sort "us_b" before "usa").
Key = Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", Key, primary_key=True),
    Column("value", Text, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Key, nullable=False),
    Column("as_of", Key, nullable=False),
    Column("fetched_at", Key, nullable=False),
    Column("sha256", Key, nullable=False),
    Column("parser_version", Text, nullable=False),
    Column("format", Text),
    Column("record_count", Integer, nullable=False),
    Column("origin", Text),
    Column("files", Text, nullable=False),
    Column("warnings", Text, nullable=False, server_default="[]"),
    Column("status", Text, nullable=False, server_default="ok"),
    Column("note", Text),
    Index("snapshots_source", "source", "as_of", "id"),
)

#: Record bodies, once per distinct content (the sha256 of their canonical JSON).
records = Table(
    "records",
    metadata,
    Column("hash", Key, primary_key=True),
    Column("data", Text, nullable=False),
    sqlite_with_rowid=False,
)

snapshot_records = Table(
    "snapshot_records",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("key", Key, primary_key=True),
    Column("entity_id", Key, nullable=False),
    Column("record_hash", Key, nullable=False),
    Index("snapshot_records_entity", "entity_id"),
    sqlite_with_rowid=False,
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("previous_snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE")),
    Column("date", Key, nullable=False),
    Column("previous_date", Key),
    Column("source", Key, nullable=False),
    Column("list", Key, nullable=False),
    Column("source_id", Key, nullable=False),
    Column("entity_id", Key, nullable=False),
    Column("change", Key, nullable=False),
    Column("name", Text, nullable=False),
    Column("fields", Text, nullable=False, server_default="[]"),
    Index("events_date", "date", "source"),
    Index("events_entity", "entity_id"),
    Index("events_snapshot", "snapshot_id"),
)

update_log = Table(
    "update_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Key, nullable=False),
    Column("at", Key, nullable=False),
    Column("status", Text, nullable=False),
    Column("message", Text, nullable=False),
)
