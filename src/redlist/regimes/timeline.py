"""A party's dated history across every list and court: what happened, when, and on whose authority.

Built from the same pieces as a status check (:class:`redlist.check.Checker`): the listings seen
over time (official publications and curated lists) and the legal events about the party.
:mod:`redlist.render.timeline` draws it as text or a chart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from redlist.model import LISTS
from redlist.regimes.status import ListingSpan


@dataclass
class TimelineEntry:
    """One dated fact about the party."""

    date: str
    list: str
    kind: str  # listed, first_seen, effective, divestment, removed, or an event kind (injunction...)
    text: str
    citation: str | None = None
    source_url: str | None = None
    case: dict[str, Any] | None = None
    verification: str | None = None
    source: str | None = None


@dataclass
class Timeline:
    """The party and its dated facts, oldest first, with the periods it was on each list."""

    name: str
    entity_ids: list[str]
    entries: list[TimelineEntry] = field(default_factory=list)
    periods: list[dict[str, Any]] = field(default_factory=list)  # list, start, end (None: still listed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build(name: str, entity_ids: list[str], spans: list[ListingSpan], events: list[Any]) -> Timeline:
    """The timeline of a party from its listing spans and legal events."""
    timeline = Timeline(name, list(entity_ids))
    seen: set[tuple] = set()

    def add(entry: TimelineEntry) -> None:
        key = (entry.date, entry.list, entry.kind, entry.text)
        if entry.date and key not in seen:
            seen.add(key)
            timeline.entries.append(entry)

    for span in spans:
        lst = span.listing
        title = LISTS.get(lst.list_id, lst.list_id)
        cite = "; ".join(lst.federal_register) or None
        where = f" ({', '.join(lst.programs)})" if lst.programs else ""
        if lst.listed_on:
            add(
                TimelineEntry(
                    lst.listed_on,
                    lst.list_id,
                    "listed",
                    f"Listed on the {title}{where}",
                    cite,
                    lst.source_url,
                    None,
                    span.verification,
                    span.source,
                )
            )
        elif span.seen_from:
            add(
                TimelineEntry(
                    span.seen_from,
                    lst.list_id,
                    "first_seen",
                    f"First seen on the {title}{where} (first publication loaded that shows it)",
                    None,
                    lst.source_url,
                    None,
                    None,
                    span.source,
                )
            )
        if lst.effective_on:
            add(
                TimelineEntry(
                    lst.effective_on,
                    lst.list_id,
                    "effective",
                    f"{title}: effective date{where}",
                    cite,
                    lst.source_url,
                    None,
                    None,
                    span.source,
                )
            )
        if lst.divestment_on:
            add(
                TimelineEntry(
                    lst.divestment_on,
                    lst.list_id,
                    "divestment",
                    f"{title}: divestment deadline{where}",
                    cite,
                    lst.source_url,
                    None,
                    None,
                    span.source,
                )
            )
        if span.removed_on:
            how = "removed" if span.source == "curated" else "absent from the next publication"
            add(
                TimelineEntry(
                    span.removed_on,
                    lst.list_id,
                    "removed",
                    f"Off the {title} ({how})",
                    None,
                    None,
                    None,
                    span.verification,
                    span.source,
                )
            )
        start = lst.listed_on or span.seen_from
        if start:
            period = {"list": lst.list_id, "start": start, "end": span.removed_on}
            if period not in timeline.periods:
                timeline.periods.append(period)
    for event in events:
        case = None
        if event.case is not None:
            case = {"title": event.case.title, "docket": event.case.docket, "court": event.case.court}
        add(
            TimelineEntry(
                event.date,
                event.list_id,
                event.kind,
                event.summary,
                event.citation,
                event.source_url,
                case,
                event.verification,
                "curated",
            )
        )
    timeline.entries.sort(key=lambda e: (e.date, e.list, e.kind))
    timeline.periods.sort(key=lambda p: (p["list"], p["start"]))
    return timeline
