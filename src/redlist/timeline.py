"""A party's dated history across every list and court: what happened, when, and on whose authority.

Built from the same pieces as a status check (:class:`redlist.check.Checker`): the listings seen
over time (official publications and curated lists) and the legal events about the party. Rendered
as text, JSON, or a chart (SVG or PNG, with matplotlib from the ``charts`` extra).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
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


def render_text(timeline: Timeline) -> str:
    """The timeline as plain lines: date, list, what happened, citation."""
    lines = [f"{timeline.name}  ({', '.join(timeline.entity_ids)})"]
    for e in timeline.entries:
        line = f"{e.date}  {e.list:15} {e.kind:20} {e.text}"
        if e.case:
            line += f" [{e.case['title']}, {e.case.get('docket') or ''} ({e.case.get('court') or ''})]"
        if e.citation:
            line += f"\n{'':49}cite: {e.citation}"
        lines.append(line)
    return "\n".join(lines)


def render_chart(timeline: Timeline, path: str, fmt: str, today: date | None = None) -> None:
    """Draw the timeline: one lane per list, a bar while listed, a marker per event (SVG or PNG)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the install
        from redlist.errors import RedlistError

        raise RedlistError("charts need matplotlib: pip install 'redlist[charts]'") from exc
    today = today or date.today()
    lanes = sorted({p["list"] for p in timeline.periods} | {e.list for e in timeline.entries})
    fig, ax = plt.subplots(figsize=(11, 1.2 + 0.9 * max(len(lanes), 1)))
    for row, lane in enumerate(lanes):
        for p in (p for p in timeline.periods if p["list"] == lane):
            start = date.fromisoformat(p["start"])
            end = date.fromisoformat(p["end"]) if p["end"] else today
            ax.barh(row, (end - start).days, left=start, height=0.35, color="#c0392b", alpha=0.55)
        for e in (e for e in timeline.entries if e.list == lane):
            day = date.fromisoformat(e.date)
            ax.plot(day, row, marker=_MARKERS.get(e.kind, "o"), color="#222222", markersize=6)
            ax.annotate(
                e.kind.replace("_", " "),
                (day, row),
                xytext=(0, 9),
                textcoords="offset points",
                fontsize=7,
                rotation=30,
            )
    ax.set_yticks(range(len(lanes)))
    ax.set_yticklabels([LISTS.get(lane, lane) for lane in lanes], fontsize=8)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    ax.set_title(f"{timeline.name}: listings (bars) and legal events (markers)", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, format=fmt)
    plt.close(fig)


_MARKERS = {
    "injunction": "X",
    "vacatur": "s",
    "removed": "v",
    "removal": "v",
    "listed": "^",
    "designation": "^",
}
