"""What a regime is, as the status engine reads it: :class:`Regime` and its :class:`Rule` s, plain
dataclasses importable without the strict loader (:mod:`redlist.regimes.rules`, pydantic and YAML).

The packaged regimes come from :func:`redlist.regimes.compiled.regimes` (the strict loader's output,
kept compiled between processes); :func:`regimes_for` picks those that govern a listing.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from redlist.model import Activity, Listing
from redlist.regimes.dates import DateRule

#: What a US person may ask about.
ACTIVITIES: tuple[str, ...] = tuple(a.value for a in Activity)
ACTIVITY_TEXT = {
    "invest": "buy publicly traded securities",
    "divest": "sell publicly traded securities",
    "transact": "deal with the party in any way",
    "export": "export, reexport or transfer items subject to the EAR",
    "import": "import goods into the United States",
    "procure": "federal or DoD procurement and contracting",
    "telecom": "FCC equipment authorization and FCC-administered subsidies",
}
#: Dates of a :class:`~redlist.model.Listing` that date rules may read.
LISTING_DATE_FIELDS = ("listed_on", "effective_on", "divestment_on", "ends_on")
#: Listing fields a rule's ``details`` templates may quote.
TEMPLATE_FIELDS = (
    "license_requirement",
    "license_policy",
    "standard_order",
    "remarks",
    "listed_on",
    "effective_on",
    "divestment_on",
    "ends_on",
)


@dataclass(frozen=True)
class BeyondScope:
    """Why a rule applies to a purpose-limited listing whatever the stated purpose."""

    text: str
    citation: str
    source_url: str
    verification: str


@dataclass(frozen=True)
class Rule:
    """What a regime does to one activity, from ``start`` (None: from listing) until ``until``.

    A listing with a :class:`~redlist.model.Scope` (equipment covered only for some purposes)
    limits the rule to those purposes, unless ``beyond_scope`` says why it reaches the equipment
    whatever its use.
    """

    activity: str
    effect: str
    text: str
    citation: str
    source_url: str
    verification: str
    start: DateRule | None = None
    until: DateRule | None = None
    details: tuple[str, ...] = ()  # templates quoting listing fields, kept when the field is set
    beyond_scope: BeyondScope | None = None

    def render(self, listing: Listing) -> str:
        """The rule text with the listing's own wording appended (e.g. the EL licence requirement)."""
        parts = [self.text]
        for template in self.details:
            names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
            values = {n: getattr(listing, n, None) for n in names}
            if all(v not in (None, "") for v in values.values()):
                parts.append(template.format_map(values))
        return " ".join(parts)


@dataclass(frozen=True)
class RegimeEnd:
    """The end of a whole regime (e.g. EO 13959's DoD-list securities ban, replaced by EO 14032)."""

    date: DateRule
    reason: str
    citation: str
    source_url: str
    verification: str


@dataclass(frozen=True)
class Regime:
    """What one list, or one program within a list, restricts."""

    id: str
    list_id: str
    programs: tuple[str, ...]  # empty: the whole list; ("*",): programs no other regime claims
    title: str
    authority: str
    citation: str
    source_url: str
    who: str
    verification: str
    rules: tuple[Rule, ...]
    dates: tuple[tuple[str, DateRule], ...] = ()
    ends: RegimeEnd | None = None
    ends_on: str = "expired"  # what the listing's ends_on means: expired | removed
    notes: str | None = None
    via: str | None = None  # "ownership": applies to parties owned by a listed party, not to the listing
    min_share: float | None = None

    @property
    def is_fallback(self) -> bool:
        return self.programs == ("*",)

    def claims(self, program: str) -> bool:
        """Whether ``program`` (as published, e.g. "FSE-SY") belongs to this regime."""
        for pattern in self.programs:
            if pattern == "*":
                continue
            if pattern.endswith("*"):
                if program.upper().startswith(pattern[:-1].upper()):
                    return True
            elif program.upper() == pattern.upper():
                return True
        return False

    def rules_for(self, activity: str) -> list[Rule]:
        return [r for r in self.rules if r.activity == activity]

    def resolve_dates(self, base: Mapping[str, str | None]) -> dict[str, str | None]:
        """``base`` (listing dates) with the regime's named dates computed in order."""
        out = dict(base)
        for name, rule in self.dates:
            out[name] = rule.resolve(out)
        return out


def regimes_for(listing: Listing, regimes: Iterable[Regime], via: str | None = None) -> list[Regime]:
    """The regimes that govern ``listing``: whole-list regimes and those claiming one of its programs.

    The list's fallback regime (``programs: ["*"]``) applies only when no other regime matched, so
    a program this data does not model is still reported rather than silently ignored. With
    ``via="ownership"``, the regimes that reach the parties the listed party owns instead.
    """
    own = [r for r in regimes if r.list_id == listing.list_id and r.via == via]
    matched = [r for r in own if not r.programs]
    matched += [r for r in own if r.programs and not r.is_fallback and any(map(r.claims, listing.programs))]
    if not matched:
        matched = [r for r in own if r.is_fallback]
    return matched
