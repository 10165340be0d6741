"""A party's dated history across every list and court: what happened, when, and on whose authority.

Built from the same pieces as a status check (:class:`redlist.check.Checker`): the listings seen
over time (official publications and curated lists) and the legal events about the party.
:mod:`redlist.render.timeline` draws it as text or a chart.

``periods`` are the runs of publications (or curated entries) that show a listing, from its
listing date or, without one, the first publication that shows it. ``states`` say what the
listing meant, day by day: runs of one state per list (``pending``, ``in_force``, ``enjoined``,
``suspended``, ``removed``, ``expired``), from the status engine itself
(:func:`redlist.regimes.status.evaluate`) on every date where a state may change, so a chart
shows exactly what a status check answers on any day (Xiaomi's designation pending, then
enjoined, then vacated; a listing that began before the first publication that shows it, from
the event that began it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from redlist.model import LISTS, State
from redlist.regimes.model import ACTIVITIES
from redlist.regimes.status import Assessment, ListingSpan, evaluate

#: The states a timeline's ``states`` runs take, in the order a chart's legend shows them.
CHART_STATES: tuple[str, ...] = (
    State.PENDING,
    State.IN_FORCE,
    State.ENJOINED,
    State.SUSPENDED,
    State.REMOVED,
    State.EXPIRED,
)
#: Of the findings for one list on one day (several regimes, several activities, a copy and its
#: primary), the state shown: the most binding one.
_SHOWN_FIRST = (State.IN_FORCE, State.SUSPENDED, State.ENJOINED, State.PENDING, State.EXPIRED, State.REMOVED)
#: Rounds of "evaluate on the known dates, add the dates the findings name": two settle every
#: regime (a rule window counted from a date that itself came from a finding).
_ROUNDS = 4


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
    # list, state, start, end (exclusive; None: open), from the status engine; see the module doc
    states: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build(
    name: str,
    entity_ids: list[str],
    spans: list[ListingSpan],
    events: list[Any],
    *,
    coverage: dict[str, str] | None = None,
    today: date | None = None,
) -> Timeline:
    """The timeline of a party from its listing spans and legal events (``coverage``: the first
    snapshot date per source, as the status engine takes it)."""
    timeline = Timeline(name, list(entity_ids))
    timeline.states = state_runs(spans, events, coverage=coverage, today=today)
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
                    f"Listed on the {title}{where}"
                    + (f" ({lst.listed_on_basis})" if lst.listed_on_basis else ""),
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


def state_runs(
    spans: list[ListingSpan],
    events: list[Any],
    *,
    coverage: dict[str, str] | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Per list, the runs of one state: ``{"list", "state", "start", "end"}`` with ``end`` the
    first day of the next run (None: still so), oldest first per list, lists in id order.

    The status engine is asked on every date where a state may change: the listings' and events'
    own dates, then the dates its findings name (an effective date, the start and end of a rule,
    an expiry), until no new date appears. On each date a list shows its most binding state over
    every activity and regime (a listing in force for exports but pending for imports is in force).
    Days whose standing the data cannot know (before a source's first snapshot, for an entry
    without a listing date) belong to no run.
    """
    dates = set(_dates_of(spans, events))
    answers: dict[tuple[str, str], Assessment] = {}

    def ask(day: str, activity: str) -> Assessment:
        key = (day, activity)
        if key not in answers:
            answers[key] = evaluate(spans, events, activity, day, coverage=coverage, today=today)
        return answers[key]

    for _ in range(_ROUNDS):
        named: set[str] = set()
        for day in sorted(dates):
            for activity in ACTIVITIES:
                for f in ask(day, activity).findings:
                    named.update(
                        d
                        for d in (
                            f.listed_on,
                            f.effective_on,
                            f.divestment_on,
                            f.removed_on,
                            f.expired_on,
                            f.effect_from,
                            f.effect_until,
                        )
                        if d
                    )
        if named <= dates:
            break
        dates |= named

    runs: list[dict[str, Any]] = []
    open_runs: dict[str, dict[str, Any]] = {}
    for day in sorted(dates):
        shown: dict[str, str] = {}
        for activity in ACTIVITIES:
            for f in ask(day, activity).findings:
                if f.state not in _SHOWN_FIRST:
                    continue  # unknown: no run
                held = shown.get(f.list)
                if held is None or _SHOWN_FIRST.index(State(f.state)) < _SHOWN_FIRST.index(State(held)):
                    shown[f.list] = str(f.state)
        for list_id in list(open_runs):
            if shown.get(list_id) != open_runs[list_id]["state"]:
                open_runs.pop(list_id)["end"] = day
        for list_id, state in shown.items():
            if list_id not in open_runs:
                open_runs[list_id] = {"list": list_id, "state": state, "start": day, "end": None}
                runs.append(open_runs[list_id])
    runs.sort(key=lambda r: (r["list"], r["start"]))
    return runs


def _dates_of(spans: list[ListingSpan], events: Iterable[Any]) -> Iterable[str]:
    for span in spans:
        lst = span.listing
        yield from (
            d
            for d in (
                lst.listed_on,
                lst.effective_on,
                lst.divestment_on,
                lst.ends_on,
                span.seen_from,
                span.removed_on,
            )
            if d
        )
    for event in events:
        yield event.date
        if event.until:
            yield event.until
