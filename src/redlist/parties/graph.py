"""The party graph of a data generation: every party, and which party each entry belongs to.

Built by :func:`redlist.parties.resolve.resolve`, kept in the store (:mod:`redlist.parties.storage`)
and read back from it (:mod:`redlist.parties.stored`); declared here, apart from the resolution,
so that reading a stored graph imports neither the resolution nor what it reads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from redlist.model import Entity
from redlist.parties.evidence import countries
from redlist.parties.model import Member, Party


@dataclass
class PartyGraph:
    """Every party, and which party each entry belongs to."""

    parties: dict[str, Party]
    of_entry: dict[str, str]  # entry id -> party id
    notes: list[str] = field(default_factory=list)  # bundled judgements replaced by the user's
    entities: dict[str, Entity] = field(default_factory=dict)  # unlisted parties, for the index

    def party_of(self, entry_id: str) -> Party | None:
        """The party an entry (or a party id) belongs to."""
        party_id = self.of_entry.get(entry_id)
        return self.parties.get(party_id) if party_id else None

    def add_alone(self, entity: Entity) -> Party:
        """A party of one entry the graph was not resolved with (an index built from other entities)."""
        party = Party(
            id=entity.entity_id,
            name=entity.name,
            type=str(entity.type),
            names=[n.value for n in entity.names],
            countries=sorted(countries(entity)),
            members=[Member(entity.entity_id, entity.name, [entity.source], entity.list_ids, True)],
        )
        self.parties[party.id] = party
        self.of_entry[entity.entity_id] = party.id
        return party

    def stats(self) -> dict[str, object]:
        """How many parties and entries, and how many links of each kind of evidence."""
        by_evidence: dict[str, int] = defaultdict(int)
        for party in self.parties.values():
            for link in party.links:
                by_evidence[link.evidence] += 1
        related = sum(len(p.related) for p in self.parties.values()) // 2
        multi = sum(1 for p in self.parties.values() if len(p.members) > 1)
        return {
            "parties": len(self.parties),
            "entries": len(self.of_entry),
            "parties_with_several_entries": multi,
            "links": dict(sorted(by_evidence.items())),
            "related_links": related,
        }
