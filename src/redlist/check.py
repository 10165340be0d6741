"""Status checks: may a US person do X with this party on this date, and why?

A :class:`Checker` finds the party (by entity id, or by name through the matcher), gathers every
listing it has had over time (official snapshots and their history in the store, and the bundled
curated lists), the legal events about it (designations, injunctions, vacaturs, denial orders), and
asks the status engine (:mod:`redlist.regimes.status`) for a verdict on the activity and date.

Entries that disappeared from an official list are still found by name: the checker also indexes
the last published version of every removed entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from redlist.curated import CuratedData, LegalEvent
from redlist.curated import load as load_curated
from redlist.errors import RedlistError
from redlist.model import Activity, Entity, Listing, Verdict
from redlist.regimes.status import Assessment, ListingSpan, evaluate, parse_activity, parse_date
from redlist.regimes.timeline import Timeline, build
from redlist.screen import MATCH_THRESHOLD, Match, Query, Screener, compare
from redlist.store import Store
from redlist.store.current import current_entities

#: A name match at least this close is taken as the party itself (several such entries: one party
#: on several lists); below it, more than one candidate is ambiguous and the user picks an id.
SAME_PARTY = 0.95
#: An event that names its party (rather than giving an id) concerns the party when the names
#: are at least this close.
EVENT_NAME_MATCH = 0.9


@dataclass
class CheckResult:
    """The answer to one status question."""

    query: dict[str, Any]
    verdict: Verdict | None  # None when no party was chosen
    activity: Activity
    on: str
    party: dict[str, Any] | None = None  # name, entity ids, how it was found
    findings: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)  # when the name is ambiguous
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "query": self.query,
            "verdict": self.verdict,
            "activity": self.activity,
            "on": self.on,
            "party": self.party,
            "findings": self.findings,
            "notices": self.notices,
        }
        if self.candidates:
            out["candidates"] = self.candidates
        if self.error:
            out["error"] = self.error
        return out


class Checker:
    """Loads the lists, their history and the curated data once; answers many status questions.

    ``screener`` indexes what names may designate (see :func:`status_index`); the facade passes
    one kept in its disk cache, and a checker builds its own when none is given.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        screener: Screener | None = None,
        curated: CuratedData | None = None,
    ) -> None:
        self.store = store
        data = curated or load_curated()
        self.curated = data.entities
        self.verification = data.verification
        self.events: list[LegalEvent] = list(data.events)
        self.coverage: dict[str, str] = {}
        if store is not None:
            for snap in store.snapshots():
                first = self.coverage.get(snap.source)
                if first is None or snap.as_of < first:
                    self.coverage[snap.source] = snap.as_of
        self.screener = screener or Screener(status_index(store, data))

    # --- the question ---------------------------------------------------------------------------

    def check(
        self,
        name: str | None = None,
        *,
        entity_id: str | None = None,
        activity: str = "transact",
        on: str | date | None = None,
        today: date | None = None,
    ) -> CheckResult:
        """The verdict for one party, activity and date (today when ``on`` is None).

        Bad input (unknown activity, malformed date, empty name) raises :class:`RedlistError`;
        a name that matches nothing or several parties gives a result without a verdict's party.
        """
        today = today or date.today()
        activity = parse_activity(activity)
        day = parse_date(on if on is not None else today, "date").isoformat()
        query = {"name": name, "entity_id": entity_id, "activity": activity, "on": day}
        result = CheckResult(query, None, activity, day)
        if entity_id:
            entity_ids = [entity_id]
            if not self._known(entity_id):
                raise RedlistError(f"no entity {entity_id!r} in the store or the curated lists")
            party: dict[str, Any] = {
                "name": self._name_of(entity_id),
                "entity_ids": entity_ids,
                "found_by": "id",
            }
        else:
            resolved = self._resolve(name, result)
            if resolved is None:
                return result
            party = resolved
        result.party = party
        spans = self.spans(party["entity_ids"])
        events = self.events_for(party["entity_ids"], self._names(party["entity_ids"]))
        verdict: Assessment = evaluate(spans, events, activity, day, coverage=self.coverage, today=today)
        result.verdict = verdict.verdict
        result.findings = [f for f in verdict.to_dict()["findings"]]
        result.notices = list(verdict.notices) + result.notices
        return result

    def _resolve(self, name: str | None, result: CheckResult) -> dict[str, Any] | None:
        """The party a name designates, or None with the result explaining why not."""
        found = self.screener.screen(Query(name=name), limit=25)
        if found.error:
            raise RedlistError(found.error)
        if not found.matches:
            result.verdict = Verdict.ALLOWED
            result.notices.append(
                f"No entry on any list matches {name!r} (score threshold {MATCH_THRESHOLD}); "
                "no restriction found for this activity and date."
            )
            return None
        party = _same_party(found.matches)
        if party is None:
            result.candidates = [_candidate(m) for m in found.matches]
            result.error = (
                f"{name!r} matches {len(found.matches)} different entries; "
                "choose one and ask again with its id (--id)"
            )
            return None
        names = sorted({m.name for m in party})
        best = party[0]
        return {
            "name": best.name,
            "names": names,
            "entity_ids": [m.entity_id for m in party],
            "found_by": "name",
            "score": best.score,
            "explanation": best.explanation["summary"],
        }

    # --- the party's history --------------------------------------------------------------------

    def spans(self, entity_ids: list[str]) -> list[ListingSpan]:
        """Every listing of these entities over time, from the curated data and the store."""
        spans: list[ListingSpan] = []
        for entity_id in entity_ids:
            if entity_id in self.curated:
                entity = self.curated[entity_id]
                for listing in entity.listings:
                    spans.append(
                        ListingSpan(
                            listing,
                            "curated",
                            entity_id,
                            entity.name,
                            seen_from=None,
                            removed_on=listing.ends_on,
                            verification=self.verification.get(entity_id),
                        )
                    )
            elif self.store is not None:
                spans += self._official_spans(entity_id)
        return spans

    def _official_spans(self, entity_id: str) -> list[ListingSpan]:
        """One span per listing per run of consecutive publications that show the entry."""
        store = self.store
        assert store is not None  # only called when the checker has a store
        versions = store.records_of(entity_id)
        by_source: dict[str, dict[int, Entity]] = {}
        for snap, entity in versions:
            by_source.setdefault(snap.source, {})[snap.id or 0] = entity
        spans = []
        for source, present in by_source.items():
            run_start: str | None = None
            last: Entity | None = None
            for snap in sorted(store.snapshots(source), key=lambda s: (s.as_of, s.id or 0)):
                shown = present.get(snap.id or 0)
                if shown is not None:
                    run_start = run_start or snap.as_of
                    last = shown
                elif run_start is not None and last is not None:
                    spans += _spans_of(last, source, run_start, snap.as_of)
                    run_start, last = None, None
            if run_start is not None and last is not None:
                spans += _spans_of(last, source, run_start, None)
        return spans

    def events_for(self, entity_ids: list[str], names: list[str]) -> list[LegalEvent]:
        """The curated legal events about a party: by entry id, entity id, or a close name."""
        ids = set(entity_ids)
        out = []
        for event in self.events:
            for ref in event.parties:
                value = ref.get("entry") or ref.get("entity_id")
                if value and value in ids:
                    out.append(event)
                    break
                if "name" in ref and any(
                    compare(ref["name"], n, "organization") >= EVENT_NAME_MATCH for n in names
                ):
                    out.append(event)
                    break
        return out

    def _known(self, entity_id: str) -> bool:
        if entity_id in self.curated:
            return True
        return self.store is not None and bool(self.store.records_of(entity_id))

    def _name_of(self, entity_id: str) -> str:
        if entity_id in self.curated:
            return self.curated[entity_id].name
        versions = self.store.records_of(entity_id) if self.store is not None else []
        return versions[-1][1].name if versions else entity_id

    def _names(self, entity_ids: list[str]) -> list[str]:
        names: list[str] = []
        for entity_id in entity_ids:
            if entity_id in self.curated:
                names += [n.value for n in self.curated[entity_id].names]
            elif self.store is not None:
                versions = self.store.records_of(entity_id)
                if versions:
                    names += [n.value for n in versions[-1][1].names]
        return names


def status_index(store: Store | None, curated: CuratedData) -> list[Entity]:
    """What a status question's name may designate: every curated entry (removed ones too), the
    current official entries, and the last published version of every removed official entry."""
    entities = list(curated.entities.values())
    if store is not None:
        entities += current_entities(store) + _removed_entities(store)
    return entities


def _removed_entities(store: Store) -> list[Entity]:
    """The last published version of every entry that was removed from an official list."""
    current: set[str] = set()
    for source in {s.source for s in store.snapshots()}:
        latest = store.latest(source)
        if latest is not None:
            current.update(entity_id for _, entity_id in store.record_index(latest.id or 0).values())
    out = []
    for entity_id in sorted({ev.entity_id for ev in store.events(change="removed")} - current):
        versions = store.records_of(entity_id)
        if versions:
            out.append(versions[-1][1])
    return out


def _spans_of(entity: Entity, source: str, seen_from: str, removed_on: str | None) -> list[ListingSpan]:
    return [
        ListingSpan(
            listing, source, entity.entity_id, entity.name, seen_from=seen_from, removed_on=removed_on
        )
        for listing in entity.listings
        if isinstance(listing, Listing)
    ]


def _same_party(matches: list[Match]) -> list[Match] | None:
    """The matches that are one party, or None when the name is ambiguous.

    Entries that the name matches almost exactly are one party listed several times (Huawei on
    the Entity List, the 1260H list and the FCC Covered List). Otherwise a single match is the
    party; several weaker ones are ambiguous.
    """
    strong = [m for m in matches if m.score >= SAME_PARTY]
    if strong:
        return strong
    if len(matches) == 1:
        return matches
    return None


def _candidate(m: Match) -> dict[str, Any]:
    return {
        "entity_id": m.entity_id,
        "name": m.name,
        "score": m.score,
        "lists": [x["list"] for x in m.lists],
    }


def party_timeline(checker: Checker, name: str | None = None, *, entity_id: str | None = None) -> Timeline:
    """The dated history of a party (by name or id) across every list and court."""
    result = CheckResult(
        {"name": name, "entity_id": entity_id}, None, Activity.TRANSACT, date.today().isoformat()
    )
    if entity_id:
        if not checker._known(entity_id):
            raise RedlistError(f"no entity {entity_id!r} in the store or the curated lists")
        party: dict[str, Any] = {"name": checker._name_of(entity_id), "entity_ids": [entity_id]}
    else:
        resolved = checker._resolve(name, result)
        if resolved is None:
            raise RedlistError(result.error or result.notices[0])
        party = resolved
    ids: list[str] = party["entity_ids"]
    return build(party["name"], ids, checker.spans(ids), checker.events_for(ids, checker._names(ids)))
