"""Tests of the OFAC remarks parser (the free-text Remarks column of the legacy CSV files)."""

from __future__ import annotations

import csv
import io

import pytest

from redlist.model import IdType, NameType
from redlist.sources.ofac_remarks import birth_dates, parse_remarks, split_statements

from conftest import raw_path


def ids(text: str) -> list[tuple]:
    return [(i.type, i.value, i.country, i.issued, i.expires) for i in parse_remarks(text).identifiers]


# --- splitting ---------------------------------------------------------------------------------


def test_split_keeps_apostrophes_and_parentheses_together():
    text = "a.k.a. 'ABU 'ABDALLAH'; DOB 1960; Note (see A; B) here; a.k.a. 'AL-QA'QA'."
    assert split_statements(text) == [
        "a.k.a. 'ABU 'ABDALLAH'",
        "DOB 1960",
        "Note (see A; B) here",
        "a.k.a. 'AL-QA'QA'.",
    ]


def test_split_unbalanced_falls_back_to_plain_split():
    assert split_statements("Note (open; DOB 1960") == ["Note (open", "DOB 1960"]


def test_empty_and_null_remarks():
    for text in (None, "", "-0- ", "  "):
        r = parse_remarks(text)
        assert r.text == "" and r.free_text == [] and r.identifiers == []


# --- people ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10 Dec 1948", ["1948-12-10"]),
        ("1955", ["1955"]),
        ("Mar 1945", ["1945-03"]),
        ("circa 1951", ["1951"]),
        ("1960 to 1962", ["1960", "1961", "1962"]),
        ("01 Jan 1960 to 31 Dec 1962", ["1960", "1961", "1962"]),
        ("01 Mar 1980 to 31 Mar 1980", ["1980-03"]),
        ("circa 1954-1956", ["1954", "1955", "1956"]),
        ("01 Jan 1900 to 31 Dec 1990", ["1900", "1990"]),  # too wide to expand: its two ends
        ("05 Feb 1970 to 09 Oct 1971", ["1970-02-05", "1971-10-09"]),
        ("unknown", None),
    ],
)
def test_birth_dates(value, expected):
    assert birth_dates(value) == expected


def test_person_statements():
    r = parse_remarks(
        "DOB 10 Dec 1948; alt. DOB 1950; alt. DOB 1950; POB Aleppo, Syria; alt. POB Homs, Syria; "
        "nationality Syria; alt. nationality Atlantis; citizen Korea, North; Gender Female."
    )
    assert r.birth_dates == ["1948-12-10", "1950"]  # repeated dates are given once
    assert r.birth_places == ["Aleppo, Syria", "Homs, Syria"]
    assert r.nationalities == ["SY", "Atlantis"]  # unknown countries are kept as published
    assert r.citizenships == ["KP"]
    assert r.gender == "female"
    assert r.free_text == []


def test_weak_aliases():
    r = parse_remarks("a.k.a. 'ABU 'AMMAR'; f.k.a. 'OLD NAME'; alt. a.k.a. 'X''; a.k.a. 'BNC'.")
    assert [(n.value, n.type) for n in r.names] == [
        ("ABU 'AMMAR", NameType.WEAK),
        ("OLD NAME", NameType.WEAK),
        ("X'", NameType.WEAK),
        ("BNC", NameType.WEAK),
    ]


# --- identifiers -------------------------------------------------------------------------------


def test_identity_documents_with_country_and_dates():
    assert ids("Passport A-992535 (Saudi Arabia) issued 02 Jan 2001 expires 01 Jan 2006") == [
        (IdType.PASSPORT, "A-992535", "SA", "2001-01-02", "2006-01-01")
    ]
    assert ids("alt. Passport D10007350 (Iran) expires 13 Oct 2025.") == [
        (IdType.PASSPORT, "D10007350", "IR", None, "2025-10-13")
    ]
    assert ids("Passport G025057 issued 23 Jun 1999 expires 05 Feb 2004") == [
        (IdType.PASSPORT, "G025057", None, "1999-06-23", "2004-02-05")
    ]
    assert ids(
        "National ID No. 216040 (Yemen); Tax ID No. 100036386 (Serbia); Registration ID 14063277."
    ) == [
        (IdType.NATIONAL_ID, "216040", "YE", None, None),
        (IdType.TAX_ID, "100036386", "RS", None, None),
        (IdType.REGISTRATION, "14063277", None, None, None),
    ]
    # a parenthesis that is no country stays in the value
    assert ids("Registration Number HRA 738077 (Stuttgart) (Germany)") == [
        (IdType.REGISTRATION, "HRA 738077 (STUTTGART)", "DE", None, None)
    ]
    # OFAC's dotted abbreviations, which the shared label classifier does not know
    assert [
        i[0] for i in ids("C.U.R.P. AIMM671225HCHRRG06 (Mexico); R.F.C. DIB-771110-HQ1 (Mexico); D.N.I. 1")
    ] == [
        IdType.NATIONAL_ID,
        IdType.TAX_ID,
        IdType.NATIONAL_ID,
    ]


def test_identifier_labels_are_kept():
    (ident,) = parse_remarks("Cedula No. 6068015 (Colombia)").identifiers
    assert ident.label == "Cedula No."
    # a label not in the table, recognised by its shape
    (ident,) = parse_remarks("Seaman Book No. 4471 (Malta)").identifiers
    assert (ident.type, ident.label, ident.value, ident.country) == (
        IdType.OTHER,
        "Seaman Book No.",
        "4471",
        "MT",
    )


def test_passport_note_without_a_number_stays_text():
    r = parse_remarks("Passport issued in Sarajevo, Bosnia-Herzegovina")
    assert r.identifiers == [] and r.free_text == ["Passport issued in Sarajevo, Bosnia-Herzegovina"]


def test_securities_and_registry_codes():
    r = parse_remarks(
        "Equity Ticker 0763 HK; alt. Equity Ticker ZTCOF; ISIN CNE1000004Y2; alt. ISIN CNE1000004Y3; "
        "Unified Social Credit Code (USCC) 9111000071093019X7 (China); Legal Entity Number 253400V1H6ART1UQ0N98 (Russia)"
    )
    got = [(i.type, i.value, i.market, i.country, i.valid) for i in r.identifiers]
    assert got == [
        (IdType.TICKER, "0763", "HK", None, None),
        (IdType.TICKER, "ZTCOF", None, None, None),
        (IdType.ISIN, "CNE1000004Y2", None, None, True),
        (IdType.ISIN, "CNE1000004Y3", None, None, False),  # check digit off by one
        (IdType.USCC, "9111000071093019X7", None, "CN", True),
        (IdType.LEI, "253400V1H6ART1UQ0N98", None, "RU", True),
    ]


def test_vessels_aircraft_and_crypto():
    r = parse_remarks(
        "Vessel Registration Identification IMO 9187629; MMSI 572469210; Identification Number IMO 9187620; "
        "Vessel Registration Identification RS 150443 (Russia); "
        "Aircraft Manufacturer's Serial Number (MSN) 1023409321; Aircraft Tail Number EP-GOM; "
        "Digital Currency Address - XBT 1EfMVkxQQuZfBdocpJu6RUsCJvenQWbQyE; "
        "alt. Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
    )
    got = [(i.type, i.value, i.label, i.valid) for i in r.identifiers]
    assert got == [
        (IdType.IMO, "9187629", "Vessel Registration Identification", True),
        (IdType.MMSI, "572469210", "MMSI", None),
        (IdType.IMO, "9187620", "Identification Number", False),
        (IdType.REGISTRATION, "RS 150443", "Vessel Registration Identification", None),
        (IdType.AIRCRAFT_SERIAL, "1023409321", "Aircraft Manufacturer's Serial Number (MSN)", None),
        (IdType.AIRCRAFT_TAIL, "EP-GOM", "Aircraft Tail Number", None),
        (IdType.CRYPTO, "1EfMVkxQQuZfBdocpJu6RUsCJvenQWbQyE", "XBT", None),  # case kept
        (IdType.CRYPTO, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "ETH", None),
    ]


# --- listings, relations, facts ----------------------------------------------------------------


def test_cmic_dates_and_other_directive_dates():
    r = parse_remarks(
        "Effective Date (CMIC) 02 Aug 2021; Purchase/Sales For Divestment Date (CMIC) 03 Jun 2022; "
        "Listing Date (CMIC) 03 Jun 2021; Listing Date (EO 14024 Directive 2): 24 Feb 2022; "
        "Effective Date (EO 14024 Directive 2): 26 Mar 2022."
    )
    assert (r.listed_on, r.effective_on, r.divestment_on) == ("2021-06-03", "2021-08-02", "2022-06-03")
    assert r.facts == [
        ("listing_date", "EO 14024 Directive 2: 2022-02-24"),
        ("effective_date", "EO 14024 Directive 2: 2022-03-26"),
    ]


def test_linked_to():
    r = parse_remarks("Linked To: HIZBALLAH; Linked To: EXAMPLE CO., LTD.")
    assert [(x.type, x.target_name, x.target_key) for x in r.relations] == [
        ("linked_to", "HIZBALLAH", None),
        ("linked_to", "EXAMPLE CO., LTD", None),  # the remarks' final period cannot be told apart
    ]


def test_facts_and_free_text():
    text = (
        "Website http://www.example.test; Email Address info@example.test; Phone Number 982188526300; "
        "Organization Established Date 12 Mar 2001; Organization Type: Wholesale trade; Target Type Private Company; "
        "Secondary sanctions risk: section 1(b) of Executive Order 13224, as amended by Executive Order 13886; "
        "Additional Sanctions Information - Subject to Secondary Sanctions; "
        "Executive Order 13846 information: LOANS FROM UNITED STATES FINANCIAL INSTITUTIONS. Sec. 5(a)(i); "
        "Issuer Name Example Holdings Ltd; Member of the State Duma; ICTY indictee."
    )
    r = parse_remarks(text)
    assert r.facts == [
        ("website", "http://www.example.test"),
        ("email", "info@example.test"),
        ("phone", "982188526300"),
        ("organization_established", "2001-03-12"),
        ("organization_type", "Wholesale trade"),
        ("target_type", "Private Company"),
        (
            "secondary_sanctions_risk",
            "section 1(b) of Executive Order 13224, as amended by Executive Order 13886",
        ),
        ("additional_sanctions_information", "Subject to Secondary Sanctions"),
        ("eo13846_information", "LOANS FROM UNITED STATES FINANCIAL INSTITUTIONS. Sec. 5(a)(i)"),
        ("issuer_name", "Example Holdings Ltd"),
    ]
    assert r.free_text == ["Member of the State Duma", "ICTY indictee."]
    assert r.identifiers == [] and r.text == text


# --- real remarks ------------------------------------------------------------------------------


def _real_remarks(*parts: str) -> list[str]:
    data = raw_path(*parts).read_bytes().rstrip(b"\x1a").decode("utf-8")
    return [row[11] for row in csv.reader(io.StringIO(data, newline=""))]


def test_real_sdn_remarks_vocabulary_is_covered():
    remarks = _real_remarks("ofac_sdn", "2024-05-03", "sdn.csv")
    parsed = [parse_remarks(r) for r in remarks]
    statements = sum(len(split_statements(r)) for r in remarks if r.strip() != "-0-")
    free = sum(len(p.free_text) for p in parsed)
    assert statements == 61084
    # what is left as text is titles and notes ("Member of the State Duma ..."), 4% of statements
    assert free == 2285
    assert sum(len(p.names) for p in parsed) == 3663
    assert sum(len(p.relations) for p in parsed) == 6375
    assert sum(len(p.identifiers) for p in parsed) == 15674
    kinds = {}
    for p in parsed:
        for i in p.identifiers:
            kinds[i.type] = kinds.get(i.type, 0) + 1
    assert kinds[IdType.IMO] == 986
    assert kinds[IdType.CRYPTO] == 294
    assert kinds[IdType.PASSPORT] == 2148
    assert kinds[IdType.SWIFT] == 162  # BICs have no digits: kept as identifiers all the same


def test_real_cmic_remarks():
    remarks = _real_remarks("ofac_consolidated", "2025-12-19", "cons_prim.csv")
    cmic = [p for p in map(parse_remarks, remarks) if p.listed_on]
    assert len(cmic) == 68
    assert all(p.effective_on and p.divestment_on for p in cmic)
    isins = [i for p in cmic for i in p.identifiers if i.type == IdType.ISIN]
    assert len(isins) == 165
    # three as published fail the ISIN check digit (two CND... A-share codes and one BDR)
    assert sorted(i.value for i in isins if not i.valid) == ["BRC1EODR004", "CND10002G601", "CND10002K094"]
    assert sum(i.type == IdType.TICKER for p in cmic for i in p.identifiers) > 50
