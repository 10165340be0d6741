"""The trade.gov Consolidated Screening List (CSL): ``consolidated.json`` and ``consolidated.csv``.

The CSL copies eleven or so US lists into one file, one row per list entry, each row naming its
list in ``source`` ("Entity List (EL) - Bureau of Industry and Security"). Every row becomes one
record of the source ``us_trade_csl`` with one :class:`Listing` on the legal list it was copied
from (matched by the abbreviation in parentheses, see :func:`list_id_for`).

Record keys: the CSL ``_id`` when the file has one (the 2025 CSV and the JSON download);
otherwise (the 2019 CSV, JSON rebuilt without ids) a digest of the row's identifying fields
(list, entity number, name, start date), so that a row whose addresses or remarks change keeps
its key and shows as amended. Rows that still share a key get ``-2``, ``-3`` ... in published
order.

``entity_id`` links the row with the same entry from other sources: OFAC rows (SDN and the
Treasury non-SDN lists) use the OFAC entity number, DPL rows the DPL name + start date, and the
other lists (EL, MEU, UVL, DTC, ISN) the list and the name.

Entity type: ``Individual``/``Entity``/``Vessel``/``Aircraft`` as published. Rows of the BIS and
State lists carry no type: DPL and DTC rows (mostly people) are typed by
:func:`~redlist.sources.bis_dpl.dpl_entity_type` (legal-form words -> organisation, else
person); EL, MEU, UVL and ISN rows (overwhelmingly companies and institutes) are organisations.

Names: ``name`` is the primary name as published (stripped of the DPL's leading spaces);
``alt_names`` are AKAs. ISN names end in "; and any successor, sub-unit, or subsidiary thereof":
the published name stays primary and the name without that tail is added as an AKA, because
screening tools match on the company's own name.

CSV quirks (see :func:`parse_csl_csv`): multi-valued cells are joined with ``"; "``; an address
is its parts joined with ``", "``; ``ids`` entries are ``"type, number, country"`` in the 2025
layout and ``"country, number, type"`` (country optional) in the 2019 layout.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from redlist import identifiers
from redlist.errors import SourceError
from redlist.model import Address, Entity, EntityType, Identifier, Listing, Name, NameType
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.bis_dpl import dpl_entity_type, split_fr_citations
from redlist.sources.common import (
    clean,
    country_code,
    decode_text,
    digest,
    dpl_entity_id,
    named_entity_id,
    ofac_entity_id,
    parse_date,
    sized_rows,
)
from redlist.sources.fr_pages import listing_date
from redlist.util import gc_paused

SOURCE = "us_trade_csl"

# --- lists ---------------------------------------------------------------------------------------

#: CSL list abbreviations (and older spellings) -> list id.
_ABBREVIATIONS: dict[str, str] = {
    "SDN": "us_ofac_sdn",
    "EL": "us_bis_el",
    "MEU": "us_bis_meu",
    "UVL": "us_bis_uvl",
    "DPL": "us_bis_dpl",
    "DTC": "us_state_dtc",
    "ISN": "us_state_isn",
    "SSI": "us_ofac_cons",
    "FSE": "us_ofac_cons",
    "PLC": "us_ofac_cons",
    "CAP": "us_ofac_cons",
    "CAPTA": "us_ofac_cons",
    "561": "us_ofac_cons",  # "Part 561 List", CAPTA's predecessor
    "CMIC": "us_ofac_cons",
    "NS-CMIC": "us_ofac_cons",
    "NS-MBS": "us_ofac_cons",
    "MBS": "us_ofac_cons",
    "NS-ISA": "us_ofac_cons",  # "Non-SDN Iranian Sanctions Act List", NS-MBS's predecessor
}
# Wordings, for a source cell without the abbreviation in parentheses.
_WORDINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), list_id)
    for p, list_id in (
        (r"specially designated nationals", "us_ofac_sdn"),
        (r"denied persons", "us_bis_dpl"),
        (r"unverified", "us_bis_uvl"),
        (r"military end.?user", "us_bis_meu"),
        (r"\bentity list", "us_bis_el"),
        (r"debarred|\bitar\b", "us_state_dtc"),
        (r"nonproliferation", "us_state_isn"),
        (
            r"sectoral sanctions|foreign sanctions evaders|palestinian legislative|capta|correspondent account"
            r"|chinese military|menu.based|iranian sanctions act|part 561",
            "us_ofac_cons",
        ),
    )
]
_PAREN = re.compile(r"\(([^()]+)\)")
#: Lists whose CSL rows are copies of OFAC records (entity numbers shared with OFAC's files).
OFAC_LISTS = frozenset({"us_ofac_sdn", "us_ofac_cons"})


@functools.lru_cache(maxsize=256)
def list_id_for(source: str) -> str | None:
    """The list id for a CSL ``source`` cell, or None when the list is unknown.

    Matches the abbreviation in parentheses ("... (NS-MBS List) - Treasury Department" ->
    NS-MBS), then a bare abbreviation ("SDN"), then the list's wording.
    """
    text = source.strip()
    for m in _PAREN.finditer(text):
        abbr = re.sub(r"\s+list$", "", m[1].strip(), flags=re.IGNORECASE).upper()
        if abbr in _ABBREVIATIONS:
            return _ABBREVIATIONS[abbr]
    if text.upper() in _ABBREVIATIONS:
        return _ABBREVIATIONS[text.upper()]
    for pattern, list_id in _WORDINGS:
        if pattern.search(text):
            return list_id
    return None


# --- CSV layouts ---------------------------------------------------------------------------------

#: The 28 columns of the CSV since at least 2019; the 2025 layout adds ``_id`` in front.
CSV_COLUMNS = (
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)

_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_VESSEL_FIELDS = (
    ("call_sign", "call_sign"),
    ("vessel_type", "type"),
    ("vessel_flag", "flag"),
    ("gross_tonnage", "tonnage"),
    ("gross_registered_tonnage", "grt"),
    ("vessel_owner", "owner"),
)
_ISN_TAIL = re.compile(
    r"[;,]?\s*and any successors?,? sub-units?,? (?:or|and) subsidiar(?:y|ies) thereof\.?\s*$", re.I
)
# Multi-valued CSV cells are joined with "; ". An EL address may itself read "...; and ..."
# (one published cell of several street addresses, the city and country only at its end), so
# in addresses a ";" followed by "and" does not split. In aliases it is the list's last item.
_SPLIT = re.compile(r"\s*;(?!\s*and\b)\s*")
_LEADING_AND = re.compile(r"^and\s+", re.IGNORECASE)
_ISO2 = re.compile(r"[A-Z]{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# ids entries that are not identifiers: the sanctions consequences OFAC files under "ids".
_SANCTIONS_INFO = re.compile(
    r"sanctions risk|directive determination|additional sanctions information|transactions prohibited"
    r"|effective date|listing date|divestment|ifca determination|executive order|prohibited",
    re.IGNORECASE,
)
_VESSEL_INFO = re.compile(
    r"^(?:(former|other) )?vessel (flag|type|call sign|year of build|owner)$|^aircraft (model|operator|manufacture date)$",
    re.IGNORECASE,
)


_SPLIT_ALL = re.compile(r"\s*;\s*")


def _split(cell: str | None, keep_and: bool = False) -> list[str]:
    """Split a ``"; "``-joined cell; with ``keep_and``, ``"; and ..."`` continues the item."""
    if not cell:
        return []
    pattern = _SPLIT if keep_and else _SPLIT_ALL
    return [p for p in (part.strip() for part in pattern.split(cell)) if p]


# --- a layout-independent row --------------------------------------------------------------------


@dataclass(slots=True)
class _Id:
    type: str
    number: str | None
    country: str | None = None
    issued: str | None = None
    expires: str | None = None


@dataclass(slots=True)
class _Row:
    """One CSL entry with its multi-valued fields split, whatever file it came from."""

    fields: dict[str, str | None]  # single-valued columns, cleaned
    programs: list[str] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    ids: list[_Id] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)


_SINGLE = (
    "_id",
    "source",
    "entity_number",
    "type",
    "name",
    "title",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
)


# --- CSV -----------------------------------------------------------------------------------------


def parse_csl_csv(files: Files) -> ParseResult:
    """Parse the CSL CSV (``consolidated.csv``, or ``csl.csv`` for the older download name).

    Two layouts are known, told apart by the header: the 28 columns of :data:`CSV_COLUMNS`
    (2019) and the same with ``_id`` in front (2025). Any missing column is a SourceError naming
    it; extra columns are ignored with a warning.

    Cells: programs, alt_names, citizenships, nationalities, dates_of_birth and places_of_birth
    are ``"; "``-joined. An address is its street, city, state, postal code and country joined
    with ``", "`` with empty parts left out, so the parts cannot be told apart again: the last
    part becomes the country when it is an ISO code, a lone remaining part without digits the
    city, and anything else stays together in ``street``. ``ids`` entries read ``"type, number,
    country[, issue date, expiry date]"`` in the 2025 layout and ``"[country, ]number, type"`` in
    the 2019 layout; the number itself may contain commas.
    """
    name = "consolidated.csv" if "consolidated.csv" in files else "csl.csv"
    data = files.get(name)
    if data is None:
        raise SourceError("consolidated.csv (or csl.csv) is missing", source=SOURCE, file="consolidated.csv")
    text = decode_text(data, source=SOURCE, file=name)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise SourceError(
            f"unknown column layout: missing column(s) {', '.join(missing)}", source=SOURCE, file=name, line=1
        )
    type_first = "_id" in header  # the 2025 layout writes ids as "type, number, country"
    result = ParseResult(records=[], format="csv")
    extra = [h for h in header if h not in CSV_COLUMNS and h != "_id"]
    if extra:
        result.warnings.append(f"{name}: ignored unknown column(s) {', '.join(extra)}")
    index = {h: i for i, h in enumerate(header)}

    with gc_paused():
        parsed = [
            (start, _csv_row(cells, index, type_first))
            for start, cells in sized_rows(
                reader, text, len(header), source=SOURCE, file=name, errors=result.row_errors
            )
        ]
        _build(parsed, name, result)
    result.row_errors.sort(key=lambda e: e.line)
    return result


def _csv_row(cells: list[str], index: Mapping[str, int], type_first: bool) -> _Row:
    def get(col: str) -> str | None:
        i = index.get(col)
        return clean(cells[i]) if i is not None else None

    return _Row(
        fields={col: get(col) for col in _SINGLE},
        programs=_split(get("programs")),
        alt_names=_split(get("alt_names")),
        addresses=[_csv_address(a) for a in _split(get("addresses"), keep_and=True)],
        ids=[i for i in (_csv_id(e, type_first) for e in _split(get("ids"))) if i],
        citizenships=_split(get("citizenships")),
        nationalities=_split(get("nationalities")),
        dates_of_birth=_split(get("dates_of_birth")),
        places_of_birth=_split(get("places_of_birth")),
    )


@functools.lru_cache(maxsize=16384)
def _csv_address(text: str) -> Address:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    country = code = None
    if parts and _ISO2.fullmatch(parts[-1]):
        code = country_code(parts[-1])
        if code:
            country = parts.pop()
    if len(parts) == 1 and not any(ch.isdigit() for ch in parts[0]):
        return Address(city=parts[0], country=country, country_code=code)
    return Address(street=", ".join(parts) or None, country=country, country_code=code)


def _csv_id(entry: str, type_first: bool) -> _Id | None:
    parts = [p.strip() for p in entry.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    if len(parts) == 1:
        return _Id(type=parts[0], number=None)
    if type_first:
        kind, rest = parts[0], parts[1:]
        dates: list[str] = []
        while rest and len(dates) < 2 and _ISO_DATE.fullmatch(rest[-1]):
            dates.insert(0, rest.pop())
        country = rest.pop() if len(rest) > 1 and _ISO2.fullmatch(rest[-1]) else None
        return _Id(kind, ", ".join(rest) or None, country, *dates)
    kind, rest = parts[-1], parts[:-1]
    country = rest.pop(0) if len(rest) > 1 and _ISO2.fullmatch(rest[0]) else None
    return _Id(kind, ", ".join(rest), country)


# --- JSON ----------------------------------------------------------------------------------------


def parse_csl_json(files: Files) -> ParseResult:
    """Parse ``consolidated.json``: ``{"results": [...]}``, a bare list, or an API response.

    An API-style wrapper may state ``total`` (or ``count``): that becomes ``expected_count``,
    and a response holding fewer results than its total (one page of a paged search) is refused.
    In a result, ``addresses`` and ``ids`` are lists of objects, the other multi-valued fields
    lists of strings (a string is split like a CSV cell). For JSON row errors, ``line`` is the
    1-based position of the entry in ``results``.
    """
    file = "consolidated.json"
    data = files.get(file)
    if data is None:
        raise SourceError(f"{file} is missing", source=SOURCE, file=file)
    text = decode_text(data, source=SOURCE, file=file)
    try:
        with gc_paused():
            doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"invalid or truncated JSON: {exc.msg}", source=SOURCE, file=file, line=exc.lineno
        ) from exc
    except RecursionError:
        # the parser recursed into a file nested thousands deep: not the CSL's shape
        raise SourceError(
            "JSON nested too deeply to be the CSL (a corrupt or hostile file)", source=SOURCE, file=file
        ) from None

    result = ParseResult(records=[], format="json")
    if isinstance(doc, list):
        entries = doc
    elif isinstance(doc, dict) and isinstance(doc.get("results"), list):
        entries = doc["results"]
        total = doc.get("total", doc.get("count"))
        if isinstance(total, int) and not isinstance(total, bool):
            result.expected_count = total
            if len(entries) < total:
                raise SourceError(
                    f"holds {len(entries)} of its {total} results (one page of a paged API response?)",
                    source=SOURCE,
                    file=file,
                )
    else:
        raise SourceError(
            'expected {"results": [...]} or a list of entries', source=SOURCE, file=file, line=1
        )

    with gc_paused():
        _json_entries(entries, file, result)
    return result


def _json_entries(entries: list[Any], file: str, result: ParseResult) -> None:
    parsed: list[tuple[int, _Row]] = []
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            result.row_errors.append(RowError(file, n, f"entry {n} is {type(entry).__name__}, not an object"))
            continue
        try:
            parsed.append((n, _json_row(entry)))
        except (TypeError, AttributeError, ValueError) as exc:
            result.row_errors.append(RowError(file, n, f"entry {n}: malformed field ({exc})"))
    _build(parsed, file, result)


def _strings(value: Any) -> list[str]:
    """A JSON multi-valued field: a list of strings, or one "; "-joined string."""
    if value is None:
        return []
    if isinstance(value, str):
        return _split(value)
    if isinstance(value, list):
        return [s for s in (clean(str(v)) for v in value if v is not None) if s]
    raise TypeError(f"expected a list, got {type(value).__name__}")


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):  # programs or citations occasionally come as lists
        value = "; ".join(str(v) for v in value if v)
    return clean(str(value))


def _json_row(entry: Mapping[str, Any]) -> _Row:
    fields: dict[str, str | None] = dict.fromkeys(_SINGLE)
    for col, value in entry.items():
        if col in fields and value is not None:
            fields[col] = _json_text(value)
    fields["_id"] = fields["_id"] or _json_text(entry.get("id"))
    addresses = []
    for a in entry.get("addresses") or []:
        if isinstance(a, str):
            addresses.append(_csv_address(a))
            continue
        country = _json_text(a.get("country"))
        addresses.append(
            Address(
                street=_json_text(a.get("address")),
                city=_json_text(a.get("city")),
                state=_json_text(a.get("state")),
                postal_code=_json_text(a.get("postal_code")),
                country=country,
                country_code=country_code(country) if country else None,
            )
        )
    ids = []
    for i in entry.get("ids") or []:
        if isinstance(i, str):
            parsed = _csv_id(i, type_first=True)
            if parsed:
                ids.append(parsed)
            continue
        kind = _json_text(i.get("type"))
        if kind:
            ids.append(
                _Id(
                    kind,
                    _json_text(i.get("number")),
                    _json_text(i.get("country")),
                    _json_text(i.get("issue_date")),
                    _json_text(i.get("expiration_date")),
                )
            )
    return _Row(
        fields=fields,
        programs=_strings(entry.get("programs")),
        alt_names=_strings(entry.get("alt_names")),
        addresses=addresses,
        ids=ids,
        citizenships=_strings(entry.get("citizenships")),
        nationalities=_strings(entry.get("nationalities")),
        dates_of_birth=_strings(entry.get("dates_of_birth")),
        places_of_birth=_strings(entry.get("places_of_birth")),
    )


# --- rows -> records -----------------------------------------------------------------------------


def _build(rows: Iterable[tuple[int, _Row]], file: str, result: ParseResult) -> None:
    """Turn parsed rows into records, giving keys unique within the snapshot."""
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            entity = _entity(row)
        except _RowProblem as exc:
            result.row_errors.append(RowError(file, line, str(exc)))
            continue
        n = seen.get(entity.key, 0) + 1
        seen[entity.key] = n
        if n > 1:
            entity.key = f"{entity.key}-{n}"
        result.records.append(entity)


class _RowProblem(ValueError):
    """A row that cannot become a record."""


def _entity(row: _Row) -> Entity:
    f = row.fields
    source, name = f["source"], f["name"]
    if not source:
        raise _RowProblem("empty source")
    list_id = list_id_for(source)
    if list_id is None:
        raise _RowProblem(f"unknown source list {source!r}")
    if not name:
        raise _RowProblem("empty name")
    entity_number = f["entity_number"]
    start = parse_date(f["start_date"])

    if list_id in OFAC_LISTS and entity_number:
        try:
            entity_id = ofac_entity_id(entity_number)
        except ValueError:
            raise _RowProblem(f"entity_number {entity_number!r} is not a number") from None
    elif list_id == "us_bis_dpl":
        entity_id = dpl_entity_id(name, start)
    else:
        entity_id = named_entity_id(list_id, name)

    key = f["_id"] or digest(list_id, entity_number, name, f["start_date"])
    source_id = entity_number if (list_id in OFAC_LISTS and entity_number) else (f["_id"] or entity_number)

    entity = Entity(
        source=SOURCE,
        key=key,
        entity_id=entity_id,
        type=_entity_type(f["type"], list_id, name),
        names=_names(name, row.alt_names, list_id),
        addresses=row.addresses,
        nationalities=row.nationalities,
        citizenships=row.citizenships,
        birth_dates=[parse_date(d) or d for d in row.dates_of_birth],
        birth_places=row.places_of_birth,
        title=f["title"],
        vessel={out: value for col, out in _VESSEL_FIELDS if (value := f[col])},
    )
    listing = Listing(
        list_id=list_id,
        source_id=source_id,
        programs=row.programs,
        listed_on=start,
        ends_on=parse_date(f["end_date"]),
        federal_register=split_fr_citations(f["federal_register_notice"]),
        license_requirement=f["license_requirement"],
        license_policy=f["license_policy"],
        standard_order=f["standard_order"],
        source_url=f["source_list_url"],
        remarks=f["remarks"],
    )
    _apply_ids(entity, listing, row.ids)
    if listing.listed_on is None and list_id in FR_DATED_LISTS:
        _date_from_citations(listing, f["federal_register_notice"])
    entity.listings = [listing]
    codes = {a.country_code for a in entity.addresses if a.country_code}
    codes.update(c for c in map(_code, row.nationalities + row.citizenships) if c)
    entity.countries = sorted(codes)
    return entity


#: BIS lists whose CSL rows often lack a start_date but cite the rules that listed them.
FR_DATED_LISTS = frozenset({"us_bis_el", "us_bis_meu", "us_bis_uvl"})


def _date_from_citations(listing: Listing, text: str | None) -> None:
    """Date an undated BIS entry by its earliest Federal Register citation, when provable."""
    dated = listing_date([text])
    if dated is not None:
        listing.listed_on = dated.date
        listing.listed_on_basis = dated.label


def _code(value: str) -> str | None:
    return country_code(value)


def _entity_type(published: str | None, list_id: str, name: str) -> EntityType:
    if published:
        return _TYPES.get(published.strip().lower(), EntityType.UNKNOWN)
    if list_id in ("us_bis_dpl", "us_state_dtc"):
        return dpl_entity_type(name)
    # EL, MEU, UVL, ISN (and an OFAC row without a type, which OFAC uses for entities).
    return EntityType.ORGANIZATION


def _names(name: str, alt_names: list[str], list_id: str) -> list[Name]:
    names = [Name(name)]
    seen = {name.casefold()}
    candidates: list[str] = []
    if list_id == "us_state_isn":
        candidates.append(_ISN_TAIL.sub("", name).strip())
    candidates.extend(_LEADING_AND.sub("", a).strip() for a in alt_names)
    for alias in candidates:
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            names.append(Name(alias, NameType.AKA))
    return names


def _apply_ids(entity: Entity, listing: Listing, ids: list[_Id]) -> None:
    """Route ``ids`` entries: identifiers, gender, vessel details, or sanctions information."""
    notes: list[str] = []
    out: list[Identifier] = []
    for i in ids:
        kind = i.type.rstrip(" :-")
        value = i.number
        low = kind.lower()
        if low == "gender":
            entity.gender = value.lower() if value else None
        elif _VESSEL_INFO.match(kind):
            if value:
                entity.vessel.setdefault(re.sub(r"\W+", "_", low.replace("vessel ", "")).strip("_"), value)
        elif _SANCTIONS_INFO.search(kind):
            date = parse_date(value)
            if "divestment" in low and date:
                listing.divestment_on = date
            elif "effective date" in low and date:
                listing.effective_on = date
            elif "listing date" in low and date:
                listing.listed_on = listing.listed_on or date
            notes.append(f"{kind}: {value}" if value else kind)
        elif value:
            country = i.country
            code = country_code(country) if country else None
            out.append(
                identifiers.make(
                    kind,
                    value,
                    country=code or country,
                    issued=parse_date(i.issued) or i.issued,
                    expires=parse_date(i.expires) or i.expires,
                )
            )
    entity.identifiers = out
    if notes:
        listing.remarks = "; ".join([listing.remarks, *notes] if listing.remarks else notes)
