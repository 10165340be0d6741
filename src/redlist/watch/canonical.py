"""Canonical JSON and timestamps of the watch tables' rows (audit rows hash them): kept apart from
:mod:`redlist.watch.storage` (SQLAlchemy) so that recording an answer imports neither."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def now() -> str:
    """The current UTC time, ISO 8601 to the microsecond (audit rows sort by it)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces): equal content, equal text, equal hash."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
