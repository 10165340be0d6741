"""Export records as FollowTheMoney (FtM) entities, one JSON object per line.

Each :class:`~redlist.model.Entity` becomes a party (Person, Organization, Company,
LegalEntity, Vessel, Airplane or Security) with id ``redlist-<entity_id>``, plus one
``Sanction`` entity per listing (``redlist-<entity_id>-<list_id>[-<source_id>]``) pointing at
the party, plus a ``CryptoWallet`` per digital currency address. Records of different sources
that are the same list entry share an ``entity_id`` and therefore an FtM id, so FtM tools merge
them. Values go through FtM's own cleaning (countries to ISO codes, dates checked, invalid
identifiers dropped); nothing else costly is done per entity.

Published relations (``Entity.relations``) are not exported: they name the other party by its
record key, not by its entity id.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO, Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from redlist.model import Entity, EntityType, Identifier, IdType, Listing, NameType

ID_PREFIX = "redlist"

# --- vocabularies ------------------------------------------------------------------------------

_SCHEMA = {
    EntityType.PERSON: "Person",
    EntityType.ORGANIZATION: "Organization",
    EntityType.VESSEL: "Vessel",
    EntityType.AIRCRAFT: "Airplane",
    EntityType.SECURITY: "Security",
    EntityType.UNKNOWN: "LegalEntity",
}
# Identifiers only a Company (not Organization/LegalEntity) can carry, or that mark a company.
_COMPANY_IDS = frozenset({IdType.ISIN, IdType.TICKER, IdType.REGISTRATION, IdType.USCC})

_NAME_PROP = {
    NameType.PRIMARY: "name",
    NameType.AKA: "alias",
    NameType.NKA: "alias",
    NameType.FKA: "previousName",
    NameType.WEAK: "weakAlias",
}

# Identifier type -> FtM properties to try, in order; the first the schema has is used.
_ID_PROPS: dict[IdType, tuple[str, ...]] = {
    IdType.ISIN: ("isinCode", "isin"),
    IdType.LEI: ("leiCode",),
    IdType.USCC: ("uscCode", "registrationNumber"),
    IdType.IMO: ("imoNumber",),
    IdType.MMSI: ("mmsi",),
    IdType.TICKER: ("ticker",),
    IdType.PASSPORT: ("passportNumber", "idNumber"),
    IdType.NATIONAL_ID: ("idNumber",),
    IdType.TAX_ID: ("taxNumber",),  # after innCode when the label says INN
    IdType.REGISTRATION: ("registrationNumber",),
    IdType.SWIFT: ("swiftBic",),
    IdType.AIRCRAFT_SERIAL: ("serialNumber",),
    IdType.AIRCRAFT_TAIL: ("registrationNumber",),
    IdType.OTHER: (),
}
# Where an identifier goes when the schema has none of its own properties or FtM rejects it.
_FALLBACK_ID_PROPS = ("idNumber", "registrationNumber")
# Publication labels that name a more specific national code.
_LABEL_PROPS = (
    (re.compile(r"\bINN\b"), "innCode"),
    (re.compile(r"\bOGRN\b"), "ogrnCode"),
    (re.compile(r"\bOKPO\b"), "okpoCode"),
    (re.compile(r"\bDUNS\b", re.I), "dunsCode"),
)

# Entity.vessel keys -> FtM properties (Vessel, Airplane).
_VESSEL_PROPS = {
    "call_sign": "callSign",
    "type": "type",
    "flag": "flag",
    "tonnage": "tonnage",
    "grt": "grossRegisteredTonnage",
    "model": "model",
    "manufacturer": "manufacturer",
}

#: FtM topics per list (FtM's topic vocabulary: sanction, export.control, debarment, ...).
TOPICS: dict[str, tuple[str, ...]] = {
    "us_ofac_sdn": ("sanction",),
    "us_ofac_cons": ("sanction",),
    "us_bis_el": ("export.control",),
    "us_bis_meu": ("export.control",),
    "us_bis_uvl": ("export.control",),
    "us_bis_dpl": ("debarment", "export.control"),  # a denial of export privileges
    "us_state_dtc": ("debarment",),
    "us_state_isn": ("sanction",),
    "us_dod_ccmc": ("mil",),
    "us_dod_1260h": ("mil",),
    "us_fcc_covered": ("export.risk",),
    "us_dhs_uflpa": ("forced.labor", "export.risk"),
    "us_ndaa_889": ("debarment",),  # a federal procurement ban
}

#: The authority behind each list.
AUTHORITIES: dict[str, str] = {
    "us_ofac_sdn": "Office of Foreign Assets Control (OFAC), U.S. Department of the Treasury",
    "us_ofac_cons": "Office of Foreign Assets Control (OFAC), U.S. Department of the Treasury",
    "us_bis_el": "Bureau of Industry and Security (BIS), U.S. Department of Commerce",
    "us_bis_meu": "Bureau of Industry and Security (BIS), U.S. Department of Commerce",
    "us_bis_uvl": "Bureau of Industry and Security (BIS), U.S. Department of Commerce",
    "us_bis_dpl": "Bureau of Industry and Security (BIS), U.S. Department of Commerce",
    "us_state_dtc": "Directorate of Defense Trade Controls (DDTC), U.S. Department of State",
    "us_state_isn": "Bureau of International Security and Nonproliferation (ISN), U.S. Department of State",
    "us_dod_ccmc": "U.S. Department of Defense",
    "us_dod_1260h": "U.S. Department of Defense",
    "us_fcc_covered": "Federal Communications Commission (FCC)",
    "us_dhs_uflpa": "Forced Labor Enforcement Task Force, U.S. Department of Homeland Security",
    "us_ndaa_889": "U.S. Congress (John S. McCain NDAA for FY2019, section 889)",
}

_BAD_ID_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_CRYPTO_CURRENCY = re.compile(r"digital currency address\s*-\s*([A-Za-z0-9]+)", re.I)


# --- public API --------------------------------------------------------------------------------


def ftm_id(*parts: str | None) -> str:
    """A stable FtM entity id: ``redlist-`` + parts, limited to ``[A-Za-z0-9._-]``."""
    text = "-".join([ID_PREFIX, *(p for p in parts if p)])
    return _BAD_ID_CHARS.sub("-", text).strip("-")


def to_ftm(entity: Entity) -> dict[str, Any]:
    """The FtM party entity (id, schema, properties) of a record, without its sanctions."""
    return _party(entity).to_dict()


def ftm_entities(entity: Entity) -> list[dict[str, Any]]:
    """All FtM entities of a record: the party, one Sanction per listing, crypto wallets."""
    party = _party(entity)
    party_id = str(party.id)
    out = [party.to_dict()]
    out.extend(s.to_dict() for s in _sanctions(entity, party_id))
    out.extend(w.to_dict() for w in _wallets(entity, party_id))
    return out


def write_ftm(entities: Iterable[Entity], out: IO[str]) -> int:
    """Write the FtM entities of records as JSON lines; return the number of lines written."""
    count = 0
    for entity in entities:
        for data in ftm_entities(entity):
            out.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
            out.write("\n")
            count += 1
    return count


# --- the party ---------------------------------------------------------------------------------


def schema_name(entity: Entity) -> str:
    """The FtM schema for a record's type.

    An organization with an ISIN, ticker, registration number or USCC is a Company; a record
    of unknown type becomes a Company only for an ISIN or ticker (LegalEntity has no property
    for them).
    """
    name = _SCHEMA[entity.type]
    kinds = {i.type for i in entity.identifiers}
    if name == "Organization" and kinds & _COMPANY_IDS:
        return "Company"
    if name == "LegalEntity" and kinds & {IdType.ISIN, IdType.TICKER}:
        return "Company"
    return name


def _party(entity: Entity) -> EntityProxy:
    proxy = model.make_entity(schema_name(entity))
    proxy.id = ftm_id(entity.entity_id)
    for name in entity.names:
        _add(proxy, _NAME_PROP[name.type], name.value)
    for identifier in entity.identifiers:
        if identifier.type != IdType.CRYPTO:
            _add_identifier(proxy, identifier)
    _add(proxy, "country", entity.countries)
    _add(proxy, "address", [a.text() for a in entity.addresses if a.text()])
    _add(proxy, "nationality", entity.nationalities)
    _add(proxy, "citizenship", entity.citizenships)
    _add(proxy, "birthDate", entity.birth_dates)
    _add(proxy, "birthPlace", entity.birth_places)
    _add(proxy, "gender", entity.gender)
    _add(proxy, "title", entity.title)
    notes = [entity.remarks] if entity.remarks else []
    for key, value in entity.vessel.items():
        prop = _VESSEL_PROPS.get(key)
        if prop and proxy.schema.get(prop) is not None:
            _add(proxy, prop, value)
        elif key == "owner":
            notes.append(f"Owner: {value}")
    _add(proxy, "notes", notes)
    for listing in entity.listings:
        _add(proxy, "program", listing.programs)
        _add(proxy, "sourceUrl", listing.source_url)
        _add(proxy, "topics", _topics(listing))
    return proxy


def _add_identifier(proxy: EntityProxy, identifier: Identifier) -> None:
    """Add an identifier to the most specific property whose check it passes.

    FtM validates some codes (INN, LEI, ISIN, IMO check digits); a value that fails goes to the
    next, more generic property instead of being dropped.
    """
    label = identifier.label or ""
    candidates = [prop for pattern, prop in _LABEL_PROPS if pattern.search(label)]
    candidates.extend(_ID_PROPS.get(identifier.type, ()))
    candidates.extend(_FALLBACK_ID_PROPS)
    for name in candidates:
        prop = proxy.schema.get(name)
        if prop is None:
            continue
        value = prop.type.clean(identifier.value, format=prop.format, proxy=proxy)
        if value is not None:
            proxy.add(prop, value, cleaned=True)
            return


def _topics(listing: Listing) -> list[str]:
    topics = list(TOPICS.get(listing.list_id, ()))
    if any("CMIC" in p for p in listing.programs):  # the Chinese military companies investment ban
        topics.append("invest.ban")
    return topics


def _add(proxy: EntityProxy, prop: str | None, values: Any) -> None:
    """Add values through FtM's cleaning; properties the schema lacks are skipped.

    Values that are already in FtM's clean form (printable text, ISO dates) skip the cleaning,
    which is most of the cost of an export.
    """
    if prop is None or values is None or values == [] or values == "":
        return
    prop_ = proxy.schema.get(prop)
    if prop_ is None:
        return
    for value in [values] if isinstance(values, str) else values:
        if _is_clean(prop_.type.name, value):
            proxy.unsafe_add(prop_, value, cleaned=True)
        else:
            proxy.add(prop_, value, quiet=True)


_PLAIN_TYPES = frozenset({"name", "string", "text", "address"})
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _is_clean(type_name: str, value: str) -> bool:
    if type_name in _PLAIN_TYPES:
        return value.isprintable() and value == value.strip()
    if type_name == "date":
        return _ISO_DATE.match(value) is not None
    return False


# --- sanctions and wallets -----------------------------------------------------------------------


def _sanctions(entity: Entity, party_id: str) -> Iterator[EntityProxy]:
    seen: Counter[str] = Counter()
    for listing in entity.listings:
        sid = ftm_id(entity.entity_id, listing.list_id, listing.source_id)
        seen[sid] += 1
        if seen[sid] > 1:  # a second listing on the same list in one record
            sid = f"{sid}-{seen[sid]}"
        sanction = model.make_entity("Sanction")
        sanction.id = sid
        sanction.add("entity", party_id)
        _add(sanction, "authority", AUTHORITIES.get(listing.list_id))
        _add(sanction, "authorityId", listing.source_id)
        _add(sanction, "country", "us")
        _add(sanction, "program", listing.programs)
        _add(sanction, "listingDate", listing.listed_on)
        _add(sanction, "startDate", listing.effective_on or listing.listed_on)
        _add(sanction, "endDate", listing.ends_on)
        _add(sanction, "provisions", _provisions(listing))
        _add(sanction, "summary", listing.remarks)
        if listing.federal_register:
            _add(sanction, "description", "Federal Register: " + "; ".join(listing.federal_register))
        _add(sanction, "sourceUrl", listing.source_url)
        yield sanction


def _provisions(listing: Listing) -> list[str]:
    out = []
    if listing.license_requirement:
        out.append(f"License requirement: {listing.license_requirement}")
    if listing.license_policy:
        out.append(f"License review policy: {listing.license_policy}")
    if listing.standard_order:
        out.append(f"Standard order: {listing.standard_order}")
    if listing.divestment_on:
        out.append(f"Divestment by: {listing.divestment_on}")
    return out


def _wallets(entity: Entity, party_id: str) -> Iterator[EntityProxy]:
    for identifier in entity.identifiers:
        if identifier.type != IdType.CRYPTO:
            continue
        wallet = model.make_entity("CryptoWallet")
        wallet.id = ftm_id(entity.entity_id, "wallet", identifier.value)
        wallet.add("publicKey", identifier.value)
        wallet.add("holder", party_id)
        m = _CRYPTO_CURRENCY.search(identifier.label or "")
        if m:
            _add(wallet, "currency", m[1].upper())
        yield wallet
