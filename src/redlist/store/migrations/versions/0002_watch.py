"""Monitoring (redlist.watch): watchlists and their rows, alerts, decisions, exclusions, webhook
deliveries and the hash-chained audit trail.

A SQLite store written by a development build of the monitoring branch may hold these tables
already (made with CREATE TABLE IF NOT EXISTS, the same columns): they are kept as they are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Key = sa.Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")

TABLES = (
    "audit_log",
    "webhook_deliveries",
    "watch_exclusions",
    "alert_decisions",
    "alerts",
    "watch_state",
    "watch_rows",
    "watchlists",
)


def _create(name: str, *columns: Any, indexes: tuple[tuple[str, list[str]], ...] = ()) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *columns)
    for index, cols in indexes:
        op.create_index(index, name, cols)


def upgrade() -> None:
    _create(
        "watchlists",
        sa.Column("name", Key, primary_key=True),
        sa.Column("kind", Key, nullable=False),
        sa.Column("activity", sa.Text, nullable=False),
        sa.Column("created_at", Key, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("webhook_url", sa.Text),
        sa.Column("webhook_secret", sa.Text),
    )
    _create(
        "watch_rows",
        sa.Column("watchlist", Key, primary_key=True),
        sa.Column("row_id", Key, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("type", sa.Text),
        sa.Column("country", sa.Text),
        sa.Column("birth_date", sa.Text),
        sa.Column("identifiers", sa.Text, nullable=False),
        sa.Column("quantity", sa.Text),
        sa.Column("extra", sa.Text, nullable=False),
    )
    _create(
        "watch_state", sa.Column("key", Key, primary_key=True), sa.Column("value", sa.Text, nullable=False)
    )
    _create(
        "alerts",
        sa.Column("id", Key, primary_key=True),
        sa.Column("watchlist", Key, nullable=False),
        sa.Column("row_id", Key, nullable=False),
        sa.Column("party_id", Key, nullable=False),
        sa.Column("entity_id", Key, nullable=False),
        sa.Column("status", Key, nullable=False),
        sa.Column("decision", Key),
        sa.Column("evidence_hash", Key, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("created_at", Key, nullable=False),
        sa.Column("updated_at", Key, nullable=False),
        sa.Column("raised", sa.Integer, nullable=False),
        indexes=(("alerts_watchlist", ["watchlist", "row_id"]), ("alerts_entity", ["entity_id"])),
    )
    _create(
        "alert_decisions",
        sa.Column("alert_id", Key, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", Key, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("decision", Key, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence_hash", Key, nullable=False),
    )
    _create(
        "watch_exclusions",
        sa.Column("watchlist", Key, primary_key=True),
        sa.Column("row_id", Key, primary_key=True),
        sa.Column("party_id", Key, primary_key=True),
        sa.Column("alert_id", Key, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("at", Key, nullable=False),
    )
    _create(
        "webhook_deliveries",
        sa.Column("id", Key, primary_key=True),
        sa.Column("watchlist", Key, nullable=False),
        sa.Column("alert_id", Key, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("at", Key, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("body_sha256", Key, nullable=False),
    )
    _create(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", Key, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("action", Key, nullable=False),
        sa.Column("generation", sa.Text, nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("prev_hash", Key, nullable=False),
        sa.Column("hash", Key, nullable=False),
    )


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
