"""OFAC's legacy XML publications: ``SDN.XML`` and ``CONSOLIDATED.XML``.

Both files share one layout (root ``sdnList``, a ``publshInformation`` header with
``Publish_Date`` and ``Record_Count``, then one ``sdnEntry`` per record). OFAC has used two
namespaces for it: ``http://tempuri.org/sdnList.xsd`` (treasury.gov era) and, since its 2024
Sanctions List Service, ``https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML``.
Tags are matched by local name so either (or a future one) parses.

The streaming helpers at the top (:func:`iter_records`) are shared with :mod:`ofac_advanced`:
they refuse DTDs (hence entity bombs and external entities) up front, then stream the file
through the C-accelerated expat parser so that a 100 MB publication parses fast and without
building the whole tree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser
from xml.parsers import expat

from redlist import identifiers
from redlist.errors import SourceError
from redlist.model import (
    Address,
    Entity,
    EntityType,
    Identifier,
    IdType,
    Listing,
    Name,
    NameType,
    Relation,
)
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.common import check_bytes, clean, country_code, local, ofac_entity_id, parse_date
from redlist.util import gc_paused

SDN_FILE = "sdn.xml"
CONS_FILE = "consolidated.xml"

#: Namespaces OFAC has published the legacy XML under (others parse, with a warning).
KNOWN_NAMESPACES = (
    "http://tempuri.org/sdnList.xsd",
    "http://tempuri.org/consolidated.xsd",
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
)

_CHUNK = 1 << 20

# --- safe streaming XML ------------------------------------------------------------------------


class _PrologDone(Exception):
    """Raised from the prolog scan once the root element starts."""


def scan_prolog(data: bytes, *, source: str, file: str) -> str | None:
    """Refuse any DTD before the root element; return the root tag (Clark notation) if found.

    Entity expansion bombs and external entities both need a DOCTYPE declaration, which can
    only appear in the prolog, so scanning up to the first element is enough; the main parse
    then runs on the fast C parser. Syntax errors are left to the main parse to report.
    """
    scanner = expat.ParserCreate(namespace_separator="}")
    root: list[str] = []

    def on_doctype(*_args: object) -> None:
        raise SourceError(
            "unsafe XML refused (DTD declaration: entity expansion or external entities)",
            source=source,
            file=file,
            line=scanner.CurrentLineNumber,
        )

    def on_start(name: str, _attrs: object) -> None:
        root.append("{" + name if "}" in name else name)
        raise _PrologDone

    scanner.StartDoctypeDeclHandler = on_doctype
    scanner.EntityDeclHandler = on_doctype
    scanner.StartElementHandler = on_start
    try:
        for offset in range(0, len(data), 65536):
            scanner.Parse(data[offset : offset + 65536], False)
    except (_PrologDone, expat.ExpatError):
        pass
    return root[0] if root else None


def line_of(data: bytes, offset: int) -> int:
    """1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def record_lines(data: bytes, tag: str) -> list[int]:
    """Line numbers of every ``<tag`` start tag, in document order (used only to report errors)."""
    pattern = re.compile(rb"<(?:[\w.-]+:)?" + re.escape(tag.encode()) + rb"[\s/>]")
    lines: list[int] = []
    line, last = 1, 0
    for m in pattern.finditer(data):
        line += data.count(b"\n", last, m.start())
        last = m.start()
        lines.append(line)
    return lines


def iter_records(
    data: bytes,
    *,
    source: str,
    file: str,
    roots: Iterable[str],
    records: Iterable[str],
) -> Iterator[tuple[str, Element]]:
    """Stream an XML publication, yielding ``(local name, element)`` for each record element.

    The first item is ``("", root)`` where ``root`` is an empty stand-in element carrying the
    root's tag (hence its namespace). Record elements are cleared after the caller has handled
    them, so memory stays bounded by the largest record (plus an empty shell per record).
    Record names must not nest inside one another. Raises :class:`SourceError` for unsafe, malformed or truncated
    XML and for an unknown root element.
    """
    root_tag = scan_prolog(data, source=source, file=file)
    roots = set(roots)
    if root_tag is not None:
        name = local(root_tag)
        if name not in roots:
            raise SourceError(
                f"unknown root element <{name}>, expected <{'> or <'.join(sorted(roots))}>",
                source=source,
                file=file,
                line=_root_line(data),
            )
        yield "", Element(root_tag)
    prefix = root_tag[: len(root_tag) - len(local(root_tag))] if root_tag else ""
    wanted = {prefix + n: n for n in records}
    # Only "end" events: half the events of start+end, and the prolog scan told us the root.
    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))
    try:
        offsets = list(range(0, len(data), _CHUNK))
        for offset in [*offsets, None]:
            if offset is None:
                parser.close()  # raises for a truncated document
            else:
                parser.feed(data[offset : offset + _CHUNK])
            # "end" events carry elements (typeshed types every kind of event)
            for _event, elem in cast(Iterator[tuple[str, Element]], parser.read_events()):
                found = wanted.get(elem.tag)
                if found is None:
                    continue
                yield found, elem
                elem.clear()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise SourceError(f"invalid or truncated XML: {exc}", source=source, file=file, line=line) from exc


def _root_line(data: bytes) -> int:
    m = re.search(rb"<[^?!]", data)
    return line_of(data, m.start()) if m else 1


def namespace_of(tag: str) -> str:
    """The namespace URI of a Clark-notation tag ('' when none)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# --- small element helpers ---------------------------------------------------------------------


_LOCAL: dict[str, str] = {}


def children(elem: Element) -> Iterator[tuple[str, Element]]:
    """``(local name, child)`` pairs (local names cached: a file has few distinct tags)."""
    names = _LOCAL
    for sub in elem:
        tag = sub.tag
        name = names.get(tag)
        if name is None:
            name = names[tag] = local(tag)
        yield name, sub


def texts(elem: Element) -> dict[str, str]:
    """Cleaned text of the leaf children by local name (first occurrence wins)."""
    names = _LOCAL
    out: dict[str, str] = {}
    for sub in elem:
        text = sub.text
        if text is None or len(sub):
            continue
        text = text.strip()
        if not text or text == "-0-":
            continue
        tag = sub.tag
        name = names.get(tag)
        if name is None:
            name = names[tag] = local(tag)
        if name not in out:
            out[name] = text
    return out


def child(elem: Element, name: str) -> Element | None:
    for n, c in children(elem):
        if n == name:
            return c
    return None


def country_or_name(name: str | None) -> str | None:
    """ISO-2 code when known, else the name as published."""
    if not name:
        return None
    return country_code(name) or name


def to_snake(text: str) -> str:
    """``"Owned or Controlled By"`` -> ``"owned_or_controlled_by"``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# Identifier-like labels that are really dates of the listing itself.
_LISTING_DATES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^listing date\b", re.I), "listed_on"),
    (re.compile(r"^effective date\b", re.I), "effective_on"),
    (re.compile(r"^purchase/sales for divestment date\b", re.I), "divestment_on"),
]
_GENDER = re.compile(r"^gender\b", re.I)
_LINKED_TO = re.compile(r"^linked to\b", re.I)
_RANGE = re.compile(r"^(.+?)\s+to\s+(.+)$", re.I)


def partial_date(text: str | None) -> str | None:
    """ISO (possibly partial) date; ``"1955 to 1958"`` -> ``"1955/1958"``; else the text as published."""
    if not text:
        return None
    iso = parse_date(text)
    if iso:
        return iso
    m = _RANGE.match(text.strip())
    if m:
        a, b = parse_date(m[1]), parse_date(m[2])
        if a and b:
            return f"{a}/{b}"
    return text.strip()


def apply_labelled(
    label: str,
    value: str,
    *,
    entity: Entity,
    listing: Listing,
    country: str | None = None,
    issued: str | None = None,
    expires: str | None = None,
) -> None:
    """Route one labelled value (legacy ``idList`` entry, advanced ``Feature``) to its field.

    Listing dates go to the listing, Gender to the entity, Linked To to a relation; the rest
    become identifiers (typed and check-digit validated; ``OTHER`` when not an identifier).
    """
    for pattern, attr in _LISTING_DATES:
        if pattern.match(label):
            iso = parse_date(value) or value
            current = getattr(listing, attr)
            if current is None or current == iso:
                setattr(listing, attr, iso)
                return
            break  # a second, different date (e.g. per directive): keep it as published below
    if _GENDER.match(label):
        entity.gender = entity.gender or value
        return
    if _LINKED_TO.match(label):
        entity.relations.append(Relation(type="linked_to", target_name=value))
        return
    entity.identifiers.append(_identifier(label, value, country, issued, expires))


def _identifier(
    label: str, value: str, country: str | None, issued: str | None, expires: str | None
) -> Identifier:
    if _kind(label) is IdType.OTHER:
        # Not an identifier scheme (websites, e-mail, sanctions notes): identifiers.make would
        # upper-case it, which garbles URLs and prose, so keep the published case.
        return Identifier(
            type=IdType.OTHER,
            value=" ".join(value.split()),
            country=country,
            label=label,
            issued=issued,
            expires=expires,
        )
    return identifiers.make(label, value, country=country, issued=issued, expires=expires)


_kind = functools.lru_cache(maxsize=1024)(identifiers.classify)


def finish(entity: Entity) -> Entity:
    """Fill ``countries`` (sorted unique ISO-2 codes of addresses, nationalities, citizenships)."""
    codes = {a.country_code for a in entity.addresses if a.country_code}
    codes.update(c for c in entity.nationalities + entity.citizenships if len(c) == 2 and c.isupper())
    entity.countries = sorted(codes)
    return entity


# --- the legacy XML ----------------------------------------------------------------------------

PARTY_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
#: OFAC party and alias types, shared with the advanced-XML parser.
ALIAS_TYPES = {"a.k.a.": NameType.AKA, "f.k.a.": NameType.FKA, "n.k.a.": NameType.NKA}
_VESSEL_FIELDS = {
    "callSign": "call_sign",
    "vesselType": "type",
    "vesselFlag": "flag",
    "vesselOwner": "owner",
    "tonnage": "tonnage",
    "grossRegisteredTonnage": "grt",
}


def parse_sdn_xml(files: Files) -> ParseResult:
    """Parse OFAC's ``SDN.XML`` (source ``us_ofac_sdn``, every record on list ``us_ofac_sdn``)."""
    return _parse(files, source="us_ofac_sdn", file=SDN_FILE, list_id="us_ofac_sdn")


def parse_cons_xml(files: Files) -> ParseResult:
    """Parse OFAC's ``CONSOLIDATED.XML`` (source and list ``us_ofac_cons``)."""
    return _parse(files, source="us_ofac_cons", file=CONS_FILE, list_id="us_ofac_cons")


def _parse(files: Files, *, source: str, file: str, list_id: str) -> ParseResult:
    data = check_bytes(files.get(file), source=source, file=file)
    with gc_paused():
        return _parse_data(data, source=source, file=file, list_id=list_id)


def _parse_data(data: bytes, *, source: str, file: str, list_id: str) -> ParseResult:
    result = ParseResult(records=[], format="xml")
    seen: set[str] = set()
    bad: list[tuple[int, str]] = []  # (ordinal of the sdnEntry, message)
    ordinal = 0
    for name, elem in iter_records(
        data, source=source, file=file, roots=("sdnList",), records=("publshInformation", "sdnEntry")
    ):
        if name == "":
            ns = namespace_of(elem.tag)
            if ns not in KNOWN_NAMESPACES:
                result.warnings.append(f"{file}: unexpected XML namespace {ns!r}")
        elif name == "publshInformation":
            _header(elem, result, source=source, file=file)
        else:
            try:
                entity = _entry(elem, source=source, list_id=list_id)
            except ValueError as exc:
                bad.append((ordinal, str(exc)))
            else:
                if entity.key in seen:
                    bad.append((ordinal, f"duplicate uid {entity.key}"))
                else:
                    seen.add(entity.key)
                    result.records.append(entity)
            ordinal += 1
    if bad:
        lines = record_lines(data, "sdnEntry")
        for index, message in bad:
            line = lines[index] if index < len(lines) else 0
            result.row_errors.append(RowError(file, line, message))
    return result


def _header(elem: Element, result: ParseResult, *, source: str, file: str) -> None:
    values = texts(elem)
    if "Publish_Date" in values:
        result.as_of = parse_date(values["Publish_Date"])
    if "Record_Count" in values:
        try:
            result.expected_count = int(values["Record_Count"])
        except ValueError:
            raise SourceError(
                f"Record_Count is not a number: {values['Record_Count']!r}", source=source, file=file
            ) from None


def _entry(elem: Element, *, source: str, list_id: str) -> Entity:
    """One ``sdnEntry``; raises ValueError for a record that cannot be keyed or named."""
    values = texts(elem)
    uid = values.get("uid")
    if not uid or not uid.isdigit():
        raise ValueError(f"sdnEntry without a numeric uid ({uid!r})")
    primary = person_name(values.get("lastName"), values.get("firstName"))
    if not primary:
        raise ValueError(f"sdnEntry {uid} has no name")
    sdn_type = (values.get("sdnType") or "").lower()
    entity = Entity(
        source=source,
        key=str(int(uid)),
        entity_id=ofac_entity_id(uid),
        type=PARTY_TYPES.get(sdn_type, EntityType.UNKNOWN),
        names=[Name(primary)],
        title=values.get("title"),
        remarks=values.get("remarks"),
    )
    listing = Listing(list_id=list_id, source_id=entity.key)
    handlers: dict[str, Callable[[Element, Entity, Listing], None]] = {
        "programList": _programs,
        "idList": _ids,
        "akaList": _akas,
        "addressList": _addresses,
        "nationalityList": _nationalities,
        "citizenshipList": _citizenships,
        "dateOfBirthList": _birth_dates,
        "placeOfBirthList": _birth_places,
        "vesselInfo": _vessel,
    }
    for name, sub in children(elem):
        handler = handlers.get(name)
        if handler is not None:
            handler(sub, entity, listing)
    entity.listings.append(listing)
    return finish(entity)


def person_name(last: str | None, first: str | None) -> str | None:
    """The ``"LAST, First"`` form OFAC's CSV files print (just the one part when one is missing)."""
    if last and first:
        return f"{last}, {first}"
    return last or first


def _programs(elem: Element, entity: Entity, listing: Listing) -> None:
    for name, sub in children(elem):
        value = clean(sub.text)
        if name == "program" and value and value not in listing.programs:
            listing.programs.append(value)


def _ids(elem: Element, entity: Entity, listing: Listing) -> None:
    for _, sub in children(elem):
        v = texts(sub)
        label, value = v.get("idType"), v.get("idNumber")
        if not label or not value:
            continue
        apply_labelled(
            label,
            value,
            entity=entity,
            listing=listing,
            country=country_or_name(v.get("idCountry")),
            issued=partial_date(v.get("issueDate")),
            expires=partial_date(v.get("expirationDate")),
        )


def _akas(elem: Element, entity: Entity, listing: Listing) -> None:
    for _, sub in children(elem):
        v = texts(sub)
        value = person_name(v.get("lastName"), v.get("firstName"))
        if not value:
            continue
        if (v.get("category") or "").lower() == "weak":
            kind = NameType.WEAK
        else:
            kind = ALIAS_TYPES.get((v.get("type") or "").lower(), NameType.AKA)
        name = Name(value, kind)
        if name not in entity.names:
            entity.names.append(name)


def _addresses(elem: Element, entity: Entity, listing: Listing) -> None:
    for _, sub in children(elem):
        v = texts(sub)
        street = ", ".join(v[k] for k in ("address1", "address2", "address3") if k in v) or None
        country = v.get("country")
        address = Address(
            street=street,
            city=v.get("city"),
            state=v.get("stateOrProvince"),
            postal_code=v.get("postalCode"),
            country=country,
            country_code=country_code(country),
        )
        if address.text():
            entity.addresses.append(address)


def _country_list(elem: Element, target: list[str]) -> None:
    for _, sub in children(elem):
        value = country_or_name(texts(sub).get("country"))
        if value and value not in target:
            target.append(value)


def _nationalities(elem: Element, entity: Entity, listing: Listing) -> None:
    _country_list(elem, entity.nationalities)


def _citizenships(elem: Element, entity: Entity, listing: Listing) -> None:
    _country_list(elem, entity.citizenships)


def _birth_dates(elem: Element, entity: Entity, listing: Listing) -> None:
    for _, sub in children(elem):
        value = partial_date(texts(sub).get("dateOfBirth"))
        if value and value not in entity.birth_dates:
            entity.birth_dates.append(value)


def _birth_places(elem: Element, entity: Entity, listing: Listing) -> None:
    for _, sub in children(elem):
        value = texts(sub).get("placeOfBirth")
        if value and value not in entity.birth_places:
            entity.birth_places.append(value)


def _vessel(elem: Element, entity: Entity, listing: Listing) -> None:
    for name, value in texts(elem).items():
        key = _VESSEL_FIELDS.get(name)
        if key:
            entity.vessel[key] = value
