"""What the store holds per source: the latest snapshot, how many, and the last update attempt."""

from __future__ import annotations

from typing import Any

from redlist import sources
from redlist.store import Store


def source_status(store: Store) -> list[dict[str, Any]]:
    """One row per known source, in registry order (JSON-ready)."""
    rows = []
    for spec in sources.SOURCES.values():
        latest = store.latest(spec.id)
        attempt = store.last_attempt(spec.id)
        row: dict[str, Any] = {
            "source": spec.id,
            "title": spec.title,
            "as_of": latest.as_of if latest else None,
            "records": latest.record_count if latest else None,
            "fetched_at": latest.fetched_at if latest else None,
            "sha256": latest.sha256 if latest else None,
            "format": latest.format if latest else None,
            "snapshots": store.snapshot_count(spec.id),
            "status": "ok" if latest else "not loaded",
            "last_attempt": attempt,
        }
        if attempt and attempt["status"] in ("failed", "refused"):
            # The data is still the last good snapshot; say that the newest attempt failed.
            row["status"] = f"{row['status']}; last update {attempt['status']}"
        rows.append(row)
    return rows
