"""Regimes as data and the status engine: may a US person do X with this party on this date, and why.

- :mod:`redlist.regimes.rules` loads ``data/regimes.yaml``: for every list (and program within a
  list) the activities it restricts, how, for whom and from when, as date rules (declared in
  :mod:`redlist.regimes.model`; :mod:`redlist.regimes.compiled` keeps the loaded file between
  processes).
- :mod:`redlist.regimes.status` turns a party's listing history (:class:`ListingSpan`) and the
  legal events about it (injunctions, vacaturs, removals...) into an :class:`Assessment`.

The names below are imported on first use: the loader imports pydantic and YAML, which a status
question reading the compiled regimes does without.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redlist.regimes.dates import DateRule
    from redlist.regimes.model import ACTIVITIES, Regime, RegimeEnd, Rule, regimes_for
    from redlist.regimes.rules import RegimeError, check_regimes, load_regimes
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

_HOME = {
    **dict.fromkeys(("ACTIVITIES", "DateRule", "Regime", "RegimeEnd", "Rule", "regimes_for"), "model"),
    **dict.fromkeys(("RegimeError", "check_regimes", "load_regimes"), "rules"),
    **dict.fromkeys(("Assessment", "Finding", "ListingSpan", "StatusError", "evaluate"), "status"),
}


def __getattr__(name: str) -> Any:
    """The exported names, each from its module when first asked for."""
    if _HOME.get(name) == "model":
        from redlist.regimes import model

        return getattr(model, name)
    if _HOME.get(name) == "rules":
        from redlist.regimes import rules

        return getattr(rules, name)
    if _HOME.get(name) == "status":
        from redlist.regimes import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
