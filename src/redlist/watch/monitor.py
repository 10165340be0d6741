"""Re-screening watchlists: the reverse search over what changed, the full re-screen, and the
alerts they raise (deduplicated by evidence), with the status verdict and the dates ahead.

The reverse search runs each changed list entry (added or amended since the last run) as a query
against an index of the watched rows (a :class:`~redlist.screen.Screener` over the rows, persisted
under the home's cache and rebuilt only when a watchlist changes), at a lower threshold; every
candidate row is then screened forward against the lists as usual, and only its matches with the
changed entries are kept. The answer is therefore the one a full re-screen gives for those entries
(the reverse step only chooses which rows to re-screen).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from redlist import cache
from redlist.check import Checker
from redlist.model import Entity
from redlist.parties import PartyGraph
from redlist.screen import MATCH_THRESHOLD, Match, Query, Screener
from redlist.watch.rows import row_entity, row_key, row_query, split_key
from redlist.watch.storage import WatchStore, now

#: How much lower than the match threshold the reverse step looks (its scores are not the forward
#: direction's; the forward screen of each candidate decides).
REVERSE_SLACK = 0.15
#: Days ahead a change of verdict is announced, and the reminders on the way.
HORIZON_DAYS = 30
MILESTONES = (0, 1, 7, 30)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: What a portfolio asks: buy (invest) and sell (divest).
PORTFOLIO_ACTIVITIES = {"buy": "invest", "sell": "divest"}


class Data(Protocol):
    """What monitoring reads from one data generation (see redlist.service.Generation)."""

    key: str

    @property
    def screener(self) -> Screener: ...
    @property
    def checker(self) -> Checker: ...
    @property
    def parties(self) -> PartyGraph: ...
    @property
    def by_id(self) -> Mapping[str, Entity]: ...


@dataclass
class RunReport:
    """What one run did."""

    mode: str  # reverse or full
    on: str
    changed_entries: int = 0
    removed_entries: int = 0
    candidate_rows: int = 0
    rows_screened: int = 0
    raised: list[dict[str, Any]] = field(default_factory=list)  # new or re-raised (notify these)
    updated: int = 0  # open alerts whose evidence changed
    suppressed: int = 0  # matches excluded as false positives
    skipped: int = 0  # alerts whose verdicts cannot have changed (not recomputed)
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "on": self.on,
            "changed_entries": self.changed_entries,
            "removed_entries": self.removed_entries,
            "candidate_rows": self.candidate_rows,
            "rows_screened": self.rows_screened,
            "raised": [a["id"] for a in self.raised],
            "updated": self.updated,
            "suppressed": self.suppressed,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "steps": {k: round(v, 3) for k, v in self.steps.items()},
        }


def alert_id(watchlist: str, row_id: str, party_id: str) -> str:
    """The id of the one alert of a (watched row, party)."""
    digest = hashlib.sha256(f"{watchlist}\x1f{row_id}\x1f{party_id}".encode()).hexdigest()
    return "al-" + digest[:12]


def reverse_index(ws: WatchStore, cache_dir: Path | None) -> Screener:
    """The index of every watched row, from the cache when the watchlists have not changed."""
    key = hashlib.sha256(ws.rows_key().encode()).hexdigest()[:20]
    return cache.cached(
        cache_dir,
        "watch-index",
        key,
        lambda: Screener([row_entity(r["watchlist"], r) for r in ws.rows()]),
        Screener,
    )


class Monitor:
    """Runs watchlists against one data generation and keeps their alerts."""

    def __init__(
        self, ws: WatchStore, data: Data, *, today: date | None = None, cache_dir: Path | None = None
    ):
        self.ws = ws
        self.data = data
        self.today = today or date.today()
        self.cache_dir = cache_dir
        self._lists = {w["name"]: w for w in ws.watchlists()}
        self._rows: dict[str, dict[str, Any]] | None = None
        self._excluded = ws.exclusions()
        self._status_cache: dict[tuple[str, str, str], dict[str, Any]] = {}
        #: The alerts as read at the start of a full run (None: looked up one by one), kept up to
        #: date by :meth:`_store`: a full run looks up an alert per match, one query each otherwise
        #: (a server round trip on PostgreSQL).
        self._known: dict[str, dict[str, Any]] | None = None

    # --- rows ---------------------------------------------------------------------------------------

    @property
    def rows(self) -> dict[str, dict[str, Any]]:
        if self._rows is None:
            self._rows = {row_key(r["watchlist"], r["row_id"]): r for r in self.ws.rows()}
        return self._rows

    def _row(self, key: str) -> dict[str, Any] | None:
        if self._rows is not None:
            return self._rows.get(key)
        return self.ws.row(*split_key(key))  # one row, not the watchlist: a re-check touches few

    # --- runs ---------------------------------------------------------------------------------------

    def run_full(self, watchlists: list[str] | None = None) -> RunReport:
        """Screen every row of the watchlists (all by default) against the lists as they are now."""
        started = time.perf_counter()
        report = RunReport("full", self.today.isoformat())
        self._known = {a["id"]: a for a in self.ws.alerts()}
        try:
            for row in self.rows.values():
                if watchlists is not None and row["watchlist"] not in watchlists:
                    continue
                report.rows_screened += 1
                for match in self._forward(row):
                    self._raise(row, match, {"kind": "match", "text": "matches on a full re-screen"}, report)
        finally:
            self._known = None
        self._date_pass(report, watchlists)
        if watchlists is None or self.ws.state("last_event_id") is None:
            # a run of some watchlists only must not skip the others' pending changes
            self.ws.set_state("last_event_id", str(self.max_event_id()))
        report.seconds = time.perf_counter() - started
        return report

    def run_changes(self) -> RunReport:
        """Screen the watchlists against what changed since the last run (the reverse search)."""
        started = time.perf_counter()
        report = RunReport("reverse", self.today.isoformat())
        last = int(self.ws.state("last_event_id") or 0)
        changed: dict[str, list[dict[str, Any]]] = defaultdict(list)
        removed: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for event in self.events_after(last):
            target = removed if event["change"] == "removed" else changed
            target[event["entity_id"]].append(event)
        current = {eid: self.data.by_id[eid] for eid in changed if eid in self.data.by_id}
        report.changed_entries = len(current)
        report.removed_entries = len(removed)
        report.steps["events"] = time.perf_counter() - started
        if current and self._lists:
            mark = time.perf_counter()
            index = reverse_index(self.ws, self.cache_dir)
            report.steps["watch index"] = time.perf_counter() - mark
            mark = time.perf_counter()
            candidates = self._reverse_candidates(index, current.values())
            report.steps["reverse search"] = time.perf_counter() - mark
            mark = time.perf_counter()
            report.candidate_rows = len(candidates)
            for key in sorted(candidates):
                row = self._row(key)
                if row is None:
                    continue
                report.rows_screened += 1
                for match in self._forward(row):
                    if match.entity_id in current:
                        self._raise(row, match, _what_changed(changed[match.entity_id]), report)
            report.steps["forward screen of the rows found"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for alert in self.ws.alerts(entity_ids=removed):
            self._refresh(alert, _what_changed(removed[alert["entity_id"]]), report)
        report.steps["alerts of removed entries"] = time.perf_counter() - mark
        mark = time.perf_counter()
        self._date_pass(report, None, touched=set(changed) | set(removed))
        report.steps["alerts' verdicts"] = time.perf_counter() - mark
        self.ws.set_state("last_event_id", str(self.max_event_id()))
        report.seconds = time.perf_counter() - started
        return report

    def _reverse_candidates(self, index: Screener, entries: Any) -> set[str]:
        threshold = MATCH_THRESHOLD - REVERSE_SLACK
        found: set[str] = set()
        for entity in entries:
            queries = [
                Query(name=n, type=_query_type(entity)) for n in dict.fromkeys(x.value for x in entity.names)
            ]
            if entity.identifiers:
                queries.append(Query(identifiers={str(i.type): i.value for i in entity.identifiers}))
            for query in queries:
                result = index.screen(query, threshold=threshold, limit=10_000)
                found.update(m.entity_id for m in result.matches)
        return found

    def _forward(self, row: dict[str, Any]) -> list[Match]:
        query = row_query(row)
        matches = list(self.data.screener.screen(query, limit=25).matches)
        if self._unlisted is not None:  # subsidiaries named in ownership judgements
            matches += self._unlisted.screen(query, limit=5).matches
        return matches

    @cached_property
    def _unlisted(self) -> Screener | None:
        """The parties on no list that judgements say a listed party owns (``unlisted:...``): a
        watched row that is one of them is alerted, its verdict coming through its owner."""
        entities = list(self.data.parties.entities.values())
        return Screener(entities) if entities else None

    # --- events ---------------------------------------------------------------------------------------

    def events_after(self, last: int) -> list[dict[str, Any]]:
        return self.ws.store.events_after(last)

    def max_event_id(self) -> int:
        return self.ws.store.max_event_id()

    # --- alerts ---------------------------------------------------------------------------------------

    def _party_id(self, entity_id: str) -> str:
        party = self.data.parties.party_of(entity_id)
        return party.id if party is not None else entity_id

    def _raise(self, row: dict[str, Any], match: Match, change: dict[str, Any], report: RunReport) -> None:
        party_id = self._party_id(match.entity_id)
        if (row["watchlist"], row["row_id"], party_id) in self._excluded:
            report.suppressed += 1
            return
        aid = alert_id(row["watchlist"], row["row_id"], party_id)
        existing = self._known.get(aid) if self._known is not None else self.ws.alert(aid)
        matched = {
            "matched_name": match.matched_name,
            "score": match.score,
            "explanation": match.explanation,
        }
        evidence = self.evidence(row, match.entity_id, party_id, matched)
        self._store(aid, row, party_id, match.entity_id, evidence, change, existing, report)

    def _refresh(self, alert: dict[str, Any], change: dict[str, Any] | None, report: RunReport) -> None:
        """Recompute an alert's evidence (status, dates ahead, the entry's names and listings)."""
        if (alert["watchlist"], alert["row_id"], alert["party_id"]) in self._excluded:
            return
        row = self._row(row_key(alert["watchlist"], alert["row_id"]))
        if row is None:
            return
        old = alert["evidence"]
        matched = {k: old.get(k) for k in ("matched_name", "score", "explanation")}
        evidence = self.evidence(row, alert["entity_id"], alert["party_id"], matched)
        if change is None:
            change = _status_change(old, evidence)
        self._store(alert["id"], row, alert["party_id"], alert["entity_id"], evidence, change, alert, report)

    def _store(
        self,
        aid: str,
        row: dict[str, Any],
        party_id: str,
        entity_id: str,
        evidence: dict[str, Any],
        change: dict[str, Any],
        existing: dict[str, Any] | None,
        report: RunReport,
    ) -> None:
        digest = evidence_hash(evidence)
        stamp = now()
        entry = {**change, "on": self.today.isoformat(), "at": stamp, "evidence_hash": digest}
        if existing is None:
            alert = {
                "id": aid,
                "watchlist": row["watchlist"],
                "row_id": row["row_id"],
                "party_id": party_id,
                "entity_id": entity_id,
                "status": "open",
                "decision": None,
                "evidence_hash": digest,
                "evidence": evidence,
                "changes": [entry],
                "created_at": stamp,
                "updated_at": stamp,
                "raised": 1,
            }
            self.ws.save_alert(alert, new=True)
            self._remember(alert)
            report.raised.append(alert)
            return
        if existing["evidence_hash"] == digest:
            return  # the same evidence: never raised twice
        alert = dict(existing)
        alert.update(evidence_hash=digest, evidence=evidence, updated_at=stamp, entity_id=entity_id)
        alert["changes"] = [*existing["changes"], entry]
        if existing["status"] == "closed":  # closed on other evidence: raised again
            alert.update(status="open", decision=None, raised=existing["raised"] + 1)
            report.raised.append(alert)
        else:
            report.updated += 1
            if existing["status"] == "open":
                report.raised.append(alert)
        self.ws.save_alert(alert, new=False)
        self._remember(alert)

    def _remember(self, alert: dict[str, Any]) -> None:
        if self._known is not None:
            self._known[alert["id"]] = alert

    def _date_pass(
        self, report: RunReport, watchlists: list[str] | None, touched: set[str] | None = None
    ) -> None:
        """Status changes without a list change: verdicts that changed since the alert was last
        seen, and verdicts about to change within the horizon (deadlines, bans starting, rules
        changing state).

        ``touched``: the entries that changed since the last run (None: recompute every alert).
        An alert is then left as it is when its entry, the entries of its party and of its owners
        are untouched, the code and curated data are the same, nothing is ahead, and no date in
        its findings falls between the day it was last checked and the end of today's horizon:
        its verdicts cannot have changed (verdicts change on the dates the findings name)."""
        basis = self.basis
        for alert in self.ws.alerts():
            if watchlists is not None and alert["watchlist"] not in watchlists:
                continue
            if alert["decision"] == "false_positive":
                continue
            if touched is not None and self._settled(alert, touched, basis):
                report.skipped += 1
                continue
            self._refresh(alert, None, report)

    @cached_property
    def basis(self) -> str:
        """The code and bundled data verdicts come from (a new one re-checks every alert)."""
        from redlist import __version__

        return f"{__version__}|{self.data.checker.curated_version}"

    def _settled(self, alert: dict[str, Any], touched: set[str], basis: str) -> bool:
        ev = alert["evidence"]
        checked = ev.get("checked_on")
        if ev.get("basis") != basis or not checked or checked > self.today.isoformat() or ev.get("ahead"):
            return False
        reach = (self.today + timedelta(days=HORIZON_DAYS + 2)).isoformat()  # a day's margin
        if any(checked < d <= reach for d in ev.get("dates", [])):
            return False
        return not (self._related_entries(alert["entity_id"]) & touched)

    def _related_entries(self, entity_id: str) -> set[str]:
        """The entries of a party and of its owners (up to three levels): what its verdict rests on."""
        out = {entity_id}
        party = self.data.parties.party_of(entity_id)
        seen: set[str] = set()
        level = [party] if party is not None else []
        for _ in range(3):
            nxt = []
            for p in level:
                if p.id in seen:
                    continue
                seen.add(p.id)
                out.update(p.entry_ids)
                for rel in p.related:
                    owner = (
                        self.data.parties.parties.get(rel.party_id) if rel.relation == "owned_by" else None
                    )
                    if owner is not None:
                        nxt.append(owner)
            level = nxt
        return out

    # --- evidence ---------------------------------------------------------------------------------

    def evidence(
        self, row: dict[str, Any], entity_id: str, party_id: str, matched: dict[str, Any]
    ) -> dict[str, Any]:
        """What an alert rests on: the entry as listed now, the verdicts today and what is ahead."""
        entity = self.data.by_id.get(entity_id) or self.data.parties.entities.get(entity_id)
        watchlist = self._lists.get(row["watchlist"], {})
        party = self.data.parties.party_of(entity_id)
        status, ahead, dates = self.status(watchlist, entity_id)
        return {
            "row": {k: row.get(k) for k in ("row_id", "name", "type", "country", "identifiers", "quantity")},
            "entity_id": entity_id,
            "party_id": party_id,
            "party_name": party.name if party else (entity.name if entity else None),
            "listed_now": entity_id in self.data.by_id,
            "names": sorted({n.value for n in entity.names}) if entity else [],
            "lists": sorted(
                f"{lst.list_id}:{lst.source_id}:{','.join(lst.programs)}"
                for lst in (entity.listings if entity else [])
            ),
            **matched,
            "status": status,
            "ahead": ahead,
            # not part of the evidence hash: when and from what it was checked, the dates named
            "checked_on": self.today.isoformat(),
            "basis": self.basis,
            "dates": dates,
        }

    def status(
        self, watchlist: dict[str, Any], entity_id: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
        """The verdicts for the watchlist's activities today, and the changes within the horizon."""
        if watchlist.get("kind") == "portfolio":
            asks = dict(PORTFOLIO_ACTIVITIES)
        else:
            asks = {a: a for a in str(watchlist.get("activity") or "transact").split(",")}
        status: dict[str, Any] = {}
        ahead: list[dict[str, Any]] = []
        dates: set[str] = set()
        for label, activity in asks.items():
            today = self._verdict(entity_id, activity, self.today)
            dates.update(d for d in today["dates"] if d > self.today.isoformat())
            status[label] = today["verdict"]
            if today.get("divestment_on"):
                status["divest_by"] = today["divestment_on"]
            change = self._next_change(entity_id, activity, today)
            if change is not None:
                ahead.append({"activity": label, **change})
        if "divest_by" in status and watchlist.get("kind") == "portfolio":
            status["hold"] = f"sales for divestment allowed until {status['divest_by']}"
        return status, ahead, sorted(dates)

    def _verdict(self, entity_id: str, activity: str, day: date) -> dict[str, Any]:
        key = (entity_id, activity, day.isoformat())
        found = self._status_cache.get(key)
        if found is None:
            result = self.data.checker.check(
                entity_id=entity_id, activity=activity, on=day.isoformat(), today=day
            )
            divest = sorted(f["divestment_on"] for f in result.findings if f.get("divestment_on"))
            found = {
                "verdict": str(result.verdict) if result.verdict is not None else None,
                "divestment_on": divest[0] if divest else None,
                "why": [f.get("regime_title") or f.get("list") for f in result.findings if f.get("state")],
                # every date the findings name: verdicts change only on such dates
                "dates": sorted(set(_ISO_DATE.findall(json.dumps(result.findings, default=str)))),
            }
            self._status_cache[key] = found
        return found

    def _next_change(self, entity_id: str, activity: str, today: dict[str, Any]) -> dict[str, Any] | None:
        """The first day within the horizon whose verdict differs from today's (bisection: verdicts
        change on dates, and one change ahead is what an analyst needs to act on)."""
        end = self.today + timedelta(days=HORIZON_DAYS + 1)  # a deadline is the day before the change
        later = self._verdict(entity_id, activity, end)
        if later["verdict"] == today["verdict"]:
            return None
        lo, hi = self.today, end  # verdict(lo) == today's, verdict(hi) differs
        while (hi - lo).days > 1:
            mid = lo + timedelta(days=(hi - lo).days // 2)
            if self._verdict(entity_id, activity, mid)["verdict"] == today["verdict"]:
                lo = mid
            else:
                hi = mid
        after = self._verdict(entity_id, activity, hi)["verdict"]
        # a deadline (the last day something is still allowed) is the day before it stops
        day = hi - timedelta(days=1) if activity == "divest" and after == "prohibited" else hi
        days = (day - self.today).days
        if days > HORIZON_DAYS:
            return None
        return {
            "date": day.isoformat(),
            "days": days,
            "milestone": min(m for m in MILESTONES if m >= days),
            "from": today["verdict"],
            "to": after,
            "text": _ahead_text(activity, days, day, today["verdict"], after),
        }


def evidence_hash(evidence: dict[str, Any]) -> str:
    """The hash of what an alert rests on: a different hash re-raises a closed alert. The score
    and wording of the match explanation are left out (a new scorer is not new evidence), and so
    is the exact day count ahead (only the reminder milestone counts)."""
    from redlist.watch.storage import dumps

    ahead = [{k: a[k] for k in ("activity", "date", "milestone", "to")} for a in evidence.get("ahead", [])]
    core = {
        "entity_id": evidence["entity_id"],
        "names": evidence["names"],
        "lists": evidence["lists"],
        "status": evidence["status"],
        "ahead": ahead,
    }
    return hashlib.sha256(dumps(core).encode()).hexdigest()[:16]


def _when(days: int, day: date) -> str:
    if days <= 1:
        return "today" if days == 0 else "tomorrow"
    return f"in {days} days ({day.isoformat()})"


def _ahead_text(activity: str, days: int, day: date, before: str | None, after: str | None) -> str:
    when = _when(days, day)
    if activity == "divest" and after == "prohibited":
        return f"divestment deadline {when}: sales for divestment are allowed until {day.isoformat()}"
    if activity == "invest" and after == "prohibited":
        return f"purchase ban starts {when}"
    return f"{activity}: {before} becomes {after} {when}"


def _what_changed(events: list[dict[str, Any]]) -> dict[str, Any]:
    parts = []
    for e in events:
        if e["change"] == "amended":
            parts.append(
                f"amended on {e['list']} on {e['date']} ({e['fields'].strip('[]').replace(chr(34), '')})"
            )
        else:
            parts.append(
                f"{e['change']} {'to' if e['change'] == 'added' else 'from'} {e['list']} on {e['date']}"
            )
    kinds = {e["change"] for e in events}
    return {
        "kind": "removed" if kinds == {"removed"} else ("added" if "added" in kinds else "amended"),
        "text": "; ".join(parts),
    }


def _status_change(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    if old.get("status") != new.get("status"):
        parts = [
            f"{k}: {old.get('status', {}).get(k)} -> {v}"
            for k, v in new["status"].items()
            if old.get("status", {}).get(k) != v
        ]
        return {"kind": "status", "text": "status changed: " + "; ".join(parts)}
    if new.get("ahead") and [a.get("milestone") for a in new["ahead"]] != [
        a.get("milestone") for a in old.get("ahead", [])
    ]:
        return {"kind": "date", "text": "; ".join(a["text"] for a in new["ahead"])}
    return {"kind": "evidence", "text": "the entry's names or listings changed"}


def _query_type(entity: Entity) -> str | None:
    kind = str(entity.type)
    return kind if kind in ("person", "organization", "vessel", "aircraft") else None
