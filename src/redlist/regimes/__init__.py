"""Regimes as data and the status engine: may a US person do X with this party on this date, and why.

- :mod:`redlist.regimes.rules` loads ``data/regimes.yaml``: for every list (and program within a
  list) the activities it restricts, how, for whom and from when, as date rules.
- :mod:`redlist.regimes.status` turns a party's listing history (:class:`ListingSpan`) and the
  legal events about it (injunctions, vacaturs, removals...) into an :class:`Assessment`.
"""

from redlist.regimes.rules import (
    ACTIVITIES,
    DateRule,
    Regime,
    RegimeEnd,
    RegimeError,
    Rule,
    check_regimes,
    load_regimes,
    regimes_for,
)
from redlist.regimes.status import Assessment, Finding, ListingSpan, StatusError, evaluate

__all__ = [
    "ACTIVITIES",
    "Assessment",
    "DateRule",
    "Finding",
    "ListingSpan",
    "Regime",
    "RegimeEnd",
    "RegimeError",
    "Rule",
    "StatusError",
    "check_regimes",
    "evaluate",
    "load_regimes",
    "regimes_for",
]
