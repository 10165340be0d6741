"""Resolution: every entry (official, curated, unlisted) into parties, with the evidence of each link.

Run once per data generation (after an update), not per query: :func:`resolve` gathers the
entries, applies the evidence strongest first (:mod:`redlist.parties.evidence`) with a
union-find, refuses any union a ``not_same`` judgement forbids, and builds the parties and their
related links. The result, a :class:`PartyGraph`, is stored with the data (:mod:`.storage`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from redlist.curated.model import CuratedData
from redlist.model import Entity, EntityType
from redlist.parties.evidence import (
    EntryInfo,
    affiliate_links,
    countries,
    curated_links,
    identifier_links,
    name_links,
    own_name,
    published_relations,
    source_key_notes,
)
from redlist.parties.graph import PartyGraph
from redlist.parties.judgements import load_all
from redlist.parties.model import EVIDENCE, Link, Member, Party, Related
from redlist.sources import precedence
from redlist.store.current import merge
from redlist.util import gc_paused

if TYPE_CHECKING:
    from redlist.store import Store

__all__ = ["PartyGraph", "official_entries", "resolve"]

#: Anchor preference among official lists (the most authoritative entry names the party).
_LIST_ORDER = (
    "us_ofac_sdn",
    "us_ofac_cons",
    "us_bis_el",
    "us_bis_dpl",
    "us_bis_meu",
    "us_bis_uvl",
    "us_state_dtc",
    "us_state_isn",
    "us_dod_1260h",
    "us_dod_ccmc",
    "us_fcc_covered",
    "us_ndaa_889",
    "us_dhs_uflpa",
)
#: What an owned_by / parent link means seen from the other side.
_REVERSE = {
    "owned_by": "owns",
    "parent": "subsidiary",
    "subsidiary": "parent",
    "branch": "has_branch",
    "affiliate": "has_affiliate",
}


# --- the entries -------------------------------------------------------------------------------------


def official_entries(store: Store) -> tuple[dict[str, EntryInfo], dict[str, list[str]]]:
    """Every official entry ever stored: its newest record (merged across publications), and every
    spelling of its primary name the publications use (OFAC writes capitals, the CSL does not)."""
    records: dict[str, list[Entity]] = defaultdict(list)
    current: set[str] = set()
    seen_sources: dict[str, set[str]] = defaultdict(set)
    with gc_paused():
        for source in sorted({s.source for s in store.snapshots()}):
            latest = store.latest(source)
            if latest is None:
                continue
            for entity in store.entities(latest.id or 0):
                records[entity.entity_id].append(entity)
                current.add(entity.entity_id)
                seen_sources[entity.entity_id].add(source)
        removed = {ev.entity_id for ev in store.events(change="removed")} - current
        for entity_id in sorted(removed):
            last: dict[str, Entity] = {}
            for snap, entity in store.records_of(entity_id):
                last[snap.source] = entity  # oldest first: the last one wins
                seen_sources[entity_id].add(snap.source)
            records[entity_id] = list(last.values())
    out = {}
    spellings: dict[str, list[str]] = {}
    for entity_id, recs in records.items():
        spellings[entity_id] = [r.name for r in recs]
        entity = merge(recs)
        out[entity_id] = EntryInfo(
            entity=entity,
            sources=sorted(seen_sources[entity_id]),
            lists=entity.list_ids,
            current=entity_id in current,
            kind="official",
        )
    return out, spellings


def curated_entries(curated: CuratedData, today: date) -> dict[str, EntryInfo]:
    out = {}
    day = today.isoformat()
    for entry in (e for lst in curated.lists for e in lst.entries):
        entity = curated.entities[entry.entity_id]
        listed = any(not x.ends_on or x.ends_on > day for x in entity.listings)
        out[entry.entity_id] = EntryInfo(
            entity=entity,
            sources=["curated"],
            lists=entity.list_ids,
            current=listed,
            kind="curated",
            same_as=list(entry.same_as),
        )
    return out


# --- resolution --------------------------------------------------------------------------------------


class _Clusters:
    """Union-find over entry ids that refuses unions a not_same judgement forbids, and (but for
    reviewed judgements) unions of two entries a publisher lists as distinct parties."""

    def __init__(
        self, ids: Iterable[str], forbidden: Iterable[tuple[str, str]], distinct: dict[str, set[str]]
    ) -> None:
        self.parent = {i: i for i in ids}
        self.members: dict[str, set[str]] = {i: {i} for i in self.parent}
        self.distinct = {i: set(distinct.get(i, ())) for i in self.parent}  # per root: lists numbered apart
        self.forbidden: dict[str, set[str]] = defaultdict(set)
        for a, b in forbidden:
            self.forbidden[a].add(b)
            self.forbidden[b].add(a)

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str, *, reviewed: bool = False) -> str:
        """``joined``, ``already`` (one cluster before), ``refused`` (a not-same judgement) or
        ``distinct`` (each holds an entry of a list whose publisher numbers parties apart)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return "already"
        small, large = sorted((ra, rb), key=lambda r: len(self.members[r]))
        if any(self.forbidden[m] & self.members[large] for m in self.members[small]):
            return "refused"
        if not reviewed and self.distinct[small] & self.distinct[large]:
            return "distinct"
        self.parent[small] = large
        self.members[large] |= self.members.pop(small)
        self.distinct[large] |= self.distinct.pop(small)
        return "joined"


def resolve(
    store: Store | None, curated: CuratedData, home: Path | None, today: date | None = None
) -> PartyGraph:
    """The party graph of everything the store and the curated data hold (see the module docstring).

    ``home`` is where the user's own judgements live (None: the bundled ones only).
    """
    today = today or date.today()
    entries, spellings = official_entries(store) if store is not None else ({}, {})
    entries.update(curated_entries(curated, today))
    judged, unlisted, notes = load_all(home)
    for entity in unlisted:
        entries.setdefault(entity.entity_id, EntryInfo(entity, ["unlisted"], [], True, "unlisted"))

    links = [*judged, *curated_links(curated)]
    dangling = [link for link in links if link.a not in entries or link.b not in entries]
    notes += [
        f"{link.evidence} link {link.a} -> {link.b}: no such entry in the data loaded" for link in dangling
    ]
    links = [link for link in links if link not in dangling]
    links += identifier_links(entries)
    links += name_links(entries)
    links += published_relations(entries)
    links += affiliate_links(entries)
    links.sort(key=lambda link: EVIDENCE.index(link.evidence))

    forbidden = [(link.a, link.b) for link in links if link.kind == "not_same"]
    distinct = {
        entry_id: {lst for lst in info.lists if precedence.distinct(lst)}
        for entry_id, info in entries.items()
        if info.kind == "official"
    }
    clusters = _Clusters(entries, forbidden, distinct)
    applied: list[Link] = []
    for link in links:
        if link.kind != "same":
            continue
        outcome = clusters.union(link.a, link.b, reviewed=link.evidence in ("user", "judgement"))
        if outcome == "joined" or (
            outcome == "already" and link.evidence in ("user", "judgement", "curated")
        ):
            applied.append(link)  # reviewed links are shown even when other evidence joined first
        elif outcome == "refused":
            notes.append(
                f"not joined ({link.evidence}: {link.reason}): a not-same judgement keeps them apart"
            )
    applied += source_key_notes(entries)

    groups: dict[str, list[str]] = defaultdict(list)
    for entry_id in entries:
        groups[clusters.find(entry_id)].append(entry_id)
    parties: dict[str, Party] = {}
    of_entry: dict[str, str] = {}
    for ids in groups.values():
        party = _party(sorted(ids, key=lambda i: _anchor_key(entries[i], i)), entries, spellings)
        parties[party.id] = party
        for entry_id in ids:
            of_entry[entry_id] = party.id
    for link in applied:
        parties[of_entry[link.a]].links.append(link)
    for link in links:
        if link.kind == "not_same" and link.a in of_entry:
            parties[of_entry[link.a]].links.append(link)
            if link.b in of_entry and of_entry[link.b] != of_entry[link.a]:
                parties[of_entry[link.b]].links.append(link)
    _relate(links, parties, of_entry)
    unlisted_entities = {e.entity_id: e for e in unlisted}
    return PartyGraph(parties, of_entry, notes, unlisted_entities)


def _anchor_key(info: EntryInfo, entry_id: str) -> tuple:
    """Sort key: official entries from a primary source first, by list and id; then curated, unlisted."""
    kind = {"official": 0, "curated": 1, "unlisted": 2}[info.kind]
    primary = 0 if any(precedence.rank(s) == 0 for s in info.sources) else 1
    order = min((_LIST_ORDER.index(x) for x in info.lists if x in _LIST_ORDER), default=len(_LIST_ORDER))
    number = re.match(r"ofac-(\d+)$", entry_id)
    return (kind, primary, order, int(number[1]) if number else 0, entry_id)


def _party(ids: list[str], entries: dict[str, EntryInfo], spellings: dict[str, list[str]]) -> Party:
    anchor = entries[ids[0]].entity
    names: list[str] = []
    codes: list[str] = []
    identifiers: list[tuple[str, str]] = []
    members = []
    for entry_id in ids:
        info = entries[entry_id]
        for name in info.entity.names:
            if name.value not in names:
                names.append(name.value)
        for code in sorted(countries(info.entity)):
            if code not in codes:
                codes.append(code)
        for ident in info.entity.identifiers:
            pair = (str(ident.type), ident.value)
            if pair not in identifiers:
                identifiers.append(pair)
        members.append(Member(entry_id, info.entity.name, list(info.sources), list(info.lists), info.current))
    return Party(
        id=ids[0],
        name=own_name(
            _canonical_name(anchor.name, [s for i in ids for s in spellings.get(i, [entries[i].entity.name])])
        ),
        type=str(_party_type([entries[i].entity for i in ids])),
        names=names,
        countries=codes,
        identifiers=identifiers,
        members=members,
    )


def _canonical_name(name: str, spellings: list[str]) -> str:
    """The anchor's name, in mixed case when a publication spells it so (OFAC writes capitals)."""
    if name.isupper():
        for other in spellings:
            if other.casefold() == name.casefold() and not other.isupper():
                return other
    return name


def _party_type(entities: list[Entity]) -> EntityType:
    known = [e.type for e in entities if e.type != EntityType.UNKNOWN]
    return known[0] if known else EntityType.UNKNOWN


def _relate(links: list[Link], parties: dict[str, Party], of_entry: dict[str, str]) -> None:
    for link in links:
        if link.kind != "related" or link.relation is None:
            continue
        a, b = of_entry.get(link.a), of_entry.get(link.b)
        if a is None or b is None or a == b:
            continue
        for here, there, relation in (
            (a, b, link.relation),
            (b, a, _REVERSE.get(link.relation, link.relation)),
        ):
            parties[here].related.append(
                Related(
                    there,
                    parties[there].name,
                    relation,
                    link.evidence,
                    link.reason,
                    share=link.share,
                    citation=link.citation,
                    source_url=link.source_url,
                    source=link.source,
                )
            )
