"""Structure out of OFAC's free-text remarks (legacy CSV ``Remarks`` column).

The legacy SDN and consolidated CSV files carry everything that is not a name, address or vessel
column in one remarks string: birth dates and places, nationalities, identity documents, weak
aliases, securities data of CMIC entries, "Linked To" relations, contact details and program
notes, as ``;``-separated statements such as::

    DOB 10 Dec 1948; POB Aleppo, Syria; nationality Syria; Gender Male; Passport N1234567 (Syria)
    issued 01 Jan 2010 expires 01 Jan 2020; a.k.a. 'ABU X'; Linked To: SOME COMPANY.

:func:`parse_remarks` turns one such string into a :class:`Remarks` value. Statements it does not
recognise are kept verbatim in ``Remarks.free_text``; nothing is dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from redlist import identifiers
from redlist.model import Identifier, IdType, Name, NameType, Relation
from redlist.sources.common import country_code, parse_date

__all__ = ["Remarks", "parse_remarks", "split_statements"]


@dataclass(slots=True)
class Remarks:
    """The statements of one remarks string, sorted into typed slots.

    Countries (nationalities, citizenships, identifier countries) are ISO-2 codes where the
    published name is known, else the text as published. Dates are ISO 8601, possibly partial.
    ``facts`` holds recognised statements the data model has no field for, as
    ``(key, value)`` pairs in published order (e.g. ``("website", "http://...")``).
    """

    text: str = ""
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    gender: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)  # weak aliases (NameType.WEAK)
    relations: list[Relation] = field(default_factory=list)
    listed_on: str | None = None  # "Listing Date (CMIC)"
    effective_on: str | None = None  # "Effective Date (CMIC)"
    divestment_on: str | None = None  # "Purchase/Sales For Divestment Date (CMIC)"
    facts: list[tuple[str, str]] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)


# --- splitting ---------------------------------------------------------------------------------

_WEAK_OPEN = re.compile(r"^(?:alt\.\s+)?[afn]\.k\.a\.\s+'", re.IGNORECASE)
_WEAK_CLOSED = re.compile(r"'\s*\.?\s*$")


def split_statements(text: str) -> list[str]:
    """Split remarks on ``;`` outside parentheses and outside a quoted weak alias.

    Names in aliases contain apostrophes (``'ABU 'ABDALLAH'``), so quotes cannot be paired
    character by character; instead a piece is glued to the next one while it opens a
    parenthesis it does not close, or opens a ``a.k.a. '`` quote that does not end in ``'``.
    """
    pieces = text.split(";")
    out: list[str] = []
    buf: str | None = None
    for piece in pieces:
        buf = piece if buf is None else buf + ";" + piece
        stripped = buf.strip()
        if buf.count("(") > buf.count(")") or (
            _WEAK_OPEN.match(stripped) and not _WEAK_CLOSED.search(stripped)
        ):
            continue
        if stripped:
            out.append(stripped)
        buf = None
    if buf is not None and buf.strip():  # unbalanced to the end: keep what is there
        out.extend(p.strip() for p in buf.split(";") if p.strip())
    return out


# --- dates -------------------------------------------------------------------------------------

_DATE = r"(?:\d{1,2} [A-Z][a-z]{2} \d{4}|[A-Z][a-z]{2} \d{4}|\d{4})"
_RANGE = re.compile(rf"^(?:circa\s+)?({_DATE})\s*(?:to|-)\s*({_DATE})$", re.IGNORECASE)
_MAX_RANGE_YEARS = 15  # wider ranges are kept as their two ends only
# Birth, issue and listing dates repeat a lot across a list; parse each spelling once.
_date = functools.lru_cache(maxsize=16384)(parse_date)


def _strip_dot(value: str) -> str:
    return value.strip().rstrip(".").strip()


def birth_dates(value: str) -> list[str] | None:
    """ISO dates of a DOB value; a range expands to its years (or its one month).

    ``01 Jan 1960 to 31 Dec 1962`` and ``1960 to 1962`` give ``1960, 1961, 1962``; ``01 Mar 1980
    to 31 Mar 1980`` gives ``1980-03``. None when the value is not a date.
    """
    value = _strip_dot(value)
    single = _date(value)
    if single:
        return [single]
    m = _RANGE.match(value)
    if not m:
        return None
    start, end = _date(m[1]), _date(m[2])
    if not start or not end:
        return None
    whole_years = start[4:] in ("", "-01", "-01-01") and end[4:] in ("", "-12", "-12-31")
    y0, y1 = int(start[:4]), int(end[:4])
    if whole_years:
        return (
            [str(y) for y in range(y0, y1 + 1)] if 0 <= y1 - y0 <= _MAX_RANGE_YEARS else [start[:4], end[:4]]
        )
    if len(start) == len(end) == 10 and start[:7] == end[:7] and start.endswith("-01") and int(end[8:]) >= 28:
        return [start[:7]]  # the whole of one month
    return [start] if start == end else [start, end]


# --- identifiers -------------------------------------------------------------------------------

# Labels OFAC puts before an identity document or registration number, most specific first.
# Types the shared classifier gets wrong for OFAC's spellings are given here.
_ID_LABELS: dict[str, IdType | None] = {
    "Unified Social Credit Code (USCC)": IdType.USCC,
    "United Social Credit Code Certificate (USCCC)": IdType.USCC,
    "Vessel Registration Identification": None,
    "International Maritime Organization No.": IdType.IMO,
    "Aircraft Manufacturer's Serial Number (MSN)": IdType.AIRCRAFT_SERIAL,
    "Aircraft Serial Identification": IdType.AIRCRAFT_SERIAL,
    "Aircraft Construction Number (also called L/N or S/N or F/N)": IdType.AIRCRAFT_SERIAL,
    "Previous Aircraft Tail Number": IdType.AIRCRAFT_TAIL,
    "Aircraft Tail Number": IdType.AIRCRAFT_TAIL,
    "Aircraft Mode S Transponder Code": IdType.OTHER,
    "British National Overseas Passport": IdType.PASSPORT,
    "Stateless Person Passport": IdType.PASSPORT,
    "Diplomatic Passport": IdType.PASSPORT,
    "Passport Booklet": IdType.PASSPORT,
    "Passport No.": IdType.PASSPORT,
    "Passport": IdType.PASSPORT,
    "Travel Document Number": IdType.PASSPORT,
    "National Foreign ID Number": IdType.NATIONAL_ID,
    "National ID No.": IdType.NATIONAL_ID,
    "Tazkira National ID Card": IdType.NATIONAL_ID,
    "Personal ID Card": IdType.NATIONAL_ID,
    "Stateless Person ID Card": IdType.NATIONAL_ID,
    "Moroccan Personal ID No.": IdType.NATIONAL_ID,
    "Bosnian Personal ID No.": IdType.NATIONAL_ID,
    "Turkish Identification Number": IdType.NATIONAL_ID,
    "Kenyan ID No.": IdType.NATIONAL_ID,
    "Citizen's Card Number": IdType.NATIONAL_ID,
    "CNP (Personal Numerical Code)": IdType.NATIONAL_ID,
    "UAE Identification": IdType.NATIONAL_ID,
    "Numero de Identidad": IdType.NATIONAL_ID,
    "Cedula No.": IdType.NATIONAL_ID,
    "C.U.R.P. #": IdType.NATIONAL_ID,
    "C.U.R.P.": IdType.NATIONAL_ID,
    "C.U.I.P.": IdType.NATIONAL_ID,
    "C.U.I.": IdType.NATIONAL_ID,
    "D.N.I.": IdType.NATIONAL_ID,
    "N.I.E.": IdType.NATIONAL_ID,
    "I.F.E.": IdType.NATIONAL_ID,
    "Credencial electoral": IdType.NATIONAL_ID,
    "Electoral Registry No.": IdType.NATIONAL_ID,
    "Residency Number": IdType.NATIONAL_ID,
    "Refugee ID Card": IdType.NATIONAL_ID,
    "SSN": IdType.NATIONAL_ID,
    "Identification Number": IdType.NATIONAL_ID,
    "Birth Certificate Number": IdType.OTHER,
    "Driver's License No.": IdType.OTHER,
    "Cartilla de Servicio Militar Nacional": IdType.OTHER,
    "Military Registration Number": IdType.OTHER,
    "Seafarer's Identification Document": IdType.OTHER,
    "Pilot License Number": IdType.OTHER,
    "VisaNumberID": IdType.OTHER,
    "SRE Permit No.": IdType.OTHER,
    "Permit Number": IdType.OTHER,
    "Immigration No.": IdType.OTHER,
    "Romanian Permanent Resident CAN": IdType.OTHER,
    "Tax ID No.": IdType.TAX_ID,
    "Paraguayan tax identification number": IdType.TAX_ID,
    "Numero Unico de Identificacao Tributaria (NUIT)": IdType.TAX_ID,
    "Romanian Tax Registration": IdType.TAX_ID,
    "Italian Fiscal Code": IdType.TAX_ID,
    "Fiscal Code": IdType.TAX_ID,
    "V.A.T. Number": IdType.TAX_ID,
    "US FEIN": IdType.TAX_ID,
    "R.F.C. #": IdType.TAX_ID,
    "R.F.C.": IdType.TAX_ID,
    "RFC": IdType.TAX_ID,
    "C.U.I.T.": IdType.TAX_ID,
    "C.I.F.": IdType.TAX_ID,
    "NIT #": IdType.TAX_ID,
    "RUC #": IdType.TAX_ID,
    "RIF #": IdType.TAX_ID,
    "RTN": IdType.TAX_ID,
    "Legal Entity Number": IdType.LEI,
    "SWIFT/BIC": IdType.SWIFT,
    "BIK (RU)": IdType.OTHER,
    "D-U-N-S Number": IdType.OTHER,
    "Chinese Commercial Code": IdType.OTHER,
    "Government Gazette Number": IdType.REGISTRATION,
    "Business Registration Document #": IdType.REGISTRATION,
    "Business Registration Number": IdType.REGISTRATION,
    "Public Registration Number": IdType.REGISTRATION,
    "Central Registration System Number": IdType.REGISTRATION,
    "Economic Register Number (CBLS)": IdType.REGISTRATION,
    "Commercial Registry Number": IdType.REGISTRATION,
    "Certificate of Incorporation Number": IdType.REGISTRATION,
    "MSB Registration Number": IdType.REGISTRATION,
    "Registration Number": IdType.REGISTRATION,
    "Registration ID": IdType.REGISTRATION,
    "Registered Charity No.": IdType.REGISTRATION,
    "Dubai Chamber of Commerce Membership No.": IdType.REGISTRATION,
    "Istanbul Chamber of Comm. No.": IdType.REGISTRATION,
    "Chamber of Commerce Number": IdType.REGISTRATION,
    "Matricula Mercantil No": IdType.REGISTRATION,
    "Folio Mercantil No.": IdType.REGISTRATION,
    "UK Company Number": IdType.REGISTRATION,
    "Company Number": IdType.REGISTRATION,
    "Enterprise Number": IdType.REGISTRATION,
    "Branch Unit Number": IdType.REGISTRATION,
    "Business Number": IdType.REGISTRATION,
    "Organization Code": IdType.REGISTRATION,
    "Romanian C.R.": IdType.REGISTRATION,
    "C.R. No.": IdType.REGISTRATION,
    "LE Number": IdType.REGISTRATION,
    "File Number": IdType.REGISTRATION,
    "Trade License No.": IdType.REGISTRATION,
    "Tourism License No.": IdType.REGISTRATION,
    "Afghan Money Service Provider License Number": IdType.REGISTRATION,
    "License": IdType.REGISTRATION,
    "MMSI": IdType.MMSI,
    "ISIN": IdType.ISIN,
}
# Long-tail labels not in the table: "<Words> No./Number/ID/#/Code/Card <value with a digit>".
_GENERIC_ID_RE = re.compile(
    r"^(?P<label>[A-Z][A-Za-z.'/&() -]{0,60}?(?:\bNo\.?|\bNumber|\bID|#|\bCode|\bCard))"
    r":?\s+(?P<value>[^\s:]*\d.*)$",
    re.DOTALL,
)
_EXPIRES = re.compile(rf"[,]?\s+expires?\s+({_DATE})\.?$", re.IGNORECASE)
_ISSUED = re.compile(rf"[,]?\s+issued\s+({_DATE})\.?$", re.IGNORECASE)
_COUNTRY = re.compile(r"\s*\(([^()]+)\)\.?$")
_PREFIXED = re.compile(r"^(IMO|ISIN):?\s*(\S+)$")
_IMO_DIGITS = re.compile(r"^\d{7}$")
_HAS_DIGIT = re.compile(r"\d")


def _ident(kind: IdType, value: str, label: str | None, **extra: str | None) -> Identifier:
    ident = identifiers.make(kind, value, **extra)
    return dataclasses.replace(ident, label=label) if label else ident


@functools.lru_cache(maxsize=4096)
def _country(name: str) -> str | None:
    """ISO-2 for a published country, None when it is not one (then it stays in the value)."""
    return country_code(name)


def parse_id_statement(label: str, rest: str, kind: IdType | None) -> Identifier | None:
    """An identifier from ``<label> <value> (<country>) issued <date> expires <date>``."""
    value = _strip_dot(rest)
    expires = issued = None
    # Issue and expiry dates come last, in either order; the country sits before them.
    for _ in range(2):
        if m := _EXPIRES.search(value):
            expires, value = _date(m[1]), value[: m.start()]
        elif m := _ISSUED.search(value):
            issued, value = _date(m[1]), value[: m.start()]
    country = None
    if (m := _COUNTRY.search(value)) and (code := _country(m[1].strip())):
        country, value = code, value[: m.start()]
    value = value.strip().rstrip(",").strip()
    if " " in value and not _HAS_DIGIT.search(value):
        return None  # "Passport issued in Sarajevo": a note, not a number (tail numbers may lack digits)
    # "Vessel Registration Identification IMO 9187629", "Identification Number ISIN: RU..."
    if (kind is None or kind in (IdType.NATIONAL_ID, IdType.REGISTRATION)) and (pm := _PREFIXED.match(value)):
        kind, value = (IdType.IMO if pm[1] == "IMO" else IdType.ISIN), pm[2]
    if kind is None:  # "Vessel Registration Identification"
        # A vessel registration without the IMO prefix: an IMO number only when it looks like one.
        kind = IdType.IMO if _IMO_DIGITS.match(value) else IdType.REGISTRATION
    return _ident(kind, value, label, country=country, issued=issued, expires=expires)


# --- statements --------------------------------------------------------------------------------

_ALT = re.compile(r"^alt\.?\s+", re.IGNORECASE)
_LIST_DATE = re.compile(
    rf"^(Listing|Effective|Purchase/Sales For Divestment) Date \(([^)]*)\):?\s+({_DATE})\.?$"
)
_CMIC = {
    "Listing": "listed_on",
    "Effective": "effective_on",
    "Purchase/Sales For Divestment": "divestment_on",
}
_OTHER_DATE = {"Listing": "listing_date", "Effective": "effective_date"}

Handler = Callable[[Remarks, re.Match[str]], bool]


def _weak(out: Remarks, m: re.Match[str]) -> bool:
    alias = m[1].strip()
    if alias:
        out.names.append(Name(alias, NameType.WEAK))
    return bool(alias)


def _dob(out: Remarks, m: re.Match[str]) -> bool:
    dates = birth_dates(m[1])
    if dates:
        out.birth_dates.extend(d for d in dates if d not in out.birth_dates)
    return bool(dates)


def _country_or_text(value: str) -> str:
    value = _strip_dot(value)
    return _country(value) or value


def _pob(out: Remarks, m: re.Match[str]) -> bool:
    out.birth_places.append(_strip_dot(m[1]))
    return True


def _nationality(out: Remarks, m: re.Match[str]) -> bool:
    out.nationalities.append(_country_or_text(m[1]))
    return True


def _citizen(out: Remarks, m: re.Match[str]) -> bool:
    out.citizenships.append(_country_or_text(m[1]))
    return True


def _gender(out: Remarks, m: re.Match[str]) -> bool:
    out.gender = m[1].lower()
    return True


def _linked(out: Remarks, m: re.Match[str]) -> bool:
    out.relations.append(Relation("linked_to", target_name=m[1].strip()))
    return True


def _crypto(out: Remarks, m: re.Match[str]) -> bool:
    out.identifiers.append(_ident(IdType.CRYPTO, m[2], m[1].upper()))
    return True


def _ticker(out: Remarks, m: re.Match[str]) -> bool:
    out.identifiers.append(_ident(IdType.TICKER, m[1], "Equity Ticker", market=m[2]))
    return True


def _list_date(out: Remarks, m: re.Match[str]) -> bool:
    iso = _date(m[3])
    if m[2] == "CMIC" and iso:
        setattr(out, _CMIC[m[1]], iso)
    else:  # e.g. "Listing Date (EO 14024 Directive 2): 24 Feb 2022"
        out.facts.append((_OTHER_DATE.get(m[1], "divestment_date"), f"{m[2]}: {iso or m[3]}"))
    return True


def _fact(key: str, *, date: bool = False, keep_dot: bool = False) -> Handler:
    """A handler storing group 1 as ``(key, value)`` in ``facts``."""

    def handle(out: Remarks, m: re.Match[str]) -> bool:
        value = m[1].strip() if keep_dot else _strip_dot(m[1])
        out.facts.append((key, (_date(value) or value) if date else value))
        return True

    return handle


# Statement patterns by their first word (case-folded, ``alt.`` and a trailing colon removed), so
# that each statement is tried against a handful of patterns, not all of them.
_RULES: list[tuple[str, str, Handler]] = [
    ("a.k.a.", r"^[afn]\.k\.a\.?\s+'(.*)'\s*\.?$", _weak),
    ("f.k.a.", r"^[afn]\.k\.a\.?\s+'(.*)'\s*\.?$", _weak),
    ("n.k.a.", r"^[afn]\.k\.a\.?\s+'(.*)'\s*\.?$", _weak),
    ("dob", r"^DOB:?\s+(.+)$", _dob),
    ("pob", r"^POB:?\s+(.+)$", _pob),
    ("nationality", r"^Nationality of Registration:?\s+(.+)$", _fact("nationality_of_registration")),
    ("nationality", r"^[Nn]ationality:?\s+(.+)$", _nationality),
    ("citizen", r"^[Cc]itizen:?\s+(.+)$", _citizen),
    ("gender", r"^Gender:?\s+(Male|Female)\b", _gender),
    ("linked", r"^Linked To:\s*(.+?)\.?$", _linked),
    ("digital", r"^Digital Currency Address\s*-\s*([A-Za-z0-9]+)\s+(\S+?)\.?$", _crypto),
    ("equity", r"^Equity Ticker:?\s+(\S+)(?:\s+(\S+?))?\.?$", _ticker),
    ("listing", _LIST_DATE.pattern, _list_date),
    ("effective", _LIST_DATE.pattern, _list_date),
    ("purchase/sales", _LIST_DATE.pattern, _list_date),
    (
        "organization",
        r"^Organization Established Date:?\s+(.+)$",
        _fact("organization_established", date=True),
    ),
    ("organization", r"^Organization Type:?\s+(.+)$", _fact("organization_type")),
    ("target", r"^Target Type:?\s+(.+)$", _fact("target_type")),
    ("issuer", r"^Issuer Name:?\s+(.+)$", _fact("issuer_name")),
    ("website", r"^Website:?\s+(.+)$", _fact("website", keep_dot=True)),
    ("email", r"^Email(?: Address)?:?\s+(.+)$", _fact("email")),
    ("phone", r"^Phone(?: Number| No\.)?:?\s+(.+)$", _fact("phone")),
    ("telephone", r"^Telephone(?: Number| No\.)?:?\s+(.+)$", _fact("phone")),
    ("fax", r"^Fax(?: No\.)?:?\s+(.+)$", _fact("fax")),
    ("secondary", r"^Secondary sanctions risk:?\s+(.+)$", _fact("secondary_sanctions_risk")),
    (
        "additional",
        r"^Additional Sanctions Information\s*-?\s*(.+)$",
        _fact("additional_sanctions_information"),
    ),
    ("executive", r"^Executive Order 13846 information:?\s*(.+)$", _fact("eo13846_information")),
    ("executive", r"^(Executive Order \d+ Directive Determination.*)$", _fact("directive_determination")),
    ("executive", r"^(Executive Order \d+ Directive Information.*)$", _fact("directive_information")),
    ("caatsa", r"^(CAATSA Section \d+ Information:.*)$", _fact("caatsa_information")),
    (
        "transactions",
        r"^Transactions Prohibited For Persons Owned or Controlled By U\.S\. Financial Institutions:?\s*(.+)$",
        _fact("transactions_prohibited"),
    ),
    ("aircraft", r"^Aircraft Model:?\s+(.+)$", _fact("aircraft_model")),
    ("aircraft", r"^Aircraft Manufacture Date:?\s+(.+)$", _fact("aircraft_manufacture_date", date=True)),
    ("aircraft", r"^Aircraft Operator:?\s+(.+)$", _fact("aircraft_operator")),
    ("former", r"^Former Vessel Flag:?\s+(.+)$", _fact("former_vessel_flag")),
    ("other", r"^Other Vessel Flag:?\s+(.+)$", _fact("other_vessel_flag")),
    ("other", r"^Other Vessel Call Sign:?\s+(.+)$", _fact("other_vessel_call_sign")),
    ("other", r"^Other Vessel Type:?\s+(.+)$", _fact("other_vessel_type")),
    ("vessel", r"^Vessel Year of Build:?\s+(.+)$", _fact("vessel_year_of_build")),
]
_BY_WORD: dict[str, list[tuple[re.Pattern[str], Handler]]] = {}
for _word, _pattern, _handler in _RULES:
    _BY_WORD.setdefault(_word, []).append((re.compile(_pattern, re.DOTALL), _handler))


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0].rstrip(":").casefold()


# Identifier labels grouped by first word, each group one regex (longest label first).
_ID_BY_WORD: dict[str, re.Pattern[str]] = {
    word: re.compile(
        r"^(?P<label>"
        + "|".join(
            re.escape(k)
            for k in sorted((k for k in _ID_LABELS if _first_word(k) == word), key=len, reverse=True)
        )
        + r")(?::|\s*:)?\s+(?P<value>\S.*)$",
        re.DOTALL,
    )
    for word in {_first_word(k) for k in _ID_LABELS}
}


def _statement(out: Remarks, stmt: str) -> None:
    """Sort one statement into ``out``; unknown statements go to ``free_text`` as published."""
    body = _ALT.sub("", stmt, count=1)
    word = _first_word(body)
    for pattern, handle in _BY_WORD.get(word, ()):
        if (m := pattern.match(body)) and handle(out, m):
            return
    rx = _ID_BY_WORD.get(word)
    m = (rx.match(body) if rx else None) or _GENERIC_ID_RE.match(body)
    if m:
        label = m["label"]
        kind = _ID_LABELS[label] if label in _ID_LABELS else identifiers.classify(label)
        ident = parse_id_statement(label, m["value"], kind)
        if ident is not None:
            out.identifiers.append(ident)
            return
    out.free_text.append(stmt)


def parse_remarks(text: str | None) -> Remarks:
    """Parse an OFAC remarks string into a :class:`Remarks` (empty for None / ``-0-``)."""
    if not text or text.strip() in ("", "-0-"):
        return Remarks()
    text = text.strip()
    out = Remarks(text=text)
    for stmt in split_statements(text):
        _statement(out, stmt)
    return out
