"""The status engine: may a US person do X with this party on this date, and why?

Input: the party's listing history (:class:`ListingSpan`, one per listing as seen over time), the
legal events that concern it (injunctions, vacaturs, removals, denial orders...), an activity and
a date. Output: an :class:`Assessment` (a :class:`~redlist.model.Verdict`) with one :class:`Finding` per listing and regime, each with a
state, an effect on the activity, the dates, the court case and the citations.

Everything list-specific lives in ``data/regimes.yaml`` (:mod:`redlist.regimes.rules`); this
module only walks timelines.

States of a finding on the asked date:

- ``in_force``: listed, and the regime's rules for the activity apply (or the regime is in force
  but does not touch this activity: effect ``none``);
- ``pending``: listed, but the restriction starts on a later date (given in ``effect_from``);
- ``enjoined``: a court order suspends it (``case`` names the case); ``suspended``: an agency
  suspended it without a court (e.g. a suspended denial order);
- ``removed``: taken off the list (vacatur, removal, or absent from a later publication);
- ``expired``: the listing's own end date passed (denial order expiry) or the whole regime ended
  (EO 13959's securities ban for DoD-listed companies, replaced by EO 14032);
- ``unknown``: the date is before the source's first snapshot and the entry publishes no listing
  date that covers it.

A listing may cover the party's equipment only for some purposes (its ``scope``: NDAA s.889 and the
FCC Covered List for Hytera, Hikvision and Dahua). Its rules then depend on the purpose the caller
states: none stated gives ``review`` (the finding quotes the scope), a covered purpose the rule's
effect, another purpose no effect; a rule with ``beyond_scope`` applies whatever the purpose.

Findings that do not restrict the asked activity are kept (effect ``none``) so the user sees
every listing. ``verdict`` is the most severe effect among ``in_force`` findings (prohibited >
restricted > allowed); when nothing in force restricts the activity but an ``unknown`` finding
would, the verdict is ``unknown`` rather than a silent ``allowed``.

Events are matched to spans by list id (the caller has already resolved which party they concern).
Event effects: ``start`` lists (or re-lists, restarting the listing clock), ``end`` removes,
``suspend`` suspends until ``until`` or a ``resume``, ``none`` is context. An event of kind
``effective`` (whatever its effect) gives the party's own effective date, which overrides the
regime's computed one (Luokung's ban restarted by a corrected name, CNOOC's date per OFAC). An event list with a ``start`` but no span (ZTE's 2018 denial
order, not in any stored publication) gets a listing of its own, from the events alone.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from redlist.errors import InvalidInput
from redlist.model import (
    ISO_DAY,
    LISTS,
    PURPOSE_TEXT,
    Activity,
    Effect,
    Listing,
    Purpose,
    Scope,
    State,
    Verdict,
    parse_iso_day,
)
from redlist.regimes.compiled import regimes as packaged_regimes
from redlist.regimes.coverage import history_note
from redlist.regimes.model import (
    ACTIVITIES,
    ACTIVITY_TEXT,
    BeyondScope,
    Regime,
    Rule,
    regimes_for,
)

__all__ = [
    "ACTIVITIES",
    "EFFECTS",
    "PURPOSES",
    "SCOPE_STATUSES",
    "STATES",
    "VERDICTS",
    "Finding",
    "ListingSpan",
    "Assessment",
    "StatusError",
    "combine",
    "evaluate",
]

STATES: tuple[str, ...] = tuple(State)
EFFECTS: tuple[str, ...] = tuple(Effect)
VERDICTS: tuple[str, ...] = tuple(Verdict)
PURPOSES: tuple[str, ...] = tuple(Purpose)
#: How a purpose-limited listing's scope bears on a finding (``Finding.scope_status``): the purpose
#: was not given (effect ``review``), it is one the scope covers (the rule's effect), it is not
#: (no effect), or the rule reaches the equipment whatever the purpose.
SCOPE_STATUSES = ("not_stated", "covered", "not_covered", "beyond_scope")

_SEVERITY = {Effect.PROHIBITED: 4, Effect.RESTRICTED: 3, Effect.REVIEW: 2, Effect.ALLOWED: 1, Effect.NONE: 0}
_RESTRICTIVE = (Effect.PROHIBITED, Effect.RESTRICTED)
# Same-day order: a removal before a re-listing (Hesai: delisted and re-listed on 2024-10-16).
_CHANGE_ORDER = {"end": 0, "start": 1, "suspend": 2, "resume": 3, "none": 4}
# Event kinds whose "start" sets the party's effective date rather than re-listing it.
_EFFECTIVE_KINDS = frozenset({"effective"})
_STATE_ORDER = {
    s: i
    for i, s in enumerate((State.IN_FORCE, State.ENJOINED, State.SUSPENDED, State.PENDING, State.UNKNOWN))
}


class StatusError(InvalidInput):
    """A question the engine cannot answer: unknown activity, malformed or impossible date."""


class LegalEventLike(Protocol):
    """What the engine reads of :class:`redlist.curated.LegalEvent` (kept as a protocol so the
    engine does not depend on how events are loaded)."""

    id: str
    date: str
    kind: str
    list_id: str
    parties: Sequence[dict[str, str]]
    effect: str
    until: str | None
    case: Any
    citation: str
    source_url: str
    verification: str
    summary: str


@dataclass
class ListingSpan:
    """One listing of one party as seen over time."""

    listing: Listing  # as published (dates, programs, licence requirement...)
    source: str  # source id ("us_ofac_sdn", "us_trade_csl", ...) or "curated"
    entity_id: str
    name: str
    seen_from: str | None  # first publication date that shows it (None: curated/unknown)
    removed_on: str | None  # date of the first publication without it (or curated removed_on)
    verification: str | None = None


@dataclass
class Finding:
    """What one listing, under one regime, means for the asked activity on the asked date."""

    list: str
    regime: str
    state: State
    effect: Effect  # on the asked date
    activity_text: str  # what the regime says about the activity
    listed_on: str | None
    effective_on: str | None
    divestment_on: str | None
    removed_on: str | None
    case: dict[str, Any] | None
    events: builtins.list[dict[str, Any]]
    citations: builtins.list[str]
    explanation: str
    list_title: str = ""
    regime_title: str = ""
    who: str = ""
    expired_on: str | None = None
    effect_from: str | None = None  # start of the rule window that applies (or will apply)
    effect_until: str | None = None  # first day it no longer applies, when known
    programs: builtins.list[str] = field(default_factory=builtins.list)
    sources: builtins.list[str] = field(default_factory=builtins.list)
    entity_ids: builtins.list[str] = field(default_factory=builtins.list)
    names: builtins.list[str] = field(default_factory=builtins.list)
    verification: str | None = None
    via: dict[str, Any] | None = (
        None  # the ownership path when the finding reaches the party through an owner
    )
    # the first publication in the data that shows the listing, when the listing publishes no
    # date of its own: a snapshot date, never shown as a legal date
    first_seen: str | None = None
    scope: dict[str, Any] | None = None  # the listing's purpose limit (purposes, text, citation)
    scope_status: str | None = None  # one of SCOPE_STATUSES when the scope shaped the effect
    # where listed_on came from when the list prints no date of its own ("84 FR 54002, date from
    # the Federal Register index")
    listed_on_basis: str | None = None


@dataclass
class Assessment:
    """The engine's answer: a verdict, the findings behind it and any notices about the data."""

    verdict: Verdict
    activity: Activity
    on: str
    findings: list[Finding]
    notices: list[str]
    purpose: Purpose | None = None  # what the party's equipment is used for, when stated

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return dataclasses.asdict(self)


# --- input checks ------------------------------------------------------------------------------


def parse_date(value: str | date, what: str = "date") -> date:
    """``value`` as a date; :class:`StatusError` for a malformed or impossible one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise StatusError(f"{what} must be an ISO date (YYYY-MM-DD), got {value!r}")
    text = value.strip()
    if not ISO_DAY.match(text):
        raise StatusError(f"{what} is not an ISO date (YYYY-MM-DD): {value!r}")
    try:
        return parse_iso_day(text)
    except ValueError as exc:
        raise StatusError(f"{what} {value!r} is not a real calendar date ({exc})") from exc


def parse_purpose(value: str | None) -> Purpose | None:
    """``value`` as a :class:`~redlist.model.Purpose` (None when not given); :class:`StatusError` otherwise."""
    if value is None:
        return None
    text = value.strip().lower().replace("-", "_") if isinstance(value, str) else value
    if not text:
        return None
    if text not in PURPOSES:
        raise StatusError(f"unknown purpose {value!r}: use one of {', '.join(PURPOSES)}")
    return Purpose(text)


def parse_activity(value: str) -> Activity:
    """``value`` as an :class:`~redlist.model.Activity`; :class:`StatusError` otherwise."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in ACTIVITIES:
        raise StatusError(f"unknown activity {value!r}: use one of {', '.join(ACTIVITIES)}")
    return Activity(text)


# --- timelines ---------------------------------------------------------------------------------


@dataclass
class _History:
    """A span's standing on the asked date, after its events."""

    start: str | None
    listed: bool = True  # False: first listed after the asked date
    on: bool = True
    off_on: str | None = None
    off_by: Any = None  # the event that removed it (None: absent from a later publication)
    suspended_by: Any = None
    lapsed: Any = None  # a suspension whose end date passed
    clock: str | None = None  # the (re)designation date the date rules count from
    effective: str | None = None  # a party-specific effective date from an event
    expires_on: str | None = None  # from a start event's ``until`` (a denial order's term)
    events: list[Any] = field(default_factory=list)


def _span_start(span: ListingSpan) -> str | None:
    dates = [d for d in (span.listing.listed_on, span.seen_from) if d]
    return min(dates) if dates else None


def _extend_back(start: str | None, events: list[Any]) -> str | None:
    """An earlier start when a ``start`` event before the span is not followed by an ``end``.

    A publication first seen in 2024 may carry a listing an event shows began in 2019.
    """
    if start is None:
        return None
    since = None
    for e in events:
        if e.date >= start:
            break
        if e.effect == "start" and since is None:
            since = e.date
        elif e.effect == "end":
            since = None
    return since or start


def _walk(span: ListingSpan, events: list[Any], on: str, closed: bool) -> _History:
    """Apply the span's publication dates and its list's events up to ``on``.

    ``closed``: another span of the same list starts after this one was removed, so later events
    belong to that span, not to this one.
    """
    start = _extend_back(_span_start(span), events)
    h = _History(start=start, clock=start)
    if start is not None and on < start:
        h.listed = False
        return h
    own = [e for e in events if start is None or e.date >= start]
    if closed and span.removed_on:
        # Keep the removal's own explanation, but a re-listing that day opens the next span.
        cut = span.removed_on
        own = [e for e in own if e.date < cut or (e.date == cut and e.effect == "end")]
    # A party-specific effective date (OFAC guidance, a clock restarted by a corrected name) is
    # a scheduled date: it counts even when it lies after ``on``, whatever the event's effect.
    effective = [e.date for e in own if e.kind in _EFFECTIVE_KINDS]
    h.effective = min(effective) if effective else None

    changes: list[tuple[str, int, int, str, Any]] = []
    if span.removed_on and span.removed_on <= on:
        changes.append((span.removed_on, _CHANGE_ORDER["end"], 1, "end", None))
    for e in own:
        if e.date > on:
            continue
        if e.effect == "end" and e.date == start:
            continue  # ends the previous period (same-day delisting and re-listing)
        changes.append((e.date, _CHANGE_ORDER.get(e.effect, 4), 0, e.effect, e))
    changes.sort(key=lambda c: c[:3])
    for day, _, _, effect, e in changes:
        if e is not None:
            h.events.append(e)
        _apply(h, day, effect, e)
    if h.suspended_by is not None and h.suspended_by.until and on >= h.suspended_by.until:
        h.lapsed, h.suspended_by = h.suspended_by, None
    return h


def _apply(h: _History, day: str, effect: str, e: Any) -> None:
    if effect == "end":
        if h.on:
            h.on, h.off_on, h.off_by, h.suspended_by = False, day, e, None
        elif h.off_on == day and h.off_by is None:
            h.off_by = e  # the event explains the publication's removal
    elif effect == "start":
        if not h.on:
            h.on, h.off_on, h.off_by, h.suspended_by, h.clock = True, None, None, None, day
            h.expires_on = e.until
        else:
            if e.kind not in _EFFECTIVE_KINDS and h.clock and day > h.clock:
                h.clock = day  # re-designation (e.g. a corrected name) restarts the clocks
            if e.until:
                h.expires_on = e.until
    elif effect == "suspend" and h.on:
        h.suspended_by = e
    elif effect == "resume":
        h.suspended_by = None


# --- rules on a date -----------------------------------------------------------------------------


@dataclass
class _RuleResult:
    state: State  # in_force | pending
    effect: Effect
    text: str
    start: str | None = None
    until: str | None = None
    rules: list[Rule] = field(default_factory=list)
    scope_status: str | None = None  # how the listing's scope shaped the effect (SCOPE_STATUSES)
    covered_effect: Effect | None = None  # the effect for a covered purpose (when not_stated/not_covered)


# Which status a finding reports when rules of several kinds share the most severe effect.
_SCOPE_ORDER = ("beyond_scope", "covered", "not_stated", "not_covered")


def _scoped(rule: Rule, scope: Scope | None, purpose: Purpose | None) -> tuple[Effect, str | None]:
    """The rule's effect on a listing limited to ``scope``, for the stated purpose, and the scope status."""
    effect = Effect(rule.effect)
    if scope is None:
        return effect, None
    if rule.beyond_scope is not None:
        return effect, "beyond_scope"
    if purpose is None:
        return (Effect.REVIEW if effect in _RESTRICTIVE else effect), "not_stated"
    if purpose in scope.purposes:
        return effect, "covered"
    return (Effect.NONE if effect in _RESTRICTIVE else effect), "not_covered"


def _windows(regime: Regime, rules: Iterable[Rule], dates: dict[str, str | None], end: str | None):
    for rule in rules:
        start = rule.start.resolve(dates) if rule.start else None
        until = rule.until.resolve(dates) if rule.until else None
        if end and start and start >= end:
            continue  # would begin after the regime ended
        if end and (until is None or until > end):
            until = end
        yield rule, start, until


def _apply_rules(
    regime: Regime,
    listing: Listing,
    dates: dict[str, str | None],
    activity: str,
    on: str,
    purpose: Purpose | None = None,
):
    end = regime.ends.date.resolve(dates) if regime.ends else None
    windows = list(_windows(regime, regime.rules_for(activity), dates, end))
    active = [w for w in windows if (w[1] is None or w[1] <= on) and (w[2] is None or on < w[2])]
    if active:
        scored = [(w, *_scoped(w[0], listing.scope, purpose)) for w in active]
        best = max(_SEVERITY[effect] for _, effect, _ in scored)
        chosen = [(w, st) for w, effect, st in scored if _SEVERITY[effect] == best]
        starts = [s for (_, s, _), _ in chosen if s]
        untils = [u for (_, _, u), _ in chosen if u]
        statuses = {st for _, st in chosen if st}
        status = next((st for st in _SCOPE_ORDER if st in statuses), None)
        covered = None
        if status in ("not_stated", "not_covered"):
            covered = Effect(max((r.effect for (r, _, _), _ in chosen), key=lambda e: _SEVERITY[Effect(e)]))
        return _RuleResult(
            State.IN_FORCE,
            next(effect for _, effect, _ in scored if _SEVERITY[effect] == best),
            " ".join(r.render(listing) for (r, _, _), _ in chosen),
            max(starts) if starts else None,
            min(untils) if untils else None,
            [r for (r, _, _), _ in chosen],
            status,
            covered,
        )
    future = sorted(
        (
            w
            for w in windows
            if w[1]
            and w[1] > on
            and _scoped(w[0], listing.scope, purpose)[0] in (*_RESTRICTIVE, Effect.REVIEW)
        ),
        key=lambda w: w[1],
    )
    if future:
        rule, start, until = future[0]
        return _RuleResult(State.PENDING, Effect.NONE, rule.render(listing), start, until, [rule])
    # The regime does not restrict this activity on this date; is it in force for others?
    text = f"{regime.title} does not restrict this activity ({ACTIVITY_TEXT[activity]})."
    others = list(_windows(regime, regime.rules, dates, end))
    if any((s is None or s <= on) and (u is None or on < u) for _, s, u in others):
        return _RuleResult(State.IN_FORCE, Effect.NONE, text)
    later = sorted(s for r, s, _ in others if s and s > on and r.effect in _RESTRICTIVE)
    if later:
        return _RuleResult(State.PENDING, Effect.NONE, text, later[0])
    return _RuleResult(State.IN_FORCE, Effect.NONE, text)


def _dates(regime: Regime, listing: Listing, h: _History) -> dict[str, str | None]:
    base = {
        "listed_on": h.clock or listing.listed_on,
        "effective_on": h.effective or listing.effective_on,
        "divestment_on": listing.divestment_on,
        "ends_on": listing.ends_on,
    }
    return regime.resolve_dates(base)


# --- findings ------------------------------------------------------------------------------------


def _event_dict(e: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "date": e.date,
        "kind": e.kind,
        "effect": e.effect,
        "until": e.until,
        "summary": e.summary,
        "citation": e.citation,
        "source_url": e.source_url,
        "verification": e.verification,
        "case": _case_dict(e.case),
    }


def _case_dict(case: Any) -> dict[str, Any] | None:
    if case is None:
        return None
    if isinstance(case, dict):
        return dict(case)
    if dataclasses.is_dataclass(case) and not isinstance(case, type):
        return dataclasses.asdict(case)
    return {"title": str(case)}


def _case_text(case: dict[str, Any] | None) -> str:
    if not case:
        return ""
    parts = [case.get("title"), case.get("court"), case.get("docket")]
    return ", ".join(p for p in parts if p)


def _terminal(regime: Regime, listing: Listing, h: _History, dates: dict[str, str | None], on: str):
    """The earliest end on or before ``on``: (state, date, reason text, citation) or None."""
    ends: list[tuple[str, str, str, list[str]]] = []
    if not h.on and h.off_on:
        if h.off_by is not None:
            reason = _clause(h.off_by.summary)
            ends.append((State.REMOVED, h.off_on, reason, [h.off_by.citation, h.off_by.source_url]))
        else:
            ends.append((State.REMOVED, h.off_on, "absent from the publication of that date", []))
    if listing.ends_on and listing.ends_on <= on:
        if regime.ends_on == "removed":
            ends.append((State.REMOVED, listing.ends_on, "its listing period ended", []))
        else:
            ends.append((State.EXPIRED, listing.ends_on, "its end date passed", []))
    if h.expires_on and h.expires_on <= on:
        ends.append((State.EXPIRED, h.expires_on, "the order's term ended", []))
    end = regime.ends.date.resolve(dates) if regime.ends else None
    if end and end <= on and regime.ends:
        ends.append((State.EXPIRED, end, regime.ends.reason, [regime.ends.citation, regime.ends.source_url]))
    return min(ends, key=lambda t: t[1]) if ends else None


def _coverage_gap(span: ListingSpan, h: _History, coverage: dict[str, str], on: str) -> str | None:
    """The source's first snapshot date when the span's standing on ``on`` cannot be known, else None.

    A published listing date (or an event) says when the listing began, so it is trusted before
    the first snapshot too. Without one, a span present in the first snapshot may have begun at
    any earlier time; a span first seen later was absent from the first snapshot, so on an earlier
    date it is simply not (yet) this listing.
    """
    first = coverage.get(span.source)
    if not first or on >= first:
        return None
    listing = span.listing
    if listing.listed_on or listing.effective_on or (h.start and h.start != span.seen_from):
        return None
    if span.seen_from and span.seen_from > first:
        return None
    return first


def _finding(
    span: ListingSpan,
    regime: Regime,
    h: _History,
    activity: str,
    on: str,
    unknown_from: str | None,
    purpose: Purpose | None = None,
) -> tuple[Finding, bool]:
    """The finding for one span under one regime, and whether it is an unknown that would restrict."""
    listing = span.listing
    # Before the data begins, the first-seen date says nothing about when the listing started.
    dates = _dates(regime, listing, _History(start=None) if unknown_from else h)
    list_title = LISTS.get(listing.list_id, listing.list_id)
    who = regime.who
    base_cites = [regime.citation, *listing.federal_register]
    urls = [u for u in (listing.source_url, regime.source_url) if u]
    events = [_event_dict(e) for e in h.events]
    latest_case = next((d["case"] for d in reversed(events) if d["case"]), None)
    finding = Finding(
        list=listing.list_id,
        regime=regime.id,
        state=State.IN_FORCE,
        effect=Effect.NONE,
        activity_text="",
        # a legal date: published, or set by an event; a start that is only the first snapshot
        # showing the listing is kept apart as first_seen
        listed_on=listing.listed_on or (h.start if h.start != span.seen_from else None),
        first_seen=span.seen_from if not listing.listed_on and h.start == span.seen_from else None,
        effective_on=dates.get("effective_on"),
        divestment_on=dates.get("divestment_on"),
        removed_on=None,
        case=latest_case,
        events=events,
        citations=[],
        explanation="",
        list_title=list_title,
        regime_title=regime.title,
        who=who,
        programs=list(listing.programs),
        sources=[span.source],
        entity_ids=[span.entity_id],
        names=[span.name] if span.name else [],
        verification=regime.verification,
        scope=listing.scope.to_dict() if listing.scope else None,
    )
    if finding.listed_on and finding.listed_on == listing.listed_on:
        finding.listed_on_basis = listing.listed_on_basis
    subject = f"{span.name or span.entity_id} is on the {list_title}"
    if finding.listed_on:
        basis = f" ({finding.listed_on_basis})" if finding.listed_on_basis else ""
        since = f" since {finding.listed_on}{basis}"
    elif finding.first_seen:
        since = (
            f" (first seen in the data on {finding.first_seen}; the listing's own date is not published, so "
            "dates counted from the listing start from that snapshot)"
        )
    else:
        since = ""
    rules = _apply_rules(regime, listing, dates, activity, on, purpose)
    finding.activity_text = rules.text
    rule_cites = [r.citation for r in rules.rules]
    would_restrict = False

    ended = _terminal(regime, listing, h, dates, on)
    if ended:
        state, day, reason, cites = ended
        finding.state = state
        if state == State.REMOVED:
            finding.removed_on = day
            if h.off_by is not None and h.off_by.case is not None:
                finding.case = _case_dict(h.off_by.case)
            finding.explanation = (
                f"{span.name or span.entity_id} was removed from the {list_title} on {day}: {reason}."
            )
        else:
            finding.expired_on = day
            finding.explanation = (
                f"{subject}{since}, but {regime.title} no longer applies from {day}: {_clause(reason)}."
            )
        finding.citations = _unique([*base_cites, *cites, *_event_cites(h.events), *urls])
    elif unknown_from:
        finding.state = State.UNKNOWN
        finding.listed_on = listing.listed_on
        would_restrict = rules.state == State.IN_FORCE and rules.effect in (*_RESTRICTIVE, Effect.REVIEW)
        hint = f" If it was listed then, the effect would be: {rules.effect}." if would_restrict else ""
        finding.explanation = (
            f"The {span.source} data begins on {unknown_from}, after {on}, and the entry publishes no listing "
            f"date; whether {span.name or span.entity_id} was on the {list_title} then is not known.{hint}"
        )
        finding.citations = _unique([*base_cites, *urls])
    elif h.suspended_by is not None:
        e = h.suspended_by
        case = _case_dict(e.case)
        finding.state = State.ENJOINED if (e.kind == "injunction" or case) else State.SUSPENDED
        finding.case = case or finding.case
        until = f" until {e.until}" if e.until else ""
        by = f" ({_case_text(case)})" if case else ""
        verb = "a court order enjoins it" if finding.state == State.ENJOINED else "it is suspended"
        finding.explanation = (
            f"{subject}{since}, but {verb} from {e.date}{until}{by}: {_clause(e.summary)}. "
            "The listing's restrictions do not apply meanwhile."
        )
        finding.citations = _unique([*base_cites, e.citation, *_event_cites(h.events), *rule_cites, *urls])
    else:
        finding.state = rules.state
        finding.effect = rules.effect if rules.state == State.IN_FORCE else Effect.NONE
        finding.effect_from, finding.effect_until = rules.start, rules.until
        finding.explanation = _in_force_text(subject, since, regime, rules, activity, on)
        levels = [regime.verification, *(r.verification for r in rules.rules)] if rules.rules else []
        scope_cites: list[str | None] = []
        if listing.scope is not None and rules.scope_status and rules.state == State.IN_FORCE:
            finding.scope_status = rules.scope_status
            finding.explanation = _scope_text(
                subject, since, regime, rules, listing.scope, purpose, finding.explanation
            )
            beyond = [r.beyond_scope for r in rules.rules if r.beyond_scope]
            if rules.scope_status != "beyond_scope":
                scope_cites = [listing.scope.citation, listing.scope.source_url]
                levels.append(listing.scope.verification or regime.verification)
            for b in beyond:
                scope_cites += [b.citation, b.source_url]
                levels.append(b.verification)
        if h.lapsed is not None:
            finding.explanation += f" (The suspension of {h.lapsed.date} ended on {h.lapsed.until}.)"
        finding.citations = _unique([*base_cites, *rule_cites, *scope_cites, *_event_cites(h.events), *urls])
        if levels:
            finding.verification = _weakest(levels)
    return finding, would_restrict


def _scope_text(
    subject: str,
    since: str,
    regime: Regime,
    rules: _RuleResult,
    scope: Scope,
    purpose: Purpose | None,
    in_force: str,
) -> str:
    """The explanation of an in-force finding on a purpose-limited listing (see SCOPE_STATUSES)."""
    quoted = f'"{_clause(scope.text)}"'
    window = f" from {rules.start}" if rules.start else ""
    until = f" until {rules.until}" if rules.until else ""
    if rules.scope_status == "beyond_scope":
        beyond: list[BeyondScope] = [r.beyond_scope for r in rules.rules if r.beyond_scope]
        return f"{in_force} Whatever the purpose: {' '.join(b.text for b in beyond)}"
    if rules.scope_status == "covered" and purpose is not None:
        return f"{in_force} The stated purpose, {PURPOSE_TEXT[purpose]}, is one the listing covers: {quoted}."
    named = [PURPOSE_TEXT[p] for p in scope.purposes]
    purposes = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    if rules.scope_status == "not_covered" and purpose is not None:
        return (
            f"{subject}{since}, but the listing covers the party's equipment only for {purposes}: {quoted}. "
            f"The stated purpose, {PURPOSE_TEXT[purpose]}, is not one of them, so {regime.title} does not "
            "restrict this activity for it."
        )
    return (
        f"{subject}{since}. The listing covers the party's equipment only for some purposes: {quoted}. "
        f"No purpose was given: if the equipment is used for {purposes}, this activity "
        f"is {rules.covered_effect}{window}{until} under {regime.title}: {rules.text} For any other purpose "
        f"this listing does not restrict it. Ask again with the purpose ({', '.join(PURPOSES)})."
    )


def _in_force_text(
    subject: str, since: str, regime: Regime, rules: _RuleResult, activity: str, on: str
) -> str:
    if rules.state == State.PENDING:
        if rules.rules:
            return (
                f"{subject}{since}; under {regime.title} the restriction starts on {rules.start} "
                f"and is not yet in force on {on}: {rules.text}"
            )
        return f"{subject}{since}; {rules.text} Its restrictions start on {rules.start}."
    if rules.effect == Effect.NONE:
        return f"{subject}{since}. {rules.text}"
    window = f" from {rules.start}" if rules.start else ""
    until = f" until {rules.until}" if rules.until else ""
    return (
        f"{subject}{since}. Under {regime.title} this activity is {rules.effect}{window}{until}: {rules.text}"
    )


def _clause(text: str) -> str:
    """``text`` without a closing full stop, to be embedded in a sentence."""
    return " ".join(text.split()).rstrip(". ")


def _event_cites(events: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for e in events:
        if e.effect != "none":
            out += [e.citation, e.source_url]
    return out


def _weakest(levels: Iterable[str]) -> str:
    order = ("unconfirmed", "secondary", "confirmed")
    return min(levels, key=order.index)


def _unique(items: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per list, regime, state and dates (a CSL copy and OFAC's own record agree)."""
    merged: dict[tuple, Finding] = {}
    for f in findings:
        key = (
            f.list,
            f.regime,
            f.state,
            f.effect,
            f.listed_on,
            f.effective_on,
            f.divestment_on,
            f.removed_on,
        )
        if key not in merged:
            merged[key] = f
            continue
        kept = merged[key]
        kept.sources = _unique([*kept.sources, *f.sources])
        kept.entity_ids = _unique([*kept.entity_ids, *f.entity_ids])
        kept.names = _unique([*kept.names, *f.names])
        kept.citations = _unique([*kept.citations, *f.citations])
        known = {e["id"] for e in kept.events}
        kept.events += [e for e in f.events if e["id"] not in known]
    return list(merged.values())


def _sort_key(f: Finding) -> tuple:
    state = _STATE_ORDER.get(f.state, len(_STATE_ORDER))
    return (f.via is not None, state, -_SEVERITY[Effect(f.effect)], f.list, f.regime, f.listed_on or "")


# --- spans from events ---------------------------------------------------------------------------


def _party(e: Any) -> tuple[str, str]:
    """An (entity id, name) for a listing known only from events."""
    refs = [next(iter(p.items())) for p in e.parties if p]
    names = [v for k, v in refs if k == "name"]
    ids = [v for k, v in refs if k != "name"]
    entity = ids[0] if ids else f"event:{e.id}"
    return entity, (names[0] if names else entity)


def _event_spans(
    spans: list[ListingSpan], by_list: dict[str, list[Any]], notices: list[str]
) -> list[ListingSpan]:
    have = {s.listing.list_id for s in spans}
    out = []
    for list_id, evs in by_list.items():
        if list_id in have:
            continue
        starts = [e for e in evs if e.effect == "start" and e.kind not in _EFFECTIVE_KINDS]
        if not starts:
            notices.append(
                f"Legal events for the {LISTS.get(list_id, list_id)} ({', '.join(e.id for e in evs)}) "
                "but no listing of this party on it; they were not applied."
            )
            continue
        entity, name = _party(starts[0])
        # events name parties by id: the party's name is that of its other listings
        name = next((s.name for s in spans if s.name), name)
        listing = Listing(list_id=list_id, listed_on=starts[0].date, source_url=starts[0].source_url)
        out.append(ListingSpan(listing, "events", entity, name, None, None, starts[0].verification))
    return out


# --- the engine ----------------------------------------------------------------------------------


def evaluate(
    spans: list[ListingSpan],
    events: list[Any],
    activity: str,
    on: str | date,
    coverage: dict[str, str] | None = None,
    today: date | None = None,
    regimes: list[Regime] | None = None,
    via: str | None = None,
    purpose: str | None = None,
) -> Assessment:
    """May a US person do ``activity`` with the party of ``spans`` on ``on``, and why?

    ``coverage`` maps a source id to the date of its first snapshot: findings of that source on
    an earlier date are ``unknown`` (unless the entry publishes a listing date that covers the
    date), and a notice says the source cannot rule out a listing then. ``events`` are the
    :class:`redlist.curated.LegalEvent` s about this party. ``regimes`` defaults to the packaged
    ``regimes.yaml``. ``via="ownership"`` evaluates the listings under the regimes that reach
    the parties a listed party owns (OFAC's 50 percent rule, BIS's Affiliates Rule) instead of
    their own regimes. ``purpose`` (a :class:`~redlist.model.Purpose` value) is what the party's
    equipment is used for, read by listings limited to some purposes; without it they give
    ``review``. Raises :class:`StatusError` for an unknown activity or purpose or a bad date.
    """
    activity = parse_activity(activity)
    stated = parse_purpose(purpose)
    day = parse_date(on, "date")
    today = today or date.today()
    on_iso = day.isoformat()
    coverage = {
        src: parse_date(first, f"coverage date of {src}").isoformat()
        for src, first in (coverage or {}).items()
    }
    regimes = regimes if regimes is not None else packaged_regimes()
    notices = _date_notices(day, today, coverage)

    by_list: dict[str, list[Any]] = {}
    for e in sorted(events, key=lambda e: (e.date, _CHANGE_ORDER.get(e.effect, 4), e.id)):
        by_list.setdefault(e.list_id, []).append(e)
    spans = list(spans) + _event_spans(list(spans), by_list, notices)

    findings: list[Finding] = []
    unknown_restricts = False
    later: list[str] = []
    for span in spans:
        list_id = span.listing.list_id
        governing = regimes_for(span.listing, regimes, via=via)
        if not governing and via is not None:
            continue  # no ownership regime for this list: nothing reaches the owned party
        if not governing:
            notices.append(
                f"No regime data for list {list_id!r}; {span.name or span.entity_id}'s listing was not assessed."
            )
            continue
        removed_on = span.removed_on
        closed = removed_on is not None and any(
            other is not span
            and other.listing.list_id == list_id
            and (_span_start(other) or "") >= removed_on
            for other in spans
        )
        h = _walk(span, by_list.get(list_id, []), on_iso, closed)
        unknown_from = _coverage_gap(span, h, coverage, on_iso)
        if not h.listed and not unknown_from:
            later.append(
                f"{span.name or span.entity_id} is listed on the {LISTS.get(list_id, list_id)} only from {h.start} "
                f"(after {on_iso})."
            )
            continue
        for regime in governing:
            finding, would = _finding(span, regime, h, activity, on_iso, unknown_from, stated)
            if regime.is_fallback:
                notices.append(
                    f"{LISTS.get(list_id, list_id)}: program(s) {', '.join(span.listing.programs) or '(none given)'} "
                    "are not modelled in detail; reported as restricted, read the entry's remarks."
                )
            findings.append(finding)
            unknown_restricts |= would

    findings = sorted(_merge(findings), key=_sort_key)
    notices += _unique(later)
    verdict = _verdict(findings, unknown_restricts)
    if verdict == Verdict.UNKNOWN:
        notices.append(
            "The data does not cover this date for a listing that would restrict this activity; "
            "the answer is unknown rather than allowed."
        )
    elif unknown_restricts:
        notices.append(
            "A listing whose standing on this date is unknown might restrict this activity further."
        )
    if any(f.scope_status == "not_stated" and f.effect == Effect.REVIEW for f in findings):
        notices.append(
            "A listing covers this party's equipment only for some purposes and no purpose was given: "
            f"review the use, or ask again with the purpose ({', '.join(PURPOSES)})."
        )
    return Assessment(verdict, activity, on_iso, findings, _unique(notices), stated)


def _date_notices(day: date, today: date, coverage: dict[str, str]) -> list[str]:
    notices = []
    if day > today:
        notices.append(
            f"{day.isoformat()} is after today ({today.isoformat()}): the answer uses the latest data and "
            "the dates already scheduled; lists can change before then."
        )
    history = history_note(day.isoformat(), coverage)
    if history:
        notices.append(history)
    return notices


def _verdict(findings: list[Finding], unknown_restricts: bool) -> Verdict:
    in_force = [f for f in findings if f.state == State.IN_FORCE]
    worst = max((_SEVERITY[Effect(f.effect)] for f in in_force), default=0)
    if worst >= _SEVERITY[Effect.RESTRICTED]:
        return Verdict.PROHIBITED if worst == _SEVERITY[Effect.PROHIBITED] else Verdict.RESTRICTED
    if worst == _SEVERITY[Effect.REVIEW]:
        return Verdict.REVIEW
    return Verdict.UNKNOWN if unknown_restricts else Verdict.ALLOWED


def combine(base: Assessment, extra: list[Finding], notices: list[str]) -> Assessment:
    """``base`` with more findings (those reaching the party through its owners) and the verdict
    they make together."""
    findings = sorted(base.findings + list(extra), key=_sort_key)
    verdict = _verdict(findings, unknown_restricts=base.verdict == Verdict.UNKNOWN)
    if verdict == Verdict.REVIEW and any(f.via is not None and f.effect == Effect.REVIEW for f in findings):
        notices = [
            *notices,
            "An owner of this party is listed and its share is not known: review the ownership.",
        ]
    return Assessment(
        verdict, base.activity, base.on, findings, _unique([*base.notices, *notices]), base.purpose
    )
