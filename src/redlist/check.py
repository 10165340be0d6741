"""Status checks: may a US person do X with this party on this date, and why?

A :class:`Checker` finds the *party* a question is about (by party or entry id, by identifier, or
by name through the matcher; see :mod:`redlist.parties`), gathers every listing of every entry of
that party over time (official snapshots and their history in the store, the bundled curated
lists), the legal events about it, and asks the status engine (:mod:`redlist.regimes.status`)
for a verdict on the activity and date. A copy of a listing (the CSL's copy of an OFAC entry)
defers to its primary publication, which dates it (``sources/data/precedence.yaml``).

Two more sections, never mixed with the party's own listings:

- ownership: restrictions that reach the party through listed owners (OFAC's 50 percent rule,
  BIS's Affiliates Rule) count towards the verdict and show the path; an owner known without its
  share gives ``review``;
- related: parties linked to this one (a listed parent, an affiliate, OFAC's "Linked To") as
  context, never in the verdict.

Entries that disappeared from an official list are still found by name: the checker also indexes
the last published version of every removed entry.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from redlist.curated.compiled import packaged as packaged_curated
from redlist.curated.model import CuratedData, LegalEvent
from redlist.errors import RedlistError
from redlist.match.normalize import forms, has_han, identity_tokens
from redlist.model import Activity, Effect, Entity, IdType, Listing, Verdict
from redlist.parties.graph import PartyGraph
from redlist.parties.model import Party
from redlist.regimes.coverage import (
    history_note,
    missing_lists,
    missing_note,
    publishers,
    restricting_lists,
    stale_note,
    stale_sources,
)
from redlist.regimes.status import (
    Assessment,
    Finding,
    ListingSpan,
    combine,
    evaluate,
    parse_activity,
    parse_date,
    parse_purpose,
)
from redlist.regimes.timeline import Timeline, build
from redlist.screen import MATCH_THRESHOLD, Match, Query, Screener
from redlist.sources import precedence
from redlist.versions import latest_snapshots, receipt

if TYPE_CHECKING:
    from redlist.store import Store

#: A name match at least this close designates a party outright; two parties matched this well
#: are ambiguous unless exactly one bears the name as written.
SAME_PARTY = 0.95
#: How deep ownership is followed (an owner's owner's owner).
OWNERSHIP_DEPTH = 3
#: Where a party named in Chinese characters is presumed to be (when several bear the name).
_CHINESE = frozenset({"CN", "HK", "MO", "TW"})
#: Related parties shown as context, at most.
MAX_RELATED = 25
_RELATION_ORDER = (
    "owned_by",
    "owns",
    "parent",
    "subsidiary",
    "affiliate",
    "has_affiliate",
    "branch",
    "has_branch",
    "linked_to",
)


@dataclass
class CheckResult:
    """The answer to one status question."""

    query: dict[str, Any]
    verdict: Verdict | None  # None when no party was chosen
    activity: Activity
    on: str
    party: dict[str, Any] | None = None  # id, name, entries, how it was found
    findings: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)  # when the name is ambiguous
    related: list[dict[str, Any]] = field(default_factory=list)  # context, not in the verdict
    error: str | None = None
    missing: list[dict[str, Any]] = field(default_factory=list)  # lists no loaded source covers
    stale: list[dict[str, Any]] = field(default_factory=list)  # sources older than their limit
    data: dict[str, Any] | None = None  # the receipt: which snapshots and curated data answered
    purpose: str | None = None  # what the party's equipment is used for, when stated

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
        if self.purpose:
            out["purpose"] = self.purpose
        if self.related:
            out["related"] = self.related
        if self.candidates:
            out["candidates"] = self.candidates
        if self.error:
            out["error"] = self.error
        if self.missing:
            out["missing"] = self.missing
        if self.stale:
            out["stale"] = self.stale
        if self.data is not None:
            out["data"] = self.data
        return out


def identifier_ref(value: str) -> tuple[str, str] | None:
    """``isin:CNE100000PM8`` -> ("isin", "CNE100000PM8"); None for an entry or party id."""
    kind, sep, code = value.partition(":")
    if sep and kind.strip().lower() in {t.value for t in IdType} and code.strip():
        return kind.strip().lower(), code.strip()
    return None


class Checker:
    """Loads the lists, their history, the parties and the curated data once; answers many questions.

    ``screener`` indexes what names may designate (see :func:`status_index`) and ``parties`` is the
    party graph of the same data; the facade passes both from its caches, and a checker builds its
    own when they are not given.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        screener: Screener | None = None,
        curated: CuratedData | None = None,
        parties: PartyGraph | None = None,
        stale_after: dict[str, int] | None = None,
        covered: bool = False,
    ) -> None:
        self.store = store
        self.stale_after = dict(stale_after or {})
        data = curated or packaged_curated()
        self.curated_lists = {lst.list_id for lst in data.lists if lst.entries}
        self.curated_version = data.version
        self.curated = data.entities
        self.verification = data.verification
        self.events: list[LegalEvent] = list(data.events)
        if parties is None:
            from redlist.parties.resolve import resolve

            parties = resolve(store, data, None)
        self.parties = parties
        self.coverage: dict[str, str] = {}  # source -> its first snapshot's date
        if store is not None:
            for snap in store.snapshots():
                first = self.coverage.get(snap.source)
                if first is None or snap.as_of < first:
                    self.coverage[snap.source] = snap.as_of
        self.latest = latest_snapshots(store)  # source -> its newest snapshot
        self.screener = screener or Screener(status_index(store, data, self.parties))
        #: How many entries of the index the graph lacked (each added as a party of its own);
        #: not looked for when the caller says the graph covers the index (``covered``: found so
        #: before for the same index and graph, see :mod:`redlist.service.generation`).
        self.lacking = 0 if covered else self._add_lacking()
        self._events_of: dict[str, list[LegalEvent]] = defaultdict(list)
        for event in self.events:
            for ref in event.parties:
                value = ref.get("entry") or ref.get("entity_id")
                if value:
                    self._events_of[value].append(event)

    def _add_lacking(self) -> int:
        """Each entry of the index the graph lacks, as a party of its own; how many. (By id first:
        an index opened from its file decodes an entry only when it is used, a stored graph a
        party likewise; the index of the same data has none, which sets tell without a loop in
        Python.)"""
        entity_ids = list(self.screener.entity_ids)
        of_entry = self.parties.of_entry
        if not (
            set(entity_ids) - of_entry.keys()
            or set(map(of_entry.__getitem__, entity_ids)) - self.parties.parties.keys()
        ):
            return 0
        added = 0
        for e, entity_id in enumerate(entity_ids):
            party_id = of_entry.get(entity_id)
            if party_id is None or party_id not in self.parties.parties:  # party_of(entity_id) is None
                self.parties.add_alone(self.screener.entities[e])
                added += 1
        return added

    # --- the question ---------------------------------------------------------------------------

    def check(
        self,
        name: str | None = None,
        *,
        entity_id: str | None = None,
        identifiers: dict[str, str] | None = None,
        activity: str = "transact",
        on: str | date | None = None,
        today: date | None = None,
        purpose: str | None = None,
    ) -> CheckResult:
        """The verdict for one party, activity and date (today when ``on`` is None).

        The party is given by ``entity_id`` (a party id or any entry id of it), ``identifiers``
        (``{"isin": ...}``) or ``name``. ``purpose`` (a :class:`~redlist.model.Purpose` value) is what
        the party's equipment is used for: listings that cover it only for some purposes (s.889 and
        the FCC Covered List for Hytera, Hikvision and Dahua) give ``review`` without it. Bad input
        (unknown activity or purpose, malformed date, empty name, unknown id) raises
        :class:`RedlistError`; a name that matches nothing or several parties gives a result
        without a party.
        """
        today = today or date.today()
        activity = parse_activity(activity)
        stated = parse_purpose(purpose)
        day = parse_date(on if on is not None else today, "date").isoformat()
        ref = identifier_ref(entity_id) if entity_id else None
        if ref is not None:  # --id isin:CNE100000PM8 names the party by an identifier
            identifiers = {**(identifiers or {}), ref[0]: ref[1]}
            entity_id = None
        query: dict[str, Any] = {"name": name, "entity_id": entity_id, "activity": activity, "on": day}
        if identifiers:
            query["identifiers"] = dict(identifiers)
        if stated:
            query["purpose"] = stated
        result = CheckResult(query, None, activity, day, purpose=stated)
        party = self.find(result, name, entity_id=entity_id, identifiers=identifiers)
        if party is not None:
            assessment = self.assess(party, activity, day, today, purpose=stated)
            owned, notices = self.ownership(party, activity, day, today, purpose=stated)
            if owned:
                assessment = combine(assessment, owned, notices)
            result.verdict = assessment.verdict
            result.findings = assessment.to_dict()["findings"]
            result.notices = list(assessment.notices) + result.notices
            result.related = self.related(party, activity, day, today, purpose=stated)
        elif result.verdict is not None:  # nothing matched: say what the history covers
            history = history_note(day, self.coverage)
            if history:
                result.notices.append(history)
        self._data_notes(result, today)
        return result

    def receipt(self) -> dict[str, Any]:
        """The data this checker answers from (see :func:`receipt`)."""
        return receipt(self.latest.values(), self.curated_version)

    def _data_notes(self, result: CheckResult, today: date) -> None:
        """Never a silent clearance: ``unknown`` when a list the activity depends on is not loaded;
        a warning when the data is older than its source's rhythm allows for the date."""
        missing = missing_lists(result.activity, self.latest, self.curated_lists)
        if missing:
            result.missing = [m.to_dict() for m in missing]
            if result.verdict == Verdict.ALLOWED:
                result.verdict = Verdict.UNKNOWN
                result.notices.insert(0, missing_note(missing))
            else:
                result.notices.append(missing_note(missing, settled=result.verdict is not None))
        relevant = {s for list_id in restricting_lists(result.activity) for s in publishers(list_id)}
        latest = {src: snap.as_of for src, snap in self.latest.items() if src in relevant}
        stale = stale_sources(result.on, latest, self.stale_after)
        if stale:
            result.stale = [s.to_dict() for s in stale]
            result.notices.append(stale_note(stale))
        result.data = {**self.receipt(), "answered_on": today.isoformat()}

    def find(
        self,
        result: CheckResult,
        name: str | None,
        *,
        entity_id: str | None = None,
        identifiers: dict[str, str] | None = None,
    ) -> Party | None:
        """The party a question is about, filling ``result.party``; None when there is none (the
        result says why: nothing matches, or several parties do)."""
        if entity_id:
            party = self.parties.party_of(entity_id)
            if party is None:
                raise RedlistError(f"no entity or party {entity_id!r} in the store or the curated lists")
            result.party = _party_info(party, found_by="id")
            return party
        query = Query(name=name, identifiers=dict(identifiers or {}))
        found = self.screener.screen(query, limit=25)
        if found.error:
            raise RedlistError(found.error)
        result.notices += found.warnings
        what = repr(name) if name else ", ".join(f"{k} {v}" for k, v in (identifiers or {}).items())
        if not found.matches:
            result.verdict = Verdict.ALLOWED
            result.notices.append(
                f"No entry on the loaded lists matches {what} (score threshold {MATCH_THRESHOLD}); "
                "no restriction found for this activity and date."
            )
            return None
        chosen = self._one_party(found.matches, name, result.notices)
        if chosen is None:
            result.candidates = self._candidates(found.matches)
            result.error = (
                f"{what} matches {len(result.candidates)} different parties; "
                "choose one and ask again with its id (--id)"
            )
            return None
        party, best = chosen
        result.party = _party_info(
            party,
            found_by="identifier" if "identifier" in best.explanation.get("features", {}) else "name",
            score=best.score,
            explanation=best.explanation["summary"],
        )
        return party

    def _one_party(
        self, matches: list[Match], name: str | None, notices: list[str] | None = None
    ) -> tuple[Party, Match] | None:
        """The party the matches designate, with its best match; None when ambiguous.

        One party matched at SAME_PARTY or above (an OFAC entry and its 1260H twin are one
        party) is the party; a single party among the matches is the party; of several parties
        matched well, the one bearing the name as written wins (for a name in Chinese characters,
        a Chinese one); of several bearing it, the one on more lists than any other, with a
        notice naming the others; else the name is ambiguous.
        """
        by_party: dict[str, list[Match]] = {}
        for m in matches:
            party = self.parties.party_of(m.entity_id)
            if party is not None:
                by_party.setdefault(party.id, []).append(m)
        if not by_party:
            return None
        best = {pid: max(ms, key=lambda m: m.score) for pid, ms in by_party.items()}
        strong = [pid for pid, m in best.items() if m.score >= SAME_PARTY]
        if len(strong) == 1:
            return self.parties.parties[strong[0]], best[strong[0]]
        if not strong and len(best) == 1:
            pid = next(iter(best))
            return self.parties.parties[pid], best[pid]
        if strong and name:
            exact = [pid for pid in strong if _bears(self.parties.parties[pid], name)]
            if len(exact) > 1 and has_han(name):  # a name in Chinese characters: a Chinese party
                exact = [pid for pid in exact if _CHINESE & set(self.parties.parties[pid].countries)] or exact
            if len(exact) > 1:
                ranked = sorted(exact, key=lambda pid: -len(self.parties.parties[pid].lists))
                first, second = (len(self.parties.parties[pid].lists) for pid in ranked[:2])
                if first > second and notices is not None:
                    others = "; ".join(
                        f"{self.parties.parties[pid].name} ({pid}: {', '.join(self.parties.parties[pid].lists)})"
                        for pid in ranked[1:]
                    )
                    notices.append(f"Also named so: {others}. Ask with --id for any of them.")
                    exact = ranked[:1]
            if len(exact) == 1:
                return self.parties.parties[exact[0]], best[exact[0]]
        return None

    def _candidates(self, matches: list[Match]) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for m in matches:
            party = self.parties.party_of(m.entity_id)
            if party is None or party.id in out:
                continue
            out[party.id] = {
                "entity_id": party.id,
                "name": party.name,
                "score": m.score,
                "lists": party.lists,
                "type": party.type,
                "countries": party.countries,
                "entries": len(party.members),
            }
        return list(out.values())

    # --- one party's standing -------------------------------------------------------------------

    def assess(
        self,
        party: Party,
        activity: str,
        day: str,
        today: date,
        via: str | None = None,
        purpose: str | None = None,
    ) -> Assessment:
        """The party's own listings and events on ``day`` (or, with ``via="ownership"``, what they
        mean for the parties it owns), for the stated ``purpose`` of the party's equipment."""
        spans = self.spans(party)
        return evaluate(
            spans,
            self.events_for(party),
            activity,
            day,
            coverage=self.coverage,
            today=today,
            via=via,
            purpose=purpose,
        )

    def listed_on(self, entry_id: str, day: str) -> list[str]:
        """The lists an entry was on on ``day``, as the loaded history shows it (a listing's own
        date when published, else the first publication that shows it, until the first without)."""
        if entry_id in self.curated:
            listings = self.curated[entry_id].listings
            return sorted(
                {
                    lst.list_id
                    for lst in listings
                    if (lst.listed_on or "") <= day and (not lst.ends_on or day < lst.ends_on)
                }
            )
        if self.store is None:
            return []
        return sorted(
            {
                span.listing.list_id
                for span in self._official_spans(entry_id, "")
                if (span.listing.listed_on or span.seen_from or "") <= day
                and (span.removed_on is None or day < span.removed_on)
            }
        )

    def spans(self, party: Party) -> list[ListingSpan]:
        """Every listing of the party's entries over time; a copy defers to its list's primary."""
        spans: list[ListingSpan] = []
        for entry_id in party.entry_ids:
            if entry_id in self.curated:
                entity = self.curated[entry_id]
                for listing in entity.listings:
                    spans.append(
                        ListingSpan(
                            listing,
                            "curated",
                            entry_id,
                            party.name,
                            seen_from=None,
                            removed_on=listing.ends_on,
                            verification=self.verification.get(entry_id),
                        )
                    )
            elif self.store is not None:
                spans += self._official_spans(entry_id, party.name)
        primaries = {(s.listing.list_id, s.source) for s in spans}
        return [
            s
            for s in spans
            if not (
                precedence.is_copy(s.listing.list_id, s.source)
                and (s.listing.list_id, precedence.primary(s.listing.list_id)) in primaries
            )
        ]

    def _official_spans(self, entry_id: str, name: str) -> list[ListingSpan]:
        """One span per listing per run of consecutive publications that show the entry."""
        store = self.store
        assert store is not None  # only called when the checker has a store
        versions = store.records_of(entry_id)
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
                    spans += _spans_of(last, name, source, run_start, snap.as_of)
                    run_start, last = None, None
            if run_start is not None and last is not None:
                spans += _spans_of(last, name, source, run_start, None)
        return spans

    def events_for(self, party: Party) -> list[LegalEvent]:
        """The curated legal events about a party: those naming one of its entries (or its id)."""
        seen: dict[str, LegalEvent] = {}
        for entry_id in [party.id, *party.entry_ids]:
            for event in self._events_of.get(entry_id, []):
                seen.setdefault(event.id, event)
        return sorted(seen.values(), key=lambda e: (e.date, e.id))

    # --- ownership ------------------------------------------------------------------------------

    def ownership(
        self,
        party: Party,
        activity: str,
        day: str,
        today: date,
        depth: int = 0,
        seen: frozenset[str] = frozenset(),
        purpose: str | None = None,
    ) -> tuple[list[Finding], list[str]]:
        """Findings that reach the party through its owners, with the path in each finding's ``via``.

        An owner holding at least a regime's ``min_share`` (or owners holding it together) passes
        its listing on; an owner whose share is not known gives a ``review`` finding; an owner
        itself owned by a listed party passes that on too (up to :data:`OWNERSHIP_DEPTH`).
        """
        owners = [r for r in party.related if r.relation == "owned_by" and r.party_id not in seen]
        if not owners or depth >= OWNERSHIP_DEPTH:
            return [], []
        findings: list[Finding] = []
        notices: list[str] = []
        partial: dict[str, list[tuple[float, Finding]]] = defaultdict(list)  # regime -> shares below the bar
        for rel in owners:
            owner = self.parties.parties.get(rel.party_id)
            if owner is None:
                continue
            through = list(
                self.assess(owner, activity, day, today, via="ownership", purpose=purpose).findings
            )
            above, more = self.ownership(
                owner, activity, day, today, depth + 1, seen | {party.id}, purpose=purpose
            )
            through += above
            notices += more
            for f in through:
                path = _path(party, owner, rel.share, rel.reason, f)
                if rel.share is None:
                    if f.state == "in_force" and f.effect in ("prohibited", "restricted"):
                        findings.append(_review(f, path, party, owner))
                elif rel.share >= _min_share(f):
                    findings.append(_through(f, path, party, owner, rel.share))
                else:
                    partial[f.regime].append((rel.share, f))
        for _regime, held in partial.items():
            total = sum(share for share, _ in held)
            if held and total >= _min_share(held[0][1]):
                for share, f in held:
                    path = _path(party, None, share, f"together with other listed owners: {total:.0%}", f)
                    findings.append(_through(f, path, party, None, share, aggregate=total))
        return findings, notices

    # --- related parties --------------------------------------------------------------------------

    def related(
        self, party: Party, activity: str, day: str, today: date, purpose: str | None = None
    ) -> list[dict[str, Any]]:
        """Parties linked to this one, with their own standing on the day: context, not the verdict."""
        out = []
        order = {r: i for i, r in enumerate(_RELATION_ORDER)}
        for rel in sorted(party.related, key=lambda r: (order.get(r.relation, 99), r.name)):
            other = self.parties.parties.get(rel.party_id)
            if other is None or not other.lists:
                continue
            standing = self.assess(other, activity, day, today, purpose=purpose)
            out.append(
                {
                    **rel.to_dict(),
                    "lists": other.lists,
                    "verdict": standing.verdict,
                    "findings": [
                        {"list": f.list, "state": f.state, "effect": f.effect, "listed_on": f.listed_on}
                        for f in standing.findings
                    ],
                    "text": _related_text(party, other, rel.relation, rel.share),
                }
            )
            if len(out) >= MAX_RELATED:
                break
        return out


# --- helpers ---------------------------------------------------------------------------------------


def status_index(
    store: Store | None, curated: CuratedData, parties: PartyGraph | None = None
) -> list[Entity]:
    """What a status question's name may designate: every curated entry (removed ones too), the
    current official entries, the last published version of every removed official entry, and
    the unlisted parties named in ownership judgements."""
    from redlist.store.current import current_entities

    entities = list(curated.entities.values())
    if store is not None:
        entities += current_entities(store) + _removed_entities(store)
    if parties is not None:
        entities += list(parties.entities.values())
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


def _spans_of(
    entity: Entity, name: str, source: str, seen_from: str, removed_on: str | None
) -> list[ListingSpan]:
    return [
        ListingSpan(listing, source, entity.entity_id, name, seen_from=seen_from, removed_on=removed_on)
        for listing in entity.listings
        if isinstance(listing, Listing)
    ]


def _party_info(
    party: Party, *, found_by: str, score: float | None = None, explanation: str | None = None
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": party.id,
        "name": party.name,
        "entity_ids": party.entry_ids,
        "lists": party.lists,
        "found_by": found_by,
    }
    if score is not None:
        info["score"] = score
    if explanation is not None:
        info["explanation"] = explanation
    return info


def _bears(party: Party, name: str) -> bool:
    """Whether the party bears the queried name (legal forms aside): as written, or for a name in
    Chinese characters, as translated ("华为技术有限公司" -> "Huawei Technologies")."""
    wanted = {identity_tokens(name, "organization")[0]} | {f.tokens for f in forms(name, "organization")}
    return any(identity_tokens(n, "organization")[0] in wanted for n in party.names)


def _min_share(f: Finding) -> float:
    from redlist.regimes.compiled import regimes

    for regime in regimes():
        if regime.id == f.regime and regime.min_share is not None:
            return regime.min_share
    return 0.5


def _path(party: Party, owner: Party | None, share: float | None, reason: str, f: Finding) -> dict[str, Any]:
    return {
        "owner": owner.id if owner else None,
        "owner_name": owner.name if owner else None,
        "share": share,
        "evidence": reason,
        "owner_list": f.list,
        "owner_state": f.state,
    }


def _through(
    f: Finding,
    path: dict[str, Any],
    party: Party,
    owner: Party | None,
    share: float,
    aggregate: float | None = None,
) -> Finding:
    who = owner.name if owner else "listed owners"
    held = f"{share:.0%} owned by {who}" + (f" ({aggregate:.0%} in the aggregate)" if aggregate else "")
    text = f"Through ownership: {party.name} is {held}, which is on the {f.list_title or f.list}. {f.explanation}"
    return dataclasses.replace(
        f, via=path | {"aggregate": aggregate} if aggregate else path, explanation=text
    )


def _review(f: Finding, path: dict[str, Any], party: Party, owner: Party) -> Finding:
    text = (
        f"Review: {party.name} is owned by {owner.name}, which is on the {f.list_title or f.list}, but the "
        f"share is not known ({path['evidence']}). If {owner.name} holds 50 percent or more, this activity is "
        f"{f.effect} under {f.regime_title}: {f.activity_text}"
    )
    return dataclasses.replace(f, effect=Effect.REVIEW, via=path, explanation=text)


def _related_text(party: Party, other: Party, relation: str, share: float | None) -> str:
    held = f" ({share:.0%})" if share is not None else ""
    words = {
        "owned_by": f"{party.name} is owned{held} by {other.name}",
        "owns": f"{other.name} is owned{held} by {party.name}",
        "parent": f"{party.name} is the parent of {other.name}",
        "subsidiary": f"{party.name} is a subsidiary of {other.name}",
        "affiliate": f"{party.name} is an affiliate of {other.name}",
        "has_affiliate": f"{other.name} is an affiliate of {party.name}",
        "branch": f"{party.name} is a branch of {other.name}",
        "has_branch": f"{other.name} is a branch of {party.name}",
        "linked_to": f"{party.name} is linked to {other.name}",
    }
    lists = ", ".join(other.lists)
    return (
        words.get(relation, f"{party.name} is related to {other.name}") + f"; {other.name} is listed: {lists}"
    )


def party_timeline(checker: Checker, name: str | None = None, *, entity_id: str | None = None) -> Timeline:
    """The dated history of a party (by name or id) across every list and court."""
    result = CheckResult(
        {"name": name, "entity_id": entity_id}, None, Activity.TRANSACT, date.today().isoformat()
    )
    party = checker.find(result, name, entity_id=entity_id)
    if party is None:
        raise RedlistError(result.error or result.notices[0])
    return build(
        party.name,
        party.entry_ids,
        checker.spans(party),
        checker.events_for(party),
        coverage=checker.coverage,
    )
