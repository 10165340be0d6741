"""The BIS Denied Persons List as published in ``dpl.txt``.

The file is tab-delimited with double-quoted fields (``""`` escapes a quote) and a header row::

    Name  Street_Address  City  State  Country  Postal_Code  Effective_Date  Expiration_Date
    Standard_Order  Last_Update  Action  FR_Citation

It has one row per name and address, so a denied person with three known addresses appears on
three rows. Rows of the same denial are merged into one record: the record key is a digest of
the name (case- and space-insensitive) and the effective date, which is also what
:func:`~redlist.sources.common.dpl_entity_id` hashes, so a record here links with the same DPL
entry copied into the trade.gov Consolidated Screening List. When a key repeats, the addresses,
the Federal Register citations and the action notes are merged (in published order, without
repeats). The same name with another effective date is another denial and another record.
Aliases are published as separate names on separate rows and cannot be told apart from other
people, so they stay separate records.

Dates are ``MM/DD/YYYY`` (``Last_Update`` is ``YYYY-MM-DD``). ``Last_Update`` is the date a row
was last edited, not the publication date, so ``as_of`` stays None; the latest plausible
``Last_Update`` is reported in a warning.

The file does not say whether a party is a person or a company; :func:`dpl_entity_type` decides
from legal-form and business words in the name.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from redlist.errors import SourceError
from redlist.model import Address, Entity, EntityType, Listing, Name
from redlist.sources.base import Files, ParseResult, RowError
from redlist.sources.common import (
    CsvRows,
    clean,
    country_code,
    decode_text,
    digest,
    dpl_entity_id,
    norm_key,
    parse_date,
    sized_rows,
)

SOURCE = "us_bis_dpl"
LIST_ID = "us_bis_dpl"
FILE = "dpl.txt"
SOURCE_URL = "https://www.bis.doc.gov/dpl/dpl.txt"

HEADER = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)

# --- shared with the CSL parser -----------------------------------------------------------------

# Words that mark a company. Checked on the upper-cased name with word boundaries; a name
# without any of them is taken for a person (the DPL is mostly people).
_ORG_WORDS = re.compile(
    r"(?<![\w.])(?:"
    r"LTD|LTDA|LIMITED|LLC|L\.L\.C|LLP|INC|INCORPORATED|CO|CORP|CORPORATION|COMPANY|CIA|PLC|PTE|PVT|"
    r"GMBH|MBH|AG|A\.G|AB|KG|OY|BV|B\.V|NV|N\.V|SA|S\.A|SL|S\.L|SRL|S\.R\.L|SPA|S\.P\.A|SARL|A/S|"
    r"FZC|FZE|FZCO|DMCC|JSC|PJSC|OJSC|CJSC|OAO|ZAO|OOO|ANSTALT|"
    r"GROUP|HOLDINGS?|TRADING|TRADE|EXPORTS?|IMPORTS?|INTERNATIONAL|INTERNACIONAL|INTL|ENTERPRISES?|"
    r"INDUSTRIES|INDUSTRIE|INDUSTRIAL|MANUFACTURING|ENGINEERING|CONTRACTING|CONSTRUCTION|"
    r"TECHNOLOGY|TECHNOLOGIES|TECH|TECHNIK|SYSTEMS|SOLUTIONS|SERVICES?|ELECTRONICS|ELECTRONIC|"
    r"COMPUTERS|METALS|EQUIPMENT|PRODUCTS|SUPPLY|MACHINERY|REFINING|FIBERS|MICROWAVE|"
    r"AIR|AIRLINES?|AIRWAYS|AVIATION|AEROSPACE|CARGO|FREIGHT|LOGISTICS|SHIPPING|TRANSPORT|"
    r"TRANSPORTATION|TRANSPORTE|EMPRESA|ASSOCIATES|MANAGEMENT|INVEST|HANDEL|VERTRIEBS|BANK|"
    r"INSTITUTE|UNIVERSITY|LABORATORY|LABORATORIES"
    r")(?![\w])"
    r"|&|\.NET\b|\.COM\b"
)


@functools.lru_cache(maxsize=8192)
def dpl_entity_type(name: str) -> EntityType:
    """Person or organisation for a name from a list that does not say (DPL, DTC).

    A name containing a legal form (LTD, LLC, INC, CO., CORP, GMBH, S.A., JSC, FZE ...), a
    business word (TRADING, AIRLINES, AVIATION, TECHNOLOGY, SYSTEMS, INTERNATIONAL ...), an
    ampersand or a ``.NET``/``.COM`` domain is an organisation; anything else is a person.
    Brand-like company names without such a word (e.g. "TECHONWEB") come out as persons.
    """
    return EntityType.ORGANIZATION if _ORG_WORDS.search(name.upper()) else EntityType.PERSON


# A Federal Register citation starts with "<volume> FR <page>" (spelt FR, F.R., F.R or F. R.).
_FR_START = re.compile(r"\d+\s*F\.?\s?R\.?\s*\d")
_FR_TRIM = re.compile(r"^(?:[\s,;]|and\b)+|(?:[\s,;]|\band)+$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def split_fr_citations(text: str | None) -> list[str]:
    """Split a Federal Register cell into citations, as published but one per item.

    ``"67 F.R. 56530 9/4/02 67 F.R. 10890 3/11/02"`` -> ``["67 F.R. 56530 9/4/02",
    "67 F.R. 10890 3/11/02"]``; ``"83 FR 37423; 87 FR 77505"`` and ``"46 F.R. 46154 9/17/81 and
    46 F.R. 19290 3/30/81"`` likewise. A page list such as ``"82 F.R. 16788, 16789 4/6/2017"``
    stays one citation. Text that is not in ``FR`` form (State's ``"Vol. 83, No. 91,
    05/10/2018"``) is kept whole.
    """
    if not text or not text.strip():
        return []
    starts = [m.start() for m in _FR_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    out: list[str] = []
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = _FR_TRIM.sub("", _SPACES.sub(" ", text[begin:end]))
        if piece and piece not in out:
            out.append(piece)
    return out


# --- dpl.txt -------------------------------------------------------------------------------------

_US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "GU",
        "VI",
        "AS",
        "MP",
    ]
)


@dataclass(slots=True)
class _Group:
    """The rows of one denial (same name and effective date), merged."""

    name: str
    id_date: str | None  # the effective date hashed into the ids: ISO, or as published if unreadable
    effective: str | None
    expiration: str | None
    standard_order: str | None
    addresses: list[Address] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_dpl(files: Files) -> ParseResult:
    """Parse ``dpl.txt`` into one record per denial (name + effective date), rows merged.

    Raises SourceError for an empty file, an HTML page, an unknown header, a file where every
    row has the wrong number of fields, and a file that ends in the middle of a row. A single
    row with the wrong number of fields or an unreadable effective date is a RowError.
    """
    data = files.get(FILE)
    if data is None:
        raise SourceError(f"{FILE} is missing", source=SOURCE, file=FILE)
    # BIS has published dpl.txt in Latin-1: a line that is not UTF-8 is read so, and named
    decoded: list[str] = []
    text = decode_text(data, source=SOURCE, file=FILE, fallback="cp1252", warnings=decoded)
    reader = CsvRows(text, source=SOURCE, file=FILE, delimiter="\t", quotechar='"')
    header = next(reader, None)
    _check_header(header)

    result = ParseResult(records=[], format="txt", warnings=decoded)
    groups: dict[str, _Group] = {}
    last_updates: set[str] = set()
    names: list[tuple[int, str]] = []  # (line, Name as published) of every well-formed row
    for start, row in sized_rows(
        reader,
        text,
        len(HEADER),
        source=SOURCE,
        file=FILE,
        errors=result.row_errors,
        what="tab-separated fields",
        note=" (tab-separated)",
    ):
        error = _add_row(row, groups, last_updates, result.warnings, start)
        if error:
            result.row_errors.append(RowError(FILE, start, error))
        names.append((start, row[0]))

    result.records = [_entity(key, g) for key, g in groups.items()]
    _warn_out_of_order(names, result.warnings)
    plausible = sorted(d for d in last_updates if "1980" <= d[:4] <= "2100")
    if plausible:
        result.warnings.append(
            f"{FILE} carries no publication date; its latest Last_Update is {plausible[-1]}"
        )
    return result


#: BIS publishes dpl.txt sorted by Name. When at most this share of rows break the order, those
#: rows are named in a warning: a corrupted name (one flipped byte) splits a denial into a new
#: record that no count could reveal, but it lands out of order. A file mostly out of order is
#: just sorted differently, and says nothing.
_OUT_OF_ORDER_SHARE = 0.05


def _warn_out_of_order(names: list[tuple[int, str]], warnings: list[str]) -> None:
    odd = [b[0] for a, b in zip(names, names[1:], strict=False) if b[1] < a[1]]
    if odd and len(odd) <= _OUT_OF_ORDER_SHARE * len(names):
        shown = ", ".join(map(str, odd[:10])) + (" ..." if len(odd) > 10 else "")
        warnings.append(
            f"{FILE}: {len(odd)} row(s) out of the file's order by Name (a corrupted name?): line(s) {shown}"
        )


def _check_header(header: list[str] | None) -> None:
    if header is None:
        raise SourceError("no header row", source=SOURCE, file=FILE, line=1)
    got = [h.strip().lstrip("\ufeff") for h in header]
    missing = [h for h in HEADER if h not in got]
    if missing or got[: len(HEADER)] != list(HEADER):
        detail = f"missing {', '.join(missing)}" if missing else "columns out of order"
        raise SourceError(
            f"unknown column layout ({detail}); expected: {' '.join(HEADER)}",
            source=SOURCE,
            file=FILE,
            line=1,
        )


def _add_row(
    row: list[str], groups: dict[str, _Group], last_updates: set[str], warnings: list[str], line: int
) -> str | None:
    """Merge one row into its denial; return an error message for a malformed row."""
    (name, street, city, state, country, postal, eff, exp, std, updated, action, fr) = (clean(c) for c in row)
    if not name:
        return "empty Name"
    name = _SPACES.sub(" ", name)
    # A date typo is not worth refusing the file for: warn and keep the rest of the row. An
    # unreadable effective date still separates denials (it is hashed as published).
    effective = parse_date(eff)
    expiration = parse_date(exp)
    for label, raw, iso in (("Effective_Date", eff, effective), ("Expiration_Date", exp, expiration)):
        if raw and iso is None:
            warnings.append(f"{FILE}, line {line}: {name}: unreadable {label} {raw!r}")
    standard = std.upper() if std else None

    key = digest(norm_key(name), effective or eff or "")
    group = groups.get(key)
    if group is None:
        group = groups[key] = _Group(name, effective or eff, effective, expiration, standard)
    else:
        # The rows of one denial should agree; keep the first and say so when they don't.
        for label, old, new in (
            ("Expiration_Date", group.expiration, expiration),
            ("Standard_Order", group.standard_order, standard),
        ):
            if new and old and new != old:
                warnings.append(
                    f"{FILE}, line {line}: {name}: {label} {new} differs from earlier row ({old}); kept {old}"
                )
        group.expiration = group.expiration or expiration
        group.standard_order = group.standard_order or standard

    address = _address(street, city, state, country, postal)
    if address and address not in group.addresses:
        group.addresses.append(address)
    for citation in split_fr_citations(fr):
        if citation not in group.citations:
            group.citations.append(citation)
    last_update = parse_date(updated)
    if last_update:
        last_updates.add(last_update)
    note = " ".join(p for p in (f"Last update {last_update or updated}:" if updated else None, action) if p)
    if note and note not in group.notes:
        group.notes.append(note)
    return None


def _address(
    street: str | None, city: str | None, state: str | None, country: str | None, postal: str | None
) -> Address | None:
    if not any((street, city, state, country, postal)):
        return None
    code = country_code(country) if country else None
    # US rows often leave Country blank and give only the state: a US state code then means US.
    if not country and state and state.upper() in _US_STATES:
        code = "US"
    return Address(
        street=street, city=city, state=state, postal_code=postal, country=country, country_code=code
    )


def _entity(key: str, g: _Group) -> Entity:
    countries = sorted({a.country_code for a in g.addresses if a.country_code})
    listing = Listing(
        list_id=LIST_ID,
        listed_on=g.effective,
        effective_on=g.effective,
        ends_on=g.expiration,
        federal_register=g.citations,
        standard_order=g.standard_order,
        source_url=SOURCE_URL,
        remarks="\n".join(g.notes) or None,
    )
    return Entity(
        source=SOURCE,
        key=key,
        entity_id=dpl_entity_id(g.name, g.id_date),
        type=dpl_entity_type(g.name),
        names=[Name(g.name)],
        addresses=g.addresses,
        countries=countries,
        listings=[listing],
    )
