"""Per-list figures of the curated data: how many entries, how well sourced, and how recent.

``redlist sources`` and the docs show these; ``tests/test_citation_policy.py`` checks that each list
file's header states the same counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from redlist.curated.compiled import packaged
from redlist.curated.model import CuratedList


@dataclass(frozen=True)
class ListSummary:
    """The figures of one curated list."""

    list_id: str
    title: str
    entries: int
    confirmed: int
    secondary: int
    unconfirmed: int
    newest_edition: str | None  # the id of the edition with the latest date
    newest_edition_date: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_summary(lst: CuratedList) -> ListSummary:
    """The figures of one loaded list."""
    levels = [e.verification for e in lst.entries]
    newest = max(lst.editions, key=lambda e: (e.date, e.id), default=None)
    return ListSummary(
        list_id=lst.list_id,
        title=lst.title,
        entries=len(levels),
        confirmed=levels.count("confirmed"),
        secondary=levels.count("secondary"),
        unconfirmed=levels.count("unconfirmed"),
        newest_edition=newest.id if newest else None,
        newest_edition_date=newest.date if newest else None,
    )


def summary(folder: Path | None = None) -> list[ListSummary]:
    """The figures of every curated list of ``folder`` (default: the packaged data), by list id."""
    if folder is None:
        data = packaged()
    else:
        from redlist.curated.loader import load

        data = load(folder)
    return sorted((list_summary(lst) for lst in data.lists), key=lambda s: s.list_id)
