"""The schema of the curated data files (list files and ``events.yaml``), checked by :mod:`redlist.datafile`.

What a schema cannot say (an entry's edition must exist, references to entries, duplicate ids,
the order of dates) is checked by :mod:`redlist.curated.loader`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, Field, field_validator

from redlist import identifiers as ids
from redlist.datafile import AnyDay, Country, PastDay, Schema, Slug, Text, Url, Verification
from redlist.model import IdType

PARTY_KEYS = ("entry", "entity_id")

EventKind = Literal[
    "designation",
    "effective",
    "injunction",
    "injunction_dissolved",
    "vacatur",
    "settlement",
    "removal",
    "relisting",
    "denial_order",
    "denial_suspended",
    "denial_lifted",
    "rule",
    "dismissal",
    "amendment",
    "statute",
]
Effect = Literal["start", "suspend", "resume", "end", "none"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
EFFECTS: tuple[str, ...] = get_args(Effect)
EntityKind = Literal["person", "organization", "vessel", "aircraft", "security"]


class EditionSpec(Schema):
    id: Slug
    date: PastDay
    citation: Text
    source_url: Url
    verification: Verification


class IdentifierSpec(Schema):
    type: str
    value: Text

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in {t.value for t in IdType}:
            raise ValueError(f"unknown identifier type {value!r}")
        return value

    @field_validator("value")
    @classmethod
    def _check_digits(cls, value: str, info) -> str:  # noqa: ANN001 - pydantic's ValidationInfo
        kind = info.data.get("type")
        if kind and ids.make(IdType(kind), value).valid is False:
            raise ValueError(f"{kind} {value!r} fails its check digits")
        return value


class RelatedSpec(Schema):
    """A party this entry relates to: ``entry`` <- this entry is ``relation`` of it."""

    entry: Text  # an entry id (official or curated)
    relation: Literal["owned_by", "parent", "subsidiary", "affiliate", "branch", "linked_to"]
    share: float | None = Field(None, gt=0, le=1, strict=False)  # for owned_by, when published
    reason: Text
    citation: Text
    source_url: Url


#: What an entry id looks like: an official entry (see redlist.sources.common) or a curated one.
ENTRY_ID = re.compile(
    r"^(ofac-\d+|bis-(el|dpl|meu|uvl)-[0-9a-f]{12}|state-(dtc|isn)-[0-9a-f]{12}|us_[a-z0-9_]+:[a-z0-9][a-z0-9._-]*)$"
)


def _entry_ids(values: list[str]) -> list[str]:
    for value in values:
        if not ENTRY_ID.match(value):
            raise ValueError(f"{value!r} is not an entry id (ofac-30946, bis-el-..., us_dod_1260h:...)")
    return values


class EntrySpec(Schema):
    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    type: EntityKind = "organization"
    country: Country | None = None
    listed_on: PastDay
    edition: Text | None = None
    removed_on: PastDay | None = None
    relisted_on: list[PastDay] = Field(default_factory=list)
    identifiers: list[IdentifierSpec] = Field(default_factory=list)
    same_as: Annotated[list[Text], AfterValidator(_entry_ids)] = Field(default_factory=list)
    related: list[RelatedSpec] = Field(default_factory=list)
    scope: Slug | None = None  # the id of one of the file's ``scopes``: covered only for those purposes
    citation: Text
    source_url: Url
    verification: Verification
    notes: Text | None = None


class ListFileSpec(Schema):
    """A list file's header; its ``editions`` are :class:`EditionSpec`, its ``scopes``
    :class:`~redlist.datafile.ScopeSpec` and its ``entries`` :class:`EntrySpec`, each checked on its
    own (:func:`redlist.datafile.validate_items`)."""

    list_id: Text = Field(alias="list")
    title: Text
    authority: Text
    source_url: Url
    editions: list[dict[str, Any]] | None = None
    scopes: list[dict[str, Any]] | None = None
    entries: list[dict[str, Any]] = Field(min_length=1)


class CaseSpec(Schema):
    title: Text
    docket: Text | None = None
    court: Text | None = None


class EventSpec(Schema):
    id: Slug
    date: AnyDay  # not after today unless the event is a scheduled ``effective`` date (loader)
    kind: EventKind
    list_id: Text = Field(alias="list")
    parties: list[dict[str, str]] = Field(min_length=1)
    effect: Effect
    until: AnyDay | None = None  # ends a temporary effect (a stay, a licence); may lie ahead
    case: CaseSpec | None = None
    citation: Text
    source_url: Url
    verification: Verification
    summary: Text

    @field_validator("parties")
    @classmethod
    def _one_id_each(cls, parties: list[dict[str, str]]) -> list[dict[str, str]]:
        # an event acts on a party named by id (never by name alone: a name attaches to whatever
        # happens to resemble it)
        out = []
        for party in parties:
            if len(party) != 1 or next(iter(party)) not in PARTY_KEYS:
                raise ValueError(f"each party must have exactly one of {', '.join(PARTY_KEYS)}: {party!r}")
            key, ref = next(iter(party.items()))
            if not ENTRY_ID.match(ref.strip()):
                raise ValueError(
                    f"{key} {ref!r} is not an entry id (ofac-30946, bis-el-..., us_dod_1260h:...)"
                )
            out.append({key: ref.strip()})
        return out


class EventsFileSpec(Schema):
    """``events.yaml``: a list of :class:`EventSpec`, each checked on its own."""

    events: list[dict[str, Any]]
