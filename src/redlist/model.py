"""The data model: entities, names, identifiers, listings, snapshots and change events.

Every parser turns an official publication into a list of :class:`Entity` records, one per
entry in that publication. A record is keyed by ``(source, key)``: the source it came from
(``us_ofac_sdn``, ``us_trade_csl``, ...) and the publication's own record id (OFAC entity
number, CSL ``_id``, ...). ``entity_id`` ties together records of different sources that are
the same list entry (a CSL row copied from the SDN list has the SDN record's entity id).

Records serialise to plain dicts (:meth:`Entity.to_dict` / :meth:`Entity.from_dict`) with
empty fields left out, so that the store can hash and diff them.
"""

from __future__ import annotations

import builtins
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

# --- ids -------------------------------------------------------------------------------------

#: Publications you update from.
SOURCE_IDS = (
    "us_ofac_sdn",
    "us_ofac_cons",
    "us_trade_csl",
    "us_bis_dpl",
    "us_bis_el",
    "us_dhs_uflpa",
    "us_fcc_covered",
    "us_dod_1260h",
)

#: Legal lists an entry belongs to, with a human title.
LISTS: dict[str, str] = {
    "us_ofac_sdn": "OFAC Specially Designated Nationals and Blocked Persons List",
    "us_ofac_cons": "OFAC Consolidated (non-SDN) lists: CMIC, SSI, FSE, PLC, CAPTA, NS-MBS",
    "us_bis_el": "BIS Entity List (15 CFR 744 Supp. 4)",
    "us_bis_meu": "BIS Military End-User List (15 CFR 744 Supp. 7)",
    "us_bis_uvl": "BIS Unverified List (15 CFR 744 Supp. 6)",
    "us_bis_dpl": "BIS Denied Persons List",
    "us_state_dtc": "State Department AECA/ITAR Debarred Parties (DDTC)",
    "us_state_isn": "State Department Nonproliferation Sanctions (ISN)",
    "us_dod_ccmc": "DoD Communist Chinese Military Companies (NDAA FY1999 s.1237)",
    "us_dod_1260h": "DoD Chinese Military Companies (NDAA FY2021 s.1260H)",
    "us_fcc_covered": "FCC Covered List",
    "us_dhs_uflpa": "DHS UFLPA Entity List",
    "us_ndaa_889": "NDAA FY2019 s.889 named companies",
}
LIST_IDS = tuple(LISTS)


class EntityType(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    SECURITY = "security"
    UNKNOWN = "unknown"


class NameType(StrEnum):
    PRIMARY = "primary"
    AKA = "aka"
    FKA = "fka"
    NKA = "nka"
    WEAK = "weak"  # OFAC "weak a.k.a.": low-quality alias, not to be screened alone


class IdType(StrEnum):
    ISIN = "isin"
    LEI = "lei"
    USCC = "uscc"  # PRC Unified Social Credit Code
    IMO = "imo"
    MMSI = "mmsi"
    TICKER = "ticker"
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX_ID = "tax_id"
    REGISTRATION = "registration"
    SWIFT = "swift"
    CRYPTO = "crypto"  # digital currency address
    AIRCRAFT_SERIAL = "aircraft_serial"
    AIRCRAFT_TAIL = "aircraft_tail"
    OTHER = "other"


class Activity(StrEnum):
    """What a US person may ask about."""

    INVEST = "invest"
    DIVEST = "divest"
    TRANSACT = "transact"
    EXPORT = "export"
    IMPORT = "import"
    PROCURE = "procure"
    TELECOM = "telecom"


class Verdict(StrEnum):
    """The answer to a status question; the most severe effect in force, or unknown."""

    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"
    REVIEW = "review"  # a red flag a person must look at (an owner listed, its share unknown)
    ALLOWED = "allowed"
    UNKNOWN = "unknown"


class Effect(StrEnum):
    """What a listing does to the asked activity on the asked date."""

    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"
    REVIEW = "review"
    ALLOWED = "allowed"
    NONE = "none"


class Purpose(StrEnum):
    """What a party's equipment is used for, as the caller states it.

    Some listings cover a company's equipment only for some purposes (NDAA FY2019 s.889(f)(3)(B)
    and the FCC Covered List items for Hytera, Hikvision and Dahua): such a listing carries a
    :class:`Scope` naming the covered purposes, and the answer depends on the purpose stated.
    ``other`` is any purpose none of the others names (commercial or home use, say).
    """

    PUBLIC_SAFETY = "public_safety"
    GOVERNMENT_FACILITIES = "government_facilities"
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure"
    NATIONAL_SECURITY = "national_security"
    OTHER = "other"


#: Each purpose in the words of the statute and the FCC's items.
PURPOSE_TEXT: dict[str, str] = {
    "public_safety": "public safety",
    "government_facilities": "security of government facilities",
    "critical_infrastructure": "physical security surveillance of critical infrastructure",
    "national_security": "other national security purposes",
    "other": "a purpose none of these names",
}


class State(StrEnum):
    """Where a listing stands on the asked date (see :mod:`redlist.regimes.status`)."""

    IN_FORCE = "in_force"
    PENDING = "pending"
    ENJOINED = "enjoined"
    SUSPENDED = "suspended"
    REMOVED = "removed"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Name:
    """One name of an entity, as published."""

    value: str
    type: NameType = NameType.PRIMARY
    lang: str | None = None  # BCP-47-ish script/language hint when the publication gives one


@dataclass(frozen=True, slots=True)
class Identifier:
    """A typed identifier. ``valid`` is the check-digit verdict (None: no check exists)."""

    type: IdType
    value: str
    country: str | None = None
    label: str | None = None  # the publication's own label, e.g. "Passport" or "Tax ID No."
    market: str | None = None  # for tickers: the exchange
    issued: str | None = None
    expires: str | None = None
    valid: bool | None = None


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None  # as published
    country_code: str | None = None  # ISO 3166-1 alpha-2 when known
    remarks: str | None = None

    def text(self) -> str:
        parts = (self.street, self.city, self.state, self.postal_code, self.country)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Relation:
    """A published link to another party (OFAC "Linked To", advanced-XML relationships)."""

    type: str  # e.g. "linked_to", "owned_or_controlled_by"
    target_name: str | None = None
    target_key: str | None = None  # the other party's record key in the same source


@dataclass(frozen=True, slots=True)
class Scope:
    """A listing that covers the party's equipment only for some purposes, in the law's words.

    ``purposes`` are :class:`Purpose` values (never ``other``); ``text`` quotes the covering words
    and ``citation``/``source_url``/``verification`` say where they were read. Data, from a curated
    list file's ``scopes`` or a source's reviewed mapping.
    """

    id: str
    purposes: tuple[str, ...]
    text: str
    citation: str
    source_url: str | None = None
    verification: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in _compact(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scope:
        return cls(**(dict(d) | {"purposes": tuple(d.get("purposes", ()))}))


@dataclass(slots=True)
class Listing:
    """One entry's standing on one legal list, with the dates and citations published for it."""

    list_id: str
    source_id: str | None = None  # the list's own record id (OFAC entity number, CSL _id)
    programs: list[str] = field(default_factory=list)
    listed_on: str | None = None  # ISO dates
    # where listed_on came from when the list gives no date of its own, e.g. "84 FR 54002, date
    # from the Federal Register index" (the entry's earliest citation, dated by sources.fr_pages)
    listed_on_basis: str | None = None
    effective_on: str | None = None
    divestment_on: str | None = None
    ends_on: str | None = None
    federal_register: list[str] = field(default_factory=list)
    license_requirement: str | None = None
    license_policy: str | None = None
    standard_order: str | None = None
    source_url: str | None = None
    remarks: str | None = None
    scope: Scope | None = None  # covers the party's equipment only for these purposes

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Listing:
        scope = d.get("scope")
        if scope is None:
            return cls(**d)
        return cls(**(dict(d) | {"scope": Scope.from_dict(scope)}))


@dataclass(slots=True)
class Entity:
    """One record of one source publication: a listed person, company, vessel, aircraft or security."""

    source: str
    key: str  # the record's id inside its source publication
    entity_id: str  # shared by records of different sources that are the same list entry
    type: EntityType
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO-2 where known, else as published
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)  # ISO, possibly partial ("1962", "1962-05")
    birth_places: list[str] = field(default_factory=list)
    gender: str | None = None
    title: str | None = None
    vessel: dict[str, str] = field(default_factory=dict)  # call_sign, type, flag, tonnage, grt, owner
    relations: list[Relation] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    remarks: str | None = None
    # Parts of the record the publication did not carry (e.g. {"aliases", "addresses"} when
    # only sdn.csv was loaded): absent data, which is not the same as "none".
    unpublished: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The primary name."""
        for n in self.names:
            if n.type == NameType.PRIMARY:
                return n.value
        return self.names[0].value if self.names else ""

    @property
    def list_ids(self) -> list[str]:
        return sorted({lst.list_id for lst in self.listings})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; empty fields are dropped so hashes and diffs stay stable."""
        # Hand-rolled rather than dataclasses.asdict: this runs for every record of every
        # update, and asdict's deep copies made it the slowest step of a load.
        return _compact(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(
            source=d["source"],
            key=d["key"],
            entity_id=d["entity_id"],
            type=EntityType(d["type"]),
            names=[
                Name(n["value"], NameType(n.get("type", "primary")), n.get("lang"))
                for n in d.get("names", [])
            ],
            identifiers=[_ident(i) for i in d.get("identifiers", [])],
            addresses=[Address(**a) for a in d.get("addresses", [])],
            countries=list(d.get("countries", [])),
            nationalities=list(d.get("nationalities", [])),
            citizenships=list(d.get("citizenships", [])),
            birth_dates=list(d.get("birth_dates", [])),
            birth_places=list(d.get("birth_places", [])),
            gender=d.get("gender"),
            title=d.get("title"),
            vessel=dict(d.get("vessel", {})),
            relations=[Relation(**r) for r in d.get("relations", [])],
            listings=[Listing.from_dict(lst) for lst in d.get("listings", [])],
            remarks=d.get("remarks"),
            unpublished=list(d.get("unpublished", [])),
        )


def _ident(d: dict[str, Any]) -> Identifier:
    d = dict(d)
    d["type"] = IdType(d["type"])
    return Identifier(**d)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _compact(obj: Any) -> Any:
    """A dataclass (or list of them) as a dict without empty values; enums as their values."""
    kind = type(obj)
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(obj):
            if isinstance(obj, list | tuple):
                return [_compact(v) for v in obj]
            if isinstance(obj, dict):
                return {k: _compact(v) for k, v in obj.items() if v is not None and v != ""}
            return obj.value if isinstance(obj, StrEnum) else obj
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(obj, name)
        if value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, list) and value and not isinstance(value[0], str):
            value = [_compact(v) for v in value]
        elif isinstance(value, dict):
            value = {k: v for k, v in value.items() if v is not None and v != ""}
            if not value:
                continue
        elif isinstance(value, Scope):
            value = value.to_dict()
        elif isinstance(value, list):
            value = list(value)
        out[name] = value
    return out


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _prune(v)
            if v is None or v == [] or v == {} or v == "":
                continue
            out[k] = v
        return out
    if isinstance(value, list | tuple):
        return [_prune(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


# --- snapshots and events ----------------------------------------------------------------------


@dataclass(slots=True)
class RawFile:
    """One raw file of a snapshot, archived by content."""

    name: str
    sha256: str
    size: int
    url: str | None = None


@dataclass(slots=True)
class Snapshot:
    """One stored publication of one source."""

    source: str
    as_of: str  # ISO date of the publication
    fetched_at: str  # ISO timestamp (UTC) of the download or load
    sha256: str  # of the raw bytes (for several files: of their sorted "name sha256" lines)
    parser_version: str
    record_count: int
    files: list[RawFile] = field(default_factory=list)
    origin: str | None = None  # URL or path it was loaded from
    format: str = ""  # which of the source's formats was parsed (csv, xml, advanced_xml, json, ...)
    id: int | None = None
    status: str = "ok"
    warnings: list[str] = field(default_factory=list)
    note: str | None = None  # why it was stored despite a check (--allow-shrink REASON)


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    AMENDED = "amended"


@dataclass(slots=True)
class ChangeEvent:
    """A record added, removed or amended between two consecutive snapshots of a source."""

    date: str  # as-of date of the later snapshot
    source: str
    list: str
    source_id: str  # the record key in the source
    entity_id: str
    change: Change
    name: str
    fields: builtins.list[str] = field(default_factory=builtins.list)  # for amended: which fields changed
    previous_date: str | None = None  # as-of date of the earlier snapshot

    def to_dict(self) -> dict[str, Any]:
        return _prune(dataclasses.asdict(self)) | {"fields": builtins.list(self.fields)}


#: A date written exactly YYYY-MM-DD (``date.fromisoformat`` also takes "20210316" and week dates).
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_day(text: str) -> date:
    """A date written exactly YYYY-MM-DD; ValueError for another form or a day no calendar has."""
    if not ISO_DAY.match(text):
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {text!r}")
    return date.fromisoformat(text)


def iso_date(value: date | datetime | str) -> str:
    """Normalise to an ISO 8601 date string."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(value).isoformat()
