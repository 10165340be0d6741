"""Snapshot diffs -> dated change events.

Two consecutive publications of a source are compared record by record (by the publication's
own record key): a key only in the later one is ``added``, only in the earlier one ``removed``,
in both with different content ``amended`` (with the fields that changed). Events carry the
later publication's as-of date.

Parts a publication did not carry (``Entity.unpublished``, e.g. aliases when only sdn.csv was
loaded) are left out of the comparison: data that was not published has not changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from redlist.model import Change, ChangeEvent, NameType

#: Which record fields each kind of unpublished part covers.
_UNPUBLISHED_FIELDS: dict[str, tuple[str, ...]] = {
    "aliases": (),  # names are compared without the alias types (see _names)
    "addresses": ("addresses", "countries"),
    "comments": ("remarks",),
}
_ALIAS_TYPES = {NameType.AKA.value, NameType.FKA.value, NameType.NKA.value}

BodyLoader = Callable[[Iterable[str]], Mapping[str, dict[str, Any]]]


def diff(
    *,
    source: str,
    date: str,
    previous_date: str,
    old: Mapping[str, str],
    new: Mapping[str, str],
    bodies: BodyLoader,
) -> list[ChangeEvent]:
    """Events between two snapshots given as ``{record key: content hash}`` maps.

    ``bodies`` loads record dicts by hash; only records that differ are loaded.
    """
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    changed = [k for k in new if k in old and old[k] != new[k]]
    needed = {new[k] for k in added} | {old[k] for k in removed}
    needed |= {new[k] for k in changed} | {old[k] for k in changed}
    loaded = bodies(needed)

    events: list[ChangeEvent] = []
    for key in added:
        events.append(_event(Change.ADDED, loaded[new[key]], key, source, date, previous_date))
    for key in removed:
        events.append(_event(Change.REMOVED, loaded[old[key]], key, source, date, previous_date))
    for key in changed:
        before, after = loaded[old[key]], loaded[new[key]]
        fields = changed_fields(before, after)
        if fields:
            events.append(_event(Change.AMENDED, after, key, source, date, previous_date, fields))
    events.sort(key=lambda e: (e.change.value, _sort_key(e.source_id)))
    return events


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Top-level fields that differ (``listings.<field>`` for listing details), ignoring parts
    either side did not publish."""
    hidden = set(before.get("unpublished", [])) | set(after.get("unpublished", []))
    skip = {"unpublished"}
    for part in hidden:
        skip.update(_UNPUBLISHED_FIELDS.get(part, ()))
    fields: list[str] = []
    for name in sorted(set(before) | set(after)):
        if name in skip:
            continue
        a, b = before.get(name), after.get(name)
        if name == "names" and "aliases" in hidden:
            a, b = _names(a), _names(b)
        if a == b:
            continue
        if name == "listings":
            fields.extend(_listing_fields(a or [], b or []))
        else:
            fields.append(name)
    return fields


def _names(names: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [n for n in names or [] if n.get("type", "primary") not in _ALIAS_TYPES]


def _listing_fields(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    if len(before) != len(after):
        return ["listings"]
    out: set[str] = set()
    for a, b in zip(before, after, strict=True):
        for key in set(a) | set(b):
            if a.get(key) != b.get(key):
                out.add(f"listings.{key}")
    return sorted(out)


def _event(
    change: Change,
    body: dict[str, Any],
    key: str,
    source: str,
    date: str,
    previous_date: str,
    fields: list[str] | None = None,
) -> ChangeEvent:
    listings = body.get("listings") or [{}]
    return ChangeEvent(
        date=date,
        source=source,
        list=listings[0].get("list_id", source),
        source_id=key,
        entity_id=body["entity_id"],
        change=change,
        name=_primary_name(body),
        fields=fields or [],
        previous_date=previous_date,
    )


def _primary_name(body: dict[str, Any]) -> str:
    names = body.get("names") or []
    for n in names:
        if n.get("type", "primary") == "primary":
            return n["value"]
    return names[0]["value"] if names else ""


def _sort_key(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


def summarize(events: Iterable[ChangeEvent]) -> dict[str, int]:
    """Counts per change kind."""
    counts = {c.value: 0 for c in Change}
    for e in events:
        counts[e.change.value] += 1
    return counts
