"""What the loaded data can answer: the lists an activity depends on, which of them no loaded
publication covers, how far back each source's history goes, and how fresh it is.

A verdict of ``allowed`` is only as good as the lists behind it: with no OFAC data loaded, "no
entry matches" says nothing about the SDN list. :func:`missing_lists` names the lists whose
regimes restrict an activity and that no loaded source (primary or copy, see
``sources/data/precedence.yaml``) publishes; the checker then answers ``unknown`` instead of
``allowed``. :func:`history_note` is the one line saying where the loaded history begins, and
:func:`stale_sources` the sources whose newest snapshot is older than their publication rhythm
allows for the asked date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from redlist.model import LISTS, Effect
from redlist.regimes.compiled import regimes as packaged_regimes
from redlist.regimes.model import Regime
from redlist.sources import SOURCES, precedence


@dataclass(frozen=True, slots=True)
class MissingList:
    """A list an activity depends on that no loaded publication covers."""

    list_id: str
    title: str
    sources: tuple[str, ...]  # the sources that would cover it, the primary first

    def to_dict(self) -> dict[str, object]:
        return {"list": self.list_id, "title": self.title, "sources": list(self.sources)}


@dataclass(frozen=True, slots=True)
class Stale:
    """A source whose newest snapshot is older than its limit on the asked date."""

    source: str
    as_of: str
    age_days: int
    limit_days: int

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "as_of": self.as_of,
            "age_days": self.age_days,
            "limit_days": self.limit_days,
        }


_RESTRICTING = {Effect.PROHIBITED.value, Effect.RESTRICTED.value, Effect.REVIEW.value}


def restricting_lists(activity: str, regimes: Iterable[Regime] | None = None) -> list[str]:
    """The lists with a regime whose rules restrict ``activity`` (own listings, not ownership)."""
    regimes = packaged_regimes() if regimes is None else regimes
    found = {
        r.list_id
        for r in regimes
        if r.via is None
        and any(rule.activity == activity and rule.effect in _RESTRICTING for rule in r.rules)
    }
    return [list_id for list_id in LISTS if list_id in found]


def publishers(list_id: str) -> tuple[str, ...]:
    """The sources that publish a list, the primary first (``curated``: the bundled entries)."""
    primary = precedence.primary(list_id)
    copies = precedence.copies(list_id)
    return tuple(dict.fromkeys([*([primary] if primary else []), *copies]))


def missing_lists(
    activity: str,
    loaded: Iterable[str],
    curated_lists: Iterable[str],
    regimes: Iterable[Regime] | None = None,
) -> list[MissingList]:
    """The lists restricting ``activity`` that none of the ``loaded`` sources publishes.

    ``curated_lists`` are the lists the bundled curated data holds entries of: those are always
    there, so a list published only as curated data (s.1237, s.889) is never missing.
    """
    have = set(loaded) | ({precedence.CURATED} if curated_lists else set())
    curated = set(curated_lists)
    out = []
    for list_id in restricting_lists(activity, regimes):
        if list_id in curated:
            continue
        wanted = tuple(s for s in publishers(list_id) if s != precedence.CURATED)
        if not any(s in have for s in wanted):
            out.append(MissingList(list_id, LISTS.get(list_id, list_id), wanted))
    return out


def missing_note(missing: list[MissingList], settled: bool = False) -> str:
    """One line naming the missing lists and how to load them (``settled``: the loaded data
    already restricts, so the missing lists could only add to it)."""
    parts = [f"{m.title} ({' or '.join(m.sources) or 'no source redlist reads'})" for m in missing]
    loadable = sorted({m.sources[0] for m in missing if m.sources})
    how = (
        f"; load them with `redlist update {' '.join(loadable)}` (or --from a saved file)" if loadable else ""
    )
    if settled:
        return f"Not loaded: {'; '.join(parts)}{how}. They could only add to this answer."
    return (
        f"Not loaded: {'; '.join(parts)}{how}. Without them no clearance can be given for this "
        "activity: the answer is unknown, not allowed."
    )


def history_note(day: str, first: Mapping[str, str]) -> str | None:
    """One line naming the sources whose stored history begins after ``day``, or None."""
    later = sorted((since, src) for src, since in first.items() if since > day)
    if not later:
        return None
    spans = ", ".join(f"{src} from {since}" for since, src in later)
    return (
        f"History here starts after {day} for {spans}: a listing added and removed before then would not be "
        "seen (listings still published with their own dates are)."
    )


def stale_sources(
    day: str, latest: Mapping[str, str], limits: Mapping[str, int] | None = None
) -> list[Stale]:
    """The sources whose newest snapshot (``latest``: source -> as-of) is older on ``day`` than
    their limit (``limits``, else each source's own ``stale_after_days``)."""
    asked = date.fromisoformat(day)
    out = []
    for source, as_of in sorted(latest.items()):
        spec = SOURCES.get(source)
        limit = (limits or {}).get(source, spec.stale_after_days if spec else 30)
        age = (asked - date.fromisoformat(as_of)).days
        if age > limit:
            out.append(Stale(source, as_of, age, limit))
    return out


def stale_note(stale: list[Stale]) -> str:
    """One line naming the stale sources with their snapshot dates."""
    parts = ", ".join(
        f"{s.source} as of {s.as_of} ({s.age_days} days old; limit {s.limit_days})" for s in stale
    )
    return f"Data may be out of date for this date: {parts}. Refresh with `redlist update`."
