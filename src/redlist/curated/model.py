"""What the curated data is, as the checker and the party resolution read it: plain dataclasses,
importable without the strict loader (:mod:`redlist.curated.loader`, pydantic and YAML), which
builds them from the YAML files. :func:`redlist.curated.compiled.packaged` gives the packaged data
(the loader's output, kept compiled between processes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from redlist import identifiers as ids
from redlist.model import Entity, EntityType, IdType, Listing, Name, NameType, Scope


@dataclass(frozen=True)
class Edition:
    """A dated tranche or edition of a list (e.g. DoD's 2021-01-14 CCMC tranche)."""

    id: str
    date: str
    citation: str
    source_url: str
    verification: str


@dataclass(frozen=True)
class CuratedRelation:
    """A party a curated entry relates to: ``entry`` <- the curated entry is ``relation`` of it."""

    entry: str  # an entry id (official or curated)
    relation: str  # owned_by | parent | subsidiary | affiliate | branch | linked_to
    share: float | None  # for owned_by, when published
    reason: str
    citation: str
    source_url: str


@dataclass(frozen=True)
class CuratedEntry:
    """One hand-reviewed list entry. Dates are ISO strings.

    ``relisted_on`` holds dates on which the entry was taken off and put back on the list the same
    day (DoD's Hesai delisting and re-listing on a new record). A removal followed by a re-listing
    on a later day is modelled as ``removal``/``relisting`` events in ``events.yaml`` instead.
    """

    list_id: str
    id: str
    entity_id: str
    name: str
    aliases: tuple[str, ...]
    type: str
    country: str | None
    listed_on: str
    removed_on: str | None
    edition: str | None
    identifiers: tuple[tuple[str, str], ...]  # (IdType value, value as published)
    citation: str
    source_url: str
    verification: str
    notes: str | None
    relisted_on: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()  # entry ids (official or curated) of the same party
    related: tuple[CuratedRelation, ...] = ()
    scope: Scope | None = None  # the listing covers the party's equipment only for these purposes

    def periods(self) -> list[tuple[str, str | None]]:
        """The listing periods as (start, end) pairs; end None while still listed."""
        starts = [self.listed_on, *self.relisted_on]
        ends: list[str | None] = [*self.relisted_on, self.removed_on]
        return list(zip(starts, ends, strict=True))


@dataclass(frozen=True)
class CuratedList:
    """One curated list file."""

    list_id: str
    title: str
    authority: str
    source_url: str
    editions: tuple[Edition, ...]
    entries: tuple[CuratedEntry, ...]
    path: Path
    scopes: tuple[Scope, ...] = ()


@dataclass(frozen=True)
class CaseRef:
    """The court case an event belongs to."""

    title: str
    docket: str | None
    court: str | None


@dataclass(frozen=True)
class LegalEvent:
    """A dated legal event acting on a listing (designation, injunction, vacatur, removal...)."""

    id: str
    date: str
    kind: str
    list_id: str
    parties: tuple[dict[str, str], ...]  # each exactly one of {"entry"|"entity_id": id}
    effect: str
    until: str | None
    case: CaseRef | None
    citation: str
    source_url: str
    verification: str
    summary: str


@dataclass(frozen=True)
class CuratedData:
    """Everything in one curated folder, loaded and checked once: lists, events, entries as entities."""

    lists: tuple[CuratedList, ...]
    events: tuple[LegalEvent, ...]
    entities: dict[str, Entity] = field(default_factory=dict)  # entity id -> entity
    verification: dict[str, str] = field(default_factory=dict)  # entity id -> verification level
    version: str = ""  # a digest of the folder's data files: names a receipt's curated data


def entry_entity(entry: CuratedEntry) -> Entity:
    """One curated entry as a :class:`redlist.model.Entity` of source ``curated``."""
    names = [Name(entry.name)] + [Name(a, NameType.AKA) for a in entry.aliases if a != entry.name]
    listings = [
        Listing(
            list_id=entry.list_id,
            source_id=entry.id,
            listed_on=start,
            ends_on=end,
            federal_register=[entry.citation],
            source_url=entry.source_url,
            remarks=f"verification: {entry.verification}",
            scope=entry.scope,
        )
        for start, end in entry.periods()
    ]
    return Entity(
        source="curated",
        key=entry.entity_id,
        entity_id=entry.entity_id,
        type=EntityType(entry.type),
        names=names,
        identifiers=[ids.make(IdType(kind), value) for kind, value in entry.identifiers],
        countries=[entry.country] if entry.country else [],
        listings=listings,
        remarks=entry.notes,
    )
