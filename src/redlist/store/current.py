"""The current state of every list: the latest snapshot of each source, merged per entry.

A CSL row copied from an OFAC list has the OFAC record's entity id; such records are merged into
one entity so that an entry is never counted twice. The record of the most authoritative source
leads (the agency's own publication before the CSL copy, per ``sources/data/precedence.yaml``);
the others add the listings, names and identifiers it lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from redlist.model import SOURCE_IDS, Entity
from redlist.sources import precedence
from redlist.util import gc_paused

if TYPE_CHECKING:
    from redlist.store.db import Store


def current_entities(store: Store, sources: Iterable[str] = SOURCE_IDS) -> list[Entity]:
    """Merged entities from the latest snapshot of each source, ordered by entity id."""
    groups: dict[str, list[Entity]] = {}
    with gc_paused():  # tens of thousands of small records: GC passes would double the load
        for source in sources:
            snapshot = store.latest(source)
            if snapshot is None:
                continue
            for entity in store.entities(snapshot.id or 0):
                groups.setdefault(entity.entity_id, []).append(entity)
        return [merge(records) for _, records in sorted(groups.items())]


def merge(records: list[Entity]) -> Entity:
    """One entity from records of several sources describing the same entry."""
    records = sorted(records, key=lambda e: (precedence.rank(e.source), e.source))
    if len(records) == 1:
        return records[0]
    first = records[0]
    # a copy with its own lists (the items themselves are not changed): callers may keep the originals
    lead = replace(
        first,
        names=list(first.names),
        identifiers=list(first.identifiers),
        countries=list(first.countries),
        listings=list(first.listings),
    )
    names = {n.value.casefold() for n in lead.names}
    ids = {(i.type, i.value) for i in lead.identifiers}
    lists = {lst.list_id for lst in lead.listings}
    for other in records[1:]:
        for listing in other.listings:
            if listing.list_id not in lists:
                lead.listings.append(listing)
                lists.add(listing.list_id)
        for name in other.names:
            if name.value.casefold() not in names:
                lead.names.append(name)
                names.add(name.value.casefold())
        for ident in other.identifiers:
            if (ident.type, ident.value) not in ids:
                lead.identifiers.append(ident)
                ids.add((ident.type, ident.value))
        for code in other.countries:
            if code not in lead.countries:
                lead.countries.append(code)
    return lead
