"""OFAC's advanced XML publications: ``SDN_ADVANCED.XML`` and ``CONS_ADVANCED.XML``.

The "Advanced Sanctions List Standard" (root ``Sanctions``; namespace
``http://www.un.org/sanctions/1.0`` on treasury.gov, and
``https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML`` since
the 2024 Sanctions List Service) is relational: ``ReferenceValueSets`` define every coded value,
``Locations`` and ``IDRegDocuments`` are top-level tables, ``DistinctParties`` hold names and
features, ``ProfileRelationships`` link parties and ``SanctionsEntries`` say which list and
programs each party is on. The file is streamed section by section into small tuples, and the
records are assembled once everything has been read.

The publication states no record count, so ``expected_count`` is None: counting the
``DistinctParty`` elements would only restate what was parsed and prove nothing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from redlist.errors import SourceError
from redlist.model import Address, Entity, EntityType, Listing, Name, NameType, Relation
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.common import check_bytes, clean, country_code, local, ofac_entity_id
from redlist.sources.ofac_xml import (
    ALIAS_TYPES,
    PARTY_TYPES,
    apply_labelled,
    children,
    finish,
    iter_records,
    namespace_of,
    record_lines,
    to_snake,
)
from redlist.util import gc_paused

SDN_FILE = "sdn_advanced.xml"
CONS_FILE = "cons_advanced.xml"

KNOWN_NAMESPACES = (
    "http://www.un.org/sanctions/1.0",
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML",
)

_RECORDS = (
    "DateOfIssue",
    "ReferenceValueSets",
    "Location",
    "IDRegDocument",
    "DistinctParty",
    "ProfileRelationship",
    "SanctionsEntry",
)

# One value of a feature version: (date, text, detail reference id, location id).
_Value = tuple[str | None, str | None, str | None, str | None]


@dataclass(slots=True)
class _Party:
    ordinal: int
    fixed_ref: str
    profile_id: str
    subtype_id: str | None
    comment: str | None
    # (alias type id, primary, low quality, [(name part group id, script id, value)])
    aliases: list[tuple[str | None, bool, bool, list[tuple[str | None, str | None, str]]]] = field(
        default_factory=list
    )
    identity_ids: list[str] = field(default_factory=list)
    part_types: dict[str, str] = field(default_factory=dict)  # name part group id -> type id
    features: list[tuple[str | None, _Value]] = field(default_factory=list)


@dataclass(slots=True)
class _Location:
    country_ids: list[str]
    area_ids: list[str]
    parts: list[tuple[str | None, str]]  # (loc part type id, value)


@dataclass(slots=True)
class _Document:
    identity_id: str | None
    type_id: str | None
    number: str | None
    country_id: str | None
    dates: list[tuple[str | None, str | None]]  # (date type id, ISO date)


@dataclass(slots=True)
class _Entry:
    profile_id: str | None
    list_id: str | None
    dates: list[str]
    measures: list[tuple[str | None, str | None]]  # (sanctions type id, comment)


@dataclass(slots=True)
class _State:
    source: str
    file: str
    as_of: str | None = None
    refs: dict[str, dict[str, tuple[str | None, dict[str, str]]]] = field(default_factory=dict)
    locations: dict[str, _Location] = field(default_factory=dict)
    documents: list[_Document] = field(default_factory=list)
    parties: list[_Party] = field(default_factory=list)
    relations: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (DistinctParty ordinal, message)

    def ref(self, kind: str, ref_id: str | None) -> str | None:
        """The text of a reference value (e.g. kind "FeatureType")."""
        if ref_id is None:
            return None
        value = self.refs.get(kind, {}).get(ref_id)
        return value[0] if value else None

    def ref_attr(self, kind: str, ref_id: str | None, attr: str) -> str | None:
        if ref_id is None:
            return None
        value = self.refs.get(kind, {}).get(ref_id)
        return value[1].get(attr) if value else None


def parse_sdn_advanced(files: Files) -> ParseResult:
    """Parse OFAC's ``SDN_ADVANCED.XML`` (source ``us_ofac_sdn``)."""
    return _parse(files, source="us_ofac_sdn", file=SDN_FILE)


def parse_cons_advanced(files: Files) -> ParseResult:
    """Parse OFAC's ``CONS_ADVANCED.XML`` (source ``us_ofac_cons``)."""
    return _parse(files, source="us_ofac_cons", file=CONS_FILE)


def _parse(files: Files, *, source: str, file: str) -> ParseResult:
    data = check_bytes(files.get(file), source=source, file=file)
    with gc_paused():
        return _parse_data(data, source=source, file=file)


def _parse_data(data: bytes, *, source: str, file: str) -> ParseResult:
    state = _State(source=source, file=file)
    result = ParseResult(records=[], format="advanced_xml")
    handlers = {
        "DateOfIssue": _date_of_issue,
        "ReferenceValueSets": _reference_values,
        "Location": _location,
        "IDRegDocument": _document,
        "DistinctParty": _party,
        "ProfileRelationship": _relationship,
        "SanctionsEntry": _entry,
    }
    for name, elem in iter_records(data, source=source, file=file, roots=("Sanctions",), records=_RECORDS):
        if name == "":
            ns = namespace_of(elem.tag)
            if ns not in KNOWN_NAMESPACES:
                result.warnings.append(f"{file}: unexpected XML namespace {ns!r}")
            continue
        handlers[name](elem, state)
    if not state.refs:
        raise SourceError("no ReferenceValueSets: not an OFAC advanced XML file", source=source, file=file)
    result.as_of = state.as_of
    result.records = _assemble(state, result.warnings)
    if state.bad:
        lines = record_lines(data, "DistinctParty")
        for index, message in state.bad:
            result.row_errors.append(RowError(file, lines[index] if index < len(lines) else 0, message))
    return result


# --- reading the sections ----------------------------------------------------------------------


def _date(elem: Element | None) -> str | None:
    """ISO date of an element with Year/Month/Day children."""
    if elem is None:
        return None
    point = _point(elem)
    return _iso(point) if point else None


def _point(elem: Element) -> tuple[int, int, int] | None:
    parts: dict[str, int] = {}
    for name, sub in children(elem):
        text = clean(sub.text)
        if text and text.isdigit():
            parts[name] = int(text)
    if "Year" not in parts:
        return None
    return parts["Year"], parts.get("Month", 1), parts.get("Day", 1)


def _iso(p: tuple[int, int, int]) -> str:
    return f"{p[0]:04d}-{p[1]:02d}-{p[2]:02d}"


def _period(elem: Element) -> str | None:
    """A DatePeriod as an ISO date, reduced to year or month when it spans exactly that,
    or an ISO interval ``start/end`` (``"1955/1958"``) when it is a range."""
    start = end = None
    for name, sub in children(elem):
        if name == "Start":
            start = _boundary(sub, "From")
        elif name == "End":
            end = _boundary(sub, "To")
    start = start or end
    end = end or start
    if start is None or end is None:
        return None
    if start == end:
        return _iso(start)
    whole_start = start[1:] == (1, 1)
    whole_end = end[1:] == (12, 31)
    if whole_start and whole_end:
        return str(start[0]) if start[0] == end[0] else f"{start[0]}/{end[0]}"
    if start[:2] == end[:2] and start[2] == 1 and end[2] == calendar.monthrange(end[0], end[1])[1]:
        return f"{start[0]:04d}-{start[1]:02d}"
    return f"{_iso(start)}/{_iso(end)}"


def _boundary(elem: Element, which: str) -> tuple[int, int, int] | None:
    points = {name: sub for name, sub in children(elem)}
    sub = points.get(which) or points.get("From") or points.get("To")
    return _point(sub) if sub is not None else None


def _date_of_issue(elem: Element, state: _State) -> None:
    state.as_of = _date(elem)


def _reference_values(elem: Element, state: _State) -> None:
    for _, value_set in children(elem):
        for value in value_set:
            ref_id = value.get("ID")
            if ref_id is not None:
                kind = local(value.tag)
                state.refs.setdefault(kind, {})[ref_id] = (clean(value.text), dict(value.attrib))


def _location(elem: Element, state: _State) -> None:
    loc = _Location(country_ids=[], area_ids=[], parts=[])
    for name, sub in children(elem):
        if name == "LocationCountry":
            loc.country_ids.append(sub.get("CountryID", ""))
        elif name == "LocationAreaCode":
            loc.area_ids.append(sub.get("AreaCodeID", ""))
        elif name == "LocationPart":
            value = _primary_part_value(sub)
            if value:
                loc.parts.append((sub.get("LocPartTypeID"), value))
    if elem.get("ID"):
        state.locations[elem.get("ID", "")] = loc


def _primary_part_value(part: Element) -> str | None:
    fallback = None
    for _, value in children(part):
        text = None
        for name, sub in children(value):
            if name == "Value":
                text = clean(sub.text)
        if text and value.get("Primary") == "true":
            return text
        fallback = fallback or text
    return fallback


def _document(elem: Element, state: _State) -> None:
    doc = _Document(
        identity_id=elem.get("IdentityID"),
        type_id=elem.get("IDRegDocTypeID"),
        number=None,
        country_id=elem.get("IssuedBy-CountryID"),
        dates=[],
    )
    for name, sub in children(elem):
        if name == "IDRegistrationNo":
            doc.number = clean(sub.text)
        elif name == "DocumentDate":
            period = next((p for n, p in children(sub) if n == "DatePeriod"), None)
            if period is not None:
                doc.dates.append((sub.get("IDRegDocDateTypeID"), _period(period)))
    state.documents.append(doc)


def _party(elem: Element, state: _State) -> None:
    ordinal = len(state.parties) + len(state.bad)
    fixed_ref = elem.get("FixedRef") or ""
    if not fixed_ref.isdigit():
        state.bad.append((ordinal, f"DistinctParty without a numeric FixedRef ({fixed_ref!r})"))
        return
    comment = None
    profile = None
    for name, sub in children(elem):
        if name == "Comment":
            comment = clean(sub.text)
        elif name == "Profile" and profile is None:
            profile = sub
    if profile is None:
        state.bad.append((ordinal, f"DistinctParty {fixed_ref} has no Profile"))
        return
    party = _Party(
        ordinal=ordinal,
        fixed_ref=str(int(fixed_ref)),
        profile_id=profile.get("ID") or fixed_ref,
        subtype_id=profile.get("PartySubTypeID"),
        comment=comment,
    )
    for name, sub in children(profile):
        if name == "Identity":
            _identity(sub, party)
        elif name == "Feature":
            for version in sub:
                if local(version.tag) == "FeatureVersion":
                    party.features.append((sub.get("FeatureTypeID"), _feature_value(version)))
    if not any(parts for *_, parts in party.aliases):
        state.bad.append((ordinal, f"DistinctParty {fixed_ref} has no name"))
        return
    state.parties.append(party)


def _identity(elem: Element, party: _Party) -> None:
    if elem.get("ID"):
        party.identity_ids.append(elem.get("ID", ""))
    for name, sub in children(elem):
        if name == "Alias":
            parts: list[tuple[str | None, str | None, str]] = []
            for doc_name in sub:
                if local(doc_name.tag) != "DocumentedName":
                    continue
                for part in doc_name:
                    for value in part:
                        text = clean(value.text)
                        if text:
                            parts.append((value.get("NamePartGroupID"), value.get("ScriptID"), text))
                # one documented name per alias in OFAC's files; more would be other spellings
                party.aliases.append(
                    (
                        sub.get("AliasTypeID"),
                        sub.get("Primary") == "true",
                        sub.get("LowQuality") == "true",
                        parts,
                    )
                )
                parts = []
        elif name == "NamePartGroups":
            for group in sub.iter():
                if local(group.tag) == "NamePartGroup" and group.get("ID"):
                    party.part_types[group.get("ID", "")] = group.get("NamePartTypeID", "")


def _feature_value(version: Element) -> _Value:
    date = text = lookup = location = None
    for name, sub in children(version):
        if name == "DatePeriod":
            date = _period(sub)
        elif name == "VersionDetail":
            text = text or clean(sub.text)
            lookup = lookup or sub.get("DetailReferenceID")
        elif name == "VersionLocation":
            location = location or sub.get("LocationID")
    return date, text, lookup, location


def _relationship(elem: Element, state: _State) -> None:
    state.relations.append((elem.get("From-ProfileID"), elem.get("To-ProfileID"), elem.get("RelationTypeID")))


def _entry(elem: Element, state: _State) -> None:
    entry = _Entry(profile_id=elem.get("ProfileID"), list_id=elem.get("ListID"), dates=[], measures=[])
    for name, sub in children(elem):
        if name == "EntryEvent":
            for n, date in children(sub):
                if n == "Date":
                    iso = _date(date)
                    if iso:
                        entry.dates.append(iso)
        elif name == "SanctionsMeasure":
            comment = next((clean(c.text) for n, c in children(sub) if n == "Comment"), None)
            entry.measures.append((sub.get("SanctionsTypeID"), comment))
    state.entries.append(entry)


# --- assembling the records --------------------------------------------------------------------

_LAST = {"last name", "maiden name"}
_ADDRESS_PARTS = {"address1": 0, "address2": 1, "address3": 2}
_VESSEL = [
    (re.compile(r"^vessel call sign", re.I), "call_sign"),
    (re.compile(r"^vessel type", re.I), "type"),
    (re.compile(r"^vessel flag", re.I), "flag"),
    (re.compile(r"^vessel owner", re.I), "owner"),
    (re.compile(r"^vessel (gross registered tonnage|grt)", re.I), "grt"),
    (re.compile(r"^vessel tonnage", re.I), "tonnage"),
]


def _assemble(state: _State, warnings: list[str]) -> list[Entity]:
    by_profile = {p.profile_id: p for p in state.parties}
    names: dict[str, str] = {}
    entities: dict[str, Entity] = {}
    for party in state.parties:
        entity = _entity(party, state)
        entities[party.profile_id] = entity
        names[party.profile_id] = entity.name
    _attach_documents(state, entities)
    warnings.extend(_attach_relations(state, by_profile, entities, names))
    _attach_listings(state, entities)
    seen: set[str] = set()
    out: list[Entity] = []
    for party in state.parties:
        entity = entities[party.profile_id]
        if entity.key in seen:
            state.bad.append((party.ordinal, f"duplicate FixedRef {entity.key}"))
            continue
        seen.add(entity.key)
        out.append(finish(entity))
    return out


def _entity(party: _Party, state: _State) -> Entity:
    party_type = state.ref("PartyType", state.ref_attr("PartySubType", party.subtype_id, "PartyTypeID"))
    sub_type = (state.ref("PartySubType", party.subtype_id) or "").lower()
    kind = PARTY_TYPES.get(sub_type) or PARTY_TYPES.get((party_type or "").lower(), EntityType.UNKNOWN)
    entity = Entity(
        source=state.source,
        key=party.fixed_ref,
        entity_id=ofac_entity_id(party.fixed_ref),
        type=kind,
        remarks=party.comment,
    )
    entity.names = _names(party, state)
    # Features that are listing dates land on this scratch listing; merged in _attach_listings.
    scratch = Listing(list_id="")
    entity.listings.append(scratch)
    for type_id, value in party.features:
        _feature(state.ref("FeatureType", type_id) or f"Feature {type_id}", value, entity, scratch, state)
    return entity


def _names(party: _Party, state: _State) -> list[Name]:
    primary: list[Name] = []
    others: list[Name] = []
    for alias_type, is_primary, low_quality, parts in party.aliases:
        value, lang = _name_text(parts, party, state)
        if not value:
            continue
        if is_primary and not primary:
            primary.append(Name(value, NameType.PRIMARY, lang))
            continue
        if low_quality:
            kind = NameType.WEAK
        else:
            kind = ALIAS_TYPES.get((state.ref("AliasType", alias_type) or "").lower(), NameType.AKA)
        name = Name(value, kind, lang)
        if name not in others:
            others.append(name)
    if not primary and others:
        first = others.pop(0)
        primary.append(Name(first.value, NameType.PRIMARY, first.lang))
    return primary + [n for n in others if n.value != primary[0].value or n.type != NameType.AKA]


def _name_text(
    parts: list[tuple[str | None, str | None, str]], party: _Party, state: _State
) -> tuple[str | None, str | None]:
    """``"LAST, First Middle"`` for persons (as OFAC's CSV), the parts joined otherwise."""
    last: list[str] = []
    rest: list[str] = []
    lang = None
    for group_id, script_id, value in parts:
        part_type = (state.ref("NamePartType", party.part_types.get(group_id or "")) or "").lower()
        (last if part_type in _LAST else rest).append(value)
        code = state.ref_attr("Script", script_id, "ScriptCode")
        if code and code.lower() not in ("latin", "latn"):
            lang = code
    if last and rest:
        return f"{' '.join(last)}, {' '.join(rest)}", lang
    return " ".join(last + rest) or None, lang


def _feature(label: str, value: _Value, entity: Entity, listing: Listing, state: _State) -> None:
    date, text, lookup, location_id = value
    lowered = label.lower()
    location = state.locations.get(location_id or "")
    if lowered == "location":
        if location is not None:
            address = _address(location, state)
            if address.text():
                entity.addresses.append(address)
        return
    country = _country_name(location, state) if location is not None else None
    shown = date or text or state.ref("DetailReference", lookup) or country
    if location is not None and not shown:
        shown = _address(location, state).text() or None
    if not shown:
        return
    if lowered == "birthdate":
        _add(entity.birth_dates, shown)
    elif lowered == "place of birth":
        _add(entity.birth_places, shown)
    elif lowered in ("nationality country", "citizenship country"):
        code = _country_code(location, state) if location is not None else None
        code = code or country_code(shown)  # some locations carry the country as a bare text part
        target = entity.nationalities if lowered.startswith("nationality") else entity.citizenships
        _add(target, code or shown)
    elif lowered == "title":
        entity.title = entity.title or shown
    elif any(p.match(label) for p, _ in _VESSEL):
        key = next(k for p, k in _VESSEL if p.match(label))
        entity.vessel.setdefault(key, shown)
    else:
        apply_labelled(label, shown, entity=entity, listing=listing)


def _add(target: list[str], value: str) -> None:
    if value not in target:
        target.append(value)


def _country_name(location: _Location, state: _State) -> str | None:
    for country_id in location.country_ids:
        name = state.ref("Country", country_id)
        if name:
            return name
    for area_id in location.area_ids:
        name = state.ref_attr("AreaCode", area_id, "Description")
        if name and name.lower() != "undetermined":
            return name
    return None


def _country_code(location: _Location, state: _State) -> str | None:
    for country_id in location.country_ids:
        code = state.ref_attr("Country", country_id, "ISO2")
        if code:
            return code.upper()
    name = _country_name(location, state)
    return country_code(name) if name else None


def _address(location: _Location, state: _State) -> Address:
    street: list[tuple[int, str]] = []
    fields: dict[str, str] = {}
    for type_id, value in location.parts:
        part = (state.ref("LocPartType", type_id) or "").lower()
        if part in _ADDRESS_PARTS:
            street.append((_ADDRESS_PARTS[part], value))
        elif part == "city":
            fields.setdefault("city", value)
        elif part == "state/province":
            fields.setdefault("state", value)
        elif part == "postal code":
            fields.setdefault("postal_code", value)
        elif part == "region" and "state" not in fields:
            fields["state"] = value  # e.g. "Gaza", "West Bank": a region in place of a state
        else:  # unknown parts: keep them, after the street lines
            street.append((3, value))
    country = _country_name(location, state)
    return Address(
        street=", ".join(v for _, v in sorted(street, key=lambda x: x[0])) or None,
        city=fields.get("city"),
        state=fields.get("state"),
        postal_code=fields.get("postal_code"),
        country=country,
        country_code=_country_code(location, state),
    )


def _attach_documents(state: _State, entities: dict[str, Entity]) -> None:
    by_identity = {i: p.profile_id for p in state.parties for i in p.identity_ids}
    for doc in state.documents:
        profile_id = by_identity.get(doc.identity_id or "")
        if profile_id is None or not doc.number:
            continue
        entity = entities[profile_id]
        label = state.ref("IDRegDocType", doc.type_id) or f"IDRegDocType {doc.type_id}"
        dates = {(state.ref("IDRegDocDateType", t) or "").lower(): d for t, d in doc.dates}
        code = state.ref_attr("Country", doc.country_id, "ISO2")
        country = code.upper() if code else state.ref("Country", doc.country_id)
        apply_labelled(
            label,
            doc.number,
            entity=entity,
            listing=entity.listings[0],
            country=country,
            issued=dates.get("issue date"),
            expires=dates.get("expiration date"),
        )


def _attach_relations(
    state: _State, by_profile: dict[str, _Party], entities: dict[str, Entity], names: dict[str, str]
) -> list[str]:
    """Relations on the From side (and on the To side too when the type is symmetrical).

    Returns warnings for relations whose other party is not in this file: they are left out,
    since a Relation's target_key must be a record of the same source.
    """
    warnings: list[str] = []
    for from_id, to_id, type_id in state.relations:
        kind = to_snake(state.ref("RelationType", type_id) or "related_to")
        symmetrical = state.ref_attr("RelationType", type_id, "Symmetrical") == "true"
        pairs = [(from_id, to_id)] + ([(to_id, from_id)] if symmetrical else [])
        for a, b in pairs:
            if a not in entities:
                continue
            target = by_profile.get(b or "")
            if target is None:
                warnings.append(f"{state.file}: profile {a} {kind} profile {b}, which is not in the file")
                continue
            relation = Relation(type=kind, target_name=names.get(b or ""), target_key=target.fixed_ref)
            if relation not in entities[a].relations:
                entities[a].relations.append(relation)
    return warnings


def _list_id(name: str | None) -> str:
    """OFAC's list names -> our list ids: the SDN list, or one of the non-SDN (consolidated) lists."""
    return "us_ofac_sdn" if (name or "").strip().lower() == "sdn list" else "us_ofac_cons"


def _attach_listings(state: _State, entities: dict[str, Entity]) -> None:
    """One Listing per legal list; OFAC's own sub-lists (SSI, PLC, the "Consolidated List"
    umbrella entry, ...) merge into ``us_ofac_cons``. ``listed_on`` is the earliest entry date
    unless a "Listing Date" feature stated it."""
    for entry in state.entries:
        entity = entities.get(entry.profile_id or "")
        if entity is None:
            continue
        list_id = _list_id(state.ref("List", entry.list_id))
        listing = next((x for x in entity.listings if x.list_id == list_id), None)
        if listing is None:
            listing = Listing(list_id=list_id, source_id=entity.key)
            entity.listings.append(listing)
        for type_id, comment in entry.measures:
            is_program = (state.ref("SanctionsType", type_id) or "").lower() == "program"
            if comment and is_program and comment not in listing.programs:
                listing.programs.append(comment)
        for date in entry.dates:
            if listing.listed_on is None or date < listing.listed_on:
                listing.listed_on = date
    for entity in entities.values():
        scratch, listings = entity.listings[0], entity.listings[1:]
        if not listings:
            listings = [Listing(list_id=_default_list(state.source), source_id=entity.key)]
        main = next((x for x in listings if x.list_id == _default_list(state.source)), listings[0])
        for attr in ("listed_on", "effective_on", "divestment_on"):
            if getattr(scratch, attr):
                setattr(main, attr, getattr(scratch, attr))
        entity.listings = sorted(listings, key=lambda x: x.list_id != _default_list(state.source))


def _default_list(source: str) -> str:
    return source
