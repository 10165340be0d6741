"""Parties: list entries (official and curated) judged to be one legal person, and how they are linked.

An *entry* is one list entry as redlist knows it: an official entry (``ofac-30946``, the same OFAC
entity number whether read from OFAC's own file or the CSL's copy; ``bis-el-...`` for an Entity
List row), a curated entry (``us_dod_1260h:...``) or an unlisted party named in an ownership
judgement (``unlisted:...``). A :class:`Party` is a cluster of entries that are the same legal
person; every link that joined them is kept with its evidence and reason. *Related* links
(ownership, parent, subsidiary, "Linked To") join two different parties and never merge them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: How two entries are linked: the same legal person, related, or judged not the same.
Judgement = Literal["same", "related", "not_same"]
#: For a related link ``a -> b``, "a is <relation> of b": owned_by (a is owned by b), parent (a is
#: b's parent), subsidiary, affiliate, branch (a is a branch of b), linked_to.
RELATIONS = ("owned_by", "parent", "subsidiary", "affiliate", "branch", "linked_to")
#: Kinds of evidence, strongest first: the order in which links are applied.
EVIDENCE = ("user", "judgement", "source_key", "curated", "identifier", "name", "published")


@dataclass(frozen=True)
class Link:
    """One link between two entries, with why it exists."""

    a: str
    b: str
    kind: Judgement
    evidence: str  # one of EVIDENCE
    reason: str
    relation: str | None = None  # for related links: a <relation> b
    share: float | None = None  # for owned_by: the share of a that b holds (0..1), when known
    citation: str | None = None
    source_url: str | None = None
    source: str | None = None  # for published links: the publication that states it

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Member:
    """One entry of a party: where it is published and on which lists."""

    entry_id: str
    name: str
    sources: list[str]  # the publications that carry it ("curated" for curated entries)
    lists: list[str]
    current: bool  # published today (official) or still listed (curated)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Related:
    """A link from this party to another one (never merged into this party's verdict)."""

    party_id: str
    name: str
    relation: str  # from this party's side: owned_by, owns, parent, subsidiary, affiliate, branch, linked_to
    evidence: str
    reason: str
    share: float | None = None
    citation: str | None = None
    source_url: str | None = None
    source: str | None = None  # for published links: the publication that states it

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Party:
    """One legal person across every list that names it."""

    id: str  # the id of its anchor entry (its most authoritative one)
    name: str  # the canonical name
    type: str
    names: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # the "same" evidence that joined the members
    related: list[Related] = field(default_factory=list)

    @property
    def entry_ids(self) -> list[str]:
        return [m.entry_id for m in self.members]

    @property
    def lists(self) -> list[str]:
        return sorted({lst for m in self.members for lst in m.lists})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "names": list(self.names),
            "countries": list(self.countries),
            "identifiers": [{"type": t, "value": v} for t, v in self.identifiers],
            "lists": self.lists,
            "entries": [m.to_dict() for m in self.members],
            "links": [link.to_dict() for link in self.links],
            "related": [r.to_dict() for r in self.related],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Party:
        return cls(
            id=d["id"],
            name=d["name"],
            type=d["type"],
            names=list(d.get("names", [])),
            countries=list(d.get("countries", [])),
            identifiers=[(i["type"], i["value"]) for i in d.get("identifiers", [])],
            members=[Member(**m) for m in d.get("entries", [])],
            links=[Link(**link) for link in d.get("links", [])],
            related=[Related(**r) for r in d.get("related", [])],
        )
