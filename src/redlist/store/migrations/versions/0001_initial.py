"""The store as of redlist 0.1: snapshots, records, change events, the update log, the party graph.

A SQLite store made before migrations existed already holds some of these tables (its schema was
created with CREATE TABLE IF NOT EXISTS): they are kept as they are, the missing ones are created,
and a snapshots table without the ``note`` column gets it.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Key = sa.Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")


def _create(name: str, *columns: Any, indexes: tuple[tuple[str, list[str]], ...] = (), **kw: Any) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *columns, **kw)
    for index, cols in indexes:
        op.create_index(index, name, cols)


def upgrade() -> None:
    _create("meta", sa.Column("key", Key, primary_key=True), sa.Column("value", sa.Text, nullable=False))
    _create(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", Key, nullable=False),
        sa.Column("as_of", Key, nullable=False),
        sa.Column("fetched_at", Key, nullable=False),
        sa.Column("sha256", Key, nullable=False),
        sa.Column("parser_version", sa.Text, nullable=False),
        sa.Column("format", sa.Text),
        sa.Column("record_count", sa.Integer, nullable=False),
        sa.Column("origin", sa.Text),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False, server_default="[]"),
        sa.Column("status", sa.Text, nullable=False, server_default="ok"),
        sa.Column("note", sa.Text),
        indexes=(("snapshots_source", ["source", "as_of", "id"]),),
    )
    if "note" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("snapshots")}:
        op.add_column("snapshots", sa.Column("note", sa.Text))
    _create(
        "records",
        sa.Column("hash", Key, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
    _create(
        "snapshot_records",
        sa.Column(
            "snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("key", Key, primary_key=True),
        sa.Column("entity_id", Key, nullable=False),
        sa.Column("record_hash", Key, nullable=False),
        indexes=(("snapshot_records_entity", ["entity_id"]),),
        sqlite_with_rowid=False,
    )
    _create(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("previous_snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE")),
        sa.Column("date", Key, nullable=False),
        sa.Column("previous_date", Key),
        sa.Column("source", Key, nullable=False),
        sa.Column("list", Key, nullable=False),
        sa.Column("source_id", Key, nullable=False),
        sa.Column("entity_id", Key, nullable=False),
        sa.Column("change", Key, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("fields", sa.Text, nullable=False, server_default="[]"),
        indexes=(
            ("events_date", ["date", "source"]),
            ("events_entity", ["entity_id"]),
            ("events_snapshot", ["snapshot_id"]),
        ),
    )
    _create(
        "update_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", Key, nullable=False),
        sa.Column("at", Key, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    # the party graph (redlist.parties.storage)
    _create(
        "parties",
        sa.Column("id", Key, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    _create(
        "party_entries",
        sa.Column("entry_id", Key, primary_key=True),
        sa.Column("party_id", Key, nullable=False),
        indexes=(("party_entries_party", ["party_id"]),),
        sqlite_with_rowid=False,
    )
    _create(
        "party_meta", sa.Column("key", Key, primary_key=True), sa.Column("value", sa.Text, nullable=False)
    )


def downgrade() -> None:
    for name in (
        "party_meta",
        "party_entries",
        "parties",
        "update_log",
        "events",
        "snapshot_records",
        "records",
        "snapshots",
        "meta",
    ):
        op.drop_table(name)
